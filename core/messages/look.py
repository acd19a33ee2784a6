"""The look of a video: format, layout, background, slides, captions, music, title."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "look.unknown_format": {
        "en": "Unknown format '{value}' — use one of {choices} (16:9 for class and YouTube, "
        "9:16 for reels and shorts, 1:1 for feeds).",
        "es": "Formato desconocido «{value}»: use uno de {choices} (16:9 para clase y YouTube, "
        "9:16 para reels y shorts, 1:1 para el muro).",
    },
    "look.unknown_resolution": {
        "en": "Unknown resolution {value} — use {choices} (the short side of the video, in "
        "pixels).",
        "es": "Resolución desconocida {value}: use {choices} (el lado corto del vídeo, en "
        "píxeles).",
    },
    "look.size_range": {
        "en": "The video size must be between {low} and {high} px (got {value}).",
        "es": "El tamaño del vídeo debe estar entre {low} y {high} px (se indicó {value}).",
    },
    "look.unknown_layout": {
        "en": "Unknown layout '{value}' — use one of {choices}.",
        "es": "Disposición desconocida «{value}»: use una de {choices}.",
    },
    "look.unknown_captions": {
        "en": "Unknown captions '{value}' — use {choices}.",
        "es": "Valor de subtítulos desconocido «{value}»: use {choices}.",
    },
    "look.unknown_caption_style": {
        "en": "Unknown caption style '{value}' — use {choices}.",
        "es": "Estilo de subtítulos desconocido «{value}»: use {choices}.",
    },
    "look.unknown_background": {
        "en": "Unknown background '{value}' — use a theme ({choices}), blur (the photo itself, "
        "blurred), or a path to a JPEG/PNG image.",
        "es": "Fondo desconocido «{value}»: use un tema ({choices}), blur (la propia foto, "
        "desenfocada) o la ruta de una imagen JPEG/PNG.",
    },
    "look.background_missing": {
        "en": "Background image {path} not found. Check the path.",
        "es": "No se encuentra la imagen de fondo {path}. Revise la ruta.",
    },
    "look.full_with_slides": {
        "en": "The full layout shows only the presenter; to show slides choose the corner, side "
        "or voice layout.",
        "es": "La disposición completa solo muestra al presentador; para mostrar diapositivas "
        "elija la disposición esquina, lateral o solo voz.",
    },
    "look.needs_content": {
        "en": "The {layout} layout needs something to show beside the presenter: add slides (a "
        "PDF or images) or a background (a theme or an image).",
        "es": "La disposición {layout} necesita algo que mostrar junto al presentador: añada "
        "diapositivas (un PDF o imágenes) o un fondo (un tema o una imagen).",
    },
    "look.title_too_long": {
        "en": "The title has {chars} characters; the limit is {limit}.",
        "es": "El título tiene {chars} caracteres; el límite es {limit}.",
    },
    "slides.missing_file": {
        "en": "Slides: {path} not found. Check the path.",
        "es": "Diapositivas: no se encuentra {path}. Revise la ruta.",
    },
    "slides.mixed": {
        "en": "Slides: give one PDF, or a list of images (not both).",
        "es": "Diapositivas: indique un PDF o una lista de imágenes (no ambos).",
    },
    "slides.pdf_too_big": {
        "en": "The slides PDF {name} is {mb:.1f} MB; the limit is {limit_mb} MB. Export it with "
        "compressed images.",
        "es": "El PDF de diapositivas {name} ocupa {mb:.1f} MB; el límite es {limit_mb} MB. "
        "Expórtelo con las imágenes comprimidas.",
    },
    "slides.not_pdf": {
        "en": "{name} is not a PDF. Export the slides as PDF (File → Download → PDF) or give "
        "them as images.",
        "es": "{name} no es un PDF. Exporte las diapositivas como PDF (Archivo → Descargar → "
        "PDF) o páselas como imágenes.",
    },
    "slides.pdf_password": {
        "en": "{name} is protected with a password. Export it again without one.",
        "es": "{name} está protegido con contraseña. Expórtelo de nuevo sin contraseña.",
    },
    "slides.pdf_damaged": {
        "en": "{name} could not be read as a PDF (the file looks damaged). Export it again.",
        "es": "{name} no se pudo leer como PDF (el archivo parece dañado). Expórtelo de nuevo.",
    },
    "slides.pdf_empty": {
        "en": "{name} has no pages. Export the slides again.",
        "es": "{name} no tiene páginas. Exporte las diapositivas de nuevo.",
    },
    "slides.too_many_pages": {
        "en": "{name} has {pages} pages; the limit is {limit}. Split the lesson into several "
        "videos.",
        "es": "{name} tiene {pages} páginas; el límite es {limit}. Divida la lección en varios "
        "vídeos.",
    },
    "slides.page_too_big": {
        "en": "Page {page} of {name} is {width}×{height} points; pages may be at most "
        "{limit}×{limit} points ({limit_px} pixels a side). Export it at a normal size.",
        "es": "La página {page} de {name} mide {width}×{height} puntos; las páginas pueden medir "
        "como mucho {limit}×{limit} puntos ({limit_px} píxeles por lado). Expórtela a un tamaño "
        "normal.",
    },
    "slides.too_many_images": {
        "en": "{count} slide images; the limit is {limit}.",
        "es": "{count} imágenes de diapositivas; el límite es {limit}.",
    },
    "slides.count_mismatch": {
        "en": "The script has {scenes} scene(s) but there are {slides} slide(s). Separate the "
        "script into one scene per slide with a line holding only --- (with a blank line "
        "around it).",
        "es": "El guion tiene {scenes} escena(s) pero hay {slides} diapositiva(s). Separe el "
        "guion en una escena por diapositiva con una línea que contenga solo --- (con una "
        "línea en blanco alrededor).",
    },
    "music.missing_file": {
        "en": "Music: {path} not found. Check the path.",
        "es": "Música: no se encuentra {path}. Revise la ruta.",
    },
    "music.too_big": {
        "en": "The music {name} is {mb:.1f} MB; the limit is {limit_mb} MB. Use a shorter or "
        "more compressed file.",
        "es": "La música {name} ocupa {mb:.1f} MB; el límite es {limit_mb} MB. Use un archivo "
        "más corto o más comprimido.",
    },
    "music.not_audio": {
        "en": "The music {name} could not be read as audio. Use an MP3, WAV, M4A or OGG file.",
        "es": "La música {name} no se pudo leer como audio. Use un archivo MP3, WAV, M4A u OGG.",
    },
    "music.too_short": {
        "en": "The music {name} is shorter than half a second. Use a longer track.",
        "es": "La música {name} dura menos de medio segundo. Use una pista más larga.",
    },
    "music.silent": {
        "en": "The music {name} is silent. Choose a track that can be heard.",
        "es": "La música {name} está en silencio. Elija una pista que se oiga.",
    },
}
