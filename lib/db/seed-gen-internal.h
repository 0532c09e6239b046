/*
 * seed-gen-internal.h - what the parts of the demo practice share: the
 * PRNG, dates as day numbers, the batched INSERTs (seed-rows.c), the
 * practice being generated (struct gen) and the static data of seed.c.
 *
 * The parts: seed.c (the practice: staff, codes, families, insurance,
 * schedules, appointments, procedures, payments), seed-money.c (claims,
 * claim payments, estimates, adjustments, prepayments, payment plans,
 * statements), seed-clinical.c (recalls, treatment plans, medical
 * history, prescriptions, perio charts, labs, referrals), seed-office.c
 * (staff and office tables: employees, user groups, tasks, sheets,
 * setup lists, logs).
 */
#ifndef ODAPI_SEED_GEN_INTERNAL_H
#define ODAPI_SEED_GEN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "db/mysql-api-internal.h"
#include "core/date-internal.h"

/* The static library's global names are od_* only (test/abi/exports.sh):
 * the seed's shared helpers keep their short names inside lib/db/seed*.c
 * through these. Include this header after every other. */
#define carrier_name od_seed_carrier_name
#define civil_from_days od_civil_from_days /* core/date.c */
#define code_idx od_seed_code_idx
#define codes od_seed_codes
#define color_int od_seed_color_int
#define commit_if od_seed_commit_if
#define days_from_civil od_days_from_civil /* core/date.c */
#define fail od_seed_fail
#define female_names od_seed_female_names
#define fname_of od_seed_fname_of
#define ins_done od_seed_ins_done
#define ins_end od_seed_ins_end
#define ins_init od_seed_ins_init
#define ins_row od_seed_ins_row
#define ins_table od_seed_ins_table
#define last_names od_seed_last_names
#define male_names od_seed_male_names
#define ncodes od_seed_ncodes
#define nfemale_names od_seed_nfemale_names
#define nlast_names od_seed_nlast_names
#define nmale_names od_seed_nmale_names
#define parse_date od_seed_parse_date
#define pay_open od_seed_pay_open
#define pay_row od_seed_pay_row
#define query od_seed_query
#define seed_clin_begin od_seed_clin_begin
#define seed_clin_end od_seed_clin_end
#define seed_clin_free od_seed_clin_free
#define seed_clin_proc od_seed_clin_proc
#define seed_max_key od_seed_max_key
#define seed_money_begin od_seed_money_begin
#define seed_money_broken od_seed_money_broken
#define seed_money_end od_seed_money_end
#define seed_money_free od_seed_money_free
#define seed_money_last_est od_seed_money_last_est
#define seed_money_proc od_seed_money_proc
#define seed_money_visit od_seed_money_visit
#define seed_one_row od_seed_one_row
#define seed_office od_seed_office
#define seed_stream od_seed_stream
#define vd od_seed_vd
#define vdate od_seed_vdate
#define vdt od_seed_vdt
#define vf od_seed_vf
#define vi od_seed_vi
#define vs od_seed_vs
#define vsn od_seed_vsn
#define weekday od_seed_weekday

/* ---- PRNG (splitmix64) ------------------------------------------------------ */

struct rng {
    uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* 0 .. n-1 */
static inline long rnd(struct rng *r, long n)
{
    return n <= 1 ? 0 : (long)(rng_next(r) % (uint64_t)n);
}

/* [0, 1) */
static inline double rndf(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static inline int chance(struct rng *r, double p)
{
    return rndf(r) < p;
}

/* ---- dates (seed-rows.c) ---------------------------------------------------- */

#define NO_DATE (-719162L) /* 0001-01-01 */

int weekday(long day); /* 0 = Sunday .. 6 = Saturday */
int parse_date(const char *s, long *day);

/* ---- batched inserts (seed-rows.c) ------------------------------------------ */

enum { V_INT, V_DBL, V_STR };

struct cell {
    int type;
    long long i;
    double d;
    size_t off;
    unsigned long len;
};

struct seeder;

struct ins {
    struct seeder *s;
    const char *table, *cols;
    int ncols, per, nrows, col;
    unsigned char *keep; /* per column: the database has it */
    char *kept;          /* the kept column list */
    int nkept;
    MYSQL_STMT *full;
    char *owncols;       /* ins_table's column list (cols points here) */
    struct cell *cells;
    MYSQL_BIND *binds;
    char *arena;
    size_t alen, acap;
    long long total;
};

struct seeder {
    MYSQL *m;
    struct od_catalog *cat; /* what the database has: an Open Dental
                               database of any version gets only its
                               columns (the rest keep their defaults) */
    int rc;
    char *err;
    size_t errlen;
    long pending; /* rows since the last COMMIT */
};

void fail(struct seeder *s, int rc, const char *fmt, ...) OD_PRINTF(3, 4);
/* The largest key of table so far (rows other parts wrote: a part adds its
 * rows after them); 0 for an empty table or one the database lacks. */
long seed_max_key(struct seeder *s, const char *table, const char *col);
int query(struct seeder *s, const char *sql);
void commit_if(struct seeder *s, long threshold);
/* Rows of table in the columns cols (a comma list): one vi/vd/vs/... per
 * column, then ins_end; ins_done flushes and frees. Columns (and tables)
 * the database lacks are left out. */
int ins_init(struct ins *b, struct seeder *s, const char *table,
             const char *cols);
void vi(struct ins *b, long long v);
void vd(struct ins *b, double v);
void vsn(struct ins *b, const char *s, size_t n);
void vs(struct ins *b, const char *s);
void vf(struct ins *b, const char *fmt, ...) OD_PRINTF(2, 3);
void vdate(struct ins *b, long day);          /* a date column */
void vdt(struct ins *b, long day, long min);  /* day + minutes since 00:00 */
void ins_end(struct ins *b);
void ins_done(struct ins *b);

/* ---- column tables (seed-rows.c) --------------------------------------------
 * A table's columns as data: each column's name and either its constant
 * value (the same in every row the seed writes) or COL (the row gives
 * it). ins_table opens the INSERT from such a table, ins_row (through ROW)
 * writes one row: the constants from the table, the COL values in order
 * from the row. The values of one ROW are an initialiser list, whose
 * expressions C evaluates in no set order: at most one of them may draw
 * from the PRNG or change state (++key); compute the others first. */

enum { SV_ARG = -1, SV_DATE = V_STR + 1, SV_DT };

struct seed_val {
    int type;         /* V_INT, V_DBL, V_STR, SV_DATE, SV_DT, or SV_ARG */
    long long i;      /* V_INT; SV_DATE and SV_DT: the day */
    double d;         /* V_DBL */
    const char *s;    /* V_STR */
    long min;         /* SV_DT: minutes since 00:00 */
};

struct seed_col {
    const char *name;
    struct seed_val v;
};

#define VI(x) { V_INT, (long long)(x), 0, NULL, 0 }
#define VD(x) { V_DBL, 0, (x), NULL, 0 }
#define VS(x) { V_STR, 0, 0, (x), 0 }
#define VDATE(day) { SV_DATE, (long long)(day), 0, NULL, 0 }
#define VDT(day, min) { SV_DT, (long long)(day), 0, NULL, (long)(min) }
#define COL(n) { (n), { SV_ARG, 0, 0, NULL, 0 } }
#define CI(n, x) { (n), VI(x) }
#define CD(n, x) { (n), VD(x) }
#define CS(n, x) { (n), VS(x) }
#define C0(n) CI(n, 0)   /* an integer 0 */
#define CE(n) CS(n, "")  /* an empty string */

int ins_table(struct ins *b, struct seeder *s, const char *table,
              const struct seed_col *cols, size_t n);
/* vals: the row's COL values in column order, ended by a SV_ARG entry. */
void ins_row(struct ins *b, const struct seed_col *cols, size_t n,
             const struct seed_val *vals);
/* One row of constants only (a table of one row, as the clinic). */
void seed_one_row(struct seeder *s, const char *table,
                  const struct seed_col *cols, size_t n);

#define ROW(b, cols, ...)                                                      \
    ins_row((b), (cols), OD_ARRAY_LEN(cols),                                   \
            (const struct seed_val[]){ __VA_ARGS__,                            \
                                       { SV_ARG, 0, 0, NULL, 0 } })
#define INS_TABLE(b, s, table, cols)                                           \
    ins_table((b), (s), (table), (cols), OD_ARRAY_LEN(cols))

/* ---- static practice data (seed.c) ------------------------------------------ */

/* definition categories (enum DefCat) */
enum {
    CAT_ADJ = 1, CAT_CONFIRMED = 2, CAT_BILLING = 4, CAT_PAYTYPE = 10,
    CAT_PROCCAT = 11, CAT_UNSCHED = 13, CAT_DX = 16, CAT_IMAGE = 18,
    CAT_TXPRI = 20, CAT_BLOCKOUT = 25, CAT_COMMLOG = 27, CAT_UNEARNED = 29,
    CAT_PROGNOSIS = 30, CAT_CLAIMTRACK = 31, CAT_INSPAY = 32,
    CAT_TASKPRI = 33, CAT_SPECIALTY = 35, CAT_CLAIMPAYTRACK = 36,
    CAT_INSVERIFY = 38, CAT_CLAIMPAYGROUP = 40, CAT_AUTONOTE = 41,
    CAT_WSNEWPAT = 42, CAT_CLAIMERROR = 43,
    CAT_PAYPLANCAT = 47, CAT_WSEXIST = 51, CAT_OPTYPE = 55, CAT_MAX = 56
};

/* procedure code categories, index into the CAT_PROCCAT items */
enum { PC_EXAM, PC_CLEAN, PC_FILL, PC_ENDO, PC_PERIO, PC_CROWN, PC_DENT,
       PC_IMPL, PC_OS, PC_ORTHO, PC_MISC };

/* TreatmentArea */
enum { TA_NONE, TA_SURF, TA_TOOTH, TA_MOUTH, TA_QUAD, TA_SEXTANT, TA_ARCH };

struct code {
    const char *code, *descript, *abbr, *time;
    int cat, area, hyg, prosth, radiology, nobill;
    double fee;
    const char *layman;
};

extern const struct code codes[];   /* CodeNum = index + 1 */
extern const size_t ncodes;
int code_idx(const char *code);     /* index of a code that is in codes[] */
extern const char *const last_names[], *const male_names[],
    *const female_names[];
extern const size_t nlast_names, nmale_names, nfemale_names;

/* ---- the practice being generated ------------------------------------------- */

struct fam {
    int num, street, kind, city;
    int phone;       /* home phone, last 7 digits */
    long guar;
};

struct pat {
    long num, guar, priprov, secprov, plan1, plan2, first_visit, bdate;
    long sub1, sub2;   /* InsSubNum of plan1 and plan2 */
    int fam, ln, fn, cell, status, gender, position, txt, pref, billing,
        email, relat;
    int rel1, rel2;    /* Relationship to the subscriber of plan1, plan2 */
    double charges, paid;
};

struct prov {
    long num;
    int hyg, hidden;
};

struct op {
    long num, dent, hygprov;
    int hyg;
};

/* An insurance plan as the estimates need it. */
struct plan {
    long carrier;
    double annual_max, deductible;
    int ppo;
};

struct seed_money;
struct seed_clin;

struct gen {
    struct seeder s;
    struct rng r;
    unsigned long seed; /* the seed option: each part's own PRNG stream */
    long today, npat, nfam, nprov, nops, nplans;
    struct pat *pats;
    struct fam *fams;
    struct prov *provs;
    struct op *ops;
    struct plan *plans;    /* PlanNum - 1 */
    long *active;          /* PatNums of PatStatus Patient */
    long nactive;
    long defnum[CAT_MAX][16];
    long aptnum, procnum, paynum, splitnum, commnum, schednum, schedopnum;
    struct ins apt, proc, pay, split, comm;
    struct seed_money *money;  /* seed-money.c's state */
    struct seed_clin *clin;    /* seed-clinical.c's state */
};

static inline long def_of(struct gen *g, int cat, int idx)
{
    return g->defnum[cat][idx];
}

static inline struct pat *pat_of(struct gen *g, long patnum)
{
    return &g->pats[patnum - 1];
}

static inline int age_at(long bdate, long day)
{
    return (int)((day - bdate) / 365.25);
}

const char *fname_of(const struct pat *p);
long long color_int(unsigned rgb); /* ARGB as Open Dental stores it */

/* A PRNG stream of its own for one part of the practice, so that adding
 * rows in one part leaves every other part's rows as they were. */
struct rng seed_stream(const struct gen *g, const char *part);

/* ---- what the procedures and visits of seed.c tell the other parts ----------- */

/* One procedurelog row as written. */
struct seed_proc {
    long procnum, patnum, aptnum, planned, prov;
    long day;        /* ProcDate (NO_DATE never: TP procedures get DateTP) */
    long tpday;      /* DateTP */
    long priority;   /* a TxPriorities DefNum, or 0 */
    int code;        /* index into codes[] */
    int status;      /* ProcStat: 1 TP, 2 C */
    double fee;
    const char *tooth, *surf;
};

/* A completed visit, before the patient pays at checkout. */
struct seed_visit {
    struct pat *p;
    long aptnum, day, endmin;
    int n;
    const long *procnums, *provs;
    const double *fees;
    const int *codeidx; /* indexes into codes[] */
};

/* ---- the parts ------------------------------------------------------------ */

const char *carrier_name(long carriernum); /* seed.c */
/* The payment rows all parts write (seed.c): pay_open opens the INSERT,
 * pay_row writes one (paytype: a PaymentTypes DefNum; min: the entry's
 * minute of the day). */
int pay_open(struct ins *b, struct seeder *s);
void pay_row(struct ins *b, long paynum, long paytype, long day, long min,
             double amt, const char *check, const char *note, int split,
             long patnum);

/* seed-money.c: begin before the appointments (coverage, benefits, the
 * claim streams), the hooks while they are written, end after them and
 * before seed.c writes the patients' balances. */
void seed_money_begin(struct gen *g);
void seed_money_proc(struct gen *g, const struct seed_proc *sp);
void seed_money_visit(struct gen *g, const struct seed_visit *v,
                      double *share); /* share: what the patient owes */
void seed_money_broken(struct gen *g, struct pat *p, long aptnum, long day,
                       long min, long prov);
void seed_money_end(struct gen *g);
/* The estimates seed_money_proc made for the procedure just written (the
 * primary's and secondary's InsEstTotal; 0 without insurance). */
void seed_money_last_est(struct gen *g, double *pri, double *sec);
void seed_money_free(struct gen *g);

/* seed-clinical.c: the same pattern. */
void seed_clin_begin(struct gen *g);
void seed_clin_proc(struct gen *g, const struct seed_proc *sp);
void seed_clin_end(struct gen *g);
void seed_clin_free(struct gen *g);

/* seed-office.c: the office's own tables, after everything else. */
void seed_office(struct gen *g, const char *customer_key,
                 const char *developer_name);

#endif /* ODAPI_SEED_GEN_INTERNAL_H */
