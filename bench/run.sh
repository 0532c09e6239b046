#!/bin/sh
# bench/run.sh - `make bench`: the five scenarios against odlocal on a large
# seeded practice, side by side with the database and HTTP ceilings, for the
# server backend and then the embedded backend. See bench/README.md.
#
# Environment (defaults in brackets):
#   BENCH_PATIENTS [100000]  size of the seeded practice
#   BENCH_SECONDS  [10]      seconds per wrk run and per ceiling run
#   BENCH_WARMUP   [3]       seconds of warm-up before the measured runs
#   BENCH_CONNS    [50]      wrk connections; BENCH_MANY [1000] for the
#                            many-connections runs (0 skips them)
#   BENCH_THREADS  [2]       wrk threads
#   BENCH_POOL     [4]       odlocal --pool, and the DB ceiling's connections
#   BENCH_BACKENDS ["server embedded"]
#   BENCH_PIN      [0]       1: server on CPU 0, wrk on CPU 1 (taskset)
#   BENCH_DATA     [bench/data]  seeded databases (absolute path)
#   BENCH_DOC      [docs/PERFORMANCE.md]  where the dated section goes
#                            (empty: do not append)
#   BENCH_RELAY    [1]       0 skips the Cloud relay scenario (server backend)
# Must be run from the top of the tree after `make OPT=-O3 all`.
set -eu

ROOT=$(pwd)
[ -x bin/odlocal ] || { echo "bench: bin/odlocal missing (run make bench)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench: wrk not installed" >&2; exit 1; }

PATIENTS=${BENCH_PATIENTS:-100000}
SECS=${BENCH_SECONDS:-10}
WARM=${BENCH_WARMUP:-3}
CONNS=${BENCH_CONNS:-50}
MANY=${BENCH_MANY:-1000}
WTHREADS=${BENCH_THREADS:-2}
POOL=${BENCH_POOL:-4}
BACKENDS=${BENCH_BACKENDS:-server embedded}
PIN=${BENCH_PIN:-0}
DOC=${BENCH_DOC-docs/PERFORMANCE.md}
DATA=${BENCH_DATA:-$ROOT/bench/data}
STAMP=$(date +%Y%m%d-%H%M%S)
OUT=$ROOT/bench/results/$STAMP
BIN=$ROOT/build/bench
DBNAME=odbench
DEMO_KEY=NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z
mkdir -p "$DATA" "$OUT" "$BIN"

# wrk -c1000 needs more than 1024 descriptors (server and client).
want=$((MANY + 512))
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then want=$hard; fi
ulimit -Sn "$want" 2>/dev/null || true

SERVER_PID=
FAR_PID=
RELAY_PID=
DB_STARTED=

cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
    for p in $RELAY_PID $FAR_PID; do
        kill -TERM "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    RELAY_PID= FAR_PID=
    if [ -n "$DB_STARTED" ]; then
        sh "$ROOT/bench/mariadb.sh" stop "$DATA/server" || true
        DB_STARTED=
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "bench: $*" >&2; }

# ---- the helper programs ----------------------------------------------------

# This run's own copy of odlocal and the library (its rpath is
# $ORIGIN/../lib), so a rebuild in the tree during the run changes nothing.
mkdir -p "$OUT/bin" "$OUT/lib"
cp bin/odlocal bin/odservice "$OUT/bin/"
cp -P lib/libodapi.so* "$OUT/lib/"
ODLOCAL=$OUT/bin/odlocal

CC=${CC:-cc}
$CC -O2 -g -Wall -Wextra -o "$BIN/ceiling_db" bench/ceiling_db.c \
    $(pkg-config --cflags --libs libmariadb) -pthread
$CC -O2 -g -Wall -Wextra -DCEILING_EMBEDDED -I/usr/include/mariadb \
    -o "$BIN/ceiling_db_embedded" bench/ceiling_db.c -lmariadbd -pthread
$CC -O2 -g -Wall -Wextra -o "$BIN/ceiling_http" bench/ceiling_http.c \
    $(pkg-config --cflags --libs libevent_core libevent_extra)

# The seed version: the seeding code and the size. A change in either
# reseeds (BENCH_RESEED=1 forces it). A schema change alone does not (the
# scenarios use the core tables; reseeding costs 10-40 minutes): force it
# with BENCH_RESEED=1 when one matters.
seed_version() {
    cksum lib/db/seed.c | cut -d' ' -f1 | sed "s/\$/-p$PATIENTS-s1/"
}
SEEDV=$(seed_version)

# ---- measuring ----------------------------------------------------------------

kv() { # kv KEY LINE
    echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1
}

rss_kb() { # rss_kb PID FIELD
    sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status" 2>/dev/null || echo 0
}

reset_peak() { # lets VmHWM be the peak of the next run only
    echo 5 > "/proc/$1/clear_refs" 2>/dev/null || true
}

pin_server() { if [ "$PIN" = 1 ]; then echo "taskset -c 0"; fi; }
pin_wrk() { if [ "$PIN" = 1 ]; then echo "taskset -c 1"; fi; }

# run_wrk NAME CONNS SECONDS URL MODE [ARG] -> the BENCH line, raw in $OUT
run_wrk() {
    name=$1 c=$2 d=$3 url=$4
    shift 4
    t=$WTHREADS
    [ "$t" -le "$c" ] || t=$c
    $(pin_wrk) wrk -t"$t" -c"$c" -d"${d}s" --latency --timeout "${BENCH_TIMEOUT:-10}s" \
        -s "$ROOT/bench/scenario.lua" "$url" -- "$@" >"$OUT/$name.wrk" 2>&1 || true
    grep '^BENCH ' "$OUT/$name.wrk" || echo "BENCH requests=0 rps=0 failed=1"
}

# start_server LOGNAME ARGS... : sets SERVER_PID and URL
start_server() {
    name=$1
    shift
    : >"$OUT/$name.out"
    $(pin_server) "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" &
    SERVER_PID=$!
    i=0
    while ! grep -q 'Base URL:' "$OUT/$name.out"; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            cat "$OUT/$name.err" >&2
            log "$name did not start"
            SERVER_PID=
            exit 1
        fi
        i=$((i + 1))
        [ $i -lt 1200 ] || { log "$name: no banner in 120 s"; exit 1; }
        sleep 0.1
    done
    port=$(sed -n 's|.*Base URL: http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$OUT/$name.out" | head -n 1)
    URL=http://127.0.0.1:$port
}

stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}

# Wait until the server answers GET /patients/1 in under 50 ms again: the
# requests of a finished wrk run may still be queued for the database pool
# (the server does not cancel work for clients that went away), and they
# would be counted against the next scenario. Gives up after 120 s.
drain() {
    i=0
    while [ $i -lt 240 ]; do
        t=$(curl -s -o /dev/null -w '%{time_total}' -m 30 \
            -H "Authorization: ODFHIR $DEMO_KEY" "$URL/api/v1/patients/1" || echo 99)
        if awk -v t="$t" 'BEGIN { exit !(t < 0.05) }'; then
            [ $i -eq 0 ] || log "drained the queue in ~$((i / 2)) s"
            return 0
        fi
        i=$((i + 1))
        sleep 0.5
    done
    log "the server is still busy after 120 s"
}

# Result rows: backend|scenario|conns|rps|p50|p99|ceiling_rps|ratio|peak_kb|errors|note
ROWS=$OUT/rows.txt
: >"$ROWS"

row() { echo "$*" >>"$ROWS"; }

# record BACKEND SCENARIO CONNS BENCHLINE CEILING_RPS PEAK_KB
record() {
    l=$4
    rps=$(kv rps "$l")
    errs=$(( $(kv s3xx "$l" || echo 0) + $(kv s4xx "$l" || echo 0) + $(kv s5xx "$l" || echo 0) + \
             $(kv connect "$l" || echo 0) + $(kv read "$l" || echo 0) + \
             $(kv write "$l" || echo 0) + $(kv timeout "$l" || echo 0) ))
    ratio=-
    if [ -n "$5" ] && [ "$5" != - ]; then
        ratio=$(awk -v a="$rps" -v b="$5" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
    fi
    row "$1|$2|$3|$rps|$(kv p50_ms "$l")|$(kv p99_ms "$l")|$5|$ratio|$6|$errs"
}

# ---- one backend ---------------------------------------------------------------

# bench_backend NAME QUERYCMD ODLOCAL-ARGS...
#   QUERYCMD prints rows of a query while the server is NOT running (the
#   embedded folder can be open in one process only).
bench_backend() {
    backend=$1
    shift

    # What to ask for: the largest PatNum, and the busiest day. At 100k
    # patients the seed has ~250 operatories and ~2,000 appointments a day,
    # so scenario 2 asks for the busiest day with Limit=50 (BENCH_APPT_LIMIT)
    # to get the issue's ~50-row answer from a busy day.
    facts=$(dbq "SELECT (SELECT MAX(PatNum) FROM patient), (SELECT COUNT(*) FROM patient), x.d, x.n FROM (SELECT DATE(AptDateTime) d, COUNT(*) n FROM appointment WHERE AptDateTime > '1900-01-01' GROUP BY DATE(AptDateTime)) x ORDER BY x.n DESC, x.d DESC LIMIT 1")
    set -- $facts "$@"
    maxpat=$1 npat=$2 day=$3 daycount=$4
    shift 4
    log "$backend: $npat patients, max PatNum $maxpat, busy day $day ($daycount appointments)"
    echo "$backend: patients=$npat maxpat=$maxpat day=$day daycount=$daycount" >>"$OUT/facts.txt"

    # the DB ceiling first for the embedded backend (the folder is free now)
    if [ "$backend" = embedded ]; then
        db_ceiling
    fi

    start_server "odlocal-$backend" "$@"
    pid=$SERVER_PID
    sleep 1
    idle=$(rss_kb "$pid" VmRSS)
    log "$backend: odlocal pid $pid at $URL, idle RSS ${idle} kB"
    row "$backend|idle|0|-|-|-|-|-|$idle|0"

    curl -s -o "$OUT/health-$backend.json" "$URL/api/v1/"
    code=$(curl -s -o "$OUT/patient-$backend.json" -w '%{http_code}' \
        -H 'Authorization: ODFHIR NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z' \
        "$URL/api/v1/patients/1")
    [ "$code" = 200 ] || { log "$backend: GET /patients/1 answered $code"; cat "$OUT/patient-$backend.json" >&2; exit 1; }

    if [ "$backend" = server ]; then
        capture_sql
        db_ceiling
    fi

    # warm-up (not measured): the keys and pages into the caches
    if [ "$WARM" -gt 0 ]; then
        run_wrk "warm1-$backend" "$CONNS" "$WARM" "$URL" patient "$maxpat" >/dev/null
        run_wrk "warm3-$backend" 2 "$WARM" "$URL" simple "$npat" >/dev/null
    fi
    drain

    reset_peak "$pid"
    l=$(run_wrk "s1-$backend" "$CONNS" "$SECS" "$URL" patient "$maxpat")
    record "$backend" "1 GET /patients/{PatNum}" "$CONNS" "$l" "$DB_CEIL_RPS" "$(rss_kb "$pid" VmHWM)"
    if [ "$backend" = server ]; then
        S1_DIRECT_RPS=$(kv rps "$l")
        # right after direct, so that both see the same machine
        [ "${BENCH_RELAY:-1}" = 0 ] || bench_relay
    fi
    drain

    reset_peak "$pid"
    alim=${BENCH_APPT_LIMIT:-50}
    aq="date=$day"
    [ "$alim" = 0 ] || aq="$aq&Limit=$alim"
    l=$(run_wrk "s2-$backend" "$CONNS" "$SECS" "$URL" appts "$aq")
    record "$backend" "2 GET /appointments?$aq (day: $daycount)" "$CONNS" "$l" - "$(rss_kb "$pid" VmHWM)"
    drain

    reset_peak "$pid"
    l=$(run_wrk "s3-$backend" "$CONNS" "$SECS" "$URL" simple "$npat")
    record "$backend" "3 GET /patients/Simple?Offset= (1000 rows)" "$CONNS" "$l" "$DB3_CEIL_RPS" "$(rss_kb "$pid" VmHWM)"
    drain

    # one connection: the time of one page, not the queue in front of it
    # (at 50 connections a closed loop's latency is 50 / throughput)
    l=$(run_wrk "s3one-$backend" 1 "$SECS" "$URL" simple "$npat")
    record "$backend" "3 GET /patients/Simple?Offset= (1000 rows)" 1 "$l" "$DB3_CEIL1_RPS" "$(rss_kb "$pid" VmHWM)"
    drain

    reset_peak "$pid"
    l=$(run_wrk "s4-$backend" "$CONNS" "$SECS" "$URL" commlog "$maxpat")
    record "$backend" "4 POST /commlogs" "$CONNS" "$l" - "$(rss_kb "$pid" VmHWM)"
    drain

    reset_peak "$pid"
    l=$(run_wrk "s5-$backend" "$CONNS" "$SECS" "$URL" health)
    s5=$l
    s5_rss=$(rss_kb "$pid" VmHWM)
    drain

    if [ "$MANY" -gt 0 ]; then
        reset_peak "$pid"
        l=$(run_wrk "s5many-$backend" "$MANY" "$SECS" "$URL" health)
        s5many=$l
        s5many_rss=$(rss_kb "$pid" VmHWM)
        drain
        reset_peak "$pid"
        l=$(run_wrk "s1many-$backend" "$MANY" "$SECS" "$URL" patient "$maxpat")
        record "$backend" "1 GET /patients/{PatNum}" "$MANY" "$l" "$DB_CEIL_RPS" "$(rss_kb "$pid" VmHWM)"
    fi
    after=$(rss_kb "$pid" VmRSS)
    stop_server
    row "$backend|after load (VmRSS)|0|-|-|-|-|-|$after|0"

    # the HTTP ceiling: a bare evhttp responder with the same bytes
    start_server "ceiling-http-$backend" "$BIN/ceiling_http" --body "$OUT/health-$backend.json"
    cpid=$SERVER_PID
    c=$(run_wrk "ceilhttp-$backend" "$CONNS" "$SECS" "$URL" health)
    hc_rps=$(kv rps "$c")
    row "$backend|ceiling: bare evhttp, same bytes|$CONNS|$hc_rps|$(kv p50_ms "$c")|$(kv p99_ms "$c")|-|-|$(rss_kb "$cpid" VmHWM)|0"
    record "$backend" "5 GET /api/v1/ (no database)" "$CONNS" "$s5" "$hc_rps" "$s5_rss"
    if [ "$MANY" -gt 0 ]; then
        c=$(run_wrk "ceilhttpmany-$backend" "$MANY" "$SECS" "$URL" health)
        hm_rps=$(kv rps "$c")
        row "$backend|ceiling: bare evhttp, same bytes|$MANY|$hm_rps|$(kv p50_ms "$c")|$(kv p99_ms "$c")|-|-|$(rss_kb "$cpid" VmHWM)|0"
        record "$backend" "5 GET /api/v1/ (no database)" "$MANY" "$s5many" "$hm_rps" "$s5many_rss"
    fi
    stop_server
}

# The exact SELECT of scenario 1, from the server's general log.
capture_sql() {
    mariadb --no-defaults -S "$SOCK" -uroot -e \
        "SET GLOBAL general_log_file='$OUT/general.log'; SET GLOBAL general_log=1"
    curl -s -o /dev/null -H 'Authorization: ODFHIR NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z' \
        "$URL/api/v1/patients/2"
    curl -s -o /dev/null -H 'Authorization: ODFHIR NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z' \
        "$URL/api/v1/patients/Simple?Offset=1000"
    mariadb --no-defaults -S "$SOCK" -uroot -e "SET GLOBAL general_log=0"
    # scenario 3's page, as prepared (LIMIT ? OFFSET ?)
    sed -n 's/.*Prepare[[:space:]]*\(SELECT .* LIMIT ? OFFSET ?.*\)$/\1/p' \
        "$OUT/general.log" | head -n 1 >"$OUT/s3.sql"
    if [ -s "$OUT/s3.sql" ]; then
        cp "$OUT/s3.sql" "$DATA/s3.sql"
    elif [ -s "$DATA/s3.sql" ]; then
        cp "$DATA/s3.sql" "$OUT/s3.sql"
    fi
    # the log shows the executed statement (with "?" or the key)
    sed -n 's/.*\(Execute\|Prepare\)[[:space:]]*\(SELECT .* FROM `patient` t .* WHERE t.`PatNum` = \)\(?\|2\)$/\2?/p' \
        "$OUT/general.log" | head -n 1 >"$OUT/s1.sql"
    if [ -s "$OUT/s1.sql" ]; then
        cp "$OUT/s1.sql" "$DATA/s1.sql"
    elif [ -s "$DATA/s1.sql" ]; then
        cp "$DATA/s1.sql" "$OUT/s1.sql"
    fi
}

DB_CEIL_RPS=-
DB3_CEIL_RPS=-
DB3_CEIL1_RPS=-
db_ceiling() {
    [ -s "$OUT/s1.sql" ] || { [ -s "$DATA/s1.sql" ] && cp "$DATA/s1.sql" "$OUT/s1.sql"; } || {
        log "no SQL for the DB ceiling (run the server backend once)"; DB_CEIL_RPS=-; return 0; }
    if [ "$backend" = server ]; then
        c=$($(pin_server) "$BIN/ceiling_db" --socket "$SOCK" --db "$DBNAME" \
            --sql-file "$OUT/s1.sql" --max-key "$maxpat" --threads "$POOL" --seconds "$SECS")
    else
        c=$($(pin_server) "$BIN/ceiling_db_embedded" --datadir "$DATA/sandbox" --db opendental \
            --sql-file "$OUT/s1.sql" --max-key "$maxpat" --threads "$POOL" --seconds "$SECS" 2>"$OUT/ceiling-db-embedded.err")
    fi
    echo "$c" >"$OUT/ceiling-db-$backend.txt"
    DB_CEIL_RPS=$(kv qps "$c")
    row "$backend|ceiling: SELECT via C API, $POOL conns|$POOL|$DB_CEIL_RPS|$(kv p50_ms "$c")|$(kv p99_ms "$c")|-|-|-|$(kv errors "$c")"
    # scenario 3's page through the C API: the same random pages, one
    # connection (the page time) and the pool's (the page throughput)
    [ -s "$OUT/s3.sql" ] || { [ -s "$DATA/s3.sql" ] && cp "$DATA/s3.sql" "$OUT/s3.sql"; } || {
        log "no SQL for the page ceiling"; return 0; }
    for t in 1 "$POOL"; do
        if [ "$backend" = server ]; then
            c=$($(pin_server) "$BIN/ceiling_db" --socket "$SOCK" --db "$DBNAME" \
                --sql-file "$OUT/s3.sql" --max-key "$npat" --page 1000 --threads "$t" --seconds "$SECS")
        else
            c=$($(pin_server) "$BIN/ceiling_db_embedded" --datadir "$DATA/sandbox" --db opendental \
                --sql-file "$OUT/s3.sql" --max-key "$npat" --page 1000 --threads "$t" --seconds "$SECS" 2>>"$OUT/ceiling-db-embedded.err")
        fi
        if [ "$t" = 1 ]; then DB3_CEIL1_RPS=$(kv qps "$c"); else DB3_CEIL_RPS=$(kv qps "$c"); fi
        row "$backend|ceiling: page SELECT via C API, $t conns|$t|$(kv qps "$c")|$(kv p50_ms "$c")|$(kv p99_ms "$c")|-|-|-|$(kv errors "$c")"
    done
}

# ---- the Cloud relay (docs/cloud.md) ------------------------------------------------

# Scenario 1 through odlocal --relay in front of odservice over TLS (both
# on this machine, certificates made here), as a ratio to scenario 1
# direct measured just before (the direct server stays up, idle);
# scenario 1 straight to odservice over TLS too, which shows the relay's
# own cost apart from TLS's.
S1_DIRECT_RPS=-
bench_relay() {
    d=$OUT/relay
    mkdir -p "$d"
    (cd "$d" &&
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=bench-ca \
            -keyout ca.key -out ca.pem &&
        openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
            -keyout server.key -out server.csr &&
        printf 'subjectAltName=IP:127.0.0.1\n' >server.ext &&
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
            -CAcreateserial -days 2 -extfile server.ext -out server.pem) \
        >"$d/openssl.log" 2>&1 || { log "relay: openssl failed"; return 0; }
    printf '{"keys":[{"DeveloperKey":"%s","CustomerKey":"%s","DeveloperName":"Bench","Permissions":"all"}]}\n' \
        "${DEMO_KEY%/*}" "${DEMO_KEY#*/}" >"$d/keys.json"
    printf '<ConnectionSettings><DatabaseConnection><ComputerName>%s</ComputerName><Database>%s</Database><User>root</User><Password></Password><DatabaseType>MySql</DatabaseType><Note>DentalOffice</Note></DatabaseConnection><LogLevelOfApplication>Error</LogLevelOfApplication><OdapiKeysFile>%s</OdapiKeysFile><OdapiTlsCertificate>%s</OdapiTlsCertificate><OdapiTlsKey>%s</OdapiTlsKey></ConnectionSettings>\n' \
        "$SOCK" "$DBNAME" "$d/keys.json" "$d/server.pem" "$d/server.key" >"$d/far.xml"
    direct_pid=$SERVER_PID direct_url=$URL
    start_server far "$OUT/bin/odservice" --config "$d/far.xml" --listen 127.0.0.1 \
        --port 0 --pool "$POOL" --max-connections 4096 --no-events
    FAR_PID=$SERVER_PID
    farport=$(sed -n 's|.*Base URL: https://127.0.0.1:\([0-9]*\)/.*|\1|p' "$OUT/far.out" | head -n 1)
    start_server relay "$ODLOCAL" --relay "https://127.0.0.1:$farport" \
        --relay-ca "$d/ca.pem" --port 0 --max-connections 4096 --log-level Error
    RELAY_PID=$SERVER_PID
    SERVER_PID=$direct_pid
    rpid=$RELAY_PID
    if [ "$WARM" -gt 0 ]; then
        run_wrk warm-relay "$CONNS" "$WARM" "$URL" patient "$maxpat" >/dev/null
    fi
    drain
    reset_peak "$rpid"
    l=$(run_wrk s1-relay "$CONNS" "$SECS" "$URL" patient "$maxpat")
    record server "1 GET /patients/{PatNum} via the Cloud relay (ceiling: direct)" \
        "$CONNS" "$l" "$S1_DIRECT_RPS" "$(rss_kb "$rpid" VmHWM)"
    drain
    l=$(run_wrk s1-tls "$CONNS" "$SECS" "https://127.0.0.1:$farport" patient "$maxpat")
    record server "1 GET /patients/{PatNum} to odservice over TLS (ceiling: direct)" \
        "$CONNS" "$l" "$S1_DIRECT_RPS" "$(rss_kb "$FAR_PID" VmHWM)"
    for p in $RELAY_PID $FAR_PID; do
        kill -TERM "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    RELAY_PID= FAR_PID=
    URL=$direct_url
}

# ---- the server backend ----------------------------------------------------------

SOCK=
for backend in $BACKENDS; do
case $backend in
server)
    SOCK=$(sh bench/mariadb.sh start "$DATA/server")
    DB_STARTED=1
    dbq() { "$BIN/ceiling_db" --socket "$SOCK" --db "$DBNAME" --query "$1"; }
    if [ "$(cat "$DATA/server.seed" 2>/dev/null)" != "$SEEDV" ] || [ "${BENCH_RESEED:-0}" = 1 ]; then
        log "seeding $PATIENTS patients into the server backend (once; several minutes)"
        mariadb --no-defaults -S "$SOCK" -uroot -e "DROP DATABASE IF EXISTS $DBNAME"
        t0=$(date +%s)
        "$ODLOCAL" --db-socket "$SOCK" --db-name "$DBNAME" --db-create \
            --patients "$PATIENTS" --init-only --log-level Error
        echo "$(( $(date +%s) - t0 ))" >"$DATA/server.seedtime"
        echo "$SEEDV" >"$DATA/server.seed"
    fi
    echo "server seed: $(cat "$DATA/server.seedtime" 2>/dev/null || echo '?') s" >>"$OUT/facts.txt"
    DBVERSION=$(dbq "SELECT VERSION()")
    # odlocal answers the demo pair on a server database only when told to
    bench_backend server "$ODLOCAL" --db-socket "$SOCK" --db-name "$DBNAME" \
        --demo-key "$DEMO_KEY" --port 0 --pool "$POOL" --max-connections 4096 --log-level Error
    # the bench's own commlogs go again, so every run starts from the seed
    mariadb --no-defaults -S "$SOCK" -uroot "$DBNAME" -e \
        "DELETE FROM commlog WHERE Note = 'bench: called, left a message'" || true
    sh bench/mariadb.sh stop "$DATA/server"
    DB_STARTED=
    ;;
embedded)
    dbq() { "$BIN/ceiling_db_embedded" --datadir "$DATA/sandbox" --db opendental --query "$1" 2>>"$OUT/embedded-query.err"; }
    if [ "$(cat "$DATA/sandbox.seed" 2>/dev/null)" != "$SEEDV" ] || [ "${BENCH_RESEED:-0}" = 1 ]; then
        log "seeding $PATIENTS patients into the embedded sandbox (once; many minutes)"
        rm -rf "$DATA/sandbox"
        t0=$(date +%s)
        "$ODLOCAL" --data-dir "$DATA/sandbox" --patients "$PATIENTS" --init-only --log-level Error
        echo "$(( $(date +%s) - t0 ))" >"$DATA/sandbox.seedtime"
        echo "$SEEDV" >"$DATA/sandbox.seed"
    fi
    echo "embedded seed: $(cat "$DATA/sandbox.seedtime" 2>/dev/null || echo '?') s" >>"$OUT/facts.txt"
    bench_backend embedded "$ODLOCAL" --data-dir "$DATA/sandbox" \
        --port 0 --pool "$POOL" --max-connections 4096 --log-level Error
    dbq "DELETE FROM commlog WHERE Note = 'bench: called, left a message'" >/dev/null 2>&1 || true
    ;;
*) log "unknown backend $backend"; exit 2 ;;
esac
done

# ---- report ------------------------------------------------------------------------

sh bench/report.sh "$OUT" "${DBVERSION:-}" >"$OUT/report.md"
cat "$OUT/report.md"
if [ -n "$DOC" ]; then
    [ -f "$DOC" ] || printf '# Performance\n\nMeasured by `make bench` (bench/README.md). Each section is one run, appended; nothing here is asserted by a test.\n' >"$DOC"
    { echo; cat "$OUT/report.md"; } >>"$DOC"
    log "appended to $DOC"
fi
log "raw output in $OUT"
