"""Helpers shared by the CLI commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from core.errors import InputError
from core.messages import Msg


def emit_json(data: Any, out: TextIO | None = None) -> None:
    out = out or sys.stdout  # looked up now: tests and callers may have replaced it
    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    out.flush()


def read_text_arg(text: str | None, text_file: str | None) -> str:
    """The script from --text or --text-file (``-`` reads standard input)."""
    if text_file is None:
        return text or ""
    if text_file == "-":
        return sys.stdin.read()
    path = Path(text_file).expanduser()
    if not path.is_file():
        raise InputError("file.text_missing", path=text_file)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError("file.text_not_utf8", path=text_file) from None


class StderrProgress:
    """Progress on stderr, one updating line, only when stderr is a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()

    def __call__(self, stage: str, fraction: float, message: str | Msg = "") -> None:
        if self.enabled:
            text = message.render() if isinstance(message, Msg) else message
            sys.stderr.write(f"\r\033[K{stage:<10} {fraction * 100:5.1f}%  {text[:60]}")
            if stage == "done":
                sys.stderr.write("\n")
            sys.stderr.flush()
