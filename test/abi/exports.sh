#!/bin/sh
# exports.sh - the shared library exports odapi_* functions and nothing else
# (hidden visibility + lib/odapi.map), exactly the ones the public headers
# declare, all under the version nodes ODAPI_MAJOR[.MINOR], with SONAME
# libodapi.so.MAJOR (test/abi/version.sh checks the numbers agree).
set -u
. "$(dirname "$0")/common.sh"

[ -e "$so" ] || { echo "FAIL: $so is missing: run make"; exit 1; }

soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "$soname_want" ] || fail "SONAME is '$soname', not $soname_want"

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
bad_version=$(nm -D --defined-only "$so" | awk '$2 == "T" && $3 !~ /@@ODAPI_1(\.[0-9]+)?$/ { print $3 }')
[ -z "$bad_version" ] || fail "functions not in version node ODAPI_1:
$bad_version"

# Functions added after 1.0 sit in the node of the release that added them
# (lib/odapi.map): a program built against a newer library says so.
for fv in odapi_config_set_log_format@@ODAPI_1.1 \
          odapi_config_add_read_replica@@ODAPI_1.1 \
          odapi_config_set_metrics@@ODAPI_1.2 \
          odapi_request_mariadb@@ODAPI_1.2; do
    nm -D --defined-only "$so" | awk '{ print $3 }' | grep -qx "$fv" ||
        fail "${fv%@@*} is not in version node ${fv#*@@}"
done
nm -D --defined-only "$so" | awk '{ print $3 }' | grep -qx 'odapi_server_new@@ODAPI_1' ||
    fail "odapi_server_new left version node ODAPI_1"

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

# The static library: the only global names it defines are the public
# odapi_* functions (one relocatable object whose od_* names were made
# local), so it cannot clash with an application's names; and an
# application that defines an od_* name of its own still links.
if [ -e lib/libodapi.a ]; then
    globals=$(nm -g --defined-only lib/libodapi.a 2>/dev/null |
        awk 'NF == 3 { print $3 }' | grep -v '^__odr_asan\.' | sort -u)
    clash=$(echo "$globals" | grep -v '^odapi_' || true)
    [ -z "$clash" ] || fail "libodapi.a defines globals outside odapi_*:
$(echo "$clash" | head -20)"
    sdeclared=$(echo "$globals" | grep '^odapi_' || true)
    [ "$(echo "$sdeclared" | wc -l)" = "$(echo "$declared" | wc -l)" ] ||
        fail "libodapi.a's odapi_* globals differ from the public functions"
    # An application that defines an internal name of the object it pulls
    # in (od_config_dup lives beside odapi_config_new) still links and runs.
    own=od_config_dup
    nm --defined-only lib/libodapi.a | grep -q " t $own\$" ||
        fail "libodapi.a has no local $own to test a clash with"
    t=$(mktemp -d "${TMPDIR:-/tmp}/odapi-static.XXXXXX")
    cat >"$t/clash.c" <<C
#include <odapi/odapi.h>
int $own(void);
int $own(void) { return 7; }
int main(void)
{
    odapi_config *cfg = odapi_config_new(ODAPI_MODE_LOCAL);
    int ok = cfg && $own() == 7;
    odapi_config_free(cfg);
    return !ok;
}
C
    # shellcheck disable=SC2046
    if ${CC:-cc} -Iinclude $SANFLAGS "$t/clash.c" -o "$t/clash" lib/libodapi.a \
            $(PKG_CONFIG_PATH=pkgconfig pkg-config --static --libs odapi | sed 's/-L[^ ]*//g; s/-lodapi//') \
            >"$t/err" 2>&1; then
        "$t/clash" || fail "a program defining $own does not run with libodapi.a"
    else
        fail "a program defining $own does not link with libodapi.a: $(head -5 "$t/err")"
    fi
    rm -rf "$t"
fi

n=$(echo "$declared" | wc -l)
[ "$failures" = 0 ] && echo "exports: ok ($n public functions, all odapi_*, ODAPI_1, $soname)"
[ "$failures" = 0 ]
