"""The toothinitials resource (spec Appendix A "toothinitials", 24.2.3):
GET ?PatNum=, POST, DELETE, through HTTP against the seeded test database
and the embedded sandbox."""
import re

import pytest

from conftest import db

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
TOOTHINITIAL = ["ToothInitialNum", "PatNum", "ToothNum", "InitialType",
                "Movement", "DrawingSegment", "ColorDraw", "SecDateTEntry",
                "SecDateTEdit", "DrawText"]


def new_patient(api):
    status, obj, _ = api.request("POST", "patients",
                                 {"LName": "Toothtest", "FName": "Pat"})
    assert status == 201, obj
    return obj["PatNum"]


def post(api, body, status=201):
    st, obj, _ = api.request("POST", "toothinitials", body)
    assert st == status, obj
    return obj


def test_post_get_delete_round_trip(api):
    pat = new_patient(api)
    assert api.request("GET", "toothinitials?PatNum=%d" % pat)[1] == []
    # the documented example: ToothNum as a JSON number
    a = post(api, {"PatNum": pat, "ToothNum": 32, "InitialType": "Missing"})
    assert list(a) == TOOTHINITIAL
    assert (a["PatNum"], a["ToothNum"], a["InitialType"], a["Movement"],
            a["DrawingSegment"], a["ColorDraw"], a["DrawText"]) == (
        pat, "32", "Missing", "0", "", "0,0,0", "")
    assert DATETIME.match(a["SecDateTEntry"]) and \
        DATETIME.match(a["SecDateTEdit"])
    b = post(api, {"PatNum": pat, "ToothNum": "A", "InitialType": "primary"})
    assert (b["ToothNum"], b["InitialType"]) == ("A", "Primary")
    c = post(api, {"PatNum": pat, "ToothNum": "7", "InitialType": "Hidden"})
    st, rows, _ = api.request("GET", "toothinitials?PatNum=%d" % pat)
    assert st == 200 and rows == [a, b, c]
    # without PatNum: every patient's
    st, rows, _ = api.request("GET", "toothinitials")
    assert st == 200 and a in rows and all(list(r) == TOOTHINITIAL
                                           for r in rows)
    # the log row, attributed to the API
    logs = db(api, "SELECT PermType, LogText FROM securitylog WHERE FKey = %d "
                   "AND LogText LIKE '%%through API.' AND PatNum = %d" %
              (a["ToothInitialNum"], pat))
    if logs is not None:
        assert logs and logs[0][0] == "5", logs
    assert api.request("DELETE", "toothinitials/%d" %
                       a["ToothInitialNum"])[0] == 200
    st, rows, _ = api.request("GET", "toothinitials?PatNum=%d" % pat)
    assert rows == [b, c]
    assert api.request("DELETE", "toothinitials/%d" %
                       a["ToothInitialNum"])[:2] == (
        404, "ToothInitial not found.")


@pytest.mark.parametrize("body,status,msg", [
    ({"ToothNum": "3", "InitialType": "Missing"}, 400, "PatNum is required."),
    ({"PatNum": "@", "InitialType": "Missing"}, 400, "ToothNum is required."),
    ({"PatNum": "@", "ToothNum": "3"}, 400, "InitialType is required."),
    ({"PatNum": "@", "ToothNum": "33", "InitialType": "Missing"}, 400,
     "ToothNum is invalid."),
    ({"PatNum": "@", "ToothNum": "U", "InitialType": "Missing"}, 400,
     "ToothNum is invalid."),
    ({"PatNum": "@", "ToothNum": "0", "InitialType": "Missing"}, 400,
     "ToothNum is invalid."),
    ({"PatNum": "@", "ToothNum": "3", "InitialType": "Gone"}, 400,
     "InitialType is invalid."),
    ({"PatNum": "@", "ToothNum": "3", "InitialType": "Rotate"}, 400,
     "InitialType must be Missing, Hidden, or Primary."),
    ({"PatNum": 99999999, "ToothNum": "3", "InitialType": "Missing"}, 404,
     "Patient not found."),
])
def test_post_validation(api, body, status, msg):
    pat = new_patient(api)
    body = {k: (pat if v == "@" else v) for k, v in body.items()}
    st, got, _ = api.request("POST", "toothinitials", body)
    assert (st, got) == (status, msg)
    assert api.request("GET", "toothinitials?PatNum=%d" % pat)[1] == []


def test_movements_are_read_only(api):
    """Rows Open Dental's chart writes (movements, drawings) are listed in
    full but cannot be deleted through the API (24.2.3)."""
    # a seeded rotated tooth (crowded lower front teeth)
    st, every, _ = api.request("GET", "toothinitials?Limit=1000")
    assert st == 200
    r = next(x for x in every if x["InitialType"] == "Rotate")
    pat = r["PatNum"]
    st, rows, _ = api.request("GET", "toothinitials?PatNum=%d" % pat)
    assert st == 200 and r in rows
    assert (r["ToothNum"] in ("24", "25"), r["Movement"] in ("-20", "15"),
            r["ColorDraw"]) == (True, True, "0,0,0")
    st, msg, _ = api.request("DELETE", "toothinitials/%d" %
                             r["ToothInitialNum"])
    assert (st, msg) == (400, "Only a toothinitial with an InitialType of "
                              "Missing, Hidden, or Primary can be deleted.")
    assert api.request("GET", "toothinitials?PatNum=%d" % pat)[1] == rows


def test_no_put_and_no_single_get(api):
    pat = new_patient(api)
    a = post(api, {"PatNum": pat, "ToothNum": "5", "InitialType": "Missing"})
    assert api.request("PUT", "toothinitials/%d" % a["ToothInitialNum"],
                       {"ToothNum": "6"})[0] in (400, 404)
    assert api.request("GET", "toothinitials/%d" %
                       a["ToothInitialNum"])[0] in (400, 404)
