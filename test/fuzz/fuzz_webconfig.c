/* fuzz_webconfig.c - OpenDentalWebConfig.xml (lib/core/webconfig.c, expat),
 * read from a file as odservice does, then applied to a configuration.
 * Input: a selector byte (which DatabaseConnection Note), then the file. */
#include "core/webconfig-internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    int fd;
    (void)argc;
    (void)argv;
    snprintf(path, sizeof path, "/tmp/odapi-fuzz-wc-XXXXXX");
    if ((fd = mkstemp(path)) < 0)
        abort();
    close(fd);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const notes[] = {NULL, "DentalOffice", "Other"};
    struct od_webconfig wc;
    char err[512];
    FILE *f;
    if (size == 0)
        return 0;
    if (!(f = fopen(path, "wb")))
        abort();
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    if (od_webconfig_read(path, notes[data[0] % 3], &wc, err, sizeof err) ==
        ODAPI_OK) {
        odapi_config *cfg = odapi_config_new(ODAPI_MODE_SERVICE);
        if (cfg) {
            od_webconfig_apply(&wc, cfg, path, err, sizeof err);
            odapi_config_free(cfg);
        }
        od_webconfig_free(&wc);
    }
    return 0;
}
