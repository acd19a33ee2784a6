"""Every label and message of the app, in English and Español.

``t(key, **values)`` looks a text up in the session's interface language. Errors from
``core`` carry a message id instead; their sentences are in core/messages/ and
ui.common.error_text renders them in the interface language.
"""

from __future__ import annotations

from ui import texts_audio, texts_auth, texts_create, texts_history, texts_look, texts_voice

LANGS = {"en": "English", "es": "Español"}
DEFAULT_LANG = "en"

TEXTS: dict[str, dict[str, str]] = {
    # navigation (the English page titles are what the end-to-end tests look for)
    "page.create": {"en": "Create", "es": "Crear"},
    "page.voice": {"en": "Voice & avatar", "es": "Voz y presentador"},
    "page.history": {"en": "History", "es": "Historial"},
    # sidebar
    "side.language": {"en": "Interface language", "es": "Idioma de la interfaz"},
    "side.engines": {"en": "Engines", "es": "Motores"},
    "side.offline_ready": {
        "en": "Offline video: ready",
        "es": "Vídeo sin conexión: listo",
    },
    "side.openai_ready": {
        "en": "Script writing: OpenAI configured",
        "es": "Escritura de guiones: OpenAI configurado",
    },
    "side.openai_local": {
        "en": "Script writing: server at OPENAI_BASE_URL",
        "es": "Escritura de guiones: servidor en OPENAI_BASE_URL",
    },
    "side.openai_missing": {
        "en": "Script writing: not configured (set OPENAI_API_KEY or OPENAI_BASE_URL)",
        "es": "Escritura de guiones: sin configurar (defina OPENAI_API_KEY u OPENAI_BASE_URL)",
    },
    "side.did_ready": {"en": "D-ID: configured", "es": "D-ID: configurado"},
    "side.did_missing": {
        "en": "D-ID: not configured (set DID_API_KEY)",
        "es": "D-ID: sin configurar (defina DID_API_KEY)",
    },
    "side.did_credits": {
        "en": "D-ID credits left: {remaining} of {total}",
        "es": "Créditos de D-ID restantes: {remaining} de {total}",
    },
    "side.did_checking": {
        "en": "Checking D-ID credits…",
        "es": "Consultando los créditos de D-ID…",
    },
    "side.did_credits_error": {
        "en": "D-ID credits unknown: {error}",
        "es": "Créditos de D-ID desconocidos: {error}",
    },
    "side.jobs": {
        "en": "Jobs: {running} running, {queued} waiting",
        "es": "Trabajos: {running} en curso, {queued} en espera",
    },
    # Create: writing
    "create.title": {"en": "Create a video", "es": "Crear un vídeo"},
    "create.write_header": {"en": "1. Write the script", "es": "1. Escribir el guion"},
    "create.topic": {"en": "Topic", "es": "Tema"},
    "create.topic_help": {
        "en": "What the presenter should talk about.",
        "es": "De qué debe hablar el presentador.",
    },
    "create.language": {"en": "Language", "es": "Idioma"},
    "create.tone": {"en": "Tone", "es": "Tono"},
    "create.duration": {"en": "Duration (seconds)", "es": "Duración (segundos)"},
    "create.write": {"en": "Write script", "es": "Escribir guion"},
    "create.regenerate": {
        "en": "Ask again (ignore the cached script)",
        "es": "Pedir de nuevo (ignorar el guion guardado)",
    },
    "create.writing": {"en": "Writing the script…", "es": "Escribiendo el guion…"},
    "create.no_writer": {
        "en": "Script writing is not configured: set OPENAI_API_KEY (or OPENAI_BASE_URL for a "
        "local server). You can still type the script yourself below.",
        "es": "La escritura de guiones no está configurada: defina OPENAI_API_KEY (u "
        "OPENAI_BASE_URL para un servidor local). Puede escribir el guion usted mismo abajo.",
    },
    "create.script_ready": {
        "en": "Script written: {words} words, about {seconds} s.",
        "es": "Guion escrito: {words} palabras, unos {seconds} s.",
    },
    "create.script_cached": {
        "en": "Script from the cache (nothing spent).",
        "es": "Guion de la caché (sin coste).",
    },
    "create.script_cut": {
        "en": "The text was longer than the duration allows and was cut at a sentence.",
        "es": "El texto era más largo de lo que permite la duración y se cortó en una frase.",
    },
    # Create: script and render
    "create.script_header": {"en": "2. Check the script", "es": "2. Revisar el guion"},
    "create.script": {"en": "Script", "es": "Guion"},
    "create.script_placeholder": {
        "en": "Type the words the presenter will say, or write them with the form above.",
        "es": "Escriba lo que dirá el presentador, o genérelo con el formulario de arriba.",
    },
    "create.counts": {
        "en": "{words} words · about {seconds} s of video",
        "es": "{words} palabras · unos {seconds} s de vídeo",
    },
    "create.credits": {
        "en": "about {credits} D-ID credits",
        "es": "unos {credits} créditos de D-ID",
    },
    "create.render_header": {"en": "3. Make the video", "es": "3. Hacer el vídeo"},
    "create.engine": {"en": "Engine: {name}", "es": "Motor: {name}"},
    "create.voice": {"en": "Voice: {name}", "es": "Voz: {name}"},
    "create.presenter": {"en": "Presenter: {name}", "es": "Presentador: {name}"},
    "create.default_voice": {
        "en": "default voice · {language}",
        "es": "voz predeterminada · {language}",
    },
    "create.change": {"en": "Change voice and presenter", "es": "Cambiar voz y presentador"},
    "create.generate": {"en": "Generate video", "es": "Generar vídeo"},
    "create.queued": {
        "en": "Video queued — you can keep working; it also appears in History.",
        "es": "Vídeo en cola: puede seguir trabajando; también aparece en el Historial.",
    },
    "create.cancel": {"en": "Cancel", "es": "Cancelar"},
    "create.cancelled": {"en": "The render was cancelled.", "es": "Se canceló el vídeo."},
    "create.done_toast": {"en": "Your video is ready", "es": "Su vídeo está listo"},
    "create.failed": {"en": "The video failed: {reason}", "es": "El vídeo falló: {reason}"},
    "create.download_mp4": {"en": "Download MP4", "es": "Descargar MP4"},
    "create.download_srt": {"en": "Download subtitles (SRT)", "es": "Descargar subtítulos (SRT)"},
    "create.retry": {"en": "Retry", "es": "Reintentar"},
    "create.retried": {"en": "Queued again", "es": "De nuevo en la cola"},
    "create.new_video": {"en": "Start another video", "es": "Empezar otro vídeo"},
    "create.reused": {
        "en": "Script and settings loaded from History.",
        "es": "Guion y ajustes cargados del Historial.",
    },
    # job stages
    "stage.queued": {"en": "Waiting in the queue", "es": "Esperando en la cola"},
    "stage.running": {"en": "Starting", "es": "Empezando"},
    "stage.speech": {"en": "Speaking the script", "es": "Locutando el guion"},
    "stage.presenter": {"en": "Preparing the presenter", "es": "Preparando al presentador"},
    "stage.animation": {"en": "Animating and encoding", "es": "Animando y codificando"},
    "stage.subtitles": {"en": "Writing subtitles", "es": "Escribiendo subtítulos"},
    "stage.upload": {"en": "Uploading the presenter", "es": "Subiendo al presentador"},
    "stage.create": {"en": "Creating the talk at D-ID", "es": "Creando el vídeo en D-ID"},
    "stage.render": {"en": "D-ID is rendering", "es": "D-ID está generando"},
    "stage.download": {"en": "Downloading the video", "es": "Descargando el vídeo"},
    "stage.done": {"en": "Done", "es": "Terminado"},
    "stage.other": {"en": "Working", "es": "Trabajando"},
    # statuses
    "status.queued": {"en": "queued", "es": "en cola"},
    "status.running": {"en": "running", "es": "en curso"},
    "status.done": {"en": "done", "es": "listo"},
    "status.failed": {"en": "failed", "es": "falló"},
    "status.cancelled": {"en": "cancelled", "es": "cancelado"},
    # Voice & avatar
    "voice.title": {"en": "Voice & avatar", "es": "Voz y presentador"},
    "voice.engine": {"en": "Video engine", "es": "Motor de vídeo"},
    "voice.engine_local": {"en": "Offline (this computer)", "es": "Sin conexión (este equipo)"},
    "voice.engine_did": {"en": "D-ID (cloud)", "es": "D-ID (en la nube)"},
    "voice.language": {"en": "Language", "es": "Idioma"},
    "voice.gender": {"en": "Gender", "es": "Género"},
    "voice.gender_any": {"en": "Any", "es": "Cualquiera"},
    "voice.gender_female": {"en": "Female", "es": "Femenina"},
    "voice.gender_male": {"en": "Male", "es": "Masculina"},
    "voice.voice": {"en": "Voice", "es": "Voz"},
    "voice.loading": {"en": "Loading the voices…", "es": "Cargando las voces…"},
    "voice.none": {
        "en": "No voice matches these filters.",
        "es": "Ninguna voz coincide con estos filtros.",
    },
    "voice.preview": {"en": "Play a sample", "es": "Escuchar una muestra"},
    "voice.preview_did": {
        "en": "D-ID voices are heard in the finished video (no preview offline).",
        "es": "Las voces de D-ID se oyen en el vídeo terminado (sin muestra sin conexión).",
    },
    "voice.rate": {"en": "Speaking rate", "es": "Velocidad al hablar"},
    "voice.presenters": {"en": "Presenter", "es": "Presentador"},
    "voice.choose": {"en": "Choose", "es": "Elegir"},
    "voice.chosen": {"en": "Chosen", "es": "Elegido"},
    "voice.delete_photo": {"en": "Delete photo", "es": "Borrar foto"},
    "voice.upload": {"en": "Add your photo (JPEG or PNG)", "es": "Añadir su foto (JPEG o PNG)"},
    "voice.upload_ok": {
        "en": "Face found. The photo was added to the presenters and chosen.",
        "es": "Se encontró la cara. La foto se añadió a los presentadores y quedó elegida.",
    },
    "voice.upload_refused": {
        "en": "This photo cannot be used: {reason}",
        "es": "No se puede usar esta foto: {reason}",
    },
    "voice.cropped": {"en": "As the video will frame it", "es": "Así lo encuadrará el vídeo"},
    "voice.photo_tips": {
        "en": "Works best: one person facing the camera, even light, mouth closed and relaxed, "
        "the face large and sharp (at least 200 px across).",
        "es": "Funciona mejor: una persona de frente a la cámara, con luz pareja, la boca cerrada "
        "y relajada, y la cara grande y nítida (al menos 200 px de ancho).",
    },
    "voice.advice.small": {
        "en": "The face in this photo is small, so it will look soft in the video. "
        "A closer or larger photo looks sharper.",
        "es": "La cara de esta foto es pequeña y se verá borrosa en el vídeo. "
        "Una foto más cercana o más grande se verá más nítida.",
    },
    "voice.advice.blurred": {
        "en": "This photo looks blurred or out of focus; the video will look blurred too. "
        "A sharper photo works better.",
        "es": "Esta foto parece borrosa o desenfocada, y el vídeo también lo será. "
        "Una foto más nítida funciona mejor.",
    },
    "voice.advice.turned": {
        "en": "The head is turned or tilted away from the camera; mouth movements may look "
        "skewed. A photo facing the camera works better.",
        "es": "La cabeza está girada o inclinada; los movimientos de la boca pueden verse "
        "torcidos. Una foto de frente a la cámara funciona mejor.",
    },
    "voice.advice.smiling": {
        "en": "The photo smiles widely or has the mouth open; speech starts from that "
        "expression. A photo with the mouth closed and relaxed looks more natural.",
        "es": "La foto sonríe mucho o tiene la boca abierta, y el habla parte de ese gesto. "
        "Una foto con la boca cerrada y relajada se ve más natural.",
    },
    "voice.advice.rough": {
        "en": "The shape of the face could not be measured precisely, so the animation will be "
        "simpler. A clear, front-facing photo works better.",
        "es": "No se pudo medir bien la forma de la cara, así que la animación será más simple. "
        "Una foto nítida y de frente funciona mejor.",
    },
    "voice.presets": {"en": "Presets", "es": "Ajustes guardados"},
    "voice.preset_name": {"en": "Preset name", "es": "Nombre del ajuste"},
    "voice.preset_save": {"en": "Save preset", "es": "Guardar ajuste"},
    "voice.preset_saved": {"en": "Preset “{name}” saved.", "es": "Ajuste «{name}» guardado."},
    "voice.preset_pick": {"en": "Saved presets", "es": "Ajustes guardados"},
    "voice.preset_load": {"en": "Use preset", "es": "Usar ajuste"},
    "voice.preset_delete": {"en": "Delete preset", "es": "Borrar ajuste"},
    "voice.preset_loaded": {"en": "Preset “{name}” in use.", "es": "Ajuste «{name}» en uso."},
    "voice.no_presets": {"en": "No presets saved yet.", "es": "Aún no hay ajustes guardados."},
    "voice.saved": {
        "en": "Choices are saved automatically.",
        "es": "Las elecciones se guardan automáticamente.",
    },
    # History
    "history.title": {"en": "History", "es": "Historial"},
    "history.search": {"en": "Search", "es": "Buscar"},
    "history.engine": {"en": "Engine", "es": "Motor"},
    "history.status": {"en": "Status", "es": "Estado"},
    "history.all": {"en": "All", "es": "Todos"},
    "history.empty": {
        "en": "Nothing here yet — make a video on the Create page.",
        "es": "Aún no hay nada: haga un vídeo en la página Crear.",
    },
    "history.open": {"en": "Open", "es": "Abrir"},
    "history.close": {"en": "Close", "es": "Cerrar"},
    "history.meta": {
        "en": "{date} · {engine} · {voice} · {duration}",
        "es": "{date} · {engine} · {voice} · {duration}",
    },
    "history.script": {"en": "Script", "es": "Guion"},
    "history.subtitles": {"en": "Subtitles", "es": "Subtítulos"},
    "history.settings": {"en": "Settings", "es": "Ajustes"},
    "history.delete": {"en": "Delete", "es": "Borrar"},
    "history.confirm": {
        "en": "Delete this video and its files? This cannot be undone.",
        "es": "¿Borrar este vídeo y sus archivos? No se puede deshacer.",
    },
    "history.confirm_yes": {"en": "Yes, delete", "es": "Sí, borrar"},
    "history.confirm_no": {"en": "Keep it", "es": "Conservar"},
    "history.deleted": {"en": "Video deleted.", "es": "Vídeo borrado."},
    "history.use_again": {"en": "Use again", "es": "Usar de nuevo"},
    "history.remove": {"en": "Remove from list", "es": "Quitar de la lista"},
    "history.missing": {
        "en": "This video is no longer in the library.",
        "es": "Este vídeo ya no está en la biblioteca.",
    },
    "common.seconds": {"en": "{seconds} s", "es": "{seconds} s"},
    "side.usage_did": {
        "en": "D-ID videos today: {used} of {limit}",
        "es": "Vídeos de D-ID hoy: {used} de {limit}",
    },
    "side.usage_tokens": {
        "en": "Script tokens today: {used} of {limit}",
        "es": "Tokens de guiones hoy: {used} de {limit}",
    },
    # Batch: one video per spreadsheet row
    "page.batch": {"en": "Batch", "es": "Lote"},
    "batch.title": {"en": "Videos from a spreadsheet", "es": "Vídeos desde una hoja de cálculo"},
    "batch.intro": {
        "en": "One row per video. Columns: text (or topic), language, voice, avatar, title, "
        "and one per placeholder of the template (Hola {nombre} → a column nombre). CSV or XLSX.",
        "es": "Una fila por vídeo. Columnas: text (o topic), language, voice, avatar, title, y "
        "una por marcador de la plantilla (Hola {nombre} → una columna nombre). CSV o XLSX.",
    },
    "batch.file": {"en": "Spreadsheet (CSV or XLSX)", "es": "Hoja de cálculo (CSV o XLSX)"},
    "batch.template": {
        "en": "Template script (optional), e.g. Hola {nombre}, …",
        "es": "Guion plantilla (opcional), p. ej. Hola {nombre}, …",
    },
    "batch.engine": {"en": "Engine", "es": "Motor"},
    "batch.language": {"en": "Language (rows without one)", "es": "Idioma (filas sin idioma)"},
    "batch.rows": {"en": "Videos", "es": "Vídeos"},
    "batch.duration": {"en": "Estimated duration", "es": "Duración estimada"},
    "batch.credits": {"en": "D-ID credits", "es": "Créditos de D-ID"},
    "batch.preview": {"en": "First rows", "es": "Primeras filas"},
    "batch.problems": {
        "en": "{count} rows are wrong; fix them and upload again. Nothing runs until every row "
        "is right.",
        "es": "{count} filas tienen errores; corríjalas y vuelva a subir el archivo. No se "
        "genera nada hasta que todas las filas estén bien.",
    },
    "batch.col_row": {"en": "Row", "es": "Fila"},
    "batch.col_column": {"en": "Column", "es": "Columna"},
    "batch.col_problem": {"en": "What is wrong", "es": "Qué está mal"},
    "batch.col_title": {"en": "Title", "es": "Título"},
    "batch.col_script": {"en": "Script or topic", "es": "Guion o tema"},
    "batch.col_language": {"en": "Language", "es": "Idioma"},
    "batch.col_seconds": {"en": "Seconds", "es": "Segundos"},
    "batch.start": {"en": "Start batch", "es": "Iniciar lote"},
    "batch.started": {
        "en": "Batch started: {queued} videos queued, {skipped} already done.",
        "es": "Lote iniciado: {queued} vídeos en cola, {skipped} ya hechos.",
    },
    "batch.yours": {"en": "Your batches", "es": "Sus lotes"},
    "batch.none": {"en": "No batches yet.", "es": "Todavía no hay lotes."},
    "batch.progress": {
        "en": "{done} of {total} done, {failed} failed",
        "es": "{done} de {total} hechos, {failed} fallidos",
    },
    "batch.zip": {"en": "Download ZIP", "es": "Descargar ZIP"},
    "batch.prepare_zip": {"en": "Prepare ZIP", "es": "Preparar ZIP"},
    "batch.results": {"en": "Results (CSV)", "es": "Resultados (CSV)"},
    # API keys
    "page.api": {"en": "API keys", "es": "Claves de API"},
    "api.title": {"en": "API keys", "es": "Claves de API"},
    "api.intro": {
        "en": "Keys let other software make videos in your account through the HTTP API "
        "(python -m core serve; docs at /docs). A key sees only your videos and photos.",
        "es": "Las claves permiten que otros programas hagan vídeos en su cuenta a través de "
        "la API HTTP (python -m core serve; documentación en /docs). Una clave solo ve sus "
        "vídeos y fotos.",
    },
    "api.name": {"en": "Name (to recognise it)", "es": "Nombre (para reconocerla)"},
    "api.create": {"en": "Create key", "es": "Crear clave"},
    "api.shown_once": {
        "en": "Copy the key and the webhook secret now: they are not shown again.",
        "es": "Copie ahora la clave y el secreto de webhooks: no se vuelven a mostrar.",
    },
    "api.key": {"en": "Key", "es": "Clave"},
    "api.secret": {"en": "Webhook signing secret", "es": "Secreto de firma de webhooks"},
    "api.none": {"en": "No keys yet.", "es": "Todavía no hay claves."},
    "api.revoke": {"en": "Revoke", "es": "Revocar"},
    "api.revoked": {"en": "revoked", "es": "revocada"},
    "api.revoked_done": {"en": "Key {id} revoked.", "es": "Clave {id} revocada."},
    "api.last_used": {"en": "last used {when}", "es": "último uso {when}"},
    "api.never_used": {"en": "never used", "es": "sin usar"},
}


for _area in (
    texts_create.TEXTS,
    texts_auth.TEXTS,
    texts_history.TEXTS,
    texts_look.TEXTS,
    texts_voice.TEXTS,
    texts_audio.TEXTS,
):  # split by page
    _twice = set(_area) & set(TEXTS)
    if _twice:
        raise ValueError(f"texts defined twice: {sorted(_twice)}")
    TEXTS.update(_area)


def translate(lang: str, key: str, **values: object) -> str:
    entry = TEXTS[key]
    text = entry.get(lang) or entry[DEFAULT_LANG]
    return text.format(**values) if values else text
