#!/bin/sh
# bench/scale.sh - a large practice for "cost as work grows" made from a
# seeded one in minutes instead of hours (bench/README.md, "Scaled sizes").
#
#   sh bench/scale.sh FROM N DATA     database odbench_scaled_N in the bench's
#                                     MariaDB ($SOCK), from odbench_FROM
#
# What the database holds: every table of odbench_FROM, with its rows once
# except for the large history tables that scenarios 1 and 2 never read
# (HISTORY below: left empty, which keeps a 1M database near 8 GB), and
# then patient and appointment copied N/FROM - 1 times more with their
# keys moved past the source's largest (PatNum + k * MAX(PatNum), Guarantor
# and the other patient pointers likewise, AptNum + k * MAX(AptNum)). So the
# two tables that scenarios 1 and 2 read have N patients' rows with the
# seed's distribution per patient (visits, days, operatories, providers),
# and every copy's appointments fall on the source's days: a day has N/FROM
# times the source's appointments. The other tables keep the FROM
# practice's rows only. The database is the
# bench's own (never a practice's): CREATE TABLE ... LIKE keeps Open
# Dental's columns and indexes as the seed made them; nothing is added.
#
# N must be a multiple of FROM. A stamp (the source's seed stamp and this
# script's checksum) in DATA/scaled-N.seed skips work already done;
# BENCH_RESEED=1 forces it. The time goes to DATA/scaled-N.seedtime.
set -eu
[ $# -eq 3 ] || { echo "usage: $0 FROM N DATA" >&2; exit 2; }
from=$1 n=$2 data=$3
[ $((n % from)) -eq 0 ] && [ "$n" -gt "$from" ] ||
    { echo "$0: $n is not a multiple of $from above it" >&2; exit 2; }
src=odbench_$from dst=odbench_scaled_$n
v="$(cat "$data/server-$from.seed")-$(cksum bench/scale.sh | cut -d' ' -f1)-from$from"
stamp=$data/scaled-$n.seed
if [ "$(cat "$stamp" 2>/dev/null)" = "$v" ] && [ "${BENCH_RESEED:-0}" != 1 ]; then
    exit 0
fi
echo "bench: scaling $src up to $n patients into $dst (once; minutes)" >&2
rm -f "$stamp"
t0=$(date +%s)
q() { mariadb --no-defaults -S "$SOCK" -uroot -N -B -e "$1"; }
# tables left empty: per-patient history (the seed's largest), read by
# neither scenario (their statements are in the run's specs/*/s1.log, s2.log)
HISTORY=" procedurelog claimproc claim paysplit commlog securitylog procnote etrans etransmessagetext payment sheetfield periomeasure histappointment "

q "DROP DATABASE IF EXISTS $dst; CREATE DATABASE $dst CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
# every table, and the rows of all but the history (so anything the server
# reads at start or for a patient's joins is there)
for t in $(q "SELECT table_name FROM information_schema.tables WHERE table_schema = '$src' AND table_type = 'BASE TABLE' ORDER BY table_name"); do
    q "CREATE TABLE $dst.\`$t\` LIKE $src.\`$t\`"
    case $HISTORY in *" $t "*) continue ;; esac
    q "INSERT INTO $dst.\`$t\` SELECT * FROM $src.\`$t\`"
done

# select_list TABLE "COL=EXPR ..." -> the table's columns in order, the
# named ones replaced by their expression (@p, @a: the copy's offsets)
select_list() {
    q "SELECT column_name FROM information_schema.columns WHERE table_schema = '$src' AND table_name = '$1' ORDER BY ordinal_position" |
        awk -v subst="$2" 'BEGIN { n = split(subst, a, " "); for (i = 1; i <= n; i++) { j = index(a[i], "="); e[substr(a[i], 1, j - 1)] = substr(a[i], j + 1) } }
        { printf "%s%s", (NR > 1 ? ", " : ""), ($1 in e) ? e[$1] : "`" $1 "`" }'
}

maxpat=$(q "SELECT MAX(PatNum) FROM $src.patient")
maxapt=$(q "SELECT MAX(AptNum) FROM $src.appointment")
# pointers to a patient (0 = none stays 0) and to an appointment
pp() { echo "IF($1=0,0,$1+@p)"; }
pat_cols=$(select_list patient "PatNum=PatNum+@p Guarantor=$(pp Guarantor) SuperFamily=$(pp SuperFamily) ResponsParty=$(pp ResponsParty) PatNumCloneFrom=$(pp PatNumCloneFrom)")
apt_cols=$(select_list appointment "AptNum=AptNum+@a PatNum=PatNum+@p NextAptNum=IF(NextAptNum=0,0,NextAptNum+@a)")
k=1
while [ $((k * from)) -lt "$n" ]; do
    q "SET @p = $k * $maxpat, @a = $k * $maxapt;
       INSERT INTO $dst.patient SELECT $pat_cols FROM $src.patient;
       INSERT INTO $dst.appointment SELECT $apt_cols FROM $src.appointment"
    k=$((k + 1))
done
# fresh statistics for the planner, as a seeded practice has after its load
q "ANALYZE TABLE $dst.patient, $dst.appointment" >/dev/null
echo "$(( $(date +%s) - t0 ))" >"$data/scaled-$n.seedtime"
echo "$v" >"$stamp"
