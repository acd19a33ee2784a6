"""The webhook dispatcher of the API process: a thread that turns finished jobs into
deliveries and sends the ones that are due (core.usecases.webhooks keeps the schedule in
the database, so deliveries survive restarts)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import requests

from core.usecases import Parlante
from core.usecases.webhooks import Sender

log = logging.getLogger("core.api.webhooks")
TIMEOUT_S = (5.0, 10.0)  # connect, read


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """Send one delivery; the receiver's status code. Redirects are not followed."""
    response = requests.post(
        url, data=body, headers=headers, timeout=TIMEOUT_S, allow_redirects=False
    )
    response.close()
    return response.status_code


class Dispatcher:
    def __init__(
        self,
        app: Parlante,
        describe: Callable[..., dict],
        send: Sender = post,
        every_s: float = 1.0,
    ) -> None:
        self.app = app
        self.describe = describe
        self.send = send
        self.every_s = every_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        """Collect finished jobs' events and send what is due; returns deliveries attempted."""
        self.app.webhooks.collect(lambda job: self.describe(self.app, job))
        return self.app.webhooks.send_due(self.send)

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                self.run_once()
            except Exception:
                log.exception("webhook dispatcher failed; trying again")

    def start(self) -> Dispatcher:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="parlante-webhooks", daemon=True
            )
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
