/* ratelog.c - rate-limited log lines for repeating conditions
 * (ratelog-internal.h). A condition polled every 250 ms must not write a
 * line every 250 ms, yet the log must show it is still there. */
#include "core/ratelog-internal.h"

#include <stdio.h>

/* FNV-1a: the message is only compared with the previous one. */
static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

void od_ratelog_init(struct od_ratelog *rl, uint64_t interval_ms)
{
    pthread_mutex_init(&rl->mu, NULL);
    rl->interval_ms = interval_ms;
    rl->last_ms = 0;
    rl->hash = 0;
    rl->have = 0;
    rl->repeats = 0;
}

void od_ratelog_destroy(struct od_ratelog *rl)
{
    pthread_mutex_destroy(&rl->mu);
}

int od_ratelog_due(struct od_ratelog *rl, const char *msg, uint64_t now_ms,
                   unsigned long *repeats)
{
    uint64_t h = hash_str(msg);
    int due;
    pthread_mutex_lock(&rl->mu);
    due = !rl->have || h != rl->hash ||
          now_ms - rl->last_ms >= rl->interval_ms;
    if (due) {
        *repeats = h == rl->hash && rl->have ? rl->repeats : 0;
        rl->have = 1;
        rl->hash = h;
        rl->last_ms = now_ms;
        rl->repeats = 0;
    } else {
        rl->repeats++;
    }
    pthread_mutex_unlock(&rl->mu);
    return due;
}

int od_ratelog(struct od_ratelog *rl, const struct od_logger *lg, int level,
               const char *fmt, ...)
{
    char msg[1024];
    unsigned long repeats = 0;
    va_list ap;
    if (lg && level > lg->level)
        return 0;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!od_ratelog_due(rl, msg, od_now_ms(), &repeats))
        return 0;
    if (repeats)
        od_log(lg, level, "%s (%lu more times since the last report)", msg,
               repeats);
    else
        od_log(lg, level, "%s", msg);
    return 1;
}

int od_ratelog_clear(struct od_ratelog *rl)
{
    int had;
    pthread_mutex_lock(&rl->mu);
    had = rl->have;
    rl->have = 0;
    rl->repeats = 0;
    pthread_mutex_unlock(&rl->mu);
    return had;
}
