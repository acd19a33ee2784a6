"""The real API server and command line in processes of their own: ``python -m core serve``
started on a free port and waited for, and ``python -m core … --json`` commands. Shared by
tests/test_api_server.py and benchmarks/api_speed.py, so both start and stop it the same way.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_core(
    env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m core <args>`` from the repository's root: its exit status and output."""
    return subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=timeout,
    )  # fmt: skip


def cli_json(env: dict[str, str], *args: str) -> Any:
    """``python -m core <args>`` (a command given ``--json``): what it printed, parsed."""
    out = run_core(env, *args, timeout=60)
    out.check_returncode()
    return json.loads(out.stdout)


@contextmanager
def serving(env: dict[str, str], *args: str) -> Iterator[str]:
    """``python -m core serve`` in its own process; its address once ``/healthz`` answers.
    Stopped on exit (killed if it does not stop within 15 s); what it wrote to stderr must
    hold no traceback."""
    port = free_port()
    with tempfile.TemporaryFile() as stderr:  # a file, not a pipe: it never fills and blocks
        proc = subprocess.Popen(
            [sys.executable, "-m", "core", "serve", "--port", str(port), *args], cwd=ROOT,
            env=env, stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"

        def said() -> str:
            stderr.seek(0)
            return stderr.read().decode(errors="replace")

        try:
            for _ in range(300):
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    if proc.poll() is not None:
                        raise RuntimeError(f"the API server stopped:\n{said()[-3000:]}") from None
                    time.sleep(0.1)
            else:
                raise RuntimeError("the API server did not start")
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            assert "Traceback" not in said(), said()
