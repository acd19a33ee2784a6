"""The media store as a whole (operators, workers, the scale benchmark): check that it is
usable, count files without records and records without files, sweep the leftovers."""

from __future__ import annotations

from core import sweep
from core.sweep import Mismatches
from core.usecases.context import Context


class Media:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @property
    def where(self) -> str:
        """The store in words: ``s3://bucket/prefix`` or the local data folder."""
        return self.ctx.services.library.media.description

    def check(self) -> None:
        """Raise a ConfigError/ProviderError saying what to fix when the store is unusable
        (a missing bucket, refused credentials, an endpoint that does not answer)."""
        self.ctx.services.library.media.check()

    def mismatches(self) -> Mismatches:
        """Stored video folders with no record, and records whose files are not all stored."""
        return sweep.mismatches(self.ctx.services.library)

    def sweep(self, grace_s: float | None = None, force: bool = False) -> list[str]:
        """Remove stored folders with no record older than MEDIA_ORPHAN_MINUTES (or
        ``grace_s``); the ids removed. Refuses (ConfigError) when there are far more of them
        than records — the wrong database — unless ``force``."""
        grace = self.ctx.settings.media_orphan_s if grace_s is None else grace_s
        return sweep.sweep(self.ctx.services.library, grace, force=force)
