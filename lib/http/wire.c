/* wire.c - HTTP/1.1 framing as bytes (RFC 9112), checked before libevent's
 * evhttp parses a request: the request line, the header fields, and the
 * lines of a chunked body. evhttp 2.1 accepts what an API behind a proxy
 * must not (two different Content-Lengths, a NUL in a header value, "0x10"
 * as a chunk size) and answers other mistakes with an HTML page; guard.c
 * runs these checks first and answers in the API's own style
 * (docs/http.md, "The wire").
 *
 * Pure functions over a byte range: no libevent, no allocation, so unit
 * tests and the fuzzers call them directly. */
#include "http/server-internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The methods routes can have; evhttp knows them all. Anything else,
 * "get" included (methods are case-sensitive), gets 501. */
static const char *const methods[] = {"GET", "HEAD", "POST", "PUT",
                                      "DELETE", "OPTIONS", "PATCH"};

static int is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* field-vchar / obs-text, plus SP and HTAB inside a value: every byte but
 * the controls (NUL, CR, LF...) and DEL. */
static int is_value_char(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/* The end of the line starting at p (its '\n'), or NULL. */
static const char *line_end(const char *p, const char *end)
{
    return memchr(p, '\n', (size_t)(end - p));
}

size_t od_wire_head_end(const char *p, size_t len)
{
    const char *end = p + len, *q = p, *nl;
    /* a line that is empty, or only "\r", ends the head */
    while ((nl = line_end(q, end)) != NULL) {
        if (nl == q || (nl == q + 1 && *q == '\r'))
            return (size_t)(nl + 1 - p);
        q = nl + 1;
    }
    return 0;
}

/* Copy up to cap-1 bytes of s for a message: printable ASCII only. */
static void clip(char *dst, size_t cap, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n && i + 1 < cap && i < 32; i++)
        dst[i] = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f
                     ? s[i] : '?';
    dst[i] = '\0';
}

static int fail(char *msg, size_t msgsize, int status, const char *text)
{
    snprintf(msg, msgsize, "%s", text);
    return status;
}

static int request_line(const char *p, size_t n, struct od_head *h,
                        char *msg, size_t msgsize)
{
    const char *sp1 = memchr(p, ' ', n), *sp2, *t;
    size_t mlen, i;
    char shown[40];
    if (!sp1 || sp1 == p)
        return fail(msg, msgsize, 400, "The request line is malformed.");
    mlen = (size_t)(sp1 - p);
    for (i = 0; i < OD_ARRAY_LEN(methods); i++)
        if (strlen(methods[i]) == mlen && memcmp(p, methods[i], mlen) == 0)
            break;
    if (i == OD_ARRAY_LEN(methods)) {
        for (i = 0; i < mlen; i++)
            if (!is_tchar((unsigned char)p[i]))
                return fail(msg, msgsize, 400,
                            "The request line is malformed.");
        clip(shown, sizeof shown, p, mlen);
        snprintf(msg, msgsize, "The method %s is not supported.", shown);
        return 501;
    }
    memcpy(h->method, p, mlen);
    h->method[mlen] = '\0';
    t = sp1 + 1;
    sp2 = memchr(t, ' ', (size_t)(p + n - t));
    if (!sp2 || sp2 == t)
        return fail(msg, msgsize, 400, "The request line is malformed.");
    h->target = t;
    h->target_len = (size_t)(sp2 - t);
    for (i = 0; i < h->target_len; i++)
        if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] == 0x7f)
            return fail(msg, msgsize, 400, "The URL is not valid.");
    /* A path ("origin-form"), or "*" for OPTIONS. Not a full URL
     * ("absolute-form", for proxies) nor "//host/...": evhttp would parse
     * a host and port out of them and answer its own HTML page when it
     * cannot (docs/http.md, "The wire"). */
    if (!((t[0] == '/' && (h->target_len == 1 || t[1] != '/')) ||
          (h->target_len == 1 && t[0] == '*' &&
           strcmp(h->method, "OPTIONS") == 0)))
        return fail(msg, msgsize, 400, "The URL is not valid.");
    t = sp2 + 1;
    if ((size_t)(p + n - t) == 8 && memcmp(t, "HTTP/1.1", 8) == 0)
        h->http10 = 0;
    else if ((size_t)(p + n - t) == 8 && memcmp(t, "HTTP/1.0", 8) == 0)
        h->http10 = 1;
    else if ((size_t)(p + n - t) >= 5 && memcmp(t, "HTTP/", 5) == 0 &&
             !memchr(t, ' ', (size_t)(p + n - t)))
        return fail(msg, msgsize, 505,
                    "Only HTTP/1.1 and HTTP/1.0 are supported.");
    else
        return fail(msg, msgsize, 400, "The request line is malformed.");
    return 0;
}

static int name_is(const char *name, size_t n, const char *want)
{
    return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

/* Content-Length: digits only; a repeat must say the same. */
static int content_length(const char *v, size_t n, struct od_head *h,
                          char *msg, size_t msgsize)
{
    uint64_t x = 0;
    size_t i;
    if (n == 0 || n > 18)
        return fail(msg, msgsize, 400, "Content-Length is invalid.");
    for (i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return fail(msg, msgsize, 400, "Content-Length is invalid.");
        x = x * 10 + (uint64_t)(v[i] - '0');
    }
    if (h->has_cl && h->content_length != x)
        return fail(msg, msgsize, 400,
                    "Content-Length is given twice with different values.");
    h->has_cl = 1;
    h->content_length = x;
    return 0;
}

static int transfer_encoding(const char *v, size_t n, struct od_head *h,
                             char *msg, size_t msgsize)
{
    char shown[40];
    if (h->chunked)
        return fail(msg, msgsize, 400, "Transfer-Encoding is given twice.");
    if (n == 7 && strncasecmp(v, "chunked", 7) == 0) {
        h->chunked = 1;
        return 0;
    }
    clip(shown, sizeof shown, v, n);
    snprintf(msg, msgsize, "Transfer-Encoding %s is not supported.", shown);
    return 501;
}

/* One header line (no line end); 0 or a status with msg. */
static int header_line(const char *p, size_t n, struct od_head *h,
                       char *msg, size_t msgsize)
{
    const char *colon = memchr(p, ':', n), *v, *e;
    size_t nlen, i;
    if (p[0] == ' ' || p[0] == '\t') /* obs-fold: RFC 9112 5.2 */
        return fail(msg, msgsize, 400,
                    "Folded header lines are not supported.");
    if (!colon || colon == p)
        return fail(msg, msgsize, 400, "A header line is malformed.");
    nlen = (size_t)(colon - p);
    for (i = 0; i < nlen; i++)
        if (!is_tchar((unsigned char)p[i])) /* also "Name :" */
            return fail(msg, msgsize, 400, "A header name is malformed.");
    for (v = colon + 1; v < p + n; v++)
        if (!is_value_char((unsigned char)*v))
            return fail(msg, msgsize, 400,
                        "Header values cannot contain control characters.");
    v = colon + 1;
    e = p + n;
    while (v < e && (*v == ' ' || *v == '\t'))
        v++;
    while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    if (name_is(p, nlen, "Content-Length"))
        return content_length(v, (size_t)(e - v), h, msg, msgsize);
    if (name_is(p, nlen, "Transfer-Encoding"))
        return transfer_encoding(v, (size_t)(e - v), h, msg, msgsize);
    if (name_is(p, nlen, "Host") && h->nhost++)
        return fail(msg, msgsize, 400, "The Host header is given twice.");
    if (name_is(p, nlen, "Expect")) {
        if ((size_t)(e - v) != 12 || strncasecmp(v, "100-continue", 12))
            return fail(msg, msgsize, 417,
                        "Only Expect: 100-continue is supported.");
        h->expect_continue = 1;
    }
    return 0;
}

/* Body framing once all fields are known (RFC 9112 6.1-6.3). */
static int framing(struct od_head *h, char *msg, size_t msgsize)
{
    if (h->chunked && h->has_cl)
        return fail(msg, msgsize, 400,
                    "Content-Length and Transfer-Encoding cannot both be "
                    "given.");
    if (h->chunked && h->http10)
        return fail(msg, msgsize, 400,
                    "Transfer-Encoding needs HTTP/1.1.");
    /* evhttp reads no body for HEAD: one would be taken for the next
     * request */
    if (strcmp(h->method, "HEAD") == 0 &&
        (h->chunked || h->content_length))
        return fail(msg, msgsize, 400, "A HEAD request cannot have a body.");
    return 0;
}

int od_wire_head(const char *p, size_t len, struct od_head *h, char *msg,
                 size_t msgsize)
{
    const char *end = p + len, *nl;
    int first = 1, st;
    memset(h, 0, sizeof *h);
    msg[0] = '\0';
    while ((nl = line_end(p, end)) != NULL) {
        size_t n = (size_t)(nl - p);
        if (n && p[n - 1] == '\r')
            n--; /* CRLF; a bare LF is tolerated (RFC 9112 2.2) */
        if (memchr(p, '\r', n)) /* a CR anywhere else */
            return fail(msg, msgsize, 400, "A bare CR is not allowed.");
        if (n == 0 && !first)
            return framing(h, msg, msgsize);
        if (n == 0)
            return fail(msg, msgsize, 400, "The request line is malformed.");
        st = first ? request_line(p, n, h, msg, msgsize)
                   : header_line(p, n, h, msg, msgsize);
        if (st)
            return st;
        first = 0;
        p = nl + 1;
    }
    return fail(msg, msgsize, 400, "The request head is incomplete.");
}

int od_wire_chunk_line(const char *p, size_t len, uint64_t *size)
{
    uint64_t x = 0;
    size_t i = 0;
    if (len && p[len - 1] == '\r')
        len--;
    /* 1*HEXDIG: no "0x", no sign, no space before; 15 digits at most */
    for (; i < len && i < 16; i++) {
        int c = (unsigned char)p[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            break;
        x = x * 16 + (uint64_t)d;
    }
    if (i == 0 || i > 15)
        return -1;
    /* chunk-ext: BWS ';' ..., ignored (RFC 9112 7.1.1) but checked */
    while (i < len && (p[i] == ' ' || p[i] == '\t'))
        i++;
    if (i < len) {
        if (p[i] != ';')
            return -1;
        for (; i < len; i++)
            if (!is_value_char((unsigned char)p[i]))
                return -1;
    }
    *size = x;
    return 0;
}

int od_wire_field_line(const char *p, size_t len)
{
    struct od_head h;
    char msg[8];
    if (len && p[len - 1] == '\r')
        len--;
    if (len == 0 || memchr(p, '\r', len))
        return -1;
    memset(&h, 0, sizeof h);
    return header_line(p, len, &h, msg, sizeof msg) ? -1 : 0;
}
