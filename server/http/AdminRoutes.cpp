#include "AdminRoutes.h"

#include "ApiContext.h"
#include "HttpServer.h"
#include "auth/AgentStore.h"
#include "auth/Auth.h"
#include "auth/PasswordHasher.h"
#include "chat/ChatStore.h"
#include "chat/RegistryImport.h"
#include "chat/Tickets.h"
#include "db/Db.h"
#include "whatsapp/InboundProcessor.h"

#include <QJsonArray>
#include <QPointer>

namespace AdminRoutes {

namespace {

QString usernameArg(const HttpRequest &request)
{
    return AgentStore::normaliseUsername(request.pathArgs.value(QStringLiteral("username")));
}

// Password changes check the caller first (database), then hash (hashing threads), then write: an
// anonymous request never costs a hash.
void withNewPassword(
    ApiContext &ctx, const HttpRequest &request, ReplyPtr reply,
    std::function<HttpResponse(Db &, const Principal &, const QJsonObject &, const QString &)> work)
{
    QPointer<ApiContext> context(&ctx);
    ctx.authenticate(request, reply, &Auth::requireAdmin,
                     [context, request, reply, work](const Principal &who) {
                         if (!context)
                             return;
                         QJsonObject body;
                         QString password;
                         try {
                             body = ApiContext::jsonBody(request);
                             password = ApiContext::stringField(body, QStringLiteral("password"));
                         } catch (const ApiError &e) {
                             reply->send(e.response());
                             return;
                         }
                         const QString weakness = PasswordHasher::weakness(password);
                         if (!weakness.isEmpty()) {
                             reply->send(HttpResponse::error(400, QStringLiteral("weak_password"), weakness));
                             return;
                         }
                         if (!PasswordHasher::reserve()) {
                             reply->send(ApiContext::hashingBusy());
                             return;
                         }
                         PasswordHasher::hashAsync(context, password,
                                                   [context, reply, who, body, work](const QString &hash) {
                                                       if (!context)
                                                           return;
                                                       context->run(reply, [who, body, hash, work](Db &db) {
                                                           return work(db, who, body, hash);
                                                       });
                                                   });
                     });
}

// Agent accounts: list, create, password, disable and enable, sign-in throttle, sessions.
void installAgents(HttpServer &server, ApiContext &ctx)
{
    adminRoute(server, ctx, "GET", QStringLiteral("/api/admin/agents"),
               [](Db &db, const Principal &, const HttpRequest &) {
                   return HttpResponse::json(
                       {{QStringLiteral("ok"), true}, {QStringLiteral("agents"), AgentStore::list(db)}});
               });

    server.route(
        "POST", QStringLiteral("/api/admin/agents"), [&ctx](const HttpRequest &request, ReplyPtr reply) {
            withNewPassword(ctx, request, reply,
                            [](Db &db, const Principal &who, const QJsonObject &body, const QString &hash) {
                                QString role = ApiContext::stringField(body, QStringLiteral("role"));
                                if (role.isEmpty())
                                    role = QStringLiteral("agent");
                                const int id = AgentStore::add(
                                    db, ApiContext::stringField(body, QStringLiteral("username")),
                                    ApiContext::stringField(body, QStringLiteral("display_name")), role, hash,
                                    who);
                                return HttpResponse::json(
                                    {{QStringLiteral("ok"), true}, {QStringLiteral("id"), id}}, 201);
                            });
        });

    server.route("POST", QStringLiteral("/api/admin/agents/{username}/reset-password"),
                 [&ctx](const HttpRequest &request, ReplyPtr reply) {
                     withNewPassword(
                         ctx, request, reply,
                         [request](Db &db, const Principal &who, const QJsonObject &, const QString &hash) {
                             AgentStore::setPasswordHash(db, usernameArg(request), hash, who);
                             return HttpResponse::okRaw(
                                 {{"message", "\"Password changed; the agent's sessions ended\""}});
                         });
                 });

    adminRoute(server, ctx, "POST", QStringLiteral("/api/admin/agents/{username}/disable"),
               [](Db &db, const Principal &who, const HttpRequest &request) {
                   AgentStore::setDisabled(db, usernameArg(request), true, who);
                   return HttpResponse::okRaw({{"message", "\"Account disabled; its sessions ended\""}});
               });
    adminRoute(server, ctx, "POST", QStringLiteral("/api/admin/agents/{username}/enable"),
               [](Db &db, const Principal &who, const HttpRequest &request) {
                   AgentStore::setDisabled(db, usernameArg(request), false, who);
                   return HttpResponse::okRaw({{"message", "\"Account enabled\""}});
               });
    // Sign-in attempts counted against the username, by client address; and clearing them.
    adminRoute(server, ctx, "GET", QStringLiteral("/api/admin/agents/{username}/throttle"),
               [](Db &db, const Principal &, const HttpRequest &request) {
                   return HttpResponse::json(
                       {{QStringLiteral("ok"), true},
                        {QStringLiteral("username"), usernameArg(request)},
                        {QStringLiteral("clients"), AgentStore::throttle(db, usernameArg(request))}});
               });
    adminRoute(server, ctx, "DELETE", QStringLiteral("/api/admin/agents/{username}/throttle"),
               [](Db &db, const Principal &who, const HttpRequest &request) {
                   const int n = AgentStore::clearThrottle(db, usernameArg(request), who);
                   return HttpResponse::okRaw({{"clients_cleared", QByteArray::number(n)}});
               });
    adminRoute(server, ctx, "POST", QStringLiteral("/api/admin/agents/{username}/revoke-sessions"),
               [](Db &db, const Principal &who, const HttpRequest &request) {
                   const int n = AgentStore::revokeSessions(db, usernameArg(request), who);
                   return HttpResponse::okRaw({{"sessions_ended", QByteArray::number(n)}});
               });
}

// The registry upload, webhook problems, opening a ticket by hand, and the lifts.
void installRegistryAndTickets(HttpServer &server, ApiContext &ctx)
{
    adminRoute(
        server, ctx, "POST", QStringLiteral("/api/admin/registry"),
        [](Db &db, const Principal &who, const HttpRequest &request) {
            const QByteArray type = request.header("content-type").split(';').first().trimmed().toLower();
            if (!type.isEmpty() && type != "text/csv" && type != "text/plain")
                throw ApiError(415, QStringLiteral("unsupported_media_type"),
                               QStringLiteral("Send the registry as CSV with 'Content-Type: text/csv'"));
            if (request.body.size() > RegistryImport::maxBytes)
                throw ApiError(413, QStringLiteral("body_too_large"),
                               QStringLiteral("The registry may be at most 16 MiB"));
            const RegistryImport::Report report = RegistryImport::run(db, request.body, who);
            return HttpResponse::json(
                {{QStringLiteral("ok"), true}, {QStringLiteral("report"), report.toJson()}});
        });
    // The registry is the one large upload of the API.
    server.setBodyLimit(QStringLiteral("/api/admin/registry"), RegistryImport::maxBytes);
    server.setAdmission(QStringLiteral("/api/admin/registry"), ctx.credentialsFirst(&Auth::requireAdmin));

    adminRoute(server, ctx, "GET", QStringLiteral("/api/admin/webhook/problems"),
               [](Db &db, const Principal &, const HttpRequest &request) {
                   const QString given = request.query.queryItemValue(QStringLiteral("limit"));
                   bool ok = true;
                   const int limit = given.isEmpty() ? 50 : given.toInt(&ok);
                   if (!ok || limit < 1 || limit > 1000)
                       throw ApiError(400, QStringLiteral("invalid_limit"),
                                      QStringLiteral("limit must be a whole number from 1 to 1000"));
                   return HttpResponse::okRaw({{"problems", InboundProcessor::problems(db, limit)}});
               });

    adminRoute(server, ctx, "POST", QStringLiteral("/api/admin/tickets"),
               [](Db &db, const Principal &who, const HttpRequest &request) {
                   const QJsonObject body = ApiContext::jsonBody(request);
                   const Tickets::Opened t =
                       Tickets::open(db, ApiContext::stringField(body, QStringLiteral("lift_msisdn")),
                                     ApiContext::stringField(body, QStringLiteral("sms_text")), who);
                   return HttpResponse::okRaw({{"conversation", ChatStore::conversation(db, t.id)}}, 201);
               });

    adminRoute(server, ctx, "GET", QStringLiteral("/api/admin/lifts"),
               [](Db &db, const Principal &, const HttpRequest &) {
                   const QByteArray lifts =
                       db.scalar(QStringLiteral("SELECT coalesce(json_agg(json_build_object('id', l.id, "
                                                "'msisdn', l.msisdn, 'site_name', "
                                                "l.site_name, 'building', l.building, 'contacts', (SELECT "
                                                "coalesce(json_agg(json_build_object("
                                                "'id', c.id, 'display_name', c.display_name, 'msisdn', "
                                                "c.primary_msisdn, 'email', c.email, "
                                                "'relation', lc.relation) ORDER BY c.display_name), '[]') "
                                                "FROM lift_contacts lc JOIN contacts c "
                                                "ON c.id = lc.contact_id WHERE lc.lift_id = l.id)) ORDER BY "
                                                "l.id), '[]')::text FROM lifts l"))
                           .toString()
                           .toUtf8();
                   return HttpResponse::okRaw({{"lifts", lifts}});
               });
}

} // namespace

void adminRoute(HttpServer &server, ApiContext &ctx, const QByteArray &method, const QString &path,
                std::function<HttpResponse(Db &, const Principal &, const HttpRequest &)> work)
{
    server.route(method, path, [&ctx, work](const HttpRequest &request, ReplyPtr reply) {
        ctx.authed(request, reply, [request, work](Db &db, const Principal &who) {
            Auth::requireAdmin(who);
            return work(db, who, request);
        });
    });
}

void install(HttpServer &server, ApiContext &ctx)
{
    installAgents(server, ctx);
    installRegistryAndTickets(server, ctx);
}

} // namespace AdminRoutes
