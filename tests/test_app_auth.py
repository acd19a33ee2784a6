"""The sign-in gate through AppTest: nothing of the app before sign-in, the password screen
(throttled), OIDC identities, the container's refusal, and each user's own library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from core.auth import Throttle, ThrottlePolicy, password_stamp
from core.jobs import DONE
from core.models import RenderRequest
from tests import fake_engine
from tests.app_harness import APP, button, fakes, run_on, runtime, texts
from tests.test_config import AUTH
from ui import auth, state

__all__ = ["fakes"]

PASSWORD = "correct horse battery staple"


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The gate's process-wide throttle, on a clock the test moves."""
    fake = Clock()
    throttle = Throttle(ThrottlePolicy(free_tries=2, base_s=4.0), fake)
    monkeypatch.setattr(auth, "throttle", lambda _settings: throttle)
    return fake


def app(**secrets: Any) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    if secrets:
        at.secrets = dict(secrets)
    return at


def assert_only_the_gate(at: AppTest) -> None:
    """Nothing of the app: no page, no sidebar, no runtime in the session."""
    assert not at.exception, at.exception
    assert [t.value for t in at.title] in ([], ["Sign in to Parlante"])
    assert not at.sidebar.children, "the sidebar must stay empty before sign-in"
    assert state.RUNTIME not in at.session_state
    labels = {b.label for b in at.button}
    assert not labels & {"Generate video", "Write script", "Open", "Delete"}, labels
    assert not at.get("video")


def sign_in(at: AppTest, password: str) -> AppTest:
    at.text_input[0].input(password)
    button(at, "Sign in").click()
    return at.run()


# --- password ------------------------------------------------------------------------------


def test_password_gate_shows_nothing_until_the_right_password(
    fakes: Any, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APP_PASSWORD", PASSWORD)
    at = app().run()
    assert_only_the_gate(at)
    assert at.text_input[0].label == "Password"
    sign_in(at, "wrong")
    assert_only_the_gate(at)
    assert at.error[0].value == "Wrong password."
    sign_in(at, PASSWORD)
    assert not at.exception
    assert at.title[0].value == "Create a video"
    assert at.session_state[state.USER] == ""  # password mode: the shared team workspace
    sidebar = "\n".join(str(c.value) for c in at.sidebar.caption)
    assert "Signed in to the shared team workspace" in sidebar
    assert PASSWORD not in texts(at)


def test_repeated_wrong_tries_slow_down_even_the_right_password(
    fakes: Any, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APP_PASSWORD", PASSWORD)
    at = app().run()
    sign_in(at, "guess 1")
    assert at.error[0].value == "Wrong password."
    sign_in(at, "guess 2")  # the last free try: now wait 4 s
    assert at.error[0].value == "Wrong password. Too many wrong tries. Wait 4 s, then try again."
    clock.now += 1
    sign_in(at, PASSWORD)  # refused unchecked while waiting
    assert_only_the_gate(at)
    assert at.error[0].value == "Too many wrong tries. Wait 3 s, then try again."
    clock.now += 3
    sign_in(at, "guess 3")
    assert "Wait 8 s" in at.error[0].value  # each wrong try doubles the wait
    clock.now += 8
    sign_in(at, PASSWORD)
    assert at.title[0].value == "Create a video"


def test_a_new_browser_session_is_slowed_too(
    fakes: Any, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening a fresh session does not reset the count: the client address is a key."""
    monkeypatch.setenv("APP_PASSWORD", PASSWORD)
    for guess in ("a", "b"):
        sign_in(app().run(), guess)
    at = sign_in(app().run(), PASSWORD)
    assert_only_the_gate(at)
    assert "Too many wrong tries" in at.error[0].value


def test_sign_out_and_a_changed_password_close_the_app(
    fakes: Any, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APP_PASSWORD", PASSWORD)
    at = sign_in(app().run(), PASSWORD)
    button(at, "Sign out").click()
    at.run()
    assert_only_the_gate(at)
    assert auth.SIGNED_IN not in at.session_state
    stale = app()  # a session that signed in before the password was changed
    stale.session_state[auth.SIGNED_IN] = password_stamp("the old passphrase")
    stale.run()
    assert_only_the_gate(stale)
    stale.session_state[auth.SIGNED_IN] = password_stamp(PASSWORD)
    stale.run()
    assert stale.title[0].value == "Create a video"


def test_the_gate_speaks_the_browsers_language(
    fakes: Any, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APP_PASSWORD", PASSWORD)
    at = app()
    at.context = {"locale": "es-MX"}
    at.run()
    assert at.title[0].value == "Inicie sesión en Parlante"
    assert at.text_input[0].label == "Contraseña"


# --- container -----------------------------------------------------------------------------


def test_the_container_refuses_to_open_without_sign_in(
    fakes: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLANTE_CONTAINER", "1")
    at = app().run()
    assert_only_the_gate(at)
    assert "Parlante is not open: no sign-in is configured" in at.error[0].value
    assert "ALLOW_ANONYMOUS=1" in at.error[0].value
    monkeypatch.setenv("ALLOW_ANONYMOUS", "1")
    at.run()
    assert at.title[0].value == "Create a video"
    assert "Sign out" not in {b.label for b in at.button}  # open mode: nobody to sign out


def test_a_laptop_without_sign_in_opens_directly(fakes: Any) -> None:
    at = app().run()
    assert not at.exception and at.title[0].value == "Create a video"


# --- OIDC ----------------------------------------------------------------------------------


def test_oidc_asks_to_sign_in_with_st_login(fakes: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str | None] = []
    monkeypatch.setattr(streamlit, "login", lambda provider=None: calls.append(provider))
    monkeypatch.setenv("APP_PASSWORD", PASSWORD)  # [auth] wins: no password screen
    at = app(auth=AUTH)
    at.user = {"is_logged_in": False}
    at.run()
    assert_only_the_gate(at)
    assert not at.text_input
    button(at, "Sign in").click()
    at.run()
    assert calls == ["default"]
    assert_only_the_gate(at)


def test_oidc_user_id_is_the_email_and_sign_out_calls_st_logout(
    fakes: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(streamlit, "logout", lambda: calls.append("logout"))
    at = app(auth=AUTH)
    at.user = {"is_logged_in": True, "email": "Ana@Example.org", "email_verified": True}
    at.run()
    assert not at.exception and at.title[0].value == "Create a video"
    assert at.session_state[state.USER] == "ana@example.org"
    captions = "\n".join(str(c.value) for c in at.sidebar.caption)
    assert "Signed in as ana@example\\.org" in captions  # escaped: shown literally
    button(at, "Sign out").click()
    at.run()
    assert calls == ["logout"]


def test_oidc_accounts_outside_allowed_emails_see_nothing(
    fakes: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALLOWED_EMAILS", "@corp.example")
    at = app(auth=AUTH)
    at.user = {"is_logged_in": True, "email": "eve@gmail.example"}
    at.run()
    assert_only_the_gate(at)
    assert "may not use this app" in at.error[0].value
    assert "Sign out" in {b.label for b in at.button}


# --- each user sees only their own ---------------------------------------------------------


def as_user(email: str, page: str | None = None) -> AppTest:
    at = app(auth=AUTH)
    at.user = {"is_logged_in": True, "email": email}
    return run_on(at, page)


def test_two_users_each_see_only_their_own_history_photos_presets_and_jobs(fakes: Any) -> None:
    ana = as_user("ana@example.org")
    ana.text_area(key=state.SCRIPT_WIDGET).input("Hola, soy el vídeo privado de Ana.")
    button(ana, "Generate video").click()
    ana.run()
    rt = runtime(ana)
    [job] = rt.runner.jobs("ana@example.org")
    assert job.user == "ana@example.org"  # the job carries the user
    assert rt.runner.wait(job.id, timeout=20).status == DONE
    library = rt.services.library
    library.add_photo(fake_engine._tiny_jpeg(), "Ana's photo", "ana@example.org")
    library.save_preset("Ana's preset", {"engine": "local"}, "ana@example.org")
    queued = rt.runner.submit(
        RenderRequest(text="Otro vídeo de Ana.", avatar="ana"), "local", "ana@example.org"
    )
    rt.runner.wait(queued.id, timeout=20)

    own = as_user("ana@example.org", "pages/history.py")
    assert "privado de Ana" in "\n".join(t.value for t in own.text)
    voice = as_user("ana@example.org", "pages/voice_avatar.py")
    assert "Ana's photo" in [t.value for t in voice.text]

    leo = as_user("leo@example.org", "pages/history.py")
    assert "Nothing here yet" in texts(leo)
    assert "Ana" not in "\n".join(t.value for t in leo.text)
    leo_voice = as_user("leo@example.org", "pages/voice_avatar.py")
    assert "Ana's photo" not in [t.value for t in leo_voice.text]
    assert "Ana's preset" not in str([s.options for s in leo_voice.selectbox])
    assert rt.runner.jobs("leo@example.org") == []
    assert library.list_videos("leo@example.org") == []


def test_an_unreachable_database_is_a_message_not_a_traceback(
    fakes: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    password = "FAKE-db-password-000"
    url = f"postgresql://parlante:{password}@/nowhere?host={tmp_path}&port=1"
    monkeypatch.setenv("DATABASE_URL", url)
    at = app().run()
    assert not at.exception, at.exception
    shown = " ".join(e.value for e in at.error)
    assert "DATABASE_URL" in shown and "nowhere" in shown and password not in shown
    assert state.RUNTIME not in at.session_state
