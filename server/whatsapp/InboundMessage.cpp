#include "InboundMessage.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace {

QString joined(const QStringList &parts)
{
    QStringList kept;
    for (const QString &p : parts)
        if (!p.trimmed().isEmpty())
            kept << p.trimmed();
    return kept.join(QLatin1String(", "));
}

QString tagged(const QString &tag, const QString &detail)
{
    const QString d = detail.trimmed();
    return d.isEmpty() ? QStringLiteral("[%1]").arg(tag) : QStringLiteral("[%1] %2").arg(tag, d);
}

QString number(double v)
{
    return QString::number(v, 'g', 10);
}

} // namespace

bool InboundMessage::containsWord(const QString &text, const QStringList &words)
{
    static const QRegularExpression separators(QStringLiteral("[^\\p{L}\\p{N}]+"));
    const QStringList tokens = text.toCaseFolded().split(separators, Qt::SkipEmptyParts);
    for (const QString &word : words)
        if (tokens.contains(word.toCaseFolded()))
            return true;
    return false;
}

InboundMessage InboundMessage::fromJson(const QJsonObject &m, const QStringList &agentWords)
{
    InboundMessage out;
    out.raw = m;
    out.waMessageId = m.value(QStringLiteral("id")).toString();
    out.from = m.value(QStringLiteral("from")).toString();
    bool ok = false;
    const qint64 seconds = m.value(QStringLiteral("timestamp")).toString().toLongLong(&ok);
    if (ok && seconds > 0)
        out.timestamp = QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC);
    out.contextId = m.value(QStringLiteral("context")).toObject().value(QStringLiteral("id")).toString();
    const QString type = m.value(QStringLiteral("type")).toString();
    const QJsonObject body = m.value(type).toObject();

    if (type == QLatin1String("text")) {
        out.kind = type;
        out.text = body.value(QStringLiteral("body")).toString();
        out.agentRequested = containsWord(out.text, agentWords);
    } else if (type == QLatin1String("button")) {
        out.kind = type;
        out.text = body.value(QStringLiteral("text")).toString();
        if (out.text.isEmpty())
            out.text = body.value(QStringLiteral("payload")).toString();
        out.agentRequested = body.value(QStringLiteral("payload"))
                                 .toString()
                                 .compare(QLatin1String("AGENT"), Qt::CaseInsensitive) == 0;
    } else if (type == QLatin1String("interactive")) {
        out.kind = type;
        const QString sub = body.value(QStringLiteral("type")).toString();
        const QJsonObject reply = body.value(sub).toObject();
        const QString title = reply.value(QStringLiteral("title")).toString();
        const QString description = reply.value(QStringLiteral("description")).toString();
        out.text = description.isEmpty() ? title : QStringLiteral("%1 (%2)").arg(title, description);
        out.agentRequested = reply.value(QStringLiteral("id"))
                                 .toString()
                                 .compare(QLatin1String("AGENT"), Qt::CaseInsensitive) == 0;
    } else if (type == QLatin1String("image") || type == QLatin1String("video") ||
               type == QLatin1String("sticker") || type == QLatin1String("document") ||
               type == QLatin1String("audio")) {
        out.kind = type == QLatin1String("sticker") ? QStringLiteral("image") : type;
        out.mediaId = body.value(QStringLiteral("id")).toString();
        QString detail = body.value(QStringLiteral("caption")).toString();
        const QString filename = body.value(QStringLiteral("filename")).toString();
        if (!filename.isEmpty())
            detail = detail.isEmpty() ? filename : QStringLiteral("%1 (%2)").arg(detail, filename);
        QString tag = type;
        if (type == QLatin1String("audio") && body.value(QStringLiteral("voice")).toBool())
            tag = QStringLiteral("voice message");
        out.text = tagged(tag, detail);
    } else if (type == QLatin1String("location")) {
        out.kind = type;
        const QJsonValue lat = body.value(QStringLiteral("latitude"));
        const QJsonValue lng = body.value(QStringLiteral("longitude"));
        out.text = tagged(type, joined({body.value(QStringLiteral("name")).toString(),
                                        body.value(QStringLiteral("address")).toString(),
                                        lat.isDouble() ? number(lat.toDouble()) : QString(),
                                        lng.isDouble() ? number(lng.toDouble()) : QString()}));
    } else if (type == QLatin1String("reaction")) {
        // Shown on the message it names; the text is the emoji (empty: the reaction was taken away).
        out.kind = type;
        out.text = body.value(QStringLiteral("emoji")).toString();
        out.contextId = body.value(QStringLiteral("message_id")).toString();
    } else if (type == QLatin1String("edit")) {
        // The new version of an earlier message: its text, or the caption of a file.
        out.kind = type;
        out.contextId = body.value(QStringLiteral("original_message_id")).toString();
        const QJsonObject edited = body.value(QStringLiteral("message")).toObject();
        const QString editedType = edited.value(QStringLiteral("type")).toString();
        const QJsonObject content = edited.value(editedType).toObject();
        out.text = editedType == QLatin1String("text") ? content.value(QStringLiteral("body")).toString()
                                                       : content.value(QStringLiteral("caption")).toString();
    } else if (type == QLatin1String("revoke")) {
        out.kind = type;
        out.contextId = body.value(QStringLiteral("original_message_id")).toString();
    } else if (type == QLatin1String("contacts")) {
        // Each card's name, first number and organisation; the cards whole are in raw.
        out.kind = type;
        QStringList cards;
        const QJsonArray contacts = m.value(QStringLiteral("contacts")).toArray();
        for (const QJsonValue &c : contacts) {
            const QJsonObject card = c.toObject();
            const QJsonObject name = card.value(QStringLiteral("name")).toObject();
            QString who = name.value(QStringLiteral("formatted_name")).toString();
            if (who.isEmpty())
                who = (name.value(QStringLiteral("first_name")).toString() + QLatin1Char(' ') +
                       name.value(QStringLiteral("last_name")).toString())
                          .trimmed();
            const QString phone = card.value(QStringLiteral("phones"))
                                      .toArray()
                                      .first()
                                      .toObject()
                                      .value(QStringLiteral("phone"))
                                      .toString();
            const QString org =
                card.value(QStringLiteral("org")).toObject().value(QStringLiteral("company")).toString();
            QString line = joined({who, phone});
            if (!org.trimmed().isEmpty())
                line += QStringLiteral(" (%1)").arg(org.trimmed());
            cards << line;
        }
        out.text = tagged(QStringLiteral("contact"), cards.join(QLatin1String("; ")));
    } else {
        // unsupported, and types nothing interprets yet (order, system, referral): kept raw.
        out.kind = QStringLiteral("unsupported");
        QString detail = body.value(QStringLiteral("type")).toString();
        if (type == QLatin1String("system"))
            detail = body.value(QStringLiteral("body")).toString();
        if (detail.isEmpty()) {
            const QJsonArray errors = m.value(QStringLiteral("errors")).toArray();
            detail = errors.isEmpty() ? QString()
                                      : errors.first().toObject().value(QStringLiteral("title")).toString();
        }
        out.text = tagged(type.isEmpty() ? QStringLiteral("unsupported") : type, detail);
    }
    return out;
}
