"""Interface texts for own narration, translation and voice kinds (merged into ui.i18n)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "create.narration_header": {
        "en": "Your own voice (optional)",
        "es": "Su propia voz (opcional)",
    },
    "create.narration_help": {
        "en": "Upload or record the narration: the presenter speaks it instead of a voice. "
        "With a script, the subtitles are the script timed to your recording; without one, "
        "the video has no subtitles.",
        "es": "Suba o grabe la narración: el presentador la dice en lugar de una voz. Con "
        "guion, los subtítulos son el guion sincronizado con su grabación; sin guion, el vídeo "
        "no tiene subtítulos.",
    },
    "create.narration_upload": {"en": "Upload a recording", "es": "Subir una grabación"},
    "create.narration_record": {"en": "Record in the browser", "es": "Grabar en el navegador"},
    "create.narration_file": {
        "en": "Audio file (WAV, MP3, M4A, OGG, WEBM)",
        "es": "Archivo de audio (WAV, MP3, M4A, OGG, WEBM)",
    },
    "create.narration_mic": {"en": "Record your narration", "es": "Grabe su narración"},
    "create.narration_in_use": {
        "en": "The presenter will speak your recording “{name}”.",
        "es": "El presentador dirá su grabación «{name}».",
    },
    "create.narration_no_script": {
        "en": "No script: the video will have no subtitles.",
        "es": "Sin guion: el vídeo no tendrá subtítulos.",
    },
    "create.narration_keep": {
        "en": "If the script does not match the recording, make the video without subtitles",
        "es": "Si el guion no coincide con la grabación, hacer el vídeo sin subtítulos",
    },
    "create.narration_remove": {"en": "Use a voice instead", "es": "Usar una voz en su lugar"},
    "create.narration_voice": {"en": "Your recording", "es": "Su grabación"},
    "create.translate_to": {"en": "Translate into", "es": "Traducir al"},
    "create.translate": {"en": "Translate", "es": "Traducir"},
    "create.translated": {
        "en": "Translated into {language} ({words} words). The voice now speaks {language}; "
        "presenter and settings are kept.",
        "es": "Traducido al {language} ({words} palabras). La voz ahora habla {language}; "
        "se mantienen el presentador y los ajustes.",
    },
    "create.no_subtitles": {
        "en": "This video has no subtitles.",
        "es": "Este vídeo no tiene subtítulos.",
    },
    "voice.kind_offline": {
        "en": "Offline voices — free, on this computer",
        "es": "Voces sin conexión — gratis, en este equipo",
    },
    "voice.kind_server": {
        "en": "Neural voices from a speech server",
        "es": "Voces neuronales de un servidor de voz",
    },
    "voice.kind_did": {"en": "D-ID voices (cloud)", "es": "Voces de D-ID (en la nube)"},
    "voice.mark_free": {"en": "free", "es": "gratis"},
    "voice.mark_key_paid": {
        "en": "needs TTS_API_KEY · costs money per character",
        "es": "necesita TTS_API_KEY · cuesta dinero por carácter",
    },
    "voice.mark_server": {
        "en": "needs your speech server (TTS_BASE_URL)",
        "es": "necesita su servidor de voz (TTS_BASE_URL)",
    },
    "voice.mark_did": {
        "en": "needs DID_API_KEY · costs D-ID credits",
        "es": "necesita DID_API_KEY · cuesta créditos de D-ID",
    },
    "voice.no_server": {
        "en": "No speech server is set: set TTS_API_KEY (or OPENAI_API_KEY) for OpenAI's "
        "neural voices, or TTS_BASE_URL for your own server (Kokoro-FastAPI, Speaches, "
        "LocalAI).",
        "es": "No hay servidor de voz: defina TTS_API_KEY (u OPENAI_API_KEY) para las voces "
        "neuronales de OpenAI, o TTS_BASE_URL para su propio servidor (Kokoro-FastAPI, "
        "Speaches, LocalAI).",
    },
    "voice.kind": {"en": "Kind of voice", "es": "Tipo de voz"},
    "side.usage_tts": {
        "en": "Speech characters today: {used} of {limit}",
        "es": "Caracteres de voz hoy: {used} de {limit}",
    },
}
