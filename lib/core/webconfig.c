/*
 * webconfig.c - read Open Dental's OpenDentalWebConfig.xml (ServicesHelper.cs)
 * with expat, and apply it to an odapi_config. Choices: docs/webconfig.md.
 *
 * The file is hostile input as far as the parser is concerned: it is read
 * whole (at most OD_WEBCONFIG_MAX_FILE bytes), any DOCTYPE or entity
 * declaration stops the parse (no billion laughs, no external entities),
 * nesting and text lengths are capped. Nothing in cfg changes unless the
 * whole file is good.
 */
#include "core/webconfig-internal.h"

#include <errno.h>
#include <expat.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define WC_NAME_MAX 48 /* element names kept for messages */

/* Children of <DatabaseConnection>. */
enum { F_COMPUTER, F_DATABASE, F_USER, F_PASSWORD, F_HASH, F_USERLOW,
       F_PASSLOW, F_DBTYPE, F_NOTE, F_SSLCA, F_SOCKET, F_NCONN };
static const char *const conn_names[F_NCONN] = {
    "ComputerName", "Database", "User", "Password", "MySQLPassHash",
    "UserLow", "PasswordLow", "DatabaseType", "Note", "SslCa", "OdapiSocket",
};

/* Children of <ConnectionSettings> that hold text. */
enum { T_LOGLEVEL, T_CONNSTRING, T_LISTEN, T_PORT, T_LOGFILE, T_TLSCERT,
       T_TLSKEY, T_KEYS, T_VALURL, T_VALCA, T_TLSCLIENTCA, T_REPLICAS,
       T_REPLAG, T_METRICS, T_N };
static const char *const top_names[T_N] = {
    "LogLevelOfApplication", "ConnectionString", "OdapiListen", "OdapiPort",
    "OdapiLogFile", "OdapiTlsCertificate", "OdapiTlsKey", "OdapiKeysFile",
    "OdapiValidatorUrl", "OdapiValidatorCa", "OdapiTlsClientCa",
    "OdapiReadReplicas", "OdapiReplicaMaxLag", "OdapiMetrics",
};

struct wc_conn {
    char *v[F_NCONN];
    unsigned long line[F_NCONN]; /* 0: element not seen */
    unsigned long line0;         /* line of <DatabaseConnection> */
};

struct wc_parse {
    XML_Parser xp;
    const char *path;
    char *err;
    size_t errlen;
    int rc;
    int depth;
    char names[OD_WEBCONFIG_MAX_DEPTH + 2][WC_NAME_MAX];

    struct wc_conn conns[OD_WEBCONFIG_MAX_CONNS];
    int nconns;
    int in_conn; /* index of the open <DatabaseConnection>, or -1 */
    char *top[T_N];
    unsigned long top_line[T_N];

    /* the text element being collected */
    char **slot;
    int slot_depth;
    int slot_verbatim; /* a password: keep its spaces unless on own lines */
    char *text;
    size_t textlen;
};

/* ---- messages ----------------------------------------------------------- */

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    OD_PRINTF(3, 4);
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (!err || !errlen)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Record the first error: "path, line N: msg" (line 0: "path: msg"), and
 * stop expat if it is running. */
static void failf(struct wc_parse *p, int rc, unsigned long line,
                  const char *fmt, ...) OD_PRINTF(4, 5);
static void failf(struct wc_parse *p, int rc, unsigned long line,
                  const char *fmt, ...)
{
    va_list ap;
    int n = 0;
    if (p->rc)
        return;
    p->rc = rc;
    if (p->err && p->errlen) {
        if (line)
            n = snprintf(p->err, p->errlen, "%s, line %lu: ", p->path, line);
        else
            n = snprintf(p->err, p->errlen, "%s: ", p->path);
        if (n >= 0 && (size_t)n < p->errlen) {
            va_start(ap, fmt);
            vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    if (p->xp)
        XML_StopParser(p->xp, XML_FALSE);
}

/* A value from the file, fit to be quoted in a message: printable ASCII
 * only, at most 40 characters. */
static const char *show(char *buf, size_t cap, const char *s)
{
    size_t i = 0;
    if (!s)
        s = "";
    for (; *s && i + 4 < cap && i < 40; s++)
        buf[i++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
    if (*s && i + 4 <= cap) {
        memcpy(buf + i, "...", 3);
        i += 3;
    }
    buf[i] = '\0';
    return buf;
}

static unsigned long cur_line(const struct wc_parse *p)
{
    return p->xp ? (unsigned long)XML_GetCurrentLineNumber(p->xp) : 0;
}

/* ---- expat handlers ----------------------------------------------------- */

static int find_name(const char *const *names, int n, const char *name)
{
    int i;
    for (i = 0; i < n; i++)
        if (!strcasecmp(names[i], name))
            return i;
    return -1;
}

static void begin_text(struct wc_parse *p, char **slot, int verbatim)
{
    p->slot = slot;
    p->slot_verbatim = verbatim;
    p->slot_depth = p->depth;
    p->textlen = 0;
}

static void XMLCALL on_start(void *ud, const XML_Char *name,
                             const XML_Char **atts)
{
    struct wc_parse *p = ud;
    int i;
    (void)atts;
    if (p->rc)
        return;
    if (p->depth >= OD_WEBCONFIG_MAX_DEPTH) {
        failf(p, ODAPI_E_CONFIG, cur_line(p),
              "elements are nested deeper than %d levels at <%.40s>; an "
              "OpenDentalWebConfig.xml needs only 3, so remove the extra "
              "nesting",
              OD_WEBCONFIG_MAX_DEPTH, name);
        return;
    }
    p->depth++;
    snprintf(p->names[p->depth], WC_NAME_MAX, "%s", name);
    if (p->slot) {
        failf(p, ODAPI_E_CONFIG, cur_line(p),
              "<%s> must hold only text but contains <%.40s>; remove the "
              "inner element",
              p->names[p->slot_depth], name);
        return;
    }
    if (p->depth == 1) {
        if (strcasecmp(name, "ConnectionSettings"))
            failf(p, ODAPI_E_CONFIG, cur_line(p),
                  "the root element is <%.40s>, not <ConnectionSettings>; "
                  "point to the OpenDentalWebConfig.xml that Open Dental "
                  "wrote",
                  name);
        return;
    }
    if (p->depth == 2) {
        if (!strcasecmp(name, "DatabaseConnection")) {
            if (p->nconns >= OD_WEBCONFIG_MAX_CONNS) {
                failf(p, ODAPI_E_CONFIG, cur_line(p),
                      "more than %d <DatabaseConnection> elements; remove "
                      "the ones that are not used",
                      OD_WEBCONFIG_MAX_CONNS);
                return;
            }
            p->in_conn = p->nconns++;
            p->conns[p->in_conn].line0 = cur_line(p);
            return;
        }
        if ((i = find_name(top_names, T_N, name)) < 0)
            return; /* unknown: ignored, for Open Dental's future elements */
        if (p->top_line[i]) {
            failf(p, ODAPI_E_CONFIG, cur_line(p),
                  "<%s> appears a second time (first on line %lu); keep "
                  "only one",
                  top_names[i], p->top_line[i]);
            return;
        }
        p->top_line[i] = cur_line(p);
        begin_text(p, &p->top[i], 0);
        return;
    }
    if (p->depth == 3 && p->in_conn >= 0) {
        struct wc_conn *c = &p->conns[p->in_conn];
        if ((i = find_name(conn_names, F_NCONN, name)) < 0)
            return;
        if (c->line[i]) {
            failf(p, ODAPI_E_CONFIG, cur_line(p),
                  "<%s> appears a second time in the <DatabaseConnection> "
                  "of line %lu (first on line %lu); keep only one",
                  conn_names[i], c->line0, c->line[i]);
            return;
        }
        c->line[i] = cur_line(p);
        begin_text(p, &c->v[i], i == F_PASSWORD || i == F_PASSLOW);
    }
}

static int is_space(int ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct wc_parse *p = ud;
    (void)name;
    if (p->rc)
        return;
    if (p->slot && p->depth == p->slot_depth) {
        size_t a = 0, b = p->textlen;
        /* A password may begin or end with a space; only the indentation
         * of a value written on lines of its own is trimmed from it. */
        if (!p->slot_verbatim || memchr(p->text, '\n', p->textlen)) {
            while (a < b && is_space((unsigned char)p->text[a]))
                a++;
            while (b > a && is_space((unsigned char)p->text[b - 1]))
                b--;
        }
        if (!(*p->slot = malloc(b - a + 1))) {
            failf(p, ODAPI_E_NOMEM, 0, "out of memory while reading <%s>",
                  p->names[p->depth]);
            return;
        }
        memcpy(*p->slot, p->text + a, b - a);
        (*p->slot)[b - a] = '\0';
        p->slot = NULL;
    }
    if (p->depth == 2)
        p->in_conn = -1;
    p->depth--;
}

/* Text may come in several pieces (one per line, per entity, per buffer). */
static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct wc_parse *p = ud;
    if (p->rc || !p->slot || p->depth != p->slot_depth || len <= 0)
        return;
    if ((size_t)len > OD_WEBCONFIG_MAX_TEXT - p->textlen) {
        failf(p, ODAPI_E_CONFIG, cur_line(p),
              "the text of <%s> is longer than %d bytes; shorten it",
              p->names[p->depth], OD_WEBCONFIG_MAX_TEXT);
        return;
    }
    memcpy(p->text + p->textlen, s, (size_t)len);
    p->textlen += (size_t)len;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name,
                               const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal_subset)
{
    struct wc_parse *p = ud;
    (void)sysid, (void)pubid, (void)has_internal_subset;
    failf(p, ODAPI_E_CONFIG, cur_line(p),
          "<!DOCTYPE %.40s> is refused because a DOCTYPE can define entities "
          "that expand without bound or read other files; delete the "
          "DOCTYPE declaration",
          name);
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param,
                              const XML_Char *value, int value_length,
                              const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid,
                              const XML_Char *notation)
{
    struct wc_parse *p = ud;
    (void)is_param, (void)value, (void)value_length, (void)base, (void)sysid,
        (void)pubid, (void)notation;
    failf(p, ODAPI_E_CONFIG, cur_line(p),
          "the entity declaration <!ENTITY %.40s> is refused; delete the "
          "DOCTYPE and its entities",
          name);
}

static int XMLCALL on_external(XML_Parser xp, const XML_Char *context,
                               const XML_Char *base, const XML_Char *sysid,
                               const XML_Char *pubid)
{
    (void)xp, (void)context, (void)base, (void)sysid, (void)pubid;
    return XML_STATUS_ERROR; /* never fetch anything */
}

/* ---- reading the file --------------------------------------------------- */

/* The whole file in *out (malloc'd), or an error in p. */
static int read_file(struct wc_parse *p, char **out, size_t *outlen)
{
    struct stat st;
    char *buf;
    size_t len = 0, cap = (size_t)OD_WEBCONFIG_MAX_FILE + 1;
    int fd = open(p->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        failf(p, ODAPI_E_IO, 0,
              "cannot open the file (%s); check the path, or give the "
              "service's user read access to it",
              strerror(errno));
        return p->rc;
    }
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        st.st_size > OD_WEBCONFIG_MAX_FILE) {
        close(fd);
        failf(p, ODAPI_E_CONFIG, 0,
              "the file is %lld bytes, larger than the %ld bytes an "
              "OpenDentalWebConfig.xml may have; point to the right file",
              (long long)st.st_size, OD_WEBCONFIG_MAX_FILE);
        return p->rc;
    }
    if (!(buf = malloc(cap))) {
        close(fd);
        failf(p, ODAPI_E_NOMEM, 0, "out of memory reading the file");
        return p->rc;
    }
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            free(buf);
            failf(p, ODAPI_E_IO, 0,
                  "cannot read the file (%s); check that it is a readable "
                  "file",
                  strerror(e));
            return p->rc;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len == cap) { /* not a regular file, or it grew */
            close(fd);
            free(buf);
            failf(p, ODAPI_E_CONFIG, 0,
                  "the file is larger than the %ld bytes an "
                  "OpenDentalWebConfig.xml may have; point to the right file",
                  OD_WEBCONFIG_MAX_FILE);
            return p->rc;
        }
    }
    close(fd);
    *out = buf;
    *outlen = len;
    return ODAPI_OK;
}

/* Empty, or only whitespace and a UTF-8 byte order mark. */
static int blank(const char *s, size_t n)
{
    size_t i = 0;
    if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
        i = 3;
    for (; i < n; i++)
        if (!is_space((unsigned char)s[i]))
            return 0;
    return 1;
}

static void expat_failed(struct wc_parse *p)
{
    enum XML_Error e = XML_GetErrorCode(p->xp);
    unsigned long line = (unsigned long)XML_GetCurrentLineNumber(p->xp);
    unsigned long col = (unsigned long)XML_GetCurrentColumnNumber(p->xp) + 1;
    const char *where = p->depth > 0 ? p->names[p->depth] : NULL;
    char in[WC_NAME_MAX + 16] = "";
    if (where)
        snprintf(in, sizeof in, " inside <%s>", where);
    switch (e) {
    case XML_ERROR_UNKNOWN_ENCODING:
    case XML_ERROR_INCORRECT_ENCODING:
        failf(p, ODAPI_E_CONFIG, line,
              "the XML declaration names an encoding that cannot be read "
              "(expat: %s); save the file as UTF-8 and declare "
              "encoding=\"utf-8\" or no declaration at all",
              XML_ErrorString(e));
        break;
    case XML_ERROR_NO_ELEMENTS:
        failf(p, ODAPI_E_CONFIG, line,
              "no complete <ConnectionSettings> element was found (expat: "
              "%s); restore the file Open Dental wrote",
              XML_ErrorString(e));
        break;
    case XML_ERROR_INVALID_TOKEN:
        failf(p, ODAPI_E_CONFIG, line,
              "column %lu%s is not well-formed XML or not valid UTF-8 "
              "(expat: %s); fix that spot or save the file as UTF-8 text",
              col, in, XML_ErrorString(e));
        break;
    default:
        failf(p, ODAPI_E_CONFIG, line,
              "column %lu%s is not well-formed XML (expat: %s); fix that "
              "spot or let Open Dental write the file again",
              col, in, XML_ErrorString(e));
        break;
    }
}

static int parse_buffer(struct wc_parse *p, const char *buf, size_t len)
{
    if (blank(buf, len)) {
        failf(p, ODAPI_E_CONFIG, 0,
              "the file is empty, but it needs a <ConnectionSettings> root "
              "element with a <DatabaseConnection>; restore the file Open "
              "Dental wrote (docs/webconfig.md shows one)");
        return p->rc;
    }
    if (!(p->xp = XML_ParserCreate(NULL)) ||
        !(p->text = malloc(OD_WEBCONFIG_MAX_TEXT + 1))) {
        failf(p, ODAPI_E_NOMEM, 0, "out of memory starting the XML parser");
        return p->rc;
    }
    XML_SetUserData(p->xp, p);
    XML_SetElementHandler(p->xp, on_start, on_end);
    XML_SetCharacterDataHandler(p->xp, on_text);
    XML_SetStartDoctypeDeclHandler(p->xp, on_doctype);
    XML_SetEntityDeclHandler(p->xp, on_entity);
    XML_SetExternalEntityRefHandler(p->xp, on_external);
    XML_SetParamEntityParsing(p->xp, XML_PARAM_ENTITY_PARSING_NEVER);
    if (XML_Parse(p->xp, buf, (int)len, XML_TRUE) == XML_STATUS_ERROR &&
        !p->rc)
        expat_failed(p);
    return p->rc;
}

/* ---- values ------------------------------------------------------------- */

static int empty(const char *s)
{
    return !s || !*s;
}

/* "host", "host:port", "[v6]", "[v6]:port", "v6" (two colons or more).
 * 0 on success; -1 bad port; -2 bad brackets. *host is malloc'd. */
static int split_host_port(const char *s, char **host, unsigned *port)
{
    const char *h = s, *colon = NULL, *pp = NULL;
    size_t hlen = strlen(s);
    *port = 0;
    if (*s == '[') {
        const char *rb = strchr(s, ']');
        if (!rb || rb == s + 1 || (rb[1] && rb[1] != ':'))
            return -2;
        h = s + 1;
        hlen = (size_t)(rb - h);
        if (rb[1] == ':')
            pp = rb + 2;
    } else if ((colon = strchr(s, ':')) && !strchr(colon + 1, ':')) {
        hlen = (size_t)(colon - s);
        pp = colon + 1;
    }
    if (pp) {
        unsigned long v = 0;
        const char *q = pp;
        if (!*q)
            return -1;
        for (; *q; q++) {
            if (*q < '0' || *q > '9' || (v = v * 10 + (unsigned)(*q - '0')) >
                                            65535)
                return -1;
        }
        if (!v)
            return -1;
        *port = (unsigned)v;
    }
    if (!hlen)
        return -2;
    if (!(*host = malloc(hlen + 1)))
        return -3;
    memcpy(*host, h, hlen);
    (*host)[hlen] = '\0';
    return 0;
}

int od_webconfig_log_level(const char *name, odapi_log_level *out)
{
    static const struct {
        const char *name;
        odapi_log_level level;
    } names[] = {
        {"Error", ODAPI_LOG_ERROR},       {"0", ODAPI_LOG_ERROR},
        {"Warning", ODAPI_LOG_WARNING},   {"Warn", ODAPI_LOG_WARNING},
        {"Information", ODAPI_LOG_INFO},  {"Info", ODAPI_LOG_INFO},
        {"1", ODAPI_LOG_INFO},            {"Verbose", ODAPI_LOG_VERBOSE},
        {"2", ODAPI_LOG_VERBOSE},
    };
    size_t i;
    if (!name)
        return -1;
    for (i = 0; i < OD_ARRAY_LEN(names); i++)
        if (!strcasecmp(name, names[i].name)) {
            *out = names[i].level;
            return 0;
        }
    return -1;
}

/* A path from the file: absolute as is, relative to the XML file's folder. */
static char *resolve(const char *cfgpath, const char *v)
{
    const char *slash = strrchr(cfgpath, '/');
    size_t dl;
    char *r;
    if (v[0] == '/' || !slash)
        return strdup(v);
    dl = (size_t)(slash - cfgpath) + 1;
    if (!(r = malloc(dl + strlen(v) + 1)))
        return NULL;
    memcpy(r, cfgpath, dl);
    strcpy(r + dl, v);
    return r;
}

static int take_path(struct wc_parse *p, char **dst, int t)
{
    if (empty(p->top[t]))
        return 0;
    if (!(*dst = resolve(p->path, p->top[t]))) {
        failf(p, ODAPI_E_NOMEM, 0, "out of memory");
        return -1;
    }
    return 0;
}

/* Pick the DatabaseConnection for note; index or -1 with p->rc set. */
static int select_conn(struct wc_parse *p, const char *note)
{
    const char *want = note ? note : "DentalOffice";
    char found[512], sb[64];
    size_t fl = 0;
    int i, pick = -1;
    if (!p->nconns) {
        failf(p, ODAPI_E_CONFIG, 0,
              "<ConnectionSettings> has no <DatabaseConnection> element; add "
              "one with ComputerName, Database, User, Password and "
              "<Note>DentalOffice</Note>");
        return -1;
    }
    for (i = 0; i < p->nconns; i++) {
        const char *n = p->conns[i].v[F_NOTE];
        if (!empty(n) && !strcasecmp(n, want)) {
            if (pick >= 0) {
                failf(p, ODAPI_E_CONFIG, p->conns[i].line0,
                      "a second <DatabaseConnection> has <Note>%s</Note> "
                      "(the first is on line %lu); give each entry its own "
                      "Note",
                      show(sb, sizeof sb, want), p->conns[pick].line0);
                return -1;
            }
            pick = i;
        }
    }
    if (pick >= 0)
        return pick;
    if (!note && p->nconns == 1 && empty(p->conns[0].v[F_NOTE]))
        return 0; /* the eConnector's copy of the file has no Note */
    found[0] = '\0';
    for (i = 0; i < p->nconns && fl + 2 < sizeof found; i++) {
        const char *n = p->conns[i].v[F_NOTE];
        int w = snprintf(found + fl, sizeof found - fl, "%s%s%s%s",
                         i ? ", " : "", empty(n) ? "" : "\"",
                         empty(n) ? "(no Note)" : show(sb, sizeof sb, n),
                         empty(n) ? "" : "\"");
        if (w < 0)
            break;
        fl += (size_t)w;
    }
    if (fl >= sizeof found)
        fl = sizeof found - 1;
    found[fl] = '\0';
    failf(p, ODAPI_E_CONFIG, 0,
          "no <DatabaseConnection> has <Note>%s</Note> (found: %s); add "
          "<Note>%s</Note> to the entry to use, or ask for one of the Notes "
          "found",
          show(sb, sizeof sb, want), found, show(sb, sizeof sb, want));
    return -1;
}

static int check_required(struct wc_parse *p, const struct wc_conn *c, int f)
{
    if (!c->line[f]) {
        failf(p, ODAPI_E_CONFIG, c->line0,
              "<DatabaseConnection> has no <%s> element; add it (ComputerName, "
              "Database and User are required)",
              conn_names[f]);
        return -1;
    }
    if (empty(c->v[f])) {
        failf(p, ODAPI_E_CONFIG, c->line[f],
              "<%s> is empty; fill it in (ComputerName, Database and User "
              "are required)",
              conn_names[f]);
        return -1;
    }
    return 0;
}

static int dup_into(struct wc_parse *p, char **dst, const char *src)
{
    if (!src)
        return 0;
    if (!(*dst = strdup(src))) {
        failf(p, ODAPI_E_NOMEM, 0, "out of memory");
        return -1;
    }
    return 0;
}

static int take_conn(struct wc_parse *p, const struct wc_conn *c,
                     struct od_webconfig *wc)
{
    char sb[64];
    const char *cn, *t;
    int r;
    if (check_required(p, c, F_COMPUTER) || check_required(p, c, F_DATABASE) ||
        check_required(p, c, F_USER))
        return -1;
    t = c->v[F_DBTYPE];
    if (!empty(t) && strcasecmp(t, "MySql")) {
        failf(p, ODAPI_E_CONFIG, c->line[F_DBTYPE],
              "<DatabaseType> is \"%s\", but only MySql (MySQL or MariaDB) is "
              "supported and Oracle is not; set it to MySql",
              show(sb, sizeof sb, t));
        return -1;
    }
    if (!empty(c->v[F_HASH]) && empty(c->v[F_PASSWORD])) {
        failf(p, ODAPI_E_CONFIG, c->line[F_HASH],
              "<MySQLPassHash> holds an encrypted password but <Password> is "
              "empty, and the hash algorithm is not public; put the password "
              "in <Password> in plain text, and protect the file: owner "
              "root, group of the user that runs the API, chmod 640");
        return -1;
    }
    cn = c->v[F_COMPUTER];
    if (cn[0] == '/') {
        if (dup_into(p, &wc->host, "localhost") ||
            dup_into(p, &wc->socket, cn))
            return -1;
    } else if ((r = split_host_port(cn, &wc->host, &wc->port)) != 0) {
        if (r == -3)
            failf(p, ODAPI_E_NOMEM, 0, "out of memory");
        else
            failf(p, ODAPI_E_CONFIG, c->line[F_COMPUTER],
                  "<ComputerName> \"%s\" has %s; write a host name, "
                  "host:port with a port from 1 to 65535, or [IPv6]:port",
                  show(sb, sizeof sb, cn),
                  r == -1 ? "a bad port" : "a bad host");
        return -1;
    }
    if (!empty(c->v[F_SOCKET])) {
        if (c->v[F_SOCKET][0] != '/') {
            failf(p, ODAPI_E_CONFIG, c->line[F_SOCKET],
                  "<OdapiSocket> \"%s\" is not an absolute path; give the "
                  "full path of the MySQL socket, e.g. "
                  "/run/mysqld/mysqld.sock",
                  show(sb, sizeof sb, c->v[F_SOCKET]));
            return -1;
        }
        free(wc->socket);
        wc->socket = NULL;
        if (dup_into(p, &wc->socket, c->v[F_SOCKET]))
            return -1;
    }
    if (dup_into(p, &wc->note, empty(c->v[F_NOTE]) ? NULL : c->v[F_NOTE]) ||
        dup_into(p, &wc->user, c->v[F_USER]) ||
        dup_into(p, &wc->password,
                 c->v[F_PASSWORD] ? c->v[F_PASSWORD] : "") ||
        dup_into(p, &wc->database, c->v[F_DATABASE]) ||
        dup_into(p, &wc->user_low,
                 empty(c->v[F_USERLOW]) ? NULL : c->v[F_USERLOW]) ||
        dup_into(p, &wc->password_low,
                 empty(c->v[F_USERLOW]) ? NULL : c->v[F_PASSLOW]) ||
        dup_into(p, &wc->ssl_ca, empty(c->v[F_SSLCA]) ? NULL : c->v[F_SSLCA]))
        return -1;
    return 0;
}

/* One item of a list of addresses (element tag, what: "<Element> item"):
 * host[:port] into host and port, or -1 with the error that says how to
 * write it (examples). */
static int list_host_port(struct wc_parse *p, int tag, const char *what,
                          const char *item, const char *examples,
                          char **host, unsigned *port)
{
    char sb[64];
    int r = split_host_port(item, host, port);

    if (r == -3) {
        failf(p, ODAPI_E_NOMEM, 0, "out of memory");
        return -1;
    }
    if (r) {
        failf(p, ODAPI_E_CONFIG, p->top_line[tag],
              "%s \"%s\" has %s; write comma-separated %s", what,
              show(sb, sizeof sb, item),
              r == -1 ? "a bad port" : "a bad host", examples);
        return -1;
    }
    return 0;
}

/* <OdapiMetrics>: where GET /metrics listens, "host[:port]" (docs/http.md,
 * "Metrics"); absent: no metrics. */
static int take_metrics(struct wc_parse *p, struct od_webconfig *wc)
{
    const char *s = p->top[T_METRICS];
    char sb[64];
    int r;
    if (empty(s))
        return 0;
    r = split_host_port(s, &wc->metrics_addr, &wc->metrics_port);
    if (r == -3) {
        failf(p, ODAPI_E_NOMEM, 0, "out of memory");
        return -1;
    }
    if (r) {
        failf(p, ODAPI_E_CONFIG, p->top_line[T_METRICS],
              "<OdapiMetrics> address \"%s\" has %s; write one address "
              "such as 127.0.0.1:%u (this machine only) or delete the "
              "element",
              show(sb, sizeof sb, s), r == -1 ? "a bad port" : "a bad host",
              OD_METRICS_SERVICE_PORT);
        return -1;
    }
    if (!wc->metrics_port)
        wc->metrics_port = OD_METRICS_SERVICE_PORT;
    return 0;
}

static int take_listen(struct wc_parse *p, struct od_webconfig *wc)
{
    const char *s = p->top[T_LISTEN];
    char item[300];
    if (empty(s))
        return 0;
    while (*s) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        while (n && is_space((unsigned char)*s))
            s++, n--;
        while (n && is_space((unsigned char)s[n - 1]))
            n--;
        if (n >= sizeof item) {
            failf(p, ODAPI_E_CONFIG, p->top_line[T_LISTEN],
                  "<OdapiListen> has an address longer than %zu bytes; "
                  "shorten it",
                  sizeof item - 1);
            return -1;
        }
        if (n) {
            memcpy(item, s, n);
            item[n] = '\0';
            if (wc->nlisten >= OD_MAX_LISTEN) {
                failf(p, ODAPI_E_CONFIG, p->top_line[T_LISTEN],
                      "<OdapiListen> lists more than %d addresses; keep at "
                      "most %d",
                      OD_MAX_LISTEN, OD_MAX_LISTEN);
                return -1;
            }
            if (list_host_port(p, T_LISTEN, "<OdapiListen> address", item,
                               "addresses such as 0.0.0.0, [::]:30223 or "
                               "192.168.1.5:30223",
                               &wc->listen[wc->nlisten].addr,
                               &wc->listen[wc->nlisten].port))
                return -1;
            wc->nlisten++;
        }
        s += e ? (size_t)(e - s) + 1 : strlen(s);
    }
    if (!wc->nlisten) {
        failf(p, ODAPI_E_CONFIG, p->top_line[T_LISTEN],
              "<OdapiListen> lists no address; write e.g. 0.0.0.0,:: or "
              "delete the element");
        return -1;
    }
    return 0;
}

/* One item of <OdapiReadReplicas>: "/path/to/socket" or "host[:port]". */
static int take_replica(struct wc_parse *p, struct od_webconfig *wc,
                        const char *item)
{
    if (wc->nreplicas >= OD_MAX_REPLICAS) {
        failf(p, ODAPI_E_CONFIG, p->top_line[T_REPLICAS],
              "<OdapiReadReplicas> lists more than %d replicas; keep at "
              "most %d", OD_MAX_REPLICAS, OD_MAX_REPLICAS);
        return -1;
    }
    if (item[0] == '/') {
        if (!(wc->replicas[wc->nreplicas].socket = strdup(item))) {
            failf(p, ODAPI_E_NOMEM, 0, "out of memory");
            return -1;
        }
        wc->nreplicas++;
        return 0;
    }
    if (list_host_port(p, T_REPLICAS, "<OdapiReadReplicas> replica", item,
                       "replicas such as db2:3306, /run/mysqld/replica.sock",
                       &wc->replicas[wc->nreplicas].host,
                       &wc->replicas[wc->nreplicas].port))
        return -1;
    wc->nreplicas++;
    return 0;
}

/* <OdapiReadReplicas>: a comma-separated list; <OdapiReplicaMaxLag>:
 * seconds (decimals allowed), at most 60. */
static int take_replicas(struct wc_parse *p, struct od_webconfig *wc)
{
    const char *s = p->top[T_REPLICAS], *v = p->top[T_REPLAG];
    char sb[64], item[300];
    double lag;
    wc->replica_lag_ms = -1;
    if (!empty(v)) {
        if (od_parse_decimal(v, &lag) || lag < 0 ||
            lag * 1000 > OD_REPLICA_MAX_LAG_MS) {
            failf(p, ODAPI_E_CONFIG, p->top_line[T_REPLAG],
                  "<OdapiReplicaMaxLag> is \"%s\", not a number of seconds "
                  "from 0 to %d; write e.g. 2 or 0.5",
                  show(sb, sizeof sb, v), OD_REPLICA_MAX_LAG_MS / 1000);
            return -1;
        }
        wc->replica_lag_ms = (long)(lag * 1000 + 0.5);
    }
    while (!empty(s)) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        const char *q = s;
        s += e ? n + 1 : n;
        while (n && is_space((unsigned char)*q))
            q++, n--;
        while (n && is_space((unsigned char)q[n - 1]))
            n--;
        if (!n)
            continue;
        if (n >= sizeof item) {
            failf(p, ODAPI_E_CONFIG, p->top_line[T_REPLICAS],
                  "<OdapiReadReplicas> has a replica longer than %zu bytes",
                  sizeof item - 1);
            return -1;
        }
        memcpy(item, q, n);
        item[n] = '\0';
        if (take_replica(p, wc, item))
            return -1;
    }
    return 0;
}

static int take_top(struct wc_parse *p, struct od_webconfig *wc)
{
    char sb[64];
    const char *v;
    if (!empty(p->top[T_CONNSTRING])) {
        failf(p, ODAPI_E_CONFIG, p->top_line[T_CONNSTRING],
              "<ConnectionString> is not supported; delete it and describe "
              "the database in <DatabaseConnection>");
        return -1;
    }
    v = p->top[T_LOGLEVEL];
    if (!empty(v)) {
        if (od_webconfig_log_level(v, &wc->log_level)) {
            failf(p, ODAPI_E_CONFIG, p->top_line[T_LOGLEVEL],
                  "<LogLevelOfApplication> is \"%s\", which is not a log "
                  "level; set it to Error, Information or Verbose",
                  show(sb, sizeof sb, v));
            return -1;
        }
        wc->has_log_level = 1;
    }
    v = p->top[T_PORT];
    if (!empty(v)) {
        unsigned long n = 0;
        const char *q;
        for (q = v; *q >= '0' && *q <= '9' && n <= 65535; q++)
            n = n * 10 + (unsigned long)(*q - '0');
        if (*q || n < 1 || n > 65535) {
            failf(p, ODAPI_E_CONFIG, p->top_line[T_PORT],
                  "<OdapiPort> is \"%s\", not a port; set it to a number "
                  "from 1 to 65535 (the API Service uses 30223)",
                  show(sb, sizeof sb, v));
            return -1;
        }
        wc->listen_port = (unsigned)n;
    }
    if (take_listen(p, wc) || take_replicas(p, wc) || take_metrics(p, wc))
        return -1;
    if (empty(p->top[T_TLSCERT]) != empty(p->top[T_TLSKEY])) {
        int t = empty(p->top[T_TLSCERT]) ? T_TLSKEY : T_TLSCERT;
        failf(p, ODAPI_E_CONFIG, p->top_line[t],
              "<%s> is given without <%s>; give both the certificate and the "
              "key, or neither",
              top_names[t], top_names[t == T_TLSKEY ? T_TLSCERT : T_TLSKEY]);
        return -1;
    }
    if (!empty(p->top[T_TLSCLIENTCA]) && empty(p->top[T_TLSCERT])) {
        failf(p, ODAPI_E_CONFIG, p->top_line[T_TLSCLIENTCA],
              "<OdapiTlsClientCa> is given without <OdapiTlsCertificate>; "
              "client certificates are asked for over HTTPS only");
        return -1;
    }
    v = p->top[T_VALURL];
    if (!empty(v) && strncasecmp(v, "https://", 8) &&
        strncasecmp(v, "http://", 7)) {
        failf(p, ODAPI_E_CONFIG, p->top_line[T_VALURL],
              "<OdapiValidatorUrl> \"%s\" is not an http(s) URL; write "
              "https://host/path",
              show(sb, sizeof sb, v));
        return -1;
    }
    if (!empty(p->top[T_VALCA]) && empty(v)) {
        failf(p, ODAPI_E_CONFIG, p->top_line[T_VALCA],
              "<OdapiValidatorCa> is given without <OdapiValidatorUrl>; add "
              "the URL or delete the CA");
        return -1;
    }
    if (take_path(p, &wc->log_file, T_LOGFILE) ||
        take_path(p, &wc->tls_cert, T_TLSCERT) ||
        take_path(p, &wc->tls_key, T_TLSKEY) ||
        take_path(p, &wc->tls_client_ca, T_TLSCLIENTCA) ||
        take_path(p, &wc->keys_file, T_KEYS) ||
        take_path(p, &wc->validator_ca, T_VALCA) ||
        dup_into(p, &wc->validator_url, empty(v) ? NULL : v))
        return -1;
    return 0;
}

void od_webconfig_free(struct od_webconfig *wc)
{
    int i;
    if (!wc)
        return;
    free(wc->note);
    free(wc->host);
    free(wc->socket);
    free(wc->user);
    free(wc->password);
    free(wc->database);
    free(wc->user_low);
    free(wc->password_low);
    free(wc->ssl_ca);
    for (i = 0; i < wc->nlisten; i++)
        free(wc->listen[i].addr);
    for (i = 0; i < wc->nreplicas; i++) {
        free(wc->replicas[i].host);
        free(wc->replicas[i].socket);
    }
    free(wc->log_file);
    free(wc->tls_cert);
    free(wc->tls_key);
    free(wc->tls_client_ca);
    free(wc->keys_file);
    free(wc->validator_url);
    free(wc->metrics_addr);
    free(wc->validator_ca);
    memset(wc, 0, sizeof *wc);
}

static void parse_free(struct wc_parse *p)
{
    int i, f;
    if (p->xp)
        XML_ParserFree(p->xp);
    p->xp = NULL;
    free(p->text);
    for (i = 0; i < p->nconns; i++)
        for (f = 0; f < F_NCONN; f++)
            free(p->conns[i].v[f]);
    for (i = 0; i < T_N; i++)
        free(p->top[i]);
}

int od_webconfig_read(const char *path, const char *note,
                      struct od_webconfig *wc, char *err, size_t errlen)
{
    struct wc_parse *p;
    char *buf = NULL;
    size_t len = 0;
    int rc, pick;
    if (err && errlen)
        err[0] = '\0';
    if (!wc)
        return ODAPI_E_INVALID;
    memset(wc, 0, sizeof *wc);
    if (!path || !*path) {
        set_err(err, errlen,
                "no OpenDentalWebConfig.xml path was given; pass the path of "
                "the file");
        return ODAPI_E_INVALID;
    }
    if (!(p = calloc(1, sizeof *p))) {
        set_err(err, errlen, "%s: out of memory", path);
        return ODAPI_E_NOMEM;
    }
    p->path = path;
    p->err = err;
    p->errlen = errlen;
    p->in_conn = -1;
    if (read_file(p, &buf, &len) == ODAPI_OK &&
        parse_buffer(p, buf, len) == ODAPI_OK) {
        XML_ParserFree(p->xp); /* later messages give lines themselves */
        p->xp = NULL;
        if ((pick = select_conn(p, note)) >= 0 &&
            take_conn(p, &p->conns[pick], wc) == 0)
            take_top(p, wc);
    }
    free(buf);
    rc = p->rc;
    parse_free(p);
    free(p);
    if (rc)
        od_webconfig_free(wc);
    return rc;
}

int od_webconfig_apply(const struct od_webconfig *wc, odapi_config *cfg,
                       const char *path, char *err, size_t errlen)
{
    int rc, i;
    const char *what = "the database connection";
    rc = odapi_config_set_db_server(cfg, wc->host, wc->port, wc->socket,
                                    wc->user, wc->password, wc->database);
    if (!rc)
        rc = odapi_config_set_db_low_user(cfg, wc->user_low, wc->password_low);
    if (!rc)
        rc = od_set_str(&cfg->db_ssl_ca, wc->ssl_ca);
    if (!rc && wc->has_log_level) {
        what = "<LogLevelOfApplication>";
        rc = odapi_config_set_log(cfg, cfg->log.fn, cfg->log.arg,
                                  wc->log_level);
    }
    if (!rc && wc->nlisten) {
        what = "<OdapiListen>";
        rc = odapi_config_clear_listen(cfg);
        for (i = 0; !rc && i < wc->nlisten; i++)
            rc = odapi_config_add_listen(
                cfg, wc->listen[i].addr,
                wc->listen[i].port ? wc->listen[i].port : wc->listen_port);
    } else if (!rc && wc->listen_port) {
        what = "<OdapiPort>";
        rc = odapi_config_set_port(cfg, wc->listen_port);
    }
    if (!rc && wc->log_file) {
        what = "<OdapiLogFile>";
        rc = odapi_config_set_log_file(cfg, wc->log_file);
    }
    if (!rc && wc->tls_cert) {
        what = "<OdapiTlsCertificate>";
        rc = odapi_config_set_tls(cfg, wc->tls_cert, wc->tls_key);
    }
    if (!rc && wc->tls_client_ca) {
        what = "<OdapiTlsClientCa>";
        rc = odapi_config_set_tls_client_ca(cfg, wc->tls_client_ca);
    }
    for (i = 0; !rc && i < wc->nreplicas; i++) {
        what = "<OdapiReadReplicas>";
        rc = odapi_config_add_read_replica(
            cfg, wc->replicas[i].host, wc->replicas[i].port,
            wc->replicas[i].socket,
            wc->replica_lag_ms >= 0 ? wc->replica_lag_ms
                                    : OD_REPLICA_DEFAULT_LAG_MS);
    }
    if (!rc && wc->keys_file) {
        what = "<OdapiKeysFile>";
        rc = odapi_config_set_keys_file(cfg, wc->keys_file);
    }
    if (!rc && wc->metrics_addr) {
        what = "<OdapiMetrics>";
        rc = odapi_config_set_metrics(cfg, wc->metrics_addr, wc->metrics_port);
    }
    if (!rc && wc->validator_url) {
        what = "<OdapiValidatorUrl>";
        rc = odapi_config_set_validator_url(cfg, wc->validator_url,
                                            wc->validator_ca);
    }
    if (rc)
        set_err(err, errlen, "%s: %s could not be applied (%s); check the "
                "value",
                path, what, odapi_strerror(rc));
    return rc == ODAPI_E_NOMEM ? rc : rc ? ODAPI_E_CONFIG : ODAPI_OK;
}

ODAPI_EXPORT int odapi_config_load_webconfig(odapi_config *cfg,
                                             const char *path,
                                             const char *note, char *err,
                                             size_t errlen)
{
    struct od_webconfig wc;
    int rc;
    if (!cfg) {
        set_err(err, errlen, "no configuration object was given");
        return ODAPI_E_INVALID;
    }
    rc = od_webconfig_read(path, note, &wc, err, errlen);
    if (rc)
        return rc;
    rc = od_webconfig_apply(&wc, cfg, path, err, errlen);
    od_webconfig_free(&wc);
    return rc;
}
