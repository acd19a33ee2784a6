"""A small fake of D-ID's Talks API on 127.0.0.1, with faults you can inject.

It speaks the subset Parlante uses (POST /images with detect_faces, POST
/images/face-detection, POST/GET /talks, GET /talks/{id}, GET /tts/voices, GET /credits)
plus a "storage" host path serving the result MP4 behind pre-signed-looking links. The
MP4 is a real one, made with PyAV at start-up, so the engine decodes it for duration,
subtitles and thumbnail exactly as it would D-ID's.

Faults are rules consumed in order: ``add_fault("429", times=3, match="POST /talks")``.
Kinds: "429" (with Retry-After), "5xx", "504-created" (a create that stores the talk and
then answers 504), "malformed" (200 with a body that is not JSON), "missing-id" (a create
answer without ``id``, talk still created). Talk outcomes and render times are set per
server (``outcome``, ``render_s``) or per talk. Everything is counted for assertions.
"""

from __future__ import annotations

import io
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import av
import numpy as np

VOICES = [
    ("es-EC-AndreaNeural", "Andrea", "Female", "es-EC", "Spanish (Ecuador)"),
    ("es-EC-LuisNeural", "Luis", "Male", "es-EC", "Spanish (Ecuador)"),
    ("es-MX-DaliaNeural", "Dalia", "Female", "es-MX", "Spanish (Mexico)"),
    ("es-ES-AlvaroNeural", "Alvaro", "Male", "es-ES", "Spanish (Spain)"),
    ("es-ES-ElviraNeural", "Elvira", "Female", "es-ES", "Spanish (Spain)"),
    ("en-US-JennyNeural", "Jenny", "Female", "en-US", "English (United States)"),
    ("en-US-GuyNeural", "Guy", "Male", "en-US", "English (United States)"),
    ("en-GB-SoniaNeural", "Sonia", "Female", "en-GB", "English (United Kingdom)"),
    ("fr-FR-HenriNeural", "Henri", "Male", "fr-FR", "French (France)"),
]
FAILURES = {
    "error": {"kind": "FaceError", "description": "Face not detected in the source image"},
    "rejected": {"kind": "ContentModeration", "description": "The image was flagged"},
}


def make_mp4(seconds: float = 2.0, size: int = 96, fps: int = 25) -> bytes:
    """A real H.264 MP4 of a moving gradient, ``seconds`` long."""
    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        ramp = np.linspace(0, 255, size, dtype=np.float32)
        rows = np.broadcast_to(ramp[:, None], (size, size))
        for i in range(round(seconds * fps)):
            shade = np.broadcast_to((ramp[None, :] + i * 7) % 256, (size, size))
            rgb = np.stack([shade, rows, 255 - shade], -1)
            frame = av.VideoFrame.from_ndarray(rgb.astype(np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buf.getvalue()


@dataclass
class Fault:
    kind: str
    times: int
    match: str = ""  # substring of "METHOD /path"; "" matches every API call


@dataclass
class Talk:
    id: str
    user_data: str | None
    body: dict[str, Any]
    created: float
    render_s: float
    outcome: str
    polls: int = 0
    done_seen_at: float | None = None  # when a poll first reported the final status

    def status(self, now: float) -> str:
        if now >= self.created + self.render_s:
            return self.outcome
        return "created" if now < self.created + min(0.2, self.render_s / 4) else "started"

    @property
    def finished_at(self) -> float:
        return self.created + self.render_s


@dataclass
class FakeDid:
    key: str
    video_s: float = 2.0
    outcome: str = "done"
    render_s: float = 0.3
    retry_after: str = "1"
    expire_links: int = 0  # the next N storage downloads answer 403 (an expired link)
    faces: int = 1  # how many faces D-ID "finds" in any uploaded image
    upload_reports_faces: bool = True  # False: POST /images ignores detect_faces
    down: bool = False  # True: every API call is refused at the connection (D-ID unreachable)
    faults: list[Fault] = field(default_factory=list)
    talks: dict[str, Talk] = field(default_factory=dict)
    log: list[tuple[str, str, int]] = field(default_factory=list)  # (method, path, status)
    creates: int = 0
    uploads: int = 0
    audio_uploads: list[bytes] = field(default_factory=list)
    face_checks: int = 0
    storage_auth_headers: int = 0
    video: bytes = b""

    def __post_init__(self) -> None:
        self.video = make_mp4(self.video_s)
        self.lock = threading.Lock()
        self.clock = time.monotonic
        self._server: ThreadingHTTPServer | None = None
        self._sig = 0
        self._valid_sigs: set[str] = set()

    # --- control -----------------------------------------------------------------------

    def start(self) -> FakeDid:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeDid:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def add_fault(self, kind: str, times: int = 1, match: str = "") -> None:
        with self.lock:
            self.faults.append(Fault(kind, times, match))

    def count(self, method: str, prefix: str) -> int:
        with self.lock:
            return sum(1 for m, p, _ in self.log if m == method and p.startswith(prefix))

    def polls(self) -> int:
        with self.lock:
            return sum(t.polls for t in self.talks.values())

    def finish_in(self, talk_id: str, seconds: float) -> None:
        with self.lock:
            talk = self.talks[talk_id]
            talk.render_s = self.clock() + seconds - talk.created

    # --- request handling (called from the handler, under no lock) ------------------------

    def take_fault(self, call: str) -> str | None:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and fault.match in call:
                    fault.times -= 1
                    return fault.kind
        return None

    def result_url(self, talk: Talk) -> str:
        with self.lock:
            self._sig += 1
            sig = f"s{self._sig}"
            self._valid_sigs.add(sig)
        return f"{self.url}/storage/{talk.id}.mp4?Signature={sig}"

    def sig_ok(self, sig: str) -> bool:
        with self.lock:
            if self.expire_links > 0:
                self.expire_links -= 1
                self._valid_sigs.discard(sig)
            return sig in self._valid_sigs

    def new_talk(self, body: dict[str, Any]) -> Talk:
        with self.lock:
            self.creates += 1
            talk = Talk(
                id=f"tlk_{self.creates:04d}",
                user_data=body.get("user_data"),
                body=body,
                created=self.clock(),
                render_s=self.render_s,
                outcome=self.outcome,
            )
            self.talks[talk.id] = talk
            return talk

    def talk_json(self, talk: Talk) -> dict[str, Any]:
        now = self.clock()
        status = talk.status(now)
        data: dict[str, Any] = {
            "id": talk.id,
            "object": "talk",
            "status": status,
            "user_data": talk.user_data,
            "source_url": talk.body.get("source_url"),
            "created_at": "2025-01-01T00:00:00.000Z",
        }
        if status == "done":
            data["result_url"] = self.result_url(talk)
            data["duration"] = round(self.video_s)
        elif status in FAILURES:
            data["error"] = FAILURES[status]
        return data


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeDid
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        ctype = "application/json" if not isinstance(body, bytes) else "application/octet-stream"
        self.send_header("Content-Type", (headers or {}).pop("Content-Type", ctype))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(raw)))
        self.send_header("x-request-id", f"req-{id(self):x}-{status}")
        self.end_headers()
        self.wfile.write(raw)
        fake = self.server_fake
        with fake.lock:
            fake.log.append((self.command, urlsplit(self.path).path, status))

    def _handle(self, method: str) -> None:
        fake = self.server_fake
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if fake.down:  # unreachable: drop the connection without an answer
            self.close_connection = True
            self.connection.shutdown(2)
            return None
        if path.startswith("/storage/"):
            return self._storage(path, query)
        auth = self.headers.get("Authorization") or ""
        if not auth.startswith("Basic "):
            return self._send(403, {"message": "Forbidden"})
        if auth != f"Basic {fake.key}":
            return self._send(401, {"kind": "AuthorizationError", "description": "unauthenticated"})
        call = f"{method} {path}"
        fault = fake.take_fault(call)
        if fault == "429":
            return self._send(
                429, {"message": "Too Many Requests"}, {"Retry-After": fake.retry_after}
            )
        if fault == "5xx":
            return self._send(503, {"message": "Service Unavailable"})
        if fault == "malformed":
            return self._send(200, b"{not json", {"Content-Type": "application/json"})
        route = getattr(self, "_" + _route(method, path), None)
        if route is None:
            return self._send(404, {"kind": "NotFoundError", "description": f"no route {call}"})
        return route(path, query, body, fault)

    def _post_images(self, path: str, query: Any, body: bytes, fault: str | None) -> None:
        ctype = self.headers.get("Content-Type") or ""
        if "multipart/form-data" not in ctype or b'name="image"' not in body:
            return self._send(400, {"kind": "BadRequestError", "description": "image missing"})
        fake = self.server_fake
        with fake.lock:
            fake.uploads += 1
            n = fake.uploads
        answer: dict[str, Any] = {"id": f"img_{n}", "url": f"s3://d-id-images/fake/img_{n}.jpg"}
        if b'name="detect_faces"' in body and fake.upload_reports_faces:
            with fake.lock:
                fake.face_checks += 1
            answer["faces"] = [
                {"size": 200, "top_left": [40 + 10 * i, 30], "overlap": "NO",
                 "detect_confidence": 0.99, "face_id": f"face_{n}_{i}"}
                for i in range(fake.faces)
            ]  # fmt: skip
        self._send(201, answer)

    def _post_face_detection(self, path: str, query: Any, body: bytes, fault: str | None) -> None:
        fake = self.server_fake
        try:
            source = json.loads(body)["source_url"]
        except (ValueError, KeyError, TypeError):
            return self._send(400, {"kind": "BadRequestError", "description": "source_url"})
        if not str(source).startswith("s3://d-id-images/"):
            return self._send(400, {"kind": "BadRequestError", "description": "invalid image"})
        with fake.lock:
            fake.face_checks += 1
        crops = [{"left": 0.2, "top": 0.1, "right": 0.8, "bottom": 0.7} for _ in range(fake.faces)]
        self._send(
            200, {"faceCrops": crops, "metadata": {"width": 512, "height": 512, "length": 0}}
        )

    def _post_audios(self, path: str, query: Any, body: bytes, fault: str | None) -> None:
        ctype = self.headers.get("Content-Type") or ""
        if "multipart/form-data" not in ctype or b'name="audio"' not in body:
            return self._send(400, {"kind": "BadRequestError", "description": "audio missing"})
        with self.server_fake.lock:
            self.server_fake.audio_uploads.append(body)
            n = len(self.server_fake.audio_uploads)
        self._send(201, {"id": f"aud_{n}", "url": f"s3://d-id-audios/fake/aud_{n}.wav"})

    def _post_talks(self, path: str, query: Any, body: bytes, fault: str | None) -> None:
        try:
            data = json.loads(body)
            script = data["script"]
            if script.get("type") == "audio":  # the person's own narration
                if not str(script["audio_url"]).startswith(("s3://", "https://")):
                    raise ValueError(script["audio_url"])
                text, voice = "audio", VOICES[0][0]
            else:
                text, voice = script["input"], script["provider"]["voice_id"]
        except (ValueError, KeyError, TypeError):
            return self._send(400, {"kind": "ValidationError", "description": "bad script"})
        if len(text) < 3 or voice not in {v[0] for v in VOICES}:
            return self._send(
                400,
                {
                    "kind": "ValidationError",
                    "description": "invalid script",
                    "details": {"script.provider.voice_id": voice},
                },
            )
        talk = self.server_fake.new_talk(data)
        if fault == "504-created":
            return self._send(504, {"message": "Endpoint request timed out"})
        answer = {"id": talk.id, "object": "talk", "status": "created", "created_by": "u1"}
        if fault == "missing-id":
            answer.pop("id")
        self._send(201, answer)

    def _get_talks(self, path: str, query: Any, body: bytes, fault: str | None) -> None:
        fake = self.server_fake
        limit = int(float(query.get("limit", ["100"])[0]))
        start = int(query.get("token", ["0"])[0])
        with fake.lock:
            talks = sorted(fake.talks.values(), key=lambda t: t.created, reverse=True)
        page = [fake.talk_json(t) for t in talks[start : start + limit]]
        answer: dict[str, Any] = {"talks": page}
        if start + limit < len(talks):
            answer["token"] = str(start + limit)
        self._send(200, answer)

    def _get_talk(self, path: str, query: Any, body: bytes, fault: str | None) -> None:
        fake = self.server_fake
        talk_id = path.rsplit("/", 1)[1]
        with fake.lock:
            talk = fake.talks.get(talk_id)
            if talk is not None:
                talk.polls += 1
        if talk is None:
            return self._send(404, {"kind": "NotFoundError", "description": "talk not found"})
        data = fake.talk_json(talk)
        if data["status"] not in ("created", "started") and talk.done_seen_at is None:
            talk.done_seen_at = fake.clock()
        self._send(200, data)

    def _get_voices(self, path: str, query: Any, body: bytes, fault: str | None) -> None:
        provider = query.get("provider", ["microsoft"])[0]
        voices = [
            {
                "id": vid,
                "name": name,
                "gender": gender,
                "access": "public",
                "provider": "microsoft",
                "languages": [{"language": lang, "locale": locale}],
                "styles": [],
            }
            for vid, name, gender, locale, lang in VOICES
        ]
        voices.append(
            {
                "id": "21m00Tcm4TlvDq8ikWAM",
                "name": "Rachel",
                "gender": "female",
                "access": "public",
                "provider": "elevenlabs",
                "languages": [{"language": "English", "locale": "en-US"}],
                "styles": [],
            }
        )
        self._send(200, [v for v in voices if v["provider"] == provider])

    def _get_credits(self, path: str, query: Any, body: bytes, fault: str | None) -> None:
        grant = {"owner_id": "u1", "remaining": 87, "total": 100, "expire_at": "2031-01-01"}
        self._send(200, {"remaining": 87, "total": 100, "credits": [grant]})

    def _storage(self, path: str, query: dict[str, list[str]]) -> None:
        fake = self.server_fake
        if self.headers.get("Authorization"):
            with fake.lock:
                fake.storage_auth_headers += 1
            return self._send(400, b"<Error><Code>InvalidArgument</Code></Error>")
        sig = query.get("Signature", [""])[0]
        if not fake.sig_ok(sig):
            return self._send(403, b"<Error><Code>AccessDenied</Code></Error>")
        self._send(200, fake.video, {"Content-Type": "video/mp4"})


def _route(method: str, path: str) -> str:
    if method == "POST" and path == "/images":
        return "post_images"
    if method == "POST" and path == "/audios":
        return "post_audios"
    if method == "POST" and path == "/images/face-detection":
        return "post_face_detection"
    if method == "POST" and path == "/talks":
        return "post_talks"
    if method == "GET" and path == "/talks":
        return "get_talks"
    if method == "GET" and path.startswith("/talks/") and path.count("/") == 2:
        return "get_talk"
    if method == "GET" and path == "/tts/voices":
        return "get_voices"
    if method == "GET" and path == "/credits":
        return "get_credits"
    return "none"


def main() -> None:  # pragma: no cover — run by hand: python -m tests.fakes.did_server
    fake = FakeDid(key="fake-did-user:FAKE-did-secret-000000", render_s=5).start()
    print(f"fake D-ID on {fake.url}  (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
