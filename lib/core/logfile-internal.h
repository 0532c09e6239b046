/*
 * logfile-internal.h - the log file of odservice (and of any server with
 * odapi_config_set_log_file()): appended lines, reopened after logrotate,
 * and the one-line-per-request access log format. Never installed.
 */
#ifndef ODAPI_LOGFILE_INTERNAL_H
#define ODAPI_LOGFILE_INTERNAL_H

#include <stddef.h>
#include <time.h>

#include "core/odapi-internal.h"

#define OD_ACCESS_URI_MAX 512 /* bytes of the logged URI, escapes included */

struct od_logfile;

/* Open path for appending (created 0640, O_CLOEXEC). NULL on failure with
 * one sentence naming the file in err. */
struct od_logfile *od_logfile_open(const char *path, char *err,
                                   size_t errlen);
void od_logfile_close(struct od_logfile *lf);
/* Open the path again (after logrotate moved the file) and switch to it;
 * lines written meanwhile go to one file or the other, whole. ODAPI_E_IO
 * when the new file cannot be opened (the old one stays in use). */
int od_logfile_reopen(struct od_logfile *lf);
/* Append line plus "\n" with one write(2), so lines from several threads
 * never interleave. Thread-safe. CR, LF and other control characters in
 * line are escaped ("\n", "\x07") so that one call is always one line. */
void od_logfile_write(struct od_logfile *lf, const char *line);
/* An odapi_log_fn (arg is the od_logfile): "2024-05-01 12:34:56 Error: msg". */
void od_logfile_log(void *arg, odapi_log_level level, const char *message);

/* One access-log line, without "\n", into buf (always NUL-terminated when
 * cap > 0); returns the length it needs, like snprintf:
 *
 *   2024-05-01T12:34:56+0200 "GET /api/v1/patients?apikey=***&LName=Sm" 200 1.234ms key=ab12cd
 *
 * local time; method; uri with the values of query parameters whose names
 * contain key, pass, pwd, secret, token, sql or auth (any case, also
 * percent-encoded) replaced by ***; the uri capped at OD_ACCESS_URI_MAX
 * bytes ("..." marks a cut); control characters, quotes, backslashes and
 * non-ASCII bytes escaped as \xHH; key_hash (a hash, never the key) with
 * characters other than [0-9A-Za-z_-] dropped, "-" when NULL; then
 * " id=" and the request's X-Request-Id (characters other than
 * [0-9A-Za-z_.:-] dropped, at most 64) unless it is NULL or empty. */
/* The same as one JSON line (no newline): time, level, type "access",
 * method, uri (masked and escaped as in the text line), status, ms, key,
 * id. malloc'ed; NULL when out of memory. */
char *od_access_json(time_t when, const char *method, const char *uri,
                     int status, unsigned long duration_us,
                     const char *key_hash, const char *request_id);
/* Write od_logfile_log's messages as JSON lines (1) or text (0). */
void od_logfile_set_json(struct od_logfile *lf, int json);

size_t od_access_line(char *buf, size_t cap, time_t when, const char *method,
                      const char *uri, int status, unsigned long duration_us,
                      const char *key_hash, const char *request_id);

#endif /* ODAPI_LOGFILE_INTERNAL_H */
