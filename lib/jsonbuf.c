/* jsonbuf.c - a growable buffer that writes JSON text directly: answers
 * are written in field order straight from the row, without a DOM. */
#include "resource-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void od_buf_init(struct od_buf *b) { memset(b, 0, sizeof *b); }

void od_buf_free(struct od_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

static int grow(struct od_buf *b, size_t need)
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

void od_buf_add(struct od_buf *b, const char *s, size_t n)
{
    if (grow(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void od_buf_adds(struct od_buf *b, const char *s) { od_buf_add(b, s, strlen(s)); }

void od_buf_addc(struct od_buf *b, char c) { od_buf_add(b, &c, 1); }

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
    if (grow(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void od_buf_json_str(struct od_buf *b, const char *s, size_t n,
                     int crlf_spaces)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, start;
    if (grow(b, n + 2))
        return;
    od_buf_addc(b, '"');
    for (i = 0, start = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
            continue;
        od_buf_add(b, s + start, i - start);
        start = i + 1;
        if (crlf_spaces && (c == '\r' || c == '\n')) {
            /* Open Dental writes line breaks in text as spaces (spec 3.3);
             * a CR LF pair is one space. */
            if (c == '\r' && i + 1 < n && s[i + 1] == '\n') {
                i++;
                start = i + 1;
            }
            od_buf_addc(b, ' ');
        } else if (c == '"' || c == '\\') {
            od_buf_addc(b, '\\');
            od_buf_addc(b, (char)c);
        } else if (c == '\n') {
            od_buf_add(b, "\\n", 2);
        } else if (c == '\r') {
            od_buf_add(b, "\\r", 2);
        } else if (c == '\t') {
            od_buf_add(b, "\\t", 2);
        } else {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            od_buf_add(b, u, 6);
        }
    }
    od_buf_add(b, s + start, n - start);
    od_buf_addc(b, '"');
}
