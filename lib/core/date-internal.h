/*
 * date-internal.h - calendar arithmetic (date.c): dates as day numbers, so
 * ranges, weekdays and "n days later" are integer sums. Proleptic
 * Gregorian calendar, any year (H. Hinnant's algorithms).
 */
#ifndef ODAPI_DATE_INTERNAL_H
#define ODAPI_DATE_INTERNAL_H

/* Days since 1970-01-01 of y-m-d (m 1..12, d 1..31), and back. */
long od_days_from_civil(long y, unsigned m, unsigned d);
void od_civil_from_days(long day, int *y, int *m, int *d);

/* "yyyy-MM-dd" of a day number into out[11]. */
void od_day_str(long day, char out[11]);

#endif /* ODAPI_DATE_INTERNAL_H */
