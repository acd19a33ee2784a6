"""Texts of the sign-in screens (ui/auth.py)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "auth.title": {"en": "Sign in to Parlante", "es": "Inicie sesión en Parlante"},
    "auth.password": {"en": "Password", "es": "Contraseña"},
    "auth.submit": {"en": "Sign in", "es": "Entrar"},
    "auth.wrong": {"en": "Wrong password.", "es": "Contraseña incorrecta."},
    "auth.wait": {
        "en": "Too many wrong tries. Wait {seconds} s, then try again.",
        "es": "Demasiados intentos fallidos. Espere {seconds} s y vuelva a intentarlo.",
    },
    "auth.oidc_intro": {
        "en": "Sign in with your account to see your own videos, presenters and presets.",
        "es": "Inicie sesión con su cuenta para ver sus propios vídeos, presentadores y ajustes.",
    },
    "auth.oidc_button": {"en": "Sign in", "es": "Iniciar sesión"},
    "auth.closed": {
        "en": "Parlante is not open: no sign-in is configured. The administrator must set "
        "APP_PASSWORD, configure [auth] in .streamlit/secrets.toml, or set ALLOW_ANONYMOUS=1 "
        "if the app is on a private network on purpose.",
        "es": "Parlante no está abierto: no hay ningún acceso configurado. El administrador "
        "debe definir APP_PASSWORD, configurar [auth] en .streamlit/secrets.toml, o definir "
        "ALLOW_ANONYMOUS=1 si la aplicación está a propósito en una red privada.",
    },
    "auth.sign_out": {"en": "Sign out", "es": "Cerrar sesión"},
    "auth.signed_in_as": {"en": "Signed in as {who}", "es": "Sesión iniciada como {who}"},
    "auth.team": {
        "en": "Signed in to the shared team workspace",
        "es": "Sesión iniciada en el espacio compartido del equipo",
    },
}
