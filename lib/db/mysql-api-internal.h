/*
 * mysql-api-internal.h - the MySQL C API, called through the client library the
 * database backend needs, loaded at run time (docs/database.md, "Which
 * client library").
 *
 * A server database needs only MariaDB Connector/C (libmariadb.so.3,
 * ~350 KB); the sandbox needs the embedded server (libmariadbd.so.19,
 * ~24 MB, whose load-time relocations and constructors alone keep ~12 MB
 * resident). Both export the same mysql_* functions, so they cannot both be
 * linked: libodapi links neither and resolves the functions it calls from
 * the one the first opened database needs, or from the one the application
 * itself linked (then the MYSQL * that odapi_request_db hands out works
 * with the application's own mysql_* calls).
 *
 * Every file of the library includes this header instead of <mysql.h>: the
 * macros below turn mysql_query(...) into a call through the table, so the
 * code reads as plain MySQL C API code.
 */
#ifndef ODAPI_MYSQL_API_H
#define ODAPI_MYSQL_API_H

#include <stddef.h>

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

/* X(name): every function the library calls. mysql_library_init and
 * mysql_library_end are mysql.h's macros for mysql_server_init/_end. */
#define OD_MYSQL_FUNCS(X)                                                      \
    X(mysql_autocommit) X(mysql_close) X(mysql_errno) X(mysql_error)           \
    X(mysql_fetch_fields) X(mysql_fetch_lengths) X(mysql_fetch_row)            \
    X(mysql_field_count) X(mysql_free_result) X(mysql_init)                    \
    X(mysql_insert_id) X(mysql_server_end) X(mysql_server_init)                \
    X(mysql_next_result) X(mysql_num_fields) X(mysql_num_rows)                 \
    X(mysql_options) X(mysql_query) X(mysql_real_connect)                      \
    X(mysql_real_query) X(mysql_select_db) X(mysql_set_character_set)          \
    X(mysql_stmt_affected_rows) X(mysql_stmt_bind_param)                       \
    X(mysql_stmt_bind_result) X(mysql_stmt_close) X(mysql_stmt_errno)          \
    X(mysql_stmt_error) X(mysql_stmt_execute) X(mysql_stmt_fetch)              \
    X(mysql_stmt_fetch_column) X(mysql_stmt_field_count)                       \
    X(mysql_stmt_free_result) X(mysql_stmt_init) X(mysql_stmt_insert_id)       \
    X(mysql_stmt_num_rows) X(mysql_stmt_param_count) X(mysql_stmt_prepare)     \
    X(mysql_stmt_reset) X(mysql_stmt_result_metadata)                          \
    X(mysql_stmt_store_result) X(mysql_store_result) X(mysql_thread_end)       \
    X(mysql_thread_id) X(mysql_thread_init) X(mysql_use_result)                \
    X(mysql_get_client_info) X(mysql_get_server_info)                         \
    X(mysql_get_server_version)

struct od_mysql_api {
#define OD_MYSQL_FIELD(f) __typeof__(&f) f;
    OD_MYSQL_FUNCS(OD_MYSQL_FIELD)
#undef OD_MYSQL_FIELD
};

/* Filled once by od_mysql_load; read-only afterwards. */
extern struct od_mysql_api od_my;

enum od_mysql_need {
    OD_MYSQL_CLIENT,   /* a server database: any client library */
    OD_MYSQL_EMBEDDED  /* the sandbox: the embedded server library */
};

/* Make the MySQL C API callable: 0, or -1 with one sentence in err.
 * The first successful call chooses the library for the whole process:
 *   - if the process already has mysql_* functions (the application linked
 *     libmariadb or libmariadbd), those;
 *   - else libmariadbd.so.19 for OD_MYSQL_EMBEDDED, libmariadb.so.3 for
 *     OD_MYSQL_CLIENT (loaded RTLD_LOCAL, so neither library's own calls
 *     can bind to the other's functions).
 * A later OD_MYSQL_EMBEDDED call fails when the chosen library has no
 * embedded server. Thread-safe; cheap once loaded. */
int od_mysql_load(enum od_mysql_need need, char *err, size_t errlen);

/* A function of the library in use that is not in OD_MYSQL_FUNCS (the
 * embedded server's option reader), or NULL. */
void *od_mysql_symbol(const char *name);

/* The file name of the library in use ("" before od_mysql_load). */
const char *od_mysql_library(void);

#ifndef OD_MYSQL_API_IMPL
#define OD_MYSQL_CALL(f) od_my.f
#define mysql_autocommit OD_MYSQL_CALL(mysql_autocommit)
#define mysql_close OD_MYSQL_CALL(mysql_close)
#define mysql_errno OD_MYSQL_CALL(mysql_errno)
#define mysql_error OD_MYSQL_CALL(mysql_error)
#define mysql_fetch_fields OD_MYSQL_CALL(mysql_fetch_fields)
#define mysql_fetch_lengths OD_MYSQL_CALL(mysql_fetch_lengths)
#define mysql_fetch_row OD_MYSQL_CALL(mysql_fetch_row)
#define mysql_field_count OD_MYSQL_CALL(mysql_field_count)
#define mysql_free_result OD_MYSQL_CALL(mysql_free_result)
#define mysql_init OD_MYSQL_CALL(mysql_init)
#define mysql_insert_id OD_MYSQL_CALL(mysql_insert_id)
#define mysql_server_end OD_MYSQL_CALL(mysql_server_end)
#define mysql_server_init OD_MYSQL_CALL(mysql_server_init)
#define mysql_next_result OD_MYSQL_CALL(mysql_next_result)
#define mysql_num_fields OD_MYSQL_CALL(mysql_num_fields)
#define mysql_num_rows OD_MYSQL_CALL(mysql_num_rows)
#define mysql_options OD_MYSQL_CALL(mysql_options)
#define mysql_query OD_MYSQL_CALL(mysql_query)
#define mysql_real_connect OD_MYSQL_CALL(mysql_real_connect)
#define mysql_real_query OD_MYSQL_CALL(mysql_real_query)
#define mysql_select_db OD_MYSQL_CALL(mysql_select_db)
#define mysql_set_character_set OD_MYSQL_CALL(mysql_set_character_set)
#define mysql_stmt_affected_rows OD_MYSQL_CALL(mysql_stmt_affected_rows)
#define mysql_stmt_bind_param OD_MYSQL_CALL(mysql_stmt_bind_param)
#define mysql_stmt_bind_result OD_MYSQL_CALL(mysql_stmt_bind_result)
#define mysql_stmt_close OD_MYSQL_CALL(mysql_stmt_close)
#define mysql_stmt_errno OD_MYSQL_CALL(mysql_stmt_errno)
#define mysql_stmt_error OD_MYSQL_CALL(mysql_stmt_error)
#define mysql_stmt_execute OD_MYSQL_CALL(mysql_stmt_execute)
#define mysql_stmt_fetch OD_MYSQL_CALL(mysql_stmt_fetch)
#define mysql_stmt_fetch_column OD_MYSQL_CALL(mysql_stmt_fetch_column)
#define mysql_stmt_field_count OD_MYSQL_CALL(mysql_stmt_field_count)
#define mysql_stmt_free_result OD_MYSQL_CALL(mysql_stmt_free_result)
#define mysql_stmt_init OD_MYSQL_CALL(mysql_stmt_init)
#define mysql_stmt_insert_id OD_MYSQL_CALL(mysql_stmt_insert_id)
#define mysql_stmt_num_rows OD_MYSQL_CALL(mysql_stmt_num_rows)
#define mysql_stmt_param_count OD_MYSQL_CALL(mysql_stmt_param_count)
#define mysql_stmt_prepare OD_MYSQL_CALL(mysql_stmt_prepare)
#define mysql_stmt_reset OD_MYSQL_CALL(mysql_stmt_reset)
#define mysql_stmt_result_metadata OD_MYSQL_CALL(mysql_stmt_result_metadata)
#define mysql_stmt_store_result OD_MYSQL_CALL(mysql_stmt_store_result)
#define mysql_store_result OD_MYSQL_CALL(mysql_store_result)
#define mysql_thread_end OD_MYSQL_CALL(mysql_thread_end)
#define mysql_thread_id OD_MYSQL_CALL(mysql_thread_id)
#define mysql_thread_init OD_MYSQL_CALL(mysql_thread_init)
#define mysql_use_result OD_MYSQL_CALL(mysql_use_result)
#define mysql_get_client_info OD_MYSQL_CALL(mysql_get_client_info)
#define mysql_get_server_info OD_MYSQL_CALL(mysql_get_server_info)
#define mysql_get_server_version OD_MYSQL_CALL(mysql_get_server_version)
#endif

#endif /* ODAPI_MYSQL_API_H */
