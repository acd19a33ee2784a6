"""Texts of the Create page added for issue 12 (the rest are in ui/i18n.py)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "tone.informative": {"en": "Informative", "es": "Informativo"},
    "tone.friendly": {"en": "Friendly", "es": "Cercano"},
    "tone.formal": {"en": "Formal", "es": "Formal"},
    "tone.enthusiastic": {"en": "Enthusiastic", "es": "Entusiasta"},
    "create.chars": {"en": "{chars} of {limit} characters", "es": "{chars} de {limit} caracteres"},
    "create.over_limit": {
        "en": "This script has {chars} characters, {over} more than the limit of {limit}. It is "
        "kept here as you pasted it; to make a video, shorten it by {over} characters, or split "
        "it into parts and make one video from each.",
        "es": "Este guion tiene {chars} caracteres, {over} más que el límite de {limit}. Se "
        "conserva aquí tal como lo pegó; para hacer el vídeo, acórtelo en {over} caracteres o "
        "divídalo en partes y haga un vídeo con cada una.",
    },
    "create.generate_too_long": {
        "en": "The script is over the character limit: shorten it or split it first.",
        "es": "El guion supera el límite de caracteres: acórtelo o divídalo antes.",
    },
    "create.emptied": {
        "en": "The box was emptied for a new video.",
        "es": "Se vació el cuadro para un vídeo nuevo.",
    },
    "create.undo": {
        "en": "Undo: bring back the previous script",
        "es": "Deshacer: recuperar el guion anterior",
    },
}
