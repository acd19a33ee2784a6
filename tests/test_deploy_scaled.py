"""deploy/gcp/deploy.sh --scaled (deploy/gcp/scaled.sh) and the VM roles of startup.sh.

The stub ``gcloud`` of tests/deploy_stubs.py (tests/test_deploy.py's too) records every call
and keeps a little state, so a second run sees what the first created; the real Google Cloud
CLI (when installed) checks that every command of the plan is accepted, in both the first and
the update run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests import deploy_stubs as stubs
from tests.deploy_stubs import (
    IMAGE,
    IMAGE_TAG,
    OPENAI,
    PASSWORD,
    PROJECT,
    Cloud,
    Vm,
    find,
    flag,
    one,
    words,
)

cloud, keys, vm = stubs.cloud, stubs.keys, stubs.vm  # tests/deploy_stubs.py's fixtures

DOMAIN = "video.example.org"
SCALED = ("--scaled", "--domain", DOMAIN)
APP_SA = f"parlante-app@{PROJECT}.iam.gserviceaccount.com"
WORKER_SA = f"parlante-worker@{PROJECT}.iam.gserviceaccount.com"
BUCKET = f"gs://{PROJECT}-parlante-media"


def readers(calls: list[dict], secret: str) -> set[str]:
    return {
        flag(c, "--member").removeprefix("serviceAccount:")
        for c in find(calls, "secrets", "add-iam-policy-binding", secret)
        if flag(c, "--role") == "roles/secretmanager.secretAccessor"
    }


def config_of(call: dict) -> dict[str, str]:
    return dict(line.split("=", 1) for line in call["files"]["parlante-config"].splitlines())


# --- first run ------------------------------------------------------------------------------


def test_cloud_sql_is_private_to_the_proxy_and_sized_for_the_pools(
    cloud: Cloud, keys: dict
) -> None:
    calls = cloud.deploy(*SCALED, "--workers", "3", "--worker-concurrency", "4", **keys).new_calls
    db = one(calls, "sql", "instances", "create")
    assert words(db)[3] == "parlante-db"
    assert flag(db, "--database-version").startswith("POSTGRES_")
    assert flag(db, "--ssl-mode") == "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
    assert flag(db, "--availability-type") == "ZONAL"
    assert "--deletion-protection" in db["argv"] and "--enable-point-in-time-recovery" in db["argv"]
    assert not any(a.startswith("--authorized-networks") for a in db["argv"])
    # 6 app VMs (3 x 2) x 2 processes x 15 + 3 worker VMs x 4 processes x (15 + 4) + 20
    assert flag(db, "--database-flags") == "max_connections=428"
    assert words(one(calls, "sql", "databases", "create"))[3] == "parlante"
    # Connecting needs cloudsql.client, granted on this instance only.
    for sa in (APP_SA, WORKER_SA):
        (grant,) = [
            c
            for c in find(calls, "projects", "add-iam-policy-binding")
            if flag(c, "--member") == f"serviceAccount:{sa}"
            and flag(c, "--role") != "roles/logging.logWriter"
        ]
        assert flag(grant, "--role") == "roles/cloudsql.client"
        assert f"resource.name == 'projects/{PROJECT}/instances/parlante-db'" in flag(
            grant, "--condition"
        )


def test_the_database_password_is_made_here_and_reaches_only_secret_manager(
    cloud: Cloud, keys: dict
) -> None:
    result = cloud.deploy(*SCALED, **keys)
    user = one(result.new_calls, "sql", "users", "create")
    (password,) = re.findall(r"^--password: (\w+)$", user["files"]["--flags-file"], re.M)
    assert len(password) == 32
    url_secret = one(result.new_calls, "secrets", "create", "parlante-database-url")
    assert url_secret["stdin"] == f"postgresql://parlante:{password}@cloudsql:5432/parlante"
    assert flag(url_secret, "--data-file") == "-"
    for call in cloud.calls():
        assert not any(password in arg for arg in call["argv"]), call["argv"]
    assert password not in result.stdout + result.stderr
    assert readers(result.new_calls, "parlante-database-url") == {APP_SA, WORKER_SA}


def test_each_account_reads_only_the_secrets_it_needs(cloud: Cloud, keys: dict) -> None:
    calls = cloud.deploy(*SCALED, **keys).new_calls
    assert readers(calls, "parlante-app-password") == {APP_SA}
    assert readers(calls, "parlante-cookie-secret") == {APP_SA}
    assert readers(calls, "parlante-openai-api-key") == {APP_SA, WORKER_SA}
    assert readers(calls, "parlante-did-api-key") == {APP_SA, WORKER_SA}
    assert len(one(calls, "secrets", "create", "parlante-cookie-secret")["stdin"]) == 32
    # Project-wide: only writing logs, and Cloud SQL with a condition naming the instance.
    for call in find(calls, "projects", "add-iam-policy-binding"):
        assert flag(call, "--role") in ("roles/cloudsql.client", "roles/logging.logWriter")
        if flag(call, "--role") == "roles/cloudsql.client":
            assert "instances/parlante-db'" in flag(call, "--condition")
    roles = {flag(c, "--role") for c in calls if "--role" in " ".join(c["argv"])}
    assert not {r for r in roles if "admin" in r or "owner" in r or "editor" in r}


def test_the_bucket_is_private_and_objects_only(cloud: Cloud, keys: dict) -> None:
    calls = cloud.deploy(*SCALED, **keys).new_calls
    bucket = one(calls, "storage", "buckets", "create")
    assert words(bucket)[3] == BUCKET
    assert "--uniform-bucket-level-access" in bucket["argv"]
    assert "--public-access-prevention" in bucket["argv"]
    grants = find(calls, "storage", "buckets", "add-iam-policy-binding")
    assert {flag(c, "--member") for c in grants} == {
        f"serviceAccount:{APP_SA}",
        f"serviceAccount:{WORKER_SA}",
    }
    assert {flag(c, "--role") for c in grants} == {"roles/storage.objectUser"}
    everyone = ("allUsers", "allAuthenticatedUsers")
    assert not any(who in a for who in everyone for c in calls for a in c["argv"])
    # Only the app signs links, and only as itself.
    (sign,) = find(calls, "iam", "service-accounts", "add-iam-policy-binding")
    assert words(sign)[3] == APP_SA and flag(sign, "--member") == f"serviceAccount:{APP_SA}"
    assert flag(sign, "--role") == "roles/iam.serviceAccountTokenCreator"


def test_app_and_worker_groups_run_the_new_image_without_public_addresses(
    cloud: Cloud, keys: dict
) -> None:
    calls = cloud.deploy(
        *SCALED, "--app-replicas", "3", "--workers", "4", "--worker-concurrency", "6", **keys
    ).new_calls
    templates = {words(c)[3]: c for c in find(calls, "compute", "instance-templates", "create")}
    assert set(templates) == {f"parlante-app-{IMAGE_TAG}", f"parlante-worker-{IMAGE_TAG}"}
    app, worker = templates[f"parlante-app-{IMAGE_TAG}"], templates[f"parlante-worker-{IMAGE_TAG}"]
    for template in (app, worker):
        assert "--no-address" in template["argv"]
        assert "--shielded-secure-boot" in template["argv"]
        assert template["files"]["startup-script"] == stubs.STARTUP.read_text()
    assert flag(app, "--service-account") == APP_SA and flag(app, "--tags") == "parlante-app"
    assert flag(worker, "--service-account") == WORKER_SA
    assert flag(worker, "--machine-type") == "e2-standard-4"

    app_config, worker_config = config_of(app), config_of(worker)
    assert app_config["ROLE"] == "app" and worker_config["ROLE"] == "worker"
    assert app_config["IMAGE"] == worker_config["IMAGE"] == IMAGE
    assert app_config["CLOUDSQL"] == f"{PROJECT}:us-central1:parlante-db"
    assert app_config["MEDIA_URL"] == f"{BUCKET}/parlante"
    assert worker_config["WORKER_CONCURRENCY"] == "6"
    assert "APP_PASSWORD=" in app_config["SECRETS"]
    assert "APP_PASSWORD" not in worker_config["SECRETS"]
    assert "DATABASE_URL=parlante-database-url" in worker_config["SECRETS"]

    made = find(calls, "compute", "instance-groups", "managed", "create")
    groups = {words(c)[4]: c for c in made}
    assert flag(groups["parlante-app"], "--size") == "3"
    assert flag(groups["parlante-app"], "--health-check") == "parlante-app-hc"
    assert flag(groups["parlante-worker"], "--size") == "4"
    assert flag(groups["parlante-worker"], "--template") == f"parlante-worker-{IMAGE_TAG}"
    scaling = one(calls, "compute", "instance-groups", "managed", "set-autoscaling")
    assert flag(scaling, "--min-num-replicas") == "3" and flag(scaling, "--max-num-replicas") == "9"
    # The template exists before its group; the image is built before both.
    build = one(calls, "builds", "submit")
    assert calls.index(build) < calls.index(app) < calls.index(groups["parlante-app"])


def test_the_load_balancer_keeps_a_browser_on_its_replica_and_routes_the_api(
    cloud: Cloud, keys: dict
) -> None:
    result = cloud.deploy(*SCALED, **keys)
    calls = result.new_calls
    backends = {words(c)[3]: c for c in find(calls, "compute", "backend-services", "create")}
    app = backends["parlante-app-bs"]
    assert flag(app, "--session-affinity") == "STRONG_COOKIE_AFFINITY"
    assert flag(app, "--load-balancing-scheme") == "EXTERNAL_MANAGED"
    assert flag(app, "--port-name") == "http" and flag(app, "--health-checks") == "parlante-app-hc"
    assert int(flag(app, "--timeout")) >= 3600, "websockets stay open"
    assert flag(backends["parlante-api-bs"], "--port-name") == "api"
    ports = one(calls, "compute", "instance-groups", "managed", "set-named-ports")
    assert flag(ports, "--named-ports") == "http:8501,api:8000"
    paths = one(calls, "compute", "url-maps", "add-path-matcher")
    assert "/v1/*=parlante-api-bs" in flag(paths, "--path-rules")
    assert flag(one(calls, "compute", "ssl-certificates", "create"), "--domains") == DOMAIN
    rules = {words(c)[3]: c for c in find(calls, "compute", "forwarding-rules", "create")}
    assert flag(rules["parlante-https"], "--ports") == "443"
    assert flag(rules["parlante-http"], "--target-http-proxy") == "parlante-http"
    redirect = one(calls, "compute", "url-maps", "import")
    assert "httpsRedirect: true" in redirect["files"]["--source"]
    # Only Google's load balancers reach the app ports; nothing else is opened.
    (firewall,) = find(calls, "compute", "firewall-rules", "create")
    assert flag(firewall, "--source-ranges") == "130.211.0.0/22,35.191.0.0/16"
    assert flag(firewall, "--target-tags") == "parlante-app"
    assert f"URL: https://{DOMAIN}" in result.stdout
    # Egress (D-ID, OpenAI, images) through Cloud NAT, as no VM has an address.
    one(calls, "compute", "routers", "nats", "create")
    # The single-VM shape is not built.
    assert not find(calls, "compute", "instances", "create")
    assert not find(calls, "compute", "disks", "create")


# --- second run -----------------------------------------------------------------------------


def test_second_run_rolls_the_groups_over_and_creates_nothing_else(
    cloud: Cloud, keys: dict
) -> None:
    cloud.deploy(*SCALED, **keys)
    first_url = json.loads((cloud.tmp / "state.json").read_text())["secrets"][
        "parlante-database-url"
    ]
    calls = cloud.deploy(*SCALED, "--workers", "5", IMAGE_TAG="t2", **keys).new_calls
    created = [words(c)[:4] for c in calls if "create" in words(c)]
    assert sorted(w[3] for w in created) == ["parlante-app-t2", "parlante-worker-t2"]
    updates = {
        words(c)[5]: c
        for c in find(calls, "compute", "instance-groups", "managed", "rolling-action")
    }
    assert flag(updates["parlante-app"], "--version") == "template=parlante-app-t2"
    assert flag(updates["parlante-worker"], "--max-unavailable") == "0"
    resize = one(calls, "compute", "instance-groups", "managed", "resize")
    assert flag(resize, "--size") == "5"
    # The database password and the cookie secret are kept.
    assert not find(calls, "sql", "users", "create")
    assert not find(calls, "sql", "users", "set-password")
    assert not find(calls, "secrets", "versions", "add")
    state = json.loads((cloud.tmp / "state.json").read_text())
    assert state["secrets"]["parlante-database-url"] == first_url


# --- refusals and the plan ------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("--scaled",),  # no domain
        (*SCALED, "--workers", "0"),
        (*SCALED, "--app-replicas", "x"),
        (*SCALED, "--app-replicas", "4", "--max-app-replicas", "2"),
        (*SCALED, "--name", "a-name-that-is-far-too-long"),
        (*SCALED, "--db-tier", "tier; rm -rf /"),
        (*SCALED, "--bucket", "Has_Upper"),
        (*SCALED, "--worker-concurrency"),
    ],
)
def test_rejects_bad_arguments_before_calling_gcloud(cloud: Cloud, args: tuple) -> None:
    result = cloud.deploy(*args, check=False, APP_PASSWORD=PASSWORD)
    assert result.returncode == 2, result.stderr
    assert cloud.calls() == []


def test_dry_run_prints_the_whole_plan_and_changes_nothing(cloud: Cloud) -> None:
    result = cloud.deploy(*SCALED, "--dry-run", APP_PASSWORD=PASSWORD)
    assert not [c["argv"] for c in result.new_calls if stubs.is_mutating(c)]
    for step in (
        "gcloud sql instances create parlante-db",
        "gcloud sql users create parlante",
        "gcloud storage buckets create gs://",
        "gcloud compute instance-templates create parlante-app-t1",
        "gcloud compute instance-groups managed create parlante-worker",
        "gcloud compute backend-services create parlante-app-bs",
        "gcloud compute forwarding-rules create parlante-https",
    ):
        assert f"[dry-run] {step}" in result.stdout, step
    assert '<<< "$PARLANTE_DATABASE_URL"' in result.stdout
    assert "app parlante-config: ROLE=app" in result.stdout
    assert PASSWORD not in result.stdout + result.stderr


@pytest.mark.skipif(stubs.REAL_GCLOUD is None, reason="the Google Cloud CLI is not installed")
def test_real_gcloud_accepts_every_planned_command(cloud: Cloud, tmp_path: Path) -> None:
    """Each command of the plan, for a new project and for an update, goes to the real gcloud
    with no account configured: it must get past argument parsing and stop at authentication
    (nothing can reach the cloud). A command both plans share is checked once."""
    toml = tmp_path / "secrets.toml"
    toml.write_text("[auth]\n")
    flags_file = tmp_path / "flags.yaml"
    flags_file.write_text("--password: FAKEpassword000\n")
    redirect = tmp_path / "redirect.yaml"
    redirect.write_text("name: parlante-redirect\ndefaultUrlRedirect:\n  httpsRedirect: true\n")
    commands: set[str] = set()
    for exists in ("0", "1"):
        plan = cloud.deploy(
            *SCALED,
            "--dry-run",
            "--db-ha",
            "--streamlit-secrets",
            str(toml),
            STUB_ALL_EXIST=exists,
            OPENAI_API_KEY=OPENAI,
        ).stdout
        planned = set(stubs.planned_gcloud(plan))
        assert len(planned) > (5 if exists == "1" else 30)
        commands |= planned
    assert any("rolling-action start-update" in c for c in commands), "the update plan is in"
    config = tmp_path / "gcloud-config"
    for command in sorted(commands):
        command = re.sub(r"parlante-config=/\S+", f"parlante-config={stubs.STARTUP}", command)
        command = re.sub(r"--flags-file=/\S+", f"--flags-file={flags_file}", command)
        command = re.sub(r"--source=/\S+", f"--source={redirect}", command)
        stubs.assert_real_gcloud_accepts(command, config)


# --- the VMs' roles -------------------------------------------------------------------------

ROLE_SECRETS = {
    "parlante-app-password": PASSWORD,
    "parlante-openai-api-key": OPENAI,
    "parlante-database-url": "postgresql://parlante:FAKEdb000@cloudsql:5432/parlante",
    "parlante-cookie-secret": "FAKEcookie000",
}


def boot_role(vm: Vm, role: str) -> None:
    secrets = "OPENAI_API_KEY=parlante-openai-api-key DATABASE_URL=parlante-database-url"
    if role == "app":
        secrets = "APP_PASSWORD=parlante-app-password " + secrets
        secrets += " STREAMLIT_SERVER_COOKIE_SECRET=parlante-cookie-secret"
    config = (
        f"ROLE={role}\nIMAGE={IMAGE}\nSECRETS={secrets}\nSTREAMLIT_SECRETS=\n"
        f"CLOUDSQL={PROJECT}:us-central1:parlante-db\n"
        "CLOUDSQL_PROXY_IMAGE=gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.3\n"
        "MEDIA_URL=gs://b/parlante\nWORKER_CONCURRENCY=6\n"
    )
    vm.start(config, ROLE_SECRETS, blank=True, PARLANTE_CACHE_DIR=str(vm.tmp / "stateful"))


def by_name(runs: list[list[str]]) -> dict[str, list[str]]:
    return {run[run.index("--name") + 1]: run for run in runs}


def test_worker_vm_runs_the_worker_beside_the_sql_proxy_and_no_disk(vm: Vm) -> None:
    boot_role(vm, "worker")
    runs = by_name(vm.docker_runs())
    assert set(runs) == {"cloudsql", "parlante-worker"}
    proxy, worker = runs["cloudsql"], runs["parlante-worker"]
    assert proxy[-1] == f"{PROJECT}:us-central1:parlante-db"
    assert "--max-sigterm-delay=90s" in proxy
    assert worker[worker.index(IMAGE) :] == [
        IMAGE,
        "python",
        "-m",
        "core",
        "worker",
        "--concurrency",
        "6",
    ]
    # SIGKILL only after the job processes' grace (45 s) and their report (30 s)
    assert worker[worker.index("--stop-timeout") + 1] == "85"
    assert "WORKER_GRACE_S=45" in worker
    assert "--publish" not in worker
    assert "--no-healthcheck" in worker  # the image's check asks Streamlit
    assert "MEDIA_URL=gs://b/parlante" in worker
    assert vm.calls("mkfs.ext4") == [] and vm.calls("mount") == []
    env_lines = (vm.run_dir / "app.env").read_text().splitlines()
    assert "DATABASE_URL=postgresql://parlante:FAKEdb000@cloudsql:5432/parlante" in env_lines
    assert not any(line.startswith("APP_PASSWORD=") for line in env_lines)


def test_app_vm_runs_the_app_and_the_api_and_no_jobs(vm: Vm) -> None:
    boot_role(vm, "app")
    runs = by_name(vm.docker_runs())
    assert set(runs) == {"cloudsql", "parlante", "parlante-api"}
    app, api = runs["parlante"], runs["parlante-api"]
    assert app[-1] == IMAGE and "RUN_JOBS=0" in app
    assert app[app.index("--publish") + 1] == "8501:8501"
    assert api[api.index(IMAGE) + 1 :][:3] == ["python", "-m", "core"]
    assert "serve" in api and "RUN_JOBS=0" in api
    assert api[api.index("--publish") + 1] == "8000:8000"
    assert not [run for run in vm.docker_runs() if run[-1].startswith("caddy")]
    for run in (app, api):  # secrets by file only, never on the command line
        assert not any(value in arg for value in ROLE_SECRETS.values() for arg in run)
    env_lines = (vm.run_dir / "app.env").read_text().splitlines()
    assert "STREAMLIT_SERVER_COOKIE_SECRET=FAKEcookie000" in env_lines


def test_an_unknown_role_stops_the_boot(vm: Vm) -> None:
    with pytest.raises(AssertionError):
        boot_role(vm, "mystery")
    assert vm.docker_runs() == []
