#include "Seed.h"
#include "ServerProcess.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "db/Db.h"
#include "http/WebhookRoutes.h"
#include "whatsapp/HttpTransport.h"
#include "whatsapp/WebhookBody.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

namespace {

// WhatsApp (or the bridge) as seen from the server: answers each request with the next canned answer,
// or not at all, and records what it was sent.
class FakeWhatsApp : public QObject {
public:
    struct Answer {
        int status = 200; // 0: never answer
        QByteArray body;
    };
    struct Received {
        QByteArray path;
        QHash<QByteArray, QByteArray> headers;
        QJsonObject body;
    };

    FakeWhatsApp()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                ++connections;
                socket->setParent(this);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
            }
        });
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort())); }
    void answer(int status, const QByteArray &body) { m_answers.append({status, body}); }
    QList<Received> received;
    // Called with each request and the answer about to be given, before it is given.
    std::function<void(const Received &, const Answer &)> onRequest;
    // How long to wait before answering the next request (milliseconds).
    std::function<int()> answerDelay;
    // Answer as WhatsApp and the bridge do, keeping the connection open for the next request.
    bool keepAlive = false;
    int connections = 0;

private:
    void read(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        Received r;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        r.path = lines.value(0).split(' ').value(1);
        qsizetype length = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines.at(i).indexOf(':');
            const QByteArray name = lines.at(i).left(colon).trimmed().toLower();
            const QByteArray value = lines.at(i).mid(colon + 1).trimmed();
            r.headers.insert(name, value);
            if (name == "content-length")
                length = value.toLongLong();
        }
        if (buffer.size() < end + 4 + length)
            return;
        r.body = QJsonDocument::fromJson(buffer.mid(end + 4, length)).object();
        buffer.clear();
        received.append(r);
        const Answer a = m_answers.isEmpty() ? Answer{500, "{}"} : m_answers.takeFirst();
        if (onRequest)
            onRequest(r, a);
        if (a.status == 0)
            return; // the caller waits for its own timeout
        const int delay = answerDelay ? answerDelay() : 0;
        if (delay <= 0) {
            write(socket, a);
            return;
        }
        QTimer::singleShot(delay, socket, [this, socket, a] { write(socket, a); });
    }

    void write(QTcpSocket *socket, const Answer &a) const
    {
        socket->write(
            "HTTP/1.1 " + QByteArray::number(a.status) +
            " X\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(a.body.size()) +
            (keepAlive ? "\r\nConnection: keep-alive\r\n\r\n" : "\r\nConnection: close\r\n\r\n") + a.body);
        if (!keepAlive)
            socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QList<Answer> m_answers;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

SendResult sendThrough(HttpTransport &transport, const OutboundMessage &message)
{
    SendResult result;
    bool done = false;
    transport.send(message, [&](SendResult r) {
        result = r;
        done = true;
    });
    QDeadlineTimer deadline(30000);
    while (!done && !deadline.hasExpired())
        QTest::qWait(10);
    if (!done)
        result.errorCode = QStringLiteral("test: no answer from the transport");
    return result;
}

OutboundMessage text(const QString &body = QStringLiteral("On my way"))
{
    OutboundMessage m;
    m.messageId = 1;
    m.to = QStringLiteral("27820000001");
    m.text = body;
    return m;
}

HttpTransport::Settings settingsFor(const FakeWhatsApp &fake, HttpTransport::Kind kind, int timeoutMs = 15000)
{
    HttpTransport::Settings s;
    s.kind = kind;
    s.baseUrl = fake.url();
    s.credential = QStringLiteral("secret-credential");
    s.phoneNumberId = QStringLiteral("100000000000001");
    s.timeoutMs = timeoutMs;
    return s;
}

// The server sending through `fake` as its bridge, with a webhook secret (a real transport needs one).
Config bridgeConfig(const FakeWhatsApp &fake)
{
    Config config = TestServer::defaultConfig();
    config.transport = QStringLiteral("bridge");
    config.bridgeBaseUrl = fake.url().toString();
    config.bridgeApiKey = QStringLiteral("bridge-key");
    config.whatsappAppSecret = QStringLiteral("test-app-secret");
    return config;
}

// The fake's next `count` answers: accepted, with the WhatsApp ids wamid.`prefix`.0, .1, ...
void acceptSends(FakeWhatsApp &fake, int count, const QString &prefix)
{
    for (int i = 0; i < count; ++i)
        fake.answer(200, QStringLiteral(R"({"ok":true,"wa_id":"wamid.%1.%2"})").arg(prefix).arg(i).toUtf8());
}

// The registry and an open ticket a technician wrote on (so that a reply has a recipient); its id.
int ticketTechnicianWroteOn(Db &db)
{
    Seed::registry(db);
    const int ticket = Seed::openTicket(db);
    Seed::technicianWrote(db, ticket);
    return ticket;
}

} // namespace

// The bridge and Graph API transports against a fake WhatsApp over loopback: success, refusals, rate
// limits, WhatsApp's own failures, answers that are not JSON and no answer at all.
class TestTransports : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void bridgeSuccess()
    {
        FakeWhatsApp fake;
        fake.answer(200, R"({"ok":true,"wa_id":"wamid.BRIDGE.1"})");
        HttpTransport transport(settingsFor(fake, HttpTransport::Kind::Bridge));
        const SendResult r = sendThrough(transport, text());
        QVERIFY(r.ok);
        QCOMPARE(r.waMessageId, QStringLiteral("wamid.BRIDGE.1"));
        QCOMPARE(fake.received.size(), 1);
        QCOMPARE(fake.received.first().path, QByteArray("/v1/send"));
        QCOMPARE(fake.received.first().headers.value("x-api-key"), QByteArray("secret-credential"));
        QCOMPARE(fake.received.first().body.value(QStringLiteral("to")).toString(),
                 QStringLiteral("27820000001"));
        QCOMPARE(fake.received.first().body.value(QStringLiteral("type")).toString(), QStringLiteral("text"));
        QCOMPARE(fake.received.first()
                     .body.value(QStringLiteral("text"))
                     .toObject()
                     .value(QStringLiteral("body"))
                     .toString(),
                 QStringLiteral("On my way"));
    }

    void graphSuccessAndTemplate()
    {
        FakeWhatsApp fake;
        fake.answer(200, R"({"messaging_product":"whatsapp","messages":[{"id":"wamid.GRAPH.1"}]})");
        HttpTransport transport(settingsFor(fake, HttpTransport::Kind::Graph));
        OutboundMessage m = text();
        m.type = QStringLiteral("template");
        m.templateBody = {{QStringLiteral("name"), QStringLiteral("liftline_reengage")}};
        const SendResult r = sendThrough(transport, m);
        QVERIFY(r.ok);
        QCOMPARE(r.waMessageId, QStringLiteral("wamid.GRAPH.1"));
        QCOMPARE(fake.received.first().path, QByteArray("/100000000000001/messages"));
        QCOMPARE(fake.received.first().headers.value("authorization"),
                 QByteArray("Bearer secret-credential"));
        QCOMPARE(fake.received.first().body.value(QStringLiteral("messaging_product")).toString(),
                 QStringLiteral("whatsapp"));
        QCOMPARE(fake.received.first()
                     .body.value(QStringLiteral("template"))
                     .toObject()
                     .value(QStringLiteral("name"))
                     .toString(),
                 QStringLiteral("liftline_reengage"));
    }

    void refusals_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("mentions");
        const int graph = int(HttpTransport::Kind::Graph);
        const int bridge = int(HttpTransport::Kind::Bridge);
        QTest::newRow("bridge 401") << bridge << 401
                                    << QByteArray(
                                           R"({"ok":false,"error":"unauthorized","message":"bad key"})")
                                    << "unauthorized"
                                    << "credentials";
        QTest::newRow("graph token expired")
            << graph << 401 << QByteArray(R"({"error":{"message":"expired","code":190}})") << "190"
            << "credentials";
        QTest::newRow("graph window closed")
            << graph << 400 << QByteArray(R"({"error":{"message":"Re-engagement","code":131047}})")
            << "131047"
            << "template";
        QTest::newRow("graph undeliverable")
            << graph << 400 << QByteArray(R"({"error":{"message":"cannot receive","code":131026}})")
            << "131026"
            << "cannot receive";
        QTest::newRow("bridge 500") << bridge << 500
                                    << QByteArray(R"({"ok":false,"error":"internal","message":"boom"})")
                                    << "internal"
                                    << "may not have arrived";
        QTest::newRow("graph 500 not JSON")
            << graph << 502 << QByteArray("<html>Bad gateway</html>") << "http_502"
            << "may not have arrived";
        QTest::newRow("400 not JSON") << bridge << 400 << QByteArray("nonsense") << "unexpected_answer"
                                      << "not JSON";
        QTest::newRow("200 not JSON") << graph << 200 << QByteArray("nonsense") << "unexpected_answer"
                                      << "did not say";
        QTest::newRow("200 without id")
            << bridge << 200 << QByteArray(R"({"ok":true})") << "unexpected_answer"
            << "did not say";
    }
    void refusals()
    {
        QFETCH(int, kind);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, code);
        QFETCH(QString, mentions);
        FakeWhatsApp fake;
        fake.answer(status, body);
        HttpTransport transport(settingsFor(fake, HttpTransport::Kind(kind)));
        const SendResult r = sendThrough(transport, text());
        QVERIFY(!r.ok);
        QCOMPARE(r.errorCode, code);
        QVERIFY2(r.errorMessage.contains(mentions), qPrintable(r.errorMessage));
        // Nothing that may have reached WhatsApp is sent twice.
        QCOMPARE(fake.received.size(), 1);
    }

    void rateLimitIsRetriedWithinTheTimeout()
    {
        FakeWhatsApp fake;
        fake.answer(429, R"({"ok":false,"error":"rate_limited","message":"slow down"})");
        fake.answer(200, R"({"ok":true,"wa_id":"wamid.BRIDGE.2"})");
        HttpTransport transport(settingsFor(fake, HttpTransport::Kind::Bridge));
        const SendResult r = sendThrough(transport, text());
        QVERIFY(r.ok);
        QCOMPARE(fake.received.size(), 2);

        FakeWhatsApp limited;
        for (int i = 0; i < 5; ++i)
            limited.answer(400, R"({"error":{"message":"Rate limit hit","code":130429}})");
        HttpTransport shortTransport(settingsFor(limited, HttpTransport::Kind::Graph, 2500));
        const SendResult refused = sendThrough(shortTransport, text());
        QVERIFY(!refused.ok);
        QCOMPARE(refused.errorCode, QStringLiteral("130429"));
        QVERIFY(refused.errorMessage.contains(QStringLiteral("limiting")));
        QVERIFY2(limited.received.size() <= 2, "retries must stop inside the send timeout");
    }

    void noAnswerTimesOut()
    {
        FakeWhatsApp fake;
        fake.answer(0, {});
        HttpTransport transport(settingsFor(fake, HttpTransport::Kind::Bridge, 1500));
        const SendResult r = sendThrough(transport, text());
        QVERIFY(!r.ok);
        QCOMPARE(r.errorCode, QStringLiteral("timeout"));
        QVERIFY(r.errorMessage.contains(QStringLiteral("may or may not")));
        QCOMPARE(fake.received.size(), 1);
    }

    void unreachable()
    {
        HttpTransport::Settings s;
        s.kind = HttpTransport::Kind::Bridge;
        s.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:1"));
        s.credential = QStringLiteral("k");
        HttpTransport transport(s);
        const SendResult r = sendThrough(transport, text());
        QVERIFY(!r.ok);
        QCOMPARE(r.errorCode, QStringLiteral("unreachable"));
    }

    // The whole way: an agent's reply through the server to the fake bridge, and a refusal kept as failed.
    void serverSendsThroughTheBridge()
    {
        FakeWhatsApp fake;
        fake.answer(200, R"({"ok":true,"wa_id":"wamid.BRIDGE.9"})");
        fake.answer(500, R"({"ok":false,"error":"internal","message":"boom"})");
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        const int ticket = ticketTechnicianWroteOn(db);
        const Config config = bridgeConfig(fake);
        TestServer server(params, config);
        QCOMPARE(server.app().transport()->name(), QStringLiteral("bridge"));
        const HttpResult ok = server.http().postJson(QStringLiteral("/api/chat/%1/send").arg(ticket),
                                                     {{QStringLiteral("message"), QStringLiteral("first")}},
                                                     TestServer::admin());
        VERIFY_STATUS(ok, 200);
        QCOMPARE(ok.json.value(QStringLiteral("chat_message"))
                     .toObject()
                     .value(QStringLiteral("wa_message_id"))
                     .toString(),
                 QStringLiteral("wamid.BRIDGE.9"));
        const HttpResult failed = server.http().postJson(
            QStringLiteral("/api/chat/%1/send").arg(ticket),
            {{QStringLiteral("message"), QStringLiteral("second")}}, TestServer::admin());
        VERIFY_ERROR(failed, 502, "send_failed");
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT status FROM chat_messages WHERE message = 'second'")).toString(),
            QStringLiteral("failed"));
        QCOMPARE(db.scalar(QStringLiteral("SELECT error_code FROM chat_messages WHERE message = 'second'"))
                     .toString(),
                 QStringLiteral("internal"));
    }

    // Replies one after another reuse the connection to the bridge (Graph: no new TLS handshake for
    // each reply).
    void serverKeepsTheBridgeConnection()
    {
        FakeWhatsApp fake;
        fake.keepAlive = true;
        acceptSends(fake, 10, QStringLiteral("KEEP"));
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        const int ticket = ticketTechnicianWroteOn(db);
        TestServer server(params, bridgeConfig(fake));
        for (int i = 0; i < 10; ++i) {
            const HttpResult ok = server.http().postJson(
                QStringLiteral("/api/chat/%1/send").arg(ticket),
                {{QStringLiteral("message"), QStringLiteral("reply %1").arg(i)}}, TestServer::admin());
            VERIFY_STATUS(ok, 200);
        }
        QCOMPARE(fake.received.size(), 10);
        QCOMPARE(fake.connections, 1);
    }

    // The same through the real server process, whose main() picks the event loops the threads run:
    // Qt 6.4's HTTP thread on the plain Unix event loop closed a kept-alive connection after about one
    // reply in three (../shared/bench's fake bridge: 245 new connections for 783 replies).
    void serverProcessKeepsTheBridgeConnection()
    {
        FakeWhatsApp fake;
        fake.keepAlive = true;
        const int replies = 30;
        acceptSends(fake, replies, QStringLiteral("PROC"));
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        const int ticket = ticketTechnicianWroteOn(db);
        QProcessEnvironment environment = databaseEnvironment(params);
        environment.insert(QStringLiteral("WHATSAPP_TRANSPORT"), QStringLiteral("bridge"));
        environment.insert(QStringLiteral("BRIDGE_BASE_URL"), fake.url().toString());
        environment.insert(QStringLiteral("BRIDGE_API_KEY"), QStringLiteral("bridge-key"));
        environment.insert(QStringLiteral("WHATSAPP_APP_SECRET"), QStringLiteral("test-app-secret"));
        environment.insert(QStringLiteral("ADMIN_TOKEN"), QString::fromLatin1(TestServer::adminToken));
        ServerProcess server{QString()};
        server.setEnvironment(environment);
        QVERIFY2(server.start(), qPrintable(server.output()));
        HttpClient http(server.url());
        for (int i = 0; i < replies; ++i) {
            const HttpResult ok = http.postJson(
                QStringLiteral("/api/chat/%1/send").arg(ticket),
                {{QStringLiteral("message"), QStringLiteral("reply %1").arg(i)}}, TestServer::admin());
            VERIFY_STATUS(ok, 200);
        }
        QCOMPARE(fake.received.size(), replies);
        QCOMPARE(fake.connections, 1);
        QVERIFY(server.stop());
    }

    void transportKeepsTheConnection()
    {
        FakeWhatsApp fake;
        fake.keepAlive = true;
        acceptSends(fake, 10, QStringLiteral("KEEP"));
        HttpTransport transport(settingsFor(fake, HttpTransport::Kind::Bridge));
        for (int i = 0; i < 10; ++i)
            QVERIFY(sendThrough(transport, text()).ok);
        QCOMPARE(fake.connections, 1);
    }

    // WhatsApp reports delivery while the send that will store the message's WhatsApp id is still in
    // flight: the bridge posts "delivered" and "read" to the webhook before it answers the send, and
    // answers after 0 to 3 ms, so the statuses are processed before, during and after the transaction
    // that stores the id. Every message ends "read" and no status is left waiting.
    void statusRacesTheSend()
    {
        FakeWhatsApp fake;
        const int sends = 40;
        acceptSends(fake, sends, QStringLiteral("RACE"));
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        const int ticket = ticketTechnicianWroteOn(db);
        const Config config = bridgeConfig(fake);
        TestServer server(params, config);

        QNetworkAccessManager whatsapp;
        int webhooksAnswered = 0;
        int delay = 0;
        // 0 to 45 ms before answering: long enough that some statuses win the race even where the server
        // is slow to store them (under AddressSanitizer none did within 3 ms).
        fake.answerDelay = [&delay] { return (delay++ % 4) * 15; };
        fake.onRequest = [&](const FakeWhatsApp::Received &, const FakeWhatsApp::Answer &a) {
            const QString wamid =
                QJsonDocument::fromJson(a.body).object().value(QStringLiteral("wa_id")).toString();
            for (const char *status : {"delivered", "read"}) {
                const QByteArray body =
                    QStringLiteral(
                        R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"27110000000","phone_number_id":"1"},"statuses":[{"id":"%1","status":"%2","timestamp":"%3","recipient_id":"27820000001"}]}}]}]})")
                        .arg(wamid, QLatin1String(status))
                        .arg(QDateTime::currentSecsSinceEpoch())
                        .toUtf8();
                QNetworkRequest request(
                    QUrl(server.baseUrl().toString() + QStringLiteral("/webhooks/whatsapp")));
                request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
                request.setRawHeader("X-Hub-Signature-256",
                                     WebhookBody::signature(body, config.whatsappAppSecret.toUtf8()));
                QNetworkReply *reply = whatsapp.post(request, body);
                QObject::connect(reply, &QNetworkReply::finished, reply, [reply, &webhooksAnswered] {
                    if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200)
                        ++webhooksAnswered;
                    reply->deleteLater();
                });
            }
        };

        for (int i = 0; i < sends; ++i) {
            const HttpResult r = server.http().postJson(
                QStringLiteral("/api/chat/%1/send").arg(ticket),
                {{QStringLiteral("message"), QStringLiteral("reply %1").arg(i)}}, TestServer::admin());
            VERIFY_STATUS(r, 200);
        }
        QTRY_COMPARE_WITH_TIMEOUT(webhooksAnswered, 2 * sends, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT count(*) FROM whatsapp_inbox WHERE processed_at IS NULL"))
                .toInt(),
            0, 15000);
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM whatsapp_statuses")).toInt(), 2 * sends);
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM whatsapp_statuses WHERE applied_at IS NULL"))
                     .toInt(),
                 0);
        QCOMPARE(db.scalar(QStringLiteral("SELECT string_agg(DISTINCT status, ',') FROM chat_messages WHERE "
                                          "wa_message_id LIKE 'wamid.RACE.%'"))
                     .toString(),
                 QStringLiteral("read"));
        QCOMPARE(db.scalar(QStringLiteral(
                               "SELECT count(*) FROM chat_messages WHERE wa_message_id LIKE 'wamid.RACE.%'"))
                     .toInt(),
                 sends);
        // The race was run: statuses that arrived before the id was stored were parked and applied by the
        // send (applied later than received); the others were applied as they arrived.
        const int parked =
            db.scalar(QStringLiteral("SELECT count(*) FROM whatsapp_statuses WHERE applied_at > received_at"))
                .toInt();
        qInfo() << parked << "of" << 2 * sends << "statuses arrived before their send stored the WhatsApp id";
        QVERIFY(parked > 0);
    }

    void realTransportNeedsAWebhookSecret()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Config config = TestServer::defaultConfig();
        config.transport = QStringLiteral("graph");
        config.metaAccessToken = QStringLiteral("token");
        config.metaPhoneNumberId = QStringLiteral("1");
        ServerApp app(config);
        app.useDatabase(params);
        QString error;
        QVERIFY(!app.start(&error));
        QVERIFY2(error.contains(QStringLiteral("WHATSAPP_APP_SECRET")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestTransports)
#include "tst_transports.moc"
