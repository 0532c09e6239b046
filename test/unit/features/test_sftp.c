/* test_sftp.c - the SFTP input's rules without a server
 * (lib/features/sftp.c): which known_hosts file a server is checked
 * against. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "features/queries-internal.h"

static void known_hosts(void **state)
{
    char *kh;
    (void)state;
    /* the configured file wins */
    kh = od_sftp_known_hosts("/etc/odapi/known_hosts");
    assert_string_equal(kh, "/etc/odapi/known_hosts");
    free(kh);
    /* else the user's own, as ssh reads it */
    assert_int_equal(setenv("HOME", "/home/odapi", 1), 0);
    kh = od_sftp_known_hosts(NULL);
    assert_string_equal(kh, "/home/odapi/.ssh/known_hosts");
    free(kh);
    /* no HOME: relative to the root, never to the working folder */
    assert_int_equal(unsetenv("HOME"), 0);
    kh = od_sftp_known_hosts(NULL);
    assert_string_equal(kh, "/.ssh/known_hosts");
    free(kh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_hosts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
