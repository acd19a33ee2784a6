"""The shared sidebar: engines ready, D-ID credits, jobs, interface language."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.common import error_text
from ui.i18n import LANGS
from ui.runtime import Runtime


def _set_language() -> None:
    lang = st.session_state.get(state.LANG_WIDGET) or state.lang()
    st.session_state[state.LANG] = lang
    rt = state.runtime()
    rt.app.preferences.set_interface_language(state.user(), lang)


def sidebar(rt: Runtime) -> None:
    with st.sidebar:
        state.seed(state.LANG_WIDGET, state.lang())
        st.segmented_control(
            state.t("side.language"),
            options=list(LANGS),
            format_func=LANGS.__getitem__,
            key=state.LANG_WIDGET,
            on_change=_set_language,
            required=True,
        )
        st.subheader(state.t("side.engines"), divider="gray")
        ready = rt.app.account.readiness()
        st.markdown(":material/check_circle: " + state.t("side.offline_ready"))
        if ready.openai:
            key = "side.openai_local" if ready.openai_local_server else "side.openai_ready"
            st.markdown(":material/check_circle: " + state.t(key))
        else:
            st.markdown(":material/radio_button_unchecked: " + state.t("side.openai_missing"))
        if ready.did:
            st.markdown(":material/check_circle: " + state.t("side.did_ready"))
            credits = rt.app.account.credits()  # never waits for D-ID
            if credits is None:
                st.caption(state.t("side.did_checking"))
            elif credits.problem is not None:
                problem = error_text(rt, credits.problem)
                st.caption(state.t("side.did_credits_error", error=problem))
            else:
                st.caption(
                    state.t("side.did_credits", remaining=credits.remaining, total=credits.total)
                )
        else:
            st.markdown(":material/radio_button_unchecked: " + state.t("side.did_missing"))
        queue = rt.app.renders.queue()
        st.caption(state.t("side.jobs", running=queue.running, queued=queue.queued))
        usage_today(rt, ready.did, ready.openai)


def usage_today(rt: Runtime, did: bool, openai: bool) -> None:
    """What this user spent today against the daily caps (core.usage)."""
    speech = rt.settings.speech_server_configured
    if not (did or openai or speech):
        return
    today = rt.app.account.usage_today(state.user())
    if did:
        st.caption(state.t("side.usage_did", used=today.did_videos, limit=today.did_limit))
    if openai:
        st.caption(state.t("side.usage_tokens", used=today.openai_tokens, limit=today.openai_limit))
    if speech:
        st.caption(state.t("side.usage_tts", used=today.tts_chars, limit=today.tts_limit))
