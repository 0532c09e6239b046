"""Procedure group notes (lib/actions/procgroup.c): GET /procedurelogs/GroupNotes,
POST /procedurelogs/GroupNote, PUT and DELETE
/procedurelogs/{ProcNum}/GroupNote, through HTTP on both backends. The
grouped procedures are made with POST /procedurelogs; rows only SQL can
show (procgroupitem, procnote, securitylog) are checked on the server
backend."""
from conftest import db, err, get, put, sql_only

GROUPNOTE = ["PatNum", "ProvNum", "ProcNum", "ProcNums", "Note", "isSigned"]
PERM_PROC_DELETE, PERM_PROC_EDIT = 49, 100


def today(api):
    return get(api, "procedurelogs?Limit=1")[0]["serverDateTime"][:10]


def new_patient(api):
    st, obj, _ = api.request("POST", "patients",
                             {"LName": "Grouptest", "FName": "Pat"})
    assert st == 201, obj
    return obj["PatNum"]


def new_proc(api, pat, **extra):
    body = {"PatNum": pat, "ProcDate": today(api), "ProcStatus": "C",
            "procCode": "D0120"}
    body.update(extra)
    st, obj, _ = api.request("POST", "procedurelogs", body)
    assert st == 201, obj
    return obj


def new_group(api, pat, procs, note="Group note text", **extra):
    body = {"PatNum": pat, "ProcNums": procs, "Note": note}
    body.update(extra)
    st, obj, r = api.request("POST", "procedurelogs/GroupNote", body)
    assert st == 201, obj
    assert r.getheader("Location", "").endswith(
        "/api/v1/procedurelogs/%d" % obj["ProcNum"])
    return obj


def mark(api):
    rows = db(api, "SELECT COALESCE(MAX(SecurityLogNum), 0) FROM securitylog")
    return int(rows[0][0]) if rows else 0


def logs(api, since, fkey):
    """[(PermType, verb, PatNum)] of the API's securitylog rows for fkey."""
    rows = db(api, "SELECT PermType, LogText, LogSource, PatNum FROM "
                   "securitylog WHERE FKey = %d AND SecurityLogNum > %d "
                   "ORDER BY SecurityLogNum" % (fkey, since))
    assert all(r[1].endswith(" by Sandbox Developer through API.") and
               r[2] == "23" for r in rows), rows
    return [(int(r[0]), r[1].split(" by ")[0], int(r[3])) for r in rows]


# the mariadb client escapes line breaks: show them as <CR> and <LF>
NOTE = "REPLACE(REPLACE(Note, CHAR(13), '<CR>'), CHAR(10), '<LF>')"


def setup_group(api):
    pat = new_patient(api)
    a, b = new_proc(api, pat), new_proc(api, pat, procCode="D1110")
    return pat, a, b


# ---- POST ------------------------------------------------------------------


def test_post_shape_order_and_rows(api):
    pat, a, b = setup_group(api)
    since = mark(api)
    g = new_group(api, pat, [b["ProcNum"], a["ProcNum"]], "Line one\nTwo")
    assert list(g) == GROUPNOTE
    assert g["PatNum"] == pat and g["ProvNum"] == a["ProvNum"]
    assert g["ProcNums"] == sorted([a["ProcNum"], b["ProcNum"]])
    assert g["Note"] == "Line one Two"          # CR/LF written as spaces
    assert g["isSigned"] == "false"
    # the group note is a procedure of code ~GRP~, status EC
    p = get(api, "procedurelogs/%d" % g["ProcNum"])
    assert (p["procCode"], p["ProcStatus"], p["ProcDate"], p["PatNum"]) == (
        "~GRP~", "EC", a["ProcDate"], pat)
    assert p["ClinicNum"] == a["ClinicNum"] and p["ProcFee"] == "0.00"
    if api.backend == "server":
        items = db(api, "SELECT ProcNum FROM procgroupitem WHERE GroupNum = "
                        "%d ORDER BY ProcNum" % g["ProcNum"])
        assert items == [[str(a["ProcNum"])], [str(b["ProcNum"])]]
        notes = db(api, "SELECT " + NOTE + ", Signature, PatNum FROM "
                        "procnote WHERE ProcNum = %d" % g["ProcNum"])
        assert notes == [["Line one<LF>Two", "", str(pat)]]
        assert logs(api, since, g["ProcNum"]) == [
            (PERM_PROC_EDIT, "Created", pat)]


def test_post_signed_provider_and_string_list(api):
    pat, a, b = setup_group(api)
    provs = get(api, "providers")
    other = [p["ProvNum"] for p in provs if p["ProvNum"] != a["ProvNum"]][0]
    g = new_group(api, pat, "%d, %d" % (a["ProcNum"], b["ProcNum"]),
                  isSigned="True", ProvNum=other)
    assert g["isSigned"] == "true" and g["ProvNum"] == other
    assert g["ProcNums"] == [a["ProcNum"], b["ProcNum"]]


def test_post_errors(api):
    pat, a, b = setup_group(api)
    ok = {"PatNum": pat, "ProcNums": [a["ProcNum"]], "Note": "x"}
    path = "procedurelogs/GroupNote"

    def with_(**kw):
        body = dict(ok)
        for k, v in kw.items():
            if v is None:
                body.pop(k)
            else:
                body[k] = v
        return err(api, "POST", path, body)

    assert with_(PatNum=None) == (400, "PatNum is required.")
    assert with_(PatNum="x") == (400, "PatNum is invalid.")
    assert with_(ProcNums=None) == (400, "ProcNums is required.")
    assert with_(ProcNums=[]) == (400, "ProcNums is required.")
    assert with_(ProcNums=["a"]) == (400, "ProcNums is invalid.")
    assert with_(ProcNums=5) == (400, "ProcNums is invalid.")
    assert with_(Note=None) == (400, "Note is required.")
    assert with_(Note="  ") == (400, "Note is required.")
    assert with_(Note=5) == (400, "Note is invalid.")
    assert with_(isSigned="maybe") == (400, "isSigned is invalid.")
    assert with_(ProvNum="x") == (400, "ProvNum is invalid.")
    assert with_(ProvNum=99999999) == (400, "ProvNum is invalid.")
    assert with_(PatNum=99999999) == (404, "Patient not found.")
    assert with_(ProcNums=[99999999]) == (
        404, "Procedure 99999999 not found.")
    assert err(api, "POST", path, "[1]") == (
        400, "The request body must be a JSON object.")
    other = new_patient(api)
    c = new_proc(api, other)
    assert with_(ProcNums=[a["ProcNum"], c["ProcNum"]]) == (
        400, "Procedure %d is not for this patient." % c["ProcNum"])
    tp = new_proc(api, pat, ProcStatus="TP")
    assert with_(ProcNums=[tp["ProcNum"]]) == (
        400, "Procedure %d is not complete. Only completed procedures can "
             "be in a group note." % tp["ProcNum"])
    old = new_proc(api, pat, ProcDate="2020-01-02")
    assert with_(ProcNums=[a["ProcNum"], old["ProcNum"]]) == (
        400, "All procedures must have the same date.")
    provs = get(api, "providers")
    other_prov = [p["ProvNum"] for p in provs
                  if p["ProvNum"] != a["ProvNum"]][0]
    d = new_proc(api, pat, ProvNum=other_prov)
    assert with_(ProcNums=[a["ProcNum"], d["ProcNum"]]) == (
        400, "All procedures must have the same provider.")
    clinics = get(api, "clinics")
    if clinics:
        e = new_proc(api, pat, ClinicNum=[c2["ClinicNum"] for c2 in clinics
                                          if c2["ClinicNum"] !=
                                          a["ClinicNum"]][0])
        assert with_(ProcNums=[a["ProcNum"], e["ProcNum"]]) == (
            400, "All procedures must have the same clinic.")
    g = new_group(api, pat, [a["ProcNum"]])
    assert with_(ProcNums=[g["ProcNum"]]) == (
        400, "Procedure %d is not complete. Only completed procedures can "
             "be in a group note." % g["ProcNum"])
    # nothing above made a group note
    assert [x["ProcNum"] for x in
            get(api, "procedurelogs/GroupNotes?PatNum=%d" % pat)] == [
        g["ProcNum"]]


# ---- GET -------------------------------------------------------------------


def test_get_groupnotes_list_and_errors(api):
    pat, a, b = setup_group(api)
    path = "procedurelogs/GroupNotes?PatNum=%d" % pat
    assert err(api, "GET", path) == (200, [])  # none: spec 3.4
    g1 = new_group(api, pat, [a["ProcNum"]], "first")
    g2 = new_group(api, pat, [a["ProcNum"], b["ProcNum"]], "second",
                   isSigned=True)
    rows = get(api, path)
    assert [list(r) for r in rows] == [GROUPNOTE, GROUPNOTE]
    assert rows == [g1, g2]
    assert err(api, "GET", "procedurelogs/GroupNotes") == (
        400, "PatNum is required.")
    assert err(api, "GET", "procedurelogs/GroupNotes?PatNum=x") == (
        400, "PatNum is invalid.")
    # deleted group notes are not listed
    assert err(api, "DELETE", "procedurelogs/%d/GroupNote" % g1["ProcNum"])[0]\
        == 200
    assert get(api, path) == [g2]


# ---- PUT -------------------------------------------------------------------


def test_put_round_trip_append_sign_and_log(api):
    pat, a, b = setup_group(api)
    g = new_group(api, pat, [a["ProcNum"]], "first", isSigned=True)
    path = "procedurelogs/%d/GroupNote" % g["ProcNum"]
    since = mark(api)
    # a changed note is unsigned unless isSigned is given again
    r = put(api, path, {"PatNum": pat, "Note": "second"})
    assert list(r) == GROUPNOTE
    assert (r["Note"], r["isSigned"], r["ProcNums"]) == (
        "second", "false", [a["ProcNum"]])
    r = put(api, path, {"PatNum": pat, "Note": "third",
                        "doAppendNote": "true", "isSigned": "true",
                        "ProcNums": [a["ProcNum"], b["ProcNum"]]})
    assert (r["Note"], r["isSigned"]) == ("second third", "true")
    assert r["ProcNums"] == [a["ProcNum"], b["ProcNum"]]
    assert get(api, "procedurelogs/GroupNotes?PatNum=%d" % pat) == [r]
    if api.backend == "server":
        notes = db(api, "SELECT " + NOTE + " FROM procnote WHERE ProcNum = "
                        "%d ORDER BY ProcNoteNum" % g["ProcNum"])
        assert notes == [["first"], ["second"], ["second<CR><LF>third"]]
        assert logs(api, since, g["ProcNum"]) == [
            (PERM_PROC_EDIT, "Updated", pat), (PERM_PROC_EDIT, "Updated", pat)]


def test_put_provider(api):
    pat, a, b = setup_group(api)
    g = new_group(api, pat, [a["ProcNum"]])
    provs = get(api, "providers")
    other = [p["ProvNum"] for p in provs if p["ProvNum"] != g["ProvNum"]][0]
    r = put(api, "procedurelogs/%d/GroupNote" % g["ProcNum"],
            {"PatNum": pat, "Note": "n", "ProvNum": other})
    assert r["ProvNum"] == other
    assert get(api, "procedurelogs/%d" % g["ProcNum"])["ProvNum"] == other


def test_put_errors(api):
    pat, a, b = setup_group(api)
    g = new_group(api, pat, [a["ProcNum"]], "keep")
    path = "procedurelogs/%d/GroupNote" % g["ProcNum"]
    assert err(api, "PUT", path, {"Note": "n"}) == (400, "PatNum is required.")
    assert err(api, "PUT", path, {"PatNum": pat}) == (400, "Note is required.")
    assert err(api, "PUT", path, {"PatNum": pat, "Note": "n",
                                  "doAppendNote": "yes"}) == (
        400, "doAppendNote is invalid.")
    assert err(api, "PUT", path, {"PatNum": pat, "Note": "n",
                                  "ProcNums": []}) == (
        400, "ProcNums is required.")
    assert err(api, "PUT", "procedurelogs/abc/GroupNote",
               {"PatNum": pat, "Note": "n"}) == (
        400, "procedurelogs PUT GroupNote is not a valid method.")
    assert err(api, "PUT", "procedurelogs/99999999/GroupNote",
               {"PatNum": pat, "Note": "n"}) == (404, "GroupNote not found.")
    # a procedure that is not a group note
    assert err(api, "PUT", "procedurelogs/%d/GroupNote" % a["ProcNum"],
               {"PatNum": pat, "Note": "n"}) == (404, "GroupNote not found.")
    other = new_patient(api)
    assert err(api, "PUT", path, {"PatNum": other, "Note": "n"}) == (
        400, "The GroupNote is not for this patient.")
    c = new_proc(api, other)
    assert err(api, "PUT", path, {"PatNum": pat, "Note": "n",
                                  "ProcNums": [c["ProcNum"]]}) == (
        400, "Procedure %d is not for this patient." % c["ProcNum"])
    assert err(api, "PUT", path, {"PatNum": pat, "Note": "n",
                                  "ProvNum": 99999999}) == (
        400, "ProvNum is invalid.")
    # nothing changed
    assert get(api, "procedurelogs/GroupNotes?PatNum=%d" % pat) == [g]


# ---- DELETE ----------------------------------------------------------------


def test_delete(api):
    pat, a, b = setup_group(api)
    g = new_group(api, pat, [a["ProcNum"], b["ProcNum"]])
    path = "procedurelogs/%d/GroupNote" % g["ProcNum"]
    since = mark(api)
    st, body, _ = api.request("DELETE", path)
    assert (st, body) == (200, None) or (st, body) == (200, "")
    # the procedure row stays, with status D; the grouped procedures stay
    assert get(api, "procedurelogs/%d" % g["ProcNum"])["ProcStatus"] == "D"
    assert get(api, "procedurelogs/%d" % a["ProcNum"])["ProcStatus"] == "C"
    assert err(api, "DELETE", path) == (404, "GroupNote not found.")
    assert err(api, "PUT", path, {"PatNum": pat, "Note": "n"}) == (
        404, "GroupNote not found.")
    assert err(api, "DELETE", "procedurelogs/%d/GroupNote" % a["ProcNum"]) \
        == (404, "GroupNote not found.")
    assert err(api, "DELETE", "procedurelogs/x/GroupNote") == (
        400, "procedurelogs DELETE GroupNote is not a valid method.")
    if api.backend == "server":
        assert db(api, "SELECT COUNT(*) FROM procgroupitem WHERE GroupNum = "
                       "%d" % g["ProcNum"]) == [["0"]]
        assert logs(api, since, g["ProcNum"]) == [
            (PERM_PROC_DELETE, "Deleted", pat)]


def test_grp_code_made_when_missing(api):
    """A database without the ~GRP~ code gets it on the first group note."""
    sql_only(api, "a database without Open Dental's ~GRP~ code (every Open "
                  "Dental database has it, the sandbox too): only SQL can "
                  "take it away")
    pat, a, b = setup_group(api)
    db(api, "UPDATE procedurecode SET ProcCode = CONCAT('~OLD', CodeNum) "
            "WHERE ProcCode = '~GRP~'")
    g = new_group(api, pat, [a["ProcNum"]])
    rows = db(api, "SELECT Descript FROM procedurecode WHERE ProcCode = "
                   "'~GRP~'")
    assert rows == [["Group Note"]]
    assert get(api, "procedurelogs/%d" % g["ProcNum"])["procCode"] == "~GRP~"
