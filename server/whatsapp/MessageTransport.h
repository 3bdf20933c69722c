#pragma once

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <functional>

struct OutboundMessage {
    qint64 messageId = 0; // chat_messages.id of the stored, pending message
    QString to;           // E.164 digits
    QString type = QStringLiteral("text");
    QString text;
    QJsonObject templateBody; // for type "template": WhatsApp's template object
};

struct SendResult {
    bool ok = false;
    QString waMessageId;  // WhatsApp's id on success
    QString errorCode;    // on failure: WhatsApp's or the bridge's code
    QString errorMessage; // on failure: a sentence for the agent
};

// The one way a message leaves for WhatsApp: the sandbox for demos and tests, the bridge relay or
// Meta's Graph API in production. send() answers exactly once, on the caller's thread.
class MessageTransport : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    virtual QString name() const = 0;
    virtual void send(const OutboundMessage &message, std::function<void(SendResult)> done) = 0;
};
