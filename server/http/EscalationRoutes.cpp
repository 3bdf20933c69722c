#include "EscalationRoutes.h"

#include "AdminRoutes.h"
#include "ApiContext.h"
#include "HttpServer.h"
#include "Prometheus.h"
#include "auth/AgentStore.h"
#include "escalation/EscalationStore.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace EscalationRoutes {

namespace {

QByteArray compact(const QJsonArray &a)
{
    return QJsonDocument(a).toJson(QJsonDocument::Compact);
}

HttpResponse escalation(Db &db, const ApiContext &ctx)
{
    const QList<EscalationStore::Step> ladder = EscalationStore::ladder(db);
    return HttpResponse::json(
        {{QStringLiteral("ok"), true},
         {QStringLiteral("ladder"), EscalationStore::ladderJson(ladder)},
         {QStringLiteral("ladder_text"), EscalationStore::ladderText(ladder)},
         {QStringLiteral("ladder_set_by"),
          ctx.ladderFixed() ? QStringLiteral("server.conf") : QStringLiteral("database")},
         {QStringLiteral("channels"), QJsonArray::fromStringList(ctx.calloutChannels())},
         {QStringLiteral("oncall"), EscalationStore::oncall(db)}});
}

qint64 requestId(const HttpRequest &request)
{
    bool ok = false;
    const qint64 id = request.pathArgs.value(QStringLiteral("id")).toLongLong(&ok);
    if (!ok || id < 1)
        throw ApiError(400, QStringLiteral("invalid_id"),
                       QStringLiteral("The request's id is a whole number"));
    return id;
}

// Judgements about a request or a number are a person's: an agent's or an admin's, not the assistant's.
void requirePerson(const Principal &who)
{
    if (who.kind == Principal::Kind::AiToken)
        throw ApiError(403, QStringLiteral("forbidden"),
                       QStringLiteral("Only an agent or an admin may do this"));
}

// The last 24 hours' response figures in Prometheus's format (README, "Response figures").
QByteArray responseMetrics(const QJsonObject &summary)
{
    using namespace Prometheus;
    if (summary.isEmpty())
        return {};
    QByteArray out = family("liftline_requests_last_24h", Type::Gauge,
                            "Agent requests raised in the last 24 hours, by what became of them.");
    for (const char *outcome : {"requests", "acknowledged", "answered", "unanswered", "not_emergency"})
        out +=
            sample("liftline_requests_last_24h",
                   QByteArray("{outcome=\"") + (qstrcmp(outcome, "requests") == 0 ? "all" : outcome) + "\"}",
                   summary.value(QLatin1String(outcome)).toInteger());
    out += family("liftline_response_seconds_last_24h", Type::Gauge,
                  "Response figures of the last 24 hours' requests: p50, p90 and max, in seconds.");
    for (const char *figure : {"time_to_alert", "time_to_acknowledge", "time_to_first_reply"}) {
        const QJsonObject q = summary.value(QLatin1String(figure)).toObject();
        for (const char *stat : {"p50", "p90", "max"})
            if (!q.value(QLatin1String(stat)).isNull())
                out += sample("liftline_response_seconds_last_24h",
                              QByteArray("{figure=\"") + figure + "\",stat=\"" + stat + "\"}",
                              QByteArray::number(q.value(QLatin1String(stat)).toDouble(), 'f', 3));
    }
    out += family("liftline_escalation_steps_last_24h", Type::Gauge,
                  "Escalation steps taken for the last 24 hours' requests, by step.");
    const QJsonObject steps = summary.value(QStringLiteral("escalations")).toObject();
    for (auto it = steps.begin(); it != steps.end(); ++it)
        out += sample("liftline_escalation_steps_last_24h", "{step=\"" + it.key().toUtf8() + "\"}",
                      it.value().toInteger());
    return out;
}

int limitArg(const HttpRequest &request)
{
    const QString given = request.query.queryItemValue(QStringLiteral("limit"));
    bool ok = true;
    const int limit = given.isEmpty() ? 100 : given.toInt(&ok);
    if (!ok || limit < 1 || limit > 1000)
        throw ApiError(400, QStringLiteral("invalid_limit"),
                       QStringLiteral("limit must be a whole number from 1 to 1000"));
    return limit;
}

} // namespace

void install(HttpServer &server, ApiContext &ctx)
{
    AdminRoutes::adminRoute(
        server, ctx, "GET", QStringLiteral("/api/admin/escalation"),
        [&ctx](Db &db, const Principal &, const HttpRequest &) { return escalation(db, ctx); });

    AdminRoutes::adminRoute(
        server, ctx, "PUT", QStringLiteral("/api/admin/escalation/ladder"),
        [&ctx](Db &db, const Principal &who, const HttpRequest &request) {
            if (ctx.ladderFixed())
                throw ApiError(
                    409, QStringLiteral("ladder_fixed"),
                    QStringLiteral("LIFTLINE_ESCALATION_LADDER in the server's settings sets the ladder "
                                   "at every start: change it there, or remove it to manage the "
                                   "ladder here"));
            const QJsonObject body = ApiContext::jsonBody(request);
            QList<EscalationStore::Step> steps;
            if (body.contains(QStringLiteral("ladder_text"))) {
                QString problem;
                steps = EscalationStore::parseLadder(
                    ApiContext::stringField(body, QStringLiteral("ladder_text")), &problem);
                if (steps.isEmpty())
                    throw ApiError(400, QStringLiteral("invalid_ladder"), problem);
            } else if (body.value(QStringLiteral("ladder")).isArray()) {
                steps = EscalationStore::ladderFromJson(body.value(QStringLiteral("ladder")).toArray());
            } else {
                throw ApiError(
                    400, QStringLiteral("invalid_ladder"),
                    QStringLiteral("Send {\"ladder\": [{\"after_seconds\": 0, \"action\": \"consoles\"}, "
                                   "...]} or {\"ladder_text\": \"0:consoles,30:supervisors,60:oncall1\"}"));
            }
            EscalationStore::setLadder(db, steps, &who);
            return escalation(db, ctx);
        });

    AdminRoutes::adminRoute(
        server, ctx, "GET", QStringLiteral("/api/admin/oncall"),
        [](Db &db, const Principal &, const HttpRequest &) {
            return HttpResponse::okRaw({{"oncall", compact(EscalationStore::oncall(db))}});
        });
    AdminRoutes::adminRoute(
        server, ctx, "POST", QStringLiteral("/api/admin/oncall"),
        [](Db &db, const Principal &who, const HttpRequest &request) {
            const QJsonObject entry = EscalationStore::addOncall(db, ApiContext::jsonBody(request), who);
            return HttpResponse::json({{QStringLiteral("ok"), true}, {QStringLiteral("entry"), entry}}, 201);
        });
    AdminRoutes::adminRoute(server, ctx, "DELETE", QStringLiteral("/api/admin/oncall/{id}"),
                            [](Db &db, const Principal &who, const HttpRequest &request) {
                                bool ok = false;
                                const int id = request.pathArgs.value(QStringLiteral("id")).toInt(&ok);
                                if (!ok || id < 1)
                                    throw ApiError(
                                        400, QStringLiteral("invalid_id"),
                                        QStringLiteral("The on-call entry's id is a whole number"));
                                EscalationStore::removeOncall(db, id, who);
                                return HttpResponse::okRaw({{"message", "\"On-call entry removed\""}});
                            });

    server.route(
        "GET", QStringLiteral("/api/chat/requests"), [&ctx](const HttpRequest &request, ReplyPtr reply) {
            ctx.authed(request, reply, [request](Db &db, const Principal &) {
                const QString open = request.query.queryItemValue(QStringLiteral("open"));
                if (!open.isEmpty() && open != QLatin1String("true") && open != QLatin1String("false"))
                    throw ApiError(400, QStringLiteral("invalid_open"),
                                   QStringLiteral("open is true or false"));
                return HttpResponse::okRaw(
                    {{"requests", compact(EscalationStore::requests(db, open == QLatin1String("true"),
                                                                    limitArg(request)))}});
            });
        });
    server.route("GET", QStringLiteral("/api/chat/requests/{id}"),
                 [&ctx](const HttpRequest &request, ReplyPtr reply) {
                     ctx.authed(request, reply, [request](Db &db, const Principal &) {
                         return HttpResponse::json(
                             {{QStringLiteral("ok"), true},
                              {QStringLiteral("request"), EscalationStore::request(db, requestId(request))}});
                     });
                 });
    server.route(
        "POST", QStringLiteral("/api/chat/requests/{id}/not-emergency"),
        [&ctx](const HttpRequest &request, ReplyPtr reply) {
            ctx.authed(request, reply, [request](Db &db, const Principal &who) {
                requirePerson(who);
                const qint64 id = requestId(request);
                EscalationStore::notEmergency(
                    db, id, ApiContext::stringField(ApiContext::jsonBody(request), QStringLiteral("reason")),
                    who);
                return HttpResponse::json({{QStringLiteral("ok"), true},
                                           {QStringLiteral("request"), EscalationStore::request(db, id)}});
            });
        });

    // An admin reverses an agent's "not an emergency".
    AdminRoutes::adminRoute(
        server, ctx, "POST", QStringLiteral("/api/admin/requests/{id}/reopen"),
        [](Db &db, const Principal &who, const HttpRequest &request) {
            const qint64 id = requestId(request);
            EscalationStore::reopen(
                db, id, ApiContext::stringField(ApiContext::jsonBody(request), QStringLiteral("reason")),
                who);
            return HttpResponse::json({{QStringLiteral("ok"), true},
                                       {QStringLiteral("request"), EscalationStore::request(db, id)}});
        });

    // Agents block a number; admins see and lift blocks.
    server.route("POST", QStringLiteral("/api/chat/blocked-numbers"),
                 [&ctx](const HttpRequest &request, ReplyPtr reply) {
                     ctx.authed(request, reply, [request](Db &db, const Principal &who) {
                         requirePerson(who);
                         const QJsonObject body = ApiContext::jsonBody(request);
                         EscalationStore::block(db, ApiContext::stringField(body, QStringLiteral("number")),
                                                ApiContext::stringField(body, QStringLiteral("reason")), who);
                         return HttpResponse::okRaw(
                             {{"message", "\"Blocked: its requests alert the consoles only\""}}, 201);
                     });
                 });
    AdminRoutes::adminRoute(
        server, ctx, "GET", QStringLiteral("/api/admin/blocked-numbers"),
        [](Db &db, const Principal &, const HttpRequest &) {
            return HttpResponse::okRaw({{"blocked", compact(EscalationStore::blocked(db))}});
        });
    AdminRoutes::adminRoute(server, ctx, "DELETE", QStringLiteral("/api/admin/blocked-numbers/{number}"),
                            [](Db &db, const Principal &who, const HttpRequest &request) {
                                EscalationStore::unblock(db, request.pathArgs.value(QStringLiteral("number")),
                                                         who);
                                return HttpResponse::okRaw({{"message", "\"Unblocked\""}});
                            });

    // The response figures of a period, for admins: JSON, or CSV for a spreadsheet.
    AdminRoutes::adminRoute(
        server, ctx, "GET", QStringLiteral("/api/admin/reports/response"),
        [](Db &db, const Principal &, const HttpRequest &request) {
            QDateTime from, to;
            QString problem;
            if (!EscalationStore::parsePeriod(request.query.queryItemValue(QStringLiteral("from")),
                                              request.query.queryItemValue(QStringLiteral("to")), &from, &to,
                                              &problem))
                throw ApiError(400, QStringLiteral("invalid_period"), problem);
            const QString format = request.query.queryItemValue(QStringLiteral("format"));
            if (!format.isEmpty() && format != QLatin1String("json") && format != QLatin1String("csv"))
                throw ApiError(400, QStringLiteral("invalid_format"),
                               QStringLiteral("format is json or csv"));
            const QJsonObject report = EscalationStore::responseReport(db, from, to);
            if (format != QLatin1String("csv")) {
                QJsonObject answer = report;
                answer.insert(QStringLiteral("ok"), true);
                return HttpResponse::json(answer);
            }
            HttpResponse csv;
            csv.status = 200;
            csv.contentType = "text/csv; charset=utf-8";
            csv.body = EscalationStore::responseCsv(report);
            csv.headers.append(std::pair<QByteArray, QByteArray>(
                "Content-Disposition", "attachment; filename=\"liftline-response.csv\""));
            return csv;
        });
    server.addMetrics([&ctx] { return responseMetrics(ctx.responseSummary()); });

    // The agent's own status.
    server.route(
        "POST", QStringLiteral("/api/agents/me/status"), [&ctx](const HttpRequest &request, ReplyPtr reply) {
            ctx.authed(request, reply, [request](Db &db, const Principal &who) {
                if (who.kind != Principal::Kind::Agent)
                    throw ApiError(403, QStringLiteral("forbidden"),
                                   QStringLiteral("Only an agent has a status: sign in as one"));
                const QString status =
                    ApiContext::stringField(ApiContext::jsonBody(request), QStringLiteral("status"));
                AgentStore::setStatus(db, who.agentId, status, who);
                return HttpResponse::json({{QStringLiteral("ok"), true}, {QStringLiteral("status"), status}});
            });
        });
}

} // namespace EscalationRoutes
