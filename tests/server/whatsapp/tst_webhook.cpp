#include "HttpClient.h"
#include "Seed.h"
#include "ServerProcess.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "chat/ChatStore.h"
#include "chat/Outbox.h"
#include "db/Db.h"
#include "db/Events.h"
#include "whatsapp/InboundProcessor.h"
#include "whatsapp/SandboxTransport.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <algorithm>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

// GET and POST /webhooks/whatsapp (issue 3, "Inbound"; WHATSAPP.md; ARCHITECTURE.md "Inbound message",
// "Routing", "Status update") over real HTTP against the real embedded PostgreSQL. Every body comes from
// tests/data/whatsapp (the shapes of the shared fixtures), gets fresh timestamps and is signed at test time
// over the exact bytes sent. One fresh database and one in-process server per case.

namespace {

const QString sipho = QStringLiteral("27820000001");    // technician of lift 27710000001 (James House)
const QString anna = QStringLiteral("27820000002");     // manager at James House, technician at Marula Tower
const QString stranger = QStringLiteral("27829999999"); // not in the registry
const QString webhookPath = QStringLiteral("/webhooks/whatsapp");
const QString jamesHouse = QStringLiteral("27710000001");
const QString marulaTower = QStringLiteral("27710000002");
const QString blockC = QStringLiteral("27710000003");

QString wireTime(qint64 seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(Qt::ISODateWithMs);
}

QByteArray fixture(const QString &name, qint64 secondsAgo = 0, qint64 *newest = nullptr)
{
    return Seed::freshen(Seed::rawWhatsappFixture(name), secondsAgo, newest);
}

// `liftline-server webhook-problems` on the test database: what it printed and how it ended.
struct CliRun {
    bool finished = false;
    int exitCode = -1;
    QString printed;
};
CliRun webhookProblems(const DbParams &params)
{
    QProcess cli;
    cli.setProcessEnvironment(databaseEnvironment(params));
    cli.start(QStringLiteral(LIFTLINE_SERVER_BIN), {QStringLiteral("webhook-problems")});
    CliRun run;
    run.finished = cli.waitForFinished(60000);
    run.printed = QString::fromUtf8(cli.readAllStandardOutput());
    run.exitCode = cli.exitCode();
    return run;
}

QByteArray replaced(QByteArray body, const QByteArray &from, const QByteArray &to)
{
    if (!body.contains(from))
        qFatal("replaced(): '%s' is not in the body", from.constData());
    return body.replace(from, to);
}

// text_plain.json as another message: its own id, text and time.
QByteArray textMessage(const QString &from, const QString &wamid, const QString &text, qint64 secondsAgo,
                       qint64 *timestamp = nullptr)
{
    QByteArray body = fixture(QStringLiteral("text_plain"), secondsAgo, timestamp);
    body = replaced(body, "wamid.IN.0002", wamid.toUtf8());
    body = replaced(body, "\"from\":\"27820000001\"", "\"from\":\"" + from.toUtf8() + '"');
    body = replaced(body, "\"wa_id\":\"27820000001\"", "\"wa_id\":\"" + from.toUtf8() + '"');
    const QByteArray json = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return replaced(body, "\"Doors are closed, two passengers inside\"", json.mid(1, json.size() - 2));
}

// status_read.json for another message and status.
QByteArray statusBody(const QString &wamid, const QString &status, qint64 secondsAgo = 0)
{
    QByteArray body = fixture(QStringLiteral("status_read"), secondsAgo);
    body = replaced(body, "wamid.OUT.CHAT.0001", wamid.toUtf8());
    return replaced(body, "\"status\":\"read\"", "\"status\":\"" + status.toUtf8() + '"');
}

QByteArray signatureOf(const QByteArray &body, const QByteArray &secret)
{
    return "sha256=" + QMessageAuthenticationCode::hash(body, secret, QCryptographicHash::Sha256).toHex();
}

QStringList sortedKeys(const QJsonObject &o)
{
    QStringList keys = o.keys();
    keys.sort();
    return keys;
}

const QVariant nullText(QMetaType::fromType<QString>());

struct Event {
    int ticketId = 0;
    QJsonObject data;
};

// A fresh migrated database with the registry of tests/data/registry.csv, and (usually) a server on it.
struct Fixture {
    explicit Fixture(const Config &config = TestServer::defaultConfig(), bool startServer = true)
        : params(TestCluster::instance().createDatabase())
        , db(params, QStringLiteral("tst-webhook"))
    {
        Seed::registry(db);
        if (startServer)
            start(config);
    }

    void start(const Config &config = TestServer::defaultConfig())
    {
        server = std::make_unique<TestServer>(params, config);
    }

    DbParams params;
    Db db;
    std::unique_ptr<TestServer> server;

    HttpClient &http() { return server->http(); }
    QByteArray secret() { return server->app().webhookSecret(); }

    HttpResult postSigned(const QByteArray &body)
    {
        return http().post(webhookPath, body, {{"X-Hub-Signature-256", signatureOf(body, secret())}});
    }

    // Posts every body at once, each correctly signed (six connections per access manager, so as many
    // managers as that takes); returns what went wrong, empty when every one was answered 200 within 30 s.
    QString postAllAtOnce(const QList<QByteArray> &bodies)
    {
        QUrl url = server->baseUrl();
        url.setPath(webhookPath);
        std::vector<std::unique_ptr<QNetworkAccessManager>> managers;
        while (managers.size() * 6 < size_t(bodies.size()))
            managers.push_back(std::make_unique<QNetworkAccessManager>());
        QList<QNetworkReply *> replies;
        for (const QByteArray &body : bodies) {
            QNetworkRequest request(url);
            request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
            request.setRawHeader("X-Hub-Signature-256", signatureOf(body, secret()));
            replies << managers[size_t(replies.size()) % managers.size()]->post(request, body);
        }
        QDeadlineTimer deadline(30000);
        while (!std::all_of(replies.cbegin(), replies.cend(), [](QNetworkReply *r) {
            return r->isFinished();
        }) && !deadline.hasExpired())
            QTest::qWait(10);
        QString problems;
        for (QNetworkReply *reply : std::as_const(replies)) {
            if (!reply->isFinished())
                problems += QStringLiteral("no answer within 30 s; ");
            else if (const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                     status != 200)
                problems += QStringLiteral("%1 %2; ").arg(status).arg(QString::fromUtf8(reply->readAll()));
        }
        qDeleteAll(replies);
        return problems;
    }

    QVariant scalar(const QString &sql, const QVariantList &binds = {}) { return db.scalar(sql, binds); }
    int count(const QString &sql, const QVariantList &binds = {}) { return db.scalar(sql, binds).toInt(); }
    qint64 epoch(const QString &sql, const QVariantList &binds = {})
    {
        return db.scalar(QStringLiteral("SELECT extract(epoch FROM (%1))::bigint").arg(sql), binds)
            .toLongLong();
    }
    QJsonObject rowJson(const QString &sql, const QVariantList &binds = {})
    {
        return QJsonDocument::fromJson(db.scalar(sql, binds).toString().toUtf8()).object();
    }

    int unprocessed()
    {
        return count(QStringLiteral("SELECT count(*) FROM whatsapp_inbox WHERE processed_at IS NULL"));
    }
    QString inboxProblems()
    {
        return scalar(QStringLiteral(
                          "SELECT 'still unprocessed: ' || coalesce(string_agg(id || ' (attempts ' || "
                          "attempts || ', error ' || coalesce(error, 'none') || ')', '; '), 'none') "
                          "FROM whatsapp_inbox WHERE processed_at IS NULL"))
            .toString();
    }
    QString numberingProblem()
    {
        return scalar(
                   QStringLiteral(
                       "SELECT 'unnumbered: ' || coalesce((SELECT string_agg(id || ' ' || event || ' at ' || "
                       "created_at::text, '; ') FROM chat_events WHERE seq IS NULL), 'none') || ' | "
                       "sessions: ' "
                       "|| coalesce((SELECT string_agg(application_name || ' ' || coalesce(state, '') || ' ' "
                       "|| "
                       "coalesce(wait_event_type || ':' || wait_event, '') || ' xact ' || "
                       "coalesce((now() - xact_start)::text, '-') || ' ' || left(query, 120), ' ; ') FROM "
                       "pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()), "
                       "'none')"))
            .toString();
    }
    int inboxErrors()
    {
        return count(QStringLiteral("SELECT count(*) FROM whatsapp_inbox WHERE error IS NOT NULL"));
    }
    qint64 lastInboxId()
    {
        return scalar(QStringLiteral("SELECT coalesce(max(id), 0) FROM whatsapp_inbox")).toLongLong();
    }

    QJsonObject message(const QString &wamid)
    {
        return rowJson(
            QStringLiteral("SELECT row_to_json(m)::text FROM chat_messages m WHERE wa_message_id = ?"),
            {wamid});
    }
    QJsonObject unassigned(const QString &wamid)
    {
        return rowJson(
            QStringLiteral("SELECT row_to_json(u)::text FROM chat_unassigned u WHERE wa_message_id = ?"),
            {wamid});
    }
    QJsonObject ticket(int id)
    {
        return rowJson(QStringLiteral("SELECT row_to_json(t)::text FROM tickets t WHERE id = ?"), {id});
    }
    QString status(const QString &wamid)
    {
        return scalar(QStringLiteral("SELECT status FROM chat_messages WHERE wa_message_id = ?"), {wamid})
            .toString();
    }
    QString contactId(const QString &msisdn)
    {
        return scalar(QStringLiteral("SELECT id::text FROM contacts WHERE primary_msisdn = ?"), {msisdn})
            .toString();
    }
    qint64 windowOf(const QString &number)
    {
        return epoch(QStringLiteral("SELECT last_inbound_at FROM chat_windows WHERE number = ?"), {number});
    }
    int inboundCount(int ticketId)
    {
        return count(QStringLiteral(
                         "SELECT count(*) FROM chat_messages WHERE ticket_id = ? AND direction = 'inbound'"),
                     {ticketId});
    }

    QList<Event> events(const QString &name)
    {
        QList<Event> out;
        QSqlQuery q = db.execOnce(
            QStringLiteral(
                "SELECT coalesce(ticket_id, 0), data::text FROM chat_events WHERE event = ? ORDER BY id"),
            {name});
        while (q.next())
            out.append(
                {q.value(0).toInt(), QJsonDocument::fromJson(q.value(1).toString().toUtf8()).object()});
        return out;
    }

    // The message.created events of one message, by its WhatsApp id.
    QList<QJsonObject> created(const QString &wamid)
    {
        QList<QJsonObject> out;
        for (const Event &e : events(QStringLiteral("message.created")))
            if (e.data.value(QLatin1String("wa_message_id")).toString() == wamid)
                out.append(e.data);
        return out;
    }

    void setTicketCreated(int ticketId, int minutesAgo)
    {
        db.execOnce(
            QStringLiteral("UPDATE tickets SET created_at = now() - make_interval(mins => ?) WHERE id = ?"),
            {minutesAgo, ticketId});
        Events::sequence(db);
    }

    int openTicket(const QString &lift, int minutesAgo)
    {
        const int id = Seed::openTicket(db, lift);
        setTicketCreated(id, minutesAgo);
        return id;
    }

    void closeTicket(int ticketId)
    {
        db.execOnce(QStringLiteral("UPDATE tickets SET status = 'closed', resolved_at = now() WHERE id = ?"),
                    {ticketId});
        Events::sequence(db);
    }

    // One of our messages to `to` on the ticket, as a send (or the original system's alert) stored it.
    qint64 addOutbound(int ticketId, const QVariant &waMessageId, const QString &status,
                       const QString &to = sipho, int minutesAgo = 1,
                       const QString &kind = QStringLiteral("text"))
    {
        QSqlQuery q = db.execOnce(
            QStringLiteral(
                "INSERT INTO chat_messages (ticket_id, from_number, to_number, message, direction, "
                "agent_name, read_by_agent, kind, status, wa_message_id, created_at) VALUES (?, NULL, "
                "?, 'Help is on the way', 'outbound', 'Alice Agent', true, ?, ?, ?, now() - "
                "make_interval(mins => ?)) RETURNING id"),
            {ticketId, to, kind, status, waMessageId, minutesAgo});
        q.next();
        const qint64 id = q.value(0).toLongLong();
        Events::sequence(db);
        return id;
    }

    // The number wrote on the ticket `minutesAgo` minutes ago (stored as ingest would have).
    qint64 addInbound(int ticketId, const QString &from, int minutesAgo)
    {
        QSqlQuery q = db.execOnce(
            QStringLiteral(
                "INSERT INTO chat_messages (ticket_id, from_number, message, direction, kind, status, "
                "wa_message_id, wa_timestamp, created_at) VALUES (?, ?, 'earlier', 'inbound', 'text', "
                "'received', 'wamid.SEED.' || gen_random_uuid(), now() - make_interval(mins => ?), "
                "now() - make_interval(mins => ?)) RETURNING id"),
            {ticketId, from, minutesAgo, minutesAgo});
        q.next();
        const qint64 id = q.value(0).toLongLong();
        Events::sequence(db);
        return id;
    }

    // A body as the server stores it, received a minute ago and never processed (the server died).
    qint64 storeRaw(const QByteArray &body)
    {
        return scalar(QStringLiteral("INSERT INTO whatsapp_inbox (body, authenticated, received_at) VALUES "
                                     "(?, 'signature', "
                                     "now() - interval '1 minute') "
                                     "RETURNING id"),
                      {body})
            .toLongLong();
    }
};

} // namespace

// Every stored body processed (or the reason it is not, as the failure message).
// One body holding two text messages from the same technician; `text` goes into the JSON as given.
QByteArray twoMessages(const QString &id1, const QString &text1, const QString &id2, const QString &text2)
{
    const QString now = QString::number(QDateTime::currentSecsSinceEpoch());
    const QString message = QStringLiteral(
        R"({"from":"27820000001","id":"%1","timestamp":"%2","type":"text","text":{"body":"%3"}})");
    return QStringLiteral(
               R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"27110000000","phone_number_id":"1"},"contacts":[{"profile":{"name":"Sipho"},"wa_id":"27820000001"}],"messages":[%1,%2]}}]}]})")
        .arg(message.arg(id1, now, text1), message.arg(id2, now, text2))
        .toUtf8();
}

#define WAIT_PROCESSED(f)                                                                                    \
    QTRY_VERIFY2_WITH_TIMEOUT((f).unprocessed() == 0, qPrintable((f).inboxProblems()), 15000)

// Posts a correctly signed body, expects 200 {"status":"ok"}, waits until it is processed without error.
#define DELIVER(f, body)                                                                                     \
    do {                                                                                                     \
        const HttpResult d_ = (f).postSigned(body);                                                          \
        VERIFY_STATUS(d_, 200);                                                                              \
        WAIT_PROCESSED(f);                                                                                   \
        QCOMPARE((f).inboxErrors(), 0);                                                                      \
    } while (false)

// Numbered at once as a rule; 15 s as WAIT_PROCESSED allows, for a test machine busy with other suites.
// A failure names the events left and what every connection was doing.
#define EXPECT_EVENTS_NUMBERED(f)                                                                            \
    QTRY_VERIFY2_WITH_TIMEOUT(                                                                               \
        (f).count(QStringLiteral("SELECT count(*) FROM chat_events WHERE seq IS NULL")) == 0,                \
        qPrintable((f).numberingProblem()), 15000)

class TestWebhook : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // Start the cluster and build the template once, outside the first case's time.
        TestCluster::instance();
    }

    // ---------------------------------------------------------------- GET: the subscription check

    void subscriptionCheck()
    {
        Config config = TestServer::defaultConfig();
        config.webhookVerifyToken = QStringLiteral("verify-token-42");
        Fixture f(config);

        const HttpResult ok = f.http().get(
            webhookPath +
            QStringLiteral("?hub.mode=subscribe&hub.verify_token=verify-token-42&hub.challenge=1158201444"));
        VERIFY_STATUS(ok, 200);
        QCOMPARE(ok.body, QByteArray("1158201444"));
        QVERIFY2(ok.header("Content-Type").startsWith("text/plain"), ok.header("Content-Type").constData());

        VERIFY_STATUS(
            f.http().get(webhookPath +
                         QStringLiteral("?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1")),
            403);
        VERIFY_STATUS(f.http().get(webhookPath + QStringLiteral("?hub.mode=subscribe&hub.challenge=1")), 403);
        VERIFY_STATUS(f.http().get(webhookPath +
                                   QStringLiteral("?hub.mode=subscribe&hub.verify_token=&hub.challenge=1")),
                      403);
        VERIFY_STATUS(
            f.http().get(
                webhookPath +
                QStringLiteral("?hub.mode=unsubscribe&hub.verify_token=verify-token-42&hub.challenge=1")),
            403);
        VERIFY_STATUS(f.http().get(webhookPath), 403);

        // Without a configured verify token nothing passes, not even an empty token.
        TestServer unconfigured(f.params);
        VERIFY_STATUS(
            unconfigured.http().get(webhookPath +
                                    QStringLiteral("?hub.mode=subscribe&hub.verify_token=&hub.challenge=1")),
            403);
        VERIFY_STATUS(
            unconfigured.http().get(
                webhookPath +
                QStringLiteral("?hub.mode=subscribe&hub.verify_token=verify-token-42&hub.challenge=1")),
            403);
    }

    // ---------------------------------------------------------------- POST: authenticity, storage

    void signedBodyIsStoredByteForByte()
    {
        Fixture f;
        Seed::openTicket(f.db);
        const QByteArray body = fixture(QStringLiteral("text_unicode"));
        QVERIFY(body.contains("\\ud83d\\udea8")); // escaped as Meta sends it
        QVERIFY(body.endsWith('\n'));

        const HttpResult r = f.postSigned(body);
        VERIFY_STATUS(r, 200);
        QCOMPARE(r.json, (QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}}));
        QVERIFY2(r.header("Content-Type").startsWith("application/json"),
                 r.header("Content-Type").constData());

        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbox")), 1);
        QCOMPARE(f.scalar(QStringLiteral("SELECT body FROM whatsapp_inbox")).toByteArray(), body);
        QCOMPARE(f.scalar(QStringLiteral("SELECT authenticated FROM whatsapp_inbox")).toString(),
                 QStringLiteral("signature"));
        WAIT_PROCESSED(f);
        QCOMPARE(f.inboxErrors(), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT attempts FROM whatsapp_inbox")), 1);
        QVERIFY(f.scalar(QStringLiteral("SELECT processed_at >= received_at FROM whatsapp_inbox")).toBool());
        QCOMPARE(f.count(QStringLiteral(
                     "SELECT count(*) FROM chat_messages WHERE wa_message_id = 'wamid.IN.0003'")),
                 1);
    }

    void wrongOrMissingSignatureIsRefused()
    {
        Fixture f;
        Seed::openTicket(f.db);
        const QByteArray body = fixture(QStringLiteral("text_agent_request"));
        const QByteArray otherBytes =
            Seed::rawWhatsappFixture(QStringLiteral("text_agent_request")); // old timestamps
        QVERIFY(body != otherBytes);
        const QByteArray right = signatureOf(body, f.secret());
        QVERIFY(!f.secret().isEmpty());

        struct Attempt {
            const char *what;
            HttpClient::Headers headers;
        };
        const QList<Attempt> attempts{
            {"another secret", {{"X-Hub-Signature-256", signatureOf(body, "test-app-secret")}}},
            {"no signature", {}},
            {"signature of other bytes", {{"X-Hub-Signature-256", signatureOf(otherBytes, f.secret())}}},
            {"signature without its prefix", {{"X-Hub-Signature-256", right.mid(7)}}},
            {"truncated signature", {{"X-Hub-Signature-256", right.left(right.size() - 2)}}},
            {"empty signature", {{"X-Hub-Signature-256", "sha256="}}},
            {"SHA-1 header only",
             {{"X-Hub-Signature",
               "sha1=" +
                   QMessageAuthenticationCode::hash(body, f.secret(), QCryptographicHash::Sha1).toHex()}}},
            {"a bearer token while none is configured", HttpClient::bearer("anything-at-all-0123456789")},
        };
        for (const Attempt &a : attempts) {
            const HttpResult r = f.http().post(webhookPath, body, a.headers);
            QVERIFY2(r.status == 401,
                     qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(a.what), r.describe())));
            QVERIFY2(!r.body.contains("Agent I need help"), a.what);
        }
        // Nothing stored, nothing processed.
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbox")), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbound_ids")), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages")), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_unassigned")), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM tickets WHERE agent_requested")), 0);

        // The right signature still works afterwards.
        DELIVER(f, body);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages")), 1);
    }

    void relayBearerToken()
    {
        Config config = TestServer::defaultConfig();
        config.whatsappAppSecret = QStringLiteral("test-app-secret");
        config.webhookAuthToken = QStringLiteral("relay-token-0123456789abcdef");
        Fixture f(config);
        const int ticket = Seed::openTicket(f.db);
        QCOMPARE(f.secret(), QByteArray("test-app-secret"));

        const QByteArray relayed = fixture(QStringLiteral("text_plain"));
        const HttpResult r =
            f.http().post(webhookPath, relayed, HttpClient::bearer("relay-token-0123456789abcdef"));
        VERIFY_STATUS(r, 200);
        QCOMPARE(r.json, (QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}}));
        WAIT_PROCESSED(f);
        QCOMPARE(f.scalar(QStringLiteral("SELECT body FROM whatsapp_inbox")).toByteArray(), relayed);
        QCOMPARE(f.scalar(QStringLiteral("SELECT authenticated FROM whatsapp_inbox")).toString(),
                 QStringLiteral("bearer"));
        QCOMPARE(f.message(QStringLiteral("wamid.IN.0002")).value(QLatin1String("ticket_id")).toInt(),
                 ticket);

        // A wrong token is refused and nothing is stored.
        VERIFY_STATUS(f.http().post(webhookPath, fixture(QStringLiteral("text_agent_request")),
                                    HttpClient::bearer("relay-token-0123456789abcdeX")),
                      401);
        VERIFY_STATUS(
            f.http().post(webhookPath, fixture(QStringLiteral("text_agent_request")), HttpClient::bearer("")),
            401);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbox")), 1);

        // Meta's own signature with WHATSAPP_APP_SECRET works beside it.
        const QByteArray signed_ = fixture(QStringLiteral("text_agent_request"));
        const HttpResult s = f.http().post(
            webhookPath, signed_, {{"X-Hub-Signature-256", signatureOf(signed_, "test-app-secret")}});
        VERIFY_STATUS(s, 200);
        WAIT_PROCESSED(f);
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbox WHERE authenticated = 'signature'")),
            1);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = 'inbound'")),
                 2);
    }

    void notJsonIsStoredAndAnswered200()
    {
        Fixture f;
        Seed::openTicket(f.db);
        const QByteArray garbage("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\": <html>oops");
        // Stored is answered 200: WhatsApp would otherwise send it again for days.
        const HttpResult r = f.postSigned(garbage);
        VERIFY_STATUS(r, 200);

        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbox")), 1);
        QCOMPARE(f.scalar(QStringLiteral("SELECT body FROM whatsapp_inbox")).toByteArray(), garbage);
        QVERIFY(!f.scalar(QStringLiteral("SELECT error FROM whatsapp_inbox")).toString().isEmpty());
        QVERIFY(!f.scalar(QStringLiteral("SELECT processed_at FROM whatsapp_inbox")).isNull());
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages")), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_unassigned")), 0);

        // Shown to admins, with the reason.
        const HttpResult p = f.http().get(QStringLiteral("/api/admin/webhook/problems"), TestServer::admin());
        VERIFY_STATUS(p, 200);
        const QJsonArray bodies =
            p.json.value(QLatin1String("problems")).toObject().value(QLatin1String("bodies")).toArray();
        QCOMPARE(bodies.size(), 1);
        QVERIFY2(bodies.first()
                     .toObject()
                     .value(QLatin1String("error"))
                     .toString()
                     .contains(QLatin1String("JSON")),
                 p.body.constData());
        // Only to admins.
        VERIFY_STATUS(f.http().get(QStringLiteral("/api/admin/webhook/problems")), 401);

        // Not signed at all: 401 before anything else.
        VERIFY_STATUS(f.http().post(webhookPath, garbage), 401);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbox")), 1);
    }

    // Two messages in one body: one holds U+0000, which PostgreSQL text cannot hold and which cut QPSQL's
    // statement short, so the whole body failed and the clean message never reached agents.
    void aNulInOneMessageDoesNotPoisonTheOthers()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        const QByteArray body =
            twoMessages(QStringLiteral("wamid.NUL.1"), QStringLiteral("before\\u0000after"),
                        QStringLiteral("wamid.NUL.2"), QStringLiteral("a clean message"));
        QVERIFY(QJsonDocument::fromJson(body).isObject());
        DELIVER(f, body);
        QCOMPARE(f.inboundCount(ticket), 2);
        QCOMPARE(
            f.scalar(QStringLiteral("SELECT message FROM chat_messages WHERE wa_message_id = 'wamid.NUL.2'"))
                .toString(),
            QStringLiteral("a clean message"));
        // The text is kept, the NUL shown as U+FFFD; the original bytes stay in the stored body.
        QCOMPARE(
            f.scalar(QStringLiteral("SELECT message FROM chat_messages WHERE wa_message_id = 'wamid.NUL.1'"))
                .toString(),
            QStringLiteral("before") + QChar(QChar::ReplacementCharacter) + QStringLiteral("after"));
        QVERIFY(f.scalar(QStringLiteral("SELECT body FROM whatsapp_inbox")).toByteArray() == body);
        QVERIFY(f.scalar(QStringLiteral("SELECT error FROM whatsapp_inbox")).isNull());
        // Recorded as altered, with the item as bytes.
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbox_items WHERE outcome = 'altered' "
                                   "AND wa_message_id = 'wamid.NUL.1' AND position = 'entry 0, change 0, "
                                   "message 0'")),
            1);
        QVERIFY(f.scalar(QStringLiteral("SELECT position('\\u0000' IN convert_from(item, 'UTF8')) > 0 FROM "
                                        "whatsapp_inbox_items"))
                    .toBool());
        const HttpResult p = f.http().get(QStringLiteral("/api/admin/webhook/problems"), TestServer::admin());
        VERIFY_STATUS(p, 200);
        const QJsonArray items =
            p.json.value(QLatin1String("problems")).toObject().value(QLatin1String("items")).toArray();
        QCOMPARE(items.size(), 1);
        QCOMPARE(items.first().toObject().value(QLatin1String("outcome")).toString(),
                 QStringLiteral("altered"));
        QCOMPARE(items.first()
                     .toObject()
                     .value(QLatin1String("item"))
                     .toObject()
                     .value(QLatin1String("text"))
                     .toObject()
                     .value(QLatin1String("body"))
                     .toString(),
                 QStringLiteral("before") + QChar(0) + QStringLiteral("after"));
    }

    // An item PostgreSQL refuses for any other reason (here a timestamp three million years away) is set
    // aside with the reason; the rest of its body is stored, events and all.
    void anItemTheDatabaseRefusesIsSetAsideAlone()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        QByteArray body = twoMessages(QStringLiteral("wamid.FAR.1"), QStringLiteral("from the far future"),
                                      QStringLiteral("wamid.FAR.2"), QStringLiteral("agent please"));
        const QByteArray now = QByteArray::number(QDateTime::currentSecsSinceEpoch());
        body.replace("\"timestamp\":\"" + now + "\",\"type\":\"text\",\"text\":{\"body\":\"from",
                     "\"timestamp\":\"99999999999999\",\"type\":\"text\",\"text\":{\"body\":\"from");
        QVERIFY(body.contains("99999999999999"));
        const HttpResult r = f.postSigned(body);
        VERIFY_STATUS(r, 200);
        QTRY_VERIFY_WITH_TIMEOUT(
            !f.scalar(QStringLiteral("SELECT processed_at FROM whatsapp_inbox")).isNull(), 15000);
        QCOMPARE(f.inboundCount(ticket), 1);
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE wa_message_id = 'wamid.FAR.2'")),
            1);
        // The request in the clean message was raised.
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM tickets WHERE id = ? AND agent_requested"),
                         {ticket}),
                 1);
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbox_items WHERE outcome = 'set_aside' "
                                   "AND wa_message_id = 'wamid.FAR.1' AND from_number = '27820000001'")),
            1);
        QVERIFY(!f.scalar(QStringLiteral("SELECT reason FROM whatsapp_inbox_items")).toString().isEmpty());
        QVERIFY2(f.scalar(QStringLiteral("SELECT error FROM whatsapp_inbox"))
                     .toString()
                     .startsWith(QLatin1String("1 of 2 items set aside")),
                 qPrintable(f.scalar(QStringLiteral("SELECT error FROM whatsapp_inbox")).toString()));
        QCOMPARE(f.count(QStringLiteral("SELECT attempts FROM whatsapp_inbox")), 1);
        // Not claimed: if WhatsApp sends it again, it is tried again.
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbound_ids WHERE wa_message_id = "
                                        "'wamid.FAR.1'")),
                 0);

        // The command line shows it too.
        const CliRun cli = webhookProblems(f.params);
        QVERIFY(cli.finished);
        const QString &printed = cli.printed;
        QCOMPARE(cli.exitCode, 0);
        QVERIFY2(printed.contains(QLatin1String("SET ASIDE")) &&
                     printed.contains(QLatin1String("wamid.FAR.1")),
                 qPrintable(printed));
    }

    // ---------------------------------------------------------------- every fixture message

    void fixtureMessages_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("wamid");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("mediaId");
        QTest::addColumn<QString>("contextId");
        QTest::addColumn<bool>("agentRequested");
        QTest::addColumn<bool>("byContext"); // lands on the old ticket our replied-to message belongs to

        const QString none;
        QTest::newRow("text agent request")
            << "text_agent_request" << sipho << "wamid.IN.0001"
            << "text"
            << "Agent I need help, the car is stuck between floors 3 and 4" << none << none << true << false;
        QTest::newRow("text plain") << "text_plain" << sipho << "wamid.IN.0002"
                                    << "text"
                                    << "Doors are closed, two passengers inside" << none << none << false
                                    << false;
        QTest::newRow("text unicode")
            << "text_unicode" << anna << "wamid.IN.0003"
            << "text"
            << QString::fromUtf8(
                   "Dankie! Ons is op pad \xE2\x80\x94 ETA 10 min \xF0\x9F\x9A\xA8 <b>not bold</b> & "
                   "'quotes'")
            << none << none << false << false;
        QTest::newRow("template quick reply")
            << "button_template_quick_reply" << sipho << "wamid.IN.0005"
            << "button"
            << "Entrapment" << none << "wamid.OUT.ALERT.0001" << false << true;
        QTest::newRow("AGENT quick reply")
            << "button_agent_quick_reply" << sipho << "wamid.IN.0006"
            << "button"
            << "Talk to an agent" << none << "wamid.OUT.ALERT.0001" << true << true;
        QTest::newRow("interactive button reply")
            << "interactive_button_reply" << sipho << "wamid.IN.0007"
            << "interactive"
            << "YES" << none << "wamid.OUT.FOLLOWUP.0001" << false << true;
        QTest::newRow("interactive list reply")
            << "interactive_list_reply" << sipho << "wamid.IN.0008"
            << "interactive"
            << "Floor 4 (Car stopped at floor 4)" << none << "wamid.OUT.LIST.0001" << false << true;
        QTest::newRow("image") << "image" << sipho << "wamid.IN.0009"
                               << "image"
                               << "[image] Controller error display"
                               << "900000000000001" << none << false << false;
        QTest::newRow("document") << "document" << sipho << "wamid.IN.0010"
                                  << "document"
                                  << "[document] Last service report (service-report.pdf)"
                                  << "900000000000002" << none << false << false;
        QTest::newRow("voice message") << "audio_voice" << sipho << "wamid.IN.0011"
                                       << "audio"
                                       << "[voice message]"
                                       << "900000000000003" << none << false << false;
        QTest::newRow("location") << "location" << sipho << "wamid.IN.0012"
                                  << "location"
                                  << "[location] James House, 12 Example Rd, Sandton, -26.1076, 28.0567"
                                  << none << none << false << false;
        QTest::newRow("sticker") << "sticker" << sipho << "wamid.IN.0104"
                                 << "image"
                                 << "[sticker]"
                                 << "900000000000011" << none << false << false;
        QTest::newRow("video") << "video" << sipho << "wamid.IN.0105"
                               << "video"
                               << "[video] Door operator noise on floor 4"
                               << "900000000000012" << none << false << false;
        QTest::newRow("contact card") << "contacts_card" << sipho << "wamid.IN.0103"
                                      << "contacts"
                                      << "[contact] Johan Pretorius, +27 82 000 0099 (Lift Controls SA)"
                                      << none << none << false << false;
        QTest::newRow("unsupported") << "unsupported" << sipho << "wamid.IN.0014"
                                     << "unsupported"
                                     << "[unsupported] poll" << none << none << false << false;
        QTest::newRow("text with user_id") << "text_with_bsuid" << sipho << "wamid.IN.0015"
                                           << "text"
                                           << "still here" << none << none << false << false;
    }

    void fixtureMessages()
    {
        QFETCH(QString, file);
        QFETCH(QString, from);
        QFETCH(QString, wamid);
        QFETCH(QString, kind);
        QFETCH(QString, text);
        QFETCH(QString, mediaId);
        QFETCH(QString, contextId);
        QFETCH(bool, agentRequested);
        QFETCH(bool, byContext);

        Fixture f;
        // An old open ticket whose messages (sent 30 hours ago, so no longer "recent") the technician
        // replies to, and a new open ticket on the same lift that takes everything else.
        const int old = f.openTicket(jamesHouse, 30 * 60);
        const int recent = f.openTicket(jamesHouse, 60);
        f.addOutbound(old, QStringLiteral("wamid.OUT.ALERT.0001"), QStringLiteral("read"), sipho, 30 * 60,
                      QStringLiteral("template"));
        f.addOutbound(old, QStringLiteral("wamid.OUT.FOLLOWUP.0001"), QStringLiteral("read"), sipho, 30 * 60,
                      QStringLiteral("interactive"));
        f.addOutbound(old, QStringLiteral("wamid.OUT.LIST.0001"), QStringLiteral("read"), sipho, 30 * 60,
                      QStringLiteral("interactive"));
        f.addOutbound(old, QStringLiteral("wamid.OUT.CHAT.0001"), QStringLiteral("read"), sipho, 30 * 60);
        const qint64 seqBefore = Events::latest(f.db);

        qint64 ts = 0;
        const QByteArray body = fixture(file, 30, &ts);
        DELIVER(f, body);
        const qint64 inbox = f.lastInboxId();
        const int ticket = byContext ? old : recent;
        const int otherTicket = byContext ? recent : old;

        // Stored once, on the right ticket, with every field.
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = 'inbound'")),
                 1);
        const QJsonObject m = f.message(wamid);
        QVERIFY2(!m.isEmpty(), "the message is not in chat_messages");
        QCOMPARE(m.value(QLatin1String("ticket_id")).toInt(), ticket);
        QCOMPARE(m.value(QLatin1String("direction")).toString(), QStringLiteral("inbound"));
        QCOMPARE(m.value(QLatin1String("from_number")).toString(), from);
        QCOMPARE(m.value(QLatin1String("kind")).toString(), kind);
        QCOMPARE(m.value(QLatin1String("message")).toString(), text);
        QCOMPARE(m.value(QLatin1String("status")).toString(), QStringLiteral("received"));
        QCOMPARE(m.value(QLatin1String("read_by_agent")), QJsonValue(false));
        QCOMPARE(m.value(QLatin1String("media_id")).toString(), mediaId);
        QCOMPARE(m.value(QLatin1String("media_id")).isNull(), mediaId.isEmpty());
        QCOMPARE(m.value(QLatin1String("context_wa_id")).toString(), contextId);
        QCOMPARE(m.value(QLatin1String("context_wa_id")).isNull(), contextId.isEmpty());
        QCOMPARE(m.value(QLatin1String("inbox_id")).toInteger(), inbox);
        QCOMPARE(m.value(QLatin1String("raw")).toObject(), TestServer::firstMessage(body));
        QCOMPARE(f.epoch(QStringLiteral("SELECT wa_timestamp FROM chat_messages WHERE wa_message_id = ?"),
                         {wamid}),
                 ts);
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbound_ids WHERE wa_message_id = ? AND "
                                   "inbox_id = ?"),
                    {wamid, inbox}),
            1);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_unassigned")), 0);
        QCOMPARE(f.inboundCount(otherTicket), 0);

        // As the console reads it.
        const HttpResult thread =
            f.http().get(QStringLiteral("/api/chat/%1/messages").arg(ticket), TestServer::admin());
        VERIFY_STATUS(thread, 200);
        QJsonObject api;
        for (const QJsonValue &v : thread.json.value(QLatin1String("messages")).toArray())
            if (v.toObject().value(QLatin1String("wa_message_id")).toString() == wamid)
                api = v.toObject();
        QVERIFY2(!api.isEmpty(), thread.body.constData());
        QCOMPARE(api.value(QLatin1String("message")).toString(), text);
        QCOMPARE(api.value(QLatin1String("kind")).toString(), kind);
        QCOMPARE(api.value(QLatin1String("wa_timestamp")).toString(), wireTime(ts));

        // The writer answers for the ticket, and their window runs from WhatsApp's time.
        QCOMPARE(f.ticket(ticket).value(QLatin1String("responded_by")).toString(), f.contactId(from));
        QCOMPARE(f.windowOf(from), ts);
        QCOMPARE(thread.json.value(QLatin1String("ticket"))
                     .toObject()
                     .value(QLatin1String("window_expires_at"))
                     .toString(),
                 wireTime(ts + 24 * 3600));

        // The agent request, or none.
        const QJsonObject t = f.ticket(ticket);
        QCOMPARE(t.value(QLatin1String("agent_requested")), QJsonValue(agentRequested));
        QCOMPARE(f.ticket(otherTicket).value(QLatin1String("agent_requested")), QJsonValue(false));
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM event_log WHERE event_type = 'agent_requested'")),
            agentRequested ? 1 : 0);
        const QList<Event> requested = f.events(QStringLiteral("agent.requested"));
        QCOMPARE(requested.size(), agentRequested ? 1 : 0);
        if (agentRequested) {
            QVERIFY(
                f.scalar(QStringLiteral("SELECT agent_requested_at BETWEEN now() - interval '1 minute' AND "
                                        "now() FROM tickets WHERE id = ?"),
                         {ticket})
                    .toBool());
            QCOMPARE(
                f.count(QStringLiteral("SELECT count(*) FROM event_log WHERE event_type = 'agent_requested' "
                                       "AND ticket_id = ? AND contact_id = ?::uuid AND metadata ->> "
                                       "'wa_message_id' = ?"),
                        {ticket, f.contactId(from), wamid}),
                1);
            const Event &e = requested.first();
            QCOMPARE(e.ticketId, ticket);
            QCOMPARE(sortedKeys(e.data),
                     (QStringList{QStringLiteral("agent_requested_at"), QStringLiteral("contact_name"),
                                  QStringLiteral("from_number"), QStringLiteral("lift_name"),
                                  QStringLiteral("text"), QStringLiteral("ticket_id"),
                                  QStringLiteral("ticket_reference"), QStringLiteral("unassigned_id")}));
            QCOMPARE(e.data.value(QLatin1String("ticket_id")).toInt(), ticket);
            QVERIFY(e.data.value(QLatin1String("unassigned_id")).isNull());
            QCOMPARE(e.data.value(QLatin1String("from_number")).toString(), from);
            QCOMPARE(e.data.value(QLatin1String("ticket_reference")).toString(),
                     QStringLiteral("JAMES-HOUSE-TKT%1").arg(ticket));
            QCOMPARE(e.data.value(QLatin1String("lift_name")).toString(),
                     QStringLiteral("Sandton Central - James House"));
            QCOMPARE(e.data.value(QLatin1String("contact_name")).toString(), QStringLiteral("Sipho Dlamini"));
            QCOMPARE(e.data.value(QLatin1String("text")).toString(), text);
            QCOMPARE(
                e.data.value(QLatin1String("agent_requested_at")).toString(),
                f.scalar(QStringLiteral("SELECT liftline_iso(agent_requested_at) FROM tickets WHERE id = ?"),
                         {ticket})
                    .toString());
        } else {
            QVERIFY(t.value(QLatin1String("agent_requested_at")).isNull());
        }
        // The consoles hear of the new message.
        QVERIFY(f.count(QStringLiteral("SELECT count(*) FROM chat_events WHERE event = 'message.created' AND "
                                       "ticket_id = ?"),
                        {ticket}) >= 1);
        EXPECT_EVENTS_NUMBERED(f);
        QVERIFY(Events::latest(f.db) > seqBefore);
    }

    void unknownSenderIsKept()
    {
        Fixture f;
        const int ticket =
            Seed::openTicket(f.db); // open, but not a lift the stranger has anything to do with
        qint64 ts = 0;
        const QByteArray body = fixture(QStringLiteral("text_unknown_sender"), 10, &ts);
        DELIVER(f, body);

        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages")), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_unassigned")), 1);
        const QJsonObject u = f.unassigned(QStringLiteral("wamid.IN.0004"));
        QCOMPARE(u.value(QLatin1String("from_number")).toString(), stranger);
        QCOMPARE(u.value(QLatin1String("profile_name")).toString(), QStringLiteral("Stranger"));
        QVERIFY(u.value(QLatin1String("user_id")).isNull());
        QCOMPARE(u.value(QLatin1String("message")).toString(),
                 QStringLiteral("hello, is this the lift hotline? I need an agent"));
        QCOMPARE(u.value(QLatin1String("kind")).toString(), QStringLiteral("text"));
        QVERIFY(u.value(QLatin1String("context_wa_id")).isNull());
        QVERIFY(u.value(QLatin1String("media_id")).isNull());
        QCOMPARE(u.value(QLatin1String("raw")).toObject(), TestServer::firstMessage(body));
        QCOMPARE(u.value(QLatin1String("inbox_id")).toInteger(), f.lastInboxId());
        QVERIFY(u.value(QLatin1String("attached_ticket_id")).isNull());
        QVERIFY(u.value(QLatin1String("attached_at")).isNull());
        QCOMPARE(f.epoch(QStringLiteral("SELECT wa_timestamp FROM chat_unassigned")), ts);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbound_ids WHERE wa_message_id = "
                                        "'wamid.IN.0004'")),
                 1);
        // Unknown numbers have a window too; no ticket is touched. The request is raised on the item, as
        // on a ticket: logged, and announced to every console with the item's id.
        QCOMPARE(f.windowOf(stranger), ts);
        QVERIFY(f.ticket(ticket).value(QLatin1String("responded_by")).isNull());
        QCOMPARE(f.ticket(ticket).value(QLatin1String("agent_requested")), QJsonValue(false));
        QCOMPARE(u.value(QLatin1String("agent_requested")), QJsonValue(true));
        QVERIFY(u.value(QLatin1String("acknowledged_at")).isNull());
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM event_log WHERE event_type = 'agent_requested' "
                                   "AND ticket_id IS NULL AND (metadata ->> 'unassigned_id')::bigint = ?"),
                    {u.value(QLatin1String("id")).toInteger()}),
            1);
        const QList<Event> requested = f.events(QStringLiteral("agent.requested"));
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().ticketId, 0);
        QCOMPARE(requested.first().data.value(QLatin1String("unassigned_id")).toInteger(),
                 u.value(QLatin1String("id")).toInteger());
        QVERIFY(requested.first().data.value(QLatin1String("ticket_id")).isNull());
        QCOMPARE(requested.first().data.value(QLatin1String("contact_name")).toString(),
                 QStringLiteral("Stranger"));
        QCOMPARE(requested.first().data.value(QLatin1String("from_number")).toString(), stranger);

        // Listed for agents, and announced to the consoles as that same item.
        const HttpResult list = f.http().get(QStringLiteral("/api/chat/unassigned"), TestServer::admin());
        VERIFY_STATUS(list, 200);
        const QJsonArray items = list.json.value(QLatin1String("unassigned")).toArray();
        QCOMPARE(items.size(), 1);
        const QJsonObject item = items.first().toObject();
        QCOMPARE(item.value(QLatin1String("id")).toInteger(), u.value(QLatin1String("id")).toInteger());
        QCOMPARE(item.value(QLatin1String("from_number")).toString(), stranger);
        QCOMPARE(item.value(QLatin1String("message")).toString(),
                 u.value(QLatin1String("message")).toString());
        QCOMPARE(item.value(QLatin1String("wa_timestamp")).toString(), wireTime(ts));
        const QList<Event> created = f.events(QStringLiteral("unassigned.created"));
        QCOMPARE(created.size(), 1);
        QCOMPARE(created.first().ticketId, 0);
        QCOMPARE(created.first().data.value(QLatin1String("id")).toInteger(),
                 u.value(QLatin1String("id")).toInteger());
        QCOMPARE(created.first().data.value(QLatin1String("from_number")).toString(), stranger);
        EXPECT_EVENTS_NUMBERED(f);
        // API.md: the event's data is "the unassigned item", as GET /api/chat/unassigned lists it.
        QCOMPARE(sortedKeys(created.first().data), sortedKeys(item));
        QCOMPARE(created.first().data, item);
    }

    void businessScopedUserIdIsKept()
    {
        Fixture f; // no ticket at all: the message is unassigned
        qint64 ts = 0;
        DELIVER(f, fixture(QStringLiteral("text_with_bsuid"), 0, &ts));
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages")), 0);
        const QJsonObject u = f.unassigned(QStringLiteral("wamid.IN.0015"));
        QVERIFY2(!u.isEmpty(), "not in chat_unassigned");
        QCOMPARE(u.value(QLatin1String("user_id")).toString(), QStringLiteral("ZA.1234567890123456"));
        QCOMPARE(u.value(QLatin1String("from_number")).toString(), sipho);
        QCOMPARE(u.value(QLatin1String("profile_name")).toString(), QStringLiteral("Sipho Dlamini"));
        QCOMPARE(u.value(QLatin1String("message")).toString(), QStringLiteral("still here"));
        QCOMPARE(f.windowOf(sipho), ts);
        const HttpResult list = f.http().get(QStringLiteral("/api/chat/unassigned"), TestServer::admin());
        VERIFY_STATUS(list, 200);
        QCOMPARE(list.json.value(QLatin1String("unassigned"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("user_id"))
                     .toString(),
                 QStringLiteral("ZA.1234567890123456"));
    }

    void batchHandlesEveryItem()
    {
        Fixture f;
        const int james = f.openTicket(jamesHouse, 120);
        const int marula = f.openTicket(marulaTower, 30); // Anna's newest open ticket
        f.addOutbound(james, QStringLiteral("wamid.OUT.CHAT.0001"), QStringLiteral("sent"), sipho, 5);
        qint64 newest = 0;
        const QByteArray body = fixture(QStringLiteral("batch_mixed"), 0, &newest);
        DELIVER(f, body);
        const qint64 inbox = f.lastInboxId();

        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbound_ids WHERE inbox_id = ?"), {inbox}),
            3);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = 'inbound'")),
                 3);
        QCOMPARE(f.message(QStringLiteral("wamid.IN.0101")).value(QLatin1String("ticket_id")).toInt(), james);
        QCOMPARE(f.message(QStringLiteral("wamid.IN.0101")).value(QLatin1String("message")).toString(),
                 QStringLiteral("first of a burst"));
        QCOMPARE(f.message(QStringLiteral("wamid.IN.0102")).value(QLatin1String("ticket_id")).toInt(), james);
        QCOMPARE(f.message(QStringLiteral("wamid.IN.0102")).value(QLatin1String("message")).toString(),
                 QStringLiteral("second of a burst"));
        QCOMPARE(f.message(QStringLiteral("wamid.IN.0103")).value(QLatin1String("ticket_id")).toInt(),
                 marula);
        QCOMPARE(f.message(QStringLiteral("wamid.IN.0103")).value(QLatin1String("from_number")).toString(),
                 anna);
        // "agent?" from Anna asks for an agent on her ticket only.
        QCOMPARE(f.ticket(marula).value(QLatin1String("agent_requested")), QJsonValue(true));
        QCOMPARE(f.ticket(james).value(QLatin1String("agent_requested")), QJsonValue(false));
        QCOMPARE(f.ticket(marula).value(QLatin1String("responded_by")).toString(), f.contactId(anna));
        QCOMPARE(f.ticket(james).value(QLatin1String("responded_by")).toString(), f.contactId(sipho));
        const QList<Event> requested = f.events(QStringLiteral("agent.requested"));
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().ticketId, marula);
        QCOMPARE(requested.first().data.value(QLatin1String("contact_name")).toString(),
                 QStringLiteral("Anna van Wyk"));
        QCOMPARE(requested.first().data.value(QLatin1String("lift_name")).toString(),
                 QStringLiteral("Sandton Central - Marula Tower"));
        // Both windows, each from its own message's time.
        QCOMPARE(f.windowOf(sipho), newest - 2);
        QCOMPARE(f.windowOf(anna), newest - 1);
        // And the status in the second entry's second change.
        QCOMPARE(f.status(QStringLiteral("wamid.OUT.CHAT.0001")), QStringLiteral("read"));
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM whatsapp_statuses WHERE wa_message_id = "
                                   "'wamid.OUT.CHAT.0001' AND status = 'read' AND applied_at IS NOT NULL")),
            1);
        EXPECT_EVENTS_NUMBERED(f);
    }

    void systemErrorBody()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        const QByteArray body = fixture(QStringLiteral("system_error"));
        DELIVER(f, body);
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbox WHERE processed_at IS NOT NULL")), 1);
        QCOMPARE(f.scalar(QStringLiteral("SELECT body FROM whatsapp_inbox")).toByteArray(), body);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages")), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_unassigned")), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbound_ids")), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_statuses")), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_windows")), 0);
        QCOMPARE(f.ticket(ticket).value(QLatin1String("agent_requested")), QJsonValue(false));
    }

    // ---------------------------------------------------------------- routing

    void routeByContextFirst()
    {
        Fixture f;
        const int alerted = f.openTicket(jamesHouse, 3 * 60);
        f.addOutbound(alerted, QStringLiteral("wamid.OUT.ALERT.0001"), QStringLiteral("delivered"), sipho,
                      3 * 60, QStringLiteral("template"));
        // A newer open ticket on the same lift, on which Sipho chatted five minutes ago.
        const int newer = f.openTicket(jamesHouse, 10);
        f.addInbound(newer, sipho, 5);

        // Without a context the latest chat decides.
        DELIVER(f, textMessage(sipho, QStringLiteral("wamid.IN.R1"), QStringLiteral("on my way"), 0));
        QCOMPARE(f.message(QStringLiteral("wamid.IN.R1")).value(QLatin1String("ticket_id")).toInt(), newer);

        // With one, the ticket of the message replied to, although the latest chat is on the newer ticket.
        DELIVER(f, fixture(QStringLiteral("button_template_quick_reply")));
        QCOMPARE(f.message(QStringLiteral("wamid.IN.0005")).value(QLatin1String("ticket_id")).toInt(),
                 alerted);
        QCOMPARE(f.inboundCount(newer), 2);

        // The original system's alerts count as well, where its ticket_messages table is on this database.
        const int hostAlerted = f.openTicket(blockC, 20 * 60); // a lift Sipho is not even linked to
        f.db.execOnce(
            QStringLiteral("CREATE TABLE ticket_messages (id serial PRIMARY KEY, ticket_id integer NOT "
                           "NULL, wa_message_id text)"));
        f.db.execOnce(QStringLiteral("INSERT INTO ticket_messages (ticket_id, wa_message_id) VALUES (?, "
                                     "'wamid.HOST.ALERT.0042')"),
                      {hostAlerted});
        QByteArray host = fixture(QStringLiteral("button_template_quick_reply"));
        host = replaced(host, "wamid.IN.0005", "wamid.IN.R2");
        host = replaced(host, "wamid.OUT.ALERT.0001", "wamid.HOST.ALERT.0042");
        DELIVER(f, host);
        QCOMPARE(f.message(QStringLiteral("wamid.IN.R2")).value(QLatin1String("ticket_id")).toInt(),
                 hostAlerted);

        // A context nobody knows falls through to the other rules.
        QByteArray unknown = fixture(QStringLiteral("button_template_quick_reply"));
        unknown = replaced(unknown, "wamid.IN.0005", "wamid.IN.R3");
        unknown = replaced(unknown, "wamid.OUT.ALERT.0001", "wamid.OUT.NOBODY.0001");
        DELIVER(f, unknown);
        QCOMPARE(f.message(QStringLiteral("wamid.IN.R3")).value(QLatin1String("ticket_id")).toInt(),
                 hostAlerted);
    }

    void routeByRecentChat()
    {
        Fixture f;
        const int old = f.openTicket(jamesHouse, 30 * 60); // outside the 6-hour routing window
        const int newer = f.openTicket(jamesHouse, 10);
        f.addInbound(old, sipho, 120);    // Sipho chatted on the old ticket two hours ago
        f.addInbound(old, anna, 25 * 60); // Anna last chatted there 25 hours ago: no longer counts
        f.addOutbound(old, QStringLiteral("wamid.OUT.TO.ANNA"), QStringLiteral("read"), anna, 25 * 60);

        DELIVER(f, textMessage(sipho, QStringLiteral("wamid.IN.S1"), QStringLiteral("still stuck"), 0));
        QCOMPARE(f.message(QStringLiteral("wamid.IN.S1")).value(QLatin1String("ticket_id")).toInt(), old);
        DELIVER(f, textMessage(anna, QStringLiteral("wamid.IN.A1"), QStringLiteral("I am on site"), 0));
        QCOMPARE(f.message(QStringLiteral("wamid.IN.A1")).value(QLatin1String("ticket_id")).toInt(), newer);

        // Our own message to the number counts as chatting too.
        const int marula = f.openTicket(marulaTower, 40 * 60);
        f.addOutbound(marula, QStringLiteral("wamid.OUT.TO.ANNA.2"), QStringLiteral("read"), anna, 1);
        DELIVER(f, textMessage(anna, QStringLiteral("wamid.IN.A2"), QStringLiteral("which lift?"), 0));
        QCOMPARE(f.message(QStringLiteral("wamid.IN.A2")).value(QLatin1String("ticket_id")).toInt(), marula);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_unassigned")), 0);
    }

    void routeToNewestOpenTicketOfLinkedLifts()
    {
        Fixture f;
        const int james = f.openTicket(jamesHouse, 120);  // Anna: building manager
        const int marula = f.openTicket(marulaTower, 60); // Anna: technician; the newest of her lifts
        const int closed = f.openTicket(jamesHouse, 5);
        f.closeTicket(closed);
        const int unrelated = f.openTicket(blockC, 1); // newest of all, but not Anna's lift
        DELIVER(f, textMessage(anna, QStringLiteral("wamid.IN.N1"), QStringLiteral("arrived"), 0));
        QCOMPARE(f.message(QStringLiteral("wamid.IN.N1")).value(QLatin1String("ticket_id")).toInt(), marula);
        QCOMPARE(f.inboundCount(james), 0);
        QCOMPARE(f.inboundCount(closed), 0);
        QCOMPARE(f.inboundCount(unrelated), 0);
        QCOMPARE(f.ticket(marula).value(QLatin1String("responded_by")).toString(), f.contactId(anna));
    }

    void openTicketOlderThanRoutingWindowStillTakesTheMessage()
    {
        // An entrapment can outlast the routing window: the open ticket of the technician's lift takes the
        // message whatever its age. The window only orders the candidates.
        Fixture f;
        const int stale = f.openTicket(jamesHouse, 9 * 60);        // Sipho's only lift, opened 9 h ago
        const int marula = f.openTicket(marulaTower, 5 * 60 + 50); // Anna's, 5 h 50 min ago
        DELIVER(f, textMessage(sipho, QStringLiteral("wamid.IN.U1"), QStringLiteral("anyone there?"), 0));
        QCOMPARE(f.message(QStringLiteral("wamid.IN.U1")).value(QLatin1String("ticket_id")).toInt(), stale);
        QCOMPARE(f.ticket(stale).value(QLatin1String("responded_by")).toString(), f.contactId(sipho));
        // Anna manages James House (the 9-hour ticket) and services Marula Tower: the newer one wins.
        DELIVER(f, textMessage(anna, QStringLiteral("wamid.IN.U2"), QStringLiteral("coming"), 0));
        QCOMPARE(f.message(QStringLiteral("wamid.IN.U2")).value(QLatin1String("ticket_id")).toInt(), marula);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_unassigned")), 0);
    }

    // The worst failure this product can have: a request after a resolve, routed to the closed ticket by
    // the chat of the last hour, alerts nobody (issue 11).
    void requestAfterResolveGoesToTheOpenTicket()
    {
        Fixture f;
        const int first = f.openTicket(jamesHouse, 120);
        f.addOutbound(first, QStringLiteral("wamid.OUT.FIRST.0001"), QStringLiteral("read"), sipho, 70);
        f.addInbound(first, sipho, 65);
        f.closeTicket(first);
        const int second = f.openTicket(jamesHouse, 2); // a new entrapment on the same lift

        DELIVER(f, textMessage(sipho, QStringLiteral("wamid.IN.AGAIN"),
                               QStringLiteral("Agent! stuck again, 3 people inside"), 0));
        QCOMPARE(f.message(QStringLiteral("wamid.IN.AGAIN")).value(QLatin1String("ticket_id")).toInt(),
                 second);
        QCOMPARE(f.ticket(second).value(QLatin1String("agent_requested")), QJsonValue(true));
        QCOMPARE(f.ticket(first).value(QLatin1String("agent_requested")), QJsonValue(false));
        const QList<Event> requested = f.events(QStringLiteral("agent.requested"));
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().ticketId, second);
        QCOMPARE(f.inboundCount(first), 1);

        // The list shows the request on the open ticket, first.
        const HttpResult list = f.http().get(QStringLiteral("/api/chat/conversations"), TestServer::admin());
        VERIFY_STATUS(list, 200);
        const QJsonObject top = list.json.value(QLatin1String("conversations")).toArray().first().toObject();
        QCOMPARE(top.value(QLatin1String("id")).toInt(), second);
        QCOMPARE(top.value(QLatin1String("agent_requested")), QJsonValue(true));
    }

    void replyToAnAlertOfAClosedTicket()
    {
        // The technician answers the alert of a ticket that was resolved meanwhile: the open one takes it.
        Fixture f;
        const int alerted = f.openTicket(jamesHouse, 3 * 60);
        f.addOutbound(alerted, QStringLiteral("wamid.OUT.ALERT.0001"), QStringLiteral("delivered"), sipho,
                      3 * 60, QStringLiteral("template"));
        f.closeTicket(alerted);
        const int open = f.openTicket(jamesHouse, 20 * 60); // older than the routing window, still open
        DELIVER(f, fixture(QStringLiteral("button_template_quick_reply")));
        QCOMPARE(f.message(QStringLiteral("wamid.IN.0005")).value(QLatin1String("ticket_id")).toInt(), open);
        QCOMPARE(f.inboundCount(alerted), 0);
    }

    void onlyAClosedTicketRaisesTheRequestUnassigned()
    {
        Fixture f;
        const int closed = f.openTicket(jamesHouse, 90);
        f.addInbound(closed, sipho, 30); // chatted half an hour ago
        f.closeTicket(closed);
        DELIVER(f, textMessage(sipho, QStringLiteral("wamid.IN.ALONE"),
                               QStringLiteral("agent please, the car dropped a floor"), 0));
        QCOMPARE(f.inboundCount(closed), 1);
        const QJsonObject u = f.unassigned(QStringLiteral("wamid.IN.ALONE"));
        QVERIFY2(!u.isEmpty(), "not kept as unassigned");
        QCOMPARE(u.value(QLatin1String("agent_requested")), QJsonValue(true));
        QVERIFY(!u.value(QLatin1String("agent_requested_at")).isNull());
        const QList<Event> requested = f.events(QStringLiteral("agent.requested"));
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().data.value(QLatin1String("unassigned_id")).toInteger(),
                 u.value(QLatin1String("id")).toInteger());
        // The registry knows Sipho: the alert names him.
        QCOMPARE(requested.first().data.value(QLatin1String("contact_name")).toString(),
                 QStringLiteral("Sipho Dlamini"));
        EXPECT_EVENTS_NUMBERED(f);

        // An agent takes it: every console stops alerting (unassigned.updated carries who took it).
        const QByteArray token = f.server->signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Nkosi"));
        const QString path = QStringLiteral("/api/chat/unassigned/%1/acknowledge")
                                 .arg(u.value(QLatin1String("id")).toInteger());
        const HttpResult ack = f.http().post(path, QByteArray(), {{"Authorization", "Bearer " + token}});
        VERIFY_STATUS(ack, 200);
        const QJsonObject item = ack.json.value(QLatin1String("unassigned")).toObject();
        QCOMPARE(item.value(QLatin1String("acknowledged_by")).toString(), QStringLiteral("Thandi Nkosi"));
        QVERIFY(!item.value(QLatin1String("acknowledged_at")).isNull());
        const QList<Event> updated = f.events(QStringLiteral("unassigned.updated"));
        QCOMPARE(updated.size(), 1);
        QCOMPARE(updated.first().data, item);
        // Twice is harmless; the first taker stays.
        VERIFY_STATUS(f.http().post(path, QByteArray(), TestServer::admin()), 200);
        QCOMPARE(
            f.unassigned(QStringLiteral("wamid.IN.ALONE")).value(QLatin1String("acknowledged_by")).toString(),
            QStringLiteral("Thandi Nkosi"));
        QCOMPARE(f.events(QStringLiteral("unassigned.updated")).size(), 1);
        QCOMPARE(f.count(QStringLiteral(
                     "SELECT count(*) FROM audit_log WHERE action = 'unassigned.acknowledged'")),
                 1);
    }

    void attachingCarriesTheRequestToTheTicket()
    {
        Fixture f;
        DELIVER(f, textMessage(stranger, QStringLiteral("wamid.IN.LOST"),
                               QStringLiteral("people trapped in lift 2, agent"), 0));
        const QJsonObject u = f.unassigned(QStringLiteral("wamid.IN.LOST"));
        const qint64 id = u.value(QLatin1String("id")).toInteger();
        const int ticket = f.openTicket(blockC, 3);
        const HttpResult attached = f.http().post(
            QStringLiteral("/api/chat/unassigned/%1/attach").arg(id),
            QJsonDocument(QJsonObject{{QStringLiteral("ticket_id"), ticket}}).toJson(), TestServer::admin());
        VERIFY_STATUS(attached, 200);
        const QJsonObject t = f.ticket(ticket);
        QCOMPARE(t.value(QLatin1String("agent_requested")), QJsonValue(true));
        QVERIFY(!t.value(QLatin1String("acknowledged_at")).isNull()); // attaching it was taking it
        QCOMPARE(f.scalar(QStringLiteral("SELECT agent_requested_at = (SELECT agent_requested_at FROM "
                                         "chat_unassigned WHERE id = ?) FROM tickets WHERE id = ?"),
                          {id, ticket})
                     .toBool(),
                 true);
        // Acknowledging after attaching is a conflict that says where the request went.
        const HttpResult late = f.http().post(QStringLiteral("/api/chat/unassigned/%1/acknowledge").arg(id),
                                              QByteArray(), TestServer::admin());
        VERIFY_ERROR(late, 409, "already_attached");
        // A message that asked for nobody has nothing to acknowledge. (The stranger's next message goes to
        // the ticket now; another unknown number writes.)
        DELIVER(f, textMessage(QStringLiteral("27829999998"), QStringLiteral("wamid.IN.PLAIN"),
                               QStringLiteral("hello?"), 0));
        const qint64 plain =
            f.unassigned(QStringLiteral("wamid.IN.PLAIN")).value(QLatin1String("id")).toInteger();
        VERIFY_ERROR(f.http().post(QStringLiteral("/api/chat/unassigned/%1/acknowledge").arg(plain),
                                   QByteArray(), TestServer::admin()),
                     409, "no_request");
    }

    void respondedBySetOnceByTheWriter()
    {
        Fixture f;
        const int ticket = f.openTicket(jamesHouse, 30);
        QVERIFY(f.ticket(ticket).value(QLatin1String("responded_by")).isNull());
        DELIVER(f, textMessage(sipho, QStringLiteral("wamid.IN.W1"), QStringLiteral("I have it"), 0));
        QCOMPARE(f.ticket(ticket).value(QLatin1String("responded_by")).toString(), f.contactId(sipho));
        // Anna writes on the same ticket (her newest open one): stored there, but Sipho stays the one replied
        // to.
        DELIVER(f, textMessage(anna, QStringLiteral("wamid.IN.W2"), QStringLiteral("me too"), 0));
        QCOMPARE(f.message(QStringLiteral("wamid.IN.W2")).value(QLatin1String("ticket_id")).toInt(), ticket);
        QCOMPARE(f.ticket(ticket).value(QLatin1String("responded_by")).toString(), f.contactId(sipho));
        const HttpResult list = f.http().get(QStringLiteral("/api/chat/conversations"), TestServer::admin());
        VERIFY_STATUS(list, 200);
        const QJsonObject c = list.json.value(QLatin1String("conversations")).toArray().first().toObject();
        QCOMPARE(c.value(QLatin1String("contact_phone")).toString(), sipho);
        QCOMPARE(c.value(QLatin1String("contact_name")).toString(), QStringLiteral("Sipho Dlamini"));
    }

    // ---------------------------------------------------------------- exactly once

    void duplicateSequential()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        const QByteArray body = fixture(QStringLiteral("text_agent_request"));
        DELIVER(f, body);
        const qint64 first = f.lastInboxId();
        DELIVER(f, body);
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbox WHERE processed_at IS NOT NULL")), 2);
        QCOMPARE(f.count(QStringLiteral(
                     "SELECT count(*) FROM chat_messages WHERE wa_message_id = 'wamid.IN.0001'")),
                 1);
        QCOMPARE(f.inboundCount(ticket), 1);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbound_ids")), 1);
        QCOMPARE(f.scalar(QStringLiteral("SELECT inbox_id FROM whatsapp_inbound_ids")).toLongLong(), first);
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM event_log WHERE event_type = 'agent_requested'")),
            1);
        QCOMPARE(f.events(QStringLiteral("agent.requested")).size(), 1);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_events WHERE event = 'message.created'")),
                 1);
    }

    void duplicateConcurrent()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        const QString problems =
            f.postAllAtOnce(QList<QByteArray>(8, fixture(QStringLiteral("text_agent_request"))));
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        WAIT_PROCESSED(f);
        QCOMPARE(f.inboxErrors(), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbox")), 8);
        QCOMPARE(f.count(QStringLiteral(
                     "SELECT count(*) FROM chat_messages WHERE wa_message_id = 'wamid.IN.0001'")),
                 1);
        QCOMPARE(f.inboundCount(ticket), 1);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbound_ids")), 1);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_unassigned")), 0);
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM event_log WHERE event_type = 'agent_requested'")),
            1);
        QCOMPARE(f.events(QStringLiteral("agent.requested")).size(), 1);
        EXPECT_EVENTS_NUMBERED(f);
    }

    // The 200 means stored and processed: what a sender was told is already in the conversation, so no
    // backlog can grow behind the answers. A burst is written in batches; one body in it with an item
    // PostgreSQL refuses sends its batch the slow way (one by one, where that item alone is set aside),
    // and every other message of the burst is still stored, once.
    void answeredMeansStoredAlsoInABurst()
    {
        Fixture f;
        const int james = f.openTicket(jamesHouse, 30);
        const int marula = f.openTicket(marulaTower, 20);

        DELIVER(f, textMessage(sipho, QStringLiteral("wamid.ONE"), QStringLiteral("alone"), 0));
        const HttpResult single =
            f.postSigned(textMessage(sipho, QStringLiteral("wamid.TWO"), QStringLiteral("answered"), 0));
        VERIFY_STATUS(single, 200);
        // No wait: stored before the answer.
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE wa_message_id = 'wamid.TWO'")),
            1);
        QCOMPARE(f.unprocessed(), 0);

        constexpr int perSender = 12;
        QList<QByteArray> bodies;
        for (int i = 0; i < perSender; ++i) {
            for (const QString &from : {sipho, anna}) {
                QByteArray body = textMessage(from, QStringLiteral("wamid.BURST.%1.%2").arg(from).arg(i),
                                              QStringLiteral("burst %1").arg(i), 0);
                if (from == anna && i == 5) // three million years away: PostgreSQL refuses the timestamp
                    body = replaced(body, "\"timestamp\":\"", "\"timestamp\":\"99999999999999\",\"was\":\"");
                bodies << body;
            }
        }
        const QString problems = f.postAllAtOnce(bodies);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        // Everything answered is stored: no wait here either.
        QCOMPARE(f.unprocessed(), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbox")), 2 + 2 * perSender);
        QCOMPARE(f.inboundCount(james), 2 + perSender);
        QCOMPARE(f.inboundCount(marula), perSender - 1);
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbox_items WHERE outcome = 'set_aside' "
                                   "AND wa_message_id = ?"),
                    {QStringLiteral("wamid.BURST.%1.5").arg(anna)}),
            1);
        QCOMPARE(f.inboxErrors(), 1);
        // Once each.
        for (const auto &[ticket, count] :
             {std::pair{james, 2 + perSender}, std::pair{marula, perSender - 1}}) {
            QSqlQuery q =
                f.db.execOnce(QStringLiteral("SELECT message FROM chat_messages WHERE ticket_id = ? "
                                             "AND direction = 'inbound' ORDER BY id"),
                              {ticket});
            QStringList order;
            while (q.next())
                order << q.value(0).toString();
            QCOMPARE(order.size(), count);
            QCOMPARE(QSet<QString>(order.cbegin(), order.cend()).size(), count);
        }
        EXPECT_EVENTS_NUMBERED(f);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_events WHERE event = 'message.created'")),
                 2 + 2 * perSender - 1);
    }

    // ---------------------------------------------------------------- the 24-hour window

    void windowFromWhatsAppTimestamp()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        qint64 ts = 0;
        DELIVER(f, textMessage(sipho, QStringLiteral("wamid.IN.T1"), QStringLiteral("hello"), 3600, &ts));
        QVERIFY(qAbs(f.epoch(QStringLiteral("now()")) - 3600 - ts) <= 2); // an hour old
        QCOMPARE(f.windowOf(sipho), ts); // WhatsApp's time, not the receipt time

        const HttpResult list = f.http().get(QStringLiteral("/api/chat/conversations"), TestServer::admin());
        VERIFY_STATUS(list, 200);
        QCOMPARE(list.json.value(QLatin1String("conversations"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("window_expires_at"))
                     .toString(),
                 wireTime(ts + 24 * 3600));
        const HttpResult thread =
            f.http().get(QStringLiteral("/api/chat/%1/messages").arg(ticket), TestServer::admin());
        VERIFY_STATUS(thread, 200);
        QCOMPARE(thread.json.value(QLatin1String("ticket"))
                     .toObject()
                     .value(QLatin1String("window_expires_at"))
                     .toString(),
                 wireTime(ts + 24 * 3600));

        // An older message arriving late never moves the window back.
        DELIVER(f, textMessage(sipho, QStringLiteral("wamid.IN.T0"), QStringLiteral("sent earlier"), 7200));
        QCOMPARE(f.windowOf(sipho), ts);
        QCOMPARE(f.inboundCount(ticket), 2);

        // The agent can answer inside the window.
        const HttpResult sent = f.http().postJson(
            QStringLiteral("/api/chat/%1/send").arg(ticket),
            {{QStringLiteral("message"), QStringLiteral("Help is coming")}}, TestServer::admin());
        VERIFY_STATUS(sent, 200);
        QCOMPARE(sent.json.value(QLatin1String("chat_message"))
                     .toObject()
                     .value(QLatin1String("to_number"))
                     .toString(),
                 sipho);
        QCOMPARE(sent.json.value(QLatin1String("chat_message"))
                     .toObject()
                     .value(QLatin1String("status"))
                     .toString(),
                 QStringLiteral("sent"));
        // Our own messages never renew it; a newer inbound one does.
        QCOMPARE(f.windowOf(sipho), ts);
        qint64 later = 0;
        DELIVER(f, textMessage(sipho, QStringLiteral("wamid.IN.T2"), QStringLiteral("thanks"), 60, &later));
        QCOMPARE(f.windowOf(sipho), later);
        QVERIFY(later > ts);
    }

    void windowClosedAfter24Hours()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        qint64 ts = 0;
        DELIVER(f,
                textMessage(sipho, QStringLiteral("wamid.IN.OLD"), QStringLiteral("hello?"), 25 * 3600, &ts));
        QCOMPARE(f.message(QStringLiteral("wamid.IN.OLD")).value(QLatin1String("ticket_id")).toInt(), ticket);
        QCOMPARE(f.ticket(ticket).value(QLatin1String("responded_by")).toString(), f.contactId(sipho));
        QCOMPARE(f.windowOf(sipho), ts);
        const HttpResult thread =
            f.http().get(QStringLiteral("/api/chat/%1/messages").arg(ticket), TestServer::admin());
        QCOMPARE(thread.json.value(QLatin1String("ticket"))
                     .toObject()
                     .value(QLatin1String("window_expires_at"))
                     .toString(),
                 wireTime(ts + 24 * 3600));

        VERIFY_ERROR(f.http().postJson(QStringLiteral("/api/chat/%1/send").arg(ticket),
                                       {{QStringLiteral("message"), QStringLiteral("Help is coming")}},
                                       TestServer::admin()),
                     409, "window_closed");
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = 'outbound'")),
                 0);
        QCOMPARE(f.server->app().sandbox()->sent().size(), 0);
    }

    // ---------------------------------------------------------------- the keyword rule

    void agentKeyword_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("requested");
        QTest::newRow("agents") << "agents" << true;
        QTest::newRow("Agent?") << "Agent?" << true;
        QTest::newRow("AGENT!") << "AGENT!" << true;
        QTest::newRow("I need an agent.") << "I need an agent." << true;
        QTest::newRow("reagent") << "reagent" << false;
        QTest::newRow("management") << "management" << false;
        QTest::newRow("agentur") << "agentur" << false;
    }

    void agentKeyword()
    {
        QFETCH(QString, text);
        QFETCH(bool, requested);
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        DELIVER(f, textMessage(sipho, QStringLiteral("wamid.IN.K1"), text, 0));
        QCOMPARE(f.message(QStringLiteral("wamid.IN.K1")).value(QLatin1String("message")).toString(), text);
        QCOMPARE(f.ticket(ticket).value(QLatin1String("agent_requested")), QJsonValue(requested));
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM event_log WHERE event_type = 'agent_requested'")),
            requested ? 1 : 0);
        QCOMPARE(f.events(QStringLiteral("agent.requested")).size(), requested ? 1 : 0);
    }

    void newRequestClearsAcknowledgement()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        DELIVER(f, fixture(QStringLiteral("text_agent_request"), 120));
        QCOMPARE(f.ticket(ticket).value(QLatin1String("agent_requested")), QJsonValue(true));
        const QByteArray alice = f.server->signIn(QStringLiteral("alice"), QStringLiteral("Alice Agent"));
        VERIFY_STATUS(f.http().post(QStringLiteral("/api/chat/%1/acknowledge").arg(ticket), {},
                                    HttpClient::bearer(alice)),
                      200);
        QCOMPARE(f.ticket(ticket).value(QLatin1String("acknowledged_by")).toString(),
                 QStringLiteral("Alice Agent"));
        QVERIFY(!f.ticket(ticket).value(QLatin1String("acknowledged_at")).isNull());
        f.db.execOnce(
            QStringLiteral("UPDATE tickets SET agent_requested_at = agent_requested_at - interval '10 "
                           "minutes' WHERE id = ?"),
            {ticket});
        const qint64 firstRequest =
            f.epoch(QStringLiteral("SELECT agent_requested_at FROM tickets WHERE id = ?"), {ticket});

        // A plain message leaves the acknowledgement alone.
        DELIVER(f,
                textMessage(sipho, QStringLiteral("wamid.IN.P1"), QStringLiteral("doors opened a bit"), 60));
        QCOMPARE(f.ticket(ticket).value(QLatin1String("acknowledged_by")).toString(),
                 QStringLiteral("Alice Agent"));

        // A new request (here by button) alerts every console again.
        DELIVER(f, fixture(QStringLiteral("button_agent_quick_reply")));
        const QJsonObject t = f.ticket(ticket);
        QCOMPARE(t.value(QLatin1String("agent_requested")), QJsonValue(true));
        QVERIFY(t.value(QLatin1String("acknowledged_at")).isNull());
        QVERIFY(t.value(QLatin1String("acknowledged_by")).isNull());
        QVERIFY(f.epoch(QStringLiteral("SELECT agent_requested_at FROM tickets WHERE id = ?"), {ticket}) >
                firstRequest);
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM event_log WHERE event_type = 'agent_requested'")),
            2);
        QCOMPARE(f.events(QStringLiteral("agent.requested")).size(), 2);
        const HttpResult list = f.http().get(QStringLiteral("/api/chat/conversations"), TestServer::admin());
        const QJsonObject c = list.json.value(QLatin1String("conversations")).toArray().first().toObject();
        QVERIFY(c.value(QLatin1String("acknowledged_at")).isNull());
        QCOMPARE(c.value(QLatin1String("agent_requested")), QJsonValue(true));
    }

    // ---------------------------------------------------------------- edits and deletions before their
    // message

    // WhatsApp may deliver an edit or a deletion before the message it changes. It is kept as a change only
    // (nothing shows on its own), and the message shows edited or deleted from its first announcement:
    // once, on the message, the conversation list's preview included.
    void changeBeforeItsMessageShowsOnceOnIt()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        const QString edited = QStringLiteral("Correction: the car is stuck between floors 4 and 5");
        DELIVER(f, fixture(QStringLiteral("edit_text")));
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages")), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_unassigned")), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_message_changes WHERE wa_message_id = "
                                        "'wamid.IN.0101' AND target_wa_id = 'wamid.IN.0002'")),
                 1);
        QCOMPARE(f.events(QStringLiteral("message.created")).size(), 0);
        QCOMPARE(f.events(QStringLiteral("unassigned.created")).size(), 0);

        // The original arrives: one message, edited, announced as such.
        DELIVER(f, fixture(QStringLiteral("text_plain"), 30));
        QCOMPARE(f.inboundCount(ticket), 1);
        const qint64 id = f.message(QStringLiteral("wamid.IN.0002")).value(QLatin1String("id")).toInteger();
        QList<QJsonObject> announced = f.created(QStringLiteral("wamid.IN.0002"));
        QCOMPARE(announced.size(), 1);
        QCOMPARE(announced.first().value(QLatin1String("message")).toString(), edited);
        QCOMPARE(announced.first().value(QLatin1String("edits")).toInt(), 1);
        const auto preview = [&] {
            return f
                .scalar(QStringLiteral(
                            "SELECT last_message_preview FROM chat_ticket_summary WHERE ticket_id = ?"),
                        {ticket})
                .toString();
        };
        const auto conversationPreview = [&] {
            const QList<Event> updated = f.events(QStringLiteral("conversation.updated"));
            return updated.isEmpty()
                       ? QString()
                       : updated.last().data.value(QLatin1String("last_message_preview")).toString();
        };
        QCOMPARE(preview(), edited);
        QCOMPARE(conversationPreview(), edited);
        const HttpResult thread =
            f.http().get(QStringLiteral("/api/chat/%1/messages").arg(ticket), TestServer::admin());
        VERIFY_STATUS(thread, 200);
        const QJsonArray messages = thread.json.value(QLatin1String("messages")).toArray();
        QCOMPARE(messages.size(), 1);
        QCOMPARE(messages.first().toObject().value(QLatin1String("message")).toString(), edited);
        QCOMPARE(messages.first().toObject().value(QLatin1String("edits")).toInt(), 1);
        // The admin's record holds the change, on the message.
        const HttpResult history =
            f.http().get(QStringLiteral("/api/chat/messages/%1/history").arg(id), TestServer::admin());
        VERIFY_STATUS(history, 200);
        const QJsonArray changes =
            history.json.value(QLatin1String("history")).toObject().value(QLatin1String("changes")).toArray();
        QCOMPARE(changes.size(), 1);
        QVERIFY(changes.first().toObject().value(QLatin1String("applies")).toBool());

        // A deletion first, then its message: deleted from the start.
        DELIVER(f, replaced(replaced(fixture(QStringLiteral("revoke")), "wamid.IN.0102", "wamid.IN.0302"),
                            "wamid.IN.0002", "wamid.IN.0301"));
        QCOMPARE(f.inboundCount(ticket), 1);
        DELIVER(f,
                textMessage(sipho, QStringLiteral("wamid.IN.0301"), QStringLiteral("wrong lift, sorry"), 10));
        QCOMPARE(f.inboundCount(ticket), 2);
        announced = f.created(QStringLiteral("wamid.IN.0301"));
        QCOMPARE(announced.size(), 1);
        QCOMPARE(announced.first().value(QLatin1String("message")).toString(), QString());
        QVERIFY(!announced.first().value(QLatin1String("revoked_at")).isNull());
        QCOMPARE(preview(), QStringLiteral("[deleted by the sender]"));
        QCOMPARE(conversationPreview(), QStringLiteral("[deleted by the sender]"));
        // A recount (a move, a bulk load) gives the same preview.
        f.db.execOnce(QStringLiteral("SELECT chat_refresh_summary(?)"), {ticket});
        QCOMPARE(preview(), QStringLiteral("[deleted by the sender]"));

        // A number with no ticket: the item is listed edited from the start.
        DELIVER(f, replaced(replaced(replaced(replaced(fixture(QStringLiteral("edit_text")), "wamid.IN.0101",
                                                       "wamid.IN.0402"),
                                              "wamid.IN.0002", "wamid.IN.0401"),
                                     "\"from\":\"27820000001\"", "\"from\":\"" + stranger.toUtf8() + '"'),
                            "\"wa_id\":\"27820000001\"", "\"wa_id\":\"" + stranger.toUtf8() + '"'));
        DELIVER(f, textMessage(stranger, QStringLiteral("wamid.IN.0401"), QStringLiteral("hello?"), 10));
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_unassigned")), 1);
        const QList<Event> items = f.events(QStringLiteral("unassigned.created"));
        QCOMPARE(items.size(), 1);
        QCOMPARE(items.first().data.value(QLatin1String("message")).toString(), edited);
        QCOMPARE(items.first().data.value(QLatin1String("edits")).toInt(), 1);
        EXPECT_EVENTS_NUMBERED(f);
    }

    // A reaction WhatsApp delivers before the message it names: the server cannot know whether that
    // message will ever come (a reaction to a message sent before the upgrade, or by another system, never
    // does), so the reaction is shown as a message of its own, as before. When its message does arrive,
    // the reaction is not shown on it as well: once, not twice. The same for a number with no ticket.
    void reactionBeforeItsMessageShowsOnce()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        const QString thumbsUp = QString::fromUtf8("\xF0\x9F\x91\x8D");
        const auto reaction = [](const QByteArray &id, const QByteArray &target, qint64 secondsAgo) {
            return replaced(replaced(fixture(QStringLiteral("reaction"), secondsAgo), "wamid.IN.0013", id),
                            "wamid.OUT.CHAT.0001", target);
        };

        DELIVER(f, reaction("wamid.IN.0013", "wamid.IN.0002", 10));
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE message = ?"),
                         {QStringLiteral("[reaction] ") + thumbsUp}),
                 1);

        // The message arrives: no reaction on it, the agent saw it already.
        DELIVER(f, fixture(QStringLiteral("text_plain"), 30));
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages")), 2);
        const QList<QJsonObject> announced = f.created(QStringLiteral("wamid.IN.0002"));
        QCOMPARE(announced.size(), 1);
        QCOMPARE(announced.first().value(QLatin1String("reactions")).toArray().size(), 0);
        const HttpResult thread =
            f.http().get(QStringLiteral("/api/chat/%1/messages").arg(ticket), TestServer::admin());
        VERIFY_STATUS(thread, 200);
        const QJsonArray messages = thread.json.value(QLatin1String("messages")).toArray();
        QCOMPARE(messages.size(), 2);
        int shownOnMessages = 0;
        for (const QJsonValue &m : messages)
            shownOnMessages += int(m.toObject().value(QLatin1String("reactions")).toArray().size());
        QCOMPARE(shownOnMessages, 0);

        // A reaction that comes after its message is shown on it, as always.
        DELIVER(f, reaction("wamid.IN.0014", "wamid.IN.0002", 5));
        const HttpResult after =
            f.http().get(QStringLiteral("/api/chat/%1/messages").arg(ticket), TestServer::admin());
        VERIFY_STATUS(after, 200);
        const QJsonArray now = after.json.value(QLatin1String("messages")).toArray();
        QCOMPARE(now.size(), 2);
        QJsonArray reactions;
        for (const QJsonValue &m : now)
            if (m.toObject().value(QLatin1String("wa_message_id")).toString() ==
                QLatin1String("wamid.IN.0002"))
                reactions = m.toObject().value(QLatin1String("reactions")).toArray();
        QCOMPARE(reactions.size(), 1);
        QCOMPARE(reactions.first().toObject().value(QLatin1String("emoji")).toString(), thumbsUp);

        // A number with no ticket: the early reaction is an item of its own, and not on the message.
        QByteArray strangers = reaction("wamid.IN.0602", "wamid.IN.0601", 10);
        strangers = replaced(strangers, "\"from\":\"27820000001\"", "\"from\":\"" + stranger.toUtf8() + '"');
        strangers =
            replaced(strangers, "\"wa_id\":\"27820000001\"", "\"wa_id\":\"" + stranger.toUtf8() + '"');
        DELIVER(f, strangers);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_unassigned")), 1);
        DELIVER(f, textMessage(stranger, QStringLiteral("wamid.IN.0601"), QStringLiteral("hello?"), 20));
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_unassigned")), 2);
        bool found = false;
        for (const Event &e : f.events(QStringLiteral("unassigned.created")))
            if (e.data.value(QLatin1String("message")).toString() == QLatin1String("hello?")) {
                found = true;
                QCOMPARE(e.data.value(QLatin1String("reactions")).toArray().size(), 0);
            }
        QVERIFY(found);
        EXPECT_EVENTS_NUMBERED(f);
    }

    // A thread is written by the server from the message's columns (ChatStore::messages), an event by
    // PostgreSQL's to_json (chat_message_to_json): byte for byte the same, for every kind of message with
    // its edit, reaction, deletion, file, place, card and failure, and for text that needs escaping. Whole
    // and page by page.
    void threadIsWrittenAsTheEventsWriteIt()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        DELIVER(f, fixture(QStringLiteral("text_plain"), 60));
        for (const char *name : {"image", "audio_voice", "location", "contacts_card", "unsupported"})
            DELIVER(f, fixture(QString::fromLatin1(name), 50));
        const QString awkward =
            QString::fromUtf8("\"quoted\" back\\slash\nnew line\ttab\rreturn\bbackspace\fform feed \x07 bell "
                              "\x1f unit \x7f del \xE2\x80\xA8 "
                              "separator \xF0\x9F\x9A\xA8 <b>&amp;</b> caf\xC3\xA9 /slash");
        DELIVER(f, textMessage(sipho, QStringLiteral("wamid.IN.AWKWARD"), awkward, 40));
        DELIVER(f, textMessage(sipho, QStringLiteral("wamid.IN.GONE"), QStringLiteral("wrong lift"), 35));
        DELIVER(f, fixture(QStringLiteral("edit_text"), 30));
        DELIVER(f, replaced(fixture(QStringLiteral("reaction"), 20), "wamid.OUT.CHAT.0001", "wamid.IN.0002"));
        DELIVER(f, replaced(fixture(QStringLiteral("revoke"), 10), "wamid.IN.0002", "wamid.IN.GONE"));
        f.addOutbound(ticket, QStringLiteral("wamid.OUT.CHAT.0002"), QStringLiteral("sent"), anna);
        DELIVER(f, fixture(QStringLiteral("status_failed_131047")));
        f.addOutbound(ticket, QVariant(), QStringLiteral("pending"));

        const auto expected = [&](qint64 before, int limit) {
            return f
                .scalar(QStringLiteral("SELECT '[' || coalesce(string_agg(j, ',' ORDER BY id), '') || ']' "
                                       "FROM (SELECT m.id, chat_message_to_json(m)::text AS j FROM "
                                       "chat_messages m WHERE m.ticket_id = ? AND m.id < ? "
                                       "ORDER BY m.id DESC LIMIT ?) p"),
                        {ticket, before, limit})
                .toString()
                .toUtf8();
        };
        const auto messagesOf = [](const HttpResult &thread, qsizetype size) {
            const qsizetype at = thread.body.indexOf("\"messages\":");
            return at < 0 ? QByteArray() : thread.body.mid(at + 11, size);
        };
        const qint64 none = std::numeric_limits<qint64>::max();
        const QByteArray all = expected(none, 1000);
        // What the comparison covers, so that it cannot pass on plain text alone.
        const QJsonArray parsed = QJsonDocument::fromJson(all).array();
        QCOMPARE(parsed.size(), 10);
        QStringList seen;
        for (const QJsonValue &v : parsed) {
            const QJsonObject m = v.toObject();
            const auto has = [&](const char *key) {
                const QJsonValue value = m.value(QLatin1String(key));
                return !value.isNull() && !(value.isArray() && value.toArray().isEmpty());
            };
            for (const char *key : {"media", "location", "contacts", "error", "edited_at", "revoked_at",
                                    "reactions", "agent_name", "wa_timestamp"})
                if (has(key))
                    seen << QString::fromLatin1(key);
            if (m.value(QLatin1String("message")).toString() == awkward)
                seen << QStringLiteral("awkward");
            if (m.value(QLatin1String("wa_message_id")).isNull())
                seen << QStringLiteral("pending");
        }
        for (const char *key : {"media", "location", "contacts", "error", "edited_at", "revoked_at",
                                "reactions", "agent_name", "wa_timestamp", "awkward", "pending"})
            QVERIFY2(seen.contains(QString::fromLatin1(key)), key);

        const HttpResult whole =
            f.http().get(QStringLiteral("/api/chat/%1/messages").arg(ticket), TestServer::admin());
        VERIFY_STATUS(whole, 200);
        QCOMPARE(messagesOf(whole, all.size() + 1), all + ',');

        // The console's pages, newest first, three at a time.
        qint64 before = 0;
        int pages = 0;
        for (bool more = true; more; ++pages) {
            const HttpResult page =
                f.http().get(QStringLiteral("/api/chat/%1/messages?limit=3%2")
                                 .arg(ticket)
                                 .arg(before > 0 ? QStringLiteral("&before=%1").arg(before) : QString()),
                             TestServer::admin());
            VERIFY_STATUS(page, 200);
            const QByteArray wanted = expected(before > 0 ? before : none, 3);
            QCOMPARE(messagesOf(page, wanted.size() + 1), wanted + ',');
            const QJsonArray shown = page.json.value(QLatin1String("messages")).toArray();
            QVERIFY(!shown.isEmpty());
            before = shown.first().toObject().value(QLatin1String("id")).toInteger();
            more = page.json.value(QLatin1String("has_more")).toBool();
            QCOMPARE(more, pages < 3);
        }
        QCOMPARE(pages, 4);
    }

    // The message and its edit stored at the same moment by two transactions: whichever commits first, the
    // other sees it, so the message is announced edited (by its own arrival, or by the edit).
    void changeRacingItsMessageIsNotLost_data()
    {
        QTest::addColumn<bool>("editFirst");
        QTest::newRow("edit first") << true;
        QTest::newRow("message first") << false;
    }

    void changeRacingItsMessageIsNotLost()
    {
        QFETCH(bool, editFirst);
        Fixture f(TestServer::defaultConfig(), false);
        const int ticket = Seed::openTicket(f.db);
        const auto receive = [](Db &db, const QString &wamid, const QString &kind, const QString &text,
                                const QVariant &context, const QString &raw) {
            db.exec(QStringLiteral("SELECT whatsapp_receive(NULL, ?, '27820000001', 'Sipho', NULL, ?, ?, "
                                   "now(), ?, NULL, ?::jsonb, false, 6)"),
                    {wamid, text, kind, context, raw})
                .finish();
        };
        const std::function<void(Db &)> original = [&](Db &db) {
            receive(db, QStringLiteral("wamid.RACE.1"), QStringLiteral("text"), QStringLiteral("first words"),
                    nullText, QStringLiteral("{}"));
        };
        const std::function<void(Db &)> edit = [&](Db &db) {
            receive(db, QStringLiteral("wamid.RACE.2"), QStringLiteral("edit"),
                    QStringLiteral("second words"), QStringLiteral("wamid.RACE.1"),
                    QStringLiteral(R"({"edit": {"message": {"type": "text"}}})"));
        };
        Db first(f.params, QStringLiteral("first"));
        first.begin();
        (editFirst ? edit : original)(first);
        // The other one, while the first is not committed yet.
        QString failure;
        std::thread other([&] {
            try {
                Db second(f.params, QStringLiteral("second"));
                (editFirst ? original : edit)(second);
            } catch (const DbError &e) {
                failure = e.message();
            }
        });
        // It waits for the first (or, before the fix, does not wait at all): give it the time to get there.
        QTest::qWait(1000);
        first.commit();
        other.join();
        QVERIFY2(failure.isEmpty(), qPrintable(failure));

        QCOMPARE(f.inboundCount(ticket), 1);
        QString shown;
        for (const QString &event : {QStringLiteral("message.created"), QStringLiteral("message.updated")})
            for (const Event &e : f.events(event))
                if (e.data.value(QLatin1String("wa_message_id")).toString() == QLatin1String("wamid.RACE.1"))
                    shown = e.data.value(QLatin1String("message")).toString();
        QCOMPARE(shown, QStringLiteral("second words"));
        QCOMPARE(f.scalar(QStringLiteral("SELECT last_message_preview FROM chat_ticket_summary WHERE "
                                         "ticket_id = ?"),
                          {ticket})
                     .toString(),
                 QStringLiteral("second words"));
    }

    // An edit or deletion whose message never arrives (sent before this server, or lost) shows to no agent;
    // it stays in chat_message_changes, and admins see it among the webhook problems.
    void changeWhoseMessageNeverArrivesIsListedForAdmins()
    {
        Fixture f;
        Seed::openTicket(f.db);
        DELIVER(f, replaced(fixture(QStringLiteral("edit_text")), "wamid.IN.0002", "wamid.IN.UNKNOWN"));
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages")), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_unassigned")), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_message_changes")), 1);

        const QJsonObject problems = QJsonDocument::fromJson(InboundProcessor::problems(f.db, 10)).object();
        const QJsonArray unmatched = problems.value(QLatin1String("unmatched_changes")).toArray();
        QCOMPARE(unmatched.size(), 1);
        const QJsonObject c = unmatched.first().toObject();
        QCOMPARE(c.value(QLatin1String("wa_message_id")).toString(), QStringLiteral("wamid.IN.0101"));
        QCOMPARE(c.value(QLatin1String("target_wa_id")).toString(), QStringLiteral("wamid.IN.UNKNOWN"));
        QCOMPARE(c.value(QLatin1String("change")).toString(), QStringLiteral("edit"));
        QCOMPARE(c.value(QLatin1String("from_number")).toString(), sipho);
        QCOMPARE(c.value(QLatin1String("text")).toString(),
                 QStringLiteral("Correction: the car is stuck between floors 4 and 5"));

        const CliRun cli = webhookProblems(f.params);
        QVERIFY(cli.finished);
        const QString &printed = cli.printed;
        QCOMPARE(cli.exitCode, 0);
        QVERIFY2(printed.contains(QLatin1String("wamid.IN.0101")) &&
                     printed.contains(QLatin1String("wamid.IN.UNKNOWN")),
                 qPrintable(printed));

        // Once its message is here, it is no longer listed.
        DELIVER(f,
                textMessage(sipho, QStringLiteral("wamid.IN.UNKNOWN"), QStringLiteral("late after all"), 10));
        QCOMPARE(QJsonDocument::fromJson(InboundProcessor::problems(f.db, 10))
                     .object()
                     .value(QLatin1String("unmatched_changes"))
                     .toArray()
                     .size(),
                 0);
    }

    // ---------------------------------------------------------------- delivery statuses

    void statusesForwardOnly()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        const QHash<QString, int> rank{{QStringLiteral("sent"), 1},
                                       {QStringLiteral("delivered"), 2},
                                       {QStringLiteral("read"), 3},
                                       {QStringLiteral("played"), 3}};
        const QStringList names{QStringLiteral("pending"), QStringLiteral("sent"),
                                QStringLiteral("delivered"), QStringLiteral("read")};
        const QList<QStringList> orders{
            {QStringLiteral("sent"), QStringLiteral("delivered"), QStringLiteral("read")},
            {QStringLiteral("read"), QStringLiteral("delivered")},
            {QStringLiteral("read"), QStringLiteral("sent"), QStringLiteral("delivered")},
            {QStringLiteral("delivered"), QStringLiteral("read"), QStringLiteral("sent")},
            {QStringLiteral("delivered"), QStringLiteral("sent")},
            {QStringLiteral("played"), QStringLiteral("delivered")},
            {QStringLiteral("delivered"), QStringLiteral("played")},
        };
        for (int i = 0; i < orders.size(); ++i) {
            const QString wamid = QStringLiteral("wamid.OUT.ORDER.%1").arg(i);
            f.addOutbound(ticket, wamid, QStringLiteral("sent"));
            int expected = 1;
            for (const QString &s : orders[i]) {
                DELIVER(f, statusBody(wamid, s));
                expected = std::max(expected, rank.value(s));
                const QString what =
                    QStringLiteral("%1 after %2").arg(wamid, orders[i].join(QLatin1Char(',')));
                QVERIFY2(f.status(wamid) == names[expected],
                         qPrintable(what + QStringLiteral(": ") + f.status(wamid)));
            }
            QCOMPARE(
                f.count(QStringLiteral("SELECT count(*) FROM whatsapp_statuses WHERE wa_message_id = ? AND "
                                       "applied_at IS NOT NULL"),
                        {wamid}),
                int(orders[i].size()));
        }

        // The fixture bodies as they are, newest first.
        f.addOutbound(ticket, QStringLiteral("wamid.OUT.CHAT.0001"), QStringLiteral("sent"));
        DELIVER(f, fixture(QStringLiteral("status_read")));
        DELIVER(f, fixture(QStringLiteral("status_delivered")));
        DELIVER(f, fixture(QStringLiteral("status_sent")));
        QCOMPARE(f.status(QStringLiteral("wamid.OUT.CHAT.0001")), QStringLiteral("read"));
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_statuses WHERE wa_message_id = "
                                        "'wamid.OUT.CHAT.0001'")),
                 3);
        QCOMPARE(f.scalar(QStringLiteral("SELECT recipient_id FROM whatsapp_statuses WHERE wa_message_id = "
                                         "'wamid.OUT.CHAT.0001' AND status = 'sent'"))
                     .toString(),
                 sipho);
        // A pending message moves on too.
        f.addOutbound(ticket, QStringLiteral("wamid.OUT.PENDING.1"), QStringLiteral("pending"));
        DELIVER(f, statusBody(QStringLiteral("wamid.OUT.PENDING.1"), QStringLiteral("delivered")));
        QCOMPARE(f.status(QStringLiteral("wamid.OUT.PENDING.1")), QStringLiteral("delivered"));
        // Inbound messages are never touched by statuses.
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = 'inbound'")),
                 0);
    }

    void statusFailed()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        f.addOutbound(ticket, QStringLiteral("wamid.OUT.CHAT.0002"), QStringLiteral("sent"), anna);
        f.addOutbound(ticket, QStringLiteral("wamid.OUT.CHAT.0003"), QStringLiteral("delivered"), anna);
        f.addOutbound(ticket, QStringLiteral("wamid.OUT.CHAT.0004"), QStringLiteral("read"), anna);
        const QByteArray failed = fixture(QStringLiteral("status_failed_131047"));
        DELIVER(f, failed);
        DELIVER(f, replaced(failed, "wamid.OUT.CHAT.0002", "wamid.OUT.CHAT.0003"));
        DELIVER(f, replaced(failed, "wamid.OUT.CHAT.0002", "wamid.OUT.CHAT.0004"));
        const QString details =
            QStringLiteral("Message failed to send because more than 24 hours have passed since "
                           "the customer last replied to this number.");

        const QJsonObject m = f.message(QStringLiteral("wamid.OUT.CHAT.0002"));
        QCOMPARE(m.value(QLatin1String("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(m.value(QLatin1String("error_code")).toString(), QStringLiteral("131047"));
        QCOMPARE(m.value(QLatin1String("error_message")).toString(), details);
        QCOMPARE(f.status(QStringLiteral("wamid.OUT.CHAT.0003")), QStringLiteral("delivered"));
        QVERIFY(f.message(QStringLiteral("wamid.OUT.CHAT.0003")).value(QLatin1String("error_code")).isNull());
        QCOMPARE(f.status(QStringLiteral("wamid.OUT.CHAT.0004")), QStringLiteral("read"));
        QVERIFY(f.message(QStringLiteral("wamid.OUT.CHAT.0004")).value(QLatin1String("error_code")).isNull());
        // Every failed status is kept, with WhatsApp's errors.
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_statuses WHERE status = 'failed' AND "
                                        "applied_at IS NOT NULL AND errors -> 0 ->> 'code' = '131047'")),
                 3);

        // The console sees the reason.
        const HttpResult thread =
            f.http().get(QStringLiteral("/api/chat/%1/messages").arg(ticket), TestServer::admin());
        VERIFY_STATUS(thread, 200);
        QJsonObject api;
        for (const QJsonValue &v : thread.json.value(QLatin1String("messages")).toArray())
            if (v.toObject().value(QLatin1String("wa_message_id")).toString() ==
                QLatin1String("wamid.OUT.CHAT.0002"))
                api = v.toObject();
        QCOMPARE(api.value(QLatin1String("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(api.value(QLatin1String("error")).toObject(),
                 (QJsonObject{{QStringLiteral("code"), QStringLiteral("131047")},
                              {QStringLiteral("message"), details}}));
    }

    void sameStatusTwiceStoredOnce()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        f.addOutbound(ticket, QStringLiteral("wamid.OUT.CHAT.0001"), QStringLiteral("sent"));
        const QByteArray delivered = fixture(QStringLiteral("status_delivered"));
        DELIVER(f, delivered);
        DELIVER(f, delivered);
        DELIVER(f, fixture(QStringLiteral("status_delivered"), 5)); // a retry with another timestamp
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbox WHERE processed_at IS NOT NULL")), 3);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_statuses")), 1);
        QCOMPARE(f.status(QStringLiteral("wamid.OUT.CHAT.0001")), QStringLiteral("delivered"));
    }

    void statusBeforeItsMessageIsParked()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        // The statuses of a send whose WhatsApp id is not stored yet.
        DELIVER(f, fixture(QStringLiteral("status_delivered"), 60));
        DELIVER(f, fixture(QStringLiteral("status_read"), 30));
        DELIVER(f, replaced(fixture(QStringLiteral("status_failed_131047")), "wamid.OUT.CHAT.0002",
                            "wamid.OUT.CHAT.0009"));
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_statuses WHERE applied_at IS NULL")),
                 3);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = 'outbound'")),
                 0);

        // The sends are stored (pending, no id yet), then complete with WhatsApp's ids.
        const qint64 first = f.addOutbound(ticket, nullText, QStringLiteral("pending"));
        const qint64 second = f.addOutbound(ticket, nullText, QStringLiteral("pending"));
        const QByteArray stored =
            Outbox::complete(f.db, first, SendResult{true, QStringLiteral("wamid.OUT.CHAT.0001"), {}, {}});
        QCOMPARE(QJsonDocument::fromJson(stored).object().value(QLatin1String("status")).toString(),
                 QStringLiteral("read"));
        QCOMPARE(f.status(QStringLiteral("wamid.OUT.CHAT.0001")), QStringLiteral("read"));
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_statuses WHERE wa_message_id = "
                                        "'wamid.OUT.CHAT.0001' AND applied_at IS NOT NULL")),
                 2);
        Outbox::complete(f.db, second, SendResult{true, QStringLiteral("wamid.OUT.CHAT.0009"), {}, {}});
        const QJsonObject m = f.message(QStringLiteral("wamid.OUT.CHAT.0009"));
        QCOMPARE(m.value(QLatin1String("id")).toInteger(), second);
        QCOMPARE(m.value(QLatin1String("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(m.value(QLatin1String("error_code")).toString(), QStringLiteral("131047"));
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_statuses WHERE applied_at IS NULL")),
                 0);

        // Later statuses apply at once, still forward only.
        DELIVER(f, fixture(QStringLiteral("status_sent")));
        QCOMPARE(f.status(QStringLiteral("wamid.OUT.CHAT.0001")), QStringLiteral("read"));
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_statuses WHERE applied_at IS NULL")),
                 0);
    }

    // A send that we marked failed ourselves (the sweep of sends a stopped server abandoned, or a transport
    // timeout) may still have reached WhatsApp: its delivered or read wins, the earlier failure is kept in
    // the audit trail, and the consoles hear of it. A failure WhatsApp itself reported stays.
    void deliveredAfterOurOwnFailureWins()
    {
        Fixture f;
        const int ticket = Seed::openTicket(f.db);
        Seed::technicianWrote(f.db, ticket);
        const auto failedBySweep = [&](const QString &wamid, bool parked) {
            const qint64 id = f.addOutbound(ticket, nullText, QStringLiteral("pending"), sipho, 10);
            ChatStore::failAbandonedSends(f.db, 60);
            QCOMPARE(f.scalar(QStringLiteral("SELECT error_code FROM chat_messages WHERE id = ? AND status = "
                                             "'failed'"),
                              {id})
                         .toString(),
                     QStringLiteral("outcome_unknown"));
            if (parked)
                DELIVER(f, statusBody(wamid, QStringLiteral("delivered")));
            // The send finishes after all: the id is stored, the message stays failed until WhatsApp says
            // more.
            Outbox::complete(f.db, id, SendResult{true, wamid, {}, {}});
        };
        const auto updated = [&](const QString &wamid, const QString &status) {
            int n = 0;
            for (const Event &e : f.events(QStringLiteral("message.updated")))
                n += e.data.value(QLatin1String("wa_message_id")).toString() == wamid &&
                     e.data.value(QLatin1String("status")).toString() == status &&
                     e.data.value(QLatin1String("error")).isNull();
            return n;
        };

        failedBySweep(QStringLiteral("wamid.OUT.LATE.1"), false);
        QCOMPARE(f.status(QStringLiteral("wamid.OUT.LATE.1")), QStringLiteral("failed"));
        DELIVER(f, statusBody(QStringLiteral("wamid.OUT.LATE.1"), QStringLiteral("delivered")));
        QJsonObject m = f.message(QStringLiteral("wamid.OUT.LATE.1"));
        QCOMPARE(m.value(QLatin1String("status")).toString(), QStringLiteral("delivered"));
        QVERIFY(m.value(QLatin1String("error_code")).isNull());
        QVERIFY(m.value(QLatin1String("error_message")).isNull());
        QCOMPARE(updated(QStringLiteral("wamid.OUT.LATE.1"), QStringLiteral("delivered")), 1);
        // The record shows both: WhatsApp's status, and our failure with its reason.
        const QJsonObject audit = f.rowJson(
            QStringLiteral("SELECT row_to_json(a)::text FROM audit_log a WHERE action = "
                           "'message.delivered_after_failure' AND (details ->> 'message_id')::bigint = ?"),
            {m.value(QLatin1String("id")).toInteger()});
        QCOMPARE(audit.value(QLatin1String("ticket_id")).toInt(), ticket);
        QCOMPARE(audit.value(QLatin1String("actor_kind")).toString(), QStringLiteral("system"));
        const QJsonObject details = audit.value(QLatin1String("details")).toObject();
        QCOMPARE(details.value(QLatin1String("status")).toString(), QStringLiteral("delivered"));
        QCOMPARE(details.value(QLatin1String("failed_error_code")).toString(),
                 QStringLiteral("outcome_unknown"));
        QVERIFY(details.value(QLatin1String("failed_error_message"))
                    .toString()
                    .startsWith(QLatin1String("The server stopped while sending")));
        QCOMPARE(
            f.count(QStringLiteral("SELECT count(*) FROM whatsapp_statuses WHERE wa_message_id = "
                                   "'wamid.OUT.LATE.1' AND status = 'delivered' AND applied_at IS NOT NULL")),
            1);
        // Forward only from there.
        DELIVER(f, statusBody(QStringLiteral("wamid.OUT.LATE.1"), QStringLiteral("sent")));
        QCOMPARE(f.status(QStringLiteral("wamid.OUT.LATE.1")), QStringLiteral("delivered"));
        DELIVER(f, statusBody(QStringLiteral("wamid.OUT.LATE.1"), QStringLiteral("read")));
        QCOMPARE(f.status(QStringLiteral("wamid.OUT.LATE.1")), QStringLiteral("read"));

        // The status came before the send finished: applied when the id is stored.
        failedBySweep(QStringLiteral("wamid.OUT.LATE.2"), true);
        QCOMPARE(f.status(QStringLiteral("wamid.OUT.LATE.2")), QStringLiteral("delivered"));
        QCOMPARE(updated(QStringLiteral("wamid.OUT.LATE.2"), QStringLiteral("delivered")), 1);

        // Our failure, then a read straight away (a sent alone does not undo a failure).
        failedBySweep(QStringLiteral("wamid.OUT.LATE.3"), false);
        DELIVER(f, statusBody(QStringLiteral("wamid.OUT.LATE.3"), QStringLiteral("sent")));
        QCOMPARE(f.status(QStringLiteral("wamid.OUT.LATE.3")), QStringLiteral("failed"));
        DELIVER(f, statusBody(QStringLiteral("wamid.OUT.LATE.3"), QStringLiteral("played")));
        QCOMPARE(f.status(QStringLiteral("wamid.OUT.LATE.3")), QStringLiteral("read"));
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = "
                                        "'message.delivered_after_failure'")),
                 3);

        // WhatsApp's own failure stays: neither an older sent nor a later delivered undoes it.
        f.addOutbound(ticket, QStringLiteral("wamid.OUT.CHAT.0002"), QStringLiteral("sent"), anna);
        DELIVER(f, fixture(QStringLiteral("status_failed_131047")));
        DELIVER(f, statusBody(QStringLiteral("wamid.OUT.CHAT.0002"), QStringLiteral("sent"), 600));
        DELIVER(f, statusBody(QStringLiteral("wamid.OUT.CHAT.0002"), QStringLiteral("delivered")));
        m = f.message(QStringLiteral("wamid.OUT.CHAT.0002"));
        QCOMPARE(m.value(QLatin1String("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(m.value(QLatin1String("error_code")).toString(), QStringLiteral("131047"));

        // A reply to a number with no ticket, likewise.
        DELIVER(f, textMessage(stranger, QStringLiteral("wamid.IN.S1"), QStringLiteral("hello?"), 60));
        f.db.execOnce(
            QStringLiteral(
                "INSERT INTO chat_direct_messages (unassigned_id, to_number, message, status, "
                "wa_message_id, error_code, error_message, agent_name, sent_by) SELECT id, ?, 'On our "
                "way', 'failed', 'wamid.OUT.DIRECT.1', 'outcome_unknown', 'The server stopped', "
                "'Alice Agent', 'agent' FROM chat_unassigned WHERE wa_message_id = 'wamid.IN.S1'"),
            {stranger});
        DELIVER(f, statusBody(QStringLiteral("wamid.OUT.DIRECT.1"), QStringLiteral("read")));
        const QJsonObject direct =
            f.rowJson(QStringLiteral("SELECT row_to_json(d)::text FROM chat_direct_messages d WHERE "
                                     "wa_message_id = 'wamid.OUT.DIRECT.1'"));
        QCOMPARE(direct.value(QLatin1String("status")).toString(), QStringLiteral("read"));
        QVERIFY(direct.value(QLatin1String("error_code")).isNull());
        int replied = 0;
        for (const Event &e : f.events(QStringLiteral("unassigned.replied")))
            replied += e.data.value(QLatin1String("status")).toString() == QLatin1String("read");
        QCOMPARE(replied, 1);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = "
                                        "'message.delivered_after_failure' AND ticket_id IS NULL AND "
                                        "details ->> 'failed_error_code' = 'outcome_unknown'")),
                 1);
        EXPECT_EVENTS_NUMBERED(f);
    }

    // ---------------------------------------------------------------- crash between storing and processing

    void storedBodyProcessedAtStartAndByTimer()
    {
        Fixture f(TestServer::defaultConfig(), false);
        const int ticket = Seed::openTicket(f.db);
        // The server stored this body and died before processing it.
        const QByteArray body = fixture(QStringLiteral("text_agent_request"), 20);
        const qint64 id = f.storeRaw(body);
        QCOMPARE(f.unprocessed(), 1);

        f.start();                                            // no request at all
        QTRY_VERIFY_WITH_TIMEOUT(f.unprocessed() == 0, 3000); // at start, not by the 5-second timer
        QCOMPARE(f.inboxErrors(), 0);
        QCOMPARE(f.message(QStringLiteral("wamid.IN.0001")).value(QLatin1String("ticket_id")).toInt(),
                 ticket);
        QCOMPARE(f.message(QStringLiteral("wamid.IN.0001")).value(QLatin1String("inbox_id")).toInteger(), id);
        QCOMPARE(f.ticket(ticket).value(QLatin1String("agent_requested")), QJsonValue(true));
        QCOMPARE(f.events(QStringLiteral("agent.requested")).size(), 1);
        EXPECT_EVENTS_NUMBERED(f);

        // A body left unprocessed while the server runs is picked up by its timer.
        f.storeRaw(fixture(QStringLiteral("text_plain"), 10));
        QTRY_VERIFY2_WITH_TIMEOUT(f.unprocessed() == 0, qPrintable(f.inboxProblems()), 12000);
        QCOMPARE(f.message(QStringLiteral("wamid.IN.0002")).value(QLatin1String("ticket_id")).toInt(),
                 ticket);
        QCOMPARE(f.inboundCount(ticket), 2);
    }

    // The real server process killed (SIGKILL) in the middle of a burst: every message it answered 200 is
    // stored once already, and WhatsApp's retries of the ones it never got an answer for (after a
    // restart) add nothing twice.
    void killedServerLosesNothing()
    {
        Fixture f(TestServer::defaultConfig(), false);
        const int ticket = Seed::openTicket(f.db);
        const QByteArray secret = "kill-test-app-secret";
        QProcessEnvironment environment = databaseEnvironment(f.params);
        environment.insert(QStringLiteral("WHATSAPP_APP_SECRET"), QString::fromLatin1(secret));
        ServerProcess server{QString()};
        server.setEnvironment(environment);
        QVERIFY2(server.start(), qPrintable(server.output()));

        const int total = 1500;
        QList<QByteArray> bodies;
        for (int i = 0; i < total; ++i)
            bodies << textMessage(sipho, QStringLiteral("wamid.KILL.%1").arg(i),
                                  QStringLiteral("Burst %1").arg(i), 5);
        // Posts every body at once over twelve connections; returns the ids of those answered 200, and
        // kills the server in the middle of the burst when `kill`.
        const auto burst = [&](const QUrl &base, bool kill) -> QStringList {
            QUrl url = base;
            url.setPath(webhookPath);
            QNetworkAccessManager nams[2];
            QList<QNetworkReply *> replies;
            QStringList answered;
            bool killed = false;
            for (int i = 0; i < total; ++i) {
                QNetworkRequest request(url);
                request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
                request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
                request.setRawHeader("X-Hub-Signature-256", signatureOf(bodies.at(i), secret));
                QNetworkReply *reply = nams[i % 2].post(request, bodies.at(i));
                replies << reply;
                QObject::connect(reply, &QNetworkReply::finished, reply, [&, reply, i] {
                    if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200 && !killed)
                        answered << QStringLiteral("wamid.KILL.%1").arg(i);
                    if (kill && !killed && answered.size() >= 300) {
                        killed = true;
                        server.kill();
                    }
                });
            }
            QDeadlineTimer deadline(60000);
            while (!std::all_of(replies.cbegin(), replies.cend(), [](QNetworkReply *r) {
                return r->isFinished();
            }) && !deadline.hasExpired())
                QTest::qWait(10);
            const qsizetype unfinished = std::count_if(replies.cbegin(), replies.cend(),
                                                       [](QNetworkReply *r) { return !r->isFinished(); });
            qDeleteAll(replies);
            return unfinished == 0 ? answered : QStringList{QStringLiteral("unfinished requests")};
        };

        const QStringList answered = burst(server.url(), true);
        QVERIFY(!server.isRunning());
        QVERIFY(answered.size() >= 300);
        qInfo() << "killed with" << answered.size() << "answered";
        // Everything answered 200 was durably stored, and processed, before the answer: it is in the
        // conversation although the server never ran again.
        QVERIFY(f.count(QStringLiteral("SELECT count(*) FROM whatsapp_inbox")) >= answered.size());
        for (const QString &wamid : answered)
            QVERIFY2(f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE wa_message_id = ?"),
                             {wamid}) == 1,
                     qPrintable(wamid + QStringLiteral(" was answered 200 but is not stored exactly once")));

        // Restarted: anything left behind is processed at start, before any new request.
        QVERIFY2(server.start(), qPrintable(server.output()));
        WAIT_PROCESSED(f);
        QCOMPARE(f.inboxErrors(), 0);

        // WhatsApp sends again whatever it got no 200 for; here, simply everything.
        QCOMPARE(burst(server.url(), false).size(), total);
        WAIT_PROCESSED(f);
        QCOMPARE(f.inboundCount(ticket), total);
        QCOMPARE(f.count(QStringLiteral(
                     "SELECT count(DISTINCT wa_message_id) FROM chat_messages WHERE wa_message_id LIKE "
                     "'wamid.KILL.%'")),
                 total);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_events WHERE event = 'message.created'")),
                 total);
        EXPECT_EVENTS_NUMBERED(f);
        QCOMPARE(f.count(QStringLiteral("SELECT max(seq) - count(*) FROM chat_events")), 0);
        QVERIFY(server.stop());
    }
};

QTEST_GUILESS_MAIN(TestWebhook)
#include "tst_webhook.moc"
