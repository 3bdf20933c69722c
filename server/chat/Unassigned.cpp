#include "Unassigned.h"

#include "ChatStore.h"
#include "auth/Principal.h"
#include "db/AuditLog.h"
#include "db/Db.h"
#include "db/Events.h"
#include "http/HttpTypes.h"

namespace Unassigned {

namespace {
const char *const itemJson =
    "json_build_object('id', u.id, 'from_number', u.from_number, 'profile_name', u.profile_name, 'user_id', "
    "u.user_id, 'message', u.message, 'kind', u.kind, 'wa_timestamp', liftline_iso(u.wa_timestamp), "
    "'context_wa_id', u.context_wa_id, 'media_id', u.media_id, 'created_at', liftline_iso(u.created_at), "
    "'attached_ticket_id', u.attached_ticket_id, 'attached_at', liftline_iso(u.attached_at), 'attached_by', "
    "u.attached_by)";
}

void announce(Db &db, qint64 id)
{
    db.exec(
        QStringLiteral(
            "SELECT chat_emit('unassigned.created', NULL, (SELECT %1 FROM chat_unassigned u WHERE u.id = ?))")
            .arg(QLatin1String(itemJson)),
        {id});
}

QByteArray list(Db &db)
{
    return db
        .scalar(QStringLiteral(
                    "SELECT coalesce(json_agg(%1 ORDER BY u.id DESC), '[]')::text FROM chat_unassigned u "
                    "WHERE u.attached_at IS NULL")
                    .arg(QLatin1String(itemJson)))
        .toString()
        .toUtf8();
}

QByteArray attach(Db &db, qint64 id, int ticketId, const Principal &who, const QString &remote)
{
    const qint64 messageId = db.transaction([&] {
        QSqlQuery &q = db.exec(
            QStringLiteral("SELECT from_number, coalesce(profile_name, from_number), attached_ticket_id "
                           "FROM chat_unassigned WHERE id = ? FOR UPDATE"),
            {id});
        if (!q.next())
            throw ApiError(
                404, QStringLiteral("unassigned_not_found"),
                QStringLiteral("There is no unassigned message %1: it may have been attached already")
                    .arg(id));
        const QString from = q.value(0).toString();
        const QString name = q.value(1).toString();
        const QVariant attachedTo = q.value(2);
        q.finish();
        if (!attachedTo.isNull())
            throw ApiError(409, QStringLiteral("already_attached"),
                           QStringLiteral("This message is already on ticket %1").arg(attachedTo.toInt()));
        ChatStore::requireTicket(db, ticketId);
        // A technician the registry does not know becomes a contact, so that the agent can answer them.
        db.exec(QStringLiteral(
                    "INSERT INTO contacts (display_name, primary_msisdn, role) VALUES (?, ?, 'unregistered') "
                    "ON CONFLICT (primary_msisdn) DO NOTHING"),
                {name, from});
        db.exec(QStringLiteral(
                    "UPDATE tickets SET responded_by = (SELECT id FROM contacts WHERE primary_msisdn = ?) "
                    "WHERE id = ? AND responded_by IS NULL"),
                {from, ticketId});
        QSqlQuery &ins = db.exec(
            QStringLiteral(
                "INSERT INTO chat_messages (ticket_id, from_number, message, direction, kind, status, "
                "wa_message_id, wa_timestamp, context_wa_id, media_id, raw, inbox_id, created_at) "
                "SELECT ?, u.from_number, u.message, 'inbound', u.kind, 'received', u.wa_message_id, "
                "u.wa_timestamp, u.context_wa_id, u.media_id, u.raw, u.inbox_id, u.created_at "
                "FROM chat_unassigned u WHERE u.id = ? RETURNING id"),
            {ticketId, id});
        ins.next();
        const qint64 mid = ins.value(0).toLongLong();
        ins.finish();
        db.exec(QStringLiteral("UPDATE chat_unassigned SET attached_ticket_id = ?, attached_message_id = ?, "
                               "attached_at = now(), attached_by = ? WHERE id = ?"),
                {ticketId, mid, who.actorName(), id});
        db.exec(QStringLiteral("SELECT chat_emit('unassigned.attached', ?, (SELECT %1 FROM chat_unassigned u "
                               "WHERE u.id = ?))")
                    .arg(QLatin1String(itemJson)),
                {ticketId, id});
        AuditLog::record(db, who, QStringLiteral("unassigned.attached"), ticketId,
                         {{QStringLiteral("unassigned_id"), id}, {QStringLiteral("message_id"), mid}},
                         remote);
        return mid;
    });
    Events::sequence(db);
    return ChatStore::message(db, messageId);
}

} // namespace Unassigned
