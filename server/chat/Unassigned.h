#pragma once

#include "Outbox.h"

#include <QByteArray>
#include <QString>

class Db;
struct Principal;

// Inbound messages that matched no ticket: listed for agents, and moved onto a ticket by one of them.
namespace Unassigned {

// Items are kept and announced (unassigned.created, and agent.requested when the message asks for an
// agent) by whatsapp_receive() in sql/012.

// The ones not yet attached, newest first, as a JSON array (chat_unassigned_to_json).
QByteArray list(Db &db);
// An agent takes the item's request: every console stops alerting (unassigned.updated). Taking one taken
// already changes nothing. Returns the item. Throws DomainError: NotFound, Conflict already_attached or
// no_request.
QByteArray acknowledge(Db &db, qint64 id, const Principal &who, const QString &remote);
// Moves item `id` onto the ticket: it becomes an inbound message of that ticket, the sender becomes a
// contact when the registry does not know the number, and the ticket's responded_by when it has none.
// A request the item made moves to the ticket, taken by whoever took it, else by the one attaching.
// Returns the stored message. Throws DomainError: NotFound (item or ticket), Conflict already_attached.
// The ticket may be open, or resolved within recentlyResolvedSeconds (as long as consoles list it); an
// older one is Conflict ticket_closed. A request moves only to an open ticket.
QByteArray attach(Db &db, qint64 id, int ticketId, const Principal &who, const QString &remote);

// How long a resolved ticket still takes messages: as long as the conversation list shows it.
constexpr int recentlyResolvedSeconds = 3600;

struct Opened {
    int ticketId = 0;
    QString reference;
    qint64 messageId = 0;
    QByteArray messageJson;
};
// Opens a ticket on the lift with that SIM number for item `id` and attaches the item to it, in one
// transaction (a failure leaves neither). Throws DomainError: NotFound (item, lift), Conflict
// already_attached, lift_has_open_ticket (attach to that one instead), Invalid invalid_number.
Opened openTicket(Db &db, qint64 id, const QString &liftMsisdn, const Principal &who, const QString &remote);

// Every message with this item's number that is on no ticket yet, both ways, oldest first, as a JSON array:
// its inbound items (chat_unassigned_to_json) and the replies to it (chat_direct_message_to_json). Throws
// DomainError NotFound.
QByteArray thread(Db &db, qint64 id);

// A reply to the number of item `id`, which has no ticket: checked like a reply on a ticket, inside the
// number's 24-hour window, and stored as pending (chat_direct_messages) before anything leaves. It takes
// the number's waiting requests, as a reply on a ticket does. A repeated client_message_id answers with the
// stored reply. Throws DomainError: NotFound, Conflict already_attached (reply on that ticket),
// window_closed, duplicate_client_message_id, and the text's (Outbox::checkedText).
Outbox::Prepared prepareReply(Db &db, qint64 id, const QString &text, const QString &clientMessageId,
                              const QString &agentName, const Principal &who, const QString &remote);
// An automatic message to the number of item `id` (the no-agent reply), in the number's language as
// Outbox::prepareConfirmation chooses it; messageId 0 when the window is closed or the text empty.
Outbox::Prepared prepareAutomatic(Db &db, qint64 id, const Outbox::Texts &texts, const QString &language);
// Records the transport's answer for a direct reply (announced as unassigned.replied); one moved onto a
// ticket meanwhile is completed there. Returns the reply as stored.
QByteArray completeReply(Db &db, qint64 replyId, const SendResult &result);

} // namespace Unassigned
