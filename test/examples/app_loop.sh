#!/bin/sh
# app_loop.sh EXAMPLE - an application that owns its event loop embeds the
# library: create and seed a database on the test MariaDB server
# ($ODAPI_TEST_SOCKET), start examples/app_loop on it, check its own
# database route against SQL counts and a built-in resource beside it, stop
# it with SIGTERM and check it exits 0 (the drain ends the loop by itself).
set -u
prog=${1:?usage: app_loop.sh PATH-TO-app_loop}
sock=${ODAPI_TEST_SOCKET:?ODAPI_TEST_SOCKET is not set (run make check)}
top=$(cd "$(dirname "$0")/../.." && pwd)
db=app_loop_$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/app_loop.XXXXXX")
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    mariadb --socket "$sock" -uroot -e "DROP DATABASE IF EXISTS $db" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

"$top/bin/odlocal" --init-only --db-socket "$sock" --db-name "$db" \
    --db-create --patients 15 --quiet || fail "cannot seed $db"
"$prog" 0 "$sock" "$db" >"$tmp/out" 2>"$tmp/err" &
pid=$!
url=
for _ in $(seq 100); do
    url=$(sed -n 's/^  Base URL: //p' "$tmp/out")
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
[ -n "$url" ] || { cat "$tmp/err"; fail "app_loop did not start"; }
auth='Authorization: ODFHIR ExampleDevKey001/ExampleCust00001'

pats=$(mariadb --socket "$sock" -uroot -N -e "SELECT COUNT(*) FROM $db.patient")
apts=$(mariadb --socket "$sock" -uroot -N -e "SELECT COUNT(*) FROM $db.appointment")
got=$(curl -s -H "$auth" "${url}practice/Counts")
want="{\"patients\":$pats,\"appointments\":$apts}"
[ "$got" = "$want" ] || fail "Counts: got $got, want $want"
code=$(curl -s -o /dev/null -w '%{http_code}' "${url}practice/Counts")
[ "$code" = 400 ] || [ "$code" = 401 ] || fail "Counts without a key: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "${url}patients/1")
[ "$code" = 200 ] || fail "built-in patients/1 beside the app's route: $code"
got=$(curl -s -H "$auth" "${url}practice/Nope")
[ "$got" = '"practice GET Nope is not a valid method."' ] || fail "router: $got"

kill -TERM "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "app_loop did not stop after SIGTERM"
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] || fail "exit status $rc"
echo "app_loop: ok"
