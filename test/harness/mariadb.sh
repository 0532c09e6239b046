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

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
# shellcheck disable=SC2034 # common.sh's usage reads it
USAGE="start|stop DIR"

[ $# -eq 2 ] || usage
cmd=$1
dir=$2

server_pid() {
    pid_in "$dir/mysqld.pid"
}

stop_server() {
    if pid=$(server_pid); then
        kill -TERM "$pid" 2>/dev/null || true
        wait_gone "$pid" 30
    fi
    rm -f "$dir/mysqld.pid"
}

fail() {
    echo "mariadb.sh: $*" >&2
    print_tail "$dir/mysqld.log"
    stop_server
    exit 1
}

# The server answers: its socket and pid file are there and (with an
# admin client) it answers a ping.
accepts() {
    [ -S "$sock" ] && [ -f "$dir/mysqld.pid" ] || return 1
    admin=$(find_prog mariadb-admin mysqladmin) || return 0
    "$admin" --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1
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
        # shellcheck disable=SC2086
        install_db "$installdb" "$dir/data" "$dir/install.log" $userarg ||
            fail "mariadb-install-db failed"
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
        $SERVER_OPTS ${MYSQLD_ARGS:-} \
        </dev/null >>"$dir/mysqld.log" 2>&1 &
    bgpid=$!
    wait_ready "$bgpid" "${WAIT:-30}" accepts || case $? in
    1) fail "mariadbd exited during start-up" ;;
    *)
        kill -TERM "$bgpid" 2>/dev/null || true
        wait_gone "$bgpid" 30
        fail "mariadbd did not accept connections within ${WAIT:-30} s"
        ;;
    esac
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
        wait_gone "$pid" 30
    fi
    rm -f "$dir/mysqld.pid"
    ;;
*)
    usage
    ;;
esac
