#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

// One message of a webhook body (value.messages[i]) in the terms the transcript keeps: the API's kind, a
// readable text ("[image] Controller error display"), the media id for a later download, and whether it
// asks for an agent.
struct InboundMessage {
    QString waMessageId;
    QString from;
    QDateTime timestamp; // WhatsApp's, UTC; invalid when missing
    QString kind; // text, button, interactive, image, document, audio, video, location, reaction, unsupported
    QString text;
    QString mediaId;
    QString contextId; // the business message replied to, or whose button was tapped
    bool agentRequested = false;
    QJsonObject raw;

    // Words that ask for an agent when they stand alone in a text, any case.
    static QStringList defaultAgentWords() { return {QStringLiteral("agent"), QStringLiteral("agents")}; }
    static InboundMessage fromJson(const QJsonObject &message, const QStringList &agentWords);
    // True when one of `words` stands as a whole word in `text` ("Agent?" yes, "reagent" no).
    static bool containsWord(const QString &text, const QStringList &words);
};
