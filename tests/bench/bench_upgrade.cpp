// The in-place upgrade of a site's database, measured as the site lives it: the original system's schema
// with its chat add-on and a year of data (by default 2,000 lifts, 50,000 tickets, 1,000,000 messages),
// the original server still inserting a chat row every 10 ms the way the add-on does, and
// `liftline-server migrate` run on it. Prints the migration's time, the worst and the usual latency of the
// writer's inserts meanwhile, and checks that every ticket's derived counts match its transcript after.
//
// With --database-url it works on an existing database of the original shape instead (for instance the
// one ../shared/bench builds), which it does not fill.

#include "BenchSupport.h"
#include "OriginalSystem.h"
#include "ServerProcess.h"
#include "db/Db.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QTextStream>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace {

QTextStream out(stdout);

struct Insert {
    qint64 startedMs; // since the migration started
    double ms;
};

// The original server's chat writes: a technician's message or an agent's reply on an open ticket, every
// `intervalMs`, each timed from before the statement to after its commit.
class Writer {
public:
    Writer(const DbParams &params, int intervalMs)
        : m_params(params)
        , m_intervalMs(intervalMs)
    {}

    void start(const QElapsedTimer &clock)
    {
        m_thread = std::thread([this, &clock] { run(clock); });
    }
    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }
    std::vector<Insert> inserts() const
    {
        std::lock_guard lock(m_mutex);
        return m_inserts;
    }
    int failures() const { return m_failures; }

private:
    void run(const QElapsedTimer &clock)
    {
        Db db(m_params, QStringLiteral("bench-original-writer"));
        db.setApplicationName(QStringLiteral("original-server"));
        struct Target {
            int ticket;
            QString phone;
        };
        std::vector<Target> targets;
        QSqlQuery q = db.execOnce(QStringLiteral(
            "SELECT t.id, c.primary_msisdn FROM tickets t JOIN lift_contacts lc ON lc.lift_id = t.lift_id "
            "JOIN contacts c ON c.id = lc.contact_id WHERE t.status = 'open' ORDER BY t.id LIMIT 500"));
        while (q.next())
            targets.push_back({q.value(0).toInt(), q.value(1).toString()});
        if (targets.empty())
            return;
        for (size_t i = 0; !m_stop; ++i) {
            const Target &t = targets[i % targets.size()];
            const qint64 started = clock.elapsed();
            QElapsedTimer timer;
            timer.start();
            try {
                if (i % 2 == 0)
                    OriginalSystem::addonStoresInbound(db, t.ticket, t.phone,
                                                       QStringLiteral("still stuck, message %1").arg(i));
                else
                    OriginalSystem::addonStoresReply(db, t.ticket, t.phone,
                                                     QStringLiteral("we are on it (%1)").arg(i),
                                                     QStringLiteral("Nomsa"));
                std::lock_guard lock(m_mutex);
                m_inserts.push_back({started, double(timer.nsecsElapsed()) / 1e6});
            } catch (const DbError &e) {
                ++m_failures;
                QTextStream(stderr) << "writer: " << e.message() << '\n';
            }
            const qint64 next = started + m_intervalMs;
            const qint64 wait = next - clock.elapsed();
            if (wait > 0)
                std::this_thread::sleep_for(std::chrono::milliseconds(wait));
        }
    }

    DbParams m_params;
    int m_intervalMs;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    mutable std::mutex m_mutex;
    std::vector<Insert> m_inserts;
    std::atomic<int> m_failures{0};
};

// liftline-server with `arguments` on the database; its output, its exit code, and how long it took.
struct Run {
    int exitCode = -1;
    QString output;
    double seconds = 0;
};

Run runServer(const DbParams &params, const QStringList &arguments)
{
    QProcess process;
    process.setProcessEnvironment(databaseEnvironment(params));
    process.setProcessChannelMode(QProcess::MergedChannels);
    QElapsedTimer timer;
    timer.start();
    process.start(QStringLiteral(LIFTLINE_SERVER_BIN), arguments);
    process.waitForFinished(-1);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAll()), double(timer.elapsed()) / 1000.0};
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Upgrades a database of the original system in place while its server keeps writing."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("database-url"), QStringLiteral("An existing database of the original shape."),
         QStringLiteral("URL")},
        {QStringLiteral("lifts"), QStringLiteral("Lifts to generate (2000)."), QStringLiteral("N"),
         QStringLiteral("2000")},
        {QStringLiteral("contacts"), QStringLiteral("Technicians (6000)."), QStringLiteral("N"),
         QStringLiteral("6000")},
        {QStringLiteral("tickets"), QStringLiteral("Tickets (50000)."), QStringLiteral("N"),
         QStringLiteral("50000")},
        {QStringLiteral("open"), QStringLiteral("Open tickets among them (2000)."), QStringLiteral("N"),
         QStringLiteral("2000")},
        {QStringLiteral("messages"), QStringLiteral("Chat messages (1000000)."), QStringLiteral("N"),
         QStringLiteral("1000000")},
        {QStringLiteral("interval"), QStringLiteral("Milliseconds between the writer's inserts (10)."),
         QStringLiteral("MS"), QStringLiteral("10")},
    });
    parser.process(app);

    Bench::Cluster cluster;
    DbParams params;
    if (parser.isSet(QStringLiteral("database-url"))) {
        QString error;
        params = DbParams::fromUrl(parser.value(QStringLiteral("database-url")), &error);
        if (!params.isValid()) {
            QTextStream(stderr) << error << '\n';
            return 2;
        }
    } else {
        if (!cluster.start())
            return 1;
        params = cluster.params().withDatabase(QStringLiteral("original"));
        {
            Db admin(cluster.params().withDatabase(QStringLiteral("postgres")),
                     QStringLiteral("bench-admin"));
            admin.execOnce(QStringLiteral("CREATE DATABASE original"));
        }
        OriginalSystem::Scale scale;
        scale.lifts = parser.value(QStringLiteral("lifts")).toInt();
        scale.contacts = parser.value(QStringLiteral("contacts")).toInt();
        scale.tickets = parser.value(QStringLiteral("tickets")).toInt();
        scale.open = parser.value(QStringLiteral("open")).toInt();
        scale.recentlyClosed = std::min(200, scale.tickets - scale.open);
        scale.messages = parser.value(QStringLiteral("messages")).toInt();
        QElapsedTimer timer;
        timer.start();
        Db db(params, QStringLiteral("bench-fill"));
        OriginalSystem::createSchema(db);
        OriginalSystem::fill(db, scale);
        out << QStringLiteral("filled the original schema: %1 lifts, %2 tickets, %3 messages in %4 s\n")
                   .arg(scale.lifts)
                   .arg(scale.tickets)
                   .arg(scale.messages)
                   .arg(timer.elapsed() / 1000.0, 0, 'f', 1);
    }
    {
        Db db(params, QStringLiteral("bench-count"));
        out << QStringLiteral("database: %1 tickets, %2 chat messages\n")
                   .arg(db.scalar(QStringLiteral("SELECT count(*) FROM tickets")).toLongLong())
                   .arg(db.scalar(QStringLiteral("SELECT count(*) FROM chat_messages")).toLongLong());
    }
    out.flush();

    const Run check = runServer(params, {QStringLiteral("migrate"), QStringLiteral("--check")});
    out << "== liftline-server migrate --check (" << check.seconds << " s, exit " << check.exitCode << ")\n"
        << check.output;
    out.flush();

    QElapsedTimer clock;
    clock.start();
    Writer writer(params, parser.value(QStringLiteral("interval")).toInt());
    writer.start(clock);
    std::this_thread::sleep_for(std::chrono::seconds(2)); // the writer's usual latency, before
    const qint64 migrationStartMs = clock.elapsed();
    const Run migrate = runServer(params, {QStringLiteral("migrate")});
    const qint64 migrationEndMs = clock.elapsed();
    std::this_thread::sleep_for(std::chrono::seconds(2));
    writer.stop();
    out << "== liftline-server migrate (exit " << migrate.exitCode << ")\n" << migrate.output;
    if (migrate.exitCode != 0)
        return 1;

    std::vector<double> before, during;
    double worst = 0;
    qint64 worstAt = 0;
    for (const Insert &i : writer.inserts()) {
        if (i.startedMs < migrationStartMs) {
            before.push_back(i.ms);
        } else if (i.startedMs <= migrationEndMs) {
            during.push_back(i.ms);
            if (i.ms > worst) {
                worst = i.ms;
                worstAt = i.startedMs - migrationStartMs;
            }
        }
    }
    out << QStringLiteral("migration: %1 s\n").arg(migrate.seconds, 0, 'f', 1);
    out << QStringLiteral("original-style inserts before: n=%1 p50 %2 ms p99 %3 ms\n")
               .arg(before.size())
               .arg(Bench::percentile(before, 0.5), 0, 'f', 2)
               .arg(Bench::percentile(before, 0.99), 0, 'f', 2);
    out << QStringLiteral("original-style inserts during: n=%1 p50 %2 ms p99 %3 ms max %4 ms (at %5 s into "
                          "the migration), failed %6\n")
               .arg(during.size())
               .arg(Bench::percentile(during, 0.5), 0, 'f', 2)
               .arg(Bench::percentile(during, 0.99), 0, 'f', 2)
               .arg(worst, 0, 'f', 1)
               .arg(worstAt / 1000.0, 0, 'f', 1)
               .arg(writer.failures());

    // Every ticket's stored counters against its transcript, after the concurrent writes.
    Db db(params, QStringLiteral("bench-verify"));
    const qint64 wrong =
        db.scalar(QStringLiteral("SELECT count(*) FROM tickets t LEFT JOIN chat_ticket_summary s ON "
                                 "s.ticket_id = t.id LEFT JOIN (SELECT ticket_id, count(*) AS n, count(*) "
                                 "FILTER (WHERE direction = 'inbound' AND read_by_agent IS FALSE) AS u, "
                                 "max(id) AS last FROM chat_messages GROUP BY ticket_id) m ON m.ticket_id = "
                                 "t.id WHERE coalesce(s.message_count, 0) <> coalesce(m.n, 0) OR "
                                 "coalesce(s.unread_count, 0) <> coalesce(m.u, 0) OR "
                                 "s.last_message_id IS DISTINCT FROM m.last"))
            .toLongLong();
    const qint64 cached =
        db.scalar(QStringLiteral("SELECT count(*) FROM chat_conversation_cache")).toLongLong();
    const qint64 tickets = db.scalar(QStringLiteral("SELECT count(*) FROM tickets")).toLongLong();
    const qint64 received = db.scalar(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = "
                                                     "'outbound' AND status = 'received'"))
                                .toLongLong();
    out << QStringLiteral("after: %1 of %2 tickets with counters that differ from their transcript, %3 "
                          "conversations stored, %4 replies still 'received'\n")
               .arg(wrong)
               .arg(tickets)
               .arg(cached)
               .arg(received);
    out.flush();
    return wrong == 0 && cached == tickets && received == 0 && writer.failures() == 0 ? 0 : 1;
}
