/* sftp.c - the SFTP client Queries POST writes its CSV file with, and the
 * documents, EOB and sheet routes move files with (libssh2): TCP connect
 * with a timeout, host key checked against an OpenSSH known_hosts file (an
 * unknown or changed key is refused, never learned), password login
 * (keyboard-interactive as a fallback), folders created, files written
 * whole (overwriting) or read up to a size limit. Blocking; runs on a
 * database worker thread. The password is never logged or kept. */
#include "features/queries-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libssh2.h>
#include <libssh2_sftp.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONNECT_TIMEOUT_MS 10000
#define SESSION_TIMEOUT_MS 30000
#define WRITE_CHUNK 32768

static pthread_once_t ssh_once = PTHREAD_ONCE_INIT;
static int ssh_init_rc;

static void ssh_init(void) { ssh_init_rc = libssh2_init(0); }

/* ---- the address ------------------------------------------------------------ */

char *od_sftp_known_hosts(const char *configured)
{
    const char *home = getenv("HOME");
    char buf[1024];
    if (configured)
        return strdup(configured);
    snprintf(buf, sizeof buf, "%s/.ssh/known_hosts", home && *home ? home : "");
    return strdup(buf);
}

int od_sftp_split_address(const char *addr, char **host, char **path,
                          int *port)
{
    const char *p = addr, *slash, *hend, *colon;
    char *h, *f;
    *host = *path = NULL;
    *port = 0;
    while (*p == ' ')
        p++;
    if (strncasecmp(p, "sftp://", 7) == 0)
        p += 7;
    if (*p == '[') { /* [v6]/path or [v6]:port/path */
        const char *close = strchr(p, ']');
        if (!close)
            return -1;
        slash = strchr(close, '/');
        if (!slash)
            return -1;
        h = strndup(p + 1, (size_t)(close - p - 1));
        colon = close[1] == ':' ? close + 1 : NULL;
    } else {
        slash = strchr(p, '/');
        if (!slash)
            return -1;
        hend = slash;
        colon = memchr(p, ':', (size_t)(slash - p));
        if (colon)
            hend = colon;
        h = strndup(p, (size_t)(hend - p));
    }
    if (!h)
        return -1;
    if (colon) {
        char *end;
        long v = strtol(colon + 1, &end, 10);
        if (end != slash || v < 1 || v > 65535) {
            free(h);
            return -1;
        }
        *port = (int)v;
    }
    /* the rest is the file's absolute path; it must name a file */
    if (!*h || !slash[1] || slash[strlen(slash) - 1] == '/' ||
        !(f = strdup(slash))) {
        free(h);
        return -1;
    }
    *host = h;
    *path = f;
    return 0;
}

/* ---- connecting ----------------------------------------------------------------- */

/* Any failure to reach an SFTP server: one answer for all of them (a
 * refused port, a filtered one, a web server, a DNS failure), the reason
 * only in the log. Otherwise POST /queries would tell an API client which
 * ports are open on every host the server can reach. */
static int unreachable(const struct od_sftp_target *t, int port,
                       const char *why, char *err, size_t errlen)
{
    if (t->log)
        od_log(t->log, ODAPI_LOG_WARNING, "SFTP: %s port %d: %s", t->host,
               port, why);
    snprintf(err, errlen, "SFTP: cannot connect to an SFTP server at %s "
                          "port %d.", t->host, port);
    return -1;
}

/* A connected socket, or -1 with the reason (never for the client) in
 * why. */
static int tcp_connect(const char *host, int port, char *err, size_t errlen)
{
    struct addrinfo hints, *res, *ai;
    char portstr[16];
    int fd = -1, rc, last = 0;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(portstr, sizeof portstr, "%d", port);
    if ((rc = getaddrinfo(host, portstr, &hints, &res)) != 0) {
        snprintf(err, errlen, "unknown host (%s)", gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        struct pollfd pfd;
        int soerr = 0, flags;
        socklen_t sl = sizeof soerr;
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            last = errno;
            continue;
        }
        flags = fcntl(fd, F_GETFL);
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 &&
            errno != EINPROGRESS) {
            last = errno;
            close(fd);
            fd = -1;
            continue;
        }
        pfd.fd = fd;
        pfd.events = POLLOUT;
        if (poll(&pfd, 1, CONNECT_TIMEOUT_MS) != 1 ||
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr) {
            last = soerr ? soerr : ETIMEDOUT;
            close(fd);
            fd = -1;
            continue;
        }
        fcntl(fd, F_SETFL, flags); /* libssh2 in blocking mode */
        break;
    }
    freeaddrinfo(res);
    if (fd < 0)
        snprintf(err, errlen, "%s", strerror(last ? last : ECONNREFUSED));
    return fd;
}

static int knownhost_type(int hostkey_type)
{
    switch (hostkey_type) {
    case LIBSSH2_HOSTKEY_TYPE_RSA: return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
    case LIBSSH2_HOSTKEY_TYPE_DSS: return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
#ifdef LIBSSH2_HOSTKEY_TYPE_ECDSA_256
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_256:
        return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_384:
        return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_521:
        return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
#endif
#ifdef LIBSSH2_HOSTKEY_TYPE_ED25519
    case LIBSSH2_HOSTKEY_TYPE_ED25519: return LIBSSH2_KNOWNHOST_KEY_ED25519;
#endif
    default: return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
    }
}

static int check_host_key(LIBSSH2_SESSION *s, const struct od_sftp_target *t,
                          int port, char *err, size_t errlen)
{
    LIBSSH2_KNOWNHOSTS *kh;
    struct libssh2_knownhost *found = NULL;
    const char *key;
    size_t keylen;
    int type, rc;

    if (!(key = libssh2_session_hostkey(s, &keylen, &type))) {
        snprintf(err, errlen, "SFTP: %s sent no host key.", t->host);
        return -1;
    }
    if (!(kh = libssh2_knownhost_init(s))) {
        snprintf(err, errlen, "SFTP: out of memory.");
        return -1;
    }
    if (libssh2_knownhost_readfile(kh, t->known_hosts,
                                   LIBSSH2_KNOWNHOST_FILE_OPENSSH) < 0) {
        libssh2_knownhost_free(kh);
        snprintf(err, errlen, "SFTP: cannot read the known hosts file %s.",
                 t->known_hosts);
        return -1;
    }
    rc = libssh2_knownhost_checkp(kh, t->host, port, key, keylen,
                                  LIBSSH2_KNOWNHOST_TYPE_PLAIN |
                                      LIBSSH2_KNOWNHOST_KEYENC_RAW |
                                      knownhost_type(type),
                                  &found);
    libssh2_knownhost_free(kh);
    switch (rc) {
    case LIBSSH2_KNOWNHOST_CHECK_MATCH:
        return 0;
    case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
        snprintf(err, errlen, "SFTP: the host key of %s does not match the "
                              "known hosts file %s.", t->host,
                 t->known_hosts);
        return -1;
    case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
        snprintf(err, errlen, "SFTP: the host key of %s is not in the known "
                              "hosts file %s.", t->host, t->known_hosts);
        return -1;
    default:
        snprintf(err, errlen, "SFTP: the host key of %s could not be "
                              "checked.", t->host);
        return -1;
    }
}

/* keyboard-interactive: answer every prompt with the password */
static void kbd_cb(const char *name, int name_len, const char *instruction,
                   int instruction_len, int num_prompts,
                   const LIBSSH2_USERAUTH_KBDINT_PROMPT *prompts,
                   LIBSSH2_USERAUTH_KBDINT_RESPONSE *responses,
                   void **abstract)
{
    const char *pw = *(const char **)abstract;
    int i;
    (void)name;
    (void)name_len;
    (void)instruction;
    (void)instruction_len;
    (void)prompts;
    for (i = 0; i < num_prompts; i++) {
        responses[i].text = strdup(pw);
        responses[i].length = responses[i].text ? (unsigned)strlen(pw) : 0;
    }
}

static int login(LIBSSH2_SESSION *s, const struct od_sftp_target *t,
                 char *err, size_t errlen)
{
    const char *methods;
    void **abstract;
    methods = libssh2_userauth_list(s, t->user, (unsigned)strlen(t->user));
    if (!methods && libssh2_userauth_authenticated(s))
        return 0;
    if (methods && strstr(methods, "password") &&
        libssh2_userauth_password(s, t->user, t->password) == 0)
        return 0;
    if (methods && strstr(methods, "keyboard-interactive")) {
        abstract = libssh2_session_abstract(s);
        *abstract = (void *)(uintptr_t)&t->password;
        if (libssh2_userauth_keyboard_interactive(s, t->user, kbd_cb) == 0)
            return 0;
    }
    snprintf(err, errlen, "SFTP: %s refused the user name or password of "
                          "%s.", t->host, t->user);
    return -1;
}

static const char *fx_text(unsigned long fx)
{
    switch (fx) {
    case LIBSSH2_FX_NO_SUCH_FILE:
    case LIBSSH2_FX_NO_SUCH_PATH: return "no such file or folder";
    case LIBSSH2_FX_PERMISSION_DENIED: return "permission denied";
    case LIBSSH2_FX_FILE_ALREADY_EXISTS: return "already exists";
    case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM:
    case LIBSSH2_FX_QUOTA_EXCEEDED: return "no space left";
    case LIBSSH2_FX_WRITE_PROTECT: return "write protected";
    case LIBSSH2_FX_NOT_A_DIRECTORY: return "not a folder";
    default: return "failure";
    }
}

/* mkdir -p of the file's folder */
static int make_dirs(LIBSSH2_SFTP *sftp, const char *path, char *err,
                     size_t errlen)
{
    char *dir = strdup(path), *p;
    if (!dir) {
        snprintf(err, errlen, "SFTP: out of memory.");
        return -1;
    }
    if ((p = strrchr(dir, '/')))
        *p = '\0';
    for (p = dir + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            LIBSSH2_SFTP_ATTRIBUTES st;
            *p = '\0';
            if (*dir && libssh2_sftp_stat(sftp, dir, &st) != 0 &&
                libssh2_sftp_mkdir(sftp, dir, 0755) != 0) {
                snprintf(err, errlen, "SFTP: cannot create the folder %s "
                                      "(%s).", dir,
                         fx_text(libssh2_sftp_last_error(sftp)));
                free(dir);
                return -1;
            }
            *p = c;
            if (!c)
                break;
        }
    }
    free(dir);
    return 0;
}

static int write_file(LIBSSH2_SFTP *sftp, const char *path, const char *data,
                      size_t len, char *err, size_t errlen)
{
    LIBSSH2_SFTP_HANDLE *h;
    size_t off = 0;
    h = libssh2_sftp_open(sftp, path,
                          LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT |
                              LIBSSH2_FXF_TRUNC,
                          0644);
    if (!h) {
        snprintf(err, errlen, "SFTP: cannot write %s (%s).", path,
                 fx_text(libssh2_sftp_last_error(sftp)));
        return -1;
    }
    while (off < len) {
        size_t n = len - off < WRITE_CHUNK ? len - off : WRITE_CHUNK;
        ssize_t w = libssh2_sftp_write(h, data + off, n);
        if (w <= 0) {
            snprintf(err, errlen, "SFTP: writing %s failed (%s).", path,
                     fx_text(libssh2_sftp_last_error(sftp)));
            libssh2_sftp_close(h);
            return -1;
        }
        off += (size_t)w;
    }
    if (libssh2_sftp_close(h) != 0) {
        snprintf(err, errlen, "SFTP: closing %s failed (%s).", path,
                 fx_text(libssh2_sftp_last_error(sftp)));
        return -1;
    }
    return 0;
}

struct od_sftp {
    LIBSSH2_SESSION *s;
    LIBSSH2_SFTP *sftp;
    int fd;
    const struct od_sftp_target *t;
};

void od_sftp_close(struct od_sftp *x)
{
    if (!x)
        return;
    if (x->sftp)
        libssh2_sftp_shutdown(x->sftp);
    if (x->s) {
        libssh2_session_disconnect(x->s, "done");
        libssh2_session_free(x->s);
    }
    if (x->fd >= 0)
        close(x->fd);
    free(x);
}

int od_sftp_open(const struct od_sftp_target *t, struct od_sftp **out,
                 char *err, size_t errlen)
{
    struct od_sftp *x;
    int port = t->port ? t->port : 22;
    char why[160];

    *out = NULL;
    pthread_once(&ssh_once, ssh_init);
    if (ssh_init_rc != 0) {
        snprintf(err, errlen, "SFTP: libssh2 did not start.");
        return -1;
    }
    if (!(x = calloc(1, sizeof *x))) {
        snprintf(err, errlen, "SFTP: out of memory.");
        return -1;
    }
    x->t = t;
    if ((x->fd = tcp_connect(t->host, port, why, sizeof why)) < 0) {
        free(x);
        return unreachable(t, port, why, err, errlen);
    }
    if (!(x->s = libssh2_session_init())) {
        snprintf(err, errlen, "SFTP: out of memory.");
        goto fail;
    }
    libssh2_session_set_blocking(x->s, 1);
    libssh2_session_set_timeout(x->s, SESSION_TIMEOUT_MS);
    if (libssh2_session_handshake(x->s, x->fd) != 0) {
        unreachable(t, port, "the SSH handshake failed", err, errlen);
        goto fail;
    }
    if (check_host_key(x->s, t, port, err, errlen) ||
        login(x->s, t, err, errlen))
        goto fail;
    if (!(x->sftp = libssh2_sftp_init(x->s))) {
        unreachable(t, port, "no SFTP service", err, errlen);
        goto fail;
    }
    *out = x;
    return 0;
fail:
    od_sftp_close(x);
    return -1;
}

int od_sftp_write(struct od_sftp *x, const char *path, const void *data,
                  size_t len, char *err, size_t errlen)
{
    if (make_dirs(x->sftp, path, err, errlen) ||
        write_file(x->sftp, path, data ? data : "", len, err, errlen))
        return -1;
    return 0;
}

int od_sftp_read(struct od_sftp *x, const char *path, size_t max,
                 unsigned char **out, size_t *len, char *err, size_t errlen)
{
    LIBSSH2_SFTP_HANDLE *h;
    LIBSSH2_SFTP_ATTRIBUTES st;
    unsigned char *buf = NULL;
    size_t cap = 0, got = 0;

    *out = NULL;
    *len = 0;
    if (!(h = libssh2_sftp_open(x->sftp, path, LIBSSH2_FXF_READ, 0))) {
        snprintf(err, errlen, "SFTP: cannot read %s (%s).", path,
                 fx_text(libssh2_sftp_last_error(x->sftp)));
        return -1;
    }
    if (libssh2_sftp_fstat(h, &st) == 0 &&
        (st.flags & LIBSSH2_SFTP_ATTR_PERMISSIONS) &&
        !LIBSSH2_SFTP_S_ISREG(st.permissions)) {
        snprintf(err, errlen, "SFTP: %s is not a file.", path);
        goto fail;
    }
    if (libssh2_sftp_fstat(h, &st) == 0 &&
        (st.flags & LIBSSH2_SFTP_ATTR_SIZE) && st.filesize > max)
        goto too_large;
    for (;;) {
        ssize_t r;
        if (got == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            unsigned char *q;
            if (ncap > max + 1)
                ncap = max + 1;
            if (ncap <= cap)
                goto too_large;
            if (!(q = realloc(buf, ncap))) {
                snprintf(err, errlen, "SFTP: out of memory.");
                goto fail;
            }
            buf = q;
            cap = ncap;
        }
        r = libssh2_sftp_read(h, (char *)buf + got, cap - got);
        if (r == 0)
            break;
        if (r < 0) {
            snprintf(err, errlen, "SFTP: reading %s failed (%s).", path,
                     fx_text(libssh2_sftp_last_error(x->sftp)));
            goto fail;
        }
        got += (size_t)r;
        if (got > max)
            goto too_large;
    }
    libssh2_sftp_close(h);
    if (!buf && !(buf = malloc(1))) {
        snprintf(err, errlen, "SFTP: out of memory.");
        return -1;
    }
    *out = buf;
    *len = got;
    return 0;
too_large:
    snprintf(err, errlen, "SFTP: %s is larger than %zu bytes.", path, max);
fail:
    free(buf);
    libssh2_sftp_close(h);
    return -1;
}

int od_sftp_put(const struct od_sftp_target *t, const char *data, size_t len,
                char *err, size_t errlen)
{
    struct od_sftp *x;
    int rc;
    if (od_sftp_open(t, &x, err, errlen))
        return -1;
    rc = od_sftp_write(x, t->path, data, len, err, errlen);
    od_sftp_close(x);
    return rc;
}
