/* fuzz_guard.c - the guard's state machine (lib/http/guard.c) over a byte
 * stream that arrives in pieces: heads held until complete, bodies,
 * chunks, trailers, refusals. What it hands on must be what evhttp can
 * read: each head it passes is a head wire.c accepts (or its stand-in).
 * Input: a byte that cuts the stream into pieces, then the stream. */
#include "http/server-internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static odapi_server *srv;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    odapi_config *cfg = odapi_config_new(ODAPI_MODE_LOCAL);
    (void)argc;
    (void)argv;
    if (!cfg || odapi_server_new(cfg, NULL, &srv) != ODAPI_OK)
        abort();
    odapi_config_free(cfg);
    od_register_builtin_routes(srv);
    srv->lim_headers = 2048; /* small, so the limits are reached too */
    srv->lim_json_body = 4096;
    srv->lim_body = 65536;
    srv->lim_output = 1 << 20;
    return 0;
}

/* What the guard just passed starts with a head evhttp can parse. */
static void check_head(struct evbuffer *dst)
{
    static const char stand_in[] = "GET /api/v1/ HTTP/1.1\r\n";
    size_t len = evbuffer_get_length(dst), end;
    const char *p = (const char *)evbuffer_pullup(dst, -1);
    struct od_head h;
    char msg[128];
    if (len >= sizeof stand_in - 1 &&
        memcmp(p, stand_in, sizeof stand_in - 1) == 0)
        return;
    end = od_wire_head_end(p, len);
    if (!end || od_wire_head(p, end, &h, msg, sizeof msg) != 0)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct od_conn_track *t;
    struct evbuffer *src, *dst;
    size_t at = 1, piece;
    if (size < 1)
        return 0;
    piece = (size_t)(data[0] % 64) + 1;
    t = calloc(1, sizeof *t);
    src = evbuffer_new();
    dst = evbuffer_new();
    if (!t || !src || !dst)
        abort();
    t->srv = srv;
    if (data[0] & 0x80) /* a refusal from the sweep, now and then */
        t->g.want_status = 408;
    while (at < size) {
        size_t n = size - at < piece ? size - at : piece;
        evbuffer_add(src, data + at, n);
        at += n;
        for (;;) {
            unsigned long before = t->g.passed;
            if (!od_guard_step(t, src, dst))
                break;
            if (t->g.passed != before)
                check_head(dst);
            /* evhttp reads it all and answers at once */
            evbuffer_drain(dst, evbuffer_get_length(dst));
            t->g.done = t->g.passed;
        }
        if (t->g.state == OD_G_DEAD && evbuffer_get_length(src))
            __builtin_trap(); /* a refused stream is dropped */
    }
    evbuffer_free(src);
    evbuffer_free(dst);
    free(t);
    return 0;
}
