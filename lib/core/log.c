/* log.c - one line per message, to the configured function or stderr. */
#include "core/odapi-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

static const char *const level_names[] = {"Error", "Warning", "Info",
                                          "Verbose"};

static const char *level_name(int level)
{
    return level_names[level < 0 ? 0 : level > 3 ? 3 : level];
}

/* The one timestamp format of every log line, text or JSON. */
static void timestamp(char *ts, size_t cap)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(ts, cap, "%Y-%m-%dT%H:%M:%S%z", &tm);
}

char *od_log_json(int level, const char *msg)
{
    char ts[32];
    json_t *o;
    char *line;
    timestamp(ts, sizeof ts);
    o = json_pack("{s:s,s:s,s:s}", "time", ts, "level", level_name(level),
                  "msg", msg ? msg : "");
    if (!o && msg) {
        /* not UTF-8 (a path a client sent): keep the line, bytes as '?' */
        char *ascii = strdup(msg), *p;
        for (p = ascii; p && *p; p++)
            if ((unsigned char)*p >= 0x80)
                *p = '?';
        if (ascii)
            o = json_pack("{s:s,s:s,s:s}", "time", ts, "level",
                          level_name(level), "msg", ascii);
        free(ascii);
    }
    line = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(o);
    return line;
}

void od_vlog(const struct od_logger *lg, int level, const char *fmt,
             va_list ap)
{
    char msg[1024];
    if (!fmt || (lg && level > lg->level))
        return;
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (lg && lg->fn) {
        lg->fn(lg->arg, (odapi_log_level)level, msg);
    } else if (lg && lg->json) {
        char *line = od_log_json(level, msg);
        if (line)
            fprintf(stderr, "%s\n", line);
        free(line);
    } else {
        char ts[32];
        timestamp(ts, sizeof ts);
        fprintf(stderr, "%s %s: %s\n", ts, level_name(level), msg);
    }
}

void od_log(const struct od_logger *lg, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    od_vlog(lg, level, fmt, ap);
    va_end(ap);
}
