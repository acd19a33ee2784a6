"""The database: a DATABASE_URL that is malformed or cannot be reached, migrations."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "db.bad_url": {
        "en": "{variable} is not a database URL Parlante can use (got {url}). Give "
        "postgresql://USER:PASSWORD@HOST:5432/DATABASE, or remove {variable} to keep the "
        "library in a SQLite file under APP_DATA_DIR.",
        "es": "{variable} no es una URL de base de datos que Parlante pueda usar (tiene {url}). "
        "Indique postgresql://USUARIO:CONTRASEÑA@SERVIDOR:5432/BASE, o quite {variable} para "
        "guardar la biblioteca en un archivo SQLite dentro de APP_DATA_DIR.",
    },
    "db.unreachable": {
        "en": "Cannot connect to the database in {variable} ({url}): {reason}. Check that the "
        "server is running and reachable, and the user, password and database name in "
        "{variable}.",
        "es": "No se puede conectar con la base de datos de {variable} ({url}): {reason}. "
        "Compruebe que el servidor esté en marcha y accesible, y el usuario, la contraseña y "
        "el nombre de la base en {variable}.",
    },
    "db.sqlite_unusable": {
        "en": "Cannot open the library file {path}: {reason}. Check that {variable} names a "
        "folder this user can write to (or set DATABASE_URL to use PostgreSQL).",
        "es": "No se puede abrir el archivo de la biblioteca {path}: {reason}. Compruebe que "
        "{variable} indique una carpeta en la que este usuario pueda escribir (o defina "
        "DATABASE_URL para usar PostgreSQL).",
    },
    "db.upgraded": {
        "en": "The database ({url}) is at revision {revision}.",
        "es": "La base de datos ({url}) está en la revisión {revision}.",
    },
}
