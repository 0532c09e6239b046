"""Claim actions, claim payments, etranss and etransmessagetexts
(lib/actions/claims.c), through HTTP against the seeded test database and the
embedded sandbox. Claims and claimprocs have no API to create them here
(POST /claims is not served), so the tests that need them insert rows with
SQL on the server backend and skip on the embedded one."""
import re
import uuid

from conftest import db, err, get, post, put, server_only, uniq

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")

CLAIMPAYMENT = ["ClaimPaymentNum", "CheckDate", "CheckAmt", "CheckNum",
                "BankBranch", "Note", "ClinicNum", "DepositNum",
                "CarrierName", "DateIssued", "IsPartial", "PayType",
                "payType", "SecUserNumEntry", "SecDateEntry", "SecDateTEdit",
                "PayGroup", "payGroup"]
ETRANS = ["EtransNum", "DateTimeTrans", "ClearingHouseNum", "Etype",
          "ClaimNum", "OfficeSequenceNumber", "CarrierTransCounter",
          "CarrierNum", "PatNum", "BatchNumber", "AckCode", "TransSetNum",
          "Note", "EtransMessageTextNum", "AckEtransNum", "PlanNum",
          "InsSubNum", "CarrierNameRaw", "PatientNameRaw", "UserNum"]
CLAIM_FIRST = ["ClaimNum", "PatNum", "DateService", "DateSent",
               "ClaimStatus"]

PERM_INS_PAY_CREATE, PERM_INS_PAY_EDIT = 36, 37
PERM_CLAIM_SEND, PERM_CLAIM_DELETE = 104, 118
RECEIVED, NOT_RECEIVED, SUPPLEMENTAL, ESTIMATE = 1, 0, 4, 6


def insert(api, sql):
    return int(db(api, sql + "; SELECT LAST_INSERT_ID()")[0][0])


def one(api, sql):
    return db(api, sql)[0]


def mark(api):
    rows = db(api, "SELECT COALESCE(MAX(SecurityLogNum), 0) FROM securitylog")
    return int(rows[0][0]) if rows else 0


def logs(api, since, perm, fkey):
    """[(verb, PatNum)] of the API's securitylog rows."""
    rows = db(api, "SELECT LogText, LogSource, PatNum FROM securitylog WHERE "
                   "FKey = %d AND PermType = %d AND SecurityLogNum > %d "
                   "ORDER BY SecurityLogNum" % (fkey, perm, since))
    assert all(r[0].endswith(" by Sandbox Developer through API.") and
               r[1] == "23" for r in rows), rows
    return [(r[0].split(" by ")[0], int(r[2])) for r in rows]


def today(api):
    return api.request("GET", "payments?Limit=1")[1][0]["serverDateTime"][:10]


def make_claim(api, status="R", ctype="P", pays=(60.0, 40.0),
               extra=()):
    """A claim of a seeded patient on a seeded plan, with one claimproc per
    amount in pays (Received, on a procedure) and the (Status, ProcNum,
    InsPayAmt) rows in extra. Returns (claim, patnum, [claimprocnums])."""
    pat = int(one(api, "SELECT MIN(PatNum) FROM patient")[0])
    plan, carrier = one(api, "SELECT p.PlanNum, c.CarrierName FROM insplan p "
                             "JOIN carrier c ON c.CarrierNum = p.CarrierNum "
                             "ORDER BY p.PlanNum LIMIT 1")
    clinic = int(one(api, "SELECT COALESCE(MAX(ClinicNum), 0) FROM clinic")[0])
    claim = insert(api, "INSERT INTO claim (PatNum, DateService, ClaimStatus,"
                        " PlanNum, ClaimFee, ClaimType, InsSubNum, ClinicNum,"
                        " Narrative) VALUES (%d, '2024-05-01', '%s', %s, 150,"
                        " '%s', 1, %d, '')" % (pat, status, plan, ctype,
                                                clinic))
    cps = []
    rows = [(RECEIVED, None, a) for a in pays] + list(extra)
    for st, procnum, amt in rows:
        if procnum is None:
            procnum = insert(api, "INSERT INTO procedurelog (PatNum, ProcDate,"
                                  " ProcStatus, CodeNum) VALUES (%d, "
                                  "'2024-05-01', 2, 1)" % pat)
        cps.append(insert(
            api, "INSERT INTO claimproc (ProcNum, ClaimNum, PatNum, "
                 "FeeBilled, InsPayEst, InsPayAmt, DedApplied, WriteOff, "
                 "Status, PlanNum, InsSubNum, ProcDate, DateCP) VALUES (%d, "
                 "%d, %d, 75, 60, %s, 5, 2, %d, %s, 1, '2024-05-01', "
                 "'2024-05-01')" % (procnum, claim, pat, amt, st, plan)))
    return claim, pat, cps, carrier, clinic


# ---- read-only shapes and errors (both backends) ---------------------------

def test_claimpayments_shape_and_errors(api):
    rows = get(api, "claimpayments")
    assert all(list(r) == CLAIMPAYMENT for r in rows)
    assert get(api, "claimpayments?SecDateTEdit=2999-01-01%2000:00:00") == []
    assert err(api, "GET", "claimpayments?SecDateTEdit=x")[0] == 400
    assert err(api, "GET", "claimpayments/99999999") == (
        404, "ClaimPayment not found.")
    assert err(api, "GET", "claimpayments/abc")[0] == 400
    assert err(api, "PUT", "claimpayments/99999999", {"Note": "x"}) == (
        404, "ClaimPayment not found.")
    assert err(api, "DELETE", "claimpayments/99999999") == (
        404, "ClaimPayment not found.")
    assert err(api, "DELETE", "claimpayments/abc") == (
        400, "claimpayments DELETE abc is not a valid method.")
    for body, st, msg in [
            ({"CheckAmt": 10}, 400, "claimNum is required."),
            ({"claimNum": 1}, 400, "CheckAmt is required."),
            ({"claimNum": "x", "CheckAmt": 1}, 400, "claimNum is invalid."),
            ({"claimNum": 1, "CheckAmt": "ten"}, 400,
             "CheckAmt is invalid."),
            ({"claimNum": 1, "CheckAmt": 1, "CheckDate": "05/01/2024"}, 400,
             "CheckDate format must be yyyy-MM-dd."),
            ({"claimNum": 1, "CheckAmt": 1, "DateIssued": "2024-02-30"}, 400,
             "DateIssued format must be yyyy-MM-dd."),
            ({"claimNum": 1, "CheckAmt": 1, "CheckNum": "1" * 26}, 400,
             "CheckNum is too long."),
            ({"claimNum": 1, "CheckAmt": 1, "Note": 5}, 400,
             "Note is invalid."),
            ({"claimNum": 1, "CheckAmt": 1, "PayType": "a"}, 400,
             "PayType is invalid."),
            ({"claimNum": 99999999, "CheckAmt": 1}, 404, "Claim not found."),
    ]:
        assert err(api, "POST", "claimpayments", body) == (st, msg), body
    for body, st, msg in [
            ({"CheckAmt": 10}, 400, "claimNums is required."),
            ({"claimNums": [], "CheckAmt": 10}, 400, "claimNums is required."),
            ({"claimNums": ["a"], "CheckAmt": 10}, 400,
             "claimNums is invalid."),
            ({"claimNums": "1,,x", "CheckAmt": 10}, 400,
             "claimNums is invalid."),
            ({"claimNums": [1]}, 400, "CheckAmt is required."),
            ({"claimNums": [99999999], "CheckAmt": 1}, 404,
             "Claim not found: 99999999."),
    ]:
        assert err(api, "POST", "claimpayments/Batch", body) == (st, msg), \
            body
    st, obj, _ = api.request("POST", "claimpayments", None)
    assert st == 400


def test_claim_action_errors(api):
    assert err(api, "DELETE", "claims/99999999") == (404, "Claim not found")
    assert err(api, "DELETE", "claims/abc") == (
        400, "claims DELETE abc is not a valid method.")
    assert err(api, "PUT", "claims/99999999/Status",
               {"DateSent": "2024-05-02"}) == (404, "Claim not found")
    assert err(api, "PUT", "claims/abc/Status",
               {"DateSent": "2024-05-02"}) == (
        400, "claims PUT Status is not a valid method.")
    for body, msg in [({}, "DateSent is required."),
                      ({"DateSent": ""}, "DateSent is required."),
                      ({"DateSent": "2024-13-01"},
                       "DateSent format must be yyyy-MM-dd."),
                      ({"DateSent": "2024-05-01", "DateSentOrig": 5},
                       "DateSentOrig format must be yyyy-MM-dd.")]:
        assert err(api, "PUT", "claims/1/Status", body) == (400, msg), body
    assert err(api, "PUT", "claims/1/Status", [1]) == (
        400, "The request body must be a JSON object.")


def test_etranss_shape_and_errors(api):
    assert all(list(r) == ETRANS for r in get(api, "etranss"))
    assert get(api, "etranss?ClaimNum=99999999") == []
    assert err(api, "GET", "etranss?CarrierNum=x")[0] == 400
    assert err(api, "GET", "etransmessagetexts/99999999") == (
        404, "EtransMessageText not found.")
    assert err(api, "GET", "etransmessagetexts/abc")[0] == 400
    st, obj = err(api, "POST", "etranss", {})
    assert st in (400, 404, 405), obj


def test_etranss_rows(api):
    server_only(api)
    text = insert(api, "INSERT INTO etransmessagetext (MessageText) VALUES "
                       "('ISA*00*~\r\nGS*HC~')")
    claim = 90000000 + uuid.uuid4().int % 1000000
    carrier = int(one(api, "SELECT MIN(CarrierNum) FROM carrier")[0])
    keys = [insert(api, "INSERT INTO etrans (DateTimeTrans, Etype, ClaimNum,"
                        " CarrierNum, PatNum, BatchNumber, AckCode, Note, "
                        "EtransMessageTextNum, CarrierNameRaw, UserNum) "
                        "VALUES ('2024-05-02 10:11:12', %d, %d, %d, 7, 3, "
                        "'A', 'line1\nline2', %d, 'Raw', 0)" %
                        (et, claim, carrier, text)) for et in (0, 27)]
    rows = get(api, "etranss?ClaimNum=%d" % claim)
    assert [r["EtransNum"] for r in rows] == keys
    assert list(rows[0]) == ETRANS
    assert rows[0]["Etype"] == "ClaimSent" and rows[1]["Etype"] == "ERA_835"
    assert rows[0]["DateTimeTrans"] == "2024-05-02 10:11:12"
    assert rows[0]["Note"] == "line1 line2"
    assert rows[0]["EtransMessageTextNum"] == text
    assert rows[0]["CarrierNum"] == carrier and rows[0]["AckCode"] == "A"
    both = get(api, "etranss?ClaimNum=%d&CarrierNum=%d" % (claim, carrier))
    assert both == rows
    assert get(api, "etranss?ClaimNum=%d&CarrierNum=%d" %
               (claim, carrier + 1000)) == []
    assert get(api, "etransmessagetexts/%d" % text) == {
        "EtransMessageTextNum": text, "MessageText": "ISA*00*~ GS*HC~"}


# ---- claims: Status and DELETE ---------------------------------------------

def test_claim_status(api):
    server_only(api)
    claim, pat, _, _, _ = make_claim(api, status="W")
    plan_carrier = int(one(api, "SELECT i.CarrierNum FROM claim c JOIN "
                                "insplan i ON i.PlanNum = c.PlanNum WHERE "
                                "c.ClaimNum = %d" % claim)[0])
    since = mark(api)
    obj = put(api, "claims/%d/Status" % claim, {"DateSent": "2024-05-03"})
    assert list(obj)[:5] == CLAIM_FIRST and "serverDateTime" not in obj
    assert obj["ClaimStatus"] == "S" and obj["DateSent"] == "2024-05-03"
    assert obj == get(api, "claims/%d" % claim)
    orig = "SELECT DateSentOrig FROM claim WHERE ClaimNum = %d" % claim
    assert one(api, orig) == ["2024-05-03"]
    # sent before: DateSentOrig stays, even when one is given
    obj = put(api, "claims/%d/Status" % claim,
              {"DateSent": "2024-05-10", "DateSentOrig": "2024-05-01"})
    assert obj["DateSent"] == "2024-05-10"
    assert one(api, orig) == ["2024-05-03"]
    assert logs(api, since, PERM_CLAIM_SEND, claim) == [("Updated", pat)] * 2
    # one etrans per call: printed by hand, no clearinghouse
    sent = get(api, "etranss?ClaimNum=%d" % claim)
    assert len(sent) == 2 and all(list(e) == ETRANS for e in sent)
    assert [(e["Etype"], e["PatNum"], e["CarrierNum"], e["ClearingHouseNum"])
            for e in sent] == [("ClaimPrinted", pat, plan_carrier, 0)] * 2
    assert DATETIME.match(sent[0]["DateTimeTrans"])
    db(api, "UPDATE claim SET ClaimStatus = 'R' WHERE ClaimNum = %d" % claim)
    assert err(api, "PUT", "claims/%d/Status" % claim,
               {"DateSent": "2024-05-11"}) == (
        400, "The claim has already been received.")
    assert get(api, "claims/%d" % claim)["DateSent"] == "2024-05-10"
    assert len(get(api, "etranss?ClaimNum=%d" % claim)) == 2
    # never sent: the DateSentOrig given
    other, _, _, _, _ = make_claim(api, status="U")
    put(api, "claims/%d/Status" % other,
        {"DateSent": "2024-05-10", "DateSentOrig": "2024-05-01"})
    assert one(api, "SELECT DateSentOrig, ClaimStatus FROM claim WHERE "
                    "ClaimNum = %d" % other) == ["2024-05-01", "S"]


def test_claim_delete_back_to_estimates(api):
    server_only(api)
    claim, pat, cps, _, _ = make_claim(
        api, status="S", pays=(60.0,),
        extra=[(NOT_RECEIVED, None, 0), (SUPPLEMENTAL, None, 9),
               (RECEIVED, 0, 12)])
    # Received: refused, nothing changes
    db(api, "UPDATE claim SET ClaimStatus = 'R' WHERE ClaimNum = %d" % claim)
    assert err(api, "DELETE", "claims/%d" % claim) == (
        400, "Cannot delete a claim while its ClaimStatus is R (Received). "
             "Change the status first.")
    db(api, "UPDATE claim SET ClaimStatus = 'S' WHERE ClaimNum = %d" % claim)
    # an insurance check attached: refused
    db(api, "UPDATE claimproc SET ClaimPaymentNum = 99999999 WHERE "
            "ClaimProcNum = %d" % cps[0])
    assert err(api, "DELETE", "claims/%d" % claim) == (
        400, "Cannot delete a claim while any insurance checks are "
             "attached. Detach all insurance checks first.")
    assert get(api, "claims/%d" % claim)["ClaimStatus"] == "S"
    db(api, "UPDATE claimproc SET ClaimPaymentNum = 0 WHERE ClaimProcNum = "
            "%d" % cps[0])
    since = mark(api)
    st, body = err(api, "DELETE", "claims/%d" % claim)
    assert st == 200, body
    assert err(api, "GET", "claims/%d" % claim) == (404, "Claim not found")
    rows = db(api, "SELECT ClaimProcNum, Status, ClaimNum, InsPayAmt, "
                   "DedApplied, WriteOff FROM claimproc WHERE ClaimProcNum IN "
                   "(%s) ORDER BY ClaimProcNum" % ",".join(map(str, cps)))
    # the procedures' rows are estimates again; supplemental and by-total
    # rows are gone
    assert rows == [[str(cps[0]), "6", "0", "0", "0", "0"],
                    [str(cps[1]), "6", "0", "0", "0", "0"]]
    assert logs(api, since, PERM_CLAIM_DELETE, claim) == [("Deleted", pat)]
    assert err(api, "DELETE", "claims/%d" % claim) == (404, "Claim not found")


def test_claim_delete_preauth(api):
    server_only(api)
    claim, _, cps, _, _ = make_claim(api, status="S", ctype="PreAuth",
                                     pays=(0, 0))
    assert api.request("DELETE", "claims/%d" % claim)[0] == 200
    assert db(api, "SELECT COUNT(*) FROM claimproc WHERE ClaimProcNum IN "
                   "(%d, %d)" % tuple(cps)) == [["0"]]


# ---- claimpayments: POST, GET, PUT, DELETE ----------------------------------

def test_claimpayment_round_trip(api):
    server_only(api)
    claim, pat, cps, carrier, clinic = make_claim(
        api, extra=[(NOT_RECEIVED, None, 0)])
    paytype = int(one(api, "SELECT DefNum FROM definition WHERE Category = 32"
                           " AND IsHidden = 0 ORDER BY ItemOrder, DefNum "
                           "LIMIT 1")[0])
    db(api, "UPDATE claim SET ClaimStatus = 'S' WHERE ClaimNum = %d" % claim)
    assert err(api, "POST", "claimpayments",
               {"claimNum": claim, "CheckAmt": 100}) == (
        400, "Claim %d must have a ClaimStatus of R (Received)." % claim)
    db(api, "UPDATE claim SET ClaimStatus = 'R' WHERE ClaimNum = %d" % claim)
    assert err(api, "POST", "claimpayments",
               {"claimNum": claim, "CheckAmt": "99.99"}) == (
        400, "CheckAmt must match the total InsPayAmt of the ClaimProcs "
             "(100.00).")
    for extra, msg in [({"ClinicNum": 99999999}, "ClinicNum is invalid."),
                       ({"PayType": 1}, "PayType is invalid."),
                       ({"PayGroup": paytype}, "PayGroup is invalid.")]:
        body = dict({"claimNum": claim, "CheckAmt": 100}, **extra)
        assert err(api, "POST", "claimpayments", body) == (400, msg), body
    since = mark(api)
    made = post(api, "claimpayments", {"claimNum": claim, "CheckAmt": "100",
                                       "CheckNum": "4711", "Note": "EOB"})
    key = made["ClaimPaymentNum"]
    assert list(made) == CLAIMPAYMENT
    assert made == {
        "ClaimPaymentNum": key, "CheckDate": today(api), "CheckAmt": "100",
        "CheckNum": "4711", "BankBranch": "", "Note": "EOB",
        "ClinicNum": clinic, "DepositNum": 0, "CarrierName": carrier,
        "DateIssued": "0001-01-01", "IsPartial": "false", "PayType": paytype,
        "payType": made["payType"], "SecUserNumEntry": 0,
        "SecDateEntry": today(api), "SecDateTEdit": made["SecDateTEdit"],
        "PayGroup": 0, "payGroup": ""}
    assert made["payType"] and DATETIME.match(made["SecDateTEdit"])
    assert get(api, "claimpayments/%d" % key) == made
    assert made in get(api, "claimpayments?SecDateTEdit=2000-01-01%2000:00:00")
    assert logs(api, since, PERM_INS_PAY_CREATE, key) == [("Created", pat)]
    # the received claimprocs are on the check, dated the check's date
    rows = db(api, "SELECT ClaimPaymentNum, DateCP, DateInsFinalized FROM "
                   "claimproc WHERE ClaimNum = %d ORDER BY ClaimProcNum" %
                   claim)
    assert rows == [[str(key), today(api), today(api)]] * 2 + [
        ["0", "2024-05-01", "0001-01-01"]]
    assert [c["ClaimPaymentNum"] for c in
            get(api, "claimprocs?ClaimPaymentNum=%d" % key)] == [key, key]
    # nothing left to pay on this claim
    assert err(api, "POST", "claimpayments",
               {"claimNum": claim, "CheckAmt": 0}) == (
        400, "Claim %d has no Received or Supplemental ClaimProcs without a "
             "ClaimPayment." % claim)
    # a claim with a check cannot be deleted
    assert err(api, "DELETE", "claims/%d" % claim)[0] == 400

    # PUT
    group = post(api, "definitions", {"ItemName": uniq("Lockbox"),
                                      "category": "ClaimPaymentGroups"})
    since = mark(api)
    upd = put(api, "claimpayments/%d" % key,
              {"CheckNum": "4712", "BankBranch": "First Bank",
               "CarrierName": "Renamed", "PayGroup": group["DefNum"],
               "CheckAmt": 100.0, "CheckDate": "2020-01-01"})
    assert upd["CheckNum"] == "4712" and upd["BankBranch"] == "First Bank"
    assert upd["CarrierName"] == "Renamed"
    assert upd["PayGroup"] == group["DefNum"]
    assert upd["payGroup"] == group["ItemName"]
    assert upd["CheckDate"] == today(api)  # not writable
    assert get(api, "claimpayments/%d" % key) == upd
    assert logs(api, since, PERM_INS_PAY_EDIT, key) == [("Updated", 0)]
    for body, msg in [
            ({"CheckAmt": 50}, "CheckAmt must match the total InsPayAmt of "
                               "the attached ClaimProcs."),
            ({"PayType": group["DefNum"]}, "PayType is invalid."),
            ({"CheckNum": "x" * 26}, "CheckNum is too long."),
            ({}, "No fields to update were provided.")]:
        assert err(api, "PUT", "claimpayments/%d" % key, body) == (
            400, msg), body

    # DELETE: refused on a deposit, then the claimprocs are detached
    db(api, "UPDATE claimpayment SET DepositNum = 5 WHERE ClaimPaymentNum = "
            "%d" % key)
    assert err(api, "DELETE", "claimpayments/%d" % key) == (
        400, "Cannot delete a ClaimPayment that is attached to a deposit.")
    db(api, "UPDATE claimpayment SET DepositNum = 0 WHERE ClaimPaymentNum = "
            "%d" % key)
    since = mark(api)
    assert api.request("DELETE", "claimpayments/%d" % key)[0] == 200
    assert err(api, "GET", "claimpayments/%d" % key) == (
        404, "ClaimPayment not found.")
    assert db(api, "SELECT ClaimPaymentNum, Status, InsPayAmt FROM claimproc"
                   " WHERE ClaimProcNum IN (%d, %d) ORDER BY ClaimProcNum" %
              (cps[0], cps[1])) == [["0", "1", "60"], ["0", "1", "40"]]
    assert logs(api, since, PERM_INS_PAY_EDIT, key) == [("Deleted", 0)]
    # paid again, with the given inputs
    again = post(api, "claimpayments", {
        "claimNum": claim, "CheckAmt": 100, "CheckDate": "2024-06-01",
        "DateIssued": "2024-05-30", "ClinicNum": 0, "PayType": 0,
        "CarrierName": "Given"})
    assert (again["CheckDate"], again["DateIssued"], again["ClinicNum"],
            again["PayType"], again["CarrierName"]) == (
        "2024-06-01", "2024-05-30", 0, 0, "Given")
    assert db(api, "SELECT DISTINCT DateCP FROM claimproc WHERE "
                   "ClaimPaymentNum = %d" % again["ClaimPaymentNum"]) == [
        ["2024-06-01"]]


def test_claimpayment_batch(api):
    server_only(api)
    a, _, _, _, _ = make_claim(api, pays=(10.0, 20.5))
    b, _, _, _, _ = make_claim(api, pays=(0.0,),
                               extra=[(SUPPLEMENTAL, None, 4.25)])
    body = {"claimNums": [a, b, a], "CheckAmt": 30}
    assert err(api, "POST", "claimpayments/Batch", body) == (
        400, "CheckAmt must match the total InsPayAmt of the ClaimProcs "
             "(34.75).")
    since = mark(api)
    body["CheckAmt"] = "34.75"
    st, obj, r = api.request("POST", "claimpayments/Batch", body)
    assert st == 201, obj
    key = obj["ClaimPaymentNum"]
    assert r.getheader("Location").endswith("/api/v1/claimpayments/%d" % key)
    assert list(obj) == CLAIMPAYMENT and obj["CheckAmt"] == "34.75"
    assert db(api, "SELECT ClaimNum, COUNT(*) FROM claimproc WHERE "
                   "ClaimPaymentNum = %d GROUP BY ClaimNum ORDER BY ClaimNum"
              % key) == [[str(a), "2"], [str(b), "2"]]
    assert logs(api, since, PERM_INS_PAY_CREATE, key) == [("Created", 0)]
    # a comma list works too; one claim in a batch that has nothing left
    assert err(api, "POST", "claimpayments/Batch",
               {"claimNums": "%d, %d" % (a, b), "CheckAmt": 0}) == (
        400, "Claim %d has no Received or Supplemental ClaimProcs without a "
             "ClaimPayment." % a)


def test_claimpayment_batch_only_preference(api):
    server_only(api)
    claim, _, _, _, _ = make_claim(api, pays=(5.0,))
    had = db(api, "SELECT ValueString FROM preference WHERE PrefName = "
                  "'ClaimPaymentBatchOnly'")
    if had:
        db(api, "UPDATE preference SET ValueString = '1' WHERE PrefName = "
                "'ClaimPaymentBatchOnly'")
    else:
        db(api, "INSERT INTO preference (PrefName, ValueString, Comments) "
                "VALUES ('ClaimPaymentBatchOnly', '1', '')")
    try:
        assert err(api, "POST", "claimpayments",
                   {"claimNum": claim, "CheckAmt": 5}) == (
            400, "ClaimPayments can only be made in batches (preference "
                 "ClaimPaymentBatchOnly).")
        st, obj, _ = api.request("POST", "claimpayments/Batch",
                                 {"claimNums": [claim], "CheckAmt": 5})
        assert st == 201, obj
    finally:
        if had:
            db(api, "UPDATE preference SET ValueString = '%s' WHERE PrefName"
                    " = 'ClaimPaymentBatchOnly'" % had[0][0])
        else:
            db(api, "DELETE FROM preference WHERE PrefName = "
                    "'ClaimPaymentBatchOnly'")
