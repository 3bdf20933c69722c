#include "Migrator.h"

#include "Db.h"
#include "base/Logging.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QSqlQuery>
#include <QThread>

#include <algorithm>

namespace {

const QString lockKey = QStringLiteral("hashtext('liftline.migrations')");

// Files rewritten after some databases had applied them (for the in-place upgrade of the original
// system's database); those databases keep what the earlier text did, and the later files converge both.
// Their earlier checksums are known, so that only a change nobody planned is reported.
bool isKnownEarlierText(int version, const QString &checksum)
{
    static const QHash<int, QString> earlier{
        {1, QStringLiteral("0971ca3c4252a1ba1746582af0901df181a3a88e0e418bba074d6dcc83381bc5")},
        {2, QStringLiteral("63db4ac13e0568772d850da13ab73a5c2e59ce49cbb039ecd5b713fbf126de96")},
        {3, QStringLiteral("838cf3b5c92f6d8dec80455db48d849000310eeadde4c4047760dada7b1d4240")},
        {5, QStringLiteral("a3eb5f4cb2619cb54d4d44f8af48284f3170067575bf01c40f3d64d43431d166")},
    };
    return earlier.value(version) == checksum;
}

QString leadingComment(const QString &sql)
{
    QStringList lines;
    const QStringList all = sql.split(QLatin1Char('\n'));
    for (const QString &line : all) {
        if (!line.startsWith(QLatin1String("--")) || line.startsWith(QLatin1String("-- liftline:")))
            break;
        lines << line.mid(2).trimmed();
    }
    return lines.join(QLatin1Char(' ')).trimmed();
}

QString describe(const Migrator::Migration &m, const Migrator::Step &step, int index)
{
    return QStringLiteral("%1, step %2 of %3%4")
        .arg(m.name)
        .arg(index + 1)
        .arg(m.steps.size())
        .arg(step.description.isEmpty() ? QString() : QStringLiteral(" (") + step.description + u')');
}

// A concurrent index build that failed leaves an invalid index behind, which IF NOT EXISTS would then
// keep for good: drop it first, so the build runs again.
void dropInvalidIndex(Db &db, const QString &statement)
{
    static const QRegularExpression cic(
        QStringLiteral("^CREATE\\s+(UNIQUE\\s+)?INDEX\\s+CONCURRENTLY\\s+IF\\s+NOT\\s+EXISTS\\s+(\\w+)"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = cic.match(statement);
    if (!match.hasMatch())
        return;
    const QString name = match.captured(2);
    const bool invalid =
        db.scalar(QStringLiteral("SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                                 "WHERE c.relname = ? AND c.relnamespace = current_schema()::regnamespace "
                                 "AND NOT i.indisvalid"),
                  {name})
            .isValid();
    if (invalid) {
        qCInfo(lcDb).noquote() << "Index" << name
                               << "was left unfinished by an earlier run; building it again";
        db.execOnce(QStringLiteral("DROP INDEX CONCURRENTLY IF EXISTS %1").arg(name));
    }
}

// Sessions whose open transactions would make a step wait, for the message of a step that gave way.
QString longTransactions(Db &db)
{
    return db
        .scalar(QStringLiteral(
            "SELECT string_agg(format('pid %s (%s, %s, open for %s s: %s)', pid, usename, "
            "coalesce(nullif(application_name, ''), 'no name'), extract(epoch FROM now() - xact_start)::int, "
            "left(regexp_replace(query, '\\s+', ' ', 'g'), 60)), '; ') FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start < now() - "
            "interval '1 second'"))
        .toString();
}

} // namespace

QList<Migrator::Step> Migrator::parseSteps(const QString &sql)
{
    static const QRegularExpression marker(
        QStringLiteral("^-- liftline:step (transaction|no-transaction|check)(?::\\s*(.*))?$"));
    QList<Step> steps;
    Step current;
    QStringList lines;
    auto flush = [&] {
        current.sql = lines.join(QLatin1Char('\n'));
        if (!Db::splitStatements(current.sql).isEmpty())
            steps << current;
        lines.clear();
    };
    static const QRegularExpression cost(
        QStringLiteral("^-- liftline:cost(?: message=([0-9.e-]+))?(?: ticket=([0-9.e-]+))?$"));
    const QStringList all = sql.split(QLatin1Char('\n'));
    for (const QString &line : all) {
        const QRegularExpressionMatch c = cost.match(line.trimmed());
        if (c.hasMatch()) {
            current.costPerMessage = c.captured(1).toDouble();
            current.costPerTicket = c.captured(2).toDouble();
            continue;
        }
        const QRegularExpressionMatch m = marker.match(line.trimmed());
        if (!m.hasMatch()) {
            lines << line;
            continue;
        }
        flush();
        current = Step();
        const QString kind = m.captured(1);
        current.kind = kind == QLatin1String("check")            ? StepKind::Check
                       : kind == QLatin1String("no-transaction") ? StepKind::NoTransaction
                                                                 : StepKind::Transaction;
        current.description = m.captured(2).trimmed();
    }
    flush();
    return steps;
}

QList<Migrator::Migration> Migrator::available()
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d{3})_([a-z0-9_]+)\\.sql$"));
    QList<Migration> result;
    const QStringList files =
        QDir(QStringLiteral(":/sql")).entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    for (const QString &file : files) {
        const auto match = pattern.match(file);
        if (!match.hasMatch())
            continue;
        QFile f(QStringLiteral(":/sql/") + file);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        Migration m;
        m.version = match.captured(1).toInt();
        m.name = file;
        const QByteArray bytes = f.readAll();
        m.sql = QString::fromUtf8(bytes);
        m.checksum = QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
        m.summary = leadingComment(m.sql);
        m.steps = parseSteps(m.sql);
        result << m;
    }
    return result;
}

int Migrator::latestVersion()
{
    const QList<Migration> all = available();
    return all.isEmpty() ? 0 : all.last().version;
}

static const char *const createTable = "CREATE TABLE IF NOT EXISTS liftline_migrations ("
                                       " version integer PRIMARY KEY,"
                                       " name text NOT NULL,"
                                       " checksum text NOT NULL,"
                                       " applied_at timestamptz NOT NULL DEFAULT now())";

int Migrator::appliedVersion(Db &db)
{
    const QVariant exists =
        db.scalar(QStringLiteral("SELECT to_regclass('liftline_migrations') IS NOT NULL"));
    if (!exists.toBool())
        return 0;
    return db.scalar(QStringLiteral("SELECT coalesce(max(version), 0) FROM liftline_migrations")).toInt();
}

QStringList Migrator::migrate(Db &db, const Options &options)
{
    const auto progress = [&](const QString &text) {
        if (options.progress)
            options.progress(text);
        else
            qCInfo(lcDb).noquote() << text;
    };
    QStringList applied;
    const QList<Migration> migrations = available();

    // Long steps must not be cut short by a statement_timeout the database may set for its users.
    db.execOnce(QStringLiteral("SET statement_timeout = 0"));
    db.execOnce(QStringLiteral("SET lock_timeout = 0"));
    // One server migrates at a time; the others wait here, then find everything applied.
    db.execOnce(QStringLiteral("SELECT pg_advisory_lock(%1)").arg(lockKey));
    struct Unlock {
        Db &db;
        ~Unlock()
        {
            try {
                if (db.isOpen())
                    db.execOnce(QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(lockKey));
            } catch (const DbError &) {
                // The connection went away, and the lock with it.
            }
        }
    } unlock{db};

    db.execOnce(QString::fromLatin1(createTable));
    const int newest = appliedVersion(db);
    if (!migrations.isEmpty() && newest > migrations.last().version)
        throw DbError(
            DbError::Kind::Statement,
            QStringLiteral("This database was migrated by a newer liftline-server (schema version %1, "
                           "this server knows %2): run the newer server")
                .arg(newest)
                .arg(migrations.last().version));

    for (const Migration &m : migrations) {
        const QVariant recorded = db.scalar(
            QStringLiteral("SELECT checksum FROM liftline_migrations WHERE version = ?"), {m.version});
        if (recorded.isValid()) {
            const QString checksum = recorded.toString();
            if (checksum != m.checksum && !isKnownEarlierText(m.version, checksum))
                qCInfo(lcDb) << "migration" << m.name << "changed since it was applied; not applied again";
            continue;
        }
        QElapsedTimer whole;
        whole.start();
        for (int i = 0; i < m.steps.size(); ++i) {
            const Step &step = m.steps.at(i);
            const QString what = describe(m, step, i);
            QElapsedTimer timer;
            timer.start();
            try {
                switch (step.kind) {
                case StepKind::Check:
                    db.transaction([&] {
                        db.execOnce(QStringLiteral("SET TRANSACTION READ ONLY"));
                        db.execScript(step.sql);
                    });
                    break;
                case StepKind::Transaction:
                    for (int attempt = 0;; ++attempt) {
                        try {
                            db.transaction([&] {
                                db.execOnce(
                                    QStringLiteral("SET LOCAL lock_timeout = %1").arg(options.lockTimeoutMs));
                                db.execScript(step.sql);
                            });
                            break;
                        } catch (const DbError &e) {
                            // 55P03: a lock was not granted in time. Waiting longer in the queue would hold
                            // every writer of that table behind this step, so give way and come back. 40P01:
                            // this step was chosen to break a deadlock, which nothing has changed yet.
                            const bool gaveWay = e.sqlState() == QLatin1String("55P03") ||
                                                 e.sqlState() == QLatin1String("40P01");
                            if (!gaveWay || attempt >= options.lockRetries)
                                throw;
                            const QString holders = longTransactions(db);
                            qCWarning(lcDb).noquote()
                                << what << "waited" << options.lockTimeoutMs << "ms for a lock and gave way;"
                                << "trying again in a second"
                                << (holders.isEmpty()
                                        ? QString()
                                        : QStringLiteral("(open transactions: %1)").arg(holders));
                            QThread::msleep(1000);
                        }
                    }
                    break;
                case StepKind::NoTransaction: {
                    const QStringList statements = Db::splitStatements(step.sql);
                    for (const QString &statement : statements) {
                        dropInvalidIndex(db, statement);
                        db.execOnce(statement);
                    }
                    break;
                }
                }
            } catch (const DbError &e) {
                throw DbError(e.kind(),
                              QStringLiteral("Migration %1 failed: %2")
                                  .arg(m.steps.size() > 1 ? what : m.name, e.message()),
                              e.sqlState());
            }
            if (timer.elapsed() > 1000)
                progress(
                    QStringLiteral("%1 done in %2 s").arg(what).arg(timer.elapsed() / 1000.0, 0, 'f', 1));
        }
        db.execOnce(
            QStringLiteral("INSERT INTO liftline_migrations (version, name, checksum) VALUES (?, ?, ?)"),
            {m.version, m.name, m.checksum});
        applied << m.name;
        if (whole.elapsed() > 1000)
            progress(
                QStringLiteral("Applied %1 in %2 s").arg(m.name).arg(whole.elapsed() / 1000.0, 0, 'f', 1));
    }
    return applied;
}

QString Migrator::Plan::text() const
{
    QString out;
    if (pending.isEmpty()) {
        out += QStringLiteral("The database is up to date: nothing to apply.\n");
    } else {
        out += QStringLiteral("%1 migration(s) to apply:\n").arg(pending.size());
        for (const QString &p : pending)
            out += QStringLiteral("  - ") + p + u'\n';
    }
    if (!notes.isEmpty()) {
        out += QStringLiteral("What this database holds:\n");
        for (const QString &n : notes)
            out += QStringLiteral("  - ") + n + u'\n';
    }
    if (!pending.isEmpty())
        out += QStringLiteral("Expected time: about %1 s (estimated from the table sizes; the original "
                              "server can keep writing meanwhile).\n")
                   .arg(qMax(1.0, estimatedSeconds), 0, 'f', 0);
    if (obstacles.isEmpty()) {
        out += QStringLiteral("Nothing is in the way: 'liftline-server migrate' can run.\n");
    } else {
        out += QStringLiteral("In the way (fix these first, then check again):\n");
        for (const QString &o : obstacles)
            out += QStringLiteral("  - ") + o + u'\n';
    }
    return out;
}

Migrator::Plan Migrator::check(Db &db)
{
    Plan plan;
    const QList<Migration> migrations = available();
    db.transaction([&] {
        db.execOnce(QStringLiteral("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
        const int serverVersion =
            db.scalar(QStringLiteral("SELECT current_setting('server_version_num')::int")).toInt();
        if (serverVersion < 130000)
            plan.obstacles
                << QStringLiteral("PostgreSQL %1 is too old: Liftline needs version 13 or newer")
                       .arg(db.scalar(QStringLiteral("SELECT current_setting('server_version')")).toString());

        QSet<int> applied;
        if (db.scalar(QStringLiteral("SELECT to_regclass('liftline_migrations') IS NOT NULL")).toBool()) {
            QSqlQuery q = db.execOnce(QStringLiteral("SELECT version FROM liftline_migrations"));
            while (q.next())
                applied.insert(q.value(0).toInt());
        }
        if (!migrations.isEmpty() && !applied.isEmpty() &&
            *std::max_element(applied.begin(), applied.end()) > migrations.last().version)
            plan.obstacles << QStringLiteral("This database was migrated by a newer liftline-server: run the "
                                             "newer server");

        auto count = [&](const QString &table, const QString &where = QString()) -> qint64 {
            if (!db.scalar(QStringLiteral("SELECT to_regclass(?) IS NOT NULL"), {table}).toBool())
                return 0;
            return db
                .scalar(QStringLiteral("SELECT count(*) FROM %1%2")
                            .arg(table, where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where))
                .toLongLong();
        };
        const qint64 messages = count(QStringLiteral("chat_messages"));
        const qint64 tickets = count(QStringLiteral("tickets"));
        const bool original =
            db.scalar(QStringLiteral("SELECT to_regclass('chat_messages') IS NOT NULL")).toBool() &&
            !db.scalar(QStringLiteral("SELECT 1 FROM information_schema.columns WHERE table_schema = "
                                      "current_schema() AND table_name = 'chat_messages' AND column_name = "
                                      "'wa_message_id'"))
                 .isValid();
        if (original) {
            const qint64 replies =
                count(QStringLiteral("chat_messages"), QStringLiteral("direction = 'outbound'"));
            const qint64 requests = count(QStringLiteral("tickets"),
                                          QStringLiteral("agent_requested IS TRUE AND status = 'open'"));
            plan.notes
                << QStringLiteral(
                       "the original chat add-on's transcript: %1 messages (%2 replies) on %3 tickets. It "
                       "is changed in place, without rewriting it: numbers and agent names become text, "
                       "ON DELETE CASCADE from tickets becomes RESTRICT, replies are marked 'sent', "
                       "and every ticket gets its counts, last message and unread count")
                       .arg(messages)
                       .arg(replies)
                       .arg(tickets);
            if (requests > 0)
                plan.notes << QStringLiteral(
                                  "%1 open ticket(s) carry the add-on's agent request: each is dated "
                                  "and counts as taken by the first reply after it; those without "
                                  "a reply alert on every console once Liftline runs")
                                  .arg(requests);
        } else if (messages > 0 || tickets > 0) {
            plan.notes << QStringLiteral("%1 tickets and %2 chat messages").arg(tickets).arg(messages);
        } else {
            plan.notes << QStringLiteral("no tickets or chat messages yet");
        }
        const QString waiting = longTransactions(db);
        if (!waiting.isEmpty())
            plan.notes << QStringLiteral(
                              "open transactions the upgrade may wait for (it gives way rather than "
                              "block their writes): ") +
                              waiting;

        for (const Migration &m : migrations) {
            if (applied.contains(m.version))
                continue;
            // The summary's first sentence; the file says the rest.
            const qsizetype end = m.summary.indexOf(QLatin1String(". "));
            plan.pending << m.name + QStringLiteral(": ") + (end < 0 ? m.summary : m.summary.left(end + 1));
            for (const Step &step : m.steps) {
                plan.estimatedSeconds +=
                    step.costPerMessage * double(messages) + step.costPerTicket * double(tickets) + 0.01;
                if (step.kind != StepKind::Check)
                    continue;
                // Every obstacle, not only the first: each statement in a savepoint of its own.
                const QStringList statements = Db::splitStatements(step.sql);
                for (const QString &statement : statements) {
                    db.execOnce(QStringLiteral("SAVEPOINT liftline_check"));
                    try {
                        db.execOnce(statement);
                        db.execOnce(QStringLiteral("RELEASE SAVEPOINT liftline_check"));
                    } catch (const DbError &e) {
                        if (e.kind() == DbError::Kind::Unavailable)
                            throw;
                        db.execOnce(QStringLiteral("ROLLBACK TO SAVEPOINT liftline_check"));
                        plan.obstacles << QStringLiteral("%1: %2").arg(m.name, e.message());
                    }
                }
            }
        }
    });
    return plan;
}
