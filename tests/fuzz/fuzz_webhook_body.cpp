// What the server makes of a webhook body before the database: the JSON, every message and status read
// by InboundMessage, and the part forwarded to the original system.
#include "whatsapp/InboundMessage.h"
#include "whatsapp/WebhookForwarder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(bytes), qsizetype(size));
    static const QStringList words = InboundMessage::defaultAgentWords();
    const QJsonObject root = QJsonDocument::fromJson(body).object();
    const QJsonArray entries = root.value(QLatin1String("entry")).toArray();
    for (const QJsonValue &entry : entries) {
        const QJsonArray changes = entry.toObject().value(QLatin1String("changes")).toArray();
        for (const QJsonValue &change : changes) {
            const QJsonObject value = change.toObject().value(QLatin1String("value")).toObject();
            const QJsonArray messages = value.value(QLatin1String("messages")).toArray();
            for (const QJsonValue &m : messages) {
                const InboundMessage message = InboundMessage::fromJson(m.toObject(), words);
                (void)InboundMessage::containsWord(message.text, words);
            }
        }
    }
    (void)WebhookForwarder::forHost(body, WebhookForwarder::Mode::HostNeeds);
    (void)WebhookForwarder::forHost(body, WebhookForwarder::Mode::Everything);
    return 0;
}
