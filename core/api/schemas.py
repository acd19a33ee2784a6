"""The HTTP API's request and response bodies (pydantic), as /openapi.json shows them.

The video request mirrors ``core.models.RenderRequest``: the fields every render has are
written out here; any other field RenderRequest gains (look options, narration…) is taken
over generically by ``_render_fields`` with its type and default, so the API accepts what
the pipeline accepts without an edit here.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from core.models import RenderRequest
from core.usecases import ENGINE_IDS, STATUSES
from core.usecases.uploads import KINDS

Engine = Literal[ENGINE_IDS]  # type: ignore[valid-type]
Status = Literal[STATUSES]  # type: ignore[valid-type]
UploadKind = Literal[KINDS]  # type: ignore[valid-type]
UploadId = Annotated[str, Field(min_length=1, max_length=80)]
MEDIA_FILES = {
    "video.mp4": "video/mp4",
    "subtitles.vtt": "text/vtt",
    "subtitles.srt": "application/x-subrip",
    "thumbnail.jpg": "image/jpeg",
}
# RenderRequest fields the API writes out itself (or never lets a client set).
_OWN = {"text", "language", "voice_id", "avatar", "size", "rate", "pitch", "title", "use_cache",
        "job_id"}  # fmt: skip
# Fields that name a file on the server: a caller must never make the server read its files;
# the API takes them as uploads instead (the *_upload_id fields, /v1/uploads).
SERVER_PATHS = {"audio", "look.slides", "look.music"}
NAME_ONLY = {"look.background"}  # a theme id or "blur" here (an image path only in the app)


class ErrorBody(BaseModel):
    type: str = Field(description="A stable word for the kind of error, e.g. invalid_request")
    message: str = Field(description="What went wrong and what to do, in English")
    param: str | None = Field(None, description="The request field at fault, if one is")
    code: str | None = Field(None, description="The message id, stable across versions")


class ErrorResponse(BaseModel):
    error: ErrorBody


class ScriptBrief(BaseModel):
    model_config = ConfigDict(extra="forbid")
    prompt: str = Field(description="What the video is about", min_length=1, max_length=4000)
    language: str = Field("es", description="Language of the script: es, en, es-419…")
    tone: str = Field("informative", description="informative | friendly | formal | enthusiastic")
    audience: str = Field("", description="Who is watching (optional)", max_length=400)
    duration_s: float = Field(30.0, ge=10, le=300, description="Target speaking time")


def _default(f: dataclasses.Field) -> Any:  # type: ignore[type-arg]
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
        return f.default_factory()  # type: ignore[misc]
    return None


def _api_model(cls: type, prefix: str) -> type[BaseModel]:
    """A request model for a nested option dataclass (e.g. Look), without server paths."""
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        dotted = prefix + f.name
        if dotted in SERVER_PATHS:
            continue
        kind = hints.get(f.name, Any)
        if dotted in NAME_ONLY:
            fields[f.name] = (str, Field(_default(f), pattern=r"^[A-Za-z0-9_-]{0,40}$"))
        elif dataclasses.is_dataclass(kind):
            fields[f.name] = (_api_model(kind, dotted + "."), Field(default_factory=dict))
        else:
            fields[f.name] = (kind, Field(_default(f)))
    return create_model(cls.__name__, __config__=ConfigDict(extra="forbid"), **fields)


def _render_fields() -> dict[str, Any]:
    """Fields RenderRequest has beyond the written-out ones, with their types and defaults."""
    hints = typing.get_type_hints(RenderRequest)
    extra: dict[str, Any] = {}
    for f in dataclasses.fields(RenderRequest):
        if f.name in _OWN or f.name in SERVER_PATHS or f.name.startswith("_"):
            continue
        kind = hints.get(f.name, Any)
        if dataclasses.is_dataclass(kind):  # e.g. the look: its own model, defaults filled in
            model = _api_model(kind, f.name + ".")  # type: ignore[arg-type]
            extra[f.name] = (model, Field(default_factory=model))
        else:
            extra[f.name] = (kind, Field(_default(f)))
    return extra


class _VideoCreateBase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(None, description="The script to speak (or give 'script')",
                             max_length=40_000)  # fmt: skip
    script: ScriptBrief | None = Field(None, description="A brief: a script is written first")
    language: str = Field("es", max_length=35, description="Language code: es, en, es-419…")
    voice: str | None = Field(None, max_length=200, description="A voice id from /v1/voices")
    avatar: str | None = Field(
        None, max_length=200, description="A presenter id from /v1/avatars (built-in or photo)"
    )
    engine: Engine = "local"  # type: ignore[valid-type]
    size: int | None = Field(
        None, ge=256, le=1080, description="A square video of this many pixels (overrides look)"
    )
    rate: float = Field(1.0, ge=0.5, le=2.0, description="Speaking rate")
    pitch: float = Field(1.0, ge=0.5, le=2.0, description="Voice pitch (offline engine)")
    title: str = Field("", max_length=200)
    use_cache: bool = Field(True, description="Reuse an identical video already made")
    webhook_url: str | None = Field(
        None, max_length=2000, description="https URL told when the video succeeds or fails"
    )
    slides_upload_ids: list[UploadId] | None = Field(
        None, max_length=60, description="Slides: one PDF, or one picture per scene (scenes "
        "are separated by a line '---' in the text); uploads of kind 'slides'",
    )  # fmt: skip
    background_upload_id: UploadId | None = Field(
        None, description="A background picture (an upload of kind 'image'); instead of "
        "look.background",
    )  # fmt: skip
    music_upload_id: UploadId | None = Field(
        None, description="Music under the voice (an upload of kind 'music')"
    )
    narration_upload_id: UploadId | None = Field(
        None, description="Your own narration (an upload of kind 'narration'), spoken instead "
        "of a voice; 'text' is then optional (it gives the subtitles)",
    )  # fmt: skip


VideoCreate = create_model(  # type: ignore[call-overload]
    "VideoCreate", __base__=_VideoCreateBase, **_render_fields()
)


class Progress(BaseModel):
    stage: str
    fraction: float
    message: str


class VideoError(BaseModel):
    type: str
    message: str
    code: str | None = None


class Links(BaseModel):
    video: str
    subtitles_vtt: str
    subtitles_srt: str
    thumbnail: str


class Video(BaseModel):
    id: str
    object: Literal["video"] = "video"
    status: Status  # type: ignore[valid-type]
    created_at: float
    updated_at: float
    title: str
    engine: str
    language: str
    voice: str | None
    avatar: str | None
    progress: Progress
    error: VideoError | None = None
    duration_s: float | None = None
    links: Links | None = None
    webhook_url: str | None = None


class VideoList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Video]
    total: int
    limit: int
    offset: int
    has_more: bool


class Deleted(BaseModel):
    id: str
    deleted: bool
    status: str = Field(description="cancelled/removed, or still running (ask again)")


class Delivery(BaseModel):
    id: str
    event: str
    url: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: float | None
    last_status_code: int | None
    last_error: str
    created_at: float


class DeliveryList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Delivery]


class VoiceOut(BaseModel):
    id: str
    name: str
    language: str
    gender: str
    engine: str


class VoiceList(BaseModel):
    object: Literal["list"] = "list"
    data: list[VoiceOut]


class AvatarOut(BaseModel):
    id: str
    name: str
    kind: Literal["illustrated", "photo"]


class AvatarList(BaseModel):
    object: Literal["list"] = "list"
    data: list[AvatarOut]


class ScriptOut(BaseModel):
    script: str
    words: int
    estimated_s: float
    model: str
    cached: bool
    truncated: bool


class UploadOut(BaseModel):
    id: str
    object: Literal["upload"] = "upload"
    kind: UploadKind  # type: ignore[valid-type]
    name: str
    bytes: int
    sha256: str
    created_at: float
    pages: int | None = Field(None, description="Slides: the PDF's pages")
    duration_s: float | None = Field(None, description="Music, narration: seconds")
    width: int | None = Field(None, description="Pictures: pixels")
    height: int | None = None


class UploadList(BaseModel):
    object: Literal["list"] = "list"
    data: list[UploadOut]
    total: int
    limit: int
    offset: int
    has_more: bool
