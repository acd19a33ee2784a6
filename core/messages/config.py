"""Settings and account messages: invalid settings, sign-in configuration, daily limits."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "config.not_a_number": {
        "en": "{variable} must be a number (got {raw!r}).",
        "es": "{variable} debe ser un número (tiene {raw!r}).",
    },
    "config.not_a_flag": {
        "en": "{variable} must be 1 or 0 (on or off; got {raw!r}).",
        "es": "{variable} debe ser 1 o 0 (activado o desactivado; tiene {raw!r}).",
    },
    "config.out_of_range": {
        "en": "{variable} must be between {lo:g} and {hi:g} (got {raw}).",
        "es": "{variable} debe estar entre {lo:g} y {hi:g} (tiene {raw}).",
    },
    "config.emails": {
        "en": "{variable} takes e-mail addresses and @domain entries, comma separated "
        "(got {entry!r}).",
        "es": "{variable} admite direcciones de correo y entradas @dominio, separadas por comas "
        "(tiene {entry!r}).",
    },
    "config.auth_missing": {
        "en": "[auth] in .streamlit/secrets.toml needs {missing} (see docs/security.md); remove "
        "the section to sign in with APP_PASSWORD instead.",
        "es": "[auth] en .streamlit/secrets.toml necesita {missing} (vea docs/security.md); "
        "quite la sección para entrar con APP_PASSWORD.",
    },
    "config.auth_provider": {
        "en": "[auth] in .streamlit/secrets.toml needs client_id, client_secret and "
        "server_metadata_url, either in [auth] itself or in one [auth.PROVIDER] section (with "
        "several, set AUTH_PROVIDER to the one to use).",
        "es": "[auth] en .streamlit/secrets.toml necesita client_id, client_secret y "
        "server_metadata_url, en [auth] mismo o en una sección [auth.PROVEEDOR] (si hay varias, "
        "defina AUTH_PROVIDER con la que se debe usar).",
    },
    "config.did_url": {
        "en": "DID_API_URL must start with https:// (got {url!r}).",
        "es": "DID_API_URL debe empezar por https:// (tiene {url!r}).",
    },
    "config.openai_url": {
        "en": "OPENAI_BASE_URL must start with http:// or https:// (got {url!r}).",
        "es": "OPENAI_BASE_URL debe empezar por http:// o https:// (tiene {url!r}).",
    },
    # sign-in refused (core.auth.SignInRefused): the provider signed the person in
    "signin.no_email": {
        "en": "Your sign-in provider did not share an e-mail address, which Parlante needs to "
        "keep your videos apart. Ask the administrator to request the 'email' scope.",
        "es": "Su proveedor de acceso no compartió una dirección de correo, que Parlante "
        "necesita para separar sus vídeos. Pida al administrador que solicite el ámbito "
        "'email'.",
    },
    "signin.unverified": {
        "en": "The e-mail address {email} is not verified with your sign-in provider. Verify "
        "it there and sign in again.",
        "es": "La dirección {email} no está verificada en su proveedor de acceso. Verifíquela "
        "allí y vuelva a iniciar sesión.",
    },
    "signin.not_allowed": {
        "en": "{email} may not use this app. Ask the administrator to add you to "
        "ALLOWED_EMAILS, or sign out and use another account.",
        "es": "{email} no puede usar esta aplicación. Pida al administrador que le añada a "
        "ALLOWED_EMAILS, o cierre la sesión y use otra cuenta.",
    },
    # daily caps (core.usage); {wait} is a duration such as "3 h 20 min"
    "limit.did_videos": {
        "en": "You have reached today's limit of {limit} D-ID videos ({used} made today; "
        "DID_DAILY_VIDEOS). Use the offline engine, or try D-ID again after 00:00 UTC "
        "(in {wait}).",
        "es": "Ha alcanzado el límite diario de {limit} vídeos de D-ID ({used} hechos hoy; "
        "DID_DAILY_VIDEOS). Use el motor sin conexión o vuelva a probar D-ID después de las "
        "00:00 UTC (dentro de {wait}).",
    },
    "limit.openai_tokens": {
        "en": "Today's allowance of {limit} tokens for writing scripts is used up ({used} "
        "today; OPENAI_DAILY_TOKENS). Type the script yourself, or write one again after "
        "00:00 UTC (in {wait}).",
        "es": "Se agotó la asignación diaria de {limit} tokens para escribir guiones ({used} "
        "hoy; OPENAI_DAILY_TOKENS). Escriba el guion usted mismo o vuelva a generarlo después "
        "de las 00:00 UTC (dentro de {wait}).",
    },
}
