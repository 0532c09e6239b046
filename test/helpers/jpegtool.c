/* jpegtool - JPEG files for the documents tests, made and read with
 * libjpeg directly (not through the library under test):
 *
 *   jpegtool encode W H [ORIENTATION] < RGB > JPEG   (quality 95; an EXIF
 *                                                      orientation tag if given)
 *   jpegtool decode < JPEG > "W H\n" RGB
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

struct err {
    struct jpeg_error_mgr pub;
    jmp_buf jb;
};

static void on_error(j_common_ptr c)
{
    struct err *e = (struct err *)c->err;
    (*c->err->output_message)(c);
    longjmp(e->jb, 1);
}

static unsigned char *read_all(size_t *n)
{
    size_t cap = 1 << 16, len = 0;
    unsigned char *p = malloc(cap);
    size_t r;
    while (p && (r = fread(p + len, 1, cap - len, stdin)) > 0) {
        len += r;
        if (len == cap && !(p = realloc(p, cap *= 2)))
            break;
    }
    *n = len;
    return p;
}

/* APP1 "Exif" with one IFD0 entry: Orientation (0x0112, SHORT). */
static void write_exif(struct jpeg_compress_struct *c, int orientation)
{
    static const unsigned char head[] = {
        'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8,
        0, 1,                   /* one entry */
        0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, /* value patched */
        0, 0, 0, 0};
    unsigned char m[sizeof head];
    memcpy(m, head, sizeof head);
    m[24] = 0;
    m[25] = (unsigned char)orientation;
    jpeg_write_marker(c, JPEG_APP0 + 1, m, sizeof m);
}

static int encode(int w, int h, int orientation)
{
    struct jpeg_compress_struct c;
    struct err e;
    unsigned char *out = NULL, *rgb;
    unsigned long outlen = 0;
    size_t n;
    JSAMPROW row;
    if (!(rgb = read_all(&n)) || n < (size_t)w * h * 3)
        return 1;
    c.err = jpeg_std_error(&e.pub);
    e.pub.error_exit = on_error;
    if (setjmp(e.jb))
        return 1;
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &out, &outlen);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 95, TRUE);
    jpeg_start_compress(&c, TRUE);
    if (orientation)
        write_exif(&c, orientation);
    while (c.next_scanline < c.image_height) {
        row = rgb + (size_t)c.next_scanline * w * 3;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    fwrite(out, 1, outlen, stdout);
    jpeg_destroy_compress(&c);
    free(out);
    free(rgb);
    return 0;
}

static int decode(void)
{
    struct jpeg_decompress_struct d;
    struct err e;
    unsigned char *in, *row;
    size_t n;
    if (!(in = read_all(&n)))
        return 1;
    d.err = jpeg_std_error(&e.pub);
    e.pub.error_exit = on_error;
    if (setjmp(e.jb))
        return 1;
    jpeg_create_decompress(&d);
    jpeg_mem_src(&d, in, (unsigned long)n);
    jpeg_read_header(&d, TRUE);
    d.out_color_space = JCS_RGB;
    jpeg_start_decompress(&d);
    printf("%u %u\n", d.output_width, d.output_height);
    row = malloc((size_t)d.output_width * 3);
    while (row && d.output_scanline < d.output_height) {
        jpeg_read_scanlines(&d, &row, 1);
        fwrite(row, 1, (size_t)d.output_width * 3, stdout);
    }
    jpeg_finish_decompress(&d);
    jpeg_destroy_decompress(&d);
    free(row);
    free(in);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && !strcmp(argv[1], "encode"))
        return encode(atoi(argv[2]), atoi(argv[3]),
                      argc > 4 ? atoi(argv[4]) : 0);
    if (argc == 2 && !strcmp(argv[1], "decode"))
        return decode();
    fprintf(stderr, "usage: jpegtool encode W H [ORIENTATION] | decode\n");
    return 2;
}
