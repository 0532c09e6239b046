/*
 * ratelog-internal.h - a log line for a condition that repeats (a missing
 * table, a refused grant, a server that stays away): written the first
 * time, then at most once per interval while the same message repeats,
 * with the number of repeats left out. A different message is written at
 * once. Any thread; one od_ratelog per condition.
 *
 *   static struct od_ratelog rl = OD_RATELOG_INIT(OD_RATELOG_DEFAULT_MS);
 *   od_ratelog(&rl, log, ODAPI_LOG_ERROR, "cannot read %s: %s", t, why);
 *   ...
 *   od_ratelog_clear(&rl);   // it works again: the next failure is news
 */
#ifndef OD_RATELOG_INTERNAL_H
#define OD_RATELOG_INTERNAL_H

#include "core/odapi-internal.h"

#include <pthread.h>

/* Five minutes: often enough to see in a log that it still happens. */
#define OD_RATELOG_DEFAULT_MS (5 * 60 * 1000)

struct od_ratelog {
    pthread_mutex_t mu;
    uint64_t interval_ms;
    uint64_t last_ms;        /* when the last line was written */
    uint64_t hash;           /* of the last message written */
    int have;                /* a line was written since init/clear */
    unsigned long repeats;   /* left out since then */
};

#define OD_RATELOG_INIT(ms) {PTHREAD_MUTEX_INITIALIZER, (ms), 0, 0, 0, 0}

void od_ratelog_init(struct od_ratelog *rl, uint64_t interval_ms);
void od_ratelog_destroy(struct od_ratelog *rl);

/* Write the message through lg (as od_log) unless the same message was
 * written less than the interval ago; then only count it. A line written
 * after repeats ends with "(N more times since the last report)".
 * Returns 1 when a line was written. */
int od_ratelog(struct od_ratelog *rl, const struct od_logger *lg, int level,
               const char *fmt, ...) OD_PRINTF(4, 5);

/* The condition is over: forget the last message (the next one is written
 * at once). Returns 1 when there was one. */
int od_ratelog_clear(struct od_ratelog *rl);

/* The decision alone, with the clock given (for tests): 1 when msg is to
 * be written now, with *repeats the count left out before it. */
int od_ratelog_due(struct od_ratelog *rl, const char *msg, uint64_t now_ms,
                   unsigned long *repeats);

#endif /* OD_RATELOG_INTERNAL_H */
