"""Where media lives: the local data folder (default), or an object store named by MEDIA_URL.

One interface, :class:`MediaStore`, addressed by *keys* relative to the data folder
(``media/<video id>/video.mp4``, ``media/uploads/…``, ``photos/…``, ``narration/…``), so the
local layout and the bucket layout are the same: ``APP_DATA_DIR/<key>`` or
``<bucket>/<prefix>/<key>``.

* :class:`LocalStore` — files under APP_DATA_DIR, exactly as before (atomic writes).
* :class:`ObjectStore` — S3 or S3-compatible (s3fs) and Google Cloud Storage (gcsfs), through
  fsspec. An object appears only once its upload is complete (S3 and GCS never show a
  partial object). The browser gets media through short-lived signed URLs (:meth:`sign`);
  a store that cannot sign (GCS with a VM's metadata credentials, which hold no private
  key) returns None and the app streams the bytes instead. Buckets are never public.

Store failures become typed errors that say what to fix (a missing bucket, refused
credentials, an unreachable endpoint), never a traceback, never a secret. Each store keeps
its own retries (botocore / gcsfs), so nothing here retries again.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import AppError, ConfigError, ProviderError
from core.files import atomic_path
from core.files import copy as copy_file
from core.files import write_bytes as write_file
from core.media_url import MediaLocation, redact_url

Clock = Callable[[], float]
DEFAULT_SIGNED_URL_S = 900  # a signed link lives 15 minutes; pages ask again on each run


@dataclass(frozen=True)
class Entry:
    """One folder directly under a key prefix (a video's id, ``uploads``…): its newest file."""

    name: str
    modified: float  # seconds since the epoch of its newest file
    names: frozenset[str] = frozenset()  # the files directly inside it


class MediaStore:
    """Media files by key. Subclasses: :class:`LocalStore`, :class:`ObjectStore`."""

    is_local = True
    description = ""

    def local_path(self, key: str) -> Path | None:
        """The file itself on this machine (local store), else None."""
        return None

    def exists(self, key: str) -> bool:
        raise NotImplementedError

    def names(self, prefix: str) -> set[str]:
        """The file names directly inside the folder ``prefix`` (empty when there is none)."""
        raise NotImplementedError

    def put_file(self, src: Path, key: str) -> None:
        raise NotImplementedError

    def put_bytes(self, key: str, data: bytes) -> None:
        raise NotImplementedError

    def get_file(self, key: str, dest: Path) -> Path:
        """Copy the object to ``dest`` atomically (FileNotFoundError when it is not there)."""
        raise NotImplementedError

    def read_bytes(self, key: str) -> bytes:
        raise NotImplementedError

    def delete(self, key: str) -> None:
        raise NotImplementedError

    def delete_prefix(self, prefix: str) -> None:
        """Remove the folder ``prefix`` and everything in it (nothing when it is missing)."""
        raise NotImplementedError

    def folders(self, prefix: str) -> list[Entry]:
        """The folders directly under ``prefix``, each with its newest file's time."""
        raise NotImplementedError

    def sign(self, key: str) -> str | None:
        """A short-lived URL the browser can GET (Range requests included), or None when
        this store cannot sign (then the app serves the bytes)."""
        return None

    def check(self) -> None:
        """Raise a ConfigError/ProviderError that says what to fix when the store is unusable."""


class LocalStore(MediaStore):
    """Files under the data folder (``root``), written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.description = str(self.root)

    def _path(self, key: str) -> Path:
        return self.root / key

    def local_path(self, key: str) -> Path | None:
        return self._path(key)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def names(self, prefix: str) -> set[str]:
        folder = self._path(prefix)
        return {p.name for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()

    def put_file(self, src: Path, key: str) -> None:
        if Path(src).resolve() != self._path(key).resolve():
            copy_file(Path(src), self._path(key))

    def put_bytes(self, key: str, data: bytes) -> None:
        write_file(self._path(key), data)

    def get_file(self, key: str, dest: Path) -> Path:
        src = self._path(key)
        if not src.is_file():
            raise FileNotFoundError(key)
        return copy_file(src, dest) if src.resolve() != Path(dest).resolve() else Path(dest)

    def read_bytes(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> None:
        shutil.rmtree(self._path(prefix), ignore_errors=True)

    def folders(self, prefix: str) -> list[Entry]:
        base = self._path(prefix)
        if not base.is_dir():
            return []
        found = []
        for folder in base.iterdir():
            if not folder.is_dir():
                continue
            stamps = [p.stat().st_mtime for p in folder.rglob("*") if p.is_file()]
            stamp = max(stamps, default=folder.stat().st_mtime)
            names = frozenset(p.name for p in folder.iterdir() if p.is_file())
            found.append(Entry(folder.name, stamp, names))
        return found


def _filesystem(location: MediaLocation) -> Any:
    """The fsspec filesystem for ``location`` (credentials from the standard places)."""
    package = "s3fs" if location.kind == "s3" else "gcsfs"
    try:
        if location.kind == "s3":
            import s3fs

            client = {"endpoint_url": location.endpoint_url} if location.endpoint_url else {}
            return s3fs.S3FileSystem(
                client_kwargs=client,
                config_kwargs={"signature_version": "s3v4"},  # signed links: SigV4 only
                use_listings_cache=False,
                skip_instance_cache=True,
            )
        import gcsfs

        return gcsfs.GCSFileSystem(use_listings_cache=False, skip_instance_cache=True)
    except ImportError:
        raise ConfigError(
            "storage.missing_package", variable="MEDIA_URL", url=location.url, package=package
        ) from None


class ObjectStore(MediaStore):
    """Media in a bucket (S3, S3-compatible or GCS) under ``location.prefix``."""

    is_local = False

    def __init__(
        self,
        location: MediaLocation,
        fs: Any = None,
        signed_url_s: int = DEFAULT_SIGNED_URL_S,
        clock: Clock = time.time,
    ) -> None:
        self.location = location
        self.description = location.url
        self.signed_url_s = int(signed_url_s)
        self._clock = clock
        self._fs = fs
        self._lock = threading.Lock()
        self._signed: dict[str, tuple[str, float]] = {}
        self._can_sign: bool | None = None

    def __getstate__(self) -> dict[str, Any]:  # a record may cross a process: no fs, no lock
        state = dict(self.__dict__)
        state.update(_fs=None, _lock=None, _signed={})
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @property
    def fs(self) -> Any:
        if self._fs is None:
            self._fs = _filesystem(self.location)
        return self._fs

    def _path(self, key: str) -> str:
        return f"{self.location.root}/{key.strip('/')}"

    @contextlib.contextmanager
    def _errors(self, writing: bool = False) -> Iterator[None]:
        """Store failures → typed errors that say what to fix. FileNotFoundError passes when
        reading; when writing it can only mean the bucket is missing (gcsfs says no more)."""
        try:
            yield
        except AppError:
            raise
        except FileNotFoundError as err:
            if writing or _no_bucket(err):
                raise ConfigError(
                    "storage.no_bucket", variable="MEDIA_URL", url=self.location.url
                ) from None
            raise
        except PermissionError:
            raise ConfigError(
                "storage.denied", variable="MEDIA_URL", url=self.location.url
            ) from None
        except Exception as err:  # botocore, aiohttp, google-auth: each its own tree
            if isinstance(err, OSError) and str(err).startswith("Forbidden"):  # gcsfs's 403
                raise ConfigError(
                    "storage.denied", variable="MEDIA_URL", url=self.location.url
                ) from None
            raise ProviderError(
                "storage.unreachable" if _connection_problem(err) else "storage.failed",
                provider="storage",
                url=self.location.url,
                endpoint=redact_url(self.location.endpoint_url or "") or "-",
                reason=type(err).__name__,
            ) from None

    def exists(self, key: str) -> bool:
        with self._errors():
            return bool(self.fs.exists(self._path(key)))

    def names(self, prefix: str) -> set[str]:
        with self._errors():
            try:
                found = self.fs.ls(self._path(prefix), detail=True, refresh=True)
            except FileNotFoundError as err:
                if _no_bucket(err):
                    raise
                return set()
        return {e["name"].rsplit("/", 1)[-1] for e in found if e.get("type") == "file"}

    def put_file(self, src: Path, key: str) -> None:
        if not Path(src).is_file():
            raise FileNotFoundError(str(src))
        with self._errors(writing=True):
            self.fs.put_file(str(src), self._path(key))

    def put_bytes(self, key: str, data: bytes) -> None:
        with self._errors(writing=True):
            self.fs.pipe_file(self._path(key), data)

    def get_file(self, key: str, dest: Path) -> Path:
        dest = Path(dest)
        with self._errors(), atomic_path(dest) as tmp:
            self.fs.get_file(self._path(key), str(tmp))
        return dest

    def read_bytes(self, key: str) -> bytes:
        with self._errors():
            return bytes(self.fs.cat_file(self._path(key)))

    def delete(self, key: str) -> None:
        with self._errors(), contextlib.suppress(FileNotFoundError):
            self.fs.rm_file(self._path(key))

    def delete_prefix(self, prefix: str) -> None:
        with self._errors():
            keys = self.fs.find(self._path(prefix))
            if keys:
                self.fs.rm(keys)

    def folders(self, prefix: str) -> list[Entry]:
        base = self._path(prefix).rstrip("/") + "/"
        with self._errors():
            try:
                found = self.fs.find(base, detail=True)
            except FileNotFoundError as err:
                if _no_bucket(err):
                    raise
                return []
        newest: dict[str, float] = {}
        names: dict[str, set[str]] = {}
        for path, info in found.items():
            rest = path[len(base) :] if path.startswith(base) else ""
            if "/" not in rest:
                continue  # a file directly under the prefix, not in a folder
            name, inner = rest.split("/", 1)
            newest[name] = max(newest.get(name, 0.0), _modified(info))
            names.setdefault(name, set())
            if "/" not in inner:
                names[name].add(inner)
        return [Entry(name, stamp, frozenset(names[name])) for name, stamp in newest.items()]

    def sign(self, key: str) -> str | None:
        """A signed GET URL, reused while more than half its life is left (so a page that
        runs again keeps the same link and the player does not reload)."""
        if self._can_sign is False:
            return None
        now = self._clock()
        with self._lock:
            cached = self._signed.get(key)
            if cached and cached[1] - now > self.signed_url_s / 2:
                return cached[0]
        try:
            url = self._sign(self._path(key))
        except Exception:  # e.g. GCS with metadata credentials and no signBlob right
            self._can_sign = False
            return None
        self._can_sign = True
        with self._lock:
            if len(self._signed) > 2000:
                self._signed.clear()
            self._signed[key] = (url, now + self.signed_url_s)
        return url

    def _sign(self, path: str) -> str:
        if self.location.kind != "gs":
            return str(self.fs.sign(path, expiration=self.signed_url_s))
        try:  # a service-account key (GOOGLE_APPLICATION_CREDENTIALS) signs here, offline
            return str(self.fs.sign(path, expiration=self.signed_url_s, version="v4"))
        except AttributeError:  # a VM's metadata credentials hold no key: IAM signBlob
            from google.auth.transport.requests import Request

            creds = self.fs.credentials.credentials
            if not creds.valid:
                creds.refresh(Request())
            return str(self.fs.sign(path, expiration=self.signed_url_s, version="v4",
                                    service_account_email=creds.service_account_email,
                                    access_token=creds.token))  # fmt: skip

    def check(self) -> None:
        """Write, read back and remove a small object: the bucket exists, the credentials
        may write, the endpoint answers."""
        key = f".parlante-check-{int(self._clock() * 1000)}"
        self.put_bytes(key, b"ok")
        try:
            if self.read_bytes(key) != b"ok":  # pragma: no cover — a broken store
                raise ProviderError("storage.failed", provider="storage", url=self.location.url,
                                    endpoint="-", reason="read back")  # fmt: skip
        finally:
            self.delete(key)


def _modified(info: dict[str, Any]) -> float:
    stamp = info.get("LastModified") or info.get("updated") or info.get("mtime") or 0
    if hasattr(stamp, "timestamp"):
        return float(stamp.timestamp())
    if isinstance(stamp, str):
        from datetime import datetime

        with contextlib.suppress(ValueError):
            return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
        return 0.0
    return float(stamp)


def _no_bucket(err: BaseException) -> bool:
    text = f"{err!s} {err.__cause__!s}".lower()
    return "nosuchbucket" in text or "bucket does not exist" in text or "no such bucket" in text


def _connection_problem(err: BaseException) -> bool:
    names = {t.__name__ for t in type(err).__mro__}
    for cause in (err.__cause__, err.__context__):
        if cause is not None:
            names |= {t.__name__ for t in type(cause).__mro__}
    hints = ("ConnectionError", "ConnectTimeout", "ClientConnectorError", "ConnectionError",
             "EndpointConnectionError", "TimeoutError", "ServerTimeoutError", "gaierror",
             "ConnectionRefusedError", "TransportError", "ClientOSError")  # fmt: skip
    return bool(names & set(hints))


def open_store(
    data_dir: Path,
    location: MediaLocation | None,
    signed_url_s: int = DEFAULT_SIGNED_URL_S,
    fs: Any = None,
) -> MediaStore:
    """The store for these settings: local files under ``data_dir`` when no MEDIA_URL."""
    if location is None:
        return LocalStore(data_dir)
    return ObjectStore(location, fs=fs, signed_url_s=signed_url_s)
