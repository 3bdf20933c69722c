#pragma once

#include <QtGlobal>

class Db;

// The event numbering of chat_events (see sql/003_events.sql).
namespace Events {

// Numbers every committed, unnumbered event; run after each write transaction commits, and on a timer
// for writes made by other systems. Returns the newest number.
qint64 sequence(Db &db);
// The newest number, 0 when there are no events.
qint64 latest(Db &db);

} // namespace Events
