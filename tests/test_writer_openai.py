"""The OpenAI writer and ``write_script`` against a fake OpenAI-compatible server.

openai 3.x sends through httpx2 (respx cannot see it), so every test talks HTTP to
``tests.fakes.openai_server`` via ``OPENAI_BASE_URL``. Retry waits are injected.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.config import Settings
from core.errors import (
    AuthError,
    ConfigError,
    InputError,
    ProviderError,
    ProviderTimeout,
    QuotaError,
    RateLimited,
)
from core.models import Brief
from core.pipeline import write_script
from core.services import Services
from core.writers import check_brief, create_writer
from core.writers.openai_writer import PLACEHOLDER_KEY, OpenAIWriter
from tests.conftest import FAKE_OPENAI_KEY
from tests.fakes.openai_server import FakeOpenAI, Reply

BRIEF = Brief(prompt="Las abejas", language="es", tone="friendly", duration_s=30)
MESSY = (
    "¡Claro! Aquí tienes el guion:\n\n**Narrador:** Las abejas polinizan. [música]\n\nSon vitales."
)
CLEAN = "Las abejas polinizan.\n\nSon vitales."


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(default=Reply.ok(MESSY)) as server:
        yield server


def make_settings(data_dir: Path, fake: FakeOpenAI, **env: str) -> Settings:
    return Settings.from_sources(
        {
            "APP_DATA_DIR": str(data_dir),
            "OPENAI_API_KEY": FAKE_OPENAI_KEY,
            "OPENAI_BASE_URL": fake.base_url,
            **env,
        }
    )


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def writer(data_dir: Path, fake: FakeOpenAI, waits: list[float]) -> OpenAIWriter:
    return OpenAIWriter(make_settings(data_dir, fake), sleep=waits.append)


def brief() -> Brief:
    return check_brief(BRIEF)


# --- writing and streaming ---------------------------------------------------------------


def test_write_returns_clean_text_usage_and_timing(writer: OpenAIWriter, fake: FakeOpenAI) -> None:
    script = writer.write(brief())
    assert script.text == CLEAN
    assert script.words == 5
    assert script.estimated_s == 2.1  # 5 words at 145 wpm
    assert script.budget_words == 73
    assert script.usage is not None and script.usage.prompt_tokens == 42
    assert script.usage.total_tokens == 42 + script.usage.completion_tokens
    assert not script.cached and not script.truncated
    (request,) = fake.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {FAKE_OPENAI_KEY}"
    assert request.body["model"] == "gpt-4.1-mini"
    assert "stream" not in request.body or request.body["stream"] is False
    system, user = request.body["messages"]
    assert user == {"role": "user", "content": "Las abejas"}
    assert "Spanish (español)" in system["content"]
    assert "about 73 words" in system["content"] and "30 seconds" in system["content"]
    assert "friendly" in system["content"]


def test_english_brief_asks_for_english_with_the_audience(
    writer: OpenAIWriter, fake: FakeOpenAI
) -> None:
    english = Brief("Bees", language="en-US", tone="formal", audience="farmers", duration_s=60)
    writer.write(check_brief(english))
    system = fake.requests[0].body["messages"][0]["content"]
    assert "Write the whole script in English, specifically American English." in system
    assert "about 150 words" in system
    assert "Audience: farmers." in system
    assert "Tone: formal" in system


def test_stream_yields_deltas_and_records_usage(writer: OpenAIWriter, fake: FakeOpenAI) -> None:
    stream = writer.stream(brief())
    deltas = list(stream)
    assert "".join(deltas) == MESSY
    assert len(deltas) > 5
    assert stream.script.text == CLEAN
    assert stream.script.usage is not None and stream.script.usage.prompt_tokens == 42
    (request,) = fake.requests
    assert request.body["stream"] is True
    assert request.body["stream_options"] == {"include_usage": True}


def test_script_is_unavailable_before_the_stream_ends(writer: OpenAIWriter) -> None:
    stream = writer.stream(brief())
    next(stream)
    with pytest.raises(RuntimeError):
        _ = stream.script
    stream.close()


def test_server_rejecting_stream_options_falls_back_once_and_remembers(
    writer: OpenAIWriter, fake: FakeOpenAI
) -> None:
    fake.default = Reply.ok("Hola. Adiós.", reject_stream_options=True)
    first = writer.stream(brief())
    list(first)
    assert first.script.text == "Hola. Adiós."
    assert first.script.usage is None
    assert ["stream_options" in r.body for r in fake.requests] == [True, False]
    second = writer.stream(brief())
    list(second)
    assert len(fake.requests) == 3
    assert "stream_options" not in fake.requests[2].body


def test_a_400_about_something_else_does_not_turn_streamed_usage_off(
    writer: OpenAIWriter, fake: FakeOpenAI
) -> None:
    too_long = {"message": "This model's maximum context length is 8192 tokens", "code": None}
    fake.reply(Reply(status=400, error=too_long))
    with pytest.raises(ProviderError, match="maximum context length"):
        list(writer.stream(brief()))
    assert len(fake.requests) == 1  # reported as it is: no second request without the option
    stream = writer.stream(brief())
    list(stream)
    assert fake.requests[1].body["stream_options"] == {"include_usage": True}
    assert stream.script.usage is not None


@pytest.mark.parametrize("status", [422, 500])
def test_a_refusal_of_stream_options_with_another_status_still_falls_back(
    writer: OpenAIWriter, fake: FakeOpenAI, status: int
) -> None:
    refusing = Reply.ok("Hola. Adiós.", reject_stream_options=True, stream_options_status=status)
    fake.default = refusing
    first = writer.stream(brief())
    list(first)
    assert first.script.text == "Hola. Adiós."
    assert ["stream_options" in r.body for r in fake.requests] == [True, False]


def test_server_ignoring_stream_options_gives_no_usage(
    writer: OpenAIWriter, fake: FakeOpenAI
) -> None:
    fake.default = Reply.ok("Hola. Adiós.", ignore_stream_options=True)
    stream = writer.stream(brief())
    list(stream)
    assert stream.script.text == "Hola. Adiós."
    assert stream.script.usage is None
    assert len(fake.requests) == 1


def test_reply_stopped_by_the_token_limit_drops_the_half_sentence(
    writer: OpenAIWriter, fake: FakeOpenAI
) -> None:
    fake.default = Reply.ok("Las abejas polinizan. Son vitales para", finish_reason="length")
    script = writer.write(brief())
    assert script.text == "Las abejas polinizan."
    assert script.truncated


def test_over_budget_reply_is_cut_at_a_sentence_and_marked(
    writer: OpenAIWriter, fake: FakeOpenAI
) -> None:
    fake.default = Reply.ok(" ".join(f"Esta es la frase número {i}." for i in range(40)))
    script = writer.write(check_brief(Brief("x", language="es", duration_s=10)))
    assert script.budget_words == 24
    assert script.truncated
    assert script.words <= 26
    assert script.text.endswith(".")


def test_runaway_stream_is_stopped_early(writer: OpenAIWriter, fake: FakeOpenAI) -> None:
    fake.default = Reply.ok(" ".join(f"Frase {i}." for i in range(2000)))
    stream = writer.stream(check_brief(Brief("x", language="es", duration_s=10)))
    deltas = list(stream)
    assert len(deltas) < 200  # 4000 words were on offer; we stop after ~2x the limit
    assert stream.script.truncated
    assert stream.script.words <= 26


def test_content_filter_is_an_input_error(writer: OpenAIWriter, fake: FakeOpenAI) -> None:
    fake.default = Reply.ok("", finish_reason="content_filter")
    with pytest.raises(InputError, match="content filter"):
        writer.write(brief())


def test_reply_with_nothing_speakable_is_a_provider_error(
    writer: OpenAIWriter, fake: FakeOpenAI
) -> None:
    fake.default = Reply.ok("Sure! 🎉")
    with pytest.raises(ProviderError, match="no usable text") as info:
        writer.write(brief())
    assert info.value.exit_code == 4


# --- settings ----------------------------------------------------------------------------


@pytest.mark.parametrize("make", [lambda s: create_writer("openai", s), OpenAIWriter])
def test_no_key_and_no_base_url_is_a_config_error(settings: Settings, make: Any) -> None:
    with pytest.raises(ConfigError) as info:
        make(settings)
    assert info.value.message_id == "openai.not_configured"
    assert info.value.exit_code == 3


def test_base_url_alone_sends_a_placeholder_key(data_dir: Path, fake: FakeOpenAI) -> None:
    settings = Settings.from_sources(
        {"APP_DATA_DIR": str(data_dir), "OPENAI_BASE_URL": fake.base_url, "OPENAI_MODEL": "llama3"}
    )
    script = create_writer("openai", settings).write(brief())
    assert script.text == CLEAN
    assert fake.requests[0].headers["authorization"] == f"Bearer {PLACEHOLDER_KEY}"
    assert fake.requests[0].body["model"] == "llama3"


def test_sdk_does_not_read_the_base_url_from_the_environment(
    data_dir: Path, fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
    writer = OpenAIWriter(Settings(data_dir=data_dir, openai_api_key=FAKE_OPENAI_KEY))
    assert str(writer._client.base_url).startswith("https://api.openai.com/v1")


@pytest.mark.parametrize(("value", "ok"), [("0.5", True), ("0", False), ("x", False)])
def test_openai_timeout_setting_is_validated(value: str, ok: bool) -> None:
    if ok:
        assert Settings.from_sources({"OPENAI_TIMEOUT_S": value}).openai_timeout_s == 0.5
    else:
        with pytest.raises(ConfigError, match="OPENAI_TIMEOUT_S"):
            Settings.from_sources({"OPENAI_TIMEOUT_S": value})


def test_unknown_writer_is_an_input_error(settings: Settings) -> None:
    with pytest.raises(InputError, match="Unknown script writer 'nope'"):
        create_writer("nope", settings)


# --- errors and the one retry layer --------------------------------------------------------


def test_rate_limit_is_retried_by_one_layer_honouring_retry_after(
    writer: OpenAIWriter, fake: FakeOpenAI, waits: list[float]
) -> None:
    fake.default = Reply.rate_limited(retry_after="3")
    with pytest.raises(RateLimited) as info:
        writer.write(brief())
    max_retries = 2
    assert len(fake.requests) == 1 + max_retries  # the SDK itself never retried
    assert waits == [3.0, 3.0]  # the server's Retry-After, not our shorter backoff
    assert info.value.exit_code == 4
    assert info.value.status == 429
    assert (
        "rate limiting" in info.value.message and "gave up after 3 attempts" in info.value.message
    )


def test_retry_after_ms_is_honoured(
    writer: OpenAIWriter, fake: FakeOpenAI, waits: list[float]
) -> None:
    fake.reply(Reply.rate_limited(retry_after="2500", header="retry-after-ms"), Reply.ok("Hola."))
    assert writer.write(brief()).text == "Hola."
    assert len(fake.requests) == 2
    assert waits == [2.5]


def test_rate_limit_then_success(
    writer: OpenAIWriter, fake: FakeOpenAI, waits: list[float]
) -> None:
    fake.reply(Reply.rate_limited(retry_after="1"))
    assert writer.write(brief()).text == CLEAN
    assert len(fake.requests) == 2 and waits == [1.0]


def test_max_retries_setting_bounds_the_attempts(
    data_dir: Path, fake: FakeOpenAI, waits: list[float]
) -> None:
    writer = OpenAIWriter(make_settings(data_dir, fake, OPENAI_MAX_RETRIES="0"), sleep=waits.append)
    fake.default = Reply.rate_limited()
    with pytest.raises(RateLimited):
        writer.write(brief())
    assert len(fake.requests) == 1 and waits == []


def test_x_should_retry_decides_over_the_status(
    writer: OpenAIWriter, fake: FakeOpenAI, waits: list[float]
) -> None:
    no = Reply.server_error(503)
    no.headers = {"x-should-retry": "false"}
    fake.reply(no)
    with pytest.raises(ProviderError):
        writer.write(brief())
    assert len(fake.requests) == 1 and waits == []  # a 503 the server says not to retry
    yes = Reply(status=400, error={"message": "try me again"}, headers={"x-should-retry": "true"})
    fake.reply(yes)
    assert writer.write(brief()).text == CLEAN  # a 400 the server says to retry
    assert len(fake.requests) == 3


def test_a_retry_after_of_more_than_a_minute_stops_and_says_when(
    writer: OpenAIWriter, fake: FakeOpenAI, waits: list[float]
) -> None:
    fake.default = Reply.rate_limited(retry_after="600")
    with pytest.raises(RateLimited) as info:
        writer.write(brief())
    assert len(fake.requests) == 1 and waits == []  # no ten-minute sleep inside a page
    assert info.value.retry_after == 600.0
    assert "asked to wait 600 s: try again after" in info.value.message
    assert info.value.message.endswith(" UTC.") and "Wait a minute" not in info.value.message
    assert "vuelva a intentarlo después de las" in info.value.text("es")


def test_insufficient_quota_fails_at_once(
    writer: OpenAIWriter, fake: FakeOpenAI, waits: list[float]
) -> None:
    fake.default = Reply.insufficient_quota()
    with pytest.raises(QuotaError) as info:
        writer.write(brief())
    assert len(fake.requests) == 1 and waits == []
    assert info.value.exit_code == 3
    assert "no quota left" in info.value.message and "OPENAI_API_KEY" in info.value.message


def test_unauthorized_names_the_variable_never_the_key(
    writer: OpenAIWriter, fake: FakeOpenAI, waits: list[float]
) -> None:
    fake.default = Reply.unauthorized()
    with pytest.raises(AuthError) as info:
        writer.write(brief())
    assert info.value.exit_code == 3
    assert "rejected OPENAI_API_KEY (401 Unauthorized)" in info.value.message
    assert FAKE_OPENAI_KEY not in info.value.message
    assert "sk-test" not in info.value.message  # not even the server's masked echo
    assert len(fake.requests) == 1 and waits == []


def test_unknown_model_is_a_config_error_naming_openai_model(
    writer: OpenAIWriter, fake: FakeOpenAI
) -> None:
    fake.default = Reply.not_found()
    with pytest.raises(ConfigError) as info:
        list(writer.stream(brief()))
    assert info.value.variable == "OPENAI_MODEL"
    assert "OPENAI_BASE_URL (it usually ends in /v1)" in info.value.message


def test_server_errors_are_retried_then_reported(
    writer: OpenAIWriter, fake: FakeOpenAI, waits: list[float]
) -> None:
    fake.default = Reply.server_error(503)
    with pytest.raises(ProviderError) as info:
        writer.write(brief())
    assert len(fake.requests) == 3 and len(waits) == 2
    assert info.value.exit_code == 4 and info.value.status == 503
    assert "The server had an error" in info.value.message


def test_slow_answer_is_a_timeout_and_not_retried(
    data_dir: Path, fake: FakeOpenAI, waits: list[float]
) -> None:
    writer = OpenAIWriter(make_settings(data_dir, fake, OPENAI_TIMEOUT_S="0.2"), sleep=waits.append)
    fake.default = Reply.slow(2.0)
    started = time.monotonic()
    with pytest.raises(ProviderTimeout) as info:
        writer.write(brief())
    assert time.monotonic() - started < 1.5
    assert info.value.exit_code == 4
    assert "did not answer within 0.2 s" in info.value.message
    assert "OPENAI_TIMEOUT_S" in info.value.message
    assert len(fake.requests) == 1 and waits == []


def test_stream_stalling_midway_is_a_timeout(
    data_dir: Path, fake: FakeOpenAI, waits: list[float]
) -> None:
    writer = OpenAIWriter(make_settings(data_dir, fake, OPENAI_TIMEOUT_S="0.2"), sleep=waits.append)
    fake.default = Reply.ok("Hola. Adiós.", chunk_delay_s=1.0)
    with pytest.raises(ProviderTimeout):
        list(writer.stream(brief()))


def test_connection_refused_is_retried_then_a_timeout_error(
    data_dir: Path, waits: list[float]
) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nobody listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = Settings.from_sources(
        {"APP_DATA_DIR": str(data_dir), "OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1"}
    )
    with pytest.raises(ProviderTimeout) as info:
        OpenAIWriter(settings, sleep=waits.append).write(brief())
    assert len(waits) == 2
    assert info.value.exit_code == 4
    assert f"Could not connect to the server at http://127.0.0.1:{port}/v1" in info.value.message


# --- write_script: validation, cache, live text ----------------------------------------------


@pytest.fixture
def services(data_dir: Path, fake: FakeOpenAI) -> Services:
    return Services.from_settings(make_settings(data_dir, fake))


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (Brief(prompt="   "), "The prompt is empty"),
        (Brief(prompt="x", duration_s=5), "between 10 and 300 seconds"),
        (Brief(prompt="x", tone="sarcastic"), "Unknown tone 'sarcastic'"),
        (Brief(prompt="x", language="klingon"), "Unknown language 'klingon'"),
        (Brief(prompt="x", language="nl"), "Unknown language 'nl'"),
    ],
)
def test_bad_briefs_fail_before_any_request(
    services: Services, fake: FakeOpenAI, bad: Brief, message: str
) -> None:
    with pytest.raises(InputError, match=message) as info:
        write_script(services, bad)
    assert info.value.exit_code == 2
    assert fake.requests == []


def test_empty_prompt_is_an_input_error_even_without_a_key(settings: Settings) -> None:
    with pytest.raises(InputError):
        write_script(Services.from_settings(settings), Brief(prompt=""))


def test_same_brief_is_served_from_the_cache(services: Services, fake: FakeOpenAI) -> None:
    first = write_script(services, BRIEF)
    second = write_script(services, BRIEF)
    assert not first.cached and second.cached
    assert second.text == first.text and second.usage == first.usage
    assert len(fake.requests) == 1
    third = write_script(services, BRIEF, use_cache=False)
    assert not third.cached and len(fake.requests) == 2


def test_cache_key_has_model_and_server_but_not_the_key(data_dir: Path, fake: FakeOpenAI) -> None:
    write_script(Services.from_settings(make_settings(data_dir, fake)), BRIEF)
    other_key = make_settings(data_dir, fake).with_(openai_api_key="sk-another-key")
    assert write_script(Services.from_settings(other_key), BRIEF).cached
    other_model = make_settings(data_dir, fake, OPENAI_MODEL="llama3")
    assert not write_script(Services.from_settings(other_model), BRIEF).cached
    other_brief = Brief(**{**BRIEF.__dict__, "tone": "formal"})
    assert not write_script(Services.from_settings(other_key), other_brief).cached
    assert len(fake.requests) == 3
    stored = b"".join(p.read_bytes() for p in (data_dir / "cache").rglob("*") if p.is_file())
    assert FAKE_OPENAI_KEY.encode() not in stored and b"sk-another-key" not in stored


def test_streamed_pieces_are_the_clean_script(services: Services, fake: FakeOpenAI) -> None:
    fake.default = Reply.ok(MESSY + "\n\n¿Quieres que lo ajuste? ¡Avísame!")
    pieces: list[str] = []
    script = write_script(services, BRIEF, on_delta=pieces.append)
    assert "".join(pieces) == script.text == CLEAN
    assert len(pieces) >= 2


def test_cached_script_arrives_as_one_piece(services: Services, fake: FakeOpenAI) -> None:
    write_script(services, BRIEF)
    pieces: list[str] = []
    script = write_script(services, BRIEF, on_delta=pieces.append)
    assert script.cached and pieces == [CLEAN]
    assert len(fake.requests) == 1
