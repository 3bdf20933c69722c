#include "Seed.h"
#include "ServerProcess.h"
#include "StreamClient.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "WireProtocol.h"
#include "db/Db.h"
#include "db/Events.h"
#include "http/WebhookRoutes.h"
#include "realtime/EventListener.h"
#include "realtime/StreamHub.h"
#include "whatsapp/WebhookBody.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace {

using Headers = QList<std::pair<QByteArray, QByteArray>>;

Headers bearer(const QByteArray &token)
{
    return {{"Authorization", "Bearer " + token}};
}

Headers adminHeaders()
{
    return {{"X-Admin-Token", TestServer::adminToken}};
}

// n events written by "another system" straight into the database (as a trigger would), `pad` bytes each.
void writeEvents(Db &db, int n, int pad = 0)
{
    db.execOnce(QStringLiteral("SELECT chat_emit('test.event', NULL, json_build_object('i', g, 'pad', "
                               "repeat('x', ?::integer))) FROM generate_series(1, ?::integer) g"),
                {pad, n});
}

qint64 newest(Db &db)
{
    return Events::latest(db);
}

// Whether events are written straight to the connections in this run: LIFTLINE_STREAM_DIRECT_WRITE, read
// as the server reads its settings. ctest runs the suite twice, as tst_stream (the default, the fast path)
// and as tst_stream_qwebsocket (0: through QWebSocket), and every server here takes the setting.
bool directWrite()
{
    static const bool direct = [] {
        QCommandLineParser parser;
        Config::addOptions(parser);
        parser.parse({QStringLiteral("tst_stream")});
        Config environment;
        QString error;
        if (!Config::load(parser, &environment, &error))
            qFatal("The test's environment holds a bad setting: %s", qPrintable(error));
        return environment.streamDirectWrite;
    }();
    return direct;
}

// TestServer's settings with this run's writer.
Config streamConfig()
{
    Config c = TestServer::defaultConfig();
    c.streamDirectWrite = directWrite();
    return c;
}

Config fastConfig()
{
    Config c = streamConfig();
    c.streamResumeTimeoutMs = 1500;
    c.listenerCheckMs = 200;
    c.presenceIntervalMs = 300;
    return c;
}

// A client that does the WebSocket handshake by hand and then never reads nor answers: a frozen console.
class SilentClient {
public:
    SilentClient(quint16 port, const QByteArray &token)
    {
        m_socket.setReadBufferSize(1); // stop reading after the handshake: the kernel buffers fill up
        m_socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_socket.waitForConnected(5000); // completed by the kernel: no need for the server's event loop
        m_socket.write(rawUpgradeRequest("Authorization: Bearer " + token));
        m_socket.flush();
        // The server's 101, then nothing more is read: the buffers between us fill up.
        QByteArray answer;
        QDeadlineTimer deadline(5000); // the server runs on this thread: wait in its event loop
        while (!answer.contains("\r\n\r\n") && !deadline.hasExpired()) {
            if (m_socket.bytesAvailable() > 0)
                answer += m_socket.read(1);
            else
                QTest::qWait(5);
        }
        handshake = answer;
        m_socket.setReadBufferSize(1);
    }
    QByteArray handshake;
    // Sends the resume frame, masked as a client must.
    void resume(qint64 after)
    {
        m_socket.write(maskedResumeFrame(after));
        m_socket.flush();
    }
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }

private:
    QTcpSocket m_socket;
};

// TCP_NODELAY on this process's end of the loopback connection whose peer is local port `clientPort`
// (-1: no such connection).
int serverNoDelay(quint16 clientPort)
{
    const QDir fds(QStringLiteral("/proc/self/fd"));
    for (const QString &name : fds.entryList(QDir::NoDotAndDotDot | QDir::System | QDir::Files)) {
        const int fd = name.toInt();
        sockaddr_in peer{};
        socklen_t length = sizeof peer;
        if (::getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &length) != 0 ||
            peer.sin_family != AF_INET || ntohs(peer.sin_port) != clientPort)
            continue;
        int on = 0;
        socklen_t size = sizeof on;
        if (::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &size) == 0)
            return on;
    }
    return -1;
}

} // namespace

// The event stream (API.md, "GET /api/chat/stream") against the real server over loopback WebSockets.
class TestStream : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        qInfo("Events are written %s", directWrite()
                                           ? "straight to the connections (LIFTLINE_STREAM_DIRECT_WRITE=1)"
                                           : "through QWebSocket (LIFTLINE_STREAM_DIRECT_WRITE=0)");
        TestCluster::instance();
    }

    void plainGetIsAnswered426()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        TestServer server(params, streamConfig());
        const HttpResult r = server.http().get(QStringLiteral("/api/chat/stream"), TestServer::admin());
        VERIFY_ERROR(r, 426, "upgrade_required");
    }

    void unauthenticatedUpgradeIsClosed1008WithoutAFrame()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        writeEvents(db, 3);
        Events::sequence(db);
        TestServer server(params, streamConfig());
        for (const Headers &headers : {Headers{}, bearer("not-a-session-token-at-all")}) {
            StreamClient client(server.baseUrl(), headers);
            QVERIFY(client.waitConnected()); // Qt 6.4 takes the socket before credentials can be checked
            client.resume(0);
            QVERIFY(client.waitClosed());
            QCOMPARE(client.closeCode(), 1008);
            QVERIFY2(!client.closeReason().isEmpty(), "the close says why");
            QCOMPARE(client.frames.size(), 0);
        }
    }

    // A client that connects and stalls before resuming (a laptop waking from sleep) is closed so that it
    // reconnects and resumes: not with 1008, which a console takes as "sign in again".
    void clientThatNeverResumesIsClosed()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        TestServer server(params, fastConfig());
        StreamClient client(server.baseUrl(), adminHeaders());
        QVERIFY(client.waitConnected());
        QVERIFY(client.waitClosed(10000));
        QCOMPARE(client.closeCode(), int(Wire::Close::protocolError));
        QVERIFY2(client.closeReason().contains(QLatin1String("resume")), qPrintable(client.closeReason()));
        QCOMPARE(client.frames.size(), 0);
    }

    void replayFromZeroAndFromTheMiddle()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        writeEvents(db, 40);
        Events::sequence(db);
        TestServer server(params, streamConfig());
        const qint64 last = newest(db);
        QCOMPARE(last, 40);
        for (qint64 after : {qint64(0), qint64(17), last}) {
            StreamClient client(server.baseUrl(), adminHeaders());
            QVERIFY(client.waitConnected());
            client.resume(after);
            QVERIFY(client.waitForType(QStringLiteral("ready")));
            QString why;
            QVERIFY2(consecutive(client.seqs(), after + 1, last, &why), qPrintable(why));
            const QJsonObject ready = client.first(QStringLiteral("ready"));
            QCOMPARE(ready.value(QStringLiteral("seq")).toInteger(), last);
            QVERIFY(!ready.value(QStringLiteral("server_time")).toString().isEmpty());
            // Everything replayed comes before ready; presence follows it.
            QCOMPARE(client.frames.at(int(last - after)).value(QStringLiteral("type")).toString(),
                     QStringLiteral("ready"));
            QVERIFY(client.waitForType(QStringLiteral("presence")));
            if (after < last)
                QCOMPARE(client.events().first().value(QStringLiteral("event")).toString(),
                         QStringLiteral("test.event"));
        }
    }

    // Events are framed once and written straight to each console's connection (or, in the run without the
    // fast path, handed to QWebSocket): every payload length encoding (7-bit, 16-bit, 64-bit) and multi-byte
    // UTF-8 must arrive whole, replayed and live.
    void framesOfEverySizeArriveWhole()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        QStringList texts;
        for (int n = 0; n <= 160; n += 3) // the frame header grows from 2 to 4 bytes at 126
            texts << QString(n, QLatin1Char('x'));
        for (int n = 65300; n <= 65600; n += 37) // and from 4 to 10 bytes at 65,536
            texts << QString(n, QLatin1Char('y'));
        texts << QStringLiteral("Lift 3 stuck between floors \u00e9\u20ac \U0001F6D7 \\ \"quoted\"")
              << QString::fromUtf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x9b\x97").repeated(30000);
        const auto writeAll = [&] {
            for (const QString &text : std::as_const(texts))
                db.execOnce(
                    QStringLiteral("SELECT chat_emit('test.text', NULL, json_build_object('text', ?::text))"),
                    {text});
            Events::sequence(db);
        };
        writeAll(); // replayed from the database
        TestServer server(params, fastConfig());
        StreamClient client(server.baseUrl(), adminHeaders());
        QVERIFY(client.waitConnected());
        client.resume(0);
        QVERIFY(client.waitForType(QStringLiteral("ready")));
        QCOMPARE(server.app().hub()->directCount(), directWrite() ? 1 : 0);
        writeAll(); // live, from memory
        const qsizetype all = 2 * texts.size();
        QVERIFY(client.waitFor([&] { return client.events().size() >= all; }));
        QString why;
        QVERIFY2(consecutive(client.seqs(), 1, all, &why), qPrintable(why));
        const QList<QJsonObject> events = client.events();
        for (qsizetype i = 0; i < all; ++i)
            QCOMPARE(events.at(i)
                         .value(QStringLiteral("data"))
                         .toObject()
                         .value(QStringLiteral("text"))
                         .toString(),
                     texts.at(i % texts.size()));
        QVERIFY(client.socket().state() == QAbstractSocket::ConnectedState);
    }

    // The writer is the one the setting names, for every console: the two runs of this suite differ. The
    // consoles get the same events either way, replayed (from memory and from the database) and live.
    void writerFollowsTheSetting()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        writeEvents(db, 30);
        Events::sequence(db);
        Config config = streamConfig();
        TestServer server(params, config);
        writeEvents(db, 30);
        QTRY_COMPARE(server.app().hub()->latest(), qint64(60));
        StreamClient a(server.baseUrl(), adminHeaders());
        StreamClient b(server.baseUrl(), adminHeaders());
        QVERIFY(a.waitConnected());
        QVERIFY(b.waitConnected());
        a.resume(0);  // 30 from the database, 30 from memory
        b.resume(45); // from memory
        QVERIFY(a.waitForType(QStringLiteral("ready")));
        QVERIFY(b.waitForType(QStringLiteral("ready")));
        QCOMPARE(server.app().hub()->connectionCount(), 2);
        QCOMPARE(server.app().hub()->directCount(), config.streamDirectWrite ? 2 : 0);
        writeEvents(db, 10); // live
        QVERIFY(a.waitFor([&] { return a.lastSeq() == 70; }));
        QVERIFY(b.waitFor([&] { return b.lastSeq() == 70; }));
        QString why;
        QVERIFY2(consecutive(a.seqs(), 1, 70, &why), qPrintable(why));
        QVERIFY2(consecutive(b.seqs(), 46, 70, &why), qPrintable(why));
    }

    // LIFTLINE_STREAM_DIRECT_WRITE takes 1, true, 0 or false, from the environment or the --config file;
    // anything else stops the server with an error that names the setting.
    void directWriteSettingTakesOnlyOnOrOff()
    {
        const char *name = "LIFTLINE_STREAM_DIRECT_WRITE";
        const bool wasSet = qEnvironmentVariableIsSet(name);
        const QByteArray was = qgetenv(name);
        const auto restore = qScopeGuard([&] {
            if (wasSet)
                qputenv(name, was);
            else
                qunsetenv(name);
        });
        const auto load = [](const QStringList &args, Config *c, QString *error) {
            QCommandLineParser parser;
            Config::addOptions(parser);
            parser.parse(QStringList{QStringLiteral("liftline-server")} + args);
            return Config::load(parser, c, error);
        };
        const std::pair<const char *, bool> accepted[] = {{"1", true},  {"true", true},   {" TRUE ", true},
                                                          {"0", false}, {"false", false}, {"False", false}};
        for (const auto &[value, on] : accepted) {
            qputenv(name, value);
            Config c;
            QString error;
            QVERIFY2(load({}, &c, &error), qPrintable(error));
            QCOMPARE(c.streamDirectWrite, on);
        }
        qunsetenv(name);
        Config c;
        QString error;
        QVERIFY2(load({}, &c, &error), qPrintable(error));
        QVERIFY(c.streamDirectWrite); // the default
        QTemporaryDir dir;
        QFile ini(dir.filePath(QStringLiteral("server.conf")));
        QVERIFY(ini.open(QIODevice::WriteOnly));
        ini.write("LIFTLINE_STREAM_DIRECT_WRITE=0\n");
        ini.close();
        QVERIFY2(load({QStringLiteral("--config"), ini.fileName()}, &c, &error), qPrintable(error));
        QVERIFY(!c.streamDirectWrite);
        for (const char *bad : {"yes", "2", "on", "off"}) {
            qputenv(name, bad);
            QVERIFY(!load({}, &c, &error));
            QVERIFY2(error.contains(QLatin1String(name)) && error.contains(QLatin1String(bad)),
                     qPrintable(error));
        }
    }

    // Small frames written one after another must not wait for the client's delayed ACK (Nagle): before
    // the server set TCP_NODELAY, an idle console got its events 13 ms late in the median, 42 ms at p99.
    void connectionsSendWithoutNagleDelay()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        TestServer server(params, streamConfig());
        StreamClient client(server.baseUrl(), adminHeaders());
        QVERIFY(client.waitConnected());
        client.resume(0);
        QVERIFY(client.waitForType(QStringLiteral("ready")));
        QCOMPARE(serverNoDelay(client.socket().localPort()), 1);
    }

    void liveEventsAfterReadyAndAnAgentRequestEndToEnd()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        TestServer server(params, streamConfig());
        const QByteArray token = server.signIn(QStringLiteral("alice"), QStringLiteral("Alice Agent"));
        StreamClient client(server.baseUrl(), bearer(token));
        QVERIFY(client.waitConnected());
        client.resume(newest(db));
        QVERIFY(client.waitForType(QStringLiteral("ready")));
        // A technician asks for an agent: the console hears of it without asking.
        const QByteArray body =
            QStringLiteral(
                R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"27110000000","phone_number_id":"1"},"contacts":[{"profile":{"name":"Sipho"},"wa_id":"27820000001"}],"messages":[{"from":"27820000001","id":"wamid.STREAM.1","timestamp":"%1","type":"text","text":{"body":"Agent, we are stuck"}}]}}]}]})")
                .arg(QDateTime::currentSecsSinceEpoch())
                .toUtf8();
        const HttpResult r = server.http().post(
            QStringLiteral("/webhooks/whatsapp"), body,
            {{"X-Hub-Signature-256", WebhookBody::signature(body, server.app().webhookSecret())}});
        VERIFY_STATUS(r, 200);
        QVERIFY(client.waitFor([&] {
            for (const QJsonObject &e : client.events())
                if (e.value(QStringLiteral("event")).toString() == QLatin1String("agent.requested"))
                    return true;
            return false;
        }));
        QStringList kinds;
        for (const QJsonObject &e : client.events()) {
            kinds << e.value(QStringLiteral("event")).toString();
            QCOMPARE(e.value(QStringLiteral("ticket_id")).toInt(), ticket);
        }
        QVERIFY2(kinds.contains(QStringLiteral("message.created")), qPrintable(kinds.join(',')));
        QVERIFY2(kinds.contains(QStringLiteral("conversation.updated")), qPrintable(kinds.join(',')));
        QString why;
        QVERIFY2(consecutive(client.seqs(), client.seqs().first(), client.lastSeq(), &why), qPrintable(why));
    }

    void ticketChangedByPlainSqlFromOutside()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        Events::sequence(db);
        TestServer server(params, streamConfig());
        StreamClient client(server.baseUrl(), adminHeaders());
        QVERIFY(client.waitConnected());
        client.resume(newest(db));
        QVERIFY(client.waitForType(QStringLiteral("ready")));
        // The original system closes the ticket on its own connection and never calls our sequencer.
        Db other(params, QStringLiteral("original-system"));
        other.execOnce(
            QStringLiteral("UPDATE tickets SET status = 'closed', resolved_at = now() WHERE id = ?"),
            {ticket});
        QVERIFY(client.waitFor([&] { return !client.events().isEmpty(); }, 5000));
        const QJsonObject e = client.events().first();
        QCOMPARE(e.value(QStringLiteral("event")).toString(), QStringLiteral("conversation.updated"));
        QCOMPARE(e.value(QStringLiteral("data")).toObject().value(QStringLiteral("status")).toString(),
                 QStringLiteral("closed"));
    }

    void reconnectInTheMiddleOfABurst()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        TestServer server(params, fastConfig());
        // A writer keeps adding events while the console drops and comes back three times.
        Db writer(params, QStringLiteral("writer"));
        QTimer burst;
        int written = 0;
        connect(&burst, &QTimer::timeout, this, [&] {
            writeEvents(writer, 5);
            written += 5;
        });
        burst.start(5);
        QList<qint64> seen;
        qint64 resumeFrom = 0;
        for (int round = 0; round < 4; ++round) {
            StreamClient client(server.baseUrl(), adminHeaders());
            QVERIFY(client.waitConnected());
            client.resume(resumeFrom);
            QVERIFY(client.waitFor([&] { return client.seqs().size() >= 100; }));
            if (round < 3)
                client.abort(); // the network drops: no close handshake
            seen += client.seqs();
            resumeFrom = client.lastSeq();
        }
        burst.stop();
        // Once the writer stops, a last resume brings the rest.
        Events::sequence(writer);
        const qint64 last = newest(db);
        StreamClient client(server.baseUrl(), adminHeaders());
        QVERIFY(client.waitConnected());
        client.resume(resumeFrom);
        QVERIFY(client.waitForType(QStringLiteral("ready")));
        seen += client.seqs();
        QString why;
        QVERIFY2(consecutive(seen, 1, last, &why), qPrintable(why));
        QCOMPARE(last, written);
    }

    void listenerConnectionKilledWhileEventsAreWritten()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        TestServer server(params, fastConfig());
        StreamClient client(server.baseUrl(), adminHeaders());
        QVERIFY(client.waitConnected());
        client.resume(0);
        QVERIFY(client.waitForType(QStringLiteral("ready")));
        QTRY_VERIFY(server.app().listener()->isConnected());
        const quint64 before = server.app().listener()->reconnects();
        for (int round = 0; round < 3; ++round) {
            writeEvents(db, 50);
            QCOMPARE(db.scalar(QStringLiteral(
                                   "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                                   "application_name = 'liftline-listener' AND datname = "
                                   "current_database()"))
                         .toInt(),
                     1);
            writeEvents(db, 50); // announced while nobody listens
            QTRY_VERIFY_WITH_TIMEOUT(server.app().listener()->reconnects() > before + quint64(round), 10000);
        }
        Events::sequence(db);
        const qint64 last = newest(db);
        QCOMPARE(last, 300);
        QVERIFY(client.waitFor([&] { return client.lastSeq() == last; }));
        QString why;
        QVERIFY2(consecutive(client.seqs(), 1, last, &why), qPrintable(why));
        QVERIFY(!client.isClosed());
    }

    void twoInstancesManyWritersOneReader()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        Seed::technicianWrote(db, ticket);
        Events::sequence(db);
        TestServer a(params, fastConfig());
        TestServer b(params, fastConfig());
        const qint64 start = newest(db);
        // The reader is on B; the writers send through A and B over the API, and others write directly.
        StreamClient reader(b.baseUrl(), adminHeaders());
        QVERIFY(reader.waitConnected());
        reader.resume(start);
        QVERIFY(reader.waitForType(QStringLiteral("ready")));
        std::vector<std::unique_ptr<Db>> writers;
        for (int i = 0; i < 4; ++i)
            writers.push_back(std::make_unique<Db>(params, QStringLiteral("writer-%1").arg(i)));
        int sends = 0;
        for (int round = 0; round < 20; ++round) {
            for (auto &w : writers)
                writeEvents(*w, 3);
            TestServer &through = round % 2 ? a : b;
            const HttpResult r = through.http().postJson(
                QStringLiteral("/api/chat/%1/send").arg(ticket),
                {{QStringLiteral("message"), QStringLiteral("round %1").arg(round)}}, TestServer::admin());
            VERIFY_STATUS(r, 200);
            ++sends;
        }
        QTRY_COMPARE_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT count(*) FROM chat_events WHERE seq IS NULL")).toInt(), 0,
            10000);
        const qint64 last = newest(db);
        QVERIFY(reader.waitFor([&] { return reader.lastSeq() >= last; }));
        QString why;
        QVERIFY2(consecutive(reader.seqs(), start + 1, last, &why), qPrintable(why));
        // A's sends reached B's console.
        int created = 0;
        for (const QJsonObject &e : reader.events())
            created +=
                e.value(QStringLiteral("event")).toString() == QLatin1String("message.created") ? 1 : 0;
        QCOMPARE(created, sends);
    }

    void resetForAFutureNumberOrATooLargeGap()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        writeEvents(db, 30);
        Events::sequence(db);
        Config config = streamConfig();
        config.streamMaxReplay = 10;
        TestServer server(params, config);
        {
            StreamClient client(server.baseUrl(), adminHeaders());
            QVERIFY(client.waitConnected());
            client.resume(1000); // the database was recreated under the console
            QVERIFY(client.waitForType(QStringLiteral("reset")));
            QCOMPARE(client.seqs().size(), 0);
            // It reloads its snapshot and resumes on the same connection.
            client.resume(25);
            QVERIFY(client.waitForType(QStringLiteral("ready")));
            QString why;
            QVERIFY2(consecutive(client.seqs(), 26, 30, &why), qPrintable(why));
        }
        {
            StreamClient client(server.baseUrl(), adminHeaders());
            QVERIFY(client.waitConnected());
            client.resume(5); // 25 behind, more than the 10 this server replays
            QVERIFY(client.waitForType(QStringLiteral("reset")));
            QCOMPARE(client.seqs().size(), 0);
        }
    }

    void replayOlderThanTheMemoryComesFromTheDatabase()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        TestServer server(params, streamConfig());
        writeEvents(db, 25000); // more than the 20,000 kept in memory
        QTRY_COMPARE_WITH_TIMEOUT(server.app().hub()->latest(), qint64(25000), 20000);
        StreamClient client(server.baseUrl(), adminHeaders());
        QVERIFY(client.waitConnected());
        client.resume(2);
        QVERIFY(client.waitForType(QStringLiteral("ready"), 30000));
        QString why;
        QVERIFY2(consecutive(client.seqs(), 3, 25000, &why), qPrintable(why));
    }

    void slowConsumerIsDisconnectedWithAReason()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Config config = streamConfig();
        config.streamMaxBufferedBytes = 256 * 1024;
        config.streamStallMs = 2000;
        TestServer server(params, config);
        const QByteArray token = server.signIn(QStringLiteral("slow"), QStringLiteral("Slow Console"));
        SilentClient frozen(server.app().port(), token);
        QVERIFY2(frozen.handshake.startsWith("HTTP/1.1 101"), frozen.handshake.constData());
        frozen.resume(0);
        StreamClient healthy(server.baseUrl(), adminHeaders());
        QVERIFY(healthy.waitConnected());
        healthy.resume(0);
        QVERIFY(healthy.waitForType(QStringLiteral("ready")));
        writeEvents(db, 4000, 4000); // 16 MB of events
        QTRY_VERIFY_WITH_TIMEOUT(server.app().hub()->slowClosed() == 1, 30000);
        QVERIFY(healthy.waitFor([&] { return healthy.lastSeq() == 4000; }, 60000));
        QString why;
        QVERIFY2(consecutive(healthy.seqs(), 1, 4000, &why), qPrintable(why));
        QVERIFY(!healthy.isClosed());
        const HttpResult metrics = server.http().get(QStringLiteral("/metrics"));
        QVERIFY(metrics.body.contains("liftline_stream_closed_total{reason=\"too_slow\"} 1"));
    }

    void consoleThatStopsAnsweringPingsIsClosed()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Config config = fastConfig();
        config.streamPingMs = 300;
        TestServer server(params, config);
        const QByteArray token = server.signIn(QStringLiteral("gone"), QStringLiteral("Gone Console"));
        SilentClient frozen(server.app().port(), token);
        QVERIFY2(frozen.handshake.startsWith("HTTP/1.1 101"), frozen.handshake.constData());
        frozen.resume(0);
        StreamClient healthy(server.baseUrl(), adminHeaders());
        QVERIFY(healthy.waitConnected());
        healthy.resume(0);
        QVERIFY(healthy.waitForType(QStringLiteral("ready")));
        QTRY_VERIFY_WITH_TIMEOUT(server.app().hub()->deadClosed() == 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(server.app().hub()->connectionCount(), 1, 5000);
        QTest::qWait(1000); // several more pings: the one that answers stays
        QVERIFY(!healthy.isClosed());
        QCOMPARE(server.app().hub()->deadClosed(), quint64(1));
    }

    void consoleIsClosedWhenItsSessionEnds()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        TestServer server(params, fastConfig());
        const QByteArray token = server.signIn(QStringLiteral("alice"), QStringLiteral("Alice Agent"));
        StreamClient client(server.baseUrl(), bearer(token));
        QVERIFY(client.waitConnected());
        client.resume(0);
        QVERIFY(client.waitForType(QStringLiteral("ready")));
        QTest::qWait(700); // heartbeats with the session still valid leave it alone
        QVERIFY(!client.isClosed());
        // An admin revokes the agent's sessions: the open console stops receiving, with the reason.
        db.execOnce(QStringLiteral("UPDATE agent_sessions SET revoked_at = now()"));
        QVERIFY(client.waitClosed(5000));
        QCOMPARE(client.closeCode(), 1008);
        QVERIFY2(client.closeReason().contains(QLatin1String("sign in")), qPrintable(client.closeReason()));
    }

    void consolesReloadWhenTheEventTableStartsOver()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        writeEvents(db, 20);
        Events::sequence(db);
        TestServer server(params, fastConfig());
        StreamClient client(server.baseUrl(), adminHeaders());
        QVERIFY(client.waitConnected());
        client.resume(20);
        QVERIFY(client.waitForType(QStringLiteral("ready")));
        // The database is restored from an older backup under the running server.
        db.execOnce(QStringLiteral("DELETE FROM chat_events WHERE seq > 5"));
        QVERIFY(client.waitForType(QStringLiteral("reset"), 5000));
        client.resume(5);
        QVERIFY(client.waitFor([&] { return client.count(QStringLiteral("ready")) == 2; }));
        // Numbering goes on from there, and the console gets what comes next.
        writeEvents(db, 3);
        QVERIFY(client.waitFor([&] { return client.lastSeq() == 8; }));
        QString why;
        QVERIFY2(consecutive(client.seqs(), 6, 8, &why), qPrintable(why));
    }

    void presenceAcrossInstances()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        auto a = std::make_unique<TestServer>(params, fastConfig());
        auto b = std::make_unique<TestServer>(params, fastConfig());
        const QByteArray alice = a->signIn(QStringLiteral("alice"), QStringLiteral("Alice Agent"));
        const QByteArray bob = b->signIn(QStringLiteral("bob"), QStringLiteral("Bob Agent"));
        const auto online = [&](TestServer &s) {
            QStringList names;
            const HttpResult r =
                s.http().get(QStringLiteral("/api/agents/online"), HttpClient::bearer(alice));
            for (const QJsonValue &v : r.json.value(QStringLiteral("agents")).toArray())
                names << v.toObject().value(QStringLiteral("username")).toString();
            return names.join(QLatin1Char(','));
        };
        QCOMPARE(online(*a), QString());

        StreamClient aliceConsole(a->baseUrl(), bearer(alice));
        QVERIFY(aliceConsole.waitConnected());
        aliceConsole.resume(0);
        QVERIFY(aliceConsole.waitForType(QStringLiteral("ready")));
        // Within the presence interval (300 ms) on a quiet machine; 5 s was once too short under a full
        // parallel test run.
        QTRY_COMPARE_WITH_TIMEOUT(online(*b), QStringLiteral("alice"), 20000);

        // Bob's console on B shows on A's stream.
        auto bobConsole = std::make_unique<StreamClient>(b->baseUrl(), bearer(bob));
        QVERIFY(bobConsole->waitConnected());
        bobConsole->resume(0);
        QVERIFY(bobConsole->waitForType(QStringLiteral("ready")));
        const auto lastPresence = [&](StreamClient &c) {
            QStringList names;
            for (const QJsonObject &f : c.frames)
                if (f.value(QStringLiteral("type")).toString() == QLatin1String("presence")) {
                    names.clear();
                    for (const QJsonValue &v : f.value(QStringLiteral("online")).toArray())
                        names << v.toObject().value(QStringLiteral("username")).toString();
                }
            return names.join(QLatin1Char(','));
        };
        QTRY_COMPARE(lastPresence(aliceConsole), QStringLiteral("alice,bob"));
        QCOMPARE(online(*a), QStringLiteral("alice,bob"));
        QVERIFY(!aliceConsole.first(QStringLiteral("presence")).contains(QStringLiteral("seq")));

        // Bob closes his console: gone everywhere.
        bobConsole->close();
        QTRY_COMPARE(lastPresence(aliceConsole), QStringLiteral("alice"));

        // A clean stop of B removes its consoles at once.
        bobConsole = std::make_unique<StreamClient>(b->baseUrl(), bearer(bob));
        QVERIFY(bobConsole->waitConnected());
        bobConsole->resume(0);
        QTRY_COMPARE(lastPresence(aliceConsole), QStringLiteral("alice,bob"));
        b.reset();
        QTRY_COMPARE(online(*a), QStringLiteral("alice"));
        QTRY_COMPARE(lastPresence(aliceConsole), QStringLiteral("alice"));

        // An instance that dies without a word (SIGKILL): its heartbeat stops, and once it is older than the
        // timeout (shortened here from 20 s) its consoles no longer count.
        db.execOnce(QStringLiteral("CREATE OR REPLACE FUNCTION liftline_instance_timeout() RETURNS interval "
                                   "LANGUAGE sql IMMUTABLE AS $$ SELECT interval '7 seconds' $$"));
        ServerProcess c{QString()};
        QProcessEnvironment environment = databaseEnvironment(params);
        environment.insert(QStringLiteral("ADMIN_TOKEN"), QString::fromLatin1(TestServer::adminToken));
        c.setEnvironment(environment);
        QVERIFY2(c.start(), qPrintable(c.output()));
        bobConsole = std::make_unique<StreamClient>(c.url(), bearer(bob));
        QVERIFY(bobConsole->waitConnected());
        bobConsole->resume(0);
        QVERIFY(bobConsole->waitForType(QStringLiteral("ready")));
        QTRY_COMPARE(lastPresence(aliceConsole), QStringLiteral("alice,bob"));
        c.kill();
        QTRY_COMPARE_WITH_TIMEOUT(online(*a), QStringLiteral("alice"), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(lastPresence(aliceConsole), QStringLiteral("alice"), 3000);
    }
};

QTEST_GUILESS_MAIN(TestStream)
#include "tst_stream.moc"
