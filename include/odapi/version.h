/*
 * odapi/version.h - compile-time and run-time version of libodapi.
 *
 * The one version story (docs/api.md, "Versions"): these three numbers are
 * the only place the version is written. The Makefile reads them: the
 * shared library's SONAME is libodapi.so.MAJOR and its file
 * libodapi.so.MAJOR.MINOR.PATCH; odapi.pc's Version and odapi_version()
 * say MAJOR.MINOR.PATCH. Within a major version symbols are only added,
 * never removed or changed; the functions a minor release adds go into the
 * version node ODAPI_MAJOR.MINOR of lib/odapi.map. test/abi/version.sh
 * checks that all of these agree.
 */
#ifndef ODAPI_VERSION_H
#define ODAPI_VERSION_H

#define ODAPI_VERSION_MAJOR 1
#define ODAPI_VERSION_MINOR 2
#define ODAPI_VERSION_PATCH 0
#define ODAPI_VERSION_STRING "1.2.0"

/* One number that compares: 0xMMmmpp. */
#define ODAPI_VERSION_NUM                                                    \
    ((ODAPI_VERSION_MAJOR << 16) | (ODAPI_VERSION_MINOR << 8) |              \
     ODAPI_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the library actually loaded, e.g. "1.2.0". */
const char *odapi_version(void);

/* ODAPI_VERSION_NUM of the library actually loaded. */
unsigned odapi_version_num(void);

#ifdef __cplusplus
}
#endif

#endif /* ODAPI_VERSION_H */
