/*
 * seed-clinical.c - the demo practice's clinical records beyond the
 * procedures of seed.c: recall types and each active patient's recalls,
 * treatment plans (the active plan with every treatment-planned procedure,
 * saved plans with their frozen procedures), procedure and group notes,
 * perio charts, missing teeth, prescriptions and pharmacies, lab cases,
 * the medical history (allergies, medications, problems), races and EHR
 * details, referrals, and the x-rays and forms in the imaging module.
 *
 * How Open Dental writes these (OpenDentBusiness, branch 24_3): recall
 * types and triggers are RecallTypes.SetToDefault's; recalls are what
 * Recalls.Synch makes from each patient's last completed trigger
 * procedure (DatePrevious; DateDueCalc = DatePrevious + the type's
 * interval, Interval.cs) and SynchScheduledApptFull from the first
 * scheduled appointment with a trigger procedure (DateScheduled); group
 * notes are "~GRP~" procedures with procgroupitem rows. Its own PRNG
 * stream (seed_stream) keeps the rest of the practice as it was.
 */
#include "core/odapi-internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/seed-gen-internal.h"

/* Recall kinds this part tracks: the special prophy/perio recall, and the
 * other trigger types of RecallTypes.SetToDefault. */
enum { RK_PROPHY, RK_4BW, RK_PANO, RK_FMX, RK_EXAM, RK_N };

/* RecallTypeNum, Description, DefaultInterval (Interval.ToInt: days,
 * weeks, months, years a byte each), TimePattern, Procedures,
 * AppendToSpecial. */
static const struct recalltype {
    int num;
    const char *name;
    int days, months, years;
    const char *pattern, *procs;
    int append;
} recalltypes[] = {
    { 1, "Prophy", 1, 6, 0, "/XXXX/", "D1110", 0 },
    { 2, "Child Prophy", 0, 0, 0, "XXX", "D1120,D1208", 0 },
    { 3, "Perio", 0, 4, 0, "/XXXX/", "D4910", 0 },
    { 4, "4BW", 0, 0, 1, "", "D0274", 1 },
    { 5, "Pano", 0, 0, 5, "", "D0330", 1 },
    { 6, "FMX", 0, 0, 5, "", "D0210", 1 },
    { 7, "Exam", 1, 6, 0, "", "D0120", 1 },
};

/* recalltrigger rows: RecallTypeNum, ProcCode */
static const struct {
    int type;
    const char *code;
} triggers[] = {
    { 7, "D0150" }, { 4, "D0274" }, { 5, "D0330" }, { 6, "D0210" },
    { 1, "D1110" }, { 1, "D1120" }, { 3, "D4910" }, { 3, "D4341" },
    { 7, "D0120" }, { 7, "D0180" },
};

/* Which recall kind a code triggers (-1: none); *perio for perio codes. */
static int trigger_kind(const char *code, int *perio)
{
    *perio = !strcmp(code, "D4910") || !strcmp(code, "D4341");
    if (*perio || !strcmp(code, "D1110") || !strcmp(code, "D1120"))
        return RK_PROPHY;
    if (!strcmp(code, "D0274"))
        return RK_4BW;
    if (!strcmp(code, "D0330"))
        return RK_PANO;
    if (!strcmp(code, "D0210"))
        return RK_FMX;
    if (!strcmp(code, "D0150") || !strcmp(code, "D0120") ||
        !strcmp(code, "D0180"))
        return RK_EXAM;
    return -1;
}

/* What the hooks remember per patient. Days are int: they fit. */
struct clinpat {
    int last[RK_N];  /* last completed trigger procedure (0: none) */
    int sched[RK_N]; /* first scheduled appointment with one (0: none) */
    int perio;       /* the last prophy-kind procedure was perio care */
    int tpactive, tpsaved, tpfirst, ntp; /* treatment plans */
};

/* A group note to write at the end: one note for a visit's procedures. */
struct group {
    long patnum, day, prov, endmin, procs[6];
    int n, kind;
};

struct seed_clin {
    struct rng r;
    struct clinpat *pats;       /* PatNum - 1 */
    struct ins attach, proctp, note, rx, perio, measure, tooth, lab;
    long tpnum, attachnum, proctpnum, notenum, rxnum, perionum, measurenum,
        toothnum, labnum;
    long lastapt, lastperio, lastrx; /* the visit being written */
    struct group *groups;
    long ngroups, capgroups;
    struct group cur;           /* the current completed visit's procedures */
};

static struct clinpat *cp_of(struct gen *g, long patnum)
{
    return &g->clin->pats[patnum - 1];
}

/* ---- dates ------------------------------------------------------------------ */

static int month_len(int y, int m)
{
    static const int len[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return len[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

/* day + Interval, as DateTime.AddYears().AddMonths().AddDays(): the day of
 * month is kept, or becomes the month's last. */
static long add_interval(long day, int years, int months, int days)
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    y += years;
    if (d > month_len(y, m))
        d = month_len(y, m);
    m += months;
    y += (m - 1) / 12;
    m = (m - 1) % 12 + 1;
    if (d > month_len(y, m))
        d = month_len(y, m);
    return days_from_civil(y, (unsigned)m, (unsigned)d) + days;
}

/* ---- recall types ------------------------------------------------------------ */

static const struct seed_col recalltrigger_cols[] = {
    COL("RecallTriggerNum"), COL("RecallTypeNum"), COL("CodeNum"),
};

static const struct seed_col recalltype_cols[] = {
    COL("RecallTypeNum"), COL("Description"), COL("DefaultInterval"),
    COL("TimePattern"), COL("Procedures"), COL("AppendToSpecial"),
};

static void seed_recalltypes(struct gen *g)
{
    struct ins b;
    size_t i;
    if (INS_TABLE(&b, &g->s, "recalltype", recalltype_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(recalltypes); i++) {
        const struct recalltype *t = &recalltypes[i];
        ROW(&b, recalltype_cols, VI(t->num), VS(t->name),
            VI(t->days | t->months << 16 | t->years << 24), VS(t->pattern),
            VS(t->procs), VI(t->append));
    }
    ins_done(&b);
    if (INS_TABLE(&b, &g->s, "recalltrigger", recalltrigger_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(triggers); i++) {
        ROW(&b, recalltrigger_cols, VI((long long)i + 1), VI(triggers[i].type),
            VI(code_idx(triggers[i].code) + 1));
    }
    ins_done(&b);
}

/* ---- the hook: what each procedure adds ------------------------------------- */

static void track_recall(struct gen *g, const struct seed_proc *sp)
{
    struct clinpat *c = cp_of(g, sp->patnum);
    int perio, k = trigger_kind(codes[sp->code].code, &perio);
    if (k < 0)
        return;
    if (sp->status == 2 && sp->day >= c->last[k]) {
        c->last[k] = (int)sp->day;
        if (k == RK_PROPHY)
            c->perio = perio;
    } else if (sp->status == 1 && sp->aptnum && sp->day >= g->today &&
               (!c->sched[k] || sp->day < c->sched[k])) {
        c->sched[k] = (int)sp->day;
    }
}

static const struct seed_col proctp_cols[] = {
    COL("ProcTPNum"), COL("TreatPlanNum"), COL("PatNum"), COL("ProcNumOrig"),
    COL("ItemOrder"), COL("Priority"), COL("ToothNumTP"), COL("Surf"),
    COL("ProcCode"), COL("Descript"), COL("FeeAmt"), COL("PriInsAmt"),
    COL("SecInsAmt"), COL("PatAmt"), CD("Discount", 0), CE("Prognosis"),
    CE("Dx"), COL("ProcAbbr"), CI("SecUserNumEntry", 1), COL("SecDateEntry"),
    COL("SecDateTEdit"), COL("FeeAllowed"), CD("TaxAmt", 0), COL("ProvNum"),
    COL("DateTP"), C0("ClinicNum"), CD("CatPercUCR", 0),
};

static const struct seed_col treatplanattach_cols[] = {
    COL("TreatPlanAttachNum"), COL("TreatPlanNum"), COL("ProcNum"),
    COL("Priority"),
};

/* Every treatment-planned procedure is on the patient's active plan; some
 * patients also have a saved plan that froze them with their estimates. */
static void plan_proc(struct gen *g, const struct seed_proc *sp)
{
    struct seed_clin *cl = g->clin;
    struct clinpat *c = cp_of(g, sp->patnum);
    const struct code *cd = &codes[sp->code];
    double pri, sec;
    if (!c->tpactive) {
        c->tpactive = (int)++cl->tpnum;
        c->tpfirst = (int)sp->tpday;
        if (chance(&cl->r, 0.3))
            c->tpsaved = (int)++cl->tpnum;
    }
    if (sp->tpday < c->tpfirst)
        c->tpfirst = (int)sp->tpday;
    ++cl->attachnum;
    ROW(&cl->attach, treatplanattach_cols, VI(cl->attachnum), VI(c->tpactive),
        VI(sp->procnum), VI(sp->priority));
    if (!c->tpsaved)
        return;
    seed_money_last_est(g, &pri, &sec);
    ++cl->proctpnum;
    ROW(&cl->proctp, proctp_cols, VI(cl->proctpnum), VI(c->tpsaved),
        VI(sp->patnum), VI(sp->procnum), VI(++c->ntp), VI(sp->priority),
        VS(sp->tooth), VS(sp->surf), VS(cd->code), VS(cd->descript),
        VD(sp->fee), VD(pri), VD(sec),
        VD(round((sp->fee - pri - sec) * 100) / 100), VS(cd->abbr),
        VDATE(c->tpfirst), VDT(c->tpfirst, 600), VD(sp->fee), VI(sp->prov),
        VDATE(c->tpfirst));
}

/* What the provider writes about a visit, by the kind of its first
 * procedure. */
static const char *const visit_notes[] = {
    /* PC_EXAM */ "Exam completed. Reviewed medical history, no changes. "
                  "Oral cancer screening negative. Discussed findings and "
                  "treatment plan with patient.",
    /* PC_CLEAN */ "Prophy completed. Light supragingival calculus, "
                   "generalized mild gingivitis. OHI given: flossing "
                   "reviewed. Next recall in 6 months.",
    /* PC_FILL */ "Anesthetic: 1 carpule 2% lidocaine 1:100k epi. Isolation "
                  "with cotton rolls. Caries removed, restoration placed and "
                  "polished, occlusion checked. Pt tolerated well.",
    /* PC_ENDO */ "Anesthetic: 2 carpules 4% articaine 1:100k epi. Rubber dam "
                  "placed. Canals located, cleaned and shaped, obturated with "
                  "gutta percha. Temporary placed. Post-op instructions given.",
    /* PC_PERIO */ "Scaling and root planing completed with ultrasonic and "
                   "hand instruments. Moderate subgingival calculus. "
                   "Chlorhexidine rinse prescribed. Re-evaluate in 6 weeks.",
    /* PC_CROWN */ "Anesthetic: 1 carpule 2% lidocaine 1:100k epi. Crown "
                   "seated with resin cement, margins and contacts verified, "
                   "occlusion adjusted. Pt pleased with esthetics.",
    /* PC_DENT */ "Denture delivered. Adjusted pressure spots, reviewed "
                  "care and insertion. Follow-up in 1 week.",
    /* PC_IMPL */ "Implant placed, primary stability achieved. Cover screw "
                  "placed, sutures. Post-op instructions given, Rx for "
                  "ibuprofen.",
    /* PC_OS */ "Anesthetic: 2 carpules 2% lidocaine 1:100k epi. Tooth "
                "extracted without complication, hemostasis achieved with "
                "gauze. Post-op instructions given verbally and in writing.",
    /* PC_ORTHO */ "Ortho adjustment. Wires changed, elastics reviewed.",
    /* PC_MISC */ "Palliative treatment for pain. Pt to return for "
                  "definitive treatment.",
};

static const struct seed_col procnote_cols[] = {
    COL("ProcNoteNum"), COL("PatNum"), COL("ProcNum"), COL("EntryDateTime"),
    CI("UserNum", 1), COL("Note"), C0("SigIsTopaz"), CE("Signature"),
};

/* A completed visit's notes: one note per procedure, or, for some visits
 * of several procedures, one group note for all of them (written at the
 * end: it is a procedure of its own). */
static void flush_visit(struct gen *g)
{
    struct seed_clin *cl = g->clin;
    struct group *v = &cl->cur;
    int i;
    if (!v->n)
        return;
    if (v->n >= 2 && chance(&cl->r, 0.3)) {
        if (cl->ngroups == cl->capgroups) {
            long cap = cl->capgroups ? cl->capgroups * 2 : 64;
            struct group *n = realloc(cl->groups, (size_t)cap * sizeof *n);
            if (!n) {
                fail(&g->s, ODAPI_E_NOMEM, "seeding: out of memory");
                return;
            }
            cl->groups = n;
            cl->capgroups = cap;
        }
        cl->groups[cl->ngroups++] = *v;
    } else {
        for (i = 0; i < v->n; i++) {
            ++cl->notenum;
            ROW(&cl->note, procnote_cols, VI(cl->notenum), VI(v->patnum),
                VI(v->procs[i]), VDT(v->day, 480 + (cl->notenum * 37) % 540),
                VS(visit_notes[i == 0 ? v->kind : PC_MISC]));
            if (i == 0 && v->n > 1)
                break; /* the first procedure carries the visit's note */
        }
    }
    v->n = 0;
}

static void note_proc(struct gen *g, const struct seed_proc *sp)
{
    struct group *v = &g->clin->cur;
    if (v->n && (v->patnum != sp->patnum || v->day != sp->day))
        flush_visit(g);
    if (!v->n) {
        v->patnum = sp->patnum;
        v->day = sp->day;
        v->prov = sp->prov;
        v->kind = codes[sp->code].cat;
    }
    if (v->n < 6)
        v->procs[v->n++] = sp->procnum;
}

/* Prescriptions after extractions, root canals and scaling. */
static const struct drug {
    const char *drug, *sig, *disp, *rxcui, *instr;
    int refills, controlled, days;
} drugs[] = {
    { "Ibuprofen 600 mg tablet", "Take 1 tablet by mouth every 6 hours as "
      "needed for pain. Take with food.", "20", "197806", "For pain.", 0, 0,
      5 },
    { "Hydrocodone/Acetaminophen 5/325 mg tablet", "Take 1 tablet by mouth "
      "every 6 hours as needed for severe pain.", "12", "857005",
      "Do not drive. Do not take with other acetaminophen.", 0, 1, 3 },
    { "Amoxicillin 500 mg capsule", "Take 1 capsule by mouth 3 times daily "
      "until gone.", "21", "308191", "Finish all of the medicine.", 0, 0, 7 },
    { "Chlorhexidine Gluconate 0.12% oral rinse", "Rinse with 15 mL for 30 "
      "seconds twice daily after brushing. Do not swallow.", "473 mL",
      "1000126", "May stain teeth; stains are removed at cleanings.", 1, 0,
      16 },
};

static const struct seed_col rxpat_cols[] = {
    COL("RxNum"), COL("PatNum"), COL("RxDate"), COL("Drug"), COL("Sig"),
    COL("Disp"), COL("Refills"), COL("ProvNum"), CE("Notes"),
    COL("PharmacyNum"), COL("IsControlled"), COL("DateTStamp"),
    COL("SendStatus"), COL("RxCui"), CE("DosageCode"), COL("IsProcRequired"),
    COL("ProcNum"), COL("DaysOfSupply"), COL("PatientInstruction"),
    C0("ClinicNum"), CI("UserNum", 1), C0("RxType"),
};

static void write_rx(struct gen *g, const struct seed_proc *sp, int d)
{
    struct seed_clin *cl = g->clin;
    const struct drug *x = &drugs[d];
    ++cl->rxnum;
    char refills2[512];
    snprintf(refills2, sizeof refills2, "%d", x->refills);
    ROW(&cl->rx, rxpat_cols, VI(cl->rxnum), VI(sp->patnum), VDATE(sp->day),
        VS(x->drug), VS(x->sig), VS(x->disp), VS(refills2), VI(sp->prov),
        VI(1 + cl->rxnum % 4), VI(x->controlled), VDT(sp->day, 900),
        VI(x->controlled ? 3 : 2), /* Printed / SentElect */
        VS(x->rxcui), VI(x->controlled), VI(x->controlled ? sp->procnum : 0),
        VD(x->days), VS(x->instr));
}

static void rx_proc(struct gen *g, const struct seed_proc *sp)
{
    struct seed_clin *cl = g->clin;
    const struct code *c = &codes[sp->code];
    int d = -1;
    if (c->cat == PC_OS)
        d = !strcmp(c->code, "D7140") ? 0 : chance(&cl->r, 0.4) ? 1 : 0;
    else if (c->cat == PC_ENDO)
        d = chance(&cl->r, 0.35) ? 2 : 0;
    else if (!strcmp(c->code, "D4341"))
        d = 3;
    if (d < 0 || sp->aptnum == cl->lastrx)
        return; /* one prescription per visit */
    cl->lastrx = sp->aptnum;
    write_rx(g, sp, d);
}

static const struct seed_col perioexam_cols[] = {
    COL("PerioExamNum"), COL("PatNum"), COL("ExamDate"), COL("ProvNum"),
    COL("DateTMeasureEdit"), COL("Note"),
};

static const struct seed_col periomeasure_cols[] = {
    COL("PerioMeasureNum"), COL("PerioExamNum"), COL("SequenceType"),
    COL("IntTooth"), CI("ToothValue", -1), COL("MBvalue"), COL("Bvalue"),
    COL("DBvalue"), COL("MLvalue"), COL("Lvalue"), COL("DLvalue"),
    COL("SecDateTEntry"), COL("SecDateTEdit"),
};

/* A full perio chart (PerioExams): probing depths and bleeding on every
 * present tooth, recession where there is any. */
static void perio_chart(struct gen *g, const struct seed_proc *sp)
{
    struct seed_clin *cl = g->clin;
    int t, seq;
    ++cl->perionum;
    ROW(&cl->perio, perioexam_cols, VI(cl->perionum), VI(sp->patnum),
        VDATE(sp->day), VI(sp->prov), VDT(sp->day, 600 + cl->perionum % 300),
        VS(!strcmp(codes[sp->code].code, "D4341")
               ? "Initial perio charting before SRP."
               : "Perio maintenance charting."));
    for (t = 1; t <= 32; t++) {
        int base;
        if (t == 1 || t == 16 || t == 17 || t == 32)
            continue; /* third molars: charted as missing below */
        base = 2 + (int)rnd(&cl->r, 3);
        for (seq = 0; seq < 3; seq++) {
            static const int types[] = { 4, 6, 2 }; /* Probing, Bleeding,
                                                       GingMargin */
            if (seq == 2 && t % 4 != 0)
                continue; /* recession where it was measured */
            int k, v[6];
            for (k = 0; k < 6; k++) {
                if (types[seq] == 4) /* 2-7 mm, deeper between teeth */
                    v[k] = base + (k % 3 != 1) + (int)rnd(&cl->r, 2);
                else if (types[seq] == 6) /* bleeding flags: 1 blood */
                    v[k] = chance(&cl->r, 0.25) ? 1 : 0;
                else /* recession (a positive margin) */
                    v[k] = chance(&cl->r, 0.15) ? 1 + (int)rnd(&cl->r, 2) : 0;
            }
            ROW(&cl->measure, periomeasure_cols, VI(++cl->measurenum),
                VI(cl->perionum), VI(types[seq]), VI(t), VI(v[0]), VI(v[1]),
                VI(v[2]), VI(v[3]), VI(v[4]), VI(v[5]), VDT(sp->day, 600),
                VDT(sp->day, 600));
        }
    }
}

static const struct seed_col toothinitial_cols[] = {
    COL("ToothInitialNum"), COL("PatNum"), COL("ToothNum"), COL("InitialType"),
    COL("Movement"), CE("DrawingSegment"), C0("ColorDraw"),
    COL("SecDateTEntry"), COL("SecDateTEdit"), CE("DrawText"),
};

/* A tooth initial: type 0 Missing, 6 Rotate (movement in degrees). */
static void tooth_initial(struct gen *g, long patnum, const char *tooth,
                          int type, double movement, long day)
{
    struct seed_clin *cl = g->clin;
    ++cl->toothnum;
    ROW(&cl->tooth, toothinitial_cols, VI(cl->toothnum), VI(patnum), VS(tooth),
        VI(type), VD(movement), VDT(day, 700), VDT(day, 700));
}

static void missing_tooth(struct gen *g, long patnum, const char *tooth,
                          long day)
{
    tooth_initial(g, patnum, tooth, 0, 0, day);
}

static const struct seed_col labcase_cols[] = {
    COL("LabCaseNum"), COL("PatNum"), COL("LaboratoryNum"), COL("AptNum"),
    C0("PlannedAptNum"), COL("DateTimeDue"), COL("DateTimeCreated"),
    COL("DateTimeSent"), COL("DateTimeRecd"), COL("DateTimeChecked"),
    COL("ProvNum"), COL("Instructions"), COL("LabFee"), COL("DateTStamp"),
    COL("InvoiceNum"),
};

/* Crowns and dentures are made by a lab: sent after the prep, back before
 * the seat appointment. */
static void lab_case(struct gen *g, const struct seed_proc *sp)
{
    struct seed_clin *cl = g->clin;
    long seat = sp->day, sent = seat - 14 - rnd(&cl->r, 5);
    int lab = 1 + (int)rnd(&cl->r, 3), done = sp->status == 2;
    int back = done || seat - 3 < g->today;
    char note[200], invoice[32] = "";
    if (sent >= g->today)
        sent = g->today - 1;
    ++cl->labnum;
    snprintf(note, sizeof note, "%s #%s. Shade A2. Please call with questions.",
             codes[sp->code].layman, sp->tooth[0] ? sp->tooth : "-");
    if (back)
        snprintf(invoice, sizeof invoice, "INV-%05ld", 10000 + cl->labnum);
    ROW(&cl->lab, labcase_cols, VI(cl->labnum), VI(sp->patnum), VI(lab),
        VI(sp->aptnum), VDT(seat - 1, 1020), VDT(sent, 900), VDT(sent, 1020),
        VDT(back ? seat - 3 : NO_DATE, 660),
        VDT(back ? seat - 3 : NO_DATE, 690), VI(sp->prov), VS(note),
        VD(codes[sp->code].cat == PC_DENT ? 450 : 185),
        VDT(back ? seat - 3 : sent, 690), VS(invoice));
}

void seed_clin_proc(struct gen *g, const struct seed_proc *sp)
{
    struct seed_clin *cl = g->clin;
    const struct code *c;
    if (!cl || g->s.rc)
        return;
    c = &codes[sp->code];
    track_recall(g, sp);
    if (sp->status == 1) {
        plan_proc(g, sp);
        if (c->prosth && sp->aptnum && sp->day >= g->today)
            lab_case(g, sp);
        return;
    }
    if (sp->status != 2)
        return;
    note_proc(g, sp);
    rx_proc(g, sp);
    if ((!strcmp(c->code, "D4341") ||
         (!strcmp(c->code, "D4910") && chance(&cl->r, 0.25))) &&
        cl->lastperio != sp->aptnum) {
        cl->lastperio = sp->aptnum;
        perio_chart(g, sp);
    }
    if (c->cat == PC_OS && sp->tooth[0])
        missing_tooth(g, sp->patnum, sp->tooth, sp->day);
    if (c->prosth)
        lab_case(g, sp);
}

/* ---- after the visits --------------------------------------------------------- */

/* The DateDue of a cleaning recall with nothing scheduled: the hygienist
 * asked about half of these patients back sooner, a date the office set by
 * hand: perio patients for a re-evaluation four to six weeks after scaling
 * or maintenance, others to recheck inflamed gums in four to eight weeks.
 * Recalls.Synch keeps a DateDue that differs from DateDueCalc, so the
 * recall list shows them due or overdue while DateDueCalc stays the
 * interval's. */
static long asked_back(struct gen *g, const struct clinpat *c, int k,
                       long prev, long due)
{
    if (k != RK_PROPHY || c->sched[k] || prev == NO_DATE ||
        !chance(&g->clin->r, 0.5))
        return due;
    return prev + 28 + rnd(&g->clin->r, c->perio ? 15 : 29);
}

static const struct seed_col recall_cols[] = {
    COL("RecallNum"), COL("PatNum"), COL("DateDueCalc"), COL("DateDue"),
    COL("DatePrevious"), COL("RecallInterval"), COL("RecallStatus"),
    COL("Note"), COL("IsDisabled"), COL("DateTStamp"), COL("RecallTypeNum"),
    CD("DisableUntilBalance", 0), COL("DisableUntilDate"),
    COL("DateScheduled"), C0("Priority"), CE("TimePatternOverride"),
};

/* Recalls.Synch for every active patient with a trigger procedure. */
static void seed_recalls(struct gen *g)
{
    struct seed_clin *cl = g->clin;
    struct ins b;
    long i, n = 0;
    if (INS_TABLE(&b, &g->s, "recall", recall_cols))
        return;
    for (i = 0; i < g->npat && !g->s.rc; i++) {
        const struct clinpat *c = &cl->pats[i];
        int k, any = 0;
        if (g->pats[i].status != 0)
            continue; /* Synch: active patients only */
        for (k = 0; k < RK_N; k++)
            any |= c->last[k] != 0;
        if (!any)
            continue; /* no trigger procedure: no recalls */
        for (k = 0; k < RK_N; k++) {
            /* the prophy/perio recall always; the others once done */
            const struct recalltype *t =
                &recalltypes[k == RK_PROPHY ? (c->perio ? 2 : 0) : k + 2];
            long prev = c->last[k] ? c->last[k] : NO_DATE, due = NO_DATE;
            int disabled = 0, status = 0;
            const char *note = "";
            if (k != RK_PROPHY && !c->last[k])
                continue;
            if (prev != NO_DATE)
                due = add_interval(prev, t->years, t->months, t->days);
            if (k == RK_PROPHY && chance(&cl->r, 0.02)) {
                disabled = 1;
                note = "Sees her periodontist for cleanings.";
            } else if (due != NO_DATE && !c->sched[k] &&
                       due < g->today + 45 && chance(&cl->r, 0.5)) {
                status = 1 + (int)rnd(&cl->r, 2);
                note = status == 1 ? "LM on cell." : "Will call back after "
                                                     "checking work schedule.";
            }
            ++n;
            ROW(&b, recall_cols, VI(n), VI(i + 1), VDATE(due),
                VDATE(disabled ? NO_DATE : asked_back(g, c, k, prev, due)),
                VDATE(prev), VI(t->days | t->months << 16 | t->years << 24),
                VI(status ? def_of(g, CAT_UNSCHED, status - 1) : 0), VS(note),
                VI(disabled), VDT(prev != NO_DATE ? prev : g->today - 1, 1080),
                VI(t->num), VDATE(NO_DATE),
                VDATE(c->sched[k] ? c->sched[k] : NO_DATE));
        }
    }
    ins_done(&b);
}

static const struct seed_col treatplan_cols[] = {
    COL("TreatPlanNum"), COL("PatNum"), COL("DateTP"), COL("Heading"),
    COL("Note"), COL("Signature"), C0("SigIsTopaz"), COL("ResponsParty"),
    C0("DocNum"), COL("TPStatus"), CI("SecUserNumEntry", 1),
    COL("SecDateEntry"), COL("SecDateTEdit"), COL("UserNumPresenter"),
    C0("TPType"), COL("SignatureText"), CE("SignaturePracticeText"),
    CE("SignaturePractice"), COL("DateTSigned"),
};

static void seed_treatplans(struct gen *g)
{
    struct seed_clin *cl = g->clin;
    struct ins b;
    long i;
    if (INS_TABLE(&b, &g->s, "treatplan", treatplan_cols))
        return;
    for (i = 0; i < g->npat && !g->s.rc; i++) {
        const struct clinpat *c = &cl->pats[i];
        int k;
        for (k = 0; k < 2; k++) {
            int num = k ? c->tpsaved : c->tpactive;
            long day = c->tpfirst < g->today ? c->tpfirst : g->today - 1;
            /* some patients signed their saved plan on the tablet */
            int sig = k && (num % 5 == 0 || num % 5 == 3);
            const struct pat *p = &g->pats[i];
            char signed_by[160];
            if (!num)
                continue;
            if (sig)
                snprintf(signed_by, sizeof signed_by, "%s %s", fname_of(p),
                         last_names[p->ln]);
            ROW(&b, treatplan_cols, VI(num), VI(i + 1), VDATE(day),
                VS(k ? "Restorative Treatment Plan" : "Active Treatment Plan"),
                VS(k ? "Reviewed options and estimates with the patient. "
                       "Estimates are not a guarantee of payment." : ""),
                /* Open Dental's signature: pen strokes bound to the plan */
                VS(sig ? "MTIsMTIsMTMsMTQsMTYsMTksMjM7NDAsNDEsNDIsNDA=" : ""),
                VI(k ? g->pats[i].guar : 0), VI(k ? 0 : 1), /* Saved, Active */
                VDATE(day), VDT(day, 700), VI(k), VS(sig ? signed_by : ""),
                VDT(sig ? day : NO_DATE, sig ? 630 : 0));
        }
    }
    ins_done(&b);
}

static const struct seed_col procgroupitem_cols[] = {
    COL("ProcGroupItemNum"), COL("ProcNum"), COL("GroupNum"),
};

static const struct seed_col procedurecode_cols[] = {
    COL("CodeNum"), CS("ProcCode", "~GRP~"), CS("Descript", "Group Note"),
    CS("AbbrDesc", "Group Note"), CS("ProcTime", "/X/"), COL("ProcCat"),
    COL("TreatArea"), CE("DefaultNote"), CE("DefaultClaimNote"),
    CE("DefaultTPNote"), CE("PaintText"), CE("DiagnosticCodes"),
    CE("LaymanTerm"), COL("DateTStamp"),
};

static const struct seed_col procedurelog_cols[] = {
    COL("ProcNum"), COL("PatNum"), C0("AptNum"), COL("ProcDate"),
    CD("ProcFee", 0), CI("ProcStatus", 3), COL("ProvNum"), COL("CodeNum"),
    CI("UnitQty", 1), COL("DateEntryC"), COL("DateTP"), COL("DateTStamp"),
    CI("SecUserNumEntry", 1), COL("SecDateEntry"), COL("DateComplete"),
    CE("Surf"), CE("ToothNum"), CE("BillingNote"),
};

/* Group notes: a "~GRP~" procedure (status EC, the visit's date and
 * provider), its note, and a procgroupitem per grouped procedure. */
static void seed_group_notes(struct gen *g)
{
    struct seed_clin *cl = g->clin;
    struct ins code, proc, item;
    long codenum = 0, procnum, itemnum = 0, i;
    int k;
    if (INS_TABLE(&code, &g->s, "procedurecode", procedurecode_cols))
        return;
    codenum = seed_max_key(&g->s, "procedurecode", "CodeNum") + 1;
    ROW(&code, procedurecode_cols, VI(codenum),
        VI(def_of(g, CAT_PROCCAT, PC_MISC)), VI(TA_MOUTH),
        VDT(g->today - 900, 660));
    ins_done(&code);
    procnum = seed_max_key(&g->s, "procedurelog", "ProcNum");
    if (procnum < g->procnum)
        procnum = g->procnum;
    if (INS_TABLE(&proc, &g->s, "procedurelog", procedurelog_cols) ||
        INS_TABLE(&item, &g->s, "procgroupitem", procgroupitem_cols))
        return;
    for (i = 0; i < cl->ngroups && !g->s.rc; i++) {
        const struct group *v = &cl->groups[i];
        ++procnum;
        ROW(&proc, procedurelog_cols, VI(procnum), VI(v->patnum),
            VDATE(v->day), VI(v->prov), VI(codenum), VDATE(v->day),
            VDATE(v->day), VDT(v->day, 1030), VDT(v->day, 1030),
            VDATE(v->day));
        for (k = 0; k < v->n; k++) {
            ++itemnum;
            ROW(&item, procgroupitem_cols, VI(itemnum), VI(v->procs[k]),
                VI(procnum));
        }
        ++cl->notenum;
        ROW(&cl->note, procnote_cols, VI(cl->notenum), VI(v->patnum),
            VI(procnum), VDT(v->day, 1030), VS(visit_notes[v->kind]));
    }
    g->procnum = procnum;
    ins_done(&proc);
    ins_done(&item);
}

/* Third molars most adults no longer have, and crowded lower front
 * teeth charted as rotated (at least one patient). */
static void seed_missing_wisdom(struct gen *g)
{
    struct seed_clin *cl = g->clin;
    long i, rotated = 0;
    for (i = 0; i < g->npat && !g->s.rc; i++) {
        const struct pat *p = &g->pats[i];
        static const char *const w[] = { "1", "16", "17", "32" };
        long day = g->today - 400 - (p->num * 13) % 900;
        int k;
        if (age_at(p->bdate, g->today) < 21 || p->status == 6)
            continue;
        if (chance(&cl->r, 0.5))
            for (k = 0; k < 4; k++)
                missing_tooth(g, p->num, w[k], day);
        if (chance(&cl->r, 0.05) || (!rotated && p->status == 0)) {
            /* drawn in the order gcc evaluated the arguments (last first) */
            int shift = chance(&cl->r, 0.5) ? -20 : 15;
            tooth_initial(g, p->num, chance(&cl->r, 0.5) ? "24" : "25", 6,
                          shift, day);
            rotated++;
        }
    }
}

/* ---- medical history ------------------------------------------------------------ */

static const struct {
    const char *name, *rxcui, *note;
} medications[] = {
    { "Amoxicillin", "723", "Antibiotic; premedication before dental care "
                            "for some patients." },
    { "Lisinopril", "29046", "Blood pressure." },
    { "Metformin", "6809", "Type 2 diabetes." },
    { "Atorvastatin", "83367", "Cholesterol." },
    { "Levothyroxine", "10582", "Thyroid." },
    { "Ibuprofen", "5640", "" },
    { "Hydrocodone", "5489", "Opioid analgesic; controlled substance." },
    { "Clindamycin", "2582", "Antibiotic for penicillin-allergic patients." },
    { "Chlorhexidine", "2358", "" },
    { "Warfarin", "11289", "Anticoagulant: check INR before surgery." },
    { "Alendronate", "46041", "Bisphosphonate: risk of osteonecrosis of the "
                              "jaw after extractions." },
    { "Albuterol", "435", "Asthma inhaler; bring to appointments." },
    { "Penicillin V", "7980", "" },
    { "Codeine", "2670", "" },
};

static const struct {
    const char *name;
    int snomedtype, med; /* SnomedAllergy; MedicationNum (0 none) */
    const char *unii;
} allergydefs[] = {
    { "Penicillin", 2, 13, "Q42T66VG0C" },
    { "Codeine", 3, 14, "UX6OWY2V7J" },
    { "Latex", 1, 0, "" },
    { "Sulfa drugs", 2, 0, "" },
    { "Aspirin", 2, 0, "R16CO5Y76E" },
    { "Local anesthetic (epinephrine)", 7, 0, "" },
    { "Peanuts", 4, 0, "" },
};

static const struct {
    const char *name, *icd9, *snomed, *icd10;
} diseasedefs[] = {
    { "Diabetes, type 2", "250.00", "44054006", "E11.9" },
    { "High blood pressure", "401.9", "38341003", "I10" },
    { "Asthma", "493.90", "195967001", "J45.909" },
    { "Heart murmur", "785.2", "88610006", "R01.1" },
    { "Artificial joint (premedicate)", "V43.60", "179344006", "Z96.649" },
    { "Pregnancy", "V22.2", "77386006", "Z33.1" },
    { "Osteoporosis", "733.00", "64859006", "M81.0" },
    { "Hepatitis C", "070.70", "50711007", "B18.2" },
    { "Seasonal allergies", "477.0", "367498001", "J30.2" },
    { "Acid reflux (GERD)", "530.81", "235595009", "K21.9" },
};

static const struct seed_col diseasedef_cols[] = {
    COL("DiseaseDefNum"), COL("DiseaseName"), COL("ItemOrder"), C0("IsHidden"),
    COL("DateTStamp"), COL("ICD9Code"), COL("SnomedCode"), COL("Icd10Code"),
};

static const struct seed_col allergydef_cols[] = {
    COL("AllergyDefNum"), COL("Description"), C0("IsHidden"),
    COL("DateTStamp"), COL("SnomedType"), COL("MedicationNum"),
    COL("UniiCode"),
};

static const struct seed_col medication_cols[] = {
    COL("MedicationNum"), COL("MedName"), COL("GenericNum"), COL("Notes"),
    COL("DateTStamp"), COL("RxCui"),
};

static void seed_medical_lists(struct gen *g, long stamp)
{
    struct ins b;
    size_t i;
    if (INS_TABLE(&b, &g->s, "medication", medication_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(medications); i++) {
        ROW(&b, medication_cols, VI((long long)i + 1), VS(medications[i].name),
            VI((long long)i + 1), VS(medications[i].note),
            VDT(stamp, 700 + (long)i), VS(medications[i].rxcui));
    }
    ins_done(&b);
    if (INS_TABLE(&b, &g->s, "allergydef", allergydef_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(allergydefs); i++) {
        ROW(&b, allergydef_cols, VI((long long)i + 1), VS(allergydefs[i].name),
            VDT(stamp, 720 + (long)i), VI(allergydefs[i].snomedtype),
            VI(allergydefs[i].med), VS(allergydefs[i].unii));
    }
    ins_done(&b);
    if (INS_TABLE(&b, &g->s, "diseasedef", diseasedef_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(diseasedefs); i++) {
        ROW(&b, diseasedef_cols, VI((long long)i + 1), VS(diseasedefs[i].name),
            VI((long long)i), VDT(stamp, 740 + (long)i),
            VS(diseasedefs[i].icd9), VS(diseasedefs[i].snomed),
            VS(diseasedefs[i].icd10));
    }
    ins_done(&b);
}

static const struct seed_col medicationpat_cols[] = {
    COL("MedicationPatNum"), COL("PatNum"), COL("MedicationNum"),
    COL("PatNote"), COL("DateTStamp"), COL("DateStart"), COL("DateStop"),
    C0("ProvNum"), CE("MedDescript"), COL("RxCui"), CE("ErxGuid"),
    C0("IsCpoe"),
};

static const struct seed_col allergy_cols[] = {
    COL("AllergyNum"), COL("AllergyDefNum"), COL("PatNum"), COL("Reaction"),
    CI("StatusIsActive", 1), COL("DateTStamp"), COL("DateAdverseReaction"),
    CE("SnomedReaction"),
};

static const struct seed_col disease_cols[] = {
    COL("DiseaseNum"), COL("PatNum"), COL("DiseaseDefNum"), COL("PatNote"),
    COL("DateTStamp"), COL("ProbStatus"), COL("DateStart"),
    { "DateStop", VDATE(NO_DATE) }, CS("SnomedProblemType", "55607006"),
    C0("FunctionStatus"),
};

/* Each patient's allergies, problems and medications, as the medical
 * history form at their first visit recorded them. */
static void seed_medical_history(struct gen *g)
{
    struct seed_clin *cl = g->clin;
    struct ins al, di, mp;
    long i, nal = 0, ndi = 0, nmp = 0;
    if (INS_TABLE(&al, &g->s, "allergy", allergy_cols) ||
        INS_TABLE(&di, &g->s, "disease", disease_cols) ||
        INS_TABLE(&mp, &g->s, "medicationpat", medicationpat_cols))
        return;
    for (i = 0; i < g->npat && !g->s.rc; i++) {
        const struct pat *p = &g->pats[i];
        int age = age_at(p->bdate, g->today), k;
        long seen = p->first_visit != NO_DATE ? p->first_visit
                                              : g->today - 30 - (p->num * 11) % 600;
        if (p->status == 1 || p->status == 6)
            continue; /* never filled in a health history here */
        if (chance(&cl->r, 0.16)) {
            k = (int)rnd(&cl->r, (long)OD_ARRAY_LEN(allergydefs));
            ++nal;
            ROW(&al, allergy_cols, VI(nal), VI(k + 1), VI(p->num),
                VS(k == 0   ? "Hives"
                   : k == 2 ? "Contact rash"
                   : k == 1 ? "Nausea and vomiting"
                            : "Rash"),
                VDT(seen, 610), VDATE(NO_DATE));
        }
        for (k = 0; k < 2; k++) { /* problems, more with age */
            int d, med = 0, status;
            long start;
            if (!chance(&cl->r, age > 50 ? 0.3 : age > 25 ? 0.12 : 0.05))
                continue;
            d = (int)rnd(&cl->r, (long)OD_ARRAY_LEN(diseasedefs));
            if (d == 5 && (p->gender != 1 || age < 20 || age > 42))
                d = 8; /* pregnancy only for women of that age */
            status = d == 5 && chance(&cl->r, 0.5) ? 1 : 0;
            start = seen - 200 - rnd(&cl->r, 3000);
            ++ndi;
            ROW(&di, disease_cols, VI(ndi), VI(p->num), VI(d + 1),
                VS(d == 4 ? "Hip replaced; premedicate with amoxicillin 2 g "
                            "1 hour before treatment." : ""),
                VDT(seen, 612), VI(status), VDATE(start));
            /* the problem's usual medication */
            med = d == 0 ? 3 : d == 1 ? 2 : d == 2 ? 12 : d == 4 ? 1 :
                  d == 6 ? 11 : 0;
            if (!med)
                continue;
            ++nmp;
            ROW(&mp, medicationpat_cols, VI(nmp), VI(p->num), VI(med),
                VS(med == 1    ? "2 g one hour before dental treatment."
                   : med == 12 ? "2 puffs as needed."
                               : "Once daily."),
                VDT(seen, 614), VDATE(seen - 100 - rnd(&cl->r, 2000)),
                VDATE(NO_DATE), VS(medications[med - 1].rxcui));
        }
    }
    ins_done(&al);
    ins_done(&di);
    ins_done(&mp);
}

/* ---- prescriptions' pharmacies, labs, referrals ------------------------------ */

static const struct seed_col pharmacy_cols[] = {
    COL("PharmacyNum"), COL("PharmID"), COL("StoreName"), COL("Phone"),
    COL("Fax"), COL("Address"), CE("Address2"), COL("City"), CS("State", "OR"),
    COL("Zip"), COL("Note"), COL("DateTStamp"),
};

static void seed_pharmacies(struct gen *g, long stamp)
{
    static const char *const ph[][7] = {
        /* PharmID, StoreName, Phone, Fax, Address, City, Zip */
        { "3812447", "Salem Health Pharmacy", "(503)555-0110", "(503)555-0111",
          "890 Oak St SE", "Salem", "97301" },
        { "3809125", "Lancaster Drug", "(503)555-0120", "(503)555-0121",
          "1440 Lancaster Dr NE", "Salem", "97305" },
        { "3820017", "Keizer Station Pharmacy", "(503)555-0130",
          "(503)555-0131", "6450 Keizer Station Blvd NE", "Keizer", "97303" },
        { "3807733", "Commercial Street Pharmacy", "(503)555-0140",
          "(503)555-0141", "3975 Commercial St SE", "Salem", "97302" },
    };
    struct ins b;
    size_t i;
    if (INS_TABLE(&b, &g->s, "pharmacy", pharmacy_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(ph); i++) {
        ROW(&b, pharmacy_cols, VI((long long)i + 1), VS(ph[i][0]),
            VS(ph[i][1]), VS(ph[i][2]), VS(ph[i][3]), VS(ph[i][4]),
            VS(ph[i][5]), VS(ph[i][6]), VS(i == 1 ? "Open 24 hours." : ""),
            VDT(stamp, 800 + (long)i));
    }
    ins_done(&b);
}

static const struct seed_col labturnaround_cols[] = {
    COL("LabTurnaroundNum"), COL("LaboratoryNum"), COL("Description"),
    COL("DaysPublished"), COL("DaysActual"),
};

static const struct seed_col laboratory_cols[] = {
    COL("LaboratoryNum"), COL("Description"), COL("Phone"), COL("Notes"),
    C0("Slip"), COL("Address"), COL("City"), CS("State", "OR"), COL("Zip"),
    COL("Email"), CE("WirelessPhone"), C0("IsHidden"),
};

static void seed_labs(struct gen *g)
{
    static const char *const labs[][6] = {
        /* name, phone, address, city, zip, email */
        { "Cascade Dental Lab", "(503)555-0170", "2250 Mission St SE", "Salem",
          "97302", "cases@cascadedentallab.example.com" },
        { "Willamette Valley Prosthetics", "(503)555-0180", "480 Court St NE",
          "Salem", "97301", "office@wvprosthetics.example.com" },
        { "Pacific Crown & Bridge", "(503)555-0190", "1120 NW Everett St",
          "Portland", "97209", "rx@pacificcb.example.com" },
    };
    static const struct {
        const char *what;
        int published, actual;
    } turns[] = { { "Crown - PFM", 10, 8 }, { "Crown - zirconia", 8, 7 },
                  { "Denture - final", 14, 12 }, { "Night guard", 7, 5 } };
    struct ins b;
    size_t i, k;
    long n = 0;
    if (INS_TABLE(&b, &g->s, "laboratory", laboratory_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(labs); i++) {
        ROW(&b, laboratory_cols, VI((long long)i + 1), VS(labs[i][0]),
            VS(labs[i][1]), VS(i == 2 ? "Rush cases: call before 10 am." : ""),
            VS(labs[i][2]), VS(labs[i][3]), VS(labs[i][4]), VS(labs[i][5]));
    }
    ins_done(&b);
    if (INS_TABLE(&b, &g->s, "labturnaround", labturnaround_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(labs); i++)
        for (k = 0; k < OD_ARRAY_LEN(turns); k++) {
            ++n;
            ROW(&b, labturnaround_cols, VI(n), VI((long long)i + 1),
                VS(turns[k].what), VI(turns[k].published + (int)i),
                VI(turns[k].actual + (int)i));
        }
    ins_done(&b);
}

static const struct seed_col referral_cols[] = {
    COL("ReferralNum"), COL("LName"), COL("FName"), CE("MName"), CE("SSN"),
    C0("UsingTIN"), COL("Specialty"), COL("ST"), COL("Telephone"),
    COL("Address"), COL("Address2"), COL("City"), COL("Zip"), CE("Note"),
    CE("Phone2"), C0("IsHidden"), COL("NotPerson"), COL("Title"), CE("EMail"),
    C0("PatNum"), COL("NationalProvID"), C0("Slip"), COL("IsDoctor"),
    C0("IsTrustedDirect"), COL("DateTStamp"), COL("IsPreferred"),
    COL("BusinessName"), CE("DisplayNote"),
};

static const struct seed_col refattach_cols[] = {
    COL("RefAttachNum"), COL("ReferralNum"), COL("PatNum"), COL("ItemOrder"),
    COL("RefDate"), COL("RefType"), COL("RefToStatus"), COL("Note"),
    COL("IsTransitionOfCare"), C0("ProcNum"), COL("DateProcComplete"),
    COL("ProvNum"), COL("DateTStamp"),
};

/* Specialists the practice refers to, and where new patients heard of
 * it; each new patient's source, and the patients sent to a specialist. */
static void seed_referrals(struct gen *g, long stamp)
{
    static const struct {
        const char *lname, *fname, *title, *biz, *phone;
        int spec, doctor, person; /* ProviderSpecialties index */
    } refs[] = {
        { "Nakamura", "Kenji", "DMD", "Salem Oral Surgery", "5035550210", 7,
          1, 1 },
        { "Albright", "Susan", "DDS", "Capitol Endodontics", "5035550220", 2,
          1, 1 },
        { "Okafor", "Daniel", "DDS", "Valley Periodontics", "5035550230", 4,
          1, 1 },
        { "Lindqvist", "Erik", "DMD", "Lindqvist Orthodontics", "5035550240",
          6, 1, 1 },
        { "Internet search", "", "", "", "", 0, 0, 0 },
        { "Insurance directory", "", "", "", "", 0, 0, 0 },
    };
    struct seed_clin *cl = g->clin;
    struct ins b;
    size_t i;
    long n = 0, nref = (long)OD_ARRAY_LEN(refs);
    if (INS_TABLE(&b, &g->s, "referral", referral_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(refs); i++) {
        ROW(&b, referral_cols, VI((long long)i + 1), VS(refs[i].lname),
            VS(refs[i].fname),
            VI(refs[i].doctor ? def_of(g, CAT_SPECIALTY, refs[i].spec) : 0),
            VS(refs[i].doctor ? "OR" : ""), VS(refs[i].phone),
            VS(refs[i].doctor ? "1900 Fairview Ave SE" : ""),
            VS(refs[i].doctor ? "Suite 300" : ""),
            VS(refs[i].doctor ? "Salem" : ""),
            VS(refs[i].doctor ? "97302" : ""), VI(!refs[i].person),
            VS(refs[i].title), VS(refs[i].doctor ? "1942283710" : ""),
            VI(refs[i].doctor), VDT(stamp, 900 + (long)i),
            VI(refs[i].doctor && i < 2), VS(refs[i].biz));
    }
    ins_done(&b);
    if (INS_TABLE(&b, &g->s, "refattach", refattach_cols))
        return;
    for (i = 0; i < (size_t)g->npat && !g->s.rc; i++) {
        const struct pat *p = &g->pats[i];
        int item = 0;
        long day = p->first_visit != NO_DATE ? p->first_visit
                                             : g->today - 60 - (long)i % 900;
        if (p->status == 1)
            continue;
        if (chance(&cl->r, 0.35)) { /* how they found the practice */
            long ref = 5 + rnd(&cl->r, 2);
            ++n;
            ROW(&b, refattach_cols, VI(n), VI(ref), VI(p->num), VI(item++),
                VDATE(day), VI(1) /* RefFrom */, VI(0), VS(""), VI(0),
                VDATE(NO_DATE), VI(0), VDT(day, 620));
        }
        if (p->status == 0 && chance(&cl->r, 0.06)) { /* to a specialist */
            long r = 1 + rnd(&cl->r, 4), when = g->today - 5 - rnd(&cl->r, 120);
            int st = 2 + (int)rnd(&cl->r, 4);
            ++n;
            ROW(&b, refattach_cols, VI(n), VI(r), VI(p->num), VI(item++),
                VDATE(when), VI(0) /* RefTo */, VI(st),
                VS(r == 1 ? "Evaluate third molars for extraction." :
                   r == 2 ? "Evaluate for retreatment." :
                   r == 3 ? "Generalized bone loss; evaluate for surgery." :
                            "Ortho consult."),
                VI(1), VDATE(st == 5 ? when + 30 : NO_DATE), VI(p->priprov),
                VDT(when, 640));
        }
    }
    ins_done(&b);
    (void)nref;
}

static const struct seed_col ehrpatient_cols[] = {
    COL("PatNum"), CE("MotherMaidenFname"), COL("MotherMaidenLname"),
    COL("VacShareOk"), CE("MedicaidState"), CE("SexualOrientation"),
    CE("GenderIdentity"), CE("SexualOrientationNote"),
    CE("GenderIdentityNote"), COL("DischargeDate"),
};

static const struct seed_col cdcrec_cols[] = {
    COL("CdcrecNum"), COL("CdcrecCode"), COL("HeirarchicalCode"),
    COL("Description"),
};

static const struct seed_col patientrace_cols[] = {
    COL("PatientRaceNum"), COL("PatNum"), COL("Race"), COL("CdcrecCode"),
};

/* CDC race and ethnicity codes (Open Dental imports the code system;
 * these are the top-level ones) and the patients' answers. */
static void seed_races(struct gen *g)
{
    static const struct {
        const char *code, *hier, *descr;
        int race; /* PatRace, deprecated */
    } cdc[] = {
        { "1002-5", "R1", "American Indian or Alaska Native", 3 },
        { "2028-9", "R2", "Asian", 4 },
        { "2054-5", "R3", "Black or African American", 2 },
        { "2076-8", "R4", "Native Hawaiian or Other Pacific Islander", 6 },
        { "2106-3", "R5", "White", 10 },
        { "2135-2", "E1", "Hispanic or Latino", 7 },
        { "2186-5", "E2", "Not Hispanic or Latino", 11 },
    };
    struct seed_clin *cl = g->clin;
    struct ins b, e;
    size_t i;
    long n = 0, ne = 0;
    if (INS_TABLE(&b, &g->s, "cdcrec", cdcrec_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(cdc); i++) {
        ROW(&b, cdcrec_cols, VI((long long)i + 1), VS(cdc[i].code),
            VS(cdc[i].hier), VS(cdc[i].descr));
    }
    ins_done(&b);
    if (INS_TABLE(&b, &g->s, "patientrace", patientrace_cols) ||
        INS_TABLE(&e, &g->s, "ehrpatient", ehrpatient_cols))
        return;
    for (i = 0; i < (size_t)g->npat && !g->s.rc; i++) {
        const struct pat *p = &g->pats[i];
        double k = rndf(&cl->r);
        int race = k < 0.72 ? 4 : k < 0.82 ? 1 : k < 0.86 ? 2 : k < 0.88 ? 0 :
                   k < 0.89 ? 3 : -1;
        if (p->status == 1 || !chance(&cl->r, 0.7))
            continue; /* not asked, or never answered */
        ROW(&b, patientrace_cols, VI(++n), VI(p->num),
            VI(race < 0 ? 5 : cdc[race].race),
            VS(race < 0 ? "ASKU-RACE" : cdc[race].code));
        k = rndf(&cl->r);
        ROW(&b, patientrace_cols, VI(++n), VI(p->num),
            VI(k < 0.14 ? 7 : k < 0.97 ? 11 : 12),
            VS(k < 0.14 ? "2135-2" : k < 0.97 ? "2186-5" : "ASKU-ETHNICITY"));
        if (chance(&cl->r, 0.3)) { /* the EHR details some patients gave */
            ROW(&e, ehrpatient_cols, VI(p->num),
                VS(p->relat == 2 ? last_names[(p->ln + 7) % nlast_names] : ""),
                VI(1 + (int)rnd(&cl->r, 2)), VDATE(NO_DATE));
            ne++;
        }
    }
    ins_done(&b);
    ins_done(&e);
    (void)ne;
}

static const struct seed_col document_cols[] = {
    COL("DocNum"), COL("Description"), COL("DateCreated"), COL("DocCategory"),
    COL("PatNum"), COL("FileName"), COL("ImgType"), C0("IsFlipped"),
    C0("DegreesRotated"), COL("ToothNumbers"), COL("Note"), C0("SigIsTopaz"),
    CE("Signature"), C0("CropX"), C0("CropY"), C0("CropW"), C0("CropH"),
    C0("WindowingMin"), C0("WindowingMax"), C0("MountItemNum"),
    COL("DateTStamp"), CE("RawBase64"), CE("Thumbnail"), CE("ExternalGUID"),
    C0("ExternalSource"), COL("ProvNum"), C0("IsCropOld"),
    CE("OcrResponseData"), C0("ImageCaptureType"), COL("PrintHeading"),
};

/* X-rays taken at visits and the forms patients signed, as the imaging
 * module lists them (the files themselves are not in the sandbox). */
static void seed_documents(struct gen *g)
{
    struct seed_clin *cl = g->clin;
    struct ins b;
    long i, n = 0;
    if (INS_TABLE(&b, &g->s, "document", document_cols))
        return;
    for (i = 0; i < g->npat && !g->s.rc; i++) {
        const struct pat *p = &g->pats[i];
        const struct clinpat *c = &cl->pats[i];
        int k;
        for (k = 0; k < 3; k++) {
            /* BWs, FMX, pano: the x-rays of the last such procedure */
            static const int kinds[] = { RK_4BW, RK_FMX, RK_PANO };
            static const char *const what[] = { "Bitewings", "FMX", "Pano" };
            long day = c->last[kinds[k]];
            int y, m, d;
            if (!day)
                continue;
            civil_from_days(day, &y, &m, &d);
            ++n;
            char filename2[512];
            snprintf(filename2, sizeof filename2,
                     "%s%s%ld_%04d%02d%02d_%s.jpg", last_names[p->ln],
                     fname_of(p), p->num, y, m, d, what[k]);
            ROW(&b, document_cols, VI(n), VS(what[k]), VDT(day, 560 + n % 300),
                VI(def_of(g, CAT_IMAGE, k)), VI(p->num), VS(filename2),
                VI(1), /* Radiograph */
                VS(k == 0 ? "2-3,14-15,18-19,30-31" : ""), VS(""),
                VDT(day, 560 + n % 300), VI(p->priprov), VI(0));
        }
        if (p->first_visit != NO_DATE && chance(&cl->r, 0.5)) {
            ++n;
            char filename3[512];
            snprintf(filename3, sizeof filename3, "%s%s%ld_consent.pdf",
                     last_names[p->ln], fname_of(p), p->num);
            ROW(&b, document_cols, VI(n), VS("Consent for treatment (signed)"),
                VDT(p->first_visit, 470), VI(def_of(g, CAT_IMAGE, 4)),
                VI(p->num), VS(filename3), VI(0), /* Document */
                VS(""), VS("Signed on the front desk tablet."),
                VDT(p->first_visit, 470), VI(0), VI(1));
        }
    }
    ins_done(&b);
}

/* ---- begin / end ------------------------------------------------------------------ */

void seed_clin_begin(struct gen *g)
{
    struct seed_clin *cl;
    if (g->s.rc)
        return;
    if (!(cl = g->clin = calloc(1, sizeof *cl)) ||
        !(cl->pats = calloc((size_t)g->npat, sizeof *cl->pats))) {
        fail(&g->s, ODAPI_E_NOMEM, "seeding: out of memory");
        return;
    }
    cl->r = seed_stream(g, "clinical");
    cl->lastapt = cl->lastperio = cl->lastrx = -1;
    seed_recalltypes(g);
    if (INS_TABLE(&cl->attach, &g->s, "treatplanattach",
                  treatplanattach_cols) ||
        INS_TABLE(&cl->proctp, &g->s, "proctp", proctp_cols) ||
        INS_TABLE(&cl->note, &g->s, "procnote", procnote_cols) ||
        INS_TABLE(&cl->rx, &g->s, "rxpat", rxpat_cols) ||
        INS_TABLE(&cl->perio, &g->s, "perioexam", perioexam_cols) ||
        INS_TABLE(&cl->measure, &g->s, "periomeasure", periomeasure_cols) ||
        INS_TABLE(&cl->tooth, &g->s, "toothinitial", toothinitial_cols) ||
        INS_TABLE(&cl->lab, &g->s, "labcase", labcase_cols))
        return;
}

/* Flush and close the streams the part keeps open (ins_done twice is
 * harmless: after a failure some are open, some closed). */
static void clin_close(struct seed_clin *cl)
{
    ins_done(&cl->attach);
    ins_done(&cl->proctp);
    ins_done(&cl->note);
    ins_done(&cl->rx);
    ins_done(&cl->perio);
    ins_done(&cl->measure);
    ins_done(&cl->tooth);
    ins_done(&cl->lab);
}

void seed_clin_end(struct gen *g)
{
    struct seed_clin *cl = g->clin;
    long stamp = g->today - 800;
    if (!cl || g->s.rc)
        return;
    flush_visit(g);
    seed_group_notes(g);
    seed_missing_wisdom(g);
    clin_close(cl);
    seed_recalls(g);
    seed_treatplans(g);
    seed_medical_lists(g, stamp);
    seed_medical_history(g);
    seed_pharmacies(g, stamp);
    seed_labs(g);
    seed_referrals(g, stamp);
    seed_races(g);
    seed_documents(g);
}

void seed_clin_free(struct gen *g)
{
    struct seed_clin *cl = g->clin;
    if (!cl)
        return;
    clin_close(cl);
    free(cl->pats);
    free(cl->groups);
    free(cl);
    g->clin = NULL;
}
