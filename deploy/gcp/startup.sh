#!/bin/bash
# Boot script of the Parlante VM (Container-Optimized OS). deploy.sh stores it in the
# instance's `startup-script` metadata; the guest agent runs it as root at EVERY boot,
# which is what restarts the app after a reboot and applies an update (deploy.sh stops and
# starts the VM after changing the image in `parlante-config`).
#
# With deploy.sh --scaled the same script boots the VMs of the managed instance groups; the
# ROLE in parlante-config says what runs there (docs/scaling.md):
#   single  (default) the app on its data disk, Caddy in front with a domain
#   app     the Streamlit app and the HTTP API, RUN_JOBS=0, beside a Cloud SQL Auth Proxy
#   worker  python -m core worker, beside a Cloud SQL Auth Proxy
# App and worker VMs are disposable: no data disk (media in Cloud Storage, records in Cloud
# SQL); their caches live on the boot disk's stateful partition.
#
# It holds no secret. Secret values are read here, at boot, from Secret Manager with the
# VM's own service account, and written to a tmpfs file that the container reads: they are
# never in metadata, never on a command line, never on a disk.
set -euo pipefail

RUN_DIR=${PARLANTE_RUN_DIR:-/run/parlante}           # tmpfs: gone at power-off
DATA_DIR=${PARLANTE_DATA_DIR:-/mnt/disks/parlante}   # mount point of the data disk
CACHE_DIR=${PARLANTE_CACHE_DIR:-/mnt/stateful_partition/parlante}  # app/worker VMs: caches
DEVICE=${PARLANTE_DEVICE:-/dev/disk/by-id/google-parlante-data}  # device-name set by deploy.sh
METADATA=${PARLANTE_METADATA_URL:-http://metadata.google.internal/computeMetadata/v1}
APP_UID=10001                                        # the image's non-root user
CADDY_IMAGE=caddy:2
CONTAINERS=(parlante parlante-caddy parlante-api parlante-worker cloudsql)

log() { printf 'parlante-startup: %s\n' "$*" >&2; }

metadata() { curl -fsS --retry 5 -H 'Metadata-Flavor: Google' "$METADATA/$1"; }

# parlante-config holds KEY=VALUE lines written by deploy.sh (names, never values).
config() { sed -n "s/^$1=//p" "$RUN_DIR/config" | head -n 1; }

mount_data_disk() {
    for _ in $(seq 60); do [[ -e $DEVICE ]] && break; sleep 1; done
    mkdir -p "$DATA_DIR"
    if ! mountpoint -q "$DATA_DIR"; then
        # A new disk has no filesystem: format it once. blkid finds one on every later boot.
        if ! blkid "$DEVICE" >/dev/null 2>&1; then
            log "formatting the new data disk"
            mkfs.ext4 -q -m 0 -E lazy_itable_init=0,lazy_journal_init=0,discard "$DEVICE"
        fi
        # /etc/fstab is not kept on COS, so check and mount here on each boot.
        fsck.ext4 -p "$DEVICE" || log "fsck reported problems (exit $?); mounting anyway"
        mount -o discard,defaults "$DEVICE" "$DATA_DIR"
    fi
    mkdir -p "$DATA_DIR/app" "$DATA_DIR/caddy"
    chown "$APP_UID:$APP_UID" "$DATA_DIR/app"
}

# The access token goes in a header file (curl -H @file) rather than on curl's command line.
write_auth_header() {
    local token
    token=$(metadata instance/service-accounts/default/token |
        sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p')
    [[ -n $token ]] || { log "no access token from the metadata server"; exit 1; }
    printf 'Authorization: Bearer %s\n' "$token" >"$RUN_DIR/auth-header"
    printf '%s' "$token" >"$RUN_DIR/token"
}

# Prints the latest version of a secret, or nothing when it does not exist (404).
secret_value() {
    local body
    body=$(curl -fsS --retry 5 -H @"$RUN_DIR/auth-header" \
        "https://secretmanager.googleapis.com/v1/projects/$PROJECT/secrets/$1/versions/latest:access") ||
        return 0
    printf '%s' "$body" | sed -n 's/.*"data" *: *"\([^"]*\)".*/\1/p' | base64 -d
}

write_secrets() {
    local pair var id value
    : >"$RUN_DIR/app.env"
    # SECRETS is a space-separated list of ENV_VAR=secret-id.
    for pair in $(config SECRETS); do
        var=${pair%%=*} id=${pair#*=}
        value=$(secret_value "$id")
        if [[ -z $value ]]; then
            log "secret $id not found or not readable: $var stays unset"
        elif [[ $value == *$'\n'* ]]; then
            log "secret $id has several lines: $var stays unset"
        else
            printf '%s=%s\n' "$var" "$value" >>"$RUN_DIR/app.env"
        fi
    done
    chown "$APP_UID:$APP_UID" "$RUN_DIR/app.env"
    chmod 0400 "$RUN_DIR/app.env"

    # Optional whole secrets.toml (e.g. [auth] for sign-in with Google).
    local toml_id
    toml_id=$(config STREAMLIT_SECRETS)
    rm -f "$RUN_DIR/secrets.toml"
    if [[ -n $toml_id ]]; then
        secret_value "$toml_id" >"$RUN_DIR/secrets.toml"
        chown "$APP_UID:$APP_UID" "$RUN_DIR/secrets.toml"
        chmod 0400 "$RUN_DIR/secrets.toml"
    fi
}

pull_image() {
    # Registry credentials live on tmpfs too; the token is only needed for this pull.
    export DOCKER_CONFIG="$RUN_DIR/docker"
    docker login -u oauth2accesstoken --password-stdin "https://${1%%/*}" <"$RUN_DIR/token"
    docker pull "$1"
    docker network inspect parlante >/dev/null 2>&1 || docker network create parlante
}

# What every Parlante container gets: the secrets file, logs kept small, restarts.
parlante_args() { # parlante_args NAME DATA_DIR
    PARLANTE_ARGS=(
        --detach --name "$1" --network parlante
        --restart=always --init
        --log-opt max-size=10m --log-opt max-file=3
        --mount "type=bind,src=$2,dst=/data"
        --mount "type=bind,src=$RUN_DIR/app.env,dst=/run/secrets/parlante.env,readonly"
        --env APP_SECRETS_FILE=/run/secrets/parlante.env
    )
}

start_containers() {
    local image port domain
    image=$(config IMAGE) port=$(config PORT) domain=$(config DOMAIN)
    pull_image "$image"

    parlante_args parlante "$DATA_DIR/app"
    local args=("${PARLANTE_ARGS[@]}")
    if [[ -s $RUN_DIR/secrets.toml ]]; then
        args+=(--mount "type=bind,src=$RUN_DIR/secrets.toml,dst=/home/app/.streamlit/secrets.toml,readonly")
    fi
    # With a domain only Caddy is published (80/443); without, the app's own port.
    [[ -n $domain ]] || args+=(--publish "$port:8501")
    docker run "${args[@]}" "$image"

    if [[ -n $domain ]]; then
        printf '%s {\n\treverse_proxy parlante:8501\n}\n' "$domain" >"$RUN_DIR/Caddyfile"
        # Certificates are kept on the data disk so a reboot does not request new ones.
        docker run --detach --name parlante-caddy --network parlante --restart=always \
            --log-opt max-size=10m --log-opt max-file=3 \
            --publish 80:80 --publish 443:443 \
            --mount "type=bind,src=$RUN_DIR/Caddyfile,dst=/etc/caddy/Caddyfile,readonly" \
            --mount "type=bind,src=$DATA_DIR/caddy,dst=/data" \
            "$CADDY_IMAGE"
    fi

    finish_boot
}

finish_boot() {
    # Old images would fill the 20 GB boot disk after a few updates.
    docker image prune --all --force >/dev/null || true
    rm -rf "$RUN_DIR/docker" "$RUN_DIR/token" "$RUN_DIR/auth-header"
}

# The Cloud SQL Auth Proxy: TLS to the instance with the VM's own identity (IAM); the
# containers reach PostgreSQL at cloudsql:5432 on the private docker network. On shutdown it
# waits for open connections (a worker finishing its job) before closing.
start_cloudsql_proxy() {
    local connection proxy_image
    connection=$(config CLOUDSQL) proxy_image=$(config CLOUDSQL_PROXY_IMAGE)
    [[ -n $connection && -n $proxy_image ]] || { log "no CLOUDSQL in parlante-config"; exit 1; }
    docker run --detach --name cloudsql --network parlante --restart=always \
        --log-opt max-size=10m --log-opt max-file=3 \
        "$proxy_image" --address=0.0.0.0 --port=5432 --max-sigterm-delay=90s \
        --structured-logs "$connection"
}

# ROLE=app or worker (deploy.sh --scaled): disposable VMs of a managed instance group.
start_scaled_role() {
    local role=$1 image media
    image=$(config IMAGE) media=$(config MEDIA_URL)
    mkdir -p "$CACHE_DIR/$role"
    chown "$APP_UID:$APP_UID" "$CACHE_DIR/$role"
    pull_image "$image"
    start_cloudsql_proxy

    if [[ $role == app ]]; then
        # The Streamlit app and the HTTP API: they submit and watch, workers run the jobs.
        parlante_args parlante "$CACHE_DIR/app"
        local args=("${PARLANTE_ARGS[@]}" --env RUN_JOBS=0 --env "MEDIA_URL=$media")
        if [[ -s $RUN_DIR/secrets.toml ]]; then
            args+=(--mount "type=bind,src=$RUN_DIR/secrets.toml,dst=/home/app/.streamlit/secrets.toml,readonly")
        fi
        docker run "${args[@]}" --publish 8501:8501 "$image"
        # The image's health check asks Streamlit; the load balancer checks /healthz here.
        parlante_args parlante-api "$CACHE_DIR/app"
        docker run "${PARLANTE_ARGS[@]}" --env RUN_JOBS=0 --env "MEDIA_URL=$media" \
            --no-healthcheck --publish 8000:8000 "$image" \
            python -m core serve --host 0.0.0.0 --port 8000
    else
        # docker stop (VM shutdown, group update) sends SIGTERM: each job process finishes
        # or hands back its job within WORKER_GRACE_S (+ up to 30 s to report), before
        # Docker's SIGKILL at 85 s and the end of the VM's shutdown. Killed anyway, a job
        # is lost to no one: its lease runs out and another worker takes it over.
        local concurrency
        concurrency=$(config WORKER_CONCURRENCY)
        parlante_args parlante-worker "$CACHE_DIR/worker"
        docker run "${PARLANTE_ARGS[@]}" --env "MEDIA_URL=$media" --env WORKER_GRACE_S=45 \
            --stop-timeout 85 --no-healthcheck "$image" \
            python -m core worker --concurrency "${concurrency:-2}"
    fi
    finish_boot
}

main() {
    umask 077
    mkdir -p "$RUN_DIR"
    metadata instance/attributes/parlante-config >"$RUN_DIR/config"
    PROJECT=$(metadata project/project-id)
    # Docker may have tried to restart last boot's containers already. Their secret files
    # are gone with the old tmpfs, and every bind uses --mount (which fails on a missing
    # source instead of creating an empty directory), so they could not start; remove them
    # and recreate them below, once the disk is mounted and this boot's secrets are written.
    docker rm -f "${CONTAINERS[@]}" >/dev/null 2>&1 || true
    local role
    role=$(config ROLE)
    case ${role:-single} in
        single) mount_data_disk ;;
        app | worker) ;;
        *) log "unknown ROLE $role in parlante-config"; exit 1 ;;
    esac
    write_auth_header
    write_secrets
    if [[ ${role:-single} == single ]]; then
        start_containers
    else
        start_scaled_role "$role"
    fi
    log "started $(config IMAGE) as ${role:-single}"
}

main "$@"
