#pragma once

#include "MessageTransport.h"

#include <QList>

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

Q_SIGNALS:
    void accepted(const OutboundMessage &message, const QString &waMessageId);

private:
    QList<OutboundMessage> m_sent;
    SendResult m_nextFailure;
    bool m_failNext = false;
};
