#include "ServerProcess.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "auth/AgentStore.h"
#include "auth/PasswordHasher.h"
#include "db/Db.h"
#include "domain/Principal.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTcpSocket>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

// Agent accounts end to end: sign-in and its slowing down, sessions, the admin routes, the audit trail and
// the command line. Real HTTP on loopback, real PostgreSQL, the real liftline-server binary for the CLI.

namespace {

const QString goodPassword = QStringLiteral("correct horse battery staple");
const QString wrongPassword = QStringLiteral("wrong horse battery staple");

// argon2id is slow on purpose: hash each password once per run.
QString hashOf(const QString &password)
{
    static QHash<QString, QString> cache;
    auto it = cache.find(password);
    if (it == cache.end())
        it = cache.insert(password, PasswordHasher::hash(password));
    return it.value();
}

int addAgent(Db &db, const QString &username, const QString &displayName,
             const QString &role = QStringLiteral("agent"), const QString &password = goodPassword)
{
    return AgentStore::add(db, username, displayName, role, hashOf(password), Principal::cli());
}

HttpResult login(HttpClient &http, const QString &username, const QString &password)
{
    return http.postJson(QStringLiteral("/api/auth/login"),
                         {{QStringLiteral("username"), username}, {QStringLiteral("password"), password}});
}

HttpResult postEmpty(HttpClient &http, const QString &path, const HttpClient::Headers &headers)
{
    return http.post(path, QByteArray(), headers, QByteArray());
}

QString agentsField(const QJsonObject &agent, const char *name)
{
    return agent.value(QLatin1String(name)).toString();
}

QJsonObject findAgent(const QJsonArray &agents, const QString &username)
{
    for (const QJsonValue &v : agents)
        if (v.toObject().value(QStringLiteral("username")).toString() == username)
            return v.toObject();
    return {};
}

// Runs the real liftline-server binary against the test database, with `input` on its standard input.
CliResult runCli(const DbParams &params, const QStringList &arguments, const QByteArray &input = {})
{
    return ::runCli(QString(), arguments, databaseEnvironment(params), input);
}

QString describe(const HttpResult &r)
{
    return r.describe();
}

QString describe(const CliResult &r)
{
    return QStringLiteral("exit %1\nstdout: %2\nstderr: %3").arg(r.exitCode).arg(r.out, r.err);
}

// n sign-ins sent at once, each on its own connection (and with its own headers), answered in any
// order; returns the statuses in the order sent. The server runs on this thread: waits spin its loop.
QList<int> parallelPosts(quint16 port, const QString &path, const QList<QByteArray> &bodies,
                         const QList<QByteArray> &extraHeaders = {})
{
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (qsizetype i = 0; i < bodies.size(); ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, port);
        socket->waitForConnected(5000);
        socket->write("POST " + path.toUtf8() + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
                      extraHeaders.value(i) + "Content-Length: " + QByteArray::number(bodies.at(i).size()) +
                      "\r\nConnection: close\r\n\r\n" + bodies.at(i));
        socket->flush();
        sockets.push_back(std::move(socket));
    }
    QList<QByteArray> answers(bodies.size());
    QDeadlineTimer deadline(120000);
    const auto done = [&] {
        for (qsizetype i = 0; i < answers.size(); ++i) {
            answers[i] += sockets[size_t(i)]->readAll();
            if (sockets[size_t(i)]->state() == QAbstractSocket::ConnectedState)
                return false;
        }
        return true;
    };
    while (!done() && !deadline.hasExpired())
        QTest::qWait(10);
    QList<int> statuses;
    for (const QByteArray &a : std::as_const(answers))
        statuses << (a.startsWith("HTTP/1.1 ") ? a.mid(9, 3).toInt() : 0);
    return statuses;
}

QByteArray loginBody(const QString &username, const QString &password)
{
    return QJsonDocument(
               QJsonObject{{QStringLiteral("username"), username}, {QStringLiteral("password"), password}})
        .toJson(QJsonDocument::Compact);
}

// How many password checks and hashes the server has started (its /metrics).
int hashesStarted(HttpClient &http)
{
    static const QRegularExpression re(QStringLiteral("liftline_password_hashes_total ([0-9]+)"));
    return re.match(QString::fromUtf8(http.get(QStringLiteral("/metrics")).body)).captured(1).toInt();
}

} // namespace

class TestAuth : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // Start the cluster and warm the hash cache before the timed work.
        TestCluster::instance();
        hashOf(goodPassword);
    }

    void loginSucceeds()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-login"));
        const int id = addAgent(db, QStringLiteral("ann"), QStringLiteral("Ann Agent"));
        TestServer server(params);
        HttpClient &http = server.http();

        const QDateTime before = QDateTime::currentDateTimeUtc();
        const HttpResult r = login(http, QStringLiteral("ann"), goodPassword);
        VERIFY_STATUS(r, 200);
        QCOMPARE(r.json.value(QStringLiteral("ok")), QJsonValue(true));
        const QString token = r.json.value(QStringLiteral("token")).toString();
        QVERIFY2(token.size() >= 40, qPrintable(describe(r))); // 32 random bytes, encoded

        const QString expires = r.json.value(QStringLiteral("expires_at")).toString();
        static const QRegularExpression iso(QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$)"));
        QVERIFY2(iso.match(expires).hasMatch(), qPrintable(expires));
        const QDateTime expiresAt = QDateTime::fromString(expires, Qt::ISODateWithMs);
        QVERIFY(expiresAt.isValid());
        const qint64 ahead = before.secsTo(expiresAt);
        QVERIFY2(ahead > 12 * 3600 - 120 && ahead < 12 * 3600 + 120, qPrintable(expires));

        const QJsonObject agent = r.json.value(QStringLiteral("agent")).toObject();
        const QStringList agentKeys = agent.keys();
        QCOMPARE(QSet<QString>(agentKeys.begin(), agentKeys.end()),
                 (QSet<QString>{QStringLiteral("id"), QStringLiteral("username"),
                                QStringLiteral("display_name"), QStringLiteral("role")}));
        QCOMPARE(agent.value(QStringLiteral("id")).toInt(), id);
        QCOMPARE(agentsField(agent, "username"), QStringLiteral("ann"));
        QCOMPARE(agentsField(agent, "display_name"), QStringLiteral("Ann Agent"));
        QCOMPARE(agentsField(agent, "role"), QStringLiteral("agent"));

        // The token works as a Bearer token.
        const HttpClient::Headers bearer = HttpClient::bearer(token.toLatin1());
        const HttpResult list = http.get(QStringLiteral("/api/chat/conversations"), bearer);
        VERIFY_STATUS(list, 200);
        QVERIFY(list.json.value(QStringLiteral("conversations")).isArray());
        const HttpResult me = http.get(QStringLiteral("/api/auth/me"), bearer);
        VERIFY_STATUS(me, 200);
        const QJsonObject principal = me.json.value(QStringLiteral("principal")).toObject();
        QCOMPARE(principal.value(QStringLiteral("kind")).toString(), QStringLiteral("agent"));
        QCOMPARE(principal.value(QStringLiteral("username")).toString(), QStringLiteral("ann"));
        QCOMPARE(principal.value(QStringLiteral("display_name")).toString(), QStringLiteral("Ann Agent"));
        QCOMPARE(principal.value(QStringLiteral("id")).toInt(), id);
        QCOMPARE(principal.value(QStringLiteral("admin")).toBool(), false);

        // Only the SHA-256 of the token is stored; the token itself is nowhere in the table.
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM agent_sessions")).toInt(), 1);
        const QByteArray stored =
            db.scalar(QStringLiteral("SELECT token_sha256 FROM agent_sessions")).toByteArray();
        QCOMPARE(stored.toHex(),
                 QCryptographicHash::hash(token.toLatin1(), QCryptographicHash::Sha256).toHex());
        const QByteArray raw = QByteArray::fromBase64(token.toLatin1(), QByteArray::Base64UrlEncoding |
                                                                            QByteArray::OmitTrailingEquals);
        QCOMPARE(raw.size(), 32);
        QCOMPARE(
            db.scalar(
                  QStringLiteral("SELECT count(*) FROM agent_sessions s WHERE strpos(s::text, ?) > 0 "
                                 "OR strpos(s::text, ?) > 0 OR strpos(s::text, ?) > 0"),
                  {token, QString::fromLatin1(raw.toHex()), QString::fromLatin1(token.toLatin1().toHex())})
                .toInt(),
            0);
        QCOMPARE(db.scalar(QStringLiteral("SELECT agent_id FROM agent_sessions")).toInt(), id);
        QVERIFY(db.scalar(QStringLiteral("SELECT expires_at > now() + interval '11 hours 55 minutes' AND "
                                         "revoked_at IS NULL FROM agent_sessions"))
                    .toBool());
        // A username differing only in case is the same account.
        VERIFY_STATUS(login(http, QStringLiteral("  ANN "), goodPassword), 200);
    }

    void wrongCredentialsLookTheSame()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-wrong"));
        addAgent(db, QStringLiteral("ann"), QStringLiteral("Ann Agent"));
        TestServer server(params);
        HttpClient &http = server.http();

        const HttpResult wrong = login(http, QStringLiteral("ann"), wrongPassword);
        VERIFY_ERROR(wrong, 401, "invalid_credentials");
        const HttpResult unknown = login(http, QStringLiteral("nobody"), wrongPassword);
        VERIFY_ERROR(unknown, 401, "invalid_credentials");
        QCOMPARE(unknown.body, wrong.body);
        QVERIFY(!wrong.body.contains("ann"));
        QVERIFY(wrong.json.value(QStringLiteral("token")).isUndefined());
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM agent_sessions")).toInt(), 0);
        // Failures are counted for known and unknown usernames alike.
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT failures FROM login_failures WHERE username = 'ann'")).toInt(),
            1);
        QCOMPARE(db.scalar(QStringLiteral("SELECT failures FROM login_failures WHERE username = 'nobody'"))
                     .toInt(),
                 1);
    }

    void loginRejectsBadInput()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        TestServer server(params);
        HttpClient &http = server.http();

        VERIFY_ERROR(http.postJson(QStringLiteral("/api/auth/login"),
                                   {{QStringLiteral("username"), QStringLiteral("ann")}}),
                     400, "credentials_required");
        VERIFY_ERROR(
            http.postJson(QStringLiteral("/api/auth/login"), {{QStringLiteral("password"), goodPassword}}),
            400, "credentials_required");
        VERIFY_ERROR(http.postJson(QStringLiteral("/api/auth/login"), {}), 400, "credentials_required");
        VERIFY_ERROR(login(http, QStringLiteral("ann"), QString()), 400, "credentials_required");
        VERIFY_ERROR(login(http, QStringLiteral("   "), goodPassword), 400, "credentials_required");
        VERIFY_ERROR(http.post(QStringLiteral("/api/auth/login"), "username=ann&password=x"), 400,
                     "invalid_json");
        VERIFY_ERROR(http.post(QStringLiteral("/api/auth/login"), "{\"username\": \"ann\", "), 400,
                     "invalid_json");
        VERIFY_ERROR(http.post(QStringLiteral("/api/auth/login"), QByteArray()), 400, "invalid_json");
        VERIFY_ERROR(http.post(QStringLiteral("/api/auth/login"), "[\"ann\", \"pw\"]"), 400, "invalid_json");

        Db db(params, QStringLiteral("t-bad-input"));
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM login_failures")).toInt(), 0);
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM agent_sessions")).toInt(), 0);
    }

    void repeatedFailuresAreSlowedDown()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-throttle"));
        addAgent(db, QStringLiteral("ann"), QStringLiteral("Ann Agent"));
        addAgent(db, QStringLiteral("ben"), QStringLiteral("Ben Agent"));
        TestServer server(params);
        HttpClient &http = server.http();
        auto failures = [&](const char *username) {
            return db
                .scalar(
                    QStringLiteral("SELECT coalesce((SELECT failures FROM login_failures WHERE username = "
                                   "?), 0)"),
                    {QString::fromLatin1(username)})
                .toInt();
        };

        for (int i = 0; i < 5; ++i)
            VERIFY_ERROR(login(http, QStringLiteral("ann"), wrongPassword), 401, "invalid_credentials");
        QCOMPARE(failures("ann"), 5);

        // The next attempt within the wait is refused, even with the right password, and is not counted.
        db.execOnce(
            QStringLiteral("UPDATE login_failures SET last_failure_at = now() WHERE username = 'ann'"));
        const HttpResult slowed = login(http, QStringLiteral("ann"), goodPassword);
        VERIFY_ERROR(slowed, 429, "too_many_attempts");
        bool numeric = false;
        const int retryAfter = slowed.header("Retry-After").toInt(&numeric);
        QVERIFY2(numeric && retryAfter >= 1 && retryAfter <= 60, slowed.header("Retry-After").constData());
        QVERIFY(slowed.json.value(QStringLiteral("token")).isUndefined());
        db.execOnce(
            QStringLiteral("UPDATE login_failures SET last_failure_at = now() WHERE username = 'ann'"));
        VERIFY_ERROR(login(http, QStringLiteral("ANN"), goodPassword), 429, "too_many_attempts");
        QCOMPARE(failures("ann"), 5);
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM agent_sessions")).toInt(), 0);

        // Another username is not affected.
        VERIFY_STATUS(login(http, QStringLiteral("ben"), goodPassword), 200);

        // After the wait the right password works and the count starts again.
        db.execOnce(QStringLiteral("UPDATE login_failures SET last_failure_at = now() - interval '2 minutes' "
                                   "WHERE username = 'ann'"));
        const HttpResult after = login(http, QStringLiteral("ann"), goodPassword);
        VERIFY_STATUS(after, 200);
        QVERIFY(!after.json.value(QStringLiteral("token")).toString().isEmpty());
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT count(*) FROM login_failures WHERE username = 'ann'")).toInt(),
            0);
        VERIFY_ERROR(login(http, QStringLiteral("ann"), wrongPassword), 401, "invalid_credentials");
        QCOMPARE(failures("ann"), 1);
    }

    // 100 wrong passwords for one account at once: each is counted before its check, so five are checked
    // and the rest wait, however they interleave.
    void parallelAttemptsAreCountedBeforeTheirCheck()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-parallel"));
        addAgent(db, QStringLiteral("ann"), QStringLiteral("Ann Agent"));
        TestServer server(params);
        const int before = hashesStarted(server.http());
        const QList<int> statuses =
            parallelPosts(server.app().port(), QStringLiteral("/api/auth/login"),
                          QList<QByteArray>(100, loginBody(QStringLiteral("ann"), wrongPassword)));
        // Five checked; the rest wait (429), or find the hashing queue full (503): none is checked.
        QCOMPARE(statuses.count(401), 5);
        QCOMPARE(statuses.count(429) + statuses.count(503), 95);
        QVERIFY(statuses.count(429) > 0);
        QCOMPARE(hashesStarted(server.http()) - before, 5);
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT failures FROM login_failures WHERE username = 'ann'")).toInt(),
            5);
    }

    // Behind the packaged nginx every connection comes from 127.0.0.1: the client is the address nginx
    // appends to X-Forwarded-For, attempts are counted per account and client, and a client's claims
    // further left are not believed.
    void attemptsAreKeyedByAccountAndClient()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-clients"));
        addAgent(db, QStringLiteral("ann"), QStringLiteral("Ann Agent"));
        Config config = TestServer::defaultConfig();
        config.trustedProxies = QStringLiteral("127.0.0.1, ::1");
        TestServer server(params, config);
        HttpClient &http = server.http();
        const auto from = [](const char *chain) { return HttpClient::Headers{{"X-Forwarded-For", chain}}; };
        const auto loginFrom = [&](const char *chain, const QString &password) {
            return http.request("POST", QStringLiteral("/api/auth/login"),
                                loginBody(QStringLiteral("ann"), password), from(chain), "application/json");
        };
        for (int i = 0; i < 5; ++i)
            VERIFY_ERROR(loginFrom("203.0.113.5", wrongPassword), 401, "invalid_credentials");
        VERIFY_ERROR(loginFrom("203.0.113.5", goodPassword), 429, "too_many_attempts");
        // A spoofed left-hand entry changes nothing: the right-most untrusted address is the client.
        VERIFY_ERROR(loginFrom("198.51.100.1, 203.0.113.5", goodPassword), 429, "too_many_attempts");
        // Another client is not kept waiting by them.
        const HttpResult other = loginFrom("203.0.113.6", goodPassword);
        VERIFY_STATUS(other, 200);
        QCOMPARE(db.scalar(QStringLiteral(
                               "SELECT failures FROM login_failures WHERE username = 'ann' AND client = "
                               "'203.0.113.5'"))
                     .toInt(),
                 5);
        // The session and the audit trail name the real client.
        QCOMPARE(db.scalar(QStringLiteral("SELECT remote FROM agent_sessions")).toString(),
                 QStringLiteral("203.0.113.6"));
        QCOMPARE(db.scalar(QStringLiteral("SELECT remote FROM audit_log WHERE action = 'login'")).toString(),
                 QStringLiteral("203.0.113.6"));
        QCOMPARE(db.scalar(QStringLiteral(
                               "SELECT count(*) FROM audit_log WHERE action = 'login.failed' AND remote "
                               "= '203.0.113.5'"))
                     .toInt(),
                 5);
    }

    void forwardedForIsIgnoredFromAnUntrustedPeer()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-untrusted"));
        addAgent(db, QStringLiteral("ann"), QStringLiteral("Ann Agent"));
        TestServer server(params); // no trusted proxies
        HttpClient &http = server.http();
        for (int i = 0; i < 5; ++i)
            VERIFY_ERROR(http.request("POST", QStringLiteral("/api/auth/login"),
                                      loginBody(QStringLiteral("ann"), wrongPassword),
                                      {{"X-Forwarded-For", QByteArray("203.0.113.") + QByteArray::number(i)}},
                                      "application/json"),
                         401, "invalid_credentials");
        // Every one of them came from 127.0.0.1, whatever the header said.
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT string_agg(client || ':' || failures, ',') FROM login_failures"))
                .toString(),
            QStringLiteral("127.0.0.1:5"));
        VERIFY_ERROR(login(http, QStringLiteral("ann"), goodPassword), 429, "too_many_attempts");
    }

    // An anonymous request carrying a password is refused before the password is hashed.
    void callersAreCheckedBeforeAnyHashing()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        TestServer server(params);
        const int before = hashesStarted(server.http());
        const QByteArray body =
            QJsonDocument(QJsonObject{{QStringLiteral("username"), QStringLiteral("mallory")},
                                      {QStringLiteral("display_name"), QStringLiteral("M")},
                                      {QStringLiteral("password"), goodPassword}})
                .toJson(QJsonDocument::Compact);
        const QList<int> statuses = parallelPosts(server.app().port(), QStringLiteral("/api/admin/agents"),
                                                  QList<QByteArray>(50, body));
        QCOMPARE(statuses.count(401), 50);
        const QList<int> reset =
            parallelPosts(server.app().port(), QStringLiteral("/api/admin/agents/mallory/reset-password"),
                          QList<QByteArray>(20, body));
        QCOMPARE(reset.count(401), 20);
        QCOMPARE(hashesStarted(server.http()), before);
        // An admin's request still hashes (and works).
        VERIFY_STATUS(server.http().request("POST", QStringLiteral("/api/admin/agents"), body,
                                            TestServer::admin(), "application/json"),
                      201);
        QCOMPARE(hashesStarted(server.http()), before + 1);
    }

    // More sign-ins at once than the hashing queue holds: the rest are told to come back, at once.
    void aFullHashingQueueAnswers503()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        TestServer server(params);
        QList<QByteArray> bodies;
        for (int i = 0; i < 60; ++i)
            bodies << loginBody(QStringLiteral("user%1").arg(i), wrongPassword);
        const QList<int> statuses =
            parallelPosts(server.app().port(), QStringLiteral("/api/auth/login"), bodies);
        QCOMPARE(statuses.count(401) + statuses.count(503), 60);
        QVERIFY2(statuses.count(503) > 0, qPrintable(QString::number(statuses.count(401))));
        QVERIFY(statuses.count(401) >= PasswordHasher::maxQueued);
        // A refused sign-in was not counted against its account.
        Db db(params, QStringLiteral("t-queue"));
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM login_failures")).toInt(),
                 statuses.count(401));
    }

    void adminSeesAndClearsAThrottle()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-clear"));
        addAgent(db, QStringLiteral("ann"), QStringLiteral("Ann Agent"));
        TestServer server(params);
        HttpClient &http = server.http();
        for (int i = 0; i < 6; ++i)
            login(http, QStringLiteral("ann"), wrongPassword);
        VERIFY_ERROR(login(http, QStringLiteral("ann"), goodPassword), 429, "too_many_attempts");

        const HttpResult seen =
            http.get(QStringLiteral("/api/admin/agents/ann/throttle"), TestServer::admin());
        VERIFY_STATUS(seen, 200);
        const QJsonObject client = seen.json.value(QLatin1String("clients")).toArray().first().toObject();
        QCOMPARE(client.value(QLatin1String("client")).toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(client.value(QLatin1String("failures")).toInt(), 5);
        QVERIFY(client.value(QLatin1String("wait_seconds")).toInt() >= 1);
        VERIFY_STATUS(http.get(QStringLiteral("/api/admin/agents/ann/throttle")), 401);

        const CliResult shown =
            runCli(params, {QStringLiteral("agent"), QStringLiteral("throttle"), QStringLiteral("ann")});
        QVERIFY2(shown.exitCode == 0 && shown.out.contains(QStringLiteral("127.0.0.1: 5 failed")),
                 qPrintable(shown.describe()));

        const HttpResult cleared = http.request("DELETE", QStringLiteral("/api/admin/agents/ann/throttle"),
                                                {}, TestServer::admin(), {});
        VERIFY_STATUS(cleared, 200);
        QCOMPARE(cleared.json.value(QLatin1String("clients_cleared")).toInt(), 1);
        QCOMPARE(db.scalar(QStringLiteral(
                               "SELECT count(*) FROM audit_log WHERE action = 'agent.throttle_cleared'"))
                     .toInt(),
                 1);
        VERIFY_STATUS(login(http, QStringLiteral("ann"), goodPassword), 200);
    }

    void neverLockedOut()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-lockout"));
        addAgent(db, QStringLiteral("ann"), QStringLiteral("Ann Agent"));
        TestServer server(params);
        HttpClient &http = server.http();

        // However many failures there were, the wait is bounded.
        db.execOnce(QStringLiteral("INSERT INTO login_failures (username, client, failures, last_failure_at) "
                                   "VALUES ('ann', '127.0.0.1', 1000, "
                                   "now())"));
        const HttpResult slowed = login(http, QStringLiteral("ann"), goodPassword);
        VERIFY_ERROR(slowed, 429, "too_many_attempts");
        bool numeric = false;
        const int retryAfter = slowed.header("Retry-After").toInt(&numeric);
        QVERIFY2(numeric && retryAfter >= 1 && retryAfter <= 60, slowed.header("Retry-After").constData());

        db.execOnce(QStringLiteral("UPDATE login_failures SET last_failure_at = now() - interval '61 "
                                   "seconds' WHERE username = 'ann'"));
        VERIFY_STATUS(login(http, QStringLiteral("ann"), goodPassword), 200);
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM login_failures")).toInt(), 0);
    }

    void resetPasswordClearsFailures()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-reset-failures"));
        addAgent(db, QStringLiteral("ann"), QStringLiteral("Ann Agent"));
        TestServer server(params);
        HttpClient &http = server.http();

        db.execOnce(QStringLiteral("INSERT INTO login_failures (username, client, failures, last_failure_at) "
                                   "VALUES ('ann', '127.0.0.1', 9, "
                                   "now())"));
        VERIFY_ERROR(login(http, QStringLiteral("ann"), goodPassword), 429, "too_many_attempts");

        const QString newPassword = QStringLiteral("a completely new password");
        const HttpResult reset =
            http.postJson(QStringLiteral("/api/admin/agents/ann/reset-password"),
                          {{QStringLiteral("password"), newPassword}}, TestServer::admin());
        VERIFY_STATUS(reset, 200);
        QCOMPARE(reset.json.value(QStringLiteral("ok")), QJsonValue(true));
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM login_failures")).toInt(), 0);
        VERIFY_STATUS(login(http, QStringLiteral("ann"), newPassword), 200);
    }

    void logoutEndsSession()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-logout"));
        addAgent(db, QStringLiteral("ann"), QStringLiteral("Ann Agent"));
        TestServer server(params);
        HttpClient &http = server.http();

        const QByteArray first = login(http, QStringLiteral("ann"), goodPassword)
                                     .json.value(QStringLiteral("token"))
                                     .toString()
                                     .toLatin1();
        const QByteArray second = login(http, QStringLiteral("ann"), goodPassword)
                                      .json.value(QStringLiteral("token"))
                                      .toString()
                                      .toLatin1();
        QVERIFY(!first.isEmpty() && !second.isEmpty() && first != second);

        const HttpResult out = postEmpty(http, QStringLiteral("/api/auth/logout"), HttpClient::bearer(first));
        VERIFY_STATUS(out, 200);
        QCOMPARE(out.json.value(QStringLiteral("ok")), QJsonValue(true));
        VERIFY_ERROR(http.get(QStringLiteral("/api/auth/me"), HttpClient::bearer(first)), 401,
                     "invalid_token");
        VERIFY_ERROR(http.get(QStringLiteral("/api/chat/conversations"), HttpClient::bearer(first)), 401,
                     "invalid_token");
        VERIFY_ERROR(postEmpty(http, QStringLiteral("/api/auth/logout"), HttpClient::bearer(first)), 401,
                     "invalid_token");
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM agent_sessions WHERE revoked_at IS NOT NULL"))
                     .toInt(),
                 1);
        // Only that session ended.
        VERIFY_STATUS(http.get(QStringLiteral("/api/auth/me"), HttpClient::bearer(second)), 200);
        // Without a token there is nothing to end.
        VERIFY_ERROR(postEmpty(http, QStringLiteral("/api/auth/logout"), {}), 401, "unauthorized");
    }

    void expiredSessionIsRejected()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-expired"));
        addAgent(db, QStringLiteral("ann"), QStringLiteral("Ann Agent"));
        TestServer server(params);
        HttpClient &http = server.http();

        const QByteArray token = login(http, QStringLiteral("ann"), goodPassword)
                                     .json.value(QStringLiteral("token"))
                                     .toString()
                                     .toLatin1();
        VERIFY_STATUS(http.get(QStringLiteral("/api/auth/me"), HttpClient::bearer(token)), 200);
        db.execOnce(QStringLiteral("UPDATE agent_sessions SET expires_at = now() - interval '1 second'"));
        VERIFY_ERROR(http.get(QStringLiteral("/api/auth/me"), HttpClient::bearer(token)), 401,
                     "invalid_token");
        VERIFY_ERROR(http.get(QStringLiteral("/api/chat/conversations"), HttpClient::bearer(token)), 401,
                     "invalid_token");
    }

    void disabledAccountIsShutOut()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-disabled"));
        addAgent(db, QStringLiteral("ann"), QStringLiteral("Ann Agent"));
        TestServer server(params);
        HttpClient &http = server.http();

        const QByteArray token = login(http, QStringLiteral("ann"), goodPassword)
                                     .json.value(QStringLiteral("token"))
                                     .toString()
                                     .toLatin1();
        VERIFY_STATUS(http.get(QStringLiteral("/api/auth/me"), HttpClient::bearer(token)), 200);

        const HttpResult disabled =
            postEmpty(http, QStringLiteral("/api/admin/agents/ann/disable"), TestServer::admin());
        VERIFY_STATUS(disabled, 200);
        QCOMPARE(disabled.json.value(QStringLiteral("ok")), QJsonValue(true));
        QVERIFY(db.scalar(QStringLiteral("SELECT disabled_at IS NOT NULL FROM agents WHERE username = 'ann'"))
                    .toBool());

        // Its existing session stops working, and it cannot sign in again.
        VERIFY_ERROR(http.get(QStringLiteral("/api/auth/me"), HttpClient::bearer(token)), 401,
                     "invalid_token");
        const HttpResult again = login(http, QStringLiteral("ann"), goodPassword);
        VERIFY_ERROR(again, 401, "invalid_credentials");
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT count(*) FROM agent_sessions WHERE revoked_at IS NULL")).toInt(),
            0);

        const HttpResult listed = http.get(QStringLiteral("/api/admin/agents"), TestServer::admin());
        VERIFY_STATUS(listed, 200);
        QCOMPARE(findAgent(listed.json.value(QStringLiteral("agents")).toArray(), QStringLiteral("ann"))
                     .value(QStringLiteral("disabled")),
                 QJsonValue(true));

        // Enabling lets the account in again; the old session stays ended.
        VERIFY_STATUS(postEmpty(http, QStringLiteral("/api/admin/agents/ann/enable"), TestServer::admin()),
                      200);
        VERIFY_STATUS(login(http, QStringLiteral("ann"), goodPassword), 200);
        VERIFY_ERROR(http.get(QStringLiteral("/api/auth/me"), HttpClient::bearer(token)), 401,
                     "invalid_token");
    }

    void revokeSessionsEndsEverySession()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-revoke"));
        addAgent(db, QStringLiteral("ann"), QStringLiteral("Ann Agent"));
        TestServer server(params);
        HttpClient &http = server.http();

        const QByteArray a1 = login(http, QStringLiteral("ann"), goodPassword)
                                  .json.value(QStringLiteral("token"))
                                  .toString()
                                  .toLatin1();
        const QByteArray a2 = login(http, QStringLiteral("ann"), goodPassword)
                                  .json.value(QStringLiteral("token"))
                                  .toString()
                                  .toLatin1();
        const QByteArray other = server.signIn(QStringLiteral("ben"), QStringLiteral("Ben Agent"));

        const HttpResult revoked =
            postEmpty(http, QStringLiteral("/api/admin/agents/ann/revoke-sessions"), TestServer::admin());
        VERIFY_STATUS(revoked, 200);
        QCOMPARE(revoked.json.value(QStringLiteral("ok")), QJsonValue(true));
        QCOMPARE(revoked.json.value(QStringLiteral("sessions_ended")).toInt(), 2);
        VERIFY_ERROR(http.get(QStringLiteral("/api/auth/me"), HttpClient::bearer(a1)), 401, "invalid_token");
        VERIFY_ERROR(http.get(QStringLiteral("/api/auth/me"), HttpClient::bearer(a2)), 401, "invalid_token");
        VERIFY_STATUS(http.get(QStringLiteral("/api/auth/me"), HttpClient::bearer(other)), 200);
        // The account itself still works.
        VERIFY_STATUS(login(http, QStringLiteral("ann"), goodPassword), 200);
    }

    void adminManagesAgents()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-admin"));
        TestServer server(params);
        HttpClient &http = server.http();
        const QString carolPassword = QStringLiteral("carol's long password");

        const HttpResult empty = http.get(QStringLiteral("/api/admin/agents"), TestServer::admin());
        VERIFY_STATUS(empty, 200);
        QCOMPARE(empty.json.value(QStringLiteral("ok")), QJsonValue(true));
        QCOMPARE(empty.json.value(QStringLiteral("agents")).toArray().size(), 0);

        const QJsonObject carol{{QStringLiteral("username"), QStringLiteral("carol")},
                                {QStringLiteral("display_name"), QStringLiteral("Carol Chen")},
                                {QStringLiteral("role"), QStringLiteral("agent")},
                                {QStringLiteral("password"), carolPassword}};
        const HttpResult added =
            http.postJson(QStringLiteral("/api/admin/agents"), carol, TestServer::admin());
        VERIFY_STATUS(added, 201);
        QCOMPARE(added.json.value(QStringLiteral("ok")), QJsonValue(true));
        const int id = added.json.value(QStringLiteral("id")).toInt();
        QVERIFY(id > 0);
        QCOMPARE(db.scalar(QStringLiteral("SELECT id FROM agents WHERE username = 'carol' AND display_name = "
                                          "'Carol Chen' AND role = 'agent' AND disabled_at IS NULL"))
                     .toInt(),
                 id);
        QVERIFY(db.scalar(QStringLiteral("SELECT password_hash LIKE '$argon2id$%' FROM agents WHERE id = ?"),
                          {id})
                    .toBool());

        const HttpResult listed = http.get(QStringLiteral("/api/admin/agents"), TestServer::admin());
        VERIFY_STATUS(listed, 200);
        const QJsonArray agents = listed.json.value(QStringLiteral("agents")).toArray();
        QCOMPARE(agents.size(), 1);
        const QJsonObject entry = findAgent(agents, QStringLiteral("carol"));
        QCOMPARE(entry.value(QStringLiteral("id")).toInt(), id);
        QCOMPARE(agentsField(entry, "display_name"), QStringLiteral("Carol Chen"));
        QCOMPARE(agentsField(entry, "role"), QStringLiteral("agent"));
        QCOMPARE(entry.value(QStringLiteral("disabled")), QJsonValue(false));
        QVERIFY(!entry.contains(QStringLiteral("password_hash")));
        QVERIFY(!listed.body.contains("argon2"));

        // The new account can sign in.
        const HttpResult signedIn = login(http, QStringLiteral("carol"), carolPassword);
        VERIFY_STATUS(signedIn, 200);
        QCOMPARE(signedIn.json.value(QStringLiteral("agent")).toObject().value(QStringLiteral("id")).toInt(),
                 id);

        // Errors.
        VERIFY_ERROR(http.postJson(QStringLiteral("/api/admin/agents"), carol, TestServer::admin()), 409,
                     "agent_exists");
        QJsonObject weak = carol;
        weak.insert(QStringLiteral("username"), QStringLiteral("dave"));
        weak.insert(QStringLiteral("password"), QStringLiteral("short"));
        VERIFY_ERROR(http.postJson(QStringLiteral("/api/admin/agents"), weak, TestServer::admin()), 400,
                     "weak_password");
        QJsonObject badName = carol;
        badName.insert(QStringLiteral("username"), QStringLiteral("dave smith!"));
        VERIFY_ERROR(http.postJson(QStringLiteral("/api/admin/agents"), badName, TestServer::admin()), 400,
                     "invalid_username");
        VERIFY_ERROR(http.post(QStringLiteral("/api/admin/agents"), "{not json", TestServer::admin()), 400,
                     "invalid_json");
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM agents")).toInt(), 1);

        // Unknown accounts.
        for (const char *action : {"disable", "enable", "revoke-sessions"})
            VERIFY_ERROR(postEmpty(http,
                                   QStringLiteral("/api/admin/agents/ghost/%1").arg(QLatin1String(action)),
                                   TestServer::admin()),
                         404, "agent_not_found");
        VERIFY_ERROR(http.postJson(QStringLiteral("/api/admin/agents/ghost/reset-password"),
                                   {{QStringLiteral("password"), QStringLiteral("a long enough password")}},
                                   TestServer::admin()),
                     404, "agent_not_found");
        // A weak new password is refused and the old one keeps working.
        VERIFY_ERROR(http.postJson(QStringLiteral("/api/admin/agents/carol/reset-password"),
                                   {{QStringLiteral("password"), QStringLiteral("123")}},
                                   TestServer::admin()),
                     400, "weak_password");
        VERIFY_STATUS(login(http, QStringLiteral("carol"), carolPassword), 200);
    }

    void adminRoutesNeedAnAdmin()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-admin-only"));
        TestServer server(params);
        HttpClient &http = server.http();
        const QByteArray plain = server.signIn(QStringLiteral("ann"), QStringLiteral("Ann Agent"));
        const QByteArray boss =
            server.signIn(QStringLiteral("boss"), QStringLiteral("Bea Boss"), QStringLiteral("admin"));
        const QJsonObject newAgent{{QStringLiteral("username"), QStringLiteral("eve")},
                                   {QStringLiteral("display_name"), QStringLiteral("Eve Evans")},
                                   {QStringLiteral("password"), QStringLiteral("eve's long password")}};
        const QJsonObject weakAgent{{QStringLiteral("username"), QStringLiteral("eve")},
                                    {QStringLiteral("display_name"), QStringLiteral("Eve Evans")},
                                    {QStringLiteral("password"), QStringLiteral("short")}};
        const QJsonObject password{{QStringLiteral("password"), QStringLiteral("another long password")}};

        // A plain agent: 403 everywhere under /api/admin/.
        const HttpClient::Headers plainAuth = HttpClient::bearer(plain);
        VERIFY_ERROR(http.get(QStringLiteral("/api/admin/agents"), plainAuth), 403, "forbidden");
        VERIFY_ERROR(http.postJson(QStringLiteral("/api/admin/agents"), newAgent, plainAuth), 403,
                     "forbidden");
        VERIFY_ERROR(http.postJson(QStringLiteral("/api/admin/agents"), weakAgent, plainAuth), 403,
                     "forbidden");
        VERIFY_ERROR(postEmpty(http, QStringLiteral("/api/admin/agents/boss/disable"), plainAuth), 403,
                     "forbidden");
        VERIFY_ERROR(postEmpty(http, QStringLiteral("/api/admin/agents/boss/enable"), plainAuth), 403,
                     "forbidden");
        VERIFY_ERROR(postEmpty(http, QStringLiteral("/api/admin/agents/boss/revoke-sessions"), plainAuth),
                     403, "forbidden");
        VERIFY_ERROR(
            http.postJson(QStringLiteral("/api/admin/agents/boss/reset-password"), password, plainAuth), 403,
            "forbidden");
        // The AI assistant's token is not an admin either.
        VERIFY_ERROR(http.get(QStringLiteral("/api/admin/agents"), TestServer::ai()), 403, "forbidden");

        // No token, or a wrong one: 401.
        VERIFY_ERROR(http.get(QStringLiteral("/api/admin/agents")), 401, "unauthorized");
        VERIFY_ERROR(http.postJson(QStringLiteral("/api/admin/agents"), newAgent), 401, "unauthorized");
        VERIFY_ERROR(http.postJson(QStringLiteral("/api/admin/agents"), weakAgent), 401, "unauthorized");
        VERIFY_ERROR(postEmpty(http, QStringLiteral("/api/admin/agents/ann/disable"), {}), 401,
                     "unauthorized");
        VERIFY_ERROR(http.postJson(QStringLiteral("/api/admin/agents/ann/reset-password"), password), 401,
                     "unauthorized");
        VERIFY_ERROR(
            http.get(QStringLiteral("/api/admin/agents"), HttpClient::bearer("not-a-real-token-at-all")), 401,
            "invalid_token");
        VERIFY_ERROR(
            http.get(QStringLiteral("/api/admin/agents"), {{"X-Admin-Token", "wrong-admin-token-0123"}}), 401,
            "invalid_token");

        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM agents WHERE username = 'eve'")).toInt(), 0);
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT count(*) FROM agents WHERE disabled_at IS NOT NULL")).toInt(),
            0);
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM agent_sessions WHERE revoked_at IS NOT NULL"))
                     .toInt(),
                 0);

        // The admin token, in either header, and an admin agent's token all work.
        VERIFY_STATUS(http.get(QStringLiteral("/api/admin/agents"), TestServer::admin()), 200);
        VERIFY_STATUS(
            http.get(QStringLiteral("/api/admin/agents"), HttpClient::bearer(TestServer::adminToken)), 200);
        const HttpClient::Headers bossAuth = HttpClient::bearer(boss);
        const HttpResult listed = http.get(QStringLiteral("/api/admin/agents"), bossAuth);
        VERIFY_STATUS(listed, 200);
        QCOMPARE(listed.json.value(QStringLiteral("agents")).toArray().size(), 2);
        VERIFY_STATUS(postEmpty(http, QStringLiteral("/api/admin/agents/ann/disable"), bossAuth), 200);
        VERIFY_ERROR(http.get(QStringLiteral("/api/auth/me"), plainAuth), 401, "invalid_token");
        const HttpResult added = http.postJson(QStringLiteral("/api/admin/agents"), newAgent, bossAuth);
        VERIFY_STATUS(added, 201);
        QCOMPARE(db.scalar(QStringLiteral("SELECT role FROM agents WHERE username = 'eve'")).toString(),
                 QStringLiteral("agent"));
    }

    void auditTrailRecordsWhoDidWhat()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-audit"));
        const int bossId =
            addAgent(db, QStringLiteral("boss"), QStringLiteral("Bea Boss"), QStringLiteral("admin"));
        TestServer server(params);
        HttpClient &http = server.http();
        const QString annPassword = QStringLiteral("ann's first password");

        const HttpResult added = http.postJson(QStringLiteral("/api/admin/agents"),
                                               {{QStringLiteral("username"), QStringLiteral("ann")},
                                                {QStringLiteral("display_name"), QStringLiteral("Ann Agent")},
                                                {QStringLiteral("role"), QStringLiteral("agent")},
                                                {QStringLiteral("password"), annPassword}},
                                               TestServer::admin());
        VERIFY_STATUS(added, 201);
        const int annId = added.json.value(QStringLiteral("id")).toInt();
        const HttpResult annLogin = login(http, QStringLiteral("ann"), annPassword);
        VERIFY_STATUS(annLogin, 200);
        const QByteArray annToken = annLogin.json.value(QStringLiteral("token")).toString().toLatin1();
        VERIFY_ERROR(login(http, QStringLiteral("ann"), wrongPassword), 401, "invalid_credentials");
        VERIFY_STATUS(postEmpty(http, QStringLiteral("/api/auth/logout"), HttpClient::bearer(annToken)), 200);
        const HttpResult bossLogin = login(http, QStringLiteral("boss"), goodPassword);
        VERIFY_STATUS(bossLogin, 200);
        const HttpClient::Headers bossAuth =
            HttpClient::bearer(bossLogin.json.value(QStringLiteral("token")).toString().toLatin1());
        VERIFY_STATUS(postEmpty(http, QStringLiteral("/api/admin/agents/ann/disable"), bossAuth), 200);
        VERIFY_STATUS(postEmpty(http, QStringLiteral("/api/admin/agents/ann/enable"), bossAuth), 200);
        VERIFY_STATUS(http.postJson(QStringLiteral("/api/admin/agents/ann/reset-password"),
                                    {{QStringLiteral("password"), QStringLiteral("ann's second password")}},
                                    bossAuth),
                      200);
        VERIFY_STATUS(
            postEmpty(http, QStringLiteral("/api/admin/agents/ann/revoke-sessions"), TestServer::admin()),
            200);

        struct Row {
            QString action, kind, name;
            int agentId;
            QString username;
        };
        const QList<Row> expected{
            {QStringLiteral("agent.added"), QStringLiteral("cli"), QStringLiteral("command line"), 0,
             QStringLiteral("boss")},
            {QStringLiteral("agent.added"), QStringLiteral("admin_token"), QStringLiteral("admin token"), 0,
             QStringLiteral("ann")},
            {QStringLiteral("login"), QStringLiteral("agent"), QStringLiteral("Ann Agent"), annId, QString()},
            {QStringLiteral("login.failed"), QStringLiteral("anonymous"), QString(), 0,
             QStringLiteral("ann")},
            {QStringLiteral("logout"), QStringLiteral("agent"), QStringLiteral("Ann Agent"), annId,
             QString()},
            {QStringLiteral("login"), QStringLiteral("agent"), QStringLiteral("Bea Boss"), bossId, QString()},
            {QStringLiteral("agent.disabled"), QStringLiteral("agent"), QStringLiteral("Bea Boss"), bossId,
             QStringLiteral("ann")},
            {QStringLiteral("agent.enabled"), QStringLiteral("agent"), QStringLiteral("Bea Boss"), bossId,
             QStringLiteral("ann")},
            {QStringLiteral("agent.password_reset"), QStringLiteral("agent"), QStringLiteral("Bea Boss"),
             bossId, QStringLiteral("ann")},
            {QStringLiteral("agent.sessions_revoked"), QStringLiteral("admin_token"),
             QStringLiteral("admin token"), 0, QStringLiteral("ann")},
        };
        QSqlQuery q = db.execOnce(
            QStringLiteral("SELECT action, actor_kind, coalesce(actor_name, ''), coalesce(agent_id, 0), "
                           "coalesce(details->>'username', ''), at IS NOT NULL, coalesce(remote, '') "
                           "FROM audit_log ORDER BY id"));
        QList<Row> actual;
        QStringList remotes;
        while (q.next()) {
            actual.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                           q.value(3).toInt(), q.value(4).toString()});
            QVERIFY(q.value(5).toBool());
            remotes << q.value(6).toString();
        }
        QStringList seen;
        for (const Row &a : std::as_const(actual))
            seen << a.action + QLatin1Char('/') + a.kind + QLatin1Char('/') + a.name + QLatin1Char('/') +
                        a.username;
        QVERIFY2(actual.size() == expected.size(), qPrintable(seen.join(QLatin1Char('\n'))));
        for (qsizetype i = 0; i < expected.size(); ++i) {
            const Row &e = expected.at(i);
            const Row &a = actual.at(i);
            const QByteArray where = QByteArray::number(i) + ": " + a.action.toUtf8();
            QVERIFY2(a.action == e.action, where.constData());
            QVERIFY2(a.kind == e.kind, (where + " kind " + a.kind.toUtf8()).constData());
            if (e.kind == QLatin1String("cli"))
                QVERIFY2(a.name.startsWith(e.name), (where + " name " + a.name.toUtf8()).constData());
            else if (!e.name.isEmpty())
                QVERIFY2(a.name == e.name, (where + " name " + a.name.toUtf8()).constData());
            QVERIFY2(a.agentId == e.agentId, where.constData());
            if (!e.username.isEmpty())
                QVERIFY2(a.username == e.username, (where + " username " + a.username.toUtf8()).constData());
        }
        // Sign-ins record where they came from.
        QVERIFY(!remotes.at(2).isEmpty());
        QVERIFY(!remotes.at(3).isEmpty());
        // The audit trail never holds a password or a token.
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM audit_log a WHERE strpos(a::text, ?) > 0 OR "
                                          "strpos(a::text, 'password\"') > 0 OR strpos(a::text, ?) > 0"),
                           {annPassword, QString::fromLatin1(annToken)})
                     .toInt(),
                 0);
    }

    void commandLineAgentCommands()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-cli"));
        TestServer server(params);
        HttpClient &http = server.http();
        const QString first = QStringLiteral("dora's long password");
        const QString second = QStringLiteral("dora's second password");

        CliResult r = runCli(params,
                             {QStringLiteral("agent"), QStringLiteral("add"), QStringLiteral("Dora"),
                              QStringLiteral("--name"), QStringLiteral("Dora Explorer"),
                              QStringLiteral("--role"), QStringLiteral("admin")},
                             first.toUtf8() + '\n');
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains(QStringLiteral("dora")), qPrintable(describe(r)));
        QVERIFY2(!r.out.contains(first) && !r.err.contains(first), qPrintable(describe(r)));
        QCOMPARE(db.scalar(QStringLiteral("SELECT display_name || '/' || role FROM agents WHERE username = "
                                          "'dora' AND disabled_at IS NULL"))
                     .toString(),
                 QStringLiteral("Dora Explorer/admin"));

        // The account works through the HTTP sign-in, as an admin.
        HttpResult signedIn = login(http, QStringLiteral("dora"), first);
        VERIFY_STATUS(signedIn, 200);
        QCOMPARE(agentsField(signedIn.json.value(QStringLiteral("agent")).toObject(), "role"),
                 QStringLiteral("admin"));
        QCOMPARE(agentsField(signedIn.json.value(QStringLiteral("agent")).toObject(), "display_name"),
                 QStringLiteral("Dora Explorer"));
        QByteArray token = signedIn.json.value(QStringLiteral("token")).toString().toLatin1();
        VERIFY_STATUS(http.get(QStringLiteral("/api/admin/agents"), HttpClient::bearer(token)), 200);

        // agent list
        r = runCli(params, {QStringLiteral("agent"), QStringLiteral("list")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains(QStringLiteral("dora\tDora Explorer\tadmin")), qPrintable(describe(r)));
        QVERIFY2(!r.out.contains(QStringLiteral("disabled")), qPrintable(describe(r)));

        // agent revoke-sessions
        r = runCli(params,
                   {QStringLiteral("agent"), QStringLiteral("revoke-sessions"), QStringLiteral("dora")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains(QStringLiteral("1 session")), qPrintable(describe(r)));
        VERIFY_ERROR(http.get(QStringLiteral("/api/auth/me"), HttpClient::bearer(token)), 401,
                     "invalid_token");

        // agent reset-password: the old password and the old sessions stop working.
        signedIn = login(http, QStringLiteral("dora"), first);
        VERIFY_STATUS(signedIn, 200);
        token = signedIn.json.value(QStringLiteral("token")).toString().toLatin1();
        r = runCli(params,
                   {QStringLiteral("agent"), QStringLiteral("reset-password"), QStringLiteral("dora")},
                   second.toUtf8() + '\n');
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        VERIFY_ERROR(http.get(QStringLiteral("/api/auth/me"), HttpClient::bearer(token)), 401,
                     "invalid_token");
        VERIFY_ERROR(login(http, QStringLiteral("dora"), first), 401, "invalid_credentials");
        signedIn = login(http, QStringLiteral("dora"), second);
        VERIFY_STATUS(signedIn, 200);
        token = signedIn.json.value(QStringLiteral("token")).toString().toLatin1();

        // agent disable: sessions end, sign-in refused, shown in the list.
        r = runCli(params, {QStringLiteral("agent"), QStringLiteral("disable"), QStringLiteral("dora")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        VERIFY_ERROR(http.get(QStringLiteral("/api/auth/me"), HttpClient::bearer(token)), 401,
                     "invalid_token");
        VERIFY_ERROR(login(http, QStringLiteral("dora"), second), 401, "invalid_credentials");
        r = runCli(params, {QStringLiteral("agent"), QStringLiteral("list")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains(QStringLiteral("dora\tDora Explorer\tadmin\tdisabled")),
                 qPrintable(describe(r)));

        // agent enable
        r = runCli(params, {QStringLiteral("agent"), QStringLiteral("enable"), QStringLiteral("dora")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        VERIFY_STATUS(login(http, QStringLiteral("dora"), second), 200);

        // Every change is in the audit trail as made from the command line.
        QSqlQuery q = db.execOnce(QStringLiteral(
            "SELECT action, actor_kind, actor_name FROM audit_log WHERE action LIKE 'agent.%' ORDER BY id"));
        QStringList actions;
        while (q.next()) {
            actions << q.value(0).toString();
            QCOMPARE(q.value(1).toString(), QStringLiteral("cli"));
            QVERIFY2(q.value(2).toString().startsWith(QStringLiteral("command line")),
                     qPrintable(q.value(2).toString()));
        }
        QCOMPARE(actions,
                 (QStringList{QStringLiteral("agent.added"), QStringLiteral("agent.sessions_revoked"),
                              QStringLiteral("agent.password_reset"), QStringLiteral("agent.disabled"),
                              QStringLiteral("agent.enabled")}));
    }

    void commandLineRefusesAShortPassword()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-cli-short"));

        CliResult r = runCli(params,
                             {QStringLiteral("agent"), QStringLiteral("add"), QStringLiteral("eve"),
                              QStringLiteral("--name"), QStringLiteral("Eve Evans")},
                             "short\n");
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("10 characters")), qPrintable(describe(r)));
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM agents")).toInt(), 0);

        // No password at all.
        r = runCli(params, {QStringLiteral("agent"), QStringLiteral("add"), QStringLiteral("eve"),
                            QStringLiteral("--name"), QStringLiteral("Eve Evans")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(!r.err.trimmed().isEmpty(), qPrintable(describe(r)));
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM agents")).toInt(), 0);

        // A taken username.
        addAgent(db, QStringLiteral("eve"), QStringLiteral("Eve Evans"));
        r = runCli(params,
                   {QStringLiteral("agent"), QStringLiteral("add"), QStringLiteral("eve"),
                    QStringLiteral("--name"), QStringLiteral("Another Eve")},
                   "another long password\n");
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("eve")), qPrintable(describe(r)));
        QCOMPARE(db.scalar(QStringLiteral("SELECT display_name FROM agents")).toString(),
                 QStringLiteral("Eve Evans"));
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM agents")).toInt(), 1);
    }

    void commandLineUnknownUsername()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-cli-unknown"));
        addAgent(db, QStringLiteral("ann"), QStringLiteral("Ann Agent"));

        for (const char *sub : {"disable", "enable", "reset-password", "revoke-sessions"}) {
            const CliResult r =
                runCli(params, {QStringLiteral("agent"), QLatin1String(sub), QStringLiteral("ghost")},
                       "a perfectly long password\n");
            QVERIFY2(r.exitCode == 1, qPrintable(QLatin1String(sub) + QLatin1Char(' ') + describe(r)));
            QVERIFY2(r.err.contains(QStringLiteral("'ghost'")) &&
                         r.err.contains(QStringLiteral("no agent account"), Qt::CaseInsensitive),
                     qPrintable(QLatin1String(sub) + QLatin1Char(' ') + describe(r)));
        }
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM agents")).toInt(), 1);
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE actor_kind = 'cli' AND action "
                                     "<> 'agent.added'"))
                .toInt(),
            0);
    }
};

QTEST_GUILESS_MAIN(TestAuth)
#include "tst_auth.moc"
