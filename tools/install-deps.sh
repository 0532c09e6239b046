#!/bin/sh
# install-deps.sh: install the Debian 12 packages that building, running and
# testing libodapi need. Does nothing when they are all present.
set -eu
pkgs="make gcc pkg-config libevent-dev libmariadb-dev libmariadbd-dev
libjansson-dev libexpat1-dev libssl-dev libcmocka-dev mariadb-server
mariadb-client wrk python3 python3-pytest curl openssl ca-certificates
procps iproute2 libssh2-1-dev openssh-server valgrind clang libclang-rt-14-dev"
missing=
for p in $pkgs; do
    s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$s" in *" installed") ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing" >&2
sudo=
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo=sudo; else
        echo "install-deps: need root to run: apt-get install$missing" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
