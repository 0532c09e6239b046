/*
 * relay-internal.h - the Cloud relay (ODAPI_MODE_RELAY, docs/cloud.md):
 * every /api/v1/ request that no application route claims goes unchanged
 * to a hosted API Service over TLS, and its answer comes back streamed.
 * GET /api/v1/ is answered here and says whether the far side answers.
 *
 * Everything here runs on the event loop thread.
 */
#ifndef OD_RELAY_INTERNAL_H
#define OD_RELAY_INTERNAL_H

#include <stddef.h>

#include "http/server-internal.h"

struct od_relay;

/* From srv->cfg (relay URL, CA, pins, client certificate, limits). NULL
 * with one sentence in err when the configuration cannot work. */
struct od_relay *od_relay_new(odapi_server *srv, char *err, size_t errlen);
/* Ends what is still in flight (accounting only: the server's connections
 * are gone by then) and frees everything. */
void od_relay_free(struct od_relay *r);

/* 1 when the relay took req (it answers it, now or later); 0 when the
 * server should route it itself: an application route matches, or the
 * path is outside /api/v1/. */
int od_relay_request(struct od_relay *r, odapi_request *req);

#endif /* OD_RELAY_INTERNAL_H */
