#include "AuthRoutes.h"

#include "ApiContext.h"
#include "HttpServer.h"
#include "WireTime.h"
#include "auth/AgentStore.h"
#include "auth/Auth.h"
#include "auth/PasswordHasher.h"
#include "db/AuditLog.h"
#include "db/Db.h"
#include "db/DbPool.h"

#include <QPointer>

namespace AuthRoutes {

namespace {

HttpResponse invalidCredentials()
{
    return HttpResponse::error(401, QStringLiteral("invalid_credentials"),
                               QStringLiteral("The username or password is wrong; check both and try again"));
}

// Sign-in runs in three steps so that no thread waits on another's work: look the account up (database),
// check the password (hashing threads, at most two at a time), record the outcome (database).
void login(ApiContext &ctx, const HttpRequest &request, ReplyPtr reply)
{
    struct Lookup {
        HttpResponse immediate;
        bool proceed = false;
        QString username;
        QString password;
        AgentStore::Account account;
        bool known = false;
    };
    // A place in the hashing queue first: when it is full the answer is immediate, and nothing is counted.
    if (!PasswordHasher::reserve()) {
        reply->send(ApiContext::hashingBusy());
        return;
    }
    QPointer<ApiContext> context(&ctx);
    ctx.pool()->run<Lookup>(
        &ctx,
        [request](Db &db) {
            Lookup lookup;
            lookup.immediate = ApiContext::guarded(db, [&](Db &db) {
                const QJsonObject body = ApiContext::jsonBody(request);
                lookup.username =
                    AgentStore::normaliseUsername(ApiContext::stringField(body, QStringLiteral("username")));
                lookup.password = ApiContext::stringField(body, QStringLiteral("password"));
                if (lookup.username.isEmpty() || lookup.password.isEmpty())
                    throw ApiError(400, QStringLiteral("credentials_required"),
                                   QStringLiteral("Give both a username and a password"));
                if (lookup.username.size() > 64 || lookup.password.size() > 256)
                    return invalidCredentials();
                // Counted before the password is checked, so that attempts arriving together each see
                // the ones before them.
                const int wait = AgentStore::countAttempt(db, lookup.username, request.remote);
                if (wait > 0) {
                    HttpResponse r = HttpResponse::error(
                        429, QStringLiteral("too_many_attempts"),
                        QStringLiteral(
                            "Too many wrong passwords for this username from this address: wait %1 seconds, "
                            "then try again. An administrator can clear the wait or reset the password")
                            .arg(wait));
                    r.headers.append({"Retry-After", QByteArray::number(wait)});
                    return r;
                }
                lookup.known =
                    AgentStore::find(db, lookup.username, &lookup.account) && !lookup.account.disabled;
                lookup.proceed = true;
                return HttpResponse();
            });
            return lookup;
        },
        [context, reply, request](Lookup lookup) {
            if (!lookup.proceed || !context) {
                PasswordHasher::release();
                reply->send(lookup.immediate);
                return;
            }
            // Unknown usernames are checked against a dummy hash: both answers take as long.
            const QString hash = lookup.known ? lookup.account.passwordHash : QString();
            PasswordHasher::verifyAsync(
                context, hash, lookup.password, [context, reply, request, lookup](bool ok) {
                    context->run(reply, [ok, lookup, request, hours = context->sessionHours()](Db &db) {
                        if (!ok || !lookup.known) {
                            db.transaction([&] {
                                Principal anonymous;
                                AuditLog::record(db, anonymous, QStringLiteral("login.failed"), 0,
                                                 {{QStringLiteral("username"), lookup.username.left(64)}},
                                                 request.remote);
                            });
                            return invalidCredentials();
                        }
                        const AgentStore::Session session = db.transaction([&] {
                            AgentStore::attemptSucceeded(db, lookup.username, request.remote);
                            const AgentStore::Session s =
                                AgentStore::createSession(db, lookup.account.id, hours, request.remote);
                            Principal who;
                            who.kind = Principal::Kind::Agent;
                            who.agentId = lookup.account.id;
                            who.displayName = lookup.account.displayName;
                            AuditLog::record(db, who, QStringLiteral("login"), 0, {}, request.remote);
                            return s;
                        });
                        QJsonObject answer{
                            {QStringLiteral("ok"), true},
                            {QStringLiteral("token"), QString::fromLatin1(session.token)},
                            {QStringLiteral("expires_at"), WireTime::format(session.expiresAt)},
                            {QStringLiteral("agent"), AgentStore::toJson(lookup.account)}};
                        return HttpResponse::json(answer);
                    });
                });
        });
}

} // namespace

void install(HttpServer &server, ApiContext &ctx)
{
    server.route("POST", QStringLiteral("/api/auth/login"),
                 [&ctx](const HttpRequest &request, ReplyPtr reply) { login(ctx, request, reply); });

    server.route("POST", QStringLiteral("/api/auth/logout"),
                 [&ctx](const HttpRequest &request, ReplyPtr reply) {
                     ctx.authed(request, reply, [request](Db &db, const Principal &who) {
                         if (who.kind == Principal::Kind::Agent) {
                             db.transaction([&] {
                                 AgentStore::endSession(db, who.sessionId);
                                 AuditLog::record(db, who, QStringLiteral("logout"), 0, {}, request.remote);
                             });
                         }
                         return HttpResponse::okRaw({{"message", "\"Signed out\""}});
                     });
                 });

    server.route("GET", QStringLiteral("/api/auth/me"), [&ctx](const HttpRequest &request, ReplyPtr reply) {
        ctx.authed(request, reply, [](Db &, const Principal &who) {
            QJsonObject me{{QStringLiteral("kind"), who.actorKind()},
                           {QStringLiteral("name"), who.actorName()},
                           {QStringLiteral("admin"), who.isAdmin()}};
            if (who.kind == Principal::Kind::Agent) {
                me.insert(QStringLiteral("id"), who.agentId);
                me.insert(QStringLiteral("username"), who.username);
                me.insert(QStringLiteral("display_name"), who.displayName);
                me.insert(QStringLiteral("role"), who.role);
            }
            return HttpResponse::json({{QStringLiteral("ok"), true}, {QStringLiteral("principal"), me}});
        });
    });
}

} // namespace AuthRoutes
