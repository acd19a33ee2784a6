"""ScriptWriter on the official ``openai`` SDK: OpenAI, or any OpenAI-compatible server.

One retry layer: the SDK's own retries are switched off (``max_retries=0``) and every
request runs under a ``core.retry.RetryPolicy``. Why ours and not the SDK's: the SDK
retries every 429, including ``insufficient_quota``, which will never succeed (the
person would wait for nothing); ours sees the typed error first, so quota, auth and bad
requests fail at once while rate limits, 5xx and connection errors are retried with the
server's ``Retry-After`` honoured — and the sleep is injectable, so tests never wait.

Everything comes from Settings: the base URL is always passed explicitly, so the SDK
never falls back to reading ``OPENAI_BASE_URL`` from the environment by itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Generator
from typing import Any

import httpx2
import openai

from core.config import Settings
from core.errors import InputError, ProviderError
from core.models import Brief, Script, Usage
from core.retry import RetryPolicy
from core.writers.base import (
    ScriptStream,
    budget_for,
    finish_script,
    finish_translation,
    require_openai,
)
from core.writers.cleanup import CLEANUP_VERSION
from core.writers.openai_errors import (
    DEFAULT_BASE_URL,
    PROVIDER,
    Server,
    map_openai_error,
    public_url,
    refuses_stream_options,
)
from core.writers.prompt import PROMPT_VERSION, build_messages, translation_messages
from core.writers.timing import count_words, word_limit

# Local servers (Ollama, llama.cpp, vLLM) ignore the key, but the SDK insists on one.
PLACEHOLDER_KEY = "sk-no-key-required"
# Stop reading a runaway reply at this many times the word limit (it is cut anyway).
RUNAWAY_FACTOR = 2

_log = logging.getLogger(__name__)


class OpenAIWriter:
    id = "openai"
    version = f"openai-1/prompt-{PROMPT_VERSION}/cleanup-{CLEANUP_VERSION}"

    def __init__(
        self,
        settings: Settings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        http_client: httpx2.Client | None = None,
    ) -> None:
        require_openai(settings)
        timeout_s = settings.openai_timeout_s
        self.server = Server(settings.openai_base_url, settings.openai_model, timeout_s)
        self.model = settings.openai_model
        self.policy = RetryPolicy(
            attempts=settings.openai_max_retries + 1, initial_s=0.5, max_s=8.0
        )
        self._sleep = sleep
        self._client = openai.OpenAI(
            api_key=settings.openai_api_key or PLACEHOLDER_KEY,
            base_url=settings.openai_base_url or DEFAULT_BASE_URL,
            timeout=httpx2.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
            max_retries=0,  # the one retry layer is self.policy
            http_client=http_client,
        )
        # Ask for usage in streams until a server refuses the option (then remember).
        self._stream_usage = True

    def cache_parts(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "server": public_url(self.server.base_url or DEFAULT_BASE_URL),
        }

    def write(self, brief: Brief) -> Script:
        response = self._create(model=self.model, messages=build_messages(brief, budget_for(brief)))
        choice = response.choices[0] if response.choices else None
        raw = (choice.message.content or "") if choice else ""
        finish = choice.finish_reason if choice else None
        _check_finish(finish)
        return finish_script(
            raw,
            brief,
            model=response.model or self.model,
            usage=_usage(response.usage),
            complete=finish != "length",
            provider=PROVIDER,
        )

    def translate(self, text: str, language: str) -> Script:
        response = self._create(model=self.model, messages=translation_messages(text, language))
        choice = response.choices[0] if response.choices else None
        _check_finish(choice.finish_reason if choice else None)
        raw = (choice.message.content or "") if choice else ""
        return finish_translation(
            raw, language, model=response.model or self.model, usage=_usage(response.usage),
            provider=PROVIDER,
        )  # fmt: skip

    def stream(self, brief: Brief) -> ScriptStream:
        return ScriptStream(self._stream(brief))

    def _stream(self, brief: Brief) -> Generator[str, None, Script]:
        budget = budget_for(brief)
        runaway = RUNAWAY_FACTOR * word_limit(budget) + 40
        stream = self._open_stream(build_messages(brief, budget))
        raw, model, usage, finish, complete = "", self.model, None, None, True
        try:
            for chunk in stream:
                model = chunk.model or model
                if chunk.usage is not None:
                    usage = _usage(chunk.usage)
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                finish = choice.finish_reason or finish
                delta = choice.delta.content if choice.delta else None
                if delta:
                    raw += delta
                    yield delta
                    if delta[-1:].isspace() and count_words(raw) > runaway:
                        _log.info("%s: stopped reading after %d words", self.id, runaway)
                        complete = False
                        break
        except (openai.OpenAIError, httpx2.HTTPError) as err:
            raise map_openai_error(err, self.server) from err
        finally:
            stream.close()
        _check_finish(finish)
        return finish_script(
            raw,
            brief,
            model=model,
            usage=usage,
            complete=complete and finish != "length",
            provider=PROVIDER,
        )

    def _open_stream(self, messages: list[dict[str, str]]) -> Any:
        """A streamed completion, with usage if the server accepts ``stream_options``.

        Some OpenAI-compatible servers reject the option; when the refusal is about it (not
        any 400), we ask once more without it and stop asking. Servers that ignore it simply
        send no usage (None).
        """
        params: dict[str, Any] = {"model": self.model, "messages": messages, "stream": True}
        if self._stream_usage:
            try:
                return self._create(**params, stream_options={"include_usage": True})
            except ProviderError as err:
                if not refuses_stream_options(err):
                    raise
                _log.info("%s refused stream_options; streaming without usage", self.server.name)
                self._stream_usage = False
        return self._create(**params)

    def _create(self, **params: Any) -> Any:
        """One chat completion request under the retry policy; SDK errors become typed."""

        def attempt() -> Any:
            try:
                return self._client.chat.completions.create(**params)
            except openai.OpenAIError as err:
                raise map_openai_error(err, self.server) from err

        return self.policy.retrying(f"Request to {self.server.name}", sleep=self._sleep)(attempt)


def _usage(usage: Any) -> Usage | None:
    if usage is None:
        return None
    prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
    completion = int(getattr(usage, "completion_tokens", 0) or 0)
    total = int(getattr(usage, "total_tokens", 0) or 0) or prompt + completion
    return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=total)


def _check_finish(finish: str | None) -> None:
    if finish == "content_filter":
        raise InputError("openai.content_filter")
