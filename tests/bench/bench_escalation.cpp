// The escalation ladder under load: N technicians ask for an agent at once (one "agent" message each)
// while other technicians write R messages a second. The server runs as its own process on PostgreSQL with
// fsync on; a console is present (a presence row), so every request climbs the whole ladder; a webhook
// receiver in this program takes the call-outs. Reported: each step's lateness (taken - due, from
// escalation_log) p50/p99/max, steps missing or taken twice, and the time from a technician's webhook
// POST to the first call-out about it arriving here.

#include "BenchSupport.h"
#include "db/Db.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTextStream>
#include <QTimer>

namespace {

QTextStream out(stdout);
const QByteArray secret = "bench-app-secret";

// The tool outside: answers every POST 200 and notes when each call-out arrived.
class Receiver : public QObject {
public:
    Receiver()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, this, [this, s] { read(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    quint16 port() const { return m_server.serverPort(); }
    // request id -> arrival (ms since the epoch) of its first call-out
    QHash<qint64, qint64> firstArrival;
    int received = 0;

private:
    void read(QTcpSocket *s)
    {
        QByteArray &buffer = m_buffers[s];
        buffer += s->readAll();
        for (;;) {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            static const QRegularExpression lengthHeader(QStringLiteral("(?i)content-length:\\s*(\\d+)"));
            const auto match = lengthHeader.match(QString::fromLatin1(buffer.left(end)));
            const qsizetype length = match.hasMatch() ? match.captured(1).toLongLong() : 0;
            if (buffer.size() < end + 4 + length)
                return;
            const QJsonObject body = QJsonDocument::fromJson(buffer.mid(end + 4, length)).object();
            buffer.remove(0, end + 4 + length);
            ++received;
            const qint64 request = body.value(QStringLiteral("request_id")).toInteger();
            if (!firstArrival.contains(request))
                firstArrival.insert(request, QDateTime::currentMSecsSinceEpoch());
            s->write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        }
    }
    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

// Posts bodies on one keep-alive connection, one after another, noting when each was sent.
class Sender : public QObject {
public:
    Sender(quint16 port, std::function<void()> done)
        : m_done(std::move(done))
    {
        connect(&m_socket, &QTcpSocket::readyRead, this, [this] { read(); });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_socket.waitForConnected(5000);
    }
    void post(const QByteArray &request)
    {
        m_queue << request;
        if (m_queue.size() == 1)
            m_socket.write(m_queue.first());
    }
    int pending() const { return int(m_queue.size()); }
    int failures = 0;

private:
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
            if (m_buffer.mid(9, 3) != "200")
                ++failures;
            m_buffer.remove(0, end + 4 + length);
            m_queue.removeFirst();
            if (!m_queue.isEmpty())
                m_socket.write(m_queue.first());
            else if (m_done)
                m_done();
        }
    }
    QTcpSocket m_socket;
    QList<QByteArray> m_queue;
    QByteArray m_buffer;
    std::function<void()> m_done;
};

QByteArray agentBody(const QString &wamid, int technician)
{
    return Bench::webhookBody(wamid, technician)
        .replace("The car is stuck between floors 3 and 4", "agent please, people are trapped");
}

QString millis(std::vector<double> v)
{
    if (v.empty())
        return QStringLiteral("none");
    return QStringLiteral("p50 %1 ms, p99 %2 ms, max %3 ms")
        .arg(Bench::percentile(v, 0.5), 0, 'f', 0)
        .arg(Bench::percentile(v, 0.99), 0, 'f', 0)
        .arg(*std::max_element(v.begin(), v.end()), 0, 'f', 0);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions(
        {{QStringLiteral("requests"), QStringLiteral("Technicians asking at once."), QStringLiteral("N"),
          QStringLiteral("200")},
         {QStringLiteral("rate"), QStringLiteral("Other inbound messages per second meanwhile."),
          QStringLiteral("R"), QStringLiteral("200")},
         {QStringLiteral("ladder"), QStringLiteral("The ladder (LIFTLINE_ESCALATION_LADDER)."),
          QStringLiteral("STEPS"), QStringLiteral("0:consoles,5:supervisors,10:oncall1,15:oncall2")}});
    parser.process(app);
    const int requests = parser.value(QStringLiteral("requests")).toInt();
    const int rate = parser.value(QStringLiteral("rate")).toInt();
    const QString ladder = parser.value(QStringLiteral("ladder"));
    const int lastStep = ladder.section(QLatin1Char(','), -1).section(QLatin1Char(':'), 0, 0).toInt();
    const int steps = int(ladder.split(QLatin1Char(',')).size());

    Bench::Cluster cluster;
    if (!cluster.start())
        return 1;
    Db db(cluster.params(), QStringLiteral("bench"));
    const int others = 200;
    Bench::seedTechnicians(db, requests + others);
    Receiver receiver;
    QProcess server;
    const quint16 port =
        Bench::startServer(server, cluster, secret,
                           {{QStringLiteral("LIFTLINE_ESCALATION_LADDER"), ladder},
                            {QStringLiteral("LIFTLINE_CALLOUT_WEBHOOK_URL"),
                             QStringLiteral("http://127.0.0.1:%1/hook").arg(receiver.port())}});
    if (port == 0)
        return 1;
    // A console, as presence records it, on an instance that beats for the whole run.
    db.execOnce(QStringLiteral(
        "INSERT INTO agents (username, display_name, password_hash) VALUES ('bench', 'Bench Agent', 'x');"
        "INSERT INTO server_instances (id, hostname, pid, heartbeat_at) VALUES "
        "('00000000-0000-0000-0000-00000000be0c', 'bench', 0, now() + interval '1 day');"
        "INSERT INTO agent_presence (instance_id, connection_id, agent_id) SELECT "
        "'00000000-0000-0000-0000-00000000be0c', 1, id FROM agents WHERE username = 'bench'"));

    Sender background(port, {});
    std::vector<std::unique_ptr<Sender>> askers;
    QHash<int, qint64> sentAt; // technician -> when their "agent" left
    int answered = 0;
    QElapsedTimer wall;
    wall.start();
    // The background load, for the whole run: `rate` messages a second from the other technicians.
    int backgroundSent = 0;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 due = wall.elapsed() * rate / 1000;
        while (backgroundSent < due) {
            background.post(
                Bench::webhookRequest(Bench::webhookBody(QStringLiteral("wamid.BG.%1").arg(backgroundSent),
                                                         requests + 1 + backgroundSent % others),
                                      secret));
            ++backgroundSent;
        }
    });
    tick.start(5);
    // One second of load first, then every request at once, each on its own connection.
    QTimer::singleShot(1000, [&] {
        for (int i = 1; i <= requests; ++i) {
            askers.push_back(std::make_unique<Sender>(port, [&answered] { ++answered; }));
            sentAt.insert(i, QDateTime::currentMSecsSinceEpoch());
            askers.back()->post(
                Bench::webhookRequest(agentBody(QStringLiteral("wamid.ASK.%1").arg(i), i), secret));
        }
    });
    const qint64 endMs = 1000 + (lastStep + 3) * 1000;
    while (wall.elapsed() < endMs)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    tick.stop();
    QElapsedTimer drain;
    drain.start();
    while (receiver.received < requests * steps && drain.elapsed() < 30000)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);

    // Lateness per step, from the server's own record.
    out << QStringLiteral(
               "Escalation: %1 requests at once under %2 msg/s (%3 sent), ladder %4, PostgreSQL fsync on\n")
               .arg(requests)
               .arg(rate)
               .arg(backgroundSent)
               .arg(ladder);
    QSqlQuery &q = db.exec(QStringLiteral(
        "SELECT l.step, l.action, extract(epoch FROM l.taken_at - l.due_at) * 1000 FROM escalation_log l "
        "JOIN agent_requests a ON a.id = l.request_id ORDER BY l.step"));
    QMap<int, std::vector<double>> late;
    QMap<int, QString> actions;
    while (q.next()) {
        late[q.value(0).toInt()].push_back(q.value(2).toDouble());
        actions[q.value(0).toInt()] = q.value(1).toString();
    }
    q.finish();
    for (auto it = late.cbegin(); it != late.cend(); ++it)
        out << QStringLiteral("  step %1 (%2): taken %3 times; late %4\n")
                   .arg(it.key())
                   .arg(actions.value(it.key()))
                   .arg(it.value().size())
                   .arg(millis(it.value()));
    const int madeRequests = db.scalar(QStringLiteral("SELECT count(*) FROM agent_requests")).toInt();
    const int twice =
        db.scalar(QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM escalation_callouts GROUP BY "
                                 "request_id, step, event HAVING count(*) > 1) x"))
            .toInt();
    const int missing =
        db.scalar(QStringLiteral("SELECT count(*) FROM agent_requests a CROSS JOIN escalation_ladder s "
                                 "WHERE NOT EXISTS (SELECT 1 FROM escalation_log l WHERE "
                                 "l.request_id = a.id AND l.step = s.position)"))
            .toInt();
    // From the technician's POST to the first call-out about the request arriving here, in three parts:
    // the POST to the request stored (webhook processing), stored to the first step taken, taken to the
    // call-out received.
    std::vector<double> endToEnd, toStored, toTaken, toReceived;
    QSqlQuery &r = db.exec(QStringLiteral(
        "SELECT a.id, substr(a.from_number, 5)::int, (extract(epoch FROM a.requested_at) * 1000)::bigint, "
        "(SELECT (extract(epoch FROM min(l.taken_at)) * 1000)::bigint FROM escalation_log l WHERE "
        "l.request_id = a.id) "
        "FROM agent_requests a"));
    while (r.next()) {
        const qint64 arrived = receiver.firstArrival.value(r.value(0).toLongLong(), 0);
        const qint64 sent = sentAt.value(r.value(1).toInt(), 0);
        const qint64 stored = r.value(2).toLongLong(), taken = r.value(3).toLongLong();
        if (arrived > 0 && sent > 0) {
            endToEnd.push_back(double(arrived - sent));
            toStored.push_back(double(stored - sent));
            toTaken.push_back(double(taken - stored));
            toReceived.push_back(double(arrived - taken));
        }
    }
    r.finish();
    int failures = background.failures;
    for (const auto &a : askers)
        failures += a->failures;
    out << QStringLiteral(
               "  requests stored %1 of %2; steps missing %3; call-outs queued twice %4; call-outs "
               "received %5; non-200 webhooks %6\n")
               .arg(madeRequests)
               .arg(requests)
               .arg(missing)
               .arg(twice)
               .arg(receiver.received)
               .arg(failures);
    out << QStringLiteral("  webhook POST -> first call-out received: %1\n").arg(millis(endToEnd));
    out << QStringLiteral("    POST -> request stored: %1\n").arg(millis(toStored));
    out << QStringLiteral("    stored -> first step taken: %1\n").arg(millis(toTaken));
    out << QStringLiteral("    step taken -> call-out received: %1\n").arg(millis(toReceived));
    out.flush();
    server.terminate();
    server.waitForFinished(30000);
    return madeRequests == requests && missing == 0 && twice == 0 ? 0 : 1;
}
