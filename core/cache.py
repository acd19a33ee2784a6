"""The diskcache wrapper: content-addressed keys, versioned names, plain values.

A key is the SHA-256 of a canonical JSON of everything that changes the output
(text, voice, avatar bytes' hash, options, engine version). Secrets never enter a key.
Values are plain data (str/dict/list), never SDK objects.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import diskcache

_MISSING = object()


def digest_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_key(namespace: str, version: str, **parts: Any) -> str:
    """``namespace:version:sha256`` of the parts, in canonical JSON."""
    canonical = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return f"{namespace}:{version}:{hashlib.sha256(canonical.encode()).hexdigest()}"


class Cache:
    """A small facade over ``diskcache.Cache`` so the rest of core never imports diskcache."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._cache: diskcache.Cache | None = None

    @property
    def _store(self) -> diskcache.Cache:
        if self._cache is None:  # opened lazily: no files are created at import or construction
            self.directory.mkdir(parents=True, exist_ok=True)
            self._cache = diskcache.Cache(str(self.directory))
        return self._cache

    def get(self, key: str, default: Any = None) -> Any:
        value = self._store.get(key, _MISSING)
        return default if value is _MISSING else value

    def set(self, key: str, value: Any, expire: float | None = None) -> None:
        self._store.set(key, value, expire=expire)

    def delete(self, key: str) -> None:
        self._store.delete(key)

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None
