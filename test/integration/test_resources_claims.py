"""Claim actions, claim payments, etranss and etransmessagetexts
(lib/actions/claims.c), through HTTP against the seeded test database and the
embedded sandbox. Claims and claimprocs have no API to create them here
(POST /claims is not served): the tests use the seeded claims (docs/sandbox.md:
unsent, sent, received with and without an insurance check, pre-
authorizations), found through the API; what the seed does not have stays
on the server backend, which can insert it with SQL."""
import re
import uuid

from conftest import db, err, find, get, post, put, sql_only, uniq

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
    """A row by SQL on the server backend; None on the embedded one."""
    rows = db(api, sql)
    return None if rows is None else rows[0]


def mark(api):
    rows = db(api, "SELECT COALESCE(MAX(SecurityLogNum), 0) FROM securitylog")
    return int(rows[0][0]) if rows else 0


def logs(api, since, perm, fkey):
    """[(verb, PatNum)] of the API's securitylog rows."""
    rows = db(api, "SELECT LogText, LogSource, PatNum FROM securitylog WHERE "
                   "FKey = %d AND PermType = %d AND SecurityLogNum > %d "
                   "ORDER BY SecurityLogNum" % (fkey, perm, since))
    if rows is None:
        return None  # the embedded sandbox: no SQL to read the log with
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


def claims(api, status, ctype="P"):
    return find(api, "claims?ClaimStatus=%s" % status,
                lambda c: c["ClaimType"] == ctype)


def claimprocs(api, claim):
    return get(api, "claimprocs?ClaimNum=%d" % claim)


def unpaid_received(api):
    """Received claims whose claimprocs are not on an insurance check yet
    (the EOB entered, the payment not finalized), newest first."""
    out = []
    for c in reversed(claims(api, "R")):
        cps = claimprocs(api, c["ClaimNum"])
        if cps and all(cp["Status"] == "Received" and
                       cp["ClaimPaymentNum"] == 0 for cp in cps):
            out.append((c, cps))
    return out


def total(cps):
    return round(sum(cp["InsPayAmt"] for cp in cps), 2)


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
    """The seeded claim batches: each sent claim's ClaimSent row in its
    day's X12 837 text, the batch's 999, the ERAs of EFT checks."""
    rows = get(api, "etranss?Limit=1000")
    assert rows and all(list(r) == ETRANS for r in rows)
    assert [r["EtransNum"] for r in rows] == sorted(r["EtransNum"]
                                                     for r in rows)
    sent = next(r for r in rows if r["Etype"] == "ClaimSent")
    claim = get(api, "claims/%d" % sent["ClaimNum"])
    assert claim["ClaimStatus"] in ("S", "R")
    assert (sent["PatNum"], sent["PlanNum"] or claim["PlanNum"]) == (
        claim["PatNum"], claim["PlanNum"])
    assert DATETIME.match(sent["DateTimeTrans"])
    assert sent["DateTimeTrans"][:10] == claim["DateSent"]
    plan = get(api, "insplans/%d" % claim["PlanNum"])
    assert sent["CarrierNum"] == plan["CarrierNum"]
    mine = get(api, "etranss?ClaimNum=%d" % sent["ClaimNum"])
    assert sent in mine and all(r["ClaimNum"] == sent["ClaimNum"]
                                for r in mine)
    both = get(api, "etranss?ClaimNum=%d&CarrierNum=%d"
               % (sent["ClaimNum"], sent["CarrierNum"]))
    assert both == [r for r in mine if r["CarrierNum"] == sent["CarrierNum"]]
    assert get(api, "etranss?ClaimNum=%d&CarrierNum=%d" %
               (sent["ClaimNum"], sent["CarrierNum"] + 1000)) == []
    text = get(api, "etransmessagetexts/%d" % sent["EtransMessageTextNum"])
    assert list(text) == ["EtransMessageTextNum", "MessageText"]
    assert text["MessageText"].startswith("ISA*")
    assert "CLM*%d/%d*" % (claim["PatNum"], claim["ClaimNum"]) in \
        text["MessageText"]
    # the clearinghouse's acknowledgement of the batch
    ack = next(r for r in rows if r["EtransNum"] == sent["AckEtransNum"])
    assert (ack["Etype"], ack["AckCode"], sent["AckCode"]) == (
        "Acknowledge_999", "A", "A")
    # an EFT check's ERA names its carrier
    era = next(r for r in rows if r["Etype"] == "ERA_835")
    assert era["CarrierNum"] and era["CarrierNameRaw"]
    assert get(api, "etranss?CarrierNum=%d&Limit=1000" % era["CarrierNum"]) \
        == [r for r in rows if r["CarrierNum"] == era["CarrierNum"]]


# ---- claims: Status and DELETE ---------------------------------------------

def test_claim_status(api):
    # a claim of yesterday's visits, waiting to be sent
    claim = claims(api, "W")[0]
    key, pat = claim["ClaimNum"], claim["PatNum"]
    plan_carrier = get(api, "insplans/%d" % claim["PlanNum"])["CarrierNum"]
    assert get(api, "etranss?ClaimNum=%d" % key) == []
    since = mark(api)
    obj = put(api, "claims/%d/Status" % key, {"DateSent": "2024-05-03"})
    assert list(obj)[:5] == CLAIM_FIRST and "serverDateTime" not in obj
    assert obj["ClaimStatus"] == "S" and obj["DateSent"] == "2024-05-03"
    assert obj == get(api, "claims/%d" % key)
    orig = "SELECT DateSentOrig FROM claim WHERE ClaimNum = %d" % key
    assert one(api, orig) in (None, ["2024-05-03"])
    # sent before: DateSentOrig stays, even when one is given
    obj = put(api, "claims/%d/Status" % key,
              {"DateSent": "2024-05-10", "DateSentOrig": "2024-05-01"})
    assert obj["DateSent"] == "2024-05-10"
    assert one(api, orig) in (None, ["2024-05-03"])
    assert logs(api, since, PERM_CLAIM_SEND, key) in (
        None, [("Updated", pat)] * 2)
    # one etrans per call: printed by hand, no clearinghouse
    sent = get(api, "etranss?ClaimNum=%d" % key)
    assert len(sent) == 2 and all(list(e) == ETRANS for e in sent)
    assert [(e["Etype"], e["PatNum"], e["CarrierNum"], e["ClearingHouseNum"])
            for e in sent] == [("ClaimPrinted", pat, plan_carrier, 0)] * 2
    assert DATETIME.match(sent[0]["DateTimeTrans"])
    # a received claim (its carrier paid): refused, nothing changes
    recvd = claims(api, "R")[0]
    before = get(api, "etranss?ClaimNum=%d" % recvd["ClaimNum"])
    assert err(api, "PUT", "claims/%d/Status" % recvd["ClaimNum"],
               {"DateSent": "2024-05-11"}) == (
        400, "The claim has already been received.")
    assert get(api, "claims/%d" % recvd["ClaimNum"]) == recvd
    assert get(api, "etranss?ClaimNum=%d" % recvd["ClaimNum"]) == before
    # never sent: the DateSentOrig given
    other = (claims(api, "U") or claims(api, "W")[1:])[0]
    obj = put(api, "claims/%d/Status" % other["ClaimNum"],
              {"DateSent": "2024-05-10", "DateSentOrig": "2024-05-01"})
    assert (obj["ClaimStatus"], obj["DateSent"]) == ("S", "2024-05-10")
    assert one(api, "SELECT DateSentOrig FROM claim WHERE ClaimNum = %d"
               % other["ClaimNum"]) in (None, ["2024-05-01"])


def test_claim_delete_back_to_estimates(api):
    # a sent claim, not paid yet (the newest)
    claim = claims(api, "S")[-1]
    key, pat = claim["ClaimNum"], claim["PatNum"]
    cps = claimprocs(api, key)
    assert cps and all(cp["Status"] == "NotReceived" for cp in cps)
    # a received claim (no check yet): refused, nothing changes
    recvd = unpaid_received(api)[-1][0]
    assert err(api, "DELETE", "claims/%d" % recvd["ClaimNum"]) == (
        400, "Cannot delete a claim while its ClaimStatus is R (Received). "
             "Change the status first.")
    assert get(api, "claims/%d" % recvd["ClaimNum"]) == recvd
    # an insurance check attached: refused
    check = get(api, "claimpayments?Limit=1")[0]["ClaimPaymentNum"]
    put(api, "claimprocs/%d" % cps[0]["ClaimProcNum"],
        {"ClaimPaymentNum": check})
    assert err(api, "DELETE", "claims/%d" % key) == (
        400, "Cannot delete a claim while any insurance checks are "
             "attached. Detach all insurance checks first.")
    assert get(api, "claims/%d" % key)["ClaimStatus"] == "S"
    put(api, "claimprocs/%d" % cps[0]["ClaimProcNum"], {"ClaimPaymentNum": 0})
    since = mark(api)
    st, body = err(api, "DELETE", "claims/%d" % key)
    assert st == 200, body
    assert err(api, "GET", "claims/%d" % key) == (404, "Claim not found")
    assert claimprocs(api, key) == []
    # the procedures' rows are estimates again
    for cp in cps:
        back = get(api, "claimprocs/%d" % cp["ClaimProcNum"])
        assert (back["Status"], back["ClaimNum"], back["InsPayAmt"],
                back["DedApplied"], back["WriteOff"]) == (
            "Estimate", 0, 0, 0, 0), back
        assert back["ProcNum"] == cp["ProcNum"]
    assert logs(api, since, PERM_CLAIM_DELETE, key) in (
        None, [("Deleted", pat)])
    assert err(api, "DELETE", "claims/%d" % key) == (404, "Claim not found")


def test_claim_delete_drops_supplemental_and_by_total_rows(api):
    sql_only(api, "claimprocs the seed does not write (a supplemental "
                  "payment, a payment by total)")
    claim, pat, cps, _, _ = make_claim(
        api, status="S", pays=(60.0,),
        extra=[(NOT_RECEIVED, None, 0), (SUPPLEMENTAL, None, 9),
               (RECEIVED, 0, 12)])
    st, body = err(api, "DELETE", "claims/%d" % claim)
    assert st == 200, body
    rows = db(api, "SELECT ClaimProcNum, Status, ClaimNum, InsPayAmt, "
                   "DedApplied, WriteOff FROM claimproc WHERE ClaimProcNum IN "
                   "(%s) ORDER BY ClaimProcNum" % ",".join(map(str, cps)))
    # the procedures' rows are estimates again; supplemental and by-total
    # rows are gone
    assert rows == [[str(cps[0]), "6", "0", "0", "0", "0"],
                    [str(cps[1]), "6", "0", "0", "0", "0"]]


def test_claim_delete_preauth(api):
    # a pre-authorization of a planned crown: its rows go with it
    pre = claims(api, "S", "PreAuth")[-1]
    cps = claimprocs(api, pre["ClaimNum"])
    assert cps and all(cp["Status"] == "Preauth" for cp in cps)
    procs = {cp["ProcNum"] for cp in cps}
    assert api.request("DELETE", "claims/%d" % pre["ClaimNum"])[0] == 200
    assert claimprocs(api, pre["ClaimNum"]) == []
    for cp in cps:
        assert err(api, "GET", "claimprocs/%d" % cp["ClaimProcNum"])[0] == 404
    # the procedures keep their estimates
    for p in procs:
        assert any(cp["Status"] == "Estimate" for cp in
                   get(api, "claimprocs?ProcNum=%d" % p))


# ---- claimpayments: POST, GET, PUT, DELETE ----------------------------------

def money(v):
    """CheckAmt as the API writes it: the shortest form ("100", "99.5")."""
    return ("%.2f" % v).rstrip("0").rstrip(".")


def test_claimpayment_round_trip(api):
    # a received claim whose payment is not finalized yet
    claim, cps = unpaid_received(api)[0]
    key_claim, pat = claim["ClaimNum"], claim["PatNum"]
    amt = total(cps)
    carrier = get(api, "carriers/%d" % get(
        api, "insplans/%d" % claim["PlanNum"])["CarrierNum"])["CarrierName"]
    paytype = get(api, "definitions?Category=32")[0]["DefNum"]
    groups = get(api, "definitions?Category=40")
    sent = claims(api, "S")[0]["ClaimNum"]
    assert err(api, "POST", "claimpayments",
               {"claimNum": sent, "CheckAmt": 100}) == (
        400, "Claim %d must have a ClaimStatus of R (Received)." % sent)
    assert err(api, "POST", "claimpayments",
               {"claimNum": key_claim, "CheckAmt": amt + 0.01}) == (
        400, "CheckAmt must match the total InsPayAmt of the ClaimProcs "
             "(%.2f)." % amt)
    for extra, msg in [({"ClinicNum": 99999999}, "ClinicNum is invalid."),
                       ({"PayType": 1}, "PayType is invalid."),
                       ({"PayGroup": paytype}, "PayGroup is invalid.")]:
        body = dict({"claimNum": key_claim, "CheckAmt": amt}, **extra)
        assert err(api, "POST", "claimpayments", body) == (400, msg), body
    since = mark(api)
    made = post(api, "claimpayments", {"claimNum": key_claim,
                                       "CheckAmt": money(amt),
                                       "CheckNum": "4711", "Note": "EOB"})
    key = made["ClaimPaymentNum"]
    assert list(made) == CLAIMPAYMENT
    assert made == {
        "ClaimPaymentNum": key, "CheckDate": today(api), "CheckAmt": money(amt),
        "CheckNum": "4711", "BankBranch": "", "Note": "EOB",
        "ClinicNum": claim.get("ClinicNum", 0), "DepositNum": 0,
        "CarrierName": carrier, "DateIssued": "0001-01-01",
        "IsPartial": "false", "PayType": paytype, "payType": made["payType"],
        "SecUserNumEntry": 0, "SecDateEntry": today(api),
        "SecDateTEdit": made["SecDateTEdit"],
        # the first payment group, as Open Dental defaults it
        "PayGroup": groups[0]["DefNum"] if groups else 0,
        "payGroup": groups[0]["ItemName"] if groups else ""}
    assert made["payType"] and DATETIME.match(made["SecDateTEdit"])
    assert get(api, "claimpayments/%d" % key) == made
    assert made in get(api, "claimpayments?SecDateTEdit=2000-01-01%2000:00:00"
                            "&Limit=1000")
    assert logs(api, since, PERM_INS_PAY_CREATE, key) in (
        None, [("Created", pat)])
    # the received claimprocs are on the check, dated the check's date
    on = get(api, "claimprocs?ClaimPaymentNum=%d" % key)
    assert sorted(c["ClaimProcNum"] for c in on) == sorted(
        c["ClaimProcNum"] for c in cps)
    assert all((c["DateCP"], c["DateInsFinalized"], c["ClaimNum"]) ==
               (today(api), today(api), key_claim) for c in on)
    # nothing left to pay on this claim
    assert err(api, "POST", "claimpayments",
               {"claimNum": key_claim, "CheckAmt": 0}) == (
        400, "Claim %d has no Received or Supplemental ClaimProcs without a "
             "ClaimPayment." % key_claim)
    # a claim with a check cannot be deleted
    assert err(api, "DELETE", "claims/%d" % key_claim)[0] == 400

    # PUT
    group = post(api, "definitions", {"ItemName": uniq("Lockbox"),
                                      "category": "ClaimPaymentGroups"})
    since = mark(api)
    upd = put(api, "claimpayments/%d" % key,
              {"CheckNum": "4712", "BankBranch": "First Bank",
               "CarrierName": "Renamed", "PayGroup": group["DefNum"],
               "CheckAmt": amt, "CheckDate": "2020-01-01"})
    assert upd["CheckNum"] == "4712" and upd["BankBranch"] == "First Bank"
    assert upd["CarrierName"] == "Renamed"
    assert upd["PayGroup"] == group["DefNum"]
    assert upd["payGroup"] == group["ItemName"]
    assert upd["CheckDate"] == today(api)  # not writable
    assert get(api, "claimpayments/%d" % key) == upd
    assert logs(api, since, PERM_INS_PAY_EDIT, key) in (None, [("Updated", 0)])
    for body, msg in [
            ({"CheckAmt": amt + 50}, "CheckAmt must match the total InsPayAmt "
                                     "of the attached ClaimProcs."),
            ({"PayType": group["DefNum"]}, "PayType is invalid."),
            ({"CheckNum": "x" * 26}, "CheckNum is too long."),
            ({}, "No fields to update were provided.")]:
        assert err(api, "PUT", "claimpayments/%d" % key, body) == (
            400, msg), body

    # DELETE: the claimprocs are detached, still received
    since = mark(api)
    assert api.request("DELETE", "claimpayments/%d" % key)[0] == 200
    assert err(api, "GET", "claimpayments/%d" % key) == (
        404, "ClaimPayment not found.")
    for c in cps:
        back = get(api, "claimprocs/%d" % c["ClaimProcNum"])
        assert (back["ClaimPaymentNum"], back["Status"], back["InsPayAmt"]) \
            == (0, "Received", c["InsPayAmt"])
    assert logs(api, since, PERM_INS_PAY_EDIT, key) in (None, [("Deleted", 0)])
    # paid again, with the given inputs
    again = post(api, "claimpayments", {
        "claimNum": key_claim, "CheckAmt": amt, "CheckDate": "2024-06-01",
        "DateIssued": "2024-05-30", "ClinicNum": 0, "PayType": 0,
        "CarrierName": "Given"})
    assert (again["CheckDate"], again["DateIssued"], again["ClinicNum"],
            again["PayType"], again["CarrierName"]) == (
        "2024-06-01", "2024-05-30", 0, 0, "Given")
    assert {c["DateCP"] for c in get(api, "claimprocs?ClaimPaymentNum=%d"
                                     % again["ClaimPaymentNum"])} == \
        {"2024-06-01"}


def test_claimpayment_on_a_deposit_stays(api):
    sql_only(api, "a claim payment on a deposit (deposits have no API "
                  "and the seed makes none)")
    key = get(api, "claimpayments?Limit=1")[0]["ClaimPaymentNum"]
    db(api, "UPDATE claimpayment SET DepositNum = 5 WHERE ClaimPaymentNum = "
            "%d" % key)
    try:
        assert err(api, "DELETE", "claimpayments/%d" % key) == (
            400, "Cannot delete a ClaimPayment that is attached to a "
                 "deposit.")
        assert get(api, "claimpayments/%d" % key)["DepositNum"] == 5
    finally:
        db(api, "UPDATE claimpayment SET DepositNum = 0 WHERE "
                "ClaimPaymentNum = %d" % key)


def test_claimpayment_batch(api):
    (a, acps), (b, bcps) = unpaid_received(api)[:2]
    a, b = a["ClaimNum"], b["ClaimNum"]
    amt = round(total(acps) + total(bcps), 2)
    body = {"claimNums": [a, b, a], "CheckAmt": amt + 1}
    assert err(api, "POST", "claimpayments/Batch", body) == (
        400, "CheckAmt must match the total InsPayAmt of the ClaimProcs "
             "(%.2f)." % amt)
    since = mark(api)
    body["CheckAmt"] = "%.2f" % amt
    st, obj, r = api.request("POST", "claimpayments/Batch", body)
    assert st == 201, obj
    key = obj["ClaimPaymentNum"]
    assert r.getheader("Location").endswith("/api/v1/claimpayments/%d" % key)
    assert list(obj) == CLAIMPAYMENT and obj["CheckAmt"] == money(amt)
    on = get(api, "claimprocs?ClaimPaymentNum=%d" % key)
    assert sorted((c["ClaimNum"], c["ClaimProcNum"]) for c in on) == sorted(
        [(a, c["ClaimProcNum"]) for c in acps] +
        [(b, c["ClaimProcNum"]) for c in bcps])
    assert logs(api, since, PERM_INS_PAY_CREATE, key) in (
        None, [("Created", 0)])
    # a comma list works too; one claim in a batch that has nothing left
    assert err(api, "POST", "claimpayments/Batch",
               {"claimNums": "%d, %d" % (a, b), "CheckAmt": 0}) == (
        400, "Claim %d has no Received or Supplemental ClaimProcs without a "
             "ClaimPayment." % a)


def test_claimpayment_batch_only_preference(api):
    sql_only(api, "the preference ClaimPaymentBatchOnly, which no API call "
                  "sets")
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
