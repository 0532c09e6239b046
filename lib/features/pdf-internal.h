/*
 * pdf-internal.h - a small PDF 1.4 writer for sheets (sheetfile.c): pages
 * of a given size, text in the standard Helvetica fonts (WinAnsi, so
 * nothing is embedded), lines, rectangles and JPEG images. Coordinates are
 * PDF points with the origin at the page's top left (the writer turns
 * them). Everything is kept in memory until od_pdf_finish.
 */
#ifndef OD_PDF_INTERNAL_H
#define OD_PDF_INTERNAL_H

#include <stddef.h>

struct od_pdf;

struct od_pdf *od_pdf_new(void);
void od_pdf_free(struct od_pdf *p);
/* Start a page (the first call starts the first). */
int od_pdf_page(struct od_pdf *p, double w, double h);
/* One line of UTF-8 text, its top at (x, y); characters outside
 * Windows-1252 are written as '?'. rgb: 0xRRGGBB. */
void od_pdf_text(struct od_pdf *p, double x, double y, double size, int bold,
                 unsigned rgb, const char *s, size_t n);
/* The width of n bytes of UTF-8 text (Helvetica's metrics). */
double od_pdf_text_width(const char *s, size_t n, double size, int bold);
void od_pdf_line(struct od_pdf *p, double x1, double y1, double x2,
                 double y2, unsigned rgb);
void od_pdf_rect(struct od_pdf *p, double x, double y, double w, double h,
                 unsigned rgb);
/* A JPEG (w x h pixels, RGB) drawn into the box (x, y, bw, bh); the bytes
 * are copied. 0, or -1 out of memory. */
int od_pdf_jpeg(struct od_pdf *p, const unsigned char *jpeg, size_t n, int w,
                int h, double x, double y, double bw, double bh);
/* The file: *out malloc'd. 0, or -1 out of memory. */
int od_pdf_finish(struct od_pdf *p, unsigned char **out, size_t *len);

#endif /* OD_PDF_INTERNAL_H */
