# common.sh - what the harness's server scripts (mariadb.sh, galera.sh)
# share. Sourced, not run: it defines functions and SERVER_OPTS only.

# usage: the script's USAGE line to stderr, exit 2.
usage() {
    echo "usage: $0 $USAGE" >&2
    exit 2
}

# find_prog NAME...: the path of the first program found, on PATH or in
# the sbin folders a non-root PATH may lack (mariadbd is in /usr/sbin).
find_prog() {
    for p in "$@"; do
        if command -v "$p" >/dev/null 2>&1; then
            command -v "$p"
            return 0
        fi
        for d in /usr/sbin /usr/bin /usr/local/sbin /usr/local/bin; do
            if [ -x "$d/$p" ]; then
                echo "$d/$p"
                return 0
            fi
        done
    done
    return 1
}

# pid_in FILE: the pid FILE holds, if that process still runs.
pid_in() {
    [ -f "$1" ] || return 1
    pid=$(cat "$1" 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# wait_gone PID SECONDS: wait (bounded) for PID to exit; SIGKILL at the end.
wait_gone() {
    pid=$1
    i=0
    while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -gt $(($2 * 10)) ]; then
            kill -9 "$pid" 2>/dev/null || true
            sleep 0.2
            break
        fi
        sleep 0.1
    done
}

# wait_ready PID SECONDS CHECK [ARG...]: run CHECK every 0.1 s until it
# succeeds (0). 1: PID (the server starting) exited first; 2: SECONDS
# passed.
wait_ready() {
    wpid=$1
    limit=$(($2 * 10))
    shift 2
    i=0
    while :; do
        kill -0 "$wpid" 2>/dev/null || return 1
        "$@" && return 0
        i=$((i + 1))
        [ $i -lt "$limit" ] || return 2
        sleep 0.1
    done
}

# print_tail FILE...: the last lines of each log there is, to stderr.
print_tail() {
    for f in "$@"; do
        [ -f "$f" ] || continue
        echo "--- last lines of $f ---" >&2
        tail -n 25 "$f" >&2 || true
    done
}

# install_db PROG DATADIR LOG [ARG...]: a new data folder by PROG
# (mariadb-install-db) whose root logs in over the socket without a
# password; the output goes to LOG and, on failure, to stderr too.
install_db() {
    iprog=$1
    idata=$2
    ilog=$3
    shift 3
    "$iprog" --no-defaults "$@" --datadir="$idata" \
        --auth-root-authentication-method=normal --skip-test-db \
        >"$ilog" 2>&1 || { cat "$ilog" >&2; return 1; }
}

# The server options every test server has: small, fast and durable
# enough for tests, no binary log, utf8mb4.
# shellcheck disable=SC2034 # used by the scripts that source this
SERVER_OPTS="--innodb-buffer-pool-size=128M --innodb-log-file-size=64M \
--innodb-flush-log-at-trx-commit=2 --skip-log-bin \
--character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
--max-allowed-packet=64M --key-buffer-size=8M \
--performance-schema=OFF --skip-name-resolve"
