"""Small display helpers shared by the pages (no logic beyond formatting and caching)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import streamlit as st

from core.errors import AppError, ConfigError
from core.models import SRT_FILE, VIDEO_FILE, VTT_FILE, Avatar, Voice
from core.usecases import HistoryItem, Job, VideoRecord, is_link, languages
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


def number(value: float, decimals: int = 1) -> str:
    """A decimal number as the interface language writes it (4.7 / 4,7)."""
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if state.lang() == "es" else text


def seconds(value: float | None) -> str:
    return "—" if value is None else state.t("common.seconds", seconds=number(value))


@st.cache_data(show_spinner=False, max_entries=64)
def _still(_avatar: Avatar, key: str, size: int) -> bytes:
    return state.runtime().app.presenters.still_png(_avatar, size)


def avatar_still(avatar: Avatar, size: int = 256) -> bytes | None:
    """The presenter's still as PNG, cached per avatar (photo ids are content hashes)."""
    try:
        return _still(avatar, f"{avatar.kind}:{avatar.id}", size)
    except AppError:
        return None


def avatars(rt: Runtime) -> list[Avatar]:
    return rt.app.presenters.list(state.user())


def find_voices(
    rt: Runtime, engine: str, language: str | None
) -> tuple[list[Voice], AppError | None]:
    """The engine's voices for ``language`` (all with None), or the error that stopped it.
    Never waits on the network: a provider's list arrives in the background (while it does,
    ``voices_loading`` is True and the list is empty)."""
    found = rt.app.voices.available(state.user(), engine, language)
    return found.voices, found.error


def voices_loading(rt: Runtime, engine: str, language: str | None) -> bool:
    return rt.app.voices.available(state.user(), engine, language).loading


def voices(rt: Runtime, engine: str, language: str | None) -> tuple[list[Voice], str]:
    """The engine's voices for ``language`` and an error message ("" when fine)."""
    found, err = find_voices(rt, engine, language)
    return found, error_text(rt, err) if err else ""


def needs_key(err: AppError | None) -> bool:
    """The error is D-ID's missing key (the page words that itself, in its own terms)."""
    return isinstance(err, ConfigError) and err.variable == "DID_API_KEY"


def download_buttons(record: VideoRecord) -> None:
    """MP4 and SRT downloads of a finished video, side by side (Create and History)."""
    videos, user = state.runtime().app.videos, state.user()
    row = st.container(horizontal=True)
    row.download_button(
        state.t("create.download_mp4"), lambda: videos.read(user, record, VIDEO_FILE),
        file_name=f"parlante-{record.id}.mp4", mime="video/mp4",  # read on click only
        icon=":material/download:", on_click="ignore",
    )  # fmt: skip
    row.download_button(
        state.t("create.download_srt"), lambda: videos.read(user, record, SRT_FILE),
        file_name=f"parlante-{record.id}.srt", mime="application/x-subrip",
        icon=":material/subtitles:", on_click="ignore",
    )  # fmt: skip


# Streamlit's player labels a single subtitle track "default"; it is labelled with its
# language by name instead. Streamlit has no way to set the track's ``srclang`` (its
# <track> takes only a label), and no page may inject script (tests/test_security.py).
def play_video(record: VideoRecord, subtitles: bool = True) -> None:
    """The video (a signed link to the object store, or a file the app serves), with its
    subtitle track labelled with the subtitles' language (none when the captions are burned
    into the picture: the player would show them twice)."""
    videos, user = state.runtime().app.videos, state.user()
    source = videos.source(user, record, VIDEO_FILE)
    if not subtitles or record.captions_burned:
        st.video(source)
        return
    vtt: str | bytes = videos.source(user, record, VTT_FILE)
    if is_link(str(vtt)):  # the player's subtitles must be a file here or the text itself
        vtt = videos.read(user, record, VTT_FILE)
    st.video(source, subtitles={language_name(record.language): vtt})


def language_name(code: str) -> str:
    """A language tag named in the interface language ("es-419" → "Español (Latinoamérica)")."""
    return languages.language_name(code, state.lang())


def voice_display(voice: Voice) -> str:
    """A voice's name in the interface language ("Español (España) · femenina 1")."""
    return languages.voice_label(voice, state.lang())


def language_picker(
    rt: Runtime, engine: str, current: str
) -> tuple[list[str], Callable[[str], str]]:
    """Every language the engine's voices speak, common ones first, and a label function.

    Without voices (D-ID with no key, or an error) the common languages are offered.
    """
    found, _ = voices(rt, engine, None)
    tags = {v.language for v in found} or set(languages.COMMON)
    tags.add(current)
    names = {tag: languages.language_name(tag, state.lang()) for tag in tags}
    return languages.language_options(tags, state.lang()), names.__getitem__


def presenter_name(avatar_id: str, name: str, kind: str = "illustrated") -> str:
    """A presenter's name in the interface language: a built-in's role is translated (by
    its id: Spanish gives the role the presenter's gender); a photo keeps its file's name."""
    key = f"presenter.{avatar_id}"
    if kind == "illustrated" and key in TEXTS:
        return state.t(key)
    return name or avatar_id


def avatar_display(avatar: Avatar) -> str:
    return presenter_name(avatar.id, avatar.name, avatar.kind)


def named_voice(voice_id: str, name: str, language: str, engine: str) -> str:
    """A stored voice (its id and the English name it had) named in the interface language."""
    if not (name or voice_id):
        return "—"
    if voice_id.count(":") == 2:  # "espeak:es-419:f1": the voice's own language
        language = voice_id.split(":")[1]
    voice = Voice(voice_id, name or voice_id, language, "", engine)
    return languages.voice_label(voice, state.lang())


def history_voice(item: HistoryItem) -> str:
    """The voice of a History item, named in the interface language."""
    return named_voice(item.voice_id, item.voice, item.language, item.engine)


def voice_name(rt: Runtime, engine: str, language: str, voice_id: str | None) -> str:
    if not voice_id:
        return state.t("create.default_voice", language=language_name(language))
    found, _ = voices(rt, engine, language)
    return next((voice_display(v) for v in found if v.id == voice_id), voice_id)
