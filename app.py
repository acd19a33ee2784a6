"""Parlante: turn a prompt into a video of a presenter speaking a script.

Run with ``streamlit run app.py``. This file only wires things up: the one frozen
Settings (env vars + st.secrets), the sign-in gate (nothing else is drawn before it lets
the person in), the process-wide runtime (services + job runner), session state, the
shared sidebar and the three pages.
"""

from __future__ import annotations

import os

import streamlit as st

from core.config import Settings
from core.errors import AppError
from ui import auth, state
from ui.runtime import open_runtime, streamlit_secrets
from ui.sidebar import sidebar

st.set_page_config(page_title="Parlante", page_icon=":material/record_voice_over:", layout="wide")

try:
    settings = Settings.from_sources(os.environ, streamlit_secrets())
except AppError as err:  # a setting is invalid: say which, never a traceback
    st.error(err.message)
    st.stop()

pages = [
    st.Page("pages/create.py", title=state.t("page.create"), icon=":material/movie_edit:",
            url_path="create", default=True),
    st.Page("pages/voice_avatar.py", title=state.t("page.voice"),
            icon=":material/record_voice_over:", url_path="voice_avatar"),
    st.Page("pages/history.py", title=state.t("page.history"), icon=":material/video_library:",
            url_path="history"),
]  # fmt: skip
identity = auth.gate(settings, pages)  # until signed in: only its screen, then st.stop()
runtime = open_runtime(settings)
state.init(runtime, identity.user)
page = st.navigation(pages)
sidebar(runtime)
with st.sidebar:
    auth.sign_out(identity)
page.run()
