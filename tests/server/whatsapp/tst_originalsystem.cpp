#include "HttpClient.h"
#include "OriginalSystem.h"
#include "ServerProcess.h"
#include "StreamClient.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "db/Db.h"
#include "db/Events.h"
#include "db/Migrator.h"
#include "http/WebhookRoutes.h"
#include "whatsapp/WebhookBody.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHttpServer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTcpServer>
#include <QTest>

#include <atomic>
#include <thread>

// Liftline on a site's own database: the original lift-alert system's schema with its chat add-on
// (tests/data/original_system/, exactly as sites have it), filled the way the original code writes, then
// upgraded in place (issue 11). Each case takes a fresh copy of one filled, unmigrated database.

namespace {

const OriginalSystem::Scale scale{12, 36, 200, 12, 4, 4000};

DbParams originalDatabase()
{
    static int counter = 0;
    static bool templateReady = false;
    TestCluster &cluster = TestCluster::instance();
    Db admin(cluster.maintenanceParams(), QStringLiteral("original-admin"));
    if (!templateReady) {
        admin.execOnce(QStringLiteral("CREATE DATABASE original_template"));
        Db db(cluster.maintenanceParams().withDatabase(QStringLiteral("original_template")),
              QStringLiteral("original-fill"));
        OriginalSystem::createSchema(db);
        OriginalSystem::fill(db, scale);
        templateReady = true;
    }
    const QString name = QStringLiteral("original_%1").arg(++counter);
    admin.execOnce(QStringLiteral("CREATE DATABASE %1 TEMPLATE original_template").arg(name));
    return cluster.maintenanceParams().withDatabase(name);
}

QVariant one(Db &db, const QString &sql, const QVariantList &binds = {})
{
    return db.scalar(sql, binds);
}

int count(Db &db, const QString &sql, const QVariantList &binds = {})
{
    return db.scalar(sql, binds).toInt();
}

// The add-on's own conversation list (its route's query, unchanged in what it computes): the reference
// Liftline's counts are compared with.
struct Expected {
    int messages = 0;
    int unread = 0;
    QString lastAt;
};
QHash<int, Expected> addonList(Db &db)
{
    QHash<int, Expected> out;
    QSqlQuery q = db.execOnce(QStringLiteral(
        "SELECT t.id, (SELECT COUNT(*) FROM chat_messages WHERE ticket_id = t.id), "
        "(SELECT COUNT(*) FROM chat_messages WHERE ticket_id = t.id AND read_by_agent = false AND direction "
        "= "
        "'inbound'), liftline_iso((SELECT MAX(created_at) FROM chat_messages WHERE ticket_id = t.id)) "
        "FROM tickets t JOIN lifts l ON t.lift_id = l.id "
        "WHERE t.status = 'open' OR (t.status = 'closed' AND t.resolved_at > NOW() - INTERVAL '1 hour')"));
    while (q.next())
        out.insert(q.value(0).toInt(), {q.value(1).toInt(), q.value(2).toInt(), q.value(3).toString()});
    return out;
}

QByteArray textBody(const QString &wamid, const QString &from, const QString &text)
{
    return TestServer::technicianText(wamid, text, from);
}

// An open ticket with its technician, as the add-on left it.
struct Open {
    int ticket = 0;
    QString phone;
};
Open openTicketWithTechnician(Db &db, int skip = 0)
{
    QSqlQuery q = db.execOnce(
        QStringLiteral(
            "SELECT t.id, c.primary_msisdn FROM tickets t JOIN contacts c ON c.id = t.responded_by "
            "WHERE t.status = 'open' ORDER BY t.id LIMIT 1 OFFSET %1")
            .arg(skip));
    if (!q.next())
        return {};
    return {q.value(0).toInt(), q.value(1).toString()};
}

// The original server with its chat add-on, as far as a forwarded webhook reaches it: the add-on's text
// branch (the contact by number, the newest open ticket of their lifts within 6 hours, the row stored,
// "agent" anywhere raising the request with an event_log row) on the same database, the button branch a
// stub. Every body it receives is kept.
class OriginalServer {
public:
    explicit OriginalServer(const DbParams &params)
        : m_db(params, QStringLiteral("original-server"))
    {
        m_server.route(QStringLiteral("/webhooks/whatsapp"), QHttpServerRequest::Method::Post,
                       [this](const QHttpServerRequest &request) {
                           bodies << request.body();
                           handle(request.body());
                           return QHttpServerResponse(QByteArrayLiteral("application/json"),
                                                      QByteArrayLiteral("{\"status\":\"ok\"}"));
                       });
        m_port = m_server.listen(QHostAddress::LocalHost, 0);
    }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1/webhooks/whatsapp").arg(m_port); }
    QList<QByteArray> bodies;

private:
    void handle(const QByteArray &body)
    {
        // The original reads only the first message of a body.
        const QJsonObject message = TestServer::firstMessage(body);
        if (message.value(QLatin1String("type")).toString() != QLatin1String("text"))
            return;
        const QString text =
            message.value(QLatin1String("text")).toObject().value(QLatin1String("body")).toString();
        const QString from = message.value(QLatin1String("from")).toString();
        const QVariant contact =
            m_db.scalar(QStringLiteral("SELECT id::text FROM contacts WHERE primary_msisdn = ?"), {from});
        if (!contact.isValid())
            return;
        const QVariant ticket = m_db.scalar(
            QStringLiteral(
                "SELECT t.id FROM tickets t JOIN lift_contacts lc ON t.lift_id = lc.lift_id WHERE "
                "lc.contact_id = ?::uuid AND t.status = 'open' AND t.created_at > NOW() - INTERVAL "
                "'6 hours' ORDER BY t.created_at DESC LIMIT 1"),
            {contact});
        if (!ticket.isValid())
            return;
        OriginalSystem::addonStoresInbound(m_db, ticket.toInt(), from, text);
        if (text.toLower().contains(QLatin1String("agent"))) {
            m_db.exec(QStringLiteral("UPDATE tickets SET agent_requested = true WHERE id = ?"), {ticket});
            m_db.exec(
                QStringLiteral(
                    "INSERT INTO event_log (event_type, ticket_id, contact_id, metadata, created_at) "
                    "VALUES ('agent_requested', ?, ?::uuid, jsonb_build_object('message', ?::text), NOW())"),
                {ticket, contact, text});
        }
    }

    Db m_db;
    QHttpServer m_server;
    quint16 m_port = 0;
};

} // namespace

class TestOriginalSystem : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        TestCluster::instance();
        originalDatabase(); // the filled template, built once
    }

    void upgradeInPlace()
    {
        Db db(originalDatabase(), QStringLiteral("t"));
        const QString fileBefore =
            one(db, QStringLiteral("SELECT pg_relation_filenode('chat_messages')")).toString();
        const int messages = count(db, QStringLiteral("SELECT count(*) FROM chat_messages"));
        QVERIFY(messages >= scale.messages - 10);

        QCOMPARE(Migrator::migrate(db).size(), Migrator::available().size());

        // Not rewritten: the same file, the same rows, the id as it was.
        QCOMPARE(one(db, QStringLiteral("SELECT pg_relation_filenode('chat_messages')")).toString(),
                 fileBefore);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM chat_messages")), messages);
        QCOMPARE(one(db, QStringLiteral("SELECT data_type FROM information_schema.columns WHERE table_name = "
                                        "'chat_messages' AND column_name = 'id'"))
                     .toString(),
                 QStringLiteral("integer"));
        for (const char *column : {"from_number", "to_number", "agent_name"}) {
            QCOMPARE(
                one(db,
                    QStringLiteral("SELECT data_type || '/' || is_nullable FROM information_schema.columns "
                                   "WHERE table_name = 'chat_messages' AND column_name = ?"),
                    {QString::fromLatin1(column)})
                    .toString(),
                QStringLiteral("text/YES"));
        }
        // Transcripts are evidence: the cascade is gone, every constraint checked, every index usable.
        QCOMPARE(
            one(db, QStringLiteral("SELECT string_agg(confdeltype::text || convalidated::text, ',') FROM "
                                   "pg_constraint WHERE conrelid = 'chat_messages'::regclass AND confrelid = "
                                   "'tickets'::regclass"))
                .toString(),
            QStringLiteral("rtrue"));
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM pg_constraint WHERE conrelid = "
                                          "'chat_messages'::regclass AND NOT convalidated")),
                 0);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM pg_index WHERE NOT indisvalid")), 0);
        const int withTranscript =
            one(db, QStringLiteral("SELECT min(ticket_id) FROM chat_messages")).toInt();
        db.execOnce(QStringLiteral("DELETE FROM event_log WHERE ticket_id = ?"), {withTranscript});
        try {
            db.execOnce(QStringLiteral("DELETE FROM tickets WHERE id = ?"), {withTranscript});
            QFAIL("a ticket with a transcript was deleted");
        } catch (const DbError &e) {
            QCOMPARE(e.sqlState(), QStringLiteral("23503"));
        }
        // The add-on's replies are sent and read; the technicians' messages received.
        QCOMPARE(
            count(db, QStringLiteral("SELECT count(*) FROM chat_messages WHERE (direction = 'outbound' AND "
                                     "(status <> 'sent' OR NOT read_by_agent)) OR (direction = 'inbound' AND "
                                     "status <> 'received')")),
            0);

        // Twice, and every step once more by hand: nothing changes.
        const QString summary =
            one(db, QStringLiteral("SELECT md5(string_agg(row(s.*)::text, ',' ORDER BY ticket_id)) "
                                   "FROM chat_ticket_summary s"))
                .toString();
        QVERIFY(Migrator::migrate(db).isEmpty());
        for (const Migrator::Migration &m : Migrator::available())
            for (const Migrator::Step &step : m.steps) {
                if (step.kind == Migrator::StepKind::NoTransaction) {
                    for (const QString &statement : Db::splitStatements(step.sql))
                        db.execOnce(statement);
                } else {
                    db.transaction([&] { db.execScript(step.sql); });
                }
            }
        QCOMPARE(one(db, QStringLiteral("SELECT md5(string_agg(row(s.*)::text, ',' ORDER BY ticket_id)) FROM "
                                        "chat_ticket_summary s"))
                     .toString(),
                 summary);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM chat_messages")), messages);
    }

    void oldConversationsThroughTheApiAndTheStream()
    {
        const DbParams params = originalDatabase();
        Db db(params, QStringLiteral("t"));
        TestServer server(params); // migrates at start, as a site's first run does
        const QHash<int, Expected> expected = addonList(db);
        QVERIFY(expected.size() >= scale.open);

        const HttpResult list =
            server.http().get(QStringLiteral("/api/chat/conversations"), TestServer::admin());
        VERIFY_STATUS(list, 200);
        const QJsonArray conversations = list.json.value(QLatin1String("conversations")).toArray();
        QCOMPARE(conversations.size(), expected.size());
        int withMessages = 0;
        bool pendingPart = true;
        QString previousLast = QStringLiteral("9999");
        for (const QJsonValue &v : conversations) {
            const QJsonObject c = v.toObject();
            const int id = c.value(QLatin1String("id")).toInt();
            QVERIFY2(expected.contains(id), qPrintable(QString::number(id)));
            const Expected &e = expected[id];
            QCOMPARE(c.value(QLatin1String("message_count")).toInt(), e.messages);
            QCOMPARE(c.value(QLatin1String("unread_count")).toInt(), e.unread);
            QCOMPARE(c.value(QLatin1String("last_message_at")).toString(), e.lastAt);
            if (e.messages > 0) {
                ++withMessages;
                const QString newest =
                    one(db,
                        QStringLiteral(
                            "SELECT message FROM chat_messages WHERE ticket_id = ? ORDER BY id DESC LIMIT 1"),
                        {id})
                        .toString();
                QCOMPARE(c.value(QLatin1String("last_message_preview")).toString(), newest);
            }
            // Requests still waiting first, then the latest message first.
            const bool pending = c.value(QLatin1String("agent_requested")).toBool() &&
                                 c.value(QLatin1String("acknowledged_at")).isNull() &&
                                 c.value(QLatin1String("status")).toString() == QLatin1String("open");
            if (!pending) {
                if (pendingPart)
                    previousLast = QStringLiteral("9999");
                pendingPart = false;
                const QString last = c.value(QLatin1String("last_message_at")).toString();
                QVERIFY2(last <= previousLast, qPrintable(last + QStringLiteral(" after ") + previousLast));
                if (!last.isEmpty())
                    previousLast = last;
            } else {
                QVERIFY2(pendingPart, "a waiting request after one that is not");
            }
        }
        QVERIFY(withMessages > scale.open / 2);

        // A whole thread: every row, the add-on's replies sent with the agent's name.
        const int ticket = conversations.last().toObject().value(QLatin1String("id")).toInt();
        const HttpResult thread =
            server.http().get(QStringLiteral("/api/chat/%1/messages").arg(ticket), TestServer::admin());
        VERIFY_STATUS(thread, 200);
        const QJsonArray rows = thread.json.value(QLatin1String("messages")).toArray();
        QCOMPARE(rows.size(), expected[ticket].messages);
        for (const QJsonValue &v : rows) {
            const QJsonObject m = v.toObject();
            const bool inbound = m.value(QLatin1String("direction")).toString() == QLatin1String("inbound");
            QCOMPARE(m.value(QLatin1String("status")).toString(),
                     inbound ? QStringLiteral("received") : QStringLiteral("sent"));
            if (!inbound)
                QVERIFY(!m.value(QLatin1String("agent_name")).toString().isEmpty());
        }

        // The console's paged calls on the add-on's integer ids: the newest page, the one before it, and a
        // `before` beyond any integer id.
        const HttpResult newest = server.http().get(
            QStringLiteral("/api/chat/%1/messages?limit=3").arg(ticket), TestServer::admin());
        VERIFY_STATUS(newest, 200);
        const QJsonArray newestRows = newest.json.value(QLatin1String("messages")).toArray();
        QCOMPARE(newestRows.size(), 3);
        QCOMPARE(newestRows.last().toObject().value(QLatin1String("id")), rows.last().toObject().value("id"));
        QVERIFY(newest.json.value(QLatin1String("has_more")).toBool());
        const HttpResult older =
            server.http().get(QStringLiteral("/api/chat/%1/messages?limit=3&before=%2")
                                  .arg(ticket)
                                  .arg(newestRows.first().toObject().value(QLatin1String("id")).toInteger()),
                              TestServer::admin());
        VERIFY_STATUS(older, 200);
        const QJsonArray olderRows = older.json.value(QLatin1String("messages")).toArray();
        QCOMPARE(olderRows.size(), 3);
        QCOMPARE(olderRows.last().toObject().value(QLatin1String("id")),
                 rows.at(rows.size() - 4).toObject().value("id"));
        const HttpResult beyond =
            server.http().get(QStringLiteral("/api/chat/%1/messages?limit=2&before=99999999999").arg(ticket),
                              TestServer::admin());
        VERIFY_STATUS(beyond, 200);
        QCOMPARE(beyond.json.value(QLatin1String("messages")).toArray().size(), 2);
        VERIFY_STATUS(
            server.http().get(QStringLiteral("/api/chat/messages/99999999999/history"), TestServer::admin()),
            404);

        // A console that resumes from before the upgrade hears of every listed conversation as it is now.
        const QByteArray token = server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Nkosi"));
        StreamClient stream(server.baseUrl(), HttpClient::bearer(token));
        QVERIFY(stream.waitConnected());
        stream.resume(0);
        QVERIFY(stream.waitForType(QStringLiteral("ready")));
        QHash<int, QJsonObject> announced;
        for (const QJsonObject &e : stream.events())
            if (e.value(QLatin1String("event")).toString() == QLatin1String("conversation.updated"))
                announced.insert(e.value(QLatin1String("ticket_id")).toInt(),
                                 e.value(QLatin1String("data")).toObject());
        for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
            QVERIFY2(announced.contains(it.key()), qPrintable(QString::number(it.key())));
            QCOMPARE(announced[it.key()].value(QLatin1String("message_count")).toInt(), it->messages);
        }
    }

    void requestsTheAddonRaisedAreDated()
    {
        const DbParams params = originalDatabase();
        Db db(params, QStringLiteral("t"));
        // Two open tickets the add-on flagged: one answered after the request, one not.
        const Open answered = openTicketWithTechnician(db, 0);
        const Open waiting = openTicketWithTechnician(db, 1);
        for (const Open &o : {answered, waiting}) {
            db.execOnce(QStringLiteral("DELETE FROM event_log WHERE ticket_id = ?"), {o.ticket});
            db.execOnce(QStringLiteral("DELETE FROM chat_messages WHERE ticket_id = ?"), {o.ticket});
            db.execOnce(QStringLiteral("UPDATE tickets SET agent_requested = false, created_at = now() - "
                                       "interval '30 minutes' WHERE id = ?"),
                        {o.ticket});
            db.execOnce(QStringLiteral("INSERT INTO chat_messages (ticket_id, from_number, to_number, "
                                       "message, direction, created_at) "
                                       "VALUES (?, ?, 'system', 'Agent, two people stuck', 'inbound', now() "
                                       "- interval '20 minutes')"),
                        {o.ticket, o.phone});
            db.execOnce(QStringLiteral("UPDATE tickets SET agent_requested = true WHERE id = ?"), {o.ticket});
            db.execOnce(
                QStringLiteral("INSERT INTO event_log (event_type, ticket_id, metadata, created_at) VALUES "
                               "('agent_requested', ?, '{}', now() - interval '20 minutes')"),
                {o.ticket});
        }
        db.execOnce(
            QStringLiteral(
                "INSERT INTO chat_messages (ticket_id, from_number, to_number, message, direction, "
                "agent_name, created_at) "
                "VALUES (?, 'agent', ?, 'On it', 'outbound', 'Nomsa', now() - interval '18 minutes')"),
            {answered.ticket, answered.phone});
        Migrator::migrate(db);

        QCOMPARE(
            one(db, QStringLiteral("SELECT acknowledged_by FROM tickets WHERE id = ?"), {answered.ticket})
                .toString(),
            QStringLiteral("Nomsa"));
        QVERIFY(
            one(db,
                QStringLiteral(
                    "SELECT abs(extract(epoch FROM acknowledged_at - (now() - interval '18 minutes'))) < 5 "
                    "AND abs(extract(epoch FROM agent_requested_at - (now() - interval '20 minutes'))) < 5 "
                    "FROM tickets WHERE id = ?"),
                {answered.ticket})
                .toBool());
        // The reply that took it also answered it: the consoles' clock stops at its time.
        QVERIFY(
            one(db,
                QStringLiteral(
                    "SELECT agent_replied_at = acknowledged_at AND (SELECT data->>'agent_replied_at' "
                    "FROM chat_conversation_cache WHERE ticket_id = t.id) = liftline_iso(acknowledged_at) "
                    "FROM tickets t WHERE id = ?"),
                {answered.ticket})
                .toBool());
        QVERIFY(one(db,
                    QStringLiteral("SELECT acknowledged_at IS NULL AND agent_requested_at IS NOT NULL "
                                   "AND agent_replied_at IS NULL FROM tickets WHERE id = ?"),
                    {waiting.ticket})
                    .toBool());
        QVERIFY(one(db, QStringLiteral("SELECT pending FROM chat_conversation_cache WHERE ticket_id = ?"),
                    {waiting.ticket})
                    .toBool());
        QVERIFY(!one(db, QStringLiteral("SELECT pending FROM chat_conversation_cache WHERE ticket_id = ?"),
                     {answered.ticket})
                     .toBool());
        // A closed ticket is never waiting, whatever the add-on left on it.
        QCOMPARE(count(db, QStringLiteral(
                               "SELECT count(*) FROM chat_conversation_cache WHERE pending AND NOT is_open")),
                 0);
    }

    void repliesInTheWindowAndLongNames()
    {
        const DbParams params = originalDatabase();
        Db db(params, QStringLiteral("t"));
        const Open recent = openTicketWithTechnician(db, 0);
        const Open stale = openTicketWithTechnician(db, 1);
        // The add-on stored their messages: one wrote an hour ago, the other only 30 hours ago.
        db.execOnce(
            QStringLiteral("DELETE FROM chat_messages WHERE from_number IN (?, ?) OR to_number IN (?, ?)"),
            {recent.phone, stale.phone, recent.phone, stale.phone});
        db.execOnce(QStringLiteral("INSERT INTO chat_messages (ticket_id, from_number, to_number, message, "
                                   "direction, created_at) VALUES "
                                   "(?, ?, 'system', 'on site', 'inbound', now() - interval '1 hour'), "
                                   "(?, ?, 'system', 'old news', 'inbound', now() - interval '30 hours')"),
                    {recent.ticket, recent.phone, stale.ticket, stale.phone});
        TestServer server(params);

        const QString longName = QStringLiteral("Nomvula ") + QString(110, u'x'); // over the add-on's 100
        const HttpResult sent = server.http().postJson(
            QStringLiteral("/api/chat/%1/send").arg(recent.ticket),
            {{QStringLiteral("message"), QStringLiteral("The technician is 10 minutes away")},
             {QStringLiteral("agent_name"), longName}},
            TestServer::ai());
        VERIFY_STATUS(sent, 200);
        QCOMPARE(
            one(db,
                QStringLiteral("SELECT agent_name FROM chat_messages WHERE ticket_id = ? AND direction = "
                               "'outbound' ORDER BY id DESC LIMIT 1"),
                {recent.ticket})
                .toString(),
            longName);
        // Beyond Liftline's own limit: a 400 that names it, nothing stored.
        const int before = count(db, QStringLiteral("SELECT count(*) FROM chat_messages"));
        const HttpResult tooLong =
            server.http().postJson(QStringLiteral("/api/chat/%1/send").arg(recent.ticket),
                                   {{QStringLiteral("message"), QStringLiteral("hello")},
                                    {QStringLiteral("agent_name"), QString(121, u'n')}},
                                   TestServer::ai());
        VERIFY_ERROR(tooLong, 400, "agent_name_too_long");
        QVERIFY2(tooLong.errorMessage().contains(QLatin1String("120")), qPrintable(tooLong.errorMessage()));
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM chat_messages")), before);
        // The window follows the add-on's rows too.
        VERIFY_ERROR(server.http().postJson(QStringLiteral("/api/chat/%1/send").arg(stale.ticket),
                                            {{QStringLiteral("message"), QStringLiteral("still there?")}},
                                            TestServer::ai()),
                     409, "window_closed");

        // The registry's values fit the original columns, or are refused with the limit named.
        const QByteArray csv =
            "lift_msisdn,site_name,building,contact_name,contact_msisdn,contact_email,relation\n"
            "27710000099,Sandton," +
            QByteArray(201, 'B') + ",Kagiso Molefe,27820000099,,technician\n";
        const HttpResult import =
            server.http().post(QStringLiteral("/api/admin/registry"), csv, TestServer::admin(), "text/csv");
        VERIFY_ERROR(import, 400, "invalid_registry");
        QVERIFY2(import.errorMessage().contains(QLatin1String("at most 200")),
                 qPrintable(import.errorMessage()));
    }

    void inboundIsStoredOnceOnTheUpgradedDatabase()
    {
        const DbParams params = originalDatabase();
        Db db(params, QStringLiteral("t"));
        const Open open = openTicketWithTechnician(db, 2);
        TestServer server(params);
        const auto processed = [&] {
            return count(db, QStringLiteral(
                                 "SELECT count(*) FROM whatsapp_inbox WHERE processed_at IS NULL")) == 0;
        };
        // A text, the same body again (WhatsApp's retry), a batch of two, and an image.
        const QByteArray text =
            textBody(QStringLiteral("wamid.ORIG.1"), open.phone, QStringLiteral("Agent, we are stuck"));
        VERIFY_STATUS(server.postWebhook(text), 200);
        VERIFY_STATUS(server.postWebhook(text), 200);
        QByteArray batch = textBody(QStringLiteral("wamid.ORIG.2"), open.phone, QStringLiteral("first"));
        const QByteArray second =
            QStringLiteral(
                R"({"from":"%1","id":"wamid.ORIG.3","timestamp":"%2","type":"text","text":{"body":"second"}})")
                .arg(open.phone)
                .arg(QDateTime::currentSecsSinceEpoch())
                .toUtf8();
        batch.replace("}}]}}]}]}", "}}," + second + "]}}]}]}");
        VERIFY_STATUS(server.postWebhook(batch), 200);
        const QByteArray image =
            QStringLiteral(
                R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"27110000000","phone_number_id":"1"},"contacts":[{"profile":{"name":"Tech"},"wa_id":"%1"}],"messages":[{"from":"%1","id":"wamid.ORIG.4","timestamp":"%2","type":"image","image":{"id":"MEDIA.1","mime_type":"image/jpeg","caption":"fault code E42"}}]}}]}]})")
                .arg(open.phone)
                .arg(QDateTime::currentSecsSinceEpoch())
                .toUtf8();
        VERIFY_STATUS(server.postWebhook(image), 200);
        QTRY_VERIFY_WITH_TIMEOUT(processed(), 15000);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM whatsapp_inbox WHERE error IS NOT NULL")), 0);
        for (int i = 1; i <= 4; ++i)
            QCOMPARE(
                count(db,
                      QStringLiteral(
                          "SELECT count(*) FROM chat_messages WHERE wa_message_id = ? AND ticket_id = ?"),
                      {QStringLiteral("wamid.ORIG.%1").arg(i), open.ticket}),
                1);
        QCOMPARE(
            one(db, QStringLiteral("SELECT media_id FROM chat_messages WHERE wa_message_id = 'wamid.ORIG.4'"))
                .toString(),
            QStringLiteral("MEDIA.1"));
        QVERIFY(one(db,
                    QStringLiteral(
                        "SELECT agent_requested AND acknowledged_at IS NULL FROM tickets WHERE id = ?"),
                    {open.ticket})
                    .toBool());
    }

    // The original server resolves a ticket and opens a new one on the same lift (its own statements); the
    // technician, who chatted on the old one minutes ago, asks for an agent: the new ticket takes it.
    void aRequestAfterAResolveReachesTheNewTicket()
    {
        const DbParams params = originalDatabase();
        Db db(params, QStringLiteral("t"));
        const Open open = openTicketWithTechnician(db, 5);
        TestServer server(params);
        OriginalSystem::addonStoresInbound(db, open.ticket, open.phone,
                                           QStringLiteral("lift is working again"));
        db.execOnce(
            QStringLiteral("UPDATE tickets SET status = 'closed', resolved_at = NOW(), button_clicked = "
                           "'entrapment_yes' WHERE id = ?"),
            {open.ticket});
        const int fresh =
            one(db,
                QStringLiteral("INSERT INTO tickets (lift_id, sms_id, status, notes, ticket_reference) "
                               "SELECT lift_id, 'sms-again', 'open', 'Emergency alarm activated', "
                               "'TKT-AGAIN' FROM tickets WHERE id = ? RETURNING id"),
                {open.ticket})
                .toInt();
        VERIFY_STATUS(server.postWebhook(textBody(QStringLiteral("wamid.AGAIN.1"), open.phone,
                                                  QStringLiteral("Agent! stuck again, 3 people inside"))),
                      200);
        QTRY_COMPARE_WITH_TIMEOUT(
            count(db, QStringLiteral("SELECT count(*) FROM whatsapp_inbox WHERE processed_at IS NULL")), 0,
            15000);
        QCOMPARE(one(db, QStringLiteral(
                             "SELECT ticket_id FROM chat_messages WHERE wa_message_id = 'wamid.AGAIN.1'"))
                     .toInt(),
                 fresh);
        QVERIFY(one(db,
                    QStringLiteral(
                        "SELECT agent_requested AND acknowledged_at IS NULL FROM tickets WHERE id = ?"),
                    {fresh})
                    .toBool());
        const HttpResult list =
            server.http().get(QStringLiteral("/api/chat/conversations"), TestServer::admin());
        VERIFY_STATUS(list, 200);
        QCOMPARE(list.json.value(QLatin1String("conversations"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("id"))
                     .toInt(),
                 fresh);
    }

    void theAddonKeepsWritingAfterTheUpgrade()
    {
        const DbParams params = originalDatabase();
        Db db(params, QStringLiteral("t"));
        Migrator::migrate(db);
        Events::sequence(db);
        const Open open = openTicketWithTechnician(db, 3);
        db.execOnce(QStringLiteral("DELETE FROM chat_windows WHERE number = ?"), {open.phone});
        const auto summary = [&] {
            QSqlQuery q = db.execOnce(
                QStringLiteral(
                    "SELECT message_count, unread_count FROM chat_ticket_summary WHERE ticket_id = ?"),
                {open.ticket});
            q.next();
            return std::pair{q.value(0).toInt(), q.value(1).toInt()};
        };
        const auto [messages, unread] = summary();
        const qint64 seq = Events::latest(db);

        OriginalSystem::addonStoresInbound(db, open.ticket, open.phone, QStringLiteral("the doors opened"));
        QCOMPARE(
            one(db, QStringLiteral("SELECT status FROM chat_messages ORDER BY id DESC LIMIT 1")).toString(),
            QStringLiteral("received"));
        QVERIFY(one(db,
                    QStringLiteral("SELECT last_inbound_at > now() - interval '1 minute' FROM chat_windows "
                                   "WHERE number = ?"),
                    {open.phone})
                    .toBool());
        OriginalSystem::addonStoresReply(db, open.ticket, open.phone, QStringLiteral("good news"),
                                         QStringLiteral("Kevin"));
        QCOMPARE(
            one(db, QStringLiteral(
                        "SELECT status || '/' || read_by_agent FROM chat_messages ORDER BY id DESC LIMIT 1"))
                .toString(),
            QStringLiteral("sent/true"));
        QCOMPARE(summary().first, messages + 2);
        QCOMPARE(summary().second, unread + 1);
        OriginalSystem::addonMarksRead(db, open.ticket);
        QCOMPARE(summary().second, 0);
        Events::sequence(db);
        QVERIFY(count(db,
                      QStringLiteral(
                          "SELECT count(*) FROM chat_events WHERE seq > ? AND ticket_id = ? AND event = "
                          "'conversation.updated'"),
                      {seq, open.ticket}) >= 3);

        // The add-on's keyword rule raises a request: dated now, waiting, on every console.
        db.execOnce(QStringLiteral(
                        "UPDATE tickets SET agent_requested = false, acknowledged_at = now() WHERE id = ?"),
                    {open.ticket});
        OriginalSystem::addonRaisesRequest(db, open.ticket, QStringLiteral("management says hi"));
        QVERIFY(one(db,
                    QStringLiteral(
                        "SELECT agent_requested_at > now() - interval '1 minute' AND acknowledged_at IS NULL "
                        "FROM tickets WHERE id = ?"),
                    {open.ticket})
                    .toBool());
        QVERIFY(one(db, QStringLiteral("SELECT pending FROM chat_conversation_cache WHERE ticket_id = ?"),
                    {open.ticket})
                    .toBool());
    }

    // The original server keeps inserting every 10 ms while the upgrade runs: none of its inserts fails or
    // waits long, and every ticket's counters match its transcript afterwards.
    void upgradeWhileTheOriginalServerWrites()
    {
        const DbParams params = originalDatabase();
        std::atomic<bool> stop{false};
        std::atomic<int> inserted{0}, failed{0};
        std::atomic<qint64> worstUs{0};
        std::thread writer([&] {
            Db w(params, QStringLiteral("original-writer"));
            const Open open = openTicketWithTechnician(w, 0);
            for (int i = 0; !stop; ++i) {
                QElapsedTimer t;
                t.start();
                try {
                    if (i % 2)
                        OriginalSystem::addonStoresReply(w, open.ticket, open.phone,
                                                         QStringLiteral("reply %1").arg(i),
                                                         QStringLiteral("Nomsa"));
                    else
                        OriginalSystem::addonStoresInbound(w, open.ticket, open.phone,
                                                           QStringLiteral("message %1").arg(i));
                    ++inserted;
                } catch (const DbError &) {
                    ++failed;
                }
                worstUs = std::max<qint64>(worstUs, t.nsecsElapsed() / 1000);
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        });
        QTest::qWait(200);
        {
            Db db(params, QStringLiteral("t"));
            Migrator::migrate(db);
        }
        QTest::qWait(200);
        stop = true;
        writer.join();
        Db db(params, QStringLiteral("t"));
        qInfo("%d original-style inserts during the upgrade, the slowest %.1f ms", int(inserted),
              double(worstUs) / 1000);
        QCOMPARE(int(failed), 0);
        QVERIFY(inserted > 10);
        QVERIFY2(worstUs < 5'000'000, "an insert of the original server waited 5 s or more");
        QCOMPARE(
            count(db,
                  QStringLiteral(
                      "SELECT count(*) FROM tickets t LEFT JOIN chat_ticket_summary s ON s.ticket_id = t.id "
                      "LEFT JOIN (SELECT ticket_id, count(*) AS n, count(*) FILTER (WHERE direction = "
                      "'inbound' "
                      "AND read_by_agent IS FALSE) AS u, max(id) AS last FROM chat_messages GROUP BY "
                      "ticket_id) m "
                      "ON m.ticket_id = t.id WHERE coalesce(s.message_count, 0) <> coalesce(m.n, 0) OR "
                      "coalesce(s.unread_count, 0) <> coalesce(m.u, 0) OR s.last_message_id IS DISTINCT FROM "
                      "m.last")),
            0);
        QCOMPARE(
            count(
                db,
                QStringLiteral(
                    "SELECT count(*) FROM chat_messages WHERE direction = 'outbound' AND status <> 'sent'")),
            0);
        QCOMPARE(
            count(db, QStringLiteral(
                          "SELECT count(*) FROM chat_conversation_cache c JOIN chat_ticket_summary s USING "
                          "(ticket_id) WHERE (c.data->>'message_count')::int <> s.message_count")),
            0);
    }

    void checkSaysWhatWouldChangeAndChangesNothing()
    {
        const DbParams params = originalDatabase();
        Db db(params, QStringLiteral("t"));
        Migrator::Plan plan = Migrator::check(db);
        QVERIFY2(plan.ok(), qPrintable(plan.text()));
        QCOMPARE(plan.pending.size(), Migrator::available().size());
        QVERIFY2(plan.text().contains(QLatin1String("original chat add-on")), qPrintable(plan.text()));
        QVERIFY(plan.estimatedSeconds > 0);
        QVERIFY(!one(db, QStringLiteral("SELECT to_regclass('liftline_migrations') IS NOT NULL")).toBool());
        QCOMPARE(one(db, QStringLiteral("SELECT data_type FROM information_schema.columns WHERE table_name = "
                                        "'chat_messages' AND column_name = 'from_number'"))
                     .toString(),
                 QStringLiteral("character varying"));

        // What is in the way is named, all of it: a number two contacts share, a table someone else owns.
        db.execOnce(QStringLiteral(
            "INSERT INTO contacts (display_name, primary_msisdn) VALUES ('Twin', '27820000001')"));
        db.execOnce(QStringLiteral("CREATE ROLE original_owner"));
        db.execOnce(QStringLiteral("ALTER TABLE event_log OWNER TO original_owner"));
        db.execOnce(QStringLiteral("CREATE ROLE liftline_app LOGIN"));
        db.execOnce(QStringLiteral("GRANT ALL ON SCHEMA public TO liftline_app"));
        for (const char *table : {"lifts", "contacts", "lift_contacts", "tickets", "chat_messages"})
            db.execOnce(QStringLiteral("ALTER TABLE %1 OWNER TO liftline_app").arg(QLatin1String(table)));
        DbParams app = params;
        app.user = QStringLiteral("liftline_app");
        {
            Db asApp(app, QStringLiteral("as-app"));
            plan = Migrator::check(asApp);
        }
        QCOMPARE(plan.obstacles.size(), 2);
        QVERIFY2(plan.text().contains(QLatin1String("event_log (owner original_owner)")),
                 qPrintable(plan.text()));
        QVERIFY2(plan.text().contains(QLatin1String("27820000001 (2 contacts)")), qPrintable(plan.text()));

        // The command says the same, and fails.
        QProcess cli;
        cli.setProcessEnvironment(databaseEnvironment(app));
        cli.setProcessChannelMode(QProcess::MergedChannels);
        cli.start(QStringLiteral(LIFTLINE_SERVER_BIN),
                  {QStringLiteral("migrate"), QStringLiteral("--check")});
        QVERIFY(cli.waitForFinished(60000));
        const QString output = QString::fromUtf8(cli.readAll());
        QCOMPARE(cli.exitCode(), 1);
        QVERIFY2(output.contains(QLatin1String("In the way")) &&
                     output.contains(QLatin1String("original_owner")),
                 qPrintable(output));
        // And migrate refuses before it changes anything.
        cli.start(QStringLiteral(LIFTLINE_SERVER_BIN), {QStringLiteral("migrate")});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 1);
        QCOMPARE(one(db, QStringLiteral("SELECT count(*) FROM liftline_migrations")).toInt(), 0);
        QCOMPARE(one(db, QStringLiteral("SELECT data_type FROM information_schema.columns WHERE table_name = "
                                        "'chat_messages' AND column_name = 'from_number'"))
                     .toString(),
                 QStringLiteral("character varying"));

        db.execOnce(QStringLiteral("DELETE FROM contacts WHERE display_name = 'Twin'"));
        db.execOnce(QStringLiteral("ALTER TABLE event_log OWNER TO liftline_app"));
        cli.start(QStringLiteral(LIFTLINE_SERVER_BIN), {QStringLiteral("migrate")});
        QVERIFY(cli.waitForFinished(120000));
        QVERIFY2(cli.exitCode() == 0, cli.readAll().constData());
        Db asApp(app, QStringLiteral("as-app"));
        QVERIFY(Migrator::check(asApp).pending.isEmpty());
    }

    void anInterruptedUpgradeFinishes()
    {
        // A run stopped mid-way leaves files unrecorded and an index half built: the next run finishes.
        Db db(originalDatabase(), QStringLiteral("t"));
        Migrator::migrate(db);
        db.execOnce(QStringLiteral("UPDATE pg_index SET indisvalid = false WHERE indexrelid = "
                                   "'chat_messages_from_idx'::regclass"));
        db.execOnce(QStringLiteral("DELETE FROM liftline_migrations WHERE version >= 5"));
        const QStringList applied = Migrator::migrate(db);
        QCOMPARE(applied.first(), QStringLiteral("005_whatsapp_inbound.sql"));
        QVERIFY(
            one(db,
                QStringLiteral(
                    "SELECT indisvalid FROM pg_index WHERE indexrelid = 'chat_messages_from_idx'::regclass"))
                .toBool());
    }

    // The original server with its chat add-on still behind HOST_WEBHOOK_URL: by default it gets only what
    // its own alerts need, so a technician's text is stored once and asks for an agent once.
    void forwardedBodiesNeverStoreTwice()
    {
        const DbParams params = originalDatabase();
        Db db(params, QStringLiteral("t"));
        Migrator::migrate(db);
        const Open open = openTicketWithTechnician(db, 4);
        db.execOnce(QStringLiteral("DELETE FROM event_log WHERE ticket_id = ?"), {open.ticket});
        db.execOnce(QStringLiteral(
                        "UPDATE tickets SET agent_requested = false, agent_requested_at = NULL WHERE id = ?"),
                    {open.ticket});
        OriginalServer host(params);
        Config config = TestServer::defaultConfig();
        config.whatsappAppSecret = QStringLiteral("test-app-secret");
        config.hostWebhookUrl = host.url();
        auto server = std::make_unique<TestServer>(params, config);
        const auto post = [&](const QByteArray &body) {
            return server->http().post(
                QStringLiteral("/webhooks/whatsapp"), body,
                {{"X-Hub-Signature-256", WebhookBody::signature(body, "test-app-secret")}});
        };
        const auto settled = [&] {
            return count(db, QStringLiteral("SELECT count(*) FROM whatsapp_inbox WHERE processed_at IS NULL "
                                            "OR forward_pending")) == 0;
        };

        const QString text = QStringLiteral("Agent, we are stuck at the 4th floor");
        VERIFY_STATUS(post(textBody(QStringLiteral("wamid.FWD.1"), open.phone, text)), 200);
        QTRY_VERIFY_WITH_TIMEOUT(settled(), 15000);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM chat_messages WHERE message = ?"), {text}),
                 1);
        QCOMPARE(
            count(
                db,
                QStringLiteral(
                    "SELECT count(*) FROM event_log WHERE event_type = 'agent_requested' AND ticket_id = ?"),
                {open.ticket}),
            1);
        QVERIFY(host.bodies.isEmpty());
        QCOMPARE(one(db, QStringLiteral("SELECT forward_error FROM whatsapp_inbox ORDER BY id DESC LIMIT 1"))
                     .toString(),
                 QStringLiteral("not forwarded: nothing in it for the host"));

        // A tap on the host's own alert reaches it, byte for byte.
        const QByteArray tap =
            QStringLiteral(
                R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"27110000000","phone_number_id":"1"},"contacts":[{"profile":{"name":"Tech"},"wa_id":"%1"}],"messages":[{"from":"%1","id":"wamid.FWD.2","timestamp":"%2","type":"button","context":{"from":"27110000000","id":"wamid.HOST.ALERT.1"},"button":{"payload":"Test","text":"Test"}}]}}]}]})")
                .arg(open.phone)
                .arg(QDateTime::currentSecsSinceEpoch())
                .toUtf8();
        VERIFY_STATUS(post(tap), 200);
        QTRY_COMPARE_WITH_TIMEOUT(host.bodies.size(), 1, 15000);
        QCOMPARE(host.bodies.first(), tap);

        // Forwarding everything, as for a host without the add-on, would store the text twice: the reason
        // the default is what it is.
        QTRY_VERIFY_WITH_TIMEOUT(settled(), 15000);
        server.reset();
        config.hostWebhookForward = QStringLiteral("all");
        TestServer everything(params, config);
        const QString again = QStringLiteral("Agent? still here");
        const QByteArray body = textBody(QStringLiteral("wamid.FWD.3"), open.phone, again);
        VERIFY_STATUS(everything.http().post(
                          QStringLiteral("/webhooks/whatsapp"), body,
                          {{"X-Hub-Signature-256", WebhookBody::signature(body, "test-app-secret")}}),
                      200);
        QTRY_COMPARE_WITH_TIMEOUT(
            count(db, QStringLiteral("SELECT count(*) FROM chat_messages WHERE message = ?"), {again}), 2,
            15000);
    }
};

QTEST_GUILESS_MAIN(TestOriginalSystem)
#include "tst_originalsystem.moc"
