/* jsonbuf.c - a growable buffer that writes JSON text directly: answers
 * are written in field order straight from the row, without a DOM.
 * od_buf_add, od_buf_addc and od_buf_reserve are inline in
 * jsonbuf-internal.h. */
#include "core/jsonbuf-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void od_buf_init(struct od_buf *b) { memset(b, 0, sizeof *b); }

void od_buf_free(struct od_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

int od_buf_grow(struct od_buf *b, size_t need)
{
    size_t cap;
    char *p;
    if (b->oom)
        return -1;
    if (b->len + need + 1 <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 1024;
    while (cap < b->len + need + 1)
        cap *= 2;
    if (!(p = realloc(b->p, cap))) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void od_buf_adds(struct od_buf *b, const char *s) { od_buf_add(b, s, strlen(s)); }

void od_buf_printf(struct od_buf *b, const char *fmt, ...)
{
    va_list ap;
    char tmp[256];
    int n;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        od_buf_add(b, tmp, (size_t)n);
        return;
    }
    if (od_buf_grow(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void od_buf_add_ll(struct od_buf *b, long long v)
{
    char tmp[24], *e = tmp + sizeof tmp, *q = e;
    /* the magnitude as unsigned: -LLONG_MIN does not fit a long long */
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
                                 : (unsigned long long)v;
    do {
        *--q = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--q = '-';
    od_buf_add(b, q, (size_t)(e - q));
}

/* 1: the byte is written as it is inside a JSON string */
static const unsigned char plain[256] = {
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
    R16(0), R16(0), /* control characters */
    1, 1, 0 /* " */, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    R16(1), R16(1),
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 /* \ */, 1, 1, 1,
    R16(1),
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 /* DEL */,
    R16(1), R16(1), R16(1), R16(1), R16(1), R16(1), R16(1), R16(1),
#undef R16
};

void od_buf_json_str(struct od_buf *b, const char *s, size_t n,
                     int crlf_spaces)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *in = (const unsigned char *)s;
    size_t i, need = n * 6 + 2;
    char *o;
    /* The worst case is one \u00XX (6 bytes) per input byte; a long
     * string (a note, a Queries answer) is measured instead, so the
     * buffer does not grow by six times its size. */
    if (n > 256) {
        for (i = 0, need = n + 2; i < n; i++)
            if (!plain[in[i]])
                need += 5;
    }
    if (od_buf_reserve(b, need))
        return;
    o = b->p + b->len;
    *o++ = '"';
    for (i = 0; i < n; i++) {
        unsigned char c = in[i];
        if (plain[c]) {
            *o++ = (char)c;
        } else if (crlf_spaces && (c == '\r' || c == '\n')) {
            /* Open Dental writes line breaks in text as spaces
             * (apiimplementation.html); a CR LF pair is one space. */
            if (c == '\r' && i + 1 < n && in[i + 1] == '\n')
                i++;
            *o++ = ' ';
        } else if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c == '\n') {
            *o++ = '\\';
            *o++ = 'n';
        } else if (c == '\r') {
            *o++ = '\\';
            *o++ = 'r';
        } else if (c == '\t') {
            *o++ = '\\';
            *o++ = 't';
        } else {
            *o++ = '\\';
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o++ = '"';
    b->len = (size_t)(o - b->p);
    b->p[b->len] = '\0';
}
