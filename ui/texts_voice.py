"""Texts of the Voice & avatar page added for issue 12 (the rest are in ui/i18n.py)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "voice.upload_help": {
        "en": "Drag a photo onto the box, or press its button to choose one: JPEG or PNG, up to "
        "15 MB.",
        "es": "Arrastre una foto al recuadro o pulse su botón para elegirla: JPEG o PNG, hasta "
        "15 MB.",
    },
    "voice.language_help": {
        "en": "{count} languages, the most used first. Type to search.",
        "es": "{count} idiomas, los más usados primero. Escriba para buscar.",
    },
    "voice.did_needs_key": {
        "en": "D-ID's voices need a D-ID key: the administrator sets DID_API_KEY. Without one, "
        "choose “Offline (this computer)” above: its voices need no key.",
        "es": "Las voces de D-ID necesitan una clave de D-ID: el administrador define "
        "DID_API_KEY. Sin ella, elija «Sin conexión (este equipo)» arriba: sus voces no "
        "necesitan clave.",
    },
    "voice.none_language": {
        "en": "No voice of this engine speaks {language}. Choose another language.",
        "es": "Ninguna voz de este motor habla {language}. Elija otro idioma.",
    },
}
