/* fuzz_auth.c - the Authorization header parser and the credential cache
 * behind it (od_cred_check), with local keys only: no network. */
#include "auth/cred-internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct event_base *base;
static struct od_cred *cred;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    odapi_config *cfg = odapi_config_new(ODAPI_MODE_LOCAL);
    char err[256];
    (void)argc;
    (void)argv;
    base = event_base_new();
    if (!cfg || !base ||
        odapi_config_add_key(cfg, "NFF6i0KrXrxDkZHt", "VzkmZEaUWOjnQX2z",
                             "Sandbox Developer", "all") != ODAPI_OK ||
        odapi_config_add_key(cfg, "RoDevKey00000001", "RoCustKey0000001",
                             "Reader", "ApiReadAll") != ODAPI_OK)
        abort();
    odapi_config_set_log(cfg, NULL, NULL, ODAPI_LOG_ERROR);
    if (!(cred = od_cred_new(base, cfg, err, sizeof err)))
        abort();
    odapi_config_free(cfg);
    od_cred_set_max_entries(cred, 64); /* evictions, too */
    return 0;
}

struct answer {
    int calls, status;
};

static void on_answer(void *arg, int status, const struct od_verdict *v,
                      const char *message)
{
    struct answer *a = arg;
    const char *why;
    a->calls++;
    a->status = status;
    if (message && strlen(message) > 512)
        abort();
    if (!status && v)
        od_cred_allows(v, ODAPI_PERM_PATIENTS, "POST", &why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct answer a = {0, 0};
    char *h = malloc(size + 1);
    if (!h)
        return 0;
    memcpy(h, data, size);
    h[size] = '\0';
    od_cred_check(cred, size ? h : NULL, on_answer, &a);
    event_base_loop(base, EVLOOP_NONBLOCK); /* anything deferred */
    if (a.calls != 1) /* exactly one answer per check */
        abort();
    free(h);
    return 0;
}
