#include "HttpClient.h"
#include "ServerProcess.h"
#include "db/Db.h"
#include "db/EmbeddedPostgres.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>
#include <QUuid>

#include <algorithm>
#include <sys/stat.h>

// `liftline-server backup FILE` and `restore FILE` on the embedded cluster, run as the real binary: a
// backup taken while the server runs, a restore refused while it runs, a restore that brings the data back,
// a damaged file that changes nothing, and a backup that cannot be written leaving nothing behind.
namespace {

// This suite's Scratch folders are named liftline-backup-XXXXXX.
const QString scratchPrefix = QStringLiteral("liftline-backup");

QList<int> ticketIds(const HttpResult &conversations)
{
    QList<int> ids;
    const QJsonArray list = conversations.json.value(QStringLiteral("conversations")).toArray();
    for (const QJsonValue &v : list)
        ids << v.toObject().value(QStringLiteral("id")).toInt();
    std::sort(ids.begin(), ids.end());
    return ids;
}

QStringList messageTexts(const HttpResult &messages)
{
    QStringList texts;
    const QJsonArray list = messages.json.value(QStringLiteral("messages")).toArray();
    for (const QJsonValue &v : list)
        texts << v.toObject().value(QStringLiteral("message")).toString();
    return texts;
}

// What the embedded cluster on dataDir holds, read directly (the server must not be running, or this
// attaches to it).
QString snapshot(const QString &dataDir)
{
    EmbeddedPostgres::Options options;
    options.dataDir = dataDir;
    options.durable = false;
    EmbeddedPostgres pg(options);
    QString error;
    if (!pg.start(&error))
        return QStringLiteral("cannot start: ") + error;
    try {
        Db db(pg.params(), QStringLiteral("backup-snapshot"));
        QStringList parts;
        for (const char *table : {"lifts", "contacts", "tickets", "chat_messages", "agents"})
            parts << QStringLiteral("%1=%2").arg(
                QString::fromLatin1(table),
                db.scalar(QStringLiteral("SELECT count(*) FROM %1").arg(QString::fromLatin1(table)))
                    .toString());
        parts << QStringLiteral("tickets:") +
                     db.scalar(
                           QStringLiteral("SELECT string_agg(id || ' ' || ticket_reference, ',' ORDER BY id) "
                                          "FROM tickets"))
                         .toString();
        parts << QStringLiteral("databases:") +
                     db.scalar(QStringLiteral(
                                   "SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database"))
                         .toString();
        return parts.join(QLatin1Char(' '));
    } catch (const DbError &e) {
        return QStringLiteral("query failed: ") + e.message();
    }
}

// Databases other than the live one that a restore would create (staging, the previous copy).
int restoreLeftovers(const DbParams &params)
{
    Db db(params.withDatabase(QStringLiteral("postgres")), QStringLiteral("backup-leftovers"));
    return db
        .scalar(QStringLiteral(
                    "SELECT count(*) FROM pg_database WHERE datname LIKE 'liftline%' AND datname <> ?"),
                {params.database})
        .toInt();
}

} // namespace

class TestBackup : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void backupAndRestoreRoundTrip()
    {
        Scratch tmp(scratchPrefix);
        QVERIFY(tmp.isValid());
        const QString dataDir = tmp.path(QStringLiteral("pgdata"));
        const QString file = tmp.path(QStringLiteral("liftline.backup"));
        const QString marker =
            QStringLiteral("Backup marker ") + QUuid::createUuid().toString(QUuid::WithoutBraces);

        QString password;
        QByteArray token;
        QList<int> idsAtBackup;
        int messagesAtBackup = 0;
        {
            ServerProcess server(dataDir);
            QVERIFY2(server.start({QStringLiteral("--demo")}), qPrintable(server.output()));
            const QRegularExpressionMatch demo = server.waitForOutput(
                QRegularExpression(QStringLiteral("one-time password ([A-Za-z0-9_-]+)")), 30000);
            QVERIFY2(demo.hasMatch(), qPrintable(server.output()));
            password = demo.captured(1);
            HttpClient http(server.url());

            const HttpResult login = http.postJson(QStringLiteral("/api/auth/login"),
                                                   {{QStringLiteral("username"), QStringLiteral("demo")},
                                                    {QStringLiteral("password"), password}});
            QCOMPARE(login.status, 200);
            token = login.json.value(QStringLiteral("token")).toString().toLatin1();
            QVERIFY(!token.isEmpty());
            const auto auth = HttpClient::bearer(token);

            const HttpResult sent = http.postJson(QStringLiteral("/api/chat/1/send"),
                                                  {{QStringLiteral("message"), marker}}, auth);
            QVERIFY2(sent.status == 200, sent.body.constData());
            QCOMPARE(sent.json.value(QStringLiteral("chat_message"))
                         .toObject()
                         .value(QStringLiteral("message"))
                         .toString(),
                     marker);

            const HttpResult list = http.get(QStringLiteral("/api/chat/conversations"), auth);
            QCOMPARE(list.status, 200);
            idsAtBackup = ticketIds(list);
            QVERIFY(idsAtBackup.contains(1));
            const HttpResult thread = http.get(QStringLiteral("/api/chat/1/messages"), auth);
            QCOMPARE(thread.status, 200);
            QVERIFY(messageTexts(thread).contains(marker));
            messagesAtBackup = int(messageTexts(thread).size());

            // A backup while the server runs.
            const CliResult backup = runCli(dataDir, {QStringLiteral("backup"), file});
            QVERIFY2(backup.exitCode == 0, qPrintable(backup.describe()));
            QVERIFY(QFileInfo(file).isFile());
            QVERIFY(QFileInfo(file).size() > 0);
            QVERIFY(!QFileInfo::exists(file + QStringLiteral(".partial")));
            QFile dump(file);
            QVERIFY(dump.open(QIODevice::ReadOnly));
            QCOMPARE(dump.read(5), QByteArray("PGDMP")); // pg_dump's custom format
            dump.close();

            // A restore while it runs is refused and changes nothing.
            const CliResult refused = runCli(dataDir, {QStringLiteral("restore"), file});
            QVERIFY2(refused.exitCode == 1, qPrintable(refused.describe()));
            QVERIFY2(refused.err.contains(QStringLiteral("stop"), Qt::CaseInsensitive),
                     qPrintable(refused.describe()));
            QVERIFY2(refused.err.contains(QStringLiteral("running"), Qt::CaseInsensitive),
                     qPrintable(refused.describe()));
            QVERIFY(server.isRunning());
            QCOMPARE(http.get(QStringLiteral("/readyz")).status, 200);
            QCOMPARE(ticketIds(http.get(QStringLiteral("/api/chat/conversations"), auth)), idsAtBackup);
            const HttpResult threadAfter = http.get(QStringLiteral("/api/chat/1/messages"), auth);
            QCOMPARE(threadAfter.status, 200);
            QCOMPARE(int(messageTexts(threadAfter).size()), messagesAtBackup);
            {
                EmbeddedPostgres::Options options;
                options.dataDir = dataDir;
                options.durable = false;
                EmbeddedPostgres attached(options);
                QString error;
                QVERIFY2(attached.start(&error), qPrintable(error));
                QVERIFY(attached.attached());
                QCOMPARE(restoreLeftovers(attached.params()), 0);
            }
            QVERIFY(QFileInfo(file).isFile());

            QVERIFY2(server.stop(), qPrintable(server.output()));
        }

        // Changed after the backup: a new ticket.
        const CliResult opened = runCli(dataDir, {QStringLiteral("ticket"), QStringLiteral("open"),
                                                  QStringLiteral("--lift"), QStringLiteral("27710000003")});
        QVERIFY2(opened.exitCode == 0, qPrintable(opened.describe()));
        const QRegularExpressionMatch openedId =
            QRegularExpression(QStringLiteral("Opened ticket (\\d+)")).match(opened.out);
        QVERIFY2(openedId.hasMatch(), qPrintable(opened.describe()));
        const int newTicket = openedId.captured(1).toInt();
        QVERIFY(!idsAtBackup.contains(newTicket));

        const CliResult restored = runCli(dataDir, {QStringLiteral("restore"), file});
        QVERIFY2(restored.exitCode == 0, qPrintable(restored.describe()));

        // The server on the restored data: as it was at the backup.
        ServerProcess server(dataDir);
        QVERIFY2(server.start(), qPrintable(server.output()));
        HttpClient http(server.url());
        const HttpResult login = http.postJson(
            QStringLiteral("/api/auth/login"),
            {{QStringLiteral("username"), QStringLiteral("demo")}, {QStringLiteral("password"), password}});
        QCOMPARE(login.status, 200);
        const auto auth = HttpClient::bearer(login.json.value(QStringLiteral("token")).toString().toLatin1());
        const HttpResult list = http.get(QStringLiteral("/api/chat/conversations"), auth);
        QCOMPARE(list.status, 200);
        QCOMPARE(ticketIds(list), idsAtBackup);
        const HttpResult thread = http.get(QStringLiteral("/api/chat/1/messages"), auth);
        QCOMPARE(thread.status, 200);
        QVERIFY(messageTexts(thread).contains(marker));
        QCOMPARE(int(messageTexts(thread).size()), messagesAtBackup);
        const HttpResult gone = http.get(QStringLiteral("/api/chat/%1/messages").arg(newTicket), auth);
        QCOMPARE(gone.status, 404);
        QCOMPARE(gone.errorCode(), QStringLiteral("ticket_not_found"));
        // The session made before the backup came back with it.
        QCOMPARE(http.get(QStringLiteral("/api/chat/conversations"), HttpClient::bearer(token)).status, 200);
        QVERIFY2(server.stop(), qPrintable(server.output()));
    }

    void restoreFromDamagedFileChangesNothing()
    {
        Scratch tmp(scratchPrefix);
        const QString dataDir = tmp.path(QStringLiteral("pgdata"));
        const CliResult imported = runCli(
            dataDir, {QStringLiteral("import-registry"), QStringLiteral(LIFTLINE_TEST_DATA "/registry.csv")});
        QVERIFY2(imported.exitCode == 0, qPrintable(imported.describe()));
        const CliResult opened = runCli(dataDir, {QStringLiteral("ticket"), QStringLiteral("open"),
                                                  QStringLiteral("--lift"), QStringLiteral("27710000001")});
        QVERIFY2(opened.exitCode == 0, qPrintable(opened.describe()));
        const QString good = tmp.path(QStringLiteral("good.backup"));
        const CliResult backup = runCli(dataDir, {QStringLiteral("backup"), good});
        QVERIFY2(backup.exitCode == 0, qPrintable(backup.describe()));

        const QString before = snapshot(dataDir);
        QVERIFY2(before.contains(QStringLiteral("tickets=1 ")), qPrintable(before));

        QFile goodFile(good);
        QVERIFY(goodFile.open(QIODevice::ReadOnly));
        const QByteArray goodBytes = goodFile.readAll();
        QVERIFY(goodBytes.size() > 100);
        const QList<std::pair<QString, QByteArray>> damaged{
            {QStringLiteral("text.backup"), QByteArray("this is not a backup; DROP DATABASE liftline;\n")},
            {QStringLiteral("empty.backup"), QByteArray()},
            {QStringLiteral("truncated.backup"), goodBytes.left(goodBytes.size() / 2)},
            {QStringLiteral("header-only.backup"), goodBytes.left(5) + QByteArray(300, '\x7f')},
        };
        for (const auto &[name, bytes] : damaged) {
            const QString path = tmp.path(name);
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes);
            f.close();
            const CliResult r = runCli(dataDir, {QStringLiteral("restore"), path});
            QVERIFY2(r.exitCode == 1, qPrintable(name + QStringLiteral(": ") + r.describe()));
            QVERIFY2(r.err.contains(path), qPrintable(name + QStringLiteral(": ") + r.describe()));
            QVERIFY2(r.err.contains(QStringLiteral("not changed")),
                     qPrintable(name + QStringLiteral(": ") + r.describe()));
            QCOMPARE(snapshot(dataDir), before);
        }

        const CliResult missing =
            runCli(dataDir, {QStringLiteral("restore"), tmp.path(QStringLiteral("absent"))});
        QVERIFY2(missing.exitCode == 1, qPrintable(missing.describe()));
        QVERIFY2(missing.err.contains(tmp.path(QStringLiteral("absent"))), qPrintable(missing.describe()));
        QCOMPARE(snapshot(dataDir), before);
    }

    // The backup holds every conversation and the password hashes: 0600 whatever the umask. A database
    // password never reaches pg_dump's command line (readable by every account); it gets a password file.
    void backupIsPrivateAndThePasswordStaysOffTheCommandLine()
    {
        Scratch tmp(scratchPrefix);
        const QString dataDir = tmp.path(QStringLiteral("pgdata"));
        const QString file = tmp.path(QStringLiteral("private.backup"));
        const mode_t old = ::umask(022);
        const CliResult r = runCli(dataDir, {QStringLiteral("backup"), file});
        ::umask(old);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(file).constData(), &st), 0);
        QCOMPARE(uint(st.st_mode & 0777), 0600u);

        // pg_dump played by a script that records what it was given (the world outside the project).
        const QString bin = tmp.path(QStringLiteral("bin"));
        QVERIFY(QDir().mkpath(bin));
        const QString record = tmp.path(QStringLiteral("record"));
        QFile script(bin + QStringLiteral("/pg_dump"));
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write(
            "#!/bin/sh\n"
            "{ printf 'ARGS %s\\n' \"$*\"; printf 'PASSFILE '; cat \"$PGPASSFILE\"; "
            "stat -c 'MODE %a' \"$PGPASSFILE\"; } > '" +
            QFile::encodeName(record) +
            "'\n"
            "for a in \"$@\"; do case \"$a\" in --file=*) printf PGDMP > \"${a#--file=}\";; esac; done\n");
        script.close();
        QVERIFY(
            script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
        QProcessEnvironment environment = serverEnvironment();
        environment.insert(QStringLiteral("PATH"),
                           bin + QLatin1Char(':') + environment.value(QStringLiteral("PATH")));
        environment.insert(QStringLiteral("DATABASE_URL"),
                           QStringLiteral("postgres://liftline:s3cret%3Apa%5Css@127.0.0.1:5999/liftline"));
        const CliResult viaUrl = ::runCli(
            QString(), {QStringLiteral("backup"), tmp.path(QStringLiteral("url.backup"))}, environment, {});
        Q_UNUSED(viaUrl); // the script cannot reach a database: only what it was handed matters
        QFile recorded(record);
        QVERIFY2(recorded.open(QIODevice::ReadOnly), qPrintable(viaUrl.describe()));
        const QByteArray seen = recorded.readAll();
        QVERIFY2(!seen.split('\n').value(0).contains("s3cret"), seen.constData());
        QVERIFY2(seen.contains("PASSFILE *:*:*:*:s3cret\\:pa\\\\ss"), seen.constData());
        QVERIFY2(seen.contains("MODE 600"), seen.constData());
    }

    void backupToUnwritablePathLeavesNothing_data()
    {
        QTest::addColumn<QString>("target");
        QTest::newRow("folder that does not exist") << QStringLiteral("missing/sub/liftline.backup");
        QTest::newRow("path that is a folder") << QStringLiteral("a-folder");
        QTest::newRow("read-only file system") << QStringLiteral("/proc/liftline-test.backup");
    }

    void backupToUnwritablePathLeavesNothing()
    {
        QFETCH(QString, target);
        Scratch tmp(scratchPrefix);
        const QString dataDir = tmp.path(QStringLiteral("pgdata"));
        const CliResult migrated = runCli(dataDir, {QStringLiteral("migrate")});
        QVERIFY2(migrated.exitCode == 0, qPrintable(migrated.describe()));
        QVERIFY(QDir().mkpath(tmp.path(QStringLiteral("a-folder"))));
        const QString path = target.startsWith(QLatin1Char('/')) ? target : tmp.path(target);
        const bool wasFolder = QFileInfo(path).isDir();

        const CliResult r = runCli(dataDir, {QStringLiteral("backup"), path});
        QVERIFY2(r.exitCode == 1, qPrintable(r.describe()));
        QVERIFY2(!r.err.trimmed().isEmpty(), qPrintable(r.describe()));
        QVERIFY2(!QFileInfo::exists(path + QStringLiteral(".partial")), qPrintable(r.describe()));
        if (wasFolder) {
            QVERIFY(QFileInfo(path).isDir());
            QVERIFY(QDir(path).isEmpty());
        } else {
            QVERIFY(!QFileInfo::exists(path));
        }
        // Nothing else was left in the folder either.
        QStringList entries = QDir(tmp.root()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot);
        entries.sort();
        QCOMPARE(entries, (QStringList{QStringLiteral("a-folder"), QStringLiteral("pgdata")}));
    }
};

QTEST_GUILESS_MAIN(TestBackup)
#include "tst_backup.moc"
