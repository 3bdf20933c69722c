#include "HttpClient.h"
#include "Seed.h"
#include "ServerProcess.h"
#include "StreamClient.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "auth/SigningKey.h"
#include "db/Db.h"
#include "escalation/Callouts.h"
#include "escalation/EscalationStore.h"
#include "whatsapp/SandboxTransport.h"

#include <QDateTime>
#include <QFile>
#include <QHttpServer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

// The escalation ladder with steps of a second, on a real server (or two) and PostgreSQL: each step is
// taken once and on time, the ladder stops on acknowledgement, call-outs reach a fake incident service
// (PagerDuty's shape and the signed webhook), retried when it fails.
namespace {

constexpr const char *hookSecret = "callout-secret-0123456789";

// The incident service and the other tool, as the world outside: every body kept with its headers; the
// next answers' statuses can be set (500 to make the server try again).
class IncidentService {
public:
    struct Received {
        QString path;
        QByteArray body;
        QJsonObject json;
        QByteArray signature;
    };

    IncidentService()
    {
        for (const char *path : {"/pd", "/hook"})
            m_server.route(QLatin1String(path), QHttpServerRequest::Method::Post,
                           [this, path](const QHttpServerRequest &r) {
                               const QJsonObject json = QJsonDocument::fromJson(r.body()).object();
                               // The audit chain's daily head goes to the same webhook, on a day of its
                               // own: kept apart, so that the cases count only their requests' call-outs.
                               const bool head =
                                   json.value(QLatin1String("event")) == QLatin1String("audit.chain_head");
                               received.append({head ? QStringLiteral("/hook#head") : QLatin1String(path),
                                                r.body(), json, r.value("X-Liftline-Signature-256")});
                               const int status = head || failures.isEmpty() ? 202 : failures.takeFirst();
                               return QHttpServerResponse(QByteArrayLiteral("application/json"),
                                                          QByteArrayLiteral("{\"status\":\"success\"}"),
                                                          QHttpServerResponse::StatusCode(status));
                           });
        m_port = m_server.listen(QHostAddress::LocalHost, 0);
    }
    QString url(const char *path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(QLatin1String(path));
    }
    QList<Received> at(const QString &path) const
    {
        QList<Received> out;
        for (const Received &r : received)
            if (r.path == path)
                out << r;
        return out;
    }

    QList<Received> received;
    QList<int> failures;

private:
    QHttpServer m_server;
    quint16 m_port = 0;
};

Config ladderConfig(const IncidentService &service,
                    const QString &ladder = QStringLiteral("0:consoles,1:supervisors,2:oncall1,3:oncall2"))
{
    Config c = TestServer::defaultConfig();
    c.noAgentReply = Config().noAgentReply;
    c.noAgentReplyAf = Config().noAgentReplyAf;
    c.escalationLadder = ladder;
    c.escalationPollMs = 100;
    c.presenceIntervalMs = 300;
    c.pagerDutyRoutingKey = QStringLiteral("routing-key-test");
    c.pagerDutyEventsUrl = service.url("/pd");
    c.calloutWebhookUrl = service.url("/hook");
    c.calloutWebhookSecret = QString::fromLatin1(hookSecret);
    return c;
}

struct LogRow {
    int step;
    QString action;
    double lateSeconds;
    QString instance;
    QJsonObject recipients;
};

QList<LogRow> steps(Db &db, qint64 request)
{
    QList<LogRow> out;
    QSqlQuery &q =
        db.exec(QStringLiteral("SELECT step, action, extract(epoch FROM taken_at - due_at), instance_id, "
                               "recipients::text FROM escalation_log WHERE request_id = ? ORDER BY step"),
                {request});
    while (q.next())
        out << LogRow{q.value(0).toInt(), q.value(1).toString(), q.value(2).toDouble(), q.value(3).toString(),
                      QJsonDocument::fromJson(q.value(4).toString().toUtf8()).object()};
    q.finish();
    return out;
}

// A console connected, resumed and live: its agent counts as present once the hub records it.
bool goLive(StreamClient &console)
{
    if (!console.waitConnected())
        return false;
    console.resume(0);
    return console.waitForType(QStringLiteral("ready"));
}

qint64 latestRequest(Db &db)
{
    return db.scalar(QStringLiteral("SELECT coalesce(max(id), 0) FROM agent_requests")).toLongLong();
}

void addOncall(Db &db, const QString &name, const QString &phone, int level)
{
    db.exec(QStringLiteral("INSERT INTO oncall_entries (name, phone, level) VALUES (?, ?, ?)"),
            {name, phone, level});
}

} // namespace

class TestEscalation : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // The whole ladder with one console connected: each step once and within a second of its due time,
    // recorded with its recipients; on-call numbers get the template; PagerDuty gets a trigger and then the
    // acknowledgement with the same key; the webhook's bodies are signed. Acknowledging stops the ladder:
    // the last step never comes.
    void ladderRunsOnTimeAndStopsOnAcknowledgement()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        addOncall(db, QStringLiteral("Level One"), QStringLiteral("27830000001"), 1);
        addOncall(db, QStringLiteral("Level Two"), QStringLiteral("27830000002"), 2);
        IncidentService service;
        TestServer server(
            params, ladderConfig(service, QStringLiteral("0:consoles,1:supervisors,2:oncall1,4:oncall2")));
        const QByteArray agent = server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Mokoena"));
        // One supervisor at a console, one signed in without one: only the first is reached.
        const QByteArray supervisor = server.signIn(QStringLiteral("sup"), QStringLiteral("Sam Supervisor"),
                                                    QStringLiteral("supervisor"));
        server.signIn(QStringLiteral("sup2"), QStringLiteral("Nomsa Away"), QStringLiteral("supervisor"));
        StreamClient console(server.baseUrl(), HttpClient::bearer(agent));
        QVERIFY(goLive(console));
        StreamClient supervisorConsole(server.baseUrl(), HttpClient::bearer(supervisor));
        QVERIFY(goLive(supervisorConsole));
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT count(*) FROM agent_presence")).toInt() == 2, 5000);

        VERIFY_STATUS(server.postWebhook(TestServer::technicianText(QStringLiteral("wamid.LADDER1"),
                                                                    QStringLiteral("agent please"))),
                      200);
        QTRY_VERIFY_WITH_TIMEOUT(latestRequest(db) > 0, 5000);
        const qint64 request = latestRequest(db);
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT ticket_id FROM agent_requests WHERE id = ?"), {request}).toInt(),
            ticket);
        QTRY_VERIFY_WITH_TIMEOUT(steps(db, request).size() == 3, 6000);
        VERIFY_STATUS(server.http().post(QStringLiteral("/api/chat/%1/acknowledge").arg(ticket), "{}",
                                         HttpClient::bearer(agent)),
                      200);
        QTest::qWait(2500); // past the last step's due time

        const QList<LogRow> taken = steps(db, request);
        QCOMPARE(taken.size(), 3);
        const QStringList actions{QStringLiteral("consoles"), QStringLiteral("supervisors"),
                                  QStringLiteral("oncall")};
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(taken[i].step, i);
            QCOMPARE(taken[i].action, actions[i]);
            QVERIFY2(taken[i].lateSeconds >= 0 && taken[i].lateSeconds < 1.0,
                     qPrintable(QStringLiteral("step %1 was %2 s late").arg(i).arg(taken[i].lateSeconds)));
        }
        QCOMPARE(taken[0].recipients.value(QLatin1String("agents")).toArray().size(), 2);
        const QJsonArray reached = taken[1].recipients.value(QLatin1String("supervisors")).toArray();
        QCOMPARE(reached.size(), 1);
        QCOMPARE(reached.first().toObject().value(QLatin1String("name")),
                 QJsonValue(QStringLiteral("Sam Supervisor")));
        const QJsonArray notReached =
            taken[1].recipients.value(QLatin1String("supervisors_not_connected")).toArray();
        QCOMPARE(notReached.size(), 1);
        QCOMPARE(notReached.first().toObject().value(QLatin1String("name")),
                 QJsonValue(QStringLiteral("Nomsa Away")));
        QCOMPARE(taken[2].recipients.value(QLatin1String("oncall")).toArray().size(), 1);
        QVERIFY(db.scalar(QStringLiteral("SELECT next_step_at IS NULL AND acknowledged_at IS NOT NULL FROM "
                                         "agent_requests WHERE id = ?"),
                          {request})
                    .toBool());

        // On-call level 1 got the alert, then the update that the request was taken; level 2 never did.
        const auto oncallTemplates = [&] {
            QList<OutboundMessage> out;
            for (const OutboundMessage &m : server.app().sandbox()->sent())
                if (m.type == QLatin1String("template") && m.to.startsWith(QLatin1String("2783")))
                    out << m;
            return out;
        };
        QTRY_COMPARE_WITH_TIMEOUT(oncallTemplates().size(), 2, 5000);
        const QList<OutboundMessage> toOncall = oncallTemplates();
        for (const OutboundMessage &m : toOncall)
            QCOMPARE(m.to, QStringLiteral("27830000001"));
        QCOMPARE(toOncall[0].templateBody.value(QLatin1String("name")).toString(),
                 QStringLiteral("liftline_oncall_alert"));
        QCOMPARE(toOncall[1].templateBody.value(QLatin1String("name")).toString(),
                 QStringLiteral("liftline_oncall_update"));
        const QJsonArray updateParameters = toOncall[1]
                                                .templateBody.value(QLatin1String("components"))
                                                .toArray()
                                                .first()
                                                .toObject()
                                                .value(QLatin1String("parameters"))
                                                .toArray();
        QCOMPARE(updateParameters.size(), 3);
        QVERIFY2(updateParameters[2]
                     .toObject()
                     .value(QLatin1String("text"))
                     .toString()
                     .startsWith(QLatin1String("taken by ")),
                 qPrintable(toOncall[1].text));

        // PagerDuty: a trigger at the on-call step, then the acknowledgement, one key.
        QTRY_VERIFY_WITH_TIMEOUT(service.at(QStringLiteral("/pd")).size() == 2, 5000);
        const auto pd = service.at(QStringLiteral("/pd"));
        QCOMPARE(pd[0].json.value(QLatin1String("event_action")).toString(), QStringLiteral("trigger"));
        QCOMPARE(pd[1].json.value(QLatin1String("event_action")).toString(), QStringLiteral("acknowledge"));
        QCOMPARE(pd[0].json.value(QLatin1String("routing_key")).toString(),
                 QStringLiteral("routing-key-test"));
        QVERIFY(
            pd[0].json.value(QLatin1String("dedup_key")).toString().startsWith(QLatin1String("liftline-")));
        QCOMPARE(pd[1].json.value(QLatin1String("dedup_key")), pd[0].json.value(QLatin1String("dedup_key")));
        QCOMPARE(
            pd[0].json.value(QLatin1String("payload")).toObject().value(QLatin1String("severity")).toString(),
            QStringLiteral("critical"));

        // The webhook: each of the three steps and the acknowledgement, each signed.
        QTRY_VERIFY_WITH_TIMEOUT(service.at(QStringLiteral("/hook")).size() == 4, 5000);
        QStringList events;
        for (const auto &r : service.at(QStringLiteral("/hook"))) {
            QCOMPARE(r.signature, Callouts::signature(r.body, hookSecret));
            events << r.json.value(QLatin1String("event")).toString();
        }
        QCOMPARE(events,
                 (QStringList{QStringLiteral("request.escalated"), QStringLiteral("request.escalated"),
                              QStringLiteral("request.escalated"), QStringLiteral("request.acknowledged")}));

        // The consoles heard of each step.
        QTRY_VERIFY_WITH_TIMEOUT(console.count(QStringLiteral("event")) > 0, 5000);
        int escalated = 0;
        for (const QJsonObject &e : console.events())
            if (e.value(QLatin1String("event")).toString() == QLatin1String("request.escalated"))
                ++escalated;
        QCOMPARE(escalated, 3);

        // Resolving tells PagerDuty the incident is over.
        VERIFY_STATUS(server.http().postJson(QStringLiteral("/api/chat/%1/resolve").arg(ticket),
                                             {{QStringLiteral("note"), QStringLiteral("released")}},
                                             HttpClient::bearer(agent)),
                      200);
        QTRY_VERIFY_WITH_TIMEOUT(service.at(QStringLiteral("/pd")).size() == 3, 5000);
        QCOMPARE(service.at(QStringLiteral("/pd"))[2].json.value(QLatin1String("event_action")).toString(),
                 QStringLiteral("resolve"));
        QCOMPARE(db.scalar(QStringLiteral("SELECT closed_reason FROM agent_requests WHERE id = ?"), {request})
                     .toString(),
                 QStringLiteral("resolved"));
    }

    // Nobody available: the consoles' step finds no one and the first on-call step follows at once.
    // The audit chain's daily signed head reaches the call-out webhook, signed like the call-outs, with
    // what checks it: the statement, its Ed25519 signature and the public key.
    void theDailyChainHeadGoesToTheWebhook()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        Seed::technicianWrote(db, ticket);
        IncidentService service;
        TestServer server(params, ladderConfig(service, QStringLiteral("0:consoles")));
        QTRY_VERIFY_WITH_TIMEOUT(service.at(QStringLiteral("/hook#head")).size() == 1, 15000);
        const IncidentService::Received r = service.at(QStringLiteral("/hook#head")).first();
        QCOMPARE(r.signature, Callouts::signature(r.body, hookSecret));
        const QJsonObject head = r.json.value(QLatin1String("head")).toObject();
        QVERIFY(head.value(QLatin1String("seq")).toInteger() > 0);
        QVERIFY(SigningKey::verify(
            QByteArray::fromBase64(head.value(QLatin1String("public_key")).toString().toLatin1()),
            head.value(QLatin1String("statement")).toString().toUtf8(),
            QByteArray::fromBase64(head.value(QLatin1String("signature")).toString().toLatin1())));
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM audit_heads")).toInt(), 1);
        // Recorded as delivered once the receiver's answer is in.
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT sent_at IS NOT NULL AND request_id IS NULL FROM "
                                     "escalation_callouts WHERE event = 'chain_head'"))
                .toBool(),
            5000);
        QCOMPARE(service.at(QStringLiteral("/hook")).size(), 0);
    }

    void noAgentAvailableCallsOutAtOnce()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        Seed::openTicket(db);
        addOncall(db, QStringLiteral("Night Duty"), QStringLiteral("27830000009"), 1);
        IncidentService service;
        TestServer server(params,
                          ladderConfig(service, QStringLiteral("0:consoles,30:supervisors,60:oncall1")));
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        VERIFY_STATUS(server.postWebhook(TestServer::technicianText(QStringLiteral("wamid.NIGHT1"),
                                                                    QStringLiteral("AGENT people trapped"))),
                      200);
        QTRY_VERIFY_WITH_TIMEOUT(latestRequest(db) > 0 && steps(db, latestRequest(db)).size() == 2, 5000);
        const QList<LogRow> taken = steps(db, latestRequest(db));
        QCOMPARE(taken[0].action, QStringLiteral("consoles"));
        QVERIFY(taken[0].recipients.value(QLatin1String("agents")).toArray().isEmpty());
        QCOMPARE(taken[1].action, QStringLiteral("oncall"));
        QTRY_VERIFY_WITH_TIMEOUT(service.at(QStringLiteral("/pd")).size() == 1, 5000);
        // The on-call template and the technician's automatic reply, both at once.
        const auto sentTo = [&](const QString &number) {
            for (const OutboundMessage &m : server.app().sandbox()->sent())
                if (m.to == number)
                    return true;
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(
            sentTo(QStringLiteral("27830000009")) && sentTo(QStringLiteral("27820000001")), 5000);
        const qint64 calledOut = QDateTime::currentMSecsSinceEpoch() - before;
        QVERIFY2(calledOut < 3000, qPrintable(QStringLiteral("call-out after %1 ms").arg(calledOut)));
    }

    // An agent whose status is busy does not count: nobody is available, so on-call staff are called out
    // at once and the technician is told, in their own language, by a message stored as automatic.
    void busyAgentsDoNotCountAndTheTechnicianIsTold()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        Seed::technicianWrote(db, ticket); // the technician's 24-hour window is open
        db.exec(QStringLiteral("UPDATE contacts SET language = 'af' WHERE primary_msisdn = '27820000001'"));
        IncidentService service;
        TestServer server(params,
                          ladderConfig(service, QStringLiteral("0:consoles,30:supervisors,60:oncall1")));
        const QByteArray agent = server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Mokoena"));
        StreamClient console(server.baseUrl(), HttpClient::bearer(agent));
        QVERIFY(goLive(console));
        VERIFY_ERROR(server.http().request("POST", QStringLiteral("/api/agents/me/status"),
                                           R"({"status":"asleep"})", HttpClient::bearer(agent),
                                           "application/json"),
                     400, "invalid_status");
        VERIFY_ERROR(server.http().request("POST", QStringLiteral("/api/agents/me/status"),
                                           R"({"status":"busy"})", TestServer::admin(), "application/json"),
                     403, "forbidden");
        VERIFY_STATUS(server.http().request("POST", QStringLiteral("/api/agents/me/status"),
                                            R"({"status":"busy"})", HttpClient::bearer(agent),
                                            "application/json"),
                      200);
        QTRY_COMPARE(server.http()
                         .get(QStringLiteral("/api/agents/online"), HttpClient::bearer(agent))
                         .json.value(QLatin1String("agents"))
                         .toArray()
                         .first()
                         .toObject()
                         .value(QLatin1String("status"))
                         .toString(),
                     QStringLiteral("busy"));

        VERIFY_STATUS(server.postWebhook(TestServer::technicianText(QStringLiteral("wamid.BUSY1"),
                                                                    QStringLiteral("agent asseblief"))),
                      200);
        QTRY_VERIFY_WITH_TIMEOUT(latestRequest(db) > 0 && steps(db, latestRequest(db)).size() == 2, 5000);
        const QList<LogRow> taken = steps(db, latestRequest(db));
        QVERIFY(taken[0].recipients.value(QLatin1String("agents")).toArray().isEmpty());
        QCOMPARE(taken[1].action, QStringLiteral("oncall"));
        // The automatic reply: in the transcript, sent by nobody, in Afrikaans, and sent to the technician.
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral(
                          "SELECT count(*) FROM chat_messages WHERE ticket_id = ? AND sent_by = 'automatic' "
                          "AND status <> 'pending'"),
                      {ticket})
                    .toInt() == 1,
            5000);
        const QString text =
            db.scalar(QStringLiteral("SELECT message FROM chat_messages WHERE ticket_id = ? AND "
                                     "sent_by = 'automatic'"),
                      {ticket})
                .toString();
        QVERIFY2(text.contains(QLatin1String("oproepsentrum")), qPrintable(text));
        bool told = false;
        for (const OutboundMessage &m : server.app().sandbox()->sent())
            told = told || (m.to == QLatin1String("27820000001") && m.text == text);
        QVERIFY(told);
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral(
                          "SELECT count(*) FROM escalation_callouts WHERE channel = 'technician' AND NOT "
                          "pending AND sent_at IS NOT NULL"))
                    .toInt() == 1,
            5000);

        // Back to available: the next request reaches the console first.
        VERIFY_STATUS(server.http().request("POST", QStringLiteral("/api/agents/me/status"),
                                            R"({"status":"available"})", HttpClient::bearer(agent),
                                            "application/json"),
                      200);
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'agent.status_changed'"))
                .toInt(),
            2);
    }

    // A number outside the registry reaches on-call staff three times an hour; its fourth request alerts the
    // consoles only, and says why. A blocked number calls nobody out; an admin unblocks it.
    void unknownNumbersAreLimitedAndCanBeBlocked()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        IncidentService service;
        TestServer server(params, ladderConfig(service, QStringLiteral("0:consoles,60:oncall1")));
        const QByteArray agent = server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Mokoena"));
        const QString stranger = QStringLiteral("27799990000");
        for (int i = 1; i <= 4; ++i) {
            VERIFY_STATUS(server.postWebhook(TestServer::technicianText(
                              QStringLiteral("wamid.STRANGER%1").arg(i), QStringLiteral("agent"), stranger)),
                          200);
            QTRY_VERIFY_WITH_TIMEOUT(
                db.scalar(QStringLiteral("SELECT count(*) FROM escalation_log WHERE action = 'oncall'"))
                        .toInt() == i,
                5000);
        }
        QCOMPARE(db.scalar(QStringLiteral(
                               "SELECT string_agg(coalesce(oncall_withheld, '-'), ',' ORDER BY id) FROM "
                               "agent_requests"))
                     .toString(),
                 QStringLiteral("-,-,-,unknown_number_limit"));
        QTRY_COMPARE(service.at(QStringLiteral("/pd")).size(), 3);

        // Blocked by an agent: its next request calls nobody out, and the block is audited.
        VERIFY_ERROR(server.http().postJson(QStringLiteral("/api/chat/blocked-numbers"),
                                            {{QStringLiteral("number"), stranger}},
                                            HttpClient::bearer(agent)),
                     400, "reason_required");
        VERIFY_STATUS(server.http().postJson(QStringLiteral("/api/chat/blocked-numbers"),
                                             {{QStringLiteral("number"), QStringLiteral("+") + stranger},
                                              {QStringLiteral("reason"), QStringLiteral("prank calls")}},
                                             HttpClient::bearer(agent)),
                      201);
        VERIFY_STATUS(server.postWebhook(TestServer::technicianText(QStringLiteral("wamid.STRANGER5"),
                                                                    QStringLiteral("agent"), stranger)),
                      200);
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT count(*) FROM escalation_log WHERE action = 'oncall'"))
                    .toInt() == 5,
            5000);
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT oncall_withheld FROM agent_requests ORDER BY id DESC LIMIT 1"))
                .toString(),
            QStringLiteral("blocked"));
        QTest::qWait(300);
        QCOMPARE(service.at(QStringLiteral("/pd")).size(), 3);
        const HttpResult listed =
            server.http().get(QStringLiteral("/api/admin/blocked-numbers"), TestServer::admin());
        QCOMPARE(listed.json.value(QLatin1String("blocked"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("number")),
                 QJsonValue(stranger));
        VERIFY_ERROR(server.http().request("DELETE",
                                           QStringLiteral("/api/admin/blocked-numbers/%1").arg(stranger), {},
                                           HttpClient::bearer(agent), {}),
                     403, "forbidden");
        VERIFY_STATUS(server.http().request("DELETE",
                                            QStringLiteral("/api/admin/blocked-numbers/%1").arg(stranger), {},
                                            TestServer::admin(), {}),
                      200);
        QCOMPARE(db.scalar(QStringLiteral(
                               "SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE action LIKE "
                               "'number.%'"))
                     .toString(),
                 QStringLiteral("number.blocked,number.unblocked"));
    }

    // "Not an emergency": the request closes, its ladder stops, the consoles stop alerting (the ticket is
    // taken), and incident services are told it is resolved.
    void notAnEmergency()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        IncidentService service;
        TestServer server(params, ladderConfig(service, QStringLiteral("0:consoles,2:supervisors")));
        const QByteArray agent = server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Mokoena"));
        db.exec(QStringLiteral("UPDATE tickets SET agent_requested = true WHERE id = ?"), {ticket});
        const qint64 request = latestRequest(db);
        QTRY_VERIFY_WITH_TIMEOUT(steps(db, request).size() == 1, 5000);
        VERIFY_STATUS(
            server.http().postJson(QStringLiteral("/api/chat/requests/%1/not-emergency").arg(request),
                                   {{QStringLiteral("reason"), QStringLiteral("testing the button")}},
                                   HttpClient::bearer(agent)),
            200);
        VERIFY_ERROR(server.http().postJson(
                         QStringLiteral("/api/chat/requests/%1/not-emergency").arg(request),
                         {{QStringLiteral("reason"), QStringLiteral("again")}}, HttpClient::bearer(agent)),
                     409, "request_closed");
        QTest::qWait(2500);
        QCOMPARE(steps(db, request).size(), 1);
        QCOMPARE(db.scalar(QStringLiteral("SELECT closed_reason FROM agent_requests WHERE id = ?"), {request})
                     .toString(),
                 QStringLiteral("not_emergency"));
        QVERIFY(db.scalar(QStringLiteral("SELECT acknowledged_at IS NOT NULL FROM tickets WHERE id = ?"),
                          {ticket})
                    .toBool());
        QTRY_VERIFY_WITH_TIMEOUT(service.at(QStringLiteral("/hook")).size() == 3,
                                 5000); // escalated, acknowledged, resolved
        QCOMPARE(service.at(QStringLiteral("/hook")).last().json.value(QLatin1String("event")).toString(),
                 QStringLiteral("request.resolved"));
        QCOMPARE(
            db.scalar(QStringLiteral(
                          "SELECT details->>'reason' FROM audit_log WHERE action = 'request.not_emergency'"))
                .toString(),
            QStringLiteral("testing the button"));
    }

    // An agent's "not an emergency" was wrong: an admin reverses it. The request is live again: its
    // ticket waits (every console alerts again), the ladder goes on at once from the next step, and the
    // reversal is audited. Only an admin may, only a request closed as not an emergency, only on an open
    // ticket.
    void anAdminReversesNotAnEmergency()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        IncidentService service;
        TestServer server(params,
                          ladderConfig(service, QStringLiteral("0:consoles,30:supervisors,600:oncall1")));
        const QByteArray agent = server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Mokoena"));
        StreamClient console(server.baseUrl(), HttpClient::bearer(agent));
        QVERIFY(goLive(console)); // someone available: the ladder does not jump to on-call
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT count(*) FROM agent_presence")).toInt() == 1, 5000);
        db.exec(QStringLiteral("UPDATE tickets SET agent_requested = true WHERE id = ?"), {ticket});
        const qint64 request = latestRequest(db);
        QTRY_VERIFY_WITH_TIMEOUT(steps(db, request).size() == 1, 5000);
        const QString reopen = QStringLiteral("/api/admin/requests/%1/reopen").arg(request);
        const QJsonObject because{
            {QStringLiteral("reason"), QStringLiteral("people were trapped after all")}};
        VERIFY_ERROR(server.http().postJson(reopen, because, TestServer::admin()), 409,
                     "not_closed_as_not_emergency");
        VERIFY_STATUS(
            server.http().postJson(QStringLiteral("/api/chat/requests/%1/not-emergency").arg(request),
                                   {{QStringLiteral("reason"), QStringLiteral("looked like a test")}},
                                   HttpClient::bearer(agent)),
            200);
        QVERIFY(!db.scalar(QStringLiteral("SELECT pending FROM chat_conversation_cache WHERE ticket_id = ?"),
                           {ticket})
                     .toBool());

        VERIFY_ERROR(server.http().postJson(reopen, because, HttpClient::bearer(agent)), 403, "forbidden");
        VERIFY_ERROR(server.http().postJson(reopen, QJsonObject(), TestServer::admin()), 400,
                     "reason_required");
        VERIFY_ERROR(server.http().postJson(QStringLiteral("/api/admin/requests/999999/reopen"), because,
                                            TestServer::admin()),
                     404, "not_found");
        const HttpResult reopened = server.http().postJson(reopen, because, TestServer::admin());
        VERIFY_STATUS(reopened, 200);
        const QJsonObject answer = reopened.json.value(QLatin1String("request")).toObject();
        QVERIFY(answer.value(QLatin1String("closed_at")).isNull());
        QVERIFY(answer.value(QLatin1String("acknowledged_at")).isNull());

        // Waiting again, and the ladder's next step comes at once, not 30 s after the request; the one after
        // it keeps the ladder's spacing (570 s) from it.
        QVERIFY(db.scalar(QStringLiteral("SELECT pending FROM chat_conversation_cache WHERE ticket_id = ?"),
                          {ticket})
                    .toBool());
        QTRY_VERIFY_WITH_TIMEOUT(steps(db, request).size() == 2, 2500);
        QCOMPARE(steps(db, request).last().action, QStringLiteral("supervisors"));
        QVERIFY(db.scalar(QStringLiteral(
                              "SELECT next_step_at > now() + interval '560 seconds' FROM agent_requests "
                              "WHERE id = ?"),
                          {request})
                    .toBool());
        QCOMPARE(db.scalar(QStringLiteral("SELECT details->>'reason' FROM audit_log WHERE action = "
                                          "'request.reopened'"))
                     .toString(),
                 QStringLiteral("people were trapped after all"));
        VERIFY_ERROR(server.http().postJson(reopen, because, TestServer::admin()), 409,
                     "not_closed_as_not_emergency");

        // An acknowledgement stops it again, as for any request.
        VERIFY_STATUS(server.http().post(QStringLiteral("/api/chat/%1/acknowledge").arg(ticket), "{}",
                                         HttpClient::bearer(agent)),
                      200);
        QVERIFY(db.scalar(QStringLiteral("SELECT next_step_at IS NULL AND acknowledged_at IS NOT NULL FROM "
                                         "agent_requests WHERE id = ?"),
                          {request})
                    .toBool());

        // A resolved ticket's request cannot live again.
        db.exec(
            QStringLiteral("UPDATE tickets SET agent_requested = false, acknowledged_at = NULL WHERE id = ?"),
            {ticket});
        db.exec(QStringLiteral("UPDATE tickets SET agent_requested = true WHERE id = ?"), {ticket});
        const qint64 second = latestRequest(db);
        QVERIFY(second != request);
        VERIFY_STATUS(
            server.http().postJson(QStringLiteral("/api/chat/requests/%1/not-emergency").arg(second),
                                   {{QStringLiteral("reason"), QStringLiteral("again a test")}},
                                   HttpClient::bearer(agent)),
            200);
        db.exec(QStringLiteral("UPDATE tickets SET status = 'resolved' WHERE id = ?"), {ticket});
        VERIFY_ERROR(server.http().postJson(QStringLiteral("/api/admin/requests/%1/reopen").arg(second),
                                            because, TestServer::admin()),
                     409, "ticket_resolved");
    }

    // Every step was taken before the request was wrongly closed: reopening it tells the incident services
    // and the webhook, which heard it was resolved, of it again (same deduplication key).
    void reopeningAfterTheLastStepTellsTheServicesAgain()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        IncidentService service;
        TestServer server(params, ladderConfig(service, QStringLiteral("0:consoles,1:supervisors")));
        const QByteArray agent = server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Mokoena"));
        db.exec(QStringLiteral("UPDATE tickets SET agent_requested = true WHERE id = ?"), {ticket});
        const qint64 request = latestRequest(db);
        QTRY_VERIFY_WITH_TIMEOUT(steps(db, request).size() == 2, 5000);
        VERIFY_STATUS(
            server.http().postJson(QStringLiteral("/api/chat/requests/%1/not-emergency").arg(request),
                                   {{QStringLiteral("reason"), QStringLiteral("looked like a test")}},
                                   HttpClient::bearer(agent)),
            200);
        const auto events = [&] {
            QStringList out;
            for (const auto &call : service.at(QStringLiteral("/hook")))
                out << call.json.value(QLatin1String("event")).toString();
            return out;
        };
        QTRY_VERIFY_WITH_TIMEOUT(events().contains(QStringLiteral("request.resolved")), 5000);
        const qsizetype before = events().size();
        VERIFY_STATUS(server.http().postJson(QStringLiteral("/api/admin/requests/%1/reopen").arg(request),
                                             {{QStringLiteral("reason"), QStringLiteral("it was real")}},
                                             TestServer::admin()),
                      200);
        QTRY_VERIFY_WITH_TIMEOUT(events().size() == before + 1, 5000);
        QCOMPARE(events().last(), QStringLiteral("request.escalated"));
        const QJsonObject last = service.at(QStringLiteral("/hook")).last().json;
        QVERIFY(last.value(QLatin1String("step")).toObject().value(QLatin1String("reopened")).toBool());
        QCOMPARE(
            last.value(QLatin1String("dedup_key")).toString(),
            db.scalar(QStringLiteral("SELECT 'liftline-' || key FROM agent_requests WHERE id = ?"), {request})
                .toString());
    }

    // An agent's reply is an acknowledgement too: it stops the ladder like the action does.
    void aReplyStopsTheLadder()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        IncidentService service;
        TestServer server(params, ladderConfig(service, QStringLiteral("0:consoles,2:supervisors")));
        const QByteArray agent = server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Mokoena"));
        VERIFY_STATUS(server.postWebhook(TestServer::technicianText(QStringLiteral("wamid.REPLY.1"),
                                                                    QStringLiteral("agent please"))),
                      200);
        QTRY_VERIFY_WITH_TIMEOUT(latestRequest(db) > 0, 5000);
        const qint64 request = latestRequest(db);
        QTRY_VERIFY_WITH_TIMEOUT(steps(db, request).size() == 1, 5000);
        VERIFY_STATUS(server.http().postJson(QStringLiteral("/api/chat/%1/send").arg(ticket),
                                             {{QStringLiteral("message"), QStringLiteral("On our way")}},
                                             HttpClient::bearer(agent)),
                      200);
        QTest::qWait(2500); // past the supervisors' due time
        QCOMPARE(steps(db, request).size(), 1);
        QCOMPARE(db.scalar(QStringLiteral("SELECT acknowledged_by || '/' || (next_step_at IS NULL) || '/' || "
                                          "(replied_at IS NOT NULL) FROM agent_requests WHERE id = ?"),
                           {request})
                     .toString(),
                 QStringLiteral("Thandi Mokoena/true/true"));
    }

    // The command line an admin uses on the server: the ladder, the on-call list with active hours, and the
    // response report to a file.
    void commandLineLadderOncallAndReport()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        db.exec(QStringLiteral("UPDATE tickets SET agent_requested = true WHERE id = ?"), {ticket});
        const QProcessEnvironment env = databaseEnvironment(params);

        CliResult cli = runCli({},
                               {QStringLiteral("escalation"), QStringLiteral("ladder"),
                                QStringLiteral("0:consoles,20:supervisors,45:oncall1")},
                               env);
        QVERIFY2(cli.exitCode == 0 && cli.out.contains(QLatin1String("0:consoles,20:supervisors,45:oncall1")),
                 qPrintable(cli.describe()));
        QCOMPARE(db.scalar(QStringLiteral("SELECT string_agg(after_seconds || ':' || action, ',' ORDER BY "
                                          "position) FROM escalation_ladder"))
                     .toString(),
                 QStringLiteral("0:consoles,20:supervisors,45:oncall"));
        cli = runCli(
            {}, {QStringLiteral("escalation"), QStringLiteral("ladder"), QStringLiteral("5:nonsense")}, env);
        QVERIFY2(cli.exitCode != 0 && !cli.err.trimmed().isEmpty(), qPrintable(cli.describe()));

        cli = runCli({},
                     {QStringLiteral("oncall"), QStringLiteral("add"), QStringLiteral("--name"),
                      QStringLiteral("Night Desk"), QStringLiteral("--phone"), QStringLiteral("27830000009"),
                      QStringLiteral("--level"), QStringLiteral("1"), QStringLiteral("--hours"),
                      QStringLiteral("18:00-06:00"), QStringLiteral("--time-zone"),
                      QStringLiteral("Africa/Johannesburg")},
                     env);
        QVERIFY2(cli.exitCode == 0 && cli.out.contains(QLatin1String("Night Desk, level 1")),
                 qPrintable(cli.describe()));
        const int entry = cli.out.section(QLatin1String("entry "), 1).section(QLatin1Char(':'), 0, 0).toInt();
        QVERIFY(entry > 0);
        cli = runCli({}, {QStringLiteral("escalation")}, env);
        QVERIFY2(cli.exitCode == 0 && cli.out.contains(QLatin1String("Night Desk")) &&
                     cli.out.contains(QLatin1String("18:00")) &&
                     cli.out.contains(QLatin1String("Requests not closed: 1")),
                 qPrintable(cli.describe()));
        cli = runCli({}, {QStringLiteral("oncall"), QStringLiteral("remove"), QString::number(entry)}, env);
        QVERIFY2(cli.exitCode == 0, qPrintable(cli.describe()));
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM oncall_entries")).toInt(), 0);

        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("response.json"));
        cli = runCli({},
                     {QStringLiteral("report"), QStringLiteral("--format"), QStringLiteral("json"),
                      QStringLiteral("--output"), file},
                     env);
        QVERIFY2(cli.exitCode == 0 && cli.out.contains(QLatin1String("Wrote 1 request(s)")),
                 qPrintable(cli.describe()));
        QFile written(file);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(written.readAll())
                     .object()
                     .value(QLatin1String("summary"))
                     .toObject()
                     .value(QLatin1String("requests"))
                     .toInt(),
                 1);
    }

    // A number not in the registry writing "agent": its request escalates like any other, and the agent's
    // acknowledgement of the message stops it.
    void unknownNumberEscalates()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        IncidentService service;
        TestServer server(params,
                          ladderConfig(service, QStringLiteral("0:consoles,1:supervisors,3:oncall1")));
        const QByteArray agent = server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Mokoena"));
        StreamClient console(server.baseUrl(), HttpClient::bearer(agent));
        QVERIFY(goLive(console));
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT count(*) FROM agent_presence")).toInt() == 1, 5000);
        VERIFY_STATUS(server.postWebhook(TestServer::technicianText(
                          QStringLiteral("wamid.UNKNOWN1"), QStringLiteral("trapped in lift 2, agent"),
                          QStringLiteral("27799999999"))),
                      200);
        QTRY_VERIFY_WITH_TIMEOUT(latestRequest(db) > 0, 5000);
        const qint64 request = latestRequest(db);
        const qint64 unassigned =
            db.scalar(QStringLiteral("SELECT unassigned_id FROM agent_requests WHERE id = ?"), {request})
                .toLongLong();
        QVERIFY(unassigned > 0);
        QCOMPARE(db.scalar(QStringLiteral("SELECT from_number FROM agent_requests WHERE id = ?"), {request})
                     .toString(),
                 QStringLiteral("27799999999"));
        QTRY_VERIFY_WITH_TIMEOUT(steps(db, request).size() == 2, 5000);
        VERIFY_STATUS(
            server.http().post(QStringLiteral("/api/chat/unassigned/%1/acknowledge").arg(unassigned), "{}",
                               HttpClient::bearer(agent)),
            200);
        QTest::qWait(2500);
        QCOMPARE(steps(db, request).size(), 2);
        const HttpResult shown = server.http().get(QStringLiteral("/api/chat/requests/%1").arg(request),
                                                   HttpClient::bearer(agent));
        VERIFY_STATUS(shown, 200);
        const QJsonObject r = shown.json.value(QLatin1String("request")).toObject();
        QCOMPARE(r.value(QLatin1String("acknowledged_by")).toString(), QStringLiteral("Thandi Mokoena"));
        QCOMPARE(r.value(QLatin1String("steps")).toArray().size(), 2);
        QVERIFY(r.value(QLatin1String("next_step_at")).isNull());
    }

    // Nobody available and a number with no ticket: the writer is told at once all the same, by a reply kept
    // with their message (automatic), which moves onto the ticket the message later gets.
    void aStrangerIsToldWhenNobodyIsAvailable()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        IncidentService service;
        TestServer server(params,
                          ladderConfig(service, QStringLiteral("0:consoles,30:supervisors,60:oncall1")));
        VERIFY_STATUS(server.postWebhook(TestServer::technicianText(QStringLiteral("wamid.STRANGER1"),
                                                                    QStringLiteral("agent! stuck at Marula"),
                                                                    QStringLiteral("27799999998"))),
                      200);
        QTRY_COMPARE_WITH_TIMEOUT(
            db.scalar(QStringLiteral(
                          "SELECT status FROM chat_direct_messages WHERE to_number = '27799999998' AND "
                          "sent_by = 'automatic'"))
                .toString(),
            QStringLiteral("sent"), 5000);
        QVERIFY(db.scalar(QStringLiteral("SELECT message FROM chat_direct_messages"))
                    .toString()
                    .startsWith(QLatin1String("The call centre has been alerted")));
        const qint64 unassigned = db.scalar(QStringLiteral("SELECT id FROM chat_unassigned")).toLongLong();
        VERIFY_STATUS(
            server.http().postJson(QStringLiteral("/api/chat/unassigned/%1/open-ticket").arg(unassigned),
                                   {{QStringLiteral("lift_msisdn"), QStringLiteral("27710000002")}},
                                   TestServer::admin()),
            201);
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT count(*) FROM chat_messages WHERE sent_by = 'automatic' AND "
                                     "to_number = '27799999998'"))
                .toInt(),
            1);
    }

    // The original add-on's keyword rule sets agent_requested on the ticket itself: a request all the same.
    // A second "agent" while it waits is a repeat and does not restart the ladder.
    void otherWritersRaiseRequestsAndRepeatsDoNotRestart()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        db.exec(QStringLiteral("UPDATE tickets SET agent_requested = true WHERE id = ?"), {ticket});
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT count(*) FROM agent_requests WHERE ticket_id = ?"), {ticket})
                .toInt(),
            1);
        const QVariant first = db.scalar(
            QStringLiteral("SELECT requested_at FROM agent_requests WHERE ticket_id = ?"), {ticket});
        db.exec(QStringLiteral(
                    "UPDATE tickets SET agent_requested_at = now() + interval '1 second' WHERE id = ?"),
                {ticket});
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT count(*) FROM agent_requests WHERE ticket_id = ?"), {ticket})
                .toInt(),
            1);
        QCOMPARE(db.scalar(QStringLiteral("SELECT repeats FROM agent_requests WHERE ticket_id = ?"), {ticket})
                     .toInt(),
                 1);
        QCOMPARE(db.scalar(QStringLiteral("SELECT requested_at FROM agent_requests WHERE ticket_id = ?"),
                           {ticket}),
                 first);
        // Acknowledged, then asked again: a new request with a ladder of its own; the old one is superseded.
        db.exec(QStringLiteral(
                    "UPDATE tickets SET acknowledged_at = now(), acknowledged_by = 'Thandi' WHERE id = ?"),
                {ticket});
        db.exec(QStringLiteral("UPDATE tickets SET agent_requested_at = now() + interval '2 seconds', "
                               "acknowledged_at = NULL WHERE id = ?"),
                {ticket});
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT string_agg(coalesce(closed_reason, 'open'), ',' ORDER BY id) "
                                     "FROM agent_requests WHERE ticket_id = ?"),
                      {ticket})
                .toString(),
            QStringLiteral("superseded,open"));
    }

    // Two instances on one database, five requests: every step of every request is taken once, some by
    // each instance, and each call-out is queued once.
    void twoInstancesTakeEachStepOnce()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        IncidentService service;
        const Config config = ladderConfig(service, QStringLiteral("0:consoles,1:supervisors,2:supervisors"));
        TestServer a(params, config);
        TestServer b(params, config);
        for (int i = 0; i < 5; ++i) {
            const int ticket = Seed::openTicket(db, QStringLiteral("2771000000%1").arg(1 + i % 4));
            db.exec(QStringLiteral("UPDATE tickets SET agent_requested = true WHERE id = ?"), {ticket});
        }
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT count(*) FROM escalation_log")).toInt() == 15, 8000);
        QTest::qWait(500);
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM escalation_log")).toInt(), 15);
        QCOMPARE(
            db.scalar(QStringLiteral(
                          "SELECT count(*) FROM (SELECT request_id, step, count(*) FROM escalation_callouts "
                          "WHERE channel = 'webhook' AND event <> 'chain_head' GROUP BY 1, 2 HAVING count(*) "
                          "> 1) x"))
                .toInt(),
            0);
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT count(*) FROM escalation_callouts WHERE channel = 'webhook' AND "
                                     "event <> 'chain_head'"))
                .toInt(),
            15);
        QVERIFY(
            db.scalar(QStringLiteral("SELECT max(extract(epoch FROM taken_at - due_at)) FROM escalation_log"))
                .toDouble() < 1.0);
        QTRY_VERIFY_WITH_TIMEOUT(service.at(QStringLiteral("/hook")).size() == 15, 8000);
    }

    // A server stops in the middle of a ladder; the step that fell due meanwhile is taken (late, and says
    // so) by the next server to start, and the following one on time.
    void restartInTheMiddleOfALadder()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        IncidentService service;
        const Config config = ladderConfig(service, QStringLiteral("0:consoles,2:supervisors,5:supervisors"));
        qint64 request = 0;
        {
            TestServer first(params, config);
            db.exec(QStringLiteral("UPDATE tickets SET agent_requested = true WHERE id = ?"), {ticket});
            request = latestRequest(db);
            QTRY_VERIFY_WITH_TIMEOUT(steps(db, request).size() == 1, 5000);
        }
        QTest::qWait(2500); // step 1 falls due while no server runs
        QCOMPARE(steps(db, request).size(), 1);
        TestServer second(params, config);
        QTRY_VERIFY_WITH_TIMEOUT(steps(db, request).size() == 2, 5000);
        QVERIFY(steps(db, request)[1].lateSeconds > 0.3);
        QTRY_VERIFY_WITH_TIMEOUT(steps(db, request).size() == 3, 6000);
        QVERIFY2(steps(db, request)[2].lateSeconds < 1.0,
                 qPrintable(QString::number(steps(db, request)[2].lateSeconds)));
    }

    // A webhook receiver that fails is tried again until it accepts.
    void calloutRetriedUntilAccepted()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        IncidentService service;
        service.failures = {500, 503};
        Config config = ladderConfig(service, QStringLiteral("0:consoles"));
        config.pagerDutyRoutingKey.clear();
        TestServer server(params, config);
        db.exec(QStringLiteral("UPDATE tickets SET agent_requested = true WHERE id = ?"), {ticket});
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(
                  QStringLiteral("SELECT count(*) FROM escalation_callouts WHERE NOT pending AND event <> "
                                 "'chain_head'"))
                    .toInt() == 1,
            10000);
        QCOMPARE(service.at(QStringLiteral("/hook")).size(), 3);
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT attempts FROM escalation_callouts WHERE event <> 'chain_head'"))
                .toInt(),
            3);
        QCOMPARE(service.at(QStringLiteral("/hook"))[0].body.size() > 0, true);
        QCOMPARE(service.at(QStringLiteral("/hook"))[2].json.value(QLatin1String("dedup_key")),
                 service.at(QStringLiteral("/hook"))[0].json.value(QLatin1String("dedup_key")));
    }

    // The response figures of a request (README, "Response figures"): received -> first console alerted,
    // request -> acknowledgement, request -> first reply; the report in JSON and CSV, and on /metrics.
    void responseFiguresAndTheirReport()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        IncidentService service;
        TestServer server(params, ladderConfig(service, QStringLiteral("0:consoles,60:supervisors")));
        const QByteArray agent = server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Mokoena"));
        StreamClient console(server.baseUrl(), HttpClient::bearer(agent));
        QVERIFY(goLive(console));
        VERIFY_STATUS(server.postWebhook(TestServer::technicianText(QStringLiteral("wamid.FIGURES1"),
                                                                    QStringLiteral("agent please"))),
                      200);
        QTRY_VERIFY_WITH_TIMEOUT(latestRequest(db) > 0 && !db.scalar(QStringLiteral("SELECT alerted_at FROM "
                                                                                    "agent_requests"))
                                                               .isNull(),
                                 5000);
        QVERIFY(
            db.scalar(QStringLiteral("SELECT received_at <= requested_at AND alerted_at >= received_at FROM "
                                     "agent_requests"))
                .toBool());
        QTest::qWait(200);
        VERIFY_STATUS(server.http().post(QStringLiteral("/api/chat/%1/acknowledge").arg(ticket), "{}",
                                         HttpClient::bearer(agent)),
                      200);
        VERIFY_STATUS(server.http().postJson(QStringLiteral("/api/chat/%1/send").arg(ticket),
                                             {{QStringLiteral("message"), QStringLiteral("On our way")}},
                                             HttpClient::bearer(agent)),
                      200);
        QVERIFY(!db.scalar(QStringLiteral("SELECT replied_at FROM agent_requests")).isNull());

        const HttpResult report =
            server.http().get(QStringLiteral("/api/admin/reports/response"), TestServer::admin());
        VERIFY_STATUS(report, 200);
        const QJsonObject summary = report.json.value(QLatin1String("summary")).toObject();
        QCOMPARE(summary.value(QLatin1String("requests")).toInt(), 1);
        QCOMPARE(summary.value(QLatin1String("acknowledged")).toInt(), 1);
        QCOMPARE(summary.value(QLatin1String("answered")).toInt(), 1);
        QCOMPARE(summary.value(QLatin1String("unanswered")).toInt(), 0);
        const double toAck = summary.value(QLatin1String("time_to_acknowledge"))
                                 .toObject()
                                 .value(QLatin1String("p50"))
                                 .toDouble();
        QVERIFY2(toAck >= 0.2 && toAck < 10, qPrintable(QString::number(toAck)));
        QCOMPARE(
            summary.value(QLatin1String("time_to_alert")).toObject().value(QLatin1String("count")).toInt(),
            1);
        QCOMPARE(
            summary.value(QLatin1String("escalations")).toObject().value(QLatin1String("consoles")).toInt(),
            1);
        const QJsonObject row = report.json.value(QLatin1String("requests")).toArray().first().toObject();
        QCOMPARE(row.value(QLatin1String("ticket_id")).toInt(), ticket);
        QCOMPARE(row.value(QLatin1String("steps")).toString(), QStringLiteral("consoles"));

        const HttpResult csv =
            server.http().get(QStringLiteral("/api/admin/reports/response?format=csv&from=%1")
                                  .arg(QDate::currentDate().addDays(-1).toString(Qt::ISODate)),
                              TestServer::admin());
        VERIFY_STATUS(csv, 200);
        QVERIFY(csv.header("content-type").startsWith("text/csv"));
        const QList<QByteArray> lines = csv.body.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines[0].startsWith("id,ticket_id,unassigned_id,ticket_reference,lift"));
        VERIFY_ERROR(
            server.http().get(QStringLiteral("/api/admin/reports/response?from=2026-12-05&to=2026-12-01"),
                              TestServer::admin()),
            400, "invalid_period");
        VERIFY_ERROR(
            server.http().get(QStringLiteral("/api/admin/reports/response?format=xml"), TestServer::admin()),
            400, "invalid_format");
        VERIFY_ERROR(
            server.http().get(QStringLiteral("/api/admin/reports/response"), HttpClient::bearer(agent)), 403,
            "forbidden");

        // /metrics: the last 24 hours' figures, as the maintenance job last computed them.
        QTRY_VERIFY_WITH_TIMEOUT(server.http()
                                     .get(QStringLiteral("/metrics"))
                                     .body.contains("liftline_requests_last_24h{outcome=\"acknowledged\"} 1"),
                                 15000);
    }

    // The report's CSV as a spreadsheet reads it: quoted where it must be, no formula run.
    void csvCells()
    {
        QJsonObject row{{QStringLiteral("id"), 7},
                        {QStringLiteral("lift"), QStringLiteral("=HYPERLINK(\"x\"), Block A")},
                        {QStringLiteral("unanswered"), true},
                        {QStringLiteral("time_to_acknowledge"), 12.5}};
        const QByteArray csv = EscalationStore::responseCsv({{QStringLiteral("requests"), QJsonArray{row}}});
        const QList<QByteArray> lines = csv.split('\n');
        QVERIFY2(lines[1].startsWith("7,,,,\"'=HYPERLINK(\"\"x\"\"), Block A\","), lines[1].constData());
        QVERIFY(lines[1].contains(",12.500,"));
        QVERIFY(lines[1].contains(",true,"));
    }

    // The incident card: versions, a stale save refused with who saved since, partial saves keeping the
    // rest, each field checked, every save audited and announced.
    void incidentCard()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        TestServer server(params);
        const QByteArray thandi = server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Mokoena"));
        const QByteArray sipho = server.signIn(QStringLiteral("sipho"), QStringLiteral("Sipho Dlamini"));
        const QString path = QStringLiteral("/api/chat/%1/incident").arg(ticket);
        const auto put = [&](const QByteArray &token, const QByteArray &body) {
            return server.http().request("PUT", path, body, HttpClient::bearer(token), "application/json");
        };
        HttpResult got = server.http().get(path, HttpClient::bearer(thandi));
        VERIFY_STATUS(got, 200);
        QCOMPARE(got.json.value(QLatin1String("card")).toObject().value(QLatin1String("version")).toInt(), 0);

        HttpResult saved =
            put(thandi, R"({"expected_version":0,"people_trapped":3,"position":"between floors 4 and 5",
            "services":[{"service":"fire","called_at":"2026-12-05T08:02:00Z"}]})");
        VERIFY_STATUS(saved, 200);
        QJsonObject card = saved.json.value(QLatin1String("card")).toObject();
        QCOMPARE(card.value(QLatin1String("version")).toInt(), 1);
        QCOMPARE(card.value(QLatin1String("people_trapped")).toInt(), 3);
        QCOMPARE(card.value(QLatin1String("edited_by")).toString(), QStringLiteral("Thandi Mokoena"));
        QCOMPARE(card.value(QLatin1String("services"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("called_at")),
                 QJsonValue(QStringLiteral("2026-12-05T08:02:00.000Z")));

        // Sipho saves over version 1; Thandi's save over version 1 is then refused, naming him.
        VERIFY_STATUS(put(sipho, R"({"expected_version":1,"injuries":"one person faint"})"), 200);
        const HttpResult stale = put(thandi, R"({"expected_version":1,"people_trapped":4})");
        VERIFY_ERROR(stale, 409, "version_conflict");
        QVERIFY2(stale.errorMessage().contains(QLatin1String("Sipho Dlamini")),
                 qPrintable(stale.errorMessage()));
        got = server.http().get(path + QStringLiteral("?history=true"), HttpClient::bearer(thandi));
        card = got.json.value(QLatin1String("card")).toObject();
        QCOMPARE(card.value(QLatin1String("version")).toInt(), 2);
        QCOMPARE(card.value(QLatin1String("people_trapped")).toInt(), 3); // kept from version 1
        QCOMPARE(card.value(QLatin1String("injuries")).toString(), QStringLiteral("one person faint"));
        QCOMPARE(got.json.value(QLatin1String("history")).toArray().size(), 2);
        // The same values again: no new version.
        VERIFY_STATUS(put(thandi, R"({"expected_version":2,"people_trapped":3})"), 200);
        QCOMPARE(db.scalar(QStringLiteral("SELECT max(version) FROM incident_cards")).toInt(), 2);

        VERIFY_ERROR(put(thandi, R"({"people_trapped":3})"), 400, "expected_version_required");
        VERIFY_ERROR(put(thandi, R"({"expected_version":2,"people_trapped":-1})"), 400,
                     "invalid_people_trapped");
        VERIFY_ERROR(put(thandi, R"({"expected_version":2,"services":[{"service":"army"}]})"), 400,
                     "invalid_services");
        VERIFY_ERROR(put(thandi, R"({"expected_version":2,"released_at":"2099-01-01T00:00:00Z"})"), 400,
                     "invalid_released_at");
        VERIFY_ERROR(put(thandi, R"({"expected_version":2,"floor":"4"})"), 400, "unknown_field");
        VERIFY_ERROR(
            put(thandi, QByteArray(R"({"expected_version":2,"notes":")") + QByteArray(4001, 'x') + "\"}"),
            400, "text_too_long");
        VERIFY_ERROR(server.http().request("PUT", path, R"({"expected_version":2,"notes":"x"})",
                                           TestServer::ai(), "application/json"),
                     403, "forbidden");
        VERIFY_ERROR(
            server.http().get(QStringLiteral("/api/chat/999999/incident"), HttpClient::bearer(thandi)), 404,
            "ticket_not_found");

        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'incident.updated'"))
                     .toInt(),
                 2);
        QTRY_COMPARE(
            db.scalar(
                  QStringLiteral("SELECT count(*) FROM chat_events WHERE event = 'incident.updated' AND seq "
                                 "IS NOT NULL"))
                .toInt(),
            2);
    }

    // A supervisor gives a waiting request to an agent: the agent has it (the owner every console shows),
    // its ladder stops, and it can be given to another; nobody else may assign.
    void aSupervisorAssignsARequest()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        IncidentService service;
        TestServer server(params, ladderConfig(service, QStringLiteral("0:consoles,2:supervisors")));
        const QByteArray supervisor = server.signIn(QStringLiteral("sam"), QStringLiteral("Sam Supervisor"),
                                                    QStringLiteral("supervisor"));
        const QByteArray thandi = server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Mokoena"));
        server.signIn(QStringLiteral("sipho"), QStringLiteral("Sipho Dlamini"));
        db.exec(QStringLiteral("UPDATE tickets SET agent_requested = true WHERE id = ?"), {ticket});
        const qint64 request = latestRequest(db);
        QTRY_VERIFY_WITH_TIMEOUT(steps(db, request).size() == 1, 5000);
        const QString path = QStringLiteral("/api/chat/%1/assign").arg(ticket);

        VERIFY_ERROR(server.http().postJson(path, {{QStringLiteral("agent"), QStringLiteral("sipho")}},
                                            HttpClient::bearer(thandi)),
                     403, "forbidden");
        VERIFY_ERROR(server.http().postJson(path, {{QStringLiteral("agent"), QStringLiteral("nobody")}},
                                            HttpClient::bearer(supervisor)),
                     404, "agent_not_found");
        VERIFY_ERROR(server.http().postJson(path, {}, HttpClient::bearer(supervisor)), 400, "agent_required");
        const HttpResult assigned = server.http().postJson(
            path, {{QStringLiteral("agent"), QStringLiteral("Thandi")}}, HttpClient::bearer(supervisor));
        VERIFY_STATUS(assigned, 200);
        QCOMPARE(assigned.json.value(QLatin1String("conversation"))
                     .toObject()
                     .value(QLatin1String("acknowledged_by")),
                 QJsonValue(QStringLiteral("Thandi Mokoena")));
        const QVariant takenAt =
            db.scalar(QStringLiteral("SELECT acknowledged_at FROM tickets WHERE id = ?"), {ticket});
        QTest::qWait(2500);
        QCOMPARE(steps(db, request).size(), 1); // the ladder stopped
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT acknowledged_by FROM agent_requests WHERE id = ?"), {request})
                .toString(),
            QStringLiteral("Thandi Mokoena"));

        // Re-assigned: the new owner, the time it was first taken kept; an admin may do it too.
        VERIFY_STATUS(server.http().postJson(path, {{QStringLiteral("agent"), QStringLiteral("sipho")}},
                                             TestServer::admin()),
                      200);
        QCOMPARE(db.scalar(QStringLiteral("SELECT acknowledged_by FROM tickets WHERE id = ?"), {ticket})
                     .toString(),
                 QStringLiteral("Sipho Dlamini"));
        QCOMPARE(db.scalar(QStringLiteral("SELECT acknowledged_at FROM tickets WHERE id = ?"), {ticket}),
                 takenAt);
        QCOMPARE(db.scalar(QStringLiteral(
                               "SELECT string_agg(details->>'to', ',' ORDER BY id) FROM audit_log WHERE "
                               "action = 'ticket.assigned'"))
                     .toString(),
                 QStringLiteral("Thandi Mokoena,Sipho Dlamini"));
    }

    // Admins read and change the ladder and the on-call list; bad input is refused with what to do.
    void ladderAndOncallThroughTheApi()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        TestServer server(params);
        const auto admin = TestServer::admin();
        HttpResult got = server.http().get(QStringLiteral("/api/admin/escalation"), admin);
        VERIFY_STATUS(got, 200);
        QCOMPARE(got.json.value(QLatin1String("ladder_text")).toString(),
                 QStringLiteral("0:consoles,30:supervisors,60:oncall1,120:oncall2"));
        QCOMPARE(got.json.value(QLatin1String("ladder_set_by")).toString(), QStringLiteral("database"));

        VERIFY_STATUS(server.http().request("PUT", QStringLiteral("/api/admin/escalation/ladder"),
                                            R"({"ladder_text":"0:consoles,20:supervisors,45:oncall1"})",
                                            admin, "application/json"),
                      200);
        got = server.http().get(QStringLiteral("/api/admin/escalation"), admin);
        QCOMPARE(got.json.value(QLatin1String("ladder_text")).toString(),
                 QStringLiteral("0:consoles,20:supervisors,45:oncall1"));
        VERIFY_ERROR(server.http().request("PUT", QStringLiteral("/api/admin/escalation/ladder"),
                                           R"({"ladder_text":"30:consoles,10:supervisors"})", admin,
                                           "application/json"),
                     400, "invalid_ladder");
        VERIFY_ERROR(server.http().request("PUT", QStringLiteral("/api/admin/escalation/ladder"),
                                           R"({"ladder":[{"after_seconds":0,"action":"pager"}]})", admin,
                                           "application/json"),
                     400, "invalid_ladder");
        const QByteArray agent = server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi"));
        VERIFY_ERROR(server.http().get(QStringLiteral("/api/admin/escalation"), HttpClient::bearer(agent)),
                     403, "forbidden");

        HttpResult added =
            server.http().postJson(QStringLiteral("/api/admin/oncall"),
                                   {{QStringLiteral("name"), QStringLiteral("Pieter")},
                                    {QStringLiteral("phone"), QStringLiteral("+27831234567")},
                                    {QStringLiteral("level"), 1},
                                    {QStringLiteral("active_from"), QStringLiteral("18:00")},
                                    {QStringLiteral("active_until"), QStringLiteral("06:00")},
                                    {QStringLiteral("time_zone"), QStringLiteral("Africa/Johannesburg")}},
                                   admin);
        VERIFY_STATUS(added, 201);
        const QJsonObject entry = added.json.value(QLatin1String("entry")).toObject();
        QCOMPARE(entry.value(QLatin1String("phone")).toString(), QStringLiteral("27831234567"));
        QCOMPARE(entry.value(QLatin1String("active_until")).toString(), QStringLiteral("06:00"));
        VERIFY_ERROR(server.http().postJson(QStringLiteral("/api/admin/oncall"),
                                            {{QStringLiteral("name"), QStringLiteral("X")},
                                             {QStringLiteral("phone"), QStringLiteral("0831234567")},
                                             {QStringLiteral("level"), 1}},
                                            admin),
                     400, "invalid_oncall");
        VERIFY_ERROR(server.http().postJson(QStringLiteral("/api/admin/oncall"),
                                            {{QStringLiteral("name"), QStringLiteral("X")},
                                             {QStringLiteral("phone"), QStringLiteral("27831234567")},
                                             {QStringLiteral("level"), 1},
                                             {QStringLiteral("time_zone"), QStringLiteral("Mars/Olympus")}},
                                            admin),
                     400, "invalid_oncall");
        const int id = entry.value(QLatin1String("id")).toInt();
        VERIFY_STATUS(
            server.http().request("DELETE", QStringLiteral("/api/admin/oncall/%1").arg(id), {}, admin, {}),
            200);
        VERIFY_ERROR(
            server.http().request("DELETE", QStringLiteral("/api/admin/oncall/%1").arg(id), {}, admin, {}),
            404, "not_found");
        Db db(params, QStringLiteral("t"));
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log "
                                     "WHERE action LIKE 'escalation.%'"))
                .toString(),
            QStringLiteral("escalation.ladder_changed,escalation.oncall_added,escalation.oncall_removed"));
    }

    // LIFTLINE_ESCALATION_LADDER fixes the ladder: applied at start, and the API says where to change it.
    void ladderFromTheSettings()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Config config = TestServer::defaultConfig();
        config.escalationLadder = QStringLiteral("0:consoles,10:oncall1");
        TestServer server(params, config);
        const HttpResult got =
            server.http().get(QStringLiteral("/api/admin/escalation"), TestServer::admin());
        QCOMPARE(got.json.value(QLatin1String("ladder_text")).toString(),
                 QStringLiteral("0:consoles,10:oncall1"));
        QCOMPARE(got.json.value(QLatin1String("ladder_set_by")).toString(), QStringLiteral("server.conf"));
        VERIFY_ERROR(server.http().request("PUT", QStringLiteral("/api/admin/escalation/ladder"),
                                           R"({"ladder_text":"0:consoles"})", TestServer::admin(),
                                           "application/json"),
                     409, "ladder_fixed");
    }

    // The ladder's text as server.conf writes it: every mistake named.
    void ladderText_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("normalised"); // empty: refused
        QTest::newRow("default") << "0:consoles,30:supervisors,60:oncall1,120:oncall2"
                                 << "0:consoles,30:supervisors,60:oncall1,120:oncall2";
        QTest::newRow("spaces") << " 0 : consoles , 5:oncall3 "
                                << "0:consoles,5:oncall3";
        QTest::newRow("out of order") << "30:consoles,10:oncall1"
                                      << "";
        QTest::newRow("unknown action") << "0:pager"
                                        << "";
        QTest::newRow("oncall without level") << "0:oncall"
                                              << "";
        QTest::newRow("level on consoles") << "0:consoles2"
                                           << "";
        QTest::newRow("too late") << "90000:oncall1"
                                  << "";
        QTest::newRow("empty") << ","
                               << "";
        QTest::newRow("no seconds") << "consoles"
                                    << "";
    }
    void ladderText()
    {
        QFETCH(QString, text);
        QFETCH(QString, normalised);
        QString error;
        const auto steps = EscalationStore::parseLadder(text, &error);
        QCOMPARE(EscalationStore::ladderText(steps), normalised);
        QCOMPARE(error.isEmpty(), !normalised.isEmpty());
    }

    // At start, requests that no trigger recorded (raised while triggers were off, or before the table
    // existed) are recorded; recent ones run their ladder, old ones do not call anyone out.
    void startRecordsRequestsNoTriggerSaw()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int recent = Seed::openTicket(db, QStringLiteral("27710000001"));
        const int old = Seed::openTicket(db, QStringLiteral("27710000002"));
        db.transaction([&] {
            db.execOnce(QStringLiteral("SET LOCAL session_replication_role = replica"));
            db.exec(QStringLiteral(
                        "UPDATE tickets SET agent_requested = true, agent_requested_at = now() WHERE id = ?"),
                    {recent});
            db.exec(QStringLiteral(
                        "UPDATE tickets SET agent_requested = true, agent_requested_at = now() - interval "
                        "'3 hours' WHERE id = ?"),
                    {old});
        });
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM agent_requests")).toInt(), 0);
        TestServer server(params);
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM agent_requests")).toInt(), 2);
        QVERIFY(db.scalar(QStringLiteral(
                              "SELECT next_step_at IS NOT NULL OR EXISTS (SELECT 1 FROM escalation_log l "
                              "WHERE l.request_id = a.id) FROM agent_requests a WHERE ticket_id = ?"),
                          {recent})
                    .toBool());
        QVERIFY(
            db.scalar(QStringLiteral("SELECT next_step_at IS NULL FROM agent_requests WHERE ticket_id = ?"),
                      {old})
                .toBool());
    }
};

QTEST_MAIN(TestEscalation)
#include "tst_escalation.moc"
