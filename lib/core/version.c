/* version.c - the version of the library that is actually loaded. */
#include "core/odapi-internal.h"

ODAPI_EXPORT const char *odapi_version(void) { return ODAPI_VERSION_STRING; }

ODAPI_EXPORT unsigned odapi_version_num(void) { return ODAPI_VERSION_NUM; }
