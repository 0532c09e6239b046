/*
 * imaging-internal.h - images for the documents routes: JPEG and PNG read
 * and written with libjpeg(-turbo) and libpng, and drawn the way Open
 * Dental 24.3 draws them (ImageHelper.cs: crop, rotation, flip and
 * windowing of a document, GetBitmapSquare for thumbnails; MountHelper.cs
 * for a mount's composite image).
 *
 * Memory is bounded: an image is decoded already reduced towards the size
 * it is drawn at (libjpeg's DCT scaling, a box filter over PNG rows), and
 * images larger than OD_IMG_MAX_PIXELS (OD_IMG_MAX_BUFFERED when the
 * format needs the whole image in memory: progressive JPEG, interlaced
 * PNG) are refused.
 */
#ifndef OD_IMAGING_INTERNAL_H
#define OD_IMAGING_INTERNAL_H

#include <stddef.h>

#define OD_IMG_MAX_PIXELS (100L * 1000 * 1000)
#define OD_IMG_MAX_BUFFERED (24L * 1000 * 1000)
#define OD_IMG_MAX_CANVAS (40L * 1000 * 1000) /* a mount's composite */

/* RGBA, 8 bits a channel, rows of w * 4 bytes. */
struct od_image {
    int w, h;
    unsigned char *px;
};

enum od_img_format { OD_IMG_UNKNOWN = 0, OD_IMG_JPEG, OD_IMG_PNG };

/* What the bytes are (by their signature). */
int od_image_format(const unsigned char *p, size_t n);

/* What part of an image's resolution (w x h) a drawing needs: 0.1 when
 * it is drawn at a tenth of its size. */
typedef double (*od_need_fn)(int w, int h, void *arg);

/* Decode p (JPEG or PNG), reduced to about twice the resolution need says
 * (NULL: full size) by libjpeg's scaling and a box filter. *orig_w and
 * *orig_h get the image's own size. 0, or -1 with a reason (not JPEG or
 * PNG, damaged, too large). */
int od_image_decode(const unsigned char *p, size_t n, od_need_fn need,
                    void *arg, struct od_image *out, int *orig_w,
                    int *orig_h, char *why, size_t whylen);
/* The need of od_image_thumbnail and od_image_draw_in_rect (arg: the
 * struct od_docdraw below). */
struct od_docview;
struct od_docdraw {
    const struct od_docview *v;
    int w, h;          /* the target: thumbnail size, or the rectangle */
};
double od_need_doc(int w, int h, void *arg);
int od_image_new(struct od_image *im, int w, int h, unsigned rgba);
void od_image_free(struct od_image *im);

/* The EXIF orientation of a JPEG (1..8; 1 when none): Import sets
 * DegreesRotated from it (6: 90, 3: 180, 8: 270). */
int od_jpeg_exif_orientation(const unsigned char *p, size_t n);

/* How a document is shown (document.CropX to IsFlipped, WindowingMin and Max). */
struct od_docview {
    int crop_x, crop_y, crop_w, crop_h;
    double degrees;
    int flipped;
    int win_min, win_max;
};

/* ImageHelper.CalcSizeFit: the box around a w x h image rotated by
 * degrees, widened to the proportion of cw x ch when cw > 0. */
void od_calc_size_fit(int w, int h, double degrees, int cw, int ch,
                      int *ow, int *oh);

/* Documents.GetThumbnail: the document as shown (crop, rotation, flip,
 * windowing), fit into size x size, centred, the rest transparent. src
 * was decoded from an image of orig_w x orig_h. */
int od_image_thumbnail(const struct od_image *src, int orig_w, int orig_h,
                       const struct od_docview *v, int size,
                       struct od_image *out);

/* MountHelper.DrawMountOne: draw the document into the rectangle
 * (x, y, w, h) of dst, clipped to it. */
void od_image_draw_in_rect(struct od_image *dst, int x, int y, int w, int h,
                           const struct od_image *src, int orig_w,
                           int orig_h, const struct od_docview *v);
/* Draw src stretched to the rectangle (a sheet's static image). */
void od_image_stretch(struct od_image *dst, int x, int y, int w, int h,
                      const struct od_image *src, int orig_w, int orig_h);
/* Fill a rectangle, and draw its 1-pixel outline. */
void od_image_fill(struct od_image *dst, int x, int y, int w, int h,
                   unsigned rgba);
void od_image_outline(struct od_image *dst, int x, int y, int w, int h,
                      unsigned rgba);

/* Encode: *out is malloc'd. 0, or -1. */
int od_image_png(const struct od_image *im, unsigned char **out,
                 size_t *len);
int od_image_jpeg(const struct od_image *im, int quality,
                  unsigned char **out, size_t *len);

/* An ARGB int of Open Dental's (Color.ToArgb) as RGBA for od_image_*. */
unsigned od_argb_to_rgba(long long argb);

#endif /* OD_IMAGING_INTERNAL_H */
