/*
 * pin-internal.h - certificate pins: the SHA-256 of a certificate or of
 * its public key, as people copy them from openssl's output or from curl's
 * --pinnedpubkey (odapi_config_add_relay_pin(), docs/cloud.md).
 */
#ifndef OD_PIN_INTERNAL_H
#define OD_PIN_INTERNAL_H

#define OD_PIN_LEN 32

/* "AB:CD:..." or "abcd..." (64 hex digits, colons between pairs allowed)
 * or "sha256//" + base64 of 32 bytes. 0 and the bytes in out, or -1. */
int od_pin_parse(const char *s, unsigned char out[OD_PIN_LEN]);

#endif /* OD_PIN_INTERNAL_H */
