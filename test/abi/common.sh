# common.sh - sourced by the test/abi scripts: the tree's top, the compiler
# the tree was built with, and the sanitizer flags a program linked against
# this build of the library needs.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# The version is written once, in version.h (docs/api.md, "Versions").
version_part() {
    sed -n "s/^#define ODAPI_VERSION_$1  *\([0-9][0-9]*\).*/\1/p" include/odapi/version.h
}
major=$(version_part MAJOR)
version=$major.$(version_part MINOR).$(version_part PATCH)
soname_want=libodapi.so.$major
so=lib/$soname_want

# The compiler of the last build (first word of build/.flags), else $CC, cc.
if [ -z "${CC:-}" ] && [ -s build/.flags ]; then
    CC=$(sed -n '1s/ .*//p' build/.flags)
fi
CC=${CC:-cc}

# A library built with SANITIZE=... needs the same runtime in its programs.
san=
if [ -e "$so" ]; then
    undef=$(nm -D --undefined-only "$so" 2>/dev/null)
    case $undef in *__asan_*) san="$san,address" ;; esac
    case $undef in *__ubsan_*) san="$san,undefined" ;; esac
fi
SANFLAGS=${san:+-fsanitize=${san#,}}
# Leaks in the consumers are not what these scripts test.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

# The public functions: every odapi_*( declared in the public headers, with
# comments removed by the preprocessor.
public_functions() {
    for h in include/odapi/*.h; do
        printf '#include "%s"\n' "$h"
    done | $CC -E -P -Iinclude -x c - 2>/dev/null |
        grep -o '\bodapi_[a-z0-9_]*[[:space:]]*(' | tr -d '( \t' | sort -u
}

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
failures=0
