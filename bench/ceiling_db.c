/* ceiling_db.c - the database ceiling for scenario 1 (GET /patients/{PatNum}):
 * the same prepared SELECT the server runs, straight through the MySQL C API
 * (MariaDB Connector/C), from as many threads/connections as the server's
 * pool, for a fixed time, with random keys. Every column is fetched as a
 * string, as the server does; no JSON, no HTTP.
 *
 *   ceiling_db --socket PATH --db NAME --sql-file FILE --max-key N
 *              [--threads N] [--seconds S] [--min-key N]
 *   ceiling_db ... --query SQL     print the rows of SQL (tab-separated), exit
 *
 * --page SIZE: the statement is scenario 3's page (two parameters, LIMIT ?
 * OFFSET ?): LIMIT is SIZE and OFFSET a random multiple of SIZE below
 * --max-key (the row count), as bench/scenario.lua's "simple" mode asks.
 *
 * Built with -DCEILING_EMBEDDED against libmariadbd, --datadir DIR replaces
 * --socket: the embedded server on that data folder, started with the same
 * options as libodapi's (lib/db/pool.c library_init), so the embedded backend
 * gets its own ceiling. The folder must not be open in another process.
 *
 * Prints one line:
 *   CEILING_DB threads=4 seconds=10.00 queries=N qps=X p50_ms=X p99_ms=X
 *              rows=N errors=N
 * Latency is per query (execute + fetch), closed loop. */
#define _GNU_SOURCE
#include <mysql.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COLBUF 256
#define MAXCOLS 256
/* latency histogram: 10 us buckets up to 1 s, then one overflow bucket */
#define NBUCKETS 100001

static const char *o_socket, *o_db = "opendental", *o_user = "root";
static const char *o_datadir, *o_query;
static char *o_sql;
static long o_threads = 4, o_min = 1, o_max, o_page;
static double o_seconds = 10;

struct worker {
    pthread_t tid;
    uint64_t seed;
    long queries, rows, errors;
    uint32_t *hist;
    volatile int *stop;
    int ready;
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
        exit(1);
    }
    return m;
}

static int print_query(void)
{
    MYSQL *m = connect_db();
    MYSQL_RES *res;
    MYSQL_ROW row;
    unsigned i, n;
    if (mysql_query(m, o_query)) {
        fprintf(stderr, "ceiling_db: query: %s\n", mysql_error(m));
        return 1;
    }
    if (!(res = mysql_store_result(m))) {
        mysql_close(m);
        return 0; /* no result set (DELETE ...) */
    }
    n = mysql_num_fields(res);
    while ((row = mysql_fetch_row(res))) {
        for (i = 0; i < n; i++)
            printf("%s%s", i ? "\t" : "", row[i] ? row[i] : "NULL");
        printf("\n");
    }
    mysql_free_result(res);
    mysql_close(m);
    return 0;
}

static void *run(void *arg)
{
    struct worker *w = arg;
    MYSQL *m;
    MYSQL_STMT *st;
    MYSQL_BIND p[2], rb[MAXCOLS];
    /* on the heap: a 64 KB static TLS block would not fit the small stacks
     * of the embedded server's own threads ("Can't initialize timers") */
    char (*bufs)[COLBUF] = malloc(sizeof(char[MAXCOLS][COLBUF]));
    if (!bufs)
        exit(1);
    unsigned long lens[MAXCOLS];
    my_bool nulls[MAXCOLS], errs[MAXCOLS];
    long long key, limit = o_page;
    unsigned ncols, i;

    mysql_thread_init();
    m = connect_db();
    st = mysql_stmt_init(m);
    if (!st || mysql_stmt_prepare(st, o_sql, strlen(o_sql))) {
        fprintf(stderr, "ceiling_db: prepare: %s\n", mysql_error(m));
        exit(1);
    }
    ncols = mysql_stmt_field_count(st);
    if (ncols > MAXCOLS) {
        fprintf(stderr, "ceiling_db: too many columns\n");
        exit(1);
    }
    memset(p, 0, sizeof p);
    if (mysql_stmt_param_count(st) != (o_page ? 2u : 1u)) {
        fprintf(stderr, "ceiling_db: the statement has %lu parameters\n",
                mysql_stmt_param_count(st));
        exit(1);
    }
    p[0].buffer_type = MYSQL_TYPE_LONGLONG;
    p[0].buffer = o_page ? &limit : &key;
    p[1].buffer_type = MYSQL_TYPE_LONGLONG;
    p[1].buffer = &key;
    memset(rb, 0, sizeof rb);
    for (i = 0; i < ncols; i++) {
        rb[i].buffer_type = MYSQL_TYPE_STRING;
        rb[i].buffer = bufs[i];
        rb[i].buffer_length = COLBUF - 1;
        rb[i].length = &lens[i];
        rb[i].is_null = &nulls[i];
        rb[i].error = &errs[i];
    }
    if (mysql_stmt_bind_param(st, p) || mysql_stmt_bind_result(st, rb)) {
        fprintf(stderr, "ceiling_db: bind: %s\n", mysql_stmt_error(st));
        exit(1);
    }
    __atomic_store_n(&w->ready, 1, __ATOMIC_RELEASE);
    while (!*w->stop) {
        double t0 = now_s(), dt;
        long b;
        int rc;
        if (o_page) { /* a random page: Offset k*SIZE below the row count */
            long pages = o_max / o_page > 0 ? o_max / o_page : 1;
            key = (long long)(splitmix(&w->seed) % (uint64_t)pages) * o_page;
        } else {
            key = o_min + (long long)(splitmix(&w->seed) % (uint64_t)(o_max - o_min + 1));
        }
        if (mysql_stmt_execute(st)) {
            w->errors++;
            continue;
        }
        while ((rc = mysql_stmt_fetch(st)) == 0 || rc == MYSQL_DATA_TRUNCATED)
            w->rows++;
        if (rc != MYSQL_NO_DATA)
            w->errors++;
        mysql_stmt_free_result(st);
        dt = now_s() - t0;
        b = (long)(dt * 1e5); /* 10 us */
        w->hist[b < NBUCKETS - 1 ? b : NBUCKETS - 1]++;
        w->queries++;
    }
    mysql_stmt_close(st);
    mysql_close(m);
    mysql_thread_end();
    free(bufs);
    return NULL;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *s;
    long n;
    if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) || !(s = malloc((size_t)n + 1)) ||
        fread(s, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "ceiling_db: cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
        n--;
    s[n] = '\0';
    return s;
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

int main(int argc, char **argv)
{
    int i;
    struct worker *w;
    volatile int stop = 0;
    double t0, t1;
    long q = 0, rows = 0, errs = 0, b;
    uint64_t *h;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            goto usage;
        if (!strcmp(a, "--socket")) o_socket = v;
        else if (!strcmp(a, "--db")) o_db = v;
        else if (!strcmp(a, "--user")) o_user = v;
        else if (!strcmp(a, "--sql-file")) o_sql = slurp(v);
        else if (!strcmp(a, "--threads")) o_threads = atol(v);
        else if (!strcmp(a, "--seconds")) o_seconds = atof(v);
        else if (!strcmp(a, "--min-key")) o_min = atol(v);
        else if (!strcmp(a, "--max-key")) o_max = atol(v);
        else if (!strcmp(a, "--page")) o_page = atol(v);
        else if (!strcmp(a, "--query")) o_query = v;
        else if (!strcmp(a, "--datadir")) o_datadir = v;
        else goto usage;
        i++;
    }
    if (!o_socket && !o_datadir)
        goto usage;
#ifdef CEILING_EMBEDDED
    if (o_datadir) {
        static char a_datadir[1100];
        static char *args[] = {
            "ceiling_db", a_datadir, "--innodb-buffer-pool-size=64M",
            "--innodb-log-file-size=48M", "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_general_ci", "--skip-name-resolve",
            "--default-storage-engine=InnoDB", NULL};
        snprintf(a_datadir, sizeof a_datadir, "--datadir=%s", o_datadir);
        if (mysql_library_init(8, args, NULL)) {
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
    if (o_query) {
        int r = print_query();
        mysql_library_end();
        return r;
    }
    if (!o_sql || o_max < o_min || o_threads < 1)
        goto usage;
    w = calloc((size_t)o_threads, sizeof *w);
    h = calloc(NBUCKETS, sizeof *h);
    for (i = 0; i < o_threads; i++) {
        w[i].seed = 0x1234567ULL * (uint64_t)(i + 1);
        w[i].stop = &stop;
        w[i].hist = calloc(NBUCKETS, sizeof *w[i].hist);
        if (pthread_create(&w[i].tid, NULL, run, &w[i]))
            return 1;
    }
    for (i = 0; i < o_threads; i++)
        while (!__atomic_load_n(&w[i].ready, __ATOMIC_ACQUIRE)) {
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
        }
    t0 = now_s();
    {
        struct timespec ts;
        ts.tv_sec = (time_t)o_seconds;
        ts.tv_nsec = (long)((o_seconds - (double)ts.tv_sec) * 1e9);
        while (nanosleep(&ts, &ts) && errno == EINTR)
            ;
    }
    stop = 1;
    /* counts up to here; the threads finish their last query */
    for (i = 0; i < o_threads; i++)
        pthread_join(w[i].tid, NULL);
    t1 = now_s();
    for (i = 0; i < o_threads; i++) {
        q += w[i].queries;
        rows += w[i].rows;
        errs += w[i].errors;
        for (b = 0; b < NBUCKETS; b++)
            h[b] += w[i].hist[b];
    }
    printf("CEILING_DB threads=%ld seconds=%.2f queries=%ld qps=%.1f "
           "p50_ms=%.2f p99_ms=%.2f rows=%ld errors=%ld\n",
           o_threads, t1 - t0, q, (double)q / (t1 - t0),
           pct(h, (uint64_t)q, 0.50), pct(h, (uint64_t)q, 0.99), rows, errs);
    mysql_library_end();
    return errs ? 1 : 0;
usage:
    fprintf(stderr, "usage: ceiling_db --socket PATH --db NAME --sql-file FILE "
                    "--max-key N [--min-key N] [--threads N] [--seconds S] "
                    "[--page SIZE]\n");
    return 2;
}
