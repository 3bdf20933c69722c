#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <functional>
#include <optional>

class Db;
struct Principal;

// Retention and legal hold (sql/029_retention.sql). Admins set how long each kind of data is kept
// (transcripts, media, raw webhook bodies, the audit trail; by default everything is kept); the job
// removes what has expired, once across instances, and records each run; a legal hold on a ticket, a
// lift or a technician's number keeps everything it covers, whatever the periods say.
namespace Retention {

// The kinds, in the order they are shown: transcripts, media, raw_bodies, audit_trail.
const QStringList &kinds();

// {"transcripts": days or null, ...}: null is "kept forever".
QJsonObject policies(Db &db);

// Sets the periods named in `changes` ({"media": 90, "audit_trail": null, ...}), each 1 to 36500 days
// or null; raw_bodies never under 8 (WhatsApp's retries). Recorded in the audit trail. Throws
// DomainError (invalid_retention) naming what is wrong; nothing is changed then.
QJsonObject setPolicies(Db &db, const QJsonObject &changes, const Principal &who);

struct Run {
    qint64 id = 0;       // 0: not run (another instance is at it, or nothing has a period)
    QString skipped;     // why it did not run, for a person
    QJsonObject removed; // per kind: transcripts (tickets), rows, media, raw_bodies, audit_trail, events
    int held = 0;        // expired transcripts kept by a legal hold
    QStringList errors;  // what could not be removed this time, and why (retried next run)
};

// Runs the job now: chains what waits, then removes what has expired, each transcript in its own
// transaction. `startedBy` is recorded ("schedule (instance …)" or the admin). One run at a time across
// instances (a session advisory lock, tried): the other returns with `skipped` set.
// `stopping`, when given, is asked between transcripts and batches: a server shutting down ends the run
// early (recorded as such; the next run goes on).
Run run(Db &db, const QString &startedBy, const std::function<void(const QString &)> &progress = {},
        const std::function<bool()> &stopping = {});

// Whether the scheduled run is due: some kind has a period and no scheduled run that finished started in
// the last 23 hours (one cut short by a lost database is tried again 10 minutes later).
bool due(Db &db);

// The last runs, newest first, as the API shows them.
QJsonArray runs(Db &db, int limit = 10);

// Legal holds. scope is ticket, lift or technician; target the ticket's id or the number (any
// punctuation). Recorded in the audit trail. Throws DomainError: invalid_hold (no reason, an unknown
// scope, a malformed target), ticket_not_found, hold_not_found, hold_released.
QJsonObject addHold(Db &db, const QString &scope, const QString &target, const QString &reason,
                    const Principal &who);
QJsonObject releaseHold(Db &db, qint64 id, const QString &reason, const Principal &who);
// Holds in force (and released ones with `all`), newest first.
QJsonArray holds(Db &db, bool all = false);

} // namespace Retention
