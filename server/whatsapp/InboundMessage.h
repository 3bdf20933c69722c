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
    // text, button, interactive, image (a sticker too), document, audio, video, location, contacts, reaction,
    // edit, revoke, unsupported
    QString kind;
    QString text; // for a reaction the emoji, for an edit the new text; readable words for the others

    QString mediaId;
    // The message replied to, whose button was tapped, or that a reaction, an edit or a revoke changes
    QString contextId;
    bool agentRequested = false;
    QJsonObject raw;

    // Words that ask for an agent when they stand alone in a text, any case.
    static QStringList defaultAgentWords() { return {QStringLiteral("agent"), QStringLiteral("agents")}; }
    static InboundMessage fromJson(const QJsonObject &message, const QStringList &agentWords);
    // True when one of `words` stands as a whole word in `text` ("Agent?" yes, "reagent" no).
    static bool containsWord(const QString &text, const QStringList &words);
};
