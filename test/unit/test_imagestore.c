/* test_imagestore.c - the image store's rules without a database
 * (lib/features/imagestore.c, docjob.c, imaging.c, pdf.c): Open Dental's
 * folder and file names, path components, base64, tooth ranges, files
 * that are never followed through links, EXIF orientation, the rotated
 * size, and a PDF's cross-reference table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "features/docjob-internal.h"
#include "features/imaging-internal.h"
#include "features/pdf-internal.h"

static void folder_and_file_names(void **state)
{
    char out[128];
    (void)state;
    /* ImageStore.GetImageFolderName: letters of LName + FName, PatNum */
    od_image_folder_name("O'Brien-Smith", "Ann Marie", 42, out, sizeof out);
    assert_string_equal(out, "OBrienSmithAnnMarie42");
    /* Char.IsLetter is Unicode: letters outside ASCII stay */
    od_image_folder_name("Zo\xc3\xab", "J\xc3\xb6rg 2", 7, out, sizeof out);
    assert_string_equal(out, "Zo\xc3\xabJ\xc3\xb6rg7");
    /* Documents.GenerateUniqueFileName */
    od_image_file_name("Smith", "John", "93", ".jpg", out, sizeof out);
    assert_string_equal(out, "SmithJohn93.jpg");
    od_image_folder_name("", "", 5, out, sizeof out);
    assert_string_equal(out, "5");
}

static void path_components(void **state)
{
    (void)state;
    assert_true(od_store_name_ok("SmithJohn93.jpg"));
    assert_true(od_store_name_ok("x.y.z"));
    assert_false(od_store_name_ok(""));
    assert_false(od_store_name_ok("."));
    assert_false(od_store_name_ok(".."));
    assert_false(od_store_name_ok("../etc"));
    assert_false(od_store_name_ok("/etc"));
    assert_false(od_store_name_ok("a\\b"));
    assert_false(od_store_name_ok("a\nb"));
    assert_false(od_store_name_ok(NULL));
}

static void extensions(void **state)
{
    char e[16];
    (void)state;
    od_file_ext("a/b.c/SmithJohn.JPG", e, sizeof e);
    assert_string_equal(e, ".jpg");
    od_file_ext("noext", e, sizeof e);
    assert_string_equal(e, "");
    od_file_ext("dir.d/noext", e, sizeof e);
    assert_string_equal(e, "");
    assert_true(od_has_image_ext("x.TIFF"));
    assert_false(od_has_image_ext("x.pdf"));
    od_import_ext("/in/scan.PNG", (const unsigned char *)"", 0, e, sizeof e);
    assert_string_equal(e, ".PNG");
    od_import_ext("/in/raw", (const unsigned char *)"\xff\xd8\xff", 3, e,
                  sizeof e);
    assert_string_equal(e, ".jpg");
    od_import_ext("/in/raw", (const unsigned char *)"text", 4, e, sizeof e);
    assert_string_equal(e, ".txt");
}

static void base64(void **state)
{
    unsigned char out[64];
    size_t n;
    char *enc;
    (void)state;
    assert_int_equal(od_b64_decode("aGVsbG8=", 8, out, &n), 0);
    assert_int_equal(n, 5);
    assert_memory_equal(out, "hello", 5);
    /* whitespace is skipped, as .NET's Convert does */
    assert_int_equal(od_b64_decode("aGVs\r\nbG8=", 10, out, &n), 0);
    assert_int_equal(n, 5);
    assert_int_equal(od_b64_decode("aGVsbG8", 7, out, &n), -1);
    assert_int_equal(od_b64_decode("aGV=bG8=", 8, out, &n), -1);
    assert_int_equal(od_b64_decode("a!==", 4, out, &n), -1);
    assert_int_equal(od_b64_decode("====", 4, out, &n), -1);
    enc = od_b64_encode((const unsigned char *)"hello!", 6, &n);
    assert_string_equal(enc, "aGVsbG8h");
    free(enc);
    enc = od_b64_encode((const unsigned char *)"hi", 2, &n);
    assert_string_equal(enc, "aGk=");
    free(enc);
}

static void tooth_range(const char *in, const char *want)
{
    char out[256], msg[128] = "";
    int rc = od_tooth_range(in, out, sizeof out, msg, sizeof msg);
    if (!want) {
        assert_int_equal(rc, -1);
        assert_true(strncmp(msg, "ToothNumbers", 12) == 0);
        return;
    }
    assert_int_equal(rc, 0);
    assert_string_equal(out, want);
}

static void tooth_ranges(void **state)
{
    (void)state;
    tooth_range("1-5,8", "1,2,3,4,5,8");
    tooth_range("12-15,20,21", "12,13,14,15,20,21");
    tooth_range(" 8 , 1 ", "1,8");
    tooth_range("a,T,3", "3,A,T");          /* primary after permanent */
    tooth_range("1-A", "1,2,3,4");          /* the end counts as its int */
    tooth_range("", "");
    tooth_range("33", NULL);
    tooth_range("0", NULL);
    tooth_range("01", NULL);
    tooth_range("U", NULL);
    tooth_range("9-3", NULL);
    tooth_range("A-J", NULL);               /* as Open Dental: impossible */
    tooth_range("1,,2", NULL);
}

/* A file a link points at is never read or written through it. */
static void no_links(void **state)
{
    char dir[] = "/tmp/odapi-unit-XXXXXX", path[300];
    unsigned char *p;
    size_t n;
    int fd;
    (void)state;
    assert_non_null(mkdtemp(dir));
    fd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    assert_int_equal(od_store_write_new(fd, "a.txt", "abc", 3), 0);
    assert_int_equal(od_store_write_new(fd, "a.txt", "xyz", 3), -1);
    assert_int_equal(errno, EEXIST);
    assert_int_equal(od_store_read(fd, "a.txt", 10, &p, &n), 0);
    assert_int_equal(n, 3);
    free(p);
    assert_int_equal(od_store_read(fd, "a.txt", 2, &p, &n), -1);
    assert_int_equal(errno, EFBIG);
    assert_int_equal(symlinkat("a.txt", fd, "link.txt"), 0);
    assert_int_equal(od_store_read(fd, "link.txt", 10, &p, &n), -1);
    assert_int_equal(od_store_write_new(fd, "link.txt", "q", 1), -1);
    assert_int_equal(od_store_read(fd, "../a.txt", 10, &p, &n), -1);
    assert_int_equal(od_store_replace(fd, "a.txt", "new", 3), 0);
    assert_int_equal(od_store_read(fd, "a.txt", 10, &p, &n), 0);
    assert_memory_equal(p, "new", 3);
    free(p);
    unlinkat(fd, "link.txt", 0);
    unlinkat(fd, "a.txt", 0);
    close(fd);
    snprintf(path, sizeof path, "%s", dir);
    assert_int_equal(rmdir(path), 0);
}

static void exif_and_geometry(void **state)
{
    /* SOI, APP1 "Exif" with IFD0 Orientation = 6 (big-endian TIFF) */
    static const unsigned char jpg[] = {
        0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,
        'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1,
        0, 6, 0, 0, 0, 0, 0, 0, 0xFF, 0xD9};
    int w, h;
    (void)state;
    assert_int_equal(od_jpeg_exif_orientation(jpg, sizeof jpg), 6);
    assert_int_equal(od_jpeg_exif_orientation(jpg, 10), 1);
    assert_int_equal(od_image_format(jpg, sizeof jpg), OD_IMG_JPEG);
    /* ImageHelper.CalcSizeFit: a quarter turn swaps the sides */
    od_calc_size_fit(40, 20, 90, 0, 0, &w, &h);
    assert_int_equal(w, 20);
    assert_int_equal(h, 40);
    /* widened to a 100 x 100 canvas's proportion */
    od_calc_size_fit(40, 20, 0, 100, 100, &w, &h);
    assert_int_equal(w, 40);
    assert_int_equal(h, 40);
}

static void pdf_cross_references(void **state)
{
    struct od_pdf *p = od_pdf_new();
    unsigned char *out;
    size_t len, off;
    char *x;
    (void)state;
    assert_non_null(p);
    assert_int_equal(od_pdf_page(p, 612, 792), 0);
    od_pdf_text(p, 72, 72, 12, 0, 0, "a (b) \\ caf\xc3\xa9",
                strlen("a (b) \\ caf\xc3\xa9"));
    od_pdf_line(p, 0, 0, 10, 10, 0xFF0000);
    assert_int_equal(od_pdf_finish(p, &out, &len), 0);
    od_pdf_free(p);
    assert_memory_equal(out, "%PDF-1.4", 8);
    x = strstr((char *)out, "(a \\(b\\) \\\\ caf\\351) Tj");
    assert_non_null(x);
    /* every object starts where the table says */
    x = strstr((char *)out, "xref\n0 ");
    assert_non_null(x);
    x = strchr(x + 5, '\n') + 1;        /* the free entry */
    x = strchr(x, '\n') + 1;            /* object 1 */
    off = strtoul(x, NULL, 10);
    assert_memory_equal(out + off, "1 0 obj", 7);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(folder_and_file_names),
        cmocka_unit_test(path_components),
        cmocka_unit_test(extensions),
        cmocka_unit_test(base64),
        cmocka_unit_test(tooth_ranges),
        cmocka_unit_test(no_links),
        cmocka_unit_test(exif_and_geometry),
        cmocka_unit_test(pdf_cross_references),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
