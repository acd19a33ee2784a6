"""Media storage: MEDIA_URL / S3_ENDPOINT_URL settings and the object store's failures."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "config.media_url_scheme": {
        "en": "MEDIA_URL must be s3://BUCKET/PREFIX or gs://BUCKET/PREFIX (got {url!r}); "
        "leave it empty to keep media in the local data folder.",
        "es": "MEDIA_URL debe ser s3://BUCKET/PREFIJO o gs://BUCKET/PREFIJO (tiene {url!r}); "
        "déjelo vacío para guardar los medios en la carpeta de datos local.",
    },
    "config.media_url_bucket": {
        "en": "MEDIA_URL needs a valid bucket name after the scheme, like "
        "s3://my-bucket/parlante (got {url!r}).",
        "es": "MEDIA_URL necesita un nombre de bucket válido tras el esquema, como "
        "s3://mi-bucket/parlante (tiene {url!r}).",
    },
    "config.media_url_credentials": {
        "en": "MEDIA_URL must not carry credentials or a query string (got {url!r}). Put the "
        "keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (S3) or "
        "GOOGLE_APPLICATION_CREDENTIALS (GCS) instead.",
        "es": "MEDIA_URL no debe llevar credenciales ni parámetros (tiene {url!r}). Ponga las "
        "claves en AWS_ACCESS_KEY_ID y AWS_SECRET_ACCESS_KEY (S3) o en "
        "GOOGLE_APPLICATION_CREDENTIALS (GCS).",
    },
    "config.s3_endpoint": {
        "en": "S3_ENDPOINT_URL must start with http:// or https:// and name a host (got {url!r}).",
        "es": "S3_ENDPOINT_URL debe empezar por http:// o https:// e indicar un servidor "
        "(tiene {url!r}).",
    },
    "config.s3_endpoint_alone": {
        "en": "S3_ENDPOINT_URL is set but MEDIA_URL is not: set MEDIA_URL=s3://BUCKET/PREFIX "
        "too, or remove S3_ENDPOINT_URL to keep media in the local data folder.",
        "es": "S3_ENDPOINT_URL está definido pero MEDIA_URL no: defina también "
        "MEDIA_URL=s3://BUCKET/PREFIJO, o quite S3_ENDPOINT_URL para guardar los medios en la "
        "carpeta de datos local.",
    },
    "config.s3_endpoint_not_s3": {
        "en": "S3_ENDPOINT_URL only applies to an s3:// MEDIA_URL; remove it for gs://.",
        "es": "S3_ENDPOINT_URL solo sirve con un MEDIA_URL s3://; quítelo para gs://.",
    },
    "storage.missing_package": {
        "en": "MEDIA_URL {url} needs the Python package {package}; install the requirements "
        "again (pip install -r requirements.txt).",
        "es": "MEDIA_URL {url} necesita el paquete de Python {package}; instale de nuevo los "
        "requisitos (pip install -r requirements.txt).",
    },
    "storage.no_bucket": {
        "en": "The bucket of MEDIA_URL ({url}) does not exist. Create it, or correct the "
        "bucket name in MEDIA_URL.",
        "es": "El bucket de MEDIA_URL ({url}) no existe. Créelo, o corrija el nombre del "
        "bucket en MEDIA_URL.",
    },
    "storage.denied": {
        "en": "The media store refused access to {url}. Check the credentials "
        "(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or GOOGLE_APPLICATION_CREDENTIALS / the "
        "machine's service account) and that they may read and write this bucket.",
        "es": "El almacén de medios denegó el acceso a {url}. Revise las credenciales "
        "(AWS_ACCESS_KEY_ID y AWS_SECRET_ACCESS_KEY, o GOOGLE_APPLICATION_CREDENTIALS / la "
        "cuenta de servicio de la máquina) y que puedan leer y escribir en este bucket.",
    },
    "storage.unreachable": {
        "en": "The media store for {url} could not be reached (endpoint {endpoint}, "
        "{reason}). Check MEDIA_URL and S3_ENDPOINT_URL and that the store is running, then "
        "retry.",
        "es": "No se pudo contactar con el almacén de medios de {url} (punto de acceso "
        "{endpoint}, {reason}). Revise MEDIA_URL y S3_ENDPOINT_URL y que el almacén esté en "
        "marcha, y vuelva a intentarlo.",
    },
    "storage.failed": {
        "en": "Storing or reading media in {url} failed ({reason}); retry. If it keeps "
        "failing, check the media store (endpoint {endpoint}).",
        "es": "Falló guardar o leer medios en {url} ({reason}); vuelva a intentarlo. Si sigue "
        "fallando, revise el almacén de medios (punto de acceso {endpoint}).",
    },
    "storage.sweep_refused": {
        "en": "{count} stored videos in {store} have no record in the database ({records} "
        "records): is DATABASE_URL the database these media belong to? Nothing was removed. "
        "To remove them anyway: python -m core media sweep --force.",
        "es": "{count} vídeos guardados en {store} no tienen registro en la base de datos "
        "({records} registros): ¿es DATABASE_URL la base de datos de estos medios? No se ha "
        "borrado nada. Para borrarlos de todos modos: python -m core media sweep --force.",
    },
}
