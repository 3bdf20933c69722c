#include "RetentionRoutes.h"

#include "AdminRoutes.h"
#include "ApiContext.h"
#include "HttpServer.h"
#include "chat/Retention.h"

#include <QJsonObject>

namespace RetentionRoutes {

void install(HttpServer &server, ApiContext &ctx)
{
    AdminRoutes::adminRoute(server, ctx, "GET", QStringLiteral("/api/admin/retention"),
                            [](Db &db, const Principal &, const HttpRequest &) {
                                return HttpResponse::json(
                                    {{QStringLiteral("ok"), true},
                                     {QStringLiteral("policies"), Retention::policies(db)},
                                     {QStringLiteral("runs"), Retention::runs(db)},
                                     {QStringLiteral("holds"), Retention::holds(db)}});
                            });
    AdminRoutes::adminRoute(server, ctx, "PUT", QStringLiteral("/api/admin/retention"),
                            [](Db &db, const Principal &who, const HttpRequest &request) {
                                const QJsonObject body = ApiContext::jsonBody(request);
                                QJsonObject periods = body;
                                if (body.contains(QStringLiteral("policies")))
                                    periods = body.value(QStringLiteral("policies")).toObject();
                                return HttpResponse::json(
                                    {{QStringLiteral("ok"), true},
                                     {QStringLiteral("policies"), Retention::setPolicies(db, periods, who)}});
                            });
    AdminRoutes::adminRoute(
        server, ctx, "GET", QStringLiteral("/api/admin/holds"),
        [](Db &db, const Principal &, const HttpRequest &request) {
            const bool all = request.query.queryItemValue(QStringLiteral("all")) == QLatin1String("true");
            return HttpResponse::json(
                {{QStringLiteral("ok"), true}, {QStringLiteral("holds"), Retention::holds(db, all)}});
        });
    AdminRoutes::adminRoute(
        server, ctx, "POST", QStringLiteral("/api/admin/holds"),
        [](Db &db, const Principal &who, const HttpRequest &request) {
            const QJsonObject body = ApiContext::jsonBody(request);
            const QString scope = ApiContext::stringField(body, QStringLiteral("scope"));
            // The target as the scope names it: ticket_id for a ticket, number for a lift or a technician.
            const QJsonValue ticket = body.value(QStringLiteral("ticket_id"));
            const QString target = ticket.isDouble() ? QString::number(ticket.toDouble(), 'f', 0)
                                   : ticket.isString()
                                       ? ticket.toString()
                                       : ApiContext::stringField(body, QStringLiteral("number"));
            return HttpResponse::json(
                {{QStringLiteral("ok"), true},
                 {QStringLiteral("hold"),
                  Retention::addHold(db, scope, target,
                                     ApiContext::stringField(body, QStringLiteral("reason")), who)}},
                201);
        });
    AdminRoutes::adminRoute(
        server, ctx, "POST", QStringLiteral("/api/admin/holds/{id}/release"),
        [](Db &db, const Principal &who, const HttpRequest &request) {
            bool ok = false;
            const qint64 id = request.pathArgs.value(QStringLiteral("id")).toLongLong(&ok);
            if (!ok || id < 1)
                throw ApiError(400, QStringLiteral("invalid_id"),
                               QStringLiteral("A hold's id is a whole number"));
            return HttpResponse::json(
                {{QStringLiteral("ok"), true},
                 {QStringLiteral("hold"),
                  Retention::releaseHold(
                      db, id,
                      ApiContext::stringField(ApiContext::jsonBody(request), QStringLiteral("reason")),
                      who)}});
        });
}

} // namespace RetentionRoutes
