/* imagestore.c - the A to Z folder and "images in the database" (see
 * imagestore-internal.h). Rules from Open Dental 24.3: ImageStore.cs
 * (GetPatientFolder, GetImageFolderName, GetEobFolder, HasImageExtension),
 * FileAtoZ.cs (GetPreferredAtoZpath, GetValidPathFromString),
 * Documents.cs (GenerateUniqueFileName), PrefC.cs (AtoZfolderUsed) and
 * ConvertDatabases2.cs (AtoZfolderUsed is 1, LocalAtoZ, unless the office
 * chose otherwise). */
#include "features/imagestore-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wctype.h>

size_t od_store_max_file(const odapi_config *cfg)
{
    long body = od_config_limit(cfg, ODAPI_LIMIT_MAX_BODY);
    return body > 0 ? (size_t)body / 4 * 3 : 0;
}

/* ---- names ------------------------------------------------------------------ */

static pthread_once_t loc_once = PTHREAD_ONCE_INIT;
static locale_t utf8_loc;

/* Char.IsLetter and ToUpper need Unicode character classes: the C.UTF-8
 * locale's, made once, used through the _l functions (never setlocale:
 * the process belongs to the embedding application). */
static void loc_init(void)
{
    utf8_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* One UTF-8 sequence at s: its code point and length (an invalid byte is
 * itself, length 1, and not a letter). */
static unsigned utf8_next(const unsigned char *s, wint_t *cp)
{
    unsigned n, i;
    wint_t v;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0) n = 2, v = s[0] & 0x1F;
    else if ((s[0] & 0xF0) == 0xE0) n = 3, v = s[0] & 0x0F;
    else if ((s[0] & 0xF8) == 0xF0) n = 4, v = s[0] & 0x07;
    else {
        *cp = WEOF;
        return 1;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = WEOF;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return n;
}

static int is_letter(wint_t cp)
{
    if (cp == WEOF)
        return 0;
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    pthread_once(&loc_once, loc_init);
    return utf8_loc ? iswalpha_l(cp, utf8_loc) != 0 : 0;
}

/* The letters of s appended to out (cap includes the NUL). */
static void add_letters(const char *s, char *out, size_t cap, size_t *len)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        wint_t cp;
        unsigned n = utf8_next(p, &cp);
        if (is_letter(cp) && *len + n < cap) {
            memcpy(out + *len, p, n);
            *len += n;
        }
        p += n;
    }
    out[*len] = '\0';
}

void od_image_folder_name(const char *lname, const char *fname,
                          long long patnum, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    add_letters(lname, out, cap, &len);
    add_letters(fname, out, cap, &len);
    snprintf(out + len, cap - len, "%lld", patnum);
}

void od_image_file_name(const char *lname, const char *fname,
                        const char *id, const char *ext, char *out,
                        size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    add_letters(lname, out, cap, &len);
    add_letters(fname, out, cap, &len);
    snprintf(out + len, cap - len, "%s%s", id, ext);
}

int od_store_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    const unsigned char *p;
    if (n == 0 || n > 255 || strcmp(name, ".") == 0 ||
        strcmp(name, "..") == 0)
        return 0;
    for (p = (const unsigned char *)name; *p; p++)
        if (*p == '/' || *p == '\\' || *p < 0x20 || *p == 0x7F)
            return 0;
    return 1;
}

void od_file_ext(const char *name, char *out, size_t cap)
{
    const char *dot = strrchr(name, '.');
    size_t i;
    out[0] = '\0';
    /* Path.GetExtension: the last '.' after the last separator */
    if (!dot || strchr(dot, '/') || strchr(dot, '\\') || !dot[1])
        return;
    for (i = 0; dot[i] && i + 1 < cap; i++)
        out[i] = (dot[i] >= 'A' && dot[i] <= 'Z') ? (char)(dot[i] + 32)
                                                    : dot[i];
    out[i] = '\0';
}

int od_has_image_ext(const char *name)
{
    static const char *const exts[] = {".jpg", ".jpeg", ".tga", ".bmp",
                                       ".tif", ".tiff", ".gif", ".emf",
                                       ".exif", ".ico", ".png", ".wmf",
                                       ".tig"};
    char ext[16];
    size_t i;
    od_file_ext(name, ext, sizeof ext);
    for (i = 0; i < OD_ARRAY_LEN(exts); i++)
        if (strcmp(ext, exts[i]) == 0)
            return 1;
    return 0;
}

/* ---- the folder -------------------------------------------------------------- */

struct prefs {
    int have_mode;
    char mode[16];
    char docpath[1024];
};

static int take_pref(void *ctx, char **cols)
{
    struct prefs *p = ctx;
    if (strcasecmp(cols[0], "AtoZfolderUsed") == 0) {
        p->have_mode = 1;
        snprintf(p->mode, sizeof p->mode, "%s", cols[1]);
    } else if (strcasecmp(cols[0], "DocPath") == 0) {
        snprintf(p->docpath, sizeof p->docpath, "%s", cols[1]);
    }
    return 0;
}

static int is_dir_fd(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

/* FileAtoZ.GetValidPathFromString: the first entry with a folder "A". */
static int docpath_root(const char *docpath, char *out, size_t cap)
{
    const char *p = docpath;
    while (*p) {
        const char *end = strchr(p, ';');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n && (*p == ' ' || *p == '\t'))
            p++, n--;
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n && n < cap) {
            char a[1100];
            struct stat st;
            memcpy(out, p, n);
            out[n] = '\0';
            snprintf(a, sizeof a, "%s/A", out);
            if (stat(a, &st) == 0 && S_ISDIR(st.st_mode))
                return 0;
        }
        if (!end)
            break;
        p = end + 1;
    }
    return -1;
}

/* The sandbox owns its folder: {datadir}/images with A to Z in it. */
static void sandbox_root(const odapi_config *cfg, char *out, size_t cap)
{
    char a[1100];
    char c;
    snprintf(out, cap, "%s/images", cfg->db_datadir);
    mkdir(out, 0775);
    for (c = 'A'; c <= 'Z'; c++) {
        snprintf(a, sizeof a, "%s/%c", out, c);
        mkdir(a, 0775);
    }
}

static void trim_slashes(char *s)
{
    size_t n = strlen(s);
    while (n > 1 && s[n - 1] == '/')
        s[--n] = '\0';
}

static int open_root(const odapi_config *cfg, const struct prefs *pr,
                     struct od_store *s, char *msg, size_t msgsize)
{
    if (cfg->image_dir) {
        snprintf(s->root, sizeof s->root, "%s", cfg->image_dir);
    } else if (cfg->db_kind == OD_DB_EMBEDDED && cfg->db_datadir) {
        sandbox_root(cfg, s->root, sizeof s->root);
    } else if (docpath_root(pr->docpath, s->root, sizeof s->root)) {
        snprintf(msg, msgsize,
                 "The A to Z images folder (preference DocPath \"%s\") was "
                 "not found on this server; set it with --image-dir.",
                 pr->docpath);
        return -1;
    }
    trim_slashes(s->root);
    s->rootfd = open(s->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->rootfd < 0 || !is_dir_fd(s->rootfd)) {
        snprintf(msg, msgsize, "The A to Z images folder %s cannot be "
                               "opened (%s).", s->root, strerror(errno));
        if (s->rootfd >= 0)
            close(s->rootfd);
        s->rootfd = -1;
        return -1;
    }
    return 0;
}

int od_store_open(struct od_conn *c, const odapi_config *cfg,
                  struct od_store *s, int *status, char *msg,
                  size_t msgsize)
{
    struct prefs pr;
    long long mode = OD_STORE_ATOZ;
    memset(&pr, 0, sizeof pr);
    memset(s, 0, sizeof *s);
    s->rootfd = -1;
    if (od_query_each(c, "SELECT PrefName, ValueString FROM preference "
                         "WHERE PrefName IN ('AtoZfolderUsed', 'DocPath')",
                      NULL, 0, 2, take_pref, &pr) < 0) {
        *status = c->lost ? 0 : 500;
        snprintf(msg, msgsize, "The preferences could not be read.");
        return -1;
    }
    /* blank or absent: LocalAtoZ, as ConvertDatabases2 sets it */
    if (pr.have_mode && pr.mode[0] && od_parse_ll(pr.mode, &mode) != 0)
        mode = -1;
    s->mode = (int)mode;
    if (mode == OD_STORE_DB)
        return 0;
    if (mode != OD_STORE_ATOZ) {
        *status = 400;
        snprintf(msg, msgsize, "This office keeps its images in cloud "
                               "storage (AtoZfolderUsed %s), which this "
                               "server does not reach.", pr.mode);
        return -1;
    }
    if (open_root(cfg, &pr, s, msg, msgsize)) {
        *status = 500;
        return -1;
    }
    return 0;
}

void od_store_close(struct od_store *s)
{
    if (s->rootfd >= 0)
        close(s->rootfd);
    s->rootfd = -1;
}

/* Open (and with create, make) one folder below dir: never through a
 * symbolic link. */
static int sub_dir(int dir, const char *name, int create)
{
    int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                                   O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
        if (mkdirat(dir, name, 0775) != 0 && errno != EEXIST)
            return -1;
        fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                                   O_CLOEXEC);
    }
    return fd;
}

/* cp as UTF-8 into out (at least 5 bytes). */
static void utf8_put(wint_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        *o++ = (unsigned char)cp;
    } else if (cp < 0x800) {
        *o++ = (unsigned char)(0xC0 | (cp >> 6));
        *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (unsigned char)(0xE0 | (cp >> 12));
        *o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (unsigned char)(0xF0 | (cp >> 18));
        *o++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    }
    *o = '\0';
}

/* ImageStore.GetPatientFolder: pat.ImageFolder.Substring(0,1).ToUpper().
 * out holds at least 5 bytes. */
static void first_letter(const char *folder, char *out)
{
    wint_t cp;
    unsigned n = utf8_next((const unsigned char *)folder, &cp);
    if (cp == WEOF || cp > 0x10FFFF) {
        memcpy(out, folder, 1);
        out[n > 0 ? 1 : 0] = '\0';
        return;
    }
    if (cp < 0x80) {
        cp = (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
    } else {
        pthread_once(&loc_once, loc_init);
        if (utf8_loc)
            cp = towupper_l(cp, utf8_loc);
    }
    utf8_put(cp, out);
}

int od_store_patient_dir(const struct od_store *s, const char *imagefolder,
                         int create, char *msg, size_t msgsize)
{
    char letter[8];
    int ld, fd;
    if (!od_store_name_ok(imagefolder)) {
        snprintf(msg, msgsize, "The patient's image folder name \"%s\" "
                               "cannot be used.", imagefolder);
        return -1;
    }
    first_letter(imagefolder, letter);
    if (!od_store_name_ok(letter) ||
        (ld = sub_dir(s->rootfd, letter, create)) < 0) {
        snprintf(msg, msgsize, "The folder %s/%s of the A to Z folder "
                               "cannot be opened (%s).", s->root, letter,
                 strerror(errno));
        return -1;
    }
    fd = sub_dir(ld, imagefolder, create);
    if (fd < 0)
        snprintf(msg, msgsize, "The patient's folder %s/%s/%s cannot be "
                               "opened (%s).", s->root, letter, imagefolder,
                 strerror(errno));
    close(ld);
    return fd;
}

int od_store_sub_dir(const struct od_store *s, int parent, const char *name,
                     int create, char *msg, size_t msgsize)
{
    int fd = sub_dir(parent >= 0 ? parent : s->rootfd, name, create);
    if (fd < 0)
        snprintf(msg, msgsize, "The folder %s of the A to Z folder cannot "
                               "be opened (%s).", name, strerror(errno));
    return fd;
}

void od_store_patient_path(const struct od_store *s, const char *imagefolder,
                           char *out, size_t cap)
{
    char letter[8];
    first_letter(imagefolder, letter);
    snprintf(out, cap, "%s/%s/%s/", s->root, letter, imagefolder);
}

/* ---- files ------------------------------------------------------------------ */

static int write_all(int fd, const void *p, size_t n)
{
    const unsigned char *b = p;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        b += w;
        n -= (size_t)w;
    }
    return fdatasync(fd);
}

int od_store_write_new(int dir, const char *name, const void *p, size_t n)
{
    int fd, e;
    if (!od_store_name_ok(name)) {
        errno = EINVAL;
        return -1;
    }
    fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
                               O_CLOEXEC, 0664);
    if (fd < 0)
        return -1;
    if (write_all(fd, p, n) != 0) {
        e = errno;
        close(fd);
        unlinkat(dir, name, 0);
        errno = e;
        return -1;
    }
    return close(fd);
}

int od_store_replace(int dir, const char *name, const void *p, size_t n)
{
    char tmp[300];
    if (!od_store_name_ok(name) || strlen(name) > 240) {
        errno = EINVAL;
        return -1;
    }
    snprintf(tmp, sizeof tmp, ".%s.%ld.tmp", name, (long)getpid());
    unlinkat(dir, tmp, 0);
    if (od_store_write_new(dir, tmp, p, n) != 0)
        return -1;
    if (renameat(dir, tmp, dir, name) != 0) {
        int e = errno;
        unlinkat(dir, tmp, 0);
        errno = e;
        return -1;
    }
    return 0;
}

int od_store_read(int dir, const char *name, size_t max, unsigned char **out,
                  size_t *len)
{
    struct stat st;
    unsigned char *buf;
    size_t got = 0;
    int fd, e;
    *out = NULL;
    *len = 0;
    if (!od_store_name_ok(name)) {
        errno = EINVAL;
        return -1;
    }
    fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    if ((unsigned long long)st.st_size > max) {
        close(fd);
        errno = EFBIG;
        return -1;
    }
    if (!(buf = malloc((size_t)st.st_size + 1))) {
        close(fd);
        errno = ENOMEM;
        return -1;
    }
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break; /* the file shrank: what was there */
        got += (size_t)r;
    }
    e = errno;
    close(fd);
    if (got < (size_t)st.st_size && got == 0 && st.st_size) {
        free(buf);
        errno = e ? e : EIO;
        return -1;
    }
    *out = buf;
    *len = got;
    return 0;
}

int od_store_stat(int dir, const char *name, long long *mtime)
{
    struct stat st;
    if (!od_store_name_ok(name) ||
        fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISREG(st.st_mode))
        return 0;
    if (mtime)
        *mtime = (long long)st.st_mtime;
    return 1;
}

int od_store_remove(int dir, const char *name)
{
    if (!od_store_name_ok(name)) {
        errno = EINVAL;
        return -1;
    }
    return unlinkat(dir, name, 0);
}

/* ---- base64 ------------------------------------------------------------------- */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t od_b64_decoded_max(size_t n)
{
    return n / 4 * 3 + 3;
}

static int b64_val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

int od_b64_decode(const char *s, size_t n, unsigned char *out, size_t *len)
{
    unsigned acc = 0;
    int bits = 0, pad = 0;
    size_t i, o = 0, chars = 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int v;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        chars++;
        if (c == '=') {
            pad++;
            continue;
        }
        if (pad || (v = b64_val(c)) < 0)
            return -1; /* data after padding, or not the alphabet */
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (chars % 4 || pad > 2 || (pad && chars == (size_t)pad))
        return -1;
    *len = o;
    return 0;
}

char *od_b64_encode(const unsigned char *p, size_t n, size_t *outlen)
{
    size_t o = 0, i;
    char *out = malloc((n + 2) / 3 * 4 + 1);
    if (!out)
        return NULL;
    for (i = 0; i + 2 < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        out[o++] = b64[v >> 18];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = b64[(v >> 6) & 63];
        out[o++] = b64[v & 63];
    }
    if (i < n) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
        out[o++] = b64[v >> 18];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
        out[o++] = '=';
    }
    out[o] = '\0';
    if (outlen)
        *outlen = o;
    return out;
}
