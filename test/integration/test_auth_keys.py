"""Credentials against the real apikey table (issue 14, items 1 and 3):
keys are compared byte for byte although CustApiKey's collation folds case,
the configured pair decides, a table customer counts only with its own
developer, and keys-file errors never echo the file."""
import json
import os
import subprocess

import pytest

from conftest import BIN, Server, mysql, prepare_server_db, socket_path

Q = {"SqlCommand": "SELECT 1 AS one"}


def auth(dev, cust):
    return "ODFHIR %s/%s" % (dev, cust)


@pytest.fixture(scope="module")
def keys_db():
    name = "odauth_%d" % os.getpid()
    prepare_server_db(name, patients=5)
    mysql("DELETE FROM apikey", db=name)
    rows = [("CustAaaaaaaaaaaa", "Dev A"), ("CustBbbbbbbbbbbb", "Dev A"),
            ("CustDddddddddddd", "Dev A"), ("CustEeeeeeeeeeee", "Dev B"),
            ("TabCust111111111", "Table Dev"),
            ("TabCust222222222", "Other Dev")]
    mysql("INSERT INTO apikey (CustApiKey, DevName) VALUES " +
          ", ".join("('%s', '%s')" % r for r in rows), db=name)
    yield name
    mysql("DROP DATABASE IF EXISTS `%s`" % name)


@pytest.fixture(scope="module")
def srv(keys_db, tmp_path_factory):
    d = tmp_path_factory.mktemp("authkeys")
    keys = {"keys": [
        {"DeveloperKey": "DevAaaaaaaaaaaaa", "CustomerKey": "CustAaaaaaaaaaaa",
         "Permissions": "all"},
        {"DeveloperKey": "DevAaaaaaaaaaaaa", "CustomerKey": "CustBbbbbbbbbbbb",
         "Permissions": ["ApiReadAll"]},
        {"DeveloperKey": "DevAaaaaaaaaaaaa", "CustomerKey": "CustDddddddddddd",
         "KeyStatus": "DisabledByCustomer", "Permissions": "all"},
        {"DeveloperKey": "DevBbbbbbbbbbbbb", "CustomerKey": "CustEeeeeeeeeeee",
         "Permissions": ["ApiReadAll"]},
        {"DeveloperKey": "DevTttttttttttt", "DeveloperName": "Table Dev",
         "Permissions": ["ApiReadAll", "ApiQueries"]},
        {"DeveloperKey": "DevUuuuuuuuuuuu", "Permissions": ["ApiReadAll"]},
    ]}
    path = d / "keys.json"
    path.write_text(json.dumps(keys))
    s = Server("odlocal", ["--port", "0", "--db-socket", socket_path(),
                           "--db-name", keys_db, "--keys", str(path),
                           "--log-level", "Warning"]).start()
    yield s
    assert s.stop() == 0, s.stderr()


def put_query(s, a):
    return s.request("PUT", "queries/ShortQuery", Q, auth=a)


def test_configured_pairs(srv):
    assert put_query(srv, auth("DevAaaaaaaaaaaaa", "CustAaaaaaaaaaaa"))[0] \
        == 200
    st, body, _ = put_query(srv, auth("DevAaaaaaaaaaaaa", "CustDddddddddddd"))
    assert st == 401 and "Disabled by Customer" in body
    st, body, _ = put_query(srv, auth("DevAaaaaaaaaaaaa", "CustBbbbbbbbbbbb"))
    assert st == 401 and "ApiQueries" in body


def test_other_letter_case_is_another_key(srv):
    # the apikey table holds CustDddd... and CustBbbb...; its collation
    # would match these, the configured pairs must decide
    for cust in ("custDddddddddddd", "CUSTDDDDDDDDDDDD", "custBbbbbbbbbbbb",
                 "CustAaaaaaaaaaaA"):
        st, body, _ = put_query(srv, auth("DevAaaaaaaaaaaaa", cust))
        assert st == 401, (cust, st, body)
        assert body == "Invalid DeveloperKey or CustomerKey."
    st, _, _ = srv.request("POST", "patients", {"LName": "X", "FName": "Y"},
                           auth=auth("DevAaaaaaaaaaaaa", "custBbbbbbbbbbbb"))
    assert st == 401
    # the developer key's case matters as much
    st, _, _ = put_query(srv, auth("devaaaaaaaaaaaaa", "CustAaaaaaaaaaaa"))
    assert st == 401


def test_customer_key_only_with_its_developer(srv):
    # CustEeee... is DevB's (a configured pair, and in the table)
    for dev in ("DevAaaaaaaaaaaaa", "DevTttttttttttt", "DevUuuuuuuuuuuu"):
        st, _, _ = srv.request("GET", "patients/1",
                               auth=auth(dev, "CustEeeeeeeeeeee"))
        assert st == 401, dev


def test_table_customers_of_a_developer_only_entry(srv):
    ok = auth("DevTttttttttttt", "TabCust111111111")
    assert put_query(srv, ok)[0] == 200
    assert srv.request("GET", "patients/1", auth=ok)[0] == 200
    # not in another case, not a row under another developer's name
    assert put_query(srv, auth("DevTttttttttttt", "tabcust111111111"))[0] \
        == 401
    assert put_query(srv, auth("DevTttttttttttt", "TabCust222222222"))[0] \
        == 401
    # a pair entry's developer does not speak for table customers
    assert put_query(srv, auth("DevAaaaaaaaaaaaa", "TabCust111111111"))[0] \
        == 401
    # an entry without a DeveloperName takes any row, with its own rights
    a = auth("DevUuuuuuuuuuuu", "TabCust222222222")
    assert srv.request("GET", "patients/1", auth=a)[0] == 200
    st, body, _ = put_query(srv, a)
    assert st == 401 and "ApiQueries" in body


def test_demo_key_in_another_case(api):
    """The sandbox (and the demo key on a server database): the apikey row
    of the demo customer key does not let a case variant in."""
    assert api.request("GET", "patients/1")[0] == 200
    st, body, _ = api.request(
        "GET", "patients/1", auth="ODFHIR NFF6i0KrXrxDkZHt/vzkmzeauwojnqx2z")
    assert st == 401, body
    st, _, _ = api.request(
        "PUT", "queries/ShortQuery", Q,
        auth="ODFHIR NFF6i0KrXrxDkZHt/VZKMZEAUWOJNQX2Z")
    assert st == 401


# ---- keys-file errors (item 3) ------------------------------------------------

SECRET = "SeCrEtCuStKeY123"


def odlocal_keys(path):
    return subprocess.run(
        [os.path.join(BIN, "odlocal"), "--port", "0", "--db-socket",
         socket_path(), "--db-name", "no_such_db_for_keys", "--keys",
         str(path)], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("text", [
    '{"keys": [{"DeveloperKey": "D", "CustomerKey" "%s"}]}' % SECRET,
    '{"keys": [{"DeveloperKey": "D", "CustomerKey": "%s",}]}' % SECRET,
    '{"keys": [{"DeveloperKey": "D", "%s": 1}]}' % SECRET,
    '{"keys": [{"DeveloperKey": "D", "Permissions": ["%s"]}]}' % SECRET,
    '{"keys": [], "%s": 1}' % SECRET,
    '{"keys": [{"DeveloperKey": "D", "CustomerKey": "%s"' % SECRET,
    '{"keys": [{"DeveloperKey": "D", "CustomerKey": "\\u00e9%s"}]}' % SECRET,
    "root:%s:19000:0:99999:7:::\n" % SECRET,
    '%s' % SECRET,
])
def test_keys_file_errors_do_not_echo_the_file(tmp_path, text):
    path = tmp_path / "keys.json"
    path.write_text(text)
    out = odlocal_keys(path)
    assert out.returncode == 2, out.stderr
    err = out.stderr
    assert str(path) in err, err
    assert SECRET not in err and SECRET.lower() not in err.lower(), err
    assert "SeCr" not in err and "99999" not in err, err
    assert len(err.strip().splitlines()) == 1, err


def test_keys_file_syntax_error_says_line_and_column(tmp_path):
    path = tmp_path / "keys.json"
    path.write_text('{"keys": [\n  {"DeveloperKey" "%s"}]}' % SECRET)
    err = odlocal_keys(path).stderr
    assert "line 2" in err and "column" in err and "':' expected" in err, err
    assert SECRET not in err
