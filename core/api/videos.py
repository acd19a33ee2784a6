"""``/v1/videos``: submit a render (idempotently), follow it, list, delete, download files."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import FileResponse, RedirectResponse

from core.api import schemas
from core.api.deps import ERRORS, CallerDep, ParlanteDep
from core.api.errors import ApiError, engine_unavailable, with_param
from core.errors import InputError
from core.models import Brief, RenderRequest
from core.usecases import DONE, FAILED, Caller, Job, Parlante, is_link, request_hash

router = APIRouter(prefix="/v1/videos", tags=["videos"])
_OWN_FIELDS = set(schemas._VideoCreateBase.model_fields)


def describe(app: Parlante, job: Job, base: str = "") -> dict[str, Any]:
    """A job as the API shows it (and as webhooks send it)."""
    request = job.request
    video = app.renders.video(job.user, job) if job.status == DONE else None
    links = None
    if video is not None:
        root = f"{base}/v1/videos/{job.id}"
        links = {
            "video": f"{root}/video.mp4",
            "subtitles_vtt": f"{root}/subtitles.vtt",
            "subtitles_srt": f"{root}/subtitles.srt",
            "thumbnail": f"{root}/thumbnail.jpg",
        }
    error = None
    if job.status == FAILED:
        code = (job.error_data or {}).get("id") or {}
        error = {"type": "render_failed", "message": job.error_text("en") or "failed",
                 "code": code.get("id") if isinstance(code, dict) else None}  # fmt: skip
    return {
        "id": job.id,
        "object": "video",
        "status": job.status,
        "created_at": job.created_at,
        "updated_at": job.updated_at,
        "title": job.title,
        "engine": job.engine,
        "language": request.language,
        "voice": video.voice if video else request.voice_id,
        "avatar": video.avatar if video else request.avatar,
        "progress": {
            "stage": job.stage,
            "fraction": round(max(0.0, min(1.0, job.fraction)), 4),
            "message": job.message_text("en"),
        },
        "error": error,
        "duration_s": round(video.duration_s, 3) if video else None,
        "links": links,
        "webhook_url": app.webhooks.url_for(job.user, job.id),
    }


def _upload(app: Parlante, caller: Caller, field: str, upload_id: str, kind: str) -> str:
    """Where the caller's upload is kept (404 for another's or a missing one, 422 for one
    of another kind), the error naming the request field."""
    try:
        return app.uploads.path(caller.user, upload_id, kind)
    except InputError as err:
        raise with_param(err, field) from None


def _with_uploads(app: Parlante, caller: Caller, body: Any, extra: dict[str, Any]) -> None:
    """The uploads the request names, as the paths the render request holds."""
    look = extra.setdefault("look", {})
    if body.slides_upload_ids:
        look["slides"] = [_upload(app, caller, "slides_upload_ids", upload_id, "slides")
                          for upload_id in body.slides_upload_ids]  # fmt: skip
    if body.background_upload_id:
        look["background"] = _upload(app, caller, "background_upload_id",
                                     body.background_upload_id, "image")  # fmt: skip
    if body.music_upload_id:
        look["music"] = _upload(app, caller, "music_upload_id", body.music_upload_id, "music")
    if body.narration_upload_id:
        extra["audio"] = _upload(app, caller, "narration_upload_id", body.narration_upload_id,
                                 "narration")  # fmt: skip


def _render_request(app: Parlante, caller: Caller, body: Any, text: str) -> RenderRequest:
    if body.avatar and app.presenters.find(caller.user, body.avatar) is None:
        raise InputError("api.unknown_avatar", avatar=body.avatar[:80])
    extra = {k: getattr(body, k) for k in type(body).model_fields if k not in _OWN_FIELDS}
    extra = {k: (v.model_dump() if hasattr(v, "model_dump") else v) for k, v in extra.items()}
    _with_uploads(app, caller, body, extra)
    data = {
        "text": text, "language": body.language, "voice_id": body.voice or None,
        "avatar": body.avatar or None, "size": body.size, "rate": body.rate, "pitch": body.pitch,
        "title": body.title, "use_cache": body.use_cache, **extra,
    }  # fmt: skip
    return RenderRequest.from_json(data)


def _submit(app: Parlante, caller: Caller, body: Any) -> Job:
    if body.text is not None and body.script is not None:
        raise InputError("api.text_or_script")
    if body.text is None and body.script is None and not body.narration_upload_id:
        raise InputError("api.text_or_script")
    if body.engine != "local" and not _engine_ready(app, body.engine):
        raise engine_unavailable(body.engine)
    if body.webhook_url:
        app.webhooks.check_url(body.webhook_url)
    text = body.text or ""
    if body.script is not None:
        brief = Brief(**body.script.model_dump())
        text = app.scripts.write(caller.user, brief).text
    request = _render_request(app, caller, body, text)
    job = app.renders.submit(caller.user, request, body.engine, body.title)
    if body.webhook_url:
        app.webhooks.subscribe(caller, job.id, body.webhook_url)
    return job


def _engine_ready(app: Parlante, engine: str) -> bool:
    return engine != "did" or app.account.readiness().did


@router.post(
    "", status_code=202, response_model=schemas.Video, responses=ERRORS,
    summary="Make a video (queued; follow it with GET or a webhook)",
)  # fmt: skip
def create_video(
    body: schemas.VideoCreate,  # type: ignore[valid-type]
    request: Request,
    app: ParlanteDep,
    caller: CallerDep,
    idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")
    if idempotency_key is None:
        return describe(app, _submit(app, caller, body), base)
    digest = request_hash(body.model_dump(mode="json"))  # type: ignore[attr-defined]
    earlier = app.idempotency.claim(caller.user, idempotency_key, digest)
    if earlier is not None:
        return describe(app, app.renders.job(caller.user, earlier), base)
    try:
        job = _submit(app, caller, body)
    except BaseException:
        app.idempotency.release(caller.user, idempotency_key)
        raise
    app.idempotency.bind(caller.user, idempotency_key, job.id)
    return describe(app, job, base)


@router.get("", response_model=schemas.VideoList, responses=ERRORS, summary="Your videos")
def list_videos(
    request: Request,
    app: ParlanteDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    status: schemas.Status | None = None,  # type: ignore[valid-type]
    engine: schemas.Engine | None = None,  # type: ignore[valid-type]
) -> dict[str, Any]:
    jobs = app.renders.jobs(caller.user, (status,) if status else ())
    if engine:
        jobs = [j for j in jobs if j.engine == engine]
    jobs.sort(key=lambda j: j.created_at, reverse=True)
    page = jobs[offset : offset + limit]
    base = str(request.base_url).rstrip("/")
    return {
        "object": "list", "data": [describe(app, j, base) for j in page], "total": len(jobs),
        "limit": limit, "offset": offset, "has_more": offset + len(page) < len(jobs),
    }  # fmt: skip


@router.get("/{video_id}", response_model=schemas.Video, responses=ERRORS, summary="One video")
def get_video(video_id: str, request: Request, app: ParlanteDep, caller: CallerDep) -> dict:
    job = app.renders.job(caller.user, video_id)
    return describe(app, job, str(request.base_url).rstrip("/"))


@router.delete(
    "/{video_id}", response_model=schemas.Deleted, responses=ERRORS,
    summary="Cancel and remove a video (its files too)",
)  # fmt: skip
def delete_video(video_id: str, app: ParlanteDep, caller: CallerDep) -> dict[str, Any]:
    job = app.renders.job(caller.user, video_id)
    if not job.finished:
        app.renders.cancel(caller.user, job.id)
        job = app.renders.job(caller.user, job.id)
        if not job.finished:  # running: stops at its next progress report
            return {"id": job.id, "deleted": False, "status": job.status}
    video = app.renders.video(caller.user, job)
    if video is not None:
        app.videos.delete(caller.user, video.id)
    app.renders.forget(caller.user, job.id)
    return {"id": job.id, "deleted": True, "status": "deleted"}


@router.get(
    "/{video_id}/deliveries", response_model=schemas.DeliveryList, responses=ERRORS,
    summary="The webhook deliveries of a video",
)  # fmt: skip
def list_deliveries(video_id: str, app: ParlanteDep, caller: CallerDep) -> dict[str, Any]:
    job = app.renders.job(caller.user, video_id)
    return {"object": "list", "data": [d.to_json() for d in app.webhooks.deliveries(
        caller.user, job.id)]}  # fmt: skip


def _file_route(name: str, media_type: str) -> None:
    def download(video_id: str, app: ParlanteDep, caller: CallerDep) -> Response:
        job = app.renders.job(caller.user, video_id)
        if job.status != DONE:
            raise ApiError(
                "api.not_ready", http=409, type_="not_ready", id=job.id, status=job.status
            )
        video = app.videos.open(caller.user, job.video_id or "")
        source = app.videos.source(caller.user, video, name)
        if is_link(source):  # the object store serves it (Range requests too), signed
            return RedirectResponse(source, status_code=307)
        return FileResponse(source, media_type=media_type, filename=f"{job.id}-{name}")

    router.add_api_route(
        f"/{{video_id}}/{name}", download, methods=["GET"], response_class=FileResponse,
        responses={200: {"content": {media_type: {}}, "description": f"The {name} file"},
                   307: {"description": "A short-lived signed link to the file in the object "
                                        "store (MEDIA_URL); follow it"},
                   **ERRORS},
        summary=f"Download {name}" + (" (range requests)" if name.endswith(".mp4") else ""),
        name=f"download_{name.replace('.', '_')}",
    )  # fmt: skip


for _name, _type in schemas.MEDIA_FILES.items():
    _file_route(_name, _type)


__all__ = ["describe", "router"]
