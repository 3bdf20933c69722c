#include "ApiClient.h"

#include "ConsoleLogging.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>

ApiClient::ApiClient(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{}

void ApiClient::setBaseUrl(const QUrl &url)
{
    m_base = url;
    QString path = m_base.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    m_base.setPath(path);
}

QUrl ApiClient::url(const QString &path, const QUrlQuery &query) const
{
    QUrl u = m_base;
    u.setPath(m_base.path() + path);
    if (!query.isEmpty())
        u.setQuery(query);
    return u;
}

void ApiClient::get(const QString &path, const QUrlQuery &query, QObject *context, Ok ok, Failed failed)
{
    QNetworkRequest request(url(path, query));
    request.setTransferTimeout(m_timeoutMs);
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token);
    finish(m_network->get(request), context, ok, failed);
}

void ApiClient::post(const QString &path, const QJsonObject &body, QObject *context, Ok ok, Failed failed,
                     const QByteArray &prefer)
{
    QNetworkRequest request(url(path));
    request.setTransferTimeout(m_timeoutMs);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!prefer.isEmpty())
        request.setRawHeader("Prefer", prefer);
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token);
    finish(m_network->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact)), context, ok, failed);
}

void ApiClient::put(const QString &path, const QJsonObject &body, QObject *context, Ok ok, Failed failed)
{
    QNetworkRequest request(url(path));
    request.setTransferTimeout(m_timeoutMs);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token);
    finish(m_network->put(request, QJsonDocument(body).toJson(QJsonDocument::Compact)), context, ok, failed);
}

void ApiClient::getBytes(const QString &path, QObject *context, Bytes ok, Failed failed)
{
    download(
        path, {}, context,
        [ok](const Download &d) {
            if (ok)
                ok(d.body, d.mimeType);
        },
        std::move(failed));
}

void ApiClient::download(const QString &path, const QUrlQuery &query, QObject *context, Downloaded ok,
                         Failed failed, int timeoutMs)
{
    QNetworkRequest request(url(path, query));
    request.setTransferTimeout(std::max(m_timeoutMs, timeoutMs));
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token);
    QNetworkReply *reply = m_network->get(request);
    QPointer<QObject> guard(context);
    const QByteArray token = m_token;
    connect(reply, &QNetworkReply::finished, this, [this, reply, guard, ok, failed, token] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 200) {
            if (guard && ok) {
                Download d;
                d.body = reply->readAll();
                d.mimeType = reply->header(QNetworkRequest::ContentTypeHeader).toString();
                for (const QNetworkReply::RawHeaderPair &h : reply->rawHeaderPairs())
                    d.headers.insert(h.first.toLower(), h.second);
                ok(d);
            }
            return;
        }
        QJsonObject answer;
        RequestError error;
        readAnswer(reply, &answer, &error);
        qCDebug(lcApi) << reply->request().url().path() << error.status << error.code << error.message;
        if (guard && failed)
            failed(error);
        if (error.isAuthentication() && !token.isEmpty() && token == m_token)
            Q_EMIT authenticationLost(error.message);
    });
}

void ApiClient::postBytes(const QString &path, const QUrlQuery &query, const QByteArray &bytes,
                          const QString &mimeType, QObject *context, Ok ok, Failed failed)
{
    QNetworkRequest request(url(path, query));
    // The server answers once WhatsApp has taken the file, which for a large one takes minutes.
    request.setTransferTimeout(std::max(m_timeoutMs, 300000));
    request.setHeader(QNetworkRequest::ContentTypeHeader, mimeType.toUtf8());
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token);
    finish(m_network->post(request, bytes), context, ok, failed);
}

bool ApiClient::readAnswer(QNetworkReply *reply, QJsonObject *answer, RequestError *error)
{
    error->status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (error->status == 0) { // no answer: nothing to read (an aborted reply is closed)
        const bool timedOut = reply->error() == QNetworkReply::OperationCanceledError ||
                              reply->error() == QNetworkReply::TimeoutError;
        error->code = timedOut ? QStringLiteral("timeout") : QStringLiteral("network");
        error->message = timedOut
                             ? tr("The server did not answer in time. Check the connection and try again.")
                             : tr("The server cannot be reached (%1).").arg(reply->errorString());
        return false;
    }
    QJsonParseError parse;
    const QJsonDocument document = QJsonDocument::fromJson(reply->readAll(), &parse);
    if (parse.error != QJsonParseError::NoError || !document.isObject()) {
        error->code = QStringLiteral("bad_answer");
        error->message = tr("The server answered with something that is not Liftline's API (HTTP %1). Check "
                            "the server address.")
                             .arg(error->status);
        return false;
    }
    *answer = document.object();
    if (error->status >= 200 && error->status < 300 && answer->value(QStringLiteral("ok")).toBool())
        return true;
    const QJsonObject e = answer->value(QStringLiteral("error")).toObject();
    error->code = e.value(QStringLiteral("code")).toString(QStringLiteral("http_%1").arg(error->status));
    error->message = e.value(QStringLiteral("message")).toString();
    if (error->message.isEmpty())
        error->message = tr("The server refused the request (HTTP %1).").arg(error->status);
    return false;
}

void ApiClient::finish(QNetworkReply *reply, QObject *context, const Ok &ok, const Failed &failed)
{
    QPointer<QObject> guard(context);
    const QByteArray token = m_token;
    connect(reply, &QNetworkReply::finished, this, [this, reply, guard, ok, failed, token] {
        reply->deleteLater();
        QJsonObject answer;
        RequestError error;
        const bool success = readAnswer(reply, &answer, &error);
        if (!success) {
            qCDebug(lcApi) << reply->request().url().path() << error.status << error.code << error.message;
        }
        // The caller's own handling first; then, for a refused session that is still the current one (not
        // an old request answered after a new sign-in), the news that the session ended.
        if (guard) {
            if (success && ok)
                ok(answer);
            else if (!success && failed)
                failed(error);
        }
        if (!success && error.isAuthentication() && !token.isEmpty() && token == m_token)
            Q_EMIT authenticationLost(error.message);
    });
}

void ApiClient::login(const QString &username, const QString &password, QObject *context, Ok ok,
                      Failed failed)
{
    post(QStringLiteral("/api/auth/login"),
         {{QStringLiteral("username"), username}, {QStringLiteral("password"), password}}, context, ok,
         failed);
}

void ApiClient::logout()
{
    if (m_token.isEmpty())
        return;
    post(QStringLiteral("/api/auth/logout"), {}, this, nullptr, nullptr);
    m_token.clear(); // its answer (even a 401 for an expired session) is not news any more
}

void ApiClient::conversations(QObject *context, Ok ok, Failed failed)
{
    get(QStringLiteral("/api/chat/conversations"), {}, context, ok, failed);
}

void ApiClient::messages(int ticketId, int limit, qint64 before, QObject *context, Ok ok, Failed failed)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    if (before > 0)
        query.addQueryItem(QStringLiteral("before"), QString::number(before));
    get(QStringLiteral("/api/chat/%1/messages").arg(ticketId), query, context, ok, failed);
}

void ApiClient::send(int ticketId, const QString &text, const QString &clientMessageId, const QString &to,
                     QObject *context, Ok ok, Failed failed)
{
    QJsonObject body{{QStringLiteral("message"), text},
                     {QStringLiteral("client_message_id"), clientMessageId}};
    if (!to.isEmpty())
        body.insert(QStringLiteral("to"), to);
    // Answered as soon as the message is stored (202, pending): the pending bubble turns sent or failed
    // with the message's event, as on every other console.
    post(QStringLiteral("/api/chat/%1/send").arg(ticketId), body, context, ok, failed, "respond-async");
}

void ApiClient::markRead(int ticketId, QObject *context, Ok ok, Failed failed)
{
    post(QStringLiteral("/api/chat/%1/mark-read").arg(ticketId), {}, context, ok, failed);
}

void ApiClient::acknowledge(int ticketId, QObject *context, Ok ok, Failed failed)
{
    post(QStringLiteral("/api/chat/%1/acknowledge").arg(ticketId), {}, context, ok, failed);
}

void ApiClient::acknowledgeUnassigned(qint64 unassignedId, QObject *context, Ok ok, Failed failed)
{
    post(QStringLiteral("/api/chat/unassigned/%1/acknowledge").arg(unassignedId), {}, context, ok, failed);
}

void ApiClient::resolve(int ticketId, const QString &note, QObject *context, Ok ok, Failed failed)
{
    post(QStringLiteral("/api/chat/%1/resolve").arg(ticketId), {{QStringLiteral("note"), note}}, context, ok,
         failed);
}

void ApiClient::sendTemplate(int ticketId, QObject *context, Ok ok, Failed failed)
{
    post(QStringLiteral("/api/chat/%1/send-template").arg(ticketId), {}, context, ok, failed);
}

void ApiClient::unassigned(QObject *context, Ok ok, Failed failed)
{
    get(QStringLiteral("/api/chat/unassigned"), {}, context, ok, failed);
}

void ApiClient::attach(qint64 unassignedId, int ticketId, QObject *context, Ok ok, Failed failed)
{
    post(QStringLiteral("/api/chat/unassigned/%1/attach").arg(unassignedId),
         {{QStringLiteral("ticket_id"), ticketId}}, context, ok, failed);
}
