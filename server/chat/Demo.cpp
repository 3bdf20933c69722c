#include "Demo.h"

#include "RegistryImport.h"
#include "Tickets.h"
#include "auth/AgentStore.h"
#include "db/Db.h"
#include "db/Events.h"
#include "domain/Principal.h"

#include <QFile>

namespace Demo {

QString load(Db &db, const QString &passwordHash, const QString &password)
{
    Principal system;
    system.kind = Principal::Kind::System;
    QFile registry(QStringLiteral(":/demo/registry.csv"));
    registry.open(QIODevice::ReadOnly);
    RegistryImport::run(db, registry.readAll(), system);

    const bool haveTickets =
        db.scalar(QStringLiteral("SELECT count(*) FROM tickets t JOIN lifts l ON l.id = t.lift_id "
                                 "WHERE t.status = 'open' AND l.msisdn LIKE '277100000%'"))
            .toInt() > 0;
    if (!haveTickets) {
        const Tickets::Opened stuck =
            Tickets::open(db, QStringLiteral("27710000001"),
                          QStringLiteral("EMERGENCY: lift stopped between floors, alarm pressed"), system);
        Tickets::open(db, QStringLiteral("27710000003"),
                      QStringLiteral("EMERGENCY: door fault, passengers inside"), system);
        Tickets::open(db, QStringLiteral("27710000004"), QStringLiteral("EMERGENCY: alarm button pressed"),
                      system);
        // The technician on the first ticket has written and asked for an agent, as WhatsApp would deliver
        // it.
        db.transaction([&] {
            db.exec(QStringLiteral(
                        "UPDATE tickets SET responded_by = (SELECT id FROM contacts WHERE primary_msisdn = "
                        "'27820000001'), agent_requested = true, agent_requested_at = now() WHERE id = ?"),
                    {stuck.id});
            db.exec(QStringLiteral(
                "INSERT INTO chat_windows (number, last_inbound_at) VALUES ('27820000001', now()) "
                "ON CONFLICT (number) DO UPDATE SET last_inbound_at = now(), updated_at = now()"));
            db.exec(QStringLiteral(
                        "INSERT INTO chat_messages (ticket_id, from_number, to_number, message, direction, "
                        "kind, status, "
                        "wa_message_id, wa_timestamp, created_at) VALUES "
                        "(?, '27820000001', '27110000000', 'On site at James House. The car is stuck between "
                        "floors 3 "
                        "and 4 with two people inside.', 'inbound', 'text', 'received', 'wamid.DEMO.' || ? "
                        "|| '.1', "
                        "now() - interval '2 minutes', now() - interval '2 minutes'), "
                        "(?, '27820000001', '27110000000', 'Agent please, I need the controller reset code', "
                        "'inbound', 'text', 'received', 'wamid.DEMO.' || ? || '.2', now(), now())"),
                    {stuck.id, stuck.id, stuck.id, stuck.id});
        });
        Events::sequence(db);
    }

    AgentStore::Account account;
    if (AgentStore::find(db, QStringLiteral("demo"), &account)) {
        AgentStore::setPasswordHash(db, QStringLiteral("demo"), passwordHash, system);
        if (account.disabled)
            AgentStore::setDisabled(db, QStringLiteral("demo"), false, system);
    } else {
        AgentStore::add(db, QStringLiteral("demo"), QStringLiteral("Demo Agent"), QStringLiteral("agent"),
                        passwordHash, system);
    }
    return password;
}

} // namespace Demo
