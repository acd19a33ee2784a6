"""The scaffold every fake HTTP server here shares: a threaded server on a free loopback
port, a queue of scripted replies (the default when empty), start/stop and a context manager.
Subclasses provide ``_handler()`` (the request handler class) and ``_default_reply()``."""

from __future__ import annotations

import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Generic, Self, TypeVar

R = TypeVar("R")


class LocalServer(Generic[R]):
    def __init__(self) -> None:
        self._replies: deque[R] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def reply(self, *replies: R) -> Self:
        with self._lock:
            self._replies.extend(replies)
        return self

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _next(self) -> R:
        with self._lock:
            return self._replies.popleft() if self._replies else self._default_reply()

    def _default_reply(self) -> R:
        raise NotImplementedError

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError
