#include "WebhookRoutes.h"

#include "ApiContext.h"
#include "HttpServer.h"
#include "auth/Auth.h"
#include "base/Logging.h"
#include "db/DbPool.h"
#include "whatsapp/WebhookBody.h"
#include "whatsapp/WebhookIngest.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace WebhookRoutes {

namespace {

// Which credential the body came with, or empty when none is valid.
QString authenticate(const HttpRequest &request, const Settings &settings, QString *why)
{
    // A relay may forward Meta's signature header along with its own token: either valid credential will do.
    const QByteArray authorization = request.header("authorization").trimmed();
    const bool bearerGiven =
        authorization.size() > 7 && authorization.left(7).compare("bearer ", Qt::CaseInsensitive) == 0;
    if (bearerGiven && !settings.authToken.isEmpty() &&
        Auth::constantTimeEquals(authorization.mid(7).trimmed(), settings.authToken))
        return QStringLiteral("bearer");
    const QByteArray signed_ = request.header("x-hub-signature-256").trimmed();
    if (!signed_.isEmpty() && !settings.appSecret.isEmpty() &&
        Auth::constantTimeEquals(signed_.toLower(), WebhookBody::signature(request.body, settings.appSecret)))
        return QStringLiteral("signature");
    if (!signed_.isEmpty())
        *why = settings.appSecret.isEmpty() ? QStringLiteral("signed, but no app secret is configured")
                                            : QStringLiteral("wrong signature");
    else if (bearerGiven)
        *why = QStringLiteral("wrong bearer token");
    else
        *why = QStringLiteral("neither a signature nor a bearer token");
    return {};
}

} // namespace

void install(HttpServer &server, ApiContext &ctx, const Settings &settings)
{
    server.route(
        "GET", QStringLiteral("/webhooks/whatsapp"), [settings](const HttpRequest &request, ReplyPtr reply) {
            const QString mode = request.query.queryItemValue(QStringLiteral("hub.mode"));
            const QByteArray token =
                request.query.queryItemValue(QStringLiteral("hub.verify_token"), QUrl::FullyDecoded).toUtf8();
            const QByteArray challenge =
                request.query.queryItemValue(QStringLiteral("hub.challenge"), QUrl::FullyDecoded).toUtf8();
            if (mode == QLatin1String("subscribe") && !settings.verifyToken.isEmpty() &&
                Auth::constantTimeEquals(token, settings.verifyToken)) {
                reply->send(HttpResponse::text(challenge));
                return;
            }
            qCWarning(lcWebhook) << "subscription check refused from" << request.remote;
            reply->send(
                HttpResponse::error(403, QStringLiteral("verification_failed"),
                                    QStringLiteral("The verify token does not match WEBHOOK_VERIFY_TOKEN")));
        });

    const auto ingest = std::make_shared<WebhookIngest>(ctx.pool(), ctx.sequencer(), settings.processing);
    server.route(
        "POST", QStringLiteral("/webhooks/whatsapp"),
        [&ctx, settings, ingest](const HttpRequest &request, ReplyPtr reply) {
            QString why;
            const QString authenticated = authenticate(request, settings, &why);
            if (authenticated.isEmpty()) {
                // Logged without the body: it is not trusted, and may be large.
                qCWarning(lcWebhook).noquote() << "webhook refused from" << request.remote << ":" << why
                                               << "(" << request.body.size() << "bytes)";
                reply->send(
                    HttpResponse::error(401, QStringLiteral("invalid_signature"),
                                        QStringLiteral("The webhook is not signed with the app secret")));
                return;
            }
            QJsonParseError parse;
            const QJsonDocument document = QJsonDocument::fromJson(request.body, &parse);
            const QString unreadable = parse.error == QJsonParseError::NoError
                                           ? QString()
                                           : QStringLiteral("not JSON: %1").arg(parse.errorString());
            // Answered once stored and processed, with the other bodies of its batch (WebhookIngest).
            ingest->submit(
                {request.body, authenticated, settings.forward, unreadable},
                WebhookIngest::senderOf(document.object()),
                [caller = CallerThread(&ctx), reply](WebhookIngest::Outcome outcome) {
                    caller.post([reply, outcome] {
                        if (outcome == WebhookIngest::Outcome::Unavailable) {
                            reply->send(HttpResponse::error(
                                503, QStringLiteral("database_unavailable"),
                                QStringLiteral("The body could not be stored; send it again")));
                            return;
                        }
                        // Stored is answered 200 whatever it holds: WhatsApp would send anything
                        // else again for days. What could not be read is set aside and shown to
                        // admins.
                        reply->send(HttpResponse::json({{QStringLiteral("status"), QStringLiteral("ok")}}));
                    });
                });
        });
    server.setBodyLimit(QStringLiteral("/webhooks/whatsapp"), settings.maxBodyBytes);
}

} // namespace WebhookRoutes
