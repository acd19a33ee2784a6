"""What the pages and the CLI share: settings, the library, the cache, engines by id."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.cache import Cache
from core.config import Settings
from core.engines.base import VideoEngine
from core.engines.registry import create_engine
from core.library import Library
from core.storage import open_store
from core.usage import UsageMeter
from core.writers.base import ScriptWriter, create_writer


@dataclass
class Services:
    settings: Settings
    library: Library
    cache: Cache
    _engines: dict[str, VideoEngine] = field(default_factory=dict, repr=False)
    _writers: dict[str, ScriptWriter] = field(default_factory=dict, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Services:
        return cls(
            settings=settings,
            library=Library(
                settings.data_dir,
                settings.database_url,
                media=open_store(settings.data_dir, settings.media, settings.media_signed_url_s),
            ),
            cache=Cache(settings.data_dir / "cache"),
        )

    def engine(self, engine_id: str) -> VideoEngine:
        if engine_id not in self._engines:
            self._engines[engine_id] = create_engine(
                engine_id, self.settings, self.cache, self.library.media
            )
        return self._engines[engine_id]

    @property
    def usage(self) -> UsageMeter:
        """Today's spending per user, and the daily caps (core.usage)."""
        return UsageMeter(self.library, self.settings)

    def writer(self, writer_id: str = "openai") -> ScriptWriter:
        """One writer per id (it holds an HTTP client); creating it checks its settings."""
        if writer_id not in self._writers:
            self._writers[writer_id] = create_writer(writer_id, self.settings)
        return self._writers[writer_id]
