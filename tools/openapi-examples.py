#!/usr/bin/env python3
"""openapi-examples.py: record one real answer per GET route of a fresh
sandbox into docs/openapi-examples.json (`make openapi-examples`).

Starts bin/odlocal on a new sandbox in a temporary folder, reads the
routes and their parameters from its own GET /api/v1/openapi.json, then
calls every GET route once: path keys and required query parameters are
filled with values seen in earlier answers (a PatNum from /patients...),
dates with today. The library builds the file in (tools/embed.sh), and
GET /openapi.json shows each answer as its operation's example; a route
that answered no 200 is listed under "_unrecorded" with its answer.
test/integration/test_openapi.py checks that the file is current.

Usage: tools/openapi-examples.py [TOP] > docs/openapi-examples.json
"""
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

AUTH = "ODFHIR NFF6i0KrXrxDkZHt/VzkmZEaUWOjnQX2z"
PATIENTS = "200"
SEED = "1"
MAX_ITEMS = 2        # list answers keep their first rows
MAX_TEXT = 200       # long texts (base64 files) are cut


def start(top, data):
    proc = subprocess.Popen(
        [os.path.join(top, "bin", "odlocal"), "--port", "0", "--data-dir",
         data, "--patients", PATIENTS, "--seed", SEED, "--log-level",
         "Error"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True)
    for line in proc.stdout:
        m = re.search(r"Base URL: (http://[^ ]+/api/v1/)", line)
        if m:
            return proc, m.group(1)
    proc.kill()
    sys.exit("openapi-examples: odlocal did not start")


def call(base, path):
    req = urllib.request.Request(base + path.lstrip("/"),
                                 headers={"Authorization": AUTH})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw.decode("utf-8", "replace")


def trim(v):
    if isinstance(v, list):
        return [trim(x) for x in v[:MAX_ITEMS]]
    if isinstance(v, dict):
        return {k: trim(x) for k, x in v.items()}
    if isinstance(v, str) and len(v) > MAX_TEXT:
        return v[:MAX_TEXT] + "..."
    return v


def learn(pool, body):
    """Remember the first non-zero values of each field name."""
    rows = body if isinstance(body, list) else [body]
    for row in rows[:20]:
        if isinstance(row, dict):
            for k, v in row.items():
                seen = pool.setdefault(k, [])
                if v not in (0, "0", "", None) and len(seen) < 8 and \
                        isinstance(v, (int, str)) and str(v).isdigit() and \
                        str(v) not in seen:
                    seen.append(str(v))


def value(pool, name, pick):
    seen = pool.get(name) or []
    return seen[min(pick, len(seen) - 1)] if seen else None


def fill(path, params, pool, today, pick):
    """The request path with the pick-th known value of each key, or None
    when a value is unknown."""
    query = []
    for p in params:
        name, where = p["name"], p["in"]
        if where == "path":
            v = value(pool, name, pick)
            if v is None:
                return None
            path = path.replace("{%s}" % name, v)
        elif p.get("required"):
            fmt = p.get("schema", {}).get("x-format")
            typ = p.get("schema", {}).get("type")
            if fmt == "yyyy-MM-dd":
                v = today
            elif p.get("schema", {}).get("enum"):
                v = p["schema"]["enum"][0]
            elif typ == "integer" or name.endswith("Num"):
                v = value(pool, name, pick)
            else:
                v = None
            if v is None:
                return None
            query.append("%s=%s" % (name, urllib.parse.quote(v)))
    return path + ("?" + "&".join(query) if query else "")


def record(base, path, op, pool, today, missing):
    """One GET of the route, trying other keys while the answer is empty."""
    key, best, tried = "GET " + path, None, set()
    for pick in range(8):
        url = fill(path, op.get("parameters", []), pool, today, pick)
        if url is None:
            missing[key] = "no value known for a required input"
            return None
        if url in tried:
            break
        tried.add(url)
        status, body = call(base, url)
        if status != 200:
            missing[key] = "%d %s" % (status, json.dumps(body))
            continue
        learn(pool, body)
        best = {"path": url, "status": status, "body": trim(body)}
        if body not in ([], {}, None):
            break
    if best:
        missing.pop(key, None)
    return best


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else "."
    today = datetime.date.today().isoformat()
    with tempfile.TemporaryDirectory(prefix="odapi-examples-") as data:
        proc, base = start(top, data)
        try:
            status, doc = call(base, "/openapi.json")
            if status != 200:
                sys.exit("openapi-examples: GET /openapi.json: %s" % status)
            gets = [(path, op) for path, item in sorted(doc["paths"].items())
                    for m, op in item.items() if m == "get"]
            # lists first: their rows give the keys the others need
            gets.sort(key=lambda g: ("{" in g[0], g[0]))
            pool, out, missing = {}, {}, {}
            for _round in range(3):
                for path, op in gets:
                    key = "GET " + path
                    if key in out or path == "/openapi.json":
                        continue
                    got = record(base, path, op, pool, today, missing)
                    if got:
                        out[key] = got
            out["_unrecorded"] = missing
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    json.dump(out, sys.stdout, indent=1, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
