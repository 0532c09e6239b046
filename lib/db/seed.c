/*
 * seed.c - a deterministic demo dental practice.
 *
 * Everything is generated from one splitmix64 stream in a fixed order, with
 * explicit primary keys and explicit timestamps, so the same seed, size and
 * anchor date give byte-identical tables. Rows go in through prepared
 * multi-row INSERTs (only identifiers in the SQL text), committed in chunks.
 */
#include "core/odapi-internal.h"
#include "db/schema-internal.h"
#include "db/seed-internal.h"
#include "db/catalog-internal.h"
#include "core/date-internal.h"
#include "db/ledger-internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/seed-gen-internal.h"

/* ---- static practice data ----------------------------------------------------- */

struct defrow {
    int cat;
    const char *name, *value;
    unsigned rgb;
    int hidden;
};

static const struct defrow defs[] = {
    { CAT_ADJ, "Discount", "-", 0, 0 },
    { CAT_ADJ, "Professional Courtesy", "-", 0, 0 },
    { CAT_ADJ, "Write Off", "-", 0, 0 },
    { CAT_ADJ, "Finance Charge", "+", 0, 0 },
    { CAT_ADJ, "Billing Charge", "+", 0, 0 },
    { CAT_ADJ, "Broken Appointment Fee", "+", 0, 0 },
    { CAT_ADJ, "Bad Debt Write Off", "-", 0, 0 },
    /* ApptConfirmed: ItemValue is the abbreviation shown on appointments */
    { CAT_CONFIRMED, "Not Called", "", 0xFFFFFF, 0 },
    { CAT_CONFIRMED, "Unconfirmed", "Uncnf", 0xFFE4B5, 0 },
    { CAT_CONFIRMED, "Appointment Confirmed", "Conf", 0x90EE90, 0 },
    { CAT_CONFIRMED, "Left Msg", "LM", 0xADD8E6, 0 },
    { CAT_CONFIRMED, "Texted", "Txt", 0xE0FFFF, 0 },
    { CAT_CONFIRMED, "E-mailed", "Eml", 0xE6E6FA, 0 },
    { CAT_CONFIRMED, "eConfirm Sent", "eSent", 0xFFFACD, 0 },
    { CAT_CONFIRMED, "eConfirm Accepted", "eConf", 0x98FB98, 0 },
    { CAT_CONFIRMED, "eConfirm Declined", "eDecl", 0xFFB6C1, 0 },
    { CAT_CONFIRMED, "eConfirm Failed", "eFail", 0xFFA07A, 0 },
    { CAT_CONFIRMED, "Arrived", "Arr", 0xFFD700, 0 },
    { CAT_BILLING, "Standard Account", "", 0, 0 },
    { CAT_BILLING, "Insurance Only", "", 0, 0 },
    { CAT_BILLING, "Payment Plan", "", 0, 0 },
    { CAT_BILLING, "Collections", "C", 0, 0 },
    { CAT_BILLING, "Bad Debt", "", 0, 0 },
    { CAT_PAYTYPE, "Check", "", 0, 0 },
    { CAT_PAYTYPE, "Cash", "", 0, 0 },
    { CAT_PAYTYPE, "Credit Card", "", 0, 0 },
    { CAT_PAYTYPE, "Debit Card", "", 0, 0 },
    { CAT_PAYTYPE, "Care Credit", "", 0, 0 },
    { CAT_PAYTYPE, "Online Payment", "", 0, 0 },
    { CAT_PROCCAT, "Exams & Xrays", "", 0, 0 },
    { CAT_PROCCAT, "Cleanings", "", 0, 0 },
    { CAT_PROCCAT, "Fillings", "", 0, 0 },
    { CAT_PROCCAT, "Endo", "", 0, 0 },
    { CAT_PROCCAT, "Perio", "", 0, 0 },
    { CAT_PROCCAT, "Crown & Bridge", "", 0, 0 },
    { CAT_PROCCAT, "Dentures", "", 0, 0 },
    { CAT_PROCCAT, "Implants", "", 0, 0 },
    { CAT_PROCCAT, "Oral Surgery", "", 0, 0 },
    { CAT_PROCCAT, "Ortho", "", 0, 0 },
    { CAT_PROCCAT, "Misc", "", 0, 0 },
    { CAT_UNSCHED, "Called, left message", "", 0, 0 },
    { CAT_UNSCHED, "Will call back", "", 0, 0 },
    { CAT_UNSCHED, "Waiting for insurance", "", 0, 0 },
    { CAT_UNSCHED, "Financial reasons", "", 0, 0 },
    { CAT_UNSCHED, "Patient declined", "", 0, 0 },
    { CAT_DX, "Caries", "C", 0, 0 },
    { CAT_DX, "Fractured tooth", "F", 0, 0 },
    { CAT_DX, "Periapical abscess", "A", 0, 0 },
    { CAT_DX, "Periodontitis", "P", 0, 0 },
    { CAT_DX, "Failing restoration", "R", 0, 0 },
    { CAT_IMAGE, "BWs", "XP", 0, 0 },
    { CAT_IMAGE, "FMXs", "X", 0, 0 },
    { CAT_IMAGE, "Panos", "X", 0, 0 },
    { CAT_IMAGE, "Photos", "P", 0, 0 },
    { CAT_IMAGE, "Patient Forms", "F", 0, 0 },
    { CAT_IMAGE, "Insurance Cards", "", 0, 0 },
    { CAT_IMAGE, "Letters", "", 0, 0 },
    { CAT_IMAGE, "Treatment Plans", "T", 0, 0 },
    { CAT_TXPRI, "1", "", 0xFF6347, 0 },
    { CAT_TXPRI, "2", "", 0xFFA500, 0 },
    { CAT_TXPRI, "3", "", 0xFFD700, 0 },
    { CAT_TXPRI, "4", "", 0x9ACD32, 0 },
    { CAT_TXPRI, "5", "", 0x87CEEB, 0 },
    { CAT_BLOCKOUT, "Lunch", "", 0xC0C0C0, 0 },
    { CAT_BLOCKOUT, "New Patient", "", 0x98FB98, 0 },
    { CAT_BLOCKOUT, "Emergency", "", 0xFF7F50, 0 },
    { CAT_BLOCKOUT, "Crown Seat", "", 0xDDA0DD, 0 },
    { CAT_BLOCKOUT, "Staff Meeting", "", 0xB0C4DE, 0 },
    { CAT_COMMLOG, "Appointment Related", "APPT", 0, 0 },
    { CAT_COMMLOG, "Financial", "FIN", 0, 0 },
    { CAT_COMMLOG, "Recall", "RECALL", 0, 0 },
    { CAT_COMMLOG, "Insurance", "", 0, 0 },
    { CAT_COMMLOG, "Text", "TEXT", 0, 0 },
    { CAT_COMMLOG, "Misc", "MISC", 0, 0 },
    { CAT_UNEARNED, "Prepayment", "", 0, 0 },
    { CAT_UNEARNED, "Treatment Plan Prepayment", "X", 0, 0 },
    { CAT_PROGNOSIS, "Good", "", 0, 0 },
    { CAT_PROGNOSIS, "Fair", "", 0, 0 },
    { CAT_PROGNOSIS, "Poor", "", 0, 0 },
    { CAT_PROGNOSIS, "Questionable", "", 0, 0 },
    { CAT_PROGNOSIS, "Hopeless", "", 0, 0 },
    { CAT_CLAIMTRACK, "Called insurance", "", 0, 0 },
    { CAT_CLAIMTRACK, "Resubmitted", "", 0, 0 },
    { CAT_CLAIMTRACK, "Waiting on X-rays", "", 0, 0 },
    { CAT_INSPAY, "Check", "", 0, 0 },
    { CAT_INSPAY, "EFT", "", 0, 0 },
    { CAT_SPECIALTY, "General", "", 0, 0 },
    { CAT_SPECIALTY, "Hygienist", "", 0, 0 },
    { CAT_SPECIALTY, "Endodontics", "", 0, 0 },
    { CAT_SPECIALTY, "Pediatric", "", 0, 0 },
    { CAT_SPECIALTY, "Periodontics", "", 0, 0 },
    { CAT_SPECIALTY, "Prosthodontics", "", 0, 0 },
    { CAT_SPECIALTY, "Orthodontics", "", 0, 0 },
    { CAT_SPECIALTY, "Oral Surgery", "", 0, 0 },
    { CAT_SPECIALTY, "Dental Assistant", "", 0, 0 },
    { CAT_WSNEWPAT, "New Patient Exam", "", 0, 0 },
    { CAT_PAYPLANCAT, "Standard", "", 0, 0 },
    { CAT_PAYPLANCAT, "Ortho", "", 0, 0 },
    { CAT_WSEXIST, "Cleaning", "", 0, 0 },
    { CAT_WSEXIST, "Emergency Exam", "", 0, 0 },
    { CAT_OPTYPE, "Restorative", "", 0, 0 },
    { CAT_OPTYPE, "Hygiene", "", 0, 0 },
    /* used by seed-money.c and seed-office.c */
    { CAT_TASKPRI, "Normal", "D", 0xFFFFFF, 0 },
    { CAT_TASKPRI, "High", "", 0xFF6347, 0 },
    { CAT_TASKPRI, "Low", "", 0xADD8E6, 0 },
    { CAT_CLAIMPAYTRACK, "Paid as billed", "", 0, 0 },
    { CAT_CLAIMPAYTRACK, "Paid at allowance", "45", 0, 0 },
    { CAT_CLAIMPAYTRACK, "Denied", "", 0, 0 },
    { CAT_INSVERIFY, "Verified", "", 0, 0 },
    { CAT_INSVERIFY, "Needs attention", "", 0, 0 },
    { CAT_CLAIMPAYGROUP, "Default", "", 0, 0 },
    { CAT_AUTONOTE, "Exam", "", 0, 0 },
    { CAT_AUTONOTE, "Hygiene", "", 0, 0 },
    { CAT_AUTONOTE, "Restorative", "", 0, 0 },
    { CAT_CLAIMERROR, "Missing x-rays", "", 0, 0 },
    { CAT_CLAIMERROR, "Invalid subscriber ID", "", 0, 0 },
};

/* Pattern characters are 5 minutes each; 'X' provider time, '/' assistant
 * or hygienist time. */
const struct code codes[] = {
    { "D0120", "periodic oral evaluation - established patient", "PerEx", "/X/", PC_EXAM, TA_MOUTH, 0, 0, 0, 0, 65, "Periodic exam" },
    { "D0140", "limited oral evaluation - problem focused", "LimEx", "/X/", PC_EXAM, TA_MOUTH, 0, 0, 0, 0, 95, "Emergency exam" },
    { "D0150", "comprehensive oral evaluation - new or established patient", "CompEx", "/XX/", PC_EXAM, TA_MOUTH, 0, 0, 0, 0, 115, "Comprehensive exam" },
    { "D0180", "comprehensive periodontal evaluation - new or established patient", "PerioEx", "/XX/", PC_EXAM, TA_MOUTH, 0, 0, 0, 0, 125, "Gum exam" },
    { "D0210", "intraoral - comprehensive series of radiographic images", "FMX", "///", PC_EXAM, TA_MOUTH, 0, 0, 1, 0, 155, "Full mouth x-rays" },
    { "D0220", "intraoral - periapical first radiographic image", "PA", "/", PC_EXAM, TA_TOOTH, 0, 0, 1, 0, 35, "X-ray of one tooth" },
    { "D0230", "intraoral - periapical each additional radiographic image", "PA2", "/", PC_EXAM, TA_TOOTH, 0, 0, 1, 0, 30, "Additional x-ray" },
    { "D0272", "bitewings - two radiographic images", "2BW", "/", PC_EXAM, TA_MOUTH, 0, 0, 1, 0, 60, "Two bitewing x-rays" },
    { "D0274", "bitewings - four radiographic images", "4BW", "//", PC_EXAM, TA_MOUTH, 0, 0, 1, 0, 80, "Four bitewing x-rays" },
    { "D0330", "panoramic radiographic image", "Pano", "//", PC_EXAM, TA_MOUTH, 0, 0, 1, 0, 130, "Panoramic x-ray" },
    { "D1110", "prophylaxis - adult", "Pro", "//XX////", PC_CLEAN, TA_MOUTH, 1, 0, 0, 0, 115, "Adult cleaning" },
    { "D1120", "prophylaxis - child", "ProChild", "//X//", PC_CLEAN, TA_MOUTH, 1, 0, 0, 0, 85, "Child cleaning" },
    { "D1206", "topical application of fluoride varnish", "FlVarn", "/", PC_CLEAN, TA_MOUTH, 1, 0, 0, 0, 45, "Fluoride varnish" },
    { "D1208", "topical application of fluoride - excluding varnish", "Flo", "/", PC_CLEAN, TA_MOUTH, 1, 0, 0, 0, 40, "Fluoride" },
    { "D1351", "sealant - per tooth", "Seal", "/X/", PC_CLEAN, TA_TOOTH, 1, 0, 0, 0, 55, "Sealant" },
    { "D2140", "amalgam - one surface, primary or permanent", "A1", "/XX/", PC_FILL, TA_SURF, 0, 0, 0, 0, 140, "Silver filling, one surface" },
    { "D2150", "amalgam - two surfaces, primary or permanent", "A2", "/XXX/", PC_FILL, TA_SURF, 0, 0, 0, 0, 175, "Silver filling, two surfaces" },
    { "D2330", "resin-based composite - one surface, anterior", "C1", "/XX/", PC_FILL, TA_SURF, 0, 0, 0, 0, 160, "Tooth-colored filling, front tooth" },
    { "D2331", "resin-based composite - two surfaces, anterior", "C2", "/XXX/", PC_FILL, TA_SURF, 0, 0, 0, 0, 195, "Tooth-colored filling, front tooth" },
    { "D2391", "resin-based composite - one surface, posterior", "C1(P)", "/XXX/", PC_FILL, TA_SURF, 0, 0, 0, 0, 185, "Tooth-colored filling, back tooth" },
    { "D2392", "resin-based composite - two surfaces, posterior", "C2(P)", "/XXXX/", PC_FILL, TA_SURF, 0, 0, 0, 0, 235, "Tooth-colored filling, back tooth" },
    { "D2393", "resin-based composite - three surfaces, posterior", "C3(P)", "/XXXXX/", PC_FILL, TA_SURF, 0, 0, 0, 0, 285, "Tooth-colored filling, back tooth" },
    { "D2740", "crown - porcelain/ceramic", "CrnCer", "//XXXXXXXX//", PC_CROWN, TA_TOOTH, 0, 1, 0, 0, 1250, "Porcelain crown" },
    { "D2750", "crown - porcelain fused to high noble metal", "PFM", "//XXXXXXXX//", PC_CROWN, TA_TOOTH, 0, 1, 0, 0, 1150, "Porcelain-metal crown" },
    { "D2790", "crown - full cast high noble metal", "FGC", "//XXXXXXX//", PC_CROWN, TA_TOOTH, 0, 1, 0, 0, 1100, "Gold crown" },
    { "D2950", "core buildup, including any pins when required", "BU", "/XX/", PC_CROWN, TA_TOOTH, 0, 0, 0, 0, 295, "Core buildup" },
    { "D2954", "prefabricated post and core in addition to crown", "P&C", "/XXX/", PC_CROWN, TA_TOOTH, 0, 0, 0, 0, 340, "Post and core" },
    { "D3220", "therapeutic pulpotomy (excluding final restoration)", "Pulpot", "/XXX/", PC_ENDO, TA_TOOTH, 0, 0, 0, 0, 225, "Pulpotomy" },
    { "D3310", "endodontic therapy, anterior tooth (excluding final restoration)", "RCTAnt", "/XXXXXXXX/", PC_ENDO, TA_TOOTH, 0, 0, 0, 0, 850, "Root canal, front tooth" },
    { "D3320", "endodontic therapy, premolar tooth (excluding final restoration)", "RCTPM", "/XXXXXXXXXX/", PC_ENDO, TA_TOOTH, 0, 0, 0, 0, 1000, "Root canal, premolar" },
    { "D3330", "endodontic therapy, molar tooth (excluding final restoration)", "RCTMol", "/XXXXXXXXXXXX/", PC_ENDO, TA_TOOTH, 0, 0, 0, 0, 1200, "Root canal, molar" },
    { "D4341", "periodontal scaling and root planing - four or more teeth per quadrant", "SRP4+", "//XXXXX//", PC_PERIO, TA_QUAD, 1, 0, 0, 0, 260, "Deep cleaning" },
    { "D4342", "periodontal scaling and root planing - one to three teeth per quadrant", "SRP1-3", "//XXX//", PC_PERIO, TA_QUAD, 1, 0, 0, 0, 190, "Deep cleaning" },
    { "D4355", "full mouth debridement to enable a comprehensive periodontal evaluation and diagnosis", "FMD", "//XXXX//", PC_PERIO, TA_MOUTH, 1, 0, 0, 0, 180, "Full mouth debridement" },
    { "D4910", "periodontal maintenance", "PerMaint", "//XXX////", PC_PERIO, TA_MOUTH, 1, 0, 0, 0, 165, "Periodontal maintenance" },
    { "D5110", "complete denture - maxillary", "FUD", "//XXXX//", PC_DENT, TA_ARCH, 0, 1, 0, 0, 1900, "Upper denture" },
    { "D5120", "complete denture - mandibular", "FLD", "//XXXX//", PC_DENT, TA_ARCH, 0, 1, 0, 0, 1900, "Lower denture" },
    { "D6010", "surgical placement of implant body: endosteal implant", "Impl", "//XXXXXXXXX//", PC_IMPL, TA_TOOTH, 0, 0, 0, 0, 2100, "Implant" },
    { "D7140", "extraction, erupted tooth or exposed root (elevation and/or forceps removal)", "Ext", "/XX/", PC_OS, TA_TOOTH, 0, 0, 0, 0, 195, "Extraction" },
    { "D7210", "extraction, erupted tooth requiring removal of bone and/or sectioning of tooth", "SurgExt", "/XXXX/", PC_OS, TA_TOOTH, 0, 0, 0, 0, 350, "Surgical extraction" },
    { "D7240", "removal of impacted tooth - completely bony", "ImpBony", "//XXXXX//", PC_OS, TA_TOOTH, 0, 0, 0, 0, 520, "Wisdom tooth removal" },
    { "D8090", "comprehensive orthodontic treatment of the adult dentition", "OrthoAd", "/XX/", PC_ORTHO, TA_MOUTH, 0, 0, 0, 0, 5800, "Braces" },
    { "D9110", "palliative treatment of dental pain - per visit", "Pall", "/XX/", PC_MISC, TA_MOUTH, 0, 0, 0, 0, 120, "Pain relief" },
    { "D9230", "inhalation of nitrous oxide/analgesia, anxiolysis", "N2O", "/", PC_MISC, TA_MOUTH, 0, 0, 0, 0, 75, "Laughing gas" },
    { "D9972", "external bleaching - per arch - performed in office", "Bleach", "//XXXX//", PC_MISC, TA_ARCH, 0, 0, 0, 1, 350, "Whitening" },
    { "D9986", "missed appointment", "Missed", "", PC_MISC, TA_NONE, 0, 0, 0, 1, 0, "Missed appointment" },
    { "D9987", "cancelled appointment", "Cancel", "", PC_MISC, TA_NONE, 0, 0, 0, 1, 0, "Cancelled appointment" },
};

const size_t ncodes = OD_ARRAY_LEN(codes);

int code_idx(const char *c)
{
    size_t i;
    for (i = 0; i < OD_ARRAY_LEN(codes); i++)
        if (strcmp(codes[i].code, c) == 0)
            return (int)i;
    return 0; /* not reached for the literals below */
}

const char *const last_names[] = {
    "Anderson", "Baker", "Bennett", "Brooks", "Campbell", "Carter", "Chen",
    "Clark", "Collins", "Cooper", "Davis", "Diaz", "Edwards", "Evans",
    "Fischer", "Flores", "Foster", "Garcia", "Gomez", "Gray", "Green",
    "Hall", "Harris", "Hayes", "Hernandez", "Hill", "Howard", "Hughes",
    "Jackson", "James", "Jensen", "Johnson", "Kelly", "Kim", "King",
    "Larson", "Lee", "Lewis", "Long", "Lopez", "Martin", "Martinez",
    "Miller", "Mitchell", "Moore", "Morgan", "Murphy", "Nelson", "Nguyen",
    "O'Brien", "Olsen", "Ortiz", "Parker", "Patel", "Perez", "Peterson",
    "Phillips", "Price", "Ramirez", "Reed", "Reyes", "Richardson", "Rivera",
    "Roberts", "Robinson", "Rodriguez", "Rogers", "Ross", "Russell",
    "Sanchez", "Sanders", "Schmidt", "Scott", "Smith", "Sparkman", "Stewart",
    "Sullivan", "Taylor", "Thomas", "Thompson", "Torres", "Turner", "Walker",
    "Ward", "Watson", "White", "Williams", "Wilson", "Wood", "Wright",
    "Young", "Zimmerman",
};

const char *const male_names[] = {
    "Aaron", "Adam", "Alex", "Andrew", "Anthony", "Ben", "Brandon", "Brian",
    "Carlos", "Charles", "Chris", "Daniel", "David", "Derek", "Eric", "Ethan",
    "Frank", "Gary", "George", "Henry", "Isaac", "Jack", "Jacob", "James",
    "Jason", "Jeff", "John", "Jose", "Joseph", "Josh", "Kevin", "Kyle",
    "Liam", "Lucas", "Luis", "Mark", "Matthew", "Michael", "Nathan", "Noah",
    "Oliver", "Paul", "Peter", "Raymond", "Richard", "Robert", "Ryan",
    "Samuel", "Scott", "Steven", "Thomas", "Tim", "Tyler", "William",
};

const char *const female_names[] = {
    "Abigail", "Alice", "Amanda", "Amy", "Angela", "Anna", "Ashley", "Ava",
    "Barbara", "Brenda", "Carol", "Catherine", "Chloe", "Claire", "Deborah",
    "Diana", "Elena", "Elizabeth", "Emily", "Emma", "Grace", "Hannah",
    "Isabella", "Jennifer", "Jessica", "Julia", "Karen", "Kate", "Laura",
    "Linda", "Lisa", "Lucy", "Maria", "Megan", "Melissa", "Mia", "Michelle",
    "Nancy", "Natalie", "Nicole", "Olivia", "Patricia", "Rachel", "Rebecca",
    "Rosa", "Sarah", "Sofia", "Stephanie", "Susan", "Victoria", "Zoe",
};

const size_t nlast_names = OD_ARRAY_LEN(last_names);
const size_t nmale_names = OD_ARRAY_LEN(male_names);
const size_t nfemale_names = OD_ARRAY_LEN(female_names);

static const char *const streets[] = {
    "Oak", "Maple", "Cedar", "Pine", "Elm", "Willow", "Birch", "Spruce",
    "Lancaster", "Commercial", "Liberty", "Center", "State", "Market",
    "Court", "Chemeketa", "Mission", "River", "Orchard Heights", "Sunnyview",
    "Madrona", "Kuebler", "Battle Creek", "Hawthorne", "Fairview", "Highland",
};

static const char *const street_kinds[] = { "St", "Ave", "Rd", "Dr", "Ln",
                                            "Ct", "Way", "Blvd" };

static const struct {
    const char *city, *zip;
} cities[] = {
    { "Salem", "97301" }, { "Salem", "97302" }, { "Salem", "97304" },
    { "Salem", "97305" }, { "Salem", "97306" }, { "Keizer", "97303" },
    { "Silverton", "97381" }, { "Stayton", "97383" }, { "Dallas", "97338" },
    { "Monmouth", "97361" }, { "Independence", "97351" },
    { "Woodburn", "97071" }, { "Albany", "97321" }, { "Turner", "97392" },
};

static const char *const carriers[][6] = {
    /* name, address, city, state, zip, phone; ElectID below */
    { "Delta Dental", "PO Box 40384", "Portland", "OR", "97240", "(800)452-1444" },
    { "MetLife", "PO Box 981282", "El Paso", "TX", "79998", "(800)942-0854" },
    { "Cigna Dental", "PO Box 188037", "Chattanooga", "TN", "37422", "(800)244-6224" },
    { "Aetna Dental", "PO Box 14094", "Lexington", "KY", "40512", "(877)238-6200" },
    { "Guardian", "PO Box 981573", "El Paso", "TX", "79998", "(800)541-7846" },
    { "United Concordia", "PO Box 69421", "Harrisburg", "PA", "17106", "(800)332-0366" },
    { "Regence BlueCross BlueShield", "PO Box 1271", "Portland", "OR", "97207", "(888)344-6347" },
    { "Moda Health", "PO Box 40384", "Portland", "OR", "97240", "(888)217-2365" },
};
static const char *const carrier_eid[] = { "CDOR1", "65978", "62308",
                                           "60054", "64246", "CX007",
                                           "00851", "CDOR1" };

const char *carrier_name(long carriernum)
{
    return carriers[(carriernum - 1) % (long)OD_ARRAY_LEN(carriers)][0];
}

static const char *const employers[] = {
    "Salem Health", "Salem-Keizer Schools", "State of Oregon", "Marion County",
    "Willamette University", "Kettle Foods", "Garmin AT", "NORPAC Foods",
    "Chemeketa Community College", "City of Salem", "Spirit Mountain",
    "Mountain West Investment", "Roth's Fresh Markets", "Pacific Office Automation",
};

static unsigned argb(unsigned rgb)
{
    return 0xFF000000u | rgb;
}

/* A 32-bit ARGB colour as Open Dental stores it (signed int). */
long long color_int(unsigned rgb)
{
    return (long long)(int32_t)argb(rgb);
}

/* ---- the practice being generated ------------------------------------------ */

struct rng seed_stream(const struct gen *g, const char *part)
{
    struct rng r;
    uint64_t h = 0xCBF29CE484222325ull; /* FNV-1a of the part's name */
    for (; *part; part++)
        h = (h ^ (unsigned char)*part) * 0x100000001B3ull;
    r.s = (uint64_t)g->seed ^ h;
    rng_next(&r);
    return r;
}

const char *fname_of(const struct pat *p)
{
    return p->gender == 1 ? female_names[p->fn] : male_names[p->fn];
}

static void make_families(struct gen *g)
{
    struct rng *r = &g->r;
    long n = 0, f = 0;
    g->fams = calloc((size_t)g->npat, sizeof(*g->fams));
    g->pats = calloc((size_t)g->npat, sizeof(*g->pats));
    g->active = calloc((size_t)g->npat, sizeof(*g->active));
    if (!g->fams || !g->pats || !g->active) {
        fail(&g->s, ODAPI_E_NOMEM, "seeding: out of memory");
        return;
    }
    while (n < g->npat) {
        struct fam *fm = &g->fams[f];
        double k = rndf(r);
        int adults = k < 0.38 ? 1 : 2, kids = 0, i, ln = (int)rnd(r, OD_ARRAY_LEN(last_names));
        int famstat, g0 = (int)rnd(r, 2);
        if (k >= 0.55)
            kids = 1 + (int)rnd(r, 3);
        if (k >= 0.93)
            adults = 1; /* single parent */
        fm->num = (int)f;
        fm->street = (int)rnd(r, OD_ARRAY_LEN(streets));
        fm->kind = (int)rnd(r, OD_ARRAY_LEN(street_kinds));
        fm->city = (int)rnd(r, OD_ARRAY_LEN(cities));
        fm->phone = 5550000 + (int)rnd(r, 10000);
        fm->guar = n + 1;
        k = rndf(r);
        famstat = k < 0.84 ? 0 : k < 0.91 ? 2 : k < 0.95 ? 3 : k < 0.98 ? 6 : 1;
        for (i = 0; i < adults + kids && n < g->npat; i++, n++) {
            struct pat *p = &g->pats[n];
            int child = i >= adults;
            p->num = n + 1;
            p->guar = fm->guar;
            p->fam = (int)f;
            p->ln = (i == 1 && chance(r, 0.12)) ? (int)rnd(r, OD_ARRAY_LEN(last_names)) : ln;
            p->gender = child ? (int)rnd(r, 2) : i == 0 ? g0 : (chance(r, 0.95) ? 1 - g0 : g0);
            if (!child && chance(r, 0.01))
                p->gender = 2; /* Unknown */
            p->fn = (int)(p->gender == 1 ? rnd(r, OD_ARRAY_LEN(female_names))
                                         : rnd(r, OD_ARRAY_LEN(male_names)));
            if (child)
                p->bdate = g->today - 365 * 2 - rnd(r, 365 * 16);
            else
                p->bdate = g->today - 365 * 19 - rnd(r, 365 * 66);
            p->position = child ? 2 : adults == 2 ? 1 : kids ? (chance(r, 0.5) ? 4 : 3) : (chance(r, 0.8) ? 0 : 4);
            if (!child && adults == 1 && kids == 0 && age_at(p->bdate, g->today) > 70 && chance(r, 0.5))
                p->position = 3; /* widowed */
            p->status = famstat;
            if (famstat == 0 && i == 1 && chance(r, 0.06))
                p->status = 1; /* spouse who is not a patient */
            if (famstat == 0 && !child && age_at(p->bdate, g->today) > 72 && chance(r, 0.06))
                p->status = 5; /* deceased */
            p->cell = chance(r, 0.85) && (!child || age_at(p->bdate, g->today) >= 13) ? 5550000 + (int)rnd(r, 10000) : 0;
            p->email = !child && chance(r, 0.75);
            k = rndf(r);
            p->txt = p->cell ? (k < 0.7 ? 1 : k < 0.8 ? 2 : 0) : 0;
            k = rndf(r);
            p->pref = k < 0.45 ? 8 : k < 0.7 ? 5 : k < 0.85 ? 4 : 0;
            p->billing = 0;
            p->relat = child ? 2 : i == 0 ? 0 : 1;
            p->first_visit = NO_DATE;
            {
                long groups = (g->nprov - 1) / 4, grp = rnd(r, groups);
                p->priprov = p->status == 3 && chance(r, 0.5)
                                 ? g->provs[g->nprov - 1].num
                                 : g->provs[grp * 4 + rnd(r, 2)].num;
                p->secprov = chance(r, 0.5) ? g->provs[grp * 4 + 2 + rnd(r, 2)].num : 0;
            }
            if (p->status == 0)
                g->active[g->nactive++] = p->num;
        }
        f++;
    }
    g->nfam = f;
    if (g->nactive == 0) { /* tiny practices: make sure someone visits */
        g->pats[0].status = 0;
        g->active[g->nactive++] = 1;
    }
}

static void seed_prefs(struct gen *g)
{
    static const char *const prefs[][2] = {
        { "DataBaseVersion", "24.3.10.0" },
        { "ProgramVersion", "24.3.10.0" },
        { "PracticeTitle", "Willamette Family Dental" },
        { "PracticeAddress", "1450 Commercial St SE" },
        { "PracticeAddress2", "Suite 200" },
        { "PracticeCity", "Salem" },
        { "PracticeST", "OR" },
        { "PracticeZip", "97302" },
        { "PracticePhone", "5035550142" },
        { "PracticeFax", "5035550143" },
        { "PracticeBankNumber", "" },
        { "PracticeDefaultProv", "1" },
        { "PracticeDefaultBillType", "@BILL0" },
        { "EasyNoClinics", "1" },
        { "EasyHideDentalSchools", "1" },
        { "EasyHideHospitals", "1" },
        { "AppointmentTimeIncrement", "10" },
        { "ScheduleProvUnassigned", "1" },
        { "ApptConfirmAutoEnabled", "0" },
        { "ApptEConfirmStatusSent", "@CONF6" },
        { "ApptEConfirmStatusAccepted", "@CONF7" },
        { "ApptEConfirmStatusDeclined", "@CONF8" },
        { "ApptEConfirmStatusSendFailed", "@CONF9" },
        { "AppointmentTimeArrivedTrigger", "@CONF10" },
        { "ApiPaymentType", "@PAY5" },
        { "BrokenApptAdjustmentType", "@ADJ5" },
        { "BrokenApptCommLog", "1" },
        { "BrokenApptProcedure", "0" },
        { "PrepaymentUnearnedType", "@UNE0" },
        { "RecallDaysPast", "1095" },
        { "RecallDaysFuture", "30" },
        { "UnschedDaysPast", "365" },
        { "UnschedDaysFuture", "30" },
        { "WebSchedNewPatAllowProvSelection", "0" },
        { "ShowFeatureMedicalInsurance", "0" },
        { "ShowFeatureEhr", "0" },
        { "FeesUseCache", "0" },
        { "TimeCardsMakesAdj", "0" },
        { "DefaultProcedurePlaceService", "0" },
        { "LanguageAndRegion", "en-US" },
        { "LanguagesUsedByPatients", "eng,spa" },
        { "DateFormat", "MM/dd/yyyy" },
        /* recall types (seed-clinical.c), as RecallTypes.SetToDefault */
        { "RecallTypeSpecialProphy", "1" },
        { "RecallTypeSpecialChildProphy", "2" },
        { "RecallTypeSpecialPerio", "3" },
        { "RecallTypesShowingInList", "1,2,3" },
        { "InsBillingProv", "0" },
        /* the ledger's (lib/db/ledger.c), at Open Dental's shipped values */
        { "RigorousAccounting", "1" },
        { "PayPlansVersion", "1" },
        { "AgingProcLifo", "0" },
        { "PayPlansBillInAdvanceDays", "10" },
        { "BalancesDontSubtractIns", "0" },
        { "ReportsShowPatNum", "0" },
        { "AgingCalculatedMonthlyInsteadOfDaily", "0" },
        { "FinanceChargeAdjustmentType", "@ADJ3" },
    };
    struct ins b;
    size_t i;
    if (ins_init(&b, &g->s, "preference", "PrefNum,PrefName,ValueString,Comments"))
        return;
    for (i = 0; i < OD_ARRAY_LEN(prefs); i++) {
        const char *v = prefs[i][1];
        vi(&b, (long long)i + 1);
        vs(&b, prefs[i][0]);
        if (v[0] == '@') { /* a DefNum: category tag + item index */
            int idx = atoi(v + 5), cat = 0;
            if (!strncmp(v, "@BILL", 5)) cat = CAT_BILLING;
            else if (!strncmp(v, "@CONF", 5)) cat = CAT_CONFIRMED;
            else if (!strncmp(v, "@PAY", 4)) cat = CAT_PAYTYPE, idx = atoi(v + 4);
            else if (!strncmp(v, "@ADJ", 4)) cat = CAT_ADJ, idx = atoi(v + 4);
            else if (!strncmp(v, "@UNE", 4)) cat = CAT_UNEARNED, idx = atoi(v + 4);
            vf(&b, "%ld", def_of(g, cat, idx));
        } else {
            vs(&b, v);
        }
        vs(&b, "");
        ins_end(&b);
    }
    ins_done(&b);
}

static const struct seed_col definition_cols[] = {
    COL("DefNum"), COL("Category"), COL("ItemOrder"), COL("ItemName"),
    COL("ItemValue"), COL("ItemColor"), COL("IsHidden"),
};

static void seed_defs(struct gen *g)
{
    struct ins b;
    size_t i;
    int order[CAT_MAX] = { 0 };
    if (INS_TABLE(&b, &g->s, "definition", definition_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(defs); i++) {
        const struct defrow *d = &defs[i];
        int o = order[d->cat]++;
        g->defnum[d->cat][o] = (long)i + 1;
        ROW(&b, definition_cols, VI((long long)i + 1), VI(d->cat), VI(o),
            VS(d->name), VS(d->value), VI(d->rgb ? color_int(d->rgb) : 0),
            VI(d->hidden));
    }
    ins_done(&b);
}

static const struct seed_col userod_cols[] = {
    COL("UserNum"), COL("UserName"), CE("Password"), COL("UserGroupNum"),
    COL("EmployeeNum"), C0("ClinicNum"), C0("ProvNum"), C0("IsHidden"),
    C0("PasswordIsStrong"), C0("IsPasswordResetRequired"),
};

static const struct seed_col provider_cols[] = {
    COL("ProvNum"), COL("Abbr"), COL("ItemOrder"), COL("LName"), COL("FName"),
    COL("MI"), COL("Suffix"), CI("FeeSched", 1), COL("Specialty"),
    COL("StateLicense"), COL("IsSecondary"), COL("ProvColor"),
    COL("OutlineColor"), COL("IsHidden"), CI("UsingTIN", 1),
    CI("SigOnFile", 1), COL("NationalProvID"), COL("DateTStamp"),
    C0("ProvStatus"), COL("IsHiddenReport"), COL("Birthdate"),
    COL("SchedNote"), CE("PreferredName"), CS("StateWhereLicensed", "OR"),
};

static const struct seed_col operatory_cols[] = {
    COL("OperatoryNum"), COL("OpName"), COL("Abbrev"), COL("ItemOrder"),
    C0("IsHidden"), COL("ProvDentist"), COL("ProvHygienist"),
    COL("IsHygiene"), C0("ClinicNum"), COL("DateTStamp"),
    COL("SetProspective"), COL("IsWebSched"), COL("IsNewPatAppt"),
    COL("OperatoryType"),
};

static void seed_staff(struct gen *g)
{
    struct rng *r = &g->r;
    struct ins b;
    long groups = g->npat / 2000 > 1 ? (g->npat + 1000) / 2000 : 1, i, k;
    static const unsigned pcolors[] = { 0x4682B4, 0xCD5C5C, 0x3CB371, 0xDAA520,
                                        0x9370DB, 0x20B2AA, 0xF08080, 0x6495ED };
    g->nprov = groups * 4 + 1;
    g->nops = groups * 5;
    g->provs = calloc((size_t)g->nprov, sizeof(*g->provs));
    g->ops = calloc((size_t)g->nops, sizeof(*g->ops));
    if (!g->provs || !g->ops) {
        fail(&g->s, ODAPI_E_NOMEM, "seeding: out of memory");
        return;
    }
    if (INS_TABLE(&b, &g->s, "provider", provider_cols))
        return;
    for (i = 0; i < g->nprov; i++) {
        struct prov *p = &g->provs[i];
        int hyg = i < groups * 4 && i % 4 >= 2, hidden = i == g->nprov - 1;
        int fem = (int)rnd(r, 2), ln = (int)rnd(r, OD_ARRAY_LEN(last_names));
        const char *fn = fem ? female_names[rnd(r, OD_ARRAY_LEN(female_names))]
                             : male_names[rnd(r, OD_ARRAY_LEN(male_names))];
        char abbr[64], mi[2] = "", lic[16], npi[16];
        long min, stamp;
        p->num = i + 1;
        p->hyg = hyg;
        p->hidden = hidden;
        if (hyg)
            snprintf(abbr, sizeof abbr, groups > 1 ? "Hyg%s%ld" : "Hyg%s",
                     fn, i + 1);
        else
            snprintf(abbr, sizeof abbr, groups > 1 ? "Dr%s%ld" : "Dr%s",
                     last_names[ln], i + 1);
        mi[0] = (char)('A' + (int)rnd(r, 26));
        snprintf(lic, sizeof lic, "%s%05ld", hyg ? "H" : "D",
                 10000 + rnd(r, 89999));
        snprintf(npi, sizeof npi, "1%09ld", rnd(r, 1000000000));
        /* the minute drawn before the day, as gcc evaluated the arguments
         * when this was one call */
        min = 540 + rnd(r, 480);
        stamp = g->today - 400 - rnd(r, 1000);
        ROW(&b, provider_cols, VI(p->num), VS(abbr), VI(i), VS(last_names[ln]),
            VS(fn), VS(mi), VS(hyg ? "RDH" : "DDS"),
            VI(def_of(g, CAT_SPECIALTY, hyg ? 1 : 0)), VS(lic), VI(hyg),
            VI(color_int(pcolors[i % OD_ARRAY_LEN(pcolors)])),
            VI(color_int(0x000000)), VI(hidden), VS(npi), VDT(stamp, min),
            VI(hidden), VDATE(g->today - 365 * 28 - rnd(r, 365 * 30)),
            VS(hidden ? "Retired" : ""));
    }
    ins_done(&b);

    if (INS_TABLE(&b, &g->s, "operatory", operatory_cols))
        return;
    for (i = 0; i < g->nops; i++) {
        struct op *o = &g->ops[i];
        long grp = i / 5, slot = i % 5, base = grp * 4, min, stamp;
        char name[48], abbrev[32];
        o->num = i + 1;
        o->hyg = slot >= 3;
        o->dent = g->provs[base + (slot == 2 || slot == 4 ? 1 : 0)].num;
        o->hygprov = o->hyg ? g->provs[base + slot - 1].num : 0;
        k = o->hyg ? grp * 2 + slot - 2 : grp * 3 + slot + 1;
        snprintf(name, sizeof name, o->hyg ? "Hygiene %ld" : "Operatory %ld",
                 k);
        snprintf(abbrev, sizeof abbrev, o->hyg ? "Hyg%ld" : "Op%ld", k);
        min = 480 + rnd(r, 60); /* before the day: gcc's argument order */
        stamp = g->today - 400 - rnd(r, 300);
        ROW(&b, operatory_cols, VI(o->num), VS(name), VS(abbrev), VI(i),
            VI(o->dent), VI(o->hygprov), VI(o->hyg), VDT(stamp, min),
            VI(slot == 2), VI(o->hyg), VI(slot == 2),
            VI(def_of(g, CAT_OPTYPE, o->hyg)));
    }
    ins_done(&b);

    if (INS_TABLE(&b, &g->s, "userod", userod_cols))
        return;
    {
        static const char *const users[] = { "Admin", "FrontDesk", "Billing" };
        /* groups and employees: seed-office.c's usergroup, employee rows */
        static const int ugroup[] = { 1, 2, 3 }, uemp[] = { 0, 2, 4 };
        for (i = 0; i < 3; i++) {
            ROW(&b, userod_cols, VI(i + 1), VS(users[i]), VI(ugroup[i]),
                VI(uemp[i]));
        }
    }
    ins_done(&b);
}

static const struct seed_col fee_cols[] = {
    COL("FeeNum"), COL("Amount"), COL("OldCode"), CI("FeeSched", 1),
    C0("UseDefaultFee"), C0("UseDefaultCov"), COL("CodeNum"), C0("ClinicNum"),
    C0("ProvNum"), CI("SecUserNumEntry", 1), COL("SecDateEntry"),
    COL("SecDateTEdit"),
};

static const struct seed_col procedurecode_cols[] = {
    COL("CodeNum"), COL("ProcCode"), COL("Descript"), COL("AbbrDesc"),
    COL("ProcTime"), COL("ProcCat"), COL("TreatArea"), COL("NoBillIns"),
    COL("IsProsth"), CE("DefaultNote"), COL("IsHygiene"), C0("PaintType"),
    C0("GraphicColor"), COL("LaymanTerm"), COL("DateTStamp"),
    COL("IsRadiology"), CE("DefaultClaimNote"), CE("DefaultTPNote"),
    CE("PaintText"), CE("DiagnosticCodes"),
};

static const struct seed_col feesched_cols[] = {
    CI("FeeSchedNum", 1), CS("Description", "Standard"), C0("FeeSchedType"),
    C0("ItemOrder"), C0("IsHidden"), CI("IsGlobal", 1),
    CI("SecUserNumEntry", 1), COL("SecDateEntry"), COL("SecDateTEdit"),
};

static void seed_codes(struct gen *g)
{
    struct ins b;
    size_t i;
    long stamp = g->today - 900;
    if (INS_TABLE(&b, &g->s, "feesched", feesched_cols))
        return;
    ROW(&b, feesched_cols, VDATE(stamp), VDT(stamp, 600));
    ins_done(&b);

    if (INS_TABLE(&b, &g->s, "procedurecode", procedurecode_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(codes); i++) {
        const struct code *c = &codes[i];
        ROW(&b, procedurecode_cols, VI((long long)i + 1), VS(c->code),
            VS(c->descript), VS(c->abbr), VS(c->time),
            VI(def_of(g, CAT_PROCCAT, c->cat)), VI(c->area), VI(c->nobill),
            VI(c->prosth), VI(c->hyg), VS(c->layman),
            VDT(stamp, 600 + (long)i), VI(c->radiology));
    }
    ins_done(&b);

    if (INS_TABLE(&b, &g->s, "fee", fee_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(codes); i++) {
        ROW(&b, fee_cols, VI((long long)i + 1), VD(codes[i].fee),
            VS(codes[i].code), VI((long long)i + 1), VDATE(stamp),
            VDT(stamp, 620));
    }
    ins_done(&b);
}

static const struct seed_col employer_cols[] = {
    COL("EmployerNum"), COL("EmpName"), COL("Address"), COL("Address2"),
    COL("City"), CS("State", "OR"), COL("Zip"), COL("Phone"),
};

/* The employers of the insurance plans (insplan.EmployerNum). */
static void seed_employers(struct gen *g)
{
    struct ins b;
    size_t i;
    if (INS_TABLE(&b, &g->s, "employer", employer_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(employers); i++) {
        char address2[512];
        snprintf(address2, sizeof address2, "%zu %s %s", 100 + i * 311 % 4800,
                 streets[i % OD_ARRAY_LEN(streets)],
                 street_kinds[i % OD_ARRAY_LEN(street_kinds)]);
        char phone2[512];
        snprintf(phone2, sizeof phone2, "(503)555-%04zu", 1200 + i * 17);
        ROW(&b, employer_cols, VI((long long)i + 1), VS(employers[i]),
            VS(address2), VS(i % 4 == 1 ? "Suite 100" : ""),
            VS(cities[i % 6].city), VS(cities[i % 6].zip), VS(phone2));
    }
    ins_done(&b);
}

static const struct seed_col carrier_cols[] = {
    COL("CarrierNum"), COL("CarrierName"), COL("Address"), CE("Address2"),
    COL("City"), COL("State"), COL("Zip"), COL("Phone"), COL("ElectID"),
    C0("NoSendElect"), C0("IsHidden"), CI("SecUserNumEntry", 1),
    COL("SecDateEntry"), COL("SecDateTEdit"), CE("TIN"),
};

/* The carriers of carriers[]. */
static void seed_carriers(struct gen *g, long stamp)
{
    struct ins b;
    long i;

    if (INS_TABLE(&b, &g->s, "carrier", carrier_cols))
        return;
    for (i = 0; i < (long)OD_ARRAY_LEN(carriers); i++) {
        ROW(&b, carrier_cols, VI(i + 1), VS(carriers[i][0]),
            VS(carriers[i][1]), VS(carriers[i][2]), VS(carriers[i][3]),
            VS(carriers[i][4]), VS(carriers[i][5]), VS(carrier_eid[i]),
            VDATE(stamp), VDT(stamp, 600 + i));
    }
    ins_done(&b);

}

/* The insurance plans, one per 25 patients (at least 4), into g->plans. */
static const struct seed_col insplan_cols[] = {
    COL("PlanNum"), COL("GroupName"), COL("GroupNum"), CE("PlanNote"),
    C0("FeeSched"), COL("PlanType"), C0("ClaimFormNum"), COL("CarrierNum"),
    COL("EmployerNum"), C0("IsMedical"), C0("IsHidden"), COL("MonthRenew"),
    C0("CobRule"), CI("SecUserNumEntry", 1), COL("SecDateEntry"),
    COL("SecDateTEdit"),
};

static void seed_plans(struct gen *g, long stamp)
{
    struct rng *r = &g->r;
    struct ins b;
    long i;
    char name[160], group[32];

    if (INS_TABLE(&b, &g->s, "insplan", insplan_cols))
        return;
    for (i = 0; i < g->nplans; i++) {
        long ne = (long)OD_ARRAY_LEN(employers), renew;
        if (i < ne)
            snprintf(name, sizeof name, "%s", employers[i]);
        else
            snprintf(name, sizeof name, "%s %ld", employers[i % ne],
                     i / ne + 1);
        snprintf(group, sizeof group, "%06ld", 100000 + rnd(r, 900000));
        g->plans[i].ppo = chance(r, 0.35);
        g->plans[i].carrier = 1 + rnd(r, (long)OD_ARRAY_LEN(carriers));
        renew = chance(r, 0.8) ? 0 : 7;
        ROW(&b, insplan_cols, VI(i + 1), VS(name), VS(group),
            VS(g->plans[i].ppo ? "p" : ""), VI(g->plans[i].carrier),
            VI(i % ne + 1), /* seed_employers */
            VI(renew), VDATE(stamp + i % 200), VDT(stamp + i % 200, 630));
    }
    ins_done(&b);

}

static const struct seed_col benefit_cols[] = {
    COL("BenefitNum"), COL("PlanNum"), C0("PatPlanNum"), C0("CovCatNum"),
    COL("BenefitType"), COL("Percent"), COL("MonetaryAmt"), COL("TimePeriod"),
    C0("QuantityQualifier"), C0("Quantity"), COL("CodeNum"),
    COL("CoverageLevel"), COL("SecDateTEntry"), COL("SecDateTEdit"),
    C0("CodeGroupNum"), C0("TreatArea"),
};

/* A few benefits per plan: annual max, deductible, coinsurance. */
static void seed_benefits(struct gen *g, long stamp)
{
    struct rng *r = &g->r;
    struct ins b;
    long i, bnum = 0;

    if (INS_TABLE(&b, &g->s, "benefit", benefit_cols))
        return;
    for (i = 0; i < g->nplans; i++) {
        static const struct { int type, pct; double amt; const char *code; } ben[] = {
            { 5, -1, 0, NULL },        /* Limitations: annual max */
            { 2, -1, 50, NULL },       /* Deductible */
            { 1, 100, -1, "D0120" },   /* CoInsurance */
            { 1, 100, -1, "D1110" },
            { 1, 80, -1, "D2391" },
            { 1, 50, -1, "D2740" },
        };
        size_t k;
        double max = 1000 + 500 * (double)rnd(r, 4);
        g->plans[i].annual_max = max;
        g->plans[i].deductible = 50;
        for (k = 0; k < OD_ARRAY_LEN(ben); k++) {
            ++bnum;
            ROW(&b, benefit_cols, VI(bnum), VI(i + 1), VI(ben[k].type),
                VI(ben[k].pct), VD(ben[k].type == 5 ? max : ben[k].amt),
                VI(ben[k].type == 1 ? 0 : 2), /* CalendarYear */
                VI(ben[k].code ? code_idx(ben[k].code) + 1 : 0),
                VI(ben[k].type == 1 ? 0 : 1), /* Individual */
                VDT(stamp + i % 200, 640), VDT(stamp + i % 200, 640));
        }
    }
    ins_done(&b);

}

/* The subscribers of one family (the guarantor, sometimes the spouse too):
 * their inssub rows; subs[] and plans[] get their numbers. Returns how
 * many. */
static const struct seed_col inssub_cols[] = {
    COL("InsSubNum"), COL("PlanNum"), COL("Subscriber"), COL("DateEffective"),
    { "DateTerm", VDATE(NO_DATE) }, CI("ReleaseInfo", 1), CI("AssignBen", 1),
    COL("SubscriberID"), CE("BenefitNotes"), CE("SubscNote"),
    CI("SecUserNumEntry", 2), COL("SecDateEntry"), COL("SecDateTEdit"),
};

static const struct seed_col patplan_cols[] = {
    COL("PatPlanNum"), COL("PatNum"), COL("Ordinal"), C0("IsPending"),
    COL("Relationship"), CE("PatID"), COL("InsSubNum"), COL("SecDateTEntry"),
    COL("SecDateTEdit"),
};

static int seed_family_subs(struct gen *g, struct ins *sub, long gnum,
                            long spouse, long *subnum, long subs[2],
                            long plans[2])
{
    struct rng *r = &g->r;
    long eff, idnum;
    int nsub = 0, j;
    char id[32];

    for (j = 0; j < 2; j++) {
        long who = j == 0 ? gnum : spouse;
        if (j == 1 && (!spouse || !chance(r, 0.3)))
            break;
        eff = g->today - 30 - rnd(r, 2500);
        subs[j] = ++*subnum;
        plans[j] = 1 + rnd(r, g->nplans);
        nsub++;
        /* the number drawn before the letter, as gcc evaluated the
         * arguments when this was one call */
        idnum = rnd(r, 100000000);
        snprintf(id, sizeof id, "%c%08ld", 'A' + (int)rnd(r, 26), idnum);
        ROW(sub, inssub_cols, VI(*subnum), VI(plans[j]), VI(who), VDATE(eff),
            VS(id), VDATE(eff), VDT(eff, 600 + rnd(r, 480)));
    }
    return nsub;
}

/* The patplan rows of one family: everyone covered by the family's
 * subscriptions, the spouse's own first. */
static void seed_family_patplans(struct gen *g, struct ins *pp, long f,
                                 long gnum, long spouse, int nsub,
                                 const long subs[2], const long plans[2],
                                 long *ppnum)
{
    long pn;

    for (pn = gnum; pn <= g->npat && pat_of(g, pn)->fam == (int)f; pn++) {
        struct pat *p = pat_of(g, pn);
        int order[2] = { 0, 1 }, o;
        if (p->num == spouse && nsub == 2)
            order[0] = 1, order[1] = 0;
        for (o = 0; o < nsub; o++) {
            int sj = order[o];
            long subscriber = sj == 0 ? gnum : spouse;
            int relat = p->num == subscriber ? 0 : p->relat == 2 ? 2 : 1;
            long since = g->today - 30 - (pn * 7) % 700;
            ROW(pp, patplan_cols, VI(++*ppnum), VI(p->num), VI(o + 1),
                VI(relat), VI(subs[sj]), VDT(since, 610), VDT(since, 610));
            if (o == 0) {
                p->plan1 = plans[sj];
                p->sub1 = subs[sj];
                p->rel1 = relat;
            } else {
                p->plan2 = plans[sj];
                p->sub2 = subs[sj];
                p->rel2 = relat;
            }
        }
    }
}

static void seed_insurance(struct gen *g)
{
    struct rng *r = &g->r;
    struct ins sub, pp;
    long f, subnum = 0, ppnum = 0;
    long stamp = g->today - 700;
    g->nplans = g->npat / 25 > 4 ? g->npat / 25 : 4;
    if (!(g->plans = calloc((size_t)g->nplans, sizeof(*g->plans)))) {
        fail(&g->s, ODAPI_E_NOMEM, "seeding: out of memory");
        return;
    }
    /* each step stops at a failure of its own; the seeding then stops */
    seed_carriers(g, stamp);
    if (!g->s.rc)
        seed_plans(g, stamp);
    if (!g->s.rc)
        seed_benefits(g, stamp);
    if (g->s.rc)
        return;
    if (INS_TABLE(&sub, &g->s, "inssub", inssub_cols) ||
        INS_TABLE(&pp, &g->s, "patplan", patplan_cols))
        return;
    for (f = 0; f < g->nfam; f++) {
        long gnum = g->fams[f].guar, spouse = 0, subs[2] = { 0, 0 }, plans[2] = { 0, 0 };
        long pn;
        int nsub;
        struct pat *gp = pat_of(g, gnum);
        if (gp->status == 6 || !chance(r, 0.62))
            continue;
        for (pn = gnum + 1; pn <= g->npat && pat_of(g, pn)->fam == (int)f; pn++)
            if (pat_of(g, pn)->relat == 1)
                spouse = pn;
        nsub = seed_family_subs(g, &sub, gnum, spouse, &subnum, subs, plans);
        seed_family_patplans(g, &pp, f, gnum, spouse, nsub, subs, plans,
                             &ppnum);
    }
    ins_done(&sub);
    ins_done(&pp);
}

static const struct seed_col scheduleop_cols[] = {
    COL("ScheduleOpNum"), COL("ScheduleNum"), COL("OperatoryNum"),
};

static const struct seed_col schedule_cols[] = {
    COL("ScheduleNum"), COL("SchedDate"), COL("StartTime"), COL("StopTime"),
    COL("SchedType"), COL("ProvNum"), C0("BlockoutType"), COL("Note"),
    C0("Status"), C0("EmployeeNum"), COL("DateTStamp"), C0("ClinicNum"),
};

static void seed_schedules(struct gen *g)
{
    struct ins b, so;
    long day, i, k;
    if (INS_TABLE(&b, &g->s, "schedule", schedule_cols) ||
        INS_TABLE(&so, &g->s, "scheduleop", scheduleop_cols))
        return;
    for (day = g->today - 14; day < g->today + 28; day++) {
        int wd = weekday(day);
        long stamp = (day < g->today ? day : g->today) - 21;
        if (wd == 0 || wd == 6) {
            /* closed: a practice note (SchedType Practice, no provider),
             * as Open Dental's appointment module shows one, so that the
             * day's schedule is not empty on a weekend */
            ++g->schednum;
            ROW(&b, schedule_cols, VI(g->schednum), VDATE(day), VS("00:00:00"),
                VS("00:00:00"), VI(0), VI(0), VS("Office closed (weekend)"),
                VDT(stamp, 480));
            continue;
        }
        for (i = 0; i < g->nprov; i++) {
            const struct prov *p = &g->provs[i];
            int half;
            if (p->hidden)
                continue;
            for (half = 0; half < 2; half++) {
                ++g->schednum;
                ROW(&b, schedule_cols, VI(g->schednum), VDATE(day),
                    VS(half ? "13:00:00" : "08:00:00"),
                    VS(half ? "17:00:00" : "12:00:00"), VI(1), VI(p->num),
                    VS(""), VDT(stamp, 480 + half));
                for (k = 0; k < g->nops; k++) {
                    const struct op *o = &g->ops[k];
                    if (p->hyg ? o->hygprov != p->num : (o->hyg || o->dent != p->num))
                        continue;
                    ++g->schedopnum;
                    ROW(&so, scheduleop_cols, VI(g->schedopnum),
                        VI(g->schednum), VI(o->num));
                }
            }
        }
    }
    ins_done(&b);
    ins_done(&so);
}

/* ---- appointments, procedures, payments, commlogs -------------------------- */

struct vproc {
    int code;
    char tooth[4], surf[8];
};

struct visit {
    int n;
    struct vproc p[6];
};

static const int molars[] = { 2, 3, 14, 15, 18, 19, 30, 31 };
static const int premolars[] = { 4, 5, 12, 13, 20, 21, 28, 29 };
static const int anteriors[] = { 6, 7, 8, 9, 10, 11, 22, 23, 24, 25, 26, 27 };

static void add_proc(struct visit *v, const char *code, int tooth,
                     const char *surf)
{
    struct vproc *p;
    if (v->n >= 6)
        return;
    p = &v->p[v->n++];
    p->code = code_idx(code);
    p->tooth[0] = p->surf[0] = '\0';
    if (tooth)
        snprintf(p->tooth, sizeof(p->tooth), "%d", tooth);
    if (surf)
        snprintf(p->surf, sizeof(p->surf), "%s", surf);
}

static int pick_tooth(struct rng *r, int kind)
{
    switch (kind) {
    case 0: return molars[rnd(r, OD_ARRAY_LEN(molars))];
    case 1: return premolars[rnd(r, OD_ARRAY_LEN(premolars))];
    default: return anteriors[rnd(r, OD_ARRAY_LEN(anteriors))];
    }
}

static void add_filling(struct rng *r, struct visit *v)
{
    static const char *const post1[] = { "O", "B", "L" };
    static const char *const post2[] = { "MO", "DO", "OB", "OL" };
    static const char *const ant1[] = { "F", "L", "M", "D" };
    static const char *const ant2[] = { "MF", "DF", "ML", "DL" };
    int kind = (int)rnd(r, 5), tooth, nsurf = 1 + (int)rnd(r, 3);
    if (kind >= 2) { /* posterior, mostly */
        tooth = pick_tooth(r, kind == 4 ? 1 : 0);
        if (chance(r, 0.15))
            add_proc(v, nsurf == 1 ? "D2140" : "D2150", tooth,
                     nsurf == 1 ? post1[rnd(r, 3)] : post2[rnd(r, 4)]);
        else
            add_proc(v, nsurf == 1 ? "D2391" : nsurf == 2 ? "D2392" : "D2393",
                     tooth, nsurf == 1 ? post1[rnd(r, 3)]
                                       : nsurf == 2 ? post2[rnd(r, 4)] : "MOD");
    } else {
        tooth = pick_tooth(r, 2);
        add_proc(v, nsurf == 1 ? "D2330" : "D2331", tooth,
                 nsurf == 1 ? ant1[rnd(r, 4)] : ant2[rnd(r, 4)]);
    }
}

/* What a patient comes in for, given the kind of operatory. */
static void make_visit(struct gen *g, const struct pat *p, int hygop, long day,
                       struct visit *v)
{
    struct rng *r = &g->r;
    double k = rndf(r);
    int age = age_at(p->bdate, day);
    static const char *const quads[][2] = { { "UR", "LR" }, { "UL", "LL" } };
    v->n = 0;
    if (hygop) {
        if (age < 14) {
            add_proc(v, "D0120", 0, NULL);
            add_proc(v, "D1120", 0, NULL);
            add_proc(v, "D1206", 0, NULL);
            if (chance(r, 0.3))
                add_proc(v, "D0272", 0, NULL);
        } else if (k < 0.08) {
            add_proc(v, "D0150", 0, NULL);
            add_proc(v, "D0210", 0, NULL);
            add_proc(v, "D1110", 0, NULL);
        } else if (k < 0.15) {
            int q = (int)rnd(r, 2);
            add_proc(v, "D4341", 0, quads[q][0]);
            add_proc(v, "D4341", 0, quads[q][1]);
        } else if (k < 0.30) {
            add_proc(v, "D4910", 0, NULL);
            add_proc(v, "D0120", 0, NULL);
        } else {
            add_proc(v, "D0120", 0, NULL);
            add_proc(v, "D1110", 0, NULL);
            if (chance(r, 0.35))
                add_proc(v, "D0274", 0, NULL);
        }
        return;
    }
    if (age < 14) {
        if (k < 0.5) {
            add_proc(v, "D1351", molars[rnd(r, 4) * 2 + 1], NULL);
            add_proc(v, "D1351", molars[rnd(r, 4) * 2 + 1], NULL);
        } else if (k < 0.8) {
            add_filling(r, v);
        } else {
            add_proc(v, "D0140", 0, NULL);
            add_proc(v, "D0220", pick_tooth(r, 0), NULL);
        }
        return;
    }
    if (k < 0.38) {
        add_filling(r, v);
        if (chance(r, 0.35))
            add_filling(r, v);
    } else if (k < 0.53) {
        int t = pick_tooth(r, (int)rnd(r, 2));
        add_proc(v, "D2950", t, NULL);
        add_proc(v, chance(r, 0.6) ? "D2740" : chance(r, 0.7) ? "D2750" : "D2790", t, NULL);
    } else if (k < 0.61) {
        int kind = (int)rnd(r, 3), t = pick_tooth(r, kind);
        add_proc(v, kind == 0 ? "D3330" : kind == 1 ? "D3320" : "D3310", t, NULL);
    } else if (k < 0.69) {
        int t = pick_tooth(r, (int)rnd(r, 3));
        add_proc(v, chance(r, 0.7) ? "D7140" : "D7210", t, NULL);
        if (chance(r, 0.2))
            add_proc(v, "D9230", 0, NULL);
    } else if (k < 0.79) {
        int t = pick_tooth(r, (int)rnd(r, 3));
        add_proc(v, "D0140", 0, NULL);
        add_proc(v, "D0220", t, NULL);
        add_proc(v, "D9110", 0, NULL);
    } else if (k < 0.87) {
        add_proc(v, "D0150", 0, NULL);
        add_proc(v, "D0330", 0, NULL);
    } else if (k < 0.90) {
        add_proc(v, "D9972", 0, "U");
        add_proc(v, "D9972", 0, "L");
    } else if (k < 0.92) {
        /* arguments in the order gcc draws them (last first): C leaves
         * it open, and the practice must not depend on the compiler */
        const char *arch = chance(r, 0.5) ? "U" : "L";
        add_proc(v, chance(r, 0.5) ? "D5110" : "D5120", 0, arch);
    } else if (k < 0.94) {
        add_proc(v, "D6010", pick_tooth(r, (int)rnd(r, 2)), NULL);
    } else if (k < 0.96 && age < 40) {
        add_proc(v, "D7240", chance(r, 0.5) ? 1 : 32, NULL);
    } else {
        add_filling(r, v);
    }
}

/* Pattern of a visit: the codes' times, at least 20 minutes, an even
 * number of 5-minute steps. Returns its length in characters. */
static size_t visit_pattern(const struct visit *v, char *pat, size_t cap)
{
    size_t len = 0;
    int i;
    for (i = 0; i < v->n; i++) {
        const char *t = codes[v->p[i].code].time;
        size_t n = strlen(t);
        if (len + n >= cap - 4)
            break;
        memcpy(pat + len, t, n);
        len += n;
    }
    while (len < 4 || len % 2)
        pat[len++] = '/';
    pat[len] = '\0';
    return len;
}

static void visit_descript(const struct visit *v, char *out, size_t cap)
{
    size_t len = 0;
    int i;
    out[0] = '\0';
    for (i = 0; i < v->n && len < cap; i++) {
        const struct vproc *p = &v->p[i];
        int n;
        if (p->tooth[0])
            n = snprintf(out + len, cap - len, "%s#%s-%s%s%s", i ? ", " : "",
                         p->tooth, p->surf, p->surf[0] ? "-" : "",
                         codes[p->code].abbr);
        else
            n = snprintf(out + len, cap - len, "%s%s", i ? ", " : "",
                         codes[p->code].abbr);
        if (n < 0)
            break;
        len += (size_t)n;
    }
}

static long pick_patient(struct gen *g, int future)
{
    struct rng *r = &g->r;
    if (!future && chance(r, 0.08)) {
        long pn = 1 + rnd(r, g->npat);
        int st = pat_of(g, pn)->status;
        if (st == 0 || st == 2 || st == 3 || st == 5)
            return pn;
    }
    return g->active[rnd(r, g->nactive)];
}

static const char *const apt_notes[] = {
    "Pt prefers afternoon appointments.",
    "Premed required - amoxicillin 2g 1 hr prior.",
    "Nervous patient; offer nitrous.",
    "Running late per phone call.",
    "Bring updated insurance card.",
    "Pt requested reminder by text.",
};

/* Tell the other parts of the practice about a procedure just written:
 * insurance estimates (seed-money.c), recalls and treatment plans
 * (seed-clinical.c). */
static void proc_written(struct gen *g, long procnum, long patnum, long aptnum,
                         long planned, long prov, long day, long tpday,
                         int code, int status, long priority, double fee,
                         const char *tooth, const char *surf)
{
    struct seed_proc sp;
    sp.tpday = tpday;
    sp.priority = priority;
    sp.procnum = procnum;
    sp.patnum = patnum;
    sp.aptnum = aptnum;
    sp.planned = planned;
    sp.prov = prov;
    sp.day = day;
    sp.code = code;
    sp.status = status;
    sp.fee = fee;
    sp.tooth = tooth;
    sp.surf = surf;
    seed_money_proc(g, &sp);
    seed_clin_proc(g, &sp);
}

/* The procedures of seed_appointments and seed_ledger_history. */
static const struct seed_col procedurelog_cols[] = {
    COL("ProcNum"), COL("PatNum"), COL("AptNum"), COL("ProcDate"),
    COL("ProcFee"), COL("Surf"), COL("ToothNum"), COL("Priority"),
    COL("ProcStatus"), COL("ProvNum"), COL("Dx"), COL("PlannedAptNum"),
    C0("PlaceService"), COL("Prosthesis"), COL("DateEntryC"), C0("ClinicNum"),
    COL("CodeNum"), CI("UnitQty", 1), COL("DateTP"), COL("DateTStamp"),
    CI("SecUserNumEntry", 2), COL("SecDateEntry"), COL("DateComplete"),
    CE("BillingNote"),
};

static void write_procs(struct gen *g, const struct visit *v, const struct op *o,
                        long patnum, long aptnum, long planned, long day,
                        long endmin, int status, long tpday, long *procnums,
                        double *fees)
{
    struct rng *r = &g->r;
    int i;
    for (i = 0; i < v->n; i++) {
        const struct vproc *vp = &v->p[i];
        const struct code *c = &codes[vp->code];
        long prov = c->hyg && o && o->hyg ? o->hygprov : o ? o->dent : pat_of(g, patnum)->priprov;
        int restorative = c->cat == PC_FILL || c->cat == PC_CROWN || c->cat == PC_ENDO;
        struct ins *b = &g->proc;
        long pri, dx;
        procnums[i] = ++g->procnum;
        fees[i] = c->fee;
        pri = status == 1 && restorative && chance(r, 0.5) ? def_of(g, CAT_TXPRI, (int)rnd(r, 3)) : 0;
        dx = restorative && chance(r, 0.6) ? def_of(g, CAT_DX, c->cat == PC_FILL ? 0 : (int)rnd(r, 5)) : 0;
        ROW(b, procedurelog_cols, VI(g->procnum), VI(patnum), VI(aptnum),
            VDATE(status == 2 ? day : (day == NO_DATE ? tpday : day)),
            VD(c->fee), VS(vp->surf), VS(vp->tooth), VI(pri), VI(status),
            VI(prov), VI(dx), VI(planned), VS(c->prosth ? "I" : ""),
            VDATE(status == 2 ? day : NO_DATE), VI(vp->code + 1),
            VDATE(tpday),
            VDT(status == 2 ? day : tpday,
                status == 2 ? endmin : 540 + (long)i),
            VDT(tpday, 540 + (long)i), VDATE(status == 2 ? day : NO_DATE));
        proc_written(g, g->procnum, patnum, aptnum, planned, prov,
                     status == 2 ? day : (day == NO_DATE ? tpday : day), tpday,
                     vp->code, status, pri, c->fee, vp->tooth, vp->surf);
    }
}

static const struct seed_col paysplit_cols[] = {
    COL("SplitNum"), COL("SplitAmt"), COL("PatNum"), COL("ProcDate"),
    COL("PayNum"), COL("ProvNum"), COL("DatePay"), COL("ProcNum"),
    COL("DateEntry"), COL("UnearnedType"), C0("ClinicNum"),
    CI("SecUserNumEntry", 2), COL("SecDateTEdit"),
};

static const struct seed_col payment_cols[] = {
    COL("PayNum"), COL("PayType"), COL("PayDate"), COL("PayAmt"),
    COL("CheckNum"), CE("BankBranch"), COL("PayNote"), COL("IsSplit"),
    COL("PatNum"), C0("ClinicNum"), COL("DateEntry"), CE("Receipt"),
    CI("SecUserNumEntry", 2), COL("SecDateTEdit"), C0("PaymentSource"),
    C0("ProcessStatus"),
};

int pay_open(struct ins *b, struct seeder *s)
{
    return INS_TABLE(b, s, "payment", payment_cols);
}

void pay_row(struct ins *b, long paynum, long paytype, long day, long min,
             double amt, const char *check, const char *note, int split,
             long patnum)
{
    ROW(b, payment_cols, VI(paynum), VI(paytype), VDATE(day), VD(amt),
        VS(check), VS(note), VI(split), VI(patnum), VDATE(day), VDT(day, min));
}

static void write_payment(struct gen *g, struct pat *p, long day, long min,
                          long prov, const long *procnums, const double *fees,
                          const long *provs, int n)
{
    struct rng *r = &g->r;
    double total = 0, amt, left;
    int i, paytype, nsplit = 0;
    char check[24] = "";
    for (i = 0; i < n; i++)
        total += fees[i];
    if (total <= 0)
        return;
    amt = chance(r, 0.85) ? total : floor(total * (0.3 + 0.5 * rndf(r)) / 10) * 10;
    if (amt <= 0)
        return;
    for (i = 0, left = amt; i < n && left > 0; i++)
        if (fees[i] > 0)
            nsplit++, left -= fees[i];
    paytype = (int)rnd(r, 100);
    paytype = paytype < 45 ? 2 : paytype < 65 ? 0 : paytype < 80 ? 1 : paytype < 95 ? 3 : 4;
    if (paytype == 0)
        snprintf(check, sizeof check, "%ld", 1000 + rnd(r, 9000));
    pay_row(&g->pay, ++g->paynum, def_of(g, CAT_PAYTYPE, paytype), day, min,
            amt, check, amt < total ? "Partial payment at checkout." : "",
            nsplit > 1, p->guar);
    for (i = 0, left = amt; i < n && left > 0.005; i++) {
        double s = fees[i] < left ? fees[i] : left;
        if (fees[i] <= 0)
            continue;
        left -= s;
        p->paid += s;
        ++g->splitnum;
        ROW(&g->split, paysplit_cols, VI(g->splitnum), VD(s), VI(p->num),
            VDATE(day), VI(g->paynum), VI(provs[i] ? provs[i] : prov),
            VDATE(day), VI(procnums[i]), VDATE(day), VI(0), VDT(day, min));
    }
}

static const struct seed_col commlog_cols[] = {
    COL("CommlogNum"), COL("PatNum"), COL("CommDateTime"), COL("CommType"),
    COL("Note"), COL("Mode_"), COL("SentOrReceived"), COL("UserNum"),
    CE("Signature"), COL("DateTStamp"), COL("CommSource"), COL("DateTEntry"),
};

static void write_commlog(struct gen *g, long patnum, long day, long min,
                          int type, int mode, int sent, int source,
                          const char *note)
{
    struct ins *b = &g->comm;
    ++g->commnum;
    ROW(b, commlog_cols, VI(g->commnum), VI(patnum), VDT(day, min),
        VI(def_of(g, CAT_COMMLOG, type)), VS(note), VI(mode), VI(sent),
        VI(source == 3 ? 0 : 1 + g->commnum % 2), VDT(day, min), VI(source),
        VDT(day, min));
}

static const struct seed_col appointment_cols[] = {
    COL("AptNum"), COL("PatNum"), COL("AptStatus"), COL("Pattern"),
    COL("Confirmed"), C0("TimeLocked"), COL("Op"), COL("Note"), COL("ProvNum"),
    COL("ProvHyg"), COL("AptDateTime"), C0("NextAptNum"), COL("UnschedStatus"),
    COL("IsNewPatient"), COL("ProcDescript"), C0("ClinicNum"),
    COL("IsHygiene"), COL("DateTStamp"), COL("DateTimeArrived"),
    COL("DateTimeSeated"), COL("DateTimeDismissed"), COL("InsPlan1"),
    COL("InsPlan2"), CE("ProcsColored"), C0("ColorOverride"),
    C0("AppointmentTypeNum"), CI("SecUserNumEntry", 2), COL("SecDateTEntry"),
    COL("Priority"), COL("PatternSecondary"), COL("ItemOrderPlanned"),
};

static void write_apt(struct gen *g, long aptnum, long patnum, int status,
                      const char *pattern, long confirmed, const struct op *o,
                      long provnum, long provhyg, const char *note, long day,
                      long min, long unsched, int isnew, const char *descript,
                      int ishyg, long stampday, long stampmin, int arrived,
                      long bookday, int priority, int planned)
{
    struct ins *b = &g->apt;
    const struct pat *p = pat_of(g, patnum);
    char sec[80];
    size_t n = strlen(pattern);
    long end = min + (long)n * 5;
    memset(sec, '/', n < sizeof(sec) ? n : sizeof(sec) - 1);
    sec[n < sizeof(sec) ? n : sizeof(sec) - 1] = '\0';
    ROW(b, appointment_cols, VI(aptnum), VI(patnum), VI(status), VS(pattern),
        VI(confirmed), VI(o ? o->num : 0), VS(note), VI(provnum), VI(provhyg),
        VDT(day, min), VI(unsched), VI(isnew), VS(descript), VI(ishyg),
        VDT(stampday, stampmin), VDT(arrived ? day : NO_DATE, min - 6),
        VDT(arrived ? day : NO_DATE, min + 2),
        VDT(arrived ? day : NO_DATE, end + 3), VI(p->plan1), VI(p->plan2),
        VDT(bookday, 480 + (aptnum * 7) % 540), VI(priority), VS(sec),
        VI(planned));
}

/* A visit's status (1 scheduled, 2 complete, 3 unscheduled, 5 broken), its
 * confirmation and, for the future, its priority: upcoming ones mostly
 * unconfirmed, past ones mostly complete. */
static int visit_status(struct gen *g, long day, int future, long *confirmed,
                        long *unsched, int *priority)
{
    struct rng *r = &g->r;
    int status, i;

    if (future) {
        long ahead = day - g->today;
        double k = rndf(r);
        status = 1;
        *priority = chance(r, 0.06);
        if (ahead <= 2)
            i = k < 0.5 ? 2 : k < 0.7 ? 7 : k < 0.85 ? 3 : 1;
        else if (ahead <= 7)
            i = k < 0.4 ? 1 : k < 0.6 ? 3 : k < 0.8 ? 4 : 0;
        else
            i = k < 0.85 ? 0 : 1;
        *confirmed = def_of(g, CAT_CONFIRMED, i);
    } else {
        double k = rndf(r);
        status = k < 0.9 ? 2 : k < 0.96 ? 5 : 3;
        if (status == 2)
            *confirmed = def_of(g, CAT_CONFIRMED, chance(r, 0.7) ? 2 : chance(r, 0.6) ? 7 : 10);
        else
            *confirmed = def_of(g, CAT_CONFIRMED, chance(r, 0.5) ? 3 : 1);
        if (status == 3)
            *unsched = def_of(g, CAT_UNSCHED, (int)rnd(r, 5));
    }
    return status;
}

/* What follows a visit: for a complete one the charges, insurance,
 * payment and a reminder; a broken or cancelled one's fee and note; an
 * upcoming one's confirmation call. */
static void visit_follow_up(struct gen *g, const struct op *o,
                            const struct visit *v, struct pat *p, long patnum,
                            long day, long t, long end, int status,
                            long *procnums, long *provs, double *fees)
{
    struct rng *r = &g->r;
    int i;

    if (status == 2) {
        struct seed_visit sv;
        int vcodes[6];
        double share[6];
        for (i = 0; i < v->n; i++) {
            p->charges += fees[i];
            vcodes[i] = v->p[i].code;
        }
        sv.p = p;
        sv.aptnum = g->aptnum;
        sv.day = day;
        sv.endmin = end;
        sv.n = v->n;
        sv.procnums = procnums;
        sv.provs = provs;
        sv.fees = fees;
        sv.codeidx = vcodes;
        /* insurance first: the patient pays the estimated rest */
        seed_money_visit(g, &sv, share);
        if (chance(r, 0.9))
            write_payment(g, p, day, end + 4, o->dent, procnums, share, provs, v->n);
        if (chance(r, 0.3))
            write_commlog(g, patnum, day - 2, 600 + rnd(r, 60), 0, 5, 1, 3,
                          "Appointment reminder sent by text message.");
    } else if (status == 5 || status == 3) {
        if (status == 5) /* the broken appointment fee */
            seed_money_broken(g, p, g->aptnum, day, t + 20, o->dent);
        write_commlog(g, patnum, day, t + 20, 0, 3, 1, 0,
                      status == 5 ? "Patient did not show. Left message to reschedule."
                                  : "Patient cancelled; moved to the unscheduled list.");
    } else if (day - g->today <= 7 && chance(r, 0.5)) {
        int text = p->txt == 1;
        write_commlog(g, patnum, g->today - 1, 600 + rnd(r, 300), 0,
                      text ? 5 : 3, 1, text ? 3 : 0,
                      text ? "Confirmation request sent by text message."
                           : "Called to confirm appointment, left message.");
    }
}

static void seed_op_day(struct gen *g, const struct op *o, long day)
{
    struct rng *r = &g->r;
    int future = day >= g->today;
    double fill = future ? 0.92 - 0.6 * (double)(day - g->today) / 28.0 : 0.8;
    long t = 480;
    for (;;) {
        struct visit v;
        char pattern[96], descript[256];
        long patnum, end, book, procnums[6], provs[6], confirmed, unsched = 0;
        long stampmin;
        const char *note;
        double fees[6];
        struct pat *p;
        int status, isnew = 0, i, priority = 0, pstat;
        size_t plen;
        if (t >= 720 && t < 780)
            t = 780;
        if (t >= 1020)
            break;
        if (!chance(r, fill)) {
            t += 10 * (1 + rnd(r, 3));
            continue;
        }
        patnum = pick_patient(g, future);
        p = pat_of(g, patnum);
        make_visit(g, p, o->hyg, day, &v);
        plen = visit_pattern(&v, pattern, sizeof(pattern));
        end = t + (long)plen * 5;
        if (t < 720 && end > 720) {
            t = 780;
            continue;
        }
        if (end > 1020)
            break;
        visit_descript(&v, descript, sizeof(descript));

        book = day - 1 - rnd(r, 90);
        if (book >= g->today)
            book = g->today - 1 - rnd(r, 3);
        status = visit_status(g, day, future, &confirmed, &unsched,
                              &priority);
        if (p->first_visit == NO_DATE && (status == 2 || future)) {
            isnew = 1;
            if (status == 2)
                p->first_visit = day;
        }
        ++g->aptnum;
        /* drawn in the order gcc evaluated the arguments (last first) */
        stampmin = status == 2 ? end + 5
                   : status == 1 ? 540 + rnd(r, 420) : t + 15;
        note = chance(r, 0.07) ? apt_notes[rnd(r, OD_ARRAY_LEN(apt_notes))]
                               : "";
        write_apt(g, g->aptnum, patnum, status, pattern, confirmed, o, o->dent,
                  o->hyg ? o->hygprov : 0, note, day, t, unsched, isnew,
                  descript, o->hyg,
                  status == 2 ? day : status == 1 ? book : day, stampmin,
                  status == 2, book, priority, 0);

        pstat = status == 2 ? 2 : 1;
        write_procs(g, &v, o, patnum, g->aptnum, 0, day, end, pstat,
                    pstat == 2 && o->hyg ? day : book, procnums, fees);
        for (i = 0; i < v.n; i++) {
            const struct code *c = &codes[v.p[i].code];
            provs[i] = c->hyg && o->hyg ? o->hygprov : o->dent;
        }
        visit_follow_up(g, o, &v, p, patnum, day, t, end, status, procnums,
                        provs, fees);
        t = end;
    }
}

/* Appointments per operatory and working day in the past, measured; used
 * to size the history so the practice has about 10 per patient. */
#define APTS_PER_OP_DAY 8.6

static void seed_appointments(struct gen *g)
{
    struct rng *r = &g->r;
    long target = g->npat * 10, pastdays, day, start, i, k;
    if (INS_TABLE(&g->apt, &g->s, "appointment", appointment_cols) ||
        INS_TABLE(&g->proc, &g->s, "procedurelog", procedurelog_cols) ||
        pay_open(&g->pay, &g->s) ||
        INS_TABLE(&g->split, &g->s, "paysplit", paysplit_cols) ||
        INS_TABLE(&g->comm, &g->s, "commlog", commlog_cols))
        return;

    /* The coming 4 weeks hold roughly half-full books; the rest is history. */
    target -= (long)(g->nops * 20 * 0.6 * APTS_PER_OP_DAY);
    if (target < g->nops * 5)
        target = g->nops * 5;
    pastdays = (long)ceil((double)target / ((double)g->nops * APTS_PER_OP_DAY));
    start = g->today;
    for (i = 0; i < pastdays;) { /* pastdays working days back */
        start--;
        if (weekday(start) != 0 && weekday(start) != 6)
            i++;
    }
    for (day = start; day < g->today + 28 && !g->s.rc; day++) {
        int wd = weekday(day);
        if (wd == 0 || wd == 6)
            continue;
        for (k = 0; k < g->nops; k++)
            seed_op_day(g, &g->ops[k], day);
    }

    /* Treatment plans not yet scheduled; some with a planned appointment. */
    for (i = 0; i < g->nactive && !g->s.rc; i++) {
        struct pat *p = pat_of(g, g->active[i]);
        struct visit v;
        long procnums[6], planned = 0, tpday;
        double fees[6];
        char pattern[96], descript[256];
        int n;
        if (!chance(r, 0.18))
            continue;
        v.n = 0;
        n = 1 + (int)rnd(r, 3);
        while (v.n < n) {
            if (chance(r, 0.6)) {
                add_filling(r, &v);
            } else {
                int t = pick_tooth(r, (int)rnd(r, 2));
                add_proc(&v, chance(r, 0.5) ? "D2740" : "D2750", t, NULL);
            }
        }
        tpday = g->today - 1 - rnd(r, 200);
        if (chance(r, 0.4)) {
            visit_pattern(&v, pattern, sizeof(pattern));
            visit_descript(&v, descript, sizeof(descript));
            planned = ++g->aptnum;
            write_apt(g, planned, p->num, 6, pattern,
                      def_of(g, CAT_CONFIRMED, 0), NULL, p->priprov, 0, "",
                      NO_DATE, 0, 0, 0, descript, 0, tpday, 600, 0, tpday, 0, 1);
        }
        write_procs(g, &v, NULL, p->num, 0, planned, NO_DATE, 0, 1, tpday,
                    procnums, fees);
    }

    /* Account and insurance conversations. */
    for (i = 0; i < g->nfam && !g->s.rc; i++) {
        long guar = g->fams[i].guar, d = g->today - 1 - rnd(r, 365);
        double kk = rndf(r);
        if (kk < 0.12)
            write_commlog(g, guar, d, 540 + rnd(r, 480), 1, 3, 1, 0,
                          "Discussed account balance; patient will pay at next visit.");
        else if (kk < 0.22)
            write_commlog(g, guar, d, 540 + rnd(r, 480), 3, 3, 1, 0,
                          "Verified insurance eligibility and benefits with carrier.");
        else if (kk < 0.30)
            write_commlog(g, guar, d, 540 + rnd(r, 480), 2, 2, 1, 0,
                          "Recall postcard mailed.");
        else if (kk < 0.34)
            write_commlog(g, guar, d, 540 + rnd(r, 480), 5, 1, 2, 0,
                          "Patient e-mailed asking for a copy of their x-rays.");
    }
    ins_done(&g->apt);
    ins_done(&g->proc);
    ins_done(&g->pay);
    ins_done(&g->split);
    ins_done(&g->comm);
}

static const struct seed_col patient_cols[] = {
    COL("PatNum"), COL("LName"), COL("FName"), COL("MiddleI"),
    COL("Preferred"), COL("PatStatus"), COL("Gender"), COL("Position"),
    COL("Birthdate"), COL("Address"), COL("Address2"), COL("City"),
    CS("State", "OR"), COL("Zip"), COL("HmPhone"), COL("WkPhone"),
    COL("WirelessPhone"), COL("Guarantor"), COL("Email"), COL("EstBalance"),
    COL("PriProv"), COL("SecProv"), C0("FeeSched"), COL("BillingType"),
    CE("AddrNote"), CE("FamFinUrgNote"), COL("BalTotal"),
    COL("DateFirstVisit"), C0("ClinicNum"), COL("HasIns"),
    COL("PreferConfirmMethod"), COL("PreferContactMethod"),
    COL("PreferRecallMethod"), COL("Language"), COL("DateTStamp"),
    COL("TxtMsgOk"), CI("SecUserNumEntry", 2), COL("SecDateEntry"),
    CE("Country"), COL("DateTimeDeceased"), CE("Salutation"),
};

/* A patient's e-mail address: first.last + two digits, lower case, no
 * apostrophe. */
static void patient_email(char *email, size_t cap, const char *fn,
                          const char *ln, long num)
{
    char *c;
    snprintf(email, cap, "%s.%s%ld@example.com", fn, ln, num % 100);
    for (c = email; *c; c++) {
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
        else if (*c == '\'')
            *c = 'x';
    }
}

/* One patient row; the PRNG draws in the order of the columns. */
static void patient_row(struct gen *g, struct ins *b, const struct pat *p,
                        const double *famtotal)
{
    struct rng *r = &g->r;
    const struct fam *fm = &g->fams[p->fam];
    const char *fn = fname_of(p), *ln = last_names[p->ln];
    const char *pref, *wk, *lang;
    long first = p->first_visit, entry, stamp, billing, min, deceased;
    int child = p->relat == 2;
    char email[160], mi[2] = "", addr[128], hm[32], cell[32] = "";
    if (first == NO_DATE && p->status != 6 && p->status != 1)
        first = g->today - 400 - rnd(r, 3000);
    entry = first != NO_DATE ? first - rnd(r, 20) : g->today - 1 - rnd(r, 60);
    stamp = first != NO_DATE && first > entry ? first : entry;
    if (stamp >= g->today)
        stamp = g->today - 1;
    patient_email(email, sizeof email, fn, ln, p->num);
    mi[0] = chance(r, 0.6) ? (char)('A' + (int)rnd(r, 26)) : ' ';
    pref = chance(r, 0.08) ? (p->gender == 1 ? "Kat" : "Bud") : "";
    snprintf(addr, sizeof addr, "%d %s %s", 100 + (fm->num * 37) % 9800,
             streets[fm->street], street_kinds[fm->kind]);
    snprintf(hm, sizeof hm, "(503)%03d-%04d", fm->phone / 10000,
             fm->phone % 10000);
    wk = !child && chance(r, 0.3) ? "(503)555-0199" : "";
    if (p->cell)
        snprintf(cell, sizeof cell, "(971)%03d-%04d", p->cell / 10000,
                 p->cell % 10000);
    billing = def_of(g, CAT_BILLING, p->plan1 && chance(r, 0.1) ? 1 : 0);
    lang = chance(r, 0.04) ? "spa" : "";
    min = 540 + rnd(r, 480);
    deceased = p->status == 5 ? g->today - 30 - rnd(r, 300) : NO_DATE;
    ROW(b, patient_cols, VI(p->num), VS(ln), VS(fn), VS(mi), VS(pref),
        VI(p->status), VI(p->gender), VI(p->position), VDATE(p->bdate),
        VS(addr), VS(fm->num % 9 == 0 ? "Apt 4" : ""),
        VS(cities[fm->city].city), VS(cities[fm->city].zip), VS(hm), VS(wk),
        VS(cell), VI(p->guar), VS(p->email ? email : ""),
        VD(round((p->charges - p->paid) * 100) / 100), VI(p->priprov),
        VI(p->secprov), VI(billing),
        VD(p->num == p->guar ? famtotal[p->fam] : 0), VDATE(first),
        VS(p->plan1 ? "I" : ""), VI(p->pref), VI(p->pref),
        VI(p->pref == 8 ? 8 : p->pref == 5 ? 5 : 7), VS(lang),
        VDT(stamp, min), VI(p->txt), VDATE(entry), VDT(deceased, 0));
}

static void seed_patients(struct gen *g)
{
    struct ins b;
    double *famtotal;
    long i;
    if (!(famtotal = calloc((size_t)g->nfam, sizeof(*famtotal)))) {
        fail(&g->s, ODAPI_E_NOMEM, "seeding: out of memory");
        return;
    }
    for (i = 0; i < g->npat; i++)
        famtotal[g->pats[i].fam] += round((g->pats[i].charges - g->pats[i].paid) * 100) / 100;
    if (INS_TABLE(&b, &g->s, "patient", patient_cols)) {
        free(famtotal);
        return;
    }
    for (i = 0; i < g->npat; i++)
        patient_row(g, &b, &g->pats[i], famtotal);
    ins_done(&b);
    free(famtotal);
}

static const struct seed_col apikey_cols[] = {
    CI("APIKeyNum", 1), COL("CustApiKey"), COL("DevName"),
};

static void seed_apikey(struct gen *g, const struct od_seed_opts *o)
{
    struct ins b;
    if (!o->customer_key)
        return;
    if (INS_TABLE(&b, &g->s, "apikey", apikey_cols))
        return;
    ROW(&b, apikey_cols, VS(o->customer_key),
        VS(o->developer_name ? o->developer_name : ""));
    ins_done(&b);
}

/* ---- older balances, finance charges, prepayments (the ledger's) ---------- */

/* The demo books hold only a few weeks; the Account module's aging, the
 * Service Date View and the reports also need money owed for months,
 * finance charges and unearned prepayments. A few families get them,
 * drawn from a stream of their own (the main stream's draws, which other
 * tables follow, do not move) and written after the money part's tables:
 * procedure, payment and split keys continue the seed's counters,
 * adjustments take AUTO_INCREMENT keys. Self-pay families only (insured
 * work would need its claims), and before the clinical part writes the
 * recalls: an old cleaning is a recall's DatePrevious. */
struct hist {
    struct gen *g;
    struct rng r;
    struct ins proc, pay, split, adj;
};

static const char *const hist_codes[] = {"D0210", "D4355", "D4910",
                                         "D0330", "D1110"};

static void hist_payment(struct hist *h, const struct pat *p, long day,
                         double amt, long procnum, long prov, int unearned)
{
    struct gen *g = h->g;
    long min = 540 + rnd(&h->r, 480);
    long type = def_of(g, CAT_PAYTYPE, (int)rnd(&h->r, 4));
    pay_row(&h->pay, ++g->paynum, type, day, min, amt, "",
            unearned ? "Prepayment toward treatment." : "", 0, p->num);
    ++g->splitnum;
    ROW(&h->split, paysplit_cols, VI(g->splitnum), VD(amt), VI(p->num),
        VDATE(day), VI(g->paynum), VI(unearned ? 0 : prov), VDATE(day),
        VI(procnum), VDATE(day),
        VI(unearned ? def_of(g, CAT_UNEARNED, 0) : 0), VDT(day, min));
}

/* A completed procedure 31 to 180 days old, often partly paid later. */
static void hist_proc(struct hist *h, const struct pat *p)
{
    struct gen *g = h->g;
    int ci = code_idx(hist_codes[rnd(&h->r, OD_ARRAY_LEN(hist_codes))]);
    long day = g->today - 31 - rnd(&h->r, 150), paid;
    double fee = codes[ci].fee;
    ++g->procnum;
    ROW(&h->proc, procedurelog_cols, VI(g->procnum), VI(p->num), VI(0),
        VDATE(day), VD(fee), VS(""), VS(""), VI(0), VI(2), VI(p->priprov),
        VI(0), VI(0), VS(""), VDATE(day), VI(ci + 1), VDATE(day),
        VDT(day, 600), VDT(day, 600), VDATE(day));
    /* the clinical part sees it too: an old cleaning or x-ray is the
     * recall's DatePrevious when nothing later was done */
    proc_written(g, g->procnum, p->num, 0, 0, p->priprov, day, day, ci, 2, 0,
                 fee, "", "");
    if (chance(&h->r, 0.5)) {
        paid = day + rnd(&h->r, 20);
        hist_payment(h, p, paid < g->today ? paid : g->today - 1,
                     floor(fee * (0.2 + 0.5 * rndf(&h->r))), g->procnum,
                     p->priprov, 0);
    }
}

/* A finance charge (the FinanceChargeAdjustmentType) on the guarantor;
 * AdjNum by AUTO_INCREMENT. */
static const struct seed_col finance_cols[] = {
    COL("AdjDate"), COL("AdjAmt"), COL("PatNum"), COL("AdjType"),
    COL("ProvNum"), CS("AdjNote", "Monthly finance charge."), COL("ProcDate"),
    C0("ProcNum"), COL("DateEntry"), C0("ClinicNum"),
    CI("SecUserNumEntry", 2), COL("SecDateTEdit"),
};

static void hist_finance(struct hist *h, const struct pat *p)
{
    struct gen *g = h->g;
    long day = g->today - 1 - rnd(&h->r, 60);
    double amt = 2.5 + (double)rnd(&h->r, 20) * 0.5;
    ROW(&h->adj, finance_cols, VDATE(day), VD(amt), VI(p->num),
        VI(def_of(g, CAT_ADJ, 3)), VI(p->priprov), VDATE(day), VDATE(day),
        VDT(day, 480));
}

static void seed_ledger_history(struct gen *g)
{
    struct hist h;
    double *paid;
    long f, unpaid = 0;
    memset(&h, 0, sizeof h);
    h.g = g;
    h.r.s = g->r.s ^ 0x6C65646765727321ull; /* "ledgers!" */
    if (INS_TABLE(&h.proc, &g->s, "procedurelog", procedurelog_cols) ||
        pay_open(&h.pay, &g->s) ||
        INS_TABLE(&h.split, &g->s, "paysplit", paysplit_cols) ||
        INS_TABLE(&h.adj, &g->s, "adjustment", finance_cols))
        return;
    if (!(paid = calloc((size_t)g->nfam, sizeof *paid))) {
        fail(&g->s, ODAPI_E_NOMEM, "seeding: out of memory");
        return;
    }
    for (f = 0; f < g->npat; f++)
        paid[g->pats[f].fam] += g->pats[f].paid;
    for (f = 0; f < g->nfam && !g->s.rc; f++) {
        const struct pat *p = pat_of(g, g->fams[f].guar);
        if (p->status != 0 && p->status != 2 && p->status != 3)
            continue; /* patients, inactive or archived ones */
        if (p->plan1 && p->sub1)
            continue; /* insured work would need its claims: the old
                         balances are self-pay families' */
        /* a family that paid for recent visits has paid, in the aging's
         * first-in first-out order, for anything older: old balances go to
         * families with no payments in the books */
        if (paid[f] == 0 && unpaid++ % 2 == 0) {
            hist_proc(&h, p);
            if (chance(&h.r, 0.5))
                hist_proc(&h, p);
            if (unpaid % 4 == 1)
                hist_finance(&h, p);
        } else if (p->status == 0 && f % 9 == 4) {
            double amt = 25.0 + 5.0 * (double)rnd(&h.r, 30); /* first */
            hist_payment(&h, p, g->today - rnd(&h.r, 30), amt, 0, 0, 1);
        }
    }
    free(paid);
    ins_done(&h.proc);
    ins_done(&h.pay);
    ins_done(&h.split);
    ins_done(&h.adj);
}

/* The patients' balance columns as Open Dental keeps them, computed by the
 * library's own ledger code (lib/db/ledger.c) from everything seeded
 * before: the family aging as of the anchor date on each guarantor's row
 * (Ledgers.ComputeAging) and each patient's own balance in EstBalance (the
 * Account module's). Runs last, after every table with money in it. */
static void seed_ledger(struct gen *g)
{
    struct od_conn c;
    struct od_ledger_prefs p;
    char day[16];
    int y, m, d;
    memset(&c, 0, sizeof c);
    c.m = g->s.m;
    od_civil_from_days(g->today, &y, &m, &d);
    snprintf(day, sizeof day, "%04d-%02d-%02d", y, m, d);
    if (od_ledger_prefs_read(&c, &p) || od_aging_store(&c, &p, 0, day, 1) ||
        od_ledger_store_estbalance(&c, &p, 0, 1))
        fail(&g->s, ODAPI_E_DB, "seeding the balances: %s",
             mysql_error(g->s.m));
    od_conn_free_stmts(&c);
}

/* 1 if the table has rows (or cannot be read: the INSERTs will say why). */
static int has_rows(struct seeder *s, const char *sql)
{
    MYSQL_RES *res;
    int yes = 0;
    if (mysql_query(s->m, sql) != 0)
        return 0;
    if ((res = mysql_store_result(s->m))) {
        yes = mysql_num_rows(res) > 0;
        mysql_free_result(res);
    }
    return yes;
}

/* ---- issue 16: recalls, Web Sched, users, signals ----------------------------
 * What the chart module's views, the recall list, Web Sched and users
 * need beyond the practice above. Written last, and only where nothing is
 * there yet (each statement says so), so that the rows other seed
 * functions write keep their keys. Raw statements name only columns that
 * Open Dental 24.3 and the project's schema both have. */

static void sql_day(char *out, size_t n, long day)
{
    int y, m, d;
    od_civil_from_days(day, &y, &m, &d);
    /* in range, so that gcc -O3 sees the text fits (format-truncation) */
    snprintf(out, n, "%04d-%02d-%02d", (y % 10000 + 10000) % 10000,
             (m % 100 + 100) % 100, (d % 100 + 100) % 100);
}

/* Preferences these routes read, at Open Dental's defaults. */
static void seed_chart_prefs(struct gen *g)
{
    static const char *const prefs[][2] = {
        { "ApptsAllowOverlap", "1" },
        { "PasswordsStrongIncludeSpecial", "0" },
        { "RecallExcludeIfAnyFutureAppt", "0" },
        { "RecallMaxNumberReminders", "-1" },
        { "RecallShowIfDaysFirstReminder", "0" },
        { "RecallShowIfDaysSecondReminder", "0" },
        { "RecallUseEmailIfHasEmailAddress", "0" },
        { "BalancesDontSubtractIns", "0" },
        { "WebSchedNewPatApptDoubleBooking", "0" },
        { "WebSchedExistingPatDoubleBooking", "0" },
        { "WebSchedNewPatAllowedBlockouts", "" },
        { "WebSchedExistingPatAllowedBlockouts", "" },
    };
    char sql[512];
    size_t i;
    for (i = 0; i < OD_ARRAY_LEN(prefs) && !g->s.rc; i++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO preference (PrefName, ValueString, Comments) "
                 "SELECT '%s', '%s', '' FROM DUAL WHERE NOT EXISTS (SELECT 1 "
                 "FROM preference WHERE PrefName = '%s')",
                 prefs[i][0], prefs[i][1], prefs[i][0]);
        query(&g->s, sql);
    }
}

/* RecallTypes.SetToDefault: the seven default types, their triggers, and
 * the special-type preferences. */
static void seed_chart_recalltypes(struct gen *g)
{
    static const struct { const char *name; long interval;
                          const char *pattern, *procs; int append; }
    types[] = {
        { "Prophy", 393217, "/XXXX/", "D1110", 0 },
        { "Child Prophy", 0, "XXX", "D1120,D1208", 0 },
        { "Perio", 262144, "/XXXX/", "D4910", 0 },
        { "4BW", 16777216, "", "D0274", 1 },
        { "Pano", 83886080, "", "D0330", 1 },
        { "FMX", 83886080, "", "D0210", 1 },
        { "Exam", 393217, "", "D0120", 1 },
    };
    static const char *const triggers[][2] = {
        { "Exam", "D0150" }, { "4BW", "D0274" }, { "Pano", "D0330" },
        { "FMX", "D0210" }, { "Prophy", "D1110" }, { "Prophy", "D1120" },
        { "Perio", "D4910" }, { "Perio", "D4341" }, { "Exam", "D0120" },
        { "Exam", "D0180" },
    };
    static const char *const special[][2] = {
        { "RecallTypeSpecialProphy", "Prophy" },
        { "RecallTypeSpecialChildProphy", "Child Prophy" },
        { "RecallTypeSpecialPerio", "Perio" },
    };
    char sql[768];
    size_t i;
    if (has_rows(&g->s, "SELECT 1 FROM recalltype LIMIT 1"))
        return;
    for (i = 0; i < OD_ARRAY_LEN(types) && !g->s.rc; i++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO recalltype (Description, DefaultInterval, "
                 "TimePattern, Procedures, AppendToSpecial) VALUES ('%s', "
                 "%ld, '%s', '%s', %d)", types[i].name, types[i].interval,
                 types[i].pattern, types[i].procs, types[i].append);
        query(&g->s, sql);
    }
    for (i = 0; i < OD_ARRAY_LEN(triggers) && !g->s.rc; i++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO recalltrigger (RecallTypeNum, CodeNum) SELECT "
                 "t.RecallTypeNum, c.CodeNum FROM recalltype t JOIN "
                 "procedurecode c ON c.ProcCode = '%s' WHERE t.Description "
                 "= '%s' ORDER BY c.CodeNum LIMIT 1",
                 triggers[i][1], triggers[i][0]);
        query(&g->s, sql);
    }
    for (i = 0; i < OD_ARRAY_LEN(special) && !g->s.rc; i++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO preference (PrefName, ValueString, Comments) "
                 "SELECT '%s', RecallTypeNum, '' FROM recalltype WHERE "
                 "Description = '%s' AND NOT EXISTS (SELECT 1 FROM "
                 "preference WHERE PrefName = '%s')",
                 special[i][0], special[i][1], special[i][0]);
        query(&g->s, sql);
    }
    query(&g->s, "INSERT INTO preference (PrefName, ValueString, Comments) "
                 "SELECT 'RecallTypesShowingInList', GROUP_CONCAT("
                 "RecallTypeNum ORDER BY RecallTypeNum), '' FROM recalltype "
                 "WHERE Description IN ('Prophy', 'Child Prophy', 'Perio') "
                 "AND NOT EXISTS (SELECT 1 FROM preference WHERE PrefName = "
                 "'RecallTypesShowingInList')");
}

/* Recalls as Open Dental's Recalls.Synch leaves them: a Prophy recall
 * (Perio for patients whose last cleaning was periodontal maintenance) for
 * every active patient with a completed trigger procedure, DatePrevious
 * its latest date, DateDue one interval later; a few with a status, a
 * note, or disabled. Intervals are whole months and days here. */
static void seed_chart_recalls(struct gen *g)
{
    char sql[2048], today[16];
    if (has_rows(&g->s, "SELECT 1 FROM recall LIMIT 1"))
        return;
    sql_day(today, sizeof today, g->today);
    query(&g->s,
          "INSERT INTO recall (PatNum, DateDueCalc, DateDue, DatePrevious, "
          "RecallInterval, RecallStatus, Note, IsDisabled, RecallTypeNum, "
          "DisableUntilBalance, DisableUntilDate, DateScheduled, Priority, "
          "TimePatternOverride) SELECT x.PatNum, x.due, x.due, x.prev, "
          "x.DefaultInterval, 0, '', 0, x.RecallTypeNum, 0, '0001-01-01', "
          "'0001-01-01', 0, '' FROM (SELECT p.PatNum, t.RecallTypeNum, "
          "t.DefaultInterval, MAX(l.ProcDate) AS prev, MAX(l.ProcDate) + "
          "INTERVAL ((t.DefaultInterval >> 16) & 255) MONTH + INTERVAL "
          "(t.DefaultInterval & 255) DAY AS due FROM patient p JOIN "
          "procedurelog l ON l.PatNum = p.PatNum AND l.ProcStatus = 2 JOIN "
          "recalltrigger rt ON rt.CodeNum = l.CodeNum JOIN recalltype t ON "
          "t.RecallTypeNum = rt.RecallTypeNum AND t.Description IN "
          "('Prophy', 'Perio') WHERE p.PatStatus = 0 GROUP BY p.PatNum, "
          "t.RecallTypeNum) x WHERE NOT EXISTS (SELECT 1 FROM recall r "
          "WHERE r.PatNum = x.PatNum) ORDER BY x.PatNum, x.RecallTypeNum");
    /* one prophy-or-perio recall per patient: the later one wins */
    query(&g->s,
          "DELETE r FROM recall r JOIN recall o ON o.PatNum = r.PatNum AND "
          "o.RecallNum <> r.RecallNum AND (o.DatePrevious > r.DatePrevious "
          "OR (o.DatePrevious = r.DatePrevious AND o.RecallNum > "
          "r.RecallNum))");
    /* due dates the office moved earlier (Open Dental keeps a DateDue
     * that differs from DateDueCalc): some recalls are overdue */
    query(&g->s, "UPDATE recall SET DateDue = DateDue - INTERVAL 7 MONTH "
                 "WHERE RecallNum % 3 = 0");
    snprintf(sql, sizeof sql,
             "UPDATE recall SET RecallStatus = (SELECT DefNum FROM definition "
             "WHERE Category = 13 ORDER BY ItemOrder LIMIT 1), Note = "
             "'Left a message about the cleaning.' WHERE RecallNum %% 4 = 1 "
             "AND DateDue > '0001-01-01' AND DateDue < '%s'", today);
    query(&g->s, sql);
    query(&g->s, "UPDATE recall SET IsDisabled = 1, DateDue = '0001-01-01' "
                 "WHERE RecallNum % 11 = 3");
}

/* A user group for the users (when none is there) and their attaches. */
static void seed_chart_users(struct gen *g)
{
    query(&g->s, "INSERT INTO usergroup (Description, UserGroupNumCEMT) "
                 "SELECT 'Full Access', 0 FROM DUAL WHERE NOT EXISTS (SELECT "
                 "1 FROM usergroup)");
    query(&g->s, "INSERT INTO usergroup (Description, UserGroupNumCEMT) "
                 "SELECT 'Front Office', 0 FROM DUAL WHERE (SELECT COUNT(*) "
                 "FROM usergroup) = 1");
    query(&g->s, "INSERT INTO usergroupattach (UserNum, UserGroupNum) "
                 "SELECT u.UserNum, u.UserGroupNum FROM userod u JOIN "
                 "usergroup ug ON ug.UserGroupNum = u.UserGroupNum WHERE NOT "
                 "EXISTS (SELECT 1 FROM usergroupattach a WHERE a.UserNum = "
                 "u.UserNum) ORDER BY u.UserNum");
}

/* Web Sched: an appointment type for each Web Sched definition (New
 * Patient Exam, Cleaning, Emergency Exam), linked to it and to the
 * operatories that take it (deflink); the first appointment booked
 * through Web Sched logged in eservicelog. */
static void seed_chart_websched(struct gen *g)
{
    static const struct { const char *def; int cat; const char *pattern,
                          *codes; int hyg; }
    types[] = {
        { "New Patient Exam", 42, "/XXXX/", "D0150,D0210", 0 },
        { "Cleaning", 51, "/XXXXX/", "D0120,D1110", 1 },
        { "Emergency Exam", 51, "XXXX", "D0140", 0 },
    };
    char sql[1024];
    size_t i;
    for (i = 0; i < OD_ARRAY_LEN(types) && !g->s.rc; i++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO appointmenttype (AppointmentTypeName, "
                 "AppointmentTypeColor, ItemOrder, IsHidden, Pattern, CodeStr, "
                 "CodeStrRequired, RequiredProcCodesNeeded, BlockoutTypes) "
                 "SELECT 'Web Sched %s', 0, (SELECT COUNT(*) FROM "
                 "appointmenttype), 0, '%s', '%s', '', 0, '' FROM DUAL",
                 types[i].def, types[i].pattern, types[i].codes);
        query(&g->s, sql);
        /* DefLinkType AppointmentType (2): def -> the type */
        snprintf(sql, sizeof sql,
                 "INSERT INTO deflink (DefNum, FKey, LinkType) SELECT "
                 "d.DefNum, LAST_INSERT_ID(), 2 FROM definition d WHERE "
                 "d.Category = %d AND d.ItemName = '%s'",
                 types[i].cat, types[i].def);
        query(&g->s, sql);
        /* DefLinkType Operatory (3): def -> hygiene or dentist ops */
        snprintf(sql, sizeof sql,
                 "INSERT INTO deflink (DefNum, FKey, LinkType) SELECT "
                 "d.DefNum, o.OperatoryNum, 3 FROM definition d JOIN "
                 "operatory o ON o.IsHygiene = %d AND o.IsHidden = 0 WHERE "
                 "d.Category = %d AND d.ItemName = '%s' ORDER BY "
                 "o.OperatoryNum", types[i].hyg, types[i].cat, types[i].def);
        query(&g->s, sql);
    }
    /* eServiceAction WSAppointmentScheduledFromServer (13), eServiceType
     * WSExistingPat (3), FKeyType ApptNum (1) */
    query(&g->s,
          "INSERT INTO eservicelog (KeyType, EServiceType, EServiceAction, "
          "LogDateTime, PatNum, ClinicNum, LogGuid, FKey, DateTimeUploaded, "
          "Note) SELECT 1, 3, 13, a.SecDateTEntry, a.PatNum, a.ClinicNum, '', "
          "a.AptNum, '0001-01-01 00:00:00', '' FROM appointment a WHERE "
          "a.AptStatus = 1 AND a.AptDateTime > NOW() ORDER BY a.AptDateTime, "
          "a.AptNum LIMIT 2");
}

/* A few signals of the kinds workstations write. */
static void seed_chart_signals(struct gen *g)
{
    char sql[768], day[16];
    sql_day(day, sizeof day, g->today - 1);
    snprintf(sql, sizeof sql,
             "INSERT INTO signalod (DateViewing, SigDateTime, FKey, FKeyType, "
             "IType, RemoteRole, MsgValue) VALUES "
             "('0001-01-01', '%s 08:01:00', 0, 'Undefined', 14, 0, ''), "
             "('%s', '%s 08:15:00', 0, 'Undefined', 85, 0, ''), "
             "('0001-01-01', '%s 09:30:00', 1, 'PatNum', 68, 0, ''), "
             "('0001-01-01', '%s 11:45:00', 0, 'Undefined', 5, 0, '')",
             day, day, day, day, day);
    query(&g->s, sql);
}

static void seed_chart(struct gen *g)
{
    if (!g->s.rc) seed_chart_prefs(g);
    if (!g->s.rc) seed_chart_recalltypes(g);
    if (!g->s.rc) seed_chart_recalls(g);
    if (!g->s.rc) seed_chart_users(g);
    if (!g->s.rc) seed_chart_websched(g);
    if (!g->s.rc) seed_chart_signals(g);
}

static const struct seed_col preference_cols[] = {
    COL("PrefName"), COL("ValueString"), CE("Comments"),
};

/* ---- insurance history and claim actions (issue 16, batch "ins") ----------
 * The ten Insurance History categories as a new Open Dental 24.3 database
 * has them: ConvertDatabases6 (18.4.16/18.4.17) copies the first code of
 * each InsBen*Codes default. Own PrefNums after seed_prefs' (AUTO_INCREMENT). */
static void seed_ins_prefs(struct gen *g)
{
    static const char *const prefs[][2] = {
        { "InsHistBWCodes", "D0272" },
        { "InsHistPanoCodes", "D0210" },
        { "InsHistExamCodes", "D0120" },
        { "InsHistProphyCodes", "D1110" },
        { "InsHistPerioURCodes", "D4341" },
        { "InsHistPerioULCodes", "D4341" },
        { "InsHistPerioLRCodes", "D4341" },
        { "InsHistPerioLLCodes", "D4341" },
        { "InsHistPerioMaintCodes", "D4910" },
        { "InsHistDebridementCodes", "D4355" },
    };
    struct ins b;
    size_t i;
    if (INS_TABLE(&b, &g->s, "preference", preference_cols))
        return;
    for (i = 0; i < OD_ARRAY_LEN(prefs); i++) {
        ROW(&b, preference_cols, VS(prefs[i][0]), VS(prefs[i][1]));
    }
    ins_done(&b);
}

static long today_local(void)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    return od_days_from_civil(tm.tm_year + 1900L, (unsigned)tm.tm_mon + 1,
                           (unsigned)tm.tm_mday);
}

/* The image preferences and the sandbox's sample images (seed-images.c),
 * dated the anchor day. */
static void seed_images(struct gen *g, const struct od_seed_opts *o)
{
    char day[16];
    int y, mo, d;
    od_civil_from_days(g->today, &y, &mo, &d);
    snprintf(day, sizeof day, "%04d-%02d-%02d", y, mo, d);
    g->s.rc = od_seed_images(g->s.m, o->image_dir, day, g->s.err,
                             g->s.errlen);
}

int od_seed(MYSQL *m, const struct od_seed_opts *o, char *err, size_t errlen)
{
    struct gen *g;
    int rc;
    if (errlen)
        err[0] = '\0';
    if (!m || !o) {
        snprintf(err, errlen, "od_seed: no connection or options");
        return ODAPI_E_INVALID;
    }
    if (o->patients > 5000000) {
        snprintf(err, errlen, "seeding: %ld patients is too many (at most 5000000)",
                 o->patients);
        return ODAPI_E_INVALID;
    }
    if (!(g = calloc(1, sizeof(*g)))) {
        snprintf(err, errlen, "seeding: out of memory");
        return ODAPI_E_NOMEM;
    }
    g->s.m = m;
    g->s.err = err;
    g->s.errlen = errlen;
    g->r.s = (uint64_t)o->seed ^ 0x6F64617069736565ull; /* "odapisee" */
    g->seed = o->seed;
    g->npat = o->patients > 0 ? o->patients : OD_SEED_DEFAULT_PATIENTS;
    if (o->today) {
        if (parse_date(o->today, &g->today) != 0) {
            snprintf(err, errlen,
                     "seeding: the anchor date '%s' is not a YYYY-MM-DD date "
                     "between 1971 and 2037", o->today);
            free(g);
            return ODAPI_E_INVALID;
        }
    } else {
        g->today = today_local();
    }

    if (has_rows(&g->s, "SELECT 1 FROM patient LIMIT 1") ||
        has_rows(&g->s, "SELECT 1 FROM provider LIMIT 1")) {
        snprintf(err, errlen, "seeding: the database already has patients or "
                              "providers; the demo practice goes only into an "
                              "empty database");
        free(g);
        return ODAPI_E_STATE;
    }
    if (mysql_set_character_set(m, "utf8mb4") != 0) {
        snprintf(err, errlen, "seeding: cannot use utf8mb4: %s", mysql_error(m));
        free(g);
        return ODAPI_E_DB;
    }
    if ((rc = od_catalog_read(m, &g->s.cat, err, errlen)) != ODAPI_OK) {
        free(g);
        return rc;
    }
    query(&g->s, "SET SESSION unique_checks = 0");
    query(&g->s, "SET SESSION foreign_key_checks = 0");
    query(&g->s, "START TRANSACTION");

    seed_defs(g);
    if (!g->s.rc) seed_prefs(g);
    if (!g->s.rc) seed_staff(g);
    if (!g->s.rc) seed_codes(g);
    if (!g->s.rc) make_families(g);
    if (!g->s.rc) seed_employers(g);
    if (!g->s.rc) seed_insurance(g);
    if (!g->s.rc) seed_schedules(g);
    seed_money_begin(g);
    seed_clin_begin(g);
    if (!g->s.rc) seed_appointments(g);
    seed_money_end(g);
    /* after the money part's keyed payments and adjustments, before the
     * clinical part writes the recalls the old procedures move */
    if (!g->s.rc) seed_ledger_history(g);
    seed_clin_end(g);
    if (!g->s.rc) seed_patients(g);
    if (!g->s.rc) seed_apikey(g, o);
    if (!g->s.rc) seed_office(g, o->customer_key, o->developer_name);
    if (!g->s.rc) seed_chart(g);
    if (!g->s.rc) seed_ins_prefs(g);
    if (!g->s.rc) seed_images(g, o);
    if (!g->s.rc) seed_ledger(g); /* last: it reads every table above */

    if (!g->s.rc) {
        query(&g->s, "COMMIT");
    } else {
        mysql_query(m, "ROLLBACK"); /* keeps the first error in err */
    }
    /* the session settings go back whatever happened */
    mysql_query(m, "SET SESSION unique_checks = 1");
    mysql_query(m, "SET SESSION foreign_key_checks = 1");
    mysql_autocommit(m, 1);
    rc = g->s.rc;
    seed_money_free(g);
    seed_clin_free(g);
    od_catalog_free(g->s.cat);
    free(g->plans);
    free(g->pats);
    free(g->fams);
    free(g->provs);
    free(g->ops);
    free(g->active);
    free(g);
    return rc;
}
