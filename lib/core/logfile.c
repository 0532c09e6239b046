/*
 * logfile.c - an appended log file that survives logrotate, and the access
 * log line. One write(2) per line under a mutex, so lines written by several
 * threads never interleave and a reopen never splits a line.
 */
#include "core/logfile-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

struct od_logfile {
    pthread_mutex_t mu;
    int fd;
    int json; /* JSON lines (od_logfile_set_json) */
    char *path;
};

void od_logfile_set_json(struct od_logfile *lf, int json)
{
    if (lf)
        lf->json = json;
}

static int open_log(const char *path)
{
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
                0640);
}

struct od_logfile *od_logfile_open(const char *path, char *err, size_t errlen)
{
    struct od_logfile *lf;
    if (!path || !*path) {
        if (err && errlen)
            snprintf(err, errlen, "no log file path was given; pass one");
        return NULL;
    }
    if (!(lf = calloc(1, sizeof *lf)) || !(lf->path = strdup(path))) {
        free(lf);
        if (err && errlen)
            snprintf(err, errlen, "%s: out of memory opening the log file",
                     path);
        return NULL;
    }
    if ((lf->fd = open_log(path)) < 0) {
        if (err && errlen)
            snprintf(err, errlen,
                     "%s: cannot open the log file for appending (%s); create "
                     "its folder or give the service's user write access",
                     path, strerror(errno));
        free(lf->path);
        free(lf);
        return NULL;
    }
    pthread_mutex_init(&lf->mu, NULL);
    return lf;
}

void od_logfile_close(struct od_logfile *lf)
{
    if (!lf)
        return;
    close(lf->fd);
    pthread_mutex_destroy(&lf->mu);
    free(lf->path);
    free(lf);
}

int od_logfile_reopen(struct od_logfile *lf)
{
    int fd, old;
    if (!lf)
        return ODAPI_E_INVALID;
    if ((fd = open_log(lf->path)) < 0)
        return ODAPI_E_IO;
    pthread_mutex_lock(&lf->mu);
    old = lf->fd;
    lf->fd = fd;
    pthread_mutex_unlock(&lf->mu);
    close(old);
    return ODAPI_OK;
}

/* Bytes line needs once escaped, without the "\n". */
static size_t escaped_len(const char *line)
{
    const unsigned char *p = (const unsigned char *)line;
    size_t n = 0;
    for (; *p; p++)
        n += (*p == '\n' || *p == '\r') ? 2
             : (*p < 0x20 && *p != '\t') || *p == 0x7f ? 4
                                                       : 1;
    return n;
}

static void escape_into(char *out, const char *line)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)line;
    for (; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            *out++ = '\\';
            *out++ = *p == '\n' ? 'n' : 'r';
        } else if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
            *out++ = '\\';
            *out++ = 'x';
            *out++ = hex[*p >> 4];
            *out++ = hex[*p & 15];
        } else {
            *out++ = (char)*p;
        }
    }
}

void od_logfile_write(struct od_logfile *lf, const char *line)
{
    char small[1024], *buf = small;
    size_t n, off = 0;
    if (!lf || !line)
        return;
    n = escaped_len(line);
    if (n + 1 > sizeof small && !(buf = malloc(n + 1)))
        return; /* out of memory: drop the line rather than split it */
    escape_into(buf, line);
    buf[n++] = '\n';
    pthread_mutex_lock(&lf->mu);
    while (off < n) {
        ssize_t w = write(lf->fd, buf + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break; /* disk full, fd gone: nothing sensible to do */
        off += (size_t)w;
    }
    pthread_mutex_unlock(&lf->mu);
    if (buf != small)
        free(buf);
}

void od_logfile_log(void *arg, odapi_log_level level, const char *message)
{
    static const char *const names[] = {"Error", "Warning", "Info", "Verbose"};
    char ts[32], line[1200];
    time_t now = time(NULL);
    struct tm tm;
    struct od_logfile *lf = arg;
    if (lf && lf->json) {
        char *j = od_log_json((int)level, message);
        if (j)
            od_logfile_write(lf, j);
        free(j);
        return;
    }
    localtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S%z", &tm); /* as access lines */
    snprintf(line, sizeof line, "%s %s: %s", ts,
             names[level < ODAPI_LOG_ERROR     ? 0
                   : level > ODAPI_LOG_VERBOSE ? 3
                                               : (int)level],
             message ? message : "");
    od_logfile_write(arg, line);
}

/* ---- access line -------------------------------------------------------- */

struct out {
    char *buf;
    size_t cap, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->cap)
        o->buf[o->len] = c;
    o->len++;
}

static void put_str(struct out *o, const char *s)
{
    while (*s)
        put(o, *s++);
}

static int needs_escape(unsigned char c)
{
    return c < 0x20 || c >= 0x7f || c == '"' || c == '\\';
}

/* One byte of the request, escaped when it could break the line. */
static void put_byte(struct out *o, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    if (needs_escape(c)) {
        put(o, '\\');
        put(o, 'x');
        put(o, hex[c >> 4]);
        put(o, hex[c & 15]);
    } else {
        put(o, (char)c);
    }
}

/* Whether a query parameter name (raw, n bytes, maybe percent-encoded) may
 * carry a secret. Names too long to decode count as secret. */
static int secret_name(const char *s, size_t n)
{
    static const char *const words[] = {"key", "pass", "pwd", "secret",
                                        "token", "sql", "auth"};
    char d[256];
    size_t i, k = 0;
    for (i = 0; i < n; i++) {
        int hi, lo;
        if (k + 1 >= sizeof d)
            return 1;
        if (s[i] == '%' && i + 2 < n &&
            (hi = od_hexval((unsigned char)s[i + 1])) >= 0 &&
            (lo = od_hexval((unsigned char)s[i + 2])) >= 0) {
            d[k++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            d[k++] = s[i] == '+' ? ' ' : s[i];
        }
    }
    d[k] = '\0';
    for (i = 0; i < OD_ARRAY_LEN(words); i++)
        if (strcasestr(d, words[i]))
            return 1;
    return 0;
}

/* The URI, secrets masked, escaped, at most OD_ACCESS_URI_MAX bytes. */
static void put_uri(struct out *o, const char *uri)
{
    const unsigned char *p = (const unsigned char *)uri;
    size_t used = 0, limit = OD_ACCESS_URI_MAX - 3;
    int in_query = 0, masking = 0, at_name = 0;
    while (*p) {
        unsigned char c = *p;
        size_t w;
        if (!in_query && c == '?') {
            in_query = at_name = 1;
        } else if (in_query && (c == '&' || c == ';')) {
            masking = 0;
            at_name = 1;
        } else if (in_query && at_name) {
            /* start of a parameter: find its name and decide */
            size_t n = strcspn((const char *)p, "=&;");
            at_name = 0;
            if (p[n] == '=' && secret_name((const char *)p, n)) {
                size_t k;
                masking = 1; /* emit the name and "=", then *** */
                for (k = 0; k <= n; k++) {
                    w = needs_escape(p[k]) ? 4 : 1;
                    if (used + w > limit)
                        goto cut;
                    put_byte(o, p[k]);
                    used += w;
                }
                p += n + 1;
                if (used + 3 > limit)
                    goto cut;
                put_str(o, "***");
                used += 3;
                continue;
            }
            continue; /* emit it below as an ordinary byte */
        }
        if (masking) {
            p++;
            continue;
        }
        w = needs_escape(c) ? 4 : 1;
        if (used + w > limit)
            goto cut;
        put_byte(o, c);
        used += w;
        p++;
    }
    return;
cut:
    put_str(o, "...");
}

static void put_request_id(struct out *o, const char *id)
{
    size_t i, k = 0;
    if (!id || !*id)
        return;
    put_str(o, " id=");
    for (i = 0; id[i] && k < 64; i++) {
        char c = id[i];
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
            (c >= 'A' && c <= 'Z') || c == '_' || c == '-' || c == '.' ||
            c == ':') {
            put(o, c);
            k++;
        }
    }
    if (!k)
        put(o, '-');
}

/* The text of the key=... and id=... fields as od_access_line() cleans
 * them, into kb and ib (empty when absent). */
static void clean_key_and_id(time_t when, int status, const char *key_hash,
                             const char *request_id, char *kb, char *ib,
                             size_t cap)
{
    char tail[256];
    const char *k, *d;
    od_access_line(tail, sizeof tail, when, "-", "", status, 0, key_hash,
                   request_id);
    k = strstr(tail, " key=");
    d = strstr(tail, " id=");
    snprintf(kb, cap, "%.*s", k ? (int)strcspn(k + 5, " ") : 0,
             k ? k + 5 : "");
    snprintf(ib, cap, "%s", d ? d + 4 : "");
}

char *od_access_json(time_t when, const char *method, const char *uri,
                     int status, unsigned long duration_us,
                     const char *key_hash, const char *request_id)
{
    char text[OD_ACCESS_URI_MAX + 8], ts[64], mbuf[17], kb[80], ib[80];
    char *line = NULL;
    struct out o = {text, sizeof text, 0};
    struct tm tm;
    json_t *obj;
    size_t i;
    if (!localtime_r(&when, &tm) ||
        !strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S%z", &tm))
        snprintf(ts, sizeof ts, "@%lld", (long long)when);
    for (i = 0; method && method[i] && i < sizeof mbuf - 1; i++)
        mbuf[i] = needs_escape((unsigned char)method[i]) ? '?' : method[i];
    mbuf[i] = '\0';
    put_uri(&o, uri ? uri : ""); /* masked and escaped: plain ASCII */
    text[o.len < sizeof text ? o.len : sizeof text - 1] = '\0';
    clean_key_and_id(when, status, key_hash, request_id, kb, ib, sizeof kb);
    obj = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:f,s:s}", "time", ts, "level",
                    "Info", "type", "access", "method", *mbuf ? mbuf : "-",
                    "uri", text, "status", status, "ms",
                    (double)duration_us / 1000.0, "key", kb);
    if (obj && *ib)
        json_object_set_new(obj, "id", json_string(ib));
    if (obj)
        line = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(obj);
    return line;
}

size_t od_access_line(char *buf, size_t cap, time_t when, const char *method,
                      const char *uri, int status, unsigned long duration_us,
                      const char *key_hash, const char *request_id)
{
    struct out o = {buf, cap, 0};
    char tmp[64];
    struct tm tm;
    size_t i;
    if (!localtime_r(&when, &tm) ||
        !strftime(tmp, sizeof tmp, "%Y-%m-%dT%H:%M:%S%z", &tm))
        snprintf(tmp, sizeof tmp, "@%lld", (long long)when);
    put_str(&o, tmp);
    put_str(&o, " \"");
    if (!method || !*method)
        method = "-";
    for (i = 0; method[i] && i < 16; i++)
        put_byte(&o, (unsigned char)method[i]);
    put(&o, ' ');
    put_uri(&o, uri ? uri : "");
    snprintf(tmp, sizeof tmp, "\" %d %lu.%03lums key=", status,
             duration_us / 1000, duration_us % 1000);
    put_str(&o, tmp);
    if (!key_hash || !*key_hash) {
        put(&o, '-');
    } else {
        size_t k = 0;
        for (i = 0; key_hash[i] && k < 64; i++) {
            char c = key_hash[i];
            if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                (c >= 'A' && c <= 'Z') || c == '_' || c == '-') {
                put(&o, c);
                k++;
            }
        }
        if (!k)
            put(&o, '-');
    }
    put_request_id(&o, request_id);
    if (cap)
        buf[o.len < cap ? o.len : cap - 1] = '\0';
    return o.len;
}
