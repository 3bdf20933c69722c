#include "InboundProcessor.h"

#include "InboundMessage.h"
#include "WireTime.h"
#include "base/Logging.h"
#include "db/Db.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <functional>

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

// The value with every U+0000 removed from its strings (keys included): PostgreSQL text cannot hold it, and
// QPSQL, which quotes values into the statement, would cut the statement there. *changed tells.
QJsonValue withoutNul(const QJsonValue &v, bool *changed)
{
    static const QString replacement(QChar::ReplacementCharacter);
    if (v.isString()) {
        QString text = v.toString();
        if (!text.contains(QChar(u'\0')))
            return v;
        *changed = true;
        return text.replace(QChar(u'\0'), replacement);
    }
    if (v.isArray()) {
        QJsonArray out;
        const QJsonArray in = v.toArray();
        for (const QJsonValue &e : in)
            out.append(withoutNul(e, changed));
        return out;
    }
    if (v.isObject()) {
        QJsonObject out;
        const QJsonObject in = v.toObject();
        for (auto it = in.begin(); it != in.end(); ++it) {
            QString key = it.key();
            if (key.contains(QChar(u'\0'))) {
                *changed = true;
                key.replace(QChar(u'\0'), replacement);
            }
            out.insert(key, withoutNul(it.value(), changed));
        }
        return out;
    }
    return v;
}

// One message or status of a body, and where it sits in it.
struct Item {
    QString position; // "entry 0, change 0, message 1"
    QString kind;     // "message" or "status"
    QJsonObject json;
};

// Records an item that was set aside or stored altered (once per body and position).
void recordItem(Db &db, qint64 inboxId, const Item &item, const QString &outcome, const QString &reason)
{
    bool ignored = false;
    const QString id = withoutNul(item.json.value(QStringLiteral("id")), &ignored).toString();
    const QString from = withoutNul(item.json.value(QStringLiteral("from")), &ignored).toString();
    db.exec(QStringLiteral("INSERT INTO whatsapp_inbox_items (inbox_id, position, kind, wa_message_id, "
                           "from_number, outcome, reason, item) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                           "ON CONFLICT (inbox_id, position) DO NOTHING"),
            {inboxId, item.position, item.kind, textOrNull(id.left(200)), textOrNull(from.left(64)), outcome,
             reason.left(2000), QJsonDocument(item.json).toJson(QJsonDocument::Compact)});
}

// The item as it can be stored: U+0000 replaced, and the item recorded as altered when it held any.
QJsonObject storable(Db &db, const Item &item, qint64 inboxId)
{
    bool altered = false;
    const QJsonObject json = withoutNul(item.json, &altered).toObject();
    if (altered) {
        qCWarning(lcWebhook) << "inbox" << inboxId << item.position
                             << "holds U+0000 characters: stored with U+FFFD in their place";
        recordItem(db, inboxId, item, QStringLiteral("altered"),
                   QStringLiteral("It held U+0000 (NUL) characters, which PostgreSQL text cannot hold: each "
                                  "was stored as U+FFFD. The body as received is whatsapp_inbox %1")
                       .arg(inboxId));
    }
    return json;
}

void handleMessage(Db &db, const Item &item, const QJsonObject &profiles, qint64 inboxId,
                   const Settings &settings)
{
    const QJsonObject json = storable(db, item, inboxId);
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

void handleStatus(Db &db, const Item &item, qint64 inboxId)
{
    const QJsonObject s = storable(db, item, inboxId);
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

namespace {

// `processed`: stored already marked done, by a transaction that processes it before it commits
// (storeAndProcess), which saves the statement that marks it.
qint64 insertBody(Db &db, const Received &received, bool processed)
{
    // One statement: a body that is not JSON is stored already marked done with its reason, so that no
    // failure between two statements leaves it waiting for the timer without it.
    const bool unreadable = !received.unreadable.isEmpty();
    const bool done = unreadable || processed;
    return db
        .scalar(QStringLiteral(
                    "INSERT INTO whatsapp_inbox (body, authenticated, forward_pending, forward_next_at, "
                    "processed_at, attempts, error) VALUES (?, ?, ?, CASE WHEN ? THEN now() END, "
                    "CASE WHEN ? THEN now() END, CASE WHEN ? THEN 1 ELSE 0 END, ?) RETURNING id"),
                {received.body, received.authenticated, received.forward, received.forward, done, done,
                 unreadable ? QVariant(received.unreadable) : noText})
        .toLongLong();
}

} // namespace

qint64 store(Db &db, const Received &received)
{
    return insertBody(db, received, false);
}

QList<qint64> storeAll(Db &db, const QList<Received> &bodies)
{
    return db.transaction([&] {
        QList<qint64> ids;
        for (const Received &r : bodies)
            ids << store(db, r);
        return ids;
    });
}

namespace {

// Stores what a body holds, and marks it processed, inside the caller's transaction. With `isolate`, each
// item is stored under its own savepoint, and one that PostgreSQL refuses is set aside (recorded with the
// reason) while the others are stored.
// With `marked`, the body was stored already marked done (insertBody's `processed`) and is not isolated.
void processItems(Db &db, qint64 inboxId, const QByteArray &body, const Settings &settings, bool isolate,
                  bool marked = false)
{
    int total = 0;
    int setAside = 0;
    QString firstReason;
    const auto each = [&](const Item &item, const std::function<void()> &store) {
        ++total;
        if (!isolate) {
            store();
            return;
        }
        db.execOnce(QStringLiteral("SAVEPOINT item"));
        try {
            store();
            db.execOnce(QStringLiteral("RELEASE SAVEPOINT item"));
        } catch (const DbError &e) {
            if (e.kind() == DbError::Kind::Unavailable)
                throw;
            db.execOnce(QStringLiteral("ROLLBACK TO SAVEPOINT item"));
            db.execOnce(QStringLiteral("RELEASE SAVEPOINT item"));
            qCWarning(lcWebhook).noquote()
                << "inbox" << inboxId << item.position << "set aside:" << e.message();
            recordItem(db, inboxId, item, QStringLiteral("set_aside"), e.message());
            if (firstReason.isEmpty())
                firstReason = e.message();
            ++setAside;
        }
    };
    const QJsonObject root = QJsonDocument::fromJson(body).object();
    const QJsonArray entries = root.value(QStringLiteral("entry")).toArray();
    for (qsizetype e = 0; e < entries.size(); ++e) {
        const QJsonArray changes = entries.at(e).toObject().value(QStringLiteral("changes")).toArray();
        for (qsizetype c = 0; c < changes.size(); ++c) {
            const QJsonObject value = changes.at(c).toObject().value(QStringLiteral("value")).toObject();
            QJsonObject profiles; // wa_id -> {name, user_id}
            const QJsonArray contacts = value.value(QStringLiteral("contacts")).toArray();
            for (const QJsonValue &contact : contacts) {
                bool ignored = false;
                const QJsonObject o = withoutNul(contact, &ignored).toObject();
                profiles.insert(
                    o.value(QStringLiteral("wa_id")).toString(),
                    QJsonObject{{QStringLiteral("name"),
                                 o.value(QStringLiteral("profile")).toObject().value(QStringLiteral("name"))},
                                {QStringLiteral("user_id"), o.value(QStringLiteral("user_id"))}});
            }
            const QString where = QStringLiteral("entry %1, change %2, ").arg(e).arg(c);
            const QJsonArray messages = value.value(QStringLiteral("messages")).toArray();
            for (qsizetype i = 0; i < messages.size(); ++i) {
                const Item item{where + QStringLiteral("message %1").arg(i), QStringLiteral("message"),
                                messages.at(i).toObject()};
                each(item, [&] { handleMessage(db, item, profiles, inboxId, settings); });
            }
            const QJsonArray statuses = value.value(QStringLiteral("statuses")).toArray();
            for (qsizetype i = 0; i < statuses.size(); ++i) {
                const Item item{where + QStringLiteral("status %1").arg(i), QStringLiteral("status"),
                                statuses.at(i).toObject()};
                each(item, [&] { handleStatus(db, item, inboxId); });
            }
            const QJsonArray errors = value.value(QStringLiteral("errors")).toArray();
            for (const QJsonValue &error : errors)
                qCWarning(lcWebhook).noquote() << "WhatsApp reports an error:" << compact(error.toObject());
        }
    }
    if (marked)
        return; // nothing was set aside: every item was stored, or the transaction fails
    db.exec(QStringLiteral("UPDATE whatsapp_inbox SET processed_at = now(), attempts = attempts + 1, "
                           "error = ? WHERE id = ?"),
            {setAside == 0 ? noText
                           : QVariant(QStringLiteral("%1 of %2 items set aside (whatsapp_inbox_items): %3")
                                          .arg(setAside)
                                          .arg(total)
                                          .arg(firstReason.left(500))),
             inboxId});
}

// One pass over a stored body in one transaction (processItems). Returns false when another server holds
// the body, or it is already done.
bool processBody(Db &db, qint64 inboxId, const Settings &settings, bool isolate)
{
    // The body itself is already durable; if a crash loses this transaction, processed_at goes with it and
    // the body is processed again at start. So this commit need not wait for the disk.
    return db.transaction(QStringLiteral("BEGIN; SET LOCAL synchronous_commit = off"), [&] {
        QSqlQuery &q =
            db.exec(QStringLiteral("SELECT body FROM whatsapp_inbox WHERE id = ? AND processed_at IS "
                                   "NULL FOR UPDATE SKIP LOCKED"),
                    {inboxId});
        if (!q.next()) {
            q.finish();
            return false;
        }
        const QByteArray body = q.value(0).toByteArray();
        q.finish();
        processItems(db, inboxId, body, settings, isolate);
        return true;
    });
}

} // namespace

bool process(Db &db, qint64 inboxId, const Settings &settings)
{
    try {
        try {
            // The usual case in one go; only a body with an item PostgreSQL refuses pays for savepoints.
            return processBody(db, inboxId, settings, false);
        } catch (const DbError &e) {
            if (e.kind() == DbError::Kind::Unavailable)
                throw;
            return processBody(db, inboxId, settings, true);
        }
    } catch (const DbError &e) {
        if (e.kind() == DbError::Kind::Unavailable)
            throw;
        // Not an item: the body as a whole. Kept for the timer to try again; after five tries it is set
        // aside with the reason, still stored.
        qCWarning(lcWebhook) << "processing inbox" << inboxId << "failed:" << e.message();
        db.exec(QStringLiteral("UPDATE whatsapp_inbox SET attempts = attempts + 1, error = ?, "
                               "processed_at = CASE WHEN attempts + 1 >= 5 THEN now() END WHERE id = ?"),
                {e.message(), inboxId});
        return false;
    }
}

void storeAndProcess(Db &db, const QList<Received> &bodies, const Settings &settings)
{
    // Two batches written at once may need each other's tickets in opposite orders. A batch that waits this
    // long for a lock gives way (55P03) rather than waiting for PostgreSQL's deadlock check (a second), so
    // that the other batch, or an agent's reply, goes on at once.
    db.transaction(QStringLiteral("BEGIN; SET LOCAL lock_timeout = '200ms'"), [&] {
        for (const Received &r : bodies) {
            // Marked done as it is stored: if processing fails, the whole transaction does.
            const qint64 id = insertBody(db, r, true);
            if (r.unreadable.isEmpty())
                processItems(db, id, r.body, settings, false, true);
        }
    });
}

QByteArray problems(Db &db, int limit)
{
    // json, not jsonb: an item's JSON may hold \u0000, which only json keeps.
    return db
        .scalar(QStringLiteral(
                    "SELECT json_build_object("
                    "'items', (SELECT coalesce(json_agg(x ORDER BY x.id DESC), '[]') FROM ("
                    "  SELECT i.id, i.inbox_id, b.received_at, i.position, i.kind, i.wa_message_id, "
                    "         i.from_number, i.outcome, i.reason, convert_from(i.item, 'UTF8')::json AS item "
                    "    FROM whatsapp_inbox_items i JOIN whatsapp_inbox b ON b.id = i.inbox_id "
                    "   ORDER BY i.created_at DESC, i.id DESC LIMIT ?) x), "
                    "'bodies', (SELECT coalesce(json_agg(y ORDER BY y.id DESC), '[]') FROM ("
                    "  SELECT id, received_at, authenticated, attempts, processed_at, "
                    "         processed_at IS NULL AS waiting, error, octet_length(body) AS bytes "
                    "    FROM whatsapp_inbox WHERE error IS NOT NULL "
                    "   ORDER BY id DESC LIMIT ?) y), "
                    // Kept in chat_message_changes, and shown on their message if it arrives
                    // (whatsapp_receive); one stored as a message of its own is seen already.
                    "'unmatched_changes', (SELECT coalesce(json_agg(z ORDER BY z.id DESC), '[]') FROM ("
                    "  SELECT c.id, c.wa_message_id, c.target_wa_id, c.change, c.from_number, "
                    "         c.body AS text, c.wa_timestamp, c.created_at, c.inbox_id "
                    "    FROM chat_message_changes c "
                    "   WHERE c.change IN ('edit', 'revoke') AND c.target_wa_id <> '' "
                    "     AND NOT EXISTS (SELECT 1 FROM chat_messages m "
                    "                      WHERE m.wa_message_id IN (c.target_wa_id, c.wa_message_id)) "
                    "     AND NOT EXISTS (SELECT 1 FROM chat_unassigned u "
                    "                      WHERE u.wa_message_id IN (c.target_wa_id, c.wa_message_id)) "
                    "   ORDER BY c.id DESC LIMIT ?) z))::text"),
                {limit, limit, limit})
        .toString()
        .toUtf8();
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
