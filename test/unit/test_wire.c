/* test_wire.c - lib/http/wire.c: request heads and chunk lines as bytes,
 * checked before evhttp parses them (issue 13, docs/http.md "The wire"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/server-internal.h"

/* Check a whole head; its status (0: good) and the message. */
static int head(const char *s, struct od_head *h, char *msg, size_t msgsize)
{
    size_t len = strlen(s);
    assert_int_equal(od_wire_head_end(s, len), len);
    return od_wire_head(s, len, h, msg, msgsize);
}

static void head_end(void **state)
{
    (void)state;
    assert_int_equal(od_wire_head_end("", 0), 0);
    assert_int_equal(od_wire_head_end("GET / HTTP/1.1\r\n", 16), 0);
    assert_int_equal(od_wire_head_end("GET / HTTP/1.1\r\nA: b\r\n\r\nxyz", 27),
                     24);
    /* bare LF lines are tolerated (RFC 9112 2.2) */
    assert_int_equal(od_wire_head_end("GET / HTTP/1.1\nA: b\n\nbody", 25), 21);
    /* "\r" alone on a line ends the head too; a CR inside does not */
    assert_int_equal(od_wire_head_end("GET / HTTP/1.1\r\n\r\n", 18), 18);
    assert_int_equal(od_wire_head_end("GET / HTTP/1.1\r\nA: \r\r\n", 23), 0);
}

static void good_heads(void **state)
{
    struct od_head h;
    char msg[128];
    (void)state;
    assert_int_equal(head("GET /api/v1/patients?LName=x HTTP/1.1\r\n"
                          "Host: a\r\nAuthorization: ODFHIR a/b\r\n\r\n",
                          &h, msg, sizeof msg), 0);
    assert_string_equal(h.method, "GET");
    assert_int_equal(h.target_len, strlen("/api/v1/patients?LName=x"));
    assert_false(h.http10 || h.has_cl || h.chunked);

    assert_int_equal(head("POST /api/v1/patients HTTP/1.0\r\n"
                          "content-length:  12 \r\n"
                          "Content-Length: 012\r\n\r\n", &h, msg, sizeof msg),
                     0);
    assert_true(h.http10 && h.has_cl);
    assert_int_equal(h.content_length, 12);

    assert_int_equal(head("PUT /x HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n"
                          "Expect: 100-Continue\r\n\r\n", &h, msg, sizeof msg),
                     0);
    assert_true(h.chunked && h.expect_continue);

    /* OPTIONS * */
    assert_int_equal(head("OPTIONS * HTTP/1.1\r\n\r\n", &h, msg, sizeof msg),
                     0);
    /* obs-text in a value, HTAB around it */
    assert_int_equal(head("GET / HTTP/1.1\r\nX-Name:\tJ\xc3\xb6rg\t\r\n\r\n",
                          &h, msg, sizeof msg), 0);
}

/* One refused head: its status and message. */
static void refused(const char *s, int status, const char *want)
{
    struct od_head h;
    char msg[128];
    int st = head(s, &h, msg, sizeof msg);
    if (st != status || strcmp(msg, want) != 0)
        fail_msg("%s\n -> %d \"%s\", want %d \"%s\"", s, st, msg, status, want);
}

static void methods(void **state)
{
    (void)state;
    refused("FOO / HTTP/1.1\r\n\r\n", 501, "The method FOO is not supported.");
    refused("get / HTTP/1.1\r\n\r\n", 501, "The method get is not supported.");
    refused("CONNECT a:443 HTTP/1.1\r\n\r\n", 501,
            "The method CONNECT is not supported.");
    refused("TRACE / HTTP/1.1\r\n\r\n", 501,
            "The method TRACE is not supported.");
    /* a method is a token; anything else is a malformed line */
    refused("G\x01T / HTTP/1.1\r\n\r\n", 400, "The request line is malformed.");
    /* long names are cut and shown printable */
    refused("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA / HTTP/1.1\r\n\r\n",
            501, "The method AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA is not supported.");
}

static void request_lines(void **state)
{
    (void)state;
    refused("GET  / HTTP/1.1\r\n\r\n", 400, "The request line is malformed.");
    refused("GET / x HTTP/1.1\r\n\r\n", 400, "The request line is malformed.");
    refused("GET / HTTP/1.1 \r\n\r\n", 400, "The request line is malformed.");
    refused("GET /\r\n\r\n", 400, "The request line is malformed.");
    refused("GET / http/1.1\r\n\r\n", 400, "The request line is malformed.");
    refused("GET / HTTP/2.0\r\n\r\n", 505,
            "Only HTTP/1.1 and HTTP/1.0 are supported.");
    refused("GET / HTTP/1.10\r\n\r\n", 505,
            "Only HTTP/1.1 and HTTP/1.0 are supported.");
    refused("GET a:443 HTTP/1.1\r\n\r\n", 400, "The URL is not valid.");
    refused("GET * HTTP/1.1\r\n\r\n", 400, "The URL is not valid.");
    /* evhttp parses a host out of these, and answers HTML when it cannot */
    refused("GET http://h/api/v1/ HTTP/1.1\r\n\r\n", 400,
            "The URL is not valid.");
    refused("GET http://[::1/ HTTP/1.1\r\n\r\n", 400, "The URL is not valid.");
    refused("GET //x:abc/ HTTP/1.1\r\n\r\n", 400, "The URL is not valid.");
    refused("GET /a\x7f HTTP/1.1\r\n\r\n", 400, "The URL is not valid.");
    refused("GET /a\tb HTTP/1.1\r\n\r\n", 400, "The URL is not valid.");
    refused("GET / HTTP/1.1\rX\r\n\r\n", 400, "A bare CR is not allowed.");
}

static void header_lines(void **state)
{
    (void)state;
    refused("GET / HTTP/1.1\r\nX: a\x01" "b\r\n\r\n", 400,
            "Header values cannot contain control characters.");
    refused("GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", 400,
            "Header values cannot contain control characters.");
    refused("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", 400,
            "A bare CR is not allowed.");
    refused("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", 400,
            "Folded header lines are not supported.");
    refused("GET / HTTP/1.1\r\nX : a\r\n\r\n", 400,
            "A header name is malformed.");
    refused("GET / HTTP/1.1\r\n: a\r\n\r\n", 400, "A header line is malformed.");
    refused("GET / HTTP/1.1\r\nnocolon\r\n\r\n", 400,
            "A header line is malformed.");
    refused("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400,
            "The Host header is given twice.");
    refused("GET / HTTP/1.1\r\nExpect: 100-continue, x\r\n\r\n", 417,
            "Only Expect: 100-continue is supported.");
}

static void nul_in_a_value(void **state)
{
    static const char s[] = "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n";
    struct od_head h;
    char msg[128];
    (void)state;
    assert_int_equal(od_wire_head(s, sizeof s - 1, &h, msg, sizeof msg), 400);
    assert_string_equal(msg, "Header values cannot contain control characters.");
}

static void framing(void **state)
{
    (void)state;
    refused("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n",
            400, "Content-Length is given twice with different values.");
    refused("POST / HTTP/1.1\r\nContent-Length: +2\r\n\r\n", 400,
            "Content-Length is invalid.");
    refused("POST / HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\n", 400,
            "Content-Length is invalid.");
    refused("POST / HTTP/1.1\r\nContent-Length: 0x2\r\n\r\n", 400,
            "Content-Length is invalid.");
    refused("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", 400,
            "Content-Length is invalid.");
    refused("POST / HTTP/1.1\r\nContent-Length: 9999999999999999999\r\n\r\n",
            400, "Content-Length is invalid.");
    refused("POST / HTTP/1.1\r\nContent-Length: 2\r\n"
            "Transfer-Encoding: chunked\r\n\r\n", 400,
            "Content-Length and Transfer-Encoding cannot both be given.");
    refused("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501,
            "Transfer-Encoding gzip, chunked is not supported.");
    refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
            "Transfer-Encoding: chunked\r\n\r\n", 400,
            "Transfer-Encoding is given twice.");
    refused("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
            "Transfer-Encoding needs HTTP/1.1.");
    refused("HEAD / HTTP/1.1\r\nContent-Length: 1\r\n\r\n", 400,
            "A HEAD request cannot have a body.");
}

static void chunk_lines(void **state)
{
    static const char *bad[] = {"", "zz", "0x10", "+5", "-5", " 5", "5 x",
                                "5\rx", "10000000000000000", "5\x01", NULL};
    uint64_t n = 7;
    int i;
    (void)state;
    for (i = 0; bad[i]; i++)
        if (od_wire_chunk_line(bad[i], strlen(bad[i]), &n) != -1)
            fail_msg("chunk line \"%s\" accepted", bad[i]);
    assert_int_equal(n, 7);
    assert_int_equal(od_wire_chunk_line("1aF\r", 4, &n), 0);
    assert_int_equal(n, 0x1af);
    assert_int_equal(od_wire_chunk_line("0", 1, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(od_wire_chunk_line("00010", 5, &n), 0);
    assert_int_equal(n, 16);
    assert_int_equal(od_wire_chunk_line("5 ;name=value", 13, &n), 0);
    assert_int_equal(n, 5);
    assert_int_equal(od_wire_chunk_line("fffffffffffffff", 15, &n), 0);
    assert_true(n == 0xfffffffffffffffull);
}

static void field_lines(void **state)
{
    (void)state;
    assert_int_equal(od_wire_field_line("X-Checksum: abc\r", 16), 0);
    assert_int_equal(od_wire_field_line("X-Checksum abc", 14), -1);
    assert_int_equal(od_wire_field_line(" folded", 7), -1);
    assert_int_equal(od_wire_field_line("X: a\x01", 5), -1);
    assert_int_equal(od_wire_field_line("", 0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(head_end),
        cmocka_unit_test(good_heads),
        cmocka_unit_test(methods),
        cmocka_unit_test(request_lines),
        cmocka_unit_test(header_lines),
        cmocka_unit_test(nul_in_a_value),
        cmocka_unit_test(framing),
        cmocka_unit_test(chunk_lines),
        cmocka_unit_test(field_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
