#include "InboundProcessor.h"

#include "InboundMessage.h"
#include "Logging.h"
#include "WireTime.h"
#include "chat/Unassigned.h"
#include "db/Db.h"
#include "db/Events.h"

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

// The ticket a message belongs to (ARCHITECTURE.md, "Routing"), 0 when none.
int route(Db &db, const InboundMessage &m, const QString &contactId, qint64 inboxId, const Settings &settings)
{
    if (!m.contextId.isEmpty()) {
        const QVariant t = db.scalar(
            QStringLiteral("SELECT ticket_id FROM chat_messages WHERE wa_message_id = ?"), {m.contextId});
        if (t.isValid())
            return t.toInt();
        // The original system's alerts, where its table is on this database.
        if (db.scalar(
                  QStringLiteral("SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = "
                                 "'ticket_messages' AND column_name = 'wa_message_id' AND table_schema = "
                                 "current_schema())"))
                .toBool()) {
            const QVariant h =
                db.scalar(QStringLiteral("SELECT ticket_id FROM ticket_messages WHERE wa_message_id = ? "
                                         "ORDER BY ticket_id DESC LIMIT 1"),
                          {m.contextId});
            if (h.isValid() && !h.isNull())
                return h.toInt();
        }
    }
    const QVariant recent = db.scalar(
        QStringLiteral(
            "SELECT ticket_id FROM chat_messages WHERE ((direction = 'inbound' AND from_number = ?) OR "
            "(direction = 'outbound' AND to_number = ?)) AND created_at > "
            "(SELECT received_at FROM whatsapp_inbox WHERE id = ?) - interval '24 hours' "
            "ORDER BY id DESC LIMIT 1"),
        {m.from, m.from, inboxId});
    if (recent.isValid())
        return recent.toInt();
    if (contactId.isEmpty())
        return 0;
    const QVariant open = db.scalar(
        QStringLiteral("SELECT t.id FROM tickets t JOIN lift_contacts lc ON lc.lift_id = t.lift_id "
                       "WHERE lc.contact_id = ?::uuid AND t.status = 'open' AND t.created_at > "
                       "(SELECT received_at FROM whatsapp_inbox WHERE id = ?) - make_interval(hours => ?) "
                       "ORDER BY t.created_at DESC, t.id DESC LIMIT 1"),
        {contactId, inboxId, settings.routingWindowHours});
    return open.isValid() ? open.toInt() : 0;
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
    // Claimed once in the database: a repeat of the same message, sequential or concurrent, stops here.
    QSqlQuery &claim =
        db.exec(QStringLiteral("INSERT INTO whatsapp_inbound_ids (wa_message_id, inbox_id) VALUES (?, ?) "
                               "ON CONFLICT DO NOTHING RETURNING 1"),
                {m.waMessageId, inboxId});
    const bool fresh = claim.next();
    claim.finish();
    if (!fresh)
        return;

    const QJsonObject profile = profiles.value(m.from).toObject();
    QSqlQuery &c =
        db.exec(QStringLiteral("SELECT id::text FROM contacts WHERE primary_msisdn = ?"), {m.from});
    const QString contactId = c.next() ? c.value(0).toString() : QString();
    c.finish();

    // The 24-hour window runs from WhatsApp's time of the newest inbound message, for any number.
    if (m.timestamp.isValid())
        db.exec(QStringLiteral(
                    "INSERT INTO chat_windows AS w (number, last_inbound_at) VALUES (?, ?::timestamptz) "
                    "ON CONFLICT (number) DO UPDATE SET last_inbound_at = EXCLUDED.last_inbound_at, "
                    "updated_at = now() WHERE w.last_inbound_at < EXCLUDED.last_inbound_at"),
                {m.from, WireTime::format(m.timestamp)});

    const int ticketId = route(db, m, contactId, inboxId, settings);
    const QString waTimestamp = m.timestamp.isValid() ? WireTime::format(m.timestamp) : QString();
    if (ticketId == 0) {
        QSqlQuery &u = db.exec(
            QStringLiteral(
                "INSERT INTO chat_unassigned (wa_message_id, from_number, profile_name, user_id, message, "
                "kind, wa_timestamp, context_wa_id, media_id, raw, inbox_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?::timestamptz, ?, ?, ?::jsonb, ?) RETURNING id"),
            {m.waMessageId, m.from, textOrNull(profile.value(QStringLiteral("name")).toString()),
             textOrNull(profile.value(QStringLiteral("user_id")).toString()), m.text, m.kind,
             textOrNull(waTimestamp), textOrNull(m.contextId), textOrNull(m.mediaId), compact(m.raw),
             inboxId});
        u.next();
        const qint64 id = u.value(0).toLongLong();
        u.finish();
        Unassigned::announce(db, id);
        return;
    }

    if (!contactId.isEmpty())
        db.exec(
            QStringLiteral("UPDATE tickets SET responded_by = ?::uuid WHERE id = ? AND responded_by IS NULL"),
            {contactId, ticketId});
    db.exec(QStringLiteral(
                "INSERT INTO chat_messages (ticket_id, from_number, to_number, message, direction, kind, "
                "status, wa_message_id, wa_timestamp, context_wa_id, media_id, raw, inbox_id) "
                "VALUES (?, ?, NULL, ?, 'inbound', ?, 'received', ?, ?::timestamptz, ?, ?, ?::jsonb, ?)"),
            {ticketId, m.from, m.text, m.kind, m.waMessageId, textOrNull(waTimestamp),
             textOrNull(m.contextId), textOrNull(m.mediaId), compact(m.raw), inboxId});
    if (m.agentRequested) {
        // A new request clears an earlier acknowledgement: every console alerts again.
        db.exec(
            QStringLiteral(
                "UPDATE tickets SET agent_requested = true, agent_requested_at = now(), "
                "acknowledged_at = NULL, acknowledged_by = NULL, acknowledged_by_actor = NULL WHERE id = ?"),
            {ticketId});
        db.exec(QStringLiteral("INSERT INTO event_log (event_type, ticket_id, contact_id, metadata) VALUES "
                               "('agent_requested', ?, ?::uuid, jsonb_build_object('wa_message_id', ?::text, "
                               "'text', ?::text))"),
                {ticketId, textOrNull(contactId), m.waMessageId, m.text});
        db.exec(
            QStringLiteral(
                "SELECT chat_emit('agent.requested', t.id, json_build_object('ticket_id', t.id, "
                "'ticket_reference', t.ticket_reference, 'lift_name', r.lift_name, 'contact_name', "
                "r.contact_name, 'agent_requested_at', liftline_iso(t.agent_requested_at), 'text', ?::text)) "
                "FROM tickets t JOIN chat_conversation_rows r ON r.id = t.id WHERE t.id = ?"),
            {m.text, ticketId});
    }
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
    if (processed)
        Events::sequenceIfIdle(db);
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
