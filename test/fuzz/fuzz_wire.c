/* fuzz_wire.c - request heads and chunk lines as bytes (lib/http/wire.c),
 * what the guard checks before evhttp sees a request. */
#include "http/server-internal.h"

#include <stdint.h>
#include <string.h>

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
        if (od_wire_head(p, end, &h, msg, sizeof msg) == 0 &&
            (h.target < p || h.target + h.target_len > p + end))
            __builtin_trap(); /* the target lies inside the head */
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
