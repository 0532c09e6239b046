#!/bin/sh
# run.sh - every test of `make check`: the unit tests (cmocka), the
# examples, and the integration tests (pytest) against a throwaway MariaDB
# server started here and against the embedded server. Prints the skipped
# tests grouped by reason, then one closing line
# "check: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/odapi-check.XXXXXX")
log=$tmp/log
mkdir -p "$log"
passed=0
failed=0
skipped=0
failures=""

cleanup() {
    sh test/harness/mariadb.sh stop "$tmp/mariadb" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

echo "== starting a throwaway MariaDB server"
if ! sock=$(sh test/harness/mariadb.sh start "$tmp/mariadb"); then
    echo "check: cannot start the test MariaDB server" >&2
    echo "check: 0 passed, 1 failed, 0 skipped"
    exit 1
fi
export ODAPI_TEST_SOCKET="$sock"
export ODAPI_TEST_TMP="$tmp"
export ODAPI_TOP="$top"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# cmocka prints "[  PASSED  ] N test(s).", "[  FAILED  ] N test(s)..."
# and "[  SKIPPED ] N test(s)...".
count_cmocka() {
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$1" | tail -1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$1" | tail -1)
    s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$1" | tail -1)
    echo "${p:-0} ${f:-0} ${s:-0}"
}

# A cmocka skip() carries no reason: the test prints "skip: REASON" first.
# One "name<TAB>reason" line per skipped unit test, for harness/skips.py.
note_cmocka_skips() { # name output-file
    why=$(sed -n 's/^skip: //p' "$2" | head -1)
    printf '%s\t%s\n' "$1" "${why:-cmocka skip() without a reason}" >>"$log/skips.tsv"
}

echo "== unit tests"
for t in build/test/*/test_*; do
    [ -x "$t" ] || continue
    name=${t#build/test/}
    mkdir -p "$log/${name%/*}"
    if "$t" >"$log/$name.out" 2>&1; then rc=0; else rc=$?; fi
    set -- $(count_cmocka "$log/$name.out")
    p=$1 f=$2 s=$3
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))
    [ "$s" != 0 ] && note_cmocka_skips "$name" "$log/$name.out"
    if [ "$f" != 0 ]; then
        failures="$failures $name"
        echo "FAIL $name ($p passed, $f failed)"
        tail -40 "$log/$name.out"
    else
        if [ "$s" = 0 ]; then echo "ok   $name ($p passed)"; else echo "ok   $name ($p passed, $s skipped)"; fi
    fi
done

echo "== fuzz smoke (docs/fuzzing.md)"
for t in build/fuzz/fuzz_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    mkdir -p "$tmp/fuzz-$name"
    dict=
    [ -f "test/fuzz/$name.dict" ] && dict="-dict=test/fuzz/$name.dict"
    # new inputs go to the first folder: the committed corpus stays as it is
    if "$t" "$tmp/fuzz-$name" "test/fuzz/corpus/${name#fuzz_}" $dict \
        -max_total_time=4 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$tmp/fuzz-$name/" >"$log/$name.out" 2>&1; then
        passed=$((passed + 1)); echo "ok   $name"
    else
        failed=$((failed + 1)); failures="$failures $name"
        echo "FAIL $name"; tail -30 "$log/$name.out"
    fi
done

echo "== layers (docs/architecture.md)"
if $PY tools/layers.py --nm "${NM:-nm}" build >"$log/layers.out" 2>&1; then
    passed=$((passed + 1)); echo "ok   $(tail -1 "$log/layers.out")"
else
    failed=$((failed + 1)); failures="$failures layers"
    echo "FAIL layers"; tail -40 "$log/layers.out"
fi

echo "== seed order (docs/sandbox.md)"
if $PY tools/seed-order.py . >"$log/seed-order.out" 2>&1; then
    passed=$((passed + 1)); echo "ok   $(tail -1 "$log/seed-order.out")"
else
    failed=$((failed + 1)); failures="$failures seed-order"
    echo "FAIL seed-order"; tail -20 "$log/seed-order.out"
fi

echo "== examples"
for e in examples/*.c; do
    x=${e%.c}
    name=$(basename "$x")
    if [ -x "test/examples/$name.sh" ]; then
        if sh "test/examples/$name.sh" "$top/$x" >"$log/ex-$name.out" 2>&1; then
            passed=$((passed + 1)); echo "ok   example $name"
        else
            failed=$((failed + 1)); failures="$failures example-$name"
            echo "FAIL example $name"; tail -20 "$log/ex-$name.out"
        fi
    fi
done

echo "== integration tests"
if $PY -m pytest -q -p no:cacheprovider --junitxml="$log/junit.xml" \
    test/integration >"$log/pytest.out" 2>&1; then rc=0; else rc=$?; fi
tail -60 "$log/pytest.out"
p=$(sed -n 's/.*tests="\([0-9]*\)".*/\1/p' "$log/junit.xml" | head -1)
f=$(sed -n 's/.*failures="\([0-9]*\)".*/\1/p' "$log/junit.xml" | head -1)
e=$(sed -n 's/.*errors="\([0-9]*\)".*/\1/p' "$log/junit.xml" | head -1)
s=$(sed -n 's/.*skipped="\([0-9]*\)".*/\1/p' "$log/junit.xml" | head -1)
p=${p:-0} f=${f:-0} e=${e:-0} s=${s:-0}
bad=$((f + e))
if [ "$rc" != 0 ] && [ "$bad" = 0 ]; then bad=1; fi
passed=$((passed + p - f - e - s))
failed=$((failed + bad))
skipped=$((skipped + s))
[ "$bad" != 0 ] && failures="$failures integration"

# Every skip is shown with its reason: a skip may only mean "cannot apply
# here" (docs/testing.md), never "a program is missing".
if [ "$skipped" != 0 ]; then
    echo "== skipped tests, by reason"
    $PY test/harness/skips.py "$log/junit.xml" "$log/skips.tsv"
fi
[ -n "$failures" ] && echo "failed:$failures"
echo "check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
