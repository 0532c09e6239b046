/* sheetfile.c - POST /sheets/DownloadSftp: a sheet as a PDF on the
 * client's SFTP server ("sheet.pdf" when the address names a folder).
 *
 * Open Dental draws the PDF with SheetDrawingJob.CreatePdfForApi (PdfSharp,
 * GDI+ fonts). This draws the sheet's fields the same way in kind, at the
 * same places (sheet units are 1/100 inch, PDF points 1/72: p(x) =
 * x * 0.72, as SheetDrawingJob's p()): text fields (OutputText,
 * InputField, StaticText) in Helvetica at their FontSize, wrapped to
 * their width and aligned by TextAlign; a CheckBox's X; a ComboBox's
 * chosen value; lines and rectangles in their ItemColor; images (Image
 * from the A to Z folder's SheetImages, stretched to the field; PatImage:
 * the document as shown, fit and centred, as DrawFieldImage does); a
 * signature box's outline. Not drawn: grids, the Special and ScreenChart
 * fields, signatures themselves, drawings (docs/resources.md). A
 * multi-page sheet is cut into pages of the sheet's height. */
#include "engine/openapi-internal.h"
#include "features/docjob-internal.h"
#include "features/imaging-internal.h"
#include "features/pdf-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_FIELDS 5000
#define MAX_PAGES 100
#define IMAGE_DPI_SCALE 1.5   /* images at 150 dpi */

/* SheetFieldType (SheetField.cs) */
enum {
    SF_OUTPUT = 0, SF_INPUT = 1, SF_STATIC = 2, SF_IMAGE = 4, SF_LINE = 6,
    SF_RECT = 7, SF_CHECK = 8, SF_SIG = 9, SF_PATIMAGE = 10, SF_COMBO = 13,
    SF_SIG_PRACTICE = 16
};

struct sfield {
    int type, bold, x, y, w, h, align;
    double size;
    unsigned rgb;
    char *name, *value;
};

struct sheet {
    long long num, patnum;
    int w, h, landscape, multipage;
    double size;
    struct sfield *f;
    int n;
};

static void sheet_clear(struct sheet *s)
{
    int i;
    for (i = 0; i < s->n; i++) {
        free(s->f[i].name);
        free(s->f[i].value);
    }
    free(s->f);
    s->f = NULL;
    s->n = 0;
}

static void sheet_free(void *p)
{
    sheet_clear(p);
    free(p);
}

static double pt(double v)
{
    return v * 0.72;
}

/* ---- reading the sheet ---------------------------------------------------------- */

static int take_field(void *ctx, char **c)
{
    struct sheet *s = ctx;
    struct sfield *f;
    long long argb;
    if (s->n >= MAX_FIELDS)
        return 1;
    f = &s->f[s->n];
    memset(f, 0, sizeof *f);
    f->type = atoi(c[0]);
    f->name = strdup(c[1]);
    f->value = strdup(c[2]);
    if (!f->name || !f->value) {
        free(f->name);
        free(f->value);
        return 1;
    }
    s->n++;
    f->size = atof(c[3]);
    f->bold = atoi(c[4]);
    f->x = atoi(c[5]);
    f->y = atoi(c[6]);
    f->w = atoi(c[7]);
    f->h = atoi(c[8]);
    f->align = atoi(c[9]);
    argb = atoll(c[10]);
    /* ItemColor 0 (never set) draws black, as a new sheet field's does */
    f->rgb = argb == 0 ? 0 : (unsigned)(argb & 0xFFFFFF);
    return 0;
}

static int read_sheet(struct od_conn *c, struct dj *j, struct sheet *s)
{
    struct od_prm p[1] = {OD_PI(s->num)};
    char r[7][OD_COLSZ];
    int k = od_query_row(c, "SELECT PatNum, Width, Height, IsLandscape, "
                            "IsMultiPage, FontSize, IsDeleted FROM sheet "
                            "WHERE SheetNum = ?", p, 1, 7, r);
    if (k <= 0 || atoi(r[6]))
        return k < 0 ? -1 : od_dj_fail(j, 404, "Sheet not found.");
    s->patnum = atoll(r[0]);
    s->w = atoi(r[1]) > 0 ? atoi(r[1]) : 850;
    s->h = atoi(r[2]) > 0 ? atoi(r[2]) : 1100;
    s->landscape = atoi(r[3]);
    s->multipage = atoi(r[4]);
    s->size = atof(r[5]) > 0 ? atof(r[5]) : 8.5;
    sheet_clear(s);
    if (!(s->f = calloc(MAX_FIELDS, sizeof *s->f)))
        return od_dj_fail(j, 500, "Out of memory.");
    return od_query_each(c, "SELECT FieldType, FieldName, FieldValue, "
                            "FontSize, FontIsBold, XPos, YPos, Width, "
                            "Height, TextAlign, ItemColor FROM sheetfield "
                            "WHERE SheetNum = ? ORDER BY SheetFieldNum",
                         p, 1, 11, take_field, s) < 0
               ? -1
               : 0;
}

/* ---- text ---------------------------------------------------------------------- */

/* One wrapped line at (x, y), aligned in width w (HorizontalAlignment:
 * Left 0, Right 1, Center 2). */
static void text_line(struct od_pdf *pdf, const struct sfield *f, double x,
                      double y, double w, double size, const char *s,
                      size_t n)
{
    double tw = od_pdf_text_width(s, n, size, f->bold);
    if (f->align == 1)
        x += w - tw;
    else if (f->align == 2)
        x += (w - tw) / 2;
    od_pdf_text(pdf, x, y, size, f->bold, f->rgb, s, n);
}

/* The longest start of s (up to a line break) that fits width w, broken
 * at a space when one is there. */
static size_t fit(const char *s, size_t n, double w, double size, int bold)
{
    size_t len = 0, space = 0;
    while (len < n && s[len] != '\n') {
        size_t next = len + 1;
        while (next < n && ((unsigned char)s[next] & 0xC0) == 0x80)
            next++;
        if (len && od_pdf_text_width(s, next, size, bold) > w)
            return space ? space : len;
        if (s[len] == ' ')
            space = len;
        len = next;
    }
    return len;
}

static void draw_text(struct od_pdf *pdf, const struct sfield *f,
                      double size, double top)
{
    const char *s = f->value;
    size_t n = strlen(s);
    double x = pt(f->x), y = pt(top), w = pt(f->w);
    double lh = size * 1.15;
    while (n) {
        size_t k = fit(s, n, w > 0 ? w : 1e9, size, f->bold);
        size_t t = k;
        while (t && (s[t - 1] == '\r' || s[t - 1] == ' '))
            t--;
        text_line(pdf, f, x, y, w, size, s, t);
        y += lh;
        s += k;
        n -= k;
        while (n && (*s == ' ' || *s == '\n' || *s == '\r')) {
            if (*s == '\n' && k == 0)
                y += lh; /* an empty line */
            k = 0;
            s++;
            n--;
        }
    }
}

/* ---- images -------------------------------------------------------------------- */

static int image_bytes(struct od_conn *c, struct dj *j,
                       const struct od_store *s, const struct sfield *f,
                       struct od_docview *v, unsigned char **out,
                       size_t *len)
{
    char msg[400];
    int dir, rc;
    long long docnum;
    memset(v, 0, sizeof *v);
    if (s->mode != OD_STORE_ATOZ && s->mode != OD_STORE_DB)
        return -1; /* no image store reached */
    if (f->type == SF_PATIMAGE) {
        if (od_parse_ll(f->value, &docnum) || docnum <= 0)
            return -1; /* blank, or "MountNum:" (not drawn) */
        rc = od_doc_load(c, j, s, docnum, v, out, len);
        j->status = 0;
        return rc;
    }
    if (s->mode != OD_STORE_ATOZ) /* SheetUtil.GetImagePath: A to Z only */
        return -1;
    if ((dir = od_store_sub_dir(s, -1, "SheetImages", 0, msg,
                                sizeof msg)) < 0)
        return -1;
    rc = od_store_read(dir, f->name, od_store_max_file(j->srv->cfg), out,
                       len);
    close(dir);
    return rc;
}

/* DrawFieldImage: a static image stretched to the field; a patient's
 * document as shown, fit and centred. As a JPEG at 150 dpi. */
static void draw_image(struct od_conn *c, struct dj *j,
                       const struct od_store *s, struct od_pdf *pdf,
                       const struct sfield *f, double top)
{
    unsigned char *bytes = NULL, *jpg = NULL;
    size_t n, jn;
    struct od_docview v;
    struct od_image src, canvas;
    int pw = (int)(f->w * IMAGE_DPI_SCALE), ph = (int)(f->h * IMAGE_DPI_SCALE);
    struct od_docdraw dd = {&v, pw, ph};
    int ow, oh;
    char why[160];
    if (pw <= 0 || ph <= 0 || (long)pw * ph > OD_IMG_MAX_CANVAS ||
        image_bytes(c, j, s, f, &v, &bytes, &n))
        goto out;
    if (od_image_decode(bytes, n, od_need_doc, &dd, &src, &ow, &oh, why,
                        sizeof why))
        goto out;
    if (od_image_new(&canvas, pw, ph, 0xFFFFFFFFu) == 0) {
        if (f->type == SF_PATIMAGE)
            od_image_draw_in_rect(&canvas, 0, 0, pw, ph, &src, ow, oh, &v);
        else
            od_image_stretch(&canvas, 0, 0, pw, ph, &src, ow, oh);
        if (od_image_jpeg(&canvas, 85, &jpg, &jn) == 0)
            od_pdf_jpeg(pdf, jpg, jn, pw, ph, pt(f->x), pt(top), pt(f->w),
                        pt(f->h));
        od_image_free(&canvas);
    }
    od_image_free(&src);
out:
    free(bytes);
    free(jpg);
}

/* ---- the sheet ------------------------------------------------------------------ */

static void draw_field(struct od_conn *c, struct dj *j,
                       const struct od_store *st, struct od_pdf *pdf,
                       const struct sheet *s, const struct sfield *f,
                       double top)
{
    double size = f->size > 0 ? f->size : s->size;
    double x = pt(f->x), y = pt(top), w = pt(f->w), h = pt(f->h);
    switch (f->type) {
    case SF_OUTPUT:
    case SF_INPUT:
    case SF_STATIC:
        draw_text(pdf, f, size, top);
        break;
    case SF_CHECK:
        if (!strcasecmp(f->value, "X")) {
            od_pdf_line(pdf, x, y, x + w, y + h, f->rgb);
            od_pdf_line(pdf, x + w, y, x, y + h, f->rgb);
        }
        break;
    case SF_COMBO: { /* "chosen;option|option..." */
        struct sfield one = *f;
        size_t k = strcspn(f->value, ";");
        char *v = strndup(f->value, k);
        if (v) {
            one.value = v;
            draw_text(pdf, &one, size, top);
            free(v);
        }
        break;
    }
    case SF_LINE:
        od_pdf_line(pdf, x, y, x + w, y + h, f->rgb);
        break;
    case SF_RECT:
    case SF_SIG:
    case SF_SIG_PRACTICE:
        od_pdf_rect(pdf, x, y, w, h, f->rgb);
        break;
    case SF_IMAGE:
    case SF_PATIMAGE:
        draw_image(c, j, st, pdf, f, top);
        break;
    default: /* grids, special fields, drawings, parameters */
        break;
    }
}

static int render(struct od_conn *c, struct dj *j, const struct sheet *s,
                  const struct od_store *st, unsigned char **out,
                  size_t *len)
{
    struct od_pdf *pdf = od_pdf_new();
    int pages = 1, i, k, w = s->w, h = s->h, rc;
    if (!pdf)
        return od_dj_fail(j, 500, "Out of memory.");
    if (s->landscape && w < h) {
        w = s->h;
        h = s->w;
    }
    for (i = 0; s->multipage && i < s->n; i++) {
        int bottom = s->f[i].y + (s->f[i].h > 0 ? s->f[i].h : 0);
        if ((bottom + h - 1) / h > pages)
            pages = (bottom + h - 1) / h;
    }
    if (pages > MAX_PAGES)
        pages = MAX_PAGES;
    for (k = 0; k < pages; k++) {
        od_pdf_page(pdf, pt(w), pt(h));
        for (i = 0; i < s->n; i++) {
            const struct sfield *f = &s->f[i];
            /* on this page: it starts above its end and ends below its
             * start (a single-page sheet draws everything) */
            if (pages > 1 && (f->y >= (k + 1) * h || f->y + f->h < k * h))
                continue;
            draw_field(c, j, st, pdf, s, f, f->y - (double)k * h);
        }
    }
    rc = od_pdf_finish(pdf, out, len);
    od_pdf_free(pdf);
    return rc ? od_dj_fail(j, 500, "Out of memory.") : 0;
}

static int work_sheet(struct od_conn *c, struct dj *j)
{
    struct sheet *s = j->data;
    struct od_store st;
    struct od_sftp *x;
    unsigned char *pdf = NULL;
    size_t len = 0;
    char *target = NULL, ext[16];
    int status = 0, rc;
    if (read_sheet(c, j, s))
        return j->status ? OD_WORK_DONE : od_dj_db_failed(c, j);
    if (od_store_open(c, j->srv->cfg, &st, &status, j->msg, sizeof j->msg))
        st.mode = -1; /* no image store: the sheet without its images */
    j->status = 0;
    rc = render(c, j, s, &st, &pdf, &len);
    od_store_close(&st);
    if (rc)
        return c->lost && !j->status ? od_dj_db_failed(c, j) : OD_WORK_DONE;
    if (!(target = od_dj_sftp_target(j, "sheet.pdf"))) {
        free(pdf);
        return od_dj_fail(j, 500, "Out of memory."), OD_WORK_DONE;
    }
    od_file_ext(target, ext, sizeof ext);
    if (strcmp(ext, ".pdf"))
        od_dj_fail(j, 400, "SftpAddress must name a .pdf file.");
    else if (!od_dj_sftp_open(j, &x)) {
        if (od_sftp_write(x, target, pdf, len, j->msg, sizeof j->msg))
            j->status = 400;
        od_sftp_close(x);
    }
    free(pdf);
    if (!j->status) {
        rc = od_tx_begin(c) ? -1 : od_tx_end(c, od_securitylog(
            c, OD_PERM_IMAGE_EXPORT, j->developer, "Downloaded", s->num,
            s->patnum));
        if (rc) {
            free(target);
            return od_dj_db_failed(c, j);
        }
        j->status = 201;
        od_dj_set_location(j, target);
    }
    free(target);
    return OD_WORK_DONE;
}

static void h_sheet(odapi_request *req, void *arg)
{
    struct dj *j = od_dj_new_data(req, work_sheet, sizeof(struct sheet),
                                  sheet_free);
    char msg[300] = "";
    json_t *body;
    (void)arg;
    if (!j || !(body = od_dj_job_body(j, msg, sizeof msg)))
        return;
    od_dj_key_sftp(j, body, "SheetNum", &((struct sheet *)j->data)->num, 1,
                   msg, sizeof msg);
    od_dj_go(j, body, msg);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc sheetfile_docs[] = {
    {"POST", "/sheets/DownloadSftp",
     "Copy a sheet as PDF to an SFTP server.",
     NULL,
     "SheetNum:int!," OD_SFTP_FIELDS,
     NULL,
     .perm = ODAPI_PERM_ALL_OTHERS, .handler = h_sheet},
};

void od_register_sheet_file(odapi_server *srv);
void od_register_sheet_file(odapi_server *srv)
{
    od_api_routes(srv, sheetfile_docs, (int)OD_ARRAY_LEN(sheetfile_docs));
}
