"""POST /etrans (lib/actions/etrans.c): an ERA (X12 835) stored as Open
Dental's Etranss.ProcessIncomingReport stores one, on every backend."""
import uuid

from conftest import err, get

ISA = ["00", " " * 10, "00", " " * 10, "ZZ", "SENDER".ljust(15), "ZZ",
       "RECEIVER".ljust(15), "240510", "1200", "^", "00501", "000000001",
       "0", "P", ":"]


def x12(groups, seg="~", sep="*", newlines=False):
    """An interchange: ISA (106 characters, the segment terminator last),
    then the segments of each group given as lists of elements."""
    isa = "ISA" + sep + sep.join(ISA) + seg
    assert len(isa) == 106
    out = [isa]
    for g in groups:
        out.append(sep.join(g) + seg)
    return ("\r\n" if newlines else "").join(out)


def era(payer1, payer2):
    return x12([
        ["GS", "HP", "SENDER", "RECEIVER", "20240510", "1200", "1", "X",
         "005010X221A1"],
        ["ST", "835", "0001"], ["BPR", "I", "120", "C", "ACH"],
        ["N1", "PR", payer1], ["N1", "PE", "OUR OFFICE"],
        ["CLP", "A1", "1", "100", "80"],
        ["NM1", "QC", "1", "SMITH", "JANE", "A", "", "", "MI", "123"],
        ["CLP", "A2", "1", "50", "40"], ["NM1", "QC", "1", "DOE", "JOHN"],
        ["SE", "9", "0001"],
        ["ST", "835", "0002"], ["N1", "PR", payer2],
        ["CLP", "B1", "1", "10", "5"],
        ["NM1", "QC", "1", "SMITH", "JANE", "A"],
        ["CLP", "B2", "1", "10", "5"],
        ["NM1", "QC", "1", "SMITH", "JANE", "A"],
        ["SE", "8", "0002"], ["GE", "2", "1"], ["IEA", "1", "000000001"]],
        newlines=True)


def etranss_named(api, payers):
    rows, off = [], 0
    while True:
        page = get(api, "etranss?Offset=%d" % off)
        rows += [r for r in page if r["CarrierNameRaw"] in payers]
        if len(page) < 1000:
            return rows
        off += len(page)


def test_post_era(api):
    p1, p2 = "PAYER " + uuid.uuid4().hex[:8], "PAYER " + uuid.uuid4().hex[:8]
    text = era(p1, p2)
    st, body, r = api.request("POST", "etrans", {
        "DateTimeTrans": "2024-05-26 08:16:46", "HqClearinghouseNum": 3,
        "MessageText": text})
    assert (st, body, r.getheader("Location")) == (201, None, None)
    rows = etranss_named(api, (p1, p2))
    assert [(e["CarrierNameRaw"], e["PatientNameRaw"]) for e in rows] == [
        (p1, "(2 patients)"), (p2, "JANE A SMITH")]
    for e in rows:
        assert (e["Etype"], e["DateTimeTrans"], e["ClearingHouseNum"],
                e["ClaimNum"], e["PatNum"], e["UserNum"]) == (
            "ERA_835", "2024-05-26 08:16:46", 3, 0, 0, 0)
    # one message text for both transactions, as sent
    assert rows[0]["EtransMessageTextNum"] == rows[1]["EtransMessageTextNum"]
    msg = get(api, "etransmessagetexts/%d" % rows[0]["EtransMessageTextNum"])
    assert msg["MessageText"] == text.replace("\r\n", " ")


def test_post_era_defaults(api):
    p = "PAYER " + uuid.uuid4().hex[:8]
    text = x12([["GS", "HP", "S", "R", "20240510", "1200", "1", "X",
                 "005010X221A1"], ["ST", "835", "1"], ["N1", "PR", p],
                ["SE", "3", "1"], ["GE", "1", "1"]], seg="'", sep="|")
    users = get(api, "userods")
    body = {"MessageText": text}
    if users:
        body["UserNum"] = users[0]["UserNum"]
    st, _, _ = api.request("POST", "etrans", body)
    assert st == 201
    [e] = etranss_named(api, (p,))
    # no DateTimeTrans: the database's now; no claims: "(0 patients)"
    assert e["DateTimeTrans"][:10] == get(
        api, "procedurelogs?Limit=1")[0]["serverDateTime"][:10]
    assert e["PatientNameRaw"] == "(0 patients)"
    assert e["ClearingHouseNum"] == 0
    assert e["UserNum"] == body.get("UserNum", 0)


def test_errors(api):
    good = era("P1", "P2")
    assert err(api, "POST", "etrans", {}) == (400, "MessageText is required.")
    assert err(api, "POST", "etrans", {"MessageText": 5}) == (
        400, "MessageText is invalid.")
    notera = "MessageText is not an ERA (an X12 835)."
    claim837 = x12([["GS", "HC", "S", "R", "20240510", "1200", "1", "X",
                     "005010X224A2"], ["ST", "837", "1"], ["SE", "2", "1"]])
    for text in ["hello", "ISA" + "*" * 120, claim837]:
        assert err(api, "POST", "etrans", {"MessageText": text}) == (
            400, notera)
    assert err(api, "POST", "etrans", {"MessageText": good,
                                       "DateTimeTrans": "2024-05-26"}) == (
        400, "DateTimeTrans format must be yyyy-MM-dd HH:mm:ss.")
    for name in ["UserNum", "HqClearinghouseNum"]:
        assert err(api, "POST", "etrans", {"MessageText": good,
                                           name: "x"}) == (
            400, name + " is invalid.")
    assert err(api, "POST", "etrans", {"MessageText": good,
                                       "UserNum": 999999}) == (
        400, "UserNum is invalid.")
    assert etranss_named(api, ("P1", "P2")) == []
