#include "HttpClient.h"
#include "ServerProcess.h"
#include "db/Db.h"
#include "db/EmbeddedPostgres.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTest>

#include <csignal>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

// The embedded PostgreSQL launcher: start and stop, reuse of a data folder, running as an unprivileged
// account under root, stale postmaster.pid files, attaching to a running cluster, missing binaries, a
// killed server taking its cluster with it, and a subcommand attaching to the server's cluster.
namespace {

// This suite's Scratch folders are named liftline-pgtest-XXXXXX.
const QString scratchPrefix = QStringLiteral("liftline-pgtest");

uint uidOf(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return uint(-1);
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("Uid:"))
            return line.mid(4).simplified().split(' ').value(0).toUInt();
    return uint(-1);
}

EmbeddedPostgres::Options testOptions(const QString &dataDir)
{
    EmbeddedPostgres::Options options;
    options.dataDir = dataDir;
    options.durable = false;
    return options;
}

void writePidFile(const QString &dataDir, qint64 pid, const QString &socketDir)
{
    QFile f(dataDir + QStringLiteral("/postmaster.pid"));
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    const QString text = QStringLiteral("%1\n%2\n1700000000\n5432\n%3\n\n  5432001         0\nready   \n")
                             .arg(pid)
                             .arg(dataDir, socketDir);
    QVERIFY(f.write(text.toUtf8()) > 0);
}

struct EnvGuard {
    QByteArray name;
    bool had;
    QByteArray value;
    explicit EnvGuard(const char *n)
        : name(n)
        , had(qEnvironmentVariableIsSet(n))
        , value(qgetenv(n))
    {}
    ~EnvGuard()
    {
        if (had)
            qputenv(name.constData(), value);
        else
            qunsetenv(name.constData());
    }
};

} // namespace

class TestEmbeddedPostgres : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void startInitialisesStopsAndReuses()
    {
        Scratch tmp(scratchPrefix);
        QVERIFY(tmp.isValid());
        const QString dataDir = tmp.path(QStringLiteral("pgdata"));
        QVERIFY(!QFileInfo::exists(dataDir));

        QString systemId;
        {
            EmbeddedPostgres pg(testOptions(dataDir));
            QString error;
            QVERIFY2(pg.start(&error), qPrintable(error));
            QVERIFY(error.isEmpty());
            QVERIFY(QFileInfo::exists(dataDir + QStringLiteral("/PG_VERSION")));
            QVERIFY(pg.isRunning());
            QVERIFY(!pg.attached());
            const qint64 pid = pg.postmasterPid();
            QVERIFY(pid > 0);
            QVERIFY(isPostgres(pid));
            QCOMPARE(postmasterPidIn(dataDir), pid);
            const QString socketDir = pg.socketDir();
            QVERIFY(!socketDir.isEmpty());
            QVERIFY(QFileInfo(socketDir).isDir());
            // A Unix socket path must fit in about 107 bytes.
            QVERIFY(socketDir.size() + int(sizeof("/.s.PGSQL.65535")) < 107);
            QCOMPARE(pg.params().database, QStringLiteral("liftline"));
            QCOMPARE(pg.params().host, socketDir);
            {
                Db db(pg.params(), QStringLiteral("embedded-first"));
                QCOMPARE(db.scalar(QStringLiteral("SELECT 1")).toInt(), 1);
                QCOMPARE(db.scalar(QStringLiteral("SELECT current_database()")).toString(),
                         QStringLiteral("liftline"));
                systemId =
                    db.scalar(QStringLiteral("SELECT system_identifier::text FROM pg_control_system()"))
                        .toString();
                QVERIFY(!systemId.isEmpty());
                db.execOnce(QStringLiteral("CREATE TABLE kept (note text)"));
                db.execOnce(QStringLiteral("INSERT INTO kept VALUES ('from the first start')"));
            }
            pg.stop();
            QVERIFY(!pg.isRunning());
            QCOMPARE(pg.postmasterPid(), qint64(0));
            QTRY_VERIFY_WITH_TIMEOUT(processGone(pid), 10000);
            QVERIFY(!QFileInfo::exists(socketDir));
            QVERIFY(!QFileInfo::exists(dataDir + QStringLiteral("/postmaster.pid")));
        }

        // The same folder again: the cluster is reused, not created anew.
        EmbeddedPostgres again(testOptions(dataDir));
        QString error;
        QVERIFY2(again.start(&error), qPrintable(error));
        QVERIFY(!again.attached());
        Db db(again.params(), QStringLiteral("embedded-second"));
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT system_identifier::text FROM pg_control_system()")).toString(),
            systemId);
        QCOMPARE(db.scalar(QStringLiteral("SELECT note FROM kept")).toString(),
                 QStringLiteral("from the first start"));
    }

    void runsAsUnprivilegedAccountUnderRoot()
    {
        if (::geteuid() != 0)
            QSKIP("only meaningful as root");
        Scratch tmp(scratchPrefix);
        const QString dataDir = tmp.path(QStringLiteral("pgdata"));
        EmbeddedPostgres pg(testOptions(dataDir));
        QString error;
        QVERIFY2(pg.start(&error), qPrintable(error));
        const QString account = pg.runAsAccount();
        QVERIFY(!account.isEmpty());
        const passwd *pw = ::getpwnam(account.toLocal8Bit().constData());
        QVERIFY(pw);
        QVERIFY(pw->pw_uid != 0);
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(dataDir).constData(), &st), 0);
        QCOMPARE(uint(st.st_uid), uint(pw->pw_uid));
        QCOMPARE(uint(st.st_mode & 0777), 0700u);
        // The postmaster itself runs as that account.
        QCOMPARE(uidOf(pg.postmasterPid()), uint(pw->pw_uid));
    }

    // The data folder belongs to the cluster's account, which could plant links there: run as root, the
    // server neither chowns through a link in the folder's place nor writes its log through one.
    void linksInTheDataFolderAreNotFollowedAsRoot()
    {
        if (::geteuid() != 0)
            QSKIP("only meaningful as root");
        Scratch tmp(scratchPrefix);
        const QString victim = tmp.path(QStringLiteral("victim"));
        QVERIFY(QDir().mkpath(victim));
        QCOMPARE(::chmod(QFile::encodeName(victim).constData(), 0755), 0);
        const QString linked = tmp.path(QStringLiteral("pgdata-link"));
        QVERIFY(QFile::link(victim, linked));
        {
            EmbeddedPostgres pg(testOptions(linked));
            QString error;
            QVERIFY(!pg.start(&error));
            QVERIFY2(error.contains(QLatin1String("symbolic link")), qPrintable(error));
            struct stat st {};
            QCOMPARE(::stat(QFile::encodeName(victim).constData(), &st), 0);
            QCOMPARE(uint(st.st_uid), 0u);
            QCOMPARE(uint(st.st_mode & 0777), 0755u);
        }

        // A cluster whose log was replaced by a link to a file of root's.
        const QString dataDir = tmp.path(QStringLiteral("pgdata"));
        {
            EmbeddedPostgres pg(testOptions(dataDir));
            QString error;
            QVERIFY2(pg.start(&error), qPrintable(error));
            pg.stop();
        }
        const QString rootFile = tmp.path(QStringLiteral("root-only"));
        QFile f(rootFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("root's\n");
        f.close();
        QVERIFY(QFile::remove(dataDir + QStringLiteral("/liftline-postgres.log")));
        QVERIFY(QFile::link(rootFile, dataDir + QStringLiteral("/liftline-postgres.log")));
        EmbeddedPostgres again(testOptions(dataDir));
        QString error;
        QVERIFY(!again.start(&error));
        QVERIFY2(error.contains(QLatin1String("symbolic link")), qPrintable(error));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("root's\n"));
    }

    void unreachableDataFolderIsNamed()
    {
        if (::geteuid() != 0)
            QSKIP("only meaningful as root");
        Scratch tmp(scratchPrefix);
        const QString closed = tmp.path(QStringLiteral("closed"));
        QVERIFY(QDir().mkpath(closed));
        QCOMPARE(::chmod(QFile::encodeName(closed).constData(), 0700), 0);
        const QString dataDir = closed + QStringLiteral("/pgdata");
        EmbeddedPostgres pg(testOptions(dataDir));
        QString error;
        QVERIFY(!pg.start(&error));
        QVERIFY2(error.contains(dataDir), qPrintable(error));
        QVERIFY2(!pg.runAsAccount().isEmpty() && error.contains(pg.runAsAccount()), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("reach"), Qt::CaseInsensitive), qPrintable(error));
        QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
        QVERIFY(!pg.isRunning());
        QCOMPARE(pg.postmasterPid(), qint64(0));
        QVERIFY(!QFileInfo::exists(dataDir + QStringLiteral("/PG_VERSION")));
    }

    void stalePidFileDoesNotStopStart_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("dead process") << QStringLiteral("dead");
        QTest::newRow("live process that is not postgres") << QStringLiteral("sleep");
        QTest::newRow("postmaster of another cluster") << QStringLiteral("other");
    }

    void stalePidFileDoesNotStopStart()
    {
        QFETCH(QString, kind);
        Scratch tmp(scratchPrefix);
        const QString dataDir = tmp.path(QStringLiteral("pgdata"));
        {
            // An initialised cluster, stopped.
            EmbeddedPostgres pg(testOptions(dataDir));
            QString error;
            QVERIFY2(pg.start(&error), qPrintable(error));
        }
        QVERIFY(!QFileInfo::exists(dataDir + QStringLiteral("/postmaster.pid")));

        QProcess sleeper;
        std::unique_ptr<EmbeddedPostgres> other;
        qint64 stalePid = 0;
        QString staleSocket = QStringLiteral("/tmp/liftline-pg-gone");
        if (kind == QLatin1String("dead")) {
            QProcess done;
            done.start(QStringLiteral("/bin/true"));
            QVERIFY(done.waitForStarted());
            stalePid = done.processId();
            QVERIFY(done.waitForFinished());
            QVERIFY(processGone(stalePid));
        } else if (kind == QLatin1String("sleep")) {
            sleeper.start(QStringLiteral("/bin/sleep"), {QStringLiteral("60")});
            QVERIFY(sleeper.waitForStarted());
            stalePid = sleeper.processId();
        } else {
            other = std::make_unique<EmbeddedPostgres>(testOptions(tmp.path(QStringLiteral("other"))));
            QString error;
            QVERIFY2(other->start(&error), qPrintable(error));
            stalePid = other->postmasterPid();
            staleSocket = other->socketDir();
        }
        QVERIFY(stalePid > 0);
        writePidFile(dataDir, stalePid, staleSocket);
        if (QTest::currentTestFailed())
            return;

        EmbeddedPostgres pg(testOptions(dataDir));
        QString error;
        QVERIFY2(pg.start(&error), qPrintable(error));
        QVERIFY(!pg.attached());
        QVERIFY(pg.isRunning());
        QVERIFY(pg.postmasterPid() != stalePid);
        QCOMPARE(postmasterPidIn(dataDir), pg.postmasterPid());
        QVERIFY(pg.socketDir() != staleSocket);
        {
            Db db(pg.params(), QStringLiteral("embedded-stale"));
            QCOMPARE(db.scalar(QStringLiteral("SELECT 1")).toInt(), 1);
            QCOMPARE(db.scalar(QStringLiteral("SELECT current_setting('data_directory')")).toString(),
                     QFileInfo(dataDir).canonicalFilePath());
        }
        // The process the stale file named was left alone.
        if (kind == QLatin1String("sleep"))
            QCOMPARE(sleeper.state(), QProcess::Running);
        if (other) {
            QVERIFY(other->isRunning());
            QVERIFY(isPostgres(stalePid));
        }
        pg.stop();
        if (sleeper.state() != QProcess::NotRunning) {
            sleeper.kill();
            sleeper.waitForFinished(10000);
        }
    }

    void attachesToRunningCluster()
    {
        Scratch tmp(scratchPrefix);
        const QString dataDir = tmp.path(QStringLiteral("pgdata"));
        EmbeddedPostgres first(testOptions(dataDir));
        QString error;
        QVERIFY2(first.start(&error), qPrintable(error));
        QVERIFY(!first.attached());
        const qint64 pid = first.postmasterPid();

        {
            EmbeddedPostgres second(testOptions(dataDir));
            QVERIFY2(second.start(&error), qPrintable(error));
            QVERIFY(second.attached());
            QVERIFY(!second.isRunning());
            QCOMPARE(second.postmasterPid(), pid);
            QCOMPARE(second.socketDir(), first.socketDir());
            QCOMPARE(second.params().port, first.params().port);
            {
                Db db(second.params(), QStringLiteral("embedded-attached"));
                QCOMPARE(db.scalar(QStringLiteral("SELECT 1")).toInt(), 1);
                QCOMPARE(db.scalar(QStringLiteral("SELECT pg_postmaster_start_time() IS NOT NULL")).toBool(),
                         true);
            }
            second.stop();
            QVERIFY(!second.attached());
        }

        // The cluster the first one started is still up, on the same socket.
        QVERIFY(isPostgres(pid));
        QVERIFY(first.isRunning());
        QCOMPARE(first.postmasterPid(), pid);
        QVERIFY(QFileInfo(first.socketDir()).isDir());
        QCOMPARE(postmasterPidIn(dataDir), pid);
        {
            Db db(first.params(), QStringLiteral("embedded-after-detach"));
            QCOMPARE(db.scalar(QStringLiteral("SELECT 1")).toInt(), 1);
        }
        first.stop();
        QTRY_VERIFY_WITH_TIMEOUT(processGone(pid), 10000);
    }

    void missingBinariesGiveOneLineError()
    {
        Scratch tmp(scratchPrefix);
        const QString emptyBin = tmp.path(QStringLiteral("no-postgres-here"));
        QVERIFY(QDir().mkpath(emptyBin));
        const QString dataDir = tmp.path(QStringLiteral("pgdata"));
        EnvGuard guard("LIFTLINE_PG_BINDIR");
        qputenv("LIFTLINE_PG_BINDIR", QFile::encodeName(emptyBin));

        QString error;
        QVERIFY(EmbeddedPostgres::findBinDir(&error).isEmpty());
        QVERIFY2(error.contains(QStringLiteral("LIFTLINE_PG_BINDIR")), qPrintable(error));

        EmbeddedPostgres pg(testOptions(dataDir));
        error.clear();
        QVERIFY(!pg.start(&error));
        QVERIFY(!error.isEmpty());
        QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("LIFTLINE_PG_BINDIR")), qPrintable(error));
        QVERIFY2(error.contains(emptyBin), qPrintable(error));
        QVERIFY(!pg.isRunning());
        QCOMPARE(pg.postmasterPid(), qint64(0));
        // Nothing was created.
        QVERIFY(!QFileInfo::exists(dataDir));
    }

    void killedServerTakesClusterWithIt()
    {
        Scratch tmp(scratchPrefix);
        const QString dataDir = tmp.path(QStringLiteral("pgdata"));
        qint64 pg = 0;
        {
            ServerProcess server(dataDir);
            QVERIFY2(server.start(), qPrintable(server.output()));
            if (::geteuid() == 0)
                QVERIFY2(server.output().contains(QStringLiteral("run as account '")),
                         qPrintable(server.output()));
            pg = postmasterPidIn(dataDir);
            QVERIFY(pg > 0);
            QVERIFY(isPostgres(pg));
            HttpClient http(server.url());
            QCOMPARE(http.get(QStringLiteral("/healthz")).status, 200);

            ::kill(pid_t(server.process().processId()), SIGKILL);
            QVERIFY(server.process().waitForFinished(10000));
            QCOMPARE(server.process().exitStatus(), QProcess::CrashExit);
            QTRY_VERIFY_WITH_TIMEOUT(processGone(pg), 30000);
        }

        // The next start on the same folder works and serves.
        ServerProcess again(dataDir);
        QVERIFY2(again.start(), qPrintable(again.output()));
        const qint64 pg2 = postmasterPidIn(dataDir);
        QVERIFY(isPostgres(pg2));
        HttpClient http(again.url());
        QCOMPARE(http.get(QStringLiteral("/healthz")).status, 200);
        QCOMPARE(http.get(QStringLiteral("/readyz")).status, 200);

        QVERIFY2(again.stop(), qPrintable(again.output()));
        QCOMPARE(again.process().exitCode(), 0);
        QVERIFY(processGone(pg2));
        QVERIFY(!QFileInfo::exists(dataDir + QStringLiteral("/postmaster.pid")));
    }

    void subcommandAttachesToServerCluster()
    {
        Scratch tmp(scratchPrefix);
        const QString dataDir = tmp.path(QStringLiteral("pgdata"));
        ServerProcess server(dataDir);
        QVERIFY2(server.start(), qPrintable(server.output()));
        const qint64 pg = postmasterPidIn(dataDir);
        QVERIFY(isPostgres(pg));

        const CliResult migrate = runCli(dataDir, {QStringLiteral("migrate")});
        QVERIFY2(migrate.exitCode == 0, qPrintable(migrate.describe()));
        QVERIFY2(migrate.out.contains(QStringLiteral("up to date")), qPrintable(migrate.describe()));

        // The server and its cluster carry on as before.
        QCOMPARE(server.process().state(), QProcess::Running);
        QCOMPARE(postmasterPidIn(dataDir), pg);
        QVERIFY(isPostgres(pg));
        HttpClient http(server.url());
        QCOMPARE(http.get(QStringLiteral("/healthz")).status, 200);
        QCOMPARE(http.get(QStringLiteral("/readyz")).status, 200);

        QVERIFY2(server.stop(), qPrintable(server.output()));
        QCOMPARE(server.process().exitCode(), 0);
        QVERIFY(processGone(pg));
    }

    void splitStatements_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("plain") << QStringLiteral("SELECT 1; SELECT 2;")
                               << QStringList{QStringLiteral("SELECT 1"), QStringLiteral("SELECT 2")};
        QTest::newRow("no final semicolon")
            << QStringLiteral("SELECT 1;\nSELECT 2")
            << QStringList{QStringLiteral("SELECT 1"), QStringLiteral("SELECT 2")};
        QTest::newRow("empty statements")
            << QStringLiteral(" ;; SELECT 1 ;;\n;") << QStringList{QStringLiteral("SELECT 1")};
        QTest::newRow("quoted semicolon")
            << QStringLiteral("INSERT INTO t VALUES ('a;b'); SELECT 'it''s; here'")
            << QStringList{QStringLiteral("INSERT INTO t VALUES ('a;b')"),
                           QStringLiteral("SELECT 'it''s; here'")};
        QTest::newRow("quoted identifier")
            << QStringLiteral("CREATE TABLE \"odd;name\" (x int); DROP TABLE \"odd;name\"")
            << QStringList{QStringLiteral("CREATE TABLE \"odd;name\" (x int)"),
                           QStringLiteral("DROP TABLE \"odd;name\"")};
        QTest::newRow("dollar-quoted body")
            << QStringLiteral(
                   "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; RETURN 2; "
                   "END; $$; SELECT f()")
            << QStringList{
                   QStringLiteral("CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN PERFORM "
                                  "1; RETURN 2; END; $$"),
                   QStringLiteral("SELECT f()")};
        QTest::newRow("tagged dollar quote with $$ inside")
            << QStringLiteral("DO $body$ BEGIN EXECUTE $$SELECT ';'$$; END; $body$; SELECT 3")
            << QStringList{QStringLiteral("DO $body$ BEGIN EXECUTE $$SELECT ';'$$; END; $body$"),
                           QStringLiteral("SELECT 3")};
        QTest::newRow("positional parameters are not quotes")
            << QStringLiteral("SELECT $1; SELECT $2")
            << QStringList{QStringLiteral("SELECT $1"), QStringLiteral("SELECT $2")};
        QTest::newRow("line comments")
            << QStringLiteral("-- first; not a statement\nSELECT 1; -- trailing; comment\nSELECT 2 -- x;y\n;")
            << QStringList{QStringLiteral("SELECT 1"), QStringLiteral("SELECT 2")};
        QTest::newRow("block comments")
            << QStringLiteral("/* a; b */ SELECT 1 /* c; d */ + 1; /* only; a comment */")
            << QStringList{QStringLiteral("SELECT 1 + 1")};
        QTest::newRow("comment markers inside quotes")
            << QStringLiteral("SELECT '-- not; a comment', '/* nor; this */'; SELECT 2")
            << QStringList{QStringLiteral("SELECT '-- not; a comment', '/* nor; this */'"),
                           QStringLiteral("SELECT 2")};
        QTest::newRow("only comments") << QStringLiteral("-- nothing;\n/* here; */") << QStringList{};
        QTest::newRow("escape string with an escaped quote")
            << QStringLiteral("SELECT E'it\\'s; here', e'\\\\'; SELECT 2")
            << QStringList{QStringLiteral("SELECT E'it\\'s; here', e'\\\\'"), QStringLiteral("SELECT 2")};
        QTest::newRow("backslash in a standard string")
            << QStringLiteral("SELECT 'a\\'; SELECT 'b;c'")
            << QStringList{QStringLiteral("SELECT 'a\\'"), QStringLiteral("SELECT 'b;c'")};
        QTest::newRow("an identifier ending in e before a string")
            << QStringLiteral("SELECT note'x\\'; SELECT 2")
            << QStringList{QStringLiteral("SELECT note'x\\'"), QStringLiteral("SELECT 2")};
        QTest::newRow("nested block comments")
            << QStringLiteral("/* outer /* inner; */ still; a comment */ SELECT 1; SELECT 2")
            << QStringList{QStringLiteral("SELECT 1"), QStringLiteral("SELECT 2")};
        QTest::newRow("dollar in an identifier is not a quote")
            << QStringLiteral("SELECT a$b$c FROM t; SELECT 2")
            << QStringList{QStringLiteral("SELECT a$b$c FROM t"), QStringLiteral("SELECT 2")};
    }

    void splitStatements()
    {
        QFETCH(QString, sql);
        QFETCH(QStringList, expected);
        QStringList actual = Db::splitStatements(sql);
        // Whitespace left where comments were is not part of the contract.
        for (QString &s : actual)
            s = s.simplified();
        QCOMPARE(actual, expected);
    }

    void splitStatementsRunOnPostgres()
    {
        Scratch tmp(scratchPrefix);
        EmbeddedPostgres pg(testOptions(tmp.path(QStringLiteral("pgdata"))));
        QString error;
        QVERIFY2(pg.start(&error), qPrintable(error));
        Db db(pg.params(), QStringLiteral("embedded-script"));
        db.execScript(QStringLiteral(
            "-- a script as the migrations are written;\n"
            "CREATE TABLE notes (id serial PRIMARY KEY, body text); /* ; */\n"
            "CREATE FUNCTION add_note(t text) RETURNS int LANGUAGE plpgsql AS $fn$\n"
            "DECLARE n int;\nBEGIN\n  INSERT INTO notes (body) VALUES (t || ';');\n"
            "  SELECT count(*) INTO n FROM notes;\n  RETURN n;\nEND;\n$fn$;\n"
            "SELECT add_note('one; two');\nINSERT INTO notes (body) VALUES ('it''s; three');"));
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM notes")).toInt(), 2);
        QCOMPARE(db.scalar(QStringLiteral("SELECT string_agg(body, '|' ORDER BY id) FROM notes")).toString(),
                 QStringLiteral("one; two;|it's; three"));
    }

    // execScript hands the whole text to PostgreSQL: what PostgreSQL reads as one string is one string
    // (E'\'' included), and a failure names the SQLSTATE and the line, after which nothing more runs.
    void execScriptIsReadByPostgres()
    {
        Scratch tmp(scratchPrefix);
        EmbeddedPostgres pg(testOptions(tmp.path(QStringLiteral("pgdata"))));
        QString error;
        QVERIFY2(pg.start(&error), qPrintable(error));
        Db db(pg.params(), QStringLiteral("embedded-script"));
        db.execScript(
            QStringLiteral("CREATE TABLE notes (body text);\n"
                           "INSERT INTO notes VALUES (E'it\\'s; one'), ('two\\');\n"
                           "/* a /* nested; */ comment */ INSERT INTO notes VALUES ($q$three;$q$);"));
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT string_agg(body, '|' ORDER BY body) FROM notes")).toString(),
            QStringLiteral("it's; one|three;|two\\"));
        try {
            db.execScript(QStringLiteral("INSERT INTO notes VALUES ('four');\n"
                                         "\n"
                                         "SELECT * FROM no_such_table;\n"
                                         "INSERT INTO notes VALUES ('five');"));
            QFAIL("a script with a missing table ran");
        } catch (const DbError &e) {
            QCOMPARE(e.kind(), DbError::Kind::Statement);
            QCOMPARE(e.sqlState(), QStringLiteral("42P01"));
            QVERIFY2(e.message().contains(QLatin1String("no_such_table")), qPrintable(e.message()));
            QVERIFY2(e.message().contains(QLatin1String("LINE 3")), qPrintable(e.message()));
        }
        // Outside a transaction the script was one: the first INSERT went with the failure.
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM notes")).toInt(), 3);
        // The connection is still good for QPSQL's own statements.
        QCOMPARE(db.scalar(QStringLiteral("SELECT 41 + 1")).toInt(), 42);
    }
};

QTEST_GUILESS_MAIN(TestEmbeddedPostgres)
#include "tst_embeddedpostgres.moc"
