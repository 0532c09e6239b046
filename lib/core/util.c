/* util.c - small helpers shared by the library's files. */
#include "core/odapi-internal.h"

#include <errno.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *od_strdup0(const char *s, int *oom)
{
    char *d;
    if (!s)
        return NULL;
    d = strdup(s);
    if (!d && oom)
        *oom = 1;
    return d;
}

int od_set_str(char **dst, const char *src)
{
    char *d = NULL;
    if (src && !(d = strdup(src)))
        return ODAPI_E_NOMEM;
    free(*dst);
    *dst = d;
    return ODAPI_OK;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned c = s[0];
    size_t n, i;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

size_t od_json_quote(char *buf, size_t cap, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t len = 0;
#define PUT(ch)                                                              \
    do {                                                                     \
        if (len + 1 < cap)                                                   \
            buf[len] = (char)(ch);                                           \
        len++;                                                               \
    } while (0)
    PUT('"');
    while (*p) {
        unsigned c = *p;
        size_t n;
        if (c == '"' || c == '\\') {
            PUT('\\');
            PUT(c);
            p++;
        } else if (c < 0x20) {
            PUT('\\');
            switch (c) {
            case '\n': PUT('n'); break;
            case '\r': PUT('r'); break;
            case '\t': PUT('t'); break;
            default:
                PUT('u'); PUT('0'); PUT('0');
                PUT(hex[c >> 4]); PUT(hex[c & 15]);
            }
            p++;
        } else if ((n = utf8_seq(p)) != 0) {
            /* PUT skips its argument once the buffer is full: never give
             * it a side effect (p++ inside it looped forever). */
            for (; n; n--, p++)
                PUT(*p);
        } else { /* invalid byte: U+FFFD */
            PUT(0xEF); PUT(0xBF); PUT(0xBD);
            p++;
        }
    }
    PUT('"');
#undef PUT
    if (cap)
        buf[len < cap ? len : cap - 1] = '\0';
    return len;
}

int od_ct_equal(const void *a, size_t alen, const void *b, size_t blen)
{
    const unsigned char *x = a, *y = b;
    size_t i, n = alen > blen ? alen : blen;
    unsigned diff = (unsigned)(alen != blen);
    for (i = 0; i < n; i++) {
        unsigned cx = i < alen ? x[i] : 0;
        unsigned cy = i < blen ? y[i] : 0;
        diff |= cx ^ cy;
    }
    return diff == 0;
}

uint64_t od_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void od_deadline_ms(long ms, struct timespec *ts)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* ---- strict numbers ---------------------------------------------------------
 * Every number a request carries (a path key, a query parameter, a body
 * value) goes through these, so "0x10", " 12", "+5", "1e3" and "12abc" are
 * refused the same way everywhere: strtoll and strtod accept all of them
 * (and strtod also "inf", "nan" and hex floats). docs/http.md, "Numbers". */

/* Digits s[0..] into *out, refusing overflow; the number of digits read. */
static size_t read_digits(const char *s, int neg, long long *out)
{
    unsigned long long v = 0, lim = neg ? (unsigned long long)LLONG_MAX + 1
                                        : (unsigned long long)LLONG_MAX;
    size_t n = 0;
    for (; s[n] >= '0' && s[n] <= '9'; n++) {
        unsigned d = (unsigned)(s[n] - '0');
        if (v > (lim - d) / 10)
            return 0; /* overflow */
        v = v * 10 + d;
    }
    *out = neg ? (long long)(0 - v) : (long long)v;
    return n;
}

int od_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int od_parse_ll(const char *s, long long *out)
{
    long long v;
    int neg;
    size_t n;
    if (!s)
        return -1;
    neg = *s == '-';
    n = read_digits(s + neg, neg, &v);
    if (n == 0 || s[neg + n] != '\0')
        return -1;
    *out = v;
    return 0;
}

int od_parse_key(const char *s, long long *out)
{
    if (!s || (s[0] == '0' && s[1] != '\0'))
        return -1;
    return s[0] == '-' ? -1 : od_parse_ll(s, out);
}

int od_parse_decimal(const char *s, double *out)
{
    const char *p;
    char *end;
    double v;
    if (!s)
        return -1;
    p = s + (*s == '-');
    if (*p < '0' || *p > '9')
        return -1;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p != '\0')
        return -1;
    /* Only digits, '-' and '.' are left, which strtod reads the same way
     * in every locale that matters here (the library never calls
     * setlocale); it can still overflow to infinity. */
    errno = 0;
    v = strtod(s, &end);
    if (errno || end != p || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int od_parse_key_list(const char *s, long long *keys, size_t max, size_t *n)
{
    char buf[24];
    *n = 0;
    if (!s)
        return -1;
    while (*s) {
        size_t len = 0;
        while (*s == ' ')
            s++;
        while (s[len] >= '0' && s[len] <= '9')
            len++;
        if (len == 0 || len >= sizeof buf || *n == max)
            return -1;
        memcpy(buf, s, len);
        buf[len] = '\0';
        if (od_parse_key(buf, &keys[*n]))
            return -1;
        (*n)++;
        s += len;
        while (*s == ' ')
            s++;
        if (*s == ',' && s[1] != '\0')
            s++;
        else if (*s)
            return -1;
    }
    return *n ? 0 : -1;
}

static int days_in(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

/* Digits at s[i] for every i where pattern has '9'; the pattern's other
 * characters literally. The same length. */
static int shaped(const char *s, const char *pattern)
{
    size_t i;
    for (i = 0; pattern[i]; i++) {
        if (pattern[i] == '9' ? s[i] < '0' || s[i] > '9' : s[i] != pattern[i])
            return 0;
    }
    return s[i] == '\0';
}

static int two(const char *s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

int od_valid_time(const char *s)
{
    return shaped(s, "99:99:99") && two(s) < 24 && two(s + 3) < 60 &&
           two(s + 6) < 60;
}

int od_valid_date(const char *s, int with_time)
{
    int y, mo, d;
    /* sscanf's %d would also take " 1" and "+1" in a field */
    if (!shaped(s, with_time ? "9999-99-99 99:99:99" : "9999-99-99"))
        return 0;
    y = two(s) * 100 + two(s + 2);
    mo = two(s + 5);
    d = two(s + 8);
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in(y, mo))
        return 0;
    return !with_time || od_valid_time(s + 11);
}

/* glibc keeps what was freed (in the main heap and in each thread's arena)
 * for reuse; after a burst of connections that is megabytes nothing uses.
 * malloc_trim hands the free pages of every arena back to the kernel. */
void od_mem_trim(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}
