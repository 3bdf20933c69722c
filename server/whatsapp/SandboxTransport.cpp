#include "SandboxTransport.h"

#include "WebhookBody.h"
#include "base/Logging.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QTimer>
#include <QUuid>

void SandboxTransport::send(const OutboundMessage &message, std::function<void(SendResult)> done)
{
    SendResult result;
    if (m_failNext) {
        m_failNext = false;
        result = m_nextFailure;
    } else {
        result.ok = true;
        result.waMessageId = QStringLiteral("wamid.SANDBOX.") + QUuid::createUuid().toString(QUuid::Id128);
        m_sent.append(message);
        qCDebug(lcSend).noquote() << "sandbox: accepted message" << message.messageId << "to" << message.to;
        Q_EMIT accepted(message, result.waMessageId);
        if (m_webhook.isValid()) {
            const QString id = result.waMessageId;
            const QString to = message.to;
            QTimer::singleShot(300, this, [this, id, to] { report(id, to, QStringLiteral("sent")); });
            QTimer::singleShot(1500, this, [this, id, to] { report(id, to, QStringLiteral("delivered")); });
            QTimer::singleShot(4000, this, [this, id, to] { report(id, to, QStringLiteral("read")); });
        }
    }
    // Answer later, as a network transport would: callers must not rely on a synchronous answer.
    QTimer::singleShot(0, this, [done = std::move(done), result] { done(result); });
}

void SandboxTransport::failNext(const QString &code, const QString &message)
{
    m_failNext = true;
    m_nextFailure = SendResult{false, {}, code, message};
}

void SandboxTransport::reportStatusesTo(const QUrl &webhook, const QByteArray &secret,
                                        const QByteArray &bearer)
{
    m_webhook = webhook;
    m_secret = secret;
    m_bearer = bearer;
    if (!m_nam)
        m_nam = new QNetworkAccessManager(this);
}

void SandboxTransport::report(const QString &waMessageId, const QString &to, const QString &status)
{
    const QJsonObject statusObject{
        {QStringLiteral("id"), waMessageId},
        {QStringLiteral("status"), status},
        {QStringLiteral("timestamp"), QString::number(QDateTime::currentSecsSinceEpoch())},
        {QStringLiteral("recipient_id"), to}};
    const QJsonObject value{{QStringLiteral("messaging_product"), QStringLiteral("whatsapp")},
                            {QStringLiteral("statuses"), QJsonArray{statusObject}}};
    const QByteArray body = WebhookBody::envelope(QStringLiteral("sandbox"), value);
    QNetworkRequest request(m_webhook);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!m_secret.isEmpty())
        request.setRawHeader("X-Hub-Signature-256", WebhookBody::signature(body, m_secret));
    else
        request.setRawHeader("Authorization", "Bearer " + m_bearer);
    QNetworkReply *reply = m_nam->post(request, body);
    connect(reply, &QNetworkReply::finished, reply, [reply, status, waMessageId] {
        if (reply->error() != QNetworkReply::NoError)
            qCWarning(lcSend) << "sandbox: could not report" << status << "for" << waMessageId << ":"
                              << reply->errorString();
        reply->deleteLater();
    });
}
