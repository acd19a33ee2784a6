#!/usr/bin/env bash
# Deploy Parlante to a Google Cloud VM in one command; run it again to update it.
#
#   deploy/gcp/deploy.sh --project P [--region R] [--zone Z] [--name parlante]
#       [--machine-type e2-standard-2] [--domain D] [--streamlit-secrets FILE] [--dry-run]
#   deploy/gcp/deploy.sh --scaled --domain D --project P [--app-replicas 2]
#       [--max-app-replicas 6] [--workers 2] [--worker-machine-type e2-standard-4]
#       [--worker-concurrency 4] [--db-tier db-custom-2-7680] [--db-ha] [--bucket NAME] ...
#
# --scaled: app replicas and render workers in managed instance groups behind an HTTPS load
# balancer, Cloud SQL for PostgreSQL, a Cloud Storage bucket (see scaled.sh, docs/scaling.md).
# Secret values come from the environment (APP_PASSWORD, OPENAI_API_KEY, DID_API_KEY) or,
# for the password, from a prompt. They reach gcloud on stdin only (--data-file=-), never
# as an argument, and the VM reads them from Secret Manager at boot (see startup.sh).
# Every cloud call goes through `gcloud` on PATH, so tests can stub it.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HERE/../.." && pwd)

PROJECT="" REGION="" ZONE="" NAME=parlante MACHINE_TYPE=e2-standard-2 DOMAIN=""
STREAMLIT_SECRETS_FILE="" DRY_RUN=0
# --scaled (scaled.sh): replicas, workers and the database
SCALED=0 APP_REPLICAS=2 MAX_APP_REPLICAS="" WORKERS=2 WORKER_MACHINE_TYPE=e2-standard-4
WORKER_CONCURRENCY=4 DB_TIER=db-custom-2-7680 DB_HA=0 BUCKET=""
APP_PORT=8501      # the port the app is served on when there is no domain
DISK_SIZE_GB=20    # the data disk (/data: videos, history, caches)
APIS=(compute.googleapis.com artifactregistry.googleapis.com cloudbuild.googleapis.com
    secretmanager.googleapis.com iam.googleapis.com)

usage() { sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
die() { printf 'deploy.sh: %s\n' "$*" >&2; exit 2; }
say() { printf '==> %s\n' "$*" >&2; }

parse_args() {
    local arg
    while (($#)); do
        arg=$1
        shift
        # Accept --flag=value as well as --flag value.
        if [[ $arg == --*=* ]]; then set -- "${arg#*=}" "$@"; arg=${arg%%=*}; fi
        case $arg in
            --dry-run) DRY_RUN=1; continue ;;
            --scaled) SCALED=1; continue ;;
            --db-ha) DB_HA=1; continue ;;
            -h | --help) usage; exit 0 ;;
            --project | --region | --zone | --name | --machine-type | --domain | --streamlit-secrets | \
                --app-replicas | --max-app-replicas | --workers | --worker-machine-type | \
                --worker-concurrency | --db-tier | --bucket)
                (($#)) && [[ -n $1 ]] || die "$arg needs a value" ;;
            *) usage >&2; die "unknown argument: $arg" ;;
        esac
        case $arg in
            --project) PROJECT=$1 ;;
            --region) REGION=$1 ;;
            --zone) ZONE=$1 ;;
            --name) NAME=$1 ;;
            --machine-type) MACHINE_TYPE=$1 ;;
            --domain) DOMAIN=$1 ;;
            --streamlit-secrets) STREAMLIT_SECRETS_FILE=$1 ;;
            --app-replicas) APP_REPLICAS=$1 ;;
            --max-app-replicas) MAX_APP_REPLICAS=$1 ;;
            --workers) WORKERS=$1 ;;
            --worker-machine-type) WORKER_MACHINE_TYPE=$1 ;;
            --worker-concurrency) WORKER_CONCURRENCY=$1 ;;
            --db-tier) DB_TIER=$1 ;;
            --bucket) BUCKET=$1 ;;
        esac
        shift
    done

    [[ -n $PROJECT ]] || { usage >&2; die "--project is required"; }
    [[ $PROJECT =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]] || die "invalid project id: $PROJECT"
    # The name prefixes every resource; the service account id "<name>-vm" allows 6-30 chars.
    [[ $NAME =~ ^[a-z][a-z0-9-]{1,25}[a-z0-9]$ ]] ||
        die "--name must be 3-27 lowercase letters, digits or hyphens, starting with a letter"
    # The domain is written into the Caddyfile on the VM: allow host names only.
    [[ -z $DOMAIN || $DOMAIN =~ ^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$ ]] ||
        die "invalid domain: $DOMAIN"
    [[ -z $STREAMLIT_SECRETS_FILE || -r $STREAMLIT_SECRETS_FILE ]] ||
        die "cannot read $STREAMLIT_SECRETS_FILE"
    # A zone names its region (us-central1-a -> us-central1). Zone "-b" exists in nearly
    # every region (unlike "-a"), so it is the default for a region given alone.
    if [[ -z $REGION ]]; then REGION=${ZONE:+${ZONE%-*}}; REGION=${REGION:-us-central1}; fi
    ZONE=${ZONE:-$REGION-b}
    [[ $ZONE == "$REGION"-* ]] || die "zone $ZONE is not in region $REGION"
    [[ $MACHINE_TYPE =~ ^[a-z0-9]+-[a-z0-9-]+$ ]] || die "invalid machine type: $MACHINE_TYPE"
    if ((SCALED)); then check_scaled_args; fi
}

# --- gcloud wrappers ------------------------------------------------------------------
gc() { gcloud "$@" --project="$PROJECT" --quiet; }

# Read-only probe: does this resource exist?
exists() { gc "$@" >/dev/null 2>&1; }

# Shell-quotes only the arguments that need it, so the printed plan stays readable.
quote_args() {
    local arg
    for arg in "$@"; do
        if [[ $arg =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then printf ' %s' "$arg"; else printf ' %q' "$arg"; fi
    done
}

# Every call that changes something goes through here, so --dry-run can print it instead.
mutate() {
    if ((DRY_RUN)); then
        printf '[dry-run] gcloud%s --project=%s\n' "$(quote_args "$@")" "$PROJECT"
        return 0
    fi
    gc "$@"
}

# Like mutate, but the value of the environment variable named $1 is sent on stdin.
# printf is a shell builtin, so the value is never in any process's argument list.
mutate_with_secret() {
    local var=$1
    shift
    if ((DRY_RUN)); then
        printf '[dry-run] gcloud%s --data-file=- --project=%s  <<< "$%s"\n' \
            "$(quote_args "$@")" "$PROJECT" "$var"
        return 0
    fi
    printf '%s' "${!var}" | gc "$@" --data-file=-
}

# A new service account takes a few seconds to be visible to IAM: retry bindings.
with_retry() {
    local try
    for try in 1 2 3 4 5; do
        "$@" && return 0
        ((DRY_RUN)) && return 1
        say "retrying in $((try * 5)) s"
        sleep $((try * 5))
    done
    return 1
}

# --- steps ------------------------------------------------------------------------------
secret_id() { printf '%s-%s' "$NAME" "$1"; }   # e.g. parlante-app-password

ask_password_if_needed() {
    [[ -n ${APP_PASSWORD:-} || -n $STREAMLIT_SECRETS_FILE ]] && return 0
    exists secrets describe "$(secret_id app-password)" && return 0
    if ((DRY_RUN)); then
        say "A real run would ask for the app password here."
        APP_PASSWORD="<asked at deploy time>" # a placeholder for the plan; sent nowhere
        return 0
    fi
    [[ -t 0 ]] || die "no app password yet: set APP_PASSWORD (or --streamlit-secrets with [auth])"
    local again
    read -rsp "Password for the app (12+ characters): " APP_PASSWORD && echo >&2
    read -rsp "Same password again: " again && echo >&2
    [[ $APP_PASSWORD == "$again" ]] || die "the two passwords differ"
    export APP_PASSWORD
}

check_password() {
    if [[ -n ${APP_PASSWORD:-} && ${#APP_PASSWORD} -lt 12 ]]; then
        die "APP_PASSWORD is too short: use at least 12 characters (the app is on the internet)"
    fi
}

enable_apis() {
    say "Enabling APIs (no-op when already enabled)"
    mutate services enable "${APIS[@]}"
}

ensure_repository() {
    if exists artifacts repositories describe "$NAME" --location="$REGION"; then
        say "Artifact Registry repository $NAME exists"
    else
        say "Creating Artifact Registry repository $NAME"
        mutate artifacts repositories create "$NAME" --repository-format=docker \
            --location="$REGION" --description="Parlante container images"
    fi
}

build_image() {
    say "Building $IMAGE with Cloud Build (a few minutes)"
    # From the repository root, so the Dockerfile and .dockerignore there are used.
    (cd "$REPO_ROOT" && mutate builds submit . --tag="$IMAGE" \
        --ignore-file=deploy/gcp/gcloudignore --timeout=30m)
}

ensure_service_account() {
    if exists iam service-accounts describe "$SA"; then
        say "Service account $SA exists"
    else
        say "Creating service account $SA (the VM's identity: pull the image, read secrets)"
        mutate iam service-accounts create "$NAME-vm" --display-name="Parlante VM"
    fi
    # add-iam-policy-binding is idempotent: an existing binding is left as it is.
    with_retry mutate artifacts repositories add-iam-policy-binding "$NAME" \
        --location="$REGION" --member="serviceAccount:$SA" --role=roles/artifactregistry.reader \
        --format=none
}

# store_secret ENV_VAR SECRET_ID [ACCOUNT...]: create the secret, or add a version when the
# value changed, and let those service accounts (default: the VM's) read it. An unset
# variable keeps what Secret Manager already holds.
store_secret() {
    local var=$1 id=$2 current member
    shift 2
    (($#)) || set -- "$SA"
    if exists secrets describe "$id"; then
        if [[ -z ${!var:-} ]]; then
            say "Secret $id kept ($var not set)"
        elif ((!DRY_RUN)) && current=$(gc secrets versions access latest --secret="$id" 2>/dev/null) &&
            [[ $current == "${!var}" ]]; then
            say "Secret $id unchanged"
        else
            say "Adding a new version of secret $id from \$$var"
            mutate_with_secret "$var" secrets versions add "$id"
        fi
    elif [[ -n ${!var:-} ]]; then
        say "Creating secret $id from \$$var"
        mutate_with_secret "$var" secrets create "$id" --replication-policy=automatic
    else
        say "Secret $id skipped ($var not set)"
        return 0
    fi
    # Only the accounts named may read it, and only this secret (not project-wide).
    for member in "$@"; do
        with_retry mutate secrets add-iam-policy-binding "$id" --member="serviceAccount:$member" \
            --role=roles/secretmanager.secretAccessor --format=none
    done
}

store_secrets() {
    store_secret APP_PASSWORD "$(secret_id app-password)"
    store_secret OPENAI_API_KEY "$(secret_id openai-api-key)"
    store_secret DID_API_KEY "$(secret_id did-api-key)"
    store_streamlit_secrets "$SA"
}

# --streamlit-secrets FILE, readable by ACCOUNT. A file: its path may be an argument, its
# content is read by gcloud itself.
store_streamlit_secrets() {
    [[ -n $STREAMLIT_SECRETS_FILE ]] || return 0
    local id
    id=$(secret_id streamlit-secrets)
    if exists secrets describe "$id"; then
        mutate secrets versions add "$id" --data-file="$STREAMLIT_SECRETS_FILE"
    else
        mutate secrets create "$id" --replication-policy=automatic \
            --data-file="$STREAMLIT_SECRETS_FILE"
    fi
    with_retry mutate secrets add-iam-policy-binding "$id" --member="serviceAccount:$1" \
        --role=roles/secretmanager.secretAccessor --format=none
}

ensure_disk_and_address() {
    if exists compute disks describe "$NAME-data" --zone="$ZONE"; then
        say "Data disk $NAME-data exists (kept across updates)"
    else
        say "Creating a ${DISK_SIZE_GB} GB data disk $NAME-data"
        mutate compute disks create "$NAME-data" --zone="$ZONE" --size="${DISK_SIZE_GB}GB" \
            --type=pd-balanced
    fi
    # A static address: the URL (and a domain's DNS record) survive stop/start.
    if exists compute addresses describe "$NAME-ip" --region="$REGION"; then
        say "Static address $NAME-ip exists"
    else
        say "Reserving static address $NAME-ip"
        mutate compute addresses create "$NAME-ip" --region="$REGION"
    fi
}

ensure_firewall() {
    local rule="$NAME-web" ports="tcp:$APP_PORT"
    [[ -z $DOMAIN ]] || ports="tcp:80,tcp:443"   # Caddy: ACME challenge + HTTPS
    if exists compute firewall-rules describe "$rule"; then
        say "Updating firewall rule $rule: $ports only"
        mutate compute firewall-rules update "$rule" --allow="$ports" \
            --source-ranges=0.0.0.0/0 --target-tags="$NAME"
    else
        say "Opening $ports to the VM (firewall rule $rule)"
        mutate compute firewall-rules create "$rule" --network=default --direction=INGRESS \
            --allow="$ports" --source-ranges=0.0.0.0/0 --target-tags="$NAME" \
            --description="Parlante web traffic"
    fi
}

# The VM's configuration: names and the image, never secret values.
write_vm_config() {
    {
        printf 'IMAGE=%s\n' "$IMAGE"
        printf 'PORT=%s\n' "$APP_PORT"
        printf 'DOMAIN=%s\n' "$DOMAIN"
        printf 'SECRETS=APP_PASSWORD=%s OPENAI_API_KEY=%s DID_API_KEY=%s\n' \
            "$(secret_id app-password)" "$(secret_id openai-api-key)" "$(secret_id did-api-key)"
        printf 'STREAMLIT_SECRETS=%s\n' "${STREAMLIT_SECRETS_FILE:+$(secret_id streamlit-secrets)}"
    } >"$VM_CONFIG"
    if ((DRY_RUN)); then sed 's/^/[dry-run]   parlante-config: /' "$VM_CONFIG"; fi
}

ensure_vm() {
    local metadata="startup-script=$HERE/startup.sh,parlante-config=$VM_CONFIG"
    if ! exists compute instances describe "$NAME" --zone="$ZONE"; then
        say "Creating VM $NAME ($MACHINE_TYPE, Container-Optimized OS)"
        mutate compute instances create "$NAME" --zone="$ZONE" --machine-type="$MACHINE_TYPE" \
            --image-family=cos-stable --image-project=cos-cloud \
            --boot-disk-size=20GB --boot-disk-type=pd-balanced \
            --disk="name=$NAME-data,device-name=parlante-data,mode=rw,boot=no,auto-delete=no" \
            --address="$NAME-ip" --tags="$NAME" \
            --service-account="$SA" --scopes=cloud-platform \
            --shielded-secure-boot --shielded-vtpm --shielded-integrity-monitoring \
            --metadata=enable-oslogin=TRUE --metadata-from-file="$metadata"
        return 0
    fi
    say "Updating VM $NAME: new configuration, then a clean stop and start (about 2 minutes)"
    mutate compute instances add-metadata "$NAME" --zone="$ZONE" --metadata-from-file="$metadata"
    mutate compute instances stop "$NAME" --zone="$ZONE"
    local current
    current=$(gc compute instances describe "$NAME" --zone="$ZONE" \
        --format='value(machineType.basename())' 2>/dev/null || true)
    if [[ -n $current && $current != "$MACHINE_TYPE" ]]; then
        mutate compute instances set-machine-type "$NAME" --zone="$ZONE" \
            --machine-type="$MACHINE_TYPE"
    fi
    # The boot script runs again: it pulls the new image and re-reads the secrets.
    mutate compute instances start "$NAME" --zone="$ZONE"
}

print_url() {
    local ip
    ip=$(gc compute addresses describe "$NAME-ip" --region="$REGION" \
        --format='value(address)' 2>/dev/null || true)
    ip=${ip:-<the static address $NAME-ip>}
    if [[ -n $DOMAIN ]]; then
        say "Point the DNS A record of $DOMAIN to $ip; Caddy then gets the certificate itself."
        printf 'URL: https://%s\n' "$DOMAIN"
    else
        printf 'URL: http://%s:%s\n' "$ip" "$APP_PORT"
    fi
    if ((DRY_RUN)); then
        say "Dry run: nothing was changed."
    else
        say "The VM needs 2-4 minutes to boot and pull the image; see docs/deploy-gcp.md if not."
    fi
}

# shellcheck source=deploy/gcp/scaled.sh
source "$HERE/scaled.sh"

main() {
    parse_args "$@"
    command -v gcloud >/dev/null || die "gcloud not found: install the Google Cloud CLI"
    ((DRY_RUN)) && say "Dry run: printing the plan; nothing will be changed."

    # A new tag per deploy (IMAGE_TAG overrides), so the VMs always pull what was just built.
    TAG=${IMAGE_TAG:-$(date -u +%Y%m%d-%H%M%S)}
    IMAGE="$REGION-docker.pkg.dev/$PROJECT/$NAME/parlante:$TAG"
    # Files handed to gcloud (VM configuration, ...): private, removed on exit.
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
    if ((SCALED)); then
        scaled_main
        return
    fi

    SA="$NAME-vm@$PROJECT.iam.gserviceaccount.com"
    VM_CONFIG="$WORK/parlante-config"

    # Ask before the long build, not after it.
    ask_password_if_needed
    check_password

    enable_apis
    ensure_repository
    ensure_service_account
    store_secrets
    build_image
    ensure_disk_and_address
    ensure_firewall
    write_vm_config
    ensure_vm
    print_url
}

main "$@"
