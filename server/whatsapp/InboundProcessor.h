#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

class Db;

// What the server makes of a stored webhook body: every entry, change, message and status in it.
namespace InboundProcessor {

struct Settings {
    QStringList agentWords;
    int routingWindowHours = 6; // the newest open ticket of the technician's lifts counts when this recent
};

// A body as received.
struct Received {
    QByteArray body;
    QString authenticated; // the credential it came with: "signature" or "bearer"
    bool forward = false;  // queue it for the original server too (HOST_WEBHOOK_URL)
    QString unreadable;    // why it is not JSON (it is then stored already done, with this reason); empty
                           // when it is JSON
};

// Stores the raw body as received; returns its id. Throws DbError (the caller answers 503 so WhatsApp
// retries).
qint64 store(Db &db, const Received &body);
// Stores the bodies in one transaction, committed to disk before it returns their ids.
QList<qint64> storeAll(Db &db, const QList<Received> &bodies);
// Stores the bodies and processes them, in the order given, in one transaction, committed to disk before
// it returns: many bodies for one commit. Throws DbError, and then nothing is stored; the caller
// stores them (storeAll) and processes each on its own instead (process), where an item PostgreSQL
// refuses is set aside. A lock waited for 200 ms fails it with 55P03 (lock_not_available), to be tried
// again.
void storeAndProcess(Db &db, const QList<Received> &bodies, const Settings &settings);

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
// arrived at least `minAgeSeconds` ago: younger ones are normally being processed by the instance that
// stored them.
int processPending(Db &db, const Settings &settings, int limit = 100, int minAgeSeconds = 0);

} // namespace InboundProcessor
