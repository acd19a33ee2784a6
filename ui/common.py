"""Small display helpers shared by the pages (no logic beyond formatting and caching)."""

from __future__ import annotations

import datetime as dt
import logging

import streamlit as st

from core.avatars import list_avatars
from core.errors import AppError
from core.history import HistoryItem
from core.jobstore import Job
from core.models import Avatar, Voice
from core.previews import avatar_png
from core.writers.prompt import LANGUAGES
from ui import state
from ui.i18n import TEXTS
from ui.runtime import Runtime

log = logging.getLogger(__name__)

ENGINE_LABELS = {"local": "voice.engine_local", "did": "voice.engine_did"}
STATUS_COLORS = {
    "queued": "gray",
    "running": "blue",
    "done": "green",
    "failed": "red",
    "cancelled": "orange",
}


# An AppError without a message id reaching a page is a bug (it would show English in a
# Spanish page). The AppTest harness sets STRICT so such a page fails its test; in
# production the English sentence is shown and the gap is logged.
STRICT = False


def error_text(rt: Runtime, err: AppError) -> str:
    """An expected error in the interface language, with secrets redacted."""
    if err.message_id is None:
        if STRICT:
            raise AssertionError(f"an error without a message id reached a page: {err}")
        log.warning("untranslated error shown: %s", err)
    return rt.settings.redact(err.text(state.lang()))


def job_error(rt: Runtime, job: Job | HistoryItem) -> str:
    """Why a job failed, in the interface language."""
    return rt.settings.redact(job.error_text(state.lang()))


def job_message(rt: Runtime, job: Job) -> str:
    """A running job's progress message, in the interface language."""
    return rt.settings.redact(job.message_text(state.lang()))


def engine_label(engine_id: str) -> str:
    key = ENGINE_LABELS.get(engine_id)
    return state.t(key) if key else engine_id


def stage_label(stage: str) -> str:
    key = f"stage.{stage}"
    return state.t(key if key in TEXTS else "stage.other")


def status_label(status: str) -> str:
    key = f"status.{status}"
    return state.t(key) if key in TEXTS else status


def status_badge(status: str) -> None:
    st.badge(status_label(status), color=STATUS_COLORS.get(status, "gray"))  # type: ignore[arg-type]


def when(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def seconds(value: float | None) -> str:
    return "—" if value is None else state.t("common.seconds", seconds=f"{value:.1f}")


@st.cache_data(show_spinner=False, max_entries=64)
def _still(_avatar: Avatar, key: str, size: int) -> bytes:
    return avatar_png(_avatar, size)


def avatar_still(avatar: Avatar, size: int = 256) -> bytes | None:
    """The presenter's still as PNG, cached per avatar (photo ids are content hashes)."""
    try:
        return _still(avatar, f"{avatar.kind}:{avatar.id}", size)
    except AppError:
        return None


def avatars(rt: Runtime) -> list[Avatar]:
    return list_avatars(rt.services.library, state.user())


def voices(rt: Runtime, engine: str, language: str) -> tuple[list[Voice], str]:
    """The engine's voices for ``language`` and an error message ("" when fine)."""
    try:
        return rt.services.engine(engine).voices(language), ""
    except AppError as err:
        return [], error_text(rt, err)


def language_name(code: str) -> str:
    names = LANGUAGES.get(code.split("-")[0].lower())
    return names[1].capitalize() if names else code


def voice_name(rt: Runtime, engine: str, language: str, voice_id: str | None) -> str:
    if not voice_id:
        return state.t("create.default_voice", language=language_name(language))
    found, _ = voices(rt, engine, language)
    return next((v.name for v in found if v.id == voice_id), voice_id)
