"""Session state: every key the app uses, initialised in one place.

Only what is being typed or looked at lives here. Durable choices (voice, presenter,
presets, interface language) live in the library (core.choices / prefs).
"""

from __future__ import annotations

import contextlib
from typing import Any, NoReturn

import streamlit as st

from ui.i18n import DEFAULT_LANG, LANGS, translate
from ui.runtime import Runtime

# keys ---------------------------------------------------------------------------------------
RUNTIME = "runtime"  # the process-wide Runtime this run uses (set by app.py)
USER = "user"  # who is signed in: the gate's user id ("" is the shared workspace)
LANG = "ui_lang"  # interface language, mirrored from the library pref
LANG_WIDGET = "ui_lang_widget"
SCRIPT = "script"  # the script being edited (survives page switches)
SCRIPT_WIDGET = "script_widget"
SCRIPT_NOTE = "script_note"  # what the last "Write script" said (words, cached, cut)
BRIEF = "brief"  # the last brief typed (topic, language, tone, duration)
JOB = "create_job"  # the job the Create page is following
TOASTED = "toasted_jobs"  # jobs whose "ready" toast was shown
FLASH = "flash"  # a one-time message for the next run: (kind, text)
HISTORY_OPEN = "history_open"  # the video open on the History page
CONFIRM_DELETE = "confirm_delete"  # the video awaiting delete confirmation
UPLOAD_RESULT = "upload_result"  # (ok, text, png bytes | None) of the last upload
UPLOAD_ADVICE = "upload_advice"  # advice ids on the last uploaded photo (warnings, not refusals)
PREVIEW = "voice_preview"  # (voice id, WAV bytes) of the last sample played
SCRIPT_SOURCE = "script_source"  # {"title", "text"} the box was filled from (written/reused)
UNDO_SCRIPT = "undo_script"  # the script "Start another video" took out of the box
LOOK_SLIDES = "look_slides"  # (name, path) of the slides the next video shows
LOOK_MUSIC = "look_music"  # (name, path) of its music
LOOK_BACKGROUND = "look_background"  # (name, path) of an uploaded background image
LOOK_TITLE = "look_title"  # its title card's text
LOOK_PREVIEW = "look_preview"  # (what it shows, PNG bytes) of the last preview drawn
NARRATION = "narration"  # {"path", "name", "digest"} of the person's own recording, or None
NARRATION_KEEP = "narration_keep"  # keep a recording whose script does not match (no subs)
NARRATION_SEEN = "narration_seen"  # file ids of uploads/recordings already stored

_ROUTED = "_routed_through_app"

DEFAULTS: dict[str, Any] = {
    USER: "",
    SCRIPT: "",
    SCRIPT_NOTE: None,
    BRIEF: {"topic": "", "tone": "informative", "duration": 30},
    JOB: None,
    TOASTED: set(),
    FLASH: None,
    HISTORY_OPEN: None,
    CONFIRM_DELETE: None,
    UPLOAD_RESULT: None,
    UPLOAD_ADVICE: [],
    PREVIEW: None,
    SCRIPT_SOURCE: None,
    UNDO_SCRIPT: "",
    LOOK_SLIDES: None,
    LOOK_MUSIC: None,
    LOOK_BACKGROUND: None,
    LOOK_TITLE: "",
    LOOK_PREVIEW: None,
    NARRATION: None,
    NARRATION_KEEP: False,
    NARRATION_SEEN: set(),
}


def init(runtime: Runtime, user: str = "") -> None:
    """Called by app.py on every run, once the sign-in gate said who ``user`` is."""
    ss = st.session_state
    ss[RUNTIME] = runtime
    ss[USER] = user
    for key, value in DEFAULTS.items():
        if key not in ss:
            ss[key] = value.copy() if isinstance(value, set | dict) else value
    if LANG not in ss:
        lang = runtime.app.preferences.interface_language(ss[USER], DEFAULT_LANG)
        ss[LANG] = lang if lang in LANGS else DEFAULT_LANG


def runtime() -> Runtime:
    """The runtime app.py set for this run (pages are always routed through app.py)."""
    rt = st.session_state.get(RUNTIME)
    if rt is None:
        _route_through_app()
    return rt


def _route_through_app() -> NoReturn:
    """A page script ran without app.py: Streamlit's legacy ``pages/`` folder mode.

    On the very first request of a fresh server, if that request is a page URL, Streamlit
    runs the page file directly (its multipage v1 mode, which only the first st.navigation
    call switches off). Switch it off as st.navigation itself does, and rerun, so app.py
    sets up the session and routes the same URL.
    """
    if st.session_state.get(_ROUTED):
        st.error("Open the app from its main address (/) to start.")
        st.stop()
    st.session_state[_ROUTED] = True
    with contextlib.suppress(Exception):  # an internal flag: if it moves, the message above
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
    st.rerun()


def user() -> str:
    return st.session_state.get(USER, "")


def lang() -> str:
    return st.session_state.get(LANG, DEFAULT_LANG)


def t(key: str, **values: object) -> str:
    return translate(lang(), key, **values)


def seed(key: str, value: Any) -> None:
    """Give a widget its starting value when it has none (widget state is dropped when a
    page is left, so keyed widgets are re-seeded from the durable value)."""
    if key not in st.session_state:
        st.session_state[key] = value


def flash(kind: str, text: str) -> None:
    st.session_state[FLASH] = (kind, text)


def show_flash() -> None:
    message = st.session_state.get(FLASH)
    if message:
        kind, text = message
        {"success": st.success, "info": st.info, "warning": st.warning}.get(kind, st.info)(text)
        st.session_state[FLASH] = None
