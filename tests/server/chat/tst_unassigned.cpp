#include "Seed.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "db/Db.h"
#include "http/WebhookRoutes.h"
#include "whatsapp/WebhookBody.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

// Messages that matched no ticket: kept, listed for agents, attached to a ticket by one of them, after
// which the agent can answer the sender.
class TestUnassigned : public QObject {
    Q_OBJECT

    static QByteArray textBody(const QString &from, const QString &wamid, const QString &text)
    {
        const QJsonObject message{
            {QStringLiteral("from"), from},
            {QStringLiteral("id"), wamid},
            {QStringLiteral("timestamp"), QString::number(QDateTime::currentSecsSinceEpoch())},
            {QStringLiteral("type"), QStringLiteral("text")},
            {QStringLiteral("text"), QJsonObject{{QStringLiteral("body"), text}}}};
        const QJsonObject value{
            {QStringLiteral("messaging_product"), QStringLiteral("whatsapp")},
            {QStringLiteral("contacts"),
             QJsonArray{QJsonObject{{QStringLiteral("profile"),
                                     QJsonObject{{QStringLiteral("name"), QStringLiteral("Unknown Tech")}}},
                                    {QStringLiteral("wa_id"), from}}}},
            {QStringLiteral("messages"), QJsonArray{message}}};
        const QJsonObject root{
            {QStringLiteral("object"), QStringLiteral("whatsapp_business_account")},
            {QStringLiteral("entry"),
             QJsonArray{
                 QJsonObject{{QStringLiteral("id"), QStringLiteral("200000000000001")},
                             {QStringLiteral("changes"),
                              QJsonArray{QJsonObject{{QStringLiteral("field"), QStringLiteral("messages")},
                                                     {QStringLiteral("value"), value}}}}}}}};
        return QJsonDocument(root).toJson(QJsonDocument::Compact);
    }

    static HttpResult postSigned(TestServer &server, const QByteArray &body)
    {
        return server.http().post(
            QStringLiteral("/webhooks/whatsapp"), body,
            {{"X-Hub-Signature-256", WebhookBody::signature(body, server.app().webhookSecret())}});
    }

private Q_SLOTS:
    void listAttachAndAnswer()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db, QStringLiteral("27710000003"));
        TestServer server(params);
        const QByteArray agent = server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Mokoena"));
        const auto auth = HttpClient::bearer(agent);

        VERIFY_STATUS(postSigned(server, textBody(QStringLiteral("27829999999"), QStringLiteral("wamid.U.1"),
                                                  QStringLiteral("Hello, I am at Block C, lift stuck"))),
                      200);
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT count(*) FROM chat_unassigned")).toInt() == 1, 10000);
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM chat_messages")).toInt(), 0);

        const HttpResult listed = server.http().get(QStringLiteral("/api/chat/unassigned"), auth);
        VERIFY_STATUS(listed, 200);
        const QJsonArray items = listed.json.value(QStringLiteral("unassigned")).toArray();
        QCOMPARE(items.size(), 1);
        const QJsonObject item = items.first().toObject();
        QCOMPARE(item.value(QStringLiteral("from_number")).toString(), QStringLiteral("27829999999"));
        QCOMPARE(item.value(QStringLiteral("profile_name")).toString(), QStringLiteral("Unknown Tech"));
        QCOMPARE(item.value(QStringLiteral("message")).toString(),
                 QStringLiteral("Hello, I am at Block C, lift stuck"));
        const qint64 id = item.value(QStringLiteral("id")).toInteger();

        VERIFY_ERROR(server.http().postJson(QStringLiteral("/api/chat/unassigned/abc/attach"),
                                            {{QStringLiteral("ticket_id"), ticket}}, auth),
                     400, "invalid_id");
        VERIFY_ERROR(server.http().postJson(QStringLiteral("/api/chat/unassigned/%1/attach").arg(id),
                                            {{QStringLiteral("ticket_id"), QStringLiteral("x")}}, auth),
                     400, "invalid_ticket_id");
        VERIFY_ERROR(server.http().postJson(QStringLiteral("/api/chat/unassigned/%1/attach").arg(id),
                                            {{QStringLiteral("ticket_id"), 9999}}, auth),
                     404, "ticket_not_found");
        VERIFY_ERROR(server.http().postJson(QStringLiteral("/api/chat/unassigned/999/attach"),
                                            {{QStringLiteral("ticket_id"), ticket}}, auth),
                     404, "unassigned_not_found");
        VERIFY_ERROR(server.http().postJson(QStringLiteral("/api/chat/unassigned/%1/attach").arg(id),
                                            {{QStringLiteral("ticket_id"), ticket}}),
                     401, "unauthorized");
        // None of the refusals changed anything.
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM chat_messages")).toInt(), 0);

        const HttpResult attached =
            server.http().postJson(QStringLiteral("/api/chat/unassigned/%1/attach").arg(id),
                                   {{QStringLiteral("ticket_id"), ticket}}, auth);
        VERIFY_STATUS(attached, 200);
        const QJsonObject message = attached.json.value(QStringLiteral("chat_message")).toObject();
        QCOMPARE(message.value(QStringLiteral("ticket_id")).toInt(), ticket);
        QCOMPARE(message.value(QStringLiteral("direction")).toString(), QStringLiteral("inbound"));
        QCOMPARE(message.value(QStringLiteral("wa_message_id")).toString(), QStringLiteral("wamid.U.1"));
        VERIFY_ERROR(server.http().postJson(QStringLiteral("/api/chat/unassigned/%1/attach").arg(id),
                                            {{QStringLiteral("ticket_id"), ticket}}, auth),
                     409, "already_attached");
        QCOMPARE(server.http()
                     .get(QStringLiteral("/api/chat/unassigned"), auth)
                     .json.value(QStringLiteral("unassigned"))
                     .toArray()
                     .size(),
                 0);

        // The sender is now a contact and the ticket's technician; their window is open, so the agent
        // answers.
        QCOMPARE(db.scalar(QStringLiteral("SELECT c.display_name FROM tickets t JOIN contacts c ON c.id = "
                                          "t.responded_by WHERE t.id = ?"),
                           {ticket})
                     .toString(),
                 QStringLiteral("Unknown Tech"));
        const HttpResult sent = server.http().postJson(
            QStringLiteral("/api/chat/%1/send").arg(ticket),
            {{QStringLiteral("message"), QStringLiteral("Which floor are you on?")}}, auth);
        VERIFY_STATUS(sent, 200);
        QCOMPARE(sent.json.value(QStringLiteral("chat_message"))
                     .toObject()
                     .value(QStringLiteral("to_number"))
                     .toString(),
                 QStringLiteral("27829999999"));
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'unassigned.attached'"))
                .toInt(),
            1);
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM chat_events WHERE event = "
                                          "'unassigned.attached' AND seq IS NOT NULL"))
                     .toInt(),
                 1);
    }

    void anotherMessageFromTheAttachedNumberFollowsIt()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db, QStringLiteral("27710000003"));
        TestServer server(params);
        const auto auth = TestServer::admin();
        VERIFY_STATUS(postSigned(server, textBody(QStringLiteral("27829999998"), QStringLiteral("wamid.U.2"),
                                                  QStringLiteral("first"))),
                      200);
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT count(*) FROM chat_unassigned")).toInt() == 1, 10000);
        const qint64 id = db.scalar(QStringLiteral("SELECT id FROM chat_unassigned")).toLongLong();
        VERIFY_STATUS(server.http().postJson(QStringLiteral("/api/chat/unassigned/%1/attach").arg(id),
                                             {{QStringLiteral("ticket_id"), ticket}}, auth),
                      200);
        // The number chatted on the ticket within 24 hours: its next message lands there by itself.
        VERIFY_STATUS(postSigned(server, textBody(QStringLiteral("27829999998"), QStringLiteral("wamid.U.3"),
                                                  QStringLiteral("second"))),
                      200);
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT ticket_id FROM chat_messages WHERE wa_message_id = 'wamid.U.3'"))
                    .toInt() == ticket,
            10000);
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM chat_unassigned")).toInt(), 1);
    }
};

QTEST_GUILESS_MAIN(TestUnassigned)
#include "tst_unassigned.moc"
