/*
 * odapi-internal.h - what the library's own files share. Never installed.
 *
 * Conventions: public functions are odapi_* and marked ODAPI_EXPORT; every
 * other non-static symbol is od_* and stays inside the shared library
 * (hidden visibility plus lib/odapi.map).
 */
#ifndef ODAPI_INTERNAL_H
#define ODAPI_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <odapi/odapi.h>

#define ODAPI_EXPORT __attribute__((visibility("default")))
#define OD_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define OD_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
/* The same as an int, for descriptions' counts and int loop indexes. */
#define OD_N(a) ((int)OD_ARRAY_LEN(a))

#define OD_PORT_LOCAL 30222
#define OD_PORT_SERVICE 30223
#define OD_MAX_LISTEN 8
#define OD_LIMIT_COUNT 21 /* odapi_limit values are 1..OD_LIMIT_COUNT-1 */
#define OD_MAX_RELAY_PINS 8
#define OD_MAX_REPLICAS 8
#define OD_REPLICA_MAX_LAG_MS 60000 /* the longest lag bound one may set */
#define OD_REPLICA_DEFAULT_LAG_MS 2000 /* OdapiReplicaMaxLag's default */

/* ---- logging (log.c) ---------------------------------------------------- */

struct od_logger {
    odapi_log_fn fn; /* NULL: stderr */
    void *arg;
    int level;       /* most verbose level kept */
    int json;        /* ODAPI_LOG_FORMAT_JSON: JSON lines (log.c) */
};

/* One log message as a JSON line (no newline): {"time":...,"level":...,
 * "msg":...}; malloc'ed, NULL when out of memory. */
char *od_log_json(int level, const char *msg);

void od_log(const struct od_logger *lg, int level, const char *fmt, ...)
    OD_PRINTF(3, 4);
void od_vlog(const struct od_logger *lg, int level, const char *fmt,
             va_list ap) OD_PRINTF(3, 0);

/* ---- configuration (config.c) ------------------------------------------- */

enum od_db_kind { OD_DB_NONE = 0, OD_DB_SERVER = 1, OD_DB_EMBEDDED = 2 };

struct od_listen {
    char *addr;
    unsigned port;
};

struct od_key {
    char *developer_key;
    char *customer_key;
    char *developer_name;
    char *perms; /* as given to odapi_config_add_key */
};

/* A read replica of the database server (odapi_config_add_read_replica). */
struct od_replica_cfg {
    char *host, *socket;
    unsigned port;
    long max_lag_ms;
};

struct odapi_config {
    odapi_mode mode;
    struct od_listen listen[OD_MAX_LISTEN];
    int nlisten;
    long limits[OD_LIMIT_COUNT];

    enum od_db_kind db_kind;
    char *db_host, *db_socket, *db_user, *db_password, *db_name;
    unsigned db_port;
    char *db_datadir;
    int db_create_schema;
    unsigned long seed;
    char *db_low_user, *db_low_password;
    char *db_ssl_ca; /* SslCa: CA file for TLS to the database */
    struct od_replica_cfg replicas[OD_MAX_REPLICAS]; /* docs/scale-out.md */
    int nreplicas;
    int db_replica; /* this config is a replica's copy (db/replica.c): its
                       sessions are read-only, it may start unreachable */
    char *known_hosts; /* Queries POST: SFTP host keys; NULL: ~/.ssh */
    char *image_dir;   /* the A to Z folder; NULL: DocPath (sandbox:
                          {datadir}/images) */
    char *url_ca;      /* SetByUrl: CA file for https; NULL: system's */
    int url_private;   /* SetByUrl: private addresses may be fetched */

    char *keys_file;
    struct od_key *keys;
    int nkeys;
    char *validator_url, *validator_ca;

    struct od_logger log;
    char *log_file;
    char *tls_cert, *tls_key;
    char *tls_client_ca; /* require client certificates from this CA */

    /* Database Events (odapi_config_set_events; events.c) */
    int events;          /* fire them (odservice) */
    char *workstation;   /* this machine's name; NULL: the host name */
    char *events_ca;     /* CA file for https endpoints; NULL: system CAs */
    char *events_state_dir; /* their state: a folder ... */
    char *events_state_db;  /* ... or a database of its own (wins) */

    /* Cloud relay (odapi_config_set_relay; http/relay.c) */
    char *relay_url, *relay_ca;
    char *relay_pins[OD_MAX_RELAY_PINS]; /* as given; checked when added */
    int nrelay_pins;
    char *relay_cert, *relay_key;        /* client certificate */

    /* GET /metrics on a listener of its own (odapi_config_set_metrics;
     * http/metrics.c): NULL address is off */
    char *metrics_addr;
    unsigned metrics_port;
};

/* A deep copy, or NULL when out of memory. */
odapi_config *od_config_dup(const odapi_config *cfg);
long od_config_limit(const odapi_config *cfg, odapi_limit which);

/* ---- small helpers (util.c) --------------------------------------------- */

/* strdup that accepts NULL (returns NULL) and sets *oom on failure. */
char *od_strdup0(const char *s, int *oom);
/* Replace *dst by a copy of src; ODAPI_E_NOMEM on failure. */
int od_set_str(char **dst, const char *src);
/* Append s as a JSON string literal (quotes, escapes) to buf of size cap,
 * NUL-terminated; returns the length it needs (like snprintf). Invalid UTF-8
 * bytes become U+FFFD. */
size_t od_json_quote(char *buf, size_t cap, const char *s);
/* Constant-time comparison of two byte strings of possibly different
 * lengths (the time depends only on the lengths). 1 when equal. */
int od_ct_equal(const void *a, size_t alen, const void *b, size_t blen);
/* Strict numbers, for everything a request carries (util.c, docs/http.md
 * "Numbers"). Each returns 0 and sets *out, or -1 and leaves it; NULL is
 * refused. No spaces, no '+', no hex, no exponent, no "inf"/"nan".
 * od_parse_ll: an optional '-' and decimal digits, within long long
 *   ("007" is 7: leading zeros change no value).
 * od_parse_key: a key as the API writes one: "0", or digits without a
 *   leading zero; no sign ("05", "-1" and "+5" are refused).
 * od_parse_decimal: an optional '-', digits, and optionally '.' and
 *   digits ("12", "-0.5"; not ".5", "5.", "1e3"); finite.
 * od_parse_key_list: "1,2, 3" (spaces around commas allowed) into at most
 *   max keys, *n of them; -1 for anything else, an empty list included. */
int od_parse_ll(const char *s, long long *out);
/* The value of a hexadecimal digit (either case), or -1. */
int od_hexval(int c);
int od_parse_key(const char *s, long long *out);
int od_parse_decimal(const char *s, double *out);
int od_parse_key_list(const char *s, long long *keys, size_t max, size_t *n);
/* Exactly "yyyy-MM-dd" (with_time: "yyyy-MM-dd HH:mm:ss"), a real date;
 * od_valid_time: exactly "HH:mm:ss". Digits only in the digit places. */
int od_valid_date(const char *s, int with_time);
int od_valid_time(const char *s);
/* Monotonic clock in milliseconds. */
uint64_t od_now_ms(void);
/* The wall-clock time ms from now into *ts: the deadline
 * pthread_cond_timedwait takes (it counts on CLOCK_REALTIME). */
struct timespec;
void od_deadline_ms(long ms, struct timespec *ts);
/* Give the allocator's free pages back to the kernel (malloc_trim on
 * glibc; nothing elsewhere). Costs about a millisecond: call it when idle. */
void od_mem_trim(void);

#endif /* ODAPI_INTERNAL_H */
