#pragma once

#include "domain/Outbound.h"

#include <QObject>
#include <QString>
#include <functional>

// The one way a message leaves for WhatsApp: the sandbox for demos and tests, the bridge relay or
// Meta's Graph API in production. send() answers exactly once, on the caller's thread.
class MessageTransport : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    virtual QString name() const = 0;
    virtual void send(const OutboundMessage &message, std::function<void(SendResult)> done) = 0;
};
