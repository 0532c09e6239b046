/*
 * odapi/error.h - the one error enum of libodapi.
 *
 * The list is append-only: a number, once given, keeps its meaning forever
 * and is never reused. Functions return ODAPI_OK (0) on success and one of
 * these on failure; odapi_strerror() turns a code into a fixed sentence.
 * Objects that can say more (a server) also keep a message of their own,
 * see odapi_server_errmsg().
 */
#ifndef ODAPI_ERROR_H
#define ODAPI_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum odapi_error {
    ODAPI_OK = 0,
    ODAPI_E_NOMEM = 1,         /* out of memory */
    ODAPI_E_INVALID = 2,       /* an argument is invalid */
    ODAPI_E_ADDR_IN_USE = 3,   /* the port is already taken */
    ODAPI_E_LISTEN = 4,        /* cannot listen (address, permission) */
    ODAPI_E_DB_CONNECT = 5,    /* cannot connect to the database */
    ODAPI_E_DB = 6,            /* the database answered with an error */
    ODAPI_E_BUSY = 7,          /* a queue is full; try again */
    ODAPI_E_CONFIG = 8,        /* the configuration is incomplete or wrong */
    ODAPI_E_STATE = 9,         /* wrong call for the object's state */
    ODAPI_E_IO = 10,           /* a file or socket operation failed */
    ODAPI_E_EVENT = 11,        /* libevent refused (event base, listener) */
    ODAPI_E_DB_SCHEMA = 12,    /* the database lacks the Open Dental tables */
    ODAPI_E_DB_LOCKED = 13,    /* the data folder is in use by another process */
    ODAPI_E_EXISTS = 14,       /* already registered */
    ODAPI_E_NOT_FOUND = 15,    /* no such item */
    ODAPI_E_AUTH = 16,         /* credentials refused */
    ODAPI_E_UNSUPPORTED = 17   /* not available in this build */
    /* append new codes here; never renumber */
} odapi_error;

/* A short English sentence for code; never NULL, also for unknown codes. */
const char *odapi_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif /* ODAPI_ERROR_H */
