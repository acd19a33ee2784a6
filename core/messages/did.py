"""D-ID's messages: key, credits, HTTP statuses, talks, voices, the downloaded video."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "did.no_key": {
        "en": "The D-ID engine needs an API key: set DID_API_KEY (from https://studio.d-id.com "
        "→ API), or make the video offline (choose “Offline” on the Voice & avatar page, or "
        "--engine local on the command line).",
        "es": "El motor D-ID necesita una clave de API: defina DID_API_KEY (en "
        "https://studio.d-id.com → API), o haga el vídeo sin conexión (elija «Sin conexión» en "
        "la página Voz y presentador).",
    },
    "did.no_still": {
        "en": "This D-ID engine was built without a way to draw the presenter's still.",
        "es": "Este motor de D-ID se creó sin forma de dibujar la imagen del presentador.",
    },
    "did.no_credits_report": {
        "en": "The 'did' engine in this build cannot report credits.",
        "es": "El motor «did» de esta versión no puede informar de los créditos.",
    },
    "did.talk_undone": {
        "en": "D-ID's talk {talk} went from done to {status}.",
        "es": "El vídeo {talk} de D-ID pasó de terminado a «{status}».",
    },
    "did.voices_not_list": {
        "en": "D-ID answered GET /tts/voices with something other than a list. Try again later.",
        "es": "D-ID respondió a GET /tts/voices con algo que no es una lista. Vuelva a "
        "intentarlo más tarde.",
    },
    "did.key_not_set": {
        "en": "DID_API_KEY is not set.",
        "es": "DID_API_KEY no está definida.",
    },
    "did.credits_unreadable": {
        "en": "Could not read D-ID credits ({detail}).",
        "es": "No se pudieron leer los créditos de D-ID ({detail}).",
    },
    "did.text_length": {
        "en": "D-ID needs a script of {min} to {max} characters (got {chars}).",
        "es": "D-ID necesita un guion de {min} a {max} caracteres (tiene {chars}).",
    },
    "did.refused_input": {
        "en": "D-ID refused {where} ({reason}).{details} If the script, voice or photo is "
        "the cause, fix it and try again; otherwise report the request id.",
        "es": "D-ID rechazó {where} ({reason}).{details} Si la causa es el guion, la voz o "
        "la foto, corríjalo y vuelva a intentarlo; si no, comunique el identificador de la "
        "petición.",
    },
    "did.request_ref": {"en": "; request id {request_id}", "es": "; petición {request_id}"},
    "did.reason": {"en": "HTTP {status}{said}{ref}", "es": "HTTP {status}{said}{ref}"},
    "did.forbidden": {
        "en": "D-ID refused permission for {where} ({reason}). The key works, but this "
        "account may not do this — often a feature its plan does not include. Check the plan "
        "at https://studio.d-id.com, or make the video offline.",
        "es": "D-ID denegó el permiso para {where} ({reason}). La clave funciona, pero "
        "esta cuenta no puede hacerlo; a menudo es una función que su plan no incluye. Revise "
        "el plan en https://studio.d-id.com, o haga el vídeo sin conexión.",
    },
    "did.no_face": {
        "en": "D-ID found no face in {name}, so it cannot animate it (nothing was charged). "
        "Choose a photo of one person facing the camera, or make the video offline.",
        "es": "D-ID no encontró ninguna cara en {name}, así que no puede animarla (no se cobró "
        "nada). Elija una foto de una persona mirando a la cámara, o haga el vídeo sin conexión.",
    },
    "did.talk_kept": {
        "en": "The talk {talk} is kept: press Retry (or make the same video again) to resume "
        "it without paying twice.",
        "es": "El vídeo {talk} de D-ID se conserva: pulse Reintentar (o haga el mismo vídeo otra "
        "vez) para retomarlo sin pagarlo dos veces.",
    },
    "did.where_download": {"en": "the video download", "es": "la descarga del vídeo"},
    "did.details": {"en": " Details: {details}.", "es": " Detalles: {details}."},
    "did.key_rejected": {
        "en": "D-ID rejected the key — check DID_API_KEY ({reason}).",
        "es": "D-ID rechazó la clave: revise DID_API_KEY ({reason}).",
    },
    "did.no_credits": {
        "en": "Not enough D-ID credits ({reason}). Buy credits at https://studio.d-id.com or "
        "make the video offline (“Offline” on the Voice & avatar page, --engine local on the "
        "command line).",
        "es": "No quedan suficientes créditos de D-ID ({reason}). Compre créditos en "
        "https://studio.d-id.com o haga el vídeo sin conexión (elija «Sin conexión» en la "
        "página Voz y presentador).",
    },
    "did.not_found": {
        "en": "D-ID does not know {where} ({reason}).",
        "es": "D-ID no reconoce {where} ({reason}).",
    },
    "did.rate_limited_later": {
        "en": "D-ID is limiting the request rate on {where} ({reason}) and asked to wait "
        "{seconds} s: try again after {at}.",
        "es": "D-ID está limitando el ritmo de peticiones en {where} ({reason}) y pidió "
        "esperar {seconds} s: vuelva a intentarlo después de las {at}.",
    },
    "did.rate_limited": {
        "en": "D-ID is limiting the request rate on {where} ({reason}{hint}). Wait a "
        "minute and try again.",
        "es": "D-ID está limitando el ritmo de peticiones en {where} "
        "({reason}{hint}). Espere "
        "un minuto y vuelva a intentarlo.",
    },
    "did.wait_hint": {
        "en": "; it asked to wait {seconds:.0f} s",
        "es": "; pidió esperar {seconds:.0f} s",
    },
    "did.moderation": {
        "en": "D-ID's moderation refused {where} ({reason}). Use another photo or script.",
        "es": "La moderación de D-ID rechazó {where} ({reason}). Use otra foto u otro guion.",
    },
    "did.server": {
        "en": "D-ID had a server problem on {where} ({reason}). Try again in a few minutes.",
        "es": "D-ID tuvo un problema en su servidor en {where} ({reason}). Vuelva a "
        "intentarlo en unos minutos.",
    },
    "did.unexpected_status": {
        "en": "D-ID answered {where} with an unexpected {reason}.",
        "es": "D-ID respondió a {where} con un {reason} inesperado.",
    },
    "did.timeout": {
        "en": "D-ID did not answer {where} in time ({kind}). Check the connection and try again.",
        "es": "D-ID no respondió a {where} a tiempo ({kind}). Revise la conexión y vuelva a "
        "intentarlo.",
    },
    "did.unreachable": {
        "en": "Could not reach D-ID at {url} for {where} (connection failed or broke). Check "
        "the network or DID_API_URL.",
        "es": "No se pudo contactar con D-ID en {url} para {where} (la conexión falló o se "
        "cortó). Revise la red o DID_API_URL.",
    },
    "did.call_failed": {
        "en": "D-ID call {where} failed: {kind}.",
        "es": "La llamada a D-ID {where} falló: {kind}.",
    },
    "did.bad_field": {
        "en": "D-ID answered {where} without a valid '{name}' field. Try again later.",
        "es": "D-ID respondió a {where} sin un campo «{name}» válido. Vuelva a intentarlo más "
        "tarde.",
    },
    "did.not_json": {
        "en": "D-ID answered {where} with a body that is not JSON (HTTP {status}). Try again "
        "later.",
        "es": "D-ID respondió a {where} con un contenido que no es JSON (HTTP {status}). Vuelva "
        "a intentarlo más tarde.",
    },
    "did.link_not_https": {
        "en": "D-ID gave a video link that is not https ({url}); refusing to download it.",
        "es": "D-ID dio un enlace al vídeo que no es https ({url}); no se descarga.",
    },
    "did.link_private": {
        "en": "D-ID gave a video link to a local or private address ({url}); refusing to "
        "download it.",
        "es": "D-ID dio un enlace al vídeo hacia una dirección local o privada ({url}); no se "
        "descarga.",
    },
    "did.link_expired": {
        "en": "The video link from D-ID expired (HTTP {status} from storage).",
        "es": "El enlace al vídeo de D-ID caducó (HTTP {status} del almacenamiento).",
    },
    "did.download_short": {
        "en": "The video download stopped early ({written} of {declared} bytes).",
        "es": "La descarga del vídeo se detuvo antes de tiempo ({written} de {declared} bytes).",
    },
    "did.too_many_redirects": {
        "en": "D-ID's video link redirected more than {max} times; refusing to follow.",
        "es": "El enlace al vídeo de D-ID redirigió más de {max} veces; no se sigue.",
    },
    "did.video_too_big": {
        "en": "D-ID's video is larger than the {cap_mb} MB limit ({size_mb} MB or more); "
        "refusing to store it.",
        "es": "El vídeo de D-ID supera el límite de {cap_mb} MB ({size_mb} MB o más); no se "
        "guarda.",
    },
    "did.video_unreadable": {
        "en": "The video D-ID returned could not be read ({detail}). Retry (or run the same "
        "command again) to download it afresh.",
        "es": "No se pudo leer el vídeo que devolvió D-ID ({detail}). Vuelva a generarlo para "
        "descargarlo de nuevo.",
    },
    "did.poll_gave_up": {
        "en": "(gave up after {failures} failed polls in a row)",
        "es": "(se abandonó tras {failures} consultas fallidas seguidas)",
    },
    "did.not_finished": {
        "en": "D-ID did not finish talk {talk} within {seconds:g} s (still {status}); raise "
        "DID_POLL_DEADLINE_S to wait longer.",
        "es": "D-ID no terminó el vídeo {talk} en {seconds:g} s (sigue «{status}»); aumente "
        "DID_POLL_DEADLINE_S para esperar más.",
    },
    "did.rejected": {
        "en": "D-ID could not render the video — talk {talk} {status} ({said}). D-ID refused "
        "the content (often moderation); use another photo or script.",
        "es": "D-ID no pudo generar el vídeo: {talk} {status} ({said}). D-ID rechazó el "
        "contenido (a menudo por moderación); use otra foto u otro guion.",
    },
    "did.failed": {
        "en": "D-ID could not render the video — talk {talk} {status} ({said}). The credits are "
        "refunded; check the photo shows one clear face and try again.",
        "es": "D-ID no pudo generar el vídeo: {talk} {status} ({said}). Se devuelven los "
        "créditos; compruebe que la foto muestra una cara clara y vuelva a intentarlo.",
    },
    "did.no_reason": {"en": "no reason", "es": "sin motivo"},
    "did.no_language_voice": {
        "en": "D-ID has no voice for language '{language}'. Choose another language (`python -m "
        "core voices --engine did` lists the languages it speaks).",
        "es": "D-ID no tiene ninguna voz para el idioma «{language}». Elija otro idioma.",
    },
    "did.unknown_voice": {
        "en": "Unknown D-ID voice '{voice}'. Choose one from the list (`python -m core voices "
        "--engine did --language {language}` lists them).",
        "es": "Voz de D-ID desconocida «{voice}». Elija una de la lista en la página Voz y "
        "presentador.",
    },
    "did.voice_language": {
        "en": "The D-ID voice '{voice}' speaks {speaks}, not '{language}'. Pick another voice "
        "or change the language.",
        "es": "La voz de D-ID «{voice}» habla {speaks}, no «{language}». Elija otra voz o cambie "
        "el idioma.",
    },
}
