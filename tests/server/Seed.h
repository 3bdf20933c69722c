#pragma once

#include "db/DbParams.h"

#include <QString>

class Db;

// Test data written straight into the database, as the registry import and WhatsApp ingest would.
namespace Seed {

// tests/data/registry.csv: lifts 27710000001..4, technicians 27820000001..4.
void registry(Db &db);
// Opens a ticket on the lift and returns its id.
int openTicket(Db &db, const QString &liftMsisdn = QStringLiteral("27710000001"));
// The technician has written on the ticket (responded_by set) `minutesAgo` minutes ago, which opens or
// closes their 24-hour window. Returns the inbound message's id.
qint64 technicianWrote(Db &db, int ticketId, const QString &technicianMsisdn = QStringLiteral("27820000001"),
                       const QString &text = QStringLiteral("Agent, the car is stuck"), int minutesAgo = 1);
// Marks the ticket as having an unacknowledged agent request.
void agentRequested(Db &db, int ticketId);
// Adds n messages to a ticket in one statement (alternating inbound/outbound).
void bulkMessages(Db &db, int ticketId, int n);

QString dataFile(const QString &name);
// tests/data/whatsapp/<name>.json as it is, old timestamps and all.
QByteArray rawWhatsappFixture(const QString &name);
// Gives every "timestamp" of a body a fresh value, keeping their order and spacing: the newest becomes
// `secondsAgo` seconds before now (*newest receives it). Nothing else of the bytes changes.
QByteArray freshen(const QByteArray &body, qint64 secondsAgo = 0, qint64 *newest = nullptr);
// rawWhatsappFixture() freshened: a body WhatsApp could post at this moment.
QByteArray whatsappFixture(const QString &name);

} // namespace Seed
