/* util.c - small helpers shared by the library's files. */
#include "core/odapi-internal.h"

#include <errno.h>
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

int od_parse_ll(const char *s, long long *out)
{
    char *end;
    long long v;
    if (!s)
        return -1;
    while (*s == ' ')
        s++;
    if (!*s)
        return -1;
    errno = 0;
    v = strtoll(s, &end, 10);
    while (*end == ' ')
        end++;
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

static int days_in(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

int od_valid_date(const char *s, int with_time)
{
    int y, mo, d, h = 0, mi = 0, se = 0, n = 0;
    size_t len = strlen(s);
    if (len != (with_time ? 19u : 10u))
        return 0;
    if (with_time) {
        if (sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se,
                   &n) != 6 || n != 19 || s[10] != ' ' || s[13] != ':' ||
            s[16] != ':')
            return 0;
    } else if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10) {
        return 0;
    }
    if (s[0] < '0' || s[0] > '9' || s[4] != '-' || s[7] != '-')
        return 0;
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in(y, mo))
        return 0;
    return h >= 0 && h < 24 && mi >= 0 && mi < 60 && se >= 0 && se < 60;
}
