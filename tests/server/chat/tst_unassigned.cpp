#include "Seed.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "chat/ChatStore.h"
#include "db/Db.h"
#include "http/WebhookRoutes.h"
#include "whatsapp/SandboxTransport.h"
#include "whatsapp/WebhookBody.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QUrl>

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

    static QByteArray statusBody(const QString &wamid, const QString &status, const QString &to)
    {
        const QJsonObject value{{QStringLiteral("messaging_product"), QStringLiteral("whatsapp")},
                                {QStringLiteral("statuses"),
                                 QJsonArray{QJsonObject{{QStringLiteral("id"), wamid},
                                                        {QStringLiteral("status"), status},
                                                        {QStringLiteral("timestamp"),
                                                         QString::number(QDateTime::currentSecsSinceEpoch())},
                                                        {QStringLiteral("recipient_id"), to}}}}};
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
    // Several people write on one ticket: each is a participant, a reply goes to the last who wrote unless
    // the agent names another, and nobody else can be written to through the ticket.
    void participantsAndTheReplysRecipient()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db, QStringLiteral("27710000003"));
        Seed::technicianWrote(db, ticket, QStringLiteral("27820000003"), QStringLiteral("On site"), 5);
        TestServer server(params);
        const auto auth =
            HttpClient::bearer(server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi")));
        VERIFY_STATUS(postSigned(server, textBody(QStringLiteral("27829999997"), QStringLiteral("wamid.P.1"),
                                                  QStringLiteral("I am the building manager, lift 2"))),
                      200);
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT count(*) FROM chat_unassigned")).toInt() == 1, 10000);
        const qint64 id = db.scalar(QStringLiteral("SELECT id FROM chat_unassigned")).toLongLong();
        VERIFY_STATUS(server.http().postJson(QStringLiteral("/api/chat/unassigned/%1/attach").arg(id),
                                             {{QStringLiteral("ticket_id"), ticket}}, auth),
                      200);

        const HttpResult listed =
            server.http().get(QStringLiteral("/api/chat/%1/participants").arg(ticket), auth);
        VERIFY_STATUS(listed, 200);
        const QJsonArray people = listed.json.value(QStringLiteral("participants")).toArray();
        QCOMPARE(people.size(), 2);
        // The last who wrote comes first and is the default.
        QCOMPARE(people[0].toObject().value(QStringLiteral("number")).toString(),
                 QStringLiteral("27829999997"));
        QCOMPARE(people[0].toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("Unknown Tech"));
        QCOMPARE(people[0].toObject().value(QStringLiteral("registered")).toBool(), false);
        QCOMPARE(people[0].toObject().value(QStringLiteral("is_default")).toBool(), true);
        QCOMPARE(people[1].toObject().value(QStringLiteral("number")).toString(),
                 QStringLiteral("27820000003"));
        QCOMPARE(people[1].toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("Thabo Nkosi"));
        QCOMPARE(people[1].toObject().value(QStringLiteral("registered")).toBool(), true);
        QCOMPARE(people[1].toObject().value(QStringLiteral("is_default")).toBool(), false);
        QCOMPARE(people[1].toObject().value(QStringLiteral("window_open")).toBool(), true);
        VERIFY_ERROR(server.http().get(QStringLiteral("/api/chat/9999/participants"), auth), 404,
                     "ticket_not_found");

        auto send = [&](const QString &text, const QString &to) {
            QJsonObject body{{QStringLiteral("message"), text}};
            if (!to.isNull())
                body.insert(QStringLiteral("to"), to);
            return server.http().postJson(QStringLiteral("/api/chat/%1/send").arg(ticket), body, auth);
        };
        auto toNumber = [](const HttpResult &r) {
            return r.json.value(QStringLiteral("chat_message"))
                .toObject()
                .value(QStringLiteral("to_number"))
                .toString();
        };
        const HttpResult byDefault = send(QStringLiteral("Which lift?"), QString());
        VERIFY_STATUS(byDefault, 200);
        QCOMPARE(toNumber(byDefault), QStringLiteral("27829999997"));
        const HttpResult named =
            send(QStringLiteral("Thabo, please go to lift 2"), QStringLiteral("+27 82 000 0003"));
        VERIFY_STATUS(named, 200);
        QCOMPARE(toNumber(named), QStringLiteral("27820000003"));
        const int before = db.scalar(QStringLiteral("SELECT count(*) FROM chat_messages")).toInt();
        // Anna is in the registry, but has not written on this ticket.
        VERIFY_ERROR(send(QStringLiteral("hello"), QStringLiteral("27820000002")), 400, "not_a_participant");
        VERIFY_ERROR(send(QStringLiteral("hello"), QStringLiteral("the manager")), 400, "invalid_recipient");
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM chat_messages")).toInt(), before);
        // Thabo writes again: now he is the default.
        Seed::technicianWrote(db, ticket, QStringLiteral("27820000003"), QStringLiteral("Going now"), 0);
        const HttpResult after = send(QStringLiteral("Thanks"), QString());
        VERIFY_STATUS(after, 200);
        QCOMPARE(toNumber(after), QStringLiteral("27820000003"));
        // An older message attached now is stored last, but was written earlier: Thabo stays the default.
        db.exec(QStringLiteral(
                    "INSERT INTO chat_messages (ticket_id, from_number, message, direction, kind, status, "
                    "wa_message_id, raw, created_at) VALUES (?, '27829999997', 'sent from the pit', "
                    "'inbound', 'text', 'received', 'wamid.P.2', '{}', now() - interval '10 minutes')"),
                {ticket});
        const HttpResult still = send(QStringLiteral("Thabo, are you there?"), QString());
        VERIFY_STATUS(still, 200);
        QCOMPARE(toNumber(still), QStringLiteral("27820000003"));
        QCOMPARE(server.http()
                     .get(QStringLiteral("/api/chat/%1/participants").arg(ticket), auth)
                     .json.value(QStringLiteral("participants"))
                     .toArray()[0]
                     .toObject()
                     .value(QStringLiteral("number"))
                     .toString(),
                 QStringLiteral("27820000003"));
    }

    // A stranger reports an entrapment on a lift with no open ticket: the agent finds the lift, opens a
    // ticket for the message in one step, and answers the stranger there.
    void openATicketForAMessage()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int busy = Seed::openTicket(db, QStringLiteral("27710000001"));
        TestServer server(params);
        const auto auth =
            HttpClient::bearer(server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi")));
        VERIFY_STATUS(postSigned(server, textBody(QStringLiteral("27829999996"), QStringLiteral("wamid.O.1"),
                                                  QStringLiteral("People trapped at Marula Tower! agent"))),
                      200);
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT count(*) FROM chat_unassigned")).toInt() == 1, 10000);
        const qint64 id = db.scalar(QStringLiteral("SELECT id FROM chat_unassigned")).toLongLong();
        QVERIFY(db.scalar(QStringLiteral("SELECT agent_requested FROM chat_unassigned")).toBool());

        // Finding the lift: words in any order and case, or digits of the SIM number.
        auto lifts = [&](const QString &q) {
            const HttpResult r = server.http().get(
                QStringLiteral("/api/chat/lifts?q=%1").arg(QString::fromLatin1(QUrl::toPercentEncoding(q))),
                auth);
            return r.json.value(QStringLiteral("lifts")).toArray();
        };
        QJsonArray found = lifts(QStringLiteral("marula"));
        QCOMPARE(found.size(), 1);
        QCOMPARE(found[0].toObject().value(QStringLiteral("msisdn")).toString(),
                 QStringLiteral("27710000002"));
        QVERIFY(found[0].toObject().value(QStringLiteral("open_ticket_id")).isNull());
        QCOMPARE(lifts(QStringLiteral("tower SANDTON")).size(), 1);
        QCOMPARE(lifts(QStringLiteral("0000002")).size(), 1);
        QCOMPARE(lifts(QStringLiteral("sandton")).size(), 2);
        QCOMPARE(lifts(QString()).size(), 4);
        QCOMPARE(lifts(QStringLiteral("%")).size(), 0);
        found = lifts(QStringLiteral("james"));
        QCOMPARE(found[0].toObject().value(QStringLiteral("open_ticket_id")).toInt(), busy);
        VERIFY_ERROR(server.http().get(
                         QStringLiteral("/api/chat/lifts?q=%1").arg(QString(201, QLatin1Char('a'))), auth),
                     400, "query_too_long");

        const QString path = QStringLiteral("/api/chat/unassigned/%1/open-ticket").arg(id);
        const int tickets = db.scalar(QStringLiteral("SELECT count(*) FROM tickets")).toInt();
        VERIFY_ERROR(server.http().postJson(path, QJsonObject{}, auth), 400, "lift_required");
        VERIFY_ERROR(server.http().postJson(
                         path, {{QStringLiteral("lift_msisdn"), QStringLiteral("27719999999")}}, auth),
                     404, "lift_not_found");
        VERIFY_ERROR(server.http().postJson(
                         path, {{QStringLiteral("lift_msisdn"), QStringLiteral("27710000001")}}, auth),
                     409, "lift_has_open_ticket");
        VERIFY_ERROR(server.http().postJson(QStringLiteral("/api/chat/unassigned/999/open-ticket"),
                                            {{QStringLiteral("lift_msisdn"), QStringLiteral("27710000002")}},
                                            auth),
                     404, "unassigned_not_found");
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM tickets")).toInt(), tickets);

        const HttpResult opened = server.http().postJson(
            path, {{QStringLiteral("lift_msisdn"), QStringLiteral("27710000002")}}, auth);
        VERIFY_STATUS(opened, 201);
        const QJsonObject conversation = opened.json.value(QStringLiteral("conversation")).toObject();
        const int ticket = conversation.value(QStringLiteral("id")).toInt();
        QVERIFY(ticket > busy);
        QVERIFY(conversation.value(QStringLiteral("ticket_reference"))
                    .toString()
                    .startsWith(QStringLiteral("MARULA-TOWER-TKT")));
        QCOMPARE(opened.json.value(QStringLiteral("chat_message"))
                     .toObject()
                     .value(QStringLiteral("ticket_id"))
                     .toInt(),
                 ticket);
        // The request moved with the message and is taken by the one who opened the ticket.
        QCOMPARE(db.scalar(QStringLiteral("SELECT acknowledged_by FROM tickets WHERE id = ?"), {ticket})
                     .toString(),
                 QStringLiteral("Thandi"));
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action IN ('ticket.opened', "
                                          "'unassigned.attached') AND ticket_id = ?"),
                           {ticket})
                     .toInt(),
                 2);
        VERIFY_ERROR(server.http().postJson(
                         path, {{QStringLiteral("lift_msisdn"), QStringLiteral("27710000004")}}, auth),
                     409, "already_attached");
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM tickets")).toInt(), tickets + 1);

        const HttpResult sent = server.http().postJson(
            QStringLiteral("/api/chat/%1/send").arg(ticket),
            {{QStringLiteral("message"), QStringLiteral("Help is on the way. How many people?")}}, auth);
        VERIFY_STATUS(sent, 200);
        QCOMPARE(sent.json.value(QStringLiteral("chat_message"))
                     .toObject()
                     .value(QStringLiteral("to_number"))
                     .toString(),
                 QStringLiteral("27829999996"));
    }

    // A late word about an incident just resolved joins its ticket; one about an incident resolved long ago
    // does not.
    void attachToARecentlyResolvedTicket()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db, QStringLiteral("27710000003"));
        db.exec(
            QStringLiteral("UPDATE tickets SET status = 'closed', resolved_at = now() - interval '2 hours' "
                           "WHERE id = ?"),
            {ticket});
        TestServer server(params);
        const auto auth = TestServer::admin();
        VERIFY_STATUS(postSigned(server, textBody(QStringLiteral("27829999995"), QStringLiteral("wamid.R.1"),
                                                  QStringLiteral("Thanks, all out safely"))),
                      200);
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT count(*) FROM chat_unassigned")).toInt() == 1, 10000);
        const qint64 id = db.scalar(QStringLiteral("SELECT id FROM chat_unassigned")).toLongLong();
        const QString path = QStringLiteral("/api/chat/unassigned/%1/attach").arg(id);
        VERIFY_ERROR(server.http().postJson(path, {{QStringLiteral("ticket_id"), ticket}}, auth), 409,
                     "ticket_closed");
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM chat_messages")).toInt(), 0);
        db.exec(QStringLiteral("UPDATE tickets SET resolved_at = now() - interval '10 minutes' WHERE id = ?"),
                {ticket});
        VERIFY_STATUS(server.http().postJson(path, {{QStringLiteral("ticket_id"), ticket}}, auth), 200);
        QCOMPARE(db.scalar(QStringLiteral("SELECT status FROM tickets WHERE id = ?"), {ticket}).toString(),
                 QStringLiteral("closed"));
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM chat_messages WHERE ticket_id = ?"), {ticket})
                     .toInt(),
                 1);
    }
    // A stranger is answered before anyone knows the lift: the reply is stored, sent, takes the request,
    // follows its delivery, and moves onto the ticket opened for the message, in order.
    void answerAStrangerDirectly()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        TestServer server(params);
        const auto auth =
            HttpClient::bearer(server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi")));
        const QString number = QStringLiteral("27829990002");
        VERIFY_STATUS(postSigned(server, textBody(number, QStringLiteral("wamid.D.1"),
                                                  QStringLiteral("agent, people trapped in the lift"))),
                      200);
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT count(*) FROM chat_unassigned")).toInt() == 1, 10000);
        const qint64 id = db.scalar(QStringLiteral("SELECT id FROM chat_unassigned")).toLongLong();
        const QString path = QStringLiteral("/api/chat/unassigned/%1/reply").arg(id);

        VERIFY_ERROR(server.http().postJson(QStringLiteral("/api/chat/unassigned/999/reply"),
                                            {{QStringLiteral("message"), QStringLiteral("hello")}}, auth),
                     404, "unassigned_not_found");
        VERIFY_ERROR(server.http().postJson(path, {{QStringLiteral("message"), QStringLiteral("  ")}}, auth),
                     400, "message_required");
        VERIFY_ERROR(server.http().postJson(path, {{QStringLiteral("message"), QStringLiteral("hi")}}), 401,
                     "unauthorized");
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM chat_direct_messages")).toInt(), 0);

        const QJsonObject body{{QStringLiteral("message"), QStringLiteral("Help is coming. Which building?")},
                               {QStringLiteral("client_message_id"), QStringLiteral("c-1")}};
        const HttpResult sent = server.http().postJson(path, body, auth);
        VERIFY_STATUS(sent, 200);
        const QJsonObject reply = sent.json.value(QStringLiteral("chat_message")).toObject();
        QCOMPARE(reply.value(QStringLiteral("to_number")).toString(), number);
        QCOMPARE(reply.value(QStringLiteral("status")).toString(), QStringLiteral("sent"));
        QCOMPARE(reply.value(QStringLiteral("unassigned_id")).toInteger(), id);
        QCOMPARE(reply.value(QStringLiteral("agent_name")).toString(), QStringLiteral("Thandi"));
        const QString wamid = reply.value(QStringLiteral("wa_message_id")).toString();
        QVERIFY(!wamid.isEmpty());
        QCOMPARE(server.app().sandbox()->sent().last().to, number);
        // The reply took the request: the consoles stop alerting.
        QCOMPARE(db.scalar(QStringLiteral("SELECT acknowledged_by FROM chat_unassigned WHERE id = ?"), {id})
                     .toString(),
                 QStringLiteral("Thandi"));
        // The same client_message_id again: the stored reply, nothing sent twice.
        const int sends = int(server.app().sandbox()->sent().size());
        const HttpResult again = server.http().postJson(path, body, auth);
        VERIFY_STATUS(again, 200);
        QCOMPARE(again.json.value(QStringLiteral("chat_message")).toObject().value(QStringLiteral("id")),
                 reply.value(QStringLiteral("id")));
        QCOMPARE(int(server.app().sandbox()->sent().size()), sends);
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM chat_direct_messages")).toInt(), 1);
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'unassigned.replied'"))
                .toInt(),
            1);

        // WhatsApp says it was delivered.
        VERIFY_STATUS(postSigned(server, statusBody(wamid, QStringLiteral("delivered"), number)), 200);
        QTRY_COMPARE_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT status FROM chat_direct_messages WHERE wa_message_id = ?"),
                      {wamid})
                .toString(),
            QStringLiteral("delivered"), 10000);
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT count(*) FROM chat_events WHERE event = 'unassigned.replied'"))
                .toInt(),
            3); // stored, sent, delivered

        // The stranger writes again; the thread shows both ways, in order.
        VERIFY_STATUS(
            postSigned(server, textBody(number, QStringLiteral("wamid.D.2"), QStringLiteral("Marula Tower"))),
            200);
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT count(*) FROM chat_unassigned")).toInt() == 2, 10000);
        const HttpResult thread =
            server.http().get(QStringLiteral("/api/chat/unassigned/%1/thread").arg(id), auth);
        VERIFY_STATUS(thread, 200);
        const QJsonArray messages = thread.json.value(QStringLiteral("messages")).toArray();
        QCOMPARE(messages.size(), 3);
        QCOMPARE(messages[0].toObject().value(QStringLiteral("direction")).toString(),
                 QStringLiteral("inbound"));
        QCOMPARE(messages[1].toObject().value(QStringLiteral("direction")).toString(),
                 QStringLiteral("outbound"));
        QCOMPARE(messages[2].toObject().value(QStringLiteral("message")).toString(),
                 QStringLiteral("Marula Tower"));

        // The window closed: no free-form reply.
        db.exec(QStringLiteral(
                    "UPDATE chat_windows SET last_inbound_at = now() - interval '25 hours' WHERE number = ?"),
                {number});
        VERIFY_ERROR(
            server.http().postJson(path, {{QStringLiteral("message"), QStringLiteral("still there?")}}, auth),
            409, "window_closed");
        db.exec(QStringLiteral("UPDATE chat_windows SET last_inbound_at = now() WHERE number = ?"), {number});

        // A ticket for the first message: the reply follows it, delivered, with its WhatsApp id.
        VERIFY_STATUS(server.http().postJson(QStringLiteral("/api/chat/unassigned/%1/open-ticket").arg(id),
                                             {{QStringLiteral("lift_msisdn"), QStringLiteral("27710000002")}},
                                             auth),
                      201);
        const int ticket = db.scalar(QStringLiteral("SELECT max(id) FROM tickets")).toInt();
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT string_agg(direction || ':' || status, ',' ORDER BY id) FROM "
                                     "chat_messages WHERE ticket_id = ?"),
                      {ticket})
                .toString(),
            QStringLiteral("inbound:received,outbound:delivered"));
        QCOMPARE(db.scalar(QStringLiteral("SELECT wa_message_id FROM chat_messages WHERE ticket_id = ? AND "
                                          "direction = 'outbound'"),
                           {ticket})
                     .toString(),
                 wamid);
        VERIFY_ERROR(
            server.http().postJson(path, {{QStringLiteral("message"), QStringLiteral("hello")}}, auth), 409,
            "already_attached");
        // A later status reaches the ticket's copy.
        VERIFY_STATUS(postSigned(server, statusBody(wamid, QStringLiteral("read"), number)), 200);
        QTRY_COMPARE_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT status FROM chat_messages WHERE wa_message_id = ?"), {wamid})
                .toString(),
            QStringLiteral("read"), 10000);
    }
    // A direct reply left pending by a server that stopped mid-send is failed by the sweep, and the
    // consoles are told, as a ticket's reply would be.
    void anAbandonedDirectReplyIsFailed()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        TestServer server(params);
        VERIFY_STATUS(postSigned(server, textBody(QStringLiteral("27829990003"), QStringLiteral("wamid.A.1"),
                                                  QStringLiteral("hello?"))),
                      200);
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT count(*) FROM chat_unassigned")).toInt() == 1, 10000);
        db.exec(
            QStringLiteral("INSERT INTO chat_direct_messages (unassigned_id, to_number, message, agent_name, "
                           "sent_by, created_at) SELECT id, from_number, 'On our way', 'Thandi', 'agent', "
                           "now() - interval '10 minutes' FROM chat_unassigned"));
        db.exec(QStringLiteral(
            "INSERT INTO chat_direct_messages (unassigned_id, to_number, message, agent_name, "
            "sent_by) SELECT id, from_number, 'Just now', 'Thandi', 'agent' FROM chat_unassigned"));
        const int events = db.scalar(QStringLiteral("SELECT count(*) FROM chat_events")).toInt();
        QCOMPARE(ChatStore::failAbandonedSends(db, 75), 1);
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT string_agg(status || ':' || coalesce(error_code, ''), ',' ORDER "
                                     "BY id) FROM chat_direct_messages"))
                .toString(),
            QStringLiteral("failed:outcome_unknown,pending:"));
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM chat_events")).toInt(), events + 1);
        QCOMPARE(ChatStore::failAbandonedSends(db, 75), 0);
    }
};

QTEST_GUILESS_MAIN(TestUnassigned)
#include "tst_unassigned.moc"
