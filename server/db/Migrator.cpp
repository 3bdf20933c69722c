#include "Migrator.h"

#include "Db.h"
#include "base/Logging.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QThread>

#include <optional>

#include <algorithm>

namespace {

const QString lockKey = QStringLiteral("hashtext('liftline.migrations')");

// Earlier texts of numbered files, each of which was on the project's main line (git log -- sql/NNN_*.sql)
// before the file was rewritten: 001-005 for the in-place upgrade of the original system's database, the
// others while their issue was worked. A database that applied one keeps what that text did; it is
// accepted and logged. Any other difference from the file is refused (changedFileMessage).
bool isShippedEarlierText(int version, const QString &checksum)
{
    static const QMultiHash<int, QString> earlier{
        {1, QStringLiteral("0971ca3c4252a1ba1746582af0901df181a3a88e0e418bba074d6dcc83381bc5")},
        {2, QStringLiteral("53212ea2243aa12742ffa5422db3a42c172004894faf11c2f5bd088100052b76")},
        {2, QStringLiteral("63db4ac13e0568772d850da13ab73a5c2e59ce49cbb039ecd5b713fbf126de96")},
        {3, QStringLiteral("10c07af42abc07211fdaeb649f92dd96e948fc2457dc85adedfac8984d523e97")},
        {3, QStringLiteral("838cf3b5c92f6d8dec80455db48d849000310eeadde4c4047760dada7b1d4240")},
        {3, QStringLiteral("8f74efca61c1719445ce4ad16068d3f2299283ed4574fa920ac382155884c102")},
        {4, QStringLiteral("ebdffe5e618b51e31e812c80bbb4db6be9fa4302ec2d9a95e1cfff0dea8ca292")},
        {5, QStringLiteral("a3eb5f4cb2619cb54d4d44f8af48284f3170067575bf01c40f3d64d43431d166")},
        {6, QStringLiteral("5f45a18668d0c4b540e9f8fdb6e6cb9b39d6ceab9c31e32b7f51d0086f236076")},
        {6, QStringLiteral("cc0cda7c61539f35956215dae02054c8f68283356d0c37a8cac797f4585ffa5d")},
        {10, QStringLiteral("7b6fdd915972a7112469c2522162ca6cf9282379d83b49aa5e9f351705940d5b")},
        {11, QStringLiteral("006497eaeb6a7a7f98f83c974f113299be322fb3b93d7488552e330fb6ff7f4b")},
        {12, QStringLiteral("c73a0741a3fdd72f9f976fa3ad75c19feba4e0955e07d026cc7d5a456d181f7d")},
        {13, QStringLiteral("c049f6b12d9f7e904b075ab389279c15df63e086cb4debfb046a64b96c8f899b")},
        // 013 before the original add-on's messages locked their conversations in ticket order, and 014
        // and 017 before their batches gave way to the original server's writes.
        {13, QStringLiteral("6412f359377bd44412a757864a1f636ee2c4d3f12a44d125bed448b0ae5ddc57")},
        {14, QStringLiteral("59b58f251760d5696aeea5fba104825ccbc7c904c730d139fba0422acd2d0502")},
        {17, QStringLiteral("694e4182041cbb9cd642b8384f61cb416fb9e2554f391c0c19ee75c27ee3785f")},
        {17, QStringLiteral("877547eb6a02ee62103d6ed9e45bd25be5457f8757444b2f4cefa25348259824")},
        {17, QStringLiteral("e0db3a76b0367c3468f7e9ed78c4a24d54600f7c4dbae30459b83ae0e507bdc9")},
        {17, QStringLiteral("7666f25970f6a4baf0a39a005b9cfe93bcc4abb452ccd478dd7d9430160a531d")},
    };
    return earlier.contains(version, checksum);
}

QString checksumOf(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

// Why the server will not start on this database, and what to do about it.
QString changedFileMessage(const Migrator::Migration &m, const QString &recorded)
{
    return QStringLiteral(
               "Migration %1 has changed since this database applied it (checksum recorded %2, file %3). "
               "An applied migration must never change, or databases migrated before and after the change "
               "would differ without anyone knowing. Restore the file as it was released and put the change "
               "in a new numbered file (a change of a SQL function goes in its file in sql/functions/).")
        .arg(m.name, recorded.left(12), m.checksum.left(12));
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
        m.checksum = checksumOf(bytes);
        m.summary = leadingComment(m.sql);
        m.steps = parseSteps(m.sql);
        result << m;
    }
    return result;
}

QList<Migrator::Function> Migrator::functions()
{
    static const QRegularExpression pattern(QStringLiteral("^([a-z_][a-z0-9_]*)\\.sql$"));
    QList<Function> result;
    const QString folder = QStringLiteral(":/sql/functions/");
    const QStringList files = QDir(folder).entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    for (const QString &file : files) {
        const auto match = pattern.match(file);
        QFile f(folder + file);
        if (!match.hasMatch() || !f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray bytes = f.readAll();
        result << Function{match.captured(1), QString::fromUtf8(bytes), checksumOf(bytes)};
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
// The function files applied, each with the checksum of the text that was applied.
static const char *const createFunctionsTable = "CREATE TABLE IF NOT EXISTS liftline_functions ("
                                                " name text PRIMARY KEY,"
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

namespace {

// 55P03: a lock was not granted in time. Waiting longer in the queue would hold every writer of that table
// behind this step, so give way and come back. 40P01: this step was chosen to break a deadlock, which
// nothing has changed yet.
bool gaveWay(const DbError &e)
{
    return e.sqlState() == QLatin1String("55P03") || e.sqlState() == QLatin1String("40P01");
}

// Runs work in a transaction that waits at most options.lockTimeoutMs for each lock and, when it gave
// way, is tried again a second later, up to options.lockRetries times.
template<class F>
void givingWay(Db &db, const Migrator::Options &options, const QString &what, F &&work)
{
    for (int attempt = 0;; ++attempt) {
        try {
            db.transaction([&] {
                db.execOnce(QStringLiteral("SET LOCAL lock_timeout = %1").arg(options.lockTimeoutMs));
                work();
            });
            return;
        } catch (const DbError &e) {
            if (!gaveWay(e) || attempt >= options.lockRetries)
                throw;
            const QString holders = longTransactions(db);
            qCWarning(lcDb).noquote()
                << what << "waited" << options.lockTimeoutMs << "ms for a lock and gave way;"
                << "trying again in a second"
                << (holders.isEmpty() ? QString() : QStringLiteral("(open transactions: %1)").arg(holders));
            QThread::msleep(1000);
        }
    }
}

void runStep(Db &db, const Migrator::Step &step, const QString &what, const Migrator::Options &options)
{
    switch (step.kind) {
    case Migrator::StepKind::Check:
        db.transaction([&] {
            db.execOnce(QStringLiteral("SET TRANSACTION READ ONLY"));
            db.execScript(step.sql);
        });
        break;
    case Migrator::StepKind::Transaction:
        givingWay(db, options, what, [&] { db.execScript(step.sql); });
        break;
    case Migrator::StepKind::NoTransaction:
        // One statement at a time, each its own transaction: CREATE INDEX CONCURRENTLY refuses to run in a
        // string of several statements, which PostgreSQL runs as one transaction.
        for (const QString &statement : Db::splitStatements(step.sql)) {
            dropInvalidIndex(db, statement);
            db.execScript(statement);
        }
        break;
    }
}

// The checksum recorded for each applied numbered file (by version) or function file (by name); empty while
// the table does not exist.
template<class Key>
QHash<Key, QString> recordedChecksums(Db &db, const QString &table, const QString &key)
{
    QHash<Key, QString> recorded;
    if (!db.scalar(QStringLiteral("SELECT to_regclass(?) IS NOT NULL"), {table}).toBool())
        return recorded;
    QSqlQuery q = db.execOnce(QStringLiteral("SELECT %1, checksum FROM %2").arg(key, table));
    while (q.next())
        recorded.insert(q.value(0).value<Key>(), q.value(1).toString());
    return recorded;
}

QHash<int, QString> recordedMigrations(Db &db)
{
    return recordedChecksums<int>(db, QStringLiteral("liftline_migrations"), QStringLiteral("version"));
}

QHash<QString, QString> recordedFunctions(Db &db)
{
    return recordedChecksums<QString>(db, QStringLiteral("liftline_functions"), QStringLiteral("name"));
}

// Why an applied file may not be used as it is now (changedFileMessage), or empty: not applied, unchanged,
// or an earlier text the project shipped.
QString changedFileProblem(const Migrator::Migration &m, const QHash<int, QString> &recorded)
{
    const auto found = recorded.constFind(m.version);
    if (found == recorded.cend() || *found == m.checksum || isShippedEarlierText(m.version, *found))
        return {};
    return changedFileMessage(m, *found);
}

void applyMigration(Db &db, const Migrator::Migration &m, const Migrator::Options &options,
                    const std::function<void(const QString &)> &progress)
{
    QElapsedTimer whole;
    whole.start();
    for (int i = 0; i < m.steps.size(); ++i) {
        const Migrator::Step &step = m.steps.at(i);
        const QString what = describe(m, step, i);
        QElapsedTimer timer;
        timer.start();
        try {
            runStep(db, step, what, options);
        } catch (const DbError &e) {
            throw DbError(e.kind(),
                          QStringLiteral("Migration %1 failed: %2")
                              .arg(m.steps.size() > 1 ? what : m.name, e.message()),
                          e.sqlState());
        }
        if (timer.elapsed() > 1000)
            progress(QStringLiteral("%1 done in %2 s").arg(what).arg(timer.elapsed() / 1000.0, 0, 'f', 1));
    }
    db.execOnce(QStringLiteral("INSERT INTO liftline_migrations (version, name, checksum) VALUES (?, ?, ?)"),
                {m.version, m.name, m.checksum});
    if (whole.elapsed() > 1000)
        progress(QStringLiteral("Applied %1 in %2 s").arg(m.name).arg(whole.elapsed() / 1000.0, 0, 'f', 1));
}

// SQLSTATEs of a function file that refers to a function or table another file or a later pass creates.
bool missingDependency(const DbError &e)
{
    return e.sqlState() == QLatin1String("42883") || e.sqlState() == QLatin1String("42P01") ||
           e.sqlState() == QLatin1String("42704");
}

// Applies the function files that are new or changed since recorded, or all of them; each in a
// transaction of its own with its record. A file that needs another one not applied yet waits for the
// next pass. Returns the names of the files that were new or changed.
QStringList applyFunctions(Db &db, const Migrator::Options &options, bool all)
{
    db.execOnce(QString::fromLatin1(createFunctionsTable));
    const QHash<QString, QString> recorded = recordedFunctions(db);
    QList<Migrator::Function> todo;
    QStringList changed;
    for (const Migrator::Function &f : Migrator::functions()) {
        const bool differs = recorded.value(f.name) != f.checksum;
        if (differs && recorded.contains(f.name))
            changed << f.name;
        if (differs || all)
            todo << f;
    }
    while (!todo.isEmpty()) {
        QList<Migrator::Function> later;
        std::optional<DbError> first;
        for (const Migrator::Function &f : std::as_const(todo)) {
            const QString what = QStringLiteral("functions/%1.sql").arg(f.name);
            try {
                givingWay(db, options, what, [&] {
                    db.execScript(f.sql);
                    db.execOnce(
                        QStringLiteral("INSERT INTO liftline_functions (name, checksum) VALUES (?, ?) "
                                       "ON CONFLICT (name) DO UPDATE SET checksum = excluded.checksum, "
                                       "applied_at = now()"),
                        {f.name, f.checksum});
                });
            } catch (const DbError &e) {
                if (!missingDependency(e))
                    throw DbError(e.kind(), QStringLiteral("%1 failed: %2").arg(what, e.message()),
                                  e.sqlState());
                later << f;
                if (!first)
                    first = DbError(e.kind(), QStringLiteral("%1 failed: %2").arg(what, e.message()),
                                    e.sqlState());
            }
        }
        if (later.size() == todo.size())
            throw *first;
        todo = later;
    }
    return changed;
}

} // namespace

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
    // Refused before anything is applied.
    const QHash<int, QString> recorded = recordedMigrations(db);
    for (const Migration &m : migrations) {
        if (const QString problem = changedFileProblem(m, recorded); !problem.isEmpty())
            throw DbError(DbError::Kind::Statement, problem);
        if (recorded.contains(m.version) && recorded.value(m.version) != m.checksum)
            qCInfo(lcDb) << "migration" << m.name << "was applied in an earlier text the project shipped;"
                         << "the files after it bring both to the same state";
    }

    for (const Migration &m : migrations) {
        if (recorded.contains(m.version))
            continue;
        applyMigration(db, m, options, progress);
        applied << m.name;
    }
    const QStringList changed = applyFunctions(db, options, !applied.isEmpty());
    if (!changed.isEmpty())
        progress(QStringLiteral("Functions changed since they were applied, applied again: %1")
                     .arg(changed.join(QLatin1String(", "))));
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
    if (!functions.isEmpty())
        out += QStringLiteral("%1 SQL function file(s) of sql/functions/ new or changed, to apply after "
                              "them%2\n")
                   .arg(functions.size())
                   .arg(functions.size() <= 5 ? QStringLiteral(": ") + functions.join(QLatin1String(", "))
                                              : QString());
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

namespace {

// What the database holds that the migrations will change, for the plan's notes; the sizes of the tables
// the long steps work through, for its estimate.
void describeHoldings(Db &db, Migrator::Plan &plan, qint64 *messageCount, qint64 *ticketCount)
{
    auto count = [&](const QString &table, const QString &where = QString()) -> qint64 {
        if (!db.scalar(QStringLiteral("SELECT to_regclass(?) IS NOT NULL"), {table}).toBool())
            return 0;
        return db
            .scalar(QStringLiteral("SELECT count(*) FROM %1%2")
                        .arg(table, where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where))
            .toLongLong();
    };
    const qint64 messages = *messageCount = count(QStringLiteral("chat_messages"));
    const qint64 tickets = *ticketCount = count(QStringLiteral("tickets"));
    const bool original =
        db.scalar(QStringLiteral("SELECT to_regclass('chat_messages') IS NOT NULL")).toBool() &&
        !db.scalar(QStringLiteral("SELECT 1 FROM information_schema.columns WHERE table_schema = "
                                  "current_schema() AND table_name = 'chat_messages' AND column_name = "
                                  "'wa_message_id'"))
             .isValid();
    if (original) {
        const qint64 replies =
            count(QStringLiteral("chat_messages"), QStringLiteral("direction = 'outbound'"));
        const qint64 requests =
            count(QStringLiteral("tickets"), QStringLiteral("agent_requested IS TRUE AND status = 'open'"));
        plan.notes << QStringLiteral(
                          "the original chat add-on's transcript: %1 messages (%2 replies) on %3 tickets. It "
                          "is changed in place, without rewriting it: numbers and agent names become text, "
                          "ON DELETE CASCADE from tickets becomes RESTRICT, replies are marked 'sent', "
                          "and every ticket gets its counts, last message and unread count")
                          .arg(messages)
                          .arg(replies)
                          .arg(tickets);
        if (requests > 0)
            plan.notes << QStringLiteral("%1 open ticket(s) carry the add-on's agent request: each is dated "
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
        plan.notes << QStringLiteral("open transactions the upgrade may wait for (it gives way rather than "
                                     "block their writes): ") +
                          waiting;
}

// The function files new or changed since they were recorded.
void listFunctions(Db &db, Migrator::Plan &plan)
{
    const QHash<QString, QString> recorded = recordedFunctions(db);
    for (const Migrator::Function &f : Migrator::functions()) {
        if (recorded.value(f.name) != f.checksum)
            plan.functions << QStringLiteral("functions/%1.sql").arg(f.name);
    }
}

} // namespace

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

        const QHash<int, QString> recorded = recordedMigrations(db);
        const QList<int> applied = recorded.keys();
        if (!migrations.isEmpty() && !applied.isEmpty() &&
            *std::max_element(applied.begin(), applied.end()) > migrations.last().version)
            plan.obstacles << QStringLiteral("This database was migrated by a newer liftline-server: run the "
                                             "newer server");

        qint64 messages = 0;
        qint64 tickets = 0;
        describeHoldings(db, plan, &messages, &tickets);
        listFunctions(db, plan);
        for (const Migration &m : migrations) {
            if (const QString problem = changedFileProblem(m, recorded); !problem.isEmpty())
                plan.obstacles << problem;
            if (recorded.contains(m.version))
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
