"""What the pages and the CLI share: settings, the library, the cache, engines by id."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.cache import Cache
from core.config import Settings
from core.engines.base import VideoEngine
from core.engines.registry import create_engine
from core.library import Library


@dataclass
class Services:
    settings: Settings
    library: Library
    cache: Cache
    _engines: dict[str, VideoEngine] = field(default_factory=dict, repr=False)
    _extra: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Services:
        return cls(
            settings=settings,
            library=Library(settings.data_dir),
            cache=Cache(settings.data_dir / "cache"),
        )

    def engine(self, engine_id: str) -> VideoEngine:
        if engine_id not in self._engines:
            self._engines[engine_id] = create_engine(engine_id, self.settings, self.cache)
        return self._engines[engine_id]
