#!/bin/sh
# bench/run.sh - `make bench`: the scenarios against odlocal and odservice on
# a large seeded practice, each alternated with its ceiling measured by the
# same machine in the same minute (ceiling, odlocal, odservice, ceiling,
# ...), for the server backend and then the embedded backend; then the cost
# as the practice grows. See bench/README.md.
#
# Environment (defaults in brackets; BENCH_QUICK=1 changes the starred ones):
#   BENCH_PATIENTS [100000]  size of the main practice
#   BENCH_SIZES    [10000 100000]  sizes for scenarios 1 and 2 (server
#                            backend; each seeded once; 1000000 seeded is
#                            hours and ~70 GB: use BENCH_SCALED for it, see
#                            docs/PERFORMANCE.md). Empty: skip. *
#   BENCH_SCALED   []        sizes made by bench/scale.sh from the seeded
#                            BENCH_SCALE_FROM practice instead of seeded
#                            (patient and appointment copied with key
#                            offsets; minutes instead of hours), e.g.
#                            "100000 1000000"; reported as "N scaled"
#   BENCH_SCALE_FROM [10000] the seeded practice they are made from
#   BENCH_PAIRS    [3]       alternations per scenario (*2)
#   BENCH_SECONDS  [4]       seconds per run (*2)
#   BENCH_WARMUP   [2]       seconds of warm-up per scenario (*1)
#   BENCH_CONNS    [50]      wrk connections; BENCH_MANY [1000] for the
#                            many-connections runs (0 skips them) *
#   BENCH_THREADS  [2]       wrk threads
#   BENCH_POOL     [4]       --pool, and the DB ceiling's connections
#   BENCH_BACKENDS ["server embedded"]
#   BENCH_PIN      [0]       1: servers on CPU 0, wrk on CPU 1 (taskset)
#   BENCH_DATA     [bench/data]  seeded databases (absolute path)
#   BENCH_DOC      [docs/PERFORMANCE.md]  where the dated section goes
#                            (empty: do not append) *
#   BENCH_RELAY    [1]       0 skips the Cloud relay scenario *
#   BENCH_QUICK    [0]       1: a quick comparison (under 2 minutes once
#                            seeded): the starred knobs shrink; scenario 3,
#                            odservice (odlocal only), the embedded
#                            backend's scenario 5 (HTTP only, as on the
#                            server backend) and the replica run are skipped
#   BENCH_ONLY     [all]     scenarios to run, e.g. "s4" or "s1 s2"; "relay":
#                            only the Cloud relay scenario (its direct,
#                            relay and TLS runs alternated), server backend
#   BENCH_BASE     []        a tree with bin/odlocal and lib/ of another
#                            build (e.g. main's), run as the target "base"
#                            beside odlocal on the server backend: an A/B in
#                            the same alternations
# Must be run from the top of the tree after `make OPT=-O3 all`.
set -eu

ROOT=$(pwd)
[ -x bin/odlocal ] || { echo "bench: bin/odlocal missing (run make bench)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench: wrk not installed" >&2; exit 1; }

QUICK=${BENCH_QUICK:-0}
if [ "$QUICK" = 1 ]; then
    d_pairs=2 d_secs=2 d_warm=1 d_many=0 d_relay=0 d_sizes= d_doc=
    d_patients=10000
else
    d_pairs=3 d_secs=4 d_warm=2 d_many=1000 d_relay=1 d_sizes="10000 100000"
    d_doc=docs/PERFORMANCE.md d_patients=100000
fi
PATIENTS=${BENCH_PATIENTS:-$d_patients}
ONLY=${BENCH_ONLY:-}
BASE=${BENCH_BASE:-}
SIZES=${BENCH_SIZES-$d_sizes}
SCALED=${BENCH_SCALED:-}
SCALE_FROM=${BENCH_SCALE_FROM:-10000}
PAIRS=${BENCH_PAIRS:-$d_pairs}
SECS=${BENCH_SECONDS:-$d_secs}
WARM=${BENCH_WARMUP:-$d_warm}
CONNS=${BENCH_CONNS:-50}
MANY=${BENCH_MANY:-$d_many}
WTHREADS=${BENCH_THREADS:-2}
POOL=${BENCH_POOL:-4}
BACKENDS=${BENCH_BACKENDS:-server embedded}
PIN=${BENCH_PIN:-0}
RELAY=${BENCH_RELAY:-$d_relay}
DOC=${BENCH_DOC-$d_doc}
DATA=${BENCH_DATA:-$ROOT/bench/data}
STAMP=$(date +%Y%m%d-%H%M%S)
OUT=$ROOT/bench/results/$STAMP
BIN=$ROOT/build/bench
DEMO_KEY=NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z
AUTH="Authorization: ODFHIR $DEMO_KEY"
CLK=$(getconf CLK_TCK)
NCPU=$(nproc)
T_START=$(date +%s)
mkdir -p "$DATA" "$OUT" "$BIN" "$OUT/specs"

# wrk -c1000 needs more than 1024 descriptors (server and client).
want=$((MANY + 512))
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then want=$hard; fi
ulimit -Sn "$want" 2>/dev/null || true

log() { echo "bench: $*" >&2; }

# ---- processes we start (stopped on exit) ---------------------------------------

PIDS=        # every server and ceiling we started
DB_STARTED=
CEIL_PID= CEIL_FD_OPEN=

stop_pid() {
    [ -n "$1" ] || return 0
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    PIDS=$(echo " $PIDS " | sed "s/ $1 / /; s/^ *//; s/ *\$//")
}

cleanup() {
    ceil_stop
    for p in $PIDS; do stop_pid "$p"; done
    if [ -n "$DB_STARTED" ]; then
        sh "$ROOT/bench/mariadb.sh" stop "$DATA/server" || true
        DB_STARTED=
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the helper programs ----------------------------------------------------

# This run's own copy of the programs and the library (their rpath is
# $ORIGIN/../lib), so a rebuild in the tree during the run changes nothing.
mkdir -p "$OUT/bin" "$OUT/lib"
cp bin/odlocal bin/odservice "$OUT/bin/"
cp -P lib/libodapi.so* "$OUT/lib/"
ODLOCAL=$OUT/bin/odlocal
ODSERVICE=$OUT/bin/odservice

if [ -n "$BASE" ]; then
    mkdir -p "$OUT/base/bin" "$OUT/base/lib"
    cp "$BASE/bin/odlocal" "$OUT/base/bin/"
    cp -P "$BASE"/lib/libodapi.so* "$OUT/base/lib/"
fi

# The helpers are built once (again when their source changes): three
# compiles are ~10 s of a quick run on a busy machine.
CC=${CC:-cc}
newer() { [ -x "$1" ] && [ "$1" -nt "$2" ] && [ "$1" -nt bench/run.sh ]; }
newer "$BIN/ceiling_db" bench/ceiling_db.c ||
    $CC -O2 -g -Wall -Wextra -o "$BIN/ceiling_db" bench/ceiling_db.c \
        $(pkg-config --cflags --libs libmariadb) -pthread
newer "$BIN/ceiling_db_embedded" bench/ceiling_db.c ||
    $CC -O2 -g -Wall -Wextra -DCEILING_EMBEDDED -Ilib -I/usr/include/mariadb \
        -o "$BIN/ceiling_db_embedded" bench/ceiling_db.c -lmariadbd -pthread
newer "$BIN/ceiling_http" bench/ceiling_http.c ||
    $CC -O2 -g -Wall -Wextra -o "$BIN/ceiling_http" bench/ceiling_http.c \
        $(pkg-config --cflags --libs libevent_core libevent_extra)

# ---- measuring ------------------------------------------------------------------

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

# The machine's CPU time (jiffies): busy (user, nice, system) and steal
# (taken by the hypervisor for other machines). irq/softirq are left out:
# the loopback traffic of the run itself is counted there.
cpu_busy() { awk '/^cpu / { print $2 + $3 + $4, $9 }' /proc/stat; }

# CPU time (jiffies) of processes, threads included: one awk for all (a
# fork waits for a CPU on a busy machine, and measure runs this 6 times).
cpu_of() {
    f=
    for p in "$@"; do
        [ -r "/proc/$p/stat" ] && f="$f /proc/$p/stat"
    done
    [ -n "$f" ] || { echo 0; return 0; }
    awk '{ sub(/^.*\) /, ""); split($0, a, " "); s += a[12] + a[13] }
        END { print s + 0 }' $f 2>/dev/null || echo 0
}

# The processes of the bench: the servers and ceilings we started, and the
# bench's mariadbd.
DB_PID=
our_cpu() { cpu_of $PIDS $CEIL_PID $DB_PID; }

# wrk's own CPU from the subshell's `times` (its second line: children).
wrk_cpu_jiffies() { # wrk_cpu_jiffies TIMES-LINE
    echo "$1" | awk -v clk="$CLK" '{
        n = split($0, f, " "); s = 0
        for (i = 1; i <= n; i++) { split(f[i], a, "m"); sub("s", "", a[2]); s += a[1] * 60 + a[2] }
        printf "%d", s * clk }'
}

# measure PID CMD... : runs CMD (which prints a BENCH or CEILING_DB line,
# wrk's with "wrkcpu=J"), and appends what the machine did meanwhile:
# other=% steal=% (the CPU that other processes used, and the hypervisor
# took, in % of all the machine's CPUs) and the CPU per request in us of
# PID (the server or the ceiling: srv_us), of the bench's mariadbd (db_us)
# and of wrk (wrk_us).
measure() {
    mpid=$1
    shift
    set -- $(cpu_busy) "$@"
    b0=$1 s0=$2
    shift 2
    o0=$(our_cpu) p0=$(cpu_of $mpid) d0=$(cpu_of $DB_PID)
    t0=$(date +%s.%N)
    line=$("$@")
    t1=$(date +%s.%N)
    o1=$(our_cpu) p1=$(cpu_of $mpid) d1=$(cpu_of $DB_PID)
    set -- $(cpu_busy)
    echo "$line" | awk -v b0="$b0" -v b1="$1" -v s0="$s0" -v s1="$2" \
        -v o="$((o1 - o0))" -v p="$((p1 - p0))" -v d="$((d1 - d0))" \
        -v t0="$t0" -v t1="$t1" -v clk="$CLK" -v n="$NCPU" '{
        for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        w = v["wrkcpu"] + 0; req = ("requests" in v) ? v["requests"] : v["queries"]
        cap = (t1 - t0) * clk * n; other = b1 - b0 - o - w
        if (other < 0) other = 0
        us = req > 0 ? 1e6 / clk / req : 0
        printf "%s other=%.0f steal=%.0f srv_us=%.1f db_us=%.1f wrk_us=%.1f\n", $0,
            100 * other / cap, 100 * (s1 - s0) / cap, p * us, d * us, w * us }'
}

# run_wrk NAME CONNS SECONDS URL MODE [ARG] -> the BENCH line (+ wrkcpu)
run_wrk() {
    name=$1 c=$2 d=$3 url=$4
    shift 4
    t=$WTHREADS
    [ "$t" -le "$c" ] || t=$c
    (
        $(pin_wrk) wrk -t"$t" -c"$c" -d"${d}s" --latency --timeout "${BENCH_TIMEOUT:-10}s" \
            -s "$ROOT/bench/scenario.lua" "$url" -- "$@" >"$OUT/$name.wrk" 2>&1 || true
        times >"$OUT/$name.times" # no fork: a child's times are its own
        l=$(grep '^BENCH ' "$OUT/$name.wrk" || echo "BENCH requests=0 rps=0 failed=1")
        echo "$l wrkcpu=$(wrk_cpu_jiffies "$(tail -n 1 "$OUT/$name.times")")"
    )
}

# start_bg NAME ARGS... : starts a server that prints "Base URL:", sets
# BG_PID and BG_URL
start_bg() {
    name=$1
    shift
    : >"$OUT/$name.out"
    $(pin_server) "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" &
    BG_PID=$!
    PIDS="$PIDS $BG_PID"
    i=0
    while ! grep -q 'Base URL:' "$OUT/$name.out"; do
        if ! kill -0 "$BG_PID" 2>/dev/null; then
            cat "$OUT/$name.err" >&2
            log "$name did not start"
            exit 1
        fi
        i=$((i + 1))
        [ $i -lt 1800 ] || { log "$name: no banner in 180 s"; exit 1; }
        sleep 0.1
    done
    BG_URL=$(sed -n 's|.*Base URL: \(https*://127.0.0.1:[0-9]*\)/.*|\1|p' "$OUT/$name.out" | head -n 1)
}

# Wait until URL answers GET /patients/1 in under 50 ms again: the requests
# of a finished wrk run may still be queued for the database pool, and they
# would be counted against the next run. Gives up after 120 s.
drain() {
    i=0
    while [ $i -lt 1200 ]; do
        t=$(curl -k -s -o /dev/null -w '%{time_total}' -m 30 -H "$AUTH" \
            "$1/api/v1/patients/1" || echo 99)
        if awk -v t="$t" 'BEGIN { exit !(t < 0.05) }'; then
            [ $i -eq 0 ] || log "drained the queue in ~$((i / 10)) s"
            return 0
        fi
        i=$((i + 1))
        sleep 0.1
    done
    log "the server at $1 is still busy after 120 s"
}

# ---- the database ceiling, a process kept warm between runs ----------------------

# ceil_start LOGNAME CEILING-ARGS... : ceiling_db --serve reading a FIFO
ceil_start() {
    name=$1
    shift
    rm -f "$OUT/$name.fifo"
    mkfifo "$OUT/$name.fifo"
    : >"$OUT/$name.out"
    $(pin_server) "$@" --serve <"$OUT/$name.fifo" >"$OUT/$name.out" 2>"$OUT/$name.err" &
    CEIL_PID=$!
    exec 7>"$OUT/$name.fifo"
    CEIL_FD_OPEN=1 CEIL_OUT=$OUT/$name.out
}

ceil_stop() {
    if [ -n "$CEIL_FD_OPEN" ]; then
        exec 7>&-
        CEIL_FD_OPEN=
    fi
    if [ -n "$CEIL_PID" ]; then
        wait "$CEIL_PID" 2>/dev/null || true
        CEIL_PID=
    fi
}

# ceil_run SPEC SECONDS [THREADS] -> its CEILING_DB line (often called in a
# subshell: the label is unique without a counter)
ceil_run() {
    lab=r$(date +%s%N)
    echo "$1 ${3:-$POOL} $2 $lab" >&7
    i=0
    while ! grep -q "label=$lab " "$CEIL_OUT"; do
        kill -0 "$CEIL_PID" 2>/dev/null || { log "the ceiling died"; cat "${CEIL_OUT%.out}.err" >&2; exit 1; }
        i=$((i + 1))
        [ $i -lt 3000 ] || { log "the ceiling did not answer"; exit 1; }
        sleep 0.1
    done
    grep "label=$lab " "$CEIL_OUT"
}

# ---- records ----------------------------------------------------------------------

# One line a run: backend|scenario|conns|target|pair|rps|p50|p99|errors|
# other|steal|peak_kb|srv_us|db_us|wrk_us
RUNS=$OUT/runs.txt
# Single values: backend|what|value
FACTS=$OUT/facts.txt
: >"$RUNS"
: >"$FACTS"
fact() { echo "$1|$2|$3" >>"$FACTS"; }

# record BACKEND SCENARIO CONNS TARGET PAIR LINE PEAK_KB (one awk: forks
# are slow on a busy machine)
record() {
    echo "$6" | awk -v pre="$1|$2|$3|$4|$5" -v peak="$7" '{
        for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        rps = ("rps" in v) ? v["rps"] : v["qps"]
        e = ("errors" in v) ? v["errors"] : v["s3xx"] + v["s4xx"] + v["s5xx"] + v["connect"] + v["read"] + v["write"] + v["timeout"]
        printf "%s|%s|%s|%s|%d|%s|%s|%s|%s|%s|%s\n", pre, rps + 0, v["p50_ms"], v["p99_ms"], e, v["other"], v["steal"], peak, v["srv_us"], v["db_us"], v["wrk_us"]
    }' >>"$RUNS"
}

# ---- one scenario, alternated -------------------------------------------------------

# Servers under test: "NAME PID URL" lines (odlocal, and odservice on the
# server backend).
TARGETS=

# wrk_target NAME PID URL SCEN CONNS ARGS... : one measured wrk run
wrk_target() {
    tname=$1 tpid=$2 turl=$3 scen=$4 c=$5
    shift 5
    reset_peak "$tpid"
    l=$(measure "$tpid" run_wrk "$scen-$tname-$pair" "$c" "$SECS" "$turl" "$@")
    record "$backend" "$scen" "$c" "$tname" "$pair" "$l" "$(rss_kb "$tpid" VmHWM)"
    drain "$turl"
}

# alternate SCEN CONNS CEILING WRK-ARGS... : warm-up, then PAIRS times: the
# ceiling, then every target. CEILING is "db:SPEC[:THREADS]" (ceiling_db) or
# "http:URL" (the bare evhttp responder).
alternate() {
    scen=$1 c=$2 ceil=$3
    shift 3
    case " $ONLY " in
    "  " | *" ${scen%%@*} "*) ;;
    *) return 0 ;;
    esac
    log "$backend: scenario $scen, $PAIRS alternations"
    echo "$TARGETS" | while read -r tname tpid turl; do
        [ -n "$tname" ] || continue
        run_wrk "warm-$scen-$tname" "$c" "$WARM" "$turl" "$@" >/dev/null
        drain "$turl"
    done
    case $ceil in db:*) spec=${ceil#db:}; ceil_run "${spec%%:*}" "$WARM" >/dev/null ;; esac
    pair=1
    while [ $pair -le "$PAIRS" ]; do
        case $ceil in
        db:*)
            spec=${ceil#db:}
            th=$POOL
            case $spec in *:*) th=${spec##*:}; spec=${spec%%:*} ;; esac
            l=$(measure "$CEIL_PID" ceil_run "$spec" "$SECS" "$th")
            record "$backend" "$scen" "$th" ceiling "$pair" "$l" - ;;
        http:*)
            l=$(measure "$CEIL_HTTP_PID" run_wrk "$scen-ceiling-$pair" "$c" "$SECS" "${ceil#http:}" "$@")
            record "$backend" "$scen" "$c" ceiling "$pair" "$l" - ;;
        esac
        # not a pipeline: wrk_target must run in this shell (PIDS); the
        # order turns every alternation, so no server is always first
        printf '%s\n' "$TARGETS" | awk -v k="$pair" 'NF { l[n++] = $0 }
            END { for (i = 0; i < n; i++) print l[(i + k - 1) % n] }' >"$OUT/targets.txt"
        while read -r tname tpid turl; do
            [ -n "$tname" ] || continue
            wrk_target "$tname" "$tpid" "$turl" "$scen" "$c" "$@"
        done <"$OUT/targets.txt"
        pair=$((pair + 1))
    done
}

# ---- the captured statements ----------------------------------------------------------

# What the server runs for one request, from the general log of the bench's
# MariaDB: a throwaway odlocal with one connection, so every statement is
# prepared (and logged as prepared) the first time.
# capture DB NAME URLPATH [BODY] -> $OUT/specs/DB/NAME.log (Prepare/Execute lines)
capture() {
    f=$OUT/specs/$1/$2.log
    mariadb --no-defaults -S "$SOCK" -uroot -e \
        "SET GLOBAL general_log_file='$f'; SET GLOBAL general_log=1"
    if [ -n "${4:-}" ]; then
        curl -s -o "$f.json" -H "$AUTH" -H 'Content-Type: application/json' -d "$4" "$CAP_URL$3"
    else
        curl -s -o "$f.json" -H "$AUTH" "$CAP_URL$3"
    fi
    mariadb --no-defaults -S "$SOCK" -uroot -e "SET GLOBAL general_log=0"
}

# spec_lines LOG REGEX -> "prepare SQL" / "execute SQL" for the statements
# whose prepared text matches REGEX (each with the execution that follows)
spec_lines() {
    awk -v re="$2" '
    !match($0, / *[0-9]+ (Prepare|Execute)\t/) { next }
    {
        split(substr($0, RSTART, RLENGTH), a, " ")
        id = a[1]; cmd = a[2]; sub(/\t$/, "", cmd)
        sql = substr($0, RSTART + RLENGTH)
    }
    cmd == "Prepare" && sql ~ re { p[id] = sql; next }
    cmd == "Execute" && (id in p) { print "prepare " p[id]; print "execute " sql; delete p[id] }
    ' "$1"
}

# make_specs DB MAXPAT NPAT DAY : the scenarios' specs in $OUT/specs/DB/,
# from a capture server on DB (server backend); copied to $DATA/specs for
# the embedded backend.
make_specs() {
    db=$1 maxpat=$2 npat=$3 day=$4
    d=$OUT/specs/$db
    mkdir -p "$d"
    start_bg "capture-$db" "$ODLOCAL" --db-socket "$SOCK" --db-name "$db" \
        --demo-key "$DEMO_KEY" --port 0 --pool 1 --log-level Error
    cpid=$BG_PID CAP_URL=$BG_URL
    key=$((maxpat - 1))
    capture "$db" s1 "/api/v1/patients/$key"
    { echo "keys 1 $maxpat"; spec_lines "$d/s1.log" '^SELECT .* FROM `patient` t'; echo "random $key"; } >"$d/s1.spec"
    capture "$db" s2 "/api/v1/appointments?$(appt_query "$day")"
    { echo "keys 1 $maxpat"; spec_lines "$d/s2.log" '`appointment`'; } >"$d/s2.spec"
    capture "$db" s3 "/api/v1/patients/Simple?Offset=2000"
    { echo "keys 1 $npat"; spec_lines "$d/s3.log" 'LIMIT \\? OFFSET \\?'; echo "page 2000 1000"; } >"$d/s3.spec"
    capture "$db" s4 /api/v1/commlogs \
        "{\"PatNum\":$key,\"Note\":\"bench: called, left a message\",\"Mode_\":\"Phone\"}"
    id=$(sed -n 's/.*"CommlogNum":\([0-9]*\).*/\1/p' "$d/s4.log.json")
    { echo "keys 1 $maxpat"; echo tx; spec_lines "$d/s4.log" '^INSERT INTO'; echo "random $key"; echo "insertid $id"; } >"$d/s4.spec"
    stop_pid "$cpid"
    for s in s1 s2 s3 s4; do
        grep -q '^prepare ' "$d/$s.spec" || { log "no statement captured for $s on $db"; exit 1; }
    done
    mkdir -p "$DATA/specs"
    cp "$d"/*.spec "$DATA/specs/"
    echo "$day" >"$DATA/specs/day"
}

appt_query() {
    q="date=$1"
    [ "${BENCH_APPT_LIMIT:-50}" = 0 ] || q="$q&Limit=${BENCH_APPT_LIMIT:-50}"
    echo "$q"
}

# The facts of a practice: largest PatNum, patients, the busiest day and
# its appointments.
facts_of() {
    dbq "SELECT (SELECT MAX(PatNum) FROM patient), (SELECT COUNT(*) FROM patient), x.d, x.n FROM (SELECT DATE(AptDateTime) d, COUNT(*) n FROM appointment WHERE AptDateTime > '1900-01-01' GROUP BY DATE(AptDateTime)) x ORDER BY x.n DESC, x.d DESC LIMIT 1"
}

# ---- one backend ------------------------------------------------------------------------

# scenarios MAXPAT NPAT DAY SPECDIR : every scenario against TARGETS
scenarios() {
    maxpat=$1 npat=$2 day=$3 sd=$4
    if [ "${BENCH_ONLY:-}" = relay ]; then
        [ "$backend" != server ] || bench_relay "$maxpat"
        return 0
    fi
    alternate s1 "$CONNS" "db:$sd/s1.spec" patient "$maxpat"
    # right after scenario 1, so that both see the same machine
    if [ "$backend" = server ] && [ "$RELAY" = 1 ]; then
        bench_relay "$maxpat"
    fi
    alternate s2 "$CONNS" "db:$sd/s2.spec" appts "$(appt_query "$day")"
    if [ "$QUICK" != 1 ]; then
        # one connection: the time of one page, not the queue in front of it
        alternate s3one 1 "db:$sd/s3.spec:1" simple "$npat"
    fi
    alternate s4 "$CONNS" "db:$sd/s4.spec" commlog "$maxpat"
    # the HTTP ceiling: a bare evhttp responder with the same bytes (no
    # database: a quick run measures it on the server backend only)
    [ "$QUICK" = 1 ] && [ "$backend" = embedded ] && return 0
    start_bg "ceiling-http-$backend" "$BIN/ceiling_http" --body "$OUT/health-$backend.json"
    hpid=$BG_PID hurl=$BG_URL CEIL_HTTP_PID=$BG_PID
    alternate s5 "$CONNS" "http:$hurl" health
    if [ "$MANY" -gt 0 ]; then
        PAIRS_SAVE=$PAIRS PAIRS=1
        alternate s5many "$MANY" "http:$hurl" health
        fact "$backend" "bare evhttp peak RSS at $MANY conns (kB)" "$(rss_kb "$hpid" VmHWM)"
        alternate s1many "$MANY" "db:$sd/s1.spec" patient "$maxpat"
        PAIRS=$PAIRS_SAVE
    fi
    stop_pid "$hpid"
}

bench_server() {
    backend=server
    SOCK=$(sh bench/mariadb.sh start "$DATA/server")
    DB_STARTED=1
    DB_PID=$(cat "$DATA/server/mysqld.pid")
    dbq() { "$BIN/ceiling_db" --socket "$SOCK" --db "$DBNAME" --query "$1"; }
    DBNAME=mysql
    DBVERSION=$(dbq "SELECT VERSION()")
    seeded=$PATIENTS
    for n in $SIZES ${SCALED:+$SCALE_FROM}; do
        case " $seeded " in *" $n "*) ;; *) seeded="$seeded $n" ;; esac
    done
    for n in $seeded; do
        SOCK=$SOCK sh bench/seed.sh server "$n" "$DATA" "$ODLOCAL"
        fact server "seed $n (s)" "$(cat "$DATA/server-$n.seedtime" 2>/dev/null || echo '?')"
    done
    for n in $SCALED; do
        SOCK=$SOCK sh bench/scale.sh "$SCALE_FROM" "$n" "$DATA"
        fact server "scale $SCALE_FROM to $n (s)" "$(cat "$DATA/scaled-$n.seedtime" 2>/dev/null || echo '?')"
    done
    DBNAME=odbench_$PATIENTS
    # rows an interrupted run left, and their purge, go before measuring
    clean_db
    quiesce_db "before the runs"
    set -- $(facts_of)
    maxpat=$1 npat=$2 day=$3
    fact server "practice" "$npat patients, max PatNum $maxpat, busy day $day ($4 appointments)"
    make_specs "$DBNAME" "$maxpat" "$npat" "$day"
    server_targets "$DBNAME"
    ceil_start "ceiling-db-server" "$BIN/ceiling_db" --socket "$SOCK" --db "$DBNAME"
    scenarios "$maxpat" "$npat" "$day" "$OUT/specs/$DBNAME"
    ceil_stop
    after_load
    clean_db
    quiesce_db "after the clean-up"
    for n in $SIZES; do
        [ "$n" != "$PATIENTS" ] || continue
        bench_size "$n" "odbench_$n"
    done
    for n in $SCALED; do
        bench_size "${n}s" "odbench_scaled_$n"
    done
    sh bench/mariadb.sh stop "$DATA/server"
    DB_STARTED= DB_PID=
}

# odlocal and odservice on the server database DB; sets TARGETS
server_targets() {
    start_bg odlocal-server "$ODLOCAL" --db-socket "$SOCK" --db-name "$1" \
        --demo-key "$DEMO_KEY" --port 0 --pool "$POOL" --max-connections 4096 --log-level Error
    lpid=$BG_PID lurl=$BG_URL
    sleep 1
    fact server "odlocal idle RSS (kB)" "$(rss_kb "$lpid" VmRSS)"
    d=$OUT/odservice
    mkdir -p "$d"
    printf '{"keys":[{"DeveloperKey":"%s","CustomerKey":"%s","DeveloperName":"Bench","Permissions":"all"}]}\n' \
        "${DEMO_KEY%/*}" "${DEMO_KEY#*/}" >"$d/keys.json"
    printf '<ConnectionSettings><DatabaseConnection><ComputerName>%s</ComputerName><Database>%s</Database><User>root</User><Password></Password><DatabaseType>MySql</DatabaseType><Note>DentalOffice</Note></DatabaseConnection><LogLevelOfApplication>Error</LogLevelOfApplication><OdapiKeysFile>%s</OdapiKeysFile></ConnectionSettings>\n' \
        "$SOCK" "$1" "$d/keys.json" >"$d/web.xml"
    start_bg odservice "$ODSERVICE" --config "$d/web.xml" --listen 127.0.0.1 \
        --port 0 --pool "$POOL" --max-connections 4096 --no-events --state-dir "$d"
    spid=$BG_PID surl=$BG_URL
    sleep 1
    fact server "odservice idle RSS (kB)" "$(rss_kb "$spid" VmRSS)"
    check_target odlocal "$lurl"
    check_target odservice "$surl"
    curl -s -o "$OUT/health-server.json" "$lurl/api/v1/"
    # a quick run drives odlocal only (the same library and code path)
    TARGETS="odlocal $lpid $lurl"
    [ "$QUICK" = 1 ] || TARGETS="$TARGETS
odservice $spid $surl"
    [ -n "$BASE" ] || return 0
    start_bg base "$OUT/base/bin/odlocal" --db-socket "$SOCK" --db-name "$1" \
        --demo-key "$DEMO_KEY" --port 0 --pool "$POOL" --max-connections 4096 --log-level Error
    check_target base "$BG_URL"
    TARGETS="$TARGETS
base $BG_PID $BG_URL"
}

check_target() {
    code=$(curl -s -o "$OUT/patient-$1.json" -w '%{http_code}' -H "$AUTH" "$2/api/v1/patients/1")
    [ "$code" = 200 ] || { log "$1: GET /patients/1 answered $code"; cat "$OUT/patient-$1.json" >&2; exit 1; }
}

after_load() {
    echo "$TARGETS" | while read -r tname tpid turl; do
        [ -n "$tname" ] || continue
        fact "$backend" "$tname RSS after the load (kB)" "$(rss_kb "$tpid" VmRSS)"
    done
    for p in $(echo "$TARGETS" | awk '{ print $2 }'); do stop_pid "$p"; done
    TARGETS=
}

# The bench's own rows go again, so every run starts from the seed.
clean_db() {
    dbq "DELETE FROM securitylog WHERE PermType = 193 AND LogText LIKE 'Created by % through API.' AND FKey IN (SELECT CommlogNum FROM commlog WHERE Note = 'bench: called, left a message')" >/dev/null 2>&1 || true
    dbq "DELETE FROM commlog WHERE Note = 'bench: called, left a message'" >/dev/null 2>&1 || true
}

# Wait until InnoDB has purged what was deleted (server backend): a DELETE
# of the bench's rows leaves its purge to InnoDB's background threads
# (~0.5 CPU for ~10 s after 100k POSTs' rows on a 2-core machine); a
# shutdown does not wait for it, so it ran during the next run's first
# alternations
# (docs/PERFORMANCE.md, "s4: odlocal and odservice"). Gives up after 300 s.
quiesce_db() {
    t0=$(date +%s) i=0
    while [ $i -lt 600 ]; do
        dbq "SHOW ENGINE INNODB STATUS" 2>/dev/null | grep -q 'state: running but idle' && break
        i=$((i + 1))
        sleep 0.5
    done
    w=$(( $(date +%s) - t0 ))
    [ $i -eq 0 ] || log "waited ${w} s for InnoDB's purge"
    fact server "$1: wait for InnoDB's purge (s)" "$w"
}

# Scenarios 1 and 2 on the practice of size N (server backend) in database
# DB; N is the label of the runs (s1@N), "Ns" for a scaled practice.
bench_size() {
    n=$1 DBNAME=$2
    set -- $(facts_of)
    maxpat=$1 npat=$2 day=$3
    fact server "practice $n" "$npat patients, busy day $day ($4 appointments)"
    make_specs "$DBNAME" "$maxpat" "$npat" "$day"
    start_bg "odlocal-$n" "$ODLOCAL" --db-socket "$SOCK" --db-name "$DBNAME" \
        --demo-key "$DEMO_KEY" --port 0 --pool "$POOL" --max-connections 4096 --log-level Error
    TARGETS="odlocal $BG_PID $BG_URL"
    ceil_start "ceiling-db-$n" "$BIN/ceiling_db" --socket "$SOCK" --db "$DBNAME"
    alternate "s1@$n" "$CONNS" "db:$OUT/specs/$DBNAME/s1.spec" patient "$maxpat"
    alternate "s2@$n" "$CONNS" "db:$OUT/specs/$DBNAME/s2.spec" appts "$(appt_query "$day")"
    ceil_stop
    stop_pid "$BG_PID"
    TARGETS=
}

# The embedded backend: odlocal on the sandbox, the ceiling on a copy of it
# (one folder can be open in one process only), both kept warm.
bench_embedded() {
    backend=embedded
    sb=$DATA/sandbox-$PATIENTS
    sh bench/seed.sh embedded "$PATIENTS" "$DATA" "$ODLOCAL"
    fact embedded "seed $PATIENTS (s)" "$(cat "$DATA/embedded-$PATIENTS.seedtime" 2>/dev/null || echo '?')"
    if [ "$(cat "$sb.copy" 2>/dev/null)" != "$(cat "$DATA/embedded-$PATIENTS.seed")" ]; then
        log "embedded: copying the sandbox for the ceiling (once)"
        rm -rf "$sb-ceiling"
        cp -a "$sb" "$sb-ceiling"
        rm -f "$sb-ceiling/odapi.lock"
        cp "$DATA/embedded-$PATIENTS.seed" "$sb.copy"
    fi
    dbq() { "$BIN/ceiling_db_embedded" --datadir "$sb-ceiling" --db opendental --query "$1" 2>>"$OUT/embedded-query.err"; }
    set -- $(facts_of)
    maxpat=$1 npat=$2 day=$3
    fact embedded "practice" "$npat patients, max PatNum $maxpat, busy day $day ($4 appointments)"
    [ -s "$DATA/specs/s1.spec" ] || { log "embedded: no captured statements (run the server backend once)"; return 0; }
    sd=$OUT/specs/embedded
    mkdir -p "$sd"
    old=$(cat "$DATA/specs/day")
    for s in s1 s2 s3 s4; do
        sed "s/'$old'/'$day'/g" "$DATA/specs/$s.spec" >"$sd/$s.spec"
    done
    start_bg odlocal-embedded "$ODLOCAL" --data-dir "$sb" --port 0 --pool "$POOL" \
        --max-connections 4096 --log-level Error
    lpid=$BG_PID lurl=$BG_URL
    sleep 1
    fact embedded "odlocal idle RSS (kB)" "$(rss_kb "$lpid" VmRSS)"
    check_target odlocal "$lurl"
    curl -s -o "$OUT/health-embedded.json" "$lurl/api/v1/"
    TARGETS="odlocal $lpid $lurl"
    ceil_start ceiling-db-embedded "$BIN/ceiling_db_embedded" --datadir "$sb-ceiling" --db opendental
    scenarios "$maxpat" "$npat" "$day" "$sd"
    ceil_stop
    after_load
    clean_db
    dbq() { "$BIN/ceiling_db_embedded" --datadir "$sb" --db opendental --query "$1" 2>>"$OUT/embedded-query.err"; }
    clean_db
}

# ---- the Cloud relay (docs/cloud.md) ------------------------------------------------

# Scenario 1 through odlocal --relay in front of odservice over TLS (both
# on this machine, certificates made here), against scenario 1 straight to
# odlocal (the ceiling here, alternated); and straight to that odservice
# over TLS, which shows the relay's own cost apart from TLS's.
bench_relay() {
    maxpat=$1
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
    sed "s|</ConnectionSettings>|<OdapiTlsCertificate>$d/server.pem</OdapiTlsCertificate><OdapiTlsKey>$d/server.key</OdapiTlsKey></ConnectionSettings>|" \
        "$OUT/odservice/web.xml" >"$d/far.xml"
    start_bg far "$ODSERVICE" --config "$d/far.xml" --listen 127.0.0.1 \
        --port 0 --pool "$POOL" --max-connections 4096 --no-events --state-dir "$d"
    fpid=$BG_PID furl=$BG_URL
    start_bg relay "$ODLOCAL" --relay "$furl" --relay-ca "$d/ca.pem" --port 0 \
        --max-connections 4096 --log-level Error
    rpid=$BG_PID rurl=$BG_URL
    direct=$(echo "$TARGETS" | head -n 1)
    saved=$TARGETS
    TARGETS="relay $rpid $rurl
tls $fpid $furl"
    set -- $direct
    CEIL_HTTP_PID=$2
    alternate relay "$CONNS" "http:$3" patient "$maxpat"
    TARGETS=$saved
    stop_pid "$rpid"
    stop_pid "$fpid"
}

# ---- all ----------------------------------------------------------------------------

for backend in $BACKENDS; do
    case $backend in
    server) bench_server ;;
    embedded) bench_embedded ;;
    *) log "unknown backend $backend"; exit 2 ;;
    esac
done
fact all "bench minutes" "$(( ($(date +%s) - T_START + 30) / 60 ))"

# ---- report ------------------------------------------------------------------------

sh bench/report.sh "$OUT" "${DBVERSION:-}" >"$OUT/report.md"
cat "$OUT/report.md"
if [ -n "$DOC" ]; then
    [ -f "$DOC" ] || printf '# Performance\n\nMeasured by `make bench` (bench/README.md). Each section is one run, appended; nothing here is asserted by a test.\n' >"$DOC"
    { echo; cat "$OUT/report.md"; } >>"$DOC"
    log "appended to $DOC"
fi
log "raw output in $OUT"
