"""A small OpenAI-compatible server on 127.0.0.1 for tests: scripted replies, recorded requests.

Why a real server and not a mock transport: openai 3.x sends through httpx2, which respx
cannot intercept, and a subprocess (``python -m core script``) can only be reached over
a socket anyway. The server speaks just enough of ``POST /v1/chat/completions``:
streamed (SSE, with a final usage chunk when ``stream_options.include_usage``) and not,
plus scripted failures — 401, 429 with Retry-After, 429 ``insufficient_quota``, a
server that rejects ``stream_options``, and slow answers for timeouts.

    with FakeOpenAI() as fake:
        fake.reply(Reply.rate_limited(retry_after="0"), Reply.ok("Hola."))
        ... base_url=fake.base_url ...
        assert len(fake.requests) == 2
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.local_server import LocalServer


@dataclass
class Reply:
    """One scripted answer. ``status`` 200 answers with ``text``; others with ``error``."""

    status: int = 200
    text: str = ""
    error: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # before the headers are sent (a slow server)
    chunk_delay_s: float = 0.0  # between streamed chunks
    finish_reason: str = "stop"
    usage: tuple[int, int] = (42, 0)  # prompt tokens, completion tokens (0: one per word)
    reject_stream_options: bool = False  # refused (stream_options_status) if it has stream_options
    stream_options_status: int = 400
    ignore_stream_options: bool = False  # never send the usage chunk

    @classmethod
    def ok(cls, text: str, **kwargs: Any) -> Reply:
        return cls(text=text, **kwargs)

    @classmethod
    def unauthorized(cls) -> Reply:
        return cls(
            status=401,
            error={
                "message": "Incorrect API key provided: sk-test-****0000.",
                "type": "invalid_request_error",
                "code": "invalid_api_key",
            },
        )

    @classmethod
    def rate_limited(cls, retry_after: str = "0", header: str = "retry-after") -> Reply:
        return cls(
            status=429,
            headers={header: retry_after},
            error={
                "message": "Rate limit reached for requests",
                "type": "requests",
                "code": "rate_limit_exceeded",
            },
        )

    @classmethod
    def insufficient_quota(cls) -> Reply:
        # What OpenAI sends when the account has no credit: a 429, told apart by the body.
        return cls(
            status=429,
            error={
                "message": "You exceeded your current quota, please check your plan and "
                "billing details.",
                "type": "insufficient_quota",
                "param": None,
                "code": "insufficient_quota",
            },
        )

    @classmethod
    def server_error(cls, status: int = 500) -> Reply:
        return cls(
            status=status, error={"message": "The server had an error", "type": "server_error"}
        )

    @classmethod
    def not_found(cls, model: str = "nope") -> Reply:
        return cls(
            status=404,
            error={"message": f"The model `{model}` does not exist", "code": "model_not_found"},
        )

    @classmethod
    def slow(cls, delay_s: float, text: str = "Too late.") -> Reply:
        return cls(text=text, delay_s=delay_s)


@dataclass
class Request:
    """What the fake saw: path, headers (lower-case names) and the JSON body."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float


class FakeOpenAI(LocalServer[Reply]):
    """The server. Replies are used in order; when none is left, ``default`` answers."""

    def __init__(self, default: Reply | None = None) -> None:
        self.default = default or Reply.ok("Hola. Este es un guion de prueba.")
        self.requests: list[Request] = []
        super().__init__()

    def _default_reply(self) -> Reply:
        return self.default

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                with fake._lock:
                    fake.requests.append(
                        Request(
                            path=self.path,
                            headers={k.lower(): v for k, v in self.headers.items()},
                            body=body,
                            at=time.monotonic(),
                        )
                    )
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._json(404, {"error": {"message": f"No route {self.path}"}})
                    return
                reply = fake._next()
                if reply.delay_s and fake._stopping.wait(reply.delay_s):
                    return
                # The client may have given up already (a timeout test).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._answer(reply, body)

            def _answer(self, reply: Reply, body: dict[str, Any]) -> None:
                if reply.reject_stream_options and "stream_options" in body:
                    self._json(
                        reply.stream_options_status,
                        {"error": {"message": "Unrecognized request argument: stream_options"}},
                    )
                    return
                if reply.status != 200:
                    self._json(reply.status, {"error": reply.error or {}}, reply.headers)
                    return
                model = str(body.get("model", "fake-model"))
                prompt_tokens, completion_tokens = reply.usage
                usage = {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens or len(reply.text.split()),
                }
                usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
                if body.get("stream"):
                    include = bool((body.get("stream_options") or {}).get("include_usage"))
                    self._stream(
                        reply, model, usage if include and not reply.ignore_stream_options else None
                    )
                    return
                self._json(
                    200,
                    {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": model,
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": reply.text},
                                "finish_reason": reply.finish_reason,
                            }
                        ],
                        "usage": usage,
                    },
                    reply.headers,
                )

            def _stream(self, reply: Reply, model: str, usage: dict[str, int] | None) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("cache-control", "no-cache")
                self.send_header("connection", "close")
                self.end_headers()
                base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": model}
                base["created"] = int(time.time())
                pieces = [w + " " for w in reply.text.split(" ")]
                if pieces:
                    pieces[-1] = pieces[-1][:-1]
                first = {"role": "assistant", "content": ""}
                self._event(
                    {**base, "choices": [{"index": 0, "delta": first, "finish_reason": None}]}
                )
                for piece in pieces:
                    if reply.chunk_delay_s and fake._stopping.wait(reply.chunk_delay_s):
                        return
                    delta = {"content": piece}
                    self._event(
                        {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
                    )
                end = {"index": 0, "delta": {}, "finish_reason": reply.finish_reason}
                self._event({**base, "choices": [end]})
                if usage is not None:
                    self._event({**base, "choices": [], "usage": usage})
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

            def _event(self, data: dict[str, Any]) -> None:
                self.wfile.write(f"data: {json.dumps(data)}\n\n".encode())
                self.wfile.flush()

            def _json(
                self, status: int, data: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                payload = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.send_header("x-request-id", f"req_fake_{len(fake.requests)}")
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
                self.wfile.flush()

        return Handler
