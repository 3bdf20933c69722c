#pragma once

#include <QByteArray>
#include <QString>

class Db;
struct Principal;

// Inbound messages that matched no ticket: listed for agents, and moved onto a ticket by one of them.
namespace Unassigned {

// Announces a newly kept item to the consoles (unassigned.created, the item as list() shows it).
void announce(Db &db, qint64 id);
// The ones not yet attached, newest first, as a JSON array.
QByteArray list(Db &db);
// Moves item `id` onto the ticket: it becomes an inbound message of that ticket, the sender becomes a
// contact when the registry does not know the number, and the ticket's responded_by when it has none.
// Returns the stored message. Throws ApiError 404 (item or ticket), 409 already_attached.
QByteArray attach(Db &db, qint64 id, int ticketId, const Principal &who, const QString &remote);

} // namespace Unassigned
