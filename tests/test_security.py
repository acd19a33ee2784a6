"""Security properties, end to end through AppTest where they concern the page:

- keys and passwords never reach the page, the logs or an error message, even when a
  provider echoes them back or a render crashes;
- text a person typed or uploaded is never rendered as HTML (nor as Markdown);
- uploads are capped in bytes and pixels, by Streamlit and again by the app.
(D-ID result links: tests/test_did_http.py; the gate in a real browser: tests/e2e.)
"""

from __future__ import annotations

import io
import logging
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from core import redaction
from core.engines.local import images
from core.errors import AuthError, InputError, ProviderError, RenderRejected
from core.messages import msg
from core.previews import add_photo
from core.redaction import protect_logs
from tests import fake_engine
from tests.app_harness import APP, FakeWriter, button, fakes, open_app, runtime
from tests.conftest import FAKE_DID_KEY, FAKE_OPENAI_KEY
from tests.face_images import png_claiming
from tests.test_config import AUTH
from ui import state

__all__ = ["fakes"]

ROOT = Path(__file__).resolve().parent.parent
FAKE_PASSWORD = "FAKE-app-password-000000"
SECRETS = (
    FAKE_OPENAI_KEY,
    FAKE_DID_KEY,
    FAKE_PASSWORD,
    AUTH["cookie_secret"],
    AUTH["client_secret"],
)
INJECT = "<script>alert(1)</script> <b>x</b> [click](https://evil.example)"
# Elements whose text Streamlit shows as plain text (never Markdown, never HTML).
LITERAL = {"Text", "TextArea", "TextInput", "Selectbox", "Json", "Code", "Multiselect"}


@pytest.fixture(autouse=True)
def forget_secrets() -> Iterator[None]:
    """protect_logs is process-wide: leave no fake secret registered for other tests."""
    yield
    redaction._secrets.clear()


def elements(at: AppTest) -> Iterator[Any]:
    """Every element and block AppTest holds: main area, sidebar, toasts."""
    stack: list[Any] = [at._tree]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(getattr(node, "children", {}).values())


def rendered(at: AppTest) -> str:
    """Everything sent to the browser for this run, as the protobuf text of each element."""
    return "\n".join(str(node.proto) for node in elements(at) if getattr(node, "proto", None))


def assert_no_secret(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked into {where}"


# --- keys never leak -----------------------------------------------------------------------


def test_keys_never_reach_the_page_or_the_logs_even_when_providers_echo_them(
    fakes: fake_engine.FakeControl,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_OPENAI_KEY)
    monkeypatch.setenv("DID_API_KEY", FAKE_DID_KEY)
    monkeypatch.setenv("APP_PASSWORD", FAKE_PASSWORD)

    def writer_fails(self: Any, brief: Any) -> Any:
        raise AuthError(  # the server's own words echo the key, inside a nested message
            "openai.server_failed", status=401, Who=msg("openai.who_start"),
            detail=msg("openai.detail", detail=f"rejected the key {FAKE_OPENAI_KEY}"),
        )  # fmt: skip

    def voices_fail(self: Any, language: str | None = None) -> Any:
        raise ProviderError("did.key_rejected", reason=f"bad key {FAKE_DID_KEY}", provider="D-ID")

    def credits_fail(self: Any) -> Any:
        raise AuthError("did.key_rejected", reason=f"Basic {FAKE_DID_KEY}", provider="D-ID")

    monkeypatch.setattr(FakeWriter, "stream", writer_fails)
    monkeypatch.setattr(fake_engine.FakeEngine, "credits", credits_fail, raising=False)

    pages: list[str] = []
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    pages.append(rendered(at))
    at.text_input[0].input(FAKE_PASSWORD[:-1])  # a wrong try first
    button(at, "Sign in").click()
    at.run()
    pages.append(rendered(at))
    at.text_input[0].input(FAKE_PASSWORD)
    button(at, "Sign in").click()
    at.run()
    assert at.title[0].value == "Create a video", "signed in"

    next(t for t in at.text_area if t.label == "Topic").input("Las abejas")
    button(at, "Write script").click()
    at.run()
    assert "OpenAI failed (401): rejected the key ***" in at.error[0].value
    pages.append(rendered(at))

    rt = runtime(at)
    fakes.fail_with = RenderRejected(
        "did.moderation", where=f"the talk for key {FAKE_DID_KEY}", reason="HTTP 451"
    )
    at.text_area(key=state.SCRIPT_WIDGET).input("Hola a todos, esto es una prueba.")
    button(at, "Generate video").click()
    at.run()
    rt.runner.wait(at.session_state[state.JOB], timeout=20)
    at.run()
    assert "The video failed" in at.error[0].value
    pages.append(rendered(at))

    fakes.fail_with = RuntimeError(f"crash while holding {FAKE_DID_KEY} and {FAKE_OPENAI_KEY}")
    crashed = rt.runner.submit(fake_request(), "local")
    assert rt.runner.wait(crashed.id, timeout=20).status == "failed"

    monkeypatch.setattr(fake_engine.FakeEngine, "voices", voices_fail)
    for page in ("pages/voice_avatar.py", "pages/history.py"):
        at.switch_page(page)
        at.run()
        assert not at.exception, at.exception
        pages.append(rendered(at))
    assert any("bad key ***" in page for page in pages), "the voice error was shown, redacted"

    for n, page in enumerate(pages):
        assert_no_secret(page, f"page {n}")
    for job in rt.runner.jobs():
        assert_no_secret(job.error + job.message, f"job {job.id}")
    assert "Unexpected error (RuntimeError: crash while holding *** and ***)" in str(
        [j.error for j in rt.runner.jobs()]
    )
    assert any(r.exc_text for r in caplog.records), "the crash was logged with its traceback"
    assert_no_secret(caplog.text, "the log")
    for record in caplog.records:
        assert_no_secret(record.getMessage() + (record.exc_text or ""), "a log record")


def fake_request() -> Any:
    from core.models import RenderRequest

    return RenderRequest(text="Otro vídeo más.", avatar="ana")


def test_log_redaction_masks_messages_arguments_and_tracebacks() -> None:
    protect_logs([FAKE_DID_KEY, ""])
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("parlante.test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("calling with %s", FAKE_DID_KEY)
        try:
            raise ValueError(f"bad {FAKE_DID_KEY}")
        except ValueError:
            logger.exception("failed")
        logger.warning("with stack", stack_info=True, extra={"note": "x"})
    finally:
        logger.removeHandler(handler)
    text = out.getvalue()
    assert "calling with ***" in text and "ValueError: bad ***" in text
    assert FAKE_DID_KEY not in text


def test_settings_errors_and_repr_never_hold_a_secret() -> None:
    from core.config import Settings

    s = Settings.from_sources(
        {"OPENAI_API_KEY": FAKE_OPENAI_KEY, "DID_API_KEY": FAKE_DID_KEY},
        {"APP_PASSWORD": FAKE_PASSWORD, "auth": AUTH},
    )
    assert_no_secret(repr(s), "repr(Settings)")
    assert_no_secret(s.redact(" ".join(SECRETS)), "Settings.redact")


# --- user text is never HTML ---------------------------------------------------------------


def assert_shown_literally(at: AppTest) -> None:
    """No element may render HTML, and Markdown elements must carry user text escaped."""
    literal_hits = 0
    for node in elements(at):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        if hasattr(proto, "allow_html"):
            assert not proto.allow_html, f"{type(node).__name__} allows HTML"
        text = str(proto)
        if type(node).__name__ in LITERAL:
            literal_hits += "<script>alert(1)</script>" in text
            continue
        assert not re.search(r"(?<!\\)<(script|b)>", text), f"raw HTML in {type(node).__name__}"
        assert not re.search(r"(?<!\\)\[click(?<!\\)\]", text), f"a link in {type(node).__name__}"
    assert literal_hits, "the text is shown, as plain text"


def test_typed_and_uploaded_text_is_shown_literally(
    fakes: fake_engine.FakeControl, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_app()
    next(t for t in at.text_area if t.label == "Topic").input(INJECT)
    button(at, "Write script").click()
    at.run()
    at.text_area(key=state.SCRIPT_WIDGET).input(f"Hola. {INJECT}")
    button(at, "Generate video").click()
    at.run()
    rt = runtime(at)
    rt.runner.wait(at.session_state[state.JOB], timeout=20)
    at.run()
    assert_shown_literally(at)
    library = rt.services.library
    library.add_photo(fake_engine._tiny_jpeg(), INJECT)
    library.save_preset(INJECT[:60], {"engine": "local"})

    at.switch_page("pages/history.py")
    at.run()
    assert_shown_literally(at)
    button(at, "Open").click()
    at.run()
    assert not at.exception
    assert_shown_literally(at)

    at.switch_page("pages/voice_avatar.py")
    at.run()
    assert_shown_literally(at)
    at.file_uploader[0].upload(f"{INJECT}.png", b"not an image", "image/png").run()
    assert "This photo cannot be used" in at.error[0].value
    assert_shown_literally(at)


def test_no_page_passes_html_through() -> None:
    """unsafe_allow_html, st.html and components would show text as HTML: none is used."""
    sources = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py")]
    for path in sources:
        code = path.read_text()
        for needle in ("unsafe_allow_html", "st.html", "components.v1", "st.components"):
            assert needle not in code, f"{path.name} uses {needle}: only with constant strings"


# --- uploads are capped --------------------------------------------------------------------


def test_streamlit_and_the_app_cap_uploads_at_the_same_size() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    cap_mb = config["server"]["maxUploadSize"]
    assert cap_mb * 1024 * 1024 <= images.MAX_BYTES
    page = (ROOT / "pages" / "voice_avatar.py").read_text()
    [per_widget] = re.findall(r"max_upload_size=(\d+)", page)
    assert int(per_widget) == cap_mb


def test_uploads_are_refused_past_the_byte_and_pixel_caps(services: Any) -> None:
    with pytest.raises(InputError, match="megapixels"):
        add_photo(services.library, png_claiming(20_000, 20_000), "bomb.png")
    with pytest.raises(InputError, match="15 MB"):
        add_photo(services.library, b"\xff\xd8\xff" + b"0" * images.MAX_BYTES, "big.jpg")
    assert services.library.list_photos() == []
