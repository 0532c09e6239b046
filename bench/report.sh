#!/bin/sh
# bench/report.sh OUTDIR [MARIADB-VERSION] - the Markdown section of one
# bench run from OUTDIR/runs.txt (one line a run) and OUTDIR/facts.txt:
# the machine and its load, the scenarios with the median of their
# alternations, and each target of the issue checked.
set -eu
out=$1
dbv=${2:-}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
[ -n "$dbv" ] || dbv=$( (mariadbd --version || /usr/sbin/mariadbd --version) 2>/dev/null | sed 's/.*Ver //' || echo '?')
lev=$(pkg-config --modversion libevent 2>/dev/null || echo '?')
wrkv=$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)

echo "## $(date '+%Y-%m-%d %H:%M %Z') — make bench ($(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo
echo "Machine: $(nproc) CPUs ($cpu), $mem RAM, Linux $(uname -r), MariaDB $dbv, libevent $lev, $wrkv."
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
awk -F'|' '{ print "- " ($1 == "all" ? "" : $1 ": ") $2 ": " $3 }' "$out/facts.txt" |
    sed 's/(kB): \([0-9]*\)$/\1 kB/'
echo

# Every aggregate below is over the alternations of a scenario: ratio =
# the target's req/s over the ceiling's of the same alternation.
awk -F'|' '
function med(s,   n, a, i, j, t) {
    n = split(s, a, " ")
    for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    if (n == 0) return ""
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function lo(s,   n, a, i, m) { n = split(s, a, " "); m = a[1] + 0; for (i = 2; i <= n; i++) if (a[i] + 0 < m) m = a[i] + 0; return m }
function hi(s,   n, a, i, m) { n = split(s, a, " "); m = a[1] + 0; for (i = 2; i <= n; i++) if (a[i] + 0 > m) m = a[i] + 0; return m }
function add(k, v) { agg[k] = (k in agg) ? agg[k] " " v : v }
function cpu(k) { return ((k SUBSEP "srv") in agg) ? sprintf("%.0f+%.0f+%.0f", med(agg[k, "srv"]), med(agg[k, "db"]), med(agg[k, "wrk"])) : "-" }
{
    b = $1; s = $2; t = $4; p = $5; key = b SUBSEP s
    if (!(key in seen)) { seen[key] = 1; order[++n] = key }
    if (t != "ceiling") conns[key] = $3
    if (t == "ceiling") {
        ceil[key, p] = $6; add(key SUBSEP "ceil", $6); add(key SUBSEP "ceilp50", $7)
        add(key SUBSEP "ceil" SUBSEP "srv", $13); add(key SUBSEP "ceil" SUBSEP "db", $14); add(key SUBSEP "ceil" SUBSEP "wrk", $15)
    }
    else {
        if (!((key, t) in tseen)) { tseen[key, t] = 1; tl[key] = tl[key] " " t }
        add(key SUBSEP t SUBSEP "rps", $6); add(key SUBSEP t SUBSEP "p50", $7); add(key SUBSEP t SUBSEP "p99", $8)
        add(key SUBSEP t SUBSEP "srv", $13); add(key SUBSEP t SUBSEP "db", $14); add(key SUBSEP t SUBSEP "wrk", $15)
        if (((key, p) in ceil) && ceil[key, p] > 0) add(key SUBSEP t SUBSEP "ratio", $6 / ceil[key, p])
        err[key, t] += $9
        if ($12 + 0 > peak[key, t]) peak[key, t] = $12 + 0
    }
    add(key SUBSEP "other", $10); add("all" SUBSEP "other", $10); add("all" SUBSEP "steal", $11)
}
END {
    printf "Other processes on the machine used a median of %s%% (at most %s%%) of its CPUs during the runs; the hypervisor took %s%% (steal).\n\n", med(agg["all", "other"]), hi(agg["all", "other"]), med(agg["all", "steal"])
    print "| backend | scenario | conns | ceiling req/s | server | req/s | ratio (median, min–max) | p50 ms | p99 ms | CPU us/req: ceiling (own+db+client) | server (own+db+wrk) | other CPU % | peak RSS MB | errors |"
    print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    for (i = 1; i <= n; i++) {
        key = order[i]; split(key, kk, SUBSEP)
        nt = split(tl[key], ts, " ")
        for (j = 1; j <= nt; j++) {
            t = ts[j]; r = agg[key, t, "ratio"]
            rs = (r == "") ? "-" : sprintf("%.2f (%.2f–%.2f)", med(r), lo(r), hi(r))
            printf "| %s | %s | %s | %s | %s | %.0f | %s | %.2f | %.2f | %s | %s | %.0f | %s | %d |\n", kk[1], kk[2], conns[key],
                (key SUBSEP "ceil") in agg ? sprintf("%.0f", med(agg[key, "ceil"])) : "-", t,
                med(agg[key, t, "rps"]), rs, med(agg[key, t, "p50"]), med(agg[key, t, "p99"]),
                cpu(key SUBSEP "ceil"), cpu(key SUBSEP t),
                med(agg[key, "other"]), peak[key, t] ? sprintf("%.1f", peak[key, t] / 1024) : "-", err[key, t]
        }
    }
}' "$out/runs.txt"
echo
echo "Each scenario ran as alternations of its ceiling and the servers (ceiling, odlocal, odservice, ceiling, ...) after a warm-up; req/s, p50 and p99 are medians over them, the ratio is the server's req/s over the ceiling's of the same alternation. Ceilings: the statements the server runs for the scenario (captured from the general log) through the C API at the pool's connections (s1, s2, s4; s3one at one connection); the bare evhttp responder with the same bytes (s5); odlocal straight (the relay). CPU us/req = CPU time per request of the ceiling or server process, of the bench's mariadbd and of the client (wrk), from /proc over the run (the embedded backend's database is inside the process). other CPU = the CPU that processes other than the bench's used meanwhile, in % of the machine. Peak RSS is VmHWM of the server during its runs; errors = non-2xx answers plus socket errors."
echo

# ---- cost as the practice grows ----
# Sizes are the main practice's and those of the runs named s1@SIZE;
# SIZE ending in "s" is a practice scaled up by bench/scale.sh.
if grep -q '|s1@' "$out/runs.txt"; then
    echo "Cost as the practice grows (server backend, odlocal; req/s and p50 ms, medians of the alternations; (xG) = p50 over the smallest size's; \"scaled\" = made by bench/scale.sh from the smallest seeded practice, bench/README.md):"
    echo
    echo "| patients | s1 ceiling req/s | s1 ceiling p50 | s1 req/s | s1 p50 | s2 ceiling req/s | s2 ceiling p50 | s2 req/s | s2 p50 |"
    echo "|---|---|---|---|---|---|---|---|---|"
    main=$(awk -F'|' '$1 == "server" && $2 == "practice" { split($3, a, " "); print a[1] }' "$out/facts.txt")
    awk -F'|' -v main="$main" '
    function med(s,   n, a, i, j, t) {
        n = split(s, a, " ")
        for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
        return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function add(k, x) { v[k] = (k in v) ? v[k] " " x : x }
    function name(z) { return (z ~ /s$/) ? sprintf("%d scaled", z + 0) : z }
    function before(a, b) { return a + 0 < b + 0 || (a + 0 == b + 0 && a !~ /s$/ && b ~ /s$/) }
    $1 != "server" { next }
    {
        s = $2; size = main
        if (s ~ /@/) { size = substr(s, index(s, "@") + 1); s = substr(s, 1, index(s, "@") - 1) }
        if ((s != "s1" && s != "s2") || ($4 != "ceiling" && $4 != "odlocal")) next
        k = size SUBSEP s SUBSEP $4
        add(k SUBSEP "p50", $7); add(k SUBSEP "rps", $6); add(k SUBSEP "own", $13); add(k SUBSEP "db", $14)
        sizes[size] = 1
    }
    END {
        ns = 0; for (z in sizes) zs[++ns] = z
        for (i = 2; i <= ns; i++) { t = zs[i]; for (j = i - 1; j >= 1 && before(t, zs[j]); j--) zs[j + 1] = zs[j]; zs[j + 1] = t }
        for (i = 1; i <= ns; i++) {
            z = zs[i]; line = "| " name(z)
            for (q = 1; q <= 2; q++) {
                s = "s" q; c = med(v[z, s, "ceiling", "p50"]); o = med(v[z, s, "odlocal", "p50"])
                if (i == 1) { c0[s] = c; o0[s] = o }
                line = line sprintf(" | %.0f | %.2f (x%.2f) | %.0f | %.2f (x%.2f)", med(v[z, s, "ceiling", "rps"]), c, c / c0[s],
                    med(v[z, s, "odlocal", "rps"]), o, o / o0[s])
                if (i > 1) verdict = verdict sprintf("%s- scenario %d, p50 growth from %s to %s patients no more than the ceiling'"'"'s: %s (x%.2f against x%.2f)", verdict ? "\n" : "", q, name(zs[1]), name(z), (o / o0[s] <= c / c0[s] * 1.0) ? "met" : "**not met**", o / o0[s], c / c0[s])
            }
            print line " |"
        }
        print ""
        print verdict
        print ""
        print "CPU time a request (us: the ceiling'"'"'s or odlocal'"'"'s own + the bench'"'"'s mariadbd; medians), which the other load of the machine moves less than p50:"
        print ""
        print "| patients | s1 ceiling | s1 odlocal | s2 ceiling | s2 odlocal |"
        print "|---|---|---|---|---|"
        for (i = 1; i <= ns; i++) {
            z = zs[i]; line = "| " name(z)
            for (q = 1; q <= 2; q++)
                for (t = 1; t <= 2; t++) {
                    k = z SUBSEP "s" q SUBSEP (t == 1 ? "ceiling" : "odlocal")
                    line = line sprintf(" | %.0f+%.0f", med(v[k, "own"]), med(v[k, "db"]))
                }
            print line " |"
        }
    }' "$out/runs.txt"
    echo
fi

# ---- targets ----
echo "Targets (issue #18):"
echo
awk -F'|' '
function med(s,   n, a, i, j, t) {
    n = split(s, a, " ")
    for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    if (n == 0) return ""
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function ok(c) { return c ? "met" : "**not met**" }
function add(k, v) { agg[k] = (k in agg) ? agg[k] " " v : v }
FILENAME ~ /facts/ { fact[$1, $2] = $3; next }
{
    key = $1 SUBSEP $2
    if ($4 == "ceiling") ceil[key, $5] = $6
    else {
        if (((key, $5) in ceil) && ceil[key, $5] > 0) add(key SUBSEP $4 SUBSEP "ratio", $6 / ceil[key, $5])
        add(key SUBSEP $4 SUBSEP "p99", $8); add(key SUBSEP $4 SUBSEP "rps", $6)
        errs[key, $4] += $9
        seen[$1, $2, $4] = 1
    }
}
function line(b, s, t, want, what,   r) {
    if (!((b, s, t) in seen)) return
    r = med(agg[b, s, t, "ratio"])
    printf "- %s, %s, %s >= %.1f x its ceiling: %s (%.2f)", b, what, t, want, ok(r + 0 >= want), r
}
END {
    for (bi = 1; bi <= 2; bi++) {
        b = bi == 1 ? "server" : "embedded"
        for (ti = 1; ti <= 2; ti++) {
            t = ti == 1 ? "odlocal" : "odservice"
            if (!((b, "s1", t) in seen)) continue
            line(b, "s1", t, 0.8, "scenario 1"); p = med(agg[b, "s1", t, "p99"])
            printf "; p99 <= 10 ms at 50 connections: %s (%.2f ms)\n", ok(p + 0 <= 10), p
            if ((b, "s2", t) in seen) { line(b, "s2", t, 0.6, "scenario 2"); print "" }
            if ((b, "s4", t) in seen) { line(b, "s4", t, 0.6, "scenario 4"); print "" }
            if ((b, "s5", t) in seen) { line(b, "s5", t, 0.9, "scenario 5 (bare evhttp)"); print "" }
        }
    }
    if (("embedded", "odlocal idle RSS (kB)") in fact) {
        v = fact["embedded", "odlocal idle RSS (kB)"] / 1024
        printf "- embedded, idle RSS <= 40 MB: %s (%.1f MB)\n", ok(v <= 40), v
        v = fact["embedded", "odlocal RSS after the load (kB)"] / 1024
        printf "- embedded, RSS after the load <= 80 MB: %s (%.1f MB)\n", ok(v <= 80), v
    }
    if (("server", "relay", "relay") in seen) {
        r = med(agg["server", "relay", "relay", "ratio"])
        printf "- Scenario 1 through the Cloud relay >= 0.7 x odlocal direct: %s (%.2f; straight to odservice over TLS %.2f)\n", ok(r >= 0.7), r, med(agg["server", "relay", "tls", "ratio"])
    }
    for (bi = 1; bi <= 2; bi++) {
        b = bi == 1 ? "server" : "embedded"
        if (!((b, "s1many", "odlocal") in seen)) continue
        printf "- %s, many connections without errors: scenario 5 %s (%d errors), scenario 1 %s (%d errors)\n", b,
            ok(errs[b SUBSEP "s5many", "odlocal"] == 0), errs[b SUBSEP "s5many", "odlocal"],
            ok(errs[b SUBSEP "s1many", "odlocal"] == 0), errs[b SUBSEP "s1many", "odlocal"]
    }
}' "$out/facts.txt" "$out/runs.txt"
