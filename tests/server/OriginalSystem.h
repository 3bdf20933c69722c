#pragma once

#include <QString>

class Db;

// A site's database before Liftline joins it: the original lift-alert system's tables and its chat add-on's
// (tests/data/original_system/), filled the way the original code writes them, and the add-on's own
// statements for what it keeps writing after the upgrade.
namespace OriginalSystem {

struct Scale {
    int lifts = 20;
    int contacts = 60; // contact k is linked to lift ((k - 1) % lifts) + 1, a quarter to a second lift too
    int tickets = 300; // ids in creation order; the newest `open` are open (opened within the last 5 h)
    int open = 20;
    int recentlyClosed = 5; // the tickets before the open ones, resolved within the last hour
    int messages = 6000;    // alternately the technician's and an agent's, spread over the tickets
};

// The host's tables, then the add-on's schema file: the shapes are exact, limits and all.
void createSchema(Db &db);
// Lifts 2760NNNNNNN, contacts 2782NNNNNNN, tickets and a transcript, as the original system and the add-on
// wrote them: inbound rows to 'system', replies from 'agent' with the agent's name, about 70% of the
// technicians' messages read, and every message that mentions "agent" flagging its ticket with an
// event_log row (the add-on's rule). Deterministic for a given scale.
void fill(Db &db, const Scale &scale = {});

// The add-on's statements, as its webhook branch and routes run them.
void addonStoresInbound(Db &db, int ticketId, const QString &from, const QString &text);
void addonStoresReply(Db &db, int ticketId, const QString &to, const QString &text, const QString &agentName);
void addonMarksRead(Db &db, int ticketId);
void addonRaisesRequest(Db &db, int ticketId, const QString &text);

} // namespace OriginalSystem
