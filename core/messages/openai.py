"""Script writing with OpenAI or an OpenAI-compatible server: configuration and failures.

``{who}`` is the server in mid-sentence ("OpenAI", "the server at http://…"), ``{Who}``
the same at the start of a sentence; ``{detail}`` is the server's own words (": …" or "").
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "openai.who": {"en": "OpenAI", "es": "OpenAI"},
    "openai.who_start": {"en": "OpenAI", "es": "OpenAI"},
    "openai.who_local": {"en": "the server at {url}", "es": "el servidor en {url}"},
    "openai.who_local_start": {"en": "The server at {url}", "es": "El servidor en {url}"},
    "openai.detail": {"en": ": {detail}", "es": ": {detail}"},
    "openai.not_configured": {
        "en": "Script writing needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local server); you "
        "can still type the script yourself",
        "es": "La escritura de guiones necesita OPENAI_API_KEY (u OPENAI_BASE_URL para un "
        "servidor local); puede escribir el guion usted mismo",
    },
    "openai.timeout": {
        "en": "{Who} did not answer within {seconds:g} s. Try again, or raise OPENAI_TIMEOUT_S.",
        "es": "{Who} no respondió en {seconds:g} s. Vuelva a intentarlo o aumente "
        "OPENAI_TIMEOUT_S.",
    },
    "openai.timeout_local": {
        "en": "{Who} did not answer within {seconds:g} s. Try again, or raise OPENAI_TIMEOUT_S "
        "(local models can be slow).",
        "es": "{Who} no respondió en {seconds:g} s. Vuelva a intentarlo o aumente "
        "OPENAI_TIMEOUT_S (los modelos locales pueden ser lentos).",
    },
    "openai.no_connection": {
        "en": "Could not connect to {who}; check the internet connection.",
        "es": "No se pudo conectar con {who}; revise la conexión a internet.",
    },
    "openai.no_connection_local": {
        "en": "Could not connect to {who}; check that it is running and that OPENAI_BASE_URL "
        "is right.",
        "es": "No se pudo conectar con {who}; compruebe que está en marcha y que "
        "OPENAI_BASE_URL es correcto.",
    },
    "openai.connection_broke": {
        "en": "The connection to {who} broke while the script was being written. Try again.",
        "es": "La conexión con {who} se cortó mientras se escribía el guion. Vuelva a intentarlo.",
    },
    "openai.stream_error": {
        "en": "{Who} reported an error while writing the script{detail}. Try again.",
        "es": "{Who} informó de un error al escribir el guion{detail}. Vuelva a intentarlo.",
    },
    "openai.failed": {
        "en": "{Who} failed: {kind}.",
        "es": "{Who} falló: {kind}.",
    },
    "openai.unauthorized": {
        "en": "{Who} rejected OPENAI_API_KEY (401 Unauthorized). Check the key, or create one "
        "at https://platform.openai.com/api-keys.",
        "es": "{Who} rechazó OPENAI_API_KEY (401 Unauthorized). Revise la clave o cree una en "
        "https://platform.openai.com/api-keys.",
    },
    "openai.unauthorized_local": {
        "en": "{Who} rejected OPENAI_API_KEY (401 Unauthorized). Set the key that server "
        "expects (any placeholder if it needs none).",
        "es": "{Who} rechazó OPENAI_API_KEY (401 Unauthorized). Defina la clave que espera ese "
        "servidor (cualquier valor si no necesita ninguna).",
    },
    "openai.forbidden": {
        "en": "{Who} refused access with OPENAI_API_KEY (403){detail}. Check that the key's "
        "project may use the model '{model}'.",
        "es": "{Who} denegó el acceso con OPENAI_API_KEY (403){detail}. Compruebe que el "
        "proyecto de la clave puede usar el modelo «{model}».",
    },
    "openai.no_model": {
        "en": "{Who} has no model '{model}' (404 Not Found). Check OPENAI_MODEL.",
        "es": "{Who} no tiene el modelo «{model}» (404 Not Found). Revise OPENAI_MODEL.",
    },
    "openai.no_model_local": {
        "en": "{Who} has no model '{model}' (404 Not Found). Check OPENAI_MODEL and "
        "OPENAI_BASE_URL (it usually ends in /v1).",
        "es": "{Who} no tiene el modelo «{model}» (404 Not Found). Revise OPENAI_MODEL y "
        "OPENAI_BASE_URL (suele terminar en /v1).",
    },
    "openai.no_quota": {
        "en": "The OpenAI account behind OPENAI_API_KEY has no quota left (insufficient_quota). "
        "Add credit at https://platform.openai.com/settings/organization/billing or use "
        "another key; you can still type the script yourself.",
        "es": "La cuenta de OpenAI de OPENAI_API_KEY no tiene saldo (insufficient_quota). Añada "
        "crédito en https://platform.openai.com/settings/organization/billing o use otra clave; "
        "puede escribir el guion usted mismo.",
    },
    "openai.rate_limited": {
        "en": "{Who} is rate limiting requests (429 Too Many Requests). Wait a minute and try "
        "again.",
        "es": "{Who} está limitando las peticiones (429 Too Many Requests). Espere un minuto y "
        "vuelva a intentarlo.",
    },
    "openai.rate_limited_later": {
        "en": "{Who} is rate limiting requests (429 Too Many Requests) and asked to wait "
        "{seconds} s: try again after {at}.",
        "es": "{Who} está limitando las peticiones (429 Too Many Requests) y pidió esperar "
        "{seconds} s: vuelva a intentarlo después de las {at}.",
    },
    "openai.refused": {
        "en": "{Who} refused the request ({status}){detail}. Check OPENAI_MODEL ('{model}').",
        "es": "{Who} rechazó la petición ({status}){detail}. Revise OPENAI_MODEL («{model}»).",
    },
    "openai.server_failed": {
        "en": "{Who} failed ({status}){detail}. Try again in a moment.",
        "es": "{Who} falló ({status}){detail}. Vuelva a intentarlo en un momento.",
    },
    "openai.no_text": {
        "en": "The model ({model}) returned no usable text. Try again, rephrase the prompt, or "
        "type the script yourself.",
        "es": "El modelo ({model}) no devolvió ningún texto útil. Vuelva a intentarlo, "
        "reformule el tema o escriba el guion usted mismo.",
    },
    "openai.content_filter": {
        "en": "The model declined to write this script (content filter). Rephrase the prompt, "
        "or type the script yourself.",
        "es": "El modelo se negó a escribir este guion (filtro de contenido). Reformule el tema "
        "o escriba el guion usted mismo.",
    },
}
