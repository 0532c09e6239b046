#!/bin/sh
# bench/report.sh OUTDIR [MARIADB-VERSION] - the Markdown section of one
# bench run (bench/run.sh writes OUTDIR/rows.txt and OUTDIR/facts.txt):
# the machine, the table, and each target of the issue checked.
set -eu
out=$1
dbv=${2:-}
rows=$out/rows.txt

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
[ -n "$dbv" ] || dbv=$(mariadbd --version 2>/dev/null | sed 's/.*Ver //' ||
    /usr/sbin/mariadbd --version 2>/dev/null | sed 's/.*Ver //' || echo '?')
lev=$(pkg-config --modversion libevent 2>/dev/null || echo '?')
wrkv=$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)

echo "## $(date '+%Y-%m-%d %H:%M %Z') — make bench ($(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo
echo "Machine: $(nproc) CPUs ($cpu), $mem RAM, Linux $(uname -r), MariaDB $dbv, libevent $lev, $wrkv."
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). wrk, odlocal and mariadbd share the machine; wrk runs keep-alive over loopback."
echo
sed 's/^/    /' "$out/facts.txt"
echo
echo "| backend | scenario | conns | req/s | p50 ms | p99 ms | ceiling req/s | ratio | peak RSS MB | errors |"
echo "|---|---|---|---|---|---|---|---|---|---|"
awk -F'|' '{
    rss = ($9 ~ /^[0-9]+$/) ? sprintf("%.1f", $9 / 1024) : $9
    printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, rss, $10
}' "$rows"
echo
echo "Peak RSS is VmHWM of the server process during that run (reset before each run through /proc/PID/clear_refs); idle is VmRSS one second after start. errors = 3xx/4xx/5xx answers plus wrk socket errors (connect, read, write, timeout)."
echo
echo "Targets (server backend unless noted):"
echo
awk -F'|' '
function ok(c) { return c ? "met" : "**not met**" }
$1 == "server" && $2 ~ /^1 .*Cloud relay/ { relr = $8; relrps = $4; relp99 = $6; relrss = $9 }
$1 == "server" && $2 ~ /^1 .*over TLS/ { tlsr = $8; tlsrps = $4 }
$2 ~ /Cloud relay|over TLS/ { next }
$1 == "server" && $2 ~ /^1 / && $3 == 50 { s1r = $8; s1p99 = $6; s1rps = $4 }
$1 == "server" && $2 ~ /^1 / && $3 > 50 { s1m = $4; s1me = $10; s1mc = $3 }
$1 == "server" && $2 ~ /^5 / && $3 == 50 { s5r = $8; s5rps = $4 }
$1 == "server" && $2 ~ /^5 / && $3 > 50 { s5m = $4; s5me = $10; s5mrss = $9 }
$1 == "server" && $2 ~ /^1 / && $3 > 50 { s1mrss = $9 }
$1 == "server" && $2 ~ /^3 / && $3 == 1 { s3p50 = $5; s3r = $8 }
$1 == "server" && $2 ~ /^ceiling: page/ && $3 == 1 { s3db = $5 }
$1 == "server" && $2 ~ /^3 / && $3 == 50 { s3p50c = $5 }
$1 == "server" && $2 == "idle" { idle = $9 }
END {
    if (s1r != "") printf "- Scenario 1 >= 0.6 x DB ceiling: %s (%s); p99 <= 10 ms at 50 connections: %s (%s ms)\n", ok(s1r + 0 >= 0.6), s1r, ok(s1p99 + 0 <= 10), s1p99
    if (s5r != "") printf "- Scenario 5 >= 0.8 x bare evhttp: %s (%s)\n", ok(s5r + 0 >= 0.8), s5r
    if (s3p50 != "") printf "- Scenario 3, 1000-row page p50 <= 20 ms (one connection): %s (%s ms; %s ms at 50 connections; the same pages through the C API alone: %s ms p50, ratio %s)\n", ok(s3p50 + 0 <= 20), s3p50, s3p50c, s3db, s3r
    if (idle != "") printf "- RSS idle <= 16 MB: %s (%.1f MB)\n", ok(idle / 1024 <= 16), idle / 1024
    if (s5mrss != "") {
        peak = s5mrss + 0; if (s1mrss + 0 > peak) peak = s1mrss + 0
        printf "- RSS <= 64 MB with %s open keep-alive connections: %s (%.1f MB)\n", s1mc, ok(peak / 1024 <= 64), peak / 1024
    }
    if (relr != "") printf "- Scenario 1 through the Cloud relay >= 0.7 x direct: %s (%s: %s req/s against %s direct; p99 %s ms; relay peak RSS %.1f MB; straight to odservice over TLS: %s req/s, %s x direct)\n", ok(relr + 0 >= 0.7), relr, relrps, s1rps, relp99, relrss / 1024, tlsrps, tlsr
    if (s5m != "") printf "- %s connections, no errors and no collapse (>= 0.5 x the 50-connection rate): scenario 5 %s (%s req/s, %s errors), scenario 1 %s (%s req/s, %s errors)\n", s1mc, ok(s5me == 0 && s5m >= 0.5 * s5rps), s5m, s5me, ok(s1me == 0 && s1m >= 0.5 * s1rps), s1m, s1me
}' "$rows"
