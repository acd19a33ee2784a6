"""The sign-in gate: app.py calls ``gate`` before anything else of the app is drawn.

Until the person is signed in, the gate draws only its own screen and calls ``st.stop()``:
no page, sidebar, history or setting is ever sent to the browser. The decisions (mode,
password check, throttle, user id) live in ``core.auth``; this module only draws.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

import streamlit as st

from core.config import Settings
from core.messages import render
from core.usecases import (
    OIDC,
    OPEN,
    PASSWORD,
    REFUSED,
    SHARED_USER,
    SignInRefused,
    Throttle,
    client_address,
    oidc_user_id,
    password_stamp,
    shared_throttle,
    sign_in_mode,
    try_password,
)
from ui.i18n import DEFAULT_LANG, LANGS, translate
from ui.streaming import escape_markdown

SIGNED_IN = "auth_signed_in"  # password mode: the stamp of the password this session used
CLIENT = "auth_client"  # a random id for this browser session (a throttle key)
LANG = "ui_lang"  # the interface language, when the session already has one (ui.state.LANG)
RUNTIME = "runtime"  # ui.state.RUNTIME: only a signed-in run puts the runtime in the session


@dataclass(frozen=True)
class Identity:
    user: str  # the id every library call is scoped by ("" is the shared workspace)
    mode: str  # core.auth: oidc | password | open
    label: str = ""  # shown in the sidebar: the e-mail in OIDC mode


@st.cache_resource(show_spinner=False, max_entries=4)
def _throttle(_settings: Settings, where: str) -> Throttle:
    return shared_throttle(_settings)


def throttle(settings: Settings) -> Throttle:
    """The sign-in throttle: its counts live in the database, so every session of every
    app replica (any replica may serve any request) sees the same wrong tries."""
    where = f"{settings.data_dir}\n{settings.database_url or ''}"
    return _throttle(settings, hashlib.sha256(where.encode()).hexdigest())


def _lang() -> str:
    lang = st.session_state.get(LANG)
    if lang in LANGS:
        return str(lang)
    locale = (st.context.locale or "").lower()
    return "es" if locale.startswith("es") else DEFAULT_LANG


def _t(key: str, **values: object) -> str:
    return translate(_lang(), key, **values)


def gate(settings: Settings, pages: Sequence[Any] = ()) -> Identity:
    """Who is signed in; when nobody is, draws only the sign-in screen and stops the run.

    ``pages`` are the app's st.Page objects: declared hidden, never run, before sign-in.
    """
    mode = sign_in_mode(settings)
    if mode == OPEN:
        return Identity(SHARED_USER, OPEN)
    if mode == OIDC:
        return _oidc(settings, pages)
    if mode == PASSWORD:
        return _password(settings, pages)
    assert mode == REFUSED
    _stop_with_only(lambda: st.error(_t("auth.closed"), icon=":material/lock:"), pages)


def _stop_with_only(draw: Callable[[], None], pages: Sequence[Any]) -> NoReturn:
    """Draw the gate's screen and end the run; no page of the app runs.

    The gate is declared as the default page and the app's pages (without a default) as
    known but hidden: the browser gets no navigation to show, a deep link (``/history``)
    still names a known page and opens once signed in, and Streamlit leaves its legacy
    ``pages/`` folder mode, whose sidebar links a fresh server's first request would
    otherwise keep showing.
    """
    st.session_state.pop(RUNTIME, None)  # a page file run on its own finds no runtime either
    if pages:
        sign_in = st.Page(_no_page, title=_t("auth.title"), url_path="sign_in", default=True)
        st.navigation([sign_in, *pages], position="hidden")  # resolved, never run
    draw()
    st.stop()
    raise AssertionError("st.stop() returned")  # for the type checker


def _no_page() -> None:
    """The gate's page in st.navigation; the gate draws itself, so this never runs."""


def _keys() -> tuple[str, ...]:
    ss = st.session_state
    if CLIENT not in ss:
        ss[CLIENT] = secrets.token_hex(16)
    peer, forwarded = st.context.ip_address, st.context.headers.get("X-Forwarded-For")
    address = client_address(
        peer if isinstance(peer, str) else None, forwarded if isinstance(forwarded, str) else None
    )
    return ("ip:" + address, "session:" + ss[CLIENT])


def _password(settings: Settings, pages: Sequence[Any]) -> Identity:
    expected = settings.app_password or ""
    stamp = password_stamp(expected)
    if st.session_state.get(SIGNED_IN) == stamp:
        return Identity(SHARED_USER, PASSWORD)

    def screen() -> None:
        st.title(_t("auth.title"))
        with st.form("sign_in", clear_on_submit=True, enter_to_submit=True):
            given = st.text_input(_t("auth.password"), type="password", max_chars=1000)
            sent = st.form_submit_button(_t("auth.submit"), type="primary")
        if not sent:
            return
        attempt = try_password(throttle(settings), _keys(), given or "", expected)
        if attempt.ok:
            st.session_state[SIGNED_IN] = stamp
            st.rerun()
        wait = _t("auth.wait", seconds=math.ceil(attempt.wait_s)) if attempt.wait_s > 0 else ""
        st.error(wait if not attempt.checked else f"{_t('auth.wrong')} {wait}".strip())

    _stop_with_only(screen, pages)


def _oidc(settings: Settings, pages: Sequence[Any]) -> Identity:
    provider = settings.sign_in_provider or "default"
    if not st.user.get("is_logged_in"):

        def screen() -> None:
            st.title(_t("auth.title"))
            st.write(_t("auth.oidc_intro"))
            st.button(
                _t("auth.oidc_button"), type="primary", icon=":material/login:",
                on_click=st.login, args=(provider,),
            )  # fmt: skip

        _stop_with_only(screen, pages)
    try:
        user = oidc_user_id(st.user.to_dict(), settings.allowed_emails)
    except SignInRefused as err:
        message = render(err.message_id or "", _lang(), email=escape_markdown(err.email))

        def refused() -> None:
            st.error(message)
            st.button(_t("auth.sign_out"), on_click=st.logout, icon=":material/logout:")

        _stop_with_only(refused, pages)
    return Identity(user, OIDC, label=user)


def _forget_session() -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def sign_out(identity: Identity) -> None:
    """Who is signed in and a sign-out button, for the sidebar (nothing in open mode)."""
    if identity.mode == OPEN:
        return
    if identity.mode == OIDC:
        st.caption(_t("auth.signed_in_as", who=escape_markdown(identity.label)))
        st.button(_t("auth.sign_out"), on_click=st.logout, icon=":material/logout:")
    else:
        st.caption(_t("auth.team"))
        st.button(_t("auth.sign_out"), on_click=_forget_session, icon=":material/logout:")
