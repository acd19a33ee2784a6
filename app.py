"""Parlante: turn a prompt into a video of a presenter speaking a script.

Run with ``streamlit run app.py``. This file only wires things up: the one frozen
Settings (env vars + st.secrets), the sign-in gate (nothing else is drawn before it lets
the person in), the process-wide runtime (the application layer and its job runner),
session state, the shared sidebar and the three pages.
"""

from __future__ import annotations

import os

import streamlit as st

from core.config import Settings
from core.errors import AppError
from core.usecases import protect_logs
from ui import auth, state
from ui.icon import page_icon
from ui.runtime import open_runtime, streamlit_secrets
from ui.sidebar import sidebar


def app_pages(default: bool = True) -> list[st.Page]:
    """The pages (before sign-in the gate declares them hidden, without a default)."""
    return [
        st.Page("pages/create.py", title=state.t("page.create"), icon=":material/movie_edit:",
                url_path="create", default=default),
        st.Page("pages/voice_avatar.py", title=state.t("page.voice"),
                icon=":material/record_voice_over:", url_path="voice_avatar"),
        st.Page("pages/history.py", title=state.t("page.history"),
                icon=":material/video_library:", url_path="history"),
        st.Page("pages/batch.py", title=state.t("page.batch"), icon=":material/table_view:",
                url_path="batch"),
        st.Page("pages/api_keys.py", title=state.t("page.api"), icon=":material/key:",
                url_path="api_keys"),
    ]  # fmt: skip


st.set_page_config(page_title="Parlante", page_icon=page_icon(), layout="wide")

try:
    settings = Settings.from_sources(os.environ, streamlit_secrets())
except AppError as err:  # a setting is invalid: say which, never a traceback
    st.error(err.text(state.lang()))  # no runtime yet: nothing to redact with
    st.stop()
protect_logs(settings.secrets)  # keys, password, [auth] secrets: masked in every log line

try:
    identity = auth.gate(settings, app_pages(default=False))  # not signed in: st.stop()
    runtime = open_runtime(settings)
    state.init(runtime, identity.user)
except AppError as err:  # e.g. the database in DATABASE_URL cannot be reached: say what to fix
    st.error(settings.redact(err.text(state.lang())))
    st.stop()
page = st.navigation(app_pages())
sidebar(runtime)
with st.sidebar:
    auth.sign_out(identity)
page.run()
