/* test_pin.c - lib/core/pin.c: certificate pins as openssl prints them
 * (hex, with or without colons) and as curl takes them (sha256//base64),
 * and the relay's setters that check them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/odapi-internal.h"
#include "core/pin-internal.h"

/* SHA-256 of "abc": ba7816bf 8f01cfea ... f20015ad */
static const unsigned char abc[32] = {
    0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
    0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
    0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};

static void hex_forms(void **state)
{
    unsigned char out[32];
    (void)state;
    assert_int_equal(od_pin_parse("ba7816bf8f01cfea414140de5dae2223b00361a3"
                                  "96177a9cb410ff61f20015ad", out), 0);
    assert_memory_equal(out, abc, 32);
    memset(out, 0, sizeof out);
    assert_int_equal(od_pin_parse("BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:"
                                  "22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:"
                                  "F2:00:15:AD", out), 0);
    assert_memory_equal(out, abc, 32);
}

static void base64_form(void **state)
{
    unsigned char out[32];
    (void)state;
    assert_int_equal(od_pin_parse(
        "sha256//ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=", out), 0);
    assert_memory_equal(out, abc, 32);
}

static void refused(void **state)
{
    unsigned char out[32];
    static const char *const bad[] = {
        NULL, "", "abcd", /* too short */
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015adff",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ag",
        ":ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "BA::78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17"
        ":7A:9C:B4:10:FF:61:F2:00:15:AD",
        "b:a7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "sha256//ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0",   /* no '=' */
        "sha256//ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa1=",  /* bits */
        "sha256//ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAF!0=",
        "sha1//ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(od_pin_parse(bad[i], out), -1);
}

static void relay_setters(void **state)
{
    odapi_config *cfg = odapi_config_new(ODAPI_MODE_RELAY);
    int i;
    (void)state;
    assert_non_null(cfg);
    assert_int_equal(cfg->listen[0].port, 30223);
    assert_string_equal(cfg->listen[0].addr, "127.0.0.1");
    assert_int_equal(odapi_config_set_relay(cfg, "http://x", NULL),
                     ODAPI_E_INVALID);
    assert_int_equal(odapi_config_set_relay(cfg, "https://x:1", "ca.pem"),
                     ODAPI_OK);
    assert_int_equal(odapi_config_add_relay_pin(cfg, "nope"),
                     ODAPI_E_INVALID);
    for (i = 0; i < OD_MAX_RELAY_PINS; i++)
        assert_int_equal(odapi_config_add_relay_pin(
            cfg, "sha256//ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="),
            ODAPI_OK);
    assert_int_equal(odapi_config_add_relay_pin(
        cfg, "sha256//ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="),
        ODAPI_E_INVALID);
    assert_int_equal(odapi_config_set_relay_client_cert(cfg, "c", NULL),
                     ODAPI_E_INVALID);
    assert_int_equal(odapi_config_set_relay_client_cert(cfg, "c", "k"),
                     ODAPI_OK);
    assert_int_equal(odapi_config_set_limit(cfg,
                                            ODAPI_LIMIT_RELAY_CONNECTIONS, 0),
                     ODAPI_E_INVALID);
    assert_int_equal(odapi_config_set_limit(cfg, ODAPI_LIMIT_RELAY_TIMEOUT_MS,
                                            1500), ODAPI_OK);
    {   /* a copy keeps everything */
        odapi_config *dup = od_config_dup(cfg);
        assert_non_null(dup);
        assert_int_equal(dup->nrelay_pins, OD_MAX_RELAY_PINS);
        assert_string_equal(dup->relay_url, "https://x:1");
        assert_string_equal(dup->relay_key, "k");
        assert_int_equal(od_config_limit(dup, ODAPI_LIMIT_RELAY_TIMEOUT_MS),
                         1500);
        odapi_config_free(dup);
    }
    odapi_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hex_forms),
        cmocka_unit_test(base64_form),
        cmocka_unit_test(refused),
        cmocka_unit_test(relay_setters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
