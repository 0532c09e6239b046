/*
 * cred-internal.h - credentials: the ODFHIR header, the validators (local
 * keys, the apikey table, a remote HTTPS validator), the credential cache
 * and the API permissions. docs/credentials.md describes the behaviour.
 *
 * Everything here runs on the event loop thread.
 */
#ifndef OD_CRED_INTERNAL_H
#define OD_CRED_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/odapi-internal.h"
#include <odapi/server.h>

struct event_base;

/* ---- the interface the server uses (cred.c) ----------------------------- */

struct od_cred;

/* FHIRKeyStatus (apisetup.html). */
enum od_key_status {
    OD_KEY_UNKNOWN = 0,
    OD_KEY_ENABLED = 1,
    OD_KEY_DISABLED_BY_CUSTOMER = 2,
    OD_KEY_DISABLED_BY_DEVELOPER = 3,
    OD_KEY_DISABLED_BY_HQ = 4,
    OD_KEY_ENABLED_READ_ONLY = 5
};

#define OD_PERM_FIRST ODAPI_PERM_READ_ALL        /* 25 */
#define OD_PERM_LAST ODAPI_PERM_INSURANCE_SIMPLE /* 39 */
#define OD_PERM_BIT(p) ((uint64_t)1 << ((p) - OD_PERM_FIRST))
#define OD_PERM_ALL_BITS (OD_PERM_BIT(OD_PERM_LAST + 1) - 1)

struct od_verdict {
    int status;              /* enum od_key_status */
    uint64_t perms;          /* OD_PERM_BIT(p) for each permission p */
    char developer_name[128];
    char key_hash[17];       /* 16 hex chars naming the pair in logs */
};

/* http_status 0: v is the verdict (check it with od_cred_allows); else
 * 400 or 401 and message (text for a JSON string body; never has keys).
 * v and message are valid during the call only. */
typedef void (*od_cred_cb)(void *arg, int http_status,
                           const struct od_verdict *v, const char *message);

/* NULL on failure with one sentence in err (bad keys file, bad
 * permission name, bad validator URL or CA file, out of memory). */
struct od_cred *od_cred_new(struct event_base *base, const odapi_config *cfg,
                            char *err, size_t errlen);
/* Pending checks are dropped without calling their callbacks. Not to be
 * called from inside an od_cred_cb. */
void od_cred_free(struct od_cred *c);

/* Parse the Authorization header value (NULL when absent) and look the
 * pair up. cb runs on the loop thread, possibly before od_cred_check
 * returns (cache hit, parse error, local key). */
void od_cred_check(struct od_cred *c, const char *authorization,
                   od_cred_cb cb, void *arg);

/* 1 when v may use a route needing perm (ODAPI_PERM_NONE: always;
 * ODAPI_PERM_KEY: an enabled key; others: an enabled key with that
 * permission; EnabledReadOnly keys: GET and HEAD only). 0 and *why (a
 * static sentence for a 401 body) when not. v may be NULL for PERM_NONE. */
int od_cred_allows(const struct od_verdict *v, int perm, const char *method,
                   const char **why);

/* The apikey-table hook: answer (on the loop thread, now or later) whether
 * customer_key is in the apikey table, compared byte for byte; with
 * dev_name non-empty only a row whose DevName is exactly dev_name counts.
 * found: 1 yes (dev_name: the row's DevName), 0 no, -1 the table could not
 * be read. The cache asks for every pair no local entry matches, whether
 * or not the developer key is known, so both cost the same. */
typedef void (*od_cred_db_done)(void *done_arg, int found,
                                const char *dev_name);
typedef void (*od_cred_db_lookup)(void *lookup_arg, const char *customer_key,
                                  const char *dev_name, od_cred_db_done done,
                                  void *done_arg);
void od_cred_set_db_lookup(struct od_cred *c, od_cred_db_lookup fn, void *arg);

/* Tests: a clock in milliseconds instead of od_now_ms(). */
void od_cred_set_clock(struct od_cred *c, uint64_t (*now_ms)(void *arg),
                       void *arg);
/* Tests: the cache bound (default OD_CRED_MAX_ENTRIES). */
void od_cred_set_max_entries(struct od_cred *c, size_t max);
/* Tests: the remote validator's timeout (default OD_CRED_REMOTE_TIMEOUT_MS). */
void od_cred_set_remote_timeout(struct od_cred *c, int ms);

/* Permission names of Open Dental's apipermissions.html ("ApiReadAll"...;
 * case-insensitive) to numbers (-1 when unknown), and back (NULL when
 * unknown). */
int od_perm_from_name(const char *name);
const char *od_perm_name(int perm);
/* "all" or comma-separated names to bits; -1 and the bad name in
 * err when a name is unknown. */
int od_perm_parse_list(const char *list, uint64_t *bits, char *err,
                       size_t errlen);
/* The GET /securityperms body: [{"Permission":"ApiReadAll",
 * "HasPermission":"true"}, ...] for every permission. malloc'd. */
char *od_cred_securityperms_json(const struct od_verdict *v);
/* FHIRKeyStatus names ("Enabled"...) and descriptions ("Read Enabled"...). */
int od_key_status_from_name(const char *name);
const char *od_key_status_name(int status);
const char *od_key_status_description(int status);

/* Stats for tests. */
unsigned long od_cred_validations(const struct od_cred *c); /* db + remote */

/* For GET /metrics, since the cache was made: checks answered from the
 * cache and not, lookups in the apikey table, calls to the remote
 * validator, evictions; entries now. Loop thread. */
struct od_cred_counts {
    unsigned long hits, misses, db_lookups, remote, evictions;
    size_t entries;
};
void od_cred_counts(const struct od_cred *c, struct od_cred_counts *out);

#define OD_CRED_MAX_ENTRIES 10000
#define OD_CRED_UNKNOWN_TTL_MS (60 * 1000)     /* an unknown pair */
#define OD_CRED_UNREACHABLE_TTL_MS (5 * 1000)  /* validator unreachable */
#define OD_CRED_REMOTE_TIMEOUT_MS 5000
#define OD_CRED_KEY_MAX 128                     /* longest key accepted */

/* Messages (JSON-string body text). */
#define OD_MSG_AUTH_MISSING \
    "Authorization header is missing. Use 'ODFHIR {DeveloperKey}/{CustomerKey}'."
#define OD_MSG_AUTH_FORMAT \
    "Authorization header is malformed. Use 'ODFHIR {DeveloperKey}/{CustomerKey}'."
#define OD_MSG_AUTH_INVALID "Invalid DeveloperKey or CustomerKey."
#define OD_MSG_AUTH_UNVALIDATED \
    "The credentials could not be validated because the validation server " \
    "could not be reached. Try again later."
#define OD_MSG_AUTH_NOMEM "The server is out of memory."

/* ---- validators (auth/local.c, auth/remote.c) --------------------------- */

/* How a validation ended. */
enum od_val_outcome {
    OD_VAL_VERDICT = 0,     /* the pair is known: v says its status */
    OD_VAL_UNKNOWN = 1,     /* nobody knows the pair */
    OD_VAL_UNREACHABLE = 2  /* could not ask (network, TLS, bad answer) */
};

typedef void (*od_val_done)(void *arg, int outcome,
                            const struct od_verdict *v);

/* Local keys: the keys file plus the configuration's pairs. */
struct od_local_key {
    char *developer_key;
    char *customer_key; /* NULL: a developer whose customer keys are in the
                           apikey table */
    char developer_name[128];
    int status;
    uint64_t perms;
};

struct od_local {
    struct od_local_key *keys;
    size_t nkeys;
};

/* Load path (may be NULL) and cfg's pairs; -1 with a sentence in err. */
int od_local_load(struct od_local *l, const char *path,
                  const struct od_key *pairs, int npairs, char *err,
                  size_t errlen);
/* Parse a keys file from memory (what od_local_load does per file). */
int od_local_parse(struct od_local *l, const char *json, size_t len,
                   const char *name, char *err, size_t errlen);
void od_local_free(struct od_local *l);
/* The pair's entry (constant-time key comparisons), or NULL. */
const struct od_local_key *od_local_find_pair(const struct od_local *l,
                                              const char *dev,
                                              const char *cust);
/* The developer-only entry (no CustomerKey: its customers are in the
 * apikey table) with that developer key, the first if several, or NULL. */
const struct od_local_key *od_local_find_developer(const struct od_local *l,
                                                   const char *dev);
/* 1 when some entry names this customer key (with whatever developer):
 * then that configured pair decides, never the apikey table. */
int od_local_has_customer(const struct od_local *l, const char *cust);

/* The remote validator. */
struct od_remote;
struct od_remote_req;

/* NULL with a sentence in err for a URL that is not https://host[:port]/...
 * or an unreadable CA file. ca_file NULL: the system's CAs. */
struct od_remote *od_remote_new(struct event_base *base, const char *url,
                                const char *ca_file,
                                const struct od_logger *log, char *err,
                                size_t errlen);
/* Cancels pending requests (their callbacks are not called). */
void od_remote_free(struct od_remote *r);
void od_remote_set_timeout(struct od_remote *r, int ms);
/* Ask about a pair; done runs later on the loop thread (never before this
 * returns). key_hash names the pair in log lines. NULL when out of memory. */
struct od_remote_req *od_remote_validate(struct od_remote *r, const char *dev,
                                         const char *cust,
                                         const char *key_hash,
                                         od_val_done done, void *arg);
void od_remote_cancel(struct od_remote_req *q);
/* Parse a 200 answer's body into v (tests); -1 when malformed. */
int od_remote_parse_answer(const char *body, size_t len,
                           struct od_verdict *v);

#endif /* OD_CRED_INTERNAL_H */
