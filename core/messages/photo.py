"""Presenters: photos (type, size, damage, no face) and the built-in illustrated ones."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "photo.missing_file": {
        "en": "{name}: the file {path} does not exist. Check the path.",
        "es": "{name}: el archivo {path} no existe. Revise la ruta.",
    },
    "photo.empty": {
        "en": "{name} is empty (0 bytes). Choose a JPEG, PNG or WebP photo.",
        "es": "{name} está vacío (0 bytes). Elija una foto JPEG, PNG o WebP.",
    },
    "photo.too_big": {
        "en": "{name} is {mb:.1f} MB; the limit is {limit_mb} MB. Export a smaller JPEG (a few "
        "megapixels is plenty).",
        "es": "{name} ocupa {mb:.1f} MB; el límite es {limit_mb} MB. Exporte un JPEG más pequeño "
        "(bastan unos pocos megapíxeles).",
    },
    "photo.upload_too_big": {
        "en": "{name} is {mb:.1f} MB; photos may be at most {limit_mb} MB. Use a smaller JPEG or "
        "PNG.",
        "es": "{name} ocupa {mb:.1f} MB; las fotos pueden ocupar como mucho {limit_mb} MB. Use "
        "un JPEG o PNG más pequeño.",
    },
    "photo.too_many_pixels": {
        "en": "{name} is {width}×{height} pixels; the limit is {limit_mp} megapixels. Resize it "
        "(2000 px across is plenty) and try again.",
        "es": "{name} mide {width}×{height} píxeles; el límite es {limit_mp} megapíxeles. "
        "Redúzcala (bastan 2000 px de ancho) y vuelva a intentarlo.",
    },
    "photo.not_image": {
        "en": "{name} is not a JPEG, PNG or WebP image. Save or export the photo as JPEG or PNG "
        "and try again.",
        "es": "{name} no es una imagen JPEG, PNG o WebP. Guarde o exporte la foto como JPEG o "
        "PNG y vuelva a intentarlo.",
    },
    "photo.not_jpeg_png": {
        "en": "{name} is not a JPEG or PNG image. Upload a JPEG or PNG photo of a face.",
        "es": "{name} no es una imagen JPEG ni PNG. Suba una foto JPEG o PNG de una cara.",
    },
    "photo.bomb": {
        "en": "{name} claims to be enormous; the limit is {limit_mp} megapixels. Resize it and "
        "try again.",
        "es": "{name} dice ser enorme; el límite es {limit_mp} megapíxeles. Redúzcala y vuelva a "
        "intentarlo.",
    },
    "photo.damaged": {
        "en": "{name} could not be read as a {format} image (the file looks damaged). Export it "
        "again as a JPEG, PNG or WebP file.",
        "es": "{name} no se pudo leer como imagen {format} (el archivo parece dañado). Vuelva a "
        "exportarla como JPEG, PNG o WebP.",
    },
    "photo.too_small": {
        "en": "{name} is only {width}×{height} pixels; at least {min} px on each side is needed "
        "(a face should be 100 px or more across).",
        "es": "{name} mide solo {width}×{height} píxeles; hacen falta al menos {min} px por lado "
        "(una cara debería medir 100 px o más).",
    },
    "photo.truncated": {
        "en": "{name} could not be decoded (the file is truncated or damaged). Export it again "
        "as a JPEG, PNG or WebP file.",
        "es": "{name} no se pudo descodificar (el archivo está incompleto o dañado). Vuelva a "
        "exportarla como JPEG, PNG o WebP.",
    },
    "photo.no_face": {
        "en": "No face was found in {name}. Use a front-facing photo of one person, well lit, "
        "looking at the camera, with the face filling at least a fifth of the picture (no "
        "sunglasses, hair or hands over the face).",
        "es": "No se encontró ninguna cara en {name}. Use una foto de frente de una sola "
        "persona, bien iluminada, mirando a la cámara, con la cara ocupando al menos una quinta "
        "parte de la imagen (sin gafas de sol, pelo ni manos sobre la cara).",
    },
    "photo.cannot_animate": {
        "en": "The face in {name} was found but could not be animated (its shape is unusual "
        "for the face model: turned, tilted far, or cut off by the edge). Use a front-facing "
        "photo where the whole head shows, with some space around it.",
        "es": "Se encontró la cara en {name}, pero no se pudo animar (su forma es inusual para "
        "el modelo de caras: girada, muy inclinada o cortada por el borde). Use una foto de "
        "frente donde se vea la cabeza entera, con algo de espacio alrededor.",
    },
    "photo.face_too_small": {
        "en": "The face in {name} is only {px:.0f} px across; at least {min} px is needed. Use a "
        "closer or larger photo where the face fills more of the picture.",
        "es": "La cara en {name} mide solo {px:.0f} px de ancho; hacen falta al menos {min} px. "
        "Use una foto más cercana o más grande, donde la cara ocupe más de la imagen.",
    },
    "avatar.photo_not_found": {
        "en": "Photo {ref} not found. Check the path, or use a built-in avatar id.",
        "es": "No se encontró la foto {ref}. Revise la ruta o use un presentador incorporado.",
    },
    "avatar.unknown": {
        "en": "Unknown avatar '{ref}' — use one of {ids}, a stored photo id (python -m core "
        "avatars), or a path to a JPEG/PNG photo.",
        "es": "Presentador desconocido «{ref}»: use uno de {ids}, una foto guardada o la ruta de "
        "una foto JPEG/PNG.",
    },
    "avatar.unknown_illustrated": {
        "en": "Unknown illustrated presenter {ref!r}. Choose one of: {ids}.",
        "es": "Presentador ilustrado desconocido {ref!r}. Elija uno de {ids}.",
    },
    "avatar.frame_size": {
        "en": "Frame size {width}×{height} is out of range; use {min}–{max} px.",
        "es": "El tamaño de imagen {width}×{height} está fuera de rango; use {min}–{max} px.",
    },
}
