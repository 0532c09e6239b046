/* query.c - query strings as real clients send them (apiimplementation.html):
 * values are percent-decoded once, and '+' and %20 are both spaces. */
#include "http/server-internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

size_t od_url_decode(char *s, int plus)
{
    char *w = s;
    const char *r = s;
    while (*r) {
        int hi, lo;
        if (*r == '%' && (hi = od_hexval(r[1])) >= 0 && (lo = od_hexval(r[2])) >= 0) {
            *w++ = (char)(hi * 16 + lo);
            r += 3;
        } else if (*r == '+' && plus) {
            *w++ = ' ';
            r++;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

int od_query_parse(struct od_query *q, const char *query)
{
    char *p;
    memset(q, 0, sizeof *q);
    if (!query || !*query)
        return 0;
    if (!(q->buf = strdup(query)))
        return -1;
    for (p = q->buf; p;) {
        char *amp = strchr(p, '&'), *eq;
        if (amp)
            *amp = '\0';
        if (*p) {
            if (q->n == OD_MAX_QUERY)
                return -1;
            eq = strchr(p, '=');
            if (eq)
                *eq = '\0';
            /* A decoded NUL would cut a name or value short (and could
             * drop a filter): refuse it. */
            if (od_url_decode(p, 1) != strlen(p))
                return -2;
            q->names[q->n] = p;
            if (eq) {
                if (od_url_decode(eq + 1, 1) != strlen(eq + 1))
                    return -2;
                q->values[q->n] = eq + 1;
            } else {
                q->values[q->n] = p + strlen(p); /* "" */
            }
            q->n++;
        }
        p = amp ? amp + 1 : NULL;
    }
    return 0;
}

const char *od_query_get(const struct od_query *q, const char *name)
{
    int i;
    for (i = 0; i < q->n; i++)
        if (strcasecmp(q->names[i], name) == 0)
            return q->values[i];
    return NULL;
}

void od_query_free(struct od_query *q)
{
    free(q->buf);
    memset(q, 0, sizeof *q);
}
