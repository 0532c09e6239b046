/*
 * seed-office.c - the demo practice's office: the clinic row, employees
 * and their time cards, user groups, workstations, task lists with tasks
 * and notes, quick paste and auto notes, sheet (form) definitions and the
 * forms patients filled in, appointment and patient field definitions
 * with values, appointment types, ASAP texts, popups, patient notes, the
 * appointment history, the security log, and an API subscription of the
 * demo key.
 *
 * These come after the rest of the practice and read some of it back
 * (appointments, schedules): the sandbox is ours, so the reads are plain
 * SELECTs of our own rows in key order, deterministic like the rest. Own
 * PRNG stream (seed_stream). Open Dental's meaning of every column:
 * DocumentationBuilder/OpenDentalDocumentation.xml (branch 24_3).
 */
#include "core/odapi-internal.h"
#include "db/catalog-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/seed-gen-internal.h"

/* ---- reading our own rows back -------------------------------------------- */

/* Each row of a fixed query (no input in it) to fn; the rows are stored
 * first, so fn may write. */
static void each_row(struct gen *g, const char *sql,
                     void (*fn)(struct gen *, MYSQL_ROW, void *), void *arg)
{
    MYSQL_RES *res;
    MYSQL_ROW row;
    if (g->s.rc)
        return;
    if (mysql_query(g->s.m, sql) != 0) {
        fail(&g->s, ODAPI_E_DB, "seeding: %s: %s", sql, mysql_error(g->s.m));
        return;
    }
    if (!(res = mysql_store_result(g->s.m)))
        return;
    while ((row = mysql_fetch_row(res)) && !g->s.rc)
        fn(g, row, arg);
    mysql_free_result(res);
}

/* A "YYYY-MM-DD..." column as a day number (NO_DATE if not one). */
static long day_of(const char *s)
{
    long d;
    char buf[11];
    if (!s || strlen(s) < 10)
        return NO_DATE;
    memcpy(buf, s, 10);
    buf[10] = '\0';
    return parse_date(buf, &d) == 0 ? d : NO_DATE;
}

/* ---- staff ------------------------------------------------------------------ */

/* Clinics are off (EasyNoClinics); the office is kept as the clinic it
 * becomes when they are turned on. Every row keeps ClinicNum 0. */
static const struct seed_col clinic_row[] = {
    CI("ClinicNum", 1), CS("Description", "Willamette Family Dental"),
    CS("Address", "1450 Commercial St SE"), CS("Address2", "Suite 200"),
    CS("City", "Salem"), CS("State", "OR"), CS("Zip", "97302"),
    CS("Phone", "5035550142"), CE("BankNumber"), C0("DefaultPlaceService"),
    C0("InsBillingProv"), CS("Fax", "5035550143"), C0("EmailAddressNum"),
    CI("DefaultProv", 1), CD("SmsMonthlyLimit", 0), C0("IsMedicalOnly"),
    CS("BillingAddress", "PO Box 4410"), CE("BillingAddress2"),
    CS("BillingCity", "Salem"), CS("BillingState", "OR"),
    CS("BillingZip", "97302"), CE("PayToAddress"), CE("PayToAddress2"),
    CE("PayToCity"), CE("PayToState"), CE("PayToZip"),
    C0("UseBillAddrOnClaims"), C0("Region"), C0("ItemOrder"),
    C0("IsInsVerifyExcluded"), CS("Abbr", "WFD"), CE("MedLabAccountNum"),
    CI("IsConfirmEnabled", 1), CI("IsConfirmDefault", 1),
    C0("IsNewPatApptExcluded"), C0("IsHidden"), C0("ExternalID"),
    CE("SchedNote"), C0("HasProcOnRx"),
    CS("TimeZone", "Pacific Standard Time"), CE("EmailAliasOverride"),
};

static void seed_clinic(struct gen *g)
{
    seed_one_row(&g->s, "clinic", clinic_row, OD_ARRAY_LEN(clinic_row));
}

/* The staff who are not providers. UserNum of their login (seed.c's
 * userod rows: 2 FrontDesk, 3 Billing), or 0. */
static const struct {
    const char *lname, *fname, *mi, *payroll;
    int user, reports;
} employees[] = {
    { "Whitaker", "Joanne", "L", "1001", 0, 0 },   /* office manager */
    { "Alvarez", "Marisol", "T", "1002", 2, 1 },   /* front desk */
    { "Brennan", "Kyle", "J", "1003", 0, 1 },      /* front desk */
    { "Nguyen", "Trang", "", "1004", 3, 1 },       /* billing */
    { "Sorensen", "Alicia", "M", "1005", 0, 1 },   /* assistant */
    { "Okonkwo", "Grace", "A", "1006", 0, 1 },     /* assistant */
};

static const struct seed_col clockevent_cols[] = {
    COL("ClockEventNum"), COL("EmployeeNum"), COL("TimeEntered1"),
    COL("TimeDisplayed1"), COL("ClockStatus"), COL("Note"),
    COL("TimeEntered2"), COL("TimeDisplayed2"), CS("OTimeHours", "-01:00:00"),
    CS("OTimeAuto", "00:00:00"), CS("Adjust", "00:00:00"),
    CS("AdjustAuto", "00:00:00"), C0("AdjustIsOverridden"),
    CS("Rate2Hours", "-01:00:00"), CS("Rate2Auto", "00:00:00"),
    C0("ClinicNum"), CS("Rate3Hours", "-01:00:00"),
    CS("Rate3Auto", "00:00:00"), C0("IsWorkingHome"),
};

static const struct seed_col employee_cols[] = {
    COL("EmployeeNum"), COL("LName"), COL("FName"), COL("MiddleI"),
    C0("IsHidden"), CS("ClockStatus", "Home"), COL("PhoneExt"),
    COL("PayrollID"), COL("WirelessPhone"), COL("EmailWork"),
    CE("EmailPersonal"), C0("IsFurloughed"), C0("IsWorkingHome"),
    COL("ReportsTo"),
};

static void seed_employees(struct gen *g)
{
    struct ins b, c;
    size_t i;
    long day, n = 0;
    if (INS_TABLE(&b, &g->s, "employee", employee_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(employees); i++) {
        char wirelessphone[512];
        snprintf(wirelessphone, sizeof wirelessphone, "(971)555-%04zu",
                 3100 + i * 7);
        char emailwork[512];
        snprintf(emailwork, sizeof emailwork,
                 "%c%s@willamettefamilydental.example.com",
                 employees[i].fname[0] + 32, employees[i].lname);
        ROW(&b, employee_cols, VI((long long)i + 1), VS(employees[i].lname),
            VS(employees[i].fname), VS(employees[i].mi),
            VI(201 + (long long)i), VS(employees[i].payroll),
            VS(wirelessphone), VS(emailwork), VI(employees[i].reports));
    }
    ins_done(&b);
    /* two weeks of time cards: in before eight, lunch, out after five */
    if (INS_TABLE(&c, &g->s, "clockevent", clockevent_cols))
        return;
    for (day = g->today - 14; day < g->today; day++) {
        if (weekday(day) == 0 || weekday(day) == 6)
            continue;
        for (i = 0; i < OD_ARRAY_LEN(employees); i++) {
            long in = 465 + (long)((i * 7 + (size_t)day) % 12);
            long out = 1020 + (long)((i * 11 + (size_t)day) % 15);
            int half;
            for (half = 0; half < 2; half++) {
                long a = half ? 780 : in, z = half ? out : 720;
                ++n;
                ROW(&c, clockevent_cols, VI(n), VI((long long)i + 1),
                    VDT(day, a), VDT(day, a),
                    VI(half ? 0 : 1), /* Home, Lunch */
                    VS(half && day == g->today - 1 && i == 2
                           ? "Stayed late for the insurance audit."
                           : ""),
                    VDT(day, z), VDT(day, z));
            }
        }
    }
    ins_done(&c);
}

static const struct seed_col usergroupattach_cols[] = {
    COL("UserGroupAttachNum"), COL("UserNum"), COL("UserGroupNum"),
};

static const struct seed_col usergroup_cols[] = {
    COL("UserGroupNum"), COL("Description"), C0("UserGroupNumCEMT"),
};

/* User groups and who is in them (userod.UserGroupNum is each user's
 * first group, as Open Dental keeps it). */
static void seed_usergroups(struct gen *g)
{
    static const char *const groups[] = { "Admin", "Front Desk", "Billing",
                                          "Clinical" };
    static const int attach[][2] = { { 1, 1 }, { 2, 2 }, { 3, 3 }, { 3, 2 } };
    struct ins b;
    size_t i;
    if (INS_TABLE(&b, &g->s, "usergroup", usergroup_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(groups); i++) {
        ROW(&b, usergroup_cols, VI((long long)i + 1), VS(groups[i]));
    }
    ins_done(&b);
    if (INS_TABLE(&b, &g->s, "usergroupattach", usergroupattach_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(attach); i++) {
        ROW(&b, usergroupattach_cols, VI((long long)i + 1), VI(attach[i][0]),
            VI(attach[i][1]));
    }
    ins_done(&b);
}

/* The workstations running Open Dental, by their last heartbeat. */
static void seed_computers(struct gen *g)
{
    struct ins b;
    long i, n = 0;
    char name[32];
    if (ins_init(&b, &g->s, "computer", "ComputerNum,CompName,LastHeartBeat"))
        return;
    for (i = 0; i < 3 + g->nops; i++) {
        if (i == 0)
            snprintf(name, sizeof name, "SERVER");
        else if (i < 3)
            snprintf(name, sizeof name, "FRONTDESK%ld", i);
        else
            snprintf(name, sizeof name, "%s%ld",
                     g->ops[i - 3].hyg ? "HYG" : "OP", i - 2);
        vi(&b, ++n);
        vs(&b, name);
        /* the server's heartbeat is the last write before the anchor; one
         * retired workstation stopped long ago */
        vdt(&b, i == 2 ? g->today - 190 : g->today - 1,
            i == 0 ? 1439 : 1020 + i * 3);
        ins_end(&b);
    }
    ins_done(&b);
}

/* ---- tasks -------------------------------------------------------------------- */

static const struct seed_col tasklist_cols[] = {
    COL("TaskListNum"), COL("Descript"), COL("Parent"), COL("DateTL"),
    C0("IsRepeating"), C0("DateType"), C0("FromNum"), C0("ObjectType"),
    COL("DateTimeEntry"), C0("GlobalTaskFilterType"), COL("TaskListStatus"),
};

static const struct seed_col task_cols[] = {
    COL("TaskNum"), COL("TaskListNum"), { "DateTask", VDATE(NO_DATE) },
    COL("KeyNum"), COL("Descript"), COL("TaskStatus"), COL("IsRepeating"),
    COL("DateType"), C0("FromNum"), COL("ObjectType"), COL("DateTimeEntry"),
    COL("UserNum"), COL("DateTimeFinished"), COL("PriorityDefNum"),
    CE("ReminderGroupId"), C0("ReminderType"), C0("ReminderFrequency"),
    COL("DateTimeOriginal"), COL("SecDateTEdit"), CE("DescriptOverride"),
    C0("IsReadOnly"), C0("TriageCategory"),
};

static const struct seed_col tasknote_cols[] = {
    COL("TaskNoteNum"), COL("TaskNum"), COL("UserNum"), COL("DateTimeNote"),
    COL("Note"),
};

static void seed_tasks(struct gen *g, struct rng *r)
{
    static const char *const lists[][2] = {
        /* Descript, parent (1-based, 0 top) */
        { "Office", "0" }, { "Front Desk", "1" }, { "Insurance", "1" },
        { "Billing", "1" }, { "Clinical", "1" }, { "Lab cases", "5" },
        { "2023 projects", "0" },
    };
    static const char *const pat_tasks[] = {
        "Call to schedule crown seat.",
        "Verify new insurance card; update the plan.",
        "Patient asked for a copy of their x-rays to send to a specialist.",
        "Follow up on unpaid claim.",
        "Call with post-op check: extraction yesterday.",
        "Balance due after insurance: send a statement.",
        "Request medical clearance from the cardiologist before surgery.",
    };
    static const char *const office_tasks[] = {
        "Order nitrile gloves (medium) and prophy paste.",
        "Check the e-claims report and resend rejected claims.",
        "Run the unscheduled treatment report for the huddle.",
        "Renew the X-ray equipment registration.",
    };
    struct ins l, t, n;
    size_t i;
    long k, tasks, tn = 0, notes = 0;
    if (INS_TABLE(&l, &g->s, "tasklist", tasklist_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(lists); i++) {
        ROW(&l, tasklist_cols, VI((long long)i + 1), VS(lists[i][0]),
            VI(atoi(lists[i][1])), VDATE(NO_DATE),
            VDT(g->today - 600 + (long)i, 480),
            VI(i == 6)); /* an archived list */
    }
    ins_done(&l);
    if (INS_TABLE(&t, &g->s, "task", task_cols) ||
        INS_TABLE(&n, &g->s, "tasknote", tasknote_cols))
        return;
    tasks = 12 + g->npat / 20;
    for (k = 0; k < tasks && !g->s.rc; k++) {
        int office = k < (long)OD_ARRAY_LEN(office_tasks), status;
        long made = g->today - 1 - rnd(r, 30), pat = 0, list, entered, user,
             finished;
        const char *what;
        if (office) {
            what = office_tasks[k];
            list = k == 1 ? 3 : k == 3 ? 1 : 2;
        } else {
            size_t w = (size_t)rnd(r, (long)OD_ARRAY_LEN(pat_tasks));
            what = pat_tasks[w];
            pat = g->active[rnd(r, g->nactive)];
            list = w == 1 || w == 3 ? 3 : w == 5 ? 4 : w == 4 || w == 6 ? 5 :
                   w == 0 ? 6 : 2;
        }
        status = made < g->today - 10 ? 2 : (int)rnd(r, 2); /* Done; New, Viewed */
        entered = 480 + rnd(r, 540);
        user = 1 + rnd(r, 3);
        finished = status == 2 ? made + 1 + rnd(r, 5) : NO_DATE;
        /* checking the e-claims report repeats daily */
        ROW(&t, task_cols, VI(++tn), VI(list), VI(pat), VS(what), VI(status),
            VI(k == 1), VI(k == 1), VI(pat ? 1 : 0), VDT(made, entered),
            VI(user), VDT(finished, 600),
            VI(def_of(g, CAT_TASKPRI, k % 5 == 0 ? 1 : 0)), VDT(made, 480),
            VDT(status == 2 ? made + 1 : made, 600));
        if (status != 0 && chance(r, 0.6)) {
            long by = 2 + rnd(r, 2);
            ROW(&n, tasknote_cols, VI(++notes), VI(tn), VI(by),
                VDT(made, 720 + rnd(r, 240)),
                VS(status == 2 ? "Done." : "Left a message; will try again "
                                           "tomorrow."));
        }
    }
    ins_done(&t);
    ins_done(&n);
}

/* ---- note templates -------------------------------------------------------------- */

static const struct seed_col quickpastenote_cols[] = {
    COL("QuickPasteNoteNum"), COL("QuickPasteCatNum"), COL("ItemOrder"),
    COL("Note"), COL("Abbreviation"),
};

static const struct seed_col quickpastecat_cols[] = {
    COL("QuickPasteCatNum"), COL("Description"), COL("ItemOrder"),
    COL("DefaultForTypes"),
};

static void seed_quick_notes(struct gen *g)
{
    static const struct {
        int cat;
        const char *abbr, *note;
    } notes[] = {
        { 1, "lm", "Left message to call the office." },
        { 1, "conf", "Confirmed appointment with patient." },
        { 1, "ins", "Verified insurance eligibility and benefits." },
        { 2, "wnl", "Within normal limits." },
        { 2, "ohi", "Oral hygiene instructions given: brushing and flossing "
                    "reviewed." },
        { 2, "poi", "Post-op instructions given verbally and in writing." },
        { 3, "pp", "Patient portion due at time of service." },
    };
    struct ins b;
    size_t i;
    int order[4] = { 0 };
    if (INS_TABLE(&b, &g->s, "quickpastecat", quickpastecat_cols))
        return;
    /* DefaultForTypes: QuickPasteType values the category opens for */
    ROW(&b, quickpastecat_cols, VI(1), VS("Front Desk"), VI(0), VS("2,9"));
    ROW(&b, quickpastecat_cols, VI(2), VS("Clinical"), VI(1), VS("1,3"));
    ROW(&b, quickpastecat_cols, VI(3), VS("Billing"), VI(2), VS("6"));
    ins_done(&b);
    if (INS_TABLE(&b, &g->s, "quickpastenote", quickpastenote_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(notes); i++) {
        ROW(&b, quickpastenote_cols, VI((long long)i + 1), VI(notes[i].cat),
            VI(order[notes[i].cat]++), VS(notes[i].note), VS(notes[i].abbr));
    }
    ins_done(&b);
}

static const struct seed_col autonote_cols[] = {
    COL("AutoNoteNum"), COL("AutoNoteName"), COL("MainText"), COL("Category"),
};

static const struct seed_col autonotecontrol_cols[] = {
    COL("AutoNoteControlNum"), COL("Descript"), COL("ControlType"),
    COL("ControlLabel"), COL("ControlOptions"),
};

static void seed_auto_notes(struct gen *g)
{
    struct ins b;
    if (INS_TABLE(&b, &g->s, "autonotecontrol", autonotecontrol_cols))
        return;
    ROW(&b, autonotecontrol_cols, VI(1), VS("Anesthetic"), VS("OneResponse"),
        VS("Anesthetic used"),
        VS("2% lidocaine 1:100k epi\r\n4% articaine 1:100k epi\r\n"
           "3% mepivacaine plain\r\nNone"));
    ROW(&b, autonotecontrol_cols, VI(2), VS("Carpules"), VS("OneResponse"),
        VS("Carpules"), VS("1\r\n2\r\n3\r\n4"));
    ROW(&b, autonotecontrol_cols, VI(3), VS("Findings"), VS("MultiResponse"),
        VS("Findings"),
        VS("Caries\r\nFractured cusp\r\nDefective restoration\r\n"
           "Recurrent decay"));
    ROW(&b, autonotecontrol_cols, VI(4), VS("Patient comments"), VS("Text"),
        VS("What the patient reported"), VS(""));
    ins_done(&b);
    if (INS_TABLE(&b, &g->s, "autonote", autonote_cols))
        return;
    ROW(&b, autonote_cols, VI(1), VS("Restorative visit"),
        VS("Anesthetic: [Prompt:\"Carpules\"] carpule(s) "
           "[Prompt:\"Anesthetic\"]. Findings: [Prompt:\"Findings\"]. "
           "Restoration placed, occlusion checked. Patient said: "
           "[Prompt:\"Patient comments\"]"),
        VI(def_of(g, CAT_AUTONOTE, 2)));
    ROW(&b, autonote_cols, VI(2), VS("Periodic exam"),
        VS("Medical history reviewed. Findings: [Prompt:\"Findings\"]. "
           "Oral cancer screening negative."),
        VI(def_of(g, CAT_AUTONOTE, 0)));
    ROW(&b, autonote_cols, VI(3), VS("Prophy"),
        VS("Prophy completed, OHI given. Patient said: "
           "[Prompt:\"Patient comments\"]"),
        VI(def_of(g, CAT_AUTONOTE, 1)));
    ins_done(&b);
}

/* ---- sheets ----------------------------------------------------------------------- */

/* A field of a form: FieldType, FieldName, FieldValue of the definition
 * (a label's text), reportable name. */
struct sfield {
    int type;
    const char *name, *value, *report;
    int x, y, w, h;
    const char *lang; /* a translation's language; NULL: the default */
};

static const struct sfield medhist_fields[] = {
    { 2, "", "Medical History", "", 300, 40, 250, 24, NULL },
    /* the title in Spanish (LanguagesUsedByPatients: spa) */
    { 2, "", "Historia medica", "", 300, 40, 250, 24, "spa" },
    { 0, "nameFL", "", "", 50, 80, 300, 18 },
    { 1, "Birthdate", "", "", 400, 80, 120, 18 },
    { 8, "allergy:Penicillin", "", "AllergyPenicillin", 50, 130, 14, 14 },
    { 8, "allergy:Latex", "", "AllergyLatex", 50, 150, 14, 14 },
    { 8, "problem:High blood pressure", "", "ProblemHBP", 50, 180, 14, 14 },
    { 8, "problem:Diabetes, type 2", "", "ProblemDiabetes", 50, 200, 14, 14 },
    { 1, "inputMedList", "", "", 50, 240, 500, 60 },
    { 1, "misc", "", "Physician", 50, 320, 300, 18 },
    { 9, "", "", "", 50, 900, 360, 80 },
};

static const struct sfield regist_fields[] = {
    { 2, "", "New Patient Registration", "", 250, 40, 300, 24 },
    { 1, "LName", "", "", 50, 80, 200, 18 },
    { 1, "FName", "", "", 300, 80, 200, 18 },
    { 1, "Birthdate", "", "", 50, 110, 120, 18 },
    { 1, "WirelessPhone", "", "", 300, 110, 150, 18 },
    { 1, "Email", "", "", 50, 140, 300, 18 },
    { 1, "ICEName", "", "", 50, 170, 200, 18 },
    { 1, "ICEPhone", "", "", 300, 170, 150, 18 },
    { 9, "", "", "", 50, 900, 360, 80 },
};

static const struct sfield consent_fields[] = {
    { 2, "", "Consent for Extraction", "", 250, 40, 300, 24 },
    { 0, "nameFL", "", "", 50, 80, 300, 18 },
    { 2, "", "I understand the risks of extraction, including pain, "
            "swelling, infection, dry socket and numbness, and consent to "
            "treatment.", "", 50, 120, 500, 80 },
    { 9, "", "", "", 50, 900, 360, 80 },
};

static const struct sfield label_fields[] = {
    { 0, "nameFL", "", "", 10, 10, 250, 18, NULL },
    { 0, "address", "", "", 10, 30, 250, 36, NULL },
};

/* The forms patients fill in, then a label the office prints. */
enum { NFORMS = 3 };

static const struct sheetdef {
    const char *name;
    int type, nfields;
    const struct sfield *fields;
} sheetdefs[] = {
    { "Medical History", 11, (int)OD_ARRAY_LEN(medhist_fields), medhist_fields },
    { "New Patient Registration", 9, (int)OD_ARRAY_LEN(regist_fields),
      regist_fields },
    { "Consent for Extraction", 6, (int)OD_ARRAY_LEN(consent_fields),
      consent_fields },
    { "Patient Label", 0, (int)OD_ARRAY_LEN(label_fields), label_fields },
};

static const struct seed_col sheetfielddef_cols[] = {
    COL("SheetFieldDefNum"), COL("SheetDefNum"), COL("FieldType"),
    COL("FieldName"), COL("FieldValue"), COL("FontSize"),
    CS("FontName", "Microsoft Sans Serif"), COL("FontIsBold"), COL("XPos"),
    COL("YPos"), COL("Width"), COL("Height"), C0("GrowthBehavior"),
    CE("RadioButtonValue"), CE("RadioButtonGroup"), COL("IsRequired"),
    COL("TabOrder"), COL("ReportableName"), C0("TextAlign"),
    C0("IsPaymentOption"), COL("ItemColor"), C0("IsLocked"),
    C0("TabOrderMobile"), CE("UiLabelMobile"), CE("UiLabelMobileRadioButton"),
    C0("LayoutMode"), COL("Language"), COL("CanElectronicallySign"),
    C0("IsSigProvRestricted"),
};

static const struct seed_col sheetdef_cols[] = {
    COL("SheetDefNum"), COL("Description"), COL("SheetType"),
    CD("FontSize", 11), CS("FontName", "Microsoft Sans Serif"),
    CI("Width", 850), CI("Height", 1100), C0("IsLandscape"),
    CI("PageCount", 1), C0("IsMultiPage"), C0("BypassGlobalLock"),
    C0("HasMobileLayout"), COL("DateTCreated"), CI("RevID", 1),
    CI("AutoCheckSaveImage", 1), COL("AutoCheckSaveImageDocCategory"),
};

static void seed_sheetdefs(struct gen *g, long stamp)
{
    struct ins d, f;
    size_t i;
    int k;
    long n = 0;
    if (INS_TABLE(&d, &g->s, "sheetdef", sheetdef_cols) ||
        INS_TABLE(&f, &g->s, "sheetfielddef", sheetfielddef_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(sheetdefs); i++) {
        const struct sheetdef *s = &sheetdefs[i];
        ROW(&d, sheetdef_cols, VI((long long)i + 1), VS(s->name), VI(s->type),
            VDT(stamp + (long)i, 600), VI(def_of(g, CAT_IMAGE, 4)));
        for (k = 0; k < s->nfields; k++) {
            const struct sfield *x = &s->fields[k];
            ++n;
            ROW(&f, sheetfielddef_cols, VI(n), VI((long long)i + 1),
                VI(x->type), VS(x->name), VS(x->value),
                VD(x->type == 2 && k == 0 ? 14 : 11), VI(k == 0), VI(x->x),
                VI(x->y), VI(x->w), VI(x->h),
                VI(x->type == 1 && k < 4), /* the first answers are required */
                VI(x->type == 1 || x->type == 8 ? k : 0), VS(x->report),
                VI(color_int(0x000000)), VS(x->lang ? x->lang : ""),
                VI(x->type == 9));
        }
    }
    ins_done(&d);
    ins_done(&f);
}

/* The value a patient put in a field of a form. */
static void field_value(struct gen *g, const struct pat *p, const struct sfield *x,
                        struct rng *r, char *out, size_t cap)
{
    int y, m, d;
    out[0] = '\0';
    if (!strcmp(x->name, "nameFL"))
        snprintf(out, cap, "%s %s", fname_of(p), last_names[p->ln]);
    else if (!strcmp(x->name, "LName"))
        snprintf(out, cap, "%s", last_names[p->ln]);
    else if (!strcmp(x->name, "FName"))
        snprintf(out, cap, "%s", fname_of(p));
    else if (!strcmp(x->name, "Birthdate")) {
        civil_from_days(p->bdate, &y, &m, &d);
        snprintf(out, cap, "%02d/%02d/%04d", m, d, y);
    } else if (!strcmp(x->name, "WirelessPhone") && p->cell)
        snprintf(out, cap, "(971)%03d-%04d", p->cell / 10000, p->cell % 10000);
    else if (!strcmp(x->name, "ICEName"))
        snprintf(out, cap, "%s %s", female_names[(p->num * 7) % (long)nfemale_names],
                 last_names[p->ln]);
    else if (!strcmp(x->name, "ICEPhone"))
        snprintf(out, cap, "(503)555-%04ld", 2000 + p->num % 8000);
    else if (!strcmp(x->name, "inputMedList"))
        snprintf(out, cap, "%s", chance(r, 0.3) ? "Lisinopril 10 mg daily" : "None");
    else if (!strcmp(x->name, "misc"))
        snprintf(out, cap, "Dr. %s", last_names[(p->ln + 3) % (long)nlast_names]);
    else if (x->type == 8)
        snprintf(out, cap, "%s", chance(r, 0.1) ? "X" : "");
    else if (x->type == 2)
        snprintf(out, cap, "%s", x->value);
    (void)g;
}

static const struct seed_col sheetfield_cols[] = {
    COL("SheetFieldNum"), COL("SheetNum"), COL("FieldType"), COL("FieldName"),
    COL("FieldValue"), CD("FontSize", 11),
    CS("FontName", "Microsoft Sans Serif"), COL("FontIsBold"), COL("XPos"),
    COL("YPos"), COL("Width"), COL("Height"), C0("GrowthBehavior"),
    CE("RadioButtonValue"), CE("RadioButtonGroup"), COL("IsRequired"),
    COL("TabOrder"), COL("ReportableName"), C0("TextAlign"), COL("ItemColor"),
    COL("DateTimeSig"), COL("IsLocked"), C0("TabOrderMobile"),
    CE("UiLabelMobile"), CE("UiLabelMobileRadioButton"),
    COL("SheetFieldDefNum"), COL("CanElectronicallySign"),
    C0("IsSigProvRestricted"),
};

static const struct seed_col sheet_cols[] = {
    COL("SheetNum"), COL("SheetType"), COL("PatNum"), COL("DateTimeSheet"),
    CD("FontSize", 11), CS("FontName", "Microsoft Sans Serif"),
    CI("Width", 850), CI("Height", 1100), C0("IsLandscape"),
    CE("InternalNote"), COL("Description"), C0("ShowInTerminal"),
    COL("IsWebForm"), C0("IsMultiPage"), C0("IsDeleted"), COL("SheetDefNum"),
    C0("DocNum"), C0("ClinicNum"), COL("DateTSheetEdited"),
    C0("HasMobileLayout"), CI("RevID", 1), COL("WebFormSheetID"),
};

/* The forms each patient filled in at the first visit, and a consent for
 * some. */
static void seed_sheets(struct gen *g, struct rng *r)
{
    struct ins s, f;
    long i, n = 0, nf = 0;
    size_t k;
    int j;
    if (INS_TABLE(&s, &g->s, "sheet", sheet_cols) ||
        INS_TABLE(&f, &g->s, "sheetfield", sheetfield_cols))
        return;
    for (i = 0; i < g->npat && !g->s.rc; i++) {
        const struct pat *p = &g->pats[i];
        long fdef = 0;
        /* the patients who came in since the office went paperless */
        if (p->first_visit == NO_DATE || !chance(r, 0.35))
            continue;
        for (k = 0; k < NFORMS; k++) {
            const struct sheetdef *sd = &sheetdefs[k];
            long when = p->first_visit;
            int web = k == 1 && chance(r, 0.5);
            if (k == 2 && !chance(r, 0.2))
                break; /* a consent only for some */
            ++n;
            ROW(&s, sheet_cols, VI(n), VI(sd->type), VI(p->num),
                VDT(web ? when - 2 : when, web ? 1230 : 470), VS(sd->name),
                VI(web), VI((long long)k + 1),
                VDT(web ? when - 2 : when, web ? 1245 : 480),
                VI(web ? 100000 + n : 0));
            for (j = 0; j < sd->nfields; j++) {
                const struct sfield *x = &sd->fields[j];
                char val[160];
                if (x->lang)
                    continue; /* filled in the default language */
                field_value(g, p, x, r, val, sizeof val);
                ++nf;
                ROW(&f, sheetfield_cols, VI(nf), VI(n), VI(x->type),
                    VS(x->name), VS(x->type == 9 ? "" : val), VI(j == 0),
                    VI(x->x), VI(x->y), VI(x->w), VI(x->h),
                    VI(x->type == 1 && j < 4),
                    VI(x->type == 1 || x->type == 8 ? j : 0), VS(x->report),
                    VI(color_int(0x000000)),
                    VDT(x->type == 9 ? p->first_visit : NO_DATE, 480),
                    VI(x->type == 9), VI(fdef + j + 1), VI(x->type == 9));
            }
            fdef += sd->nfields;
        }
    }
    ins_done(&s);
    ins_done(&f);
}

/* ---- fields, types, popups, notes ------------------------------------------------ */

static const struct seed_col patfielddef_cols[] = {
    COL("PatFieldDefNum"), COL("FieldName"), COL("FieldType"), COL("PickList"),
    COL("ItemOrder"), COL("IsHidden"),
};

static const struct seed_col apptfielddef_cols[] = {
    COL("ApptFieldDefNum"), COL("FieldName"), COL("FieldType"),
    COL("PickList"), COL("ItemOrder"),
};

static void seed_field_defs(struct gen *g)
{
    struct ins b;
    if (INS_TABLE(&b, &g->s, "apptfielddef", apptfielddef_cols))
        return;
    ROW(&b, apptfielddef_cols, VI(1), VS("Interpreter"), VI(0), VS(""), VI(0));
    ROW(&b, apptfielddef_cols, VI(2), VS("Transportation"), VI(1),
        VS("Drives self\r\nFamily drives\r\nRide service\r\nBus"), VI(1));
    ROW(&b, apptfielddef_cols, VI(3), VS("Insurance verified"), VI(1),
        VS("Yes\r\nNo"), VI(2));
    ins_done(&b);
    if (INS_TABLE(&b, &g->s, "patfielddef", patfielddef_cols))
        return;
    ROW(&b, patfielddef_cols, VI(1), VS("Preferred pharmacy"), VI(0), VS(""),
        VI(0), VI(0));
    ROW(&b, patfielddef_cols, VI(2), VS("Referral thank-you sent"), VI(3),
        VS(""), VI(1), VI(0));
    ROW(&b, patfielddef_cols, VI(3), VS("Ortho interest"), VI(1),
        VS("None\r\nAsked about aligners\r\nConsult scheduled"), VI(2), VI(0));
    ROW(&b, patfielddef_cols, VI(4), VS("Savings plan renewal"), VI(2), VS(""),
        VI(3), VI(0));
    ROW(&b, patfielddef_cols, VI(5), VS("Old chart number"), VI(0), VS(""),
        VI(4), VI(1));
    ins_done(&b);
}

static const struct seed_col patfield_cols[] = {
    COL("PatFieldNum"), COL("PatNum"), COL("FieldName"), COL("FieldValue"),
    COL("SecUserNumEntry"), COL("SecDateEntry"), COL("SecDateTEdit"),
};

static void seed_patfields(struct gen *g, struct rng *r)
{
    static const char *const pharm[] = {
        "Lancaster Drug", "Salem Health Pharmacy", "Keizer Station Pharmacy" };
    struct ins b;
    long i, n = 0;
    if (INS_TABLE(&b, &g->s, "patfield", patfield_cols))
        return;
    for (i = 0; i < g->npat && !g->s.rc; i++) {
        const struct pat *p = &g->pats[i];
        long day = p->first_visit != NO_DATE ? p->first_visit : g->today - 90;
        if (p->status != 0)
            continue;
        if (chance(r, 0.3)) {
            ++n;
            ROW(&b, patfield_cols, VI(n), VI(p->num), VS("Preferred pharmacy"),
                VS(pharm[rnd(r, 3)]), VI(2), VDATE(day), VDT(day, 615));
        }
        if (age_at(p->bdate, g->today) < 40 && chance(r, 0.08)) {
            ++n;
            ROW(&b, patfield_cols, VI(n), VI(p->num), VS("Ortho interest"),
                VS("Asked about aligners"), VI(2), VDATE(day), VDT(day, 616));
        }
        if (chance(r, 0.2)) {
            ++n;
            char fieldvalue[512];
            snprintf(fieldvalue, sizeof fieldvalue, "W-%05ld",
                     10000 + p->num * 3);
            ROW(&b, patfield_cols, VI(n), VI(p->num), VS("Old chart number"),
                VS(fieldvalue), VI(1), VDATE(g->today - 700),
                VDT(g->today - 700, 500));
        }
    }
    ins_done(&b);
}

struct apt_row {
    long apt, pat, day, min;
};

static void collect_apt(struct gen *g, MYSQL_ROW row, void *arg)
{
    struct apt_row *a = arg;
    long day = day_of(row[2]);
    int h = 0, m = 0;
    (void)g;
    if (day == NO_DATE || a[0].apt >= 64)
        return;
    sscanf(row[2] + 11, "%d:%d", &h, &m);
    a[a[0].apt + 1].apt = atol(row[0]);
    a[a[0].apt + 1].pat = atol(row[1]);
    a[a[0].apt + 1].day = day;
    a[a[0].apt + 1].min = h * 60 + m;
    a[0].apt++;
}

static const struct seed_col apptfield_cols[] = {
    COL("ApptFieldNum"), COL("AptNum"), COL("FieldName"), COL("FieldValue"),
};

/* Field values on some upcoming appointments. */
static void seed_apptfields(struct gen *g, struct rng *r)
{
    struct apt_row a[65];
    struct ins b;
    long i, n = 0;
    memset(a, 0, sizeof a);
    each_row(g, "SELECT AptNum, PatNum, AptDateTime FROM appointment WHERE "
                "AptStatus = 1 ORDER BY AptNum LIMIT 64", collect_apt, a);
    if (INS_TABLE(&b, &g->s, "apptfield", apptfield_cols))
        return;
    for (i = 1; i <= a[0].apt; i++) {
        const char *verified = chance(r, 0.8) ? "Yes" : "No", *name, *value;
        ROW(&b, apptfield_cols, VI(++n), VI(a[i].apt),
            VS("Insurance verified"), VS(verified));
        if (chance(r, 0.15)) {
            name = chance(r, 0.5) ? "Interpreter" : "Transportation";
            value = chance(r, 0.5) ? "Spanish" : "Ride service";
            ROW(&b, apptfield_cols, VI(++n), VI(a[i].apt), VS(name),
                VS(value));
        }
    }
    ins_done(&b);
}

static const struct seed_col appointmenttype_cols[] = {
    COL("AppointmentTypeNum"), COL("AppointmentTypeName"),
    COL("AppointmentTypeColor"), COL("ItemOrder"), COL("IsHidden"),
    COL("Pattern"), COL("CodeStr"), COL("CodeStrRequired"),
    COL("RequiredProcCodesNeeded"), COL("BlockoutTypes"),
};

static void seed_appointmenttypes(struct gen *g)
{
    static const struct {
        const char *name, *pattern, *codes, *req;
        unsigned rgb;
        int needed, hidden;
    } types[] = {
        { "New Patient Exam", "/XXXXXX//", "D0150,D0210,D1110", "D0150",
          0x98FB98, 1, 0 },
        { "Recall", "//XX////", "D0120,D1110", "", 0xADD8E6, 0, 0 },
        { "Perio Maintenance", "//XXX////", "D4910,D0120", "D4910", 0xDDA0DD,
          1, 0 },
        { "Crown Prep", "//XXXXXXXX//", "D2950,D2740", "D2740", 0xF0E68C, 1,
          0 },
        { "Emergency", "/XX/", "D0140,D0220", "", 0xFF7F50, 0, 0 },
        { "Consult (retired)", "/XX/", "", "", 0xC0C0C0, 0, 1 },
    };
    struct ins b;
    size_t i;
    if (INS_TABLE(&b, &g->s, "appointmenttype", appointmenttype_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(types); i++) {
        ROW(&b, appointmenttype_cols, VI((long long)i + 1), VS(types[i].name),
            VI(color_int(types[i].rgb)), VI((long long)i), VI(types[i].hidden),
            VS(types[i].pattern), VS(types[i].codes), VS(types[i].req),
            VI(types[i].needed), VS(i == 0 ? "2" : ""));
    }
    ins_done(&b);
}

/* The first provider schedule after the anchor day. */
static void first_schedule(struct gen *g, MYSQL_ROW row, void *arg)
{
    long *sched = arg;
    if (!*sched && day_of(row[1]) > g->today)
        *sched = atol(row[0]);
}

static const struct seed_col asapcomm_cols[] = {
    COL("AsapCommNum"), COL("FKey"), CI("FKeyType", 1), COL("ScheduleNum"),
    COL("PatNum"), C0("ClinicNum"), COL("ShortGUID"), COL("DateTimeEntry"),
    COL("DateTimeExpire"), COL("DateTimeSmsScheduled"), CI("SmsSendStatus", 3),
    CI("EmailSendStatus", 1), COL("DateTimeSmsSent"), COL("DateTimeEmailSent"),
    C0("EmailMessageNum"), COL("ResponseStatus"), COL("DateTimeOrig"),
    COL("TemplateText"), CE("TemplateEmail"), CE("TemplateEmailSubj"),
    CE("Note"), CE("GuidMessageToMobile"), C0("EmailTemplateType"),
};

/* Texts offering an earlier opening to patients on the ASAP list. */
static void seed_asapcomms(struct gen *g, struct rng *r)
{
    struct apt_row a[65];
    struct ins b;
    long i, sched = 0;
    memset(a, 0, sizeof a);
    each_row(g, "SELECT AptNum, PatNum, AptDateTime FROM appointment WHERE "
                "AptStatus = 1 AND Priority = 1 ORDER BY AptNum LIMIT 12",
             collect_apt, a);
    /* the opening offered: a provider schedule in the coming days */
    each_row(g, "SELECT ScheduleNum, SchedDate FROM schedule WHERE SchedType "
                "= 1 ORDER BY SchedDate, ScheduleNum", first_schedule, &sched);
    if (INS_TABLE(&b, &g->s, "asapcomm", asapcomm_cols))
        return;
    for (i = 1; i <= a[0].apt; i++) {
        long sent = g->today - 1 - rnd(r, 16);
        int resp = (int)rnd(r, 3);
        char shortguid[512];
        snprintf(shortguid, sizeof shortguid, "%08lX",
                 0x4A3B2C1DUL ^ (unsigned long)(a[i].apt * 2654435761UL));
        ROW(&b, asapcomm_cols, VI(i), VI(a[i].apt), VI(sched), VI(a[i].pat),
            VS(shortguid), VDT(sent, 600), VDT(sent + 1, 600), VDT(sent, 605),
            VDT(sent, 606), VDT(NO_DATE, 0),
            VI(resp == 0   ? 2
               : resp == 1 ? 7
                           : 9), /* Pending, Declined, Expired */
            VDT(a[i].day, a[i].min),
            VS("Willamette Family Dental has an earlier opening. Reply Y to "
               "take it."));
    }
    ins_done(&b);
}

static const struct seed_col popup_cols[] = {
    COL("PopupNum"), COL("PatNum"), COL("Description"), COL("IsDisabled"),
    COL("PopupLevel"), CI("UserNum", 2), COL("DateTimeEntry"),
    C0("IsArchived"), C0("PopupNumArchive"), COL("DateTimeDisabled"),
};

static void seed_popups(struct gen *g, struct rng *r)
{
    static const char *const what[] = {
        "Premedicate: amoxicillin 2 g one hour before treatment.",
        "Collect balance at checkout before scheduling.",
        "Prefers to be called by her middle name.",
        "Very anxious: offer nitrous, explain each step.",
    };
    struct ins b;
    long i, n = 0, want = 4 + g->npat / 100;
    if (INS_TABLE(&b, &g->s, "popup", popup_cols))
        return;
    for (i = 0; i < want && g->nactive; i++) {
        long pat = g->active[rnd(r, g->nactive)], day = g->today - 1 - rnd(r, 200);
        size_t w = (size_t)rnd(r, (long)OD_ARRAY_LEN(what));
        int off = i == 1;
        ++n;
        ROW(&b, popup_cols, VI(n), VI(w == 1 ? pat_of(g, pat)->guar : pat),
            VS(what[w]), VI(off), VI(w == 1 ? 1 : 0), /* Family, Patient */
            VDT(day, 620),
            VDT(off ? day + 30 < g->today ? day + 30 : g->today - 1 : NO_DATE,
                700));
    }
    ins_done(&b);
}

static const struct seed_col patientnote_cols[] = {
    COL("PatNum"), COL("FamFinancial"), CE("ApptPhone"), CE("Medical"),
    CE("Service"), CE("MedicalComp"), CE("Treatment"), COL("ICEName"),
    COL("ICEPhone"), CI("OrthoMonthsTreatOverride", -1),
    { "DateOrthoPlacementOverride", VDATE(NO_DATE) }, COL("SecDateTEntry"),
    COL("SecDateTEdit"), C0("Consent"), C0("UserNumOrthoLocked"),
    C0("Pronoun"),
};

/* Emergency contacts and notes on the family's accounts. */
static void seed_patientnotes(struct gen *g, struct rng *r)
{
    struct ins b;
    long i;
    char iname[160], iphone[32];
    if (INS_TABLE(&b, &g->s, "patientnote", patientnote_cols))
        return;
    for (i = 0; i < g->npat && !g->s.rc; i++) {
        const struct pat *p = &g->pats[i];
        long day = p->first_visit != NO_DATE ? p->first_visit : g->today - 90;
        int ice = chance(r, 0.4), fin = p->num == p->guar && chance(r, 0.1);
        if (!ice && !fin)
            continue;
        iname[0] = iphone[0] = '\0';
        if (ice) {
            snprintf(iname, sizeof iname, "%s %s",
                     male_names[(p->num * 5) % (long)nmale_names],
                     last_names[p->ln]);
            snprintf(iphone, sizeof iphone, "(503)555-%04ld",
                     3000 + p->num % 7000);
        }
        ROW(&b, patientnote_cols, VI(p->num),
            VS(fin ? "Prefers statements by e-mail; pays on the 15th." : ""),
            VS(iname), VS(iphone), VDT(day, 475), VDT(day, 475));
    }
    ins_done(&b);
}

/* ---- history, logs, subscriptions ------------------------------------------------ */

/* The columns histappointment and appointment both have here (Open
 * Dental's HistAppointment copies every Appointment column). */
static size_t common_apt_cols(struct gen *g, char *out, size_t cap)
{
    static const char *const cols[] = {
        "AptNum", "PatNum", "Pattern", "Confirmed", "TimeLocked", "Op", "Note",
        "ProvNum", "ProvHyg", "AptDateTime", "NextAptNum", "UnschedStatus",
        "IsNewPatient", "ProcDescript", "Assistant", "ClinicNum", "IsHygiene",
        "DateTimeArrived", "DateTimeSeated", "DateTimeDismissed", "InsPlan1",
        "InsPlan2", "DateTimeAskedToArrive", "ProcsColored", "ColorOverride",
        "AppointmentTypeNum", "SecUserNumEntry", "SecDateTEntry", "Priority",
        "ProvBarText", "PatternSecondary", "ItemOrderPlanned",
    };
    size_t i, len = 0;
    out[0] = '\0';
    for (i = 0; i < OD_ARRAY_LEN(cols); i++) {
        if (g->s.cat && (!od_catalog_column(g->s.cat, "appointment", cols[i]) ||
                         !od_catalog_column(g->s.cat, "histappointment",
                                            cols[i])))
            continue;
        len += (size_t)snprintf(out + len, cap - len, ",%s", cols[i]);
    }
    return len;
}

/* What Open Dental's appointment history holds: a Created row when each
 * appointment was booked, a Changed row when a visit was set complete, a
 * Missed row for each broken one (HistAppointments.CreateHistoryEntry),
 * kept for the weeks the schedules cover. Copied server side from our own
 * appointment rows, oldest first. */
static void seed_histappointments(struct gen *g)
{
    char cols[1024], sql[4096];
    static const struct {
        int action;
        const char *status, *when, *where;
    } kinds[] = {
        /* booked: as it was then, scheduled (or planned) */
        { 0, "IF(AptStatus = 6, 6, 1)", "SecDateTEntry",
          "SecDateTEntry >= (SELECT MIN(SchedDate) FROM schedule)" },
        { 1, "AptStatus", "DateTimeDismissed",
          "AptStatus = 2 AND AptDateTime >= (SELECT MIN(SchedDate) FROM "
          "schedule)" },
        { 2, "AptStatus", "AptDateTime + INTERVAL 20 MINUTE", "AptStatus = 5" },
    };
    size_t i;
    if (g->s.rc || (g->s.cat && !od_catalog_column(g->s.cat, "histappointment",
                                                   "HistApptAction")))
        return;
    if (!common_apt_cols(g, cols, sizeof cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(kinds); i++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO histappointment (HistUserNum, HistDateTStamp, "
                 "HistApptAction, ApptSource, AptStatus, DateTStamp%s) SELECT "
                 "SecUserNumEntry, %s, %d, 0, %s, %s%s FROM appointment WHERE "
                 "%s ORDER BY AptNum",
                 cols, kinds[i].when, kinds[i].action, kinds[i].status,
                 kinds[i].when, cols, kinds[i].where);
        query(&g->s, sql);
    }
}

static const struct seed_col securitylog_cols[] = {
    COL("SecurityLogNum"), COL("PermType"), COL("UserNum"), COL("LogDateTime"),
    COL("LogText"), COL("PatNum"), COL("CompName"), COL("FKey"),
    COL("LogSource"), C0("DefNum"), C0("DefNumError"),
    { "DateTPrevious", VDT(NO_DATE, 0) },
};

static void log_row(struct ins *b, long *n, int perm, long user, long day,
                    long min, const char *text, long pat, const char *comp,
                    long fkey, int source)
{
    ROW(b, securitylog_cols, VI(++*n), VI(perm), VI(user), VDT(day, min),
        VS(text), VI(pat), VS(comp), VI(fkey), VI(source));
}

struct logctx {
    struct ins *b;
    long *n;
    const char *dev;
};

/* The demo key's app confirmed these appointments through the API (PUT
 * /appointments/{AptNum}/Confirm: PermType ApptConfirmStatusEdit). */
static void log_confirm(struct gen *g, MYSQL_ROW row, void *arg)
{
    struct logctx *c = arg;
    char text[200];
    long day = day_of(row[2]);
    snprintf(text, sizeof text, "Updated by %s through API.", c->dev);
    log_row(c->b, c->n, 120, 0, day != NO_DATE && day < g->today ? day
                                                                 : g->today - 1,
            780 + atol(row[0]) % 120, text, atol(row[1]), "API", atol(row[0]),
            23);
}

/* Logons at the front desk each working day, and what the demo key's app
 * did through the API. */
static void seed_securitylog(struct gen *g, const char *dev)
{
    static const char *const users[] = { "Admin", "FrontDesk", "Billing" };
    struct ins b;
    struct logctx c;
    long n = seed_max_key(&g->s, "securitylog", "SecurityLogNum"), day;
    int u;
    char text[120];
    if (INS_TABLE(&b, &g->s, "securitylog", securitylog_cols))
        return;
    for (day = g->today - 14; day < g->today; day++) {
        if (weekday(day) == 0 || weekday(day) == 6)
            continue;
        for (u = 0; u < 3; u++) {
            snprintf(text, sizeof text, "User: %s has logged on.", users[u]);
            log_row(&b, &n, 83, u + 1, day, 470 + u * 9, text, 0,
                    u == 2 ? "FRONTDESK2" : "FRONTDESK1", 0, 0);
            snprintf(text, sizeof text, "User: %s has logged off.", users[u]);
            log_row(&b, &n, 83, u + 1, day, 1030 + u * 4, text, 0,
                    u == 2 ? "FRONTDESK2" : "FRONTDESK1", 0, 0);
        }
    }
    if (dev && dev[0]) {
        c.b = &b;
        c.n = &n;
        c.dev = dev;
        each_row(g, "SELECT AptNum, PatNum, SecDateTEntry FROM appointment "
                    "WHERE AptStatus = 1 AND Confirmed = (SELECT DefNum FROM "
                    "definition WHERE Category = 2 AND ItemName = 'Appointment "
                    "Confirmed') ORDER BY AptNum LIMIT 6", log_confirm, &c);
    }
    ins_done(&b);
}

static const struct seed_col apisubscription_cols[] = {
    CI("ApiSubscriptionNum", 1),
    CS("EndPointUrl",
       "https://integrator.example.com/opendental/patient-selected"),
    CS("Workstation", "FRONTDESK1"),
    COL("CustomerKey"),
    CE("WatchTable"),
    C0("PollingSeconds"),
    CS("UiEventType", "PatientSelected"),
    COL("DateTimeStart"),
    COL("DateTimeStop"),
    CS("Note", "Shows the selected patient on the check-in tablet."),
};

/* The demo key's app listens for the patient the front desk selects (a UI
 * event: Open Dental itself fires it, the API Service never does). */
static void seed_subscription(struct gen *g, const char *customer_key)
{
    struct ins b;
    if (!customer_key || !customer_key[0])
        return;
    if (INS_TABLE(&b, &g->s, "apisubscription", apisubscription_cols))
        return;
    ROW(&b, apisubscription_cols, VS(customer_key), VDT(g->today - 20, 540),
        VDT(NO_DATE, 0));
    ins_done(&b);
}

void seed_office(struct gen *g, const char *customer_key, const char *dev)
{
    struct rng r = seed_stream(g, "office");
    long stamp = g->today - 900;
    if (g->s.rc)
        return;
    seed_clinic(g);
    seed_employees(g);
    seed_usergroups(g);
    seed_computers(g);
    seed_tasks(g, &r);
    seed_quick_notes(g);
    seed_auto_notes(g);
    seed_sheetdefs(g, stamp);
    seed_sheets(g, &r);
    seed_field_defs(g);
    seed_patfields(g, &r);
    seed_apptfields(g, &r);
    seed_appointmenttypes(g);
    seed_asapcomms(g, &r);
    seed_popups(g, &r);
    seed_patientnotes(g, &r);
    seed_histappointments(g);
    seed_securitylog(g, dev);
    seed_subscription(g, customer_key);
}
