"""The API reference (docs/api-reference.md): GET /api/v1/openapi.json is
the document the build makes, it names every route the router knows and
nothing else, every hand-written route has its declaration, a real OpenAPI
validator (Redocly's CLI, tools/install-deps.sh) accepts it with the
examples held to their schemas, and the recorded examples
(docs/openapi-examples.json) are current."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import TOP, DEMO_AUTH

HELPERS = os.path.join(TOP, "build", "test", "helpers")
EXAMPLES = os.path.join(TOP, "docs", "openapi-examples.json")


def built_document():
    out = subprocess.run([os.path.join(HELPERS, "openapi_dump")],
                         capture_output=True, text=True, timeout=60,
                         check=True)
    return out.stdout


@pytest.fixture(scope="module")
def doc():
    return json.loads(built_document())


def operations(doc):
    return {(m.upper(), path): op for path, item in doc["paths"].items()
            for m, op in item.items()}


def test_served_document_is_the_built_one(api, doc):
    status, body, headers = api.request("GET", "/openapi.json")
    assert status == 200
    assert headers.getheader("Content-Type").startswith("application/json")
    assert body == doc
    assert body["openapi"] == "3.1.0"


def test_served_document_needs_a_key(api):
    # the same rule as every route but the health check: Open Dental's own
    # API has no such resource (docs/api-reference.md)
    status, body, _ = api.request("GET", "/openapi.json", auth=None)
    assert status in (400, 401), body
    assert isinstance(body, str)


def test_every_route_and_only_routes(doc):
    out = subprocess.run([os.path.join(HELPERS, "list_routes")],
                         capture_output=True, text=True, timeout=30,
                         check=True).stdout
    routes = {}
    for line in out.splitlines():
        method, path, perm = line.split("\t")
        routes[(method, path)] = perm
    ops = operations(doc)
    assert set(ops) == set(routes), (
        "in the router only: %s; in the document only: %s" % (
            sorted(set(routes) - set(ops)), sorted(set(ops) - set(routes))))
    for key, perm in routes.items():
        want = {"none": "none", "key": "any enabled key"}.get(perm, perm)
        assert ops[key]["x-permission"] == want, key
        assert perm in ops[key]["description"] or perm in ("none", "key")
        page = ops[key]["externalDocs"]["url"]
        assert page == "https://www.opendental.com/site/api%s.html" % (
            key[1].split("/")[1]), key


def test_every_handwritten_route_is_declared():
    out = subprocess.run([os.path.join(HELPERS, "openapi_dump"),
                          "--undeclared"], capture_output=True, text=True,
                         timeout=30, check=True).stdout
    assert out == "", "routes without an od_opdoc declaration:\n" + out


def test_described_operations_carry_their_inputs(doc):
    ops = operations(doc)
    post = ops[("POST", "/patients")]
    body = post["requestBody"]["content"]["application/json"]
    assert set(body["schema"]["required"]) == {"LName", "FName"}
    assert "PatStatus" in body["schema"]["properties"]
    assert body["example"]["LName"]          # a real row's values
    errors = post["responses"]["400"]["content"]["application/json"]
    assert {"value": "LName is required."} in errors["examples"].values()
    assert "201" in post["responses"]
    listing = ops[("GET", "/appointments")]
    names = {p["name"] for p in listing["parameters"]}
    assert {"PatNum", "AptStatus", "dateStart", "Offset"} <= names
    book = ops[("POST", "/appointments/WebSched")]
    schema = book["requestBody"]["content"]["application/json"]["schema"]
    assert "defNumApptType" in schema["required"]
    assert schema["properties"]["dateTimeStart"]["x-format"] == \
        "yyyy-MM-dd HH:mm:ss"
    lacks = ops[("PUT", "/appointments/{AptNum}/Break")]["responses"]["401"]
    assert {"value": "The developer key lacks the ApiComm permission."} in \
        lacks["content"]["application/json"]["examples"].values()


def test_declared_required_inputs_are_refused_as_documented(api, doc):
    """A hand-written write sent an empty body answers 400 with one of the
    sentences its operation documents (its declaration's required inputs
    and refusals)."""
    if api.backend != "embedded":
        pytest.skip("the handlers' input checks do not depend on the backend")
    seen = 0
    for (method, path), op in sorted(operations(doc).items()):
        if op.get("x-source") != "declaration" or "requestBody" not in op:
            continue
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        if not schema.get("required"):
            continue
        url = "/".join("1" if s.startswith("{") else s
                       for s in path.split("/"))
        status, body, _ = api.request(method, url, {})
        documented = [e["value"] for e in op["responses"].get(
            "400", {}).get("content", {}).get("application/json", {}).get(
            "examples", {}).values()]
        if status == 404:
            continue    # key 1 does not exist: the body is checked later
        assert status == 400 and body in documented, (method, path, status,
                                                      body, documented)
        seen += 1
    assert seen > 25


# Redocly's CLI comes from npm, not Debian (tools/install-deps.sh). When
# npm could not fetch it (no route to registry.npmjs.org, or a proxy that
# re-signs TLS with a CA the machine does not trust), install-deps says so
# and goes on: these checks then skip with that reason instead of every
# other test of make check failing with the install (docs/testing.md).
def redocly_or_skip():
    redocly = shutil.which("redocly")
    if not redocly:
        pytest.skip("redocly (npm @redocly/cli) is not installed: "
                    "install-deps could not fetch it from npm (its message "
                    "says why; docs/testing.md)")
    return redocly


def test_a_real_validator_accepts_it(tmp_path):
    redocly = redocly_or_skip()
    path = tmp_path / "openapi.json"
    path.write_text(built_document())
    env = dict(os.environ, REDOCLY_TELEMETRY="off",
               REDOCLY_SUPPRESS_UPDATE_NOTICE="true")
    r = subprocess.run([redocly, "lint", "--config",
                        os.path.join(TOP, "tools", "redocly.yaml"),
                        "--format", "stylish", str(path)],
                       capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_validator_sees_a_schema_the_answers_contradict(tmp_path, doc):
    """The check above can fail: an example (a real answer) against a
    schema that lost a field."""
    redocly = redocly_or_skip()
    bad = json.loads(json.dumps(doc))
    del bad["components"]["schemas"]["patients"]["properties"]["LName"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    env = dict(os.environ, REDOCLY_TELEMETRY="off",
               REDOCLY_SUPPRESS_UPDATE_NOTICE="true")
    r = subprocess.run([redocly, "lint", "--config",
                        os.path.join(TOP, "tools", "redocly.yaml"),
                        "--format", "stylish", str(path)],
                       capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode != 0
    assert "LName" in r.stdout + r.stderr


def test_the_html_reference_builds(tmp_path):
    """make api-reference's two steps: one self-contained page."""
    redocly = redocly_or_skip()
    spec = tmp_path / "openapi.json"
    spec.write_text(built_document())
    env = dict(os.environ, REDOCLY_TELEMETRY="off",
               REDOCLY_SUPPRESS_UPDATE_NOTICE="true")
    page = tmp_path / "page.html"
    subprocess.run([redocly, "build-docs", str(spec), "--disableGoogleFont",
                    "--output", str(page)], check=True, capture_output=True,
                   timeout=300, env=env)
    out = subprocess.run(["python3", os.path.join(TOP, "tools",
                                                  "inline-redoc.py"),
                          str(page)], check=True, capture_output=True,
                         text=True, timeout=120).stdout
    assert "/appointments/{AptNum}/Break" in out
    assert "apipatients.html" in out
    assert 'src="http' not in out and "googleapis" not in out


def shape(body):
    row = body[0] if isinstance(body, list) and body else body
    return sorted(row) if isinstance(row, dict) else type(row).__name__


def test_examples_are_current(api, doc):
    """Every GET route has a recorded answer (or is listed as unrecorded),
    and each recorded answer still has the shape the sandbox gives today.
    When this fails: `make openapi-examples`."""
    if api.backend != "embedded":
        pytest.skip("the examples are the sandbox's answers")
    with open(EXAMPLES) as f:
        examples = json.load(f)
    unrecorded = examples.pop("_unrecorded")
    gets = {"GET " + path for (m, path) in operations(doc)
            if m == "GET" and path != "/openapi.json"}
    assert set(examples) | set(unrecorded) == gets, (
        "run make openapi-examples: new %s, gone %s" % (
            sorted(gets - set(examples) - set(unrecorded)),
            sorted((set(examples) | set(unrecorded)) - gets)))
    compared = 0
    for key, ex in sorted(examples.items()):
        status, body, _ = api.request("GET", ex["path"])
        if status == 404 or body in ([], {}) or ex["body"] in ([], {}):
            continue  # a row the smaller test sandbox lacks
        assert status == 200, (key, body)
        assert shape(body) == shape(ex["body"]), key
        compared += 1
    assert compared > 50
