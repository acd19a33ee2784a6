"""Audio messages: own narration (decoding, size, alignment) and speech-server voices."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # decoding and checking a narration (core.audio.decode / narration)
    "audio.not_found": {
        "en": "The audio file {name} was not found.",
        "es": "No se encontró el archivo de audio {name}.",
    },
    "audio.no_track": {
        "en": "{name} has no sound track: choose an audio recording.",
        "es": "{name} no tiene pista de sonido: elija una grabación de audio.",
    },
    "audio.too_long": {
        "en": "{name} is longer than {minutes:g} minutes: shorten it or split it into several "
        "videos.",
        "es": "{name} dura más de {minutes:g} minutos: acórtelo o divídalo en varios vídeos.",
    },
    "audio.unreadable": {
        "en": "{name} could not be read as audio ({reason}). Use a WAV, MP3, M4A, OGG or WEBM "
        "recording.",
        "es": "{name} no se pudo leer como audio ({reason}). Use una grabación WAV, MP3, M4A, "
        "OGG o WEBM.",
    },
    "audio.empty": {
        "en": "{name} holds no audio (or less than 0.2 s): record it again.",
        "es": "{name} no contiene audio (o menos de 0,2 s): vuelva a grabarlo.",
    },
    "audio.silent": {
        "en": "{name} is silent: check the microphone (or the file) and record it again.",
        "es": "{name} está en silencio: revise el micrófono (o el archivo) y vuelva a grabarlo.",
    },
    "audio.too_big": {
        "en": "{name} is {mb:.1f} MB; the limit is {limit_mb:g} MB (MAX_AUDIO_MB). Use a "
        "compressed format (M4A, MP3, OGG) or a shorter recording.",
        "es": "{name} ocupa {mb:.1f} MB; el límite es {limit_mb:g} MB (MAX_AUDIO_MB). Use un "
        "formato comprimido (M4A, MP3, OGG) o una grabación más corta.",
    },
    "audio.not_audio": {
        "en": "{name} is not an audio file: use WAV, MP3, M4A, OGG or WEBM.",
        "es": "{name} no es un archivo de audio: use WAV, MP3, M4A, OGG o WEBM.",
    },
    "audio.the_recording": {"en": "The recording", "es": "La grabación"},
    "audio.server_audio": {"en": "The speech server's audio", "es": "El audio del servidor de voz"},
    # aligning a script to audio (core.audio.align)
    "audio.no_reference_voice": {
        "en": "No offline voice speaks {language!r}, so the script cannot be timed to the "
        "recording. Remove the script (no subtitles) or choose another language.",
        "es": "Ninguna voz sin conexión habla {language!r}, así que el guion no se puede "
        "sincronizar con la grabación. Quite el guion (sin subtítulos) o elija otro idioma.",
    },
    "audio.script_mismatch": {
        "en": "The script does not seem to match the recording (alignment confidence "
        "{confidence:.2f}, needs {threshold:.2f}). Check that the script is what the recording "
        "says, remove the script to make the video without subtitles, or choose to keep the "
        "video without subtitles.",
        "es": "El guion no parece coincidir con la grabación (confianza de la alineación "
        "{confidence:.2f}, se necesita {threshold:.2f}). Compruebe que el guion es lo que dice "
        "la grabación, quite el guion para hacer el vídeo sin subtítulos, o elija conservar "
        "el vídeo sin subtítulos.",
    },
    "audio.note_no_script": {
        "en": "No script was given, so the video has no subtitles.",
        "es": "No se dio un guion, así que el vídeo no tiene subtítulos.",
    },
    "audio.note_mismatch": {
        "en": "The script does not match the recording, so the video has no subtitles.",
        "es": "El guion no coincide con la grabación, así que el vídeo no tiene subtítulos.",
    },
    "script.no_prompt": {
        "en": "Say what the script is about with --prompt, or translate one with "
        "--translate-to LANG and --text/--text-file.",
        "es": "Diga de qué trata el guion con --prompt, o traduzca uno con --translate-to "
        "IDIOMA y --text/--text-file.",
    },
    "script.no_text_to_translate": {
        "en": "Give the script to translate with --text or --text-file.",
        "es": "Indique el guion que se va a traducir con --text o --text-file.",
    },
    "render.no_input": {
        "en": "Give the script (--text or --text-file), a narration (--audio), or both.",
        "es": "Indique el guion (--text o --text-file), una narración (--audio), o ambos.",
    },
    "did.no_narration": {
        "en": "This D-ID engine cannot speak a recording: use the offline engine for it.",
        "es": "Este motor de D-ID no puede decir una grabación: use el motor sin conexión.",
    },
    "did.no_tts": {
        "en": "tts: voices work with the offline engine only; choose a D-ID voice.",
        "es": "Las voces tts: solo funcionan con el motor sin conexión; elija una voz de D-ID.",
    },
    # speech servers (core.audio.speech_server / speech_errors)
    "config.tts_url": {
        "en": "TTS_BASE_URL must start with http:// or https:// (got {url!r}).",
        "es": "TTS_BASE_URL debe empezar por http:// o https:// (tiene {url!r}).",
    },
    "limit.tts_chars": {
        "en": "Today's allowance of {limit} characters of speech from the speech server is "
        "used up ({used} today; TTS_DAILY_CHARS). Choose an offline voice, or try again after "
        "00:00 UTC (in {wait}).",
        "es": "Se agotó la asignación diaria de {limit} caracteres de voz del servidor de voz "
        "({used} hoy; TTS_DAILY_CHARS). Elija una voz sin conexión o vuelva a probar después "
        "de las 00:00 UTC (dentro de {wait}).",
    },
    "tts.where_openai": {"en": "OpenAI", "es": "OpenAI"},
    "tts.where_server": {"en": "the speech server at {url}", "es": "el servidor de voz en {url}"},
    "tts.no_server": {
        "en": "tts: voices need a speech server: set TTS_API_KEY (or OPENAI_API_KEY) for "
        "OpenAI's voices, or TTS_BASE_URL for an OpenAI-compatible server (Kokoro-FastAPI, "
        "Speaches, LocalAI). Or choose an offline voice.",
        "es": "Las voces tts: necesitan un servidor de voz: defina TTS_API_KEY (u "
        "OPENAI_API_KEY) para las voces de OpenAI, o TTS_BASE_URL para un servidor compatible "
        "con OpenAI (Kokoro-FastAPI, Speaches, LocalAI). O elija una voz sin conexión.",
    },
    "tts.unknown_voice": {
        "en": "There is no voice {name!r} at {where}. Some that exist: {some}.",
        "es": "No hay ninguna voz {name!r} en {where}. Algunas que existen: {some}.",
    },
    "tts.wrong_language": {
        "en": "The voice {voice} speaks {spoken}, not {language}: choose another one.",
        "es": "La voz {voice} habla {spoken}, no {language}: elija otra.",
    },
    "tts.bad_audio": {
        "en": "The audio sent by {where} cannot be played ({reason}). Try again, or choose "
        "another voice.",
        "es": "El audio que envió {where} no se puede reproducir ({reason}). Inténtelo de nuevo "
        "o elija otra voz.",
    },
    "tts.no_audio": {
        "en": "No audio came from {where}. Try again, or choose another voice.",
        "es": "No llegó audio desde {where}. Inténtelo de nuevo o elija otra voz.",
    },
    "tts.timeout": {
        "en": "No answer from {where} within {seconds:g} s. Try again, or raise TTS_TIMEOUT_S.",
        "es": "No hubo respuesta desde {where} en {seconds:g} s. Inténtelo de nuevo o aumente "
        "TTS_TIMEOUT_S.",
    },
    "tts.unreachable": {
        "en": "The connection to {where} failed or broke off; check the internet connection.",
        "es": "La conexión con {where} falló o se cortó; revise la conexión a internet.",
    },
    "tts.unreachable_local": {
        "en": "The connection to {where} failed or broke off; check that it is running and "
        "that TTS_BASE_URL is right.",
        "es": "La conexión con {where} falló o se cortó; compruebe que está en marcha y que "
        "TTS_BASE_URL es correcta.",
    },
    "tts.auth": {
        "en": "TTS_API_KEY was rejected by {where} ({status}). Check the key (TTS_API_KEY, or "
        "OPENAI_API_KEY when TTS_API_KEY is not set), or choose an offline voice.",
        "es": "TTS_API_KEY fue rechazada por {where} ({status}). Revise la clave (TTS_API_KEY, u "
        "OPENAI_API_KEY si TTS_API_KEY no está definida) o elija una voz sin conexión.",
    },
    "tts.no_model": {
        "en": "There is no speech model {model!r} (or no /audio/speech endpoint) at {where} "
        "(404). Check TTS_MODEL and TTS_BASE_URL (it usually ends in /v1).",
        "es": "No hay modelo de voz {model!r} (ni punto /audio/speech) en {where} (404). "
        "Revise TTS_MODEL y TTS_BASE_URL (suele terminar en /v1).",
    },
    "tts.quota": {
        "en": "The account behind TTS_API_KEY has no quota left at {where} "
        "(insufficient_quota). Add credit or use another key; offline voices still work.",
        "es": "La cuenta de TTS_API_KEY no tiene cuota en {where} (insufficient_quota). Añada "
        "crédito o use otra clave; las voces sin conexión siguen funcionando.",
    },
    "tts.rate_limited": {
        "en": "Speech requests are being rate limited by {where} (429). Wait a minute and "
        "try again.",
        "es": "Las peticiones de voz están limitadas por {where} (429). Espere un minuto y "
        "vuelva a intentarlo.",
    },
    "tts.refused": {
        "en": "The speech request was refused by {where} ({status}){detail}. Check "
        "TTS_MODEL ({model!r}) and the voice.",
        "es": "La petición de voz fue rechazada por {where} ({status}){detail}. Revise "
        "TTS_MODEL ({model!r}) y la voz.",
    },
    "tts.failed": {
        "en": "The speech request to {where} failed ({status}){detail}. Try again in a moment.",
        "es": "La petición de voz falló en {where} ({status}){detail}. Vuelva a intentarlo "
        "en un momento.",
    },
    "tts.failed_other": {
        "en": "The speech request to {where} failed: {reason}.",
        "es": "La petición de voz falló en {where}: {reason}.",
    },
}
