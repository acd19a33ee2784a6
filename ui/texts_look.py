"""Texts of the Look panel (Create page) and the video format in History (issue 9)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "look.header": {"en": "Look", "es": "Aspecto"},
    "look.format": {"en": "Format", "es": "Formato"},
    "format.16:9": {"en": "class, YouTube", "es": "clase, YouTube"},
    "format.9:16": {"en": "reels, shorts", "es": "reels, shorts"},
    "format.1:1": {"en": "feeds", "es": "muro"},
    "look.resolution": {"en": "Resolution", "es": "Resolución"},
    "look.layout": {"en": "Layout", "es": "Disposición"},
    "layout.auto": {
        "en": "Automatic (bubble over the slides, else full)",
        "es": "Automática (burbuja sobre las diapositivas; si no, completa)",
    },
    "layout.full": {"en": "Full: the presenter alone", "es": "Completa: solo el presentador"},
    "layout.side": {
        "en": "Side: presenter in a third, slide beside",
        "es": "Lateral: presentador en un tercio, diapositiva al lado",
    },
    "layout.corner": {
        "en": "Corner: presenter in a bubble over the slide",
        "es": "Esquina: presentador en una burbuja sobre la diapositiva",
    },
    "layout.voice": {
        "en": "Voice only: slides and captions, no presenter",
        "es": "Solo voz: diapositivas y subtítulos, sin presentador",
    },
    "look.background": {"en": "Background", "es": "Fondo"},
    "look.background_default": {
        "en": "Default (the presenter's own, or Slate)",
        "es": "Predeterminado (el del presentador, o Pizarra)",
    },
    "look.background_blur": {
        "en": "The photo itself, blurred",
        "es": "La propia foto, desenfocada",
    },
    "look.background_image": {"en": "An image of mine…", "es": "Una imagen mía…"},
    "look.background_upload": {
        "en": "Background image (JPEG or PNG)",
        "es": "Imagen de fondo (JPEG o PNG)",
    },
    "theme.slate": {"en": "Slate", "es": "Pizarra"},
    "theme.paper": {"en": "Paper", "es": "Papel"},
    "theme.ocean": {"en": "Ocean", "es": "Océano"},
    "theme.sunset": {"en": "Sunset", "es": "Atardecer"},
    "theme.forest": {"en": "Forest", "es": "Bosque"},
    "theme.studio": {"en": "Studio", "es": "Estudio"},
    "look.captions": {
        "en": "Captions in the picture (for watching without sound)",
        "es": "Subtítulos en la imagen (para ver sin sonido)",
    },
    "look.title_card": {
        "en": "Title card (shown for the first 2 s)",
        "es": "Cartela de título (se muestra los primeros 2 s)",
    },
    "look.music": {
        "en": "Background music (MP3, WAV, M4A or OGG)",
        "es": "Música de fondo (MP3, WAV, M4A u OGG)",
    },
    "look.music_in_use": {"en": "Music: {name}", "es": "Música: {name}"},
    "look.remove": {"en": "Remove", "es": "Quitar"},
    "look.slides": {"en": "Slides (PDF)", "es": "Diapositivas (PDF)"},
    "look.slides_help": {
        "en": "Export from PowerPoint, Google Slides, Canva or Keynote as PDF. Each page is shown "
        "while its part of the script is spoken.",
        "es": "Exporte desde PowerPoint, Google Slides, Canva o Keynote como PDF. Cada página se "
        "muestra mientras se dice su parte del guion.",
    },
    "look.slides_in_use": {"en": "Slides: {name}", "es": "Diapositivas: {name}"},
    "look.slide_n": {"en": "Slide {n}", "es": "Diapositiva {n}"},
    "look.scene_n": {"en": "Script for slide {n}", "es": "Guion de la diapositiva {n}"},
    "look.extra_scenes": {
        "en": "The script has {scenes} parts but there are {slides} slides: join or remove "
        "the extra parts.",
        "es": "El guion tiene {scenes} partes pero hay {slides} diapositivas: una o quite las "
        "partes de más.",
    },
    "look.preview": {
        "en": "Preview of the first frame",
        "es": "Vista previa de la primera imagen",
    },
    "history.format": {"en": "{format} · {width}×{height}", "es": "{format} · {width}×{height}"},
}
