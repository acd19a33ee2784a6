"""History: every video and job, searchable; open, download, delete, or use again."""

from __future__ import annotations

import contextlib

import streamlit as st

from core.errors import AppError, NotFound
from core.usecases import CANCELLED, FAILED, QUEUED, RUNNING, STATUSES, HistoryItem, VideoRecord
from ui import look_panel, state
from ui.common import (
    download_buttons,
    engine_label,
    history_voice,
    job_error,
    language_name,
    named_voice,
    number,
    play_video,
    presenter_name,
    seconds,
    stage_label,
    status_badge,
    status_label,
    when,
)
from ui.streaming import escape_markdown

rt = state.runtime()
app, user = rt.app, state.user()
ss = st.session_state
# the filters' keys carry the interface language: their labels are re-drawn when it changes
K_SEARCH = "hist_search"
K_ENGINE, K_STATUS = f"hist_engine_{state.lang()}", f"hist_status_{state.lang()}"
COLUMNS = 4


def _own(video_id: str) -> VideoRecord | None:
    """The video with its files, if it is this user's (the application layer checks)."""
    try:
        return app.videos.open(user, video_id)
    except NotFound:
        return None


def _retry(job_id: str) -> None:
    try:
        app.renders.retry(user, job_id)
    except AppError:  # no longer failed or cancelled, or gone
        return
    st.toast(state.t("create.retried"), icon=":material/replay:")


def _cancel(job_id: str) -> None:
    with contextlib.suppress(NotFound):  # finished and removed meanwhile
        app.renders.cancel(user, job_id)


def _forget(job_id: str) -> None:
    with contextlib.suppress(NotFound):
        app.renders.forget(user, job_id)


def _open(video_id: str | None) -> None:
    ss[state.HISTORY_OPEN] = video_id
    ss[state.CONFIRM_DELETE] = None


def _ask_delete(video_id: str | None) -> None:
    ss[state.CONFIRM_DELETE] = video_id


def _delete(video_id: str) -> None:
    with contextlib.suppress(NotFound):  # already gone (another tab), or not this user's
        app.videos.delete(user, video_id)
    ss[state.HISTORY_OPEN] = None
    ss[state.CONFIRM_DELETE] = None
    state.flash("success", state.t("history.deleted"))


def _use_again(video_id: str) -> None:
    try:
        reuse = app.videos.use_again(user, video_id)  # its choices become the current ones
    except NotFound:
        return
    look_panel.restore(reuse.look)
    ss[state.SCRIPT] = reuse.script
    ss.pop(state.SCRIPT_WIDGET, None)
    ss[state.SCRIPT_NOTE] = None
    ss[state.SCRIPT_SOURCE] = {"title": reuse.title, "text": reuse.script}
    ss[state.UNDO_SCRIPT] = ""
    ss[state.JOB] = None
    state.flash("info", state.t("create.reused"))


def detail(video_id: str) -> None:
    record = _own(video_id)
    with st.container(border=True):
        if record is None:
            st.info(state.t("history.missing"))
            st.button(state.t("history.close"), on_click=_open, args=(None,))
            return
        st.subheader(escape_markdown(record.title or record.script[:60]))
        st.caption(state.t(
            "history.format", format=record.settings.get("format") or "1:1",
            width=record.settings.get("width") or record.size,
            height=record.settings.get("height") or record.size,
        ))  # fmt: skip
        left, right = st.columns([3, 2], gap="large")
        with left:
            play_video(record)
            download_buttons(record)
        with right:
            with st.expander(state.t("history.script"), expanded=True):
                st.text(record.script)
            with st.expander(state.t("history.subtitles")):
                st.text(record.srt_path.read_text(encoding="utf-8"))
            with st.expander(state.t("history.settings")):
                st.markdown(settings_list(record))
        actions = st.container(horizontal=True)
        if actions.button(state.t("history.use_again"), icon=":material/replay:", type="primary"):
            _use_again(record.id)
            st.switch_page("pages/create.py")
        actions.button(
            state.t("history.close"), on_click=_open, args=(None,), icon=":material/close:"
        )
        actions.button(state.t("history.delete"), on_click=_ask_delete, args=(record.id,),
                  icon=":material/delete:")  # fmt: skip
        if ss[state.CONFIRM_DELETE] == record.id:
            st.warning(state.t("history.confirm"))
            confirm = st.container(horizontal=True)
            confirm.button(state.t("history.confirm_yes"), on_click=_delete, args=(record.id,),
                     type="primary", key="confirm-yes")  # fmt: skip
            confirm.button(state.t("history.confirm_no"), on_click=_ask_delete, args=(None,),
                     key="confirm-no")  # fmt: skip


def settings_list(record: VideoRecord) -> str:
    """How the video was made, as a readable list in the interface language."""
    voice = named_voice(
        record.voice, str(record.settings.get("voice_name") or ""), record.language, record.engine
    )
    rate = record.settings.get("rate")
    rows = [
        ("history.field_made", when(record.created_at)),
        ("history.field_engine", engine_label(record.engine)),
        ("history.field_language", language_name(record.language)),
        ("history.field_voice", voice),
        ("history.field_presenter",
         presenter_name(record.avatar, str(record.settings.get("avatar_name") or ""),
                        "illustrated" if "/" not in record.avatar else "photo")),
        ("history.field_rate", f"{number(float(rate), 2)}×" if rate is not None else "—"),
        ("history.field_size", state.t("history.size_px", size=record.size)),
        ("history.field_duration", seconds(record.duration_s)),
    ]  # fmt: skip
    return "\n".join(f"- **{state.t(key)}:** {escape_markdown(str(value))}" for key, value in rows)


def card(item: HistoryItem) -> None:
    with st.container(border=True):
        if item.thumbnail is not None:
            st.image(str(item.thumbnail), width="stretch")
        st.text(item.title)
        st.caption(
            state.t(
                "history.meta", date=when(item.created_at), engine=engine_label(item.engine),
                voice=escape_markdown(history_voice(item)), duration=seconds(item.duration_s),
            )
        )  # fmt: skip
        if item.kind == "video":
            st.caption(state.t("history.format", format=item.format, width=item.width,
                               height=item.height))  # fmt: skip
        status_badge(item.status)
        if item.status in (QUEUED, RUNNING):
            st.progress(item.fraction, text=f"{stage_label(item.stage)} — {item.fraction:.0%}")
            st.button(state.t("create.cancel"), key=f"cancel-{item.id}",
                      on_click=_cancel, args=(item.id,))  # fmt: skip
        elif item.kind == "job":
            if item.error:
                st.caption(escape_markdown(job_error(rt, item)))
            if item.status in (FAILED, CANCELLED):  # a D-ID job resumes its talk: no new charge
                st.button(state.t("create.retry"), key=f"retry-{item.id}", on_click=_retry,
                          args=(item.id,), icon=":material/replay:")  # fmt: skip
            st.button(state.t("history.remove"), key=f"forget-{item.id}",
                      on_click=_forget, args=(item.id,), type="tertiary")  # fmt: skip
        else:
            st.button(state.t("history.open"), key=f"open-{item.id}", on_click=_open,
                      args=(item.id,), icon=":material/play_arrow:")  # fmt: skip


def gallery(search: str, engine: str | None, status: str | None) -> None:
    items = app.videos.history(user, search, engine, status)
    if not items:  # nothing at all, or nothing that matches: two different things to say
        if not (search.strip() or engine or status) or not app.videos.history(user):
            st.info(state.t("history.empty"))
        elif search.strip():
            st.info(state.t("history.no_match", search=escape_markdown(search.strip())))
        else:
            st.info(state.t("history.no_match_filters"))
        return
    for start in range(0, len(items), COLUMNS):
        columns = st.columns(COLUMNS)
        for column, item in zip(columns, items[start : start + COLUMNS], strict=False):
            with column:
                card(item)


@st.fragment(run_every=2)
def live_gallery(search: str, engine: str | None, status: str | None) -> None:
    """While jobs are queued or running, the cards refresh on their own."""
    gallery(search, engine, status)
    if not app.renders.busy(user):
        st.rerun()


st.title(state.t("history.title"))
state.show_flash()
f1, f2, f3 = st.columns([3, 1, 1])
search = f1.text_input(
    state.t("history.search"), key=K_SEARCH, max_chars=200, help=state.t("history.search_help")
)
all_label = state.t("history.all")
ENGINES = app.voices.engines()
engine = f2.selectbox(
    state.t("history.engine"), [None, *ENGINES], key=K_ENGINE,
    format_func={e: all_label if e is None else engine_label(e) for e in [None, *ENGINES]}.get,
)  # fmt: skip
status = f3.selectbox(
    state.t("history.status"), [None, *STATUSES], key=K_STATUS,
    format_func={s: all_label if s is None else status_label(s) for s in [None, *STATUSES]}.get,
)  # fmt: skip
if ss[state.HISTORY_OPEN]:
    detail(ss[state.HISTORY_OPEN])
if app.renders.busy(user) and status in (None, QUEUED, RUNNING):
    live_gallery(search, engine, status)
else:
    gallery(search, engine, status)
