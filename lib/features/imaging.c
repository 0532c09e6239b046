/* imaging.c - JPEG and PNG in and out (libjpeg-turbo, libpng) and the
 * drawing of documents as Open Dental shows them (see
 * imaging-internal.h). The geometry is ImageHelper.cs's and
 * MountHelper.cs's (Open Dental 24.3): a document is drawn with the
 * transform Translate(centre of the target) . Scale . Translate(-CropX,
 * CropY) . Rotate(DegreesRotated) . Flip . Translate(-w/2, -h/2), which
 * this file inverts to sample the source for every target pixel
 * (bilinear, after a reduction at decode time to about twice the target's
 * resolution, so a large image is never sampled sparsely). */
#include "features/imaging-internal.h"

#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

static void why_set(char *why, size_t len, const char *msg)
{
    if (why && len)
        snprintf(why, len, "%s", msg);
}

int od_image_format(const unsigned char *p, size_t n)
{
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G',
                                             0x0D, 0x0A, 0x1A, 0x0A};
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return OD_IMG_JPEG;
    if (n >= 8 && memcmp(p, png_sig, 8) == 0)
        return OD_IMG_PNG;
    return OD_IMG_UNKNOWN;
}

int od_image_new(struct od_image *im, int w, int h, unsigned rgba)
{
    size_t i, n;
    im->w = im->h = 0;
    im->px = NULL;
    if (w <= 0 || h <= 0 || (long)w * h > OD_IMG_MAX_PIXELS)
        return -1;
    n = (size_t)w * (size_t)h;
    if (!(im->px = malloc(n * 4)))
        return -1;
    im->w = w;
    im->h = h;
    for (i = 0; i < n; i++) {
        im->px[i * 4] = (unsigned char)(rgba >> 24);
        im->px[i * 4 + 1] = (unsigned char)(rgba >> 16);
        im->px[i * 4 + 2] = (unsigned char)(rgba >> 8);
        im->px[i * 4 + 3] = (unsigned char)rgba;
    }
    return 0;
}

void od_image_free(struct od_image *im)
{
    free(im->px);
    im->px = NULL;
    im->w = im->h = 0;
}

unsigned od_argb_to_rgba(long long argb)
{
    unsigned v = (unsigned)(argb & 0xFFFFFFFFu);
    return (v << 8) | (v >> 24);
}

/* ---- reducing rows as they are decoded ------------------------------------------ */

/* A box filter by a whole factor r over RGBA rows: one band of r rows is
 * summed, then written as one output row. */
struct reducer {
    int in_w, r, out_w, out_h, band, y_out;
    uint32_t *acc;
    struct od_image *out;
};

static int reducer_init(struct reducer *rd, int in_w, int in_h, int r,
                        struct od_image *out)
{
    memset(rd, 0, sizeof *rd);
    rd->in_w = in_w;
    rd->r = r < 1 ? 1 : r;
    rd->out_w = (in_w + rd->r - 1) / rd->r;
    rd->out_h = (in_h + rd->r - 1) / rd->r;
    rd->out = out;
    if (od_image_new(out, rd->out_w, rd->out_h, 0))
        return -1;
    if (!(rd->acc = calloc((size_t)rd->out_w * 5, sizeof *rd->acc))) {
        od_image_free(out);
        return -1;
    }
    return 0;
}

static void reducer_flush(struct reducer *rd)
{
    int x;
    unsigned char *o;
    if (!rd->band || rd->y_out >= rd->out_h)
        return;
    o = rd->out->px + (size_t)rd->y_out * rd->out_w * 4;
    for (x = 0; x < rd->out_w; x++) {
        uint32_t *a = rd->acc + (size_t)x * 5;
        uint32_t n = a[4] ? a[4] : 1;
        o[x * 4] = (unsigned char)(a[0] / n);
        o[x * 4 + 1] = (unsigned char)(a[1] / n);
        o[x * 4 + 2] = (unsigned char)(a[2] / n);
        o[x * 4 + 3] = (unsigned char)(a[3] / n);
    }
    memset(rd->acc, 0, (size_t)rd->out_w * 5 * sizeof *rd->acc);
    rd->band = 0;
    rd->y_out++;
}

static void reducer_row(struct reducer *rd, const unsigned char *row)
{
    int x;
    for (x = 0; x < rd->in_w; x++) {
        uint32_t *a = rd->acc + (size_t)(x / rd->r) * 5;
        a[0] += row[x * 4];
        a[1] += row[x * 4 + 1];
        a[2] += row[x * 4 + 2];
        a[3] += row[x * 4 + 3];
        a[4]++;
    }
    if (++rd->band == rd->r)
        reducer_flush(rd);
}

static void reducer_done(struct reducer *rd)
{
    reducer_flush(rd);
    free(rd->acc);
    rd->acc = NULL;
}

/* What part of the original resolution to keep: twice what the drawing
 * needs (so it is never sampled sparsely), at most all of it. */
static double keep_ratio(od_need_fn need, void *arg, int w, int h)
{
    double r = need ? 2.0 * need(w, h, arg) : 1.0;
    return r > 1.0 || !(r > 0.0) ? 1.0 : r;
}

/* The whole factor for the box filter after a reduction by denom. */
static int reduce_factor(double keep, int denom)
{
    double r = 1.0 / (keep * denom);
    return r < 1.0 ? 1 : r > 4096 ? 4096 : (int)r;
}

/* ---- JPEG ---------------------------------------------------------------------- */

struct jerr {
    struct jpeg_error_mgr pub;
    jmp_buf jb;
    char msg[JMSG_LENGTH_MAX];
};

static void jerr_exit(j_common_ptr c)
{
    struct jerr *e = (struct jerr *)c->err;
    (*c->err->format_message)(c, e->msg);
    longjmp(e->jb, 1);
}

static void jerr_emit(j_common_ptr c, int level)
{
    (void)c;
    (void)level; /* warnings (a truncated file) are not fatal */
}

/* One decoded row as RGBA (CMYK as Adobe writes it: inverted). */
static void jpeg_to_rgba(const unsigned char *in, unsigned char *out, int w,
                         int comps, int cmyk)
{
    int x;
    for (x = 0; x < w; x++) {
        const unsigned char *s = in + (size_t)x * comps;
        unsigned char *d = out + (size_t)x * 4;
        if (cmyk) {
            d[0] = (unsigned char)(s[0] * s[3] / 255);
            d[1] = (unsigned char)(s[1] * s[3] / 255);
            d[2] = (unsigned char)(s[2] * s[3] / 255);
        } else if (comps == 1) {
            d[0] = d[1] = d[2] = s[0];
        } else {
            d[0] = s[0];
            d[1] = s[1];
            d[2] = s[2];
        }
        d[3] = 255;
    }
}

static int jpeg_pick_denom(double keep)
{
    int d;
    for (d = 8; d > 1; d /= 2)
        if (1.0 / d >= keep)
            return d;
    return 1;
}

static int jpeg_decode(const unsigned char *p, size_t n, od_need_fn need,
                       void *arg, struct od_image *out, int *ow, int *oh,
                       char *why, size_t whylen)
{
    struct jpeg_decompress_struct ci;
    struct jerr je;
    struct reducer rd;
    unsigned char *volatile row = NULL, *volatile rgba = NULL;
    volatile int have_rd = 0;
    int cmyk, denom;
    double keep;

    memset(&rd, 0, sizeof rd);
    ci.err = jpeg_std_error(&je.pub);
    je.pub.error_exit = jerr_exit;
    je.pub.emit_message = jerr_emit;
    if (setjmp(je.jb)) {
        why_set(why, whylen, je.msg);
        jpeg_destroy_decompress(&ci);
        free(row);
        free(rgba);
        if (have_rd) {
            free(rd.acc);
            od_image_free(out);
        }
        return -1;
    }
    jpeg_create_decompress(&ci);
    jpeg_mem_src(&ci, p, (unsigned long)n);
    jpeg_read_header(&ci, TRUE);
    *ow = (int)ci.image_width;
    *oh = (int)ci.image_height;
    if ((long)ci.image_width * ci.image_height >
        (ci.progressive_mode ? OD_IMG_MAX_BUFFERED : OD_IMG_MAX_PIXELS)) {
        snprintf(je.msg, sizeof je.msg, "the image is too large (%ux%u)",
                 ci.image_width, ci.image_height);
        longjmp(je.jb, 1);
    }
    cmyk = ci.jpeg_color_space == JCS_CMYK || ci.jpeg_color_space == JCS_YCCK;
    ci.out_color_space = cmyk ? JCS_CMYK
                         : ci.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    keep = keep_ratio(need, arg, *ow, *oh);
    denom = jpeg_pick_denom(keep);
    ci.scale_num = 1;
    ci.scale_denom = (unsigned)denom;
    jpeg_start_decompress(&ci);
    if (reducer_init(&rd, (int)ci.output_width, (int)ci.output_height,
                     reduce_factor(keep, denom), out)) {
        snprintf(je.msg, sizeof je.msg, "out of memory");
        longjmp(je.jb, 1);
    }
    have_rd = 1;
    row = malloc((size_t)ci.output_width * ci.output_components);
    rgba = malloc((size_t)ci.output_width * 4);
    if (!row || !rgba) {
        snprintf(je.msg, sizeof je.msg, "out of memory");
        longjmp(je.jb, 1);
    }
    while (ci.output_scanline < ci.output_height) {
        JSAMPROW rp = row;
        jpeg_read_scanlines(&ci, &rp, 1);
        jpeg_to_rgba(row, rgba, (int)ci.output_width, ci.output_components,
                     cmyk);
        reducer_row(&rd, rgba);
    }
    jpeg_finish_decompress(&ci);
    jpeg_destroy_decompress(&ci);
    reducer_done(&rd);
    free(row);
    free(rgba);
    return 0;
}

/* ---- PNG ----------------------------------------------------------------------- */

struct pngsrc {
    const unsigned char *p;
    size_t n, off;
    jmp_buf jb;
    char msg[160];
};

static void png_err(png_structp png, png_const_charp msg)
{
    struct pngsrc *s = png_get_error_ptr(png);
    snprintf(s->msg, sizeof s->msg, "%s", msg);
    longjmp(s->jb, 1);
}

static void png_warn(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static void png_read_mem(png_structp png, png_bytep out, size_t len)
{
    struct pngsrc *s = png_get_io_ptr(png);
    if (len > s->n - s->off)
        png_error(png, "the PNG file is truncated");
    memcpy(out, s->p + s->off, len);
    s->off += len;
}

/* Expand every PNG colour type to RGBA, 8 bits. */
static void png_to_rgba(png_structp png, png_infop info)
{
    int ct = png_get_color_type(png, info);
    if (png_get_bit_depth(png, info) == 16)
        png_set_strip_16(png);
    if (ct == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (ct == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS))
        png_set_tRNS_to_alpha(png);
    if (ct == PNG_COLOR_TYPE_GRAY || ct == PNG_COLOR_TYPE_GRAY_ALPHA)
        png_set_gray_to_rgb(png);
    if (!(ct & PNG_COLOR_MASK_ALPHA) &&
        !png_get_valid(png, info, PNG_INFO_tRNS))
        png_set_add_alpha(png, 0xFF, PNG_FILLER_AFTER);
}

static int png_decode(const unsigned char *p, size_t n, od_need_fn need,
                      void *arg, struct od_image *out, int *ow, int *oh,
                      char *why, size_t whylen)
{
    struct pngsrc src;
    png_structp png;
    png_infop info = NULL;
    struct reducer rd;
    unsigned char *volatile whole = NULL;
    png_bytep *volatile rows = NULL;
    volatile int have_rd = 0;
    int passes, y;
    png_uint_32 w, h;

    memset(&src, 0, sizeof src);
    memset(&rd, 0, sizeof rd);
    src.p = p;
    src.n = n;
    png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, png_err,
                                 png_warn);
    if (!png || !(info = png_create_info_struct(png))) {
        png_destroy_read_struct(&png, NULL, NULL);
        why_set(why, whylen, "out of memory");
        return -1;
    }
    if (setjmp(src.jb)) {
        why_set(why, whylen, src.msg);
        png_destroy_read_struct(&png, &info, NULL);
        free(whole);
        free(rows);
        if (have_rd) {
            free(rd.acc);
            od_image_free(out);
        }
        return -1;
    }
    png_set_user_limits(png, 100000, 100000);
    png_set_chunk_malloc_max(png, 8L * 1024 * 1024);
    png_set_read_fn(png, &src, png_read_mem);
    png_read_info(png, info);
    w = png_get_image_width(png, info);
    h = png_get_image_height(png, info);
    *ow = (int)w;
    *oh = (int)h;
    passes = png_get_interlace_type(png, info) != PNG_INTERLACE_NONE;
    if ((long)w * h > (passes ? OD_IMG_MAX_BUFFERED : OD_IMG_MAX_PIXELS))
        png_error(png, "the image is too large");
    png_to_rgba(png, info);
    passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)w * 4)
        png_error(png, "unexpected PNG row layout");
    if (reducer_init(&rd, (int)w, (int)h,
                     reduce_factor(keep_ratio(need, arg, (int)w, (int)h), 1),
                     out))
        png_error(png, "out of memory");
    have_rd = 1;
    if (passes > 1) { /* interlaced: the whole image, then reduced */
        whole = malloc((size_t)w * h * 4);
        rows = malloc(sizeof *rows * h);
        if (!whole || !rows)
            png_error(png, "out of memory");
        for (y = 0; y < (int)h; y++)
            rows[y] = whole + (size_t)y * w * 4;
        png_read_image(png, rows);
        for (y = 0; y < (int)h; y++)
            reducer_row(&rd, rows[y]);
    } else {
        if (!(whole = malloc((size_t)w * 4)))
            png_error(png, "out of memory");
        for (y = 0; y < (int)h; y++) {
            png_read_row(png, whole, NULL);
            reducer_row(&rd, whole);
        }
    }
    png_destroy_read_struct(&png, &info, NULL);
    reducer_done(&rd);
    free(whole);
    free(rows);
    return 0;
}

int od_image_decode(const unsigned char *p, size_t n, od_need_fn need,
                    void *arg, struct od_image *out, int *orig_w,
                    int *orig_h, char *why, size_t whylen)
{
    int ow = 0, oh = 0, rc;
    memset(out, 0, sizeof *out);
    switch (od_image_format(p, n)) {
    case OD_IMG_JPEG:
        rc = jpeg_decode(p, n, need, arg, out, &ow, &oh, why, whylen);
        break;
    case OD_IMG_PNG:
        rc = png_decode(p, n, need, arg, out, &ow, &oh, why, whylen);
        break;
    default:
        why_set(why, whylen, "not a JPEG or PNG image");
        return -1;
    }
    if (orig_w)
        *orig_w = ow;
    if (orig_h)
        *orig_h = oh;
    return rc;
}

/* ---- EXIF orientation ----------------------------------------------------------- */

static unsigned rd16(const unsigned char *p, int le)
{
    return le ? (unsigned)p[0] | (unsigned)p[1] << 8
              : (unsigned)p[0] << 8 | p[1];
}

static unsigned long rd32(const unsigned char *p, int le)
{
    return le ? (unsigned long)p[0] | (unsigned long)p[1] << 8 |
                    (unsigned long)p[2] << 16 | (unsigned long)p[3] << 24
              : (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
                    (unsigned long)p[2] << 8 | p[3];
}

/* Tag 0x0112 of IFD0 in a TIFF block (the EXIF APP1 payload after
 * "Exif\0\0"). */
static int tiff_orientation(const unsigned char *t, size_t n)
{
    unsigned long ifd;
    unsigned cnt, i;
    int le;
    if (n < 8 || (memcmp(t, "II", 2) && memcmp(t, "MM", 2)))
        return 1;
    le = t[0] == 'I';
    ifd = rd32(t + 4, le);
    if (ifd > n - 2)
        return 1;
    cnt = rd16(t + ifd, le);
    for (i = 0; i < cnt && ifd + 2 + (i + 1) * 12UL <= n; i++) {
        const unsigned char *e = t + ifd + 2 + i * 12UL;
        if (rd16(e, le) == 0x0112 && rd16(e + 2, le) == 3) {
            unsigned v = rd16(e + 8, le);
            return v >= 1 && v <= 8 ? (int)v : 1;
        }
    }
    return 1;
}

int od_jpeg_exif_orientation(const unsigned char *p, size_t n)
{
    size_t off = 2;
    if (od_image_format(p, n) != OD_IMG_JPEG)
        return 1;
    /* the markers before the image data, each FF xx + 2-byte length */
    while (off + 4 <= n && p[off] == 0xFF) {
        unsigned m = p[off + 1];
        size_t len = (size_t)p[off + 2] << 8 | p[off + 3];
        if (m == 0xDA || m == 0xD9 || len < 2 || off + 2 + len > n)
            break;
        if (m == 0xE1 && len >= 8 && memcmp(p + off + 4, "Exif\0\0", 6) == 0)
            return tiff_orientation(p + off + 10, len - 8);
        off += 2 + len;
    }
    return 1;
}

/* ---- drawing ------------------------------------------------------------------- */

/* x' = a x + b y + e, y' = c x + d y + f */
struct aff {
    double a, b, c, d, e, f;
};

static struct aff aff_mul(struct aff m, struct aff n) /* m after n */
{
    struct aff r;
    r.a = m.a * n.a + m.b * n.c;
    r.b = m.a * n.b + m.b * n.d;
    r.c = m.c * n.a + m.d * n.c;
    r.d = m.c * n.b + m.d * n.d;
    r.e = m.a * n.e + m.b * n.f + m.e;
    r.f = m.c * n.e + m.d * n.f + m.f;
    return r;
}

static struct aff aff_move(double x, double y)
{
    struct aff r = {1, 0, 0, 1, x, y};
    return r;
}

static struct aff aff_scale(double s)
{
    struct aff r = {s, 0, 0, s, 0, 0};
    return r;
}

/* GDI+'s RotateTransform: clockwise on screen (y grows downwards). */
static struct aff aff_rotate(double deg)
{
    double t = deg * M_PI / 180.0, c = cos(t), s = sin(t);
    struct aff r = {c, -s, s, c, 0, 0};
    /* exact quarter turns: no rounding noise at the edges */
    if (fmod(deg, 90.0) == 0.0) {
        r.a = r.d = round(c);
        r.b = -round(s);
        r.c = round(s);
    }
    return r;
}

static int aff_invert(struct aff m, struct aff *out)
{
    double det = m.a * m.d - m.b * m.c;
    if (fabs(det) < 1e-12)
        return -1;
    out->a = m.d / det;
    out->b = -m.b / det;
    out->c = -m.c / det;
    out->d = m.a / det;
    out->e = -(out->a * m.e + out->b * m.f);
    out->f = -(out->c * m.e + out->d * m.f);
    return 0;
}

/* Image coordinates (of the original size) to the centre of the crop
 * area: Translate(-CropX, CropY) . Rotate . Flip . Translate(-w/2, -h/2). */
static struct aff doc_transform(const struct od_docview *v, int w, int h)
{
    struct aff m = aff_move(-v->crop_x, v->crop_y);
    struct aff flip = {-1, 0, 0, 1, 0, 0};
    m = aff_mul(m, aff_rotate(v->degrees));
    if (v->flipped)
        m = aff_mul(m, flip);
    return aff_mul(m, aff_move(-w / 2.0, -h / 2.0));
}

void od_calc_size_fit(int w, int h, double degrees, int cw, int ch, int *ow,
                      int *oh)
{
    struct aff r = aff_rotate(degrees);
    double ulx = r.a * (-w / 2.0) + r.b * (-h / 2.0);
    double uly = r.c * (-w / 2.0) + r.d * (-h / 2.0);
    double llx = r.a * (-w / 2.0) + r.b * (h / 2.0);
    double lly = r.c * (-w / 2.0) + r.d * (h / 2.0);
    double wr = fmax(fabs(ulx) * 2, fabs(llx) * 2);
    double hr = fmax(fabs(uly) * 2, fabs(lly) * 2);
    if (cw > 0 && ch > 0 && hr > 0) {
        double ri = wr / hr, rt = (double)cw / ch;
        if (rt > ri) {
            *ow = (int)lround(hr * rt);
            *oh = (int)lround(hr);
        } else {
            *ow = (int)lround(wr);
            *oh = (int)lround(wr / rt);
        }
        return;
    }
    *ow = (int)lround(wr);
    *oh = (int)lround(hr);
}

/* Windowing (ImageHelper.ApplyDocumentSettingsToImage's colour function),
 * on the colour channels. */
static unsigned char window(unsigned char v, int lo, int hi)
{
    if (hi == 0 || (hi == 255 && lo == 0) || hi <= lo)
        return v;
    if (v <= lo)
        return 0;
    if (v >= hi)
        return 255;
    return (unsigned char)lround(255.0 * (v - lo) / (hi - lo));
}

/* Bilinear sample of src at (x, y) in its pixel space (centres at .5);
 * 0 when outside. */
static int sample(const struct od_image *src, double x, double y,
                  unsigned char out[4])
{
    double fx = x - 0.5, fy = y - 0.5, wx, wy;
    int x0, y0, x1, y1, k;
    if (x < 0 || y < 0 || x >= src->w || y >= src->h)
        return 0;
    x0 = (int)floor(fx);
    y0 = (int)floor(fy);
    wx = fx - x0;
    wy = fy - y0;
    x1 = x0 + 1;
    y1 = y0 + 1;
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 >= src->w) x1 = src->w - 1;
    if (y1 >= src->h) y1 = src->h - 1;
    for (k = 0; k < 4; k++) {
        const unsigned char *p = src->px;
        double top = p[((size_t)y0 * src->w + x0) * 4 + k] * (1 - wx) +
                     p[((size_t)y0 * src->w + x1) * 4 + k] * wx;
        double bot = p[((size_t)y1 * src->w + x0) * 4 + k] * (1 - wx) +
                     p[((size_t)y1 * src->w + x1) * 4 + k] * wx;
        out[k] = (unsigned char)lround(top * (1 - wy) + bot * wy);
    }
    return 1;
}

static void blend(unsigned char *d, const unsigned char s[4])
{
    unsigned a = s[3], k;
    if (a == 255) {
        memcpy(d, s, 4);
        return;
    }
    for (k = 0; k < 3; k++)
        d[k] = (unsigned char)((s[k] * a + d[k] * (255 - a)) / 255);
    d[3] = (unsigned char)(a + d[3] * (255 - a) / 255);
}

/* Draw src through fwd (original image coordinates to dst pixels),
 * clipped to the rectangle (cx, cy, cw, ch) of dst. */
static void draw(struct od_image *dst, int cx, int cy, int cw, int ch,
                 const struct od_image *src, int orig_w, int orig_h,
                 struct aff fwd, const struct od_docview *v)
{
    struct aff inv;
    double sx = (double)src->w / orig_w, sy = (double)src->h / orig_h;
    int x, y, x1 = cx + cw, y1 = cy + ch;
    if (aff_invert(fwd, &inv))
        return;
    if (cx < 0) cx = 0;
    if (cy < 0) cy = 0;
    if (x1 > dst->w) x1 = dst->w;
    if (y1 > dst->h) y1 = dst->h;
    for (y = cy; y < y1; y++)
        for (x = cx; x < x1; x++) {
            double px = x + 0.5, py = y + 0.5;
            double u = inv.a * px + inv.b * py + inv.e;
            double w = inv.c * px + inv.d * py + inv.f;
            unsigned char s[4];
            int k;
            if (!sample(src, u * sx, w * sy, s))
                continue;
            for (k = 0; k < 3; k++)
                s[k] = window(s[k], v->win_min, v->win_max);
            blend(dst->px + ((size_t)y * dst->w + x) * 4, s);
        }
}

int od_image_thumbnail(const struct od_image *src, int orig_w, int orig_h,
                       const struct od_docview *v, int size,
                       struct od_image *out)
{
    int fw, fh;
    double ratio;
    struct aff full, sq;
    if (v->crop_w > 0 && v->crop_h > 0) {
        fw = v->crop_w;
        fh = v->crop_h;
    } else {
        od_calc_size_fit(orig_w, orig_h, v->degrees, 0, 0, &fw, &fh);
    }
    if (fw <= 0 || fh <= 0 || od_image_new(out, size, size, 0))
        return -1;
    /* ApplyDocumentSettingsToImage: the shown image, fw x fh ... */
    full = aff_mul(aff_move(fw / 2, fh / 2),
                   doc_transform(v, orig_w, orig_h));
    /* ... then GetBitmapSquare: fit into size x size, centred */
    if (fh > fw) {
        ratio = (double)size / fh;
        sq = aff_mul(aff_move((size - fw * ratio) / 2.0, 0),
                     aff_scale(ratio));
    } else {
        ratio = (double)size / fw;
        sq = aff_mul(aff_move(0, (size - fh * ratio) / 2.0),
                     aff_scale(ratio));
    }
    {
        /* the shown image's bounds, in thumbnail pixels */
        double x0 = sq.e, y0 = sq.f;
        int cx = (int)floor(x0), cy = (int)floor(y0);
        int cw = (int)ceil(x0 + fw * ratio) - cx;
        int ch = (int)ceil(y0 + fh * ratio) - cy;
        draw(out, cx, cy, cw, ch, src, orig_w, orig_h, aff_mul(sq, full), v);
    }
    return 0;
}

void od_image_draw_in_rect(struct od_image *dst, int x, int y, int w, int h,
                           const struct od_image *src, int orig_w,
                           int orig_h, const struct od_docview *v)
{
    double scale;
    struct aff m;
    if (w <= 0 || h <= 0)
        return;
    if (v->crop_w > 0 && v->crop_h > 0) {
        scale = (double)w / v->crop_w;
    } else {
        int sw, sh;
        od_calc_size_fit(orig_w, orig_h, v->degrees, w, h, &sw, &sh);
        if (sw <= 0)
            return;
        scale = (double)w / sw;
    }
    m = aff_mul(aff_move(x + w / 2.0, y + h / 2.0), aff_scale(scale));
    draw(dst, x, y, w, h, src, orig_w, orig_h,
         aff_mul(m, doc_transform(v, orig_w, orig_h)), v);
}

void od_image_fill(struct od_image *dst, int x, int y, int w, int h,
                   unsigned rgba)
{
    int i, j;
    unsigned char c[4] = {(unsigned char)(rgba >> 24),
                          (unsigned char)(rgba >> 16),
                          (unsigned char)(rgba >> 8), (unsigned char)rgba};
    for (j = y < 0 ? 0 : y; j < y + h && j < dst->h; j++)
        for (i = x < 0 ? 0 : x; i < x + w && i < dst->w; i++)
            blend(dst->px + ((size_t)j * dst->w + i) * 4, c);
}

void od_image_outline(struct od_image *dst, int x, int y, int w, int h,
                      unsigned rgba)
{
    /* GDI's DrawRectangle(x, y, w, h) covers x..x+w and y..y+h */
    od_image_fill(dst, x, y, w + 1, 1, rgba);
    od_image_fill(dst, x, y + h, w + 1, 1, rgba);
    od_image_fill(dst, x, y, 1, h + 1, rgba);
    od_image_fill(dst, x + w, y, 1, h + 1, rgba);
}

/* ---- encoding ------------------------------------------------------------------ */

struct membuf {
    unsigned char *p;
    size_t len, cap;
    int oom;
};

static void png_write_mem(png_structp png, png_bytep data, size_t len)
{
    struct membuf *b = png_get_io_ptr(png);
    if (b->oom)
        return;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        unsigned char *q;
        while (cap < b->len + len)
            cap *= 2;
        if (!(q = realloc(b->p, cap))) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, len);
    b->len += len;
}

static void png_flush_mem(png_structp png)
{
    (void)png;
}

int od_image_png(const struct od_image *im, unsigned char **out, size_t *len)
{
    struct pngsrc err; /* its jmp_buf and message */
    struct membuf b;
    png_structp png;
    png_infop info = NULL;
    int y;
    memset(&b, 0, sizeof b);
    memset(&err, 0, sizeof err);
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &err, png_err,
                                  png_warn);
    if (!png || !(info = png_create_info_struct(png))) {
        png_destroy_write_struct(&png, NULL);
        return -1;
    }
    if (setjmp(err.jb)) {
        png_destroy_write_struct(&png, &info);
        free(b.p);
        return -1;
    }
    png_set_write_fn(png, &b, png_write_mem, png_flush_mem);
    png_set_IHDR(png, info, (png_uint_32)im->w, (png_uint_32)im->h, 8,
                 PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (y = 0; y < im->h; y++)
        png_write_row(png, im->px + (size_t)y * im->w * 4);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    if (b.oom) {
        free(b.p);
        return -1;
    }
    *out = b.p;
    *len = b.len;
    return 0;
}

int od_image_jpeg(const struct od_image *im, int quality,
                  unsigned char **out, size_t *len)
{
    struct jpeg_compress_struct ci;
    struct jerr je;
    unsigned char *volatile row = NULL;
    unsigned char *mem = NULL;
    unsigned long memlen = 0;
    int x;

    ci.err = jpeg_std_error(&je.pub);
    je.pub.error_exit = jerr_exit;
    je.pub.emit_message = jerr_emit;
    if (setjmp(je.jb)) {
        jpeg_destroy_compress(&ci);
        free(row);
        free(mem);
        return -1;
    }
    jpeg_create_compress(&ci);
    jpeg_mem_dest(&ci, &mem, &memlen);
    ci.image_width = (JDIMENSION)im->w;
    ci.image_height = (JDIMENSION)im->h;
    ci.input_components = 3;
    ci.in_color_space = JCS_RGB;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, quality, TRUE);
    jpeg_start_compress(&ci, TRUE);
    if (!(row = malloc((size_t)im->w * 3))) {
        snprintf(je.msg, sizeof je.msg, "out of memory");
        longjmp(je.jb, 1);
    }
    while (ci.next_scanline < ci.image_height) {
        const unsigned char *s = im->px + (size_t)ci.next_scanline * im->w * 4;
        JSAMPROW rp = row;
        /* over white where the canvas is not opaque */
        for (x = 0; x < im->w; x++) {
            unsigned a = s[x * 4 + 3];
            row[x * 3] = (unsigned char)((s[x * 4] * a + 255 * (255 - a)) / 255);
            row[x * 3 + 1] =
                (unsigned char)((s[x * 4 + 1] * a + 255 * (255 - a)) / 255);
            row[x * 3 + 2] =
                (unsigned char)((s[x * 4 + 2] * a + 255 * (255 - a)) / 255);
        }
        jpeg_write_scanlines(&ci, &rp, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    free(row);
    *out = mem;
    *len = memlen;
    return 0;
}

double od_need_doc(int w, int h, void *arg)
{
    const struct od_docdraw *d = arg;
    int fw, fh;
    double a, b;
    if (d->v->crop_w > 0 && d->v->crop_h > 0) {
        fw = d->v->crop_w;
        fh = d->v->crop_h;
    } else {
        od_calc_size_fit(w, h, d->v->degrees, 0, 0, &fw, &fh);
    }
    if (fw <= 0 || fh <= 0)
        return 1.0;
    a = (double)d->w / fw;
    b = (double)d->h / fh;
    return a > b ? a : b;
}

void od_image_stretch(struct od_image *dst, int x, int y, int w, int h,
                      const struct od_image *src, int orig_w, int orig_h)
{
    struct od_docview none;
    struct aff m;
    memset(&none, 0, sizeof none);
    if (w <= 0 || h <= 0 || orig_w <= 0 || orig_h <= 0)
        return;
    m.a = (double)w / orig_w;
    m.b = m.c = 0;
    m.d = (double)h / orig_h;
    m.e = x;
    m.f = y;
    draw(dst, x, y, w, h, src, orig_w, orig_h, m, &none);
}
