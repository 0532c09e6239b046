#!/bin/sh
# hello_route.sh EXAMPLE - start examples/hello_route on a free port, check
# its routes' exact answers and the library's error answers around them,
# stop it with SIGTERM and check it exits 0. Exit 0 when all pass.
set -u
prog=${1:?usage: hello_route.sh PATH-TO-hello_route}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hello_route.XXXXXX")
pid=
fails=0
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$prog" 0 >"$tmp/out" 2>"$tmp/err" &
pid=$!
url=
for _ in $(seq 100); do
    url=$(sed -n 's/^Base URL: //p' "$tmp/out")
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$url" ]; then
    echo "hello_route did not print its base URL"; cat "$tmp/err"; exit 1
fi
echo "serving $url"

# expect STATUS BODY PATH [curl options...]
expect() {
    want_status=$1 want_body=$2 path=$3
    shift 3
    got_status=$(curl -s -o "$tmp/body" -w '%{http_code}' "$@" "$url$path")
    got_body=$(cat "$tmp/body")
    if [ "$got_status" = "$want_status" ] && [ "$got_body" = "$want_body" ]; then
        echo "ok   $* $path -> $got_status"
    else
        echo "FAIL $* $path"
        echo "     want $want_status $want_body"
        echo "     got  $got_status $got_body"
        fails=$((fails + 1))
    fi
}
AUTH='Authorization: ODFHIR exampledev/examplecust'

# The application's routes.
expect 200 '{"hello":"Bob"}' hello/Bob
expect 200 '{"hello":"Bob"}' hello/Bob/
expect 200 '{"hello":"World"}' hello/world
expect 200 '{"hello":"worlds"}' hello/worlds
expect 200 '{"hello":"Jörg","greeting":"Good day"}' 'hello/J%C3%B6rg?greeting=Good+day'
expect 200 '{"hello":"a b","greeting":"%20"}' 'hello/a%20b?GREETING=%2520'
expect 200 '{"hello":"a\"b\\c"}' 'hello/a%22b%5Cc'
expect 200 '{"hello":"x/y"}' 'hello/x%2Fy'
expect 200 '{"hello":"Bob"}' hello/Bob -H 'Content-Type: application/json'
expect 400 '"Name is too long."' "hello/$(printf '%0101d' 0)"
expect 400 '"Name or greeting is not valid UTF-8."' 'hello/J%F6rg'
expect 400 '"Name or greeting is not valid UTF-8."' 'hello/Bob?greeting=%FF'
expect 200 '{"developer":"Example Developer"}' whoami -H "$AUTH"

# Credentials and permissions on the ApiReadAll route.
expect 400 "\"Authorization header is missing. Use 'ODFHIR {DeveloperKey}/{CustomerKey}'.\"" whoami
expect 401 '"Invalid DeveloperKey or CustomerKey."' whoami -H 'Authorization: ODFHIR exampledev/wrong'
expect 401 '"The developer key lacks the ApiReadAll permission."' whoami -H 'Authorization: ODFHIR limiteddev/limitedcust'

# The router's answers around the application's routes.
expect 400 '"hello GET  is not a valid method."' hello
expect 400 '"hello GET b is not a valid method."' hello/a/b
expect 400 '"hello GET  is not a valid method."' hello/a/1
expect 400 '"hello DELETE Bob is not a valid method."' hello/Bob -X DELETE
expect 400 '"hello POST Bob is not a valid method."' hello/Bob -X POST -H 'Content-Type: application/json' -d '{}'
expect 400 '"Content-Type header is missing. Use Content-Type: application/json."' hello/Bob -X POST
expect 400 '"Content-Type must be application/json."' hello/Bob -X POST -H 'Content-Type: text/plain' -d 'x'
expect 404 '"nothing is not a valid resource."' nothing
expect 400 '"The URL is not valid."' 'hello/a%00b'
expect 400 '"The URL is not valid."' 'hello//Bob'
expect 404 '".. is not a valid resource."' ../hello/Bob --path-as-is
root=${url%api/v1/}
got=$(curl -s -w ' %{http_code}' "${root}hello/Bob")
if [ "$got" = '"Not found. The API is under /api/v1/." 404' ]; then
    echo "ok   /hello/Bob outside /api/v1 -> 404"
else
    echo "FAIL /hello/Bob outside /api/v1: $got"; fails=$((fails + 1))
fi

# The health route answers without a database and without a key.
status=$(curl -s -o "$tmp/body" -w '%{http_code}' "$url")
if [ "$status" = 200 ] && grep -q '"service":"libodapi"' "$tmp/body" &&
   grep -q '"database":"none"' "$tmp/body"; then
    echo "ok   health -> 200"
else
    echo "FAIL health: $status $(cat "$tmp/body")"; fails=$((fails + 1))
fi

# SIGTERM stops it gracefully, with exit status 0.
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=
if [ "$rc" = 0 ]; then
    echo "ok   SIGTERM -> exit 0"
else
    echo "FAIL SIGTERM -> exit $rc"; cat "$tmp/err"; fails=$((fails + 1))
fi

[ "$fails" = 0 ] && echo "hello_route: all passed" || echo "hello_route: $fails failed"
[ "$fails" = 0 ]
