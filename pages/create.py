"""Create: write (or type) a script, then make it a video in the background."""

from __future__ import annotations

import contextlib

import streamlit as st

from core.errors import AppError, NotFound
from core.messages import render as render_message
from core.models import Brief, Look, Script, short_title
from core.usecases import (
    AUDIO_EXTENSIONS,
    CANCELLED,
    DONE,
    FAILED,
    LANGUAGES,
    TONES,
    Job,
    video_title,
)
from ui import look_panel, state
from ui.common import (
    avatar_display,
    avatar_still,
    download_buttons,
    engine_label,
    error_text,
    job_error,
    job_message,
    play_video,
    stage_label,
    voice_name,
)
from ui.streaming import escape_markdown, stream_call

rt = state.runtime()
app, user = rt.app, state.user()
ss = st.session_state


def _keep_script() -> None:
    ss[state.SCRIPT] = ss[state.SCRIPT_WIDGET]
    if ss[state.SCRIPT].strip():
        ss[state.UNDO_SCRIPT] = ""  # something new was typed: the old script is let go


def _cancel(job_id: str) -> None:
    with contextlib.suppress(NotFound):  # finished and removed meanwhile
        app.renders.cancel(user, job_id)


def _retry(job_id: str) -> None:
    """The same job again, with its notes: a D-ID job resumes its talk (never pays twice)."""
    try:
        app.renders.retry(user, job_id)
    except AppError:  # no longer failed or cancelled, or gone
        return
    ss[state.JOB] = job_id
    st.toast(state.t("create.retried"), icon=":material/replay:")


def _new_video() -> None:
    """Start afresh: the box is emptied, and the old script kept for "Undo"."""
    ss[state.JOB] = None
    ss[state.UNDO_SCRIPT] = ss[state.SCRIPT]
    ss[state.SCRIPT] = ""
    ss.pop(state.SCRIPT_WIDGET, None)
    ss[state.SCRIPT_NOTE] = None
    ss[state.SCRIPT_SOURCE] = None


def _undo_new_video() -> None:
    ss[state.SCRIPT] = ss[state.UNDO_SCRIPT]
    ss.pop(state.SCRIPT_WIDGET, None)
    ss[state.UNDO_SCRIPT] = ""


def write_form() -> None:
    """The brief form; on submit the script streams in, then fills the editable box."""
    choices = app.preferences.load(user)
    brief = ss[state.BRIEF]
    st.subheader(state.t("create.write_header"))
    writer_ready = app.scripts.can_write()
    with st.form("brief_form", border=True):
        topic = st.text_area(
            state.t("create.topic"), value=brief["topic"], height=80,
            help=state.t("create.topic_help"), max_chars=4000,
        )  # fmt: skip
        c1, c2, c3 = st.columns(3)
        codes = list(LANGUAGES)
        primary = choices.language.split("-")[0]
        at = codes.index(primary) if primary in codes else 0
        language = c1.selectbox(
            state.t("create.language"), codes, index=at,
            format_func=lambda c: LANGUAGES[c][1].capitalize(),
        )  # fmt: skip
        tones = {k: state.t(f"tone.{k}") for k in TONES}  # labels fixed for this run
        tone = c2.selectbox(
            state.t("create.tone"), list(tones), index=list(tones).index(brief["tone"]),
            format_func=tones.__getitem__,
        )  # fmt: skip
        duration = c3.slider(state.t("create.duration"), 10, 300, int(brief["duration"]), step=5)
        again = st.checkbox(state.t("create.regenerate"), value=False)
        row = st.container(horizontal=True, vertical_alignment="center")
        submitted = row.form_submit_button(
            state.t("create.write"), type="primary", disabled=not writer_ready
        )
        if not writer_ready:  # the reason beside the greyed-out button
            row.caption(state.t("create.no_writer"))
    if not submitted or not writer_ready:
        return
    ss[state.BRIEF] = {"topic": topic, "tone": tone, "duration": duration}
    if language != primary:
        app.preferences.choose_language(user, language)  # a voice that can't speak it: default
    request = Brief(prompt=topic, language=language, tone=tone, duration_s=float(duration))
    pieces, outcome = stream_call(
        lambda on_delta: app.scripts.write(user, request, use_cache=not again, on_delta=on_delta)
    )
    try:
        with st.container(border=True):
            st.write_stream(pieces)
    except AppError as err:
        st.error(error_text(rt, err))
        return
    script: Script | None = outcome.value
    if script is None:
        return
    ss[state.SCRIPT] = script.text
    ss.pop(state.SCRIPT_WIDGET, None)  # re-seeded from SCRIPT on the next run
    ss[state.SCRIPT_SOURCE] = {"title": topic, "text": script.text}
    ss[state.UNDO_SCRIPT] = ""
    ss[state.SCRIPT_NOTE] = {
        "words": script.words,
        "seconds": round(script.estimated_s),
        "cached": script.cached,
        "cut": script.truncated,
    }
    st.rerun()


def script_box() -> str:
    st.subheader(state.t("create.script_header"))
    note = ss[state.SCRIPT_NOTE]
    if note:
        message = state.t("create.script_ready", words=note["words"], seconds=note["seconds"])
        if note["cached"]:
            message += " " + state.t("create.script_cached")
        st.success(message)
        if note["cut"]:
            st.warning(state.t("create.script_cut"))
    if ss[state.UNDO_SCRIPT] and not ss[state.SCRIPT].strip():
        row = st.container(horizontal=True, vertical_alignment="center")
        row.caption(state.t("create.emptied"))
        row.button(state.t("create.undo"), on_click=_undo_new_video, icon=":material/undo:")
    state.seed(state.SCRIPT_WIDGET, ss[state.SCRIPT])
    # No max_chars: the browser would silently refuse a long paste. Any length is kept, and
    # a script over the limit is said so below (and cannot be generated until it fits).
    text = st.text_area(
        state.t("create.script"), key=state.SCRIPT_WIDGET, height=260, on_change=_keep_script,
        placeholder=state.t("create.script_placeholder"),
    )  # fmt: skip
    text = text or ""
    ss[state.SCRIPT] = text
    est = app.renders.estimate(user, text)
    counts = state.t("create.counts", words=est.words, seconds=f"{est.seconds:.0f}")
    if est.credits is not None:
        counts += " · " + state.t("create.credits", credits=est.credits)
    limit = rt.settings.max_text_chars
    counts += " · " + state.t("create.chars", chars=len(text), limit=limit)
    st.caption(counts)
    if len(text.strip()) > limit:
        over = len(text.strip()) - limit
        st.warning(state.t("create.over_limit", chars=len(text.strip()), limit=limit, over=over),
                   icon=":material/warning:")  # fmt: skip
    return text


def translate_row(text: str) -> None:
    """Translate the script (the script writer) and switch the voice to that language,
    keeping the presenter and every other setting."""
    choices = app.preferences.load(user)
    primary = choices.language.split("-")[0]
    targets = [c for c in LANGUAGES if c != primary]
    pick, go = st.columns([2, 1], vertical_alignment="bottom")
    target = pick.selectbox(
        state.t("create.translate_to"), targets, key="translate_target",
        format_func=lambda c: LANGUAGES[c][1].capitalize(),
    )  # fmt: skip
    can = bool(text.strip()) and app.scripts.can_write()
    if not go.button(state.t("create.translate"), icon=":material/translate:", disabled=not can):
        return
    try:
        with st.spinner(state.t("create.writing")):
            script = app.scripts.translate(user, text, target)
    except AppError as err:
        st.error(error_text(rt, err))
        return
    app.preferences.choose_language(user, script.language)  # its voice, or the default one
    ss[state.SCRIPT] = script.text
    ss.pop(state.SCRIPT_WIDGET, None)
    name = LANGUAGES[script.language.split("-")[0]][1]
    state.flash("success", state.t("create.translated", language=name, words=script.words))
    st.rerun()


def narration_box(text: str) -> None:
    """Upload or record the person's own narration; it is kept under the data folder."""
    st.markdown(f"**{state.t('create.narration_header')}**")
    st.caption(state.t("create.narration_help"))
    upload, record = st.tabs(
        [state.t("create.narration_upload"), state.t("create.narration_record")]
    )
    with upload:
        uploaded = st.file_uploader(
            state.t("create.narration_file"), type=list(AUDIO_EXTENSIONS), key="narration_file",
        )  # fmt: skip
    with record:
        recorded = st.audio_input(state.t("create.narration_mic"), key="narration_mic")
    for source in (uploaded, recorded):
        if source is not None and source.file_id not in ss[state.NARRATION_SEEN]:
            ss[state.NARRATION_SEEN].add(source.file_id)
            try:
                path = app.renders.keep_narration(
                    user, source.getvalue(), source.name or "recording.wav"
                )
            except AppError as err:
                st.error(error_text(rt, err))
                continue
            ss[state.NARRATION] = {"path": str(path), "name": source.name or "recording.wav"}
    current = ss[state.NARRATION]
    if not current:
        return
    with st.container(border=True):
        st.markdown(state.t("create.narration_in_use", name=escape_markdown(current["name"])))
        st.audio(current["path"])
        if text.strip():
            ss[state.NARRATION_KEEP] = st.checkbox(
                state.t("create.narration_keep"), value=ss[state.NARRATION_KEEP]
            )
        else:
            st.caption(state.t("create.narration_no_script"))
        st.button(
            state.t("create.narration_remove"), on_click=_drop_narration,
            icon=":material/record_voice_over:",
        )  # fmt: skip


def _drop_narration() -> None:
    ss[state.NARRATION] = None


def render_panel(text: str) -> None:
    choices = app.preferences.load(user)
    st.subheader(state.t("create.render_header"))
    with st.container(border=True):
        avatar = app.presenters.find(user, choices.avatar)
        pic, info = st.columns([1, 3], vertical_alignment="center")
        still = avatar_still(avatar, 256) if avatar else None
        if still:
            pic.image(still, width="stretch")
        info.text(state.t("create.engine", name=engine_label(choices.engine)))
        vname = voice_name(rt, choices.engine, choices.language, choices.voice())
        if ss[state.NARRATION]:
            vname = state.t("create.narration_voice")
        info.text(state.t("create.voice", name=vname))
        info.text(state.t("create.presenter", name=avatar_display(avatar) if avatar else "—"))
        info.page_link(
            "pages/voice_avatar.py", label=state.t("create.change"), icon=":material/tune:"
        )
    look = look_panel.panel(choices, text, avatar, user)
    too_long = len(text.strip()) > rt.settings.max_text_chars
    if st.button(
        state.t("create.generate"), type="primary", icon=":material/movie:", disabled=too_long,
        help=state.t("create.generate_too_long") if too_long else None,
    ):  # fmt: skip
        submit(text, look)
    job_id = ss[state.JOB]
    job = app.renders.find(user, job_id) if job_id else None
    if job is not None and not job.finished:
        live_job(job.id)
    elif job is not None:
        finished_job(job)


def submit(text: str, look: Look) -> None:
    title = video_title(ss[state.SCRIPT_SOURCE], text)  # "": the pipeline uses the first words
    narration = ss[state.NARRATION]
    if narration:
        title = title or (short_title(text) if text.strip() else narration["name"])
    try:  # bad input, or today's metered videos used up: a message, and no job
        job = app.renders.submit_script(
            user, text, title=title, look=look, audio=narration["path"] if narration else None,
            keep_unaligned=bool(ss[state.NARRATION_KEEP]),
        )  # fmt: skip
    except AppError as err:
        st.error(error_text(rt, err))
        return
    ss[state.JOB] = job.id
    st.toast(state.t("create.queued"), icon=":material/schedule:")


@st.fragment(run_every=1)
def live_job(job_id: str) -> None:
    job = app.renders.find(user, job_id)
    if job is None or job.finished:
        st.rerun()  # the whole page shows the result
        return
    percent = round(job.fraction * 100)
    with st.container(border=True):
        st.markdown(f":material/progress_activity: **{stage_label(job.stage or job.status)}**")
        st.progress(job.fraction, text=f"{percent}%")
        if job.message:
            st.caption(escape_markdown(job_message(rt, job)))
    st.button(
        state.t("create.cancel"), on_click=_cancel, args=(job_id,), icon=":material/cancel:",
        key=f"cancel-{job_id}",
    )  # fmt: skip


def finished_job(job: Job) -> None:
    if job.status == FAILED:
        st.error(state.t("create.failed", reason=escape_markdown(job_error(rt, job))))
    elif job.status == CANCELLED:
        st.info(state.t("create.cancelled"))
    elif job.status == DONE:
        record = app.renders.video(user, job)  # None: deleted, or its files are gone
        if record is None:
            st.info(state.t("history.missing"))
        else:
            if job.id not in ss[state.TOASTED]:
                ss[state.TOASTED].add(job.id)
                st.toast(state.t("create.done_toast"), icon=":material/check_circle:")
            video = record.to_video()
            if not video.has_subtitles:
                why = render_message(video.note, state.lang()) if video.note else ""
                st.info(why or state.t("create.no_subtitles"))
                play_video(record, subtitles=False)
            else:
                play_video(record)
            download_buttons(record)
    row = st.container(horizontal=True)
    if job.status in (FAILED, CANCELLED):
        row.button(
            state.t("create.retry"), on_click=_retry, args=(job.id,), icon=":material/replay:",
            type="primary", key=f"retry-{job.id}",
        )  # fmt: skip
    row.button(state.t("create.new_video"), on_click=_new_video, icon=":material/add:")


st.title(state.t("create.title"))
state.show_flash()
left, right = st.columns([1, 1], gap="large")
with left:
    write_form()
    script_text = script_box()
    translate_row(script_text)
    narration_box(script_text)
with right:
    render_panel(script_text)
