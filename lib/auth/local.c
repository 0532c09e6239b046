/*
 * local.c - the local validator's keys: a keys file (JSON, format in
 * docs/credentials.md) and the pairs given with odapi_config_add_key().
 */
#include "auth/cred-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

/* Keys are 1..OD_CRED_KEY_MAX visible ASCII characters other than '/',
 * the only shape the header parser lets through. */
static int key_ok(const char *k)
{
    size_t n = 0;
    for (; k[n]; n++)
        if ((unsigned char)k[n] < 0x21 || (unsigned char)k[n] > 0x7e ||
            k[n] == '/')
            return 0;
    return n >= 1 && n <= OD_CRED_KEY_MAX;
}

static int add_key(struct od_local *l, const char *dev, const char *cust,
                   const char *name, int status, uint64_t perms)
{
    struct od_local_key *keys, *k;
    keys = realloc(l->keys, (l->nkeys + 1) * sizeof *keys);
    if (!keys)
        return -1;
    l->keys = keys;
    k = &keys[l->nkeys];
    memset(k, 0, sizeof *k);
    k->developer_key = strdup(dev);
    k->customer_key = cust ? strdup(cust) : NULL;
    l->nkeys++;
    if (!k->developer_key || (cust && !k->customer_key))
        return -1;
    snprintf(k->developer_name, sizeof k->developer_name, "%s",
             name ? name : "");
    k->status = status;
    k->perms = perms;
    return 0;
}

/* One entry of the "keys" array; idx is 0-based, for messages. */
static int parse_entry(struct od_local *l, json_t *o, size_t idx,
                       const char *name, char *err, size_t errlen)
{
    const char *field, *dev = NULL, *cust = NULL, *devname = NULL;
    int status = OD_KEY_ENABLED, have_perms = 0;
    uint64_t perms = 0;
    json_t *val;

    if (!json_is_object(o)) {
        snprintf(err, errlen, "%s: keys[%zu] must be an object", name, idx);
        return -1;
    }
    json_object_foreach(o, field, val) {
        if (!strcmp(field, "DeveloperKey") || !strcmp(field, "CustomerKey")) {
            const char *s = json_string_value(val);
            if (!s || !key_ok(s)) {
                snprintf(err, errlen,
                         "%s: keys[%zu].%s must be a string of 1 to %d "
                         "visible ASCII characters without '/'",
                         name, idx, field, OD_CRED_KEY_MAX);
                return -1;
            }
            if (field[0] == 'D')
                dev = s;
            else
                cust = s;
        } else if (!strcmp(field, "DeveloperName")) {
            if (!(devname = json_string_value(val))) {
                snprintf(err, errlen, "%s: keys[%zu].DeveloperName must be "
                                      "a string", name, idx);
                return -1;
            }
        } else if (!strcmp(field, "KeyStatus")) {
            const char *s = json_string_value(val);
            if (!s || (status = od_key_status_from_name(s)) < 0) {
                snprintf(err, errlen,
                         "%s: keys[%zu].KeyStatus must be one of Enabled, "
                         "EnabledReadOnly, DisabledByCustomer, "
                         "DisabledByDeveloper, DisabledByHQ",
                         name, idx);
                return -1;
            }
        } else if (!strcmp(field, "Permissions")) {
            size_t i;
            json_t *p;
            have_perms = 1;
            if (json_is_string(val) &&
                !strcmp(json_string_value(val), "all")) {
                perms = OD_PERM_ALL_BITS;
                continue;
            }
            if (!json_is_array(val)) {
                snprintf(err, errlen, "%s: keys[%zu].Permissions must be "
                                      "\"all\" or an array of permission "
                                      "names", name, idx);
                return -1;
            }
            json_array_foreach(val, i, p) {
                int perm = od_perm_from_name(json_string_value(p));
                if (perm < 0) {
                    snprintf(err, errlen,
                             "%s: keys[%zu].Permissions[%zu]: %s (use "
                             "Open Dental's API permission names such as "
                             "ApiReadAll, ApiPatients)", name, idx, i,
                             json_is_string(p) ? "unknown permission name"
                                               : "not a string");
                    return -1;
                }
                perms |= OD_PERM_BIT(perm);
            }
        } else {
            snprintf(err, errlen,
                     "%s: keys[%zu] has an unknown field (known: "
                     "DeveloperKey, CustomerKey, DeveloperName, KeyStatus, "
                     "Permissions; names are case-sensitive)", name, idx);
            return -1;
        }
    }
    if (!dev || !have_perms) {
        snprintf(err, errlen, "%s: keys[%zu] needs DeveloperKey and "
                              "Permissions", name, idx);
        return -1;
    }
    if (add_key(l, dev, cust, devname, status, perms)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* What was wrong at a JSON syntax error, without the file's text: jansson
 * ends its message with " near '<the text found there>'" (a key, or the
 * first word of /etc/shadow), so only its fixed part is kept, and only
 * when it is plainly one of jansson's own phrases ("':' expected", "invalid
 * token", "unexpected newline", ...). Anything with digits or other
 * characters that might come from the file gives a generic phrase. */
static void json_problem(const json_error_t *je, char *out, size_t outlen)
{
    static const char fixed[] = "abcdefghijklmnopqrstuvwxyz '[]{}:,";
    const char *generic = "invalid JSON";
    size_t n = strlen(je->text);
    const char *near = strstr(je->text, " near ");
    switch (json_error_code(je)) {
    case json_error_premature_end_of_input:
        generic = "the JSON ends too early";
        break;
    case json_error_invalid_utf8:
        generic = "the file is not valid UTF-8";
        break;
    case json_error_duplicate_key:
        generic = "a field name is repeated";
        break;
    case json_error_end_of_input_expected:
        generic = "text after the end of the JSON";
        break;
    case json_error_null_character:
        generic = "a NUL byte";
        break;
    case json_error_out_of_memory:
        generic = "out of memory";
        break;
    default:
        break;
    }
    if (near)
        n = (size_t)(near - je->text);
    if (n == 0 || n >= outlen || strspn(je->text, fixed) < n) {
        snprintf(out, outlen, "%s", generic);
        return;
    }
    memcpy(out, je->text, n);
    out[n] = '\0';
}

int od_local_parse(struct od_local *l, const char *json, size_t len,
                   const char *name, char *err, size_t errlen)
{
    json_error_t je;
    json_t *root = json_loadb(json, len, 0, &je), *keys, *o;
    const char *field;
    size_t i;
    int rc = -1;

    if (!root) {
        char what[80];
        json_problem(&je, what, sizeof what);
        snprintf(err, errlen, "%s: line %d column %d: %s", name, je.line,
                 je.column, what);
        return -1;
    }
    if (!json_is_object(root) || !json_is_array(keys = json_object_get(root,
                                                                 "keys"))) {
        snprintf(err, errlen, "%s: must be an object {\"keys\": [...]}",
                 name);
        goto out;
    }
    json_object_foreach(root, field, o) {
        if (strcmp(field, "keys")) {
            snprintf(err, errlen, "%s: unknown top-level field (only "
                                  "\"keys\" is allowed)", name);
            goto out;
        }
    }
    json_array_foreach(keys, i, o)
        if (parse_entry(l, o, i, name, err, errlen))
            goto out;
    rc = 0;
out:
    json_decref(root);
    return rc;
}

static int load_file(struct od_local *l, const char *path, char *err,
                     size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    int rc;
    if (!f) {
        snprintf(err, errlen, "keys file %s: %s", path, strerror(errno));
        return -1;
    }
    do {
        if (len + 4096 > cap) {
            char *nb;
            if (cap > 16u * 1024 * 1024 || !(nb = realloc(buf, cap + 8192))) {
                snprintf(err, errlen, "keys file %s: too large", path);
                fclose(f);
                free(buf);
                return -1;
            }
            buf = nb;
            cap += 8192;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    if (ferror(f)) {
        snprintf(err, errlen, "keys file %s: read error", path);
        rc = -1;
    } else {
        char name[300];
        snprintf(name, sizeof name, "keys file %s", path);
        rc = od_local_parse(l, buf ? buf : "", len, name, err, errlen);
    }
    fclose(f);
    if (buf)
        OPENSSL_cleanse(buf, len);
    free(buf);
    return rc;
}

int od_local_load(struct od_local *l, const char *path,
                  const struct od_key *pairs, int npairs, char *err,
                  size_t errlen)
{
    int i;
    if (path && *path && load_file(l, path, err, errlen))
        return -1;
    for (i = 0; i < npairs; i++) {
        const struct od_key *p = &pairs[i];
        uint64_t perms;
        char why[160];
        if (!p->developer_key || !key_ok(p->developer_key) ||
            !p->customer_key || !key_ok(p->customer_key)) {
            snprintf(err, errlen,
                     "odapi_config_add_key pair %d: keys must be 1 to %d "
                     "visible ASCII characters without '/'",
                     i + 1, OD_CRED_KEY_MAX);
            return -1;
        }
        if (od_perm_parse_list(p->perms, &perms, why, sizeof why)) {
            snprintf(err, errlen, "odapi_config_add_key pair %d: %s", i + 1,
                     why);
            return -1;
        }
        if (add_key(l, p->developer_key, p->customer_key, p->developer_name,
                    OD_KEY_ENABLED, perms)) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    return 0;
}

void od_local_free(struct od_local *l)
{
    size_t i;
    for (i = 0; i < l->nkeys; i++) {
        struct od_local_key *k = &l->keys[i];
        if (k->developer_key) {
            OPENSSL_cleanse(k->developer_key, strlen(k->developer_key));
            free(k->developer_key);
        }
        if (k->customer_key) {
            OPENSSL_cleanse(k->customer_key, strlen(k->customer_key));
            free(k->customer_key);
        }
    }
    free(l->keys);
    l->keys = NULL;
    l->nkeys = 0;
}

/* Both lookups look at every entry, so the time taken does not say where
 * (or whether) a key matched. */
const struct od_local_key *od_local_find_pair(const struct od_local *l,
                                              const char *dev,
                                              const char *cust)
{
    const struct od_local_key *hit = NULL;
    size_t i, dl = strlen(dev), cl = strlen(cust);
    for (i = 0; i < l->nkeys; i++) {
        const struct od_local_key *k = &l->keys[i];
        int d = od_ct_equal(k->developer_key, strlen(k->developer_key), dev,
                            dl);
        int c = k->customer_key &&
                od_ct_equal(k->customer_key, strlen(k->customer_key), cust,
                            cl);
        if (d & c && !hit)
            hit = k;
    }
    return hit;
}

const struct od_local_key *od_local_find_developer(const struct od_local *l,
                                                   const char *dev)
{
    const struct od_local_key *hit = NULL;
    size_t i, dl = strlen(dev);
    for (i = 0; i < l->nkeys; i++) {
        const struct od_local_key *k = &l->keys[i];
        int d = od_ct_equal(k->developer_key, strlen(k->developer_key), dev,
                            dl);
        if (d & !k->customer_key && !hit)
            hit = k;
    }
    return hit;
}

int od_local_has_customer(const struct od_local *l, const char *cust)
{
    size_t i, cl = strlen(cust);
    int any = 0;
    for (i = 0; i < l->nkeys; i++) {
        const struct od_local_key *k = &l->keys[i];
        if (k->customer_key)
            any |= od_ct_equal(k->customer_key, strlen(k->customer_key),
                               cust, cl);
    }
    return any;
}
