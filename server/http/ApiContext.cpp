#include "ApiContext.h"

#include "auth/Auth.h"
#include "base/Logging.h"
#include "chat/Unassigned.h"
#include "db/Db.h"
#include "db/DbPool.h"
#include "db/Sequencer.h"
#include "whatsapp/MessageTransport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QPointer>

#include <chrono>
#include <thread>

ApiContext::ApiContext(DbPool *pool, Sequencer *sequencer, Auth *auth, MessageTransport *transport,
                       int sessionHours, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_sequencer(sequencer)
    , m_auth(auth)
    , m_transport(transport)
    , m_sessionHours(sessionHours)
{}

HttpResponse ApiContext::guarded(Db &db, const Work &work, std::atomic<bool> *dbDown)
{
    try {
        HttpResponse r = db.retryingStaleConnection([&] { return work(db); });
        if (dbDown)
            dbDown->store(false);
        return r;
    } catch (const ApiError &e) {
        if (dbDown)
            dbDown->store(false);
        return e.response();
    } catch (const DomainError &e) {
        if (dbDown)
            dbDown->store(false);
        return ApiError(e).response();
    } catch (const DbError &e) {
        if (e.kind() == DbError::Kind::Unavailable) {
            if (dbDown)
                dbDown->store(true);
            return HttpResponse::error(
                503, QStringLiteral("database_unavailable"),
                QStringLiteral("The database is not reachable right now; nothing was changed. "
                               "Try again in a moment"));
        }
        qCWarning(lcHttp) << "database statement failed:" << e.sqlState() << e.message();
        return HttpResponse::error(
            500, QStringLiteral("internal_error"),
            QStringLiteral("The server could not complete this request; the details are in "
                           "its log"));
    } catch (const std::exception &e) {
        qCCritical(lcHttp) << "handler failed:" << e.what();
        return HttpResponse::error(
            500, QStringLiteral("internal_error"),
            QStringLiteral("The server could not complete this request; the details are in "
                           "its log"));
    }
}

void ApiContext::run(ReplyPtr reply, Work work)
{
    std::atomic<bool> *down = &m_dbDown;
    m_pool->run<HttpResponse>(
        this, [work = std::move(work), down](Db &db) { return guarded(db, work, down); },
        [reply](HttpResponse response) { reply->send(response); });
}

void ApiContext::authed(const HttpRequest &request, ReplyPtr reply, AuthedWork work)
{
    const Auth *auth = m_auth;
    run(std::move(reply), [request, auth, work = std::move(work)](Db &db) {
        const Principal principal = auth->authenticate(db, token(request));
        return work(db, principal);
    });
}

void ApiContext::authenticate(const HttpRequest &request, ReplyPtr reply,
                              std::function<void(const Principal &)> check,
                              std::function<void(const Principal &)> then)
{
    struct Outcome {
        HttpResponse refusal;
        Principal principal;
        bool ok = false;
    };
    const Auth *auth = m_auth;
    std::atomic<bool> *down = &m_dbDown;
    m_pool->run<Outcome>(
        this,
        [request, auth, check = std::move(check), down](Db &db) {
            Outcome o;
            o.refusal = guarded(
                db,
                [&](Db &db) {
                    o.principal = auth->authenticate(db, token(request));
                    if (check)
                        check(o.principal);
                    o.ok = true;
                    return HttpResponse();
                },
                down);
            return o;
        },
        [reply, then = std::move(then)](const Outcome &o) {
            if (!o.ok)
                reply->send(o.refusal);
            else
                then(o.principal);
        });
}

HttpServer::Admission ApiContext::credentialsFirst(std::function<void(const Principal &)> check)
{
    return [this, check](const HttpRequest &head, HttpServer::Decide decide) {
        const Auth *auth = m_auth;
        std::atomic<bool> *down = &m_dbDown;
        m_pool->run<std::optional<HttpResponse>>(
            this,
            [head, auth, check, down](Db &db) -> std::optional<HttpResponse> {
                bool ok = false;
                HttpResponse refusal = guarded(
                    db,
                    [&](Db &db) {
                        const Principal principal = auth->authenticate(db, token(head));
                        if (check)
                            check(principal);
                        ok = true;
                        return HttpResponse();
                    },
                    down);
                if (ok)
                    return std::nullopt;
                return refusal;
            },
            [decide](std::optional<HttpResponse> refusal) { decide(std::move(refusal)); });
    };
}

QByteArray ApiContext::token(const HttpRequest &request)
{
    return Auth::presentedToken(request.header("authorization"), request.header("x-admin-token"),
                                request.header("x-ai-token"));
}

HttpResponse ApiContext::hashingBusy()
{
    HttpResponse r = HttpResponse::error(
        503, QStringLiteral("busy"),
        QStringLiteral("Too many passwords are being checked right now: try again in a second"));
    r.headers.append({QByteArray("Retry-After"), QByteArray("1")});
    return r;
}

int ApiContext::ticketId(const HttpRequest &request)
{
    const QString text = request.pathArgs.value(QStringLiteral("ticketId"));
    bool ok = false;
    const int id = text.toInt(&ok);
    if (!ok || id <= 0 || text.startsWith(QLatin1Char('+')))
        throw ApiError(400, QStringLiteral("invalid_ticket_id"),
                       QStringLiteral("'%1' is not a ticket id: ticket ids are positive whole numbers")
                           .arg(text.left(40)));
    return id;
}

// PostgreSQL text cannot hold U+0000, so text carrying it is refused up front rather than failing in the
// database.
static bool containsNul(const QJsonValue &value)
{
    if (value.isString())
        return value.toString().contains(QChar(u'\0'));
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        return std::any_of(array.begin(), array.end(), [](const QJsonValue &v) { return containsNul(v); });
    }
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            if (it.key().contains(QChar(u'\0')) || containsNul(it.value()))
                return true;
    }
    return false;
}

QJsonObject ApiContext::jsonBody(const HttpRequest &request, bool allowEmpty)
{
    const QByteArray type = request.header("content-type").split(';').first().trimmed().toLower();
    if (!type.isEmpty() && type != "application/json" && !type.endsWith("+json"))
        throw ApiError(
            415, QStringLiteral("unsupported_media_type"),
            QStringLiteral("Send the body as JSON with 'Content-Type: application/json' (got '%1')")
                .arg(QString::fromLatin1(type.left(80))));
    if (request.body.trimmed().isEmpty()) {
        if (allowEmpty)
            return {};
        throw ApiError(400, QStringLiteral("invalid_json"),
                       QStringLiteral("The body is empty; send a JSON object"));
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError)
        throw ApiError(400, QStringLiteral("invalid_json"),
                       QStringLiteral("The body is not valid JSON (%1 at byte %2)")
                           .arg(error.errorString())
                           .arg(error.offset));
    if (!doc.isObject())
        throw ApiError(400, QStringLiteral("invalid_json"), QStringLiteral("The body must be a JSON object"));
    if (containsNul(doc.object()))
        throw ApiError(
            400, QStringLiteral("invalid_text"),
            QStringLiteral("The text contains a NUL character (\\u0000), which cannot be stored: remove it"));
    return doc.object();
}

QString ApiContext::stringField(const QJsonObject &body, const QString &name)
{
    const QJsonValue v = body.value(name);
    if (v.isUndefined() || v.isNull())
        return {};
    if (!v.isString())
        throw ApiError(400, QStringLiteral("invalid_field"),
                       QStringLiteral("'%1' must be a string").arg(name));
    return v.toString();
}

namespace {

// What the transport said of a stored message, stored. A database that is away for a moment is waited for
// (up to about 30 s, well inside the sweep that fails sends left pending) rather than leaving the message
// pending without its WhatsApp id.
void storeOutcome(Db &db, Sequencer *sequencer, qint64 id, bool direct, const SendResult &result)
{
    for (int attempt = 1;; ++attempt) {
        try {
            db.retryingStaleConnection([&] {
                if (direct)
                    Unassigned::completeReply(db, id, result);
                else
                    Outbox::complete(db, id, result, true);
            });
            if (!direct)
                sequencer->request();
            return;
        } catch (const DbError &e) {
            if (e.kind() != DbError::Kind::Unavailable || attempt == 6) {
                qCWarning(lcSend) << "message" << id << (result.ok ? "was" : "was not")
                                  << "taken by WhatsApp, but that could not be stored:" << e.message();
                return;
            }
            std::this_thread::sleep_for(std::chrono::seconds(1 << (attempt - 1)));
        }
    }
}

} // namespace

void ApiContext::sendStored(const Outbox::Prepared &prepared, std::function<void(const SendResult &)> sent)
{
    const OutboundMessage out = Outbox::outboundOf(prepared);
    QPointer<ApiContext> context(this);
    m_transport->send(out, [context, id = out.messageId, direct = prepared.direct, hold = prepared.hold,
                            sent = std::move(sent)](const SendResult &result) {
        if (!context)
            return;
        // The sequencer outlives the pool that runs this.
        context->pool()->post([id, direct, result, sequencer = context->sequencer()](Db &db) {
            storeOutcome(db, sequencer, id, direct, result);
        });
        if (sent)
            sent(result);
    });
}
