"""The HTTP API, its keys and webhooks, and batches from a spreadsheet."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # -- the HTTP API -------------------------------------------------------------------------
    "api.key_missing": {
        "en": "Send your API key as the header 'Authorization: Bearer <key>'. Create a key in "
        "the app (API keys) or with `python -m core apikey create --user EMAIL`.",
        "es": "Envíe su clave de API en la cabecera 'Authorization: Bearer <clave>'. Cree una "
        "clave en la aplicación (Claves de API) o con `python -m core apikey create`.",
    },
    "api.key_invalid": {
        "en": "This API key is not valid or was revoked. Create a new one in the app (API keys) "
        "or with `python -m core apikey create --user EMAIL`.",
        "es": "Esta clave de API no es válida o se revocó. Cree una nueva en la aplicación "
        "(Claves de API) o con `python -m core apikey create`.",
    },
    "api.user_not_allowed": {
        "en": "The account {user} may no longer use this server (ALLOWED_EMAILS). Ask its "
        "administrator.",
        "es": "La cuenta {user} ya no puede usar este servidor (ALLOWED_EMAILS). Consulte a su "
        "administrador.",
    },
    "api.rate_limited": {
        "en": "Too many requests with this key: at most {limit} a minute. Wait {wait_s} s and "
        "try again.",
        "es": "Demasiadas peticiones con esta clave: como mucho {limit} por minuto. Espere "
        "{wait_s} s y vuelva a intentarlo.",
    },
    "api.body_too_large": {
        "en": "The request body is larger than this server accepts ({limit_mb:.1f} MB, "
        "API_MAX_BODY_MB). Send a smaller file.",
        "es": "El cuerpo de la petición es mayor de lo que acepta este servidor ({limit_mb:.1f} "
        "MB, API_MAX_BODY_MB). Envíe un archivo más pequeño.",
    },
    "api.idempotency_conflict": {
        "en": "The Idempotency-Key {key!r} was already used with a different request. Use a new "
        "key for a new request.",
        "es": "La Idempotency-Key {key!r} ya se usó con otra petición distinta. Use una clave "
        "nueva para cada petición nueva.",
    },
    "api.idempotency_key": {
        "en": "The Idempotency-Key must be 1 to 255 visible ASCII characters.",
        "es": "La Idempotency-Key debe tener de 1 a 255 caracteres ASCII visibles.",
    },
    "api.not_ready": {
        "en": "The video {id} is not finished (status: {status}); its files exist once the "
        "status is 'done'.",
        "es": "El vídeo {id} no ha terminado (estado: {status}); sus archivos existen cuando el "
        "estado es 'done'.",
    },
    "api.invalid_field": {
        "en": "{field}: {problem}",
        "es": "{field}: {problem}",
    },
    "api.invalid_json": {
        "en": "The request body is not valid JSON. Send a JSON object with Content-Type: "
        "application/json.",
        "es": "El cuerpo de la petición no es JSON válido. Envíe un objeto JSON con "
        "Content-Type: application/json.",
    },
    "api.engine_unavailable": {
        "en": "The engine {engine!r} is not available on this server (its key is not set). Use "
        "the engine 'local', or ask the administrator to set it up.",
        "es": "El motor {engine!r} no está disponible en este servidor (no tiene su clave). Use "
        "el motor 'local' o pida al administrador que lo configure.",
    },
    "api.unknown_avatar": {
        "en": "Unknown presenter {avatar!r}: use an id from GET /v1/avatars (a built-in "
        "presenter, or a photo uploaded with POST /v1/photos).",
        "es": "Presentador desconocido {avatar!r}: use un id de GET /v1/avatars (un presentador "
        "incorporado o una foto subida con POST /v1/photos).",
    },
    "api.photo_missing": {
        "en": "Send the photo as the multipart form field 'file' (JPEG or PNG).",
        "es": "Envíe la foto en el campo 'file' de un formulario multipart (JPEG o PNG).",
    },
    "api.no_route": {
        "en": "There is no {method} {path} here. The routes are listed at /docs.",
        "es": "No existe {method} {path}. Las rutas están en /docs.",
    },
    "api.text_or_script": {
        "en": "Give either 'text' (the script to speak) or 'script' (a brief to write one), "
        "exactly one of them.",
        "es": "Indique 'text' (el guion que se dirá) o 'script' (un encargo para escribirlo), "
        "exactamente uno de los dos.",
    },
    "api.unexpected": {
        "en": "Something went wrong on the server (reference {ref}). Try again; if it keeps "
        "failing, report the reference with the server log.",
        "es": "Algo falló en el servidor (referencia {ref}). Vuelva a intentarlo; si sigue "
        "fallando, comunique la referencia con el registro del servidor.",
    },
    # -- API keys -----------------------------------------------------------------------------
    "apikey.not_found": {
        "en": "There is no API key {id!r} for this account (`python -m core apikey list` "
        "lists them).",
        "es": "No hay ninguna clave de API {id!r} en esta cuenta.",
    },
    "apikey.name_too_long": {
        "en": "An API key's name has at most {limit} characters.",
        "es": "El nombre de una clave de API tiene como mucho {limit} caracteres.",
    },
    # -- webhooks -----------------------------------------------------------------------------
    "webhook.not_https": {
        "en": "The webhook_url must be an https:// address ({url}).",
        "es": "La webhook_url debe ser una dirección https:// ({url}).",
    },
    "webhook.private": {
        "en": "The webhook_url {url} points to this machine or a private network; give a "
        "public https address.",
        "es": "La webhook_url {url} apunta a esta máquina o a una red privada; indique una "
        "dirección https pública.",
    },
    "webhook.bad_url": {
        "en": "The webhook_url {url} is not a valid address (https://host/path).",
        "es": "La webhook_url {url} no es una dirección válida (https://servidor/ruta).",
    },
    # -- uploads (slides, background image, music, narration) -----------------------------------
    "upload.unknown_kind": {
        "en": "Unknown upload kind {kind!r}: use one of {kinds}.",
        "es": "Tipo de archivo {kind!r} desconocido: use uno de {kinds}.",
    },
    "upload.too_big": {
        "en": "{name} is {mb:.1f} MB; a {kind} upload may be at most {limit_mb:.0f} MB. Send a "
        "smaller file.",
        "es": "{name} ocupa {mb:.1f} MB; un archivo de tipo {kind} puede ocupar como mucho "
        "{limit_mb:.0f} MB. Envíe un archivo más pequeño.",
    },
    "upload.empty": {
        "en": "{name} is empty. Send the file in the multipart field 'file'.",
        "es": "{name} está vacío. Envíe el archivo en el campo multipart 'file'.",
    },
    "upload.not_found": {
        "en": "There is no upload {id!r} in this account. `GET /v1/uploads` lists yours; "
        "upload the file again with `POST /v1/uploads`.",
        "es": "No hay ningún archivo subido {id!r} en esta cuenta. `GET /v1/uploads` muestra "
        "los suyos; vuelva a subirlo con `POST /v1/uploads`.",
    },
    "upload.wrong_kind": {
        "en": "The upload {id} is of kind {kind!r}; this field needs an upload of kind "
        "{wanted!r}. Upload the file with kind={wanted}.",
        "es": "El archivo subido {id} es de tipo {kind!r}; este campo necesita uno de tipo "
        "{wanted!r}. Súbalo con kind={wanted}.",
    },
    "upload.in_use": {
        "en": "The upload {id} is used by the video {video}, which is not finished yet. Delete "
        "the upload once the video is done (or cancel the video first).",
        "es": "El archivo subido {id} lo usa el vídeo {video}, que aún no ha terminado. Bórrelo "
        "cuando el vídeo esté hecho (o cancele antes el vídeo).",
    },
    # -- batches from a spreadsheet -------------------------------------------------------------
    "batch.not_sheet": {
        "en": "{name} is not a CSV or XLSX file. Save the spreadsheet as .csv (UTF-8) or .xlsx.",
        "es": "{name} no es un archivo CSV ni XLSX. Guarde la hoja como .csv (UTF-8) o .xlsx.",
    },
    "batch.unreadable": {
        "en": "{name} could not be read ({detail}). Save it again as .csv (UTF-8) or .xlsx.",
        "es": "No se pudo leer {name} ({detail}). Vuelva a guardarlo como .csv (UTF-8) o .xlsx.",
    },
    "batch.missing_file": {
        "en": "There is no file {name}.",
        "es": "No existe el archivo {name}.",
    },
    "batch.empty": {
        "en": "{name} has no rows under its header row. One row per video.",
        "es": "{name} no tiene filas bajo la fila de títulos. Una fila por vídeo.",
    },
    "batch.too_many_rows": {
        "en": "{name} has {rows} rows; a batch has at most {limit} (BATCH_MAX_ROWS). Split it.",
        "es": "{name} tiene {rows} filas; un lote tiene como mucho {limit} (BATCH_MAX_ROWS). "
        "Divídalo.",
    },
    "batch.no_text_column": {
        "en": "The sheet needs a 'text' column (the script), a 'topic' column (a script is "
        "written for each row), or a template script.",
        "es": "La hoja necesita una columna 'text' (el guion), una columna 'topic' (se escribe "
        "un guion por fila) o un guion plantilla.",
    },
    "batch.bad_rows": {
        "en": "{count} of {total} rows are wrong; nothing was rendered. Fix them and run again.",
        "es": "{count} de {total} filas tienen errores; no se generó nada. Corríjalas y vuelva "
        "a ejecutar.",
    },
    "batch.row_no_text": {
        "en": "no script: write it in 'text', give a 'topic', or use a template.",
        "es": "sin guion: escríbalo en 'text', indique un 'topic' o use una plantilla.",
    },
    "batch.placeholder_missing": {
        "en": "the script uses {{{name}}} but the sheet has no column {name!r}.",
        "es": "el guion usa {{{name}}} pero la hoja no tiene la columna {name!r}.",
    },
    "batch.placeholder_empty": {
        "en": "the script uses {{{name}}} but this cell is empty.",
        "es": "el guion usa {{{name}}} pero esta celda está vacía.",
    },
    "batch.template_broken": {
        "en": "the script's braces do not match ({detail}); write placeholders as {{name}}.",
        "es": "las llaves del guion no cuadran ({detail}); escriba los marcadores como {{name}}.",
    },
    "batch.topic_needs_writer": {
        "en": "'topic' needs a script writer: set OPENAI_API_KEY or OPENAI_BASE_URL, or write "
        "the script in 'text'.",
        "es": "'topic' necesita quien escriba el guion: configure OPENAI_API_KEY u "
        "OPENAI_BASE_URL, o escriba el guion en 'text'.",
    },
    "batch.bad_number": {
        "en": "{value!r} is not a number.",
        "es": "{value!r} no es un número.",
    },
    "batch.bad_engine": {
        "en": "unknown engine {value!r} (local or did).",
        "es": "motor desconocido {value!r} (local o did).",
    },
    "batch.unknown_avatar": {
        "en": "no presenter {avatar!r} (`python -m core avatars` lists the ids).",
        "es": "no existe el presentador {avatar!r} (la página Voz y presentador muestra los ids).",
    },
    "batch.not_found": {
        "en": "There is no batch {id!r} for this account.",
        "es": "No hay ningún lote {id!r} en esta cuenta.",
    },
    "batch.over_daily_cap": {
        "en": "This batch would make {videos} D-ID videos (about {credits} credits), but this "
        "account has {left} of today's {limit} left ({used} made today; DID_DAILY_VIDEOS). "
        "Nothing was rendered. Remove {over} rows (or use the offline engine for them), or run "
        "the batch after 00:00 UTC (in {wait}).",
        "es": "Este lote haría {videos} vídeos de D-ID (unos {credits} créditos), pero a esta "
        "cuenta le quedan {left} de los {limit} de hoy ({used} hechos hoy; DID_DAILY_VIDEOS). "
        "No se generó nada. Quite {over} filas (o use el motor sin conexión para ellas), o "
        "ejecute el lote después de las 00:00 UTC (dentro de {wait}).",
    },
    "batch.row_problem": {
        "en": "row {row}, column {column}: {problem}",
        "es": "fila {row}, columna {column}: {problem}",
    },
}
