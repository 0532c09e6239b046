#!/bin/sh
# version.sh - one version story (docs/api.md, "Versions"). The numbers in
# include/odapi/version.h are the only place the version is written; this
# checks that everything else says the same:
#   - ODAPI_VERSION_STRING is MAJOR.MINOR.PATCH;
#   - the shared library's SONAME is libodapi.so.MAJOR, its file
#     lib/libodapi.so.MAJOR.MINOR.PATCH, and lib/libodapi.so.MAJOR links it;
#   - odapi_version() and odapi_version_num() of the built library agree;
#   - pkgconfig/odapi.pc says Version: MAJOR.MINOR.PATCH;
#   - the newest node of lib/odapi.map is ODAPI_MAJOR.MINOR (ODAPI_MAJOR
#     for MINOR 0): functions a minor release adds go into its own node;
#   - the man pages' title lines name "libodapi MAJOR".
set -u
. "$(dirname "$0")/common.sh"

minor=$(version_part MINOR)
patch=$(version_part PATCH)
[ -n "$major" ] && [ -n "$minor" ] && [ -n "$patch" ] ||
    { echo "FAIL: version.h lacks ODAPI_VERSION_MAJOR/MINOR/PATCH"; exit 1; }

string=$(sed -n 's/^#define ODAPI_VERSION_STRING "\(.*\)"/\1/p' include/odapi/version.h)
[ "$string" = "$version" ] ||
    fail "ODAPI_VERSION_STRING is '$string', the numbers say $version"

# The shared library: SONAME from the major, file name from all three.
real=lib/libodapi.so.$version
if [ -e "$real" ]; then
    soname=$(readelf -d "$real" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    [ "$soname" = "$soname_want" ] ||
        fail "SONAME of $real is '$soname', not $soname_want"
    [ "$(readlink "$so")" = "libodapi.so.$version" ] ||
        fail "$so links to '$(readlink "$so")', not libodapi.so.$version"
else
    fail "$real is missing: run make"
fi

# What the loaded library says about itself.
t=$(mktemp -d "${TMPDIR:-/tmp}/odapi-version.XXXXXX")
trap 'rm -rf "$t"' EXIT
cat >"$t/v.c" <<'C'
#include <stdio.h>
#include <odapi/version.h>
int main(void)
{
    printf("%s %x %x\n", odapi_version(), odapi_version_num(),
           (unsigned)ODAPI_VERSION_NUM);
    return 0;
}
C
if $CC -Iinclude $SANFLAGS "$t/v.c" -o "$t/v" "$real" >"$t/err" 2>&1; then
    got=$(LD_LIBRARY_PATH="$top/lib" "$t/v")
    want=$(printf '%s %x %x' "$version" $(((major << 16) | (minor << 8) | patch)) \
        $(((major << 16) | (minor << 8) | patch)))
    [ "$got" = "$want" ] ||
        fail "odapi_version/odapi_version_num/ODAPI_VERSION_NUM say '$got', want '$want'"
else
    fail "cannot build a program calling odapi_version(): $(head -5 "$t/err")"
fi

# pkg-config's Version.
pcv=$(sed -n 's/^Version: *//p' pkgconfig/odapi.pc 2>/dev/null)
[ "$pcv" = "$version" ] || fail "pkgconfig/odapi.pc says Version '$pcv', not $version"

# The newest version node names the release that added its functions.
node=$(sed -n 's/^\(ODAPI_[0-9.]*\) *{.*/\1/p' lib/odapi.map | tail -1)
if [ "$minor" = 0 ]; then want_node=ODAPI_$major; else want_node=ODAPI_$major.$minor; fi
[ "$node" = "$want_node" ] ||
    fail "the newest node of lib/odapi.map is '$node'; version $version wants $want_node
(a release that adds functions moves the minor and puts them in ODAPI_MAJOR.MINOR)"

# Man pages name the major, which changes only with the ABI.
stale=$(grep -l '^\.TH ' docs/*.[138] | while read -r m; do
    sed -n '/^\.TH /p' "$m" | grep -q "\"libodapi $major\"" || echo "$m"; done)
[ -z "$stale" ] || fail "man pages whose .TH does not say \"libodapi $major\":
$stale"

[ "$failures" = 0 ] && echo "version: ok ($version, $soname_want, $real, odapi.pc, $want_node)"
[ "$failures" = 0 ]
