"""Background jobs and retries: cancelled, interrupted, unexpected failures."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "job.cancelled": {"en": "The render was cancelled.", "es": "Se canceló el vídeo."},
    "job.not_retryable": {
        "en": "Only a failed or cancelled video can be tried again.",
        "es": "Solo se puede reintentar un vídeo que falló o se canceló.",
    },
    "job.interrupted": {
        "en": "The render was interrupted {attempts} times and was stopped. Try again with a "
        "shorter script, or check the server's memory and logs.",
        "es": "El vídeo se interrumpió {attempts} veces y se detuvo. Vuelva a intentarlo con un "
        "guion más corto, o revise la memoria y los registros del servidor.",
    },
    "job.unexpected": {
        "en": "Unexpected error ({detail}). Try again; if it keeps failing, report it with the "
        "server log.",
        "es": "Error inesperado ({detail}). Vuelva a intentarlo; si sigue fallando, "
        "comuníquelo junto con el registro del servidor.",
    },
    "job.stalled": {
        "en": "The render stopped making progress for {seconds} s (at the '{stage}' step) and "
        "was stopped. Retry it; if it happens again, report it with the server log.",
        "es": "El vídeo dejó de avanzar durante {seconds} s (en el paso «{stage}») y se detuvo. "
        "Reinténtelo; si vuelve a ocurrir, comuníquelo junto con el registro del servidor.",
    },
    "retry.try_after": {
        "en": "The server asked to wait {seconds} s: try again after {at}.",
        "es": "El servidor pidió esperar {seconds} s: vuelva a intentarlo después de las {at}.",
    },
    "retry.gave_up": {
        "en": "(gave up after {attempts} attempts)",
        "es": "(se abandonó tras {attempts} intentos)",
    },
}

# Progress messages (on_progress(stage, fraction, msg(...))): shown under the progress bar.
MESSAGES.update(
    {
        "progress.requeued": {
            "en": "Queued again after a restart",
            "es": "De nuevo en la cola tras un reinicio",
        },
        "progress.resumed": {
            "en": "Resuming the render the provider already started, after a restart",
            "es": "Retomando tras un reinicio el vídeo que el proveedor ya había empezado",
        },
        "progress.server_restarted": {
            "en": "Queued again: the server restarted",
            "es": "De nuevo en la cola: el servidor se reinició",
        },
        "progress.speaking": {"en": "Speaking with {voice}", "es": "Locutando con {voice}"},
        "progress.preparing": {"en": "Preparing {name}", "es": "Preparando a {name}"},
        "progress.frame": {"en": "Frame {i} of {n}", "es": "Imagen {i} de {n}"},
        "progress.subtitles": {
            "en": "Writing subtitles and thumbnail",
            "es": "Escribiendo subtítulos y miniatura",
        },
        "progress.did_upload": {
            "en": "Uploading {name} to D-ID",
            "es": "Subiendo a {name} a D-ID",
        },
        "progress.did_create": {
            "en": "Asking D-ID to render the video",
            "es": "Pidiendo a D-ID que genere el vídeo",
        },
        "progress.did_resume": {
            "en": "Resuming D-ID talk {talk}",
            "es": "Retomando el vídeo de D-ID {talk}",
        },
        "progress.did_rendering": {
            "en": "D-ID is rendering ({status})",
            "es": "D-ID está generando el vídeo ({status})",
        },
        "progress.did_download": {
            "en": "Downloading the video from D-ID",
            "es": "Descargando el vídeo de D-ID",
        },
        "progress.did_reused": {
            "en": "Using D-ID talk {talk} again: only the look changed, nothing new to pay",
            "es": "Se reutiliza el vídeo de D-ID {talk}: solo cambió el aspecto, nada nuevo "
            "que pagar",
        },
        "progress.from_library": {
            "en": "Served from the library",
            "es": "Servido desde la biblioteca",
        },
        "progress.ready": {"en": "Video ready", "es": "Vídeo listo"},
    }
)

# The command line's job commands (render --submit, jobs, worker).
MESSAGES.update(
    {
        "jobs.unknown_status": {
            "en": "Unknown job status '{status}': use one of {known}.",
            "es": "Estado de trabajo desconocido «{status}»: use uno de {known}.",
        },
        "jobs.bad_limit": {
            "en": "--limit must be between 1 and {most} (got {limit}).",
            "es": "--limit debe estar entre 1 y {most} (tiene {limit}).",
        },
        "jobs.wait_needs_submit": {
            "en": "--wait and --timeout go with --submit (without it, render waits anyway).",
            "es": "--wait y --timeout van con --submit (sin él, render ya espera).",
        },
        "jobs.copy_needs_wait": {
            "en": "--out and --subtitles with --submit need --wait (the video is made later).",
            "es": "--out y --subtitles con --submit necesitan --wait (el vídeo se hace después).",
        },
        "jobs.wait_timeout": {
            "en": "Job {job} is still {status} after {seconds} s; follow it with "
            "`python -m core jobs show {job}`.",
            "es": "El trabajo {job} sigue {status} tras {seconds} s; sígalo con "
            "`python -m core jobs show {job}`.",
        },
        "jobs.queue_failed": {
            "en": "The task queue stopped ({reason}); this worker exits and is started again. "
            "Its job is safe: it goes back to the queue.",
            "es": "La cola de trabajos se detuvo ({reason}); este proceso termina y se vuelve a "
            "iniciar. Su trabajo no se pierde: vuelve a la cola.",
        },
        "jobs.failed": {
            "en": "Job {job} failed: {reason}",
            "es": "El trabajo {job} falló: {reason}",
        },
        "jobs.bad_concurrency": {
            "en": "--concurrency must be between 1 and {most} (got {concurrency}).",
            "es": "--concurrency debe estar entre 1 y {most} (tiene {concurrency}).",
        },
    }
)
