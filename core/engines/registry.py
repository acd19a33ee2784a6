"""Engines by id. Factories import lazily so listing engines costs nothing."""

from __future__ import annotations

from collections.abc import Callable

from core.cache import Cache
from core.config import Settings
from core.engines.base import VideoEngine
from core.errors import InputError
from core.storage import MediaStore

# ``factory(settings, cache)``, or ``factory(settings, cache, media)`` when the media store is
# shared by every machine (MEDIA_URL): an engine may keep paid work there for all workers.
EngineFactory = Callable[..., VideoEngine]


def _local(settings: Settings, cache: Cache, media: MediaStore | None = None) -> VideoEngine:
    from core.engines.local.engine import LocalEngine

    return LocalEngine(settings, cache)


def _did(settings: Settings, cache: Cache, media: MediaStore | None = None) -> VideoEngine:
    from core.engines.did import DidEngine
    from core.engines.local.presenters import still_with_face  # D-ID animates this still
    from core.engines.local.voicing import NarrationKit  # your own recording, timed here

    narration = NarrationKit(settings.max_audio_mb)
    return DidEngine(settings, cache, still_image=still_with_face, narration=narration, media=media)


ENGINES: dict[str, EngineFactory] = {"local": _local, "did": _did}


def create_engine(
    engine_id: str, settings: Settings, cache: Cache, media: MediaStore | None = None
) -> VideoEngine:
    """The engine ``engine_id``; ``media`` is the library's store, handed on only when it is
    shared by every machine (an object store): local files are this machine's anyway."""
    try:
        factory = ENGINES[engine_id]
    except KeyError:
        raise InputError("engine.unknown", engine=engine_id, choices=", ".join(ENGINES)) from None
    if media is None or media.is_local:
        return factory(settings, cache)
    return factory(settings, cache, media)
