// Time from POST /webhooks/whatsapp returning 200 to a console on the event stream receiving the
// message's message.created event, under a steady background load of inbound messages, with 1 and with
// many connected consoles on one server instance (PostgreSQL with fsync on, the server as its own process).
//
// Up to 20 consoles are full WebSocket clients that take the times; the others do the WebSocket handshake
// and the resume by hand and then read and discard what they get. The server does the same work for both,
// and the benchmark does not spend the machine's two cores parsing what it does not measure.

#include "BenchSupport.h"
#include "StreamClient.h"
#include "db/Db.h"
#include "db/Events.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QNetworkRequest>
#include <QTextStream>
#include <QTimer>
#include <QWebSocket>

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace {

QTextStream out(stdout);
const QByteArray secret = "bench-app-secret";
const QByteArray adminToken = "bench-admin-token-0123456789";
QElapsedTimer benchClock;

double now()
{
    return double(benchClock.nsecsElapsed()) / 1e6;
}

// A console that takes times: wamid number -> when its message.created arrived.
class MeasuringConsole : public QObject {
public:
    MeasuringConsole(quint16 port, qint64 after)
    {
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/api/chat/stream").arg(port)));
        request.setRawHeader("X-Admin-Token", adminToken);
        connect(&m_socket, &QWebSocket::connected, this, [this, after] {
            m_socket.sendTextMessage(QStringLiteral("{\"type\":\"resume\",\"after\":%1}").arg(after));
        });
        connect(&m_socket, &QWebSocket::textMessageReceived, this,
                [this](const QString &frame) { received(frame); });
        connect(&m_socket, &QWebSocket::disconnected, this, [this] { closed = true; });
        m_socket.open(request);
    }
    bool ready = false;
    bool closed = false;
    QHash<qint64, double> arrivals;

private:
    void received(const QString &frame)
    {
        const double t = now();
        if (!ready && frame.startsWith(QLatin1String("{\"type\":\"ready\"")))
            ready = true;
        static const QString created = QStringLiteral("\"message.created\"");
        static const QString marker = QStringLiteral("wamid.RT.");
        if (!frame.contains(created))
            return;
        const qsizetype at = frame.indexOf(marker);
        if (at < 0)
            return;
        qsizetype end = at + marker.size();
        while (end < frame.size() && frame.at(end).isDigit())
            ++end;
        arrivals.insert(frame.mid(at + marker.size(), end - at - marker.size()).toLongLong(), t);
    }
    QWebSocket m_socket;
};

// The consoles the server must feed like any other, whose frames are read and thrown away. Real consoles run
// on other machines; here they share the server's two cores, so they cost as little as a reader can: one
// thread, epoll, and recv() into one buffer. Each does the WebSocket handshake and the resume by hand.
class Drainers {
public:
    Drainers(quint16 port, qint64 after, int count)
    {
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        for (int i = 0; i < count; ++i) {
            const int fd = connectAndResume(port, after);
            if (fd < 0) {
                ++m_failed;
                continue;
            }
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.fd = fd;
            epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
            m_fds.push_back(fd);
        }
        m_thread = std::thread([this] { run(); });
    }
    ~Drainers()
    {
        m_stop = true;
        m_thread.join();
        for (int fd : m_fds)
            ::close(fd);
        ::close(m_epoll);
    }
    qint64 bytes() const { return m_bytes.load(); }
    int closed() const { return m_closed.load() + m_failed; }

private:
    static int connectAndResume(quint16 port, qint64 after)
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
            ::close(fd);
            return -1;
        }
        const QByteArray upgrade = rawUpgradeRequest("X-Admin-Token: " + adminToken);
        QByteArray handshake;
        char buffer[4096];
        if (::send(fd, upgrade.constData(), size_t(upgrade.size()), 0) != upgrade.size())
            return ::close(fd), -1;
        while (!handshake.contains("\r\n\r\n")) {
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0)
                return ::close(fd), -1;
            handshake.append(buffer, n);
        }
        const QByteArray resume = maskedResumeFrame(after);
        if (::send(fd, resume.constData(), size_t(resume.size()), 0) != resume.size())
            return ::close(fd), -1;
        return fd;
    }
    void run()
    {
        std::vector<char> buffer(256 * 1024);
        epoll_event events[64];
        while (!m_stop) {
            const int n = epoll_wait(m_epoll, events, 64, 100);
            for (int i = 0; i < n; ++i) {
                const int fd = events[i].data.fd;
                const ssize_t got = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
                if (got > 0) {
                    m_bytes += got;
                } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
                    epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
                    ++m_closed;
                }
            }
        }
    }

    int m_epoll = -1;
    std::vector<int> m_fds;
    int m_failed = 0;
    std::atomic<qint64> m_bytes{0};
    std::atomic<int> m_closed{0};
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

// Posts webhook bodies at a steady rate over a few keep-alive connections; records when each returned 200.
class Load : public QObject {
public:
    Load(quint16 port, int perSecond, int total, int technicians)
        : m_perSecond(perSecond)
        , m_total(total)
        , m_technicians(technicians)
    {
        for (int i = 0; i < 8; ++i) {
            auto *socket = new QTcpSocket(this);
            socket->connectToHost(QHostAddress::LocalHost, port);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
            m_idle << socket;
        }
        connect(&m_timer, &QTimer::timeout, this, [this, perSecond] {
            // Catch up on the schedule: as many bodies as should have gone by now.
            const qint64 due = qint64(double(m_started.elapsed()) * perSecond / 1000.0);
            while (m_sent < std::min<qint64>(due, m_total) && !m_idle.isEmpty())
                post(m_idle.takeFirst());
        });
    }
    void start(qint64 firstNumber)
    {
        m_next = firstNumber;
        m_first = firstNumber;
        m_startMs = now();
        m_started.start();
        m_timer.start(1);
    }
    bool done() const { return m_answered + m_failed >= m_total; }
    QHash<qint64, double> returned;
    QHash<qint64, double> due; // when its request was due: the 200 now comes after processing
    int failed() const { return m_failed; }

private:
    void post(QTcpSocket *socket)
    {
        const qint64 n = m_next++;
        ++m_sent;
        m_inFlight[socket] = n;
        // When it was due: a request that waits for a free connection is late, and that counts.
        due.insert(n, m_startMs + double(n - m_first) * 1000.0 / m_perSecond);
        socket->write(Bench::webhookRequest(
            Bench::webhookBody(QStringLiteral("wamid.RT.%1").arg(n), int(1 + n % m_technicians)), secret));
    }
    void read(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const qsizetype lengthAt = buffer.toLower().indexOf("content-length:");
        const qsizetype lineEnd = buffer.indexOf("\r\n", lengthAt);
        const qsizetype length = buffer.mid(lengthAt + 15, lineEnd - lengthAt - 15).trimmed().toLongLong();
        if (buffer.size() < end + 4 + length)
            return;
        const bool ok = buffer.startsWith("HTTP/1.1 200");
        buffer.remove(0, end + 4 + length);
        const qint64 n = m_inFlight.take(socket);
        if (ok) {
            returned.insert(n, now());
            ++m_answered;
        } else {
            ++m_failed;
        }
        m_idle << socket;
    }

    int m_perSecond = 1;
    qint64 m_first = 0;
    double m_startMs = 0;
    QTimer m_timer;
    QElapsedTimer m_started;
    QList<QTcpSocket *> m_idle;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QHash<QTcpSocket *, qint64> m_inFlight;
    qint64 m_next = 0;
    qint64 m_sent = 0;
    qint64 m_total;
    int m_answered = 0;
    int m_failed = 0;
    int m_technicians;
};

// Runs the event loop until done() (checked at least every 10 ms) or the time is up. Sleeps between events:
// a polling wait would take one of the two cores from the server it measures.
bool waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    QTimer tick;
    tick.start(10);
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions(
        {{QStringLiteral("consoles"), QStringLiteral("Comma-separated numbers of connected consoles."),
          QStringLiteral("LIST"), QStringLiteral("1,500")},
         {QStringLiteral("rate"), QStringLiteral("Inbound messages per second."), QStringLiteral("N"),
          QStringLiteral("200")},
         {QStringLiteral("seconds"), QStringLiteral("How long each round is measured."), QStringLiteral("S"),
          QStringLiteral("20")},
         {QStringLiteral("warmup"),
          QStringLiteral("Seconds of the same load before measuring (new database connections compile their "
                         "functions; 500 new consoles)."),
          QStringLiteral("S"), QStringLiteral("3")},
         {QStringLiteral("server"),
          QStringLiteral("The liftline-server to measure (default: this build's), e.g. an older build to "
                         "compare with in the same session."),
          QStringLiteral("BIN")}});
    parser.process(app);
    const int rate = parser.value(QStringLiteral("rate")).toInt();
    const int warmup = rate * parser.value(QStringLiteral("warmup")).toInt();
    const int total = warmup + rate * parser.value(QStringLiteral("seconds")).toInt();
    benchClock.start();

    Bench::Cluster cluster;
    if (!cluster.start())
        return 1;
    Db db(cluster.params(), QStringLiteral("bench"));
    const int technicians = 200;
    Bench::seedTechnicians(db, technicians);

    QProcess server;
    // The consoles that read and discard do not answer pings: with the server's pings 600 s apart (the
    // most it allows) a round of any length keeps them all, where the default closed 480 of 500 as silent
    // in a 20 s round.
    const quint16 port =
        Bench::startServer(server, cluster, secret,
                           {{QStringLiteral("ADMIN_TOKEN"), QString::fromLatin1(adminToken)},
                            {QStringLiteral("LIFTLINE_STREAM_PING_SECONDS"), QStringLiteral("600")}},
                           parser.value(QStringLiteral("server")));
    if (port == 0)
        return 1;

    out << "Webhook returned -> message.created on a console, " << rate
        << " inbound messages/s, PostgreSQL with "
        << "fsync on:\n";
    qint64 number = 0;
    for (const QString &level : parser.value(QStringLiteral("consoles")).split(QLatin1Char(','))) {
        const int consoles = level.toInt();
        const qint64 after = Events::latest(db);
        std::vector<std::unique_ptr<MeasuringConsole>> measuring;
        const int measured = std::min(consoles, 20);
        for (int i = 0; i < measured; ++i)
            measuring.push_back(std::make_unique<MeasuringConsole>(port, after));
        Drainers draining(port, after, consoles - measured);
        if (!waitUntil(
                [&] {
                    return std::all_of(measuring.begin(), measuring.end(),
                                       [](const auto &c) { return c->ready; });
                },
                60000)) {
            QTextStream(stderr) << "the consoles did not get ready\n";
            return 1;
        }
        waitUntil([] { return false; }, 500); // the last consoles' replay settles

        Load load(port, rate, total, technicians);
        load.start(number);
        const double started = now();
        waitUntil([&] { return load.done(); }, 120000);
        const double sendSeconds = (now() - started) / 1000.0;
        // The last events on their way.
        waitUntil(
            [&] {
                return std::all_of(measuring.begin(), measuring.end(),
                                   [&](const auto &c) { return c->arrivals.size() >= load.returned.size(); });
            },
            30000);

        std::vector<double> latencies; // after the warm-up
        std::vector<double> warming;   // during it
        std::vector<double> fromDue; // after the warm-up, from the request's due moment (processing included)
        qint64 missing = 0;
        int early = 0;
        for (const auto &c : measuring)
            for (auto it = load.returned.cbegin(); it != load.returned.cend(); ++it) {
                const auto arrived = c->arrivals.constFind(it.key());
                if (arrived == c->arrivals.cend()) {
                    ++missing;
                    continue;
                }
                const double ms = *arrived - it.value();
                if (it.key() - number < warmup) {
                    warming.push_back(std::max(0.0, ms));
                    continue;
                }
                early += ms < 0 ? 1 : 0;
                latencies.push_back(std::max(0.0, ms));
                fromDue.push_back(*arrived - load.due.value(it.key()));
            }
        int closed = 0;
        for (const auto &c : measuring)
            closed += c->closed ? 1 : 0;
        closed += draining.closed();
        const qint64 drained = draining.bytes();
        out << QStringLiteral(
                   "%1 consoles: %2 messages in %3 s; p50 %4 ms, p90 %5 ms, p99 %6 ms, max %7 ms "
                   "(%8 samples on %9 measuring consoles; %10 events before the 200 counted as 0; "
                   "missing %11; webhook failures %12; consoles closed %13; %14 MB sent to the others)\n"
                   "    during the warm-up before it: p50 %15 ms, p99 %16 ms, max %17 ms\n")
                   .arg(consoles, 3)
                   .arg(load.returned.size() - warmup)
                   .arg(sendSeconds - double(warmup) / rate, 0, 'f', 1)
                   .arg(Bench::percentile(latencies, 0.5), 0, 'f', 1)
                   .arg(Bench::percentile(latencies, 0.9), 0, 'f', 1)
                   .arg(Bench::percentile(latencies, 0.99), 0, 'f', 1)
                   .arg(Bench::percentile(latencies, 1.0), 0, 'f', 1)
                   .arg(latencies.size())
                   .arg(measured)
                   .arg(early)
                   .arg(missing)
                   .arg(load.failed())
                   .arg(closed)
                   .arg(double(drained) / 1e6, 0, 'f', 1)
                   .arg(Bench::percentile(warming, 0.5), 0, 'f', 1)
                   .arg(Bench::percentile(warming, 0.99), 0, 'f', 1)
                   .arg(Bench::percentile(warming, 1.0), 0, 'f', 1);
        out << QStringLiteral(
                   "    from the request's due moment (its processing before the 200 included): p50 %1 ms, "
                   "p90 %2 ms, p99 %3 ms, max %4 ms\n")
                   .arg(Bench::percentile(fromDue, 0.5), 0, 'f', 1)
                   .arg(Bench::percentile(fromDue, 0.9), 0, 'f', 1)
                   .arg(Bench::percentile(fromDue, 0.99), 0, 'f', 1)
                   .arg(Bench::percentile(fromDue, 1.0), 0, 'f', 1);
        // Where the time goes, from the database's clocks: body stored -> its processing began.
        const QString queued =
            db.scalar(
                  QStringLiteral(
                      "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1) || ' ms "
                      "p50, ' || round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 1) || "
                      "' ms p99' FROM (SELECT extract(epoch FROM m.created_at - i.received_at) * 1000 AS "
                      "ms FROM chat_messages m JOIN whatsapp_inbox i ON i.id = m.inbox_id WHERE "
                      "m.wa_message_id LIKE 'wamid.RT.%' AND substr(m.wa_message_id, 10)::bigint >= ?) x"),
                  {number + warmup})
                .toString();
        out << "    stored -> processing began: " << queued << '\n';
        out.flush();
        number += total;
    }
    server.terminate();
    server.waitForFinished(30000);
    return 0;
}
