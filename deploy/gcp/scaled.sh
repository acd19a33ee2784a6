# shellcheck shell=bash
# The scaled shape of deploy.sh (--scaled), sourced by it: it uses deploy.sh's helpers
# (gc, exists, mutate, mutate_with_secret, with_retry, store_secret, say, die) and settings.
#
#   browsers ──HTTPS──► global external Application Load Balancer (Google-managed certificate)
#                         │ strong cookie affinity: a browser stays on its replica
#                         ├─ /v1/*, /docs, /openapi.json ──► API containers  (port 8000)
#                         └─ everything else ──────────────► Streamlit app   (port 8501)
#   app MIG   (regional, autoscaled, --app-replicas..--max-app-replicas): app + API, RUN_JOBS=0
#   worker MIG (regional, --workers VMs): python -m core worker --concurrency N
#   every VM: Cloud SQL Auth Proxy sidecar → Cloud SQL for PostgreSQL (library + job queue);
#             media in a private Cloud Storage bucket; secrets read from Secret Manager at boot;
#             no external address (egress to D-ID/OpenAI through Cloud NAT).
# Why these choices: docs/scaling.md.

CLOUDSQL_PROXY_IMAGE=gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.3
LB_SOURCE_RANGES=130.211.0.0/22,35.191.0.0/16 # Google's load balancers and health checks
DB_USER=parlante DB_NAME=parlante
DB_POOL_PER_PROCESS=15 # SQLAlchemy pool_size 5 + max_overflow 10 (core/db.py)
QUEUE_POOL_PER_WORKER=4 # a job process's task-queue pool (Procrastinate, core/taskqueue.py)

check_scaled_args() {
    [[ -n $DOMAIN ]] ||
        die "--scaled needs --domain: the load balancer serves HTTPS with a Google-managed certificate for it"
    # Service account ids "<name>-worker" allow 6-30 characters.
    [[ $NAME =~ ^[a-z][a-z0-9-]{1,21}[a-z0-9]$ ]] ||
        die "--name must be 3-23 lowercase letters, digits or hyphens with --scaled"
    local var flag
    for var in APP_REPLICAS WORKERS WORKER_CONCURRENCY; do
        flag=${var,,}
        [[ ${!var} =~ ^[1-9][0-9]{0,2}$ ]] || die "--${flag//_/-} must be a whole number from 1 to 999"
    done
    if [[ -z $MAX_APP_REPLICAS ]]; then MAX_APP_REPLICAS=$((APP_REPLICAS * 3)); fi
    if ! [[ $MAX_APP_REPLICAS =~ ^[1-9][0-9]{0,2}$ ]] || ((MAX_APP_REPLICAS < APP_REPLICAS)); then
        die "--max-app-replicas must be a whole number, at least --app-replicas ($APP_REPLICAS)"
    fi
    [[ ${WORKER_MACHINE_TYPE//_/-} =~ ^[a-z0-9]+-[a-z0-9-]+$ ]] ||
        die "invalid worker machine type: $WORKER_MACHINE_TYPE"
    [[ $DB_TIER =~ ^db-[a-z0-9-]+$ ]] || die "invalid Cloud SQL tier: $DB_TIER"
    BUCKET=${BUCKET:-$PROJECT-$NAME-media}
    [[ $BUCKET =~ ^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$ && $BUCKET != *google* ]] ||
        die "invalid bucket name: $BUCKET (3-63 lowercase letters, digits, - or _)"
    # The image tag names the instance templates (lowercase, at most 63 characters).
    [[ -z ${IMAGE_TAG:-} || $IMAGE_TAG =~ ^[a-z0-9][a-z0-9-]{0,19}$ ]] ||
        die "IMAGE_TAG must be 1-20 lowercase letters, digits or hyphens with --scaled"
}

# Upper bound of PostgreSQL connections: every app VM runs two processes (Streamlit and the
# API), every worker VM --worker-concurrency job processes; each process has one pool, and
# a job process the task queue's small pool besides.
# docs/scaling.md explains the figure; Cloud SQL's max_connections is set to it.
# shellcheck disable=SC2153 # WORKERS and the other settings are set by deploy.sh
db_max_connections() {
    local app_conns=$((MAX_APP_REPLICAS * 2 * DB_POOL_PER_PROCESS))
    local per_job_process=$((DB_POOL_PER_PROCESS + QUEUE_POOL_PER_WORKER))
    local worker_conns=$((WORKERS * WORKER_CONCURRENCY * per_job_process))
    local total=$((app_conns + worker_conns + 20)) # + administration and migrations
    # Pools open connections only when used (a job process holds 1-2), so past 1000 the
    # bound is not worth the server's memory: docs/scaling.md (PostgreSQL connections).
    ((total >= 100)) || total=100
    ((total <= 1000)) || total=1000
    printf '%s' "$total"
}

# 32 random letters and digits (URL-safe: it goes into DATABASE_URL as is).
new_password() {
    local value
    value=$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
    printf '%s' "${value:0:32}"
}

ensure_account() { # ensure_account ID DESCRIPTION
    local email="$1@$PROJECT.iam.gserviceaccount.com"
    if exists iam service-accounts describe "$email"; then
        say "Service account $email exists"
    else
        say "Creating service account $email ($2)"
        mutate iam service-accounts create "$1" --display-name="$2"
    fi
    with_retry mutate artifacts repositories add-iam-policy-binding "$NAME" \
        --location="$REGION" --member="serviceAccount:$email" \
        --role=roles/artifactregistry.reader --format=none
    # The containers' logs go to Cloud Logging (google-logging-enabled): write only.
    with_retry mutate projects add-iam-policy-binding "$PROJECT" \
        --member="serviceAccount:$email" --role=roles/logging.logWriter --condition=None \
        --format=none
}

# Cloud SQL for PostgreSQL, reached only through the Cloud SQL Auth Proxy: no authorized
# networks, and only clients with a certificate from Cloud SQL (the proxy) may connect.
ensure_database() {
    if exists sql instances describe "$DB_INSTANCE"; then
        say "Cloud SQL instance $DB_INSTANCE exists (change its tier with gcloud sql instances patch)"
    else
        local availability=ZONAL
        if ((DB_HA)); then availability=REGIONAL; fi # a standby in another zone, fails over
        say "Creating Cloud SQL instance $DB_INSTANCE ($DB_TIER, $availability; 5-10 minutes)"
        mutate sql instances create "$DB_INSTANCE" --database-version=POSTGRES_17 \
            --edition=ENTERPRISE --tier="$DB_TIER" --region="$REGION" \
            --availability-type="$availability" \
            --storage-type=SSD --storage-size=20GB --storage-auto-increase \
            --backup-start-time=03:00 --enable-point-in-time-recovery \
            --ssl-mode=TRUSTED_CLIENT_CERTIFICATE_REQUIRED \
            --database-flags="max_connections=$(db_max_connections)" --deletion-protection
    fi
    if ! exists sql databases describe "$DB_NAME" --instance="$DB_INSTANCE"; then
        mutate sql databases create "$DB_NAME" --instance="$DB_INSTANCE"
    fi

    # The database user's password is made here and lives only in Secret Manager (inside
    # DATABASE_URL). gcloud reads it from a private flags file, never from the command line.
    local url_secret user_exists=0
    url_secret=$(secret_id database-url)
    exists sql users describe "$DB_USER" --instance="$DB_INSTANCE" && user_exists=1
    if ((user_exists)) && exists secrets describe "$url_secret"; then
        say "Database user $DB_USER and its secret exist"
    else
        local password flags="$WORK/db-user.yaml"
        password=$(new_password)
        ((DRY_RUN)) || (umask 077 && printf -- '--password: %s\n' "$password" >"$flags")
        if ((user_exists)); then
            say "Setting a new password for database user $DB_USER (its secret was missing)"
            mutate sql users set-password "$DB_USER" --instance="$DB_INSTANCE" --flags-file="$flags"
        else
            say "Creating database user $DB_USER"
            mutate sql users create "$DB_USER" --instance="$DB_INSTANCE" --flags-file="$flags"
        fi
        rm -f "$flags"
        PARLANTE_DATABASE_URL="postgresql://$DB_USER:$password@cloudsql:5432/$DB_NAME"
    fi
    store_secret PARLANTE_DATABASE_URL "$url_secret" "$APP_SA" "$WORKER_SA"
    # Connect through the proxy, to this instance only (an IAM condition on the binding).
    local condition="expression=resource.name == 'projects/$PROJECT/instances/$DB_INSTANCE'"
    condition+=" && resource.service == 'sqladmin.googleapis.com',title=$DB_INSTANCE-only"
    local member
    for member in "$APP_SA" "$WORKER_SA"; do
        with_retry mutate projects add-iam-policy-binding "$PROJECT" \
            --member="serviceAccount:$member" --role=roles/cloudsql.client \
            --condition="$condition" --format=none
    done
}

# Media: a private bucket (uniform access, public access prevention enforced).
ensure_bucket() {
    if exists storage buckets describe "gs://$BUCKET"; then
        say "Bucket gs://$BUCKET exists; enforcing uniform access and no public access"
        mutate storage buckets update "gs://$BUCKET" --uniform-bucket-level-access \
            --public-access-prevention
    else
        say "Creating bucket gs://$BUCKET"
        mutate storage buckets create "gs://$BUCKET" --location="$REGION" \
            --default-storage-class=STANDARD --uniform-bucket-level-access \
            --public-access-prevention
    fi
    # Objects only (read, write, delete), on this bucket only; never the bucket's settings.
    local member
    for member in "$APP_SA" "$WORKER_SA"; do
        with_retry mutate storage buckets add-iam-policy-binding "gs://$BUCKET" \
            --member="serviceAccount:$member" --role=roles/storage.objectUser --format=none
    done
    # Signed links for browsers: a VM has no private key, so it signs through the IAM
    # signBlob API, as itself only (the app's account on itself; workers never sign).
    with_retry mutate iam service-accounts add-iam-policy-binding "$APP_SA" \
        --member="serviceAccount:$APP_SA" --role=roles/iam.serviceAccountTokenCreator \
        --format=none
}

store_scaled_secrets() {
    store_secret APP_PASSWORD "$(secret_id app-password)" "$APP_SA"
    store_secret OPENAI_API_KEY "$(secret_id openai-api-key)" "$APP_SA" "$WORKER_SA"
    store_secret DID_API_KEY "$(secret_id did-api-key)" "$APP_SA" "$WORKER_SA"
    # Streamlit's cookie secret: the same on every replica (made once, kept afterwards).
    local id
    id=$(secret_id cookie-secret)
    if [[ -z ${COOKIE_SECRET:-} ]] && ! exists secrets describe "$id"; then
        COOKIE_SECRET=$(new_password)
    fi
    store_secret COOKIE_SECRET "$id" "$APP_SA"
    store_streamlit_secrets "$APP_SA"
}

# No VM has an external address: Cloud NAT for egress (images, D-ID, OpenAI), and a firewall
# rule that lets only Google's load balancers and health checks reach the app ports.
ensure_network() {
    if ! exists compute routers describe "$NAME-router" --region="$REGION"; then
        mutate compute routers create "$NAME-router" --network=default --region="$REGION"
    fi
    if ! exists compute routers nats describe "$NAME-nat" --router="$NAME-router" \
        --region="$REGION"; then
        mutate compute routers nats create "$NAME-nat" --router="$NAME-router" \
            --region="$REGION" --auto-allocate-nat-external-ips --nat-all-subnet-ip-ranges
    fi
    local rule="$NAME-lb-to-app"
    if exists compute firewall-rules describe "$rule"; then
        mutate compute firewall-rules update "$rule" --allow=tcp:8501,tcp:8000 \
            --source-ranges="$LB_SOURCE_RANGES" --target-tags="$NAME-app"
    else
        mutate compute firewall-rules create "$rule" --network=default --direction=INGRESS \
            --allow=tcp:8501,tcp:8000 --source-ranges="$LB_SOURCE_RANGES" \
            --target-tags="$NAME-app" --description="Parlante: load balancer to app replicas"
    fi
}

# What a VM of each role is told at boot (names and settings, never secret values).
write_role_config() { # write_role_config ROLE FILE
    local secrets
    secrets="OPENAI_API_KEY=$(secret_id openai-api-key) DID_API_KEY=$(secret_id did-api-key)"
    secrets+=" DATABASE_URL=$(secret_id database-url)"
    if [[ $1 == app ]]; then
        secrets="APP_PASSWORD=$(secret_id app-password) $secrets"
        secrets+=" STREAMLIT_SERVER_COOKIE_SECRET=$(secret_id cookie-secret)"
    fi
    {
        printf 'ROLE=%s\n' "$1"
        printf 'IMAGE=%s\n' "$IMAGE"
        printf 'SECRETS=%s\n' "$secrets"
        printf 'STREAMLIT_SECRETS=%s\n' \
            "$([[ $1 == app && -n $STREAMLIT_SECRETS_FILE ]] && secret_id streamlit-secrets)"
        printf 'CLOUDSQL=%s\n' "$PROJECT:$REGION:$DB_INSTANCE"
        printf 'CLOUDSQL_PROXY_IMAGE=%s\n' "$CLOUDSQL_PROXY_IMAGE"
        printf 'MEDIA_URL=gs://%s/parlante\n' "$BUCKET"
        printf 'WORKER_CONCURRENCY=%s\n' "$WORKER_CONCURRENCY"
    } >"$2"
    if ((DRY_RUN)); then sed "s/^/[dry-run]   $1 parlante-config: /" "$2"; fi
}

ensure_template() { # ensure_template ROLE MACHINE_TYPE ACCOUNT
    local template="$NAME-$1-$TAG" config="$WORK/$1-config"
    write_role_config "$1" "$config"
    if exists compute instance-templates describe "$template"; then
        say "Instance template $template exists"
        return 0
    fi
    say "Creating instance template $template ($2)"
    mutate compute instance-templates create "$template" --machine-type="$2" \
        --image-family=cos-stable --image-project=cos-cloud \
        --boot-disk-size=30GB --boot-disk-type=pd-balanced --no-address \
        --tags="$NAME-$1" --service-account="$3" --scopes=cloud-platform \
        --shielded-secure-boot --shielded-vtpm --shielded-integrity-monitoring \
        --metadata=enable-oslogin=TRUE,google-logging-enabled=true \
        --metadata-from-file="startup-script=$HERE/startup.sh,parlante-config=$config"
}

ensure_health_check() { # ensure_health_check NAME PORT PATH
    exists compute health-checks describe "$1" && return 0
    mutate compute health-checks create http "$1" --port="$2" --request-path="$3" \
        --check-interval=10s --timeout=5s --healthy-threshold=2 --unhealthy-threshold=3
}

# ensure_group ROLE SIZE [--health-check=...]: a regional managed instance group running the
# new template; an existing group is rolled over to it (new VMs first, then the old go).
ensure_group() {
    local group="$NAME-$1" template="$NAME-$1-$TAG" size=$2
    shift 2
    if exists compute instance-groups managed describe "$group" --region="$REGION"; then
        say "Rolling $group over to $template (new VMs first)"
        if [[ $group == "$NAME-worker" ]]; then
            mutate compute instance-groups managed resize "$group" --region="$REGION" \
                --size="$size"
        fi
        mutate compute instance-groups managed rolling-action start-update "$group" \
            --region="$REGION" --version="template=$template" \
            --max-surge=3 --max-unavailable=0 --type=proactive
    else
        say "Creating instance group $group ($size VMs)"
        mutate compute instance-groups managed create "$group" --region="$REGION" \
            --template="$template" --size="$size" --base-instance-name="$group" "$@"
    fi
}

ensure_groups() {
    ensure_health_check "$NAME-app-hc" 8501 /_stcore/health
    ensure_health_check "$NAME-api-hc" 8000 /healthz
    ensure_group app "$APP_REPLICAS" --health-check="$NAME-app-hc" --initial-delay=300
    mutate compute instance-groups managed set-named-ports "$NAME-app" --region="$REGION" \
        --named-ports=http:8501,api:8000
    # Scale on CPU; scale in slowly (one VM per 15 minutes): each VM holds live sessions.
    mutate compute instance-groups managed set-autoscaling "$NAME-app" --region="$REGION" \
        --min-num-replicas="$APP_REPLICAS" --max-num-replicas="$MAX_APP_REPLICAS" \
        --target-cpu-utilization=0.6 --cool-down-period=180 \
        --scale-in-control=max-scaled-in-replicas=1,time-window=900
    ensure_group worker "$WORKERS"
}

ensure_backend() { # ensure_backend NAME PORT_NAME HEALTH_CHECK [flags...]
    local backend=$1 port=$2 check=$3
    shift 3
    exists compute backend-services describe "$backend" --global && return 0
    mutate compute backend-services create "$backend" --global \
        --load-balancing-scheme=EXTERNAL_MANAGED --protocol=HTTP --port-name="$port" \
        --health-checks="$check" --global-health-checks --connection-draining-timeout=300 \
        "$@"
    mutate compute backend-services add-backend "$backend" --global \
        --instance-group="$NAME-app" --instance-group-region="$REGION" \
        --balancing-mode=UTILIZATION --max-utilization=0.8
}

ensure_load_balancer() {
    # Streamlit: a websocket per tab, its session in that VM's memory. Strong cookie
    # affinity keeps a browser on its VM while the VM is healthy (also while the group
    # grows); the timeout is how long a websocket may stay open.
    ensure_backend "$NAME-app-bs" http "$NAME-app-hc" \
        --session-affinity=STRONG_COOKIE_AFFINITY --affinity-cookie-name=parlante_replica \
        --affinity-cookie-ttl=0 --timeout=86400
    ensure_backend "$NAME-api-bs" api "$NAME-api-hc" --timeout=120
    if ! exists compute url-maps describe "$NAME-lb" --global; then
        mutate compute url-maps create "$NAME-lb" --global --default-service="$NAME-app-bs"
        local api="$NAME-api-bs"
        mutate compute url-maps add-path-matcher "$NAME-lb" --global --path-matcher-name=api \
            --default-service="$NAME-app-bs" --new-hosts="$DOMAIN" \
            --path-rules="/v1/*=$api,/docs=$api,/openapi.json=$api,/healthz=$api"
    fi
    if ! exists compute ssl-certificates describe "$NAME-cert" --global; then
        mutate compute ssl-certificates create "$NAME-cert" --global --domains="$DOMAIN"
    fi
    if ! exists compute target-https-proxies describe "$NAME-https" --global; then
        mutate compute target-https-proxies create "$NAME-https" --global \
            --url-map="$NAME-lb" --ssl-certificates="$NAME-cert"
    fi
    if ! exists compute addresses describe "$NAME-lb-ip" --global; then
        mutate compute addresses create "$NAME-lb-ip" --global --ip-version=IPV4
    fi
    if ! exists compute forwarding-rules describe "$NAME-https" --global; then
        mutate compute forwarding-rules create "$NAME-https" --global \
            --load-balancing-scheme=EXTERNAL_MANAGED --address="$NAME-lb-ip" \
            --target-https-proxy="$NAME-https" --ports=443
    fi
    # Plain HTTP answers with a redirect to HTTPS, nothing else.
    if ! exists compute url-maps describe "$NAME-redirect" --global; then
        printf 'name: %s\ndefaultUrlRedirect:\n  httpsRedirect: true\n  redirectResponseCode: %s\n' \
            "$NAME-redirect" MOVED_PERMANENTLY_DEFAULT >"$WORK/redirect.yaml"
        mutate compute url-maps import "$NAME-redirect" --global --source="$WORK/redirect.yaml"
    fi
    if ! exists compute target-http-proxies describe "$NAME-http" --global; then
        mutate compute target-http-proxies create "$NAME-http" --global \
            --url-map="$NAME-redirect"
    fi
    if ! exists compute forwarding-rules describe "$NAME-http" --global; then
        mutate compute forwarding-rules create "$NAME-http" --global \
            --load-balancing-scheme=EXTERNAL_MANAGED --address="$NAME-lb-ip" \
            --target-http-proxy="$NAME-http" --ports=80
    fi
}

print_scaled_url() {
    local ip
    ip=$(gc compute addresses describe "$NAME-lb-ip" --global --format='value(address)' \
        2>/dev/null || true)
    say "Point the DNS A record of $DOMAIN to ${ip:-the address $NAME-lb-ip}; the certificate follows (up to an hour)."
    printf 'URL: https://%s\n' "$DOMAIN"
    if ((DRY_RUN)); then say "Dry run: nothing was changed."; fi
}

scaled_main() {
    APP_SA="$NAME-app@$PROJECT.iam.gserviceaccount.com"
    WORKER_SA="$NAME-worker@$PROJECT.iam.gserviceaccount.com"
    DB_INSTANCE="$NAME-db"
    # shellcheck disable=SC2034 # read by store_secret (${!var}); set when a password is made
    PARLANTE_DATABASE_URL=""
    ask_password_if_needed
    check_password

    APIS+=(sqladmin.googleapis.com storage.googleapis.com)
    enable_apis
    ensure_repository
    ensure_account "$NAME-app" "Parlante app replicas"
    ensure_account "$NAME-worker" "Parlante render workers"
    ensure_database
    ensure_bucket
    store_scaled_secrets
    build_image
    ensure_network
    ensure_template app "$MACHINE_TYPE" "$APP_SA"
    ensure_template worker "$WORKER_MACHINE_TYPE" "$WORKER_SA"
    ensure_groups
    ensure_load_balancer
    print_scaled_url
}
