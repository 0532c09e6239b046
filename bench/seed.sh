#!/bin/sh
# bench/seed.sh - seed one bench practice once and keep it (bench/README.md,
# "Seeding").
#
#   sh bench/seed.sh server N DATA ODLOCAL     database odbench_N in the
#                                              bench's MariaDB (DATA/server;
#                                              the server must be running,
#                                              its socket in $SOCK)
#   sh bench/seed.sh embedded N DATA ODLOCAL   sandbox folder DATA/sandbox-N
#
# The seed version (checksum of lib/db/seed.c and the size) is kept beside
# the data; a different one reseeds, BENCH_RESEED=1 forces it. The seeding
# time goes to DATA/<backend>-N.seedtime. Prints nothing when up to date.
set -eu
[ $# -eq 4 ] || { echo "usage: $0 server|embedded N DATA ODLOCAL" >&2; exit 2; }
backend=$1 n=$2 data=$3 odlocal=$4
v=$(cksum lib/db/seed.c | cut -d' ' -f1)-p$n-s1
stamp=$data/$backend-$n.seed
if [ "$(cat "$stamp" 2>/dev/null)" = "$v" ] && [ "${BENCH_RESEED:-0}" != 1 ]; then
    exit 0
fi
echo "bench: seeding $n patients into the $backend backend (once; 1-40 minutes a 100k)" >&2
rm -f "$stamp"
t0=$(date +%s)
case $backend in
server)
    db=odbench_$n
    mariadb --no-defaults -S "$SOCK" -uroot -e "DROP DATABASE IF EXISTS $db"
    "$odlocal" --db-socket "$SOCK" --db-name "$db" --db-create \
        --patients "$n" --init-only --log-level Error
    ;;
embedded)
    rm -rf "$data/sandbox-$n"
    "$odlocal" --data-dir "$data/sandbox-$n" --patients "$n" --init-only \
        --log-level Error
    ;;
*) echo "$0: unknown backend $backend" >&2; exit 2 ;;
esac
echo "$(( $(date +%s) - t0 ))" >"$data/$backend-$n.seedtime"
echo "$v" >"$stamp"
