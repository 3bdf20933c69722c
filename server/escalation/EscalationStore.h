#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

class Db;
struct Principal;

// The escalation ladder, the on-call list and the requests with their steps, as the admin API, the CLI
// and server.conf read and change them. What the ladder does is in sql/functions/escalation_*.sql.
namespace EscalationStore {

struct Step {
    int afterSeconds = 0;
    QString action; // consoles, supervisors or oncall
    int level = 0;  // the on-call level, for oncall
    bool operator==(const Step &) const = default;
};

// "0:consoles,30:supervisors,60:oncall1,120:oncall2" (LIFTLINE_ESCALATION_LADDER). Empty list and *error
// for text a person must correct.
QList<Step> parseLadder(const QString &text, QString *error);
QString ladderText(const QList<Step> &steps);
// The ladder as the API shows it: [{"after_seconds", "action", "level"}].
QJsonArray ladderJson(const QList<Step> &steps);
// Throws DomainError (invalid_ladder) with what is wrong.
QList<Step> ladderFromJson(const QJsonArray &steps);

QList<Step> ladder(Db &db);
// Replaces the ladder (requests already waiting keep their dates, and take the new ladder's steps from
// their next position on); audited when `who` is given.
void setLadder(Db &db, const QList<Step> &steps, const Principal *who);

// The on-call list in calling order: level, then position.
QJsonArray oncall(Db &db);
// Adds an entry ({"name", "phone", "level", "position"?, "active_from"?, "active_until"?, "time_zone"?});
// returns it as stored. Throws DomainError (invalid_oncall) with what is wrong.
QJsonObject addOncall(Db &db, const QJsonObject &entry, const Principal &who);
// Throws DomainError (not_found).
void removeOncall(Db &db, int id, const Principal &who);

// The newest requests (only those not closed, when openOnly), each with its ladder state and the steps
// taken.
QJsonArray requests(Db &db, bool openOnly, int limit);
// One request with its steps and call-outs. Throws DomainError (not_found).
QJsonObject request(Db &db, qint64 id);

// An agent judges a request not an emergency: its ticket or message is taken in the agent's name (the
// consoles stop alerting), the request closes (the ladder stops; incident services are told it is
// resolved), audited with the reason. Throws DomainError (not_found, request_closed, reason_required).
void notEmergency(Db &db, qint64 id, const QString &reason, const Principal &who);
// An admin reverses an agent's "not an emergency": the request lives again as if nobody had taken it (its
// ticket or message waits, every console alerts, the ladder goes on at once from the step after the last
// one taken), audited with the reason (request.reopened). Throws DomainError (not_found, reason_required,
// not_closed_as_not_emergency, ticket_resolved, superseded).
void reopen(Db &db, qint64 id, const QString &reason, const Principal &who);

// Numbers whose requests alert the consoles only: no supervisors' re-alert, no call-out, no automatic
// reply. An agent blocks (with a reason), an admin unblocks; both audited. Throw DomainError
// (invalid_number, reason_required, not_found).
void block(Db &db, const QString &number, const QString &reason, const Principal &who);
void unblock(Db &db, const QString &number, const Principal &who);
QJsonArray blocked(Db &db);

// The response figures of the requests raised in [from, to) (README, "Response figures"):
// {"from", "to", "summary": {"requests", "acknowledged", "answered", "unanswered", "not_emergency",
// "time_to_alert"|"time_to_acknowledge"|"time_to_first_reply": {"p50", "p90", "max", "count"},
// "escalations": {"consoles": n, "supervisors": n, "oncall1": n, ...}}, "requests": [one row each]}.
// Without withRequests, "requests" is empty: the summary alone (for /metrics).
QJsonObject responseReport(Db &db, const QDateTime &from, const QDateTime &to, bool withRequests = true);
// The report's requests as CSV (RFC 4180, a header line first).
QByteArray responseCsv(const QJsonObject &report);
// A report's period from its texts (dates or ISO times; a time without a zone is UTC): to defaults to now,
// from to a day before it. False with *error for a period a person must correct.
bool parsePeriod(const QString &fromText, const QString &toText, QDateTime *from, QDateTime *to,
                 QString *error);

} // namespace EscalationStore
