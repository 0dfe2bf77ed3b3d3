#!/usr/bin/env bash
# Install (if needed) and start a local PostgreSQL for govdesk's tests, idempotently, as root on
# Debian. Creates role `govdesk` (password `govdesk`, login over 127.0.0.1) owning database
# `govdesk_test`; the role may create databases, so each test run can make throw-away ones.
# Prints the URL on stdout as the last line:
#   export GOVDESK_TEST_PG=postgresql://govdesk:govdesk@127.0.0.1:5432/govdesk_test
# Use:  .ci/setup-postgres.sh > pg.env && . ./pg.env   (everything else goes to stderr)
# Not inside "$(…)": a command substitution waits until every holder of its pipe has closed it,
# and a server started here would hold it for as long as it runs. For the same reason the server
# and apt-get are started with no descriptor of ours (their output goes to a log file).
# Exits non-zero if PostgreSQL cannot be installed or started; the tests then skip with a reason.
set -euo pipefail
exec 3>&1 1>&2   # progress on stderr, only the export line on the original stdout
LOG=${TMPDIR:-/tmp}/govdesk-setup-postgres.log
detached() { "$@" </dev/null >>"$LOG" 2>&1 3>&-; }

ROLE=${GOVDESK_PG_ROLE:-govdesk}
PASSWORD=${GOVDESK_PG_PASSWORD:-govdesk}
DBNAME=${GOVDESK_PG_DB:-govdesk_test}
PORT=${GOVDESK_PG_PORT:-5432}

if [ "$(id -u)" -ne 0 ]; then
    echo "setup-postgres: must run as root" ; exit 1
fi

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    echo "setup-postgres: installing postgresql"
    export DEBIAN_FRONTEND=noninteractive
    detached apt-get update -qq || { echo "setup-postgres: apt-get update failed, see $LOG"; exit 1; }
    detached apt-get install -y -qq postgresql \
        || { echo "setup-postgres: apt-get install failed, see $LOG"; exit 1; }
fi

# The first cluster Debian made (e.g. 15 main); make one if the package did not.
read -r VER CLUSTER CPORT STATUS _ < <(pg_lsclusters -h | head -n1) || true
if [ -z "${VER:-}" ]; then
    VER=$(ls /usr/lib/postgresql | sort -V | tail -n1)
    CLUSTER=main
    detached pg_createcluster "$VER" "$CLUSTER" --port "$PORT"
    read -r VER CLUSTER CPORT STATUS _ < <(pg_lsclusters -h | head -n1)
fi
PORT=$CPORT
if [ "$STATUS" != "online" ]; then
    echo "setup-postgres: starting cluster $VER/$CLUSTER on port $PORT"
    detached pg_ctlcluster "$VER" "$CLUSTER" start \
        || { echo "setup-postgres: the cluster did not start, see $LOG"; exit 1; }
fi

for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$PORT" && break
    sleep 0.5
done
pg_isready -h 127.0.0.1 -p "$PORT"

psql_admin() { su postgres -s /bin/sh -c "psql -p $PORT -v ON_ERROR_STOP=1 -qtAX $*"; }

if [ "$(psql_admin "-c \"SELECT 1 FROM pg_roles WHERE rolname='$ROLE'\"")" != "1" ]; then
    psql_admin "-c \"CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'\""
else
    psql_admin "-c \"ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'\""
fi
if [ "$(psql_admin "-c \"SELECT 1 FROM pg_database WHERE datname='$DBNAME'\"")" != "1" ]; then
    psql_admin "-c \"CREATE DATABASE $DBNAME OWNER $ROLE ENCODING 'UTF8' TEMPLATE template0\""
fi

URL="postgresql://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DBNAME"
echo "setup-postgres: ready at $URL"
echo "export GOVDESK_TEST_PG=$URL" >&3
