#include "core/odapi-internal.h"
#include "db/seed-gen-internal.h"
void seed_clin_begin(struct gen *g) { (void)g; }
void seed_clin_proc(struct gen *g, const struct seed_proc *sp) { (void)g; (void)sp; }
void seed_clin_end(struct gen *g) { (void)g; }
void seed_clin_free(struct gen *g) { (void)g; }
