"""The one way secrets are masked: in messages (``mask``) and in every log line (``protect_logs``).

``mask(text, secrets)`` is what Settings.redact, the D-ID client and the log hook all use.

``protect_logs(settings.secrets)`` (called by the app when it opens a runtime) installs,
once per process, a log-record factory that masks every registered secret in the message,
its arguments and the formatted traceback, before any handler or formatter sees the
record. Handler filters would miss loggers that propagate to handlers added later (or to
Python's last-resort handler); a factory sees every record at birth.

Nothing happens at import time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

MASK = "***"
_lock = threading.Lock()
_secrets: set[str] = set()
_installed = False


def mask(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every one of ``secrets`` replaced by ``***``."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):  # longer first
        text = text.replace(secret, MASK)
    return text


def redact(text: str) -> str:
    """``text`` without any secret registered by ``protect_logs``."""
    with _lock:
        secrets = tuple(_secrets)
    return mask(text, secrets)


def _scrub(record: logging.LogRecord) -> logging.LogRecord:
    if not _secrets:
        return record
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep what there is, without the arguments
        message = str(record.msg)
    record.msg, record.args = redact(message), ()
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        record.exc_info = None  # formatters print exc_text, now masked
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


def protect_logs(secrets: Iterable[str]) -> None:
    """Mask ``secrets`` in every log record from now on (process-wide, idempotent)."""
    global _installed
    with _lock:
        _secrets.update(s for s in secrets if s)
        if _installed:
            return
        _installed = True
        make = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _scrub(make(*args, **kwargs))

    logging.setLogRecordFactory(factory)
