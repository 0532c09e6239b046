/* pin.c - parse certificate pins (pin-internal.h). */
#include "core/pin-internal.h"
#include "core/odapi-internal.h"

#include <string.h>

/* Colons may separate byte pairs (openssl -fingerprint), nowhere else. */
static int parse_hex(const char *s, unsigned char out[OD_PIN_LEN])
{
    int n = 0;
    while (*s) {
        int hi, lo;
        if (n == OD_PIN_LEN)
            return -1;
        if (n > 0 && *s == ':')
            s++;
        if ((hi = od_hexval((unsigned char)s[0])) < 0 ||
            (lo = od_hexval((unsigned char)s[1])) < 0)
            return -1;
        out[n++] = (unsigned char)(hi << 4 | lo);
        s += 2;
    }
    return n == OD_PIN_LEN ? 0 : -1;
}

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* 32 bytes are 44 base64 characters, the last one '='. */
static int parse_b64(const char *s, unsigned char out[OD_PIN_LEN])
{
    unsigned long acc = 0;
    int bits = 0, n = 0, i;
    if (strlen(s) != 44 || s[43] != '=')
        return -1;
    for (i = 0; i < 43; i++) {
        int v = b64val((unsigned char)s[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6 | (unsigned long)v) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n < OD_PIN_LEN)
                out[n++] = (unsigned char)(acc >> bits);
        }
    }
    /* the two bits left over must be zero in a canonical encoding */
    return n == OD_PIN_LEN && (acc & ((1ul << bits) - 1)) == 0 ? 0 : -1;
}

int od_pin_parse(const char *s, unsigned char out[OD_PIN_LEN])
{
    if (!s)
        return -1;
    if (strncmp(s, "sha256//", 8) == 0)
        return parse_b64(s + 8, out);
    return parse_hex(s, out);
}
