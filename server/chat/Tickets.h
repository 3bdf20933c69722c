#pragma once

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

// Opens a ticket on the lift with that SIM number. Throws DomainError (Invalid) for a malformed number or an
// SMS text over maxSmsLength, 404 when no lift has it.
Opened open(Db &db, const QString &liftMsisdn, const QString &smsText, const Principal &who);

} // namespace Tickets
