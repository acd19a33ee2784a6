"""Turn a core call that reports text through a callback into an iterator for st.write_stream.

The call runs in a worker thread (it touches no Streamlit API); the page's thread consumes
the pieces as they arrive. The call's error, if any, is raised by the iterator at the end.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
_END = object()
_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$=:")


@dataclass
class Outcome(Generic[T]):
    value: T | None = None


def escape_markdown(text: str) -> str:
    """Show text literally through a Markdown element (each special character escaped)."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def stream_call(
    call: Callable[[Callable[[str], None]], T], escape: bool = True
) -> tuple[Iterator[str], Outcome[T]]:
    """``call(on_delta)`` in a thread; returns (pieces iterator, outcome filled at the end)."""
    pieces: queue.Queue[object] = queue.Queue()
    outcome: Outcome[T] = Outcome()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.value = call(pieces.put)
        except BaseException as err:  # handed to the page's thread below
            failure.append(err)
        finally:
            pieces.put(_END)

    def iterate() -> Iterator[str]:
        worker = threading.Thread(target=run, name="parlante-stream", daemon=True)
        worker.start()
        while (piece := pieces.get()) is not _END:
            text = str(piece)
            yield escape_markdown(text) if escape else text
        worker.join()
        if failure:
            raise failure[0]

    return iterate(), outcome
