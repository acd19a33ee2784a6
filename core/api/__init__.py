"""The HTTP API over core.usecases (FastAPI): ``create_app(parlante)`` → an ASGI app.

Modules: ``app`` (the factory), ``auth`` (API keys, rate limit), ``errors`` (one error
shape, typed errors → statuses), ``schemas`` (bodies), ``videos`` and ``catalogue``
(routes), ``webhooks`` (the dispatcher), ``limits`` (body size). Docs: docs/api.md.
"""

from core.api.app import create_app

__all__ = ["create_app"]
