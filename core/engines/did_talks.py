"""D-ID's talk resource: the create body, a checked poll answer, the lookup by user_data.

Kept apart from the engine's orchestration (did.py) so each piece of the contract — what
we send, what we accept back, how we find a talk again — reads on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.engines.base import RenderPlan
from core.engines.did_http import PROVIDER, DidHttp, require
from core.errors import RenderRejected
from core.messages import msg

VOICE_PROVIDER = "microsoft"
RESULT_FORMAT = "mp4"
TALK_PAGE, MAX_TALK_PAGES = 100, 20  # the never-pay-twice lookup reads at most 2000 talks
PENDING = frozenset({"created", "started"})
FAILED = frozenset({"error", "rejected"})


@dataclass(frozen=True)
class TalkState:
    """What one ``GET /talks/{id}`` said, checked. ``str`` is safe to log (no signed URL)."""

    id: str
    status: str
    result_url: str | None = None
    error_kind: str = ""
    error_description: str = ""

    def __str__(self) -> str:
        return f"status {self.status}"

    @classmethod
    def parse(cls, talk_id: str, data: Any) -> TalkState:
        where = f"GET /talks/{talk_id}"
        status = require(data, "status", str, where)
        if status == "done":
            url = require(data, "result_url", str, where)
            return cls(talk_id, status, result_url=url)
        error = data.get("error") if isinstance(data.get("error"), dict) else {}
        return cls(
            talk_id,
            status,
            error_kind=str(error.get("kind") or ""),
            error_description=str(error.get("description") or data.get("description") or ""),
        )


def talk_body(
    plan: RenderPlan, source_url: str, user_data: str, audio_url: str | None = None
) -> dict[str, Any]:
    """The ``POST /talks`` body: text script with a microsoft voice — or, for the person's
    own narration, an audio script (``audio_url`` from ``POST /audios``) — our presenter, mp4."""
    r = plan.request
    provider: dict[str, Any] = {"type": VOICE_PROVIDER, "voice_id": plan.voice.id}
    if r.rate != 1.0:
        provider["voice_config"] = {"rate": f"{r.rate:g}"}
    name = (r.title or " ".join(r.text.split()[:8]) or plan.voice.name)[:100]
    script: dict[str, Any] = {"type": "text", "input": r.text, "provider": provider}
    if audio_url is not None:
        script = {"type": "audio", "audio_url": audio_url}
    return {
        "source_url": source_url,
        "script": script,
        "config": {"result_format": RESULT_FORMAT},
        "name": name,
        "user_data": user_data,
    }


def find_talk(http: DidHttp, user_data: str) -> str | None:
    """A live talk (not failed) carrying ``user_data``, from ``GET /talks`` pages."""
    token: str | None = None
    for _ in range(MAX_TALK_PAGES):
        params: dict[str, Any] = {"limit": TALK_PAGE}
        if token:
            params["token"] = token
        data = http.call("GET", "/talks", params=params)
        talks = require(data, "talks", list, "GET /talks")
        for talk in talks:
            if (
                isinstance(talk, dict)
                and talk.get("user_data") == user_data
                and talk.get("status") not in FAILED
                and isinstance(talk.get("id"), str)
            ):
                return talk["id"]
        token = data.get("token") if isinstance(data.get("token"), str) else None
        if not token or not talks:
            return None
    return None


def rejected(state: TalkState) -> RenderRejected:
    """A failed talk as exit 4, with D-ID's own kind and description."""
    said = ": ".join(p for p in (state.error_kind, state.error_description) if p)
    return RenderRejected(
        "did.rejected" if state.status == "rejected" else "did.failed",
        talk=state.id, status=state.status, said=said or msg("did.no_reason"), provider=PROVIDER,
    )  # fmt: skip
