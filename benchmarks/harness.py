"""What the benchmarks that run real job processes (benchmarks/faults.py, benchmarks/scale.py)
set up the same way: the fake D-ID server they talk to, Python processes started from the
repository, waiting for a condition, and the tally of what must come out 0. (The environment
such a process gets is the tests' own: ``tests.procs.base_env``.)
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tests.fakes.did_server import FakeDid
from tests.procs import ROOT

DID_KEY = "fake-did-user:FAKE-did-secret-000000"


def fake_did(render_s: float) -> FakeDid:
    """The fake D-ID server (tests/fakes): talks of 1 s of video that take ``render_s``."""
    return FakeDid(key=DID_KEY, video_s=1.0, render_s=render_s)


def did_env(fake: FakeDid, poll_s: float) -> dict[str, str]:
    """The settings that point a process at ``fake``, polling it every ``poll_s`` at least."""
    return {"DID_API_URL": fake.url, "DID_API_KEY": DID_KEY, "DID_POLL_MIN_S": f"{poll_s:g}"}


def python(*args: str, env: dict[str, str] | None, **popen: Any) -> subprocess.Popen[str]:
    """``python <args>`` from the repository's root; its stdout read as text, stderr dropped."""
    return subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, **popen,
    )  # fmt: skip


def until(check: Callable[[], Any], timeout: float, what: str, every: float = 0.1) -> Any:
    """``check()``'s first true value, asked every ``every`` seconds; TimeoutError(what)
    when none came within ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise TimeoutError(what)


@dataclass(kw_only=True)
class Tally:
    """What one run counted: each count named in ``MUST_BE_ZERO`` must be 0 for it to be ok;
    how long it took and what was noted on the way."""

    MUST_BE_ZERO: ClassVar[tuple[str, ...]] = ()
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(getattr(self, name) for name in self.MUST_BE_ZERO)
