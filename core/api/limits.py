"""The request body limit (API_MAX_BODY_MB; uploads have their own, larger one), as ASGI
middleware: a declared Content-Length over the limit is refused before reading; a chunked
body is counted as it arrives."""

from __future__ import annotations

from typing import Any

from core.api.errors import error_response
from core.messages import msg


class _TooLarge(Exception):
    pass


class BodyLimit:
    def __init__(self, app: Any, max_bytes: int, paths: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.paths = dict(paths or {})  # exact paths with a limit of their own

    @staticmethod
    def _refusal(limit: int) -> Any:
        text = msg("api.body_too_large", limit_mb=limit / 1_048_576).render()
        return error_response(413, "payload_too_large", text, code="api.body_too_large")

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.paths.get(str(scope.get("path", "")).rstrip("/"), self.max_bytes)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await self._refusal(limit)(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted_receive() -> dict:
            nonlocal seen
            message = await receive()
            if message.get("type") == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        async def watched_send(message: dict) -> None:
            nonlocal started
            if message.get("type") == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except _TooLarge:
            if not started:
                await self._refusal(limit)(scope, receive, send)
