/* ceiling_db.c - the database ceilings of the bench scenarios: the
 * statements the server runs for a scenario, captured from the database's
 * general log, run straight through the MySQL C API from as many threads
 * (one connection each) as the server's pool, for a fixed time. No JSON, no
 * HTTP: what the database and its client library cost alone.
 *
 *   ceiling_db --socket PATH [--db NAME] --spec FILE --threads N --seconds S
 *   ceiling_db --socket PATH [--db NAME] --serve
 *   ceiling_db --socket PATH [--db NAME] --query SQL
 *
 * --serve reads one run a line from stdin, "SPEC THREADS SECONDS LABEL",
 * and answers each with its result line, until end of input: the process
 * (and, embedded, its buffer pool) stays warm between the runs that
 * alternate with the server's (bench/run.sh). --query prints the rows of
 * SQL tab-separated.
 *
 * Built with -DCEILING_EMBEDDED against libmariadbd, --datadir DIR replaces
 * --socket: the embedded server on that folder, started with the library's
 * own options (lib/db/sandbox-internal.h) and the same my.cnf groups. The
 * folder must not be open in another process.
 *
 * A spec (written by bench/run.sh) is one directive a line:
 *   keys MIN MAX        the range of random keys
 *   tx                  run the statements in START TRANSACTION ... COMMIT,
 *                       as the server does for a write
 *   prepare SQL         a statement as prepared ('?' for parameters)
 *   execute SQL         the same statement as the general log shows it
 *                       executed: its literals become the parameters
 *   random LIT          a parameter captured as LIT gets a random key (one
 *                       per iteration, the same in every statement)
 *   page LIT SIZE       ... a random multiple of SIZE below the keys' MAX
 *   insertid LIT        ... the insert id of the previous statement
 * Integer columns are fetched as integers, the others as strings, as the
 * server does.
 *
 * Prints one line a run:
 *   CEILING_DB label=L threads=N seconds=S queries=N qps=X p50_ms=X
 *              p99_ms=X rows=N errors=N
 * queries counts iterations (a transaction is one); latency is per
 * iteration, closed loop. */
#define _GNU_SOURCE
#include <mysql.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef CEILING_EMBEDDED
#include "db/sandbox-internal.h"
/* libmariadbd's option reader (mysys), exported for client programs */
char my_init(void);
int load_defaults(const char *conf_file, const char **groups, int *argc,
                  char ***argv);
void free_defaults(char **argv);
#endif

#define COLBUF 256
#define MAXCOLS 256
#define MAXSTMTS 8
#define MAXPARAMS 64
/* latency histogram: 10 us buckets up to 1 s, then one overflow bucket */
#define NBUCKETS 100001

static const char *o_socket, *o_db = "opendental", *o_user = "root";
static const char *o_datadir;

enum pkind { P_LIT, P_NULL, P_INT, P_RANDOM, P_PAGE, P_INSERTID };

struct param {
    enum pkind kind;
    long long i;  /* P_INT */
    char *s;      /* P_LIT */
    unsigned long len;
};

struct stmt {
    char *sql;
    struct param p[MAXPARAMS];
    int np;
};

struct spec {
    long kmin, kmax, page;
    int tx;
    struct stmt st[MAXSTMTS];
    int nst;
};

struct worker {
    pthread_t tid;
    const struct spec *sp;
    uint64_t seed;
    long queries, rows, errors;
    uint32_t *hist;
    volatile int *stop;
    int ready, failed;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* ---- specs ------------------------------------------------------------------ */

/* One literal of an executed statement at *e (a quoted string with
 * MySQL's escapes, NULL, or a number): into p, *e advanced past it. */
static int parse_literal(const char **e, struct param *p)
{
    const char *s = *e;
    if (*s == '\'') {
        char *out = malloc(strlen(s) + 1), *o = out;
        for (s++; *s; s++) {
            if (*s == '\\' && s[1]) {
                s++;
                *o++ = *s == 'n' ? '\n' : *s == 'r' ? '\r' : *s == 't' ? '\t'
                     : *s == '0' ? '\0' : *s == 'Z' ? '\032' : *s;
            } else if (*s == '\'' && s[1] == '\'') {
                *o++ = *s++;
            } else if (*s == '\'') {
                break;
            } else {
                *o++ = *s;
            }
        }
        if (*s != '\'')
            return -1;
        *o = '\0';
        p->kind = P_LIT;
        p->s = out;
        p->len = (unsigned long)(o - out);
        *e = s + 1;
        return 0;
    }
    if (strncmp(s, "NULL", 4) == 0) {
        p->kind = P_NULL;
        *e = s + 4;
        return 0;
    }
    {
        char *end;
        long long v = strtoll(s, &end, 10);
        if (end == s)
            return -1;
        if (*end == '.' || *end == 'e' || *end == 'E') { /* a decimal: as text */
            const char *x = end;
            while (*x && strchr("0123456789.eE+-", *x))
                x++;
            p->kind = P_LIT;
            p->len = (unsigned long)(x - s);
            p->s = strndup(s, p->len);
            *e = x;
            return 0;
        }
        p->kind = P_INT;
        p->i = v;
        *e = end;
        return 0;
    }
}

/* The parameters of st: its executed text (exec) read against the
 * prepared one, '?' by '?'. */
static int align(struct stmt *st, const char *exec)
{
    const char *p = st->sql, *e = exec;
    char q = 0; /* the quote p is inside, if any */
    while (*p) {
        if (!q && *p == '?') {
            if (st->np == MAXPARAMS || parse_literal(&e, &st->p[st->np]))
                return -1;
            st->np++;
            p++;
            continue;
        }
        if (*p != *e)
            return -1;
        if (q && *p == '\\' && p[1] && p[1] == e[1]) {
            p += 2, e += 2;
            continue;
        }
        if (q && *p == q)
            q = 0;
        else if (!q && (*p == '\'' || *p == '"' || *p == '`'))
            q = *p;
        p++, e++;
    }
    return *e ? -1 : 0;
}

/* Literals that name what changes per iteration. */
static void substitute(struct spec *sp, const char *lit, enum pkind kind)
{
    int i, k;
    for (i = 0; i < sp->nst; i++)
        for (k = 0; k < sp->st[i].np; k++) {
            struct param *p = &sp->st[i].p[k];
            char num[32];
            const char *text = p->kind == P_LIT ? p->s : NULL;
            if (p->kind == P_INT) {
                snprintf(num, sizeof num, "%lld", p->i);
                text = num;
            }
            if (text && strcmp(text, lit) == 0)
                p->kind = kind;
        }
}

static char *chomp(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
        s[--n] = '\0';
    return s;
}

static int load_spec(const char *path, struct spec *sp)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    memset(sp, 0, sizeof *sp);
    sp->kmin = sp->kmax = 1;
    if (!f) {
        fprintf(stderr, "ceiling_db: cannot read %s\n", path);
        return -1;
    }
    while (rc == 0 && getline(&line, &cap, f) > 0) {
        char *l = chomp(line), *arg = strchr(l, ' ');
        char lit[256];
        long size;
        if (arg)
            *arg++ = '\0';
        if (!*l || *l == '#')
            continue;
        if (!strcmp(l, "keys") && arg)
            rc = sscanf(arg, "%ld %ld", &sp->kmin, &sp->kmax) == 2 ? 0 : -1;
        else if (!strcmp(l, "tx"))
            sp->tx = 1;
        else if (!strcmp(l, "prepare") && arg && sp->nst < MAXSTMTS)
            sp->st[sp->nst++].sql = strdup(arg);
        else if (!strcmp(l, "execute") && arg && sp->nst > 0)
            rc = align(&sp->st[sp->nst - 1], arg);
        else if (!strcmp(l, "random") && arg)
            substitute(sp, arg, P_RANDOM);
        else if (!strcmp(l, "insertid") && arg)
            substitute(sp, arg, P_INSERTID);
        else if (!strcmp(l, "page") && arg &&
                 sscanf(arg, "%255s %ld", lit, &size) == 2) {
            sp->page = size;
            substitute(sp, lit, P_PAGE);
        } else
            rc = -1;
        if (rc)
            fprintf(stderr, "ceiling_db: %s: cannot use the line '%.80s'\n",
                    path, l);
    }
    free(line);
    fclose(f);
    if (rc == 0 && sp->nst == 0) {
        fprintf(stderr, "ceiling_db: %s has no statement\n", path);
        rc = -1;
    }
    return rc;
}

/* ---- running ---------------------------------------------------------------- */

static MYSQL *connect_db(void)
{
    MYSQL *m = mysql_init(NULL);
    mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_options(m, MYSQL_INIT_COMMAND,
                  "SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION,"
                  "ERROR_FOR_DIVISION_BY_ZERO'");
#ifdef CEILING_EMBEDDED
    if (o_datadir)
        mysql_options(m, MYSQL_OPT_USE_EMBEDDED_CONNECTION, NULL);
#endif
    if (!mysql_real_connect(m, o_datadir ? NULL : "localhost", o_user, NULL,
                            o_db, 0, o_datadir ? NULL : o_socket,
                            CLIENT_FOUND_ROWS)) {
        fprintf(stderr, "ceiling_db: connect: %s\n", mysql_error(m));
        mysql_close(m);
        return NULL;
    }
    return m;
}

static int print_query(const char *sql)
{
    MYSQL *m = connect_db();
    MYSQL_RES *res;
    MYSQL_ROW row;
    unsigned i, n;
    if (!m)
        return 1;
    if (mysql_query(m, sql)) {
        fprintf(stderr, "ceiling_db: query: %s\n", mysql_error(m));
        mysql_close(m);
        return 1;
    }
    if ((res = mysql_store_result(m))) {
        n = mysql_num_fields(res);
        while ((row = mysql_fetch_row(res))) {
            for (i = 0; i < n; i++)
                printf("%s%s", i ? "\t" : "", row[i] ? row[i] : "NULL");
            printf("\n");
        }
        mysql_free_result(res);
    }
    mysql_close(m);
    return 0;
}

/* What one thread holds for one prepared statement. */
struct prepared {
    MYSQL_STMT *st;
    MYSQL_BIND pb[MAXPARAMS], rb[MAXCOLS];
    long long pint[MAXPARAMS];
    long long ints[MAXCOLS];
    char (*bufs)[COLBUF];
    unsigned long lens[MAXCOLS];
    my_bool nulls[MAXCOLS], errs[MAXCOLS];
    unsigned ncols;
};

static int is_int_type(enum enum_field_types t)
{
    return t == MYSQL_TYPE_TINY || t == MYSQL_TYPE_SHORT ||
           t == MYSQL_TYPE_LONG || t == MYSQL_TYPE_INT24 ||
           t == MYSQL_TYPE_LONGLONG;
}

/* Bind the statement's result columns: integers as integers, the rest as
 * strings, as the server does. An INSERT ... RETURNING has its columns
 * only once it has run (MariaDB sends none at prepare): then again after
 * the first execution. */
static int bind_results(struct prepared *pr)
{
    MYSQL_RES *meta;
    unsigned i;
    pr->ncols = mysql_stmt_field_count(pr->st);
    if (pr->ncols > MAXCOLS)
        return -1;
    if (!pr->bufs)
        pr->bufs = malloc(sizeof(char[MAXCOLS][COLBUF]));
    if (!pr->bufs)
        return -1;
    if (pr->ncols && (meta = mysql_stmt_result_metadata(pr->st))) {
        MYSQL_FIELD *fs = mysql_fetch_fields(meta);
        for (i = 0; i < pr->ncols; i++) {
            MYSQL_BIND *b = &pr->rb[i];
            if (is_int_type(fs[i].type)) {
                b->buffer_type = MYSQL_TYPE_LONGLONG;
                b->buffer = &pr->ints[i];
            } else {
                b->buffer_type = MYSQL_TYPE_STRING;
                b->buffer = pr->bufs[i];
                b->buffer_length = COLBUF - 1;
            }
            b->length = &pr->lens[i];
            b->is_null = &pr->nulls[i];
            b->error = &pr->errs[i];
        }
        mysql_free_result(meta);
        if (mysql_stmt_bind_result(pr->st, pr->rb))
            return -1;
    }
    return 0;
}

static int prepare(MYSQL *m, const struct stmt *s, struct prepared *pr)
{
    unsigned i;
    memset(pr, 0, sizeof *pr);
    pr->st = mysql_stmt_init(m);
    if (!pr->st || mysql_stmt_prepare(pr->st, s->sql, strlen(s->sql))) {
        fprintf(stderr, "ceiling_db: prepare: %s\n", mysql_error(m));
        return -1;
    }
    if (mysql_stmt_param_count(pr->st) != (unsigned long)s->np) {
        fprintf(stderr, "ceiling_db: the statement has %lu parameters, the "
                "capture %d\n", mysql_stmt_param_count(pr->st), s->np);
        return -1;
    }
    for (i = 0; i < (unsigned)s->np; i++) {
        const struct param *p = &s->p[i];
        MYSQL_BIND *b = &pr->pb[i];
        if (p->kind == P_NULL) {
            b->buffer_type = MYSQL_TYPE_NULL;
        } else if (p->kind == P_LIT) {
            b->buffer_type = MYSQL_TYPE_STRING;
            b->buffer = p->s;
            b->buffer_length = p->len;
        } else {
            b->buffer_type = MYSQL_TYPE_LONGLONG;
            b->buffer = &pr->pint[i];
            pr->pint[i] = p->i;
        }
    }
    if (mysql_stmt_field_count(pr->st) && bind_results(pr))
        return -1;
    if (s->np && mysql_stmt_bind_param(pr->st, pr->pb)) {
        fprintf(stderr, "ceiling_db: bind: %s\n", mysql_stmt_error(pr->st));
        return -1;
    }
    return 0;
}

/* One iteration: every statement once, in a transaction when asked. */
static int iterate(struct worker *w, MYSQL *m, struct prepared *pr)
{
    const struct spec *sp = w->sp;
    long long key, page = 0, insert_id = 0;
    int i, k, rc;
    key = sp->kmin + (long long)(splitmix(&w->seed) %
                                 (uint64_t)(sp->kmax - sp->kmin + 1));
    if (sp->page) {
        long pages = sp->kmax / sp->page > 0 ? sp->kmax / sp->page : 1;
        page = (long long)(splitmix(&w->seed) % (uint64_t)pages) * sp->page;
    }
    if (sp->tx && mysql_query(m, "START TRANSACTION"))
        return -1;
    for (i = 0; i < sp->nst; i++) {
        const struct stmt *s = &sp->st[i];
        for (k = 0; k < s->np; k++)
            if (s->p[k].kind == P_RANDOM)
                pr[i].pint[k] = key;
            else if (s->p[k].kind == P_PAGE)
                pr[i].pint[k] = page;
            else if (s->p[k].kind == P_INSERTID)
                pr[i].pint[k] = insert_id;
        if (mysql_stmt_execute(pr[i].st)) {
            if (!w->errors) /* the statement's own error, once */
                fprintf(stderr, "ceiling_db: statement %d: %s\n", i + 1,
                        mysql_stmt_error(pr[i].st));
            goto fail;
        }
        if (!pr[i].ncols && mysql_stmt_field_count(pr[i].st) &&
            bind_results(&pr[i]))
            goto fail;
        if (pr[i].ncols) {
            while ((rc = mysql_stmt_fetch(pr[i].st)) == 0 ||
                   rc == MYSQL_DATA_TRUNCATED)
                w->rows++;
            mysql_stmt_free_result(pr[i].st);
            if (rc != MYSQL_NO_DATA)
                goto fail;
            /* INSERT ... RETURNING: the key is its first column */
            if (!strncmp(s->sql, "INSERT", 6))
                insert_id = pr[i].ints[0];
        } else {
            insert_id = (long long)mysql_stmt_insert_id(pr[i].st);
        }
    }
    if (sp->tx && mysql_query(m, "COMMIT"))
        return -1;
    return 0;
fail:
    if (sp->tx)
        mysql_query(m, "ROLLBACK");
    return -1;
}

static void *run(void *arg)
{
    struct worker *w = arg;
    struct prepared *pr = calloc(MAXSTMTS, sizeof *pr);
    MYSQL *m;
    int i;

    mysql_thread_init();
    m = connect_db();
    for (i = 0; m && i < w->sp->nst; i++)
        if (prepare(m, &w->sp->st[i], &pr[i]))
            break;
    if (!m || i < w->sp->nst)
        w->failed = 1;
    __atomic_store_n(&w->ready, 1, __ATOMIC_RELEASE);
    while (!w->failed && !*w->stop) {
        double t0 = now_s();
        long b;
        if (iterate(w, m, pr)) {
            w->errors++;
            if (w->errors == 1)
                fprintf(stderr, "ceiling_db: %s\n", mysql_error(m));
            continue;
        }
        b = (long)((now_s() - t0) * 1e5); /* 10 us */
        w->hist[b < NBUCKETS - 1 ? b : NBUCKETS - 1]++;
        w->queries++;
    }
    for (i = 0; i < w->sp->nst; i++) {
        if (pr[i].st)
            mysql_stmt_close(pr[i].st);
        free(pr[i].bufs);
    }
    free(pr);
    if (m)
        mysql_close(m);
    mysql_thread_end();
    return NULL;
}

static double pct(const uint64_t *h, uint64_t total, double q)
{
    uint64_t want = (uint64_t)(q * (double)total), acc = 0;
    long b;
    for (b = 0; b < NBUCKETS; b++) {
        acc += h[b];
        if (acc > want || (acc == total && total))
            return ((double)b + 0.5) / 100.0; /* ms */
    }
    return 0;
}

static void sleep_s(double s)
{
    struct timespec ts;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

/* One timed run of the spec at path; its result line on stdout. */
static int run_spec(const char *path, long threads, double seconds,
                    const char *label)
{
    struct spec sp;
    struct worker *w;
    volatile int stop = 0;
    double t0, t1;
    long q = 0, rows = 0, errs = 0, b;
    uint64_t *h;
    int i, failed = 0;

    if (load_spec(path, &sp) || threads < 1)
        return -1;
    w = calloc((size_t)threads, sizeof *w);
    h = calloc(NBUCKETS, sizeof *h);
    for (i = 0; i < threads; i++) {
        w[i].sp = &sp;
        w[i].seed = 0x1234567ULL * (uint64_t)(i + 1) ^ (uint64_t)time(NULL);
        w[i].stop = &stop;
        w[i].hist = calloc(NBUCKETS, sizeof *w[i].hist);
        if (pthread_create(&w[i].tid, NULL, run, &w[i]))
            return -1;
    }
    for (i = 0; i < threads; i++) {
        while (!__atomic_load_n(&w[i].ready, __ATOMIC_ACQUIRE))
            sleep_s(0.001);
        failed |= w[i].failed;
    }
    t0 = now_s();
    if (!failed)
        sleep_s(seconds);
    stop = 1;
    /* counts up to here; the threads finish their last iteration */
    for (i = 0; i < threads; i++)
        pthread_join(w[i].tid, NULL);
    t1 = now_s();
    for (i = 0; i < threads; i++) {
        q += w[i].queries;
        rows += w[i].rows;
        errs += w[i].errors + w[i].failed;
        for (b = 0; b < NBUCKETS; b++)
            h[b] += w[i].hist[b];
        free(w[i].hist);
    }
    printf("CEILING_DB label=%s threads=%ld seconds=%.2f queries=%ld "
           "qps=%.1f p50_ms=%.2f p99_ms=%.2f rows=%ld errors=%ld\n",
           label, threads, t1 - t0, q, (double)q / (t1 - t0),
           pct(h, (uint64_t)q, 0.50), pct(h, (uint64_t)q, 0.99), rows, errs);
    fflush(stdout);
    free(h);
    free(w);
    for (i = 0; i < sp.nst; i++) {
        int k;
        for (k = 0; k < sp.st[i].np; k++)
            free(sp.st[i].p[k].s);
        free(sp.st[i].sql);
    }
    return errs ? 1 : 0;
}

/* --serve: "SPEC THREADS SECONDS LABEL" lines until end of input. */
static int serve(void)
{
    char line[2048], spec[1024], label[128];
    long threads;
    double seconds;
    while (fgets(line, sizeof line, stdin)) {
        if (sscanf(line, "%1023s %ld %lf %127s", spec, &threads, &seconds,
                   label) != 4) {
            printf("CEILING_DB label=? errors=1\n");
            fflush(stdout);
            continue;
        }
        if (run_spec(spec, threads, seconds, label) < 0) {
            printf("CEILING_DB label=%s errors=1\n", label);
            fflush(stdout);
        }
    }
    return 0;
}

#ifdef CEILING_EMBEDDED
/* The embedded server as libodapi starts it (lib/db/pool.c): its options,
 * then those of the my.cnf groups it reads, which win. */
static int start_embedded(const char *datadir)
{
    static const char *const groups[] = {OD_SANDBOX_CNF_GROUPS, NULL};
    static const char *const sizing[] = {OD_SANDBOX_SIZING};
    static const char *const fixed[] = {OD_SANDBOX_FIXED};
    char *args[128], a_datadir[1100], *fake[] = {"ceiling_db", NULL};
    char **file = fake;
    int nfile = 1, n = 0, i, rc;
    my_init();
    if (load_defaults("my", (const char **)groups, &nfile, &file))
        return -1;
    args[n++] = "ceiling_db";
    args[n++] = "--no-defaults";
    for (i = 0; i < (int)(sizeof sizing / sizeof *sizing); i++)
        args[n++] = (char *)sizing[i];
    for (i = 1; i < nfile && n < 100; i++)
        args[n++] = file[i];
    for (i = 0; i < (int)(sizeof fixed / sizeof *fixed); i++)
        args[n++] = (char *)fixed[i];
    snprintf(a_datadir, sizeof a_datadir, "--datadir=%s", datadir);
    args[n++] = a_datadir;
    args[n] = NULL;
    rc = mysql_library_init(n, args, NULL);
    free_defaults(file);
    return rc;
}
#endif

int main(int argc, char **argv)
{
    const char *spec = NULL, *query = NULL;
    long threads = 4;
    double seconds = 10;
    int i, servemode = 0, rc;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--serve")) {
            servemode = 1;
            continue;
        }
        if (!v)
            goto usage;
        if (!strcmp(a, "--socket")) o_socket = v;
        else if (!strcmp(a, "--db")) o_db = v;
        else if (!strcmp(a, "--user")) o_user = v;
        else if (!strcmp(a, "--spec")) spec = v;
        else if (!strcmp(a, "--threads")) threads = atol(v);
        else if (!strcmp(a, "--seconds")) seconds = atof(v);
        else if (!strcmp(a, "--query")) query = v;
        else if (!strcmp(a, "--datadir")) o_datadir = v;
        else goto usage;
        i++;
    }
    if ((!o_socket && !o_datadir) || (!spec && !query && !servemode))
        goto usage;
#ifdef CEILING_EMBEDDED
    if (o_datadir) {
        if (start_embedded(o_datadir)) {
            fprintf(stderr, "ceiling_db: the embedded server did not start\n");
            return 1;
        }
    } else
#else
    if (o_datadir) {
        fprintf(stderr, "ceiling_db: built without the embedded server\n");
        return 2;
    }
#endif
    if (mysql_library_init(0, NULL, NULL))
        return 1;
    if (query)
        rc = print_query(query);
    else if (servemode)
        rc = serve();
    else
        rc = run_spec(spec, threads, seconds, "run") ? 1 : 0;
    mysql_library_end();
    return rc;
usage:
    fprintf(stderr, "usage: ceiling_db --socket PATH | --datadir DIR [--db NAME] "
                    "(--spec FILE [--threads N] [--seconds S] | --serve | "
                    "--query SQL)\n");
    return 2;
}
