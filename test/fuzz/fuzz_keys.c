/* fuzz_keys.c - the keys file (lib/auth/local.c, od_local_parse), then a
 * lookup in what it gave. */
#include "auth/cred-internal.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct od_local l;
    char err[512];
    memset(&l, 0, sizeof l);
    if (od_local_parse(&l, (const char *)data, size, "fuzz.json", err,
                       sizeof err) == 0) {
        size_t i;
        for (i = 0; i < l.nkeys; i++)
            if (l.keys[i].customer_key &&
                !od_local_find_pair(&l, l.keys[i].developer_key,
                                    l.keys[i].customer_key))
                __builtin_trap(); /* every pair it read is found */
        od_local_find_developer(&l, "NFF6i0KrXrxDkZHt");
    }
    od_local_free(&l);
    return 0;
}
