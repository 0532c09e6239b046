#!/bin/sh
# install-deps.sh: install the Debian 12 packages that building, running,
# testing (`make check`), benchmarking (`make bench`) and reading the man
# pages of libodapi need. Says nothing and changes nothing when they are
# all present; otherwise installs the missing ones with apt-get
# --no-install-recommends, as root or through sudo.
#
# Each package is named for what uses it, so that `make check` never skips
# a test for want of a program: a test that cannot find one fails instead.
set -eu

# build: the library, the programs, the examples, the unit tests
build="make gcc pkg-config libc6-dev binutils
libevent-dev libjansson-dev libexpat1-dev libssl-dev libssh2-1-dev
libmariadb-dev libmariadbd-dev libcmocka-dev libpng-dev libjpeg-dev"
# `pkg-config --static --libs odapi` (test/abi/install.sh): Debian 12's
# libssh2.pc names -lgpg-error in Libs.private (docs/api.md, "Linking")
static="libgpg-error-dev zlib1g-dev"
# make check: the test server and client, pytest, and the programs the
# tests call (test/abi, test/examples, test/integration, test/unit)
check="mariadb-server mariadb-client python3 python3-pytest
g++ curl openssl ca-certificates man-db groff-base
openssh-server openssh-client passwd
valgrind systemd logrotate clang libclang-rt-dev galera-4 rsync"
# make bench: the load generator (plus the MariaDB server above)
bench="wrk"

# `make check CC=clang` (make hands CC to this script): clang++ for the
# headers test, and compiler-rt for SANITIZE=... (only a Recommends of clang)
case "${CC:-}" in *clang*) build="$build clang libclang-rt-dev" ;; esac

# make check and make api-reference: the OpenAPI validator and renderer,
# Redocly's CLI, from npm (docs/api-reference.md). Node.js and npm come
# from Debian unless a node and an npm are already installed (NodeSource's
# nodejs package brings its own npm, which Debian's npm would conflict with).
redocly_pkg="@redocly/cli@1.34.5"
command -v node >/dev/null 2>&1 || check="$check nodejs"
command -v npm >/dev/null 2>&1 || check="$check npm"

pkgs="$build $static $check $bench"
missing=
for p in $pkgs; do
    s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$s" in *" installed") ;; *) missing="$missing $p" ;; esac
done
# `install-deps.sh run` (make run): the sandbox needs no validator
need_redocly=
[ "${1:-}" = run ] || command -v redocly >/dev/null 2>&1 || need_redocly=1
[ -z "$missing" ] && [ -z "$need_redocly" ] && exit 0

sudo=
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo=sudo; else
        echo "install-deps: need root to run: apt-get install --no-install-recommends$missing; npm install -g $redocly_pkg" >&2
        exit 1
    fi
fi
if [ -n "$missing" ]; then
    echo "install-deps: installing:$missing" >&2
    # env, not export: sudo resets the environment
    # shellcheck disable=SC2086
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # shellcheck disable=SC2086
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends $missing >/dev/null
fi
if [ -n "$need_redocly" ]; then
    echo "install-deps: installing $redocly_pkg (npm)" >&2
    if ! $sudo env npm_config_update_notifier=false npm install -g \
        --silent --no-audit --no-fund "$redocly_pkg" >/dev/null; then
        # Not fatal: only the OpenAPI validator's tests need it, and they
        # skip with this reason; the rest of make check still runs.
        echo "install-deps: WARNING: npm could not install $redocly_pkg (above): make check will skip the OpenAPI validator's 3 tests. Behind a proxy that re-signs TLS, add its CA to the system store and run make deps again (docs/testing.md)" >&2
    fi
fi
