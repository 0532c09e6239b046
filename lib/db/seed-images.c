/* seed-images.c - the sandbox's images: the preferences that say where
 * Open Dental keeps them (AtoZfolderUsed 1, LocalAtoZ; DocPath), and, when
 * the sandbox has its image folder, a few rows with their files in it so
 * that the documents routes have something to read: a bitewing mount of
 * the first patient with two images in its positions (one position left
 * empty), a signed consent sheet showing one of them, and an insurance
 * check with a scanned EOB. File and folder
 * names are made as ImageStore.cs and EobAttaches.cs make them; the
 * pictures are small PNGs drawn for this file. Timestamps come from the
 * seed's anchor date, like the rest of the demo practice. */
#include "core/odapi-internal.h"
#include "db/db-internal.h"
#include "db/seed-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* 64 x 48: a light square on dark grey */
static const unsigned char bw_left_png[129] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
    0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x30,
    0x08, 0x02, 0x00, 0x00, 0x00, 0x2e, 0x29, 0xeb, 0x48, 0x00, 0x00, 0x00,
    0x48, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0xed, 0xd9, 0x31, 0x0d, 0x00,
    0x00, 0x08, 0xc0, 0x30, 0x84, 0xe1, 0x5f, 0x0a, 0x3a, 0x50, 0x41, 0x02,
    0xa1, 0x73, 0xd0, 0x7b, 0x91, 0xc7, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x80,
    0x11, 0x40, 0x2d, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x60, 0x1e, 0xe0, 0xd0, 0x00, 0x00, 0x00, 0x00, 0xbc, 0x00,
    0x34, 0x23, 0x99, 0x65, 0x2d, 0xae, 0x10, 0xf8, 0xcc, 0x00, 0x00, 0x00,
    0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};
/* 64 x 48: dark and light bands */
static const unsigned char bw_right_png[126] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
    0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x30,
    0x08, 0x02, 0x00, 0x00, 0x00, 0x2e, 0x29, 0xeb, 0x48, 0x00, 0x00, 0x00,
    0x45, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0xed, 0xcf, 0x31, 0x0d, 0x00,
    0x00, 0x08, 0x04, 0xb1, 0xd7, 0x89, 0x62, 0x64, 0x61, 0x01, 0x06, 0xb6,
    0x9e, 0x80, 0x4b, 0x9a, 0x3a, 0xd6, 0xc7, 0xbe, 0xff, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xd8, 0x36, 0x78, 0xb3,
    0x65, 0x2d, 0x15, 0x67, 0x6f, 0xb5, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};
/* 48 x 64: ruled like a printed form */
static const unsigned char eob_png[137] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
    0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00, 0x40,
    0x08, 0x02, 0x00, 0x00, 0x00, 0xd3, 0x42, 0x63, 0x11, 0x00, 0x00, 0x00,
    0x50, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0xed, 0xd6, 0x41, 0x0d, 0x00,
    0x00, 0x08, 0x02, 0x40, 0xfb, 0x67, 0x34, 0x84, 0x0d, 0xb4, 0x86, 0x1b,
    0xe7, 0x0c, 0x70, 0x2f, 0xa0, 0xba, 0xe7, 0xd5, 0x17, 0x10, 0x10, 0x50,
    0x1c, 0x68, 0x9f, 0x1d, 0x10, 0x10, 0x50, 0x1e, 0x48, 0x52, 0x03, 0x01,
    0x01, 0xd9, 0x43, 0xaa, 0x03, 0x08, 0xc8, 0x1e, 0x92, 0xd4, 0x40, 0x40,
    0x40, 0xf6, 0x90, 0xea, 0x00, 0x02, 0xb2, 0x87, 0x24, 0x35, 0x10, 0x10,
    0x90, 0x3d, 0xa4, 0x3a, 0x80, 0x80, 0x82, 0x41, 0x07, 0xaa, 0x39, 0xdf,
    0xf0, 0xa5, 0xd5, 0x29, 0xd7, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
};

/* ---- statements ------------------------------------------------------------------ */

/* One statement through stmt.c on the seed's own connection: 0 and *id
 * (the new key), or -1 with err. */
static int run(struct od_conn *c, const char *sql, struct od_prm *p, int n,
               long long *id, char *err, size_t errlen)
{
    if (od_exec(c, sql, p, n, NULL, id) == 0)
        return 0;
    snprintf(err, errlen, "seeding images: %s",
             *mysql_error(c->m) ? mysql_error(c->m) : "out of memory");
    return -1;
}

/* ---- files ------------------------------------------------------------------------ */

static int write_file(const char *dir, const char *name,
                      const unsigned char *p, size_t n, char *err,
                      size_t errlen)
{
    char path[1200];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!(f = fopen(path, "wb")) || fwrite(p, 1, n, f) != n) {
        snprintf(err, errlen, "seeding images: cannot write %s: %s", path,
                 strerror(errno));
        if (f)
            fclose(f);
        return -1;
    }
    return fclose(f) ? -1 : 0;
}

static int make_dir(const char *path, char *err, size_t errlen)
{
    if (mkdir(path, 0775) == 0 || errno == EEXIST)
        return 0;
    snprintf(err, errlen, "seeding images: cannot make %s: %s", path,
             strerror(errno));
    return -1;
}

/* ---- rows -------------------------------------------------------------------------- */

static int seed_prefs(struct od_conn *c, const char *image_dir, char *err,
                      size_t errlen)
{
    static const char sql[] =
        "INSERT INTO preference (PrefName, ValueString, Comments) SELECT ?, "
        "?, '' FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM preference WHERE "
        "PrefName = ?)";
    struct od_prm a[3] = {OD_PS("AtoZfolderUsed"), OD_PS("1"),
                          OD_PS("AtoZfolderUsed")};
    struct od_prm d[3] = {OD_PS("DocPath"), OD_PS(image_dir ? image_dir : ""),
                      OD_PS("DocPath")};
    return run(c, sql, a, 3, NULL, err, errlen) ||
           run(c, sql, d, 3, NULL, err, errlen);
}

struct pat {
    long long num;
    char folder[300];
    char fname[128];
    long long first_doc;   /* the mount's first image */
};

/* ImageStore.GetImageFolderName of the first patient (the demo names are
 * ASCII), stored as GetPatientFolder stores it. */
static int first_patient(MYSQL *m, struct pat *p, char *err, size_t errlen)
{
    MYSQL_RES *res;
    MYSQL_ROW row;
    size_t n = 0;
    const char *s;
    int rc = -1;
    if (mysql_query(m, "SELECT PatNum, CONCAT(LName, FName), FName FROM "
                       "patient ORDER BY PatNum LIMIT 1") ||
        !(res = mysql_store_result(m))) {
        snprintf(err, errlen, "seeding images: %s", mysql_error(m));
        return -1;
    }
    if ((row = mysql_fetch_row(res)) && row[0] && row[1]) {
        p->num = atoll(row[0]);
        for (s = row[1]; *s && n + 24 < sizeof p->folder; s++)
            if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
                p->folder[n++] = *s;
        snprintf(p->folder + n, sizeof p->folder - n, "%lld", p->num);
        snprintf(p->fname, sizeof p->fname, "%s", row[2] ? row[2] : "");
        rc = 1;
    } else {
        rc = 0; /* no patients: nothing to attach images to */
    }
    mysql_free_result(res);
    return rc;
}

/* The mount (MountHelper draws it: a black 300 x 120 board with three
 * 96 x 72 positions), its positions, and the two documents in them. */
static int seed_mount(struct od_conn *c, const char *image_dir, struct pat *p,
                      const char *day, char *err, size_t errlen)
{
    static const unsigned char *const pngs[2] = {bw_left_png, bw_right_png};
    static const size_t lens[2] = {sizeof bw_left_png, sizeof bw_right_png};
    char dir[1100], name[320], when[32];
    struct od_prm q[12];
    long long mount, item, doc;
    int i;
    snprintf(when, sizeof when, "%s 09:30:00", day);
    snprintf(dir, sizeof dir, "%s/%c", image_dir, p->folder[0]);
    if (make_dir(dir, err, errlen))
        return -1;
    snprintf(dir, sizeof dir, "%s/%c/%s", image_dir, p->folder[0], p->folder);
    if (make_dir(dir, err, errlen))
        return -1;
    q[0] = OD_PI(p->num);
    q[1] = OD_PS(when);
    /* DateTStamp kept: the seed's timestamps are its own, not the clock's */
    if (run(c, "UPDATE patient SET ImageFolder = ?, DateTStamp = DateTStamp "
               "WHERE PatNum = ?",
            (struct od_prm[]){OD_PS(p->folder), OD_PI(p->num)}, 2, NULL, err,
            errlen) ||
        run(c, "INSERT INTO mount (PatNum, DocCategory, DateCreated, "
               "Description, Note, Width, Height, ColorBack, ProvNum, "
               "ColorFore, ColorTextBack) SELECT ?, COALESCE((SELECT "
               "MIN(DefNum) FROM definition WHERE Category = 18), 0), ?, "
               "'BWs', '', 300, 120, -16777216, 0, -1, -16777216",
            q, 2, &mount, err, errlen))
        return -1;
    for (i = 0; i < 3; i++) {
        q[0] = OD_PI(mount);
        q[1] = OD_PI(4 + i * 98);
        q[2] = OD_PI(i + 1);
        if (run(c, "INSERT INTO mountitem (MountNum, Xpos, Ypos, ItemOrder, "
                   "Width, Height, RotateOnAcquire, ToothNumbers, "
                   "TextShowing, FontSize) VALUES (?, ?, 24, ?, 96, 72, 0, "
                   "'', '', 0)", q, 3, &item, err, errlen))
            return -1;
        if (i == 2) /* the third position waits for an image */
            break;
        q[0] = OD_PS(when);
        q[1] = OD_PI(p->num);
        q[2] = OD_PI(item);
        q[3] = OD_PS(when);
        if (run(c, "INSERT INTO document (Description, DateCreated, "
                   "DocCategory, PatNum, FileName, ImgType, ToothNumbers, "
                   "MountItemNum, DateTStamp, Note, Signature, RawBase64, "
                   "Thumbnail) SELECT '', ?, COALESCE((SELECT MIN(DefNum) "
                   "FROM definition WHERE Category = 18), 0), ?, '.png', 1, "
                   "'', ?, ?, '', '', '', ''", q, 4, &doc, err, errlen))
            return -1;
        if (!p->first_doc)
            p->first_doc = doc;
        /* Documents.Insert: letters of the name, DocNum, extension */
        snprintf(name, sizeof name, "%.*s%lld.png",
                 (int)strcspn(p->folder, "0123456789"), p->folder, doc);
        if (run(c, "UPDATE document SET FileName = ? WHERE DocNum = ?",
                (struct od_prm[]){OD_PS(name), OD_PI(doc)}, 2, NULL, err,
                errlen) ||
            write_file(dir, name, pngs[i], lens[i], err, errlen))
            return -1;
    }
    return 0;
}

/* A consent form (SheetType Consent, 6) as a filled sheet: text, an input
 * field, a check box, a line, a box, the patient's first mount image
 * (PatImage: FieldValue is the DocNum) and a signature box. */
static int seed_sheet(struct od_conn *c, const struct pat *p, long long doc,
                      const char *day, char *err, size_t errlen)
{
    static const struct {
        int type, x, y, w, h, bold;
        double size;
        const char *name, *value;
    } f[] = {
        {2, 100, 80, 650, 30, 1, 16, "", "Consent for Dental Imaging"},
        {2, 100, 130, 650, 80, 0, 10, "",
         "I agree that radiographs and photographs may be taken as part of "
         "my examination and kept in my dental record."},
        {1, 100, 230, 400, 20, 0, 10, "FName", ""},
        {8, 100, 270, 14, 14, 0, 0, "agree", "X"},
        {2, 120, 268, 400, 20, 0, 10, "", "I have read and understood this."},
        {10, 100, 310, 300, 150, 0, 0, "", NULL},
        {6, 100, 500, 650, 0, 0, 0, "", ""},
        {7, 100, 520, 300, 80, 0, 0, "", ""},
        {9, 450, 520, 300, 80, 0, 0, "", ""},
    };
    char when[32], docs[24], fname[64];
    long long sheet;
    size_t i;
    snprintf(when, sizeof when, "%s 09:00:00", day);
    snprintf(docs, sizeof docs, "%lld", doc);
    snprintf(fname, sizeof fname, "%.*s", (int)sizeof fname - 1, p->fname);
    if (run(c, "INSERT INTO sheet (SheetType, PatNum, DateTimeSheet, "
               "FontSize, FontName, Width, Height, IsLandscape, "
               "InternalNote, Description, DateTSheetEdited) VALUES (6, ?, "
               "?, 10, 'Microsoft Sans Serif', 850, 1100, 0, '', 'Consent "
               "for imaging', ?)",
            (struct od_prm[]){OD_PI(p->num), OD_PS(when), OD_PS(when)}, 3,
            &sheet, err, errlen))
        return -1;
    for (i = 0; i < OD_ARRAY_LEN(f); i++) {
        const char *value = f[i].type == 10 ? docs
                            : f[i].type == 1 ? fname : f[i].value;
        struct od_prm q[10] = {OD_PI(sheet), OD_PI(f[i].type), OD_PS(f[i].name),
                           OD_PS(value), OD_PI((long long)f[i].size),
                           OD_PI(f[i].bold), OD_PI(f[i].x), OD_PI(f[i].y),
                           OD_PI(f[i].w), OD_PI(f[i].h)};
        if (run(c, "INSERT INTO sheetfield (SheetNum, FieldType, FieldName, "
                   "FieldValue, FontSize, FontName, FontIsBold, XPos, YPos, "
                   "Width, Height, ItemColor, UiLabelMobile, "
                   "UiLabelMobileRadioButton) VALUES (?, ?, ?, ?, ?, "
                   "'Microsoft Sans Serif', ?, ?, ?, ?, ?, -16777216, '', "
                   "'')", q, 10, NULL, err, errlen))
            return -1;
    }
    return 0;
}

/* An insurance check with its scanned EOB in {A to Z}/EOBs, named as
 * EobAttaches.Insert names it (yyyyMMdd_HHmmss_{EobAttachNum}.png). */
static int seed_eob(struct od_conn *c, const char *image_dir, const char *day,
                    char *err, size_t errlen)
{
    char dir[1100], name[80], when[32], ymd[16];
    long long check, eob;
    snprintf(when, sizeof when, "%s 11:15:00", day);
    snprintf(ymd, sizeof ymd, "%.4s%.2s%.2s", day, day + 5, day + 8);
    snprintf(dir, sizeof dir, "%s/EOBs", image_dir);
    if (make_dir(dir, err, errlen) ||
        run(c, "INSERT INTO claimpayment (CheckDate, CheckAmt, CheckNum, "
               "BankBranch, Note, CarrierName, SecDateEntry, SecDateTEdit) "
               "VALUES (?, 0, 'EOB-1', '', 'Scanned EOB', '', ?, ?)",
            (struct od_prm[]){OD_PS(day), OD_PS(day), OD_PS(when)}, 3,
            &check, err, errlen) ||
        run(c, "INSERT INTO eobattach (ClaimPaymentNum, DateTCreated, "
               "FileName, RawBase64) VALUES (?, ?, '.png', '')",
            (struct od_prm[]){OD_PI(check), OD_PS(when)}, 2, &eob, err, errlen))
        return -1;
    snprintf(name, sizeof name, "%s_111500_%lld.png", ymd, eob);
    return run(c, "UPDATE eobattach SET FileName = ? WHERE EobAttachNum = ?",
               (struct od_prm[]){OD_PS(name), OD_PI(eob)}, 2, NULL, err,
               errlen) ||
           write_file(dir, name, eob_png, sizeof eob_png, err, errlen);
}

static int seed_rows(struct od_conn *c, const char *image_dir,
                     const char *day, char *err, size_t errlen)
{
    struct pat p;
    int r;
    memset(&p, 0, sizeof p);
    if (seed_prefs(c, image_dir, err, errlen))
        return ODAPI_E_DB;
    if (!image_dir) /* no folder: no files, so no rows that name them */
        return ODAPI_OK;
    if (make_dir(image_dir, err, errlen))
        return ODAPI_E_IO;
    if ((r = first_patient(c->m, &p, err, errlen)) < 0)
        return ODAPI_E_DB;
    if ((r && (seed_mount(c, image_dir, &p, day, err, errlen) ||
               seed_sheet(c, &p, p.first_doc, day, err, errlen))) ||
        seed_eob(c, image_dir, day, err, errlen))
        return ODAPI_E_DB;
    return ODAPI_OK;
}

int od_seed_images(MYSQL *m, const char *image_dir, const char *day,
                   char *err, size_t errlen)
{
    struct od_conn c;
    int rc;
    memset(&c, 0, sizeof c);
    c.m = m;
    rc = seed_rows(&c, image_dir, day, err, errlen);
    od_conn_free_stmts(&c);
    return rc;
}
