#pragma once

#include <QByteArray>
#include <QString>

class Db;
struct Principal;

namespace Tickets {

struct Opened {
    int id = 0;
    QString reference;
};

// The reference prefix the original system makes: the building name upper-cased, reduced to letters and
// digits, its first three words joined by '-', at most 20 characters. The full reference appends
// "-TKT<id>".
QString referencePrefix(const QString &building);

// The longest SMS text a ticket keeps, in characters.
constexpr int maxSmsLength = 2000;

// Up to 20 lifts whose site, building or SIM number match every word of the query (case-insensitive), as a
// JSON array with each lift's open ticket, if any. An empty query lists the first 20 by name.
QByteArray findLifts(Db &db, const QString &query);

// Opens a ticket on the lift with that SIM number. Throws DomainError (Invalid) for a malformed number or an
// SMS text over maxSmsLength, 404 when no lift has it.
Opened open(Db &db, const QString &liftMsisdn, const QString &smsText, const Principal &who);
// The same inside the caller's transaction, which then announces the events (Events::sequence).
Opened openIn(Db &db, const QString &liftMsisdn, const QString &smsText, const Principal &who);

} // namespace Tickets
