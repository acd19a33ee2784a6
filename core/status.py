"""Which engines and writers are ready, for the app's sidebar. No network except credits."""

from __future__ import annotations

from dataclasses import dataclass

from core.config import Settings
from core.errors import AppError
from core.services import Services


@dataclass(frozen=True)
class Readiness:
    offline: bool
    openai: bool  # a key or an OpenAI-compatible server is configured
    openai_local_server: bool  # OPENAI_BASE_URL is set
    did: bool  # DID_API_KEY is set


@dataclass(frozen=True)
class Credits:
    remaining: float | None = None
    total: float | None = None
    error: str = ""  # why they could not be read (safe to show)


def readiness(settings: Settings) -> Readiness:
    return Readiness(
        offline=True,
        openai=bool(settings.openai_api_key or settings.openai_base_url),
        openai_local_server=bool(settings.openai_base_url),
        did=bool(settings.did_api_key),
    )


def did_credits(services: Services) -> Credits:
    """What D-ID's ``GET /credits`` reports; an error message instead of raising."""
    if not services.settings.did_api_key:
        return Credits(error="DID_API_KEY is not set.")
    try:
        engine = services.engine("did")
        read = getattr(engine, "credits", None)
        if read is None:
            return Credits(error="This D-ID engine cannot report credits.")
        data = read()
        return Credits(remaining=data.get("remaining"), total=data.get("total"))
    except AppError as err:
        return Credits(error=services.settings.redact(err.message))
    except Exception as err:  # the sidebar must never break the page
        return Credits(error=services.settings.redact(f"Could not read D-ID credits ({err})."))
