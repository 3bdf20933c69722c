#include "Unassigned.h"

#include "ChatStore.h"
#include "PhoneNumber.h"
#include "Tickets.h"
#include "WireProtocol.h"
#include "db/AuditLog.h"
#include "db/Db.h"
#include "db/Events.h"
#include "domain/DomainError.h"
#include "domain/Principal.h"

namespace Unassigned {

namespace {

// The item locked for a change; throws 404 when there is none.
struct Item {
    QString from;
    QString name;
    QVariant attachedTo;
    bool requested = false;
    QVariant acknowledgedAt;
};

Item lockItem(Db &db, qint64 id)
{
    QSqlQuery &q = db.exec(
        QStringLiteral("SELECT u.from_number, coalesce(nullif(btrim(u.profile_name), ''), u.from_number), "
                       "u.attached_ticket_id, u.agent_requested, liftline_iso(u.acknowledged_at) "
                       "FROM chat_unassigned u WHERE u.id = ? FOR UPDATE"),
        {id});
    if (!q.next())
        throw DomainError(
            DomainError::Kind::NotFound, QStringLiteral("unassigned_not_found"),
            QStringLiteral("There is no unassigned message %1: it may have been attached already").arg(id));
    Item item{q.value(0).toString(), q.value(1).toString(), q.value(2), q.value(3).toBool(), q.value(4)};
    q.finish();
    return item;
}

void emitItem(Db &db, QLatin1String event, const QVariant &ticketId, qint64 id)
{
    db.exec(
        QStringLiteral("SELECT chat_emit(?, ?::integer, chat_unassigned_to_json(u)) FROM chat_unassigned u "
                       "WHERE u.id = ?"),
        {QString(event), ticketId, id});
}

} // namespace

QByteArray list(Db &db)
{
    return db
        .scalar(QStringLiteral("SELECT coalesce(json_agg(chat_unassigned_to_json(u) ORDER BY u.id DESC), "
                               "'[]')::text FROM chat_unassigned u WHERE u.attached_at IS NULL"))
        .toString()
        .toUtf8();
}

QByteArray acknowledge(Db &db, qint64 id, const Principal &who, const QString &remote)
{
    db.transaction([&] {
        const Item item = lockItem(db, id);
        if (!item.attachedTo.isNull())
            throw DomainError(DomainError::Kind::Conflict, QStringLiteral("already_attached"),
                              QStringLiteral("This message is already on ticket %1: acknowledge it there")
                                  .arg(item.attachedTo.toInt()));
        if (!item.requested)
            throw DomainError(DomainError::Kind::Conflict, QStringLiteral("no_request"),
                              QStringLiteral("This message did not ask for an agent, so there is nothing to "
                                             "acknowledge"));
        if (!item.acknowledgedAt.isNull())
            return; // taken already, by this agent or another: the item says by whom
        db.exec(QStringLiteral("UPDATE chat_unassigned SET acknowledged_at = now(), acknowledged_by = ?, "
                               "acknowledged_by_actor = ? WHERE id = ?"),
                {who.actorName(), who.actorKey(), id});
        emitItem(db, Wire::Event::unassignedUpdated, QVariant(QMetaType::fromType<int>()), id);
        AuditLog::record(db, who, QStringLiteral("unassigned.acknowledged"), 0,
                         {{QStringLiteral("unassigned_id"), id}}, remote);
    });
    Events::sequence(db);
    return db
        .scalar(
            QStringLiteral("SELECT chat_unassigned_to_json(u)::text FROM chat_unassigned u WHERE u.id = ?"),
            {id})
        .toString()
        .toUtf8();
}

namespace {

// Moves the locked item onto the ticket, inside the caller's transaction; returns the message's id.
qint64 attachLocked(Db &db, qint64 id, const Item &item, int ticketId, const Principal &who,
                    const QString &remote)
{
    if (!item.attachedTo.isNull())
        throw DomainError(
            DomainError::Kind::Conflict, QStringLiteral("already_attached"),
            QStringLiteral("This message is already on ticket %1").arg(item.attachedTo.toInt()));
    ChatStore::requireTicket(db, ticketId);
    ChatStore::lockTicket(db, ticketId);
    // A message may join an open ticket, or one resolved so recently that the consoles still list it: a
    // late word about the same incident. Anything older is a new incident and gets its own ticket.
    const bool open =
        db.scalar(QStringLiteral("SELECT status = 'open' FROM tickets WHERE id = ?"), {ticketId}).toBool();
    if (!open &&
        !db.scalar(QStringLiteral("SELECT resolved_at > now() - make_interval(secs => ?) FROM tickets "
                                  "WHERE id = ?"),
                   {recentlyResolvedSeconds, ticketId})
             .toBool())
        throw DomainError(DomainError::Kind::Conflict, QStringLiteral("ticket_closed"),
                          QStringLiteral("Ticket %1 was resolved more than an hour ago, so this message "
                                         "starts a new incident: open a ticket for it instead")
                              .arg(ticketId));
    // A technician the registry does not know becomes a contact, so that the agent can answer them.
    // The original system limits contact names to 100 characters; the full profile name stays on the
    // unassigned item and in the raw message.
    db.exec(QStringLiteral(
                "INSERT INTO contacts (display_name, primary_msisdn, role) VALUES (?, ?, 'unregistered') "
                "ON CONFLICT (primary_msisdn) DO NOTHING"),
            {item.name.left(100), item.from});
    db.exec(
        QStringLiteral("UPDATE tickets SET responded_by = (SELECT id FROM contacts WHERE primary_msisdn = ?) "
                       "WHERE id = ? AND responded_by IS NULL"),
        {item.from, ticketId});
    QSqlQuery &ins = db.exec(
        QStringLiteral("INSERT INTO chat_messages (ticket_id, from_number, message, direction, kind, status, "
                       "wa_message_id, wa_timestamp, context_wa_id, media_id, raw, inbox_id, created_at) "
                       "SELECT ?, u.from_number, u.message, 'inbound', u.kind, 'received', u.wa_message_id, "
                       "u.wa_timestamp, u.context_wa_id, u.media_id, u.raw, u.inbox_id, u.created_at "
                       "FROM chat_unassigned u WHERE u.id = ? RETURNING id"),
        {ticketId, id});
    ins.next();
    const qint64 mid = ins.value(0).toLongLong();
    ins.finish();
    // The request travels with the message to an open ticket: the ticket shows when it was made, and
    // attaching it is taking it, unless someone had already. A resolved ticket keeps its state; the
    // item's own request is taken below either way.
    if (item.requested && open)
        db.exec(QStringLiteral(
                    "UPDATE tickets t SET agent_requested = true, agent_requested_at = u.agent_requested_at, "
                    "acknowledged_at = coalesce(u.acknowledged_at, now()), "
                    "acknowledged_by = coalesce(u.acknowledged_by, ?), "
                    "acknowledged_by_actor = coalesce(u.acknowledged_by_actor, ?) "
                    "FROM chat_unassigned u WHERE u.id = ? AND t.id = ?"),
                {who.actorName(), who.actorKey(), id, ticketId});
    db.exec(QStringLiteral(
                "UPDATE chat_unassigned SET attached_ticket_id = ?, attached_message_id = ?, "
                "attached_at = now(), attached_by = ?, "
                "acknowledged_at = CASE WHEN agent_requested THEN coalesce(acknowledged_at, now()) END, "
                "acknowledged_by = CASE WHEN agent_requested THEN coalesce(acknowledged_by, ?) END, "
                "acknowledged_by_actor = CASE WHEN agent_requested "
                "THEN coalesce(acknowledged_by_actor, ?) END WHERE id = ?"),
            {ticketId, mid, who.actorName(), who.actorName(), who.actorKey(), id});
    emitItem(db, Wire::Event::unassignedAttached, ticketId, id);
    AuditLog::record(db, who, QStringLiteral("unassigned.attached"), ticketId,
                     {{QStringLiteral("unassigned_id"), id}, {QStringLiteral("message_id"), mid}}, remote);
    return mid;
}

} // namespace

QByteArray attach(Db &db, qint64 id, int ticketId, const Principal &who, const QString &remote)
{
    const qint64 messageId = db.transaction([&] {
        const Item item = lockItem(db, id);
        return attachLocked(db, id, item, ticketId, who, remote);
    });
    Events::sequence(db);
    return ChatStore::message(db, messageId);
}

Opened openTicket(Db &db, qint64 id, const QString &liftMsisdn, const Principal &who, const QString &remote)
{
    Opened opened = db.transaction([&] {
        const Item item = lockItem(db, id);
        if (!item.attachedTo.isNull())
            throw DomainError(
                DomainError::Kind::Conflict, QStringLiteral("already_attached"),
                QStringLiteral("This message is already on ticket %1").arg(item.attachedTo.toInt()));
        // One incident per lift at a time: a lift with an open ticket takes the message on that ticket.
        QSqlQuery &q = db.exec(QStringLiteral("SELECT t.id, coalesce(t.ticket_reference, '') FROM tickets t "
                                              "JOIN lifts l ON l.id = t.lift_id WHERE l.msisdn = ? "
                                              "AND t.status = 'open' ORDER BY t.id DESC LIMIT 1"),
                               {PhoneNumber::normalise(liftMsisdn)});
        if (q.next()) {
            const int open = q.value(0).toInt();
            const QString reference = q.value(1).toString();
            q.finish();
            throw DomainError(DomainError::Kind::Conflict, QStringLiteral("lift_has_open_ticket"),
                              QStringLiteral("This lift already has an open ticket, %1 (%2): attach the "
                                             "message to it instead")
                                  .arg(open)
                                  .arg(reference));
        }
        q.finish();
        const Tickets::Opened ticket = Tickets::openIn(db, liftMsisdn, QString(), who);
        Opened o;
        o.ticketId = ticket.id;
        o.reference = ticket.reference;
        o.messageId = attachLocked(db, id, item, ticket.id, who, remote);
        return o;
    });
    Events::sequence(db);
    opened.messageJson = ChatStore::message(db, opened.messageId);
    return opened;
}

} // namespace Unassigned
