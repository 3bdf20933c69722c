#pragma once

#include "domain/DomainError.h"

#include <QByteArray>
#include <QString>

class Db;
struct Principal;

// The conversation list, threads and an agent's actions on a ticket. JSON for conversations and messages
// is built by PostgreSQL (chat_conversation_to_json, chat_message_to_json), so the REST answers and the
// events carry exactly the same objects.
namespace ChatStore {

struct Page {
    QByteArray messages; // a JSON array
    bool hasMore = false;
};

// Open tickets and those closed in the last hour, in the documented order, with the newest event number
// the list reflects (read in one snapshot). Served from chat_conversation_cache, which the triggers keep
// in step with every change.
QByteArray conversations(Db &db, qint64 *seq);
// The conversation object of one ticket; empty when the ticket does not exist.
QByteArray conversation(Db &db, int ticketId);
// Throws DomainError (NotFound, ticket_not_found).
void requireTicket(Db &db, int ticketId);
// The refusal requireTicket throws (404 ticket_not_found).
DomainError ticketNotFound(int ticketId);
// Every transaction that changes what a ticket's conversation shows takes the ticket's locks in one
// order: the ticket's row first (FOR NO KEY UPDATE, which the original server's inserts do not wait for),
// then its counters (chat_ticket_summary), then its stored conversation. Two writers on one ticket then
// queue instead of deadlocking (tst_ticketlocks). whatsapp_receive() (sql/012) keeps the same order.
void lockTicket(Db &db, int ticketId);
// limit 0: the whole thread. Otherwise the newest `limit` messages with id < before (before 0: no bound).
Page messages(Db &db, int ticketId, int limit, qint64 before);
QByteArray message(Db &db, qint64 messageId);

// Each throws DomainError for conflicts (Conflict) and records the action in the audit trail.
// Takes the conversation in the agent's name. Returns true when this took a technician's waiting request
// (false: nothing was asked, or the same agent took it before).
bool acknowledge(Db &db, int ticketId, const Principal &who, const QString &remote);
// A supervisor (or an admin) gives an open ticket to an agent, or to another one: the agent has it as if
// they had acknowledged it (the consoles' owner label names them; a waiting request stops escalating),
// and the audit trail says who assigned it. Throws DomainError: Forbidden for anyone else, NotFound
// (agent_not_found, ticket_not_found), Conflict (ticket_closed, agent_disabled).
void assign(Db &db, int ticketId, const QString &username, const Principal &who, const QString &remote);

// Agent requests nobody has taken yet, on open tickets and unassigned messages: how many, and since when the
// oldest has waited (seconds since the epoch; 0 when none).
struct Waiting {
    qint64 count = 0;
    qint64 oldestSince = 0;
};
Waiting waitingRequests(Db &db);
// Everyone a reply on the ticket may go to: each number that wrote on it, and the technician who responded,
// as a JSON array, the default recipient first (see Outbox::prepare), then by their latest message. Each:
// number, name (the registry's, else the WhatsApp profile name), registered, last_wrote_at, window_open,
// is_default.
QByteArray participants(Db &db, int ticketId);
int markRead(Db &db, int ticketId, const Principal &who, const QString &remote);
void resolve(Db &db, int ticketId, const QString &note, const Principal &who, const QString &remote);

// Pending sends older than maxAgeSeconds (the server stopped mid-send) become failed with
// outcome_unknown; they are never resent automatically. Returns how many.
int failAbandonedSends(Db &db, int maxAgeSeconds);

} // namespace ChatStore
