"""What errors say, in every interface language: a message id + parameters → a sentence.

An error (core.errors) carries a message id such as ``"script.too_long"`` and the values
its sentence needs (``chars=6120, limit=5000``). The English and Spanish sentences live
here, one module per area (``script``, ``voice``, ``photo``…), next to each other; the CLI
renders English, the pages render the interface language. Add a new message to the area's
``MESSAGES`` table with both languages; tests/test_messages.py fails when one is missing,
when the placeholders differ, or when code raises an id that is not here.

A parameter may itself be a :class:`Msg` (a translatable piece, e.g. "the video" /
"el vídeo"); it is rendered in the same language. Floats are written with a decimal comma
in Spanish. Nothing happens at import time beyond building the table.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.messages import (
    api,
    audio,
    config,
    db,
    did,
    jobs,
    library,
    look,
    openai,
    photo,
    script,
    storage,
    voice,
)

LANGS = ("en", "es")
DEFAULT = "en"
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")

Table = Mapping[str, Mapping[str, str]]


def _merge(*tables: Table) -> dict[str, Mapping[str, str]]:
    merged: dict[str, Mapping[str, str]] = {}
    for table in tables:
        for key, entry in table.items():
            if key in merged:
                raise ValueError(f"message id {key!r} is defined twice")
            merged[key] = entry
    return merged


MESSAGES: dict[str, Mapping[str, str]] = _merge(
    api.MESSAGES,
    audio.MESSAGES,
    config.MESSAGES,
    db.MESSAGES,
    did.MESSAGES,
    jobs.MESSAGES,
    library.MESSAGES,
    look.MESSAGES,
    openai.MESSAGES,
    photo.MESSAGES,
    script.MESSAGES,
    storage.MESSAGES,
    voice.MESSAGES,
)


def known(message_id: object) -> bool:
    return isinstance(message_id, str) and message_id in MESSAGES


def placeholders(text: str) -> set[str]:
    """The parameter names a sentence uses (``{limit}``, ``{size:.1f}`` → limit, size)."""
    names = set()
    for _, name, _, _ in string.Formatter().parse(text):
        if name:
            names.add(re.split(r"[.\[]", name, maxsplit=1)[0])
    return names


class _Formatter(string.Formatter):
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Msg):
            return format(value.render(self.lang), format_spec)
        text = super().format_field(value, format_spec)
        if self.lang == "es" and isinstance(value, float):
            text = text.replace(".", ",")
        return text


def render(message_id: str, lang: str = DEFAULT, /, **params: Any) -> str:
    """The sentence for ``message_id`` in ``lang`` (English when that language lacks it)."""
    entry = MESSAGES[message_id]
    text = entry.get(lang) or entry[DEFAULT]
    try:
        return _Formatter(lang).format(text, **params)
    except (KeyError, IndexError, ValueError):
        if lang == DEFAULT:
            raise
        return render(message_id, DEFAULT, **params)


@dataclass(frozen=True)
class Msg:
    """A message id with its parameters, rendered later in whichever language is asked."""

    id: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str = DEFAULT) -> str:
        return render(self.id, lang, **self.params)

    def map_text(self, fn: Callable[[str], str]) -> Msg:
        """The same message with ``fn`` applied to every text parameter (e.g. redaction)."""
        return Msg(self.id, {k: _map(v, fn) for k, v in self.params.items()})

    def to_data(self) -> dict[str, Any]:
        """Plain JSON-able data (for the jobs table); ``from_data`` reads it back."""
        return {"id": self.id, "params": {k: _to_data(v) for k, v in self.params.items()}}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Msg:
        params = {k: _from_data(v) for k, v in dict(data.get("params") or {}).items()}
        return cls(str(data["id"]), params)


def msg(message_id: str, /, **params: Any) -> Msg:
    return Msg(message_id, params)


def _map(value: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, Msg):
        return value.map_text(fn)
    return value


def _to_data(value: Any) -> Any:
    if isinstance(value, Msg):
        return {"$msg": value.to_data()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _from_data(value: Any) -> Any:
    if isinstance(value, dict) and "$msg" in value:
        return Msg.from_data(value["$msg"])
    return value


__all__ = ["LANGS", "MESSAGES", "Msg", "known", "msg", "placeholders", "render"]
