"""The account side: which services are ready, the provider's credits, and what the acting
user spent today against the daily caps."""

from __future__ import annotations

from core.errors import ConfigError
from core.status import Credits, Readiness, readiness
from core.usage import UsageToday
from core.usecases.context import Context


class Account:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def readiness(self) -> Readiness:
        return readiness(self.ctx.settings)

    def credits(self) -> Credits | None:
        """The last known credits of the paid engine, never waiting for the network (None
        before the first answer); refreshed in the background."""
        return self.ctx.credits.current()

    def credits_now(self, engine: str = "did") -> dict[str, object]:
        """Ask the engine's provider for its credits now (the command line)."""
        found = self.ctx.services.engine(engine)
        if not found.capabilities.credits:
            raise ConfigError("did.no_credits_report")
        return found.credits()

    def usage_today(self, user: str) -> UsageToday:
        return self.ctx.services.usage.today(user)
