// The audit chain at scale (issue 17): a generated transcript (by default 2,000 lifts, 50,000 tickets,
// 1,000,000 messages), every fact chained by the sequencer (audit_chain_advance) as a freshly upgraded
// server would chain it, then `verify` over the whole chain and every covered row, then one message
// changed with the triggers off and `verify` again, which must name it. Prints each step's time.

#include "BenchSupport.h"
#include "db/AuditChain.h"
#include "db/Db.h"
#include "db/Migrator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <algorithm>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("lifts"), QStringLiteral("Lifts."), QStringLiteral("N"), QStringLiteral("2000")},
        {QStringLiteral("tickets"), QStringLiteral("Tickets."), QStringLiteral("N"), QStringLiteral("50000")},
        {QStringLiteral("messages"), QStringLiteral("Messages."), QStringLiteral("N"),
         QStringLiteral("1000000")},
    });
    parser.process(app);
    const auto value = [&](const char *name) { return parser.value(QString::fromLatin1(name)).toInt(); };

    Bench::Cluster cluster;
    if (!cluster.start({}, false))
        return 1;
    Db db(cluster.params(), QStringLiteral("bench-audit"));
    QElapsedTimer timer;
    timer.start();
    Bench::generateChat(db, value("lifts"), value("tickets"), 50, value("messages"), 10000);
    out << "Generated " << value("messages") << " messages on " << value("tickets") << " tickets in "
        << QString::number(double(timer.elapsed()) / 1000.0, 'f', 1) << " s\n";
    // The generator writes with the triggers off, as rows an upgraded database already held: 028's second
    // step (the first fill of audit_pending) takes them, as it does on an upgrade.
    timer.restart();
    for (const Migrator::Migration &m : Migrator::available()) {
        if (m.version != 28)
            continue;
        for (const Migrator::Step &step : m.steps)
            if (step.kind == Migrator::StepKind::NoTransaction)
                for (const QString &statement : Db::splitStatements(step.sql))
                    db.execOnce(statement);
    }
    const qint64 waiting = db.scalar(QStringLiteral("SELECT count(*) FROM audit_pending")).toLongLong();
    out << "Migration 028's fill: " << waiting << " facts waiting in "
        << QString::number(double(timer.elapsed()) / 1000.0, 'f', 1) << " s\n";

    timer.restart();
    qint64 chained = 0;
    for (int n; (n = AuditChain::advance(db, 50000)) > 0;)
        chained += n;
    const double chainSeconds = std::max(0.001, double(timer.elapsed()) / 1000.0);
    out << "Chained " << chained << " of " << waiting << " waiting facts in "
        << QString::number(chainSeconds, 'f', 1) << " s (" << qint64(double(chained) / chainSeconds)
        << " entries/s)\n";
    db.execOnce(QStringLiteral("VACUUM ANALYZE audit_chain"));

    timer.restart();
    AuditChain::Report report = AuditChain::verify(db);
    out << "verify: " << (report.ok ? "holds" : qPrintable(report.problem)) << ", " << report.entries
        << " entries in " << QString::number(double(timer.elapsed()) / 1000.0, 'f', 1) << " s\n";
    if (!report.ok)
        return 1;

    const qint64 victim =
        db.scalar(QStringLiteral("SELECT id FROM chat_messages ORDER BY id LIMIT 1 OFFSET ?"),
                  {value("messages") / 2})
            .toLongLong();
    db.execOnce(QStringLiteral("SET session_replication_role = replica"));
    db.execOnce(QStringLiteral("UPDATE chat_messages SET message = 'changed' WHERE id = ?"), {victim});
    db.execOnce(QStringLiteral("SET session_replication_role = DEFAULT"));
    timer.restart();
    report = AuditChain::verify(db);
    out << "verify after message " << victim << " was changed with the triggers off: "
        << (report.ok ? QStringLiteral("holds (WRONG)") : report.problem) << ", in "
        << QString::number(double(timer.elapsed()) / 1000.0, 'f', 1) << " s\n";
    return report.ok ? 1 : 0;
}
