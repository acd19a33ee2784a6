"""The script and the brief: empty or too long, language, tone, duration, video size."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "script.empty": {
        "en": "The script is empty — type or generate the text the presenter will say.",
        "es": "El guion está vacío: escriba o genere el texto que dirá el presentador.",
    },
    "script.too_long": {
        "en": "The script has {chars} characters; the limit is {limit} ({over} too many). "
        "Shorten it or split it into several videos.",
        "es": "El guion tiene {chars} caracteres; el límite es {limit} (sobran {over}). "
        "Acórtelo o divídalo en varios vídeos.",
    },
    "script.size": {
        "en": "The video size must be between {min} and {max} px (got {size}).",
        "es": "El tamaño del vídeo debe estar entre {min} y {max} px (tiene {size}).",
    },
    "script.rate_range": {
        "en": "The speaking rate must be between 0.5 and 2.0 (got {value}).",
        "es": "La velocidad al hablar debe estar entre 0,5 y 2,0 (tiene {value}).",
    },
    "script.pitch_range": {
        "en": "The speaking pitch must be between 0.5 and 2.0 (got {value}).",
        "es": "El tono de voz debe estar entre 0,5 y 2,0 (tiene {value}).",
    },
    "engine.unknown": {
        "en": "Unknown engine '{engine}' — choose one of: {choices}.",
        "es": "Motor desconocido «{engine}»: elija uno de {choices}.",
    },
    "engine.local_no_credits": {
        "en": "The offline engine is free: it has no credits to report.",
        "es": "El motor sin conexión es gratuito: no tiene créditos que consultar.",
    },
    "brief.unknown_writer": {
        "en": "Unknown script writer '{writer}' — choose one of: {choices}.",
        "es": "Redactor de guiones desconocido «{writer}»: elija uno de {choices}.",
    },
    "brief.empty": {
        "en": "The prompt is empty — say what the script should be about.",
        "es": "El tema está vacío: diga de qué debe tratar el guion.",
    },
    "brief.too_long": {
        "en": "The prompt has {chars} characters; the limit is {limit}. Shorten it to the topic "
        "and the points that matter.",
        "es": "El tema tiene {chars} caracteres; el límite es {limit}. Redúzcalo al tema y a los "
        "puntos importantes.",
    },
    "brief.unknown_language": {
        "en": "Unknown language '{language}' — choose one of: {choices} (a region may follow, "
        "e.g. es-419 or en-US).",
        "es": "Idioma desconocido «{language}»: elija uno de {choices} (puede seguir una "
        "región, p. ej. es-419 o en-US).",
    },
    "brief.unknown_tone": {
        "en": "Unknown tone '{tone}' — choose one of: {choices}.",
        "es": "Tono desconocido «{tone}»: elija uno de {choices}.",
    },
    "brief.audience_too_long": {
        "en": "The audience is too long; keep it under {limit} characters.",
        "es": "El público es demasiado largo; no pase de {limit} caracteres.",
    },
    "brief.duration_not_number": {
        "en": "The duration must be a number of seconds between {min:g} and {max:g} (got "
        "{value!r}).",
        "es": "La duración debe ser un número de segundos entre {min:g} y {max:g} (tiene "
        "{value!r}).",
    },
    "brief.duration_range": {
        "en": "The duration must be between {min:g} and {max:g} seconds (got {value:g}).",
        "es": "La duración debe estar entre {min:g} y {max:g} segundos (tiene {value:g}).",
    },
}
