/*
 * evstate.c - the state of Database Events, kept where the administrator
 * says and never in the practice database (evstate-internal.h,
 * docs/events.md "State"): a state folder, or a state database of its own
 * on the same server.
 */
#include "features/evstate-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#define MAX_FILE (16 * 1024 * 1024) /* ~25 000 subscriptions */
#define NO_DATE "0001-01-01 00:00:00"

enum { K_DIR, K_DB };

/* The database kind's statements, made once with the state database's
 * name (an identifier from the configuration, checked, never from a
 * request). */
enum {
    Q_GET, Q_REPLACE, Q_SECRET, Q_FORGET, Q_FOREIGN, Q_LEASE, Q_RELEASE,
    Q_ADVANCE, NQ
};

struct od_evstate {
    int refs;
    int kind;
    const struct od_logger *log;
    char practice[65];       /* the practice database: records are its */
    char desc[1200];

    /* the folder */
    char *dir, *file, *tmp, *rmw_lock, *fire_lock;
    int fire_fd;             /* held while this process fires, or -1 */
    pthread_mutex_t mu;
    json_t *subs;            /* "subscriptions" of the file, as last read */
    struct stat seen;        /* the file that was read; st_ino 0: none */

    /* the database */
    char name[65];
    char *sql[NQ];
};

/* ---- names ------------------------------------------------------------------ */

/* Copy src into dst[n], cut to fit. */
static void cpy(char *dst, size_t n, const char *src)
{
    size_t l = strnlen(src, n - 1);
    memcpy(dst, src, l);
    dst[l] = '\0';
}

static int valid_ident(const char *s)
{
    size_t n = 0;
    for (; *s; s++, n++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return n > 0 && n <= 64;
}

static char *path_join(const char *dir, const char *name)
{
    char *p = NULL;
    if (asprintf(&p, "%s/%s", dir, name) < 0)
        return NULL;
    return p;
}

void od_evstate_owner_of(const char *developer_key, char out[65])
{
    static const char label[] = "odapi subscription owner\n";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0, i;
    EVP_MD_CTX *x = EVP_MD_CTX_new();
    out[0] = '\0';
    if (!x)
        return;
    if (EVP_DigestInit_ex(x, EVP_sha256(), NULL) &&
        EVP_DigestUpdate(x, label, sizeof label - 1) &&
        EVP_DigestUpdate(x, developer_key, strlen(developer_key)) &&
        EVP_DigestFinal_ex(x, md, &n) && n == 32) {
        for (i = 0; i < n; i++)
            snprintf(out + 2 * i, 3, "%02x", md[i]);
    }
    EVP_MD_CTX_free(x);
}

/* ---- making one ----------------------------------------------------------- */

static int make_sql(struct od_evstate *st)
{
    const char *n = st->name;
    int rc = 0;
#define SQL(i, ...) rc |= asprintf(&st->sql[i], __VA_ARGS__) < 0
    SQL(Q_GET,
        "SELECT OwnerHash, Secret, Attempts, LastError, "
        "IF(DateTimeLastSent < '0001-01-02', '', DATE_FORMAT("
        "DateTimeLastSent, '%%Y-%%m-%%d %%H:%%i:%%s')), LeaseOwner FROM "
        "`%s`.eventstate "
        "WHERE DatabaseName = ? AND ApiSubscriptionNum = ?", n);
    /* a new subscription: whatever an earlier one of the same number left
     * (a rolled-back insert) goes */
    SQL(Q_REPLACE,
        "REPLACE INTO `%s`.eventstate (DatabaseName, ApiSubscriptionNum, "
        "OwnerHash, Secret) VALUES (?, ?, ?, ?)", n);
    SQL(Q_SECRET,
        "INSERT INTO `%s`.eventstate (DatabaseName, ApiSubscriptionNum, "
        "Secret) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE Secret = "
        "VALUES(Secret)", n);
    SQL(Q_FORGET,
        "DELETE FROM `%s`.eventstate WHERE DatabaseName = ? AND "
        "ApiSubscriptionNum = ?", n);
    /* the customer key's subscriptions that another developer owns */
    SQL(Q_FOREIGN,
        "SELECT a.ApiSubscriptionNum FROM apisubscription a JOIN "
        "`%s`.eventstate e ON e.DatabaseName = ? AND e.ApiSubscriptionNum = "
        "a.ApiSubscriptionNum WHERE a.CustomerKey = ? AND e.OwnerHash <> '' "
        "AND e.OwnerHash <> ?", n);
    /* LeaseOwner is assigned first, so LeaseUntil's condition sees the
     * row's new owner: both change together or not at all. */
    SQL(Q_LEASE,
        "INSERT INTO `%s`.eventstate (DatabaseName, ApiSubscriptionNum, "
        "LeaseOwner, LeaseUntil) VALUES (?, ?, ?, NOW() + INTERVAL ? SECOND) "
        "ON DUPLICATE KEY UPDATE LeaseOwner = IF(LeaseOwner = "
        "VALUES(LeaseOwner) OR LeaseUntil < NOW(), VALUES(LeaseOwner), "
        "LeaseOwner), LeaseUntil = IF(LeaseOwner = VALUES(LeaseOwner), "
        "VALUES(LeaseUntil), LeaseUntil)", n);
    SQL(Q_RELEASE,
        "UPDATE `%s`.eventstate SET LeaseUntil = '" NO_DATE "', Attempts = "
        "?, LastError = LEFT(?, 255) WHERE DatabaseName = ? AND "
        "ApiSubscriptionNum = ? AND LeaseOwner = ?", n);
    /* the window and the lease in one statement: DateTimeStart moves only
     * while we still hold the lease */
    SQL(Q_ADVANCE,
        "UPDATE apisubscription a JOIN `%s`.eventstate e ON e.DatabaseName "
        "= ? AND e.ApiSubscriptionNum = a.ApiSubscriptionNum SET "
        "a.DateTimeStart = ?, e.LeaseUntil = '" NO_DATE "', e.Attempts = 0, "
        "e.LastError = '', e.DateTimeLastSent = IF(? <> 0, NOW(), "
        "e.DateTimeLastSent) WHERE a.ApiSubscriptionNum = ? AND "
        "a.DateTimeStart = ? AND e.LeaseOwner = ?", n);
#undef SQL
    return rc ? -1 : 0;
}

int od_evstate_new(struct od_evstate **out, const odapi_config *cfg,
                   const struct od_logger *log, char *err, size_t errlen)
{
    struct od_evstate *st;
    const char *db = cfg->events_state_db, *dir = cfg->events_state_dir;
    char file[128];
    *out = NULL;
    if ((!db || !*db) && (!dir || !*dir))
        return ODAPI_OK;
    if (db && *db && !valid_ident(db)) {
        snprintf(err, errlen, "the events state database name '%s' is not "
                 "valid: use letters, digits and '_'", db);
        return ODAPI_E_CONFIG;
    }
    if (!(db && *db) && dir[0] != '/') {
        snprintf(err, errlen, "the events state folder '%s' must be an "
                 "absolute path", dir);
        return ODAPI_E_CONFIG;
    }
    if (!(st = calloc(1, sizeof *st)))
        return ODAPI_E_NOMEM;
    st->refs = 1;
    st->log = log;
    st->fire_fd = -1;
    pthread_mutex_init(&st->mu, NULL);
    snprintf(st->practice, sizeof st->practice, "%s",
             cfg->db_name ? cfg->db_name : "");
    if (db && *db) {
        st->kind = K_DB;
        snprintf(st->name, sizeof st->name, "%s", db);
        snprintf(st->desc, sizeof st->desc, "the state database %s", db);
        if (make_sql(st)) {
            od_evstate_unref(st);
            return ODAPI_E_NOMEM;
        }
    } else {
        st->kind = K_DIR;
        snprintf(st->desc, sizeof st->desc, "the state folder %.1100s", dir);
        /* one file per practice database: a folder reused for another
         * database does not mix their numbers */
        snprintf(file, sizeof file, "subscriptions-%s.json", st->practice);
        st->dir = strdup(dir);
        st->file = path_join(dir, file);
        st->tmp = path_join(dir, ".subscriptions.tmp");
        st->rmw_lock = path_join(dir, "state.lock");
        st->fire_lock = path_join(dir, "firing.lock");
        if (!st->dir || !st->file || !st->tmp || !st->rmw_lock ||
            !st->fire_lock) {
            od_evstate_unref(st);
            return ODAPI_E_NOMEM;
        }
    }
    *out = st;
    return ODAPI_OK;
}

struct od_evstate *od_evstate_ref(struct od_evstate *st)
{
    if (st)
        st->refs++;
    return st;
}

void od_evstate_unref(struct od_evstate *st)
{
    int i;
    if (!st || --st->refs > 0)
        return;
    if (st->fire_fd >= 0)
        close(st->fire_fd); /* the lock goes with it */
    json_decref(st->subs);
    for (i = 0; i < NQ; i++)
        free(st->sql[i]);
    free(st->dir);
    free(st->file);
    free(st->tmp);
    free(st->rmw_lock);
    free(st->fire_lock);
    pthread_mutex_destroy(&st->mu);
    free(st);
}

const char *od_evstate_describe(const struct od_evstate *st)
{
    return st->desc;
}

int od_evstate_is_db(const struct od_evstate *st)
{
    return st->kind == K_DB;
}

int od_evstate_exists(const struct od_evstate *st)
{
    struct stat sb;
    return st->kind == K_DB || stat(st->dir, &sb) == 0;
}

/* ---- the folder: the file -------------------------------------------------
 * Every operation: the mutex (threads of this process), an flock on
 * state.lock (other processes), read the file again if it changed, change
 * the record, write a new file and rename it over the old one. */

static int dir_lock(struct od_evstate *st, int exclusive)
{
    int fd = open(st->rmw_lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0) {
        if (errno != EINTR) {
            close(fd);
            return -1;
        }
    }
    return fd;
}

static void dir_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* releases the flock */
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_ino == b->st_ino && a->st_dev == b->st_dev &&
           a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Make st->subs the file's current content. 0, or -1 with why. */
static int dir_load(struct od_evstate *st, char *why, size_t len)
{
    struct stat now;
    json_error_t jerr;
    json_t *root, *subs;
    if (stat(st->file, &now) != 0) {
        if (errno != ENOENT) {
            snprintf(why, len, "cannot read %s: %s", st->file,
                     strerror(errno));
            return -1;
        }
        memset(&now, 0, sizeof now); /* no file yet: no records */
        if (!st->subs && !(st->subs = json_object()))
            goto oom;
        if (st->seen.st_ino)
            json_object_clear(st->subs);
        st->seen = now;
        return 0;
    }
    if (st->subs && st->seen.st_ino && same_file(&now, &st->seen))
        return 0;
    if (now.st_size > MAX_FILE) {
        snprintf(why, len, "%s is larger than %d bytes", st->file, MAX_FILE);
        return -1;
    }
    root = json_load_file(st->file, JSON_REJECT_DUPLICATES, &jerr);
    subs = root ? json_object_get(root, "subscriptions") : NULL;
    if (!root || !json_is_object(subs)) {
        snprintf(why, len, "%s is damaged (%s); move it away to start with "
                 "no state", st->file, root ? "no subscriptions object"
                                            : jerr.text);
        json_decref(root);
        return -1;
    }
    json_incref(subs);
    json_decref(root);
    json_decref(st->subs);
    st->subs = subs;
    st->seen = now;
    return 0;
oom:
    snprintf(why, len, "out of memory");
    return -1;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Write st->subs as the new file (0600), durably, then rename it in. */
static int dir_save(struct od_evstate *st, char *why, size_t len)
{
    json_t *root = json_pack("{s:i, s:s, s:O}", "version", 1, "database",
                             st->practice, "subscriptions", st->subs);
    char *text = root ? json_dumps(root, JSON_INDENT(1) | JSON_SORT_KEYS)
                      : NULL;
    int fd = -1, dfd, rc = -1;
    json_decref(root);
    if (!text) {
        snprintf(why, len, "out of memory");
        return -1;
    }
    fd = open(st->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || write_all(fd, text, strlen(text)) || write_all(fd, "\n", 1) ||
        fsync(fd) != 0 || close(fd) != 0) {
        snprintf(why, len, "cannot write %s: %s", st->tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        unlink(st->tmp);
        goto out;
    }
    if (rename(st->tmp, st->file) != 0) {
        snprintf(why, len, "cannot replace %s: %s", st->file,
                 strerror(errno));
        unlink(st->tmp);
        goto out;
    }
    /* the rename itself survives a power cut only once the folder is on
     * disk */
    if ((dfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
        fsync(dfd);
        close(dfd);
    }
    if (stat(st->file, &st->seen) != 0)
        memset(&st->seen, 0, sizeof st->seen);
    rc = 0;
out:
    free(text);
    return rc;
}

static void rec_from_json(json_t *o, struct od_evrec *r)
{
    const char *s;
    memset(r, 0, sizeof *r);
    if ((s = json_string_value(json_object_get(o, "owner"))))
        snprintf(r->owner, sizeof r->owner, "%s", s);
    if ((s = json_string_value(json_object_get(o, "secret"))))
        snprintf(r->secret, sizeof r->secret, "%s", s);
    r->attempts = (int)json_integer_value(json_object_get(o, "attempts"));
    if ((s = json_string_value(json_object_get(o, "lastError"))))
        snprintf(r->last_error, sizeof r->last_error, "%s", s);
    if ((s = json_string_value(json_object_get(o, "lastSent"))))
        snprintf(r->last_sent, sizeof r->last_sent, "%s", s);
}

static json_t *rec_to_json(const struct od_evrec *r)
{
    return json_pack("{s:s, s:s, s:i, s:s, s:s}", "owner", r->owner,
                     "secret", r->secret, "attempts", r->attempts,
                     "lastError", r->last_error, "lastSent", r->last_sent);
}

/* One read-modify-write of the record of num: edit(r, arg) changes it and
 * returns 1 to keep it, 0 to remove it, -1 to leave the file alone. */
static int dir_edit(struct od_evstate *st, long long num,
                    int (*edit)(struct od_evrec *r, int found, void *arg),
                    void *arg)
{
    char key[32], why[512];
    struct od_evrec r;
    json_t *o;
    int fd, found, what, rc = -1;
    snprintf(key, sizeof key, "%lld", num);
    pthread_mutex_lock(&st->mu);
    if ((fd = dir_lock(st, 1)) < 0) {
        snprintf(why, sizeof why, "cannot lock %s: %s", st->rmw_lock,
                 strerror(errno));
        goto out;
    }
    if (dir_load(st, why, sizeof why))
        goto out;
    o = json_object_get(st->subs, key);
    found = o != NULL;
    if (found)
        rec_from_json(o, &r);
    else
        memset(&r, 0, sizeof r);
    what = edit(&r, found, arg);
    if (what < 0) {
        rc = 0;
        goto out;
    }
    if (what == 0) {
        if (!found) {
            rc = 0;
            goto out;
        }
        json_object_del(st->subs, key);
    } else if (!(o = rec_to_json(&r)) ||
               json_object_set_new(st->subs, key, o) != 0) {
        snprintf(why, sizeof why, "out of memory");
        goto out;
    }
    if (dir_save(st, why, sizeof why)) {
        st->seen.st_ino = 0; /* memory and file differ: read it again */
        goto out;
    }
    rc = 0;
out:
    dir_unlock(fd);
    pthread_mutex_unlock(&st->mu);
    if (rc)
        od_log(st->log, ODAPI_LOG_ERROR, "events state: %s", why);
    return rc;
}

static int dir_get(struct od_evstate *st, long long num, struct od_evrec *r)
{
    char key[32], why[512];
    json_t *o;
    int fd, rc = -1;
    snprintf(key, sizeof key, "%lld", num);
    memset(r, 0, sizeof *r);
    pthread_mutex_lock(&st->mu);
    if ((fd = dir_lock(st, 0)) < 0) {
        snprintf(why, sizeof why, "cannot lock %s: %s", st->rmw_lock,
                 strerror(errno));
    } else if (dir_load(st, why, sizeof why) == 0) {
        o = json_object_get(st->subs, key);
        if (o)
            rec_from_json(o, r);
        rc = o != NULL;
    }
    dir_unlock(fd);
    pthread_mutex_unlock(&st->mu);
    if (rc < 0)
        od_log(st->log, ODAPI_LOG_ERROR, "events state: %s", why);
    return rc;
}

/* ---- checks and set-up ---------------------------------------------------- */

static int dir_check(struct od_evstate *st, int create, char *why,
                     size_t len)
{
    struct stat sb;
    int fd, rc;
    if (stat(st->dir, &sb) != 0) {
        if (errno != ENOENT) {
            snprintf(why, len, "cannot use %s: %s", st->desc,
                     strerror(errno));
            return -1;
        }
        if (!create) {
            char *slash = strrchr(st->dir, '/');
            char parent[1100];
            snprintf(parent, sizeof parent, "%.*s",
                     slash && slash != st->dir ? (int)(slash - st->dir) : 1,
                     st->dir);
            if (access(parent, W_OK | X_OK) == 0)
                return 0; /* made at start */
            snprintf(why, len, "%s does not exist, and this user cannot "
                     "create it", st->desc);
            return -1;
        }
        if (mkdir(st->dir, 0700) != 0 && errno != EEXIST) {
            snprintf(why, len, "cannot create %s: %s", st->desc,
                     strerror(errno));
            return -1;
        }
    } else if (!S_ISDIR(sb.st_mode)) {
        snprintf(why, len, "%s is not a folder", st->desc);
        return -1;
    }
    if (access(st->dir, R_OK | W_OK | X_OK) != 0) {
        snprintf(why, len, "%s is not writable by this user (%s)", st->desc,
                 strerror(errno));
        return -1;
    }
    pthread_mutex_lock(&st->mu);
    if ((fd = dir_lock(st, 0)) < 0) {
        snprintf(why, len, "cannot lock %s: %s", st->rmw_lock,
                 strerror(errno));
        rc = -1;
    } else {
        rc = dir_load(st, why, len);
    }
    dir_unlock(fd);
    pthread_mutex_unlock(&st->mu);
    return rc;
}

unsigned od_evstate_probe(MYSQL *m, const char *sql)
{
    MYSQL_RES *res;
    if (mysql_real_query(m, sql, (unsigned long)strlen(sql)) != 0)
        return mysql_errno(m);
    if ((res = mysql_store_result(m)))
        mysql_free_result(res);
    return 0;
}

static int db_check(struct od_evstate *st, MYSQL *m, char *why, size_t len)
{
    /* each: verb, SQL before and after the database's name */
    static const char *const probes[][3] = {
        {"read", "SELECT DatabaseName, ApiSubscriptionNum, LeaseOwner, "
                 "LeaseUntil, OwnerHash, Secret, Attempts, LastError, "
                 "DateTimeLastSent FROM `", "`.eventstate LIMIT 0"},
        {"insert into", "INSERT INTO `", "`.eventstate (DatabaseName, "
                        "ApiSubscriptionNum) SELECT '', 0 FROM DUAL WHERE "
                        "1 = 0"},
        {"update", "UPDATE `", "`.eventstate SET Attempts = Attempts WHERE "
                   "1 = 0"},
        {"delete from", "DELETE FROM `", "`.eventstate WHERE 1 = 0"},
    };
    char sql[400];
    unsigned e;
    size_t i;
    if (!m) {
        snprintf(why, len, "no database connection");
        return -1;
    }
    for (i = 0; i < OD_ARRAY_LEN(probes); i++) {
        snprintf(sql, sizeof sql, "%s%s%s", probes[i][1], st->name,
                 probes[i][2]);
        if (!(e = od_evstate_probe(m, sql)))
            continue;
        if (e == 1049 || e == 1146 || e == 1054)
            snprintf(why, len, "%s has not been set up (%s): run "
                     "'odservice --init-state-db' once (docs/events.md)",
                     st->desc, mysql_error(m));
        else if (e == 1142 || e == 1143 || e == 1044)
            snprintf(why, len, "the database account may not %s %s: GRANT "
                     "SELECT, INSERT, UPDATE, DELETE ON `%s`.* to it",
                     probes[i][0], st->desc, st->name);
        else
            snprintf(why, len, "cannot use %s: %s", st->desc,
                     mysql_error(m));
        return -1;
    }
    return 0;
}

int od_evstate_secrets_readable(struct od_evstate *st, MYSQL *m)
{
    char sql[200];
    if (st->kind != K_DB)
        return 0;
    snprintf(sql, sizeof sql, "SELECT Secret FROM `%s`.eventstate LIMIT 0",
             st->name);
    return od_evstate_probe(m, sql) == 0;
}

int od_evstate_check(struct od_evstate *st, MYSQL *m, char *why, size_t len)
{
    return st->kind == K_DB ? db_check(st, m, why, len)
                            : dir_check(st, 1, why, len);
}

int od_evstate_check_only(struct od_evstate *st, MYSQL *m, char *why,
                          size_t len)
{
    return st->kind == K_DB ? db_check(st, m, why, len)
                            : dir_check(st, 0, why, len);
}

int od_evstate_try_fire(struct od_evstate *st, char *who, size_t wholen)
{
    char pid[32];
    ssize_t n;
    int fd;
    who[0] = '\0';
    if (st->kind == K_DB || st->fire_fd >= 0)
        return 1;
    fd = open(st->fire_lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(who, wholen, "cannot open %s: %s", st->fire_lock,
                 strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        n = pread(fd, pid, sizeof pid - 1, 0);
        pid[n > 0 ? n : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        snprintf(who, wholen, "%s", pid);
        close(fd);
        return 0;
    }
    /* who holds it, for the other instances' messages */
    n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) != n)
        od_log(st->log, ODAPI_LOG_WARNING, "events state: cannot write %s",
               st->fire_lock);
    st->fire_fd = fd;
    return 1;
}

int od_evstate_init_db(struct od_evstate *st, MYSQL *m, char *err,
                       size_t errlen)
{
    char sql[1200];
    if (st->kind != K_DB) {
        snprintf(err, errlen, "no events state database is configured "
                 "(--state-db NAME)");
        return -1;
    }
    snprintf(sql, sizeof sql, "CREATE DATABASE IF NOT EXISTS `%s` "
             "CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", st->name);
    if (od_evstate_probe(m, sql))
        goto fail;
    /* the keys are binary (utf8mb4_bin): secrets and owners compare
     * byte for byte */
    snprintf(sql, sizeof sql,
             "CREATE TABLE IF NOT EXISTS `%s`.eventstate ("
             "DatabaseName varchar(64) NOT NULL, "
             "ApiSubscriptionNum bigint(20) NOT NULL, "
             "LeaseOwner varchar(255) NOT NULL DEFAULT '', "
             "LeaseUntil datetime NOT NULL DEFAULT '" NO_DATE "', "
             "OwnerHash char(64) NOT NULL DEFAULT '', "
             "Secret varchar(255) NOT NULL DEFAULT '', "
             "Attempts int(11) NOT NULL DEFAULT 0, "
             "LastError varchar(255) NOT NULL DEFAULT '', "
             "DateTimeLastSent datetime NOT NULL DEFAULT '" NO_DATE "', "
             "PRIMARY KEY (DatabaseName, ApiSubscriptionNum)"
             ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
             st->name);
    if (od_evstate_probe(m, sql))
        goto fail;
    return 0;
fail:
    snprintf(err, errlen, "cannot create %s: %s", st->desc, mysql_error(m));
    return -1;
}

/* ---- records --------------------------------------------------------------- */

/* The database kind's record, and who holds its lease (holder may be
 * NULL). */
static int db_get(struct od_evstate *st, struct od_conn *c, long long num,
                  struct od_evrec *r, char *holder)
{
    char col[6][OD_COLSZ];
    struct od_prm p[2];
    int rc;
    memset(r, 0, sizeof *r);
    p[0] = OD_PS(st->practice);
    p[1] = OD_PI(num);
    rc = od_query_row(c, st->sql[Q_GET], p, 2, 6, col);
    if (rc == 1) {
        cpy(r->owner, sizeof r->owner, col[0]);
        cpy(r->secret, sizeof r->secret, col[1]);
        r->attempts = atoi(col[2]);
        cpy(r->last_error, sizeof r->last_error, col[3]);
        cpy(r->last_sent, sizeof r->last_sent, col[4]);
    }
    if (holder)
        snprintf(holder, OD_COLSZ, "%s", rc == 1 ? col[5] : "");
    return rc;
}

int od_evstate_get(struct od_evstate *st, struct od_conn *c, long long num,
                   struct od_evrec *r)
{
    if (st->kind == K_DIR)
        return dir_get(st, num, r);
    return db_get(st, c, num, r, NULL);
}

struct set_arg {
    const char *owner, *secret;
};

static int edit_set(struct od_evrec *r, int found, void *arg)
{
    struct set_arg *a = arg;
    if (a->owner) { /* a new subscription: a fresh record */
        memset(r, 0, sizeof *r);
        snprintf(r->owner, sizeof r->owner, "%s", a->owner);
    }
    (void)found;
    if (a->secret)
        snprintf(r->secret, sizeof r->secret, "%s", a->secret);
    return 1;
}

int od_evstate_set(struct od_evstate *st, struct od_conn *c, long long num,
                   const char *owner, const char *secret)
{
    struct set_arg a = {owner, secret};
    struct od_prm p[4];
    if (st->kind == K_DIR)
        return dir_edit(st, num, edit_set, &a);
    p[0] = OD_PS(st->practice);
    p[1] = OD_PI(num);
    if (owner) {
        p[2] = OD_PS(owner);
        p[3] = OD_PS(secret ? secret : "");
        return od_exec(c, st->sql[Q_REPLACE], p, 4, NULL, NULL);
    }
    if (!secret)
        return 0;
    p[2] = OD_PS(secret);
    return od_exec(c, st->sql[Q_SECRET], p, 3, NULL, NULL);
}

static int edit_forget(struct od_evrec *r, int found, void *arg)
{
    (void)r;
    (void)found;
    (void)arg;
    return 0;
}

int od_evstate_forget(struct od_evstate *st, struct od_conn *c,
                      long long num)
{
    struct od_prm p[2];
    if (st->kind == K_DIR)
        return dir_edit(st, num, edit_forget, NULL);
    p[0] = OD_PS(st->practice);
    p[1] = OD_PI(num);
    return od_exec(c, st->sql[Q_FORGET], p, 2, NULL, NULL);
}

struct foreign_arg {
    void (*fn)(void *arg, long long num);
    void *arg;
};

static int foreign_row(void *ctx, const long long *v)
{
    struct foreign_arg *f = ctx;
    f->fn(f->arg, v[0]);
    return 0;
}

int od_evstate_each_foreign(struct od_evstate *st, struct od_conn *c,
                            const char *customer_key, const char *owner,
                            void (*fn)(void *arg, long long num), void *arg)
{
    struct foreign_arg f = {fn, arg};
    struct od_prm p[3];
    const char *key, *o;
    json_t *rec;
    char why[512];
    int fd, rc = 0;
    if (st->kind == K_DB) {
        p[0] = OD_PS(st->practice);
        p[1] = OD_PS(customer_key);
        p[2] = OD_PS(owner);
        return od_query_each_ll(c, st->sql[Q_FOREIGN], p, 3, 1, foreign_row,
                                &f) < 0 ? -1 : 0;
    }
    pthread_mutex_lock(&st->mu);
    if ((fd = dir_lock(st, 0)) < 0 || dir_load(st, why, sizeof why)) {
        if (fd < 0)
            snprintf(why, sizeof why, "cannot lock %s", st->rmw_lock);
        od_log(st->log, ODAPI_LOG_ERROR, "events state: %s", why);
        rc = -1;
    } else {
        json_object_foreach(st->subs, key, rec) {
            o = json_string_value(json_object_get(rec, "owner"));
            if (o && *o && strcmp(o, owner) != 0)
                fn(arg, strtoll(key, NULL, 10));
        }
    }
    dir_unlock(fd);
    pthread_mutex_unlock(&st->mu);
    return rc;
}

/* ---- delivery ---------------------------------------------------------------- */

int od_evstate_lease(struct od_evstate *st, struct od_conn *c, long long num,
                     const char *me, int secs, struct od_evrec *r)
{
    char holder[OD_COLSZ];
    struct od_prm p[4];
    int rc;
    if (st->kind == K_DIR)
        return dir_get(st, num, r) < 0 ? -1 : 1;
    p[0] = OD_PS(st->practice);
    p[1] = OD_PI(num);
    p[2] = OD_PS(me);
    p[3] = OD_PI(secs);
    if (od_exec(c, st->sql[Q_LEASE], p, 4, NULL, NULL))
        return -1;
    /* the row exists now: whose lease is it? */
    if ((rc = db_get(st, c, num, r, holder)) < 0)
        return -1;
    return rc == 1 && strcmp(holder, me) == 0;
}

struct release_arg {
    int attempts;
    const char *error;
};

static int edit_release(struct od_evrec *r, int found, void *arg)
{
    struct release_arg *a = arg;
    (void)found;
    if (r->attempts == a->attempts && strcmp(r->last_error, a->error) == 0)
        return -1; /* nothing new: the file stays as it is */
    r->attempts = a->attempts;
    snprintf(r->last_error, sizeof r->last_error, "%s", a->error);
    return 1;
}

int od_evstate_release(struct od_evstate *st, struct od_conn *c,
                       long long num, const char *me, int attempts,
                       const char *error)
{
    struct release_arg a = {attempts, error ? error : ""};
    struct od_prm p[5];
    if (st->kind == K_DIR)
        return dir_edit(st, num, edit_release, &a);
    p[0] = OD_PI(attempts);
    p[1] = OD_PS(a.error);
    p[2] = OD_PS(st->practice);
    p[3] = OD_PI(num);
    p[4] = OD_PS(me);
    return od_exec(c, st->sql[Q_RELEASE], p, 5, NULL, NULL);
}

struct advance_arg {
    const char *poll;
    int sent;
};

static int edit_advance(struct od_evrec *r, int found, void *arg)
{
    struct advance_arg *a = arg;
    /* an unchanged record is not written again: an empty window every
     * second must not rewrite the file every second */
    (void)found;
    if (!a->sent && r->attempts == 0 && !r->last_error[0])
        return -1;
    r->attempts = 0;
    r->last_error[0] = '\0';
    if (a->sent)
        snprintf(r->last_sent, sizeof r->last_sent, "%s", a->poll);
    return 1;
}

int od_evstate_advance(struct od_evstate *st, struct od_conn *c,
                       long long num, const char *me, const char *start,
                       const char *poll, int sent)
{
    struct advance_arg a = {poll, sent};
    struct od_prm p[6];
    if (st->kind == K_DIR) {
        /* one firing process per folder: the compare-and-set on the old
         * start is enough (a PUT may have moved it) */
        p[0] = OD_PS(poll);
        p[1] = OD_PI(num);
        p[2] = OD_PS(start);
        if (od_exec(c, "UPDATE apisubscription SET DateTimeStart = ? WHERE "
                       "ApiSubscriptionNum = ? AND DateTimeStart = ?",
                    p, 3, NULL, NULL))
            return -1;
        dir_edit(st, num, edit_advance, &a); /* bookkeeping only */
        return 0;
    }
    p[0] = OD_PS(st->practice);
    p[1] = OD_PS(poll);
    p[2] = OD_PI(sent);
    p[3] = OD_PI(num);
    p[4] = OD_PS(start);
    p[5] = OD_PS(me);
    return od_exec(c, st->sql[Q_ADVANCE], p, 6, NULL, NULL);
}
