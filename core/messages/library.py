"""Files and the library: output paths, text files, presets."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "library.disk_full": {
        "en": "There is no room left on the disk to write the video (in {folder}). Free some "
        "space there, then retry.",
        "es": "No queda espacio en el disco para escribir el vídeo (en {folder}). Libere "
        "espacio allí y vuelva a intentarlo.",
    },
    "library.photo_not_stored": {
        "en": "This photo could not be stored; upload it again.",
        "es": "No se pudo guardar esta foto; vuelva a subirla.",
    },
    "file.is_folder": {
        "en": "{what} {path} is a folder; give a file name inside it instead.",
        "es": "{what} {path} es una carpeta; indique un nombre de archivo dentro de ella.",
    },
    "file.no_folder": {
        "en": "Cannot write {what} {path}: the folder {parent} does not exist.",
        "es": "No se puede escribir {what} {path}: la carpeta {parent} no existe.",
    },
    "file.folder_read_only": {
        "en": "Cannot write {what} {path}: the folder {parent} is not writable.",
        "es": "No se puede escribir {what} {path}: no se puede escribir en la carpeta {parent}.",
    },
    "file.read_only": {
        "en": "Cannot write {what} {path}: the file is read-only.",
        "es": "No se puede escribir {what} {path}: el archivo es de solo lectura.",
    },
    "file.text_missing": {
        "en": "--text-file {path} not found.",
        "es": "No se encontró --text-file {path}.",
    },
    "file.text_not_utf8": {
        "en": "--text-file {path} is not UTF-8 text.",
        "es": "--text-file {path} no es texto UTF-8.",
    },
    "preset.no_name": {
        "en": "Give the preset a name.",
        "es": "Dé un nombre al ajuste.",
    },
    "library.job_not_found": {
        "en": "That job is not in your list any more. Refresh the page.",
        "es": "Ese trabajo ya no está en su lista. Actualice la página.",
    },
    "library.video_not_found": {
        "en": "That video is not in your library any more. Refresh the page.",
        "es": "Ese vídeo ya no está en su biblioteca. Actualice la página.",
    },
    "library.video_files_missing": {
        "en": "That video's files are missing. Delete it and make it again.",
        "es": "Faltan los archivos de ese vídeo. Bórrelo y vuelva a crearlo.",
    },
}
