/* error.c - fixed sentences for the error enum. */
#include "core/odapi-internal.h"

static const char *const messages[] = {
    [ODAPI_OK] = "no error",
    [ODAPI_E_NOMEM] = "out of memory",
    [ODAPI_E_INVALID] = "invalid argument",
    [ODAPI_E_ADDR_IN_USE] = "address already in use",
    [ODAPI_E_LISTEN] = "cannot listen on the address",
    [ODAPI_E_DB_CONNECT] = "cannot connect to the database",
    [ODAPI_E_DB] = "database error",
    [ODAPI_E_BUSY] = "too busy; try again",
    [ODAPI_E_CONFIG] = "configuration error",
    [ODAPI_E_STATE] = "operation not valid in this state",
    [ODAPI_E_IO] = "input/output error",
    [ODAPI_E_EVENT] = "event loop error",
    [ODAPI_E_DB_SCHEMA] = "the database does not have the Open Dental tables",
    [ODAPI_E_DB_LOCKED] = "the data folder is in use by another process",
    [ODAPI_E_EXISTS] = "already exists",
    [ODAPI_E_NOT_FOUND] = "not found",
    [ODAPI_E_AUTH] = "credentials refused",
    [ODAPI_E_UNSUPPORTED] = "not supported by this build",
};

ODAPI_EXPORT const char *odapi_strerror(int code)
{
    if (code < 0 || code >= OD_N(messages) ||
        !messages[code])
        return "unknown error";
    return messages[code];
}
