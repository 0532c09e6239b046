#!/bin/sh
# bench/replica.sh - scenario 1 of `make bench` (GET /api/v1/patients/{key},
# random keys) through one odservice on the primary alone, then through one
# odservice with one read replica, in the same run (docs/scale-out.md).
#
# It makes its own primary and GTID replica (test/harness/mariadb.sh, two
# mariadbd on unix sockets in a temporary folder, replication over loopback
# TCP), seeds a practice on the primary with odlocal and waits for the
# replica to catch up; nothing is kept. Numbers are printed, not asserted.
# On one machine the replica shares the CPUs with the primary and the
# service: throughput grows with replicas only where the database, not the
# machine, was the limit; run the servers on separate machines for that.
#
# Environment (defaults in brackets):
#   BENCH_PATIENTS [20000]  size of the seeded practice (2000 with BENCH_QUICK=1)
#   BENCH_SECONDS  [10]     seconds per wrk run (after BENCH_WARMUP [3]; 5
#                           and 1 with BENCH_QUICK=1)
#   BENCH_CONNS    [50]     wrk connections, BENCH_THREADS [2] threads
#   BENCH_POOL     [4]      odservice --pool
# Run from the top of the tree after `make` (or `make OPT=-O3 all`);
# `make bench` runs it after bench/run.sh unless BENCH_REPLICA=0 (a
# BENCH_QUICK=1 run only with BENCH_REPLICA=1).
set -eu

ROOT=$(pwd)
[ -x bin/odservice ] || { echo "replica bench: build first (make)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "replica bench: wrk not installed" >&2; exit 1; }

# A quick run (under 2 minutes) leaves it out unless asked for.
if [ "${BENCH_QUICK:-0}" = 1 ] && [ -z "${BENCH_REPLICA:-}" ]; then
    echo "replica bench: skipped in a quick run (BENCH_REPLICA=1 runs it)" >&2
    exit 0
fi
if [ "${BENCH_QUICK:-0}" = 1 ]; then d_pat=2000 d_secs=5 d_warm=1
else d_pat=20000 d_secs=10 d_warm=3; fi
PATIENTS=${BENCH_PATIENTS:-$d_pat}
SECS=${BENCH_SECONDS:-$d_secs}
WARM=${BENCH_WARMUP:-$d_warm}
CONNS=${BENCH_CONNS:-50}
WTHREADS=${BENCH_THREADS:-2}
POOL=${BENCH_POOL:-4}
HARNESS=$ROOT/test/harness/mariadb.sh
TMP=$(mktemp -d "${TMPDIR:-/tmp}/odbenchrep.XXXXXX")
DB=odbenchrep
SVC_PID=

cleanup() {
    if [ -n "$SVC_PID" ]; then
        kill -TERM "$SVC_PID" 2>/dev/null || true
        wait "$SVC_PID" 2>/dev/null || true
    fi
    sh "$HARNESS" stop "$TMP/r" >/dev/null 2>&1 || true
    sh "$HARNESS" stop "$TMP/p" >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "replica bench: $*" >&2; }
q() { mariadb --no-defaults --socket="$1" -uroot -N -B -e "$2"; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# ---- the primary and its replica ---------------------------------------------
PORT=$(free_port)
PSOCK=$(PORT=$PORT MYSQLD_ARGS="--log-bin=mysql-bin --server-id=1 --binlog-format=ROW" \
    sh "$HARNESS" start "$TMP/p")
RSOCK=$(MYSQLD_ARGS="--server-id=2 --read-only" sh "$HARNESS" start "$TMP/r")
q "$PSOCK" "CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'replpw'; GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'"
q "$RSOCK" "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$PORT, MASTER_USER='repl', MASTER_PASSWORD='replpw', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1; START SLAVE"
log "seeding $PATIENTS patients on the primary"
bin/odlocal --init-only --db-socket "$PSOCK" --db-user root --db-name "$DB" \
    --db-create --patients "$PATIENTS" --seed 1 --quiet
i=0
until [ "$(q "$PSOCK" 'SELECT @@gtid_binlog_pos')" = "$(q "$RSOCK" 'SELECT @@gtid_slave_pos')" ]; do
    i=$((i + 1))
    [ $i -lt 3000 ] || { log "the replica did not catch up in 300 s"; exit 1; }
    sleep 0.1
done
MAXPAT=$(q "$PSOCK" "SELECT MAX(PatNum) FROM $DB.patient")

cat >"$TMP/keys.json" <<EOF
{"keys":[{"DeveloperKey":"NFF6i0KrXrxDkZHt","CustomerKey":"VzkmZEaUWOjnQX2z","DeveloperName":"bench","Permissions":"all"}]}
EOF

# write_config NAME EXTRA-ELEMENTS
write_config() {
    cat >"$TMP/$1.xml" <<EOF
<ConnectionSettings>
   <DatabaseConnection>
      <ComputerName>$PSOCK</ComputerName>
      <Database>$DB</Database>
      <User>root</User>
      <Password></Password>
      <DatabaseType>MySql</DatabaseType>
   </DatabaseConnection>
   <LogLevelOfApplication>Error</LogLevelOfApplication>
   <OdapiKeysFile>keys.json</OdapiKeysFile>
   $2
</ConnectionSettings>
EOF
}

# run NAME -> prints the BENCH line of scenario 1
run() {
    : >"$TMP/$1.out"
    bin/odservice --config "$TMP/$1.xml" --listen 127.0.0.1 --port 0 \
        --pool "$POOL" --state-dir "$TMP/state-$1" >"$TMP/$1.out" 2>"$TMP/$1.err" &
    SVC_PID=$!
    i=0
    until grep -q 'Base URL:' "$TMP/$1.out"; do
        kill -0 "$SVC_PID" 2>/dev/null || { cat "$TMP/$1.err" >&2; exit 1; }
        i=$((i + 1))
        [ $i -lt 600 ] || { log "$1: no banner"; exit 1; }
        sleep 0.1
    done
    url=$(sed -n 's|.*Base URL: \(http://[^/]*\)/.*|\1|p' "$TMP/$1.out" | head -n 1)
    sleep 1 # the replica's first verdict
    wrk -t"$WTHREADS" -c"$CONNS" -d"${WARM}s" -s "$ROOT/bench/scenario.lua" \
        "$url" -- patient "$MAXPAT" >/dev/null 2>&1 || true
    wrk -t"$WTHREADS" -c"$CONNS" -d"${SECS}s" --latency -s "$ROOT/bench/scenario.lua" \
        "$url" -- patient "$MAXPAT" 2>&1 | grep '^BENCH ' || echo "BENCH rps=0 failed=1"
    curl -s "$url/api/v1/" | sed -n 's/.*"replicas":\(\[.*\]\).*/  replicas: \1/p' >&2
    echo >&2
    kill -TERM "$SVC_PID"
    wait "$SVC_PID" 2>/dev/null || true
    SVC_PID=
}

kv() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }

write_config primary ""
write_config replica "<OdapiReadReplicas>$RSOCK</OdapiReadReplicas><OdapiReplicaMaxLag>2</OdapiReplicaMaxLag>"
log "scenario 1, primary alone"
A=$(run primary)
log "scenario 1, one replica"
B=$(run replica)
ra=$(kv rps "$A")
rb=$(kv rps "$B")
echo "scenario 1 (GET patients/{key}, $PATIENTS patients, -c$CONNS, pool $POOL)"
echo "  primary alone:     $ra req/s  p99 $(kv p99_ms "$A") ms  5xx $(kv s5xx "$A")"
echo "  with one replica:  $rb req/s  p99 $(kv p99_ms "$B") ms  5xx $(kv s5xx "$B")"
awk -v a="$ra" -v b="$rb" 'BEGIN { if (a > 0) printf "  ratio replica/primary: %.2f\n", b / a }'
