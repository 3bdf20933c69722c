#include "Seed.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "db/Db.h"
#include "http/WebhookRoutes.h"
#include "whatsapp/SandboxTransport.h"
#include "whatsapp/WebhookBody.h"
#include "whatsapp/WebhookForwarder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

// What leaves for WhatsApp besides a plain reply: the re-engagement template once a window has closed,
// and the sandbox's delivery reports coming back through the real webhook.
class TestOutbound : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sendTemplate()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int closed = Seed::openTicket(db, QStringLiteral("27710000001"));
        Seed::technicianWrote(db, closed, QStringLiteral("27820000001"), QStringLiteral("hello"), 25 * 60);
        const int open = Seed::openTicket(db, QStringLiteral("27710000003"));
        Seed::technicianWrote(db, open, QStringLiteral("27820000003"), QStringLiteral("hello"), 5);
        const int nobody = Seed::openTicket(db, QStringLiteral("27710000004"));
        const QString path = QStringLiteral("/api/chat/%1/send-template");

        {
            TestServer unconfigured(params);
            VERIFY_ERROR(unconfigured.http().post(path.arg(closed), {}, TestServer::admin()), 422,
                         "template_not_configured");
        }
        Config config = TestServer::defaultConfig();
        config.reengageTemplate = QStringLiteral("liftline_reengage");
        config.templateLanguage = QStringLiteral("en_GB");
        TestServer server(params, config);
        VERIFY_ERROR(server.http().post(path.arg(closed), {}), 401, "unauthorized");
        VERIFY_ERROR(server.http().post(path.arg(9999), {}, TestServer::admin()), 404, "ticket_not_found");
        VERIFY_ERROR(server.http().post(path.arg(open), {}, TestServer::admin()), 409, "window_open");
        VERIFY_ERROR(server.http().post(path.arg(nobody), {}, TestServer::admin()), 422, "no_recipient");
        QCOMPARE(server.app().sandbox()->sent().size(), 0);

        const QByteArray agent = server.signIn(QStringLiteral("nomsa"), QStringLiteral("Nomsa Dube"));
        const HttpResult sent = server.http().post(path.arg(closed), {}, HttpClient::bearer(agent));
        VERIFY_STATUS(sent, 200);
        const QJsonObject message = sent.json.value(QStringLiteral("chat_message")).toObject();
        QCOMPARE(message.value(QStringLiteral("kind")).toString(), QStringLiteral("template"));
        QCOMPARE(message.value(QStringLiteral("status")).toString(), QStringLiteral("sent"));
        QCOMPARE(message.value(QStringLiteral("agent_name")).toString(), QStringLiteral("Nomsa Dube"));
        QCOMPARE(message.value(QStringLiteral("message")).toString(),
                 QStringLiteral("[template liftline_reengage] JAMES-HOUSE-TKT%1").arg(closed));
        const QList<OutboundMessage> out = server.app().sandbox()->sent();
        QCOMPARE(out.size(), 1);
        QCOMPARE(out.first().type, QStringLiteral("template"));
        QCOMPARE(out.first().to, QStringLiteral("27820000001"));
        QCOMPARE(out.first().templateBody.value(QStringLiteral("name")).toString(),
                 QStringLiteral("liftline_reengage"));
        QCOMPARE(out.first()
                     .templateBody.value(QStringLiteral("language"))
                     .toObject()
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("en_GB"));
        const QJsonObject parameter = out.first()
                                          .templateBody.value(QStringLiteral("components"))
                                          .toArray()
                                          .first()
                                          .toObject()
                                          .value(QStringLiteral("parameters"))
                                          .toArray()
                                          .first()
                                          .toObject();
        QCOMPARE(parameter.value(QStringLiteral("text")).toString(),
                 QStringLiteral("JAMES-HOUSE-TKT%1").arg(closed));
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'template.sent'"))
                     .toInt(),
                 1);
        // A template does not open the window: a plain reply is still refused.
        VERIFY_ERROR(server.http().postJson(QStringLiteral("/api/chat/%1/send").arg(closed),
                                            {{QStringLiteral("message"), QStringLiteral("hi")}},
                                            HttpClient::bearer(agent)),
                     409, "window_closed");
    }

    void sandboxReportsDeliveryThroughTheWebhook()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        Seed::technicianWrote(db, ticket);
        Config config = TestServer::defaultConfig();
        config.sandboxStatuses = true;
        TestServer server(params, config);
        const HttpResult sent = server.http().postJson(
            QStringLiteral("/api/chat/%1/send").arg(ticket),
            {{QStringLiteral("message"), QStringLiteral("On my way")}}, TestServer::admin());
        VERIFY_STATUS(sent, 200);
        const qint64 id = sent.json.value(QStringLiteral("chat_message"))
                              .toObject()
                              .value(QStringLiteral("id"))
                              .toInteger();
        QTRY_COMPARE_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT status FROM chat_messages WHERE id = ?"), {id}).toString(),
            QStringLiteral("read"), 15000);
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT count(*) FROM whatsapp_statuses WHERE applied_at IS NOT NULL"))
                .toInt(),
            3);
        QCOMPARE(
            db
                .scalar(QStringLiteral(
                    "SELECT count(*) FROM whatsapp_inbox WHERE processed_at IS NOT NULL AND error IS NULL"))
                .toInt(),
            3);
    }

    // Living beside the original system: every stored body reaches HOST_WEBHOOK_URL unchanged and signed
    // the same way, also when that host is down for a while.
    void forwardsBodiesToTheOriginalServer()
    {
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Config config = TestServer::defaultConfig();
        config.whatsappAppSecret = QStringLiteral("test-app-secret");
        config.hostWebhookUrl = QStringLiteral("http://127.0.0.1:%1/webhooks/whatsapp").arg(port);
        TestServer server(params, config);
        const QByteArray body = "{\"object\":\"whatsapp_business_account\",\"entry\":[]}\n";
        const QByteArray signature = WebhookBody::signature(body, "test-app-secret");
        VERIFY_STATUS(server.http().post(QStringLiteral("/webhooks/whatsapp"), body,
                                         {{"X-Hub-Signature-256", signature}}),
                      200);

        // The host is down: the attempt is recorded and the body waits.
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT forward_attempts FROM whatsapp_inbox")).toInt() >= 1, 10000);
        QVERIFY(
            db.scalar(QStringLiteral("SELECT forwarded_at IS NULL AND forward_pending FROM whatsapp_inbox"))
                .toBool());

        // It comes back: the body arrives once, byte for byte, with the same signature.
        QTcpServer host;
        QVERIFY(host.listen(QHostAddress::LocalHost, port));
        QByteArray received;
        connect(&host, &QTcpServer::newConnection, this, [&] {
            QTcpSocket *socket = host.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, socket, [&, socket] {
                received += socket->readAll();
                if (!received.contains("\r\n\r\n") || !received.endsWith(body))
                    return;
                socket->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
                socket->disconnectFromHost();
            });
        });
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT forwarded_at IS NOT NULL FROM whatsapp_inbox")).toBool(), 20000);
        QVERIFY(received.endsWith(body));
        QVERIFY(received.toLower().contains("x-hub-signature-256: " + signature));
        QVERIFY(!db.scalar(QStringLiteral("SELECT forward_pending FROM whatsapp_inbox")).toBool());
    }

    // What of a body the original server gets, when it only needs what its own alerts do.
    void forHost_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("expected"); // "same": the body unchanged; empty: nothing
        const QByteArray head =
            R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"1"},)";
        const QByteArray tail = "}}]}]}";
        const QByteArray text =
            R"({"from":"27820000001","id":"wamid.T","timestamp":"1","type":"text","text":{"body":"agent"}})";
        const QByteArray image =
            R"({"from":"27820000001","id":"wamid.I","timestamp":"1","type":"image","image":{"id":"M"}})";
        const QByteArray button =
            R"({"from":"27820000001","id":"wamid.B","timestamp":"1","type":"button","button":{"payload":"Test","text":"Test"}})";
        const QByteArray reply =
            R"({"from":"27820000001","id":"wamid.R","timestamp":"1","type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"YES","title":"Yes"}}})";
        const QByteArray status =
            R"({"id":"wamid.S","status":"read","timestamp":"1","recipient_id":"27820000001"})";
        QTest::newRow("a text") << head + R"("messages":[)" + text + "]" + tail << QByteArray();
        QTest::newRow("media") << head + R"("messages":[)" + image + "]" + tail << QByteArray();
        QTest::newRow("a tap") << head + R"("messages":[)" + button + "]" + tail << QByteArray("same");
        QTest::newRow("a reply") << head + R"("messages":[)" + reply + "]" + tail << QByteArray("same");
        QTest::newRow("statuses") << head + R"("statuses":[)" + status + "]" + tail << QByteArray("same");
        QTest::newRow("text and tap") << head + R"("messages":[)" + text + "," + button + "]" + tail
                                      << QByteArray(head + R"("messages":[)" + button + "]" + tail);
        QTest::newRow("not WhatsApp's shape") << QByteArray("not json") << QByteArray("same");
    }
    void forHost()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, expected);
        const QByteArray out = WebhookForwarder::forHost(body, WebhookForwarder::Mode::HostNeeds);
        if (expected == "same")
            QCOMPARE(out, body);
        else if (expected.isEmpty())
            QVERIFY2(out.isEmpty(), out.constData());
        else
            QCOMPARE(QJsonDocument::fromJson(out), QJsonDocument::fromJson(expected));
        QCOMPARE(WebhookForwarder::forHost(body, WebhookForwarder::Mode::Everything), body);
    }

    void relayTokenWinsOverAForwardedSignature()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Config config = TestServer::defaultConfig();
        config.webhookAuthToken = QStringLiteral("relay-token-0123456789");
        TestServer server(params, config);
        const QByteArray body = R"({"object":"whatsapp_business_account","entry":[]})";
        VERIFY_STATUS(server.http().post(QStringLiteral("/webhooks/whatsapp"), body,
                                         {{"Authorization", "Bearer relay-token-0123456789"},
                                          {"X-Hub-Signature-256", "sha256=0000"}}),
                      200);
        VERIFY_ERROR(
            server.http().post(QStringLiteral("/webhooks/whatsapp"), body,
                               {{"Authorization", "Bearer wrong"}, {"X-Hub-Signature-256", "sha256=0000"}}),
            401, "invalid_signature");
    }
};

QTEST_GUILESS_MAIN(TestOutbound)
#include "tst_outbound.moc"
