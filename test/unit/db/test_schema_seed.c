/*
 * test_schema_seed.c - od_schema_create / od_schema_check / od_seed against
 * a real MariaDB server (test/harness/mariadb.sh; socket in
 * ODAPI_TEST_SOCKET).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/odapi-internal.h"
#include "db/schema-internal.h"
#include "db/seed-internal.h"

#define TODAY "2025-03-12"

static const char *seeded_tables[] = {
    "preference", "definition", "provider",  "operatory",   "userod",
    "feesched",   "procedurecode", "fee",    "carrier",     "insplan",
    "benefit",    "inssub",     "patplan",   "schedule",    "scheduleop",
    "appointment", "procedurelog", "payment", "paysplit",   "commlog",
    "patient",    "apikey",
    /* seed-money.c */
    "covcat", "covspan", "codegroup", "substitutionlink", "discountplan",
    "discountplansub", "claim", "claimproc", "claimpayment", "etrans",
    "etransmessagetext", "eobattach", "claimtracking", "insverify",
    "adjustment", "payplan", "payplancharge", "statement", "employer",
    /* seed-clinical.c */
    "recalltype", "recall", "treatplan", "treatplanattach", "proctp",
    "procnote", "procgroupitem", "rxpat", "pharmacy", "perioexam",
    "periomeasure", "toothinitial", "labcase", "laboratory", "labturnaround",
    "allergydef", "allergy", "medication", "medicationpat", "diseasedef",
    "disease", "cdcrec", "patientrace", "ehrpatient", "referral", "refattach",
    "document",
    /* seed-office.c */
    "clinic", "employee", "clockevent", "usergroup", "usergroupattach",
    "computer", "tasklist", "task", "tasknote", "quickpastecat",
    "quickpastenote", "autonote", "autonotecontrol", "sheetdef",
    "sheetfielddef", "sheet", "sheetfield", "apptfielddef", "apptfield",
    "patfielddef", "patfield", "appointmenttype", "asapcomm", "popup",
    "patientnote", "histappointment", "securitylog", "apisubscription",
};

static char db_a[64], db_b[64], db_c[64], db_empty[64];

static MYSQL *connect_db(const char *db)
{
    const char *sock = getenv("ODAPI_TEST_SOCKET");
    MYSQL *m;
    if (!sock || !*sock) {
        fprintf(stderr,
                "ODAPI_TEST_SOCKET is not set: start a server with\n"
                "  sh test/harness/mariadb.sh start /tmp/odtest\n"
                "and run ODAPI_TEST_SOCKET=/tmp/odtest/mysql.sock %s\n",
                "build/test/db/test_schema_seed");
        fail_msg("ODAPI_TEST_SOCKET is not set");
    }
    m = mysql_init(NULL);
    assert_non_null(m);
#ifdef ODAPI_HAVE_EMBEDDED
    mysql_options(m, MYSQL_OPT_USE_REMOTE_CONNECTION, NULL);
#endif
    if (!mysql_real_connect(m, NULL, "root", NULL, db, 0, sock, 0))
        fail_msg("cannot connect to %s: %s", sock, mysql_error(m));
    return m;
}

static void exec(MYSQL *m, const char *sql)
{
    if (mysql_query(m, sql) != 0)
        fail_msg("%s: %s", sql, mysql_error(m));
}

static long long scalar(MYSQL *m, const char *sql)
{
    MYSQL_RES *r;
    MYSQL_ROW row;
    long long v = -1;
    exec(m, sql);
    r = mysql_store_result(m);
    assert_non_null(r);
    row = mysql_fetch_row(r);
    if (row && row[0])
        v = atoll(row[0]);
    mysql_free_result(r);
    return v;
}

static void recreate(MYSQL *m, const char *db)
{
    char sql[200];
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS `%s`", db);
    exec(m, sql);
    snprintf(sql, sizeof(sql), "CREATE DATABASE `%s` CHARACTER SET utf8mb4", db);
    exec(m, sql);
}

/* A fresh database with the schema and a seed; returns the seconds taken. */
static double make_seeded(const char *db, unsigned long seed, long patients)
{
    MYSQL *m = connect_db(NULL);
    struct od_seed_opts o;
    char err[512];
    uint64_t t0;
    recreate(m, db);
    assert_int_equal(mysql_select_db(m, db), 0);
    assert_int_equal(od_schema_create(m, err, sizeof(err)), ODAPI_OK);
    memset(&o, 0, sizeof(o));
    o.seed = seed;
    o.patients = patients;
    o.today = TODAY;
    o.customer_key = "DemoCustomerKey01";
    o.developer_name = "Demo Developer";
    t0 = od_now_ms();
    if (od_seed(m, &o, err, sizeof(err)) != ODAPI_OK)
        fail_msg("od_seed: %s", err);
    mysql_close(m);
    return (double)(od_now_ms() - t0) / 1000.0;
}

static void test_split(void **state)
{
    static const char sql[] =
        "-- a comment; with a semicolon\n"
        "CREATE TABLE a (x varchar(9) DEFAULT 'a;b');\n"
        "/* block; comment */ INSERT INTO a VALUES ('it''s;'), (\"q;\\\";\");\n"
        "# hash comment;\n"
        "SELECT `we;ird` FROM a;  \n -- trailing\n";
    struct {
        int n;
        char s[4][200];
    } acc;
    (void)state;
    memset(&acc, 0, sizeof(acc));
    int collect(const char *s, size_t len, void *arg);
    assert_int_equal(od_sql_split(sql, sizeof(sql) - 1, collect, &acc), 0);
    assert_int_equal(acc.n, 3);
    assert_non_null(strstr(acc.s[0], "'a;b')"));
    assert_non_null(strstr(acc.s[1], "(\"q;\\\";\")"));
    assert_non_null(strstr(acc.s[2], "`we;ird` FROM a"));
}

int collect(const char *s, size_t len, void *arg);
int collect(const char *s, size_t len, void *arg)
{
    struct {
        int n;
        char s[4][200];
    } *acc = arg;
    if (acc->n < 4)
        snprintf(acc->s[acc->n], sizeof(acc->s[0]), "%.*s", (int)len, s);
    acc->n++;
    return 0;
}

static void test_schema(void **state)
{
    MYSQL *m = connect_db(NULL);
    char err[512], version[64];
    (void)state;
    recreate(m, db_empty);
    assert_int_equal(mysql_select_db(m, db_empty), 0);

    /* an empty database is not an Open Dental database */
    assert_int_equal(od_schema_check(m, version, sizeof(version), err, sizeof(err)),
                     ODAPI_E_DB_SCHEMA);
    assert_non_null(strstr(err, db_empty));
    assert_non_null(strstr(err, "patient"));
    assert_non_null(strstr(err, "sandbox"));

    /* create twice: idempotent */
    assert_int_equal(od_schema_create(m, err, sizeof(err)), ODAPI_OK);
    assert_int_equal(od_schema_create(m, err, sizeof(err)), ODAPI_OK);
    {
        /* every table of the compiled-in DDL (apikey, scheduleop and
         * benefit are in it now) */
        long want = 0;
        const char *p = od_schema_sql;
        /* statements start a line; the file's header comment also
         * mentions the phrase */
        while ((p = strstr(p, "\nCREATE TABLE IF NOT EXISTS"))) {
            want++;
            p++;
        }
        assert_int_equal(scalar(m, "SELECT COUNT(*) FROM "
                                   "information_schema.TABLES WHERE "
                                   "TABLE_SCHEMA = DATABASE()"),
                         want);
    }
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM information_schema.TABLES "
                               "WHERE TABLE_SCHEMA = DATABASE() AND "
                               "TABLE_COLLATION NOT LIKE 'utf8mb4%'"),
                     0);
    assert_int_equal(od_schema_check(m, version, sizeof(version), err, sizeof(err)),
                     ODAPI_OK);
    assert_string_equal(version, "");

    /* one core table missing: named in the message */
    exec(m, "DROP TABLE procedurecode");
    assert_int_equal(od_schema_check(m, version, sizeof(version), err, sizeof(err)),
                     ODAPI_E_DB_SCHEMA);
    assert_non_null(strstr(err, "procedurecode"));
    assert_null(strstr(err, "patient,"));

    /* no database selected */
    mysql_close(m);
    m = connect_db(NULL);
    assert_int_equal(od_schema_check(m, version, sizeof(version), err, sizeof(err)),
                     ODAPI_E_DB_SCHEMA);
    mysql_close(m);
}

static void test_seed(void **state)
{
    MYSQL *m;
    char err[512], version[64];
    struct od_seed_opts o;
    double secs;
    (void)state;

    secs = make_seeded(db_a, 42, 0);
    printf("# seeded the default practice (%d patients) in %.2f s\n",
           OD_SEED_DEFAULT_PATIENTS, secs);
    m = connect_db(db_a);
    assert_int_equal(od_schema_check(m, version, sizeof(version), err, sizeof(err)),
                     ODAPI_OK);
    assert_string_equal(version, "24.3.10.0");

    /* sizes */
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM patient"), 200);
    assert_in_range(scalar(m, "SELECT COUNT(*) FROM provider"), 4, 6);
    assert_in_range(scalar(m, "SELECT COUNT(*) FROM operatory"), 5, 6);
    assert_in_range(scalar(m, "SELECT COUNT(*) FROM procedurecode"), 40, 60);
    /* a fee per code (not the "~GRP~" group note) and fee schedule */
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM fee"),
                     scalar(m, "SELECT COUNT(*) FROM procedurecode WHERE "
                               "ProcCode <> '~GRP~'") *
                         scalar(m, "SELECT COUNT(*) FROM feesched"));
    assert_in_range(scalar(m, "SELECT COUNT(*) FROM appointment"), 1500, 2600);
    assert_in_range(scalar(m, "SELECT COUNT(*) FROM procedurelog"), 1800, 5000);
    assert_in_range(scalar(m, "SELECT COUNT(*) FROM appointment WHERE AptStatus = 1"), 150, 800);
    assert_in_range(scalar(m, "SELECT COUNT(*) FROM appointment WHERE AptStatus = 2"), 800, 2400);
    assert_true(scalar(m, "SELECT COUNT(*) FROM appointment WHERE AptStatus = 5") > 0);
    assert_true(scalar(m, "SELECT COUNT(*) FROM appointment WHERE AptStatus = 3") > 0);
    assert_true(scalar(m, "SELECT COUNT(*) FROM appointment WHERE AptStatus = 6 AND Op = 0") > 0);
    assert_true(scalar(m, "SELECT COUNT(*) FROM appointment WHERE Priority = 1") > 0);
    assert_true(scalar(m, "SELECT COUNT(*) FROM procedurelog WHERE ProcStatus = 1") > 100);
    assert_true(scalar(m, "SELECT COUNT(*) FROM payment") > 500);
    assert_true(scalar(m, "SELECT COUNT(*) FROM paysplit") >= scalar(m, "SELECT COUNT(*) FROM payment"));
    assert_true(scalar(m, "SELECT COUNT(*) FROM commlog") > 100);
    assert_true(scalar(m, "SELECT COUNT(*) FROM inssub") > 30);
    assert_true(scalar(m, "SELECT COUNT(*) FROM patplan") > 50);
    assert_true(scalar(m, "SELECT COUNT(*) FROM benefit") > 10);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM apikey WHERE CustApiKey = "
                               "'DemoCustomerKey01' AND DevName = 'Demo Developer'"), 1);
    assert_int_equal(scalar(m, "SELECT ValueString FROM preference WHERE PrefName = 'EasyNoClinics'"), 1);
    assert_true(scalar(m, "SELECT COUNT(DISTINCT PatStatus) FROM patient") >= 4);
    assert_true(scalar(m, "SELECT COUNT(*) FROM patient WHERE PatNum <> Guarantor") > 40);
    /* e-mail addresses: first.last and two digits, lower case, an
     * apostrophe (O'Brien) as x */
    assert_true(scalar(m, "SELECT COUNT(*) FROM patient WHERE Email <> ''") > 50);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM patient WHERE Email <> '' AND "
                               "(BINARY Email <> LOWER(Email) OR Email LIKE '%''%' OR "
                               "Email NOT REGEXP '^[a-z]+\\.[a-z]+[0-9]{1,2}@example\\.com$')"), 0);
    assert_true(scalar(m, "SELECT COUNT(*) FROM patient WHERE LName = 'O''Brien' "
                          "AND Email LIKE '%.oxbrien%'") > 0);
    /* definitions for the categories the API reads, ordered from 0 */
    assert_int_equal(scalar(m, "SELECT COUNT(DISTINCT Category) FROM definition "
                               "WHERE Category IN (1,2,4,10,11,13,18,20,25,27)"), 10);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM definition WHERE Category = 2 "
                               "AND ItemName = 'Unconfirmed'"), 1);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM (SELECT Category, MIN(ItemOrder) o, "
                               "MAX(ItemOrder) x, COUNT(*) n FROM definition GROUP BY "
                               "Category) t WHERE o <> 0 OR x <> n - 1"), 0);
    /* schedules: 2 weeks back, 4 weeks ahead; providers on working days,
     * linked to ops; on a weekend one practice note a day, no provider */
    assert_int_equal(scalar(m, "SELECT MIN(SchedDate) >= '2025-02-26' AND "
                               "MAX(SchedDate) < '2025-04-09' FROM schedule"), 1);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM schedule WHERE "
                               "(DAYOFWEEK(SchedDate) IN (1,7)) <> (SchedType = 0)"), 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM (SELECT SchedDate FROM schedule "
                               "WHERE SchedType = 0 AND ProvNum = 0 GROUP BY SchedDate "
                               "HAVING COUNT(*) = 1) t"), 12);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM schedule s LEFT JOIN scheduleop so "
                               "ON so.ScheduleNum = s.ScheduleNum WHERE so.ScheduleOpNum IS NULL "
                               "AND s.SchedType = 1"), 0);

    /* referential sanity */
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM appointment a LEFT JOIN patient p "
                               "ON p.PatNum = a.PatNum WHERE p.PatNum IS NULL"), 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM appointment a LEFT JOIN operatory o "
                               "ON o.OperatoryNum = a.Op WHERE a.AptStatus <> 6 AND "
                               "o.OperatoryNum IS NULL"), 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM appointment a LEFT JOIN provider v "
                               "ON v.ProvNum = a.ProvNum WHERE v.ProvNum IS NULL"), 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM appointment a WHERE a.ProvHyg <> 0 AND "
                               "NOT EXISTS (SELECT 1 FROM provider v WHERE v.ProvNum = a.ProvHyg)"), 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM appointment a WHERE a.Confirmed NOT IN "
                               "(SELECT DefNum FROM definition WHERE Category = 2)"), 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM patient p LEFT JOIN patient g "
                               "ON g.PatNum = p.Guarantor WHERE g.PatNum IS NULL "
                               "OR g.Guarantor <> g.PatNum"), 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM patient p WHERE p.PriProv NOT IN "
                               "(SELECT ProvNum FROM provider)"), 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM patient p WHERE p.BillingType NOT IN "
                               "(SELECT DefNum FROM definition WHERE Category = 4)"), 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM procedurelog l LEFT JOIN procedurecode c "
                               "ON c.CodeNum = l.CodeNum WHERE c.CodeNum IS NULL"), 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM procedurelog l LEFT JOIN patient p "
                               "ON p.PatNum = l.PatNum WHERE p.PatNum IS NULL"), 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM procedurelog l WHERE l.AptNum <> 0 AND "
                               "NOT EXISTS (SELECT 1 FROM appointment a WHERE a.AptNum = l.AptNum "
                               "AND a.PatNum = l.PatNum)"), 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM procedurelog l JOIN fee f "
                               "ON f.CodeNum = l.CodeNum AND f.FeeSched = 1 WHERE "
                               "l.ProcStatus = 2 AND l.ProcFee <> f.Amount"), 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM procedurelog l JOIN appointment a "
                               "ON a.AptNum = l.AptNum WHERE (l.ProcStatus = 2) <> (a.AptStatus = 2)"), 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM paysplit s LEFT JOIN payment p "
                               "ON p.PayNum = s.PayNum WHERE p.PayNum IS NULL"), 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM payment p WHERE ABS(p.PayAmt - "
                               "(SELECT SUM(SplitAmt) FROM paysplit s WHERE s.PayNum = p.PayNum)) > 0.001"), 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM patplan pp LEFT JOIN inssub s "
                               "ON s.InsSubNum = pp.InsSubNum LEFT JOIN insplan i ON "
                               "i.PlanNum = s.PlanNum WHERE i.PlanNum IS NULL"), 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM commlog c WHERE c.CommType NOT IN "
                               "(SELECT DefNum FROM definition WHERE Category = 27)"), 0);
    /* the ledger (seed_ledger_history, seed_ledger): balances of every
     * age, finance charges, prepayments; the family aging only on the
     * guarantors (test_ledger.py checks the amounts against the views) */
    assert_true(scalar(m, "SELECT COUNT(*) FROM patient WHERE PatNum = "
                          "Guarantor AND Bal_31_60 + Bal_61_90 + BalOver90 > 0") > 0);
    assert_true(scalar(m, "SELECT COUNT(*) FROM patient WHERE Bal_0_30 > 0") > 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM patient WHERE PatNum <> "
                               "Guarantor AND (BalTotal <> 0 OR Bal_0_30 <> 0 OR "
                               "Bal_31_60 <> 0 OR Bal_61_90 <> 0 OR BalOver90 <> 0 "
                               "OR InsEst <> 0 OR PayPlanDue <> 0)"), 0);
    assert_true(scalar(m, "SELECT COUNT(*) FROM adjustment a JOIN preference p ON "
                          "p.PrefName = 'FinanceChargeAdjustmentType' AND "
                          "p.ValueString = a.AdjType") > 0);
    assert_true(scalar(m, "SELECT COUNT(*) FROM paysplit s JOIN preference p ON "
                          "p.PrefName = 'PrepaymentUnearnedType' AND "
                          "p.ValueString = s.UnearnedType WHERE s.ProvNum = 0") > 0);
    assert_int_equal(scalar(m, "SELECT ABS(SUM(BalTotal) - SUM(EstBalance)) < 0.01 "
                               "FROM patient"), 1);
    /* past appointments complete/broken/unscheduled, future ones scheduled */
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM appointment WHERE AptStatus = 2 AND "
                               "AptDateTime >= '" TODAY "'"), 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM appointment WHERE AptStatus = 1 AND "
                               "AptDateTime < '" TODAY "'"), 0);
    /* in office hours, not over lunch, never overlapping in an operatory */
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM appointment WHERE Op <> 0 AND ("
                               "TIME(AptDateTime) < '08:00' OR TIME(AptDateTime + INTERVAL "
                               "LENGTH(Pattern) * 5 MINUTE) > '17:00' OR (TIME(AptDateTime) < '12:00' "
                               "AND TIME(AptDateTime + INTERVAL LENGTH(Pattern) * 5 MINUTE) > '12:00'))"),
                     0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM appointment a JOIN appointment b "
                               "ON a.Op = b.Op AND a.AptNum < b.AptNum AND a.Op <> 0 AND "
                               "a.AptDateTime < b.AptDateTime + INTERVAL LENGTH(b.Pattern) * 5 MINUTE "
                               "AND b.AptDateTime < a.AptDateTime + INTERVAL LENGTH(a.Pattern) * 5 MINUTE "
                               "AND DATE(a.AptDateTime) = DATE(b.AptDateTime)"),
                     0);
    /* timestamps are seeded, not the wall clock */
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM appointment WHERE DateTStamp >= '" TODAY "'"), 0);
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM patient WHERE DateTStamp >= '" TODAY "'"), 0);

    /* seeding again into a non-empty database is refused */
    memset(&o, 0, sizeof(o));
    o.today = TODAY;
    assert_int_equal(od_seed(m, &o, err, sizeof(err)), ODAPI_E_STATE);
    o.today = "2025-02-30";
    assert_int_equal(od_seed(m, &o, err, sizeof(err)), ODAPI_E_INVALID);
    mysql_close(m);
}

/* ZERO(m, sql): the query's count is 0 (a query that finds what must not
 * be there), with the query in the failure. */
#define ZERO(m, sql)                                                         \
    do {                                                                     \
        long long n_ = scalar(m, sql);                                       \
        if (n_ != 0)                                                         \
            fail_msg("%lld rows: %s", n_, sql);                              \
    } while (0)

/* The rows beyond the appointments hold together the way Open Dental
 * writes them (lib/db/seed-money.c, seed-clinical.c, seed-office.c). */
static void test_seed_consistency(void **state)
{
    MYSQL *m = connect_db(db_a);
    (void)state;
    /* claims: their claimprocs, on completed procedures of the patient,
     * add up to the claim */
    assert_true(scalar(m, "SELECT COUNT(*) FROM claim") > 100);
    ZERO(m, "SELECT COUNT(*) FROM claimproc cp LEFT JOIN claim c ON "
            "c.ClaimNum = cp.ClaimNum WHERE cp.ClaimNum <> 0 AND (c.ClaimNum "
            "IS NULL OR c.PatNum <> cp.PatNum OR c.PlanNum <> cp.PlanNum OR "
            "c.InsSubNum <> cp.InsSubNum)");
    ZERO(m, "SELECT COUNT(*) FROM claimproc cp JOIN procedurelog p ON "
            "p.ProcNum = cp.ProcNum JOIN claim c ON c.ClaimNum = cp.ClaimNum "
            "WHERE (p.ProcStatus <> IF(c.ClaimType = 'PreAuth', 1, 2) OR "
            "p.PatNum <> cp.PatNum OR p.ProcFee <> cp.FeeBilled OR "
            "p.ProcDate <> cp.ProcDate)");
    ZERO(m, "SELECT COUNT(*) FROM claim c WHERE ABS(c.ClaimFee - (SELECT "
            "SUM(FeeBilled) FROM claimproc WHERE ClaimNum = c.ClaimNum)) > 0.005 "
            "OR ABS(c.InsPayEst - (SELECT SUM(InsPayEst) FROM claimproc WHERE "
            "ClaimNum = c.ClaimNum)) > 0.005 OR ABS(c.InsPayAmt - (SELECT "
            "SUM(InsPayAmt) FROM claimproc WHERE ClaimNum = c.ClaimNum)) > 0.005 "
            "OR ABS(c.DedApplied - (SELECT SUM(DedApplied) FROM claimproc WHERE "
            "ClaimNum = c.ClaimNum)) > 0.005");
    /* received claims: received claimprocs; the others: not received */
    ZERO(m, "SELECT COUNT(*) FROM claimproc cp JOIN claim c ON c.ClaimNum = "
            "cp.ClaimNum WHERE c.ClaimType = 'P' AND ((c.ClaimStatus = 'R') <> "
            "(cp.Status = 1) OR cp.Status NOT IN (0, 1))");
    /* pre-authorizations of planned crowns and dentures: Preauth rows */
    assert_true(scalar(m, "SELECT COUNT(*) FROM claim WHERE ClaimType = "
                          "'PreAuth'") > 0);
    ZERO(m, "SELECT COUNT(*) FROM claimproc cp JOIN claim c ON c.ClaimNum = "
            "cp.ClaimNum WHERE (c.ClaimType = 'PreAuth') <> (cp.Status = 2)");
    ZERO(m, "SELECT COUNT(*) FROM claim WHERE (ClaimStatus IN ('S', 'R')) <> "
            "(DateSent > '0001-01-01') OR (ClaimStatus = 'R') <> (DateReceived "
            "> '0001-01-01') OR DateReceived >= '" TODAY "' OR DateSent >= '"
            TODAY "'");
    /* insurance checks: the received claimprocs on them add up to them,
     * dated as the check */
    assert_true(scalar(m, "SELECT COUNT(*) FROM claimpayment") > 5);
    ZERO(m, "SELECT COUNT(*) FROM claimpayment p WHERE ABS(p.CheckAmt - (SELECT "
            "SUM(InsPayAmt) FROM claimproc WHERE ClaimPaymentNum = "
            "p.ClaimPaymentNum)) > 0.005");
    ZERO(m, "SELECT COUNT(*) FROM claimproc cp JOIN claimpayment p ON "
            "p.ClaimPaymentNum = cp.ClaimPaymentNum WHERE cp.DateCP <> "
            "p.CheckDate OR cp.Status <> 1");
    /* every procedure of an insured patient has a claimproc of the primary
     * plan: on a claim once complete, an estimate while planned */
    ZERO(m, "SELECT COUNT(*) FROM procedurelog p JOIN patplan pp ON pp.PatNum "
            "= p.PatNum AND pp.Ordinal = 1 JOIN inssub s ON s.InsSubNum = "
            "pp.InsSubNum JOIN procedurecode c ON c.CodeNum = p.CodeNum WHERE "
            "p.ProcFee > 0 AND p.ProcStatus IN (1, 2) AND NOT EXISTS (SELECT 1 "
            "FROM claimproc cp WHERE cp.ProcNum = p.ProcNum AND cp.PlanNum = "
            "s.PlanNum AND cp.Status = IF(p.ProcStatus = 1 OR c.NoBillIns = 1, "
            "6, cp.Status))");
    ZERO(m, "SELECT COUNT(*) FROM claimproc cp JOIN procedurelog p ON "
            "p.ProcNum = cp.ProcNum WHERE cp.Status = 6 AND (cp.ClaimNum <> 0 "
            "OR cp.InsEstTotal > p.ProcFee OR cp.InsEstTotal < 0)");
    /* payment plans: the credit is the amount, debits of static plans add
     * up to it, payments on them name a debit of the plan */
    assert_true(scalar(m, "SELECT COUNT(*) FROM payplan") >= 4);
    ZERO(m, "SELECT COUNT(*) FROM payplan p WHERE ABS(p.CompletedAmt - (SELECT "
            "SUM(Principal) FROM payplancharge WHERE PayPlanNum = p.PayPlanNum "
            "AND ChargeType = 1)) > 0.005 OR (p.IsDynamic = 0 AND "
            "ABS(p.CompletedAmt - (SELECT SUM(Principal) FROM payplancharge "
            "WHERE PayPlanNum = p.PayPlanNum AND ChargeType = 0)) > 0.005)");
    ZERO(m, "SELECT COUNT(*) FROM paysplit s LEFT JOIN payplancharge c ON "
            "c.PayPlanChargeNum = s.PayPlanChargeNum WHERE s.PayPlanNum <> 0 "
            "AND (c.PayPlanNum IS NULL OR c.PayPlanNum <> s.PayPlanNum OR "
            "c.ChargeType <> 0)");
    /* prepayments: unearned splits, on no procedure or a planned one */
    ZERO(m, "SELECT COUNT(*) FROM paysplit s LEFT JOIN procedurelog p ON "
            "p.ProcNum = s.ProcNum WHERE s.UnearnedType <> 0 AND s.ProcNum <> 0 "
            "AND (p.ProcStatus <> 1 OR p.PatNum <> s.PatNum)");
    assert_true(scalar(m, "SELECT COUNT(*) FROM paysplit WHERE UnearnedType "
                          "<> 0") > 0);
    /* recalls (Recalls.Synch): active patients; due = previous + interval
     * (Interval: days, weeks, months, years a byte each); previous = the
     * last completed trigger procedure */
    assert_true(scalar(m, "SELECT COUNT(*) FROM recall") > 50);
    ZERO(m, "SELECT COUNT(*) FROM recall r JOIN patient p ON p.PatNum = "
            "r.PatNum WHERE p.PatStatus <> 0");
    ZERO(m, "SELECT COUNT(*) FROM recall WHERE DatePrevious > '0001-01-01' AND "
            "DateDueCalc <> DATE_ADD(DATE_ADD(DATE_ADD(DatePrevious, INTERVAL "
            "(RecallInterval >> 24) & 255 YEAR), INTERVAL (RecallInterval >> 16) "
            "& 255 MONTH), INTERVAL ((RecallInterval >> 8) & 255) * 7 + "
            "(RecallInterval & 255) DAY)");
    /* the prophy and perio recall (types 1 and 3) share their triggers */
    ZERO(m, "SELECT COUNT(*) FROM recall r WHERE r.DatePrevious <> COALESCE("
            "(SELECT MAX(p.ProcDate) FROM procedurelog p JOIN recalltrigger t "
            "ON t.CodeNum = p.CodeNum WHERE p.PatNum = r.PatNum AND "
            "p.ProcStatus = 2 AND (t.RecallTypeNum = r.RecallTypeNum OR "
            "(r.RecallTypeNum IN (1, 3) AND t.RecallTypeNum IN (1, 3)))), "
            "'0001-01-01')");
    assert_int_equal(scalar(m, "SELECT COUNT(*) FROM recalltrigger"), 10);
    ZERO(m, "SELECT COUNT(*) FROM recall WHERE DateScheduled > '0001-01-01' AND "
            "DateScheduled < '" TODAY "'");
    /* treatment plans: every planned procedure on the patient's active
     * plan; saved plans' procedures are the patient's */
    ZERO(m, "SELECT COUNT(*) FROM procedurelog p WHERE p.ProcStatus = 1 AND "
            "NOT EXISTS (SELECT 1 FROM treatplanattach a JOIN treatplan t ON "
            "t.TreatPlanNum = a.TreatPlanNum WHERE a.ProcNum = p.ProcNum AND "
            "t.PatNum = p.PatNum AND t.TPStatus = 1)");
    ZERO(m, "SELECT COUNT(*) FROM proctp x JOIN procedurelog p ON p.ProcNum = "
            "x.ProcNumOrig JOIN treatplan t ON t.TreatPlanNum = x.TreatPlanNum "
            "WHERE p.PatNum <> x.PatNum OR t.PatNum <> x.PatNum OR t.TPStatus "
            "<> 0");
    /* group notes: a "~GRP~" procedure of the patient and day it groups */
    assert_true(scalar(m, "SELECT COUNT(*) FROM procgroupitem") > 0);
    ZERO(m, "SELECT COUNT(*) FROM procgroupitem i JOIN procedurelog g ON "
            "g.ProcNum = i.GroupNum JOIN procedurelog p ON p.ProcNum = "
            "i.ProcNum JOIN procedurecode c ON c.CodeNum = g.CodeNum WHERE "
            "c.ProcCode <> '~GRP~' OR g.PatNum <> p.PatNum OR g.ProcDate <> "
            "p.ProcDate OR g.ProcStatus <> 3");
    /* the keys rows name exist */
    ZERO(m, "SELECT COUNT(*) FROM rxpat r LEFT JOIN pharmacy p ON "
            "p.PharmacyNum = r.PharmacyNum WHERE p.PharmacyNum IS NULL");
    ZERO(m, "SELECT COUNT(*) FROM labcase l LEFT JOIN laboratory b ON "
            "b.LaboratoryNum = l.LaboratoryNum LEFT JOIN appointment a ON "
            "a.AptNum = l.AptNum WHERE b.LaboratoryNum IS NULL OR a.PatNum <> "
            "l.PatNum");
    ZERO(m, "SELECT COUNT(*) FROM sheetfield f LEFT JOIN sheet s ON s.SheetNum "
            "= f.SheetNum WHERE s.SheetNum IS NULL");
    ZERO(m, "SELECT COUNT(*) FROM task t LEFT JOIN tasklist l ON l.TaskListNum "
            "= t.TaskListNum WHERE l.TaskListNum IS NULL");
    ZERO(m, "SELECT COUNT(*) FROM histappointment h LEFT JOIN appointment a ON "
            "a.AptNum = h.AptNum WHERE a.PatNum IS NULL OR a.PatNum <> h.PatNum");
    ZERO(m, "SELECT COUNT(*) FROM usergroupattach a LEFT JOIN usergroup g ON "
            "g.UserGroupNum = a.UserGroupNum WHERE g.UserGroupNum IS NULL");
    /* timestamps are seeded, not the wall clock */
    ZERO(m, "SELECT (SELECT COUNT(*) FROM claim WHERE SecDateTEdit >= '" TODAY
            "') + (SELECT COUNT(*) FROM claimproc WHERE SecDateTEdit >= '" TODAY
            "') + (SELECT COUNT(*) FROM recall WHERE DateTStamp >= '" TODAY
            "') + (SELECT COUNT(*) FROM securitylog WHERE LogDateTime >= '"
            TODAY "') + (SELECT COUNT(*) FROM histappointment WHERE "
            "HistDateTStamp >= '" TODAY "') + (SELECT COUNT(*) FROM "
            "procedurecode WHERE DateTStamp >= '" TODAY "')");
    mysql_close(m);
}

static void checksums(MYSQL *m, const char *db, unsigned long long *out)
{
    size_t i;
    char sql[200];
    for (i = 0; i < OD_ARRAY_LEN(seeded_tables); i++) {
        MYSQL_RES *r;
        MYSQL_ROW row;
        snprintf(sql, sizeof(sql), "CHECKSUM TABLE `%s`.`%s`", db, seeded_tables[i]);
        exec(m, sql);
        r = mysql_store_result(m);
        assert_non_null(r);
        row = mysql_fetch_row(r);
        assert_non_null(row);
        assert_non_null(row[1]);
        out[i] = strtoull(row[1], NULL, 10);
        mysql_free_result(r);
    }
}

static void test_determinism(void **state)
{
    unsigned long long a[OD_ARRAY_LEN(seeded_tables)], b[OD_ARRAY_LEN(seeded_tables)],
        c[OD_ARRAY_LEN(seeded_tables)];
    size_t i, differ = 0;
    MYSQL *m;
    (void)state;
    sleep(1); /* a wall-clock timestamp would now differ */
    make_seeded(db_b, 42, 0);
    make_seeded(db_c, 43, 0);
    m = connect_db(NULL);
    checksums(m, db_a, a);
    checksums(m, db_b, b);
    checksums(m, db_c, c);
    for (i = 0; i < OD_ARRAY_LEN(seeded_tables); i++) {
        if (a[i] != b[i])
            fail_msg("table %s differs between two seeds with the same options",
                     seeded_tables[i]);
        differ += a[i] != c[i];
    }
    /* a different seed gives different patients, appointments, ... */
    assert_true(differ >= 8);
    mysql_close(m);
}

static int teardown(void **state)
{
    const char *sock = getenv("ODAPI_TEST_SOCKET");
    const char *dbs[] = { db_a, db_b, db_c, db_empty };
    MYSQL *m;
    size_t i;
    (void)state;
    if (!sock || !*sock || !(m = mysql_init(NULL)))
        return 0;
#ifdef ODAPI_HAVE_EMBEDDED
    mysql_options(m, MYSQL_OPT_USE_REMOTE_CONNECTION, NULL);
#endif
    if (mysql_real_connect(m, NULL, "root", NULL, NULL, 0, sock, 0)) {
        for (i = 0; i < OD_ARRAY_LEN(dbs); i++) {
            char sql[120];
            snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS `%s`", dbs[i]);
            mysql_query(m, sql);
        }
    }
    mysql_close(m);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_schema),
        cmocka_unit_test(test_seed),
        cmocka_unit_test(test_seed_consistency),
        cmocka_unit_test(test_determinism),
    };
    long pid = (long)getpid();
    char lerr[256];
    if (od_mysql_load(OD_MYSQL_CLIENT, lerr, sizeof lerr) != 0) {
        fprintf(stderr, "test_schema_seed: %s\n", lerr);
        return 1;
    }
    if (mysql_library_init(-1, NULL, NULL) != 0) {
        fprintf(stderr, "mysql_library_init failed\n");
        return 1;
    }
    snprintf(db_a, sizeof(db_a), "odtest_seed_a_%ld", pid);
    snprintf(db_b, sizeof(db_b), "odtest_seed_b_%ld", pid);
    snprintf(db_c, sizeof(db_c), "odtest_seed_c_%ld", pid);
    snprintf(db_empty, sizeof(db_empty), "odtest_empty_%ld", pid);
    if (!getenv("ODAPI_TEST_SOCKET") || !*getenv("ODAPI_TEST_SOCKET")) {
        fprintf(stderr,
                "test_schema_seed: ODAPI_TEST_SOCKET is not set. Start a server:\n"
                "  sh test/harness/mariadb.sh start /tmp/odtest\n"
                "  ODAPI_TEST_SOCKET=/tmp/odtest/mysql.sock build/test/db/test_schema_seed\n");
        return 1;
    }
    {
        int rc = cmocka_run_group_tests(tests, NULL, teardown);
        mysql_library_end();
        return rc;
    }
}
