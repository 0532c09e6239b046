/* asap.c - POST /asapcomms (the api*.html pages; permission TextingASAP):
 * one ASAP text offer of an opening at dateTimeStart to the patient of an
 * appointment (aptNum) or a recall (recallNum), as AsapComms.
 * CreateSendList makes one in text mode (AsapComms.cs 24.3): FKeyType from
 * the appointment's status (Scheduled, UnschedList, Broken, else Planned)
 * or Recall; DateTimeOrig its AptDateTime or DateDue; DateTimeExpire seven
 * days after the opening; the text queued for the eConnector unless
 * AsapListSender.ShouldSendText's rules say no, then the reason in Note
 * and ResponseStatus UnableToSend. No email (text mode). Open Dental
 * writes no securitylog row for an offer; the project logs every write:
 * TextMessageSend (218), FKey the AsapCommNum, PatNum the patient. */
#include "engine/openapi-internal.h"
#include "actions/kit-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PERM_TEXT_MESSAGE_SEND = 218 };

extern const struct od_resource od_res_asapcomms;

struct asapin {
    long long apt, recall;
    char start[20];
};

/* The offer's FKey details: PatNum, ClinicNum, FKeyType and DateTimeOrig.
 * 0, or -1 with the refusal. */
static int offer_of(struct od_conn *c, struct od_ck_job *j,
                    const struct asapin *a, char v[4][OD_COLSZ])
{
    struct od_prm p[1] = {OD_PI(a->apt ? a->apt : a->recall)};
    int rc;
    if (a->apt)
        rc = od_query_row(c,
                          "SELECT PatNum, ClinicNum, CASE AptStatus WHEN 1 "
                          "THEN 1 WHEN 3 THEN 2 WHEN 5 THEN 5 ELSE 3 END, "
                          "DATE_FORMAT(AptDateTime, '%Y-%m-%d %H:%i:%s') FROM "
                          "appointment WHERE AptNum = ?",
                          p, 1, 4, v);
    else
        rc = od_query_row(c,
                          "SELECT r.PatNum, p.ClinicNum, 4, DATE_FORMAT("
                          "r.DateDue, '%Y-%m-%d 00:00:00') FROM recall r "
                          "JOIN patient p ON p.PatNum = r.PatNum WHERE "
                          "r.RecallNum = ?",
                          p, 1, 4, v);
    return od_ck_need(j, rc, 404, a->apt ? "Appointment not found."
                                         : "Recall not found.");
}

/* ShouldSendText's rules for one offer: "" (send) or why not. */
static int why_not(struct od_conn *c, const struct asapin *a,
                   char v[4][OD_COLSZ], char *why, size_t n)
{
    struct od_prm p[4] = {OD_PI(a->apt ? a->apt : a->recall), OD_PS(v[2]),
                          OD_PS(a->start), OD_PS(v[0])};
    char w[3][OD_COLSZ];
    why[0] = '\0';
    if (od_query_row(
            c,
            "SELECT EXISTS (SELECT 1 FROM asapcomm x WHERE x.PatNum = "
            "pt.PatNum AND x.FKey = ? AND x.FKeyType = ? AND "
            "x.ResponseStatus = 11), TIMESTAMPDIFF(MINUTE, NOW(), ?), "
            "pt.WirelessPhone <> '' AND pt.TxtMsgOk <> 2 FROM patient pt "
            "WHERE pt.PatNum = ?",
            p, 4, 3, w) != 1)
        return -1;
    if (strcmp(w[0], "1") == 0)
        snprintf(why, n, "Not sending text because this patient has "
                         "requested to not be texted or emailed about this "
                         "%s.", a->recall ? "recall" : "appointment");
    else if (atol(w[1]) < 0)
        snprintf(why, n, "Not sending text because the text would be sent "
                         "after the time slot.");
    else if (atol(w[1]) < 30)
        snprintf(why, n, "Not sending text because the text would be sent "
                         "less than 30 minutes before the time slot.");
    else if (strcmp(w[2], "1") != 0)
        snprintf(why, n, "Not sending text because this patient cannot "
                         "receive texts.");
    return 0;
}

static int do_asap(struct od_conn *c, struct od_ck_job *j)
{
    const struct asapin *a = j->data;
    char v[4][OD_COLSZ], why[256];
    struct od_prm p[7];
    int send;
    if (offer_of(c, j, a, v) || why_not(c, a, v, why, sizeof why))
        return -1;
    send = why[0] == '\0';
    p[0] = OD_PI(a->apt ? a->apt : a->recall);
    p[1] = OD_PS(v[2]);
    p[2] = OD_PS(v[0]);
    p[3] = OD_PS(v[1]);
    p[4] = OD_PS(a->start);
    p[5] = OD_PS(v[3]);
    p[6] = OD_PS(why);
    if (od_exec(c,
                send ? "INSERT INTO asapcomm (FKey, FKeyType, ScheduleNum, "
                       "PatNum, ClinicNum, ShortGUID, DateTimeEntry, "
                       "DateTimeExpire, DateTimeSmsScheduled, SmsSendStatus, "
                       "EmailSendStatus, ResponseStatus, DateTimeOrig, "
                       "TemplateText, TemplateEmail, TemplateEmailSubj, Note, "
                       "EmailTemplateType) SELECT ?, ?, 0, ?, ?, '', NOW(), "
                       "? + INTERVAL 7 DAY, NOW(), 2, 1, 1, ?, COALESCE(("
                       "SELECT ValueString FROM preference WHERE PrefName = "
                       "'WebSchedAsapTextTemplate'), ''), '', '', ?, 0 FROM "
                       "DUAL"
                     : "INSERT INTO asapcomm (FKey, FKeyType, ScheduleNum, "
                       "PatNum, ClinicNum, ShortGUID, DateTimeEntry, "
                       "DateTimeExpire, DateTimeSmsScheduled, SmsSendStatus, "
                       "EmailSendStatus, ResponseStatus, DateTimeOrig, "
                       "TemplateText, TemplateEmail, TemplateEmailSubj, Note, "
                       "EmailTemplateType) VALUES (?, ?, 0, ?, ?, '', NOW(), "
                       "? + INTERVAL 7 DAY, '0001-01-01 00:00:00', 1, 1, 0, "
                       "?, '', '', '', ?, 0)",
                p, 7, NULL, &j->key))
        return -1;
    return od_securitylog(c, PERM_TEXT_MESSAGE_SEND, j->developer,
                          "Created", j->key, atoll(v[0]));
}

static void h_asap(odapi_request *req, void *arg)
{
    struct od_ck_job *j =
        od_ck_new_data(req, do_asap, 1, sizeof(struct asapin), NULL);
    struct asapin *a;
    json_t *body;
    char msg[160];
    int r1, r2, r3;
    (void)arg;
    if (!j)
        return;
    a = j->data;
    if (!(body = od_ck_take_body(j)))
        return;
    od_ck_created(j, &od_res_asapcomms);
    r1 = od_ck_key(body, "aptNum", &a->apt, msg, sizeof msg);
    r2 = r1 < 0 ? -1
                : od_ck_key(body, "recallNum", &a->recall, msg, sizeof msg);
    r3 = r2 < 0 ? -1 : od_ck_datetime(body, "dateTimeStart", a->start, msg,
                                   sizeof msg);
    if (r1 < 0 || r2 < 0 || r3 < 0)
        od_ck_reject(j, 400, msg);
    else if (!r1 && !r2)
        od_ck_reject(j, 400, "aptNum or recallNum is required.");
    else if (r1 && r2)
        od_ck_reject(j, 400, "Only one of aptNum or recallNum may be given.");
    else if (!r3)
        od_ck_reject(j, 400, "dateTimeStart is required.");
    else
        od_ck_submit(j);
}

/* What these routes take and answer, for GET /openapi.json
 * (engine/openapi-internal.h). */
static const struct od_opdoc asap_docs[] = {
    {"POST", "/asapcomms",
     "Send an ASAP text for an appointment or recall.",
     NULL,
     "aptNum:int,recallNum:int,dateTimeStart:datetime!",
     "asapcomms", "400 aptNum or recallNum is required.",
     .perm = ODAPI_PERM_TEXTING_ASAP, .handler = h_asap},
};

OD_CK_ROUTES(od_register_asap_actions, asap_docs)
