#!/bin/sh
# galera.sh - a throwaway Galera cluster (MariaDB + galera-4) for tests.
#
#   sh test/harness/galera.sh start DIR N PORT   N nodes (2..5): DIR/nK/data,
#                                                socket DIR/nK.sock; prints
#                                                the N socket paths, one a line
#   sh test/harness/galera.sh stop DIR           shut every node down
#
# Node K (1..N) uses loopback TCP ports PORT+10*(K-1) (group communication)
# and +1 (incremental state transfer); client connections are on the unix
# socket only.
#
# Node 1 is initialised and bootstraps the cluster; the others start empty
# and receive its data by a state snapshot transfer (SST, rsync). Run by
# root, the servers run as the user "mysql" (DIR is given to it): as root,
# the joiner's rsync daemon drops to the user "nobody" (rsyncd's default for
# root without a "uid" setting, which the SST script does not write), and
# nobody cannot write the data folder: the transfer fails with "failed to
# set permissions on ." and "mkdir mysql: Permission denied". DIR's parent
# folders must then be searchable by mysql.
#
# Environment: WAIT=seconds bounds each wait (default 60). MYSQLD_ARGS adds
# server options to every node.
# On any failure every node is stopped and the log tails are printed.
set -eu

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
# shellcheck disable=SC2034 # common.sh's usage reads it
USAGE="start DIR N PORT | stop DIR"

[ $# -ge 2 ] || usage
cmd=$1
dir=$2

find_provider() {
    for p in ${WSREP_PROVIDER:-} /usr/lib/galera/libgalera_smm.so \
        /usr/lib/galera-4/libgalera_smm.so /usr/lib64/galera-4/libgalera_smm.so \
        /usr/lib64/galera/libgalera_smm.so \
        /usr/lib/x86_64-linux-gnu/galera/libgalera_smm.so; do
        [ -f "$p" ] && { echo "$p"; return 0; }
    done
    return 1
}

node_pid() { # K
    pid_in "$dir/n$1.pid"
}

stop_node() { # K
    if pid=$(node_pid "$1"); then
        kill -TERM "$pid" 2>/dev/null || true
        wait_gone "$pid" 60
    fi
    rm -f "$dir/n$1.pid"
}

stop_all() {
    # the joiners first, node 1 last: it is then the last to leave and
    # safe to bootstrap from
    for f in "$dir"/n*.pid; do
        [ -f "$f" ] || continue
        k=${f##*/n}
        k=${k%.pid}
        [ "$k" = 1 ] || stop_node "$k"
    done
    stop_node 1
}

fail() {
    echo "galera.sh: $*" >&2
    print_tail "$dir"/n*.log
    stop_all
    exit 1
}

sql() { # K statement
    "$client" --no-defaults --socket="$dir/n$1.sock" -uroot -N -B -e "$2"
}

status() { # K variable: its value (SHOW STATUS works before the node is ready)
    sql "$1" "SHOW STATUS LIKE '$2'" | cut -f2
}

# start_node K CLUSTER_ADDRESS [extra options]
start_node() {
    k=$1
    caddr=$2
    shift 2
    gport=$((port + 10 * (k - 1)))
    : >"$dir/n$k.log"
    # shellcheck disable=SC2086
    TMPDIR="$dir/n$k" "$mysqld" --no-defaults $userarg --datadir="$dir/n$k/data" \
        --socket="$dir/n$k.sock" --pid-file="$dir/n$k.pid" \
        --skip-networking --port=0 \
        --log-error="$dir/n$k.log" --tmpdir="$dir/n$k" $SERVER_OPTS \
        --wsrep-on=ON --wsrep-provider="$provider" \
        --wsrep-cluster-name=odapi-test --wsrep-node-name="n$k" \
        --wsrep-node-address="127.0.0.1:$gport" \
        --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$gport;ist.recv_addr=127.0.0.1:$((gport + 1));gcache.size=64M" \
        --wsrep-sst-method=rsync \
        --wsrep-sst-receive-address="127.0.0.1:$((gport + 2))" \
        --wsrep-cluster-address="$caddr" \
        --binlog-format=ROW --innodb-autoinc-lock-mode=2 \
        --wsrep-slave-threads=2 ${MYSQLD_ARGS:-} "$@" \
        </dev/null >>"$dir/n$k.log" 2>&1 &
    eval "bg_$k=\$!"
}

# wait_synced K: the node accepts clients and is Synced in a primary
# component.
wait_synced() {
    k=$1
    eval "bgpid=\$bg_$k"
    wait_ready "$bgpid" "${WAIT:-60}" synced "$k" || case $? in
    1) fail "node $k exited during start-up" ;;
    *) fail "node $k not Synced within ${WAIT:-60} s" ;;
    esac
}

synced() { # K
    [ -S "$dir/n$1.sock" ] || return 1
    [ "$(status "$1" wsrep_local_state_comment 2>/dev/null || true)" = Synced ]
}

case $cmd in
start)
    [ $# -eq 4 ] || usage
    n=$3
    port=$4
    [ "$n" -ge 2 ] && [ "$n" -le 5 ] || usage
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    sock="$dir/n$n.sock"
    [ ${#sock} -le 100 ] || { echo "galera.sh: path too long: $sock" >&2; exit 1; }
    for k in $(seq 1 "$n"); do
        if node_pid "$k" >/dev/null; then
            echo "galera.sh: node $k already runs in $dir" >&2
            exit 1
        fi
    done
    mysqld=$(find_prog mariadbd mysqld) || fail "mariadbd not found (install mariadb-server)"
    installdb=$(find_prog mariadb-install-db mysql_install_db) ||
        fail "mariadb-install-db not found (install mariadb-server)"
    client=$(find_prog mariadb mysql) || fail "mariadb client not found"
    provider=$(find_provider) || fail "libgalera_smm.so not found (install galera-4)"
    userarg=
    rm -rf "$dir"/n*
    mkdir -p "$dir/n1"
    if [ "$(id -u)" -eq 0 ]; then
        id mysql >/dev/null 2>&1 || fail "run as root, the nodes need the user mysql"
        userarg=--user=mysql
        d=$dir
        while [ "$d" != / ]; do
            d=$(dirname "$d")
            case $(stat -c %A "$d") in
            *x | *t) ;;
            *) fail "run by root, the nodes run as mysql, which cannot enter $d (its mode lacks o+x)" ;;
            esac
        done
        chown mysql: "$dir" "$dir/n1"
    fi
    # shellcheck disable=SC2086
    (TMPDIR="$dir/n1" && export TMPDIR &&
        install_db "$installdb" "$dir/n1/data" "$dir/install.log" $userarg) ||
        fail "mariadb-install-db failed"
    start_node 1 gcomm:// --wsrep-new-cluster
    wait_synced 1
    for k in $(seq 2 "$n"); do
        mkdir -p "$dir/n$k/data"
        [ -z "$userarg" ] || chown -R mysql: "$dir/n$k"
        start_node "$k" "gcomm://127.0.0.1:$port"
        wait_synced "$k"
    done
    size=$(status 1 wsrep_cluster_size)
    [ "$size" = "$n" ] || fail "cluster size $size, not $n"
    for k in $(seq 1 "$n"); do
        echo "$dir/n$k.sock"
    done
    ;;
stop)
    [ -d "$dir" ] || exit 0
    dir=$(cd "$dir" && pwd)
    stop_all
    ;;
*)
    usage
    ;;
esac
