"""API keys: create (shown once), list and revoke the keys of the HTTP API."""

from __future__ import annotations

import streamlit as st

from core.errors import AppError
from ui import state
from ui.common import error_text, when

rt = state.runtime()
app, user = rt.app, state.user()
ss = st.session_state
NEW_KEY = "api_new_key"  # the key just created: shown on this run only

st.title(state.t("api.title"))
st.caption(state.t("api.intro"))
state.show_flash()

with st.form("api_create", clear_on_submit=True):
    name = st.text_input(state.t("api.name"), max_chars=60, key="api_name")
    if st.form_submit_button(state.t("api.create"), type="primary"):
        try:
            ss[NEW_KEY] = app.apikeys.create(user, name).to_json()
        except AppError as err:
            st.error(error_text(rt, err))

created = ss.pop(NEW_KEY, None)
if created:
    st.warning(state.t("api.shown_once"))
    st.caption(state.t("api.key"))
    st.code(created["key"], language=None)
    st.caption(state.t("api.secret"))
    st.code(created["webhook_secret"], language=None)

keys = app.apikeys.list(user)
if not keys:
    st.info(state.t("api.none"))
for key in keys:
    left, right = st.columns([5, 1])
    used = (
        state.t("api.last_used", when=when(key.last_used_at))
        if key.last_used_at
        else state.t("api.never_used")
    )
    status = state.t("api.revoked") if not key.active else used
    left.markdown(f"`{key.prefix}` **{key.name or key.id}** · {when(key.created_at)} · {status}")
    if key.active and right.button(state.t("api.revoke"), key=f"api_revoke_{key.id}"):
        app.apikeys.revoke(user, key.id)
        state.flash("success", state.t("api.revoked_done", id=key.id))
        st.rerun()
