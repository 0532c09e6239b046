/*
 * odapi/version.h - compile-time and run-time version of libodapi.
 *
 * The ABI promise: symbols are only added within a major version, never
 * removed or changed; the shared library's SONAME is libodapi.so.MAJOR.
 */
#ifndef ODAPI_VERSION_H
#define ODAPI_VERSION_H

#define ODAPI_VERSION_MAJOR 0
#define ODAPI_VERSION_MINOR 1
#define ODAPI_VERSION_PATCH 0
#define ODAPI_VERSION_STRING "0.1.0"

/* One number that compares: 0xMMmmpp. */
#define ODAPI_VERSION_NUM                                                    \
    ((ODAPI_VERSION_MAJOR << 16) | (ODAPI_VERSION_MINOR << 8) |              \
     ODAPI_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the library actually loaded, e.g. "0.1.0". */
const char *odapi_version(void);

/* ODAPI_VERSION_NUM of the library actually loaded. */
unsigned odapi_version_num(void);

#ifdef __cplusplus
}
#endif

#endif /* ODAPI_VERSION_H */
