"""``python -m core script`` in a subprocess against the fake server: output, exit codes,
messages, and the key never printed."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from core.cli import main
from core.models import Brief, Script
from core.writers import WRITERS, ScriptStream
from tests.api_process import run_core
from tests.conftest import FAKE_OPENAI_KEY
from tests.fakes.openai_server import FakeOpenAI, Reply

MESSY = (
    "Sure! Here's a 30-second script about bees:\n\n"
    "**Narrator:** Bees feed the world. [music]\n\n"
    "- They pollinate crops\n- They make honey\n\n"
    "Let me know if you'd like changes!"
)
CLEAN = "Bees feed the world.\n\nThey pollinate crops. They make honey."


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(default=Reply.ok(MESSY)) as server:
        yield server


def run(
    *args: str, fake: FakeOpenAI | None, data_dir: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DID_", "APP_"))}
    environ["APP_DATA_DIR"] = str(data_dir)
    if fake is not None:
        environ["OPENAI_BASE_URL"] = fake.base_url
        environ["OPENAI_API_KEY"] = FAKE_OPENAI_KEY
    environ.update(env)
    result = run_core(environ, *args, timeout=60)
    assert FAKE_OPENAI_KEY not in result.stdout + result.stderr
    return result


def test_streams_the_clean_script_to_stdout(fake: FakeOpenAI, data_dir: Path) -> None:
    result = run("script", "--prompt", "bees", "--language", "en", fake=fake, data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout == CLEAN + "\n"
    assert "≈ 4.0 s · 10 words · gpt-4.1-mini" in result.stderr
    body = fake.requests[0].body
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}


def test_json_output_and_the_cache(fake: FakeOpenAI, data_dir: Path) -> None:
    args = ("script", "--prompt", "bees", "--language", "en", "--duration", "20", "--json")
    first = run(*args, fake=fake, data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    data = json.loads(first.stdout)
    assert set(data) == {"script", "words", "estimated_s", "model", "cached", "usage", "truncated"}
    assert data["script"] == CLEAN
    assert data["words"] == 10 and data["estimated_s"] == 4.0
    assert data["model"] == "gpt-4.1-mini" and data["cached"] is False
    assert data["usage"]["prompt_tokens"] == 42
    assert data["usage"]["total_tokens"] == 42 + data["usage"]["completion_tokens"]

    second = json.loads(run(*args, fake=fake, data_dir=data_dir).stdout)
    assert second["cached"] is True and second["script"] == CLEAN
    assert len(fake.requests) == 1

    third = json.loads(run(*args, "--no-cache", fake=fake, data_dir=data_dir).stdout)
    assert third["cached"] is False
    assert len(fake.requests) == 2


def test_over_budget_script_is_cut_and_says_so(fake: FakeOpenAI, data_dir: Path) -> None:
    fake.default = Reply.ok(" ".join(f"This is sentence number {i}." for i in range(30)))
    result = run(
        "script", "--prompt", "x", "--language", "en", "--duration", "10",
        fake=fake, data_dir=data_dir,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "cut at a sentence boundary" in result.stderr
    assert len(result.stdout.split()) <= 27 and result.stdout.endswith(".\n")


def test_no_key_and_no_base_url(data_dir: Path) -> None:
    result = run("script", "--prompt", "bees", fake=None, data_dir=data_dir)
    assert result.returncode == 3
    assert result.stderr == (
        "error: Script writing needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local server); "
        "you can still type the script yourself\n"
    )
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--prompt", ""), "error: The prompt is empty"),
        (("--prompt", "x", "--duration", "5"), "between 10 and 300 seconds"),
        (("--prompt", "x", "--duration", "abc"), "invalid float value"),
        (("--prompt", "x", "--tone", "sarcastic"), "Unknown tone 'sarcastic'"),
        (("--prompt", "x", "--language", "xx"), "Unknown language 'xx'"),
    ],
)
def test_input_errors_exit_2_without_a_request(
    fake: FakeOpenAI, data_dir: Path, args: tuple[str, ...], message: str
) -> None:
    result = run("script", *args, fake=fake, data_dir=data_dir)
    assert result.returncode == 2
    assert message in result.stderr
    assert fake.requests == []


def test_rejected_key_exits_3_naming_the_variable(fake: FakeOpenAI, data_dir: Path) -> None:
    fake.default = Reply.unauthorized()
    result = run("-v", "script", "--prompt", "bees", fake=fake, data_dir=data_dir)
    assert result.returncode == 3
    assert "rejected OPENAI_API_KEY (401 Unauthorized)" in result.stderr
    assert "sk-test" not in result.stderr
    assert len(fake.requests) == 1


def test_rate_limit_is_retried_then_exits_4(fake: FakeOpenAI, data_dir: Path) -> None:
    fake.default = Reply.rate_limited(retry_after="0")
    result = run("script", "--prompt", "bees", fake=fake, data_dir=data_dir, OPENAI_MAX_RETRIES="1")
    assert result.returncode == 4
    assert "rate limiting requests (429 Too Many Requests)" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: ")
    assert len(fake.requests) == 2  # 1 + OPENAI_MAX_RETRIES


def test_insufficient_quota_exits_3_at_once(fake: FakeOpenAI, data_dir: Path) -> None:
    fake.default = Reply.insufficient_quota()
    result = run("script", "--prompt", "bees", fake=fake, data_dir=data_dir)
    assert result.returncode == 3
    assert "no quota left (insufficient_quota)" in result.stderr
    assert len(fake.requests) == 1


def test_slow_server_exits_4_with_the_timeout_setting(fake: FakeOpenAI, data_dir: Path) -> None:
    fake.default = Reply.slow(3.0)
    result = run("script", "--prompt", "bees", fake=fake, data_dir=data_dir, OPENAI_TIMEOUT_S="0.3")
    assert result.returncode == 4
    assert "did not answer within 0.3 s" in result.stderr and "OPENAI_TIMEOUT_S" in result.stderr
    assert len(fake.requests) == 1


def test_unreachable_server_exits_4(data_dir: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run(
        "script", "--prompt", "bees", fake=None, data_dir=data_dir,
        OPENAI_BASE_URL=f"http://127.0.0.1:{port}/v1", OPENAI_MAX_RETRIES="0",
    )  # fmt: skip
    assert result.returncode == 4
    assert f"error: Could not connect to the server at http://127.0.0.1:{port}/v1" in result.stderr


class _DivergingWriter:
    """A writer whose final clean-up differs from what was streamed (the rare case)."""

    id = "openai"
    version = "test"

    def cache_parts(self) -> dict[str, str]:
        return {}

    def stream(self, brief: Brief) -> ScriptStream:
        def generate() -> Generator[str, None, Script]:
            yield "Hola. "
            yield "Adiós. "
            return Script(text="Otra cosa.", words=2, estimated_s=0.8, model="m")

        return ScriptStream(generate())


def test_final_script_is_printed_again_when_it_differs_from_the_stream(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    monkeypatch.setitem(WRITERS, "openai", lambda settings: _DivergingWriter())
    code = main(["script", "--prompt", "x"], env={"APP_DATA_DIR": str(data_dir)})
    out, err = capsys.readouterr()
    assert code == 0
    assert out == "Hola. Adiós.\n\nOtra cosa.\n"
    assert "note: the final clean-up changed text shown above" in err
