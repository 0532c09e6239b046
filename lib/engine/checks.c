/* checks.c - input formats the real API enforces (apipatients.html,
 * apiappointments.html). */
#include "engine/resource-internal.h"

#include <ctype.h>
#include <string.h>

static int digits(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* 12345, 12345-1234, 123456789, or Canadian A0A 0A0. */
int od_check_zip(const char *s)
{
    size_t n = strlen(s);
    if (n == 5 || n == 9)
        return digits(s, n);
    if (n == 10)
        return digits(s, 5) && s[5] == '-' && digits(s + 6, 4);
    if (n == 7)
        return isalpha((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
               isalpha((unsigned char)s[2]) && s[3] == ' ' &&
               isdigit((unsigned char)s[4]) && isalpha((unsigned char)s[5]) &&
               isdigit((unsigned char)s[6]);
    return 0;
}

/* US: 9 digits, no dashes. */
int od_check_ssn(const char *s) { return strlen(s) == 9 && digits(s, 9); }

/* US: two capital letters. */
int od_check_state(const char *s)
{
    return strlen(s) == 2 && isupper((unsigned char)s[0]) &&
           isupper((unsigned char)s[1]);
}

/* Appointment patterns: X and / only, each one 5 minutes. */
int od_check_pattern(const char *s)
{
    return strspn(s, "X/") == strlen(s);
}
