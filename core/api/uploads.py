"""``/v1/uploads``: files for a video — slides (a PDF or a picture per slide), a background
image, music, the person's own narration — checked as the app checks them and kept among
the caller's uploads; ``POST /v1/videos`` names them by id."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from starlette.concurrency import run_in_threadpool

from core.api import schemas
from core.api.deps import ERRORS, CallerDep, ParlanteDep
from core.api.errors import with_param
from core.errors import InputError

router = APIRouter(prefix="/v1/uploads", tags=["uploads"])
MULTIPART_SLACK = 1_048_576  # room for the multipart framing around the largest file


def body_limit(app: Any) -> int:
    """The request body an upload may have: its largest kind plus the multipart framing."""
    return max(app.uploads.limits().values()) + MULTIPART_SLACK


@router.post(
    "", status_code=201, response_model=schemas.UploadOut, responses=ERRORS,
    summary="Upload slides (PDF or a picture), a background image, music or your narration",
)  # fmt: skip
async def upload(
    app: ParlanteDep,
    caller: CallerDep,
    kind: Annotated[schemas.UploadKind, Form(description="slides | image | music | narration")],  # type: ignore[valid-type]
    file: Annotated[UploadFile, File(description="The file (see the limits per kind)")],
) -> dict[str, Any]:
    limit = app.uploads.limits()[kind]
    data = await file.read(limit + 1)
    name = (file.filename or kind)[:120]
    try:
        if len(data) > limit:
            size = max(len(data), file.size or 0)
            raise InputError("upload.too_big", name=name, kind=kind, mb=size / 1_048_576,
                             limit_mb=limit / 1_048_576)  # fmt: skip
        found = await run_in_threadpool(app.uploads.add, caller.user, kind, data, name)
    except InputError as err:
        raise with_param(err, "file") from None
    return found.to_json()


@router.get("", response_model=schemas.UploadList, responses=ERRORS, summary="Your uploads")
def list_uploads(
    app: ParlanteDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    found, total = app.uploads.list(caller.user, limit, offset)
    return {
        "object": "list", "data": [u.to_json() for u in found], "total": total, "limit": limit,
        "offset": offset, "has_more": offset + len(found) < total,
    }  # fmt: skip


@router.get("/{upload_id}", response_model=schemas.UploadOut, responses=ERRORS,
            summary="One upload")  # fmt: skip
def get_upload(upload_id: str, app: ParlanteDep, caller: CallerDep) -> dict[str, Any]:
    return app.uploads.get(caller.user, upload_id).to_json()


@router.delete(
    "/{upload_id}", response_model=schemas.Deleted, responses=ERRORS,
    summary="Delete an upload (videos already made keep it)",
)  # fmt: skip
def delete_upload(upload_id: str, app: ParlanteDep, caller: CallerDep) -> dict[str, Any]:
    app.uploads.delete(caller.user, upload_id)
    return {"id": upload_id, "deleted": True, "status": "deleted"}
