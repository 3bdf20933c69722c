#pragma once

#include <QJsonObject>
#include <QString>

// A message on its way to WhatsApp and what became of it: what the outbox hands a transport and the
// transport answers. The transports themselves are in whatsapp/ (MessageTransport).
struct OutboundMessage {
    qint64 messageId = 0; // chat_messages.id of the stored, pending message
    QString to;           // E.164 digits
    QString type = QStringLiteral("text");
    QString text;
    QJsonObject templateBody; // for type "template": WhatsApp's template object
    // For type image, sticker, audio, video or document: the file (text is its caption), uploaded to
    // WhatsApp before the message is sent.
    QByteArray media;
    QString mediaMime;
    QString filename;
    QString uploadedId; // WhatsApp's id for the file once uploaded (Graph), which the message names
};

struct SendResult {
    bool ok = false;
    QString waMessageId;  // WhatsApp's id on success
    QString errorCode;    // on failure: WhatsApp's or the bridge's code
    QString errorMessage; // on failure: a sentence for the agent
};
