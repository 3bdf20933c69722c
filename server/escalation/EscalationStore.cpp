#include "EscalationStore.h"

#include "db/AuditLog.h"
#include "db/Db.h"
#include "domain/DomainError.h"
#include "domain/Principal.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTime>
#include <QTimeZone>

namespace EscalationStore {

namespace {

constexpr int maxSteps = 20;
constexpr int maxAfterSeconds = 86400;

// What is wrong with a ladder, or an empty string: steps in time order, known actions, levels 1 to 9.
QString ladderProblem(const QList<Step> &steps)
{
    if (steps.isEmpty())
        return QStringLiteral("The ladder needs at least one step");
    if (steps.size() > maxSteps)
        return QStringLiteral("The ladder has %1 steps; at most %2 are allowed")
            .arg(steps.size())
            .arg(maxSteps);
    int previous = -1;
    for (const Step &s : steps) {
        if (s.afterSeconds < 0 || s.afterSeconds > maxAfterSeconds)
            return QStringLiteral("A step comes 0 to %1 seconds after the request, not %2")
                .arg(maxAfterSeconds)
                .arg(s.afterSeconds);
        if (s.afterSeconds < previous)
            return QStringLiteral("Steps must be in time order: %1 s comes after %2 s")
                .arg(s.afterSeconds)
                .arg(previous);
        previous = s.afterSeconds;
        if (s.action == QLatin1String("oncall")) {
            if (s.level < 1 || s.level > 9)
                return QStringLiteral("An on-call step names a level from 1 to 9 (oncall1 ... oncall9)");
        } else if (s.action != QLatin1String("consoles") && s.action != QLatin1String("supervisors")) {
            return QStringLiteral("'%1' is not a step: use consoles, supervisors or oncallN").arg(s.action);
        }
    }
    return {};
}

QJsonDocument parsed(const QVariant &text)
{
    return QJsonDocument::fromJson(text.toString().toUtf8());
}

DomainError invalidOncall(const QString &message)
{
    return DomainError(DomainError::Kind::Invalid, QStringLiteral("invalid_oncall"), message);
}

// A request as the API shows it, with its steps taken; `extra` adds columns of the caller's.
QString requestJsonSql(const QString &extra = {})
{
    return QStringLiteral(
               "jsonb_build_object('id', a.id, 'ticket_id', a.ticket_id, 'unassigned_id', a.unassigned_id, "
               "'from_number', a.from_number, 'text', a.text, 'requested_at', liftline_iso(a.requested_at), "
               "'repeats', a.repeats, 'acknowledged_at', liftline_iso(a.acknowledged_at), "
               "'acknowledged_by', a.acknowledged_by, 'closed_at', liftline_iso(a.closed_at), "
               "'closed_reason', a.closed_reason, 'oncall_withheld', a.oncall_withheld, "
               "'received_at', liftline_iso(a.received_at), 'alerted_at', liftline_iso(a.alerted_at), "
               "'replied_at', liftline_iso(a.replied_at), 'next_step', a.next_step, "
               "'next_step_at', liftline_iso(a.next_step_at), 'dedup_key', 'liftline-' || a.key, "
               "'steps', (SELECT coalesce(jsonb_agg(jsonb_build_object('position', l.step, 'action', "
               "l.action, "
               "'level', l.level, 'due_at', liftline_iso(l.due_at), 'taken_at', liftline_iso(l.taken_at), "
               "'instance_id', l.instance_id, 'recipients', l.recipients) ORDER BY l.step), '[]') "
               "FROM escalation_log l WHERE l.request_id = a.id)%1)")
        .arg(extra);
}

} // namespace

QList<Step> parseLadder(const QString &text, QString *error)
{
    static const QRegularExpression item(QStringLiteral("^\\s*(\\d{1,6})\\s*:\\s*([a-z]+?)(\\d?)\\s*$"));
    QList<Step> steps;
    const QStringList parts = text.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        const QRegularExpressionMatch m = item.match(part);
        if (!m.hasMatch()) {
            *error = QStringLiteral("'%1' is not a step: write SECONDS:ACTION, such as 30:supervisors or "
                                    "60:oncall1")
                         .arg(part.trimmed());
            return {};
        }
        Step s{m.captured(1).toInt(), m.captured(2), m.captured(3).isEmpty() ? 0 : m.captured(3).toInt()};
        if (s.action != QLatin1String("oncall") && s.level != 0) {
            *error = QStringLiteral("'%1': only on-call steps have a level").arg(part.trimmed());
            return {};
        }
        steps << s;
    }
    const QString problem = ladderProblem(steps);
    if (!problem.isEmpty()) {
        *error = problem;
        return {};
    }
    return steps;
}

QString ladderText(const QList<Step> &steps)
{
    QStringList parts;
    for (const Step &s : steps)
        parts << QStringLiteral("%1:%2%3")
                     .arg(s.afterSeconds)
                     .arg(s.action, s.level > 0 ? QString::number(s.level) : QString());
    return parts.join(QLatin1Char(','));
}

QJsonArray ladderJson(const QList<Step> &steps)
{
    QJsonArray out;
    for (const Step &s : steps)
        out.append(QJsonObject{{QStringLiteral("after_seconds"), s.afterSeconds},
                               {QStringLiteral("action"), s.action},
                               {QStringLiteral("level"), s.level > 0 ? QJsonValue(s.level) : QJsonValue()}});
    return out;
}

QList<Step> ladderFromJson(const QJsonArray &array)
{
    QList<Step> steps;
    for (const QJsonValue &v : array) {
        const QJsonObject o = v.toObject();
        const QJsonValue after = o.value(QStringLiteral("after_seconds"));
        if (!v.isObject() || !after.isDouble() || after.toDouble() != double(after.toInt()) ||
            !o.value(QStringLiteral("action")).isString())
            throw DomainError(DomainError::Kind::Invalid, QStringLiteral("invalid_ladder"),
                              QStringLiteral("Each step is an object with after_seconds (a whole number) and "
                                             "action (consoles, supervisors or oncall, with level 1-9)"));
        steps << Step{after.toInt(), o.value(QStringLiteral("action")).toString(),
                      o.value(QStringLiteral("level")).toInt(0)};
    }
    const QString problem = ladderProblem(steps);
    if (!problem.isEmpty())
        throw DomainError(DomainError::Kind::Invalid, QStringLiteral("invalid_ladder"), problem);
    return steps;
}

QList<Step> ladder(Db &db)
{
    QList<Step> steps;
    QSqlQuery &q = db.exec(QStringLiteral(
        "SELECT after_seconds, action, coalesce(level, 0) FROM escalation_ladder ORDER BY position"));
    while (q.next())
        steps << Step{q.value(0).toInt(), q.value(1).toString(), q.value(2).toInt()};
    q.finish();
    return steps;
}

void setLadder(Db &db, const QList<Step> &steps, const Principal *who)
{
    const QString problem = ladderProblem(steps);
    if (!problem.isEmpty())
        throw DomainError(DomainError::Kind::Invalid, QStringLiteral("invalid_ladder"), problem);
    db.transaction([&] {
        const QList<Step> before = ladder(db);
        if (before == steps)
            return;
        // One writer at a time; takers of due steps read the ladder in their own snapshot.
        db.execOnce(QStringLiteral("LOCK TABLE escalation_ladder IN EXCLUSIVE MODE"));
        db.exec(QStringLiteral("DELETE FROM escalation_ladder"));
        for (int i = 0; i < steps.size(); ++i)
            db.exec(QStringLiteral("INSERT INTO escalation_ladder (position, after_seconds, action, level) "
                                   "VALUES (?, ?, ?, ?)"),
                    {i, steps[i].afterSeconds, steps[i].action,
                     steps[i].level > 0 ? QVariant(steps[i].level) : QVariant(QMetaType::fromType<int>())});
        if (who)
            AuditLog::record(db, *who, QStringLiteral("escalation.ladder_changed"), 0,
                             {{QStringLiteral("before"), ladderText(before)},
                              {QStringLiteral("after"), ladderText(steps)}});
    });
}

namespace {

// An on-call entry as the API shows it, from a row of oncall_entries.
const char *oncallJson =
    "jsonb_build_object('id', id, 'name', name, 'phone', phone, 'level', level, 'position', "
    "position, 'active_from', to_char(active_from, 'HH24:MI'), 'active_until', "
    "to_char(active_until, 'HH24:MI'), 'time_zone', time_zone)";

} // namespace

QJsonArray oncall(Db &db)
{
    return parsed(db.scalar(QStringLiteral(
                                "SELECT coalesce(jsonb_agg(%1 ORDER BY level, position, id), '[]')::text "
                                "FROM oncall_entries")
                                .arg(QLatin1String(oncallJson))))
        .array();
}

QJsonObject addOncall(Db &db, const QJsonObject &entry, const Principal &who)
{
    const QString name = entry.value(QStringLiteral("name")).toString().trimmed();
    const QString phone = entry.value(QStringLiteral("phone")).toString().remove(QLatin1Char('+')).trimmed();
    const QJsonValue level = entry.value(QStringLiteral("level"));
    if (name.isEmpty() || name.size() > 200)
        throw invalidOncall(QStringLiteral("An on-call entry needs a name (up to 200 characters)"));
    static const QRegularExpression digits(QStringLiteral("^[1-9][0-9]{7,14}$"));
    if (!digits.match(phone).hasMatch())
        throw invalidOncall(
            QStringLiteral("The phone number is 8 to 15 digits in international form, such as "
                           "27821234567 (no spaces or leading 0)"));
    if (!level.isDouble() || level.toInt() < 1 || level.toInt() > 9 ||
        level.toDouble() != double(level.toInt()))
        throw invalidOncall(QStringLiteral("The level is a whole number from 1 to 9"));
    const QString from = entry.value(QStringLiteral("active_from")).toString();
    const QString until = entry.value(QStringLiteral("active_until")).toString();
    const QTime fromTime = QTime::fromString(from, QStringLiteral("HH:mm"));
    const QTime untilTime = QTime::fromString(until, QStringLiteral("HH:mm"));
    if (from.isEmpty() != until.isEmpty() ||
        (!from.isEmpty() && (!fromTime.isValid() || !untilTime.isValid())) ||
        (!from.isEmpty() && fromTime == untilTime))
        throw invalidOncall(QStringLiteral("Active hours are active_from and active_until together, as HH:MM "
                                           "(such as 18:00 and 06:00), and not equal; leave both out for "
                                           "always"));
    const QString zone = entry.value(QStringLiteral("time_zone")).toString(QStringLiteral("UTC"));
    if (!QTimeZone(zone.toUtf8()).isValid())
        throw invalidOncall(
            QStringLiteral("'%1' is not a time zone: use a name such as Africa/Johannesburg").arg(zone));
    const QVariant noTime(QMetaType::fromType<QString>());
    return db.transaction([&] {
        const QJsonObject stored =
            parsed(db.scalar(QStringLiteral(
                                 "INSERT INTO oncall_entries (name, phone, level, position, active_from, "
                                 "active_until, time_zone) VALUES (?, ?, ?, ?, ?::time, ?::time, ?) "
                                 "RETURNING (%1)::text")
                                 .arg(QLatin1String(oncallJson)),
                             {name, phone, level.toInt(), entry.value(QStringLiteral("position")).toInt(0),
                              from.isEmpty() ? noTime : QVariant(from),
                              until.isEmpty() ? noTime : QVariant(until), zone}))
                .object();
        AuditLog::record(db, who, QStringLiteral("escalation.oncall_added"), 0, stored);
        return stored;
    });
}

void removeOncall(Db &db, int id, const Principal &who)
{
    db.transaction([&] {
        const QVariant name = db.scalar(
            QStringLiteral("DELETE FROM oncall_entries WHERE id = ? RETURNING name || ' (' || phone || ')'"),
            {id});
        if (!name.isValid())
            throw DomainError(DomainError::Kind::NotFound, QStringLiteral("not_found"),
                              QStringLiteral("There is no on-call entry %1").arg(id));
        AuditLog::record(db, who, QStringLiteral("escalation.oncall_removed"), 0,
                         {{QStringLiteral("id"), id}, {QStringLiteral("entry"), name.toString()}});
    });
}

QJsonArray requests(Db &db, bool openOnly, int limit)
{
    return parsed(
               db.scalar(QStringLiteral("SELECT coalesce(jsonb_agg(x.j ORDER BY x.id DESC), '[]')::text FROM "
                                        "(SELECT a.id, %1 AS j FROM agent_requests a %2 ORDER BY a.id DESC "
                                        "LIMIT ?) x")
                             .arg(requestJsonSql(),
                                  openOnly ? QStringLiteral("WHERE a.closed_at IS NULL") : QString()),
                         {limit}))
        .array();
}

QJsonObject request(Db &db, qint64 id)
{
    const QVariant found = db.scalar(
        QStringLiteral("SELECT (%1)::text FROM agent_requests a WHERE a.id = ?")
            .arg(requestJsonSql(QStringLiteral(
                ", 'callouts', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'step', c.step, "
                "'channel', c.channel, 'event', c.event, 'recipient', c.recipient, 'pending', c.pending, "
                "'attempts', c.attempts, 'created_at', liftline_iso(c.created_at), 'sent_at', "
                "liftline_iso(c.sent_at), 'given_up_at', liftline_iso(c.given_up_at), 'last_error', "
                "c.last_error, 'reference', c.reference) ORDER BY c.id), '[]') FROM escalation_callouts c "
                "WHERE c.request_id = a.id)"))),
        {id});
    if (!found.isValid())
        throw DomainError(DomainError::Kind::NotFound, QStringLiteral("not_found"),
                          QStringLiteral("There is no request %1").arg(id));
    return parsed(found).object();
}

namespace {

QString requiredReason(const QString &reason)
{
    const QString trimmed = reason.trimmed();
    if (trimmed.isEmpty() || trimmed.size() > 500)
        throw DomainError(
            DomainError::Kind::Invalid, QStringLiteral("reason_required"),
            QStringLiteral("Give a reason (up to 500 characters): it is kept in the audit trail"));
    return trimmed;
}

QString validNumber(const QString &number)
{
    QString digits = number.trimmed();
    digits.remove(QLatin1Char('+'));
    digits.remove(QLatin1Char(' '));
    static const QRegularExpression pattern(QStringLiteral("^[1-9][0-9]{7,14}$"));
    if (!pattern.match(digits).hasMatch())
        throw DomainError(
            DomainError::Kind::Invalid, QStringLiteral("invalid_number"),
            QStringLiteral("The number is 8 to 15 digits in international form, such as 27821234567"));
    return digits;
}

} // namespace

void notEmergency(Db &db, qint64 id, const QString &rawReason, const Principal &who)
{
    const QString reason = requiredReason(rawReason);
    db.transaction([&] {
        // The ticket or message first, then the request: the order every writer of a ticket keeps.
        QSqlQuery &q = db.exec(QStringLiteral("SELECT ticket_id, unassigned_id FROM "
                                              "agent_requests WHERE id = ?"),
                               {id});
        if (!q.next())
            throw DomainError(DomainError::Kind::NotFound, QStringLiteral("not_found"),
                              QStringLiteral("There is no request %1").arg(id));
        const QVariant ticket = q.value(0), unassigned = q.value(1);
        q.finish();
        const QString actor = who.actorKey();
        if (!ticket.isNull())
            db.exec(
                QStringLiteral(
                    "UPDATE tickets SET acknowledged_at = now(), acknowledged_by = ?, "
                    "acknowledged_by_actor = ? WHERE id = ? AND agent_requested AND acknowledged_at IS NULL"),
                {who.displayName, actor, ticket});
        else
            db.exec(QStringLiteral("UPDATE chat_unassigned SET acknowledged_at = now(), acknowledged_by = ?, "
                                   "acknowledged_by_actor = ? WHERE id = ? AND acknowledged_at IS NULL"),
                    {who.displayName, actor, unassigned});
        const bool closed =
            db.scalar(
                  QStringLiteral("SELECT closed_at IS NOT NULL FROM agent_requests WHERE id = ? FOR UPDATE"),
                  {id})
                .toBool();
        if (closed)
            throw DomainError(DomainError::Kind::Conflict, QStringLiteral("request_closed"),
                              QStringLiteral("Request %1 is closed already").arg(id));
        db.exec(QStringLiteral("SELECT escalation_closed(?, 'not_emergency')"), {id});
        AuditLog::record(db, who, QStringLiteral("request.not_emergency"), ticket.toInt(),
                         {{QStringLiteral("request_id"), id}, {QStringLiteral("reason"), reason}});
    });
}

void reopen(Db &db, qint64 id, const QString &rawReason, const Principal &who)
{
    const QString reason = requiredReason(rawReason);
    db.transaction([&] {
        QSqlQuery &q =
            db.exec(QStringLiteral("SELECT ticket_id, unassigned_id FROM agent_requests WHERE id = ?"), {id});
        if (!q.next())
            throw DomainError(DomainError::Kind::NotFound, QStringLiteral("not_found"),
                              QStringLiteral("There is no request %1").arg(id));
        const QVariant ticket = q.value(0), unassigned = q.value(1);
        q.finish();
        // The ticket or message first, then the request: the order every writer of a ticket keeps.
        const bool open =
            ticket.isNull()
                ? db.scalar(
                        QStringLiteral("SELECT attached_ticket_id IS NULL FROM chat_unassigned WHERE id = ? "
                                       "FOR UPDATE"),
                        {unassigned})
                      .toBool()
                : db.scalar(
                        QStringLiteral("SELECT status = 'open' FROM tickets WHERE id = ? FOR NO KEY UPDATE"),
                        {ticket})
                      .toBool();
        QSqlQuery &r =
            db.exec(QStringLiteral("SELECT a.closed_reason IS NOT DISTINCT FROM 'not_emergency', "
                                   "EXISTS (SELECT 1 FROM agent_requests n WHERE n.id > a.id AND "
                                   "(n.ticket_id = a.ticket_id OR n.unassigned_id = a.unassigned_id)) "
                                   "FROM agent_requests a WHERE a.id = ? FOR UPDATE"),
                    {id});
        r.next();
        const bool notEmergency = r.value(0).toBool(), superseded = r.value(1).toBool();
        r.finish();
        if (!notEmergency)
            throw DomainError(
                DomainError::Kind::Conflict, QStringLiteral("not_closed_as_not_emergency"),
                QStringLiteral("Request %1 was not closed as not an emergency: there is nothing "
                               "to reverse")
                    .arg(id));
        if (superseded)
            throw DomainError(DomainError::Kind::Conflict, QStringLiteral("superseded"),
                              QStringLiteral("A newer request was raised after request %1: that one is the "
                                             "live one")
                                  .arg(id));
        if (!open)
            throw DomainError(DomainError::Kind::Conflict, QStringLiteral("ticket_resolved"),
                              ticket.isNull()
                                  ? QStringLiteral("The message of request %1 was attached to a ticket just "
                                                   "now: try again")
                                        .arg(id)
                                  : QStringLiteral("Ticket %1 is resolved: a request on it cannot wait again")
                                        .arg(ticket.toInt()));
        db.exec(QStringLiteral("SELECT escalation_reopened(?)"), {id});
        AuditLog::record(db, who, QStringLiteral("request.reopened"), ticket.toInt(),
                         {{QStringLiteral("request_id"), id},
                          {QStringLiteral("reason"), reason},
                          {QStringLiteral("was_closed_as"), QStringLiteral("not_emergency")}});
    });
}

void block(Db &db, const QString &rawNumber, const QString &rawReason, const Principal &who)
{
    const QString number = validNumber(rawNumber);
    const QString reason = requiredReason(rawReason);
    db.transaction([&] {
        db.exec(QStringLiteral("INSERT INTO blocked_numbers (number, reason, blocked_by) VALUES (?, ?, ?) "
                               "ON CONFLICT (number) DO UPDATE SET reason = excluded.reason, "
                               "blocked_by = excluded.blocked_by, blocked_at = now()"),
                {number, reason, who.displayName.isEmpty() ? who.actorKind() : who.displayName});
        AuditLog::record(db, who, QStringLiteral("number.blocked"), 0,
                         {{QStringLiteral("number"), number}, {QStringLiteral("reason"), reason}});
    });
}

void unblock(Db &db, const QString &rawNumber, const Principal &who)
{
    const QString number = validNumber(rawNumber);
    db.transaction([&] {
        const QVariant reason = db.scalar(
            QStringLiteral("DELETE FROM blocked_numbers WHERE number = ? RETURNING reason"), {number});
        if (!reason.isValid())
            throw DomainError(DomainError::Kind::NotFound, QStringLiteral("not_found"),
                              QStringLiteral("+%1 is not blocked").arg(number));
        AuditLog::record(
            db, who, QStringLiteral("number.unblocked"), 0,
            {{QStringLiteral("number"), number}, {QStringLiteral("was_blocked_for"), reason.toString()}});
    });
}

QJsonArray blocked(Db &db)
{
    return parsed(db.scalar(QStringLiteral(
                      "SELECT coalesce(jsonb_agg(jsonb_build_object('number', number, 'reason', reason, "
                      "'blocked_by', blocked_by, 'blocked_at', liftline_iso(blocked_at)) ORDER BY blocked_at "
                      "DESC), "
                      "'[]')::text FROM blocked_numbers")))
        .array();
}

namespace {

// Each request raised in the period with its figures (seconds; null until the moment comes), as the
// report lists them, in `r`; the statement continues with what is selected from it.
const char *reportRows =
    "WITH r AS (SELECT a.id, a.ticket_id, a.unassigned_id, t.ticket_reference, "
    "concat_ws(' - ', nullif(l.site_name, ''), nullif(l.building, '')) AS lift, a.from_number, "
    "liftline_iso(coalesce(a.received_at, a.requested_at)) AS received_at, "
    "liftline_iso(a.requested_at) AS requested_at, liftline_iso(a.alerted_at) AS alerted_at, "
    "liftline_iso(a.acknowledged_at) AS acknowledged_at, a.acknowledged_by, liftline_iso(a.replied_at) AS "
    "replied_at, "
    "round(extract(epoch FROM a.alerted_at - coalesce(a.received_at, a.requested_at))::numeric, 3) AS "
    "time_to_alert, "
    "round(extract(epoch FROM a.acknowledged_at - a.requested_at)::numeric, 3) AS time_to_acknowledge, "
    "round(extract(epoch FROM a.replied_at - a.requested_at)::numeric, 3) AS time_to_first_reply, "
    "coalesce((SELECT string_agg(CASE WHEN s.action = 'oncall' THEN 'oncall' || s.level ELSE s.action END, ' "
    "' "
    "ORDER BY s.step) FROM escalation_log s WHERE s.request_id = a.id), '') AS steps, "
    "a.acknowledged_at IS NULL AND a.replied_at IS NULL AS unanswered, a.closed_reason, a.oncall_withheld "
    "FROM agent_requests a LEFT JOIN tickets t ON t.id = a.ticket_id LEFT JOIN lifts l ON l.id = t.lift_id "
    "WHERE a.requested_at >= ?::timestamptz AND a.requested_at < ?::timestamptz) ";

// p50, p90 and max of one figure, and how many requests have it.
QString quantiles(const char *column)
{
    return QStringLiteral("jsonb_build_object('p50', round(percentile_cont(0.5) WITHIN GROUP (ORDER BY "
                          "%1)::numeric, 3), "
                          "'p90', round(percentile_cont(0.9) WITHIN GROUP (ORDER BY %1)::numeric, 3), "
                          "'max', max(%1), 'count', count(%1))")
        .arg(QLatin1String(column));
}

const QStringList csvColumns{QStringLiteral("id"),
                             QStringLiteral("ticket_id"),
                             QStringLiteral("unassigned_id"),
                             QStringLiteral("ticket_reference"),
                             QStringLiteral("lift"),
                             QStringLiteral("from_number"),
                             QStringLiteral("received_at"),
                             QStringLiteral("requested_at"),
                             QStringLiteral("alerted_at"),
                             QStringLiteral("acknowledged_at"),
                             QStringLiteral("acknowledged_by"),
                             QStringLiteral("replied_at"),
                             QStringLiteral("time_to_alert"),
                             QStringLiteral("time_to_acknowledge"),
                             QStringLiteral("time_to_first_reply"),
                             QStringLiteral("steps"),
                             QStringLiteral("unanswered"),
                             QStringLiteral("closed_reason"),
                             QStringLiteral("oncall_withheld")};

// One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break. A text that a
// spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe.
QString csvCell(const QJsonValue &v)
{
    QString text;
    if (v.isDouble() && v.toDouble() == double(qint64(v.toDouble())))
        text = QString::number(qint64(v.toDouble()));
    else if (v.isDouble())
        text = QString::number(v.toDouble(), 'f', 3);
    else if (v.isBool())
        text = v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    else if (!v.isNull() && !v.isUndefined())
        text = v.toVariant().toString();
    if (v.isString() && !text.isEmpty() && QStringLiteral("=+-@").contains(text.front()))
        text.prepend(QLatin1Char('\''));
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) ||
        text.contains(QLatin1Char('\n')) || text.contains(QLatin1Char('\r')))
        text = QLatin1Char('"') + text.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
    return text;
}

} // namespace

QJsonObject responseReport(Db &db, const QDateTime &from, const QDateTime &to, bool withRequests)
{
    const QString fromText = from.toUTC().toString(Qt::ISODateWithMs);
    const QString toText = to.toUTC().toString(Qt::ISODateWithMs);
    QSqlQuery &q = db.exec(
        QString::fromLatin1(reportRows) +
            QStringLiteral("SELECT jsonb_build_object('requests', count(*), "
                           "'acknowledged', count(*) FILTER (WHERE acknowledged_at IS NOT NULL), "
                           "'answered', count(*) FILTER (WHERE replied_at IS NOT NULL), "
                           "'unanswered', count(*) FILTER (WHERE unanswered), "
                           "'not_emergency', count(*) FILTER (WHERE closed_reason = 'not_emergency'), "
                           "'time_to_alert', %1, 'time_to_acknowledge', %2, 'time_to_first_reply', %3, "
                           "'escalations', (SELECT coalesce(jsonb_object_agg(k, n), '{}') FROM (SELECT CASE "
                           "WHEN s.action = "
                           "'oncall' THEN 'oncall' || s.level ELSE s.action END AS k, count(*) AS n FROM "
                           "escalation_log s "
                           "WHERE s.request_id IN (SELECT id FROM r) GROUP BY 1) e))::text, "
                           "%4::text FROM r")
                .arg(quantiles("time_to_alert"), quantiles("time_to_acknowledge"),
                     quantiles("time_to_first_reply"),
                     withRequests ? QStringLiteral("coalesce(jsonb_agg(to_jsonb(r) ORDER BY r.id), '[]')")
                                  : QStringLiteral("'[]'::jsonb")),
        {fromText, toText});
    QJsonObject report{{QStringLiteral("from"), fromText}, {QStringLiteral("to"), toText}};
    if (q.next()) {
        report.insert(QStringLiteral("summary"), parsed(q.value(0)).object());
        report.insert(QStringLiteral("requests"), parsed(q.value(1)).array());
    }
    q.finish();
    return report;
}

QByteArray responseCsv(const QJsonObject &report)
{
    QString out = csvColumns.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    const QJsonArray requests = report.value(QStringLiteral("requests")).toArray();
    for (const QJsonValue &v : requests) {
        const QJsonObject row = v.toObject();
        QStringList cells;
        for (const QString &c : csvColumns)
            cells << csvCell(row.value(c));
        out += cells.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    }
    return out.toUtf8();
}

bool parsePeriod(const QString &fromText, const QString &toText, QDateTime *from, QDateTime *to,
                 QString *error)
{
    const auto parse = [](const QString &text) {
        QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (!t.isValid()) {
            const QDate d = QDate::fromString(text, Qt::ISODate);
            if (d.isValid())
                t = d.startOfDay(QTimeZone::utc());
        }
        if (t.isValid() && t.timeSpec() == Qt::LocalTime)
            t.setTimeZone(QTimeZone::utc()); // a time without a zone is UTC, as everywhere in the API
        return t;
    };
    *to = toText.isEmpty() ? QDateTime::currentDateTimeUtc() : parse(toText);
    *from = fromText.isEmpty() ? to->addDays(-1) : parse(fromText);
    if (!from->isValid() || !to->isValid()) {
        *error = QStringLiteral("from and to are dates (2026-12-01) or times (2026-12-01T08:00:00Z)");
        return false;
    }
    if (*from >= *to || from->daysTo(*to) > 366) {
        *error = QStringLiteral("The period runs forward from 'from' to 'to', at most 366 days");
        return false;
    }
    return true;
}

} // namespace EscalationStore
