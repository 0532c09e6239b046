/* toothinitials.c - the toothinitials resource as a description (the api*.html
 * pages "toothinitials", Open Dental 24.2.3): GET /toothinitials (?PatNum=),
 * POST /toothinitials, DELETE /toothinitials/{ToothInitialNum}, over Open
 * Dental's toothinitial table (data/od-schema.sql). Field order is Open
 * Dental's. It is also the GET shape of WatchTable ToothInitial
 * (docs/events.md). Choices Open Dental's docs leave open are in
 * docs/resources.md. */
#include "resources/shorthand-internal.h"

#include <ctype.h>
#include <string.h>

/* EnumPermType 5 ChartModule (GroupPermission.cs): Open Dental has no
 * permission of its own for tooth initials; the chart is where they live. */
#define PERM_CHART_MODULE 5

/* ToothInitialType (ToothInitial.cs). */
ENUM_TABLE(enum_initialtype, "InitialType", "Missing", "Hidden", "Primary",
           "ShiftM", "ShiftO", "ShiftB", "Rotate", "TipM", "TipB", "Drawing",
           "Text");

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
    KEY("ToothInitialNum"),
    {.name = "PatNum", .wire = OD_W_INT, .flags = OD_F_REQ},
    CHK("ToothNum", OD_F_REQ | OD_F_NUMTEXT, 0, check_tooth),
    ENM("InitialType", &enum_initialtype, OD_F_REQ, NULL),
    RO("Movement", OD_W_MONEY_RAW),
    RO("DrawingSegment", OD_W_TEXT),
    RO("ColorDraw", OD_W_COLOR),
    NOW_ON_INSERT("SecDateTEntry", OD_W_DATETIME),
    STAMP("SecDateTEdit"),
    RO("DrawText", OD_W_TEXT),
};

static const struct od_filter toothinitial_filters[] = {
    INTF("PatNum"),
};

static const struct od_check toothinitial_checks[] = {
    /* 24.2.3: only these three through the API (movements and drawings
     * are the chart's) */
    VALUE_RULE(OD_OP_POST, "? > 2", "InitialType",
               "InitialType must be Missing, Hidden, or Primary."),
    POST_FOUND("patient", "PatNum", "Patient"),
    ROW_IF(OD_OP_DELETE, "toothinitial", "ToothInitialNum", "InitialType > 2",
           "Only a toothinitial with an InitialType of Missing, Hidden, or "
           "Primary can be deleted."),
};

const struct od_resource od_res_toothinitials = {
    .name = "toothinitials", .table = "toothinitial", .pk = "ToothInitialNum",
    OD_LIST(fields, toothinitial_fields),
    OD_LIST(filters, toothinitial_filters),
    .order = "t.ToothInitialNum",
    .ops = OD_OP_GET_LIST | OD_OP_POST | OD_OP_DELETE,
    .write_perm = ODAPI_PERM_ALL_OTHERS, .missing = "ToothInitial not found.",
    SECLOG_ALL("ToothInitial", PERM_CHART_MODULE),
    .patnum_col = "PatNum",
    OD_LIST(checks, toothinitial_checks),
};
