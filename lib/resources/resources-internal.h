/*
 * resources-internal.h - the descriptions of this folder by name, for the
 * routes (lib/routes.c) and for hand-written actions that read or answer
 * rows in a resource's shape: od_res_<name> for every line of list.h, and
 * the descriptions that are never registered themselves.
 */
#ifndef ODAPI_RESOURCES_INTERNAL_H
#define ODAPI_RESOURCES_INTERNAL_H

#include "engine/describe-internal.h"

#define OD_RESOURCE(name) extern const struct od_resource od_res_##name;
#include "resources/list.h"
#undef OD_RESOURCE

/* Never registered: the family module's insurance rows, and a patient's
 * key alone (does the patient exist?) (family.c). */
extern const struct od_resource od_res_faminsurance, od_res_patient_exists;

#endif /* ODAPI_RESOURCES_INTERNAL_H */
