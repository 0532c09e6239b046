#!/bin/sh
# exports.sh - the shared library exports odapi_* functions and nothing else
# (hidden visibility + lib/odapi.map), exactly the ones the public headers
# declare, all under the version node ODAPI_1, with SONAME libodapi.so.1.
set -u
. "$(dirname "$0")/common.sh"

[ -e "$so" ] || { echo "FAIL: $so is missing: run make"; exit 1; }

soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libodapi.so.1 ] || fail "SONAME is '$soname', not libodapi.so.1"

# Defined dynamic symbols; the version node itself shows as an A symbol.
nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' | sort -u >"${TMPDIR:-/tmp}/odapi-exports.$$"
exported=$(sed 's/@.*//' "${TMPDIR:-/tmp}/odapi-exports.$$" | sort -u)
# AddressSanitizer builds add ODR indicators (__odr_asan.NAME) for global
# variables; they exist only in SANITIZE builds and are not the library's.
others=$(echo "$exported" | grep -v '^odapi_' | grep -v '^__odr_asan\.' || true)
[ -z "$others" ] || fail "symbols outside odapi_* are exported:
$others"
rm -f "${TMPDIR:-/tmp}/odapi-exports.$$"

# Symbol versions (nm from binutils 2.35+ prints them with -D).
versions=$(nm -D --defined-only "$so" | awk '$2 == "A" { print $3 }' | sort -u | tr '\n' ' ')
case $versions in
    *ODAPI_1*) ;;
    *) fail "no ODAPI_1 version node (have: $versions)" ;;
esac
bad_version=$(nm -D --defined-only "$so" | awk '$2 == "T" && $3 !~ /@@ODAPI_1$/ { print $3 }')
[ -z "$bad_version" ] || fail "functions not in version node ODAPI_1:
$bad_version"

declared=$(public_functions)
[ -n "$declared" ] || fail "found no public functions in include/odapi"
missing=$(echo "$declared" | while read -r f; do
    echo "$exported" | grep -qx "$f" || echo "$f"; done)
[ -z "$missing" ] || fail "declared in include/odapi but not exported:
$missing"
extra=$(echo "$exported" | grep '^odapi_' | while read -r f; do
    echo "$declared" | grep -qx "$f" || echo "$f"; done)
[ -z "$extra" ] || fail "exported but not declared in include/odapi:
$extra"

# The static library: every global symbol it defines is odapi_* or od_*
# (the internal tier), so it cannot clash with an application's names.
if [ -e lib/libodapi.a ]; then
    clash=$(nm -g --defined-only lib/libodapi.a 2>/dev/null |
        awk 'NF == 3 { print $3 }' | grep -v '^odapi_\|^od_\|^__odr_asan\.' |
        sort -u)
    [ -z "$clash" ] || fail "libodapi.a defines globals outside odapi_*/od_*:
$clash"
fi

n=$(echo "$declared" | wc -l)
[ "$failures" = 0 ] && echo "exports: ok ($n public functions, all odapi_*, ODAPI_1, $soname)"
[ "$failures" = 0 ]
