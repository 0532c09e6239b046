/*
 * imagestore-internal.h - where Open Dental keeps a practice's images and
 * documents, as ImageStore.cs, FileAtoZ.cs and PrefC.AtoZfolderUsed decide
 * (branch 24_3): in the A to Z folder ({DocPath}/{letter}/{ImageFolder}/
 * {FileName}, EOBs in {DocPath}/EOBs) or, with "store images in the
 * database", as base64 text in document.RawBase64 / eobattach.RawBase64.
 *
 * Every path below the folder is built from names checked to be one plain
 * path component, and every file is opened relative to a folder opened
 * component by component with O_NOFOLLOW: neither a request nor a row of
 * the database can name a file outside the folder, and a symbolic link
 * inside it is never followed (docs/resources.md, "Documents: the image
 * store").
 */
#ifndef OD_IMAGESTORE_INTERNAL_H
#define OD_IMAGESTORE_INTERNAL_H

#include "db/db-internal.h"

#include <stddef.h>

/* DataStorageType (Enumerations.cs): preference AtoZfolderUsed. */
enum od_storage {
    OD_STORE_DB = 0,      /* InDatabase: RawBase64 */
    OD_STORE_ATOZ = 1,    /* LocalAtoZ */
    OD_STORE_DROPBOX = 2, /* cloud: not served */
    OD_STORE_SFTP = 3     /* cloud: not served */
};

struct od_store {
    int mode;            /* enum od_storage */
    int rootfd;          /* LocalAtoZ: the A to Z folder; else -1 */
    char root[1024];     /* its path (for filePath), no trailing '/' */
};

/* Largest file the store takes or gives (bytes): what fits in a body of
 * ODAPI_LIMIT_MAX_BODY as base64. */
size_t od_store_max_file(const odapi_config *cfg);

/* Read AtoZfolderUsed and DocPath on c and open the store as Open Dental
 * would: LocalAtoZ uses cfg->image_dir if set (the workstation's own
 * path), else the first DocPath entry (';'-separated) that holds a folder
 * "A"; the sandbox's folder is {datadir}/images, made when missing. 0, or
 * -1 with *status (400, 500; 0 when the connection failed: c says why)
 * and a sentence in msg. */
int od_store_open(struct od_conn *c, const odapi_config *cfg,
                  struct od_store *s, int *status, char *msg,
                  size_t msgsize);
void od_store_close(struct od_store *s);

/* One plain path component: not empty, not "." or "..", no '/', '\\',
 * control characters, at most 255 bytes. */
int od_store_name_ok(const char *name);

/* ImageStore.GetImageFolderName: the letters of LName + FName (Unicode
 * letters, as Char.IsLetter), then PatNum. */
void od_image_folder_name(const char *lname, const char *fname,
                          long long patnum, char *out, size_t cap);
/* Documents.GenerateUniqueFileName: the letters of LName + FName, then id
 * and ext ("SmithJohn93.jpg"). */
void od_image_file_name(const char *lname, const char *fname,
                        const char *id, const char *ext, char *out,
                        size_t cap);

/* The folder {root}/{first letter, upper case}/{imagefolder} (create: made
 * when missing), opened: a descriptor, or -1 with a sentence in msg. */
int od_store_patient_dir(const struct od_store *s, const char *imagefolder,
                         int create, char *msg, size_t msgsize);
/* A folder name directly below parent (or the root when parent < 0):
 * "EOBs", "Thumbnails", "SheetImages". -1 with msg when it cannot be
 * opened (or made). */
int od_store_sub_dir(const struct od_store *s, int parent, const char *name,
                     int create, char *msg, size_t msgsize);
/* "{root}/{letter}/{imagefolder}/" into out (for filePath). */
void od_store_patient_path(const struct od_store *s, const char *imagefolder,
                           char *out, size_t cap);

/* Write a new file name in folder dir (never an existing one: -1 with
 * errno EEXIST), flushed to disk. 0, or -1 with errno. */
int od_store_write_new(int dir, const char *name, const void *p, size_t n);
/* Replace (or make) a file, through a temporary name and rename. */
int od_store_replace(int dir, const char *name, const void *p, size_t n);
/* A regular file's bytes (a symbolic link is refused: ELOOP; larger than
 * max: EFBIG). *out is malloc'd. 0, or -1 with errno. */
int od_store_read(int dir, const char *name, size_t max, unsigned char **out,
                  size_t *len);
/* 1 when name is a regular file in dir (not a link), with its change time. */
int od_store_stat(int dir, const char *name, long long *mtime);
int od_store_remove(int dir, const char *name);

/* ---- base64 (RawBase64, rawBase64) ----------------------------------------
 * As .NET's Convert: the standard alphabet with '=' padding; whitespace is
 * skipped when decoding. */
size_t od_b64_decoded_max(size_t n);
/* 0 and *len, or -1 (not base64). out holds od_b64_decoded_max(n). */
int od_b64_decode(const char *s, size_t n, unsigned char *out, size_t *len);
/* malloc'd, NUL-terminated; NULL when out of memory. */
char *od_b64_encode(const unsigned char *p, size_t n, size_t *outlen);

/* The extension of a file name, dot included, lower case, in out ("" for
 * none): Path.GetExtension. */
void od_file_ext(const char *name, char *out, size_t cap);
/* ImageHelper.HasImageExtension. */
int od_has_image_ext(const char *name);

#endif /* OD_IMAGESTORE_INTERNAL_H */
