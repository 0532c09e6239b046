#!/bin/sh
# manpages.sh - every public function has a man page docs/NAME.3 that
# `man -l` renders without warnings, the page names the function in its
# NAME section, and docs/odlocal.1 describes every option of odlocal --help.
set -u
. "$(dirname "$0")/common.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/odapi-man.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# man (man-db) or groff (groff-base): tools/install-deps.sh installs both,
# and without them the pages cannot be checked, which is a failure.
if ! command -v man >/dev/null 2>&1 && ! command -v groff >/dev/null 2>&1; then
    echo "FAIL: neither man nor groff is installed (man-db, groff-base): run tools/install-deps.sh"
    exit 1
fi

render() { # page -> text on stdout, groff warnings on stderr
    if command -v man >/dev/null 2>&1; then
        MANWIDTH=80 MAN_KEEP_FORMATTING= man --warnings -l "$1" 2>&1 >"$tmp/txt" | \
            grep -v '^$' >"$tmp/warn"
    else
        groff -man -Tutf8 -ww "$1" 2>"$tmp/warn" >"$tmp/txt"
    fi
}

n=0
for f in $(public_functions); do
    page=docs/$f.3
    n=$((n + 1))
    if [ ! -f "$page" ]; then
        fail "$f has no man page ($page)"
        continue
    fi
    render "$page"
    if [ -s "$tmp/warn" ]; then
        fail "$page renders with warnings:"; cat "$tmp/warn"
    fi
    # NAME names the function (possibly among others).
    if ! sed -n '/^NAME/,/^[A-Z]/p' "$tmp/txt" | grep -q "\b$f\b"; then
        fail "$page: NAME does not mention $f"
    fi
done

# Every page in docs/ renders, also the ones no function points at.
for page in docs/*.[0-9]; do
    render "$page"
    if [ -s "$tmp/warn" ]; then
        fail "$page renders with warnings:"; cat "$tmp/warn"
    fi
    grep -q '^\.TH ' "$page" || fail "$page has no .TH line"
done

# odlocal(1) documents each long option and the exit codes of --help.
if [ -x bin/odlocal ] && [ -f docs/odlocal.1 ]; then
    render docs/odlocal.1
    for opt in $(bin/odlocal --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
        grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')\|$opt" docs/odlocal.1 ||
            fail "docs/odlocal.1 does not describe $opt"
    done
    grep -qi 'EXIT STATUS' docs/odlocal.1 || fail "docs/odlocal.1 has no EXIT STATUS"
else
    fail "docs/odlocal.1 or bin/odlocal is missing"
fi

[ "$failures" = 0 ] && echo "manpages: ok ($n public functions documented)"
[ "$failures" = 0 ]
