/* test_server.c - the server's own event base (lib/http/server.c new_base). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>

#include <odapi/odapi.h>

/* The loop's own base uses epoll with the changelist (one epoll_ctl per
 * descriptor per loop iteration; docs/PERFORMANCE.md); an application's
 * base is used as it is. */
static void test_own_base_uses_the_changelist(void **state)
{
    odapi_config *cfg = odapi_config_new(ODAPI_MODE_LOCAL);
    odapi_server *srv = NULL;
    struct event_base *mine;
    (void)state;
    assert_non_null(cfg);
    assert_int_equal(odapi_config_set_port(cfg, 0), ODAPI_OK);
    assert_int_equal(odapi_server_new(cfg, NULL, &srv), ODAPI_OK);
    assert_string_equal(event_base_get_method(odapi_server_event_base(srv)),
                        "epoll (with changelist)");
    odapi_server_free(srv);

    mine = event_base_new();
    assert_non_null(mine);
    assert_int_equal(odapi_server_new(cfg, mine, &srv), ODAPI_OK);
    assert_ptr_equal(odapi_server_event_base(srv), mine);
    assert_string_equal(event_base_get_method(mine), "epoll");
    odapi_server_free(srv);
    event_base_free(mine);
    odapi_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_own_base_uses_the_changelist),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
