"""Voice & avatar: engine, voice (with a sample), speaking rate, presenter, presets.

Every choice is saved in the library at once (app.preferences), so it survives restarts.
"""

from __future__ import annotations

import streamlit as st

from core.errors import AppError
from core.usecases import Choices
from ui import state
from ui.common import (
    avatar_display,
    avatar_still,
    avatars,
    engine_label,
    error_text,
    find_voices,
    language_picker,
    needs_key,
    voice_display,
    voices_loading,
)
from ui.streaming import escape_markdown

rt = state.runtime()
app, user = rt.app, state.user()
ss = st.session_state
K_ENGINE, K_LANG, K_GENDER = "va_engine", "va_lang", f"va_gender_{state.lang()}"
K_VOICE, K_RATE, K_KIND = "va_voice", "va_rate", "va_kind"
K_UPLOAD, K_PRESET_NAME, K_PRESET_PICK = "va_upload", "va_preset_name", "va_preset_pick"
GENDERS = ("any", "female", "male")
KINDS = {"local": ("offline", "server"), "did": ("did",)}


def _kind_of(voice_id: str | None) -> str:
    return "server" if (voice_id or "").startswith("tts:") else "offline"


def _kind_mark(kind: str) -> str:
    """Which voices need a key and which cost money."""
    if kind == "offline":
        return state.t("voice.mark_free")
    if kind == "did":
        return state.t("voice.mark_did")
    return state.t(
        "voice.mark_key_paid" if rt.settings.tts_base_url is None else "voice.mark_server"
    )


def _reseed() -> None:
    """Drop the widgets' state so they show the durable choices again."""
    for key in (K_ENGINE, K_LANG, K_VOICE, K_RATE):
        ss.pop(key, None)


def _on_engine() -> None:
    app.preferences.change(user, engine=ss[K_ENGINE])
    ss.pop(K_VOICE, None)


def _on_language() -> None:
    app.preferences.choose_language(user, ss[K_LANG])  # a voice that can't speak it: default
    ss.pop(K_VOICE, None)


def _on_voice() -> None:
    app.preferences.choose_voice(user, ss[K_VOICE] or None)


def _on_rate() -> None:
    app.preferences.change(user, rate=float(ss[K_RATE]))


def _choose_avatar(avatar_id: str) -> None:
    app.preferences.change(user, avatar=avatar_id)


def _delete_photo(avatar_id: str) -> None:
    app.presenters.delete_photo(user, avatar_id)  # the first built-in, if it was chosen


def _on_upload() -> None:
    upload = ss.get(K_UPLOAD)
    if upload is None:
        return
    ss[state.UPLOAD_ADVICE] = []
    try:
        avatar, crop = app.presenters.add_photo(user, upload.getvalue(), upload.name)
    except AppError as err:
        reason = escape_markdown(error_text(rt, err))  # it may quote the file's name
        ss[state.UPLOAD_RESULT] = (False, state.t("voice.upload_refused", reason=reason), None)
        return
    _choose_avatar(avatar.id)
    ss[state.UPLOAD_RESULT] = (True, state.t("voice.upload_ok"), crop)
    try:
        ss[state.UPLOAD_ADVICE] = app.presenters.photo_advice(upload.getvalue(), upload.name)
    except AppError:
        ss[state.UPLOAD_ADVICE] = []


def _save_preset() -> None:
    name = (ss.get(K_PRESET_NAME) or "").strip()
    try:
        app.preferences.save_preset(user, name)
    except AppError as err:
        state.flash("warning", error_text(rt, err))
        return
    state.flash("success", state.t("voice.preset_saved", name=name))
    ss[K_PRESET_NAME] = ""


def _load_preset() -> None:
    name = ss.get(K_PRESET_PICK)
    if name and app.preferences.apply_preset(user, name) is not None:
        _reseed()
        state.flash("success", state.t("voice.preset_loaded", name=name))


def _delete_preset() -> None:
    name = ss.get(K_PRESET_PICK)
    if name:
        app.preferences.delete_preset(user, name)
        ss.pop(K_PRESET_PICK, None)


@st.fragment(run_every=1)
def _wait_for_voices(engine: str, language: str) -> None:
    """D-ID's voices are being fetched in the background: show that, and redraw when ready."""
    if not voices_loading(rt, engine, language):
        st.rerun()
    st.info(state.t("voice.loading"), icon=":material/hourglass_empty:")


def voice_section(choices: Choices) -> None:
    engines = app.voices.engines()
    state.seed(K_ENGINE, choices.engine)
    st.segmented_control(
        state.t("voice.engine"), list(engines), key=K_ENGINE,
        format_func={e: engine_label(e) for e in engines}.__getitem__,
        on_change=_on_engine, required=True,
    )  # fmt: skip
    can = app.voices.capabilities(choices.engine)
    with st.spinner(state.t("voice.loading")):  # D-ID: a network call (cached by the engine)
        codes, label = language_picker(rt, choices.engine, choices.language)
    state.seed(K_LANG, choices.language)
    if ss[K_LANG] not in codes:
        ss[K_LANG] = choices.language if choices.language in codes else codes[0]
    st.selectbox(
        state.t("voice.language"), codes, key=K_LANG, on_change=_on_language, format_func=label,
        help=state.t("voice.language_help", count=len(codes)),
    )  # fmt: skip
    gender = st.segmented_control(
        state.t("voice.gender"), GENDERS, key=K_GENDER, default="any", required=True,
        format_func={g: state.t(f"voice.gender_{g}") for g in GENDERS}.__getitem__,
    )  # fmt: skip
    kinds = KINDS.get(choices.engine, ("offline",))
    if ss.get(K_KIND) not in kinds:
        ss[K_KIND] = _kind_of(choices.voice()) if choices.engine == "local" else kinds[0]
    kind = st.segmented_control(
        state.t("voice.kind"), kinds, key=K_KIND, required=True,
        format_func=lambda k: state.t(f"voice.kind_{k}"),
    )  # fmt: skip
    st.caption(_kind_mark(kind or kinds[0]))
    if kind == "server" and not rt.settings.speech_server_configured:
        st.info(state.t("voice.no_server"))
    found, problem = find_voices(rt, choices.engine, choices.language)  # never waits
    if voices_loading(rt, choices.engine, choices.language):
        _wait_for_voices(choices.engine, choices.language)
        return
    if needs_key(problem):  # in the page's own terms, not the command line's
        st.info(state.t("voice.did_needs_key"), icon=":material/key:")
    elif problem is not None:
        st.warning(error_text(rt, problem))
    if choices.engine == "local":
        found = [v for v in found if _kind_of(v.id) == kind]
    shown = [v for v in found if gender in (None, "any") or v.gender == gender]
    if not shown:
        if found:
            st.info(state.t("voice.none"))
        elif problem is None:
            st.info(state.t("voice.none_language", language=label(choices.language)))
    else:
        ids = [v.id for v in shown]
        names = {v.id: voice_display(v) for v in shown}
        current = choices.voice()
        if ss.get(K_VOICE) not in ids:
            ss[K_VOICE] = current if current in ids else None  # None: the engine's default
        st.selectbox(
            state.t("voice.voice"), ids, key=K_VOICE, format_func=names.__getitem__,
            on_change=_on_voice,
            placeholder=state.t("create.default_voice", language=label(choices.language)),
        )  # fmt: skip
    state.seed(K_RATE, choices.rate)
    st.slider(
        state.t("voice.rate"), 0.5, 2.0, step=0.05, key=K_RATE, on_change=_on_rate,
        format="%.2f×",
    )  # fmt: skip
    if can.voice_previews and shown:
        heard = ss.get(K_VOICE) or shown[0].id
        if st.button(state.t("voice.preview"), icon=":material/play_circle:"):
            try:
                rate = float(ss[K_RATE])
                sample = app.voices.preview(user, choices.engine, heard, choices.language, rate)
                ss[state.PREVIEW] = (heard, sample)
            except AppError as err:
                st.error(error_text(rt, err))
        preview = ss[state.PREVIEW]
        if preview and preview[0] == heard:
            st.audio(preview[1], format="audio/wav")
    elif not can.voice_previews:
        st.caption(state.t("voice.preview_did"))


def presenter_section(choices: Choices) -> None:
    st.subheader(state.t("voice.presenters"))
    # Streamlit draws the drop zone's own words ("Drag and drop file here", the button, "per
    # file") in English whatever the language; what it lets us set is the label, the help,
    # the size limit it shows (15 MB, not its default 200 MB) and the file types. So the
    # label and help say it all in the interface language.
    st.file_uploader(
        state.t("voice.upload"), type=["jpg", "jpeg", "png"], key=K_UPLOAD, on_change=_on_upload,
        max_upload_size=15, help=state.t("voice.upload_help"),
    )  # fmt: skip
    st.caption(state.t("voice.photo_tips"))
    result = ss[state.UPLOAD_RESULT]
    if result:
        ok, message, crop = result
        if ok:
            st.success(message)
            for advice in ss[state.UPLOAD_ADVICE]:
                st.warning(state.t(f"voice.advice.{advice}"))
            if crop:
                st.image(crop, width=160, caption=state.t("voice.cropped"))
        else:
            st.error(message)
    every = avatars(rt)
    chosen = choices.avatar or (every[0].id if every else None)
    columns = st.columns(3)
    for i, avatar in enumerate(every):
        with columns[i % 3].container(border=True):
            still = avatar_still(avatar, 256)
            if still:
                st.image(still, width="stretch")
            st.text(avatar_display(avatar))
            if avatar.id == chosen:
                st.button(state.t("voice.chosen"), key=f"pick-{avatar.id}", disabled=True,
                          icon=":material/check:", type="primary")  # fmt: skip
            else:
                st.button(state.t("voice.choose"), key=f"pick-{avatar.id}",
                          on_click=_choose_avatar, args=(avatar.id,))  # fmt: skip
            if avatar.kind == "photo":
                st.button(state.t("voice.delete_photo"), key=f"del-{avatar.id}",
                          on_click=_delete_photo, args=(avatar.id,), type="tertiary",
                          icon=":material/delete:")  # fmt: skip


def presets_section() -> None:
    st.subheader(state.t("voice.presets"))
    c1, c2 = st.columns(2)
    with c1:
        st.text_input(state.t("voice.preset_name"), key=K_PRESET_NAME, max_chars=60)
        st.button(state.t("voice.preset_save"), on_click=_save_preset, icon=":material/save:")
    with c2:
        names = app.preferences.preset_names(user)
        if not names:
            st.caption(state.t("voice.no_presets"))
            return
        st.selectbox(state.t("voice.preset_pick"), names, key=K_PRESET_PICK)
        b1, b2 = st.columns(2)
        b1.button(state.t("voice.preset_load"), on_click=_load_preset, icon=":material/done_all:")
        b2.button(state.t("voice.preset_delete"), on_click=_delete_preset, type="tertiary",
                  icon=":material/delete:")  # fmt: skip


st.title(state.t("voice.title"))
state.show_flash()
st.caption(state.t("voice.saved"))
current = app.preferences.load(user)
left, right = st.columns([1, 1], gap="large")
with left:
    voice_section(current)
    presets_section()
with right:
    presenter_section(current)
