"""The Create page's Look panel: format, resolution, layout, background, captions, music,
title card, slides (with one script box per slide) and a preview still of the first frame.

UI only: files are kept by core (Library.save_upload), checked and drawn by core.compose.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from core.errors import AppError
from core.models import Avatar, Look
from core.usecases import Choices, join_scenes, scene_parts
from ui import state
from ui.common import error_text

SLIDES, MUSIC, BACKGROUND = state.LOOK_SLIDES, state.LOOK_MUSIC, state.LOOK_BACKGROUND
TITLE, PREVIEW = state.LOOK_TITLE, state.LOOK_PREVIEW
IMAGE = "image"  # the background choice "an uploaded image"


def _kept(key: str, upload, user: str) -> None:
    """Keep an upload in the library and remember (name, path) under ``key``."""
    if upload is None:
        return
    path = state.runtime().app.looks.keep_upload(user, upload.getvalue(), upload.name)
    st.session_state[key] = (upload.name, str(path))


def _path(key: str) -> str:
    kept = st.session_state.get(key)
    return kept[1] if kept else ""


def restore(look: dict | None) -> None:
    """ "Use again": the per-video parts of a look (slides, music, title card, image)."""
    look = look or {}
    slides = look.get("slides") or []
    ss = st.session_state
    ss[SLIDES] = (slides[0].rsplit("/", 1)[-1], slides[0]) if len(slides) == 1 else None
    ss[MUSIC] = (look["music"].rsplit("/", 1)[-1], look["music"]) if look.get("music") else None
    background = look.get("background") or ""
    ss[BACKGROUND] = (background.rsplit("/", 1)[-1], background) if "/" in background else None
    ss[TITLE] = look.get("title") or ""


def _theme_label(theme_id: str) -> str:
    if theme_id in state.runtime().app.looks.themes():
        return state.t(f"theme.{theme_id}")
    return state.t(f"look.background_{theme_id or 'default'}")


def _pick(label: str, labels: dict[str, str], current: str, key: str) -> str:
    """A selectbox over translated labels (plain strings), giving back the chosen id."""
    names = list(labels.values())
    at = list(labels).index(current) if current in labels else 0
    chosen = st.selectbox(label, names, index=at, key=key)
    return next((k for k, v in labels.items() if v == chosen), "")


def panel(choices: Choices, text: str, avatar: Avatar | None, user: str) -> Look:
    """Draw the panel; returns the look the next video will have."""
    ss = st.session_state
    looks = state.runtime().app.looks
    formats, resolutions, layout_ids = looks.formats(), looks.resolutions(), looks.layouts()
    themes = looks.themes()
    lang = state.lang()  # translated options: widgets per language (a switch starts afresh)
    with st.expander(state.t("look.header"), expanded=True, icon=":material/palette:"):
        c1, c2 = st.columns(2)
        fmt = c1.radio(
            state.t("look.format"), formats, horizontal=True,
            index=formats.index(choices.format) if choices.format in formats else 0,
            captions=[state.t(f"format.{f}") for f in formats], key=f"look-format-{lang}",
        )  # fmt: skip
        resolution = c2.radio(
            state.t("look.resolution"), list(resolutions), horizontal=True,
            index=resolutions.index(choices.resolution) if choices.resolution in resolutions else 0,
            format_func=lambda r: f"{r}p",
        )  # fmt: skip
        layouts = {v: state.t(f"layout.{v or 'auto'}") for v in ["", *layout_ids]}
        layout = _pick(state.t("look.layout"), layouts, choices.layout, f"look-layout-{lang}")
        st.image(looks.swatches_png(), caption=" · ".join(state.t(f"theme.{t}") for t in themes))
        options = ["", *themes, "blur", IMAGE]
        current = IMAGE if "/" in choices.background else choices.background
        background = _pick(
            state.t("look.background"), {v: _theme_label(v) for v in options}, current,
            f"look-background-{lang}",
        )  # fmt: skip
        if background == IMAGE:
            _kept(BACKGROUND, st.file_uploader(
                state.t("look.background_upload"), type=["jpg", "jpeg", "png"],
                max_upload_size=15,
            ), user)  # fmt: skip
            background = _path(BACKGROUND)
        captions = st.toggle(state.t("look.captions"), value=choices.captions)
        ss[TITLE] = st.text_input(state.t("look.title_card"), value=ss[TITLE], max_chars=120)
        _kept(MUSIC, st.file_uploader(
            state.t("look.music"), type=["mp3", "wav", "m4a", "ogg"], max_upload_size=40,
        ), user)  # fmt: skip
        if ss[MUSIC]:
            row = st.container(horizontal=True, vertical_alignment="center")
            row.caption(state.t("look.music_in_use", name=ss[MUSIC][0]))
            row.button(state.t("look.remove"), key="rm-music", on_click=_forget, args=(MUSIC,))
        slides_panel(text, user)
    updated = choices.with_(
        format=fmt, resolution=resolution, layout=layout,
        background=background, captions=captions,
    )  # fmt: skip
    if updated != choices:
        state.runtime().app.preferences.save(user, updated)
    slides = (_path(SLIDES),) if ss[SLIDES] else ()
    look = updated.look(slides=slides, music=_path(MUSIC), title_card=ss[TITLE].strip())
    preview(look, text, avatar, updated.engine)
    return look


def _forget(key: str) -> None:
    st.session_state[key] = None


def slides_panel(text: str, user: str) -> None:
    ss = st.session_state
    _kept(SLIDES, st.file_uploader(
        state.t("look.slides"), type=["pdf"], max_upload_size=50,
        help=state.t("look.slides_help"),
    ), user)  # fmt: skip
    if not ss[SLIDES]:
        return
    name, path = ss[SLIDES]
    row = st.container(horizontal=True, vertical_alignment="center")
    row.caption(state.t("look.slides_in_use", name=name))
    row.button(state.t("look.remove"), key="rm-slides", on_click=_forget, args=(SLIDES,))
    try:
        pages = state.runtime().app.looks.slide_thumbnails(path, 200)
    except AppError as err:
        st.error(error_text(state.runtime(), err))
        return
    parts = scene_parts(ss.get(state.SCRIPT, ""))
    parts += [""] * (len(pages) - len(parts))
    tag = hashlib.sha256(path.encode()).hexdigest()[:8]
    for k, png in enumerate(pages):
        key = f"scene-{tag}-{k}"
        st.session_state[key] = parts[k] if k < len(parts) else ""
        pic, box = st.columns([1, 2], vertical_alignment="top")
        pic.image(png, caption=state.t("look.slide_n", n=k + 1))
        box.text_area(
            state.t("look.scene_n", n=k + 1), key=key, height=110,
            on_change=_join, args=(tag, len(pages)), label_visibility="collapsed",
        )  # fmt: skip
    extra = len([p for p in parts[len(pages) :] if p.strip()])
    if extra:
        st.warning(state.t("look.extra_scenes", scenes=len(pages) + extra, slides=len(pages)))


def _join(tag: str, n: int) -> None:
    """One box per slide, one script underneath: the boxes joined with --- lines."""
    ss = st.session_state
    rest = scene_parts(ss.get(state.SCRIPT, ""))[n:]
    parts = [ss.get(f"scene-{tag}-{k}", "") for k in range(n)] + rest
    ss[state.SCRIPT] = join_scenes(parts)
    ss.pop(state.SCRIPT_WIDGET, None)


def preview(look: Look, text: str, avatar: Avatar | None, engine: str) -> None:
    ss = st.session_state
    key = (repr(look), text.split("---")[0][:200], avatar.id if avatar else "", engine)
    try:
        if not ss[PREVIEW] or ss[PREVIEW][0] != key:
            png = state.runtime().app.looks.preview_png(look, text or "…", avatar, engine)
            ss[PREVIEW] = (key, png)
    except AppError as err:
        ss[PREVIEW] = None
        st.warning(error_text(state.runtime(), err))
        return
    st.image(ss[PREVIEW][1], caption=state.t("look.preview"), width="stretch")
