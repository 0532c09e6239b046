/* userods.c - POST /userods (the api*.html pages): a new Open Dental user
 * with a password stored the way Open Dental stores one
 * (Authentication.cs, Userods.cs 24.3):
 *  - the API always requires a strong password (Userods.IsPasswordStrong
 *    with requireStrong: "Just used by the API"): at least 8 characters,
 *    an upper- and a lower-case letter, a digit, and a character that is
 *    neither when the office's PasswordsStrongIncludeSpecial is on;
 *  - the userod.Password column holds "SHA3_512$salt$hash": salt is 64
 *    random bytes in base64 (GenerateSalt), hash is base64 of SHA3-512
 *    over the UTF-16LE bytes of salt + password (HashPasswordSHA512);
 *    PasswordIsStrong is set;
 *  - the user name must be unused (Userods.Validate: "UserName already in
 *    use."), and the user joins its group through usergroupattach
 *    (UserGroupAttaches.SyncForUser) as well as userod.UserGroupNum.
 * The password never leaves this file: not logged, not in the answer (its
 * "Password" member is ""), and its copy is wiped once hashed. */
#include "engine/openapi-internal.h"
#include "actions/kit-internal.h"
#include "db/catalog-internal.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PERM_ADD_NEW_USER = 158 };

struct newuser {
    char name[256];
    char stored[256];  /* "SHA3_512$salt$hash" */
    long long group;
    int reset;
    int special, digit; /* the password has one (its last two rules are
                           checked on the worker, which reads the
                           office's preference) */
};

static void newuser_free(void *p)
{
    struct newuser *u = p;
    if (u)
        OPENSSL_cleanse(u->stored, sizeof u->stored);
    free(u);
}

/* ---- the hash ----------------------------------------------------------- */

/* UTF-8 to UTF-16LE (surrogate pairs above U+FFFF); the byte count, or
 * -1 for input that is not UTF-8 or does not fit. */
static long utf16le(const unsigned char *s, unsigned char *out, size_t cap)
{
    size_t n = 0;
    while (*s) {
        unsigned long cp;
        int more;
        if (*s < 0x80) { cp = *s; more = 0; }
        else if ((*s & 0xE0) == 0xC0) { cp = *s & 0x1F; more = 1; }
        else if ((*s & 0xF0) == 0xE0) { cp = *s & 0x0F; more = 2; }
        else if ((*s & 0xF8) == 0xF0) { cp = *s & 0x07; more = 3; }
        else return -1;
        for (s++; more > 0; more--, s++) {
            if ((*s & 0xC0) != 0x80)
                return -1;
            cp = (cp << 6) | (*s & 0x3F);
        }
        if (cp >= 0x10000) {
            unsigned long v = cp - 0x10000;
            unsigned hi = (unsigned)(0xD800 + (v >> 10)),
                     lo = (unsigned)(0xDC00 + (v & 0x3FF));
            if (n + 4 > cap)
                return -1;
            out[n++] = (unsigned char)(hi & 0xFF);
            out[n++] = (unsigned char)(hi >> 8);
            out[n++] = (unsigned char)(lo & 0xFF);
            out[n++] = (unsigned char)(lo >> 8);
        } else {
            if (n + 2 > cap)
                return -1;
            out[n++] = (unsigned char)(cp & 0xFF);
            out[n++] = (unsigned char)(cp >> 8);
        }
    }
    return (long)n;
}

/* "SHA3_512$salt$hash" for password into out; 0, or -1. */
static int hash_password(const char *password, char *out, size_t outsize)
{
    unsigned char raw[64], md[64], buf[2048];
    char salt[96], hash[96], both[1200];
    unsigned mdlen = 0;
    long n;
    int rc = -1;
    if (RAND_bytes(raw, sizeof raw) != 1)
        return -1;
    EVP_EncodeBlock((unsigned char *)salt, raw, sizeof raw);
    if ((size_t)snprintf(both, sizeof both, "%s%s", salt, password) <
            sizeof both &&
        (n = utf16le((const unsigned char *)both, buf, sizeof buf)) >= 0 &&
        EVP_Digest(buf, (size_t)n, md, &mdlen, EVP_sha3_512(), NULL) == 1 &&
        mdlen == sizeof md) {
        EVP_EncodeBlock((unsigned char *)hash, md, sizeof md);
        if ((size_t)snprintf(out, outsize, "SHA3_512$%s$%s", salt, hash) <
            outsize)
            rc = 0;
    }
    OPENSSL_cleanse(both, sizeof both);
    OPENSSL_cleanse(buf, sizeof buf);
    return rc;
}

/* Userods.IsPasswordStrong(password, requireStrong: true), its first
 * rules: NULL or the sentence; u->special and u->digit for the last two,
 * which the worker applies in Open Dental's order once it has read
 * PasswordsStrongIncludeSpecial. Letters and digits are ASCII's; any other
 * character is "special". */
static const char *weak(const char *p, struct newuser *u)
{
    int up = 0, low = 0;
    long units = 0;
    const unsigned char *s;
    if (!*p)
        return "Password may not be blank.";
    for (s = (const unsigned char *)p; *s; s++) {
        if ((*s & 0xC0) != 0x80) /* UTF-16 units: one per code point, */
            units += (*s & 0xF8) == 0xF0 ? 2 : 1; /* two above U+FFFF */
        up |= *s >= 'A' && *s <= 'Z';
        low |= *s >= 'a' && *s <= 'z';
        u->digit |= *s >= '0' && *s <= '9';
        u->special |= !((*s >= 'A' && *s <= 'Z') ||
                        (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'));
    }
    if (units < 8)
        return "Password must be at least eight characters long.";
    if (!up)
        return "Password must contain at least one capital letter.";
    if (!low)
        return "Password must contain at least one lower case letter.";
    return NULL;
}

/* The last two rules: 0, or -1 after od_ck_fail. */
static int strong_rest(struct od_conn *c, struct od_ck_job *j,
                       const struct newuser *u)
{
    char v[1][OD_COLSZ];
    int rc = od_query_row(c, "SELECT ValueString FROM preference WHERE "
                             "PrefName = 'PasswordsStrongIncludeSpecial'",
                          NULL, 0, 1, v);
    if (rc < 0)
        return -1;
    if (rc == 1 && strcmp(v[0], "1") == 0 && !u->special)
        return od_ck_fail(j, 400, "Password must contain at least one special "
                               "character when the 'strong passwords "
                               "require a special character' feature is "
                               "turned on.");
    if (!u->digit)
        return od_ck_fail(j, 400, "Password must contain at least one number.");
    return 0;
}

/* ---- the write ---------------------------------------------------------- */

static void answer(struct od_conn *c, struct od_ck_job *j, struct newuser *u)
{
    struct od_prm p[1] = {OD_PI(j->key)};
    char row[7][OD_COLSZ];
    struct od_buf *b = &j->out;
    if (od_query_row(c,
                     "SELECT u.EmployeeNum, u.ProvNum, COALESCE(TRIM(CONCAT("
                     "pv.FName, ' ', pv.LName)), ''), u.ClinicNum, "
                     "u.IsHidden, u.IsPasswordResetRequired, u.UserName "
                     "FROM userod u LEFT JOIN provider pv ON pv.ProvNum = "
                     "u.ProvNum WHERE u.UserNum = ?",
                     p, 1, 7, row) != 1) {
        od_ck_fail(j, 500, "The user was made but could not be read.");
        return;
    }
    od_buf_printf(b, "{\"UserNum\":%lld", j->key);
    od_ck_str(b, 0, "UserName", row[6]);
    od_buf_printf(b, ",\"EmployeeNum\":%s", row[0]);
    od_ck_str(b, 0, "employeeName", "");
    od_buf_printf(b, ",\"ProviderNum\":%s", row[1]);
    od_ck_str(b, 0, "providerName", row[2]);
    od_buf_printf(b, ",\"ClinicNum\":%s", row[3]);
    od_ck_str(b, 0, "emailAddress", "");
    od_ck_str(b, 0, "IsHidden", strcmp(row[4], "0") ? "true" : "false");
    od_buf_printf(b, ",\"UserGroupNum\":%lld", u->group);
    od_ck_str(b, 0, "Password", ""); /* never the stored password */
    od_ck_str(b, 0, "IsPasswordResetRequired",
           strcmp(row[5], "0") ? "true" : "false");
    od_buf_addc(b, '}');
}

/* The userod row. EClipboardClinicalPin (22.3) and BadgeId (24.1) are
 * NOT NULL without a default in Open Dental's schema: written blank when
 * this database has them, left out when its version predates them. */
static int insert_user(struct od_conn *c, struct od_ck_job *j,
                       struct od_prm *p)
{
    const struct od_catalog *cat = od_db_catalog(c->db);
    int pin = od_catalog_column(cat, "userod", "EClipboardClinicalPin") !=
              NULL;
    int badge = od_catalog_column(cat, "userod", "BadgeId") != NULL;
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO userod (UserName, Password, UserGroupNum, "
             "EmployeeNum, ClinicNum, ProvNum, IsHidden, TaskListInBox, "
             "AnesthProvType, DefaultHidePopups, PasswordIsStrong, "
             "ClinicIsRestricted, InboxHidePopups, UserNumCEMT, "
             "FailedAttempts, DomainUser, IsPasswordResetRequired, "
             "MobileWebPin, MobileWebPinFailedAttempts%s%s) VALUES (?, ?, ?, "
             "0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, '', ?, '', 0%s%s)",
             pin ? ", EClipboardClinicalPin" : "", badge ? ", BadgeId" : "",
             pin ? ", ''" : "", badge ? ", ''" : "");
    return od_exec(c, sql, p, 4, NULL, &j->key);
}

static int do_post(struct od_conn *c, struct od_ck_job *j)
{
    struct newuser *u = j->data;
    struct od_prm p[4];
    long long found[1];
    int rc;
    if (strong_rest(c, j, u))
        return -1;
    p[0] = OD_PI(u->group);
    if (od_ck_need_ll(c, j, "SELECT UserGroupNum FROM usergroup WHERE "
                            "UserGroupNum = ?", p, 1, 1, found, 400,
                      "UserGroupNum is invalid."))
        return -1;
    p[0] = OD_PS(u->name);
    if ((rc = od_query_ll(c, "SELECT UserNum FROM userod WHERE UserName = ? "
                             "LIMIT 1 FOR UPDATE", p, 1, 1, found)) != 0)
        return rc < 0 ? -1 : od_ck_fail(j, 400, "UserName already in use.");
    p[0] = OD_PS(u->name);
    p[1] = OD_PS(u->stored);
    p[2] = OD_PI(u->group);
    p[3] = OD_PI(u->reset);
    if (insert_user(c, j, p))
        return -1;
    p[0] = OD_PI(j->key);
    p[1] = OD_PI(u->group);
    if (od_exec(c, "INSERT INTO usergroupattach (UserNum, UserGroupNum) "
                   "VALUES (?, ?)", p, 2, NULL, NULL))
        return -1;
    if (od_securitylog(c, PERM_ADD_NEW_USER, j->developer, "Created", j->key,
                       0))
        return -1;
    answer(c, j, u);
    return j->status ? -1 : 0;
}

/* ---- the handler -------------------------------------------------------- */

static int read_body(odapi_request *req, json_t *body, struct newuser *u,
                     const char **password, char *msg, size_t msgsize)
{
    const char *name = NULL;
    json_t *pw;
    int rc;
    if ((rc = od_ck_text(req, body, "UserName", "userod", "UserName", &name,
                      msg, msgsize)) <= 0 || !*name) {
        if (rc == 0 || (rc > 0 && !*name))
            snprintf(msg, msgsize, "UserName is required.");
        return -1;
    }
    snprintf(u->name, sizeof u->name, "%s", name);
    if (od_ck_key_req(body, "UserGroupNum", &u->group, msg, msgsize))
        return -1;
    pw = json_object_get(body, "Password");
    if (!pw || json_is_null(pw)) {
        snprintf(msg, msgsize, "Password is required.");
        return -1;
    }
    if (!json_is_string(pw)) {
        snprintf(msg, msgsize, "Password is invalid.");
        return -1;
    }
    *password = json_string_value(pw);
    if (od_ck_bool(body, "IsPasswordResetRequired", &u->reset, msg,
                   msgsize) < 0)
        return -1;
    return 0;
}

static void h_post(odapi_request *req, void *arg)
{
    struct od_ck_job *j;
    struct newuser *u;
    json_t *body;
    const char *password = NULL, *why;
    char msg[256];
    (void)arg;
    if (!(body = od_ck_body(req)))
        return;
    if (!(j = od_ck_new_data(req, do_post, 1, sizeof *u, newuser_free))) {
        json_decref(body);
        return;
    }
    u = j->data;
    j->created = 1;
    j->location = "userods";
    if (read_body(req, body, u, &password, msg, sizeof msg)) {
        json_decref(body);
        od_ck_reject(j, 400, msg);
        return;
    }
    if ((why = weak(password, u)) != NULL) {
        json_decref(body);
        od_ck_reject(j, 400, why);
        return;
    }
    if (hash_password(password, u->stored, sizeof u->stored)) {
        json_decref(body);
        od_ck_reject(j, 500, "The password could not be hashed.");
        return;
    }
    json_decref(body); /* the only copy of the password goes with it */
    od_ck_submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc userod_docs[] = {
    {"POST", "/userods",
     "Create a user.",
     NULL,
     "UserName:text!,UserGroupNum:int!,Password:text!,IsPasswordResetRequired:bool",
     "userods",
     .perm = ODAPI_PERM_SETUP, .handler = h_post},
};

OD_CK_ROUTES(od_register_userod_actions, userod_docs)
