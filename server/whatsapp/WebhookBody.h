#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

// WhatsApp's webhook body, as Meta sends it and as Liftline writes it itself: the sandbox's delivery
// statuses, the forwarder's bodies to the original server, the command line's `simulate`.
namespace WebhookBody {

// The X-Hub-Signature-256 value of a body: "sha256=" and the hex HMAC-SHA256 with the app secret.
QByteArray signature(const QByteArray &body, const QByteArray &secret);

// A body with one change of field "messages": {"object": "whatsapp_business_account", "entry": [{"id":
// entryId, "changes": [{"field": "messages", "value": value}]}]}, compact.
QByteArray envelope(const QString &entryId, const QJsonObject &value);

} // namespace WebhookBody
