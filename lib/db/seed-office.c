#include "core/odapi-internal.h"
#include "db/seed-gen-internal.h"
void seed_office(struct gen *g, const char *k) { (void)g; (void)k; }
