#!/bin/sh
# Container entry point for Parlante.
#
# 1. Loads secrets from $APP_SECRETS_FILE when set (KEY=VALUE lines). On GCP the VM writes
#    that file on tmpfs at boot and bind-mounts it read-only, so secret values never sit in
#    `docker inspect`, in the container's config on disk, or on any command line.
# 2. Refuses to serve the web app when nothing guards it: a public port with no sign-in
#    lets anyone spend the owner's OpenAI / D-ID credits. Serving open takes ALLOW_ANONYMOUS=1.
# 3. Execs Streamlit headless on $PORT (default 8501), as PID 1's replacement, so it gets
#    the container's stop signal directly.
#
# Any other command (e.g. `python -m core ...`) is run as given, after step 1.
set -eu

APP_DIR=${APP_DIR:-/app}

die() {
    printf 'parlante: %s\n' "$*" >&2
    exit 78 # EX_CONFIG: a configuration problem, not a crash
}

load_secrets_file() {
    [ -r "$1" ] || die "cannot read APP_SECRETS_FILE ($1)."
    # Parse literally (no `.`/eval): a password may contain $, quotes or backticks.
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in '' | '#'*) continue ;; esac
        key=${line%%=*}
        case $key in
            '' | [0-9]* | *[!A-Za-z0-9_]*) die "malformed line in APP_SECRETS_FILE (expected KEY=VALUE)." ;;
        esac
        export "$key=${line#*=}"
    done <"$1"
}

is_true() {
    case $(printf '%s' "${1:-}" | tr '[:upper:]' '[:lower:]') in
        1 | true | yes | on) return 0 ;;
    esac
    return 1
}

# Streamlit reads secrets from these two files; [auth] there means OIDC sign-in (st.login),
# and APP_PASSWORD may be given there too instead of in the environment.
secrets_file_has() {
    for file in "${HOME:-/nonexistent}/.streamlit/secrets.toml" "$APP_DIR/.streamlit/secrets.toml"; do
        [ -r "$file" ] && grep -Eq "$1" "$file" && return 0
    done
    return 1
}

sign_in_configured() {
    [ -n "${APP_PASSWORD:-}" ] \
        || secrets_file_has '^[[:space:]]*\[auth([.][^]]*)?\][[:space:]]*(#.*)?$' \
        || secrets_file_has '^[[:space:]]*APP_PASSWORD[[:space:]]*='
}

if [ -n "${APP_SECRETS_FILE:-}" ]; then
    load_secrets_file "$APP_SECRETS_FILE"
fi

case ${1:-} in
    '' | -*) ;; # no command, or extra Streamlit flags: serve the app
    *) exec "$@" ;;
esac

if ! sign_in_configured && ! is_true "${ALLOW_ANONYMOUS:-}"; then
    die "refusing to start: no sign-in is configured, so anyone who reaches this port could use \
the app and spend your API credits. Set APP_PASSWORD, or configure [auth] in \
.streamlit/secrets.toml, or set ALLOW_ANONYMOUS=1 if the app is on a private network on purpose."
fi

cd "$APP_DIR"
exec streamlit run app.py \
    --server.port="${PORT:-8501}" \
    --server.address=0.0.0.0 \
    --server.headless=true \
    --server.fileWatcherType=none \
    --browser.gatherUsageStats=false \
    "$@"
