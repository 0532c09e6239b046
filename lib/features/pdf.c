/* pdf.c - the PDF writer of pdf-internal.h. The file is the plainest PDF
 * 1.4: a catalog, a page tree, two standard fonts (Helvetica and
 * Helvetica-Bold, WinAnsiEncoding: every reader has them), one shared
 * resource dictionary, per page a content stream without filters, images
 * as DCTDecode streams (the JPEG bytes as they are), and a cross-reference
 * table. */
#include "features/pdf-internal.h"
#include "engine/resource-internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PAGES 500
#define MAX_IMAGES 500

struct pdf_image {
    unsigned char *data;
    size_t n;
    int w, h;
};

struct pdf_page {
    double w, h;
    struct od_buf content;
};

struct od_pdf {
    struct pdf_page *pages;
    int npages;
    struct pdf_image *images;
    int nimages;
    int oom;
};

/* Helvetica and Helvetica-Bold widths (1/1000 em) of ' ' to '~' (Adobe's
 * core font metrics); other characters count as 556. */
static const unsigned short helv[95] = {
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333,
    278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278,
    584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278,
    500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944,
    667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556,
    278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500,
    278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584};
static const unsigned short helv_bold[95] = {
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333,
    278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333,
    584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278,
    556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944,
    667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556,
    333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556,
    333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584};

struct od_pdf *od_pdf_new(void)
{
    struct od_pdf *p = calloc(1, sizeof *p);
    if (p && (!(p->pages = calloc(MAX_PAGES, sizeof *p->pages)) ||
              !(p->images = calloc(MAX_IMAGES, sizeof *p->images)))) {
        od_pdf_free(p);
        return NULL;
    }
    return p;
}

void od_pdf_free(struct od_pdf *p)
{
    int i;
    if (!p)
        return;
    for (i = 0; p->pages && i < p->npages; i++)
        od_buf_free(&p->pages[i].content);
    for (i = 0; p->images && i < p->nimages; i++)
        free(p->images[i].data);
    free(p->pages);
    free(p->images);
    free(p);
}

int od_pdf_page(struct od_pdf *p, double w, double h)
{
    struct pdf_page *pg;
    if (p->npages >= MAX_PAGES)
        return -1;
    pg = &p->pages[p->npages++];
    pg->w = w;
    pg->h = h;
    od_buf_init(&pg->content);
    return 0;
}

static struct pdf_page *cur(struct od_pdf *p)
{
    return p->npages ? &p->pages[p->npages - 1] : NULL;
}

/* One code point of UTF-8 text as a Windows-1252 byte ('?' if none). */
static unsigned char to_cp1252(const unsigned char **s, const unsigned char *end)
{
    static const unsigned short hi[32] = { /* 0x80-0x9F */
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6,
        0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019,
        0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161,
        0x203A, 0x0153, 0, 0x017E, 0x0178};
    const unsigned char *q = *s;
    unsigned cp, n = 1, i;
    if (q[0] < 0x80) {
        *s = q + 1;
        return q[0];
    }
    if ((q[0] & 0xE0) == 0xC0) n = 2, cp = q[0] & 0x1F;
    else if ((q[0] & 0xF0) == 0xE0) n = 3, cp = q[0] & 0x0F;
    else if ((q[0] & 0xF8) == 0xF0) n = 4, cp = q[0] & 0x07;
    else n = 1, cp = 0xFFFD;
    for (i = 1; i < n; i++) {
        if (q + i >= end || (q[i] & 0xC0) != 0x80) {
            n = i;
            cp = 0xFFFD;
            break;
        }
        cp = (cp << 6) | (q[i] & 0x3F);
    }
    *s = q + n;
    if (cp >= 0xA0 && cp <= 0xFF)
        return (unsigned char)cp;
    for (i = 0; i < 32; i++)
        if (hi[i] && hi[i] == cp)
            return (unsigned char)(0x80 + i);
    return '?';
}

double od_pdf_text_width(const char *s, size_t n, double size, int bold)
{
    const unsigned char *q = (const unsigned char *)s, *end = q + n;
    double w = 0;
    while (q < end) {
        unsigned char c = to_cp1252(&q, end);
        w += c >= 32 && c <= 126 ? (bold ? helv_bold : helv)[c - 32] : 556;
    }
    return w * size / 1000.0;
}

static void color(struct od_buf *b, unsigned rgb, const char *op)
{
    od_buf_printf(b, "%.3f %.3f %.3f %s\n", ((rgb >> 16) & 255) / 255.0,
                  ((rgb >> 8) & 255) / 255.0, (rgb & 255) / 255.0, op);
}

void od_pdf_text(struct od_pdf *p, double x, double y, double size, int bold,
                 unsigned rgb, const char *s, size_t n)
{
    struct pdf_page *pg = cur(p);
    const unsigned char *q = (const unsigned char *)s, *end = q + n;
    if (!pg || !n)
        return;
    color(&pg->content, rgb, "rg");
    /* the baseline below the top by the font's ascent (0.77 em) */
    od_buf_printf(&pg->content, "BT /F%d %.2f Tf %.2f %.2f Td (", bold ? 2 : 1,
                  size, x, pg->h - y - size * 0.77);
    while (q < end) {
        unsigned char c = to_cp1252(&q, end);
        if (c == '(' || c == ')' || c == '\\')
            od_buf_addc(&pg->content, '\\');
        if (c < 32)
            c = ' ';
        if (c >= 0x80)
            od_buf_printf(&pg->content, "\\%03o", c);
        else
            od_buf_addc(&pg->content, (char)c);
    }
    od_buf_adds(&pg->content, ") Tj ET\n");
}

void od_pdf_line(struct od_pdf *p, double x1, double y1, double x2,
                 double y2, unsigned rgb)
{
    struct pdf_page *pg = cur(p);
    if (!pg)
        return;
    color(&pg->content, rgb, "RG");
    od_buf_printf(&pg->content, "0.75 w %.2f %.2f m %.2f %.2f l S\n", x1,
                  pg->h - y1, x2, pg->h - y2);
}

void od_pdf_rect(struct od_pdf *p, double x, double y, double w, double h,
                 unsigned rgb)
{
    struct pdf_page *pg = cur(p);
    if (!pg)
        return;
    color(&pg->content, rgb, "RG");
    od_buf_printf(&pg->content, "0.75 w %.2f %.2f %.2f %.2f re S\n", x,
                  pg->h - y - h, w, h);
}

int od_pdf_jpeg(struct od_pdf *p, const unsigned char *jpeg, size_t n, int w,
                int h, double x, double y, double bw, double bh)
{
    struct pdf_page *pg = cur(p);
    struct pdf_image *im;
    if (!pg || p->nimages >= MAX_IMAGES)
        return -1;
    im = &p->images[p->nimages];
    if (!(im->data = malloc(n)))
        return -1;
    memcpy(im->data, jpeg, n);
    im->n = n;
    im->w = w;
    im->h = h;
    od_buf_printf(&pg->content, "q %.2f 0 0 %.2f %.2f %.2f cm /Im%d Do Q\n",
                  bw, bh, x, pg->h - y - bh, p->nimages);
    p->nimages++;
    return 0;
}

/* ---- the file ------------------------------------------------------------------ */

struct writer {
    struct od_buf b;
    size_t *offs;   /* per object number */
    int nobj;
};

static void obj_begin(struct writer *w, int num)
{
    w->offs[num] = w->b.len;
    od_buf_printf(&w->b, "%d 0 obj\n", num);
}

static void resources(struct writer *w, const struct od_pdf *p, int first_img)
{
    int i;
    obj_begin(w, 5);
    od_buf_adds(&w->b, "<< /Font << /F1 3 0 R /F2 4 0 R >> /XObject << ");
    for (i = 0; i < p->nimages; i++)
        od_buf_printf(&w->b, "/Im%d %d 0 R ", i, first_img + i);
    od_buf_adds(&w->b, ">> >>\nendobj\n");
    for (i = 0; i < p->nimages; i++) {
        const struct pdf_image *im = &p->images[i];
        obj_begin(w, first_img + i);
        od_buf_printf(&w->b, "<< /Type /XObject /Subtype /Image /Width %d "
                             "/Height %d /ColorSpace /DeviceRGB "
                             "/BitsPerComponent 8 /Filter /DCTDecode "
                             "/Length %zu >>\nstream\n", im->w, im->h, im->n);
        od_buf_add(&w->b, (const char *)im->data, im->n);
        od_buf_adds(&w->b, "\nendstream\nendobj\n");
    }
}

int od_pdf_finish(struct od_pdf *p, unsigned char **out, size_t *len)
{
    struct writer w;
    int i, first_img = 6, first_page = 6 + p->nimages;
    size_t xref;
    if (!p->npages && od_pdf_page(p, 612, 792))
        return -1;
    w.nobj = first_page + 2 * p->npages;
    if (!(w.offs = calloc((size_t)w.nobj, sizeof *w.offs)))
        return -1;
    od_buf_init(&w.b);
    od_buf_adds(&w.b, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    obj_begin(&w, 1);
    od_buf_adds(&w.b, "<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    obj_begin(&w, 2);
    od_buf_adds(&w.b, "<< /Type /Pages /Kids [");
    for (i = 0; i < p->npages; i++)
        od_buf_printf(&w.b, " %d 0 R", first_page + 2 * i);
    od_buf_printf(&w.b, " ] /Count %d >>\nendobj\n", p->npages);
    for (i = 0; i < 2; i++) {
        obj_begin(&w, 3 + i);
        od_buf_printf(&w.b, "<< /Type /Font /Subtype /Type1 /BaseFont "
                            "/Helvetica%s /Encoding /WinAnsiEncoding >>\n"
                            "endobj\n", i ? "-Bold" : "");
    }
    resources(&w, p, first_img);
    for (i = 0; i < p->npages; i++) {
        const struct pdf_page *pg = &p->pages[i];
        obj_begin(&w, first_page + 2 * i);
        od_buf_printf(&w.b, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 "
                            "%.2f %.2f] /Resources 5 0 R /Contents %d 0 R "
                            ">>\nendobj\n", pg->w, pg->h,
                      first_page + 2 * i + 1);
        obj_begin(&w, first_page + 2 * i + 1);
        od_buf_printf(&w.b, "<< /Length %zu >>\nstream\n", pg->content.len);
        if (pg->content.len)
            od_buf_add(&w.b, pg->content.p, pg->content.len);
        od_buf_adds(&w.b, "\nendstream\nendobj\n");
    }
    xref = w.b.len;
    od_buf_printf(&w.b, "xref\n0 %d\n0000000000 65535 f \n", w.nobj);
    for (i = 1; i < w.nobj; i++)
        od_buf_printf(&w.b, "%010zu 00000 n \n", w.offs[i]);
    od_buf_printf(&w.b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n"
                        "%zu\n%%%%EOF\n", w.nobj, xref);
    free(w.offs);
    for (i = 0; i < p->npages; i++)
        if (p->pages[i].content.oom)
            w.b.oom = 1;
    if (w.b.oom) {
        od_buf_free(&w.b);
        return -1;
    }
    *out = (unsigned char *)w.b.p;
    *len = w.b.len;
    return 0;
}
