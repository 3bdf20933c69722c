#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

class Db;

// What the server makes of a stored webhook body: every entry, change, message and status in it.
namespace InboundProcessor {

struct Settings {
    QStringList agentWords;
    int routingWindowHours = 6; // the newest open ticket of the technician's lifts counts when this recent
};

// Stores the raw body as received (and queues it for the original server when `forward`); returns its id.
// Throws DbError (the caller answers 503 so WhatsApp retries).
qint64 store(Db &db, const QByteArray &body, const QString &authenticated, bool forward = false);
// Marks a stored body that is not JSON as done, with the reason.
void rejectUnreadable(Db &db, qint64 inboxId, const QString &reason);

// Processes one stored body if no other server is processing it; true when this call processed it. The
// events it wrote are left for the caller to number (Sequencer, or Events::sequence). Each message and
// status is stored on its own: one PostgreSQL refuses is set aside in whatsapp_inbox_items with the reason,
// and the others are stored; U+0000 in a text is stored as U+FFFD, and the item recorded as altered.
bool process(Db &db, qint64 inboxId, const Settings &settings);
// What admins are shown (JSON text): the newest `limit` items set aside or altered, the newest bodies
// with an error (not JSON, items set aside, or failing as a whole), waiting or set aside, and the newest
// edits and deletions that no agent sees because the message they name is not stored (yet).
QByteArray problems(Db &db, int limit);
// Processes up to `limit` bodies still waiting (after a crash, or while another instance was busy) that
// arrived at least `minAgeSeconds` ago: younger ones are normally already queued for processing.
int processPending(Db &db, const Settings &settings, int limit = 100, int minAgeSeconds = 0);

} // namespace InboundProcessor
