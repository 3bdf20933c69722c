#include "Config.h"
#include "base/TrustedProxies.h"
#include "db/DbParams.h"

#include <QCommandLineParser>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

// Settings come from the INI file, then the environment, then the command line, each winning over the
// one before; secrets are never part of what is printed.
class TestConfig : public QObject {
    Q_OBJECT

    bool load(const QStringList &args, Config *config, QString *error)
    {
        QCommandLineParser parser;
        Config::addOptions(parser);
        if (!parser.parse(QStringList{QStringLiteral("liftline-server")} + args)) {
            *error = parser.errorText();
            return false;
        }
        return Config::load(parser, config, error);
    }

    // An INI settings file in `dir` holding `text`; its path, empty if it could not be written.
    static QString writeIni(const QTemporaryDir &dir, const QByteArray &text)
    {
        const QString path = dir.filePath(QStringLiteral("liftline.ini"));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size())
            return {};
        return path;
    }

    const QList<QByteArray> variables{"DATABASE_URL",
                                      "PORT",
                                      "LISTEN",
                                      "ADMIN_TOKEN",
                                      "AI_ASSISTANT_TOKEN",
                                      "LIFTLINE_DB_THREADS",
                                      "LIFTLINE_DATA_DIR",
                                      "META_ACCESS_TOKEN",
                                      "HOST_WEBHOOK_FORWARD",
                                      "LIFTLINE_HTTP_HEADER_TIMEOUT_SECONDS",
                                      "LIFTLINE_HTTP_MAX_CONNECTIONS",
                                      "LIFTLINE_WEBHOOK_MAX_BODY_BYTES",
                                      "LIFTLINE_TRUSTED_PROXIES"};

private Q_SLOTS:
    void init()
    {
        for (const QByteArray &v : variables)
            qunsetenv(v.constData());
    }
    void cleanup() { init(); }

    void defaults()
    {
        Config c;
        QString error;
        QVERIFY2(load({}, &c, &error), qPrintable(error));
        QCOMPARE(c.listenAddress, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(c.port, quint16(8080));
        QVERIFY(c.databaseUrl.isEmpty());
        QCOMPARE(c.dbThreads, 4);
        QVERIFY(!c.demo);
    }

    void precedence()
    {
        QTemporaryDir dir;
        const QString ini = dir.filePath(QStringLiteral("liftline.ini"));
        QFile f(ini);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("DATABASE_URL=postgres://file@db/"
                "file\nADMIN_TOKEN=from-the-file-0123456789\nLISTEN=0.0.0.0:9000\n"
                "LIFTLINE_DB_THREADS=2\n");
        f.close();

        Config fromFile;
        QString error;
        QVERIFY2(load({QStringLiteral("--config"), ini}, &fromFile, &error), qPrintable(error));
        QCOMPARE(fromFile.databaseUrl, QStringLiteral("postgres://file@db/file"));
        QCOMPARE(fromFile.adminToken, QStringLiteral("from-the-file-0123456789"));
        QCOMPARE(fromFile.port, quint16(9000));
        QCOMPARE(fromFile.listenAddress, QHostAddress(QHostAddress::AnyIPv4));
        QCOMPARE(fromFile.dbThreads, 2);

        qputenv("DATABASE_URL", "postgres://env@db/env");
        qputenv("PORT", "9100");
        Config fromEnv;
        QVERIFY2(load({QStringLiteral("--config"), ini}, &fromEnv, &error), qPrintable(error));
        QCOMPARE(fromEnv.databaseUrl, QStringLiteral("postgres://env@db/env"));
        QCOMPARE(fromEnv.adminToken, QStringLiteral("from-the-file-0123456789"));
        // The environment's PORT wins over the file's LISTEN; the file's host stays.
        QCOMPARE(fromEnv.port, quint16(9100));
        QCOMPARE(fromEnv.listenAddress, QHostAddress(QHostAddress::AnyIPv4));

        Config fromFlags;
        QVERIFY2(load({QStringLiteral("--config"), ini, QStringLiteral("--listen"),
                       QStringLiteral("127.0.0.1:9200"), QStringLiteral("--db-threads"), QStringLiteral("6")},
                      &fromFlags, &error),
                 qPrintable(error));
        QCOMPARE(fromFlags.port, quint16(9200));
        QCOMPARE(fromFlags.listenAddress, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(fromFlags.dbThreads, 6);
        QCOMPARE(fromFlags.databaseUrl, QStringLiteral("postgres://env@db/env"));
    }

    void portAlone()
    {
        qputenv("PORT", "18181");
        Config c;
        QString error;
        QVERIFY2(load({}, &c, &error), qPrintable(error));
        QCOMPARE(c.port, quint16(18181));
        QCOMPARE(c.listenAddress, QHostAddress(QHostAddress::LocalHost));
    }

    void badValues_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("listen without port")
            << QStringList{QStringLiteral("--listen"), QStringLiteral("localhost")} << "HOST:PORT";
        QTest::newRow("listen bad host")
            << QStringList{QStringLiteral("--listen"), QStringLiteral("example.org:80")} << "IP address";
        QTest::newRow("port too big")
            << QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:70000")} << "HOST:PORT";
        QTest::newRow("threads") << QStringList{QStringLiteral("--db-threads"), QStringLiteral("0")}
                                 << "--db-threads";
        QTest::newRow("missing file")
            << QStringList{QStringLiteral("--config"), QStringLiteral("/nonexistent/liftline.ini")}
            << "/nonexistent/liftline.ini";
    }
    void badValues()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        Config c;
        QString error;
        QVERIFY(!load(args, &c, &error));
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }

    // The HTTP edge's limits: seconds in the setting, milliseconds inside; a bad value names the setting.
    void httpLimits()
    {
        Config c;
        QString error;
        QVERIFY2(load({}, &c, &error), qPrintable(error));
        QCOMPARE(c.httpHeaderTimeoutMs, 10000);
        QCOMPARE(c.httpMaxHeaderBytes, 16384);
        QCOMPARE(c.webhookMaxBodyBytes, 1 << 20);
        QTemporaryDir dir;
        const QString ini =
            writeIni(dir, "LIFTLINE_HTTP_MAX_CONNECTIONS=500\nLIFTLINE_WEBHOOK_MAX_BODY_BYTES=2097152\n");
        QVERIFY(!ini.isEmpty());
        qputenv("LIFTLINE_HTTP_HEADER_TIMEOUT_SECONDS", "5");
        qputenv("LIFTLINE_HTTP_MAX_CONNECTIONS", "800"); // the environment wins over the file
        Config d;
        QVERIFY2(load({QStringLiteral("--config"), ini}, &d, &error), qPrintable(error));
        QCOMPARE(d.httpHeaderTimeoutMs, 5000);
        QCOMPARE(d.httpMaxConnections, 800);
        QCOMPARE(d.webhookMaxBodyBytes, 2 << 20);
        qputenv("LIFTLINE_HTTP_HEADER_TIMEOUT_SECONDS", "soon");
        Config e;
        QVERIFY(!load({}, &e, &error));
        QVERIFY2(error.contains(QLatin1String("LIFTLINE_HTTP_HEADER_TIMEOUT_SECONDS")), qPrintable(error));
    }

    // A pending send is swept as abandoned only after the longest a send may take, plus a minute.
    void abandonedSendsWaitForTheLongestSend()
    {
        Config c;
        QCOMPARE(c.abandonedSendSeconds(), 75);
        c.sendTimeoutMs = 120000;
        QCOMPARE(c.abandonedSendSeconds(), 180);
        QVERIFY(c.abandonedSendSeconds() * 1000 > c.sendTimeoutMs);
    }

    // Behind trusted proxies the client is the right-most X-Forwarded-For address that is not one of them.
    void trustedProxies()
    {
        TrustedProxies none;
        QString error;
        QVERIFY(TrustedProxies::parse(QString(), &none, &error));
        const QHostAddress local(QStringLiteral("127.0.0.1"));
        QCOMPARE(none.clientAddress(local, "203.0.113.5"), QStringLiteral("127.0.0.1"));

        TrustedProxies p;
        QVERIFY2(TrustedProxies::parse(QStringLiteral("127.0.0.1, ::1, 10.0.0.0/8"), &p, &error),
                 qPrintable(error));
        QCOMPARE(p.clientAddress(local, QByteArray()), QStringLiteral("127.0.0.1"));
        QCOMPARE(p.clientAddress(local, "203.0.113.5"), QStringLiteral("203.0.113.5"));
        // The client's own claims (left) are not believed; proxies of ours (right) are skipped.
        QCOMPARE(p.clientAddress(local, "1.2.3.4, 203.0.113.5"), QStringLiteral("203.0.113.5"));
        QCOMPARE(p.clientAddress(local, "1.2.3.4, 203.0.113.5, 10.1.2.3"), QStringLiteral("203.0.113.5"));
        QCOMPARE(p.clientAddress(local, "203.0.113.5:4711"), QStringLiteral("203.0.113.5"));
        QCOMPARE(p.clientAddress(local, "[2001:db8::7]:4711"), QStringLiteral("2001:db8::7"));
        QCOMPARE(p.clientAddress(QHostAddress(QStringLiteral("::ffff:127.0.0.1")), "203.0.113.9"),
                 QStringLiteral("203.0.113.9"));
        // Garbage stops the walk at the last real hop.
        QCOMPARE(p.clientAddress(local, "203.0.113.5, not-an-address"), QStringLiteral("127.0.0.1"));
        // From an untrusted peer the header is ignored.
        QCOMPARE(p.clientAddress(QHostAddress(QStringLiteral("192.0.2.1")), "203.0.113.5"),
                 QStringLiteral("192.0.2.1"));

        // From the INI file, where QSettings reads "a,b" as a list.
        QTemporaryDir dir;
        const QString ini =
            writeIni(dir, "LIFTLINE_TRUSTED_PROXIES=127.0.0.1,::1\nADMIN_TOKEN=with,a,comma,0123456789\n");
        QVERIFY(!ini.isEmpty());
        Config fromFile;
        QVERIFY2(load({QStringLiteral("--config"), ini}, &fromFile, &error), qPrintable(error));
        QCOMPARE(fromFile.trustedProxies, QStringLiteral("127.0.0.1,::1"));
        QCOMPARE(fromFile.adminToken, QStringLiteral("with,a,comma,0123456789"));

        QVERIFY(!TrustedProxies::parse(QStringLiteral("127.0.0.1, nginx.local"), &p, &error));
        QVERIFY2(error.contains(QLatin1String("nginx.local")), qPrintable(error));
        qputenv("LIFTLINE_TRUSTED_PROXIES", "10.0.0.0/33");
        Config c;
        QVERIFY(!load({}, &c, &error));
        QVERIFY2(error.contains(QLatin1String("LIFTLINE_TRUSTED_PROXIES")), qPrintable(error));
    }

    // What reaches the original server: by default only what its own alerts need.
    void hostForwarding()
    {
        Config c;
        QString error;
        QVERIFY2(load({}, &c, &error), qPrintable(error));
        QCOMPARE(c.hostWebhookForward, QStringLiteral("host"));
        qputenv("HOST_WEBHOOK_FORWARD", "All");
        QVERIFY2(load({}, &c, &error), qPrintable(error));
        QCOMPARE(c.hostWebhookForward, QStringLiteral("all"));
        qputenv("HOST_WEBHOOK_FORWARD", "texts");
        Config bad;
        QVERIFY(!load({}, &bad, &error));
        QVERIFY2(error.contains(QLatin1String("HOST_WEBHOOK_FORWARD")) &&
                     error.contains(QLatin1String("'texts'")),
                 qPrintable(error));
    }

    void shortTokensAreIgnoredWithAWarning()
    {
        qputenv("ADMIN_TOKEN", "abc123");
        Config c;
        QString error;
        QVERIFY(load({}, &c, &error));
        const QStringList warnings = c.warnings();
        QCOMPARE(warnings.size(), 1);
        QVERIFY(warnings.first().contains(QStringLiteral("ADMIN_TOKEN")));
        QVERIFY(!warnings.first().contains(QStringLiteral("abc123")));
    }

    // Every setting the packaged server.conf lists is read from it; the environment still wins.
    void theSendTimeoutComesFromTheSettingsFile()
    {
        QTemporaryDir dir;
        const QString ini = writeIni(dir, "WHATSAPP_SEND_TIMEOUT_MS=20000\n");
        QVERIFY(!ini.isEmpty());
        Config c;
        QString error;
        QVERIFY2(load({QStringLiteral("--config"), ini}, &c, &error), qPrintable(error));
        QCOMPARE(c.sendTimeoutMs, 20000);
        qputenv("WHATSAPP_SEND_TIMEOUT_MS", "9000");
        Config d;
        QVERIFY2(load({QStringLiteral("--config"), ini}, &d, &error), qPrintable(error));
        QCOMPARE(d.sendTimeoutMs, 9000);
        qunsetenv("WHATSAPP_SEND_TIMEOUT_MS");
    }

    // The escalation's settings are checked at start: a mistake in the ladder or a call-out's address stops
    // the server with the setting's name, not during an entrapment.
    void escalationSettings()
    {
        QTemporaryDir dir;
        const QString ini = writeIni(dir, "LIFTLINE_ESCALATION_LADDER=0:consoles, 45:oncall1\n"
                                          "LIFTLINE_ONCALL_TEMPLATE=none\n"
                                          "LIFTLINE_ONCALL_UPDATE_TEMPLATE= none \n"
                                          "PAGERDUTY_EVENTS_URL=http://127.0.0.1:9/pd\n");
        Config c;
        QString error;
        QVERIFY2(load({QStringLiteral("--config"), ini}, &c, &error), qPrintable(error));
        QCOMPARE(c.escalationLadder, QStringLiteral("0:consoles,45:oncall1"));
        QVERIFY(c.oncallTemplate.isEmpty());
        QVERIFY(c.oncallUpdateTemplate.isEmpty());
        QCOMPARE(Config().oncallUpdateTemplate, QStringLiteral("liftline_oncall_update"));
        QCOMPARE(c.pagerDutyEventsUrl, QStringLiteral("http://127.0.0.1:9/pd"));

        qputenv("LIFTLINE_ESCALATION_LADDER", "60:oncall1,30:supervisors");
        Config d;
        QVERIFY(!load({}, &d, &error));
        QVERIFY2(error.startsWith(QLatin1String("LIFTLINE_ESCALATION_LADDER")) &&
                     error.contains(QLatin1String("order")),
                 qPrintable(error));
        qunsetenv("LIFTLINE_ESCALATION_LADDER");

        qputenv("LIFTLINE_CALLOUT_WEBHOOK_URL", "ftp://tools.example.com/x");
        Config e;
        QVERIFY(!load({}, &e, &error));
        QVERIFY2(error.startsWith(QLatin1String("LIFTLINE_CALLOUT_WEBHOOK_URL")), qPrintable(error));
        qunsetenv("LIFTLINE_CALLOUT_WEBHOOK_URL");

        qputenv("LIFTLINE_ESCALATION_POLL_MS", "5");
        Config f;
        QVERIFY(!load({}, &f, &error));
        QVERIFY2(error.contains(QLatin1String("LIFTLINE_ESCALATION_POLL_MS")), qPrintable(error));
        qunsetenv("LIFTLINE_ESCALATION_POLL_MS");

        // The automatic messages, per language: each has WhatsApp's one-message limit, named.
        qputenv("LIFTLINE_ACK_CONFIRMATION_AF", QByteArray(1001, 'a'));
        Config g;
        QVERIFY(!load({}, &g, &error));
        QVERIFY2(error.startsWith(QLatin1String("LIFTLINE_ACK_CONFIRMATION_AF may have at most 1000")),
                 qPrintable(error));
        qputenv("LIFTLINE_ACK_CONFIRMATION_AF", "  {agent} het dit  ");
        Config h;
        QVERIFY2(load({}, &h, &error), qPrintable(error));
        QCOMPARE(h.ackConfirmationAf, QStringLiteral("{agent} het dit"));
        qunsetenv("LIFTLINE_ACK_CONFIRMATION_AF");
        // A server that had turned the confirmation off keeps it off in Afrikaans too.
        qputenv("LIFTLINE_ACK_CONFIRMATION", "");
        Config off;
        QVERIFY2(load({}, &off, &error), qPrintable(error));
        QVERIFY(off.ackConfirmation.isEmpty());
        QVERIFY(off.ackConfirmationAf.isEmpty());
        qunsetenv("LIFTLINE_ACK_CONFIRMATION");
    }

    // Credentials with a real transport give no warning (this version does send); with the sandbox
    // chosen on purpose, the admin is told nothing is delivered.
    void credentialsWarnOnlyWhenTheSandboxIsChosen()
    {
        qputenv("META_ACCESS_TOKEN", "EAAG-a-token-for-the-test");
        Config graph;
        QString error;
        QVERIFY2(load({}, &graph, &error), qPrintable(error));
        QCOMPARE(graph.effectiveTransport(), QStringLiteral("graph"));
        QVERIFY2(graph.warnings().isEmpty(), qPrintable(graph.warnings().join(QLatin1Char('\n'))));
        qputenv("WHATSAPP_TRANSPORT", "sandbox");
        Config sandbox;
        QVERIFY2(load({}, &sandbox, &error), qPrintable(error));
        QCOMPARE(sandbox.warnings().size(), 1);
        QVERIFY(sandbox.warnings().first().contains(QLatin1String("not delivered")));
        qunsetenv("WHATSAPP_TRANSPORT");
        qunsetenv("META_ACCESS_TOKEN");
    }

    void databaseUrls()
    {
        QString error;
        DbParams p = DbParams::fromUrl(
            QStringLiteral("postgres://agent:s%40cret@db.example.org:6543/liftline?sslmode=require"), &error);
        QVERIFY2(p.isValid(), qPrintable(error));
        QCOMPARE(p.host, QStringLiteral("db.example.org"));
        QCOMPARE(p.port, 6543);
        QCOMPARE(p.user, QStringLiteral("agent"));
        QCOMPARE(p.password, QStringLiteral("s@cret"));
        QCOMPARE(p.database, QStringLiteral("liftline"));
        QCOMPARE(p.connectOptions, QStringLiteral("sslmode=require"));
        QVERIFY(!p.describe().contains(QStringLiteral("s@cret")));

        p = DbParams::fromUrl(QStringLiteral("postgresql://liftline@localhost/chat?host=/tmp/pg-sock"),
                              &error);
        QVERIFY2(p.isValid(), qPrintable(error));
        QCOMPARE(p.host, QStringLiteral("/tmp/pg-sock"));
        QCOMPARE(p.database, QStringLiteral("chat"));
        QVERIFY(p.describe().contains(QStringLiteral("socket /tmp/pg-sock")));

        // What toUrl() writes, fromUrl() reads back unchanged: passwords with reserved characters too.
        DbParams original;
        original.host = QStringLiteral("/tmp/liftline-pg-abc");
        original.port = 5433;
        original.user = QStringLiteral("liftline");
        original.password = QStringLiteral("p@ss/w:rd?&");
        original.database = QStringLiteral("chat");
        original.connectOptions = QStringLiteral("sslmode=disable");
        const DbParams back = DbParams::fromUrl(original.toUrl(), &error);
        QVERIFY2(back.isValid(), qPrintable(error));
        QCOMPARE(back.host, original.host);
        QCOMPARE(back.port, original.port);
        QCOMPARE(back.user, original.user);
        QCOMPARE(back.password, original.password);
        QCOMPARE(back.database, original.database);
        QCOMPARE(back.connectOptions, original.connectOptions);

        QVERIFY(!DbParams::fromUrl(QStringLiteral("mysql://x@y/z"), &error).isValid());
        QVERIFY(error.contains(QStringLiteral("postgres://")));
        QVERIFY(!DbParams::fromUrl(QStringLiteral("postgres://x@y"), &error).isValid());
        QVERIFY(error.contains(QStringLiteral("names no database")));
    }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
