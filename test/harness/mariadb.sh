#!/bin/sh
# mariadb.sh - a throwaway MariaDB server for tests.
#
#   sh test/harness/mariadb.sh start DIR   make DIR, initialise DIR/data, start
#                                          mariadbd on DIR/mysql.sock and print
#                                          the socket path
#   sh test/harness/mariadb.sh stop DIR    shut it down and wait
#
# Environment: PORT=N also listens on 127.0.0.1:N (default: no TCP at all).
# WAIT=seconds bounds the start-up wait (default 30).
# MYSQLD_ARGS="--opt ..." adds server options after the defaults (they win):
# the replication tests turn the binary log on with them.
# Tests connect as root over the socket with no password (root is created
# passwordless, so this works for any OS user).
# On any failure the server is stopped and the log tail is printed.
set -eu

usage() {
    echo "usage: $0 start|stop DIR" >&2
    exit 2
}

[ $# -eq 2 ] || usage
cmd=$1
dir=$2

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

server_pid() {
    [ -f "$dir/mysqld.pid" ] || return 1
    pid=$(cat "$dir/mysqld.pid" 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Wait (bounded) for the pid to exit; SIGKILL at the end.
wait_gone() {
    pid=$1
    i=0
    while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -gt 300 ]; then # 30 s
            kill -9 "$pid" 2>/dev/null || true
            sleep 0.2
            break
        fi
        sleep 0.1
    done
}

stop_server() {
    if pid=$(server_pid); then
        kill -TERM "$pid" 2>/dev/null || true
        wait_gone "$pid"
    fi
    rm -f "$dir/mysqld.pid"
}

fail() {
    echo "mariadb.sh: $*" >&2
    if [ -f "$dir/mysqld.log" ]; then
        echo "--- last lines of $dir/mysqld.log ---" >&2
        tail -n 25 "$dir/mysqld.log" >&2 || true
    fi
    stop_server
    exit 1
}

case $cmd in
start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if server_pid >/dev/null; then
        echo "mariadb.sh: a server is already running in $dir" >&2
        exit 1
    fi
    # A unix socket path is limited to about 107 bytes.
    sock="$dir/mysql.sock"
    if [ ${#sock} -gt 100 ]; then
        echo "mariadb.sh: socket path too long (${#sock} > 100): $sock" >&2
        exit 1
    fi
    mysqld=$(find_prog mariadbd mysqld) || fail "mariadbd not found (install mariadb-server)"
    installdb=$(find_prog mariadb-install-db mysql_install_db) ||
        fail "mariadb-install-db not found (install mariadb-server)"
    userarg=
    [ "$(id -u)" -eq 0 ] && userarg=--user=root
    if [ ! -d "$dir/data/mysql" ]; then
        rm -rf "$dir/data"
        "$installdb" --no-defaults $userarg --datadir="$dir/data" \
            --auth-root-authentication-method=normal --skip-test-db \
            >"$dir/install.log" 2>&1 ||
            { cat "$dir/install.log" >&2; fail "mariadb-install-db failed"; }
    fi
    if [ -n "${PORT:-}" ]; then
        net="--port=$PORT --bind-address=127.0.0.1"
    else
        net="--skip-networking --port=0"
    fi
    : >"$dir/mysqld.log"
    # shellcheck disable=SC2086
    "$mysqld" --no-defaults $userarg --datadir="$dir/data" \
        --socket="$sock" --pid-file="$dir/mysqld.pid" $net \
        --log-error="$dir/mysqld.log" --tmpdir="$dir" \
        --innodb-buffer-pool-size=128M --innodb-log-file-size=64M \
        --innodb-flush-log-at-trx-commit=2 --skip-log-bin \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
        --max-allowed-packet=64M --key-buffer-size=8M \
        --performance-schema=OFF --skip-name-resolve ${MYSQLD_ARGS:-} \
        </dev/null >>"$dir/mysqld.log" 2>&1 &
    bgpid=$!
    limit=$(( ${WAIT:-30} * 10 ))
    i=0
    while :; do
        if ! kill -0 "$bgpid" 2>/dev/null; then
            fail "mariadbd exited during start-up"
        fi
        if [ -S "$sock" ] && [ -f "$dir/mysqld.pid" ]; then
            if admin=$(find_prog mariadb-admin mysqladmin); then
                "$admin" --no-defaults --socket="$sock" -uroot ping \
                    >/dev/null 2>&1 && break
            else
                break
            fi
        fi
        i=$((i + 1))
        [ $i -lt "$limit" ] || { kill -TERM "$bgpid" 2>/dev/null || true; wait_gone "$bgpid"; fail "mariadbd did not accept connections within ${WAIT:-30} s"; }
        sleep 0.1
    done
    echo "$sock"
    ;;
stop)
    [ -d "$dir" ] || exit 0
    dir=$(cd "$dir" && pwd)
    if pid=$(server_pid); then
        if admin=$(find_prog mariadb-admin mysqladmin); then
            "$admin" --no-defaults --socket="$dir/mysql.sock" -uroot \
                shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
        else
            kill -TERM "$pid" 2>/dev/null || true
        fi
        wait_gone "$pid"
    fi
    rm -f "$dir/mysqld.pid"
    ;;
*)
    usage
    ;;
esac
