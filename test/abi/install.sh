#!/bin/sh
# install.sh - `make install` into a temporary DESTDIR with its own PREFIX,
# check the installed layout, build a small program outside the tree with
# `pkg-config --cflags --libs odapi` (shared) and `pkg-config --static`
# (static), run both, then `make uninstall` and check it removed the files.
#
# Run from `make check` the sub-make inherits the outer make's variables
# (MAKEFLAGS: CC, SANITIZE, DB), so it installs the build just tested.
set -u
. "$(dirname "$0")/common.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/odapi-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
prefix=/opt/odapi-test
root=$dest$prefix
MAKE=${MAKE:-make}

if ! $MAKE -s --no-print-directory install DESTDIR="$dest" PREFIX="$prefix" \
        SYSCONFDIR=/etc >"$tmp/make.out" 2>&1; then
    cat "$tmp/make.out"
    echo "FAIL: make install"
    exit 1
fi
# The tree's odapi.pc now says $prefix: put the default back.
$MAKE -s --no-print-directory pkgconfig/odapi.pc >/dev/null 2>&1 || true

# `make install` writes under DESTDIR+PREFIX and nowhere else (the service
# files are `make install-service`'s).
outside=$(cd "$dest" && find . ! -type d | grep -v "^\.$prefix/" || true)
[ -z "$outside" ] || fail "make install wrote outside PREFIX=$prefix:
$outside"

for f in include/odapi/odapi.h include/odapi/server.h include/odapi/error.h \
         include/odapi/version.h lib/$soname_want lib/libodapi.so \
         lib/libodapi.a lib/pkgconfig/odapi.pc bin/odlocal sbin/odservice \
         share/man/man1/odlocal.1 share/man/man3/odapi_server_new.3 \
         share/man/man3/odapi_strerror.3; do
    [ -e "$root/$f" ] || fail "not installed: $prefix/$f"
done
[ -e "$root/share/doc/libodapi/openapi.json" ] ||
    fail "not installed: $prefix/share/doc/libodapi/openapi.json"
[ "$(readlink "$root/lib/$soname_want")" = "$(basename "$(readlink -f "$so")")" ] ||
    fail "lib/$soname_want is not a link to the real file"
# Only the public headers are installed.
extra=$(ls "$root/include/odapi" | grep -v '^\(odapi\|server\|error\|version\)\.h$' || true)
for h in include/odapi/*.h; do
    extra=$(echo "$extra" | grep -vx "$(basename "$h")" || true)
done
[ -z "$extra" ] || fail "unexpected files in include/odapi: $extra"

grep -q "^prefix=$prefix\$" "$root/lib/pkgconfig/odapi.pc" ||
    fail "odapi.pc does not say prefix=$prefix:
$(cat "$root/lib/pkgconfig/odapi.pc")"

# The installed programs find the installed library through their rpath.
out=$(env -u LD_LIBRARY_PATH "$root/bin/odlocal" --version 2>&1) ||
    fail "installed odlocal does not run: $out"
v=$version
case $out in "odlocal $v") ;; *) fail "installed odlocal --version: $out" ;; esac
loaded=$(env -u LD_LIBRARY_PATH ldd "$root/bin/odlocal" | sed -n "s/.*$soname_want => \([^ ]*\).*/\1/p")
[ -n "$loaded" ] && [ "$(readlink -f "$loaded")" = "$(readlink -f "$root/lib/$soname_want")" ] ||
    fail "installed odlocal loads '$loaded', not the installed library"
man -l "$root/share/man/man3/odapi_server_new.3" >/dev/null 2>&1 ||
    fail "installed man page does not render"

# Uninstall leaves none of the library's files behind.
$MAKE -s --no-print-directory uninstall DESTDIR="$dest" PREFIX="$prefix" \
    >"$tmp/make.out" 2>&1 || { cat "$tmp/make.out"; fail "make uninstall"; }
left=$(cd "$root" && find . \( -type f -o -type l \) | grep 'odapi\|odlocal\|odservice' || true)
[ -z "$left" ] || fail "make uninstall left:
$left"

# A consumer outside the tree builds with pkg-config against the staged
# copy. Only odapi.pc is relocated (its paths say $prefix): a
# PKG_CONFIG_SYSROOT_DIR would also move libevent's and jansson's paths.
$MAKE -s --no-print-directory install DESTDIR="$dest" PREFIX="$prefix" \
    SYSCONFDIR=/etc >"$tmp/make.out" 2>&1 || { cat "$tmp/make.out"; fail "make install again"; }
$MAKE -s --no-print-directory pkgconfig/odapi.pc >/dev/null 2>&1 || true
mkdir -p "$tmp/pc"
sed "s|$prefix|$root|g" "$root/lib/pkgconfig/odapi.pc" >"$tmp/pc/odapi.pc"
export PKG_CONFIG_PATH="$tmp/pc"
v=$(pkg-config --modversion odapi) || fail "pkg-config does not find odapi"
[ "$v" = "$version" ] || fail "odapi.pc version $v, version.h says $version"
cflags=$(pkg-config --cflags odapi)
libs=$(pkg-config --libs odapi)
slibs=$(pkg-config --static --libs odapi)
echo "cflags: $cflags"
echo "libs:   $libs"
echo "static: $slibs"
case $cflags in *"$root/include"*) ;; *) fail "cflags lack $prefix/include" ;; esac

# A consumer that uses only what the installed headers declare: strict C99.
mkdir -p "$tmp/app"
cat >"$tmp/app/app.c" <<'C'
#include <odapi/odapi.h>
#include <stdio.h>
#include <string.h>

static void ping(odapi_request *req, void *arg)
{
    (void)arg;
    odapi_reply(req, 200, "\"pong\"", (size_t)-1);
}

int main(void)
{
    odapi_config *cfg = odapi_config_new(ODAPI_MODE_LOCAL);
    odapi_server *srv = NULL;
    int rc;
    if (!cfg || odapi_config_set_port(cfg, 0) != ODAPI_OK)
        return 1;
    odapi_config_set_log(cfg, NULL, NULL, ODAPI_LOG_ERROR);
    rc = odapi_server_new(cfg, NULL, &srv);
    odapi_config_free(cfg);
    if (rc != ODAPI_OK)
        return 2;
    if (odapi_server_add_route(srv, "GET", "/ping", ODAPI_PERM_NONE, ping,
                               NULL) != ODAPI_OK)
        return 3;
    if (odapi_server_start(srv) != ODAPI_OK) {
        fprintf(stderr, "%s\n", odapi_server_errmsg(srv));
        return 4;
    }
    printf("%s %u %s %d %s\n", odapi_version(), odapi_version_num(),
           ODAPI_VERSION_STRING, odapi_server_port(srv) > 0,
           odapi_strerror(ODAPI_E_ADDR_IN_USE));
    odapi_server_stop(srv);
    odapi_server_free(srv);
    odapi_global_cleanup();
    return strcmp(odapi_version(), ODAPI_VERSION_STRING) != 0;
}
C
want="$v $(printf '%d' $(( $(echo "$v" | cut -d. -f1) * 65536 + $(echo "$v" | cut -d. -f2) * 256 + $(echo "$v" | cut -d. -f3) ))) $v 1 address already in use"

cd "$tmp/app" || exit 1
# shellcheck disable=SC2086
if $CC -std=c99 -pedantic -Wall -Wextra -Werror $SANFLAGS $cflags app.c \
        -o app-shared $libs 2>"$tmp/err"; then
    got=$(LD_LIBRARY_PATH="$root/lib" ./app-shared 2>"$tmp/err") ||
        { fail "app-shared exited $?"; cat "$tmp/err"; }
    [ "$got" = "$want" ] || fail "app-shared printed '$got', not '$want'"
    LD_LIBRARY_PATH="$root/lib" ldd ./app-shared | grep -q "$root/lib/$soname_want" ||
        fail "app-shared does not load the installed $soname_want"
else
    fail "cannot build against the installed library:"; cat "$tmp/err"
fi

# Static: libodapi.a plus the private requirements of odapi.pc.
# shellcheck disable=SC2086
if $CC -std=c99 -pedantic -Wall -Wextra -Werror $SANFLAGS $cflags app.c \
        -o app-static $(echo "$slibs" | sed 's/-lodapi\b/-l:libodapi.a/') \
        2>"$tmp/err"; then
    if ldd ./app-static | grep -q libodapi; then
        fail "app-static links libodapi dynamically"
    fi
    got=$(./app-static 2>"$tmp/err") || { fail "app-static exited $?"; cat "$tmp/err"; }
    [ "$got" = "$want" ] || fail "app-static printed '$got', not '$want'"
else
    fail "cannot link statically with pkg-config --static:"; cat "$tmp/err"
fi

# README's embedding snippet, as a reader copies it: no warning, found at
# run time through the rpath the README gives (an out-of-range port is
# refused: it ran). examples/app_loop.c with the packages its comment names.
sed -n '/^\/\* app.c: /,/^```$/p' "$top/README.md" | sed '$d' >readme-app.c
[ -s readme-app.c ] || fail "no app.c snippet in README.md"
# shellcheck disable=SC2086
if $CC -Wall -Wextra -Werror $SANFLAGS readme-app.c -o readme-app $cflags $libs \
        -Wl,-rpath,"$root/lib" 2>"$tmp/err"; then
    env -u LD_LIBRARY_PATH ./readme-app 70000 >"$tmp/out" 2>&1
    rc=$?
    [ "$rc" = 1 ] || fail "README's app with port 70000 exited $rc: $(cat "$tmp/out")"
    env -u LD_LIBRARY_PATH ldd ./readme-app | grep -q "$root/lib/$soname_want" ||
        fail "README's app does not find the installed library through its rpath"
else
    fail "README's embedding snippet does not build cleanly:"; cat "$tmp/err"
fi
loop_pc=$(sed -n 's/.*\$(pkg-config --cflags --libs odapi \\$/odapi/p; s/^ \*  *\(libevent_core[^)]*\)).*/\1/p' "$top/examples/app_loop.c" | tr '\n' ' ')
case $loop_pc in "odapi libevent_core"*) ;; *) fail "app_loop.c's build line not found ($loop_pc)" ;; esac
# shellcheck disable=SC2046,SC2086
$CC -Wall -Wextra -Werror $SANFLAGS "$top/examples/app_loop.c" -o app_loop \
    $(pkg-config --cflags --libs $loop_pc) 2>"$tmp/err" ||
    { fail "examples/app_loop.c does not build with pkg-config $loop_pc:"; cat "$tmp/err"; }
# shellcheck disable=SC2086
$CC -Wall -Wextra -Werror $SANFLAGS "$top/examples/hello_route.c" -o hello_route \
    $(pkg-config --cflags --libs odapi jansson) 2>"$tmp/err" ||
    { fail "examples/hello_route.c does not build with pkg-config odapi jansson:"; cat "$tmp/err"; }
cd "$top" || exit 1

[ "$failures" = 0 ] && echo "install: ok (layout, pkg-config shared and static, uninstall, README snippet, app_loop)"
[ "$failures" = 0 ]
