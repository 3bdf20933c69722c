#include "Retention.h"

#include "db/AuditChain.h"
#include "db/AuditLog.h"
#include "db/Db.h"
#include "db/DbError.h"
#include "domain/DomainError.h"
#include "domain/Principal.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSqlQuery>

#include <limits>

Q_LOGGING_CATEGORY(lcRetention, "liftline.retention")

namespace Retention {

namespace {

DomainError invalid(const QString &code, const QString &message)
{
    return DomainError(DomainError::Kind::Invalid, code, message);
}

QJsonObject parseObject(const QVariant &v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).object();
}

QJsonArray parseArray(const QVariant &v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).array();
}

// How many days a kind keeps at least: WhatsApp retries a webhook for up to 7 days, and a retry is
// recognised by the body's message ids.
int minimumDays(const QString &kind)
{
    return kind == QLatin1String("raw_bodies") ? 8 : 1;
}

// Calls a batch function (retention_purge_media and its kind) until it does less than a batch, or the
// server is stopping.
qint64 inBatches(Db &db, const QString &sql, const QVariantList &binds, int batch,
                 const std::function<bool()> &stopping)
{
    qint64 total = 0;
    for (;;) {
        const int n = db.transaction([&] { return db.scalar(sql, binds).toInt(); });
        total += n;
        if (n < batch || (stopping && stopping()))
            return total;
    }
}

} // namespace

const QStringList &kinds()
{
    static const QStringList all{QStringLiteral("transcripts"), QStringLiteral("media"),
                                 QStringLiteral("raw_bodies"), QStringLiteral("audit_trail")};
    return all;
}

QJsonObject policies(Db &db)
{
    return parseObject(db.scalar(QStringLiteral(
        "SELECT coalesce(json_object_agg(kind, keep_days), '{}')::text FROM retention_policies")));
}

QJsonObject setPolicies(Db &db, const QJsonObject &changes, const Principal &who)
{
    if (changes.isEmpty())
        throw invalid(QStringLiteral("invalid_retention"),
                      QStringLiteral("Name at least one kind: %1").arg(kinds().join(QStringLiteral(", "))));
    for (auto it = changes.begin(); it != changes.end(); ++it) {
        if (!kinds().contains(it.key()))
            throw invalid(QStringLiteral("invalid_retention"),
                          QStringLiteral("'%1' is not a kind of data: the kinds are %2")
                              .arg(it.key(), kinds().join(QStringLiteral(", "))));
        if (it->isNull())
            continue;
        const double days = it->toDouble(-1);
        if (!it->isDouble() || days != double(qint64(days)) || days < minimumDays(it.key()) || days > 36500)
            throw invalid(QStringLiteral("invalid_retention"),
                          it.key() == QLatin1String("raw_bodies")
                              ? QStringLiteral("raw_bodies is kept 8 to 36500 days, or null (forever): "
                                               "WhatsApp retries a webhook for up to 7 days, and a retry "
                                               "is recognised by its body")
                              : QStringLiteral("%1 is kept 1 to 36500 days (a whole number), or null "
                                               "(forever)")
                                    .arg(it.key()));
    }
    return db.transaction([&] {
        const QJsonObject before = policies(db);
        for (auto it = changes.begin(); it != changes.end(); ++it)
            db.exec(QStringLiteral("UPDATE retention_policies SET keep_days = ?, updated_at = now(), "
                                   "updated_by = ? WHERE kind = ?"),
                    {it->isNull() ? QVariant(QMetaType::fromType<int>()) : QVariant(it->toInt()),
                     who.actorName().isEmpty() ? who.actorKind() : who.actorName(), it.key()});
        const QJsonObject after = policies(db);
        AuditLog::record(db, who, QStringLiteral("retention.changed"), 0,
                         {{QStringLiteral("before"), before}, {QStringLiteral("after"), after}});
        return after;
    });
}

bool due(Db &db)
{
    return db
        .scalar(
            QStringLiteral("SELECT EXISTS (SELECT 1 FROM retention_policies WHERE keep_days IS NOT NULL) "
                           "AND NOT EXISTS (SELECT 1 FROM retention_runs WHERE started_by LIKE 'schedule%' "
                           "AND finished_at IS NOT NULL AND started_at > now() - interval '23 hours')"))
        .toBool();
}

Run run(Db &db, const QString &startedBy, const std::function<void(const QString &)> &progress,
        const std::function<bool()> &stopping)
{
    const auto tell = [&](const QString &text) {
        if (progress)
            progress(text);
    };
    Run r;
    // One run across instances: a session lock, tried; released on every way out.
    if (!db.scalar(QStringLiteral("SELECT pg_try_advisory_lock(hashtext('liftline.retention'))")).toBool()) {
        r.skipped = QStringLiteral("another instance is running the retention job");
        return r;
    }
    struct Unlock {
        Db &db;
        ~Unlock()
        {
            try {
                db.scalar(QStringLiteral("SELECT pg_advisory_unlock(hashtext('liftline.retention'))"));
            } catch (const DbError &) {
                // The connection went: PostgreSQL released the lock with it.
            }
        }
    } unlock{db};

    const QJsonObject periods = policies(db);
    const auto daysOf = [&](const char *kind) { return periods.value(QLatin1String(kind)); };
    // The facts a removal tombstones must be in the chain already.
    tell(QStringLiteral("Chaining what waits for the audit chain"));
    AuditChain::catchUp(db, std::numeric_limits<qint64>::max());

    r.id = db.scalar(QStringLiteral("INSERT INTO retention_runs (started_by, policies) VALUES (?, ?::jsonb) "
                                    "RETURNING id"),
                     {startedBy, QString::fromUtf8(QJsonDocument(periods).toJson(QJsonDocument::Compact))})
               .toLongLong();
    const auto cutoff = QStringLiteral("now() - make_interval(days => ?)");

    const auto stopped = [&] { return stopping && stopping(); };
    // Each phase on its own: one that fails (a statement, not the connection) is said in the run's record
    // and the others still run. A lost connection ends the run; its record then says it did not finish.
    const auto phase = [&](const QString &name, const std::function<void()> &work) {
        if (stopped()) {
            r.errors.append(QStringLiteral("%1: not run, the server was stopping").arg(name));
            return;
        }
        try {
            work();
        } catch (const DbError &e) {
            if (e.kind() == DbError::Kind::Unavailable)
                throw;
            r.errors.append(QStringLiteral("%1: %2").arg(name, e.message()));
        }
    };

    if (!daysOf("transcripts").isNull()) {
        const int days = daysOf("transcripts").toInt();
        phase(QStringLiteral("transcripts"), [&] {
            tell(QStringLiteral("Removing transcripts of tickets resolved more than %1 days ago").arg(days));
            qint64 tickets = 0, rows = 0;
            // Expired: resolved before the cutoff and still holding a transcript. The holds are read once.
            const QString expired =
                QStringLiteral(
                    "WITH held AS (SELECT retention_held_tickets() AS ids) "
                    "SELECT t.id, t.id = ANY (held.ids) FROM tickets t, held "
                    "WHERE t.resolved_at < %1 AND t.status <> 'open' AND (EXISTS (SELECT 1 FROM "
                    "chat_messages m WHERE m.ticket_id = t.id) OR EXISTS (SELECT 1 FROM incident_cards i "
                    "WHERE i.ticket_id = t.id) OR EXISTS (SELECT 1 FROM agent_requests q WHERE "
                    "q.ticket_id = t.id) OR EXISTS (SELECT 1 FROM chat_unassigned u WHERE "
                    "u.attached_ticket_id = t.id)) ORDER BY t.id")
                    .arg(cutoff);
            QList<int> remove;
            QSqlQuery q = db.execOnce(expired, {days});
            while (q.next()) {
                if (q.value(1).toBool())
                    ++r.held;
                else
                    remove.append(q.value(0).toInt());
            }
            for (const int ticket : std::as_const(remove)) {
                if (stopped()) {
                    r.errors.append(
                        QStringLiteral("transcripts: stopped with %1 ticket(s) left for the next run")
                            .arg(remove.size() - tickets));
                    break;
                }
                try {
                    rows += db.transaction([&] {
                        return db
                            .scalar(QStringLiteral("SELECT retention_remove_transcript(?, ?)"),
                                    {r.id, ticket})
                            .toLongLong();
                    });
                    ++tickets;
                } catch (const DbError &e) {
                    if (e.kind() == DbError::Kind::Unavailable)
                        throw;
                    r.errors.append(QStringLiteral("ticket %1: %2").arg(ticket).arg(e.message()));
                }
            }
            r.removed.insert(QStringLiteral("transcripts"), tickets);
            r.removed.insert(QStringLiteral("transcript_rows"), rows);
        });
        phase(QStringLiteral("unattached messages"), [&] {
            tell(QStringLiteral("Removing messages from numbers with no ticket, older than %1 days")
                     .arg(days));
            r.removed.insert(
                QStringLiteral("unattached_messages"),
                inBatches(db, QStringLiteral("SELECT retention_remove_unattached(?, %1, 500)").arg(cutoff),
                          {r.id, days}, 500, stopping));
        });
        phase(QStringLiteral("events"), [&] {
            tell(QStringLiteral("Dropping the event stream's copies older than %1 days").arg(days));
            r.removed.insert(QStringLiteral("events"),
                             inBatches(db,
                                       QStringLiteral("SELECT retention_prune_events(%1, 10000)").arg(cutoff),
                                       {days}, 10000, stopping));
        });
    }
    if (!daysOf("media").isNull())
        phase(QStringLiteral("media"), [&] {
            tell(QStringLiteral("Dropping the bytes of files older than %1 days")
                     .arg(daysOf("media").toInt()));
            r.removed.insert(QStringLiteral("media"),
                             inBatches(db,
                                       QStringLiteral("SELECT retention_purge_media(?, %1, 200)").arg(cutoff),
                                       {r.id, daysOf("media").toInt()}, 200, stopping));
        });
    if (!daysOf("raw_bodies").isNull())
        phase(QStringLiteral("raw_bodies"), [&] {
            tell(QStringLiteral("Emptying webhook bodies older than %1 days")
                     .arg(daysOf("raw_bodies").toInt()));
            r.removed.insert(QStringLiteral("raw_bodies"),
                             inBatches(db,
                                       QStringLiteral("SELECT retention_purge_raw(?, %1, 2000)").arg(cutoff),
                                       {r.id, qMax(8, daysOf("raw_bodies").toInt())}, 2000, stopping));
        });
    if (!daysOf("audit_trail").isNull())
        phase(QStringLiteral("audit_trail"), [&] {
            tell(QStringLiteral("Removing audited actions older than %1 days")
                     .arg(daysOf("audit_trail").toInt()));
            // The actions' entries must be chained before they can be tombstoned: those written since the
            // catch-up above wait for the next run.
            AuditChain::catchUp(db, std::numeric_limits<qint64>::max());
            r.removed.insert(
                QStringLiteral("audit_trail"),
                inBatches(db, QStringLiteral("SELECT retention_remove_audit_trail(?, %1, 5000)").arg(cutoff),
                          {r.id, daysOf("audit_trail").toInt()}, 5000, stopping));
        });

    const QString removed = QString::fromUtf8(QJsonDocument(r.removed).toJson(QJsonDocument::Compact));
    db.transaction([&] {
        db.exec(QStringLiteral("UPDATE retention_runs SET finished_at = now(), removed = ?::jsonb, held = ?, "
                               "error = ? WHERE id = ?"),
                {removed, r.held,
                 r.errors.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                    : QVariant(r.errors.join(QLatin1Char('\n'))),
                 r.id});
        QJsonObject details{{QStringLiteral("run"), r.id},
                            {QStringLiteral("started_by"), startedBy},
                            {QStringLiteral("policies"), periods},
                            {QStringLiteral("removed"), r.removed},
                            {QStringLiteral("held"), r.held}};
        if (!r.errors.isEmpty())
            details.insert(QStringLiteral("errors"), QJsonArray::fromStringList(r.errors));
        Principal system;
        system.kind = Principal::Kind::System;
        AuditLog::record(db, system, QStringLiteral("retention.run"), 0, details);
    });
    qCInfo(lcRetention).noquote() << "Retention run" << r.id << "by" << startedBy << "removed" << removed
                                  << "kept" << r.held << "held transcript(s)"
                                  << (r.errors.isEmpty() ? QString()
                                                         : QStringLiteral("; %1 failed: %2")
                                                               .arg(r.errors.size())
                                                               .arg(r.errors.join(QStringLiteral("; "))));
    return r;
}

QJsonArray runs(Db &db, int limit)
{
    return parseArray(db.scalar(
        QStringLiteral(
            "SELECT coalesce(json_agg(json_build_object('id', id, 'started_at', liftline_iso(started_at), "
            "'finished_at', liftline_iso(finished_at), 'started_by', started_by, 'policies', policies, "
            "'removed', removed, 'held', held, 'error', error) ORDER BY id DESC), '[]')::text "
            "FROM (SELECT * FROM retention_runs ORDER BY id DESC LIMIT ?) r"),
        {limit}));
}

namespace {

const QString holdJson = QStringLiteral(
    "json_build_object('id', h.id, 'scope', h.scope, 'ticket_id', h.ticket_id, 'number', h.number, "
    "'reason', h.reason, 'set_by', h.set_by, 'set_at', liftline_iso(h.set_at), 'released_by', h.released_by, "
    "'released_at', liftline_iso(h.released_at), 'release_reason', h.release_reason)");

QString actorOf(const Principal &who)
{
    return who.actorName().isEmpty() ? who.actorKind() : who.actorName();
}

} // namespace

QJsonObject addHold(Db &db, const QString &scope, const QString &target, const QString &reason,
                    const Principal &who)
{
    if (reason.trimmed().isEmpty())
        throw invalid(QStringLiteral("invalid_hold"),
                      QStringLiteral("A legal hold needs a reason (the case, the request, who asked)"));
    if (reason.size() > 2000)
        throw invalid(QStringLiteral("invalid_hold"),
                      QStringLiteral("The reason is at most 2000 characters"));
    QVariant ticket(QMetaType::fromType<int>());
    QVariant number(QMetaType::fromType<QString>());
    if (scope == QLatin1String("ticket")) {
        bool ok = false;
        const int id = target.trimmed().toInt(&ok);
        if (!ok || id <= 0)
            throw invalid(QStringLiteral("invalid_hold"),
                          QStringLiteral("'%1' is not a ticket id").arg(target.left(40)));
        if (!db.scalar(QStringLiteral("SELECT EXISTS (SELECT 1 FROM tickets WHERE id = ?)"), {id}).toBool())
            throw DomainError(DomainError::Kind::NotFound, QStringLiteral("ticket_not_found"),
                              QStringLiteral("There is no ticket %1").arg(id));
        ticket = id;
    } else if (scope == QLatin1String("lift") || scope == QLatin1String("technician")) {
        QString digits = target;
        digits.remove(QRegularExpression(QStringLiteral("[\\s+().-]")));
        if (!QRegularExpression(QStringLiteral("^[0-9]{6,15}$")).match(digits).hasMatch())
            throw invalid(QStringLiteral("invalid_hold"),
                          QStringLiteral("'%1' is not a phone number: international digits, such as "
                                         "+27 71 000 0002")
                              .arg(target.left(40)));
        number = digits;
    } else {
        throw invalid(
            QStringLiteral("invalid_hold"),
            QStringLiteral("A hold is on a ticket, a lift or a technician, not '%1'").arg(scope.left(40)));
    }
    return db.transaction([&] {
        const QJsonObject hold = parseObject(db.scalar(
            QStringLiteral("WITH h AS (INSERT INTO legal_holds (scope, ticket_id, number, reason, set_by) "
                           "VALUES (?, ?, ?, ?, ?) RETURNING *) SELECT %1::text FROM h")
                .arg(holdJson),
            {scope, ticket, number, reason.trimmed(), actorOf(who)}));
        AuditLog::record(db, who, QStringLiteral("hold.set"), ticket.isNull() ? 0 : ticket.toInt(), hold);
        return hold;
    });
}

QJsonObject releaseHold(Db &db, qint64 id, const QString &reason, const Principal &who)
{
    if (reason.trimmed().isEmpty())
        throw invalid(QStringLiteral("invalid_hold"),
                      QStringLiteral("Releasing a legal hold needs a reason (the case closed, who decided)"));
    return db.transaction([&] {
        const QVariant state = db.scalar(
            QStringLiteral("SELECT released_at IS NOT NULL FROM legal_holds WHERE id = ? FOR UPDATE"), {id});
        if (!state.isValid())
            throw DomainError(DomainError::Kind::NotFound, QStringLiteral("hold_not_found"),
                              QStringLiteral("There is no legal hold %1").arg(id));
        if (state.toBool())
            throw DomainError(DomainError::Kind::Conflict, QStringLiteral("hold_released"),
                              QStringLiteral("Legal hold %1 was released already").arg(id));
        const QJsonObject hold = parseObject(db.scalar(
            QStringLiteral("WITH h AS (UPDATE legal_holds SET released_by = ?, released_at = now(), "
                           "release_reason = ? WHERE id = ? RETURNING *) SELECT %1::text FROM h")
                .arg(holdJson),
            {actorOf(who), reason.trimmed(), id}));
        AuditLog::record(db, who, QStringLiteral("hold.released"),
                         hold.value(QStringLiteral("ticket_id")).toInt(), hold);
        return hold;
    });
}

QJsonArray holds(Db &db, bool all)
{
    return parseArray(db.scalar(
        QStringLiteral("SELECT coalesce(json_agg(%1 ORDER BY h.id DESC), '[]')::text FROM legal_holds h "
                       "WHERE ? OR h.released_at IS NULL")
            .arg(holdJson),
        {all}));
}

} // namespace Retention
