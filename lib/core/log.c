/* log.c - one line per message, to the configured function or stderr. */
#include "core/odapi-internal.h"

#include <stdio.h>
#include <time.h>

static const char *const level_names[] = {"Error", "Warning", "Info",
                                          "Verbose"};

void od_vlog(const struct od_logger *lg, int level, const char *fmt,
             va_list ap)
{
    char msg[1024];
    if (!fmt || (lg && level > lg->level))
        return;
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (lg && lg->fn) {
        lg->fn(lg->arg, (odapi_log_level)level, msg);
    } else {
        char ts[32];
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
        fprintf(stderr, "%s %s: %s\n", ts,
                level_names[level < 0 ? 0 : level > 3 ? 3 : level], msg);
    }
}

void od_log(const struct od_logger *lg, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    od_vlog(lg, level, fmt, ap);
    va_end(ap);
}
