/*
 * mysql-api.c - load the MySQL client library the backend needs (see
 * mysql-api-internal.h and docs/database.md, "Which client library").
 */
#define OD_MYSQL_API_IMPL
#include "db/mysql-api-internal.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

struct od_mysql_api od_my;

static pthread_mutex_t load_mu = PTHREAD_MUTEX_INITIALIZER;
static int loaded;          /* guarded by load_mu */
static int has_embedded;    /* the loaded library is libmariadbd */
static char lib_name[256];
static void *lib_handle;    /* where the functions came from (RTLD_DEFAULT
                             * is NULL: read it only when loaded) */

#define CLIENT_SONAME "libmariadb.so.3"
#define EMBEDDED_SONAME "libmariadbd.so.19"

/* Resolve every function from handle into api: 0, or -1 naming the first
 * missing one. */
static int resolve(void *handle, struct od_mysql_api *api, char *err,
                   size_t errlen, const char *what)
{
    void *p;
#define OD_MYSQL_RESOLVE(f)                                                    \
    p = dlsym(handle, #f);                                                     \
    if (!p) {                                                                  \
        snprintf(err, errlen, "%s has no function " #f, what);                 \
        return -1;                                                             \
    }                                                                          \
    memcpy(&api->f, &p, sizeof p);
    OD_MYSQL_FUNCS(OD_MYSQL_RESOLVE)
#undef OD_MYSQL_RESOLVE
    return 0;
}

static int is_embedded_lib(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return strncmp(base, "libmariadbd.", 12) == 0 ||
           strncmp(base, "libmysqld.", 10) == 0;
}

static int load_locked(enum od_mysql_need need, char *err, size_t errlen)
{
    struct od_mysql_api api;
    void *handle;
    void *init;
    Dl_info info;

    /* The application (or a test) linked a client library itself: use that
     * one, so a MYSQL * works with the application's own calls, and so the
     * functions never come from two libraries. */
    init = dlsym(RTLD_DEFAULT, "mysql_init");
    if (init) {
        const char *path = "the program";
        if (dladdr(init, &info) && info.dli_fname && info.dli_fname[0])
            path = info.dli_fname;
        if (resolve(RTLD_DEFAULT, &api, err, errlen, path) != 0)
            return -1;
        has_embedded = is_embedded_lib(path);
        snprintf(lib_name, sizeof lib_name, "%s", path);
        lib_handle = RTLD_DEFAULT;
    } else {
        const char *soname =
            need == OD_MYSQL_EMBEDDED ? EMBEDDED_SONAME : CLIENT_SONAME;
        /* RTLD_LOCAL: the library's own calls to mysql_* bind to itself
         * even if another one is loaded later. */
        handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            const char *why = dlerror();
            snprintf(err, errlen, "cannot load %s (%s): install %s", soname,
                     why ? why : "not found",
                     need == OD_MYSQL_EMBEDDED ? "libmariadbd19"
                                               : "libmariadb3");
            return -1;
        }
        if (resolve(handle, &api, err, errlen, soname) != 0) {
            dlclose(handle);
            return -1;
        }
        has_embedded = need == OD_MYSQL_EMBEDDED;
        snprintf(lib_name, sizeof lib_name, "%s", soname);
        lib_handle = handle; /* open for the life of the process */
    }
    od_my = api;
    loaded = 1;
    return 0;
}

int od_mysql_load(enum od_mysql_need need, char *err, size_t errlen)
{
    int rc = 0;
    pthread_mutex_lock(&load_mu);
    if (!loaded)
        rc = load_locked(need, err, errlen);
    if (rc == 0 && need == OD_MYSQL_EMBEDDED && !has_embedded) {
        snprintf(err, errlen,
                 "this process uses %s, which has no embedded server; the "
                 "sandbox needs libmariadbd (open the sandbox before any "
                 "server database, or link libmariadbd)",
                 lib_name);
        rc = -1;
    }
    pthread_mutex_unlock(&load_mu);
    return rc;
}

void *od_mysql_symbol(const char *name)
{
    void *h;
    int ok;
    pthread_mutex_lock(&load_mu);
    ok = loaded;
    h = lib_handle;
    pthread_mutex_unlock(&load_mu);
    return ok ? dlsym(h, name) : NULL;
}

const char *od_mysql_library(void)
{
    return lib_name;
}
