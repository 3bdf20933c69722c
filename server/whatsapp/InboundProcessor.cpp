#include "InboundProcessor.h"

#include "InboundMessage.h"
#include "Logging.h"
#include "WireTime.h"
#include "db/Db.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace InboundProcessor {

namespace {

const QVariant noText(QMetaType::fromType<QString>());

QVariant textOrNull(const QString &s)
{
    return s.isEmpty() ? noText : QVariant(s);
}

QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

void handleMessage(Db &db, const QJsonObject &json, const QJsonObject &profiles, qint64 inboxId,
                   const Settings &settings)
{
    const InboundMessage m = InboundMessage::fromJson(json, settings.agentWords);
    if (m.waMessageId.isEmpty() || m.from.isEmpty()) {
        qCWarning(lcWebhook) << "inbox" << inboxId
                             << "holds a message without id or sender; kept in the raw body only";
        return;
    }
    // Claiming, the window, routing, storing and the events happen in the database in one call (sql/012).
    const QJsonObject profile = profiles.value(m.from).toObject();
    db.exec(QStringLiteral("SELECT whatsapp_receive(?::bigint, ?, ?, ?, ?, ?, ?, ?::timestamptz, ?, ?, "
                           "?::jsonb, ?::boolean, ?::integer)"),
            {inboxId, m.waMessageId, m.from, textOrNull(profile.value(QStringLiteral("name")).toString()),
             textOrNull(profile.value(QStringLiteral("user_id")).toString()), m.text, m.kind,
             m.timestamp.isValid() ? QVariant(WireTime::format(m.timestamp)) : noText,
             textOrNull(m.contextId), textOrNull(m.mediaId), compact(m.raw),
             m.agentRequested ? QStringLiteral("true") : QStringLiteral("false"),
             settings.routingWindowHours})
        .finish();
}

void handleStatus(Db &db, const QJsonObject &s)
{
    const QString waId = s.value(QStringLiteral("id")).toString();
    const QString status = s.value(QStringLiteral("status")).toString();
    if (waId.isEmpty() || status.isEmpty())
        return;
    const QJsonArray errors = s.value(QStringLiteral("errors")).toArray();
    const QJsonObject error = errors.isEmpty() ? QJsonObject() : errors.first().toObject();
    bool ok = false;
    const qint64 seconds = s.value(QStringLiteral("timestamp")).toString().toLongLong(&ok);
    QSqlQuery &q = db.exec(
        QStringLiteral(
            "INSERT INTO whatsapp_statuses (wa_message_id, status, wa_timestamp, recipient_id, errors, raw) "
            "VALUES (?, ?, ?::timestamptz, ?, ?::jsonb, ?::jsonb) ON CONFLICT DO NOTHING RETURNING 1"),
        {waId, status,
         ok ? QVariant(WireTime::format(QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC))) : noText,
         textOrNull(s.value(QStringLiteral("recipient_id")).toString()),
         errors.isEmpty() ? noText
                          : QVariant(QString::fromUtf8(QJsonDocument(errors).toJson(QJsonDocument::Compact))),
         compact(s)});
    const bool fresh = q.next();
    q.finish();
    if (!fresh)
        return; // the same status again
    // The send that stores this id takes the same lock: the status is applied now, or parked and applied by
    // it.
    db.exec(QStringLiteral("SELECT pg_advisory_xact_lock(hashtext(?))"), {waId});
    QString detail =
        error.value(QStringLiteral("error_data")).toObject().value(QStringLiteral("details")).toString();
    if (detail.isEmpty())
        detail = error.value(QStringLiteral("message")).toString();
    const QJsonValue code = error.value(QStringLiteral("code"));
    db.exec(QStringLiteral("SELECT whatsapp_apply_status(?, ?, ?, ?)"),
            {waId, status, code.isDouble() ? QVariant(QString::number(code.toInteger())) : noText,
             textOrNull(detail)});
}

} // namespace

qint64 store(Db &db, const QByteArray &body, const QString &authenticated, bool forward)
{
    return db
        .scalar(QStringLiteral(
                    "INSERT INTO whatsapp_inbox (body, authenticated, forward_pending, forward_next_at) "
                    "VALUES (?, ?, ?, CASE WHEN ? THEN now() END) RETURNING id"),
                {body, authenticated, forward, forward})
        .toLongLong();
}

void rejectUnreadable(Db &db, qint64 inboxId, const QString &reason)
{
    db.exec(QStringLiteral("UPDATE whatsapp_inbox SET processed_at = now(), attempts = attempts + 1, error = "
                           "? WHERE id = ?"),
            {reason, inboxId});
}

bool process(Db &db, qint64 inboxId, const Settings &settings)
{
    bool processed = false;
    try {
        processed = db.transaction([&] {
            // The body itself is already durable; if a crash loses this transaction, processed_at goes with
            // it and the body is processed again at start. So this commit need not wait for the disk.
            db.execOnce(QStringLiteral("SET LOCAL synchronous_commit = off"));
            QSqlQuery &q = db.exec(
                QStringLiteral("SELECT body FROM whatsapp_inbox WHERE id = ? AND processed_at IS NULL "
                               "FOR UPDATE SKIP LOCKED"),
                {inboxId});
            if (!q.next()) {
                q.finish();
                return false;
            }
            const QByteArray body = q.value(0).toByteArray();
            q.finish();
            const QJsonObject root = QJsonDocument::fromJson(body).object();
            const QJsonArray entries = root.value(QStringLiteral("entry")).toArray();
            for (const QJsonValue &entry : entries) {
                const QJsonArray changes = entry.toObject().value(QStringLiteral("changes")).toArray();
                for (const QJsonValue &change : changes) {
                    const QJsonObject value = change.toObject().value(QStringLiteral("value")).toObject();
                    QJsonObject profiles; // wa_id -> {name, user_id}
                    const QJsonArray contacts = value.value(QStringLiteral("contacts")).toArray();
                    for (const QJsonValue &c : contacts) {
                        const QJsonObject o = c.toObject();
                        profiles.insert(
                            o.value(QStringLiteral("wa_id")).toString(),
                            QJsonObject{
                                {QStringLiteral("name"),
                                 o.value(QStringLiteral("profile")).toObject().value(QStringLiteral("name"))},
                                {QStringLiteral("user_id"), o.value(QStringLiteral("user_id"))}});
                    }
                    const QJsonArray messages = value.value(QStringLiteral("messages")).toArray();
                    for (const QJsonValue &m : messages)
                        handleMessage(db, m.toObject(), profiles, inboxId, settings);
                    const QJsonArray statuses = value.value(QStringLiteral("statuses")).toArray();
                    for (const QJsonValue &s : statuses)
                        handleStatus(db, s.toObject());
                    const QJsonArray errors = value.value(QStringLiteral("errors")).toArray();
                    for (const QJsonValue &e : errors)
                        qCWarning(lcWebhook).noquote()
                            << "WhatsApp reports an error:" << compact(e.toObject());
                }
            }
            db.exec(
                QStringLiteral(
                    "UPDATE whatsapp_inbox SET processed_at = now(), attempts = attempts + 1 WHERE id = ?"),
                {inboxId});
            return true;
        });
    } catch (const DbError &e) {
        if (e.kind() == DbError::Kind::Unavailable)
            throw;
        // Kept for the timer to try again; after five tries it is set aside with the reason, still stored.
        qCWarning(lcWebhook) << "processing inbox" << inboxId << "failed:" << e.message();
        db.exec(QStringLiteral("UPDATE whatsapp_inbox SET attempts = attempts + 1, error = ?, "
                               "processed_at = CASE WHEN attempts + 1 >= 5 THEN now() END WHERE id = ?"),
                {e.message(), inboxId});
        return false;
    }
    return processed;
}

int processPending(Db &db, const Settings &settings, int limit, int minAgeSeconds)
{
    QList<qint64> ids;
    QSqlQuery &q =
        db.exec(QStringLiteral("SELECT id FROM whatsapp_inbox WHERE processed_at IS NULL AND received_at <= "
                               "now() - make_interval(secs => ?) ORDER BY id LIMIT ?"),
                {minAgeSeconds, limit});
    while (q.next())
        ids << q.value(0).toLongLong();
    q.finish();
    int done = 0;
    for (qint64 id : std::as_const(ids))
        done += process(db, id, settings) ? 1 : 0;
    return done;
}

} // namespace InboundProcessor
