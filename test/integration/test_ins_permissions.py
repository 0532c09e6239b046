"""The API permissions of issue 16's insurance routes (spec 2.4): a key
without the permission gets 401 before anything runs; a key with only
that permission gets past the check."""
import json

import pytest

from conftest import odlocal_args_for

ROUTES = [
    ("POST", "claims", "ApiInsurance"),
    ("PUT", "claims/1/Split", "ApiInsurance"),
    ("POST", "claimprocs/Supplemental", "ApiInsurance"),
    ("PUT", "claimprocs/InsAdjust", "ApiInsuranceSimple"),
    ("POST", "claimprocs/InsAdjust", "ApiInsuranceSimple"),
    ("POST", "etrans", "ApiAllOthers"),
    ("POST", "treatplans/Saved", "ApiAllOthers"),
    ("POST", "payplans/Dynamic", "ApiPayPlans"),
    ("PUT", "payplans/1/Dynamic", "ApiPayPlans"),
    ("POST", "procedurelogs/InsuranceHistory", "ApiProcedureLogs"),
]


@pytest.fixture(scope="module")
def keyed(request, server_db, tmp_path_factory):
    """odlocal with a read-only key and one key per permission above."""
    perms = sorted({p for _, _, p in ROUTES})
    keys = [{"DeveloperKey": "InsReadOnlyDev01", "CustomerKey":
             "InsReadOnlyCus01", "DeveloperName": "Ins Reader",
             "Permissions": ["ApiReadAll"]}]
    for i, p in enumerate(perms):
        keys.append({"DeveloperKey": "InsPermDevKey%03d" % i,
                     "CustomerKey": "InsPermCusKey%03d" % i,
                     "DeveloperName": "Ins " + p, "Permissions": [p]})
    path = tmp_path_factory.mktemp("inskeys") / "keys.json"
    path.write_text(json.dumps({"keys": keys}))
    from conftest import Server
    srv = Server("odlocal", ["--port", "0", "--keys", str(path)] +
                 odlocal_args_for("server", server_db, None))
    srv.start()
    request.addfinalizer(srv.stop)
    return srv, {p: "ODFHIR InsPermDevKey%03d/InsPermCusKey%03d" % (i, i)
                 for i, p in enumerate(perms)}


@pytest.mark.parametrize("method,path,perm", ROUTES)
def test_write_needs_its_permission(keyed, method, path, perm):
    srv, auth = keyed
    st, msg, _ = srv.request(method, path, {},
                             auth="ODFHIR InsReadOnlyDev01/InsReadOnlyCus01")
    assert (st, msg) == (401, "The developer key lacks the %s permission."
                         % perm)
    # the permission alone passes the check (the empty body is then refused)
    st, msg, _ = srv.request(method, path, {}, auth=auth[perm])
    assert st == 400, msg


def test_insurance_history_get_needs_read_all(keyed):
    srv, auth = keyed
    st, msg, _ = srv.request(
        "GET", "procedurelogs/InsuranceHistory",
        auth="ODFHIR InsReadOnlyDev01/InsReadOnlyCus01")
    assert (st, msg) == (400, "PatNum is required.")
    st, _, _ = srv.request("GET", "procedurelogs/InsuranceHistory",
                           auth=auth["ApiInsurance"])
    assert st == 401
