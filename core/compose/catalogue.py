"""What a look can be: formats, resolutions, layouts, background themes, caption styles."""

from __future__ import annotations

from typing import Any

from core.compose.captions import CAPTION_MODES, CAPTION_STYLES
from core.compose.formats import (
    DEFAULT_FORMAT,
    DEFAULT_RESOLUTION,
    FORMATS,
    RESOLUTIONS,
    frame_size,
)
from core.compose.layouts import LAYOUTS
from core.compose.themes import DEFAULT_THEME, THEMES

LAYOUT_NOTES = {
    "full": "the presenter alone, head and shoulders, centred",
    "side": "the presenter in one third, the slide or background in the rest",
    "corner": "the presenter in a round bubble over the slide, in its emptiest corner",
    "voice": "no presenter: the slides and captions with the narration",
}


def looks() -> dict[str, Any]:
    return {
        "formats": [
            {
                "id": fmt,
                "sizes": {str(r): list(frame_size(fmt, r)) for r in RESOLUTIONS},
            }
            for fmt in FORMATS
        ],
        "resolutions": list(RESOLUTIONS),
        "layouts": [{"id": k, "description": LAYOUT_NOTES[k]} for k in LAYOUTS],
        "backgrounds": {
            "themes": [t.to_json() for t in THEMES.values()],
            "other": ["blur", "an image path (JPEG/PNG)"],
        },
        "captions": list(CAPTION_MODES),
        "caption_styles": list(CAPTION_STYLES),
        "defaults": {
            "format": DEFAULT_FORMAT,
            "resolution": DEFAULT_RESOLUTION,
            "layout": "full (corner with slides)",
            "background": DEFAULT_THEME,
            "captions": "none",
            "caption_style": CAPTION_STYLES[0],
        },
    }
