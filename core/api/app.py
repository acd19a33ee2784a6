"""The HTTP API's app factory: FastAPI over core.usecases, with the one error shape, the
body limit, per-key rate limits and the webhook dispatcher.

    from core.api import create_app
    api = create_app(Parlante.open(settings))   # an ASGI app; `python -m core serve` runs it
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from core.api import catalogue, errors, uploads, videos
from core.api.auth import RateLimiter
from core.api.limits import BodyLimit
from core.api.webhooks import Dispatcher, post
from core.usecases import Parlante
from core.usecases.webhooks import Sender

DESCRIPTION = """
Parlante's HTTP API: the same pipeline, jobs, daily caps and library as the app.

* **Auth**: `Authorization: Bearer pk_…` — create a key in the app (API keys) or with
  `python -m core apikey create --user EMAIL`. A key only ever sees its owner's things.
* **Errors**: always `{"error": {"type", "message", "param", "code"}}`; 429 carries `Retry-After`.
* **Limits**: request bodies up to `API_MAX_BODY_MB` (16 MB), photos up to 15 MB, uploads
  as docs/api.md lists them per kind,
  `API_RATE_PER_MIN` requests per key in any minute (120; shared by every API process),
  and the daily caps of the app.
* **Uploads**: `POST /v1/uploads` (multipart `kind` + `file`: slides, image, music,
  narration), then name them in `POST /v1/videos` (`slides_upload_ids`,
  `background_upload_id`, `music_upload_id`, `narration_upload_id`).
* **Webhooks**: `webhook_url` (https, public) receives `video.succeeded` / `video.failed`,
  signed: `Parlante-Signature: t=…,v1=HMAC-SHA256(whsec_…, "t." + raw body)`.

Full guide: docs/api.md.
"""


def create_app(
    parlante: Parlante,
    *,
    send: Sender = post,
    webhooks: bool = True,
    webhook_every_s: float = 1.0,
) -> FastAPI:
    settings = parlante.settings
    dispatcher = Dispatcher(parlante, videos.describe, send, webhook_every_s)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if webhooks:
            dispatcher.start()
        try:
            yield
        finally:
            dispatcher.stop()

    api = FastAPI(
        title="Parlante API",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    api.state.parlante = parlante
    api.state.limiter = RateLimiter(parlante, settings.api_rate_per_min)
    api.state.dispatcher = dispatcher
    errors.install(api, settings)
    api.include_router(videos.router)
    api.include_router(catalogue.router)
    api.include_router(uploads.router)

    @api.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        return {"ok": True}

    max_body = int(settings.api_max_body_mb * 1_048_576)
    larger = {"/v1/uploads": max(max_body, uploads.body_limit(parlante))}
    api.add_middleware(BodyLimit, max_bytes=max_body, paths=larger)
    return api
