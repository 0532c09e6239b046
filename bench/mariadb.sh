#!/bin/sh
# bench/mariadb.sh - the benchmark's MariaDB server (not the test harness's):
# a persistent datadir, a big buffer pool and relaxed durability, for
# seeding and benchmarking only.
#
#   sh bench/mariadb.sh start DIR   initialise DIR/data if missing, start
#                                   mariadbd on DIR/mysql.sock, print the socket
#   sh bench/mariadb.sh stop DIR    shut it down and wait
#
# Environment: BENCH_DB_POOL (innodb_buffer_pool_size, default 2G),
# BENCH_DB_MAXCONN (max_connections, default 2000), WAIT (start-up seconds,
# default 120: a crash recovery of a big datadir takes a while).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
sock="$dir/mysql.sock"

find_prog() {
    for p in "$@"; do
        for d in /usr/sbin /usr/bin /usr/local/sbin /usr/local/bin; do
            [ -x "$d/$p" ] && { echo "$d/$p"; return 0; }
        done
        command -v "$p" 2>/dev/null && return 0
    done
    return 1
}

server_pid() {
    [ -f "$dir/mysqld.pid" ] || return 1
    pid=$(cat "$dir/mysqld.pid" 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

wait_gone() {
    i=0
    while kill -0 "$1" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 1200 ] && { kill -9 "$1" 2>/dev/null || true; break; }
        sleep 0.1
    done
}

case $cmd in
start)
    if server_pid >/dev/null; then echo "$sock"; exit 0; fi
    [ ${#sock} -le 100 ] || { echo "bench/mariadb.sh: socket path too long: $sock" >&2; exit 1; }
    mysqld=$(find_prog mariadbd mysqld) || { echo "mariadbd not found" >&2; exit 1; }
    userarg=
    [ "$(id -u)" -eq 0 ] && userarg=--user=root
    if [ ! -d "$dir/data/mysql" ]; then
        installdb=$(find_prog mariadb-install-db mysql_install_db)
        rm -rf "$dir/data"
        "$installdb" --no-defaults $userarg --datadir="$dir/data" \
            --auth-root-authentication-method=normal --skip-test-db \
            >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 1; }
    fi
    : >"$dir/mysqld.log"
    "$mysqld" --no-defaults $userarg --datadir="$dir/data" \
        --socket="$sock" --pid-file="$dir/mysqld.pid" \
        --skip-networking --port=0 \
        --log-error="$dir/mysqld.log" --tmpdir="$dir" \
        --innodb-buffer-pool-size="${BENCH_DB_POOL:-2G}" \
        --innodb-log-file-size=512M --innodb-log-buffer-size=64M \
        --innodb-flush-log-at-trx-commit=2 --innodb-doublewrite=0 \
        --skip-log-bin --max-connections="${BENCH_DB_MAXCONN:-2000}" \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
        --max-allowed-packet=64M --key-buffer-size=8M \
        --performance-schema=OFF --skip-name-resolve \
        </dev/null >>"$dir/mysqld.log" 2>&1 &
    bgpid=$!
    i=0
    admin=$(find_prog mariadb-admin mysqladmin)
    until [ -S "$sock" ] && "$admin" --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1; do
        if ! kill -0 "$bgpid" 2>/dev/null; then
            echo "bench/mariadb.sh: mariadbd exited" >&2; tail -n 20 "$dir/mysqld.log" >&2; exit 1
        fi
        i=$((i + 1))
        if [ $i -gt $(( ${WAIT:-120} * 10 )) ]; then
            kill -TERM "$bgpid" 2>/dev/null || true; wait_gone "$bgpid"
            echo "bench/mariadb.sh: no ping within ${WAIT:-120} s" >&2; exit 1
        fi
        sleep 0.1
    done
    echo "$sock"
    ;;
stop)
    if pid=$(server_pid); then
        admin=$(find_prog mariadb-admin mysqladmin) &&
            "$admin" --no-defaults --socket="$sock" -uroot shutdown >/dev/null 2>&1 ||
            kill -TERM "$pid" 2>/dev/null || true
        wait_gone "$pid"
    fi
    rm -f "$dir/mysqld.pid"
    ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
