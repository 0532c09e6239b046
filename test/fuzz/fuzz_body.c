/* fuzz_body.c - the engine's input checks for the JSON body of a POST or
 * PUT to every described resource (od_resource_check_body: everything
 * before the database). Input: a selector byte (resource, and PUT in the
 * low bit), then the body. A refusal must be a whole sentence. */
#include "engine/resource-internal.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static size_t n;
    char msg[256];
    size_t i;
    if (!n)
        while (od_resources[n])
            n++;
    if (size == 0)
        return 0;
    i = (data[0] >> 1) % n;
    msg[0] = 'x';
    if (od_resource_check_body(od_resources[i], data[0] & 1,
                               (const char *)data + 1, size - 1, msg,
                               sizeof msg) != 0) {
        /* every refusal is a whole sentence ("X is invalid."): a cut one
         * means a buffer size went wrong */
        size_t len = strlen(msg);
        if (len > 0 && msg[len - 1] != '.')
            __builtin_trap();
    }
    return 0;
}
