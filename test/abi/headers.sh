#!/bin/sh
# headers.sh - every public header compiles on its own, twice in a row
# (include guards), as strict C99 and C11, and as C++11 (clang++ beside
# clang, else g++: tools/install-deps.sh installs g++, and a missing C++
# compiler fails here rather than skipping the check); only the headers' own
# directory is on the include path, so a header that needs libevent,
# MariaDB or jansson headers fails here.
set -u
. "$(dirname "$0")/common.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/odapi-headers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

CXX=${CXX:-}
if [ -z "$CXX" ]; then
    case $CC in
        *clang*) command -v clang++ >/dev/null 2>&1 && CXX=clang++ ;;
    esac
    [ -z "$CXX" ] && command -v g++ >/dev/null 2>&1 && CXX=g++
fi
if [ -z "$CXX" ]; then
    echo "FAIL: no C++ compiler (g++): run tools/install-deps.sh"
    exit 1
fi

n=0
for h in include/odapi/*.h; do
    name=${h#include/}
    printf '#include <%s>\n#include <%s>\n' "$name" "$name" >"$tmp/one.c"
    for std in c99 c11; do
        if ! $CC -std=$std -pedantic -Wall -Wextra -Werror -Wstrict-prototypes \
            -fsyntax-only -Iinclude "$tmp/one.c" 2>"$tmp/err"; then
            fail "$name does not compile alone with $CC -std=$std -pedantic:"
            cat "$tmp/err"
        fi
    done
    cp "$tmp/one.c" "$tmp/one.cc"
    if ! $CXX -std=c++11 -pedantic -Wall -Wextra -Werror -fsyntax-only \
        -Iinclude "$tmp/one.cc" 2>"$tmp/err"; then
        fail "$name does not compile alone with $CXX -std=c++11:"
        cat "$tmp/err"
    fi
    n=$((n + 1))
done

# The declarations have C linkage in C++ (extern "C"): a C++ program can
# take the address of every public function.
{
    echo '#include <odapi/odapi.h>'
    echo 'int main() { void (*fns[])() = {'
    public_functions | sed 's/.*/    (void (*)())\&&,/'
    echo '}; return fns[0] == 0; }'
} >"$tmp/all.cc"
if ! $CXX -std=c++11 -fsyntax-only -Iinclude "$tmp/all.cc" 2>"$tmp/err"; then
    fail "the public functions are not usable from C++:"; cat "$tmp/err"
fi

# ODAPI_VERSION_STRING spells the three numbers (version.sh checks the
# rest of the version story).
{
    echo '#include <odapi/version.h>'
    echo '#include <stdio.h>'
    echo '#if ODAPI_VERSION_NUM != ((ODAPI_VERSION_MAJOR << 16) | (ODAPI_VERSION_MINOR << 8) | ODAPI_VERSION_PATCH)'
    echo '#error ODAPI_VERSION_NUM'
    echo '#endif'
    echo 'int main(void) { puts(ODAPI_VERSION_STRING); return 0; }'
} >"$tmp/v.c"
if $CC -std=c99 -Iinclude "$tmp/v.c" -o "$tmp/v" 2>"$tmp/err"; then
    hv=$("$tmp/v")
    [ "$hv" = "$version" ] || fail "ODAPI_VERSION_STRING says $hv, the numbers $version"
else
    fail "version.h macros:"; cat "$tmp/err"
fi

[ "$failures" = 0 ] && echo "headers: ok ($n headers with $CC and $CXX)"
[ "$failures" = 0 ]
