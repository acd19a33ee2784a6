"""ScriptWriter implementations: a brief in, speakable text out (see ``base``).

Importing this package loads no SDK; ``create_writer`` imports a writer when it is used.
"""

from core.writers.base import (
    WRITERS,
    ScriptStream,
    ScriptWriter,
    check_brief,
    create_writer,
)

__all__ = ["WRITERS", "ScriptStream", "ScriptWriter", "check_brief", "create_writer"]
