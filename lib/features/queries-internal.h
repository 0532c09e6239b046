/*
 * queries-internal.h - Queries (apiqueries.html): read-only SQL over the API
 * (queries.c) and the SFTP client that Queries POST writes its CSV file
 * with (sftp.c, libssh2).
 */
#ifndef ODAPI_QUERIES_INTERNAL_H
#define ODAPI_QUERIES_INTERNAL_H

#include "http/server-internal.h"
#include "db/db-internal.h"

/* Register PUT /queries/ShortQuery and POST /queries (routes.c). */
void od_queries_register(odapi_server *srv);

/* A connection of its own to the configured database as user (the
 * low-privilege account, or the main one), as Queries make them; NULL
 * with one sentence in err. Also used to check what a query could read
 * (events.c). */
MYSQL *od_queries_connect(const odapi_config *cfg, const char *user,
                          const char *password, char *err, size_t errlen);

/* Where an SFTP upload goes and who writes it. password is never logged. */
struct od_sftp_target {
    const char *host;        /* name or address; IPv6 without brackets */
    int port;                /* 22 when 0 */
    const char *user;
    const char *password;
    const char *path;        /* absolute path of the file on the server */
    const char *known_hosts; /* OpenSSH known_hosts file with the host key */
    const struct od_logger *log; /* why a connection failed (or NULL) */
};

/* Connect, check the host key against known_hosts, log in with the
 * password, create the file's folders, write data (overwriting). Blocking,
 * with timeouts; for a worker thread. Returns 0, or -1 with one sentence
 * (starting "SFTP") in err. Every failure to reach an SFTP server (unknown
 * host, refused, unreachable, timeout, no SSH or SFTP there) gives the same
 * sentence, so the API cannot be used to probe ports; the reason goes to
 * t->log. */
int od_sftp_put(const struct od_sftp_target *t, const char *data, size_t len,
                char *err, size_t errlen);

/* The same in steps, for several files in one session (the documents
 * routes): connect and log in (t->path unused), write a file (its folders
 * made, an existing one overwritten), read one (at most max bytes: larger
 * is an error), close. Errors as od_sftp_put's. */
struct od_sftp;
int od_sftp_open(const struct od_sftp_target *t, struct od_sftp **out,
                 char *err, size_t errlen);
int od_sftp_write(struct od_sftp *x, const char *path, const void *data,
                  size_t len, char *err, size_t errlen);
int od_sftp_read(struct od_sftp *x, const char *path, size_t max,
                 unsigned char **out, size_t *len, char *err, size_t errlen);
void od_sftp_close(struct od_sftp *x);

/* The SFTP members a route's body takes, in GET /openapi.json's field
 * list (engine/openapi-internal.h): what od_dj_sftp_input reads. */
#define OD_SFTP_FIELDS                                                         \
    "SftpAddress:text!,SftpUsername:text!,SftpPassword:text!,SftpPort:int"

/* Split an SftpAddress ("host/dir/file.csv", "host:port/...",
 * "[v6addr]/...", an optional "sftp://") into host and absolute path
 * (malloc'd). Returns 0, or -1 when it names no host or no file. */
int od_sftp_split_address(const char *addr, char **host, char **path,
                          int *port);
/* The known_hosts file a server is checked against: the configured one,
 * else ~/.ssh/known_hosts. malloc'd; NULL when out of memory. */
char *od_sftp_known_hosts(const char *configured);

#endif /* ODAPI_QUERIES_INTERNAL_H */
