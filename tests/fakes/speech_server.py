"""A small OpenAI-compatible speech server on 127.0.0.1 for tests: ``POST /v1/audio/speech``
answers with real audio (the text spoken by an offline espeak-ng voice, as WAV), plus
scripted faults — 401, 429 with Retry-After, 429 ``insufficient_quota``, 500, a slow
answer, and a truncated body (the connection closes before Content-Length bytes).

``GET /v1/audio/voices`` lists voices the way Kokoro-FastAPI does when ``voices`` is given.

    with FakeSpeech() as fake:
        fake.reply(Speak.rate_limited("0"), Speak.ok())
        settings = Settings(tts_base_url=fake.base_url, ...)
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from core.engines.local import speech
from tests.fakes.local_server import LocalServer
from tests.narration_samples import to_wav

# Which offline voice speaks for a requested voice name (anything else: Spanish f3).
VOICE_MAP = {"nova": "espeak:es:f3", "onyx": "espeak:es:m3", "ef_dora": "espeak:es-419:f1"}


@dataclass
class Speak:
    status: int = 200
    error: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    truncate: bool = False  # send half the body, then close
    garbage: bool = False  # 200 with bytes that are not audio

    @classmethod
    def ok(cls) -> Speak:
        return cls()

    @classmethod
    def unauthorized(cls) -> Speak:
        return cls(401, {"message": "Incorrect API key provided: sk-fake-****0000.",
                         "type": "invalid_request_error", "code": "invalid_api_key"})  # fmt: skip

    @classmethod
    def rate_limited(cls, retry_after: str = "0") -> Speak:
        return cls(429, {"message": "Rate limit reached", "code": "rate_limit_exceeded"},
                   {"retry-after": retry_after})  # fmt: skip

    @classmethod
    def insufficient_quota(cls) -> Speak:
        return cls(429, {"message": "You exceeded your current quota.",
                         "type": "insufficient_quota", "code": "insufficient_quota"})  # fmt: skip

    @classmethod
    def server_error(cls) -> Speak:
        return cls(500, {"message": "The server had an error", "type": "server_error"})

    @classmethod
    def slow(cls, delay_s: float) -> Speak:
        return cls(delay_s=delay_s)

    @classmethod
    def truncated(cls) -> Speak:
        return cls(truncate=True)


class FakeSpeech(LocalServer[Speak]):
    def __init__(self, voices: list[str] | None = None) -> None:
        self.voices = voices
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        super().__init__()

    def _default_reply(self) -> Speak:
        return Speak.ok()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/audio/voices" and fake.voices is not None:
                    self._send(
                        200, json.dumps({"voices": fake.voices}).encode(), "application/json"
                    )
                else:
                    self._send(404, b'{"error": {"message": "no route"}}', "application/json")

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake._lock:
                    fake.requests.append(body)
                    fake.headers.append({k.lower(): v for k, v in self.headers.items()})
                if self.path.rstrip("/") != "/v1/audio/speech":
                    self._send(404, b'{"error": {"message": "no route"}}', "application/json")
                    return
                reply = fake._next()
                if reply.delay_s and fake._stopping.wait(reply.delay_s):
                    return
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    if reply.status != 200:
                        data = json.dumps({"error": reply.error or {}}).encode()
                        self._send(reply.status, data, "application/json", reply.headers)
                        return
                    if fake.voices is not None and body.get("voice") not in fake.voices:
                        error = {"error": {"message": f"Voice {body.get('voice')} not found"}}
                        self._send(400, json.dumps(error).encode(), "application/json")
                        return
                    if reply.garbage:
                        self._send(200, b"not audio at all" * 20, "audio/wav")
                        return
                    voice = VOICE_MAP.get(str(body.get("voice")), "espeak:es:f3")
                    spoken = speech.synthesize(voice, str(body.get("input", "")))
                    wav = to_wav(spoken.audio, spoken.sample_rate)
                    if reply.truncate:
                        self.send_response(200)
                        self.send_header("content-type", "audio/wav")
                        self.send_header("content-length", str(len(wav)))
                        self.end_headers()
                        self.wfile.write(wav[: len(wav) // 2])
                        self.wfile.flush()
                        self.close_connection = True
                        return
                    self._send(200, wav, "audio/wav")

            def _send(
                self, status: int, data: bytes, ctype: str, headers: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        return Handler
