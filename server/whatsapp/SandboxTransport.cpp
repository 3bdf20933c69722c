#include "SandboxTransport.h"

#include "Logging.h"

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
    }
    // Answer later, as a network transport would: callers must not rely on a synchronous answer.
    QTimer::singleShot(0, this, [done = std::move(done), result] { done(result); });
}

void SandboxTransport::failNext(const QString &code, const QString &message)
{
    m_failNext = true;
    m_nextFailure = SendResult{false, {}, code, message};
}
