"""The ScriptWriter seam: a brief in, speakable text out; writers picked by id.

Every writer shares the same validation (``check_brief``) and the same finishing
(``finish_script``: clean-up, budget, timing), so what "a script" means does not depend
on which model wrote it. Writers only talk to their model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator
from types import TracebackType
from typing import Any, Protocol

from core.config import Settings
from core.errors import ConfigError, InputError, ProviderError
from core.models import Brief, Script, Usage
from core.writers.cleanup import clean_script, drop_unfinished, fit_to_budget
from core.writers.prompt import LANGUAGES, TONES
from core.writers.timing import (
    check_duration,
    count_words,
    estimate_seconds,
    word_budget,
    word_limit,
)

MAX_PROMPT_CHARS = 4000
MAX_AUDIENCE_CHARS = 200
_LANGUAGE_CODE = re.compile(r"^([a-z]{2})(?:[-_]([a-z]{2}|\d{3}))?$", re.IGNORECASE)


class ScriptStream(Iterator[str]):
    """The model's text deltas as they arrive; ``script`` once the stream is exhausted.

    Wraps a generator that yields deltas and *returns* the finished Script, so a writer
    is one straight-line function. Closing it early (or leaving a ``with`` block) closes
    the HTTP response, which stops the generation on the server.
    """

    def __init__(self, generator: Generator[str, None, Script]) -> None:
        self._generator = generator
        self._script: Script | None = None

    def __iter__(self) -> ScriptStream:
        return self

    def __next__(self) -> str:
        try:
            return next(self._generator)
        except StopIteration as stop:
            self._script = stop.value
            raise

    @property
    def script(self) -> Script:
        if self._script is None:
            raise RuntimeError("Read the stream to the end before asking for the script.")
        return self._script

    def close(self) -> None:
        self._generator.close()

    def __enter__(self) -> ScriptStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class ScriptWriter(Protocol):
    id: str
    version: str  # part of the cache key: bump when the same brief would give other text

    def cache_parts(self) -> dict[str, Any]:
        """What besides the brief changes the output (model, server) — never a secret."""
        ...

    def write(self, brief: Brief) -> Script:
        """The whole script in one call. ``brief`` is already checked."""
        ...

    def stream(self, brief: Brief) -> ScriptStream:
        """The model's raw text deltas as they come; ``.script`` when exhausted."""
        ...

    def translate(self, text: str, language: str) -> Script:
        """A faithful, speakable translation of ``text`` into ``language`` (checked code)."""
        ...


WriterFactory = Callable[[Settings], ScriptWriter]


def require_openai(settings: Settings) -> None:
    """A key, or a base URL of a local server that needs none; else ConfigError."""
    if not settings.openai_api_key and not settings.openai_base_url:
        raise ConfigError("openai.not_configured", variable="OPENAI_API_KEY")


def _openai(settings: Settings) -> ScriptWriter:
    require_openai(settings)  # before the import: the SDK takes a second to load
    from core.writers.openai_writer import OpenAIWriter

    return OpenAIWriter(settings)


WRITERS: dict[str, WriterFactory] = {"openai": _openai}


def create_writer(writer_id: str, settings: Settings) -> ScriptWriter:
    try:
        factory = WRITERS[writer_id]
    except KeyError:
        raise InputError(
            "brief.unknown_writer", writer=writer_id, choices=", ".join(WRITERS)
        ) from None
    return factory(settings)


def check_brief(brief: Brief) -> Brief:
    """The brief with normalised fields, or InputError saying what to fix."""
    prompt = (brief.prompt or "").strip()
    if not prompt:
        raise InputError("brief.empty")
    if len(prompt) > MAX_PROMPT_CHARS:
        raise InputError("brief.too_long", chars=len(prompt), limit=MAX_PROMPT_CHARS)
    match = _LANGUAGE_CODE.match((brief.language or "").strip())
    if not match or match.group(1).lower() not in LANGUAGES:
        raise InputError(
            "brief.unknown_language", language=brief.language, choices=", ".join(LANGUAGES)
        )
    region = match.group(2)
    language = match.group(1).lower() + (f"-{region.upper()}" if region else "")
    tone = (brief.tone or "").strip().lower()
    if tone not in TONES:
        raise InputError("brief.unknown_tone", tone=brief.tone, choices=", ".join(TONES))
    audience = " ".join((brief.audience or "").split())
    if len(audience) > MAX_AUDIENCE_CHARS:
        raise InputError("brief.audience_too_long", limit=MAX_AUDIENCE_CHARS)
    return Brief(
        prompt=prompt,
        language=language,
        tone=tone,
        audience=audience,
        duration_s=check_duration(brief.duration_s),
    )


def check_language(language: str) -> str:
    """A normalised language code a script can be written in ("es", "en-US"), else InputError."""
    match = _LANGUAGE_CODE.match((language or "").strip())
    if not match or match.group(1).lower() not in LANGUAGES:
        raise InputError("brief.unknown_language", language=language, choices=", ".join(LANGUAGES))
    region = match.group(2)
    return match.group(1).lower() + (f"-{region.upper()}" if region else "")


def finish_translation(raw: str, language: str, *, model: str, usage: Usage | None,
                       provider: str = "") -> Script:  # fmt: skip
    """A Script from a translation reply: cleaned like any script, never cut to a budget."""
    text = clean_script(raw)
    if not text.strip():
        raise ProviderError("openai.no_text", model=model, provider=provider)
    return Script(
        text=text,
        words=count_words(text),
        estimated_s=estimate_seconds(text, language),
        model=model,
        language=language,
        usage=usage,
    )


def budget_for(brief: Brief) -> int:
    return word_budget(brief.duration_s, brief.language)


def finish_script(
    raw: str,
    brief: Brief,
    *,
    model: str,
    usage: Usage | None,
    complete: bool = True,
    provider: str = "",
) -> Script:
    """A Script from a model's raw reply: cleaned, cut to the budget, timed.

    ``complete=False`` means the model was stopped (token limit, or we stopped reading a
    runaway reply), so a trailing half sentence is dropped and the script marked cut.
    """
    text = clean_script(raw)
    cut = False
    if not complete:
        text, cut = drop_unfinished(text)
    budget = budget_for(brief)
    text, over = fit_to_budget(text, word_limit(budget))
    if not text.strip():
        raise ProviderError("openai.no_text", model=model, provider=provider)
    return Script(
        text=text,
        words=count_words(text),
        estimated_s=estimate_seconds(text, brief.language),
        model=model,
        language=brief.language,
        budget_words=budget,
        usage=usage,
        truncated=cut or over,
    )
