#pragma once

#include <QJsonArray>
#include <QJsonObject>

class Db;
struct Principal;

// A ticket's incident card: people trapped, injuries, the car's position, the emergency services called
// with their times, when people were released, notes. Each save is a version of its own (audited, and
// announced as incident.updated); the newest is the card.
namespace IncidentCard {

// The newest version, or an empty card of version 0. Throws DomainError (ticket_not_found).
QJsonObject current(Db &db, int ticketId);
// Every version, newest first.
QJsonArray history(Db &db, int ticketId);
// Saves the fields `changes` names over the newest version, as version expected_version + 1. Throws
// DomainError: Invalid with the field's code (expected_version_required, invalid_people_trapped,
// invalid_services, invalid_released_at, text_too_long), Conflict (version_conflict) when someone saved
// since expected_version, NotFound. Nothing changes and no version is added when the fields equal it.
QJsonObject save(Db &db, int ticketId, const QJsonObject &changes, const Principal &who);

} // namespace IncidentCard
