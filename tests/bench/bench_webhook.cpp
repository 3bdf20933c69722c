// Inbound throughput and latency of POST /webhooks/whatsapp at 1, 16 and 64 concurrent senders, each
// sending signed single-message bodies over its own keep-alive connection. The server runs as its own
// process on an embedded PostgreSQL with fsync on; afterwards the database must hold every message
// exactly once.

#include "BenchSupport.h"
#include "db/Db.h"
#include "http/WebhookRoutes.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTextStream>
#include <QThread>

#include <algorithm>

namespace {

QTextStream out(stdout);
const QByteArray secret = "bench-app-secret";

QByteArray body(const QString &wamid, int technician)
{
    return Bench::webhookBody(wamid, technician);
}

QByteArray request(const QByteArray &payload)
{
    return Bench::webhookRequest(payload, secret);
}

// One sender: a keep-alive connection that sends its requests one after another.
class Sender : public QObject {
public:
    Sender(quint16 port, QList<QByteArray> requests, std::vector<double> *latencies, int *failures,
           int *running)
        : m_requests(std::move(requests))
        , m_latencies(latencies)
        , m_failures(failures)
        , m_running(running)
    {
        connect(&m_socket, &QTcpSocket::connected, this, [this] { next(); });
        connect(&m_socket, &QTcpSocket::readyRead, this, [this] { read(); });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }

private:
    void next()
    {
        if (m_index >= m_requests.size()) {
            m_socket.disconnectFromHost();
            --*m_running;
            return;
        }
        m_timer.start();
        m_socket.write(m_requests.at(m_index++));
    }
    void read()
    {
        m_buffer += m_socket.readAll();
        for (;;) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            static const QRegularExpression lengthHeader(QStringLiteral("(?i)content-length:\\s*(\\d+)"));
            const auto match = lengthHeader.match(QString::fromLatin1(m_buffer.left(end)));
            const qsizetype length = match.hasMatch() ? match.captured(1).toLongLong() : 0;
            if (m_buffer.size() < end + 4 + length)
                return;
            const int status = m_buffer.mid(9, 3).toInt();
            m_buffer.remove(0, end + 4 + length);
            m_latencies->push_back(double(m_timer.nsecsElapsed()) / 1e6);
            if (status != 200)
                ++*m_failures;
            next();
        }
    }

    QTcpSocket m_socket;
    QList<QByteArray> m_requests;
    qsizetype m_index = 0;
    QByteArray m_buffer;
    QElapsedTimer m_timer;
    std::vector<double> *m_latencies;
    int *m_failures;
    int *m_running;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions({{QStringLiteral("messages"), QStringLiteral("Messages per round."),
                        QStringLiteral("N"), QStringLiteral("8000")},
                       {QStringLiteral("senders"), QStringLiteral("Comma-separated concurrency levels."),
                        QStringLiteral("LIST"), QStringLiteral("1,16,64")},
                       {QStringLiteral("servers"),
                        QStringLiteral("Builds to compare, each round run by each in turn: "
                                       "LABEL=PATH,LABEL=PATH (default: this build)."),
                        QStringLiteral("LIST")},
                       {QStringLiteral("profile"),
                        QStringLiteral("Load pg_stat_statements and print the statements that took the most "
                                       "time.")}});
    parser.process(app);
    const int perRound = parser.value(QStringLiteral("messages")).toInt();

    const bool profile = parser.isSet(QStringLiteral("profile"));
    Bench::Cluster cluster;
    if (!cluster.start(profile ? QStringList{QStringLiteral("shared_preload_libraries=pg_stat_statements"),
                                             QStringLiteral("pg_stat_statements.track=all")}
                               : QStringList{}))
        return 1;
    Db db(cluster.params(), QStringLiteral("bench"));
    if (profile)
        db.execOnce(QStringLiteral("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"));
    const int technicians = 200;
    Bench::seedTechnicians(db, technicians);

    QList<std::pair<QString, QString>> builds; // label, binary
    for (const QString &item :
         parser.value(QStringLiteral("servers")).split(QLatin1Char(','), Qt::SkipEmptyParts))
        builds.append({item.section(QLatin1Char('='), 0, 0), item.section(QLatin1Char('='), 1)});
    if (builds.isEmpty())
        builds.append({QStringLiteral("this build"), QString()});

    QProcess server;
    quint16 port = 0;
    const auto run = [&](const QString &binary) {
        if (server.state() != QProcess::NotRunning) {
            server.terminate();
            server.waitForFinished(30000);
        }
        port = Bench::startServer(server, cluster, secret, {}, binary);
        return port != 0;
    };
    if (!run(builds.first().second))
        return 1;

    out << "Inbound webhook, single-message signed bodies, PostgreSQL with fsync on:\n";
    int roundNumber = 0;
    int levelNumber = 0;
    for (const QString &level : parser.value(QStringLiteral("senders")).split(QLatin1Char(','))) {
        // The build that runs second in a level works on the rows the first one stored, which favours the
        // first (by up to a third at 1 sender): every other level runs the builds in reverse, so that each
        // build goes first as often as the others when the levels are repeated (--senders 1,1,16,16).
        QList<std::pair<QString, QString>> order = builds;
        if (levelNumber++ % 2 == 1)
            std::reverse(order.begin(), order.end());
        for (const auto &[label, binary] : std::as_const(order)) {
            const int senders = level.toInt();
            ++roundNumber;
            if (builds.size() > 1 && !run(binary))
                return 1;
            const qint64 before =
                db.scalar(QStringLiteral("SELECT count(*) FROM chat_messages")).toLongLong();
            std::vector<double> latencies;
            int failures = 0;
            int running = senders;
            std::vector<std::unique_ptr<Sender>> all;
            QElapsedTimer wall;
            wall.start();
            for (int s = 0; s < senders; ++s) {
                QList<QByteArray> requests;
                for (int i = s; i < perRound; i += senders)
                    requests << request(body(QStringLiteral("wamid.BENCH.%1.%2").arg(roundNumber).arg(i),
                                             1 + i % technicians));
                all.push_back(std::make_unique<Sender>(port, requests, &latencies, &failures, &running));
            }
            while (running > 0)
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
            const double seconds = double(wall.nsecsElapsed()) / 1e9;
            // Every body answered 200 is stored; processing follows. Wait for it, then count.
            QElapsedTimer drain;
            drain.start();
            while (db.scalar(QStringLiteral("SELECT count(*) FROM whatsapp_inbox WHERE processed_at IS NULL"))
                           .toInt() > 0 &&
                   drain.elapsed() < 120000)
                QThread::msleep(50);
            const double processedSeconds = double(wall.nsecsElapsed()) / 1e9;
            const qint64 stored =
                db.scalar(QStringLiteral("SELECT count(*) FROM chat_messages")).toLongLong() - before;
            const qint64 distinct =
                db.scalar(QStringLiteral("SELECT count(DISTINCT wa_message_id) FROM chat_messages WHERE "
                                         "wa_message_id LIKE 'wamid.BENCH.%1.%'")
                              .arg(roundNumber))
                    .toLongLong();
            if (builds.size() > 1)
                out << label << ": ";
            out << QStringLiteral(
                       "%1 senders: %2 bodies in %3 s = %4 msg/s answered; p50 %5 ms, p99 %6 ms, max %7 ms; "
                       "non-200: %8; all processed after %9 s (%10 msg/s); stored %11, distinct %12\n")
                       .arg(senders, 2)
                       .arg(perRound)
                       .arg(seconds, 0, 'f', 2)
                       .arg(double(perRound) / seconds, 0, 'f', 0)
                       .arg(Bench::percentile(latencies, 0.5), 0, 'f', 2)
                       .arg(Bench::percentile(latencies, 0.99), 0, 'f', 2)
                       .arg(Bench::percentile(latencies, 1.0), 0, 'f', 2)
                       .arg(failures)
                       .arg(processedSeconds, 0, 'f', 2)
                       .arg(double(perRound) / processedSeconds, 0, 'f', 0)
                       .arg(stored)
                       .arg(distinct);
            out.flush();
        }
    }

    // The last round's bodies again: WhatsApp retries; nothing may be stored twice.
    const int lastRound = roundNumber;
    const qint64 before = db.scalar(QStringLiteral("SELECT count(*) FROM chat_messages")).toLongLong();
    {
        std::vector<double> latencies;
        int failures = 0;
        int running = 16;
        std::vector<std::unique_ptr<Sender>> all;
        for (int s = 0; s < 16; ++s) {
            QList<QByteArray> requests;
            for (int i = s; i < std::min(perRound, 2000); i += 16)
                requests << request(
                    body(QStringLiteral("wamid.BENCH.%1.%2").arg(lastRound).arg(i), 1 + i % technicians));
            all.push_back(std::make_unique<Sender>(port, requests, &latencies, &failures, &running));
        }
        while (running > 0)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        while (db.scalar(QStringLiteral("SELECT count(*) FROM whatsapp_inbox WHERE processed_at IS NULL"))
                   .toInt() > 0)
            QThread::msleep(50);
    }
    out << "Duplicates re-sent: "
        << (db.scalar(QStringLiteral("SELECT count(*) FROM chat_messages")).toLongLong() - before)
        << " new rows (must be 0)\n";
    if (profile) {
        out << "\nStatements by total time (pg_stat_statements, all rounds; nested statements included):\n";
        QSqlQuery &q = db.exec(QStringLiteral(
            "SELECT round(total_exec_time)::bigint, calls, round((total_exec_time / calls)::numeric, 3), "
            "left(regexp_replace(query, '\\s+', ' ', 'g'), 150) FROM pg_stat_statements "
            "ORDER BY total_exec_time DESC LIMIT 25"));
        while (q.next())
            out << QStringLiteral("%1 ms %2 calls %3 ms/call  %4\n")
                       .arg(q.value(0).toLongLong(), 8)
                       .arg(q.value(1).toLongLong(), 7)
                       .arg(q.value(2).toString(), 7)
                       .arg(q.value(3).toString());
        q.finish();
    }
    server.terminate();
    server.waitForFinished(30000);
    return 0;
}
