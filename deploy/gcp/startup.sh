#!/bin/bash
# Boot script of the Parlante VM (Container-Optimized OS). deploy.sh stores it in the
# instance's `startup-script` metadata; the guest agent runs it as root at EVERY boot,
# which is what restarts the app after a reboot and applies an update (deploy.sh stops and
# starts the VM after changing the image in `parlante-config`).
#
# It holds no secret. Secret values are read here, at boot, from Secret Manager with the
# VM's own service account, and written to a tmpfs file that the container reads: they are
# never in metadata, never on a command line, never on a disk.
set -euo pipefail

RUN_DIR=${PARLANTE_RUN_DIR:-/run/parlante}           # tmpfs: gone at power-off
DATA_DIR=${PARLANTE_DATA_DIR:-/mnt/disks/parlante}   # mount point of the data disk
DEVICE=${PARLANTE_DEVICE:-/dev/disk/by-id/google-parlante-data}  # device-name set by deploy.sh
METADATA=${PARLANTE_METADATA_URL:-http://metadata.google.internal/computeMetadata/v1}
APP_UID=10001                                        # the image's non-root user
CADDY_IMAGE=caddy:2

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

start_containers() {
    local image port domain
    image=$(config IMAGE) port=$(config PORT) domain=$(config DOMAIN)

    # Registry credentials live on tmpfs too; the token is only needed for this pull.
    export DOCKER_CONFIG="$RUN_DIR/docker"
    docker login -u oauth2accesstoken --password-stdin "https://${image%%/*}" <"$RUN_DIR/token"
    docker pull "$image"

    docker network inspect parlante >/dev/null 2>&1 || docker network create parlante

    local args=(
        --detach --name parlante --network parlante
        --restart=always --init
        --log-opt max-size=10m --log-opt max-file=3
        --mount "type=bind,src=$DATA_DIR/app,dst=/data"
        --mount "type=bind,src=$RUN_DIR/app.env,dst=/run/secrets/parlante.env,readonly"
        --env APP_SECRETS_FILE=/run/secrets/parlante.env
    )
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

    # Old images would fill the 20 GB boot disk after a few updates.
    docker image prune --all --force >/dev/null || true
    rm -rf "$RUN_DIR/docker" "$RUN_DIR/token" "$RUN_DIR/auth-header"
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
    docker rm -f parlante parlante-caddy >/dev/null 2>&1 || true
    mount_data_disk
    write_auth_header
    write_secrets
    start_containers
    log "started $(config IMAGE)"
}

main "$@"
