"""``/v1/voices``, ``/v1/avatars``, ``/v1/photos``, ``/v1/scripts``: what a video is made of."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile
from starlette.concurrency import run_in_threadpool

from core.api import schemas
from core.api.deps import ERRORS, CallerDep, ParlanteDep
from core.api.errors import engine_unavailable
from core.errors import InputError
from core.models import Brief
from core.usecases import MAX_PHOTO_BYTES

router = APIRouter(prefix="/v1", tags=["catalogue"])


@router.get("/voices", response_model=schemas.VoiceList, responses=ERRORS, summary="Voices")
def voices(
    app: ParlanteDep,
    caller: CallerDep,
    engine: schemas.Engine = "local",  # type: ignore[valid-type]
    language: Annotated[str | None, Query(max_length=35)] = None,
) -> dict[str, Any]:
    if engine != "local" and not app.account.readiness().did:
        raise engine_unavailable(engine)
    found = app.voices.list(caller.user, engine, language or None)
    return {"object": "list", "data": [v.to_json() for v in found]}


@router.get("/avatars", response_model=schemas.AvatarList, responses=ERRORS,
            summary="Presenters: built-in ones and your photos")  # fmt: skip
def avatars(app: ParlanteDep, caller: CallerDep) -> dict[str, Any]:
    return {"object": "list", "data": [a.to_json() for a in app.presenters.list(caller.user)]}


@router.post(
    "/photos", status_code=201, response_model=schemas.AvatarOut, responses=ERRORS,
    summary="Upload a photo to use as a presenter (JPEG/PNG, a face in it)",
)  # fmt: skip
async def upload_photo(
    app: ParlanteDep, caller: CallerDep, file: Annotated[UploadFile, File()]
) -> dict[str, Any]:
    data = await file.read(MAX_PHOTO_BYTES + 1)
    if not data:
        raise InputError("api.photo_missing")
    name = (file.filename or "photo")[:120]
    avatar, _face = await run_in_threadpool(app.presenters.add_photo, caller.user, data, name)
    return avatar.to_json()


@router.post("/scripts", response_model=schemas.ScriptOut, responses=ERRORS,
             summary="Write a script from a brief")  # fmt: skip
def write_script(body: schemas.ScriptBrief, app: ParlanteDep, caller: CallerDep) -> dict:
    script = app.scripts.write(caller.user, Brief(**body.model_dump()))
    data = script.to_json()
    return {k: data[k] for k in schemas.ScriptOut.model_fields}
