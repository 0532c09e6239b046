/* fuzz_wire.c - request heads and chunk lines as bytes (lib/http/wire.c),
 * what the guard checks before evhttp sees a request. A target wire.c
 * lets through must also be one evhttp's own URI parser takes, or evhttp
 * would answer with its HTML page. */
#include "http/server-internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *e = p + size, *nl;
    struct od_head h;
    char msg[128];
    size_t end = od_wire_head_end(p, size);
    uint64_t n;
    if (end) {
        if (end > size)
            __builtin_trap();
        if (od_wire_head(p, end, &h, msg, sizeof msg) == 0) {
            char *t;
            struct evhttp_uri *u;
            if (h.target < p || h.target + h.target_len > p + end)
                __builtin_trap(); /* the target lies inside the head */
            if ((t = strndup(h.target, h.target_len)) != NULL) {
                if (strlen(t) == h.target_len) {
                    if (!(u = evhttp_uri_parse_with_flags(
                              t, EVHTTP_URI_NONCONFORMANT)))
                        __builtin_trap();
                    evhttp_uri_free(u);
                }
                free(t);
            }
        }
        p += end;
    }
    /* the rest as chunk-size and trailer lines */
    while (p < e && (nl = memchr(p, '\n', (size_t)(e - p))) != NULL) {
        od_wire_chunk_line(p, (size_t)(nl - p), &n);
        od_wire_field_line(p, (size_t)(nl - p));
        p = nl + 1;
    }
    return 0;
}
