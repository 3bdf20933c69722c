#include "ApiFields.h"
#include "Seed.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "db/Db.h"
#include "db/Events.h"
#include "whatsapp/SandboxTransport.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <algorithm>

// The /api/chat/* routes of API.md over real HTTP on loopback, against the real embedded PostgreSQL: one
// fresh database and one in-process server per test case, WhatsApp played by the sandbox transport.

namespace {

using ApiFields::keysOf;
const QStringList &conversationFields = ApiFields::conversation;
const QStringList &messageFields = ApiFields::message;

QStringList sortedList(const QStringList &list)
{
    return ApiFields::sorted(list);
}

const QString technician = QStringLiteral("27820000001"); // Sipho Dlamini, technician of lift 27710000001

QString chatPath(int ticketId, const char *action)
{
    return QStringLiteral("/api/chat/%1/%2").arg(ticketId).arg(QLatin1String(action));
}

QString chatPath(const QString &ticketId, const char *action)
{
    return QStringLiteral("/api/chat/%1/%2").arg(ticketId, QLatin1String(action));
}

QByteArray describe(const HttpResult &r)
{
    return r.describe().toUtf8();
}

// "2026-11-23T20:01:35.123Z"
bool isWireTime(const QJsonValue &v)
{
    static const QRegularExpression re(
        QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$"));
    return v.isString() && re.match(v.toString()).hasMatch();
}

QDateTime wireTime(const QJsonValue &v)
{
    return QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
}

QJsonObject body(std::initializer_list<std::pair<QString, QJsonValue>> fields)
{
    QJsonObject o;
    for (const auto &[key, value] : fields)
        o.insert(key, value);
    return o;
}

QList<qint64> idsOf(const QJsonArray &array)
{
    QList<qint64> ids;
    for (const QJsonValue &v : array)
        ids << v.toObject().value(QLatin1String("id")).toInteger();
    return ids;
}

QJsonObject itemWithId(const QJsonArray &array, qint64 id)
{
    for (const QJsonValue &v : array)
        if (v.toObject().value(QLatin1String("id")).toInteger() == id)
            return v.toObject();
    return {};
}

HttpClient::Headers bearer(const QByteArray &token)
{
    return HttpClient::bearer(token);
}

} // namespace

#define EXPECT_STATUS(result, want) QVERIFY2((result).status == (want), describe(result).constData())

#define EXPECT_OK(result)                                                                                    \
    do {                                                                                                     \
        const HttpResult &ok_ = (result);                                                                    \
        EXPECT_STATUS(ok_, 200);                                                                             \
        QVERIFY2(ok_.json.value(QLatin1String("ok")) == QJsonValue(true), describe(ok_).constData());        \
    } while (false)

// The failure envelope of API.md: {"ok": false, "error": {"code", "message"}}, nothing else.
#define EXPECT_ERROR(result, wantStatus, wantCode)                                                           \
    do {                                                                                                     \
        const HttpResult &err_ = (result);                                                                   \
        EXPECT_STATUS(err_, wantStatus);                                                                     \
        QCOMPARE(err_.errorCode(), QStringLiteral(wantCode));                                                \
        QCOMPARE(keysOf(err_.json), (QStringList{QStringLiteral("error"), QStringLiteral("ok")}));           \
        QCOMPARE(err_.json.value(QLatin1String("ok")), QJsonValue(false));                                   \
        QCOMPARE(keysOf(err_.json.value(QLatin1String("error")).toObject()),                                 \
                 (QStringList{QStringLiteral("code"), QStringLiteral("message")}));                          \
        QVERIFY2(!err_.errorMessage().trimmed().isEmpty(), err_.body.constData());                           \
        QVERIFY2(err_.header("Content-Type").startsWith("application/json"),                                 \
                 err_.header("Content-Type").constData());                                                   \
    } while (false)

namespace {

// A fresh migrated database with the registry of tests/data/registry.csv, and a server on it.
struct Fixture {
    explicit Fixture(const Config &config = TestServer::defaultConfig())
        : params(TestCluster::instance().createDatabase())
        , db(params, QStringLiteral("tst-chatapi"))
        , server(params, config)
    {
        Seed::registry(db);
    }

    DbParams params;
    Db db;
    TestServer server;

    HttpClient &http() { return server.http(); }
    SandboxTransport &sandbox() { return *server.app().sandbox(); }
    QVariant scalar(const QString &sql, const QVariantList &binds = {}) { return db.scalar(sql, binds); }
    int count(const QString &sql, const QVariantList &binds = {}) { return db.scalar(sql, binds).toInt(); }
    qint64 maxSeq() { return Events::latest(db); }
    QString messageStatus(qint64 id)
    {
        return scalar(QStringLiteral("SELECT status FROM chat_messages WHERE id = ?"), {id}).toString();
    }
    // The id of the message a send answered with.
    static qint64 sentId(const HttpResult &answer)
    {
        return answer.json.value(QLatin1String("chat_message"))
            .toObject()
            .value(QLatin1String("id"))
            .toInteger();
    }

    // A message stored as ingest would have (inbound from the technician) or as an earlier agent reply,
    // `minutesAgo` minutes ago.
    qint64 addMessage(int ticketId, bool inbound, const QString &text, int minutesAgo = 0)
    {
        QSqlQuery q = db.execOnce(
            QStringLiteral(
                "INSERT INTO chat_messages (ticket_id, from_number, to_number, message, direction, kind, "
                "status, "
                "read_by_agent, agent_name, wa_timestamp, created_at) "
                "SELECT v.t, CASE WHEN v.d = 'inbound' THEN '27820000001' END, "
                "CASE WHEN v.d = 'inbound' THEN '27110000000' ELSE '27820000001' END, v.m, v.d, 'text', "
                "CASE WHEN v.d = 'inbound' THEN 'received' ELSE 'sent' END, v.d = 'outbound', "
                "CASE WHEN v.d = 'outbound' THEN 'Earlier Agent' END, "
                "CASE WHEN v.d = 'inbound' THEN now() - make_interval(mins => v.a) END, "
                "now() - make_interval(mins => v.a) "
                "FROM (SELECT ?::integer AS t, ?::text AS d, ?::text AS m, ?::integer AS a) v RETURNING id"),
            {ticketId, inbound ? QStringLiteral("inbound") : QStringLiteral("outbound"), text, minutesAgo});
        q.next();
        const qint64 id = q.value(0).toLongLong();
        Events::sequence(db);
        return id;
    }

    void setTicketCreated(int ticketId, int minutesAgo)
    {
        db.execOnce(
            QStringLiteral("UPDATE tickets SET created_at = now() - make_interval(mins => ?) WHERE id = ?"),
            {minutesAgo, ticketId});
        Events::sequence(db);
    }

    void closeTicket(int ticketId, int minutesAgo)
    {
        db.execOnce(
            QStringLiteral("UPDATE tickets SET status = 'closed', resolved_at = now() - make_interval(mins "
                           "=> ?) WHERE id = ?"),
            {minutesAgo, ticketId});
        Events::sequence(db);
    }

    int agentId(const QString &username)
    {
        return db.scalar(QStringLiteral("SELECT id FROM agents WHERE username = ?"), {username}).toInt();
    }

    HttpResult list(const HttpClient::Headers &headers = TestServer::admin())
    {
        return http().get(QStringLiteral("/api/chat/conversations"), headers);
    }

    QJsonObject conversation(int ticketId)
    {
        return itemWithId(list().json.value(QLatin1String("conversations")).toArray(), ticketId);
    }

    HttpResult messages(int ticketId, const QString &query = {})
    {
        return http().get(chatPath(ticketId, "messages") + query, TestServer::admin());
    }

    HttpResult send(int ticketId, const QJsonObject &request,
                    const HttpClient::Headers &headers = TestServer::admin())
    {
        return http().postJson(chatPath(ticketId, "send"), request, headers);
    }

    // Event numbers: every event numbered, 1..N without a gap or a repeat. Empty when all is well.
    QString eventNumberingProblem()
    {
        // One snapshot. A ladder step the escalation takes in the background emits request.escalated at
        // any moment; the sequencer numbers it right after, so only those may be caught unnumbered.
        QSqlQuery q = db.execOnce(QStringLiteral(
            "SELECT count(*) FILTER (WHERE seq IS NULL AND event <> 'request.escalated'), count(seq), "
            "coalesce(min(seq), 0), coalesce(max(seq), 0), count(DISTINCT seq) FROM chat_events"));
        q.next();
        const qint64 unnumbered = q.value(0).toLongLong(), n = q.value(1).toLongLong(),
                     min = q.value(2).toLongLong(), max = q.value(3).toLongLong(),
                     distinct = q.value(4).toLongLong();
        if (unnumbered > 0)
            return QStringLiteral("%1 events have no seq").arg(unnumbered);
        if (n == 0)
            return QStringLiteral("there are no events at all");
        if (min != 1 || max != n || distinct != n)
            return QStringLiteral("seq is not 1..%1: min %2, max %3, distinct %4")
                .arg(n)
                .arg(min)
                .arg(max)
                .arg(distinct);
        return {};
    }

    struct Event {
        qint64 seq = 0;
        QString event;
        int ticketId = 0;
        QJsonObject data;
    };
    QList<Event> eventsAfter(qint64 seq)
    {
        QList<Event> out;
        QSqlQuery q = db.execOnce(
            QStringLiteral(
                "SELECT seq, event, ticket_id, data::text FROM chat_events WHERE seq > ? ORDER BY seq"),
            {seq});
        while (q.next())
            out.append({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toInt(),
                        QJsonDocument::fromJson(q.value(3).toString().toUtf8()).object()});
        return out;
    }
};

} // namespace

// The server's sequencer numbers a reply's events just after its answer, so they are waited for (briefly).
#define EXPECT_EVENTS_NUMBERED(fixture)                                                                      \
    do {                                                                                                     \
        QString problem_;                                                                                    \
        QTRY_VERIFY2_WITH_TIMEOUT((problem_ = (fixture).eventNumberingProblem()).isEmpty(),                  \
                                  qPrintable(problem_), 5000);                                               \
    } while (false)

class TestChatApi : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // Start the cluster and build the template once, outside the first case's time.
        TestCluster::instance();
    }

    // ---------------------------------------------------------------- GET /api/chat/conversations

    void conversationsFieldsAndCounts()
    {
        Fixture f;
        const int written = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, written, technician, QStringLiteral("Agent, the car is stuck"), 30);
        f.addMessage(written, false, QStringLiteral("Help is on the way"));
        Seed::technicianWrote(f.db, written, technician, QStringLiteral("Thanks, waiting on floor 3"), 5);
        const int silent = Seed::openTicket(f.db, QStringLiteral("27710000003"));
        Events::sequence(f.db);

        const HttpResult r = f.list();
        EXPECT_OK(r);
        QCOMPARE(keysOf(r.json),
                 sortedList({QStringLiteral("ok"), QStringLiteral("conversations"), QStringLiteral("seq")}));
        QVERIFY(r.json.value(QLatin1String("seq")).isDouble());
        const qint64 seq = r.json.value(QLatin1String("seq")).toInteger();
        QVERIFY(seq > 0);
        QCOMPARE(seq, f.scalar(QStringLiteral("SELECT max(seq) FROM chat_events")).toLongLong());

        const QJsonArray list = r.json.value(QLatin1String("conversations")).toArray();
        QCOMPARE(list.size(), 2);
        for (const QJsonValue &v : list)
            QCOMPARE(keysOf(v.toObject()), conversationFields);

        const QJsonObject c = itemWithId(list, written);
        QVERIFY2(!c.isEmpty(), r.body.constData());
        QCOMPARE(c.value(QLatin1String("id")), QJsonValue(written));
        QCOMPARE(
            c.value(QLatin1String("lift_id")).toInteger(),
            f.scalar(QStringLiteral("SELECT lift_id FROM tickets WHERE id = ?"), {written}).toLongLong());
        QCOMPARE(c.value(QLatin1String("status")).toString(), QStringLiteral("open"));
        QCOMPARE(c.value(QLatin1String("ticket_reference")).toString(),
                 QStringLiteral("JAMES-HOUSE-TKT%1").arg(written));
        QCOMPARE(c.value(QLatin1String("agent_requested")), QJsonValue(false));
        QVERIFY(c.value(QLatin1String("agent_requested_at")).isNull());
        QVERIFY(c.value(QLatin1String("acknowledged_at")).isNull());
        QVERIFY(c.value(QLatin1String("acknowledged_by")).isNull());
        QCOMPARE(
            c.value(QLatin1String("responded_by")).toString(),
            f.scalar(QStringLiteral("SELECT id::text FROM contacts WHERE primary_msisdn = ?"), {technician})
                .toString());
        QVERIFY(isWireTime(c.value(QLatin1String("created_at"))));
        QCOMPARE(
            c.value(QLatin1String("created_at")).toString(),
            f.scalar(QStringLiteral("SELECT liftline_iso(created_at) FROM tickets WHERE id = ?"), {written})
                .toString());
        QVERIFY(c.value(QLatin1String("resolved_at")).isNull());
        QCOMPARE(c.value(QLatin1String("site_name")).toString(), QStringLiteral("Sandton Central"));
        QCOMPARE(c.value(QLatin1String("building")).toString(), QStringLiteral("James House"));
        QCOMPARE(c.value(QLatin1String("lift_msisdn")).toString(), QStringLiteral("27710000001"));
        QCOMPARE(c.value(QLatin1String("lift_name")).toString(),
                 QStringLiteral("Sandton Central - James House"));
        QCOMPARE(c.value(QLatin1String("contact_name")).toString(), QStringLiteral("Sipho Dlamini"));
        QCOMPARE(c.value(QLatin1String("contact_phone")).toString(), technician);
        // Counts are JSON numbers.
        QVERIFY(c.value(QLatin1String("message_count")).isDouble());
        QVERIFY(c.value(QLatin1String("unread_count")).isDouble());
        QCOMPARE(c.value(QLatin1String("message_count")).toInt(), 3);
        QCOMPARE(c.value(QLatin1String("unread_count")).toInt(), 2); // two inbound, the reply does not count
        QCOMPARE(c.value(QLatin1String("last_message_preview")).toString(),
                 QStringLiteral("Thanks, waiting on floor 3"));
        QVERIFY(isWireTime(c.value(QLatin1String("last_message_at"))));
        QCOMPARE(
            c.value(QLatin1String("last_message_at")).toString(),
            f.scalar(QStringLiteral("SELECT liftline_iso(created_at) FROM chat_messages WHERE ticket_id = ? "
                                    "ORDER BY id DESC LIMIT 1"),
                     {written})
                .toString());
        // The window runs 24 hours from the technician's latest message (5 minutes ago).
        QVERIFY(isWireTime(c.value(QLatin1String("window_expires_at"))));
        const qint64 toExpiry =
            QDateTime::currentDateTimeUtc().secsTo(wireTime(c.value(QLatin1String("window_expires_at"))));
        QVERIFY2(qAbs(toExpiry - (24 * 3600 - 5 * 60)) < 120, qPrintable(QString::number(toExpiry)));

        const QJsonObject s = itemWithId(list, silent);
        QVERIFY2(!s.isEmpty(), r.body.constData());
        QVERIFY(s.value(QLatin1String("window_expires_at")).isNull()); // the technician never wrote
        QVERIFY(s.value(QLatin1String("responded_by")).isNull());
        QVERIFY(s.value(QLatin1String("contact_name")).isNull());
        QVERIFY(s.value(QLatin1String("contact_phone")).isNull());
        QVERIFY(s.value(QLatin1String("last_message_at")).isNull());
        QVERIFY(s.value(QLatin1String("last_message_preview")).isNull());
        QCOMPARE(s.value(QLatin1String("message_count")), QJsonValue(0));
        QCOMPARE(s.value(QLatin1String("unread_count")), QJsonValue(0));
        QCOMPARE(s.value(QLatin1String("lift_name")).toString(), QStringLiteral("Rosebank Park - Block C"));
    }

    void conversationsListOpenAndRecentlyClosed()
    {
        Fixture f;
        const int open = Seed::openTicket(f.db);
        const int closedRecently = Seed::openTicket(f.db);
        const int closedAlmostHourAgo = Seed::openTicket(f.db);
        const int closedOverHourAgo = Seed::openTicket(f.db);
        const int closedLongAgo = Seed::openTicket(f.db);
        f.closeTicket(closedRecently, 2);
        f.closeTicket(closedAlmostHourAgo, 55);
        f.closeTicket(closedOverHourAgo, 65);
        f.closeTicket(closedLongAgo, 3 * 24 * 60);

        const HttpResult r = f.list();
        EXPECT_OK(r);
        const QJsonArray list = r.json.value(QLatin1String("conversations")).toArray();
        const QList<qint64> listed = idsOf(list);
        const QSet<qint64> ids(listed.cbegin(), listed.cend());
        QCOMPARE(ids, (QSet<qint64>{open, closedRecently, closedAlmostHourAgo}));
        QCOMPARE(itemWithId(list, open).value(QLatin1String("status")).toString(), QStringLiteral("open"));
        for (const int id : {closedRecently, closedAlmostHourAgo}) {
            const QJsonObject c = itemWithId(list, id);
            QCOMPARE(c.value(QLatin1String("status")).toString(), QStringLiteral("closed"));
            QVERIFY(isWireTime(c.value(QLatin1String("resolved_at"))));
        }
        QCOMPARE(r.json.value(QLatin1String("seq")).toInteger(), f.maxSeq());
    }

    void conversationsOrder()
    {
        Fixture f;
        // Level 1: requested and not acknowledged, even with old messages on old tickets.
        const int requestedOld = Seed::openTicket(f.db);
        const int requestedNewer = Seed::openTicket(f.db, QStringLiteral("27710000002"));
        // Requested but acknowledged: only its latest message counts (the newest of all).
        const int acknowledged = Seed::openTicket(f.db, QStringLiteral("27710000003"));
        // Level 2 beats level 3: an older message on a newer ticket comes after.
        const int quiet = Seed::openTicket(f.db, QStringLiteral("27710000004"));
        // Level 3: no messages, newest ticket first.
        const int emptyNew = Seed::openTicket(f.db);
        const int emptyOld = Seed::openTicket(f.db, QStringLiteral("27710000002"));

        f.setTicketCreated(requestedOld, 600);
        f.setTicketCreated(requestedNewer, 500);
        f.setTicketCreated(acknowledged, 400);
        f.setTicketCreated(quiet, 120);
        f.setTicketCreated(emptyNew, 5);
        f.setTicketCreated(emptyOld, 50);
        f.addMessage(requestedOld, true, QStringLiteral("agent please"), 300);
        f.addMessage(requestedNewer, true, QStringLiteral("AGENT"), 200);
        f.addMessage(acknowledged, true, QStringLiteral("agent"), 1);
        f.addMessage(quiet, true, QStringLiteral("all fine now"), 100);
        Seed::agentRequested(f.db, requestedOld);
        Seed::agentRequested(f.db, requestedNewer);
        Seed::agentRequested(f.db, acknowledged);
        f.db.execOnce(
            QStringLiteral("UPDATE tickets SET acknowledged_at = now(), acknowledged_by = 'Alice Agent' "
                           "WHERE id = ?"),
            {acknowledged});
        Events::sequence(f.db);

        const HttpResult r = f.list();
        EXPECT_OK(r);
        const QList<qint64> order = idsOf(r.json.value(QLatin1String("conversations")).toArray());
        const QList<qint64> expected{requestedNewer, requestedOld, acknowledged, quiet, emptyNew, emptyOld};
        QVERIFY2(order == expected, describe(r).constData());
    }

    // ---------------------------------------------------------------- GET /api/chat/{id}/messages

    void messagesWholeThread()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        const int other = Seed::openTicket(f.db, QStringLiteral("27710000002"));
        const qint64 first =
            Seed::technicianWrote(f.db, ticket, technician, QStringLiteral("Agent, stuck"), 20);
        f.addMessage(other, true, QStringLiteral("another ticket"), 15);
        // Stored later (higher id) but with an older time: the thread is ordered by id, not by time.
        const qint64 second = f.addMessage(ticket, false, QStringLiteral("We are on it"), 90);
        const qint64 third = f.addMessage(ticket, true, QStringLiteral("Thank you"), 0);

        const HttpResult r = f.messages(ticket);
        EXPECT_OK(r);
        QCOMPARE(keysOf(r.json),
                 sortedList({QStringLiteral("ok"), QStringLiteral("ticket"), QStringLiteral("messages"),
                             QStringLiteral("has_more"), QStringLiteral("seq")}));
        QCOMPARE(keysOf(r.json.value(QLatin1String("ticket")).toObject()), conversationFields);
        QCOMPARE(r.json.value(QLatin1String("ticket")).toObject().value(QLatin1String("id")),
                 QJsonValue(ticket));
        QCOMPARE(r.json.value(QLatin1String("has_more")), QJsonValue(false));
        QCOMPARE(r.json.value(QLatin1String("seq")).toInteger(), f.maxSeq());
        const QJsonArray messages = r.json.value(QLatin1String("messages")).toArray();
        QCOMPARE(idsOf(messages), (QList<qint64>{first, second, third}));
        for (const QJsonValue &v : messages)
            QCOMPARE(keysOf(v.toObject()), messageFields);

        const QJsonObject in = messages.at(0).toObject();
        QCOMPARE(in.value(QLatin1String("ticket_id")), QJsonValue(ticket));
        QCOMPARE(in.value(QLatin1String("from_number")).toString(), technician);
        QCOMPARE(in.value(QLatin1String("message")).toString(), QStringLiteral("Agent, stuck"));
        QCOMPARE(in.value(QLatin1String("direction")).toString(), QStringLiteral("inbound"));
        QVERIFY(in.value(QLatin1String("agent_name")).isNull());
        QCOMPARE(in.value(QLatin1String("read_by_agent")), QJsonValue(false));
        QVERIFY(isWireTime(in.value(QLatin1String("created_at"))));
        QVERIFY(isWireTime(in.value(QLatin1String("wa_timestamp"))));
        QCOMPARE(in.value(QLatin1String("kind")).toString(), QStringLiteral("text"));
        QCOMPARE(in.value(QLatin1String("status")).toString(), QStringLiteral("received"));
        QVERIFY(in.value(QLatin1String("wa_message_id")).toString().startsWith(QLatin1String("wamid.")));
        QVERIFY(in.value(QLatin1String("error")).isNull());
        QVERIFY(in.value(QLatin1String("client_message_id")).isNull());

        const QJsonObject out = messages.at(1).toObject();
        QCOMPARE(out.value(QLatin1String("direction")).toString(), QStringLiteral("outbound"));
        QCOMPARE(out.value(QLatin1String("to_number")).toString(), technician);
        QCOMPARE(out.value(QLatin1String("agent_name")).toString(), QStringLiteral("Earlier Agent"));
        QVERIFY(out.value(QLatin1String("wa_timestamp")).isNull()); // WhatsApp's time is for inbound only
    }

    void messagesPaging()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        const int other = Seed::openTicket(f.db, QStringLiteral("27710000002"));
        Seed::bulkMessages(f.db, ticket, 5);
        Seed::bulkMessages(f.db, other, 3); // ids of another ticket in between
        Seed::bulkMessages(f.db, ticket, 5);
        QList<qint64> all;
        {
            QSqlQuery q = f.db.execOnce(
                QStringLiteral("SELECT id FROM chat_messages WHERE ticket_id = ? ORDER BY id"), {ticket});
            while (q.next())
                all << q.value(0).toLongLong();
        }
        QCOMPARE(all.size(), 10);

        struct Case {
            QString query;
            QList<qint64> ids;
            bool hasMore;
        };
        const QList<Case> cases{
            {QStringLiteral("?limit=3"), all.mid(7, 3), true},
            {QStringLiteral("?limit=3&before=%1").arg(all[7]), all.mid(4, 3), true},
            {QStringLiteral("?limit=3&before=%1").arg(all[4]), all.mid(1, 3), true},
            {QStringLiteral("?limit=3&before=%1").arg(all[3]), all.mid(0, 3), false}, // exactly the rest
            {QStringLiteral("?limit=5&before=%1").arg(all[3]), all.mid(0, 3), false},
            {QStringLiteral("?limit=9"), all.mid(1, 9), true},
            {QStringLiteral("?limit=10"), all, false},
            {QStringLiteral("?limit=500"), all, false},
            {QStringLiteral("?limit=1&before=%1").arg(all[0]), {}, false},
            {QStringLiteral("?before=%1&limit=2").arg(all[9] + 1000), all.mid(8, 2), true},
        };
        for (const Case &c : cases) {
            const HttpResult r = f.messages(ticket, c.query);
            EXPECT_OK(r);
            const QJsonArray messages = r.json.value(QLatin1String("messages")).toArray();
            QVERIFY2(idsOf(messages) == c.ids,
                     qPrintable(c.query + QLatin1Char(' ') + QString::fromUtf8(r.body)));
            QVERIFY2(r.json.value(QLatin1String("has_more")) == QJsonValue(c.hasMore), qPrintable(c.query));
            for (const QJsonValue &v : messages)
                QCOMPARE(keysOf(v.toObject()), messageFields);
        }
    }

    void messagesBadArguments()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);

        for (const char *limit : {"0", "501", "abc", "-1", "1.5", "", "99999999999999999999"}) {
            const HttpResult r = f.messages(ticket, QStringLiteral("?limit=") + QLatin1String(limit));
            EXPECT_ERROR(r, 400, "invalid_limit");
        }
        for (const char *before : {"x", "-5", "0"}) {
            const HttpResult r =
                f.messages(ticket, QStringLiteral("?limit=10&before=") + QLatin1String(before));
            EXPECT_ERROR(r, 400, "invalid_before");
        }
        for (const char *id : {"abc", "0", "-1", "1.5", "1e3", "+1", "0x1"}) {
            const HttpResult r =
                f.http().get(chatPath(QString::fromLatin1(id), "messages"), TestServer::admin());
            EXPECT_ERROR(r, 400, "invalid_ticket_id");
        }
        {
            const HttpResult r = f.http().get(chatPath(ticket + 1000, "messages"), TestServer::admin());
            EXPECT_ERROR(r, 404, "ticket_not_found");
        }
        {
            // A positive number beyond any ticket id: unknown or invalid, never a server error.
            const HttpResult r =
                f.http().get(chatPath(QStringLiteral("99999999999"), "messages"), TestServer::admin());
            QVERIFY2(r.status == 400 || r.status == 404, describe(r).constData());
            QCOMPARE(r.json.value(QLatin1String("ok")), QJsonValue(false));
        }
    }

    // ---------------------------------------------------------------- POST /api/chat/{id}/send

    void sendSuccess()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        const QString text = QStringLiteral("A technician is on the way, ETA 15 minutes");

        const HttpResult r =
            f.send(ticket, body({{QStringLiteral("message"), text},
                                 {QStringLiteral("agent_name"), QStringLiteral("Night Desk")}}));
        EXPECT_OK(r);
        QCOMPARE(keysOf(r.json), sortedList({QStringLiteral("ok"), QStringLiteral("message"),
                                             QStringLiteral("chat_message")}));
        QCOMPARE(r.json.value(QLatin1String("message")).toString(),
                 QStringLiteral("Message sent successfully"));
        const QJsonObject m = r.json.value(QLatin1String("chat_message")).toObject();
        QCOMPARE(keysOf(m), messageFields);
        QCOMPARE(m.value(QLatin1String("status")).toString(), QStringLiteral("sent"));
        const QString waId = m.value(QLatin1String("wa_message_id")).toString();
        QVERIFY2(!waId.isEmpty(), describe(r).constData());
        QCOMPARE(m.value(QLatin1String("ticket_id")), QJsonValue(ticket));
        QCOMPARE(m.value(QLatin1String("message")).toString(), text);
        QCOMPARE(m.value(QLatin1String("direction")).toString(), QStringLiteral("outbound"));
        QCOMPARE(m.value(QLatin1String("to_number")).toString(), technician);
        QCOMPARE(m.value(QLatin1String("agent_name")).toString(), QStringLiteral("Night Desk"));
        QCOMPARE(m.value(QLatin1String("kind")).toString(), QStringLiteral("text"));
        QVERIFY(m.value(QLatin1String("error")).isNull());
        QVERIFY(m.value(QLatin1String("wa_timestamp")).isNull());
        QVERIFY(isWireTime(m.value(QLatin1String("created_at"))));
        const qint64 id = m.value(QLatin1String("id")).toInteger();

        // The sandbox got exactly this message for the technician's number.
        const QList<OutboundMessage> sent = f.sandbox().sent();
        QCOMPARE(sent.size(), 1);
        QCOMPARE(sent.at(0).to, technician);
        QCOMPARE(sent.at(0).text, text);
        QCOMPARE(sent.at(0).messageId, id);

        QCOMPARE(f.messageStatus(id), QStringLiteral("sent"));
        QCOMPARE(
            f.scalar(QStringLiteral("SELECT wa_message_id FROM chat_messages WHERE id = ?"), {id}).toString(),
            waId);

        // The thread returns the same object.
        const HttpResult thread = f.messages(ticket);
        EXPECT_OK(thread);
        const QJsonArray messages = thread.json.value(QLatin1String("messages")).toArray();
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages.last().toObject(), m);
        QCOMPARE(f.conversation(ticket).value(QLatin1String("last_message_preview")).toString(), text);
    }

    void sendValidation()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        const QString elevator = QStringLiteral("\U0001F6D7"); // one code point, two UTF-16 units

        for (const QString &empty : {QString(), QStringLiteral("   "), QStringLiteral(" \n\t\r ")}) {
            const HttpResult r = f.send(ticket, body({{QStringLiteral("message"), empty}}));
            EXPECT_ERROR(r, 400, "message_required");
        }
        {
            const HttpResult r = f.send(ticket, QJsonObject{});
            EXPECT_ERROR(r, 400, "message_required");
        }
        {
            const HttpResult r = f.send(ticket, body({{QStringLiteral("message"), 42}}));
            EXPECT_STATUS(r, 400);
        }
        {
            const HttpResult r = f.send(ticket, body({{QStringLiteral("message"), elevator.repeated(4097)}}));
            EXPECT_ERROR(r, 400, "message_too_long");
        }
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = 'outbound'")),
                 0);
        QVERIFY(f.sandbox().sent().isEmpty());

        // 4096 code points (8192 UTF-16 units) is within the limit, and so is surrounding white space.
        {
            const HttpResult r = f.send(ticket, body({{QStringLiteral("message"), elevator.repeated(4096)}}));
            EXPECT_OK(r);
            const qint64 id =
                r.json.value(QLatin1String("chat_message")).toObject().value(QLatin1String("id")).toInteger();
            QCOMPARE(
                f.count(QStringLiteral("SELECT char_length(message) FROM chat_messages WHERE id = ?"), {id}),
                4096);
            QCOMPARE(
                f.scalar(QStringLiteral("SELECT message FROM chat_messages WHERE id = ?"), {id}).toString(),
                elevator.repeated(4096));
        }
        {
            const HttpResult r = f.send(
                ticket,
                body({{QStringLiteral("message"),
                       QString(QStringLiteral("  \n") + elevator.repeated(4096) + QStringLiteral(" \t"))}}));
            EXPECT_OK(r);
        }
        QCOMPARE(f.sandbox().sent().size(), 2);
    }

    void sendNoRecipient()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db); // nobody wrote: responded_by is empty
        {
            const HttpResult r =
                f.send(ticket, body({{QStringLiteral("message"), QStringLiteral("Hello?")}}));
            EXPECT_ERROR(r, 422, "no_recipient");
        }
        {
            // The body is checked before the state.
            const HttpResult r = f.send(ticket, body({{QStringLiteral("message"), QStringLiteral(" ")}}));
            EXPECT_ERROR(r, 400, "message_required");
        }
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages")), 0);
        QVERIFY(f.sandbox().sent().isEmpty());
    }

    void sendWindowClosed()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket, technician, QStringLiteral("Agent"), 25 * 60);
        const qint64 seqBefore = f.maxSeq();
        const int auditBefore = f.count(QStringLiteral("SELECT count(*) FROM audit_log"));

        const HttpResult r =
            f.send(ticket, body({{QStringLiteral("message"), QStringLiteral("Are you still there?")}}));
        EXPECT_ERROR(r, 409, "window_closed");
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = 'outbound'")),
                 0);
        QVERIFY(f.sandbox().sent().isEmpty());
        QCOMPARE(f.maxSeq(), seqBefore);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_events WHERE seq IS NULL")), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM audit_log")), auditBefore);

        // Ten minutes before the window closes, a reply still goes out.
        Seed::technicianWrote(f.db, ticket, technician, QStringLiteral("Yes"), 23 * 60 + 50);
        const HttpResult again = f.send(ticket, body({{QStringLiteral("message"), QStringLiteral("Good")}}));
        EXPECT_OK(again);
        QCOMPARE(f.sandbox().sent().size(), 1);
    }

    void sendClientMessageId()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        const QJsonObject request =
            body({{QStringLiteral("message"), QStringLiteral("On our way")},
                  {QStringLiteral("client_message_id"), QStringLiteral("console-7-0001")}});

        const HttpResult first = f.send(ticket, request);
        EXPECT_OK(first);
        const QJsonObject stored = first.json.value(QLatin1String("chat_message")).toObject();
        const qint64 id = stored.value(QLatin1String("id")).toInteger();
        QCOMPARE(stored.value(QLatin1String("client_message_id")).toString(),
                 QStringLiteral("console-7-0001"));
        EXPECT_EVENTS_NUMBERED(f);
        const qint64 seqAfterFirst = f.maxSeq();

        // The same request again (the console retried after a timeout): the stored message, nothing sent.
        const HttpResult repeat = f.send(ticket, request);
        EXPECT_OK(repeat);
        QCOMPARE(repeat.json.value(QLatin1String("message")).toString(),
                 QStringLiteral("Message sent successfully"));
        const QJsonObject repeated = repeat.json.value(QLatin1String("chat_message")).toObject();
        QCOMPARE(repeated.value(QLatin1String("id")).toInteger(), id);
        QCOMPARE(repeated.value(QLatin1String("status")).toString(), QStringLiteral("sent"));
        QCOMPARE(f.sandbox().sent().size(), 1);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = 'outbound'")),
                 1);
        // An event of the repeat would be numbered by now.
        EXPECT_EVENTS_NUMBERED(f);
        QCOMPARE(f.maxSeq(), seqAfterFirst);

        // The same id with another text is a conflict.
        const HttpResult conflict =
            f.send(ticket, body({{QStringLiteral("message"), QStringLiteral("Something else")},
                                 {QStringLiteral("client_message_id"), QStringLiteral("console-7-0001")}}));
        EXPECT_ERROR(conflict, 409, "duplicate_client_message_id");
        QCOMPARE(f.sandbox().sent().size(), 1);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = 'outbound'")),
                 1);
        // A repeat is answered as one before its other fields are judged: a `to` that is no number too.
        QJsonObject withBadTo = request;
        withBadTo.insert(QStringLiteral("to"), QStringLiteral("the manager"));
        const HttpResult repeatBadTo = f.send(ticket, withBadTo);
        EXPECT_OK(repeatBadTo);
        QCOMPARE(repeatBadTo.json.value(QLatin1String("chat_message")).toObject().value("id").toInteger(),
                 id);
        withBadTo.insert(QStringLiteral("message"), QStringLiteral("Something else"));
        EXPECT_ERROR(f.send(ticket, withBadTo), 409, "duplicate_client_message_id");
        QCOMPARE(f.sandbox().sent().size(), 1);

        // Unique per ticket: another ticket may use the same id.
        const int other = Seed::openTicket(f.db, QStringLiteral("27710000002"));
        Seed::technicianWrote(f.db, other, QStringLiteral("27820000002"));
        const HttpResult elsewhere = f.send(other, request);
        EXPECT_OK(elsewhere);
        QVERIFY(elsewhere.json.value(QLatin1String("chat_message"))
                    .toObject()
                    .value(QLatin1String("id"))
                    .toInteger() != id);
        QCOMPARE(f.sandbox().sent().size(), 2);
        QCOMPARE(f.sandbox().sent().last().to, QStringLiteral("27820000002"));
    }

    // A reply's events are numbered because the reply asks the sequencer, not because the listener's
    // periodic check comes by: with that check ten minutes away they are numbered within seconds, whether
    // the answer waited for WhatsApp or came once the reply was stored.
    void replyAsksForItsEventsToBeNumbered()
    {
        Config config = TestServer::defaultConfig();
        config.listenerCheckMs = 600000;
        Fixture f(config);
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        Events::sequence(f.db);
        EXPECT_EVENTS_NUMBERED(f);

        EXPECT_OK(f.send(ticket, body({{QStringLiteral("message"), QStringLiteral("On our way")}})));
        EXPECT_EVENTS_NUMBERED(f);

        HttpClient::Headers headers = TestServer::admin();
        headers.append({QByteArray("Prefer"), QByteArray("respond-async")});
        const HttpResult accepted =
            f.send(ticket, body({{QStringLiteral("message"), QStringLiteral("Ten minutes")}}), headers);
        QCOMPARE(accepted.status, 202);
        const qint64 id = Fixture::sentId(accepted);
        QTRY_COMPARE_WITH_TIMEOUT(f.messageStatus(id), QStringLiteral("sent"), 10000);
        EXPECT_EVENTS_NUMBERED(f);
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM chat_events WHERE event = 'message.updated' AND "
                                   "(data->>'id')::bigint = ? AND data->>'status' = 'sent'"),
                    {id}),
            1);
    }

    // With `Prefer: respond-async` (the console's) the answer comes once the message is stored, pending;
    // WhatsApp's answer then moves it to sent, or to failed with the reason, and each move is an event.
    // Without the header (the original page) a refusal is still the answer's 502 (sendFailure).
    void sendAnsweredOnceStored()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        HttpClient::Headers headers = TestServer::admin();
        headers.append({QByteArray("Prefer"), QByteArray("respond-async; wait=1")});

        const HttpResult accepted =
            f.send(ticket, body({{QStringLiteral("message"), QStringLiteral("On my way")}}), headers);
        QCOMPARE(accepted.status, 202);
        QCOMPARE(accepted.header("Preference-Applied"), QByteArray("respond-async"));
        QVERIFY(accepted.json.value(QLatin1String("ok")).toBool());
        const QJsonObject pending = accepted.json.value(QLatin1String("chat_message")).toObject();
        QCOMPARE(keysOf(pending), messageFields);
        QCOMPARE(pending.value(QLatin1String("status")).toString(), QStringLiteral("pending"));
        const qint64 sentId = pending.value(QLatin1String("id")).toInteger();
        QTRY_COMPARE_WITH_TIMEOUT(f.messageStatus(sentId), QStringLiteral("sent"), 10000);
        QCOMPARE(f.sandbox().sent().size(), 1);

        f.sandbox().failNext(QStringLiteral("131047"), QStringLiteral("Re-engagement message required"));
        const HttpResult refused =
            f.send(ticket, body({{QStringLiteral("message"), QStringLiteral("Please confirm")}}), headers);
        QCOMPARE(refused.status, 202);
        const qint64 failedId = Fixture::sentId(refused);
        QTRY_COMPARE_WITH_TIMEOUT(f.messageStatus(failedId), QStringLiteral("failed"), 10000);
        QCOMPARE(f.scalar(QStringLiteral("SELECT error_message FROM chat_messages WHERE id = ?"), {failedId})
                     .toString(),
                 QStringLiteral("Re-engagement message required"));
        // The outcome's event is numbered just after the outcome is committed, and a 202's own event
        // beside its answer: soon after, not before the row shows it.
        QTRY_VERIFY_WITH_TIMEOUT(f.eventNumberingProblem().isEmpty(), 10000);
        EXPECT_EVENTS_NUMBERED(f);
        // Each message announced pending, then with WhatsApp's outcome.
        for (const auto &[id, outcome] :
             {std::pair{sentId, QStringLiteral("sent")}, std::pair{failedId, QStringLiteral("failed")}}) {
            QSqlQuery q = f.db.execOnce(
                QStringLiteral("SELECT data->>'status' FROM chat_events WHERE event IN ('message.created', "
                               "'message.updated') AND (data->>'id')::bigint = ? ORDER BY seq"),
                {id});
            QStringList statuses;
            while (q.next())
                statuses << q.value(0).toString();
            QCOMPARE(statuses, (QStringList{QStringLiteral("pending"), outcome}));
        }
        // A repeat with the same client_message_id is answered as before: 200 with the stored message.
        const QJsonObject again{{QStringLiteral("message"), QStringLiteral("Once")},
                                {QStringLiteral("client_message_id"), QStringLiteral("console-async-1")}};
        QCOMPARE(f.send(ticket, again, headers).status, 202);
        const HttpResult repeat = f.send(ticket, again, headers);
        EXPECT_OK(repeat);
        QTRY_COMPARE_WITH_TIMEOUT(f.sandbox().sent().size(), 2, 10000);
    }

    void sendFailure()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        f.sandbox().failNext(QStringLiteral("131047"), QStringLiteral("Re-engagement message required"));

        const HttpResult r =
            f.send(ticket, body({{QStringLiteral("message"), QStringLiteral("Please confirm")}}));
        EXPECT_ERROR(r, 502, "send_failed");
        QVERIFY2(r.errorMessage().contains(QLatin1String("Re-engagement message required")),
                 r.body.constData());
        QVERIFY(f.sandbox().sent().isEmpty());

        // The message stays in the thread as failed, with the reason.
        const HttpResult thread = f.messages(ticket);
        EXPECT_OK(thread);
        const QJsonArray messages = thread.json.value(QLatin1String("messages")).toArray();
        QCOMPARE(messages.size(), 2);
        const QJsonObject failed = messages.last().toObject();
        QCOMPARE(keysOf(failed), messageFields);
        QCOMPARE(failed.value(QLatin1String("message")).toString(), QStringLiteral("Please confirm"));
        QCOMPARE(failed.value(QLatin1String("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(failed.value(QLatin1String("error")).toObject(),
                 body({{QStringLiteral("code"), QStringLiteral("131047")},
                       {QStringLiteral("message"), QStringLiteral("Re-engagement message required")}}));
        QVERIFY(failed.value(QLatin1String("wa_message_id")).isNull());
        const qint64 failedId = failed.value(QLatin1String("id")).toInteger();
        QCOMPARE(f.messageStatus(failedId), QStringLiteral("failed"));

        // A retry is a new send with a new id; the failed one stays as it was.
        const HttpResult retry =
            f.send(ticket, body({{QStringLiteral("message"), QStringLiteral("Please confirm")}}));
        EXPECT_OK(retry);
        QVERIFY(retry.json.value(QLatin1String("chat_message"))
                    .toObject()
                    .value(QLatin1String("id"))
                    .toInteger() != failedId);
        QCOMPARE(f.messageStatus(failedId), QStringLiteral("failed"));
        QCOMPARE(f.sandbox().sent().size(), 1);
        EXPECT_EVENTS_NUMBERED(f);
        // Consoles learnt of the failure through an event carrying the failed message.
        QJsonObject failedEvent;
        for (const Fixture::Event &e : f.eventsAfter(0))
            if (e.event == QLatin1String("message.updated") &&
                e.data.value(QLatin1String("id")).toInteger() == failedId)
                failedEvent = e.data;
        QCOMPARE(failedEvent, failed);
    }

    void sendAgentName()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        const QByteArray alice = f.server.signIn(QStringLiteral("alice"), QStringLiteral("Alice Agent"));

        // An agent's session: the account's name, whatever the body says.
        const HttpResult r =
            f.send(ticket,
                   body({{QStringLiteral("message"), QStringLiteral("Hello from Alice")},
                         {QStringLiteral("agent_name"), QStringLiteral("Mallory Impostor")}}),
                   bearer(alice));
        EXPECT_OK(r);
        const qint64 id =
            r.json.value(QLatin1String("chat_message")).toObject().value(QLatin1String("id")).toInteger();
        QCOMPARE(r.json.value(QLatin1String("chat_message"))
                     .toObject()
                     .value(QLatin1String("agent_name"))
                     .toString(),
                 QStringLiteral("Alice Agent"));
        QCOMPARE(
            f.scalar(QStringLiteral("SELECT agent_name FROM chat_messages WHERE id = ?"), {id}).toString(),
            QStringLiteral("Alice Agent"));
        QCOMPARE(f.scalar(QStringLiteral("SELECT agent_id FROM chat_messages WHERE id = ?"), {id}).toInt(),
                 f.agentId(QStringLiteral("alice")));

        // The AI assistant's token: the body's name.
        const HttpResult ai = f.send(ticket,
                                     body({{QStringLiteral("message"), QStringLiteral("Automated follow-up")},
                                           {QStringLiteral("agent_name"), QStringLiteral("Lift Assistant")}}),
                                     TestServer::ai());
        EXPECT_OK(ai);
        const qint64 aiId =
            ai.json.value(QLatin1String("chat_message")).toObject().value(QLatin1String("id")).toInteger();
        QCOMPARE(ai.json.value(QLatin1String("chat_message"))
                     .toObject()
                     .value(QLatin1String("agent_name"))
                     .toString(),
                 QStringLiteral("Lift Assistant"));
        QCOMPARE(
            f.scalar(QStringLiteral("SELECT agent_name FROM chat_messages WHERE id = ?"), {aiId}).toString(),
            QStringLiteral("Lift Assistant"));
        QVERIFY(f.scalar(QStringLiteral("SELECT agent_id FROM chat_messages WHERE id = ?"), {aiId}).isNull());
        // Each reply records which account or token made it.
        QCOMPARE(f.scalar(QStringLiteral("SELECT sent_by FROM chat_messages WHERE id = ?"), {id}).toString(),
                 QStringLiteral("agent"));
        QCOMPARE(
            f.scalar(QStringLiteral("SELECT sent_by FROM chat_messages WHERE id = ?"), {aiId}).toString(),
            QStringLiteral("ai_token"));
    }

    // ---------------------------------------------------------------- credentials and the order of checks

    void credentials()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        Seed::agentRequested(f.db, ticket);
        const QByteArray agent = f.server.signIn(QStringLiteral("alice"), QStringLiteral("Alice Agent"));

        {
            const HttpResult r = f.list({});
            EXPECT_ERROR(r, 401, "unauthorized");
        }
        {
            const HttpResult r = f.list({{"Authorization", "Basic YWxpY2U6c2VjcmV0"}});
            EXPECT_ERROR(r, 401, "unauthorized");
        }
        const QList<HttpClient::Headers> wrong{
            {{"Authorization", "Bearer not-a-session-token-0123456789"}},
            {{"Authorization", QByteArray("Bearer ").append(TestServer::adminToken).append('x')}},
            {{"X-Admin-Token", "wrong-admin-token-0123456789"}},
            {{"X-Admin-Token", QByteArray(TestServer::adminToken).chopped(1)}},
            {{"X-AI-Token", "test-ai-token-0123456789abX"}},
            {{"X-AI-Token", QByteArray(TestServer::aiToken).append(" extra")}},
        };
        for (const HttpClient::Headers &headers : wrong) {
            const HttpResult r = f.list(headers);
            EXPECT_ERROR(r, 401, "invalid_token");
        }

        // Any accepted token in any of the three headers.
        const QList<QByteArray> tokens{TestServer::adminToken, TestServer::aiToken, agent};
        for (const QByteArray &token : tokens) {
            for (const QByteArray &header :
                 {QByteArray("Authorization"), QByteArray("X-Admin-Token"), QByteArray("X-AI-Token")}) {
                QByteArray value = token;
                if (header == "Authorization")
                    value.prepend("Bearer ");
                const HttpResult r = f.list({{header, value}});
                QVERIFY2(r.status == 200, (header + ": " + describe(r)).constData());
                QCOMPARE(itemWithId(r.json.value(QLatin1String("conversations")).toArray(), ticket)
                             .value(QLatin1String("id")),
                         QJsonValue(ticket));
            }
        }

        // Every chat route refuses a request without credentials, and changes nothing.
        const QList<std::pair<QByteArray, QString>> routes{
            {"GET", chatPath(ticket, "messages")},   {"POST", chatPath(ticket, "send")},
            {"POST", chatPath(ticket, "mark-read")}, {"POST", chatPath(ticket, "acknowledge")},
            {"POST", chatPath(ticket, "resolve")},
        };
        const QByteArray payload = "{\"message\": \"hi\", \"note\": \"done\"}";
        for (const auto &[method, path] : routes) {
            const HttpResult none =
                f.http().request(method, path, method == "GET" ? QByteArray() : payload, {},
                                 method == "GET" ? QByteArray() : QByteArray("application/json"));
            EXPECT_ERROR(none, 401, "unauthorized");
            const HttpResult bad =
                f.http().request(method, path, method == "GET" ? QByteArray() : payload,
                                 {{"Authorization", "Bearer not-a-session-token-0123456789"}},
                                 method == "GET" ? QByteArray() : QByteArray("application/json"));
            EXPECT_ERROR(bad, 401, "invalid_token");
        }
        QCOMPARE(f.scalar(QStringLiteral("SELECT status FROM tickets WHERE id = ?"), {ticket}).toString(),
                 QStringLiteral("open"));
        QVERIFY(
            f.scalar(QStringLiteral("SELECT acknowledged_at FROM tickets WHERE id = ?"), {ticket}).isNull());
        QCOMPARE(f.count(QStringLiteral(
                     "SELECT count(*) FROM chat_messages WHERE direction = 'inbound' AND NOT read_by_agent")),
                 1);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = 'outbound'")),
                 0);
        QVERIFY(f.sandbox().sent().isEmpty());

        // The scheme name is case-insensitive.
        EXPECT_OK(f.list({{"Authorization", QByteArray("bearer ").append(TestServer::adminToken)}}));

        // A session that ended is refused.
        const HttpResult logout = f.http().post(QStringLiteral("/api/auth/logout"), {}, bearer(agent));
        EXPECT_OK(logout);
        const HttpResult after = f.list(bearer(agent));
        EXPECT_ERROR(after, 401, "invalid_token");
    }

    void shortConfiguredTokensAreDisabled()
    {
        Config config = TestServer::defaultConfig();
        config.adminToken = QStringLiteral("short-admin"); // under 16 characters: disabled
        config.aiToken.clear();                            // unset: disabled
        Fixture f(config);
        {
            const HttpResult r = f.list({{"X-Admin-Token", "short-admin"}});
            EXPECT_ERROR(r, 401, "invalid_token");
        }
        {
            const HttpResult r = f.list({{"Authorization", "Bearer short-admin"}});
            EXPECT_ERROR(r, 401, "invalid_token");
        }
        {
            const HttpResult r = f.list(TestServer::ai());
            EXPECT_ERROR(r, 401, "invalid_token");
        }
    }

    void orderOfChecks()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        const int noRecipient = Seed::openTicket(f.db, QStringLiteral("27710000003"));
        const QByteArray notJson = "this is { not JSON";
        const QByteArray large =
            QByteArray("{\"message\": \"") + QByteArray(70 * 1024, 'a') + QByteArray("\"}");
        const QByteArray valid = "{\"message\": \"hello\", \"note\": \"done\"}";

        // A body over the limit is refused as it is read, before anything else, from anyone.
        EXPECT_ERROR(f.http().post(chatPath(QStringLiteral("abc"), "send"), large), 413, "body_too_large");
        EXPECT_ERROR(
            f.http().post(chatPath(QStringLiteral("0"), "send"), large, TestServer::admin(), "text/plain"),
            413, "body_too_large");
        EXPECT_ERROR(f.http().post(chatPath(ticket + 1000, "send"), large, TestServer::admin(), "text/plain"),
                     413, "body_too_large");
        // Credentials first.
        EXPECT_ERROR(f.http().post(chatPath(QStringLiteral("abc"), "send"), notJson), 401, "unauthorized");
        EXPECT_ERROR(f.http().get(chatPath(QStringLiteral("abc"), "messages")), 401, "unauthorized");
        EXPECT_ERROR(f.http().post(chatPath(QStringLiteral("-4"), "resolve"), notJson, {}, "text/plain"), 401,
                     "unauthorized");
        // Then the path id.
        EXPECT_ERROR(f.http().post(chatPath(QStringLiteral("abc"), "send"), notJson, TestServer::admin()),
                     400, "invalid_ticket_id");
        EXPECT_ERROR(
            f.http().post(chatPath(QStringLiteral("0"), "send"), valid, TestServer::admin(), "text/plain"),
            400, "invalid_ticket_id");
        EXPECT_ERROR(f.http().post(chatPath(QStringLiteral("x1"), "resolve"), notJson, TestServer::admin()),
                     400, "invalid_ticket_id");
        // Then existence.
        EXPECT_ERROR(f.http().post(chatPath(ticket + 1000, "send"), notJson, TestServer::admin()), 404,
                     "ticket_not_found");
        EXPECT_ERROR(f.http().post(chatPath(ticket + 1000, "send"), valid, TestServer::admin(), "text/plain"),
                     404, "ticket_not_found");
        EXPECT_ERROR(f.http().post(chatPath(ticket + 1000, "resolve"), notJson, TestServer::admin()), 404,
                     "ticket_not_found");
        // Then the body.
        EXPECT_ERROR(f.http().post(chatPath(ticket, "send"), notJson, TestServer::admin()), 400,
                     "invalid_json");
        EXPECT_ERROR(f.http().post(chatPath(ticket, "send"), "[1, 2]", TestServer::admin()), 400,
                     "invalid_json");
        EXPECT_ERROR(f.http().post(chatPath(ticket, "send"), "", TestServer::admin()), 400, "invalid_json");
        EXPECT_ERROR(f.http().post(chatPath(ticket, "send"), valid, TestServer::admin(), "text/plain"), 415,
                     "unsupported_media_type");
        EXPECT_ERROR(f.http().post(chatPath(ticket, "send"), large, TestServer::admin()), 413,
                     "body_too_large");
        // A JSON type with parameters is JSON.
        EXPECT_OK(f.http().post(chatPath(ticket, "send"), valid, TestServer::admin(),
                                "application/json; charset=utf-8"));
        EXPECT_ERROR(f.http().post(chatPath(ticket, "resolve"), notJson, TestServer::admin()), 400,
                     "invalid_json");
        EXPECT_ERROR(f.http().post(chatPath(ticket, "resolve"), valid, TestServer::admin(), "text/plain"),
                     415, "unsupported_media_type");
        // Then the state: a bad body on a ticket nobody can be written to is still a bad body.
        EXPECT_ERROR(f.http().post(chatPath(noRecipient, "send"), notJson, TestServer::admin()), 400,
                     "invalid_json");

        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = 'outbound'")),
                 1);
        QCOMPARE(f.scalar(QStringLiteral("SELECT status FROM tickets WHERE id = ?"), {ticket}).toString(),
                 QStringLiteral("open"));
        QCOMPARE(f.sandbox().sent().size(), 1);
    }

    // ---------------------------------------------------------------- stored text

    void storedTextIsPreserved()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket, technician, QStringLiteral("Agent, the car is stuck"), 10);
        Seed::technicianWrote(f.db, ticket, technician, QStringLiteral("It's <b>dark</b> in here; -- help'"),
                              5);
        const int other = Seed::openTicket(f.db, QStringLiteral("27710000002"));
        Seed::bulkMessages(f.db, other, 4);
        const qint64 lastBefore = f.scalar(QStringLiteral("SELECT max(id) FROM chat_messages")).toLongLong();
        const QString snapshotSql = QStringLiteral(
            "SELECT json_agg(row_to_json(m) ORDER BY m.id)::text FROM chat_messages m WHERE m.id <= ?");
        const QString before = f.scalar(snapshotSql, {lastBefore}).toString();
        const int ticketsBefore = f.count(QStringLiteral("SELECT count(*) FROM tickets"));

        const QStringList texts{
            QStringLiteral("'); DROP TABLE chat_messages; --"),
            QStringLiteral("Robert'); DELETE FROM tickets WHERE ('1'='1"),
            QStringLiteral("? ?? :id :1 $1 %s %n %1 {0} \\x00 \\\\ \"quoted\" `tick` ; --"),
            QStringLiteral("\U0001F6D7\U0001F6A8\U0001F469\u200D\U0001F527 stuck between \U0001F3E2 floors "
                           "3\uFE0F\u20E3 "
                           "and 4\uFE0F\u20E3 \U0001F64F\U0001F3FD"),
            QStringLiteral("المصعد عالق بين الطابقين الثالث والرابع، الرجاء المساعدة ٣"),
            QStringLiteral("המעלית תקועה בין קומה 3 לקומה 4, בבקשה לעזור"),
            QStringLiteral("mixed \u202Eevil\u202C מעלית 3 مصعد ٤ \u200Fend"),
            QStringLiteral(
                "<script>alert('x')</script><b>bold</b> &amp; &lt;tag&gt; <img src=x onerror=alert(1)>"),
            QStringLiteral("line one\nline two\r\n\ttabbed"),
            QStringLiteral("Ünïcödé ñ ß ﬁ e\u0301 中文 日本語 한국어 \u0007bell \u001B[31mred"),
        };
        const QString agentName = QStringLiteral("Night <i>O'Neil</i> \U0001F6D7 אבי");
        QList<qint64> ids;
        for (const QString &text : texts) {
            const HttpResult r = f.send(
                ticket, body({{QStringLiteral("message"), text}, {QStringLiteral("agent_name"), agentName}}),
                TestServer::ai());
            EXPECT_OK(r);
            const QJsonObject m = r.json.value(QLatin1String("chat_message")).toObject();
            QCOMPARE(m.value(QLatin1String("message")).toString(), text);
            QCOMPARE(m.value(QLatin1String("agent_name")).toString(), agentName);
            const qint64 id = m.value(QLatin1String("id")).toInteger();
            ids << id;
            // Byte for byte in the database.
            QCOMPARE(f.scalar(QStringLiteral(
                                  "SELECT encode(convert_to(message, 'UTF8'), 'hex') FROM chat_messages "
                                  "WHERE id = ?"),
                              {id})
                         .toString()
                         .toLatin1(),
                     text.toUtf8().toHex());
            QCOMPARE(f.scalar(QStringLiteral("SELECT agent_name FROM chat_messages WHERE id = ?"), {id})
                         .toString(),
                     agentName);
        }
        QCOMPARE(f.sandbox().sent().size(), int(texts.size()));
        QCOMPARE(f.sandbox().sent().last().text, texts.last());

        // Read back over HTTP, in order, unchanged.
        const HttpResult thread = f.messages(ticket);
        EXPECT_OK(thread);
        const QJsonArray messages = thread.json.value(QLatin1String("messages")).toArray();
        QCOMPARE(messages.size(), 2 + int(texts.size()));
        QCOMPARE(messages.at(1).toObject().value(QLatin1String("message")).toString(),
                 QStringLiteral("It's <b>dark</b> in here; -- help'"));
        for (int i = 0; i < texts.size(); ++i) {
            const QJsonObject m = messages.at(2 + i).toObject();
            QCOMPARE(m.value(QLatin1String("id")).toInteger(), ids.at(i));
            QCOMPARE(m.value(QLatin1String("message")).toString(), texts.at(i));
        }
        QCOMPARE(f.conversation(ticket).value(QLatin1String("last_message_preview")).toString(),
                 texts.last());

        // Nothing else changed, and every table is still there.
        QCOMPARE(f.scalar(snapshotSql, {lastBefore}).toString(), before);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM tickets")), ticketsBefore);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages")), 6 + int(texts.size()));
        QVERIFY(f.scalar(QStringLiteral("SELECT to_regclass('chat_messages') IS NOT NULL")).toBool());
        EXPECT_EVENTS_NUMBERED(f);
    }

    // A NUL character cannot be stored in PostgreSQL text. Wherever an agent's text goes, it must be refused
    // as bad input (400, nothing stored, nothing sent) or kept exactly: never cut short, never a 500.
    void nulCharacterInText_data()
    {
        QTest::addColumn<QString>("route");
        QTest::addColumn<QString>("field");
        QTest::newRow("send message") << QStringLiteral("send") << QStringLiteral("message");
        QTest::newRow("send agent_name") << QStringLiteral("send") << QStringLiteral("agent_name");
        QTest::newRow("send client_message_id")
            << QStringLiteral("send") << QStringLiteral("client_message_id");
        QTest::newRow("resolve note") << QStringLiteral("resolve") << QStringLiteral("note");
    }

    void nulCharacterInText()
    {
        QFETCH(QString, route);
        QFETCH(QString, field);
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        const QString text = QStringLiteral("before") + QChar(0) + QStringLiteral("after");
        QJsonObject request{{QStringLiteral("message"), QStringLiteral("plain text")},
                            {QStringLiteral("note"), QStringLiteral("plain note")}};
        request.insert(field, text);
        const HttpResult r = f.http().postJson(QStringLiteral("/api/chat/%1/%2").arg(ticket).arg(route),
                                               request, TestServer::ai());
        if (r.status == 200) {
            if (route == QLatin1String("send")) {
                const qint64 id = r.json.value(QLatin1String("chat_message"))
                                      .toObject()
                                      .value(QLatin1String("id"))
                                      .toInteger();
                QCOMPARE(
                    f.scalar(QStringLiteral("SELECT %1 FROM chat_messages WHERE id = ?").arg(field), {id})
                        .toString(),
                    text);
            } else {
                QCOMPARE(
                    f.scalar(QStringLiteral("SELECT resolution_note FROM tickets WHERE id = ?"), {ticket})
                        .toString(),
                    text);
            }
        } else {
            QVERIFY2(r.status == 400, describe(r).constData());
            QCOMPARE(r.json.value(QLatin1String("ok")), QJsonValue(false));
            QCOMPARE(
                f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = 'outbound'")),
                0);
            QCOMPARE(f.scalar(QStringLiteral("SELECT status FROM tickets WHERE id = ?"), {ticket}).toString(),
                     QStringLiteral("open"));
            QVERIFY(f.sandbox().sent().isEmpty());
        }
    }

    // A console retrying while its first request is still running: one message, one send.
    void sendClientMessageIdConcurrently()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        const QByteArray payload =
            QJsonDocument(body({{QStringLiteral("message"), QStringLiteral("Hold on, help is coming")},
                                {QStringLiteral("client_message_id"), QStringLiteral("retry-42")}}))
                .toJson(QJsonDocument::Compact);
        QNetworkAccessManager nam;
        QList<QNetworkReply *> replies;
        QUrl url = f.server.baseUrl();
        url.setPath(chatPath(ticket, "send"));
        for (int i = 0; i < 6; ++i) {
            QNetworkRequest request(url);
            request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
            request.setRawHeader("X-Admin-Token", TestServer::adminToken);
            replies << nam.post(request, payload);
        }
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(replies.cbegin(), replies.cend(),
                                             [](QNetworkReply *reply) { return reply->isFinished(); }),
                                 30000);
        QSet<qint64> ids;
        for (QNetworkReply *reply : std::as_const(replies)) {
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QByteArray answer = reply->readAll();
            QVERIFY2(status == 200, answer.constData());
            ids << QJsonDocument::fromJson(answer)
                       .object()
                       .value(QLatin1String("chat_message"))
                       .toObject()
                       .value(QLatin1String("id"))
                       .toInteger();
            reply->deleteLater();
        }
        QCOMPARE(ids.size(), 1);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = 'outbound'")),
                 1);
        QCOMPARE(f.sandbox().sent().size(), 1);
        EXPECT_EVENTS_NUMBERED(f);
    }

    // ---------------------------------------------------------------- mark-read, acknowledge, resolve

    void markRead()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket, technician, QStringLiteral("Agent"), 3);
        f.addMessage(ticket, false, QStringLiteral("Coming"));
        Seed::technicianWrote(f.db, ticket, technician, QStringLiteral("Please hurry"), 1);
        const int other = Seed::openTicket(f.db, QStringLiteral("27710000002"));
        Seed::technicianWrote(f.db, other, QStringLiteral("27820000002"), QStringLiteral("Not this one"), 1);
        Seed::agentRequested(f.db, ticket);
        QCOMPARE(f.conversation(ticket).value(QLatin1String("unread_count")), QJsonValue(2));
        const QByteArray alice = f.server.signIn(QStringLiteral("alice"), QStringLiteral("Alice Agent"));
        const QByteArray bob = f.server.signIn(QStringLiteral("bob"), QStringLiteral("Bob Builder"));

        const HttpResult r = f.http().post(chatPath(ticket, "mark-read"), {}, bearer(alice));
        EXPECT_OK(r);
        QCOMPARE(r.json.value(QLatin1String("message")).toString(),
                 QStringLiteral("Messages marked as read"));

        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE ticket_id = ? AND direction = "
                                   "'inbound' AND NOT read_by_agent"),
                    {ticket}),
            0);
        const QJsonObject c = f.conversation(ticket);
        QCOMPARE(c.value(QLatin1String("unread_count")), QJsonValue(0));
        QCOMPARE(c.value(QLatin1String("message_count")), QJsonValue(3));
        // Reading is not acknowledging: the request still waits, and every console still alerts.
        QVERIFY(c.value(QLatin1String("acknowledged_by")).isNull());
        QVERIFY(c.value(QLatin1String("acknowledged_at")).isNull());
        QVERIFY(
            f.scalar(QStringLiteral("SELECT acknowledged_at FROM tickets WHERE id = ?"), {ticket}).isNull());
        // Other tickets are untouched.
        QCOMPARE(f.conversation(other).value(QLatin1String("unread_count")), QJsonValue(1));
        const HttpResult thread = f.messages(ticket);
        for (const QJsonValue &v : thread.json.value(QLatin1String("messages")).toArray())
            QCOMPARE(v.toObject().value(QLatin1String("read_by_agent")), QJsonValue(true));

        // Another reader changes nothing either; new messages are unread again.
        const HttpResult second = f.http().post(chatPath(ticket, "mark-read"), {}, bearer(bob));
        EXPECT_OK(second);
        QVERIFY(f.conversation(ticket).value(QLatin1String("acknowledged_by")).isNull());
        Seed::technicianWrote(f.db, ticket, technician, QStringLiteral("Still here"), 0);
        QCOMPARE(f.conversation(ticket).value(QLatin1String("unread_count")), QJsonValue(1));

        EXPECT_ERROR(f.http().post(chatPath(ticket + 1000, "mark-read"), {}, bearer(alice)), 404,
                     "ticket_not_found");
        EXPECT_ERROR(f.http().post(chatPath(QStringLiteral("zero"), "mark-read"), {}, bearer(alice)), 400,
                     "invalid_ticket_id");
        EXPECT_EVENTS_NUMBERED(f);
    }

    void acknowledge()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        Seed::agentRequested(f.db, ticket);
        const QByteArray alice = f.server.signIn(QStringLiteral("alice"), QStringLiteral("Alice Agent"));
        const QByteArray bob = f.server.signIn(QStringLiteral("bob"), QStringLiteral("Bob Builder"));

        const HttpResult r = f.http().post(chatPath(ticket, "acknowledge"), {}, bearer(alice));
        EXPECT_OK(r);
        const QJsonObject conversation = r.json.value(QLatin1String("conversation")).toObject();
        QCOMPARE(keysOf(conversation), conversationFields);
        QCOMPARE(conversation.value(QLatin1String("acknowledged_by")).toString(),
                 QStringLiteral("Alice Agent"));
        QVERIFY(isWireTime(conversation.value(QLatin1String("acknowledged_at"))));
        QCOMPARE(
            f.scalar(QStringLiteral("SELECT acknowledged_by FROM tickets WHERE id = ?"), {ticket}).toString(),
            QStringLiteral("Alice Agent"));
        const QString at =
            f.scalar(QStringLiteral("SELECT liftline_iso(acknowledged_at) FROM tickets WHERE id = ?"),
                     {ticket})
                .toString();
        QCOMPARE(conversation.value(QLatin1String("acknowledged_at")).toString(), at);

        // The same agent pressing twice is fine and changes nothing.
        const HttpResult again = f.http().post(chatPath(ticket, "acknowledge"), {}, bearer(alice));
        EXPECT_OK(again);
        QCOMPARE(f.scalar(QStringLiteral("SELECT liftline_iso(acknowledged_at) FROM tickets WHERE id = ?"),
                          {ticket})
                     .toString(),
                 at);

        // Another agent is told who has it.
        const HttpResult taken = f.http().post(chatPath(ticket, "acknowledge"), {}, bearer(bob));
        EXPECT_ERROR(taken, 409, "already_acknowledged");
        QVERIFY2(taken.errorMessage().contains(QLatin1String("Alice Agent")), taken.body.constData());
        QCOMPARE(
            f.scalar(QStringLiteral("SELECT acknowledged_by FROM tickets WHERE id = ?"), {ticket}).toString(),
            QStringLiteral("Alice Agent"));

        // A closed ticket cannot be acknowledged.
        const int closed = Seed::openTicket(f.db, QStringLiteral("27710000002"));
        Seed::agentRequested(f.db, closed);
        EXPECT_OK(f.http().postJson(chatPath(closed, "resolve"),
                                    body({{QStringLiteral("note"), QStringLiteral("done")}}), bearer(bob)));
        EXPECT_ERROR(f.http().post(chatPath(closed, "acknowledge"), {}, bearer(alice)), 409, "ticket_closed");
        QVERIFY(
            f.scalar(QStringLiteral("SELECT acknowledged_at FROM tickets WHERE id = ?"), {closed}).isNull());

        EXPECT_ERROR(f.http().post(chatPath(ticket + 1000, "acknowledge"), {}, bearer(alice)), 404,
                     "ticket_not_found");
        EXPECT_ERROR(f.http().post(chatPath(QStringLiteral("-2"), "acknowledge"), {}, bearer(alice)), 400,
                     "invalid_ticket_id");
        EXPECT_EVENTS_NUMBERED(f);
    }

    // Taking a technician's request tells them a person has it, in the agent's name, through the outbox. The
    // message is automatic, not a reply: the request is taken, but not answered until the agent writes.
    void acknowledgingTellsTheTechnician()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        Seed::agentRequested(f.db, ticket);
        const QByteArray alice = f.server.signIn(QStringLiteral("alice"), QStringLiteral("Alice Agent"));
        const QString automatic =
            QStringLiteral("SELECT %1 FROM chat_messages WHERE ticket_id = ? AND sent_by = 'automatic'");
        EXPECT_OK(f.http().post(chatPath(ticket, "acknowledge"), {}, bearer(alice)));
        QTRY_COMPARE_WITH_TIMEOUT(f.scalar(automatic.arg(QLatin1String("status")), {ticket}).toString(),
                                  QStringLiteral("sent"), 10000);
        QCOMPARE(f.scalar(automatic.arg(QLatin1String("message")), {ticket}).toString(),
                 QStringLiteral("Alice Agent from the call centre has your request and will answer here."));
        QCOMPARE(f.scalar(automatic.arg(QLatin1String("to_number")), {ticket}).toString(),
                 QStringLiteral("27820000001"));
        QCOMPARE(f.scalar(automatic.arg(QLatin1String("agent_name")), {ticket}).toString(),
                 QStringLiteral("Call centre (automatic)"));
        QCOMPARE(
            f.scalar(QStringLiteral("SELECT acknowledged_by FROM tickets WHERE id = ?"), {ticket}).toString(),
            QStringLiteral("Alice Agent"));
        QVERIFY(
            f.scalar(QStringLiteral("SELECT agent_replied_at FROM tickets WHERE id = ?"), {ticket}).isNull());
        // The API marks it.
        const HttpResult thread = f.http().get(chatPath(ticket, "messages"), bearer(alice));
        EXPECT_OK(thread);
        const QJsonArray messages = thread.json.value(QLatin1String("messages")).toArray();
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages.at(0).toObject().value(QLatin1String("automatic")).toBool(), false);
        QCOMPARE(messages.at(1).toObject().value(QLatin1String("automatic")).toBool(), true);

        // Pressing again sends nothing more; the agent's own reply answers the request.
        EXPECT_OK(f.http().post(chatPath(ticket, "acknowledge"), {}, bearer(alice)));
        EXPECT_OK(f.http().postJson(chatPath(ticket, "send"),
                                    body({{QStringLiteral("message"), QStringLiteral("On my way")}}),
                                    bearer(alice)));
        QCOMPARE(f.scalar(automatic.arg(QLatin1String("count(*)")), {ticket}).toInt(), 1);
        QVERIFY(!f.scalar(QStringLiteral("SELECT agent_replied_at FROM tickets WHERE id = ?"), {ticket})
                     .isNull());

        // Outside the 24-hour window WhatsApp would refuse it: taken, nothing sent.
        const int late = Seed::openTicket(f.db, QStringLiteral("27710000002"));
        Seed::technicianWrote(f.db, late, QStringLiteral("27820000002"), QStringLiteral("agent"), 25 * 60);
        Seed::agentRequested(f.db, late);
        EXPECT_OK(f.http().post(chatPath(late, "acknowledge"), {}, bearer(alice)));
        QCOMPARE(f.scalar(automatic.arg(QLatin1String("count(*)")), {late}).toInt(), 0);
        // A conversation taken without a request (nothing asked) tells nobody.
        const int quiet = Seed::openTicket(f.db, QStringLiteral("27710000003"));
        Seed::technicianWrote(f.db, quiet, QStringLiteral("27820000003"));
        EXPECT_OK(f.http().post(chatPath(quiet, "acknowledge"), {}, bearer(alice)));
        QCOMPARE(f.scalar(automatic.arg(QLatin1String("count(*)")), {quiet}).toInt(), 0);
        EXPECT_EVENTS_NUMBERED(f);
    }

    // /metrics counts the requests nobody has taken, so that monitoring outside the consoles can page
    // someone; an acknowledgement takes it off.
    void metricsCountWaitingRequests()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        Seed::agentRequested(f.db, ticket);
        const qint64 since =
            f.scalar(QStringLiteral(
                         "SELECT extract(epoch FROM agent_requested_at)::bigint FROM tickets WHERE id = ?"),
                     {ticket})
                .toLongLong();
        const auto metrics = [&] { return QString::fromUtf8(f.http().get(QStringLiteral("/metrics")).body); };
        QTRY_VERIFY_WITH_TIMEOUT(metrics().contains(QLatin1String("\nliftline_requests_waiting 1\n")), 15000);
        QVERIFY2(metrics().contains(
                     QStringLiteral("\nliftline_requests_oldest_waiting_since_seconds %1\n").arg(since)),
                 qPrintable(metrics()));
        const QByteArray alice = f.server.signIn(QStringLiteral("alice"), QStringLiteral("Alice Agent"));
        EXPECT_OK(f.http().post(chatPath(ticket, "acknowledge"), {}, bearer(alice)));
        QTRY_VERIFY_WITH_TIMEOUT(metrics().contains(QLatin1String("\nliftline_requests_waiting 0\n")), 15000);
        QVERIFY(metrics().contains(QLatin1String("\nliftline_requests_oldest_waiting_since_seconds 0\n")));
    }

    // The confirmation is in the contact's language: Afrikaans for one the registry marks af, and the
    // server's language for one it does not.
    void confirmationSpeaksTheContactsLanguage()
    {
        Config config = TestServer::defaultConfig();
        config.language = QStringLiteral("af");
        Fixture f(config);
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        f.db.exec(QStringLiteral("UPDATE contacts SET language = 'en' WHERE primary_msisdn = '27820000001'"));
        Seed::agentRequested(f.db, ticket);
        const int other = Seed::openTicket(f.db, QStringLiteral("27710000003"));
        Seed::technicianWrote(f.db, other, QStringLiteral("27820000003"));
        Seed::agentRequested(f.db, other);
        const QByteArray alice = f.server.signIn(QStringLiteral("alice"), QStringLiteral("Alice Agent"));
        EXPECT_OK(f.http().post(chatPath(ticket, "acknowledge"), {}, bearer(alice)));
        EXPECT_OK(f.http().post(chatPath(other, "acknowledge"), {}, bearer(alice)));
        const QString sent =
            QStringLiteral("SELECT message FROM chat_messages WHERE ticket_id = ? AND sent_by = "
                           "'automatic'");
        QTRY_COMPARE_WITH_TIMEOUT(f.scalar(sent, {ticket}).toString(),
                                  QStringLiteral("Alice Agent from the call centre has your request and will "
                                                 "answer here."),
                                  5000);
        QTRY_COMPARE_WITH_TIMEOUT(
            f.scalar(sent, {other}).toString(),
            QStringLiteral("Alice Agent van die oproepsentrum het jou versoek en sal hier "
                           "antwoord."),
            5000);
    }

    // LIFTLINE_ACK_CONFIRMATION empty: no confirmation.
    void confirmationCanBeSwitchedOff()
    {
        Config config = TestServer::defaultConfig();
        config.ackConfirmation.clear();
        config.ackConfirmationAf.clear();
        Fixture f(config);
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        Seed::agentRequested(f.db, ticket);
        const QByteArray alice = f.server.signIn(QStringLiteral("alice"), QStringLiteral("Alice Agent"));
        EXPECT_OK(f.http().post(chatPath(ticket, "acknowledge"), {}, bearer(alice)));
        QTest::qWait(200);
        QCOMPARE(f.scalar(QStringLiteral("SELECT count(*) FROM chat_messages WHERE ticket_id = ? AND "
                                         "direction = 'outbound'"),
                          {ticket})
                     .toInt(),
                 0);
    }

    // Two accounts that happen to share a display name are still two agents: the second must not be told
    // that it has the conversation.
    void acknowledgeByAnotherAgentWithTheSameName()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        Seed::agentRequested(f.db, ticket);
        const QByteArray first = f.server.signIn(QStringLiteral("thabo.n"), QStringLiteral("Thabo"));
        const QByteArray second = f.server.signIn(QStringLiteral("thabo.m"), QStringLiteral("Thabo"));

        // The admin token and the AI assistant's token are different actors.
        const int other = Seed::openTicket(f.db, QStringLiteral("27710000002"));
        EXPECT_OK(f.http().post(chatPath(other, "acknowledge"), {}, TestServer::admin()));
        EXPECT_ERROR(f.http().post(chatPath(other, "acknowledge"), {}, TestServer::ai()), 409,
                     "already_acknowledged");

        EXPECT_OK(f.http().post(chatPath(ticket, "acknowledge"), {}, bearer(first)));
        const HttpResult r = f.http().post(chatPath(ticket, "acknowledge"), {}, bearer(second));
        EXPECT_ERROR(r, 409, "already_acknowledged");
        QCOMPARE(
            f.scalar(QStringLiteral("SELECT acknowledged_by FROM tickets WHERE id = ?"), {ticket}).toString(),
            QStringLiteral("Thabo"));
    }

    // Before anyone writes, a conversation names the registry's technicians of its lift (who the alert
    // went to), and follows the registry when they change.
    void liftTechniciansShowBeforeAnyoneWrites()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        QJsonObject c = f.conversation(ticket);
        QVERIFY(c.value(QLatin1String("contact_name")).isNull());
        const QJsonArray sipho{QJsonObject{{QStringLiteral("name"), QStringLiteral("Sipho Dlamini")},
                                           {QStringLiteral("phone"), QStringLiteral("27820000001")}}};
        // Anna is the building manager: not a technician.
        QCOMPARE(c.value(QLatin1String("lift_technicians")).toArray(), sipho);

        const qint64 before = f.maxSeq();
        f.db.execOnce(
            QStringLiteral("UPDATE contacts SET display_name = 'Sipho N. Dlamini' WHERE primary_msisdn = "
                           "'27820000001'"));
        Events::sequence(f.db);
        QCOMPARE(f.conversation(ticket)
                     .value(QLatin1String("lift_technicians"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QLatin1String("name"))
                     .toString(),
                 QStringLiteral("Sipho N. Dlamini"));
        bool announced = false;
        for (const Fixture::Event &e : f.eventsAfter(before))
            announced =
                announced || (e.event == QLatin1String("conversation.updated") && e.ticketId == ticket);
        QVERIFY(announced);

        f.db.execOnce(
            QStringLiteral("DELETE FROM lift_contacts WHERE contact_id = (SELECT id FROM contacts WHERE "
                           "primary_msisdn = '27820000001')"));
        Events::sequence(f.db);
        QCOMPARE(f.conversation(ticket).value(QLatin1String("lift_technicians")).toArray(), QJsonArray());
        EXPECT_EVENTS_NUMBERED(f);
    }

    // Acknowledging is an act: a person's reply takes a waiting request, whoever writes it (a console, the
    // original page through the API, the original add-on's server writing its own row); the AI assistant's
    // does not. The first reply's time is kept until a new request.
    void replyAcknowledges()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        Seed::agentRequested(f.db, ticket);
        const QByteArray alice = f.server.signIn(QStringLiteral("alice"), QStringLiteral("Alice Agent"));
        const int aliceId = f.agentId(QStringLiteral("alice"));

        EXPECT_OK(f.send(ticket,
                         body({{QStringLiteral("message"), QStringLiteral("Automated: an agent is coming")},
                               {QStringLiteral("agent_name"), QStringLiteral("Lift Assistant")}}),
                         TestServer::ai()));
        QJsonObject c = f.conversation(ticket);
        QVERIFY(c.value(QLatin1String("acknowledged_at")).isNull());
        QVERIFY(c.value(QLatin1String("agent_replied_at")).isNull());

        const qint64 before = f.maxSeq();
        EXPECT_OK(
            f.send(ticket, body({{QStringLiteral("message"), QStringLiteral("On it")}}), bearer(alice)));
        c = f.conversation(ticket);
        QCOMPARE(c.value(QLatin1String("acknowledged_by")).toString(), QStringLiteral("Alice Agent"));
        QVERIFY(isWireTime(c.value(QLatin1String("acknowledged_at"))));
        QCOMPARE(c.value(QLatin1String("agent_replied_at")), c.value(QLatin1String("acknowledged_at")));
        QCOMPARE(f.scalar(QStringLiteral("SELECT acknowledged_by_actor FROM tickets WHERE id = ?"), {ticket})
                     .toString(),
                 QStringLiteral("agent:%1").arg(aliceId));
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM audit_log WHERE ticket_id = ? AND action = "
                                        "'ticket.acknowledged' AND actor_kind = 'agent' AND agent_id = ? "
                                        "AND details->>'writer' = 'liftline'"),
                         {ticket, aliceId}),
                 1);
        // The consoles hear of it: the request stops alerting everywhere.
        bool announced = false;
        for (const Fixture::Event &e : f.eventsAfter(before))
            if (e.event == QLatin1String("conversation.updated") && e.ticketId == ticket &&
                !e.data.value(QLatin1String("acknowledged_at")).isNull())
                announced = true;
        QVERIFY(announced);
        // The Acknowledge action afterwards is the same agent's: no conflict.
        EXPECT_OK(f.http().post(chatPath(ticket, "acknowledge"), {}, bearer(alice)));
        EXPECT_EVENTS_NUMBERED(f);

        // Acknowledged first, answered later: the reply dates the answer and keeps the owner.
        const int second = Seed::openTicket(f.db, QStringLiteral("27710000002"));
        Seed::technicianWrote(f.db, second, QStringLiteral("27820000002"), QStringLiteral("agent"), 0);
        Seed::agentRequested(f.db, second);
        const QByteArray bob = f.server.signIn(QStringLiteral("bob"), QStringLiteral("Bob Builder"));
        EXPECT_OK(f.http().post(chatPath(second, "acknowledge"), {}, bearer(bob)));
        QVERIFY(f.conversation(second).value(QLatin1String("agent_replied_at")).isNull());
        EXPECT_OK(
            f.send(second, body({{QStringLiteral("message"), QStringLiteral("Coming")}}), bearer(alice)));
        c = f.conversation(second);
        QCOMPARE(c.value(QLatin1String("acknowledged_by")).toString(), QStringLiteral("Bob Builder"));
        QVERIFY(isWireTime(c.value(QLatin1String("agent_replied_at"))));

        // A new request starts over: unacknowledged and unanswered.
        Seed::agentRequested(f.db, second);
        c = f.conversation(second);
        QVERIFY(c.value(QLatin1String("acknowledged_at")).isNull());
        QVERIFY(c.value(QLatin1String("agent_replied_at")).isNull());
        // The original add-on's keyword rule raises it the same way (only the flag, no time).
        f.db.execOnce(QStringLiteral("UPDATE tickets SET agent_requested = false WHERE id = ?"), {ticket});
        f.db.execOnce(QStringLiteral("UPDATE tickets SET agent_requested = true WHERE id = ?"), {ticket});
        Events::sequence(f.db);
        c = f.conversation(ticket);
        QVERIFY(c.value(QLatin1String("acknowledged_at")).isNull());
        QVERIFY(c.value(QLatin1String("agent_replied_at")).isNull());

        // The original add-on's server writing its reply itself takes the request in the name it wrote.
        f.db.execOnce(QStringLiteral("INSERT INTO chat_messages (ticket_id, to_number, message, direction, "
                                     "agent_name) VALUES (?, '27820000001', 'Sent from the old page', "
                                     "'outbound', 'Thandi')"),
                      {ticket});
        Events::sequence(f.db);
        c = f.conversation(ticket);
        QCOMPARE(c.value(QLatin1String("acknowledged_by")).toString(), QStringLiteral("Thandi"));
        QVERIFY(isWireTime(c.value(QLatin1String("agent_replied_at"))));
        QCOMPARE(f.scalar(QStringLiteral("SELECT acknowledged_by_actor FROM tickets WHERE id = ?"), {ticket})
                     .toString(),
                 QStringLiteral("original_system"));
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM audit_log WHERE ticket_id = ? AND action = "
                                        "'ticket.acknowledged' AND actor_kind = 'system' AND actor_name = "
                                        "'Thandi' AND details->>'writer' = 'original_system'"),
                         {ticket}),
                 1);
        EXPECT_EVENTS_NUMBERED(f);
    }

    void resolve()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        const QByteArray alice = f.server.signIn(QStringLiteral("alice"), QStringLiteral("Alice Agent"));
        const QString path = chatPath(ticket, "resolve");

        EXPECT_ERROR(f.http().post(path, {}, bearer(alice)), 400, "note_required");
        EXPECT_ERROR(f.http().postJson(path, QJsonObject{}, bearer(alice)), 400, "note_required");
        EXPECT_ERROR(
            f.http().postJson(path, body({{QStringLiteral("note"), QStringLiteral("  \n ")}}), bearer(alice)),
            400, "note_required");
        {
            const HttpResult r = f.http().postJson(path, body({{QStringLiteral("note"), 7}}), bearer(alice));
            EXPECT_STATUS(r, 400);
        }
        QCOMPARE(f.scalar(QStringLiteral("SELECT status FROM tickets WHERE id = ?"), {ticket}).toString(),
                 QStringLiteral("open"));

        const QString note =
            QStringLiteral("Technician freed the passengers; lift out of service until Monday");
        const HttpResult r = f.http().postJson(path, body({{QStringLiteral("note"), note}}), bearer(alice));
        EXPECT_OK(r);
        const QJsonObject conversation = r.json.value(QLatin1String("conversation")).toObject();
        QCOMPARE(keysOf(conversation), conversationFields);
        QCOMPARE(conversation.value(QLatin1String("status")).toString(), QStringLiteral("closed"));
        QVERIFY(isWireTime(conversation.value(QLatin1String("resolved_at"))));

        QCOMPARE(f.scalar(QStringLiteral("SELECT status FROM tickets WHERE id = ?"), {ticket}).toString(),
                 QStringLiteral("closed"));
        QVERIFY(!f.scalar(QStringLiteral("SELECT resolved_at FROM tickets WHERE id = ?"), {ticket}).isNull());
        QCOMPARE(
            f.scalar(QStringLiteral("SELECT resolution_note FROM tickets WHERE id = ?"), {ticket}).toString(),
            note);
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM event_log WHERE event_type = 'ticket_resolved' AND "
                                   "ticket_id = ?"),
                    {ticket}),
            1);
        QCOMPARE(f.scalar(QStringLiteral("SELECT metadata->>'note' FROM event_log WHERE event_type = "
                                         "'ticket_resolved' AND ticket_id = ?"),
                          {ticket})
                     .toString(),
                 note);

        // Closed within the hour: still listed, as closed.
        QCOMPARE(f.conversation(ticket).value(QLatin1String("status")).toString(), QStringLiteral("closed"));

        // Resolving again is a conflict and logs nothing more.
        EXPECT_ERROR(
            f.http().postJson(path, body({{QStringLiteral("note"), QStringLiteral("again")}}), bearer(alice)),
            409, "ticket_closed");
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM event_log WHERE event_type = 'ticket_resolved' AND "
                                   "ticket_id = ?"),
                    {ticket}),
            1);
        QCOMPARE(
            f.scalar(QStringLiteral("SELECT resolution_note FROM tickets WHERE id = ?"), {ticket}).toString(),
            note);
        // The body is checked before the state.
        EXPECT_ERROR(f.http().post(path, {}, bearer(alice)), 400, "note_required");
        EXPECT_EVENTS_NUMBERED(f);
    }

    // ---------------------------------------------------------------- routing

    void unknownPathAndWrongMethod()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        for (const QString &path : {QStringLiteral("/api/chat/1/nothing"), QStringLiteral("/api/nothing"),
                                    QStringLiteral("/api/chat/1/send/extra"), QStringLiteral("/")}) {
            const HttpResult r = f.http().get(path, TestServer::admin());
            EXPECT_ERROR(r, 404, "not_found");
        }
        {
            const HttpResult r = f.http().get(chatPath(ticket, "send"), TestServer::admin());
            EXPECT_ERROR(r, 405, "method_not_allowed");
            QCOMPARE(r.header("Allow"), QByteArray("POST"));
        }
        {
            const HttpResult r = f.http().get(QStringLiteral("/api/chat/1/send"));
            EXPECT_ERROR(r, 405, "method_not_allowed");
            QCOMPARE(r.header("Allow"), QByteArray("POST"));
        }
        {
            const HttpResult r =
                f.http().post(QStringLiteral("/api/chat/conversations"), "{}", TestServer::admin());
            EXPECT_ERROR(r, 405, "method_not_allowed");
            QVERIFY2(r.header("Allow").split(',').first().trimmed() == "GET", r.header("Allow").constData());
        }
        QVERIFY(f.sandbox().sent().isEmpty());
    }

    // ---------------------------------------------------------------- events and audit

    void sendProducesSequencedEvents()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        EXPECT_EVENTS_NUMBERED(f);
        const qint64 before = f.maxSeq();

        const HttpResult r =
            f.send(ticket, body({{QStringLiteral("message"), QStringLiteral("On our way")}}));
        EXPECT_OK(r);
        const QJsonObject sent = r.json.value(QLatin1String("chat_message")).toObject();
        const qint64 id = sent.value(QLatin1String("id")).toInteger();
        EXPECT_EVENTS_NUMBERED(f);

        const QList<Fixture::Event> events = f.eventsAfter(before);
        QStringList messageEvents;
        QJsonObject lastMessageData;
        QJsonObject lastConversationData;
        for (const Fixture::Event &e : events) {
            QCOMPARE(e.ticketId, ticket);
            if (e.event.startsWith(QLatin1String("message."))) {
                QCOMPARE(e.data.value(QLatin1String("id")).toInteger(), id);
                QCOMPARE(keysOf(e.data), messageFields);
                messageEvents << e.event;
                lastMessageData = e.data;
            } else if (e.event == QLatin1String("conversation.updated")) {
                QCOMPARE(e.data.value(QLatin1String("id")), QJsonValue(ticket));
                QCOMPARE(keysOf(e.data), conversationFields);
                lastConversationData = e.data;
            }
        }
        QVERIFY2(messageEvents.contains(QLatin1String("message.created")),
                 qPrintable(messageEvents.join(u',')));
        QVERIFY2(messageEvents.contains(QLatin1String("message.updated")),
                 qPrintable(messageEvents.join(u',')));
        QCOMPARE(messageEvents.first(), QStringLiteral("message.created"));
        QVERIFY2(!lastConversationData.isEmpty(), "no conversation.updated after the send");
        // The newest events describe the message and the conversation exactly as REST returns them.
        QCOMPARE(lastMessageData, sent);
        QCOMPARE(lastConversationData, f.conversation(ticket));
    }

    void agentActionsProduceSequencedEvents()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        Seed::agentRequested(f.db, ticket);
        const QByteArray alice = f.server.signIn(QStringLiteral("alice"), QStringLiteral("Alice Agent"));

        auto lastConversationEvent = [&](qint64 after) {
            QJsonObject data;
            for (const Fixture::Event &e : f.eventsAfter(after))
                if (e.event == QLatin1String("conversation.updated") && e.ticketId == ticket)
                    data = e.data;
            return data;
        };

        qint64 before = f.maxSeq();
        EXPECT_OK(f.http().post(chatPath(ticket, "acknowledge"), {}, bearer(alice)));
        EXPECT_EVENTS_NUMBERED(f);
        QCOMPARE(lastConversationEvent(before).value(QLatin1String("acknowledged_by")).toString(),
                 QStringLiteral("Alice Agent"));

        before = f.maxSeq();
        EXPECT_OK(f.http().post(chatPath(ticket, "mark-read"), {}, bearer(alice)));
        EXPECT_EVENTS_NUMBERED(f);
        bool readUpdate = false;
        for (const Fixture::Event &e : f.eventsAfter(before))
            if (e.event == QLatin1String("message.updated") &&
                e.data.value(QLatin1String("read_by_agent")).toBool())
                readUpdate = true;
        QVERIFY(readUpdate);
        QCOMPARE(lastConversationEvent(before).value(QLatin1String("unread_count")), QJsonValue(0));

        before = f.maxSeq();
        EXPECT_OK(f.http().postJson(chatPath(ticket, "resolve"),
                                    body({{QStringLiteral("note"), QStringLiteral("ok")}}), bearer(alice)));
        EXPECT_EVENTS_NUMBERED(f);
        QCOMPARE(lastConversationEvent(before).value(QLatin1String("status")).toString(),
                 QStringLiteral("closed"));
        QCOMPARE(lastConversationEvent(before), f.conversation(ticket));
    }

    void auditTrail()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        Seed::agentRequested(f.db, ticket);
        const QByteArray alice = f.server.signIn(QStringLiteral("alice"), QStringLiteral("Alice Agent"));
        const int aliceId = f.agentId(QStringLiteral("alice"));

        EXPECT_OK(f.http().post(chatPath(ticket, "acknowledge"), {}, bearer(alice)));
        EXPECT_OK(f.http().post(chatPath(ticket, "mark-read"), {}, bearer(alice)));
        EXPECT_OK(
            f.send(ticket, body({{QStringLiteral("message"), QStringLiteral("Hello")}}), bearer(alice)));
        EXPECT_OK(f.send(ticket,
                         body({{QStringLiteral("message"), QStringLiteral("Automated")},
                               {QStringLiteral("agent_name"), QStringLiteral("Lift Assistant")}}),
                         TestServer::ai()));
        EXPECT_OK(f.http().postJson(chatPath(ticket, "resolve"),
                                    body({{QStringLiteral("note"), QStringLiteral("done")}}), bearer(alice)));

        for (const char *action :
             {"ticket.acknowledged", "messages.read", "message.sent", "ticket.resolved"}) {
            const int rows =
                f.count(QStringLiteral("SELECT count(*) FROM audit_log WHERE ticket_id = ? AND action = ? "
                                       "AND actor_kind = 'agent' AND agent_id = ? AND actor_name = "
                                       "'Alice Agent'"),
                        {ticket, QString::fromLatin1(action), aliceId});
            QVERIFY2(rows == 1, action);
        }
        // The AI assistant's send is recorded as made with its token.
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM audit_log WHERE ticket_id = ? AND action = "
                                        "'message.sent' AND actor_kind = 'ai_token' AND agent_id IS NULL"),
                         {ticket}),
                 1);
    }
};

QTEST_GUILESS_MAIN(TestChatApi)
#include "tst_chatapi.moc"
