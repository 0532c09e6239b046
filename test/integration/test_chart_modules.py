"""Issue #16: the chart module's progress notes and patient information
(GET /chartmodules/{PatNum}/ProgNotes and /PatientInfo) on every backend,
each rule against a case computed by hand from ChartModules.cs (24.3).
PlannedAppts is in test_chart_appts.py with the planned appointments."""
import datetime

from conftest import err, get, post, put, uniq

PROGNOTE = ["ObjectType", "PrimaryKey", "Date", "Time", "DateTime", "Th",
            "Surf", "Dx", "Description", "note", "Stat", "Prov", "ProvNum",
            "Amount", "ProcCode", "User", "Signed", "Length", "Abbr", "Clinic",
            "ClinicNum"]
DEFAULT_INFO = ["Age", "ABC0", "Billing Type", "Referred From",
                "Date First Visit", "Prov. (Pri, Sec)", "Pri Ins", "Sec Ins",
                "Payor Types", "Problems", "Med Urgent", "Medical Summary",
                "Service Notes", "Medications", "Allergies",
                "Pat Restrictions"]


def today(api):
    return datetime.date.fromisoformat(
        get(api, "appointments?Limit=1")[0]["serverDateTime"][:10])


def new_patient(api, **extra):
    body = {"LName": uniq("Chart"), "FName": "Cora"}
    body.update(extra)
    return post(api, "patients", body)


def us_date(d):
    return d.strftime("%m/%d/%Y")


def us_general(d, h=0, m=0):
    """DateTime.ToString() in en-US."""
    return "%d/%d/%04d %d:%02d:00 %s" % (d.month, d.day, d.year,
                                         h % 12 or 12, m,
                                         "AM" if h < 12 else "PM")


# ---- ProgNotes ------------------------------------------------------------------

def test_prognotes_rows_and_order_by_hand(api):
    """A day with an appointment at 14:05 (pattern 40 minutes), two
    procedures (a completed D0150, a treatment-planned D2391 on tooth 30)
    and a commlog at 09:30; the day before, a commlog. ChartModules
    .GetProgNotes writes each row; CompareChartRowsProper orders by day,
    then appointments, procedures (C before ... no: TP before C), then
    commlogs by time."""
    pat = new_patient(api)
    day = today(api) - datetime.timedelta(days=3)
    prev = day - datetime.timedelta(days=1)
    appt = post(api, "appointments", {
        "PatNum": pat["PatNum"], "Op": 1, "Pattern": "XXXXXXXX",
        "AptDateTime": "%s 14:05:00" % day, "Note": "arrived early"})
    exam = post(api, "procedurelogs", {
        "PatNum": pat["PatNum"], "procCode": "D0150", "ProcStatus": "C",
        "ProcDate": day.isoformat()})
    fill = post(api, "procedurelogs", {
        "PatNum": pat["PatNum"], "procCode": "D2391", "ProcStatus": "TP",
        "ProcDate": day.isoformat(), "ToothNum": "30", "Surf": "O"})
    c1 = post(api, "commlogs", {"PatNum": pat["PatNum"], "Note": "called",
                                "CommDateTime": "%s 09:30:00" % day})
    c0 = post(api, "commlogs", {"PatNum": pat["PatNum"], "Note": "earlier",
                                "CommDateTime": "%s 16:45:00" % prev})
    rows = get(api, "chartmodules/%d/ProgNotes" % pat["PatNum"])
    assert all(list(r) == PROGNOTE for r in rows)
    order = [(r["ObjectType"], r["PrimaryKey"]) for r in rows]
    assert order == [
        ("Commlog", str(c0["CommlogNum"])),
        ("Appointment", str(appt["AptNum"])),
        ("Procedure", str(fill["ProcNum"])),   # TP before C
        ("Procedure", str(exam["ProcNum"])),
        ("Commlog", str(c1["CommlogNum"]))]
    a = rows[1]
    assert (a["Date"], a["Time"], a["DateTime"], a["Description"], a["note"],
            a["Length"], a["ClinicNum"], a["Stat"], a["Amount"]) == (
        us_date(day), "2:05p", us_general(day, 14, 5),
        "Appointment - 2:05 PM %s" % appt["ProcDescript"] if
        appt["ProcDescript"] else "Appointment - 2:05 PM ", "arrived early",
        "0:40", str(appt["ClinicNum"]), "", "")
    f = rows[2]
    fee = float(fill["ProcFee"])
    assert (f["Date"], f["Time"], f["DateTime"], f["Th"], f["Surf"],
            f["Stat"], f["ProcCode"], f["Amount"], f["ProvNum"],
            f["Prov"]) == (
        us_date(day), "", us_general(day), "30", "O", "TP", "D2391",
        "%.2f" % fee, str(fill["ProvNum"]), fill["provAbbr"])
    assert rows[3]["Stat"] == "C"
    c = rows[4]
    assert (c["Date"], c["Time"], c["note"], c["Description"], c["Length"],
            c["ClinicNum"]) == (us_date(day), "9:30a", "called",
                                "Comm - %s" % c1["commType"], "", "0")


def test_prognotes_family_commlog_and_paging(api):
    guar = new_patient(api)
    kid = new_patient(api, FName="Kit", Guarantor=guar["PatNum"])
    c = post(api, "commlogs", {"PatNum": kid["PatNum"], "Note": "for kid",
                               "CommDateTime": "2024-03-04 10:00:00"})
    rows = get(api, "chartmodules/%d/ProgNotes" % guar["PatNum"])
    mine = [r for r in rows if r["PrimaryKey"] == str(c["CommlogNum"])]
    # a family member's: "(FName) " before it
    assert mine and mine[0]["Description"] == "(Kit) Comm - %s" % \
        c["commType"]
    assert get(api, "chartmodules/%d/ProgNotes?Offset=%d" % (
        guar["PatNum"], len(rows))) == []
    assert err(api, "GET", "chartmodules/99999999/ProgNotes") == (
        404, "Patient not found.")
    assert err(api, "GET", "chartmodules/1/ProgNotes?Offset=-1") == (
        400, "Offset is invalid.")


# ---- PatientInfo -----------------------------------------------------------------

def test_patient_info_default_fields_by_hand(api):
    t = today(api)
    birth = datetime.date(t.year - 9, 1, 1) if t.month > 1 else \
        datetime.date(t.year - 10, 2, 1)
    pat = new_patient(api, Birthdate=birth.isoformat(),
                      DateFirstVisit=t.isoformat(), Premed="true")
    rows = get(api, "chartmodules/%d/PatientInfo" % pat["PatNum"])
    assert all(list(r) == ["Field", "Content"] for r in rows)
    fields = [r["Field"] for r in rows]
    # Premedicate: a row without a Field, after Payor Types
    assert fields == DEFAULT_INFO[:9] + [""] + DEFAULT_INFO[9:]
    info = {r["Field"]: r["Content"] for r in rows}
    # PatientLogic.DateToAgeString: years and months under 18
    months = (t.year - birth.year) * 12 + t.month - birth.month - \
        (t.day < birth.day)
    assert info["Age"] == "%dy %dm" % (months // 12, months % 12)
    assert info["Date First Visit"] == "New Patient"
    assert info[""] == "Premedicate"
    p = get(api, "patients/%d" % pat["PatNum"])
    prov = get(api, "providers/%d" % p["PriProv"])["Abbr"] if p["PriProv"] \
        else "None"
    assert info["Prov. (Pri, Sec)"] == "%s, None" % prov
    assert info["Billing Type"] == p["BillingType"]
    for f in ("Problems", "Medications", "Allergies", "Pat Restrictions"):
        assert info[f] == "None"


def test_patient_info_list_fields(api):
    pat = new_patient(api)
    name = uniq("Latex")
    post(api, "allergies", {"PatNum": pat["PatNum"], "defDescription": name,
                            "Reaction": "hives"})
    post(api, "allergies", {"PatNum": pat["PatNum"],
                            "defDescription": uniq("Old"),
                            "StatusIsActive": "false"})
    disease = post(api, "diseasedefs", {"DiseaseName": uniq("Asthma")})
    post(api, "diseases", {"PatNum": pat["PatNum"],
                           "DiseaseDefNum": disease["DiseaseDefNum"],
                           "PatNote": "mild"})
    put(api, "patients/%d" % pat["PatNum"], {"Premed": "false"})
    rows = get(api, "chartmodules/%d/PatientInfo" % pat["PatNum"])
    pairs = [(r["Field"], r["Content"]) for r in rows]
    # one row per active allergy instead of "None"; the inactive one not
    assert ("Allergy - %s" % name, "hives") in pairs
    assert ("Allergies", "None") not in pairs
    assert not [f for f, _ in pairs if f.startswith("Allergy - Old")]
    assert ("Problem - %s" % disease["DiseaseName"], "mild") in pairs
    assert ("Problems", "None") not in pairs
    assert "" not in [f for f, _ in pairs]  # Premed off: no row
    assert err(api, "GET", "chartmodules/99999999/PatientInfo") == (
        404, "Patient not found.")
    assert err(api, "GET", "chartmodules/x/PatientInfo") == (
        400, "chartmodules GET PatientInfo is not a valid method.")
