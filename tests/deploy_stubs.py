"""Stub ``gcloud``, ``curl`` and ``docker`` for the deploy tests (tests/test_deploy.py, the
single VM, and tests/test_deploy_scaled.py), and the runners that start deploy.sh or the VM's
startup.sh against them and collect what they printed and called.

The stubs are small Python scripts written into tmp_path and put first on PATH. They record
every call (argv, stdin, and the files passed with --metadata-from-file) as JSON lines and keep
a little state, so a second run sees what the first one created, as the real cloud would.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy" / "gcp" / "deploy.sh"
STARTUP = ROOT / "deploy" / "gcp" / "startup.sh"
REAL_GCLOUD = shutil.which("gcloud")

PROJECT = "parlante-test-123"
IMAGE_TAG = "t1"
IMAGE = f"us-central1-docker.pkg.dev/{PROJECT}/parlante/parlante:{IMAGE_TAG}"
SA = f"parlante-vm@{PROJECT}.iam.gserviceaccount.com"
IP = "203.0.113.7"
# Recognisable fake values: no command line, output or metadata may ever contain them.
PASSWORD = "FAKE-app-password-$`'\"-000"
OPENAI = "sk-test-FAKE-openai-key-000000"
DID = "fake-did-user:FAKE-did-secret-000000"
SECRET_VALUES = (PASSWORD, OPENAI, DID)

GCLOUD_STUB = r'''#!{python}
"""Stub gcloud: records each call and answers describe/access from a small state file."""
import json, os, sys
from pathlib import Path

argv = sys.argv[1:]
words = [a for a in argv if not a.startswith("-")]
stdin = sys.stdin.read() if "--data-file=-" in argv else ""
files = {}
for arg in argv:
    if arg.startswith("--metadata-from-file="):
        for item in arg.split("=", 1)[1].split(","):
            key, path = item.split("=", 1)
            files[key] = Path(path).read_text()
    elif arg.startswith(("--flags-file=", "--source=")):
        flag, path = arg.split("=", 1)
        files[flag] = Path(path).read_text()
with open(os.environ["STUB_LOG"], "a") as log:
    log.write(json.dumps({"argv": argv, "stdin": stdin, "files": files}) + "\n")

state_path = Path(os.environ["STUB_STATE"])
state = json.loads(state_path.read_text()) if state_path.exists() else {"made": [], "secrets": {}}
if os.environ.get("STUB_FAIL") and " ".join(words).startswith(os.environ["STUB_FAIL"]):
    sys.exit("stub: failing on purpose")

def key(verb):
    i = words.index(verb)
    if words[i + 1] in ("http", "https", "tcp"):  # health-checks create http NAME
        i += 1
    return " ".join(words[:words.index(verb)] + [words[i + 1].split("@")[0]])

exists_all = os.environ.get("STUB_ALL_EXIST") == "1"
if words[:3] == ["secrets", "versions", "access"]:
    name = next(a.split("=", 1)[1] for a in argv if a.startswith("--secret="))
    if name not in state["secrets"]:
        sys.exit(1)
    sys.stdout.write(state["secrets"][name])
elif "describe" in words:
    if not exists_all and key("describe") not in state["made"]:
        sys.exit("ERROR: NOT_FOUND")
    if "--format=value(address)" in argv:
        print("{ip}")
    elif "--format=value(machineType.basename())" in argv:
        print("e2-standard-2")
    else:
        print("name: " + words[-1])
elif "create" in words or "import" in words:
    state["made"].append(key("create" if "create" in words else "import"))
    if words[0] == "secrets":
        state["secrets"][words[2]] = stdin
elif words[:3] == ["secrets", "versions", "add"]:
    state["secrets"][words[3]] = stdin
state_path.write_text(json.dumps(state))
'''


class StubBin:
    """A folder of stub programs put first on PATH; they log each call to ``log``."""

    def __init__(self, tmp: Path, log_name: str):
        self.tmp = tmp
        self.bin = tmp / "bin"
        self.bin.mkdir()
        self.log = tmp / log_name

    def install(self, name: str, stub: str) -> None:
        path = self.bin / name
        path.write_text(stub.replace("{python}", sys.executable))
        path.chmod(path.stat().st_mode | stat.S_IEXEC)

    def stub_env(self) -> dict[str, str]:
        return {"PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}", "STUB_LOG": str(self.log)}


class Cloud(StubBin):
    """A stub gcloud on PATH plus helpers to run deploy.sh and read what it called."""

    def __init__(self, tmp: Path):
        super().__init__(tmp, "gcloud.jsonl")
        self.install("gcloud", GCLOUD_STUB.replace("{ip}", IP))
        self.env = {
            **self.stub_env(),
            "HOME": str(tmp),
            "STUB_STATE": str(tmp / "state.json"),
            "IMAGE_TAG": IMAGE_TAG,
        }
        self.runs: list[subprocess.CompletedProcess[str]] = []

    def deploy(self, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess:
        start = len(self.calls())
        result = subprocess.run(
            ["bash", str(DEPLOY), "--project", PROJECT, *args],
            env={**self.env, **env},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.runs.append(result)
        result.new_calls = self.calls()[start:]  # type: ignore[attr-defined]
        if check:
            assert result.returncode == 0, result.stderr
        return result

    def calls(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]


def words(call: dict) -> list[str]:
    return [a for a in call["argv"] if not a.startswith("-")]


def find(calls: list[dict], *prefix: str) -> list[dict]:
    return [c for c in calls if words(c)[: len(prefix)] == list(prefix)]


def one(calls: list[dict], *prefix: str) -> dict:
    found = find(calls, *prefix)
    assert len(found) == 1, (prefix, [c["argv"] for c in calls])
    return found[0]


def flag(call: dict, name: str) -> str:
    values = [a.split("=", 1)[1] for a in call["argv"] if a.startswith(name + "=")]
    assert len(values) == 1, (name, call["argv"])
    return values[0]


MUTATING = (
    "create",
    "add",
    "enable",
    "submit",
    "update",
    "add-iam-policy-binding",
    "add-metadata",
    "stop",
    "start",
    "set-machine-type",
    "delete",
    "import",
    "resize",
    "start-update",
    "set-named-ports",
    "set-autoscaling",
    "set-password",
    "add-backend",
    "add-path-matcher",
)


def is_mutating(call: dict) -> bool:
    return any(w in MUTATING for w in words(call))


@pytest.fixture
def cloud(tmp_path: Path) -> Cloud:
    return Cloud(tmp_path)


@pytest.fixture
def keys() -> dict[str, str]:
    return {"APP_PASSWORD": PASSWORD, "OPENAI_API_KEY": OPENAI, "DID_API_KEY": DID}


# --- the real Google Cloud CLI --------------------------------------------------------------


def planned_gcloud(plan: str) -> list[str]:
    """The gcloud commands a ``--dry-run`` printed, without what they would read on stdin."""
    return [
        line.removeprefix("[dry-run] ").split("  <<< ")[0]
        for line in plan.splitlines()
        if line.startswith("[dry-run] gcloud ")
    ]


def assert_real_gcloud_accepts(command: str, config: Path) -> None:
    """Run one planned command with the real gcloud and no account configured (``config`` an
    empty folder): it must get past argument parsing and stop at authentication, so nothing
    can reach the cloud."""
    result = subprocess.run(
        ["bash", "-c", command.replace("gcloud ", f"{REAL_GCLOUD} ", 1)],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        env={
            **os.environ,
            "CLOUDSDK_CONFIG": str(config),
            "CLOUDSDK_CORE_DISABLE_PROMPTS": "1",
        },
    )
    assert "active account" in result.stderr, (command, result.stderr)


# --- the VM's boot script -------------------------------------------------------------------

CURL_STUB = r'''#!{python}
"""Stub curl: answers the metadata server and Secret Manager; records argv."""
import base64, json, os, sys
args = sys.argv[1:]
with open(os.environ["STUB_LOG"], "a") as log:
    log.write(json.dumps({"tool": "curl", "argv": args}) + "\n")
url = args[-1]
headers = [args[i + 1] for i, a in enumerate(args) if a == "-H"]
answers = json.loads(os.environ["STUB_ANSWERS"])
if url.endswith("/parlante-config"):
    print(os.environ["STUB_CONFIG"], end="")
elif url.endswith("/project/project-id"):
    print("parlante-test-123", end="")
elif url.endswith("/token"):
    print(json.dumps({"access_token": "ya29.FAKE-token", "expires_in": 3599}))
elif "secretmanager.googleapis.com" in url:
    header_file = [h for h in headers if h.startswith("@")]
    assert header_file and "ya29.FAKE-token" in open(header_file[0][1:]).read()
    name = url.split("/secrets/")[1].split("/")[0]
    if name not in answers:
        sys.exit(22)  # what curl -f does on a 404
    data = base64.b64encode(answers[name].encode()).decode()
    print(json.dumps({"name": name, "payload": {"data": data, "dataCrc32c": "1"}}, indent=2))
else:
    sys.exit(6)
'''

RECORDER_STUB = r"""#!{python}
import json, os, sys
stdin = sys.stdin.read() if "--password-stdin" in sys.argv else ""
with open(os.environ["STUB_LOG"], "a") as log:
    log.write(json.dumps({"tool": os.path.basename(sys.argv[0]), "argv": sys.argv[1:],
                          "stdin": stdin}) + "\n")
tool = os.path.basename(sys.argv[0])
if tool == "blkid" and os.environ.get("STUB_BLANK_DISK") == "1":
    sys.exit(2)
if tool in ("mountpoint",) or sys.argv[1:3] == ["network", "inspect"]:
    sys.exit(1)
"""


class Vm(StubBin):
    """Stub metadata server, Secret Manager (``curl``) and ``docker`` for startup.sh."""

    def __init__(self, tmp: Path):
        super().__init__(tmp, "vm.jsonl")
        self.run_dir = tmp / "run"
        self.data_dir = tmp / "disk"
        (tmp / "device").touch()
        self.install("curl", CURL_STUB)
        for tool in ("docker", "blkid", "mkfs.ext4", "fsck.ext4", "mount", "mountpoint", "chown"):
            self.install(tool, RECORDER_STUB)

    def start(self, config: str, secrets: dict[str, str], blank: bool = False, **env: str) -> None:
        """startup.sh with ``config`` as its parlante-config metadata and ``secrets`` (name:
        value) in Secret Manager; it must succeed. What it printed is kept in ``output``."""
        result = subprocess.run(
            ["bash", str(STARTUP)],
            env={
                **self.stub_env(),
                "STUB_ANSWERS": json.dumps(secrets),
                "STUB_CONFIG": config,
                "STUB_BLANK_DISK": "1" if blank else "0",
                "PARLANTE_RUN_DIR": str(self.run_dir),
                "PARLANTE_DATA_DIR": str(self.data_dir),
                "PARLANTE_DEVICE": str(self.tmp / "device"),
                **env,
            },
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        assert result.returncode == 0, result.stderr
        self.output = result.stdout + result.stderr

    def calls(self, tool: str) -> list[list[str]]:
        lines = [json.loads(line) for line in self.log.read_text().splitlines()]
        return [c["argv"] for c in lines if c["tool"] == tool]

    def docker_runs(self) -> list[list[str]]:
        return [argv for argv in self.calls("docker") if argv[:1] == ["run"]]


@pytest.fixture
def vm(tmp_path: Path) -> Vm:
    return Vm(tmp_path)
