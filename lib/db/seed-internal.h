/*
 * seed-internal.h - the deterministic demo practice (the sandbox's data).
 */
#ifndef ODAPI_SEED_INTERNAL_H
#define ODAPI_SEED_INTERNAL_H

#include <stddef.h>

#include "db/mysql-api-internal.h"

#define OD_SEED_DEFAULT_PATIENTS 200

struct od_seed_opts {
    unsigned long seed;     /* PRNG seed; same seed + options -> same rows */
    long patients;          /* size knob; <= 0: OD_SEED_DEFAULT_PATIENTS */
    const char *today;      /* "YYYY-MM-DD" anchor; NULL: the current date */
    const char *customer_key;   /* if set: one apikey row ... */
    const char *developer_name; /* ... with this DevName ("" if NULL) */
    const char *image_dir;      /* the sandbox's A to Z folder: sample
                                   images are written there (NULL: none) */
};

/* Fill the current (empty, od_schema_create'd) database with a demo
 * practice: preferences, definitions, providers, operatories, a fee
 * schedule, procedure codes and fees, families of patients, insurance,
 * schedules from 2 weeks before to 4 weeks after the anchor, appointments,
 * procedures, payments and commlogs. Deterministic; prints nothing.
 * ODAPI_OK; ODAPI_E_INVALID (bad options), ODAPI_E_STATE (the database
 * already has patients), ODAPI_E_NOMEM or ODAPI_E_DB with a sentence in
 * err. */
int od_seed(MYSQL *m, const struct od_seed_opts *o, char *err, size_t errlen);

/* The image preferences (AtoZfolderUsed, DocPath = image_dir or "") and,
 * with image_dir, a mount with two images and an insurance check with an
 * EOB whose files are written there (seed-images.c). day: "YYYY-MM-DD".
 * ODAPI_OK, or an error with a sentence in err. Part of od_seed. */
int od_seed_images(MYSQL *m, const char *image_dir, const char *day,
                   char *err, size_t errlen);

#endif /* ODAPI_SEED_INTERNAL_H */
