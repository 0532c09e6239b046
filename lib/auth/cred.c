/*
 * cred.c - the ODFHIR Authorization header, the credential cache and the
 * API permissions.
 *
 * The cache holds one entry per key pair, named by an HMAC-SHA256 of the
 * pair under a secret drawn at start-up, so raw keys are never kept (they
 * live only as long as a validation is in flight). An entry is either
 * pending (a validation runs; later checks of the same pair queue behind
 * it) or done (a verdict or a refusal, with an expiry). Entries sit in a
 * hash table and on an LRU list; the table is bounded and the least
 * recently used finished entry goes first.
 */
#include "auth/cred-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#define ID_LEN 32

enum { ENTRY_PENDING = 1, ENTRY_DONE = 2 };

struct waiter {
    od_cred_cb cb;
    void *arg;
    struct waiter *next;
};

struct job;

struct entry {
    unsigned char id[ID_LEN];
    struct entry *hnext;        /* hash chain */
    struct entry *prev, *next;  /* LRU list, most recent first */
    int state;
    uint64_t expires;           /* when done: ms on the cache's clock */
    int http_status;            /* 0: v is the verdict */
    const char *message;        /* static text for a refusal */
    struct od_verdict v;
    struct waiter *waiters, **wtail;
    struct job *job;            /* while pending */
};

/* One validation in flight. It owns the only copies of the raw keys. */
struct job {
    struct od_cred *c;          /* NULL once the cache is gone */
    struct entry *e;
    char *dev, *cust;
    char key_hash[17];
    const struct od_local_key *developer; /* its developer-only entry */
    int owned;                  /* a local entry names the customer key */
    struct od_remote_req *rq;
    int db_pending;
    struct job *prev, *next;
};

struct od_cred {
    struct event_base *base;
    struct od_logger log;
    unsigned char secret[32];
    EVP_MAC_CTX *mac;           /* HMAC-SHA256 keyed with secret; loop only */
    uint64_t ttl_ms;
    uint64_t (*now)(void *arg);
    void *now_arg;

    struct od_local local;
    struct od_remote *remote;
    od_cred_db_lookup db_fn;
    void *db_arg;

    struct entry **buckets;
    size_t nbuckets;            /* a power of two */
    size_t count, max_entries;
    struct entry *lru_head, *lru_tail;
    struct job *jobs;

    unsigned long validations, evictions, db_lookups;
    unsigned long hits, misses, remote_calls; /* GET /metrics (loop thread) */
};

/* ---- permissions and key statuses --------------------------------------- */

static const char *const perm_names[] = {
    "ApiReadAll", "ApiAllOthers", "ApiComm", "ApiDocuments", "ApiQueries",
    "ApiAppointments", "ApiInsurance", "ApiPatients", "ApiPayments",
    "ApiPayPlans", "ApiProcedureLogs", "ApiSetup", "ApiTextingASAP",
    "ApiEnterprise", "ApiInsuranceSimple",
};

/* 401 texts for a missing permission, static so od_cred_allows can hand
 * them out. */
#define LACKS(n) "The developer key lacks the " n " permission."
static const char *const perm_lacks[] = {
    LACKS("ApiReadAll"), LACKS("ApiAllOthers"), LACKS("ApiComm"),
    LACKS("ApiDocuments"), LACKS("ApiQueries"), LACKS("ApiAppointments"),
    LACKS("ApiInsurance"), LACKS("ApiPatients"), LACKS("ApiPayments"),
    LACKS("ApiPayPlans"), LACKS("ApiProcedureLogs"), LACKS("ApiSetup"),
    LACKS("ApiTextingASAP"), LACKS("ApiEnterprise"),
    LACKS("ApiInsuranceSimple"),
};
#undef LACKS

int od_perm_from_name(const char *name)
{
    size_t i;
    if (!name)
        return -1;
    for (i = 0; i < OD_ARRAY_LEN(perm_names); i++)
        if (!strcasecmp(name, perm_names[i]))
            return OD_PERM_FIRST + (int)i;
    return -1;
}

const char *od_perm_name(int perm)
{
    if (perm < OD_PERM_FIRST || perm > OD_PERM_LAST)
        return NULL;
    return perm_names[perm - OD_PERM_FIRST];
}

int od_perm_parse_list(const char *list, uint64_t *bits, char *err,
                       size_t errlen)
{
    const char *p = list ? list : "";
    uint64_t b = 0;
    while (*p == ' ')
        p++;
    if (!strcasecmp(p, "all")) {
        *bits = OD_PERM_ALL_BITS;
        return 0;
    }
    while (*p) {
        char name[64];
        size_t n = 0;
        int perm;
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        while (*p && *p != ',' && *p != ' ') {
            if (n + 1 < sizeof name)
                name[n] = *p;
            n++;
            p++;
        }
        name[n < sizeof name ? n : sizeof name - 1] = '\0';
        if (n >= sizeof name || (perm = od_perm_from_name(name)) < 0) {
            snprintf(err, errlen,
                     "unknown permission name '%.40s' (use Open Dental's "
                     "API permission names such as ApiReadAll, or \"all\")",
                     name);
            return -1;
        }
        b |= OD_PERM_BIT(perm);
    }
    *bits = b;
    return 0;
}

static const char *const status_names[] = {
    "Unknown", "Enabled", "DisabledByCustomer", "DisabledByDeveloper",
    "DisabledByHQ", "EnabledReadOnly",
};
static const char *const status_descriptions[] = {
    "Unknown", "Enabled", "Disabled by Customer", "Disabled by Developer",
    "Disabled by Open Dental", "Read Enabled",
};
/* 401 texts for a key that is not enabled. */
static const char *const status_refusals[] = {
    "This key's status is Unknown.",
    "",
    "This key has been Disabled by Customer.",
    "This key has been Disabled by Developer.",
    "This key has been Disabled by Open Dental.",
    "",
};

int od_key_status_from_name(const char *name)
{
    size_t i;
    if (!name)
        return -1;
    for (i = 0; i < OD_ARRAY_LEN(status_names); i++)
        if (!strcasecmp(name, status_names[i]))
            return (int)i;
    return -1;
}

const char *od_key_status_name(int status)
{
    if (status < 0 || (size_t)status >= OD_ARRAY_LEN(status_names))
        return "Unknown";
    return status_names[status];
}

const char *od_key_status_description(int status)
{
    if (status < 0 || (size_t)status >= OD_ARRAY_LEN(status_descriptions))
        return "Unknown";
    return status_descriptions[status];
}

static int is_read_method(const char *method)
{
    return method && (!strcmp(method, "GET") || !strcmp(method, "HEAD"));
}

int od_cred_allows(const struct od_verdict *v, int perm, const char *method,
                   const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    *why = NULL;
    if (perm == ODAPI_PERM_NONE)
        return 1;
    if (!v || (v->status != OD_KEY_ENABLED &&
               v->status != OD_KEY_ENABLED_READ_ONLY)) {
        int s = v ? v->status : OD_KEY_UNKNOWN;
        if (s < 0 || (size_t)s >= OD_ARRAY_LEN(status_refusals) ||
            !*status_refusals[s])
            s = OD_KEY_UNKNOWN;
        *why = status_refusals[s];
        return 0;
    }
    if (v->status == OD_KEY_ENABLED_READ_ONLY && !is_read_method(method)) {
        *why = "This key is Read Enabled: only GET requests are allowed.";
        return 0;
    }
    if (perm == ODAPI_PERM_KEY)
        return 1;
    if (perm < OD_PERM_FIRST || perm > OD_PERM_LAST) {
        *why = "The route needs an unknown permission.";
        return 0;
    }
    if (!(v->perms & OD_PERM_BIT(perm))) {
        *why = perm_lacks[perm - OD_PERM_FIRST];
        return 0;
    }
    return 1;
}

char *od_cred_securityperms_json(const struct od_verdict *v)
{
    size_t cap = 64 * OD_ARRAY_LEN(perm_names) + 4, len = 0;
    char *out = malloc(cap);
    size_t i;
    if (!out)
        return NULL;
    out[len++] = '[';
    for (i = 0; i < OD_ARRAY_LEN(perm_names); i++) {
        int has = v && (v->perms & ((uint64_t)1 << i));
        len += (size_t)snprintf(out + len, cap - len,
                                "%s{\"Permission\":\"%s\",\"HasPermission\":"
                                "\"%s\"}",
                                i ? "," : "", perm_names[i],
                                has ? "true" : "false");
    }
    snprintf(out + len, cap - len, "]");
    return out;
}

/* ---- the header ----------------------------------------------------------- */

/* Split "ODFHIR dev/cust". 0 on success, else the HTTP status with *msg.
 * The keys are copied into dev and cust (OD_CRED_KEY_MAX + 1 bytes). */
static int parse_header(const char *h, char *dev, char *cust,
                        const char **msg)
{
    static const char scheme[] = "ODFHIR";
    const char *rest, *slash = NULL, *p;
    size_t dlen, clen;

    if (!h || !*h) {
        *msg = OD_MSG_AUTH_MISSING;
        return 400;
    }
    *msg = OD_MSG_AUTH_FORMAT;
    /* Auth schemes are case-insensitive (RFC 9110 11.1); exactly one space
     * separates the scheme from the pair (apisetup.html). */
    if (strncasecmp(h, scheme, sizeof scheme - 1) || h[sizeof scheme - 1] != ' ')
        return 400;
    rest = h + sizeof scheme;
    for (p = rest; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == ' ' || ch == '\t' || ch < 0x20 || ch == 0x7f)
            return 400;
        if (ch == '/') {
            if (slash)
                return 400;
            slash = p;
        }
    }
    if (!slash || slash == rest || !slash[1])
        return 400;
    dlen = (size_t)(slash - rest);
    clen = strlen(slash + 1);
    /* Well-formed, but no key looks like this: a 401 like any unknown key,
     * without asking a validator. */
    *msg = OD_MSG_AUTH_INVALID;
    if (dlen > OD_CRED_KEY_MAX || clen > OD_CRED_KEY_MAX)
        return 401;
    for (p = rest; *p; p++)
        if ((unsigned char)*p > 0x7e)
            return 401;
    memcpy(dev, rest, dlen);
    dev[dlen] = '\0';
    memcpy(cust, slash + 1, clen);
    cust[clen] = '\0';
    *msg = NULL;
    return 0;
}

/* ---- the cache ------------------------------------------------------------ */

static void pair_id(const struct od_cred *c, const char *dev,
                    const char *cust, unsigned char id[ID_LEN],
                    char key_hash[17])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char buf[2 * OD_CRED_KEY_MAX + 2];
    size_t dl = strlen(dev), cl = strlen(cust), i;
    unsigned int len = ID_LEN;
    memcpy(buf, dev, dl);
    buf[dl] = '/';
    memcpy(buf + dl + 1, cust, cl);
    /* Re-initialising the keyed context costs ~1 us; HMAC() fetches the
     * digest and sets the key up again on every call (~5.7 us). */
    size_t ol = 0;
    if (!c->mac || !EVP_MAC_init(c->mac, NULL, 0, NULL) ||
        !EVP_MAC_update(c->mac, buf, dl + 1 + cl) ||
        !EVP_MAC_final(c->mac, id, &ol, ID_LEN))
        HMAC(EVP_sha256(), c->secret, (int)sizeof c->secret, buf,
             dl + 1 + cl, id, &len);
    OPENSSL_cleanse(buf, sizeof buf);
    /* The log name comes from the other half of the digest than the bucket
     * index. */
    for (i = 0; i < 8; i++) {
        key_hash[2 * i] = hex[id[16 + i] >> 4];
        key_hash[2 * i + 1] = hex[id[16 + i] & 15];
    }
    key_hash[16] = '\0';
}

static size_t bucket_of(const struct od_cred *c, const unsigned char *id)
{
    size_t h = (size_t)id[0] | (size_t)id[1] << 8 | (size_t)id[2] << 16 |
               (size_t)id[3] << 24;
    return h & (c->nbuckets - 1);
}

static struct entry *find_entry(struct od_cred *c, const unsigned char *id)
{
    struct entry *e;
    for (e = c->buckets[bucket_of(c, id)]; e; e = e->hnext)
        if (od_ct_equal(e->id, ID_LEN, id, ID_LEN))
            return e;
    return NULL;
}

static void lru_unlink(struct od_cred *c, struct entry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        c->lru_head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        c->lru_tail = e->prev;
    e->prev = e->next = NULL;
}

static void lru_push(struct od_cred *c, struct entry *e)
{
    e->prev = NULL;
    e->next = c->lru_head;
    if (c->lru_head)
        c->lru_head->prev = e;
    c->lru_head = e;
    if (!c->lru_tail)
        c->lru_tail = e;
}

static void lru_touch(struct od_cred *c, struct entry *e)
{
    if (c->lru_head != e) {
        lru_unlink(c, e);
        lru_push(c, e);
    }
}

static void remove_entry(struct od_cred *c, struct entry *e)
{
    struct entry **pp = &c->buckets[bucket_of(c, e->id)];
    while (*pp != e)
        pp = &(*pp)->hnext;
    *pp = e->hnext;
    lru_unlink(c, e);
    c->count--;
    OPENSSL_cleanse(e, sizeof *e);
    free(e);
}

/* Make room for one more entry: drop the least recently used finished
 * entries. 0 when the table is full of pending validations. */
static int make_room(struct od_cred *c)
{
    struct entry *e = c->lru_tail;
    while (c->count >= c->max_entries && e) {
        struct entry *prev = e->prev;
        if (e->state == ENTRY_DONE) {
            remove_entry(c, e);
            c->evictions++;
        }
        e = prev;
    }
    return c->count < c->max_entries;
}

static struct entry *new_entry(struct od_cred *c, const unsigned char *id)
{
    struct entry *e;
    size_t b;
    if (!make_room(c) || !(e = calloc(1, sizeof *e)))
        return NULL;
    memcpy(e->id, id, ID_LEN);
    b = bucket_of(c, id);
    e->hnext = c->buckets[b];
    c->buckets[b] = e;
    lru_push(c, e);
    c->count++;
    return e;
}

/* ---- validations ----------------------------------------------------------- */

static void free_job(struct od_cred *c, struct job *j)
{
    if (c) {
        if (j->prev)
            j->prev->next = j->next;
        else
            c->jobs = j->next;
        if (j->next)
            j->next->prev = j->prev;
    }
    if (j->dev)
        OPENSSL_cleanse(j->dev, strlen(j->dev));
    if (j->cust)
        OPENSSL_cleanse(j->cust, strlen(j->cust));
    free(j->dev);
    free(j->cust);
    free(j);
}

static uint64_t now_ms(const struct od_cred *c)
{
    return c->now ? c->now(c->now_arg) : od_now_ms();
}

/* A validation ended: settle the entry, then tell everybody waiting. */
static void finish(struct od_cred *c, struct entry *e, const char *key_hash,
                   int outcome, const struct od_verdict *v, const char *via)
{
    struct waiter *w, *next;
    struct od_verdict copy;
    int http_status;
    const char *message;
    uint64_t now = now_ms(c);

    e->state = ENTRY_DONE;
    e->job = NULL;
    memset(&e->v, 0, sizeof e->v);
    memcpy(e->v.key_hash, key_hash, sizeof e->v.key_hash);
    if (outcome == OD_VAL_VERDICT) {
        e->v.status = v->status;
        e->v.perms = v->perms & OD_PERM_ALL_BITS;
        snprintf(e->v.developer_name, sizeof e->v.developer_name, "%s",
                 v->developer_name);
        e->http_status = 0;
        e->message = NULL;
        e->expires = now + c->ttl_ms;
        od_log(&c->log, ODAPI_LOG_INFO,
               "credentials %s: %s by %s, developer \"%.60s\"", key_hash,
               od_key_status_name(e->v.status), via, e->v.developer_name);
    } else if (outcome == OD_VAL_UNKNOWN) {
        e->http_status = 401;
        e->message = OD_MSG_AUTH_INVALID;
        e->expires = now + OD_CRED_UNKNOWN_TTL_MS;
        od_log(&c->log, ODAPI_LOG_INFO, "credentials %s: unknown pair (%s)",
               key_hash, via);
    } else {
        e->http_status = 401;
        e->message = OD_MSG_AUTH_UNVALIDATED;
        e->expires = now + OD_CRED_UNREACHABLE_TTL_MS;
        od_log(&c->log, ODAPI_LOG_WARNING,
               "credentials %s: could not be validated (%s unreachable)",
               key_hash, via);
    }
    /* The callbacks may check again, even evict e: work from copies. */
    copy = e->v;
    http_status = e->http_status;
    message = e->message;
    w = e->waiters;
    e->waiters = NULL;
    e->wtail = &e->waiters;
    for (; w; w = next) {
        next = w->next;
        w->cb(w->arg, http_status, http_status ? NULL : &copy, message);
        free(w);
    }
}

static void job_finish(struct job *j, int outcome, const struct od_verdict *v,
                       const char *via)
{
    struct od_cred *c = j->c;
    struct entry *e = j->e;
    char key_hash[17];
    memcpy(key_hash, j->key_hash, sizeof key_hash);
    free_job(c, j);
    finish(c, e, key_hash, outcome, v, via);
}

static void remote_done(void *arg, int outcome, const struct od_verdict *v)
{
    struct job *j = arg;
    j->rq = NULL;
    job_finish(j, outcome, v, "the validation server");
}

/* Local sources said nothing: ask the remote validator, or refuse. */
static void ask_remote(struct job *j)
{
    struct od_cred *c = j->c;
    if (!c->remote) {
        job_finish(j, OD_VAL_UNKNOWN, NULL, "local keys");
        return;
    }
    c->validations++;
    c->remote_calls++;
    j->rq = od_remote_validate(c->remote, j->dev, j->cust, j->key_hash,
                               remote_done, j);
    if (!j->rq)
        job_finish(j, OD_VAL_UNREACHABLE, NULL, "out of memory: validator");
}

static void db_done(void *arg, int found, const char *dev_name)
{
    struct job *j = arg;
    struct od_verdict v;
    const struct od_local_key *d = j->developer;
    j->db_pending = 0;
    if (!j->c) { /* the cache was freed meanwhile */
        free_job(NULL, j);
        return;
    }
    if (found < 0 && !j->c->remote) {
        job_finish(j, OD_VAL_UNREACHABLE, NULL, "the apikey table");
        return;
    }
    /* The table speaks only for a developer-only entry, and never for a
     * customer key that a configured pair names. */
    if (found <= 0 || !d || j->owned) {
        ask_remote(j);
        return;
    }
    memset(&v, 0, sizeof v);
    v.status = d->status;
    v.perms = d->perms;
    snprintf(v.developer_name, sizeof v.developer_name, "%s",
             d->developer_name[0] || !dev_name ? d->developer_name : dev_name);
    job_finish(j, OD_VAL_VERDICT, &v, "the apikey table");
}

/* Start validating the pair of entry e (pending, with a waiter). May finish
 * before returning. Everything up to the apikey-table lookup is the same
 * work whether the developer key is known or not (docs/credentials.md,
 * "Timing"): every local entry is compared, and the table is asked. */
static void validate(struct od_cred *c, struct entry *e, const char *dev,
                     const char *cust, const char *key_hash)
{
    const struct od_local_key *k = od_local_find_pair(&c->local, dev, cust);
    const struct od_local_key *d = od_local_find_developer(&c->local, dev);
    int owned = od_local_has_customer(&c->local, cust);
    struct job *j;
    if (k) {
        struct od_verdict v;
        memset(&v, 0, sizeof v);
        v.status = k->status;
        v.perms = k->perms;
        memcpy(v.developer_name, k->developer_name, sizeof v.developer_name);
        finish(c, e, key_hash, OD_VAL_VERDICT, &v, "local keys");
        return;
    }
    if (!(j = calloc(1, sizeof *j)) || !(j->dev = strdup(dev)) ||
        !(j->cust = strdup(cust))) {
        if (j)
            free_job(NULL, j);
        finish(c, e, key_hash, OD_VAL_UNREACHABLE, NULL, "out of memory");
        return;
    }
    j->c = c;
    j->e = e;
    memcpy(j->key_hash, key_hash, sizeof j->key_hash);
    j->next = c->jobs;
    if (c->jobs)
        c->jobs->prev = j;
    c->jobs = j;
    e->job = j;
    j->developer = d;
    j->owned = owned;
    if (c->db_fn) {
        c->validations++;
        c->db_lookups++;
        j->db_pending = 1;
        c->db_fn(c->db_arg, j->cust, d ? d->developer_name : "", db_done, j);
        return;
    }
    ask_remote(j);
}

void od_cred_check(struct od_cred *c, const char *authorization,
                   od_cred_cb cb, void *arg)
{
    char dev[OD_CRED_KEY_MAX + 1], cust[OD_CRED_KEY_MAX + 1];
    unsigned char id[ID_LEN];
    char key_hash[17];
    const char *msg;
    struct entry *e;
    struct waiter *w;
    int st = parse_header(authorization, dev, cust, &msg);

    if (st) {
        cb(arg, st, NULL, msg);
        return;
    }
    pair_id(c, dev, cust, id, key_hash);
    e = find_entry(c, id);
    if (e && e->state == ENTRY_DONE && now_ms(c) < e->expires) {
        struct od_verdict copy = e->v;
        OPENSSL_cleanse(dev, sizeof dev);
        OPENSSL_cleanse(cust, sizeof cust);
        lru_touch(c, e);
        c->hits++;
        cb(arg, e->http_status, e->http_status ? NULL : &copy, e->message);
        return;
    }
    c->misses++;
    if (!(w = calloc(1, sizeof *w)) || (!e && !(e = new_entry(c, id)))) {
        free(w);
        OPENSSL_cleanse(dev, sizeof dev);
        OPENSSL_cleanse(cust, sizeof cust);
        od_log(&c->log, ODAPI_LOG_ERROR,
               "credentials %s: no room to validate", key_hash);
        cb(arg, 400, NULL, OD_MSG_AUTH_NOMEM);
        return;
    }
    w->cb = cb;
    w->arg = arg;
    lru_touch(c, e);
    if (e->state == ENTRY_PENDING) { /* somebody is validating this pair */
        *e->wtail = w;
        e->wtail = &w->next;
    } else { /* new or expired */
        e->state = ENTRY_PENDING;
        e->waiters = w;
        e->wtail = &w->next;
        validate(c, e, dev, cust, key_hash);
    }
    OPENSSL_cleanse(dev, sizeof dev);
    OPENSSL_cleanse(cust, sizeof cust);
}

/* ---- life ---------------------------------------------------------------- */

struct od_cred *od_cred_new(struct event_base *base, const odapi_config *cfg,
                            char *err, size_t errlen)
{
    struct od_cred *c = calloc(1, sizeof *c);
    long ttl;
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->base = base;
    c->log = cfg->log;
    ttl = cfg->limits[ODAPI_LIMIT_CRED_TTL];
    c->ttl_ms = (uint64_t)(ttl > 0 ? ttl : 6 * 3600) * 1000u;
    c->max_entries = OD_CRED_MAX_ENTRIES;
    c->nbuckets = 16384; /* >= OD_CRED_MAX_ENTRIES, a power of two */
    if (RAND_bytes(c->secret, (int)sizeof c->secret) != 1) {
        snprintf(err, errlen, "cannot draw the credential cache's secret "
                              "from OpenSSL's random generator");
        goto fail;
    }
    {
        EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
        OSSL_PARAM prm[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                             (char *)"SHA256", 0),
            OSSL_PARAM_construct_end()};
        if (m && (c->mac = EVP_MAC_CTX_new(m)) &&
            !EVP_MAC_init(c->mac, c->secret, sizeof c->secret, prm)) {
            EVP_MAC_CTX_free(c->mac);
            c->mac = NULL; /* pair_id falls back to HMAC() */
        }
        EVP_MAC_free(m);
    }
    if (!(c->buckets = calloc(c->nbuckets, sizeof *c->buckets))) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (od_local_load(&c->local, cfg->keys_file, cfg->keys, cfg->nkeys, err,
                      errlen))
        goto fail;
    if (cfg->validator_url && *cfg->validator_url &&
        !(c->remote = od_remote_new(base, cfg->validator_url,
                                    cfg->validator_ca, &c->log, err,
                                    errlen)))
        goto fail;
    return c;
fail:
    od_cred_free(c);
    return NULL;
}

void od_cred_free(struct od_cred *c)
{
    struct entry *e, *next;
    struct job *j, *jn;
    if (!c)
        return;
    for (j = c->jobs; j; j = jn) {
        jn = j->next;
        if (j->rq)
            od_remote_cancel(j->rq);
        if (j->db_pending) { /* db_done will free it */
            j->c = NULL;
            j->prev = j->next = NULL;
        } else {
            free_job(NULL, j);
        }
    }
    for (e = c->lru_head; e; e = next) {
        struct waiter *w, *wn;
        next = e->next;
        for (w = e->waiters; w; w = wn) {
            wn = w->next;
            free(w);
        }
        OPENSSL_cleanse(e, sizeof *e);
        free(e);
    }
    free(c->buckets);
    od_remote_free(c->remote);
    od_local_free(&c->local);
    EVP_MAC_CTX_free(c->mac);
    OPENSSL_cleanse(c->secret, sizeof c->secret);
    free(c);
}

ODAPI_EXPORT int odapi_config_check_keys(const odapi_config *cfg, char *err,
                                         size_t errlen)
{
    char why[512];
    struct od_cred *c;
    if (!cfg)
        return ODAPI_E_INVALID;
    if (!(c = od_cred_new(NULL, cfg, why, sizeof why))) {
        if (err && errlen)
            snprintf(err, errlen, "%s", why);
        return ODAPI_E_CONFIG;
    }
    od_cred_free(c);
    return ODAPI_OK;
}

void od_cred_set_db_lookup(struct od_cred *c, od_cred_db_lookup fn, void *arg)
{
    c->db_fn = fn;
    c->db_arg = arg;
}

void od_cred_set_clock(struct od_cred *c, uint64_t (*now)(void *arg),
                       void *arg)
{
    c->now = now;
    c->now_arg = arg;
}

void od_cred_set_max_entries(struct od_cred *c, size_t max)
{
    c->max_entries = max ? max : 1;
}

void od_cred_set_remote_timeout(struct od_cred *c, int ms)
{
    if (c->remote)
        od_remote_set_timeout(c->remote, ms);
}

unsigned long od_cred_validations(const struct od_cred *c)
{
    return c->validations;
}

void od_cred_counts(const struct od_cred *c, struct od_cred_counts *out)
{
    out->hits = c->hits;
    out->misses = c->misses;
    out->db_lookups = c->db_lookups;
    out->remote = c->remote_calls;
    out->evictions = c->evictions;
    out->entries = c->count;
}
