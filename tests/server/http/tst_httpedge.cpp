// The HTTP edge tried as a hostile or clumsy client would: raw sockets on loopback against the server in
// this process, so every byte on the wire is the test's choice.
#include "ServerProcess.h"
#include "StreamClient.h"
#include "TestCluster.h"
#include "TestServer.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>

namespace {

// One raw connection. The server runs on this thread: every wait spins the event loop.
class Raw {
public:
    explicit Raw(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_socket.waitForConnected(5000);
    }
    bool connected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    void send(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.flush();
    }
    // Reads until `done` holds for what arrived, the peer closes, or the time is up; returns all received.
    QByteArray readUntil(const std::function<bool(const QByteArray &)> &done, int timeoutMs = 5000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            m_received += m_socket.readAll();
            if (done(m_received) || m_socket.state() != QAbstractSocket::ConnectedState)
                break;
            QTest::qWait(5);
        }
        m_received += m_socket.readAll();
        return m_received;
    }
    // The next whole answer (headers, then Content-Length bytes; none after a HEAD); empty if none came.
    QByteArray answer(bool head = false, int timeoutMs = 5000)
    {
        qsizetype total = -1;
        readUntil(
            [&](const QByteArray &r) {
                total = answerSize(r, head);
                return total >= 0 && r.size() >= total;
            },
            timeoutMs);
        total = answerSize(m_received, head);
        if (total < 0 || m_received.size() < total)
            return {};
        const QByteArray one = m_received.left(total);
        m_received.remove(0, total);
        return one;
    }
    // Whether the server closed the connection within the time.
    bool closedWithin(int timeoutMs)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            m_received += m_socket.readAll();
            if (m_socket.state() != QAbstractSocket::ConnectedState)
                return true;
            QTest::qWait(10);
        }
        return m_socket.state() != QAbstractSocket::ConnectedState;
    }
    QByteArray pending() const { return m_received; }
    QTcpSocket &socket() { return m_socket; }

    static int status(const QByteArray &answer)
    {
        return answer.startsWith("HTTP/1.1 ") ? answer.mid(9, 3).toInt() : 0;
    }
    static QByteArray body(const QByteArray &answer)
    {
        const qsizetype end = answer.indexOf("\r\n\r\n");
        return end < 0 ? QByteArray() : answer.mid(end + 4);
    }
    static QByteArray header(const QByteArray &answer, const QByteArray &name)
    {
        const qsizetype end = answer.indexOf("\r\n\r\n");
        const QList<QByteArray> lines = answer.left(end).split('\n');
        for (const QByteArray &line : lines) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }

private:
    static qsizetype answerSize(const QByteArray &r, bool head)
    {
        const qsizetype end = r.indexOf("\r\n\r\n");
        if (end < 0)
            return -1;
        if (head)
            return end + 4;
        const QByteArray length = header(r.left(end + 4), "Content-Length");
        return end + 4 + length.toLongLong();
    }

    QTcpSocket m_socket;
    QByteArray m_received;
};

Config edgeConfig()
{
    Config c = TestServer::defaultConfig();
    c.httpHeaderTimeoutMs = 1000;
    c.httpBodyTimeoutMs = 1000;
    c.httpIdleTimeoutMs = 1000;
    return c;
}

QByteArray get(const QByteArray &path, const QByteArray &extra = {})
{
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

// A masked client frame header announcing `length` bytes (opcode text, FIN as given).
QByteArray frameHeader(quint64 length, bool fin = true, int opcode = 1)
{
    QByteArray h;
    h.append(char((fin ? 0x80 : 0) | opcode));
    if (length < 126) {
        h.append(char(0x80 | length));
    } else if (length <= 0xffff) {
        h.append(char(0x80 | 126));
        h.append(char(length >> 8));
        h.append(char(length & 0xff));
    } else {
        h.append(char(0x80 | 127));
        for (int i = 7; i >= 0; --i)
            h.append(char((length >> (8 * i)) & 0xff));
    }
    h.append("\0\0\0\0", 4); // a zero mask: the payload goes as it is
    return h;
}

// The close code of a server close frame at the start of `bytes` (after the 101), or 0.
int closeCode(const QByteArray &frames)
{
    if (frames.size() < 4 || (quint8(frames.at(0)) & 0x0f) != 0x8)
        return 0;
    return (quint8(frames.at(2)) << 8) | quint8(frames.at(3));
}

} // namespace

class TestHttpEdge : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { TestCluster::instance(); }

    // ------------------------------------------------------------------------------------ header limits

    void oversizedHeaderIsRefusedWith431()
    {
        TestServer server(TestCluster::instance().createDatabase(), edgeConfig());
        Raw raw(server.app().port());
        // 64 KiB in one header line, sent in pieces: refused once 16 KiB have come, not buffered whole.
        raw.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
        for (int i = 0; i < 64 && raw.connected(); ++i)
            raw.send(QByteArray(1024, 'a'));
        const QByteArray answer = raw.answer();
        QCOMPARE(Raw::status(answer), 431);
        QVERIFY2(Raw::body(answer).contains("headers_too_large"), answer.constData());
        QVERIFY(raw.closedWithin(3000));
        // The server still answers others.
        VERIFY_STATUS(server.http().get(QStringLiteral("/healthz")), 200);
    }

    void malformedRequestGets400()
    {
        TestServer server(TestCluster::instance().createDatabase(), edgeConfig());
        for (const QByteArray &bad :
             {QByteArray("GARBAGE\r\n\r\n"), QByteArray("GET /healthz HTTP/9.9\r\n\r\n"),
              QByteArray("POST /api/auth/login HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n"),
              QByteArray("POST /api/auth/login HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: "
                         "4\r\n\r\n"),
              QByteArray("GET healthz HTTP/1.1\r\nHost: x\r\n\r\n")}) {
            Raw raw(server.app().port());
            raw.send(bad);
            const QByteArray answer = raw.answer();
            QVERIFY2(Raw::status(answer) == 400, (bad + " -> " + answer).constData());
            QVERIFY(raw.closedWithin(3000));
        }
    }

    // ------------------------------------------------------------------------------------- body limits

    void announcedBodyOverTheLimitIsRefusedBeforeItIsRead()
    {
        TestServer server(TestCluster::instance().createDatabase(), edgeConfig());
        Raw raw(server.app().port());
        // 256 MiB announced, none sent: the answer comes at once.
        raw.send("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 "Content-Length: 268435456\r\n\r\n");
        const QByteArray answer = raw.answer(false, 3000);
        QCOMPARE(Raw::status(answer), 413);
        QVERIFY2(Raw::body(answer).contains("65536"), answer.constData());
        QCOMPARE(Raw::header(answer, "Connection"), QByteArray("close"));
        QVERIFY(raw.closedWithin(4000));
    }

    void eachRouteHasItsBodyLimit()
    {
        TestServer server(TestCluster::instance().createDatabase(), edgeConfig());
        const auto statusFor = [&](const QByteArray &path, qint64 size) {
            Raw raw(server.app().port());
            raw.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
                     "Content-Length: " + QByteArray::number(size) + "\r\n\r\n");
            raw.send(QByteArray(size, ' '));
            return Raw::status(raw.answer(false, 10000));
        };
        // The API: 64 KiB. Within it the route answers (here: no credentials, or not JSON).
        QCOMPARE(statusFor("/api/chat/1/send", 64 * 1024 + 1), 413);
        QCOMPARE(statusFor("/api/chat/1/send", 64 * 1024), 401);
        // The webhook: 1 MiB.
        QCOMPARE(statusFor("/webhooks/whatsapp", 1024 * 1024 + 1), 413);
        QCOMPARE(statusFor("/webhooks/whatsapp", 600 * 1024), 401);
        // The registry upload: 16 MiB.
        QCOMPARE(statusFor("/api/admin/registry", 2 * 1024 * 1024), 401);
    }

    void chunkedBodyIsRefusedOnceItPassesTheLimit()
    {
        TestServer server(TestCluster::instance().createDatabase(), edgeConfig());
        Raw raw(server.app().port());
        raw.send("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n");
        QByteArray answer;
        for (int i = 0; i < 200 && answer.isEmpty() && raw.connected(); ++i) {
            raw.send("2000\r\n" + QByteArray(0x2000, 'x') + "\r\n"); // 8 KiB chunks
            answer = raw.answer(false, 20);
        }
        if (answer.isEmpty())
            answer = raw.answer();
        QCOMPARE(Raw::status(answer), 413);
        QVERIFY(raw.closedWithin(4000));
    }

    void expectContinueIsAnswered()
    {
        TestServer server(TestCluster::instance().createDatabase(), edgeConfig());
        Raw raw(server.app().port());
        raw.send("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        const QByteArray proceed = raw.readUntil([](const QByteArray &r) { return r.contains("\r\n\r\n"); });
        QVERIFY2(proceed.startsWith("HTTP/1.1 100 Continue\r\n\r\n"), proceed.constData());
        raw.answer(); // the 100 itself: a header with no body
        raw.send("{}");
        const QByteArray answer = raw.answer();
        QCOMPARE(Raw::status(answer), 400); // no username: the route's own answer

        // Announced over the limit: refused instead of invited.
        Raw big(server.app().port());
        big.send("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: "
                 "10000000\r\n\r\n");
        QCOMPARE(Raw::status(big.answer()), 413);
    }

    // ---------------------------------------------------------------------------------------- timeouts

    void silentConnectionIsClosed()
    {
        TestServer server(TestCluster::instance().createDatabase(), edgeConfig());
        Raw raw(server.app().port());
        QVERIFY(raw.connected());
        QVERIFY(!raw.closedWithin(500));
        QVERIFY(raw.closedWithin(3000));
        QVERIFY(raw.pending().isEmpty()); // nothing was asked: nothing is answered
    }

    void incompleteRequestTimesOutWith408_data()
    {
        QTest::addColumn<QByteArray>("sent");
        QTest::newRow("half a request line") << QByteArray("GET /hea");
        QTest::newRow("part of the body")
            << QByteArray("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{\"u");
    }
    void incompleteRequestTimesOutWith408()
    {
        QFETCH(QByteArray, sent);
        TestServer server(TestCluster::instance().createDatabase(), edgeConfig());
        Raw raw(server.app().port());
        raw.send(sent);
        const QByteArray answer = raw.answer(false, 4000);
        QCOMPARE(Raw::status(answer), 408);
        QVERIFY(raw.closedWithin(3000));
    }

    void slowHeadersTimeOutEvenWhenBytesKeepComing()
    {
        TestServer server(TestCluster::instance().createDatabase(), edgeConfig());
        Raw raw(server.app().port());
        QElapsedTimer clock;
        clock.start();
        raw.send("GET /healthz HTTP/1.1\r\n");
        // One header byte every 100 ms never completes the header: the deadline still holds.
        while (raw.connected() && clock.elapsed() < 5000) {
            raw.send("X-Slow: 1\r\n");
            QTest::qWait(100);
        }
        QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(Raw::status(raw.answer(false, 1000)), 408);
    }

    void idleKeepAliveConnectionIsClosed()
    {
        TestServer server(TestCluster::instance().createDatabase(), edgeConfig());
        Raw raw(server.app().port());
        raw.send(get("/healthz"));
        QCOMPARE(Raw::status(raw.answer()), 200);
        raw.send(get("/healthz")); // kept alive between requests
        QCOMPARE(Raw::status(raw.answer()), 200);
        QVERIFY(!raw.closedWithin(400));
        QVERIFY(raw.closedWithin(3000));
    }

    // ---------------------------------------------------------------------------------- the exchange

    void headWritesNoBody()
    {
        TestServer server(TestCluster::instance().createDatabase(), edgeConfig());
        Raw raw(server.app().port());
        raw.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        const QByteArray head = raw.answer(true);
        QCOMPARE(Raw::status(head), 200);
        QVERIFY(Raw::header(head, "Content-Length").toInt() > 0);
        // The next answer on the connection starts cleanly: nothing of a body came in between.
        raw.send(get("/nowhere"));
        const QByteArray next = raw.answer();
        QVERIFY2(next.startsWith("HTTP/1.1 404 "), next.constData());
    }

    void pipelinedRequestsAreAnsweredInOrder()
    {
        TestServer server(TestCluster::instance().createDatabase(), edgeConfig());
        Raw raw(server.app().port());
        // A database-backed answer first, then two immediate ones: the order is the requests'.
        raw.send(get("/readyz") + get("/nowhere") + "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n" +
                 get("/healthz", "Connection: close\r\n"));
        const QByteArray first = raw.answer();
        const QByteArray second = raw.answer();
        const QByteArray third = raw.answer(true);
        const QByteArray fourth = raw.answer();
        QCOMPARE(Raw::status(first), 200);
        QVERIFY2(Raw::body(first).contains("ready"), first.constData());
        QCOMPARE(Raw::status(second), 404);
        QCOMPARE(Raw::status(third), 200);
        QCOMPARE(Raw::status(fourth), 200);
        QVERIFY(Raw::body(fourth).contains("alive"));
        QVERIFY(raw.closedWithin(3000));
    }

    void upgradeOnlyOnTheStreamPath()
    {
        TestServer server(TestCluster::instance().createDatabase(), edgeConfig());
        const QByteArray upgrade =
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
        {
            Raw raw(server.app().port());
            raw.send(get("/api/chat/conversations", upgrade));
            const QByteArray answer = raw.answer();
            QCOMPARE(Raw::status(answer), 401); // the route's own answer, not 101
        }
        {
            Raw raw(server.app().port());
            raw.send(get("/healthz", upgrade));
            QCOMPARE(Raw::status(raw.answer()), 200);
        }
        {
            Raw raw(server.app().port());
            raw.send(get("/api/chat/stream"));
            QCOMPARE(Raw::status(raw.answer()), 426);
        }
        {
            Raw raw(server.app().port());
            raw.send(rawUpgradeRequest({}));
            const QByteArray answer =
                raw.readUntil([](const QByteArray &r) { return r.contains("\r\n\r\n"); });
            QVERIFY2(answer.startsWith("HTTP/1.1 101"), answer.constData());
        }
    }

    // ------------------------------------------------------------------------------------- connections

    void connectionsOverTheLimitAreRefused()
    {
        Config c = edgeConfig();
        c.httpMaxConnections = 16;
        c.httpHeaderTimeoutMs = 20000;
        TestServer server(TestCluster::instance().createDatabase(), c);
        std::vector<std::unique_ptr<Raw>> open;
        for (int i = 0; i < 16; ++i) {
            open.push_back(std::make_unique<Raw>(server.app().port()));
            QVERIFY(open.back()->connected());
        }
        QTest::qWait(200); // all accepted
        Raw over(server.app().port());
        over.send(get("/healthz"));
        QVERIFY(over.closedWithin(3000));
        QVERIFY(over.pending().isEmpty());
        // The open ones still work, and a place freed is taken again.
        open.front()->send(get("/healthz"));
        QCOMPARE(Raw::status(open.front()->answer()), 200);
        open.back().reset();
        QTest::qWait(200);
        Raw again(server.app().port());
        again.send(get("/healthz"));
        QCOMPARE(Raw::status(again.answer()), 200);
        open.clear();
        QTest::qWait(200);
        const QByteArray metrics = server.http().get(QStringLiteral("/metrics")).body;
        QVERIFY2(metrics.contains("liftline_http_connections_refused_total 1\n"), metrics.constData());
    }

    void acceptErrorsAreRecoveredFrom()
    {
        // The real binary, so that its descriptor limit can be squeezed without touching this process.
        ServerProcess server{QString()};
        server.setEnvironment(databaseEnvironment(TestCluster::instance().createDatabase()));
        QVERIFY2(server.start(), qPrintable(server.output()));
        const qint64 pid = server.process().processId();
        const auto prlimit = [pid](const QString &limit) {
            return QProcess::execute(
                QStringLiteral("prlimit"),
                {QStringLiteral("--pid"), QString::number(pid), QStringLiteral("--nofile=%1").arg(limit)});
        };
        const QString saved = [&] {
            QProcess p;
            p.start(QStringLiteral("prlimit"),
                    {QStringLiteral("--pid"), QString::number(pid), QStringLiteral("--nofile"),
                     QStringLiteral("--raw"), QStringLiteral("--noheadings"),
                     QStringLiteral("--output=SOFT")});
            p.waitForFinished();
            return QString::fromLatin1(p.readAllStandardOutput()).trimmed();
        }();
        QVERIFY2(!saved.isEmpty(), "prlimit cannot read the server's limit");
        // Not one descriptor left for accept(): a new one takes the lowest free number, which the limit
        // must not allow.
        QSet<int> open;
        const QStringList fds = QDir(QStringLiteral("/proc/%1/fd").arg(pid)).entryList(QDir::NoDotAndDotDot);
        for (const QString &fd : fds)
            open.insert(fd.toInt());
        int lowestFree = 0;
        while (open.contains(lowestFree))
            ++lowestFree;
        QCOMPARE(prlimit(QStringLiteral("%1:").arg(lowestFree)), 0);

        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, quint16(server.url().port()));
        QVERIFY(client.waitForConnected(5000)); // the kernel's backlog takes it
        client.write(get("/healthz"));
        QVERIFY2(!client.waitForReadyRead(1500), client.readAll().constData()); // it cannot be taken
        QVERIFY2(server.waitForOutput(QRegularExpression(QStringLiteral("cannot accept connections")), 3000)
                     .hasMatch(),
                 qPrintable(server.output()));

        // Descriptors again: the waiting connection is taken and answered, with no restart.
        QCOMPARE(prlimit(saved + QLatin1Char(':')), 0);
        QByteArray answer;
        QDeadlineTimer deadline(5000);
        while (!answer.contains("alive") && !deadline.hasExpired()) {
            client.waitForReadyRead(200);
            answer += client.readAll();
        }
        QVERIFY2(answer.startsWith("HTTP/1.1 200"), qPrintable(answer + server.output()));
        QVERIFY(server.stop());
    }

    // -------------------------------------------------------------------------------- stream messages

    void hugeStreamFrameIsRefusedAtItsHeader()
    {
        TestServer server(TestCluster::instance().createDatabase(), edgeConfig());
        const QByteArray token = server.signIn(QStringLiteral("frank"), QStringLiteral("Frank"));
        Raw raw(server.app().port());
        raw.send(rawUpgradeRequest("Authorization: Bearer " + token));
        const QByteArray hello = raw.readUntil([](const QByteArray &r) { return r.contains("\r\n\r\n"); });
        QVERIFY2(hello.startsWith("HTTP/1.1 101"), hello.constData());
        const qsizetype afterHandshake = hello.indexOf("\r\n\r\n") + 4;
        // 2 GiB announced, then 1 MiB of it: refused from the header, not buffered.
        raw.send(frameHeader(quint64(1) << 31));
        for (int i = 0; i < 16 && raw.connected(); ++i)
            raw.send(QByteArray(64 * 1024, 'x'));
        QVERIFY(raw.closedWithin(5000));
        QCOMPARE(closeCode(raw.pending().mid(afterHandshake)), 1009);
    }

    void longStreamMessageInSmallFramesIsRefused()
    {
        TestServer server(TestCluster::instance().createDatabase(), edgeConfig());
        const QByteArray token = server.signIn(QStringLiteral("frank"), QStringLiteral("Frank"));
        Raw raw(server.app().port());
        raw.send(rawUpgradeRequest("Authorization: Bearer " + token));
        const QByteArray hello = raw.readUntil([](const QByteArray &r) { return r.contains("\r\n\r\n"); });
        QVERIFY2(hello.startsWith("HTTP/1.1 101"), hello.constData());
        const qsizetype afterHandshake = hello.indexOf("\r\n\r\n") + 4;
        // Fragments of 1 KiB, never final: the message passes 4 KiB on the fifth.
        raw.send(frameHeader(1024, false, 1) + QByteArray(1024, 'x'));
        for (int i = 0; i < 8 && raw.connected(); ++i)
            raw.send(frameHeader(1024, false, 0) + QByteArray(1024, 'x'));
        QVERIFY(raw.closedWithin(5000));
        QCOMPARE(closeCode(raw.pending().mid(afterHandshake)), 1009);
    }

    void smallStreamFramesStillWork()
    {
        TestServer server(TestCluster::instance().createDatabase(), edgeConfig());
        const QByteArray token = server.signIn(QStringLiteral("frank"), QStringLiteral("Frank"));
        StreamClient client(server.baseUrl(), {{"Authorization", "Bearer " + token}});
        QVERIFY(client.waitConnected());
        client.resume(0);
        QVERIFY(client.waitForType(QStringLiteral("ready")));
    }
};

QTEST_GUILESS_MAIN(TestHttpEdge)
#include "tst_httpedge.moc"
