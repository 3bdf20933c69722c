#pragma once

#include "MessageTransport.h"

#include <QList>
#include <QNetworkAccessManager>
#include <QUrl>

// Accepts every send locally and records it, delivering nothing: for the demo and for tests, where a
// person or a test plays the technician. failNext() makes the next send fail as WhatsApp would.
class SandboxTransport : public MessageTransport {
    Q_OBJECT
public:
    using MessageTransport::MessageTransport;

    QString name() const override { return QStringLiteral("sandbox"); }
    void send(const OutboundMessage &message, std::function<void(SendResult)> done) override;

    QList<OutboundMessage> sent() const { return m_sent; }
    void failNext(const QString &code, const QString &message);

    // Like WhatsApp, report sent, delivered and read for each accepted message through the server's own
    // webhook, signed with `secret` (or with `bearer` when only a relay token is configured).
    void reportStatusesTo(const QUrl &webhook, const QByteArray &secret, const QByteArray &bearer);

Q_SIGNALS:
    void accepted(const OutboundMessage &message, const QString &waMessageId);

private:
    void report(const QString &waMessageId, const QString &to, const QString &status);

    QList<OutboundMessage> m_sent;
    QUrl m_webhook;
    QByteArray m_secret;
    QByteArray m_bearer;
    QNetworkAccessManager *m_nam = nullptr;
    SendResult m_nextFailure;
    bool m_failNext = false;
};
