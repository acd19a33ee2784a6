"""Secrets out of every log line the process writes, whatever handler prints it.

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


def redact(text: str) -> str:
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)  # a longer secret first
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


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
