/* toothinitials.c - the toothinitials resource as a description (spec
 * Appendix A "toothinitials", Open Dental 24.2.3): GET /toothinitials
 * (?PatNum=), POST /toothinitials, DELETE /toothinitials/{ToothInitialNum},
 * over Open Dental's toothinitial table (data/od-schema.sql). Field order is
 * the spec's. It is also the GET shape of WatchTable ToothInitial
 * (docs/events.md). Choices the spec leaves open are in docs/resources.md. */
#include "engine/describe-internal.h"

#include <ctype.h>
#include <string.h>

/* EnumPermType 5 ChartModule (opendental-schema.md 4): Open Dental has no
 * permission of its own for tooth initials; the chart is where they live. */
#define PERM_CHART_MODULE 5

/* ToothInitialType (ToothInitial.cs). */
static const char *const initialtype_names[] = {
    "Missing", "Hidden", "Primary", "ShiftM", "ShiftO", "ShiftB", "Rotate",
    "TipM", "TipB", "Drawing", "Text"};
static const struct od_enum enum_initialtype = {
    "InitialType", 0, OD_N(initialtype_names), initialtype_names};

/* A single tooth: 1-32 or A-T. */
static int check_tooth(const char *s)
{
    size_t n = strlen(s);
    if (n == 1 && s[0] >= 'A' && s[0] <= 'T')
        return 1;
    if (n == 1 && s[0] >= '1' && s[0] <= '9')
        return 1;
    if (n == 2 && isdigit((unsigned char)s[0]) &&
        isdigit((unsigned char)s[1]))
        return s[0] != '0' && (s[0] - '0') * 10 + (s[1] - '0') <= 32;
    return 0;
}

static const struct od_field toothinitial_fields[] = {
    {"ToothInitialNum", NULL, OD_W_INT, NULL, OD_F_RO | OD_F_KEY, NULL, 0, 0,
     NULL},
    {"PatNum", NULL, OD_W_INT, NULL, OD_F_REQ, NULL, 0, 0, NULL},
    {"ToothNum", NULL, OD_W_TEXT, NULL, OD_F_REQ | OD_F_NUMTEXT, NULL, 0, 0,
     NULL, check_tooth},
    {"InitialType", NULL, OD_W_ENUM, &enum_initialtype, OD_F_REQ, NULL, 0, 0,
     NULL},
    {"Movement", NULL, OD_W_MONEY_RAW, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"DrawingSegment", NULL, OD_W_TEXT, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"ColorDraw", NULL, OD_W_COLOR, NULL, OD_F_RO, NULL, 0, 0, NULL},
    {"SecDateTEntry", NULL, OD_W_DATETIME, NULL, OD_F_RO | OD_F_NOW, NULL, 0,
     0, NULL},
    {"SecDateTEdit", NULL, OD_W_DATETIME, NULL, OD_F_RO | OD_F_STAMP, NULL, 0,
     0, NULL},
    {"DrawText", NULL, OD_W_TEXT, NULL, OD_F_RO, NULL, 0, 0, NULL},
};

static const struct od_filter toothinitial_filters[] = {
    {"PatNum", "t.PatNum = ?", OD_W_INT, NULL, 0, 0, NULL},
};

static const struct od_check toothinitial_checks[] = {
    /* 24.2.3: only these three through the API (movements and drawings
     * are the chart's) */
    {OD_OP_POST, "SELECT 1 FROM DUAL WHERE ? > 2", "InitialType", 400,
     "InitialType must be Missing, Hidden, or Primary."},
    {OD_OP_POST, "SELECT 1 FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM "
                 "patient WHERE PatNum = ?)", "PatNum", 404,
     "Patient not found."},
    {OD_OP_DELETE, "SELECT 1 FROM toothinitial WHERE ToothInitialNum = ? "
                   "AND InitialType > 2", "@key", 400,
     "Only a toothinitial with an InitialType of Missing, Hidden, or Primary "
     "can be deleted."},
};

const struct od_resource od_res_toothinitials = {
    .name = "toothinitials", .table = "toothinitial", .pk = "ToothInitialNum",
    .fields = toothinitial_fields, .nfields = OD_N(toothinitial_fields),
    .filters = toothinitial_filters, .nfilters = OD_N(toothinitial_filters),
    .order = "t.ToothInitialNum",
    .ops = OD_OP_GET_LIST | OD_OP_POST | OD_OP_DELETE,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "ToothInitial not found.",
    .perm_create = PERM_CHART_MODULE, .perm_edit = PERM_CHART_MODULE,
    .perm_delete = PERM_CHART_MODULE, .log_noun = "ToothInitial",
    .patnum_col = "PatNum",
    .checks = toothinitial_checks, .nchecks = OD_N(toothinitial_checks),
};
