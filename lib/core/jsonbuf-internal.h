/*
 * jsonbuf-internal.h - a growable buffer that JSON text is written into
 * directly (jsonbuf.c): answers are written in field order straight from
 * the row, without a DOM. Any layer may use it.
 */
#ifndef ODAPI_JSONBUF_INTERNAL_H
#define ODAPI_JSONBUF_INTERNAL_H

#include "core/odapi-internal.h"

#include <string.h>

struct od_buf {
    char *p;
    size_t len, cap;
    int oom;
};

void od_buf_init(struct od_buf *b);
void od_buf_free(struct od_buf *b);
/* Room for need more bytes and the NUL: 0, or -1 (and b->oom) when out of
 * memory. The slow half of od_buf_reserve. */
int od_buf_grow(struct od_buf *b, size_t need);
void od_buf_adds(struct od_buf *b, const char *s);
void od_buf_printf(struct od_buf *b, const char *fmt, ...) OD_PRINTF(2, 3);
/* A JSON string literal; CR and LF become spaces when crlf_spaces. */
void od_buf_json_str(struct od_buf *b, const char *s, size_t n,
                     int crlf_spaces);
/* v in decimal, as printf's %lld writes it. */
void od_buf_add_ll(struct od_buf *b, long long v);

/* The per-byte calls of the row writer, inline: a 1000-row page makes
 * hundreds of thousands of them. */
static inline int od_buf_reserve(struct od_buf *b, size_t need)
{
    if (!b->oom && b->len + need + 1 <= b->cap)
        return 0;
    return od_buf_grow(b, need);
}

static inline void od_buf_add(struct od_buf *b, const char *s, size_t n)
{
    if (od_buf_reserve(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static inline void od_buf_addc(struct od_buf *b, char c)
{
    if (od_buf_reserve(b, 1))
        return;
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
}

#endif /* ODAPI_JSONBUF_INTERNAL_H */
