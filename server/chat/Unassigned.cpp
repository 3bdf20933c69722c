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

// The replies made to the number while it had no ticket follow its message onto the ticket, in order,
// with their statuses; a reply still being sent is completed there (completeReply).
void moveReplies(Db &db, const QString &number, int ticketId)
{
    QList<qint64> replies;
    {
        QSqlQuery &q = db.exec(QStringLiteral("SELECT id FROM chat_direct_messages WHERE to_number = ? AND "
                                              "attached_at IS NULL ORDER BY id FOR UPDATE"),
                               {number});
        while (q.next())
            replies << q.value(0).toLongLong();
        q.finish();
    }
    for (qint64 reply : std::as_const(replies)) {
        QSqlQuery &ins = db.exec(
            QStringLiteral("INSERT INTO chat_messages (ticket_id, to_number, message, direction, agent_name, "
                           "read_by_agent, kind, status, agent_id, sent_by, wa_message_id, error_code, "
                           "error_message, created_at, updated_at) SELECT ?, d.to_number, d.message, "
                           "'outbound', d.agent_name, true, 'text', d.status, d.agent_id, d.sent_by, "
                           "d.wa_message_id, d.error_code, d.error_message, d.created_at, d.updated_at "
                           "FROM chat_direct_messages d WHERE d.id = ? RETURNING id"),
            {ticketId, reply});
        ins.next();
        const qint64 mid = ins.value(0).toLongLong();
        ins.finish();
        db.exec(
            QStringLiteral("UPDATE chat_direct_messages SET attached_ticket_id = ?, attached_message_id = ?, "
                           "attached_at = now() WHERE id = ?"),
            {ticketId, mid, reply});
    }
}

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
    moveReplies(db, item.from, ticketId);
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
        // One incident per lift at a time: a lift with an open ticket takes the message on that ticket. The
        // lift is locked so that two agents opening one at once do not both pass the check.
        db.exec(QStringLiteral("SELECT 1 FROM lifts WHERE msisdn = ? FOR UPDATE"),
                {PhoneNumber::normalise(liftMsisdn)})
            .finish();
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

QByteArray thread(Db &db, qint64 id)
{
    const QVariant number =
        db.scalar(QStringLiteral("SELECT from_number FROM chat_unassigned WHERE id = ?"), {id});
    if (!number.isValid())
        throw DomainError(DomainError::Kind::NotFound, QStringLiteral("unassigned_not_found"),
                          QStringLiteral("There is no unassigned message %1").arg(id));
    return db
        .scalar(QStringLiteral(
                    "SELECT coalesce(json_agg(x.j ORDER BY x.at, x.id), '[]')::text FROM ("
                    "SELECT chat_unassigned_to_json(u) AS j, u.created_at AS at, u.id FROM chat_unassigned u "
                    "WHERE u.from_number = ? AND u.attached_at IS NULL UNION ALL "
                    "SELECT chat_direct_message_to_json(d), d.created_at, d.id FROM chat_direct_messages d "
                    "WHERE d.to_number = ? AND d.attached_at IS NULL) x"),
                {number, number})
        .toString()
        .toUtf8();
}

namespace {

QByteArray directJson(Db &db, qint64 replyId)
{
    return db
        .scalar(QStringLiteral("SELECT chat_direct_message_to_json(d)::text FROM chat_direct_messages d "
                               "WHERE d.id = ?"),
                {replyId})
        .toString()
        .toUtf8();
}

void emitReply(Db &db, qint64 replyId)
{
    db.exec(QStringLiteral("SELECT chat_emit('unassigned.replied', NULL, chat_direct_message_to_json(d)) "
                           "FROM chat_direct_messages d WHERE d.id = ?"),
            {replyId});
}

} // namespace

Outbox::Prepared prepareReply(Db &db, qint64 id, const QString &rawText, const QString &clientMessageId,
                              const QString &agentName, const Principal &who, const QString &remote)
{
    const QString text = Outbox::checkedText(rawText, clientMessageId);
    auto attempt = [&] {
        return db.transaction([&] {
            // The number's waiting items are taken below: they are locked first, in one order, so that two
            // replies to the same number at once queue instead of deadlocking.
            db.exec(QStringLiteral(
                        "SELECT 1 FROM chat_unassigned WHERE from_number = (SELECT from_number FROM "
                        "chat_unassigned WHERE id = ?) AND attached_at IS NULL ORDER BY id FOR UPDATE"),
                    {id})
                .finish();
            const Item item = lockItem(db, id);
            Outbox::Prepared p;
            // A repeat of a stored reply is answered with it, even once the message is on a ticket.
            if (!clientMessageId.isEmpty()) {
                QSqlQuery &q = db.exec(QStringLiteral("SELECT id, message FROM chat_direct_messages "
                                                      "WHERE to_number = ? AND client_message_id = ?"),
                                       {item.from, clientMessageId});
                if (q.next()) {
                    p.duplicate = true;
                    p.direct = true;
                    p.messageId = q.value(0).toLongLong();
                    const bool same = q.value(1).toString() == text;
                    q.finish();
                    if (!same)
                        throw DomainError(
                            DomainError::Kind::Conflict, QStringLiteral("duplicate_client_message_id"),
                            QStringLiteral("client_message_id '%1' was already used for another "
                                           "text: give each new message its own id")
                                .arg(clientMessageId));
                    p.messageJson = directJson(db, p.messageId);
                    return p;
                }
                q.finish();
            }
            if (!item.attachedTo.isNull())
                throw DomainError(DomainError::Kind::Conflict, QStringLiteral("already_attached"),
                                  QStringLiteral("This message is on ticket %1 now: reply there")
                                      .arg(item.attachedTo.toInt()));
            if (!Outbox::windowOpen(db, item.from))
                throw DomainError(
                    DomainError::Kind::Conflict, QStringLiteral("window_closed"),
                    QStringLiteral("%1 last wrote more than 24 hours ago, so WhatsApp allows no "
                                   "free-form message: open a ticket for the message to send "
                                   "the re-engagement template")
                        .arg(item.from));
            const QVariant noInt(QMetaType::fromType<int>());
            QSqlQuery &ins = db.exec(
                QStringLiteral(
                    "INSERT INTO chat_direct_messages (unassigned_id, to_number, message, agent_name, "
                    "agent_id, sent_by, client_message_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                {id, item.from, text, agentName, who.agentId > 0 ? QVariant(who.agentId) : noInt,
                 who.actorKind(),
                 clientMessageId.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                           : QVariant(clientMessageId)});
            ins.next();
            p.direct = true;
            p.messageId = ins.value(0).toLongLong();
            ins.finish();
            p.to = item.from;
            p.text = text;
            // A person's reply takes the number's waiting requests: the consoles stop alerting.
            if (who.kind != Principal::Kind::AiToken) {
                QList<qint64> taken;
                QSqlQuery &q = db.exec(
                    QStringLiteral("UPDATE chat_unassigned SET acknowledged_at = now(), acknowledged_by = ?, "
                                   "acknowledged_by_actor = ? WHERE from_number = ? AND attached_at IS NULL "
                                   "AND agent_requested AND acknowledged_at IS NULL RETURNING id"),
                    {who.actorName(), who.actorKey(), item.from});
                while (q.next())
                    taken << q.value(0).toLongLong();
                q.finish();
                for (qint64 t : std::as_const(taken))
                    emitItem(db, Wire::Event::unassignedUpdated, QVariant(QMetaType::fromType<int>()), t);
            }
            emitReply(db, p.messageId);
            AuditLog::record(
                db, who, QStringLiteral("unassigned.replied"), 0,
                {{QStringLiteral("unassigned_id"), id}, {QStringLiteral("reply_id"), p.messageId}}, remote);
            return p;
        });
    };
    const Outbox::Prepared prepared = Outbox::storedOnce(clientMessageId, attempt);
    if (!prepared.duplicate)
        Events::sequence(db);
    return prepared;
}

Outbox::Prepared prepareAutomatic(Db &db, qint64 id, const Outbox::Texts &texts, const QString &language)
{
    Outbox::Prepared p = db.transaction([&] {
        Outbox::Prepared p;
        const Item item = lockItem(db, id);
        if (!item.attachedTo.isNull() || !Outbox::windowOpen(db, item.from))
            return p;
        const QString text = Outbox::textFor(db, item.from, texts, language);
        if (text.isEmpty())
            return p;
        QSqlQuery &ins =
            db.exec(QStringLiteral("INSERT INTO chat_direct_messages (unassigned_id, to_number, message, "
                                   "agent_name, sent_by) VALUES (?, ?, ?, ?, 'automatic') RETURNING id"),
                    {id, item.from, text, QString::fromLatin1(Outbox::automaticAuthor)});
        ins.next();
        p.direct = true;
        p.messageId = ins.value(0).toLongLong();
        ins.finish();
        p.to = item.from;
        p.text = text;
        emitReply(db, p.messageId);
        return p;
    });
    if (p.messageId > 0)
        Events::sequence(db);
    return p;
}

QByteArray completeReply(Db &db, qint64 replyId, const SendResult &result)
{
    // The row is locked before deciding: a reply moved onto a ticket meanwhile (moveReplies locks it too) is
    // completed on the ticket's copy; one still here is completed here before any move can copy it.
    qint64 moved = 0;
    db.transaction([&] {
        // As Outbox::complete: the same lock as a status webhook for this id first, then the row.
        if (result.ok)
            db.exec(QStringLiteral("SELECT pg_advisory_xact_lock(hashtext(?))"), {result.waMessageId});
        moved = db.scalar(QStringLiteral("SELECT coalesce(attached_message_id, 0) FROM chat_direct_messages "
                                         "WHERE id = ? FOR UPDATE"),
                          {replyId})
                    .toLongLong();
        if (moved > 0) {
            db.exec(
                QStringLiteral("UPDATE chat_direct_messages SET wa_message_id = coalesce(?, wa_message_id), "
                               "status = CASE WHEN status = 'pending' THEN ? ELSE status END, "
                               "updated_at = now() WHERE id = ?"),
                {result.ok ? QVariant(result.waMessageId) : QVariant(QMetaType::fromType<QString>()),
                 result.ok ? QStringLiteral("sent") : QStringLiteral("failed"), replyId});
            return;
        }
        if (result.ok) {
            db.exec(QStringLiteral(
                        "UPDATE chat_direct_messages SET wa_message_id = ?, updated_at = now(), "
                        "status = CASE WHEN status = 'pending' THEN 'sent' ELSE status END WHERE id = ?"),
                    {result.waMessageId, replyId});
            emitReply(db, replyId);
            // The statuses that arrived before the id was stored.
            Outbox::applyWaitingStatuses(db, result.waMessageId);
        } else {
            db.exec(
                QStringLiteral("UPDATE chat_direct_messages SET status = 'failed', error_code = ?, "
                               "error_message = ?, updated_at = now() WHERE id = ? AND status = 'pending'"),
                {result.errorCode, result.errorMessage, replyId});
            emitReply(db, replyId);
        }
    });
    if (moved > 0)
        Outbox::complete(db, moved, result);
    else
        Events::sequence(db);
    return directJson(db, replyId);
}

} // namespace Unassigned
