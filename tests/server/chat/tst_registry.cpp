#include "ApiFields.h"
#include "Seed.h"
#include "ServerProcess.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "chat/RegistryImport.h"
#include "db/Db.h"
#include "domain/DomainError.h"
#include "domain/Principal.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

// The lift registry import and ticket opening, from the command line (the real liftline-server binary)
// and through /api/admin/, against real PostgreSQL.

namespace {

// Runs the real liftline-server binary against the test database, with `input` on its standard input.
CliResult runCli(const DbParams &params, const QStringList &arguments, const QByteArray &input = {})
{
    return ::runCli(QString(), arguments, databaseEnvironment(params), input);
}

CliResult importRegistry(const DbParams &params, const QString &dataFile)
{
    return runCli(params, {QStringLiteral("import-registry"), Seed::dataFile(dataFile)});
}

QString describe(const HttpResult &r)
{
    return r.describe();
}

QString describe(const CliResult &r)
{
    return QStringLiteral("exit %1\nstdout: %2\nstderr: %3").arg(r.exitCode).arg(r.out, r.err);
}

QByteArray readData(const QString &name)
{
    QFile f(Seed::dataFile(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("Cannot read tests/data/%s", qPrintable(name));
    return f.readAll();
}

// Every row of the registry tables with its row version: equal snapshots mean nothing was written.
QString snapshot(Db &db)
{
    QString s;
    s += db.scalar(QStringLiteral("SELECT coalesce(string_agg(t::text || ' xmin=' || t.xmin::text, E'\\n' "
                                  "ORDER BY t.id), '') FROM lifts t"))
             .toString();
    s += QLatin1Char('\n');
    s += db.scalar(QStringLiteral("SELECT coalesce(string_agg(t::text || ' xmin=' || t.xmin::text, E'\\n' "
                                  "ORDER BY t.primary_msisdn), '') FROM contacts t"))
             .toString();
    s += QLatin1Char('\n');
    s += db.scalar(QStringLiteral("SELECT coalesce(string_agg(t::text || ' xmin=' || t.xmin::text, E'\\n' "
                                  "ORDER BY t.lift_id, t.contact_id), '') FROM lift_contacts t"))
             .toString();
    return s;
}

int count(Db &db, const QString &sql, const QVariantList &binds = {})
{
    return db.scalar(sql, binds).toInt();
}

// "lift msisdn/contact msisdn/relation" for every link.
QStringList links(Db &db)
{
    QSqlQuery q = db.execOnce(QStringLiteral(
        "SELECT l.msisdn || '/' || c.primary_msisdn || '/' || lc.relation FROM lift_contacts lc "
        "JOIN lifts l ON l.id = lc.lift_id JOIN contacts c ON c.id = lc.contact_id ORDER BY 1"));
    QStringList out;
    while (q.next())
        out << q.value(0).toString();
    return out;
}

QJsonObject part(int added, int updated, int unchanged)
{
    return {{QStringLiteral("added"), added},
            {QStringLiteral("updated"), updated},
            {QStringLiteral("unchanged"), unchanged}};
}

} // namespace

class TestRegistry : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { TestCluster::instance(); }

    void importTwiceChangesNothing()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-import"));

        CliResult r = importRegistry(params, QStringLiteral("registry.csv"));
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(r.out.trimmed(),
                 QStringLiteral("Imported 5 rows: lifts 4 added, 0 updated, 0 unchanged; contacts "
                                "4 added, 0 updated, 0 unchanged; links 5 added, 0 updated, 0 "
                                "unchanged"));

        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM lifts")), 4);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM contacts")), 4);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM lift_contacts")), 5);
        QCOMPARE(db.scalar(QStringLiteral("SELECT site_name || '|' || building FROM lifts WHERE msisdn = "
                                          "'27710000001'"))
                     .toString(),
                 QStringLiteral("Sandton Central|James House"));
        QCOMPARE(db.scalar(QStringLiteral("SELECT site_name || '|' || building FROM lifts WHERE msisdn = "
                                          "'27710000004'"))
                     .toString(),
                 QStringLiteral("Menlyn Square|North Wing"));
        QCOMPARE(db.scalar(QStringLiteral("SELECT display_name || '|' || email FROM contacts WHERE "
                                          "primary_msisdn = '27820000001'"))
                     .toString(),
                 QStringLiteral("Sipho Dlamini|sipho@example.org"));
        // A blank e-mail is stored as NULL, not as ''.
        QCOMPARE(
            count(db, QStringLiteral("SELECT count(*) FROM contacts WHERE primary_msisdn = '27820000003' "
                                     "AND display_name = 'Thabo Nkosi' AND email IS NULL")),
            1);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM contacts WHERE email = ''")), 0);
        QCOMPARE(links(db), (QStringList{
                                QStringLiteral("27710000001/27820000001/technician"),
                                QStringLiteral("27710000001/27820000002/building_manager"),
                                QStringLiteral("27710000002/27820000002/technician"),
                                QStringLiteral("27710000003/27820000003/technician"),
                                QStringLiteral("27710000004/27820000004/technician"),
                            }));

        // The second run reports everything unchanged and writes no row.
        const QString before = snapshot(db);
        r = importRegistry(params, QStringLiteral("registry.csv"));
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(r.out.trimmed(),
                 QStringLiteral("Imported 5 rows: lifts 0 added, 0 updated, 4 unchanged; contacts "
                                "0 added, 0 updated, 4 unchanged; links 0 added, 0 updated, 5 "
                                "unchanged"));
        QCOMPARE(snapshot(db), before);

        // Both imports are in the audit trail, as made from the command line.
        QCOMPARE(
            count(db, QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'registry.imported' AND "
                                     "actor_kind = 'cli'")),
            2);
    }

    void updatedRegistryIsReported()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-update"));

        CliResult r = importRegistry(params, QStringLiteral("registry.csv"));
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const int liftId = count(db, QStringLiteral("SELECT id FROM lifts WHERE msisdn = '27710000002'"));
        const QString siphoId =
            db.scalar(QStringLiteral("SELECT id::text FROM contacts WHERE primary_msisdn = '27820000001'"))
                .toString();

        r = importRegistry(params, QStringLiteral("registry_updated.csv"));
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(r.out.trimmed(),
                 QStringLiteral("Imported 6 rows: lifts 1 added, 1 updated, 3 unchanged; contacts "
                                "1 added, 1 updated, 3 unchanged; links 1 added, 1 updated, 4 "
                                "unchanged"));

        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM lifts")), 5);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM contacts")), 5);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM lift_contacts")), 6);
        // The renamed building, on the same lift row.
        QCOMPARE(count(db, QStringLiteral("SELECT id FROM lifts WHERE msisdn = '27710000002' AND building = "
                                          "'Marula Tower North' AND site_name = 'Sandton Central'")),
                 liftId);
        // "+27 82 000 0001" is the same contact as 27820000001, now with its new e-mail.
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT id::text || '|' || email FROM contacts WHERE primary_msisdn = "
                                     "'27820000001'"))
                .toString(),
            siphoId + QStringLiteral("|sipho.dlamini@example.org"));
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM contacts WHERE primary_msisdn LIKE '%+%' OR "
                                          "primary_msisdn LIKE '% %'")),
                 0);
        // The quoted fields with a comma arrived whole.
        QCOMPARE(db.scalar(QStringLiteral("SELECT site_name || '|' || building FROM lifts WHERE msisdn = "
                                          "'27710000005'"))
                     .toString(),
                 QStringLiteral("Umhlanga Ridge|Oceans Mall, East"));
        QCOMPARE(
            count(db, QStringLiteral("SELECT count(*) FROM contacts WHERE primary_msisdn = '27820000005' "
                                     "AND display_name = 'Pieter Botha' AND email IS NULL")),
            1);
        QCOMPARE(links(db), (QStringList{
                                QStringLiteral("27710000001/27820000001/technician"),
                                QStringLiteral("27710000001/27820000002/building_manager"),
                                QStringLiteral("27710000002/27820000002/technician"),
                                QStringLiteral("27710000003/27820000003/technician"),
                                QStringLiteral("27710000004/27820000004/supervisor"),
                                QStringLiteral("27710000005/27820000005/technician"),
                            }));

        // And once more: all unchanged.
        const QString before = snapshot(db);
        r = importRegistry(params, QStringLiteral("registry_updated.csv"));
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(r.out.trimmed(),
                 QStringLiteral("Imported 6 rows: lifts 0 added, 0 updated, 5 unchanged; contacts "
                                "0 added, 0 updated, 5 unchanged; links 0 added, 0 updated, 6 "
                                "unchanged"));
        QCOMPARE(snapshot(db), before);
    }

    void badRowImportsNothing()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-bad-row"));

        const CliResult r = importRegistry(params, QStringLiteral("registry_bad_row.csv"));
        QVERIFY2(r.exitCode == 1, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QStringLiteral("Line 3")), qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QStringLiteral("not-a-number")), qPrintable(describe(r)));
        QVERIFY2(!r.out.contains(QStringLiteral("Imported")), qPrintable(describe(r)));
        // Not even the valid rows 2 and 4.
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM lifts")), 0);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM contacts")), 0);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM lift_contacts")), 0);
        QCOMPARE(
            count(db, QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'registry.imported'")),
            0);

        // Over an existing registry, the bad file changes nothing either.
        Seed::registry(db);
        const QString before = snapshot(db);
        const CliResult again = importRegistry(params, QStringLiteral("registry_bad_row.csv"));
        QVERIFY2(again.exitCode == 1, qPrintable(describe(again)));
        QVERIFY2(again.err.contains(QStringLiteral("Line 3")), qPrintable(describe(again)));
        QCOMPARE(snapshot(db), before);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM lifts WHERE msisdn IN ('27710000011', "
                                          "'27710000012', '27710000013')")),
                 0);
    }

    // The optional contact_language column sets the language of the server's automatic messages per
    // contact; a file without it keeps what is stored; a bad or contradictory value refuses the file.
    void contactLanguageColumn()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-language"));
        Seed::registry(db);
        const auto language = [&](const char *number) {
            return db
                .scalar(
                    QStringLiteral("SELECT coalesce(language, '-') FROM contacts WHERE primary_msisdn = ?"),
                    {QLatin1String(number)})
                .toString();
        };
        QCOMPARE(language("27820000001"), QStringLiteral("-"));
        // A number that wrote before it was in the registry became an 'unregistered' contact; importing it
        // makes it a registered one.
        db.exec(
            QStringLiteral("UPDATE contacts SET role = 'unregistered' WHERE primary_msisdn = '27820000003'"));
        const QByteArray header = "lift_msisdn,site_name,building,contact_name,contact_msisdn,contact_email,"
                                  "relation,contact_language\n";
        const QByteArray rows =
            "27710000001,Sandton Central,James House,Sipho Dlamini,27820000001,sipho@example.org,"
            "technician,AF\n"
            "27710000003,Rosebank Park,Block C,Thabo Nkosi,27820000003,,technician,\n";
        RegistryImport::Report report = RegistryImport::run(db, header + rows, Principal::cli());
        QCOMPARE(report.contactsUpdated, 2);
        QCOMPARE(language("27820000001"), QStringLiteral("af"));
        QCOMPARE(language("27820000003"), QStringLiteral("-"));
        QCOMPARE(db.scalar(QStringLiteral("SELECT role FROM contacts WHERE primary_msisdn = '27820000003'"))
                     .toString(),
                 QStringLiteral("technician"));
        // The registry as before, without the column: the language stays.
        QFile plain(Seed::dataFile(QStringLiteral("registry.csv")));
        QVERIFY(plain.open(QIODevice::ReadOnly));
        report = RegistryImport::run(db, plain.readAll(), Principal::cli());
        QCOMPARE(report.contactsUpdated, 0);
        QCOMPARE(language("27820000001"), QStringLiteral("af"));
        // Back to the server's language.
        RegistryImport::run(db, header + QByteArray(rows).replace(",AF\n", ",\n"), Principal::cli());
        QCOMPARE(language("27820000001"), QStringLiteral("-"));

        const QString before = snapshot(db);
        const auto refused = [&](const QByteArray &csv, const QString &detail) {
            try {
                RegistryImport::run(db, csv, Principal::cli());
            } catch (const DomainError &e) {
                QVERIFY2(e.message.contains(detail), qPrintable(e.message));
                return;
            }
            QFAIL("accepted");
        };
        refused(header + "27710000001,Sandton Central,James House,Sipho Dlamini,27820000001,,technician,fr\n",
                QStringLiteral("contact_language 'fr' must be en, af"));
        refused(
            header + "27710000001,Sandton Central,James House,Sipho Dlamini,27820000001,,technician,af\n"
                     "27710000002,Sandton Central,Marula Tower,Sipho Dlamini,27820000001,,technician,en\n",
            QStringLiteral("Line 3: contact 27820000001 has contact_language 'en' here but 'af' on line 2"));
        QCOMPARE(snapshot(db), before);
    }

    void badFilesAreRejected_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("detail");
        QTest::newRow("missing column") << QStringLiteral("registry_case_missing_column.csv")
                                        << QStringLiteral("Line 1") << QStringLiteral("contact_email");
        QTest::newRow("wrong field count") << QStringLiteral("registry_case_field_count.csv")
                                           << QStringLiteral("Line 3") << QStringLiteral("6");
        QTest::newRow("conflicting building") << QStringLiteral("registry_case_conflicting_lift.csv")
                                              << QStringLiteral("Line 4") << QStringLiteral("27710000021");
        QTest::newRow("bad email") << QStringLiteral("registry_case_bad_email.csv")
                                   << QStringLiteral("Line 3") << QStringLiteral("johan.example.org");
        QTest::newRow("empty file") << QStringLiteral("registry_case_empty.csv") << QStringLiteral("Line 1")
                                    << QString();
        QTest::newRow("line count after a multi-line field")
            << QStringLiteral("registry_case_multiline_bad.csv") << QStringLiteral("Line 4")
            << QStringLiteral("0110000022");
    }

    void badFilesAreRejected()
    {
        QFETCH(QString, file);
        QFETCH(QString, line);
        QFETCH(QString, detail);
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-bad-file"));

        // Into an empty database: nothing at all arrives.
        CliResult r = importRegistry(params, file);
        QVERIFY2(r.exitCode == 1, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(line + QLatin1Char(':')), qPrintable(describe(r)));
        QVERIFY2(r.err.contains(detail), qPrintable(describe(r)));
        QVERIFY2(!r.out.contains(QStringLiteral("Imported")), qPrintable(describe(r)));
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM lifts")), 0);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM contacts")), 0);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM lift_contacts")), 0);

        // Over an existing registry: not a row changes.
        Seed::registry(db);
        const QString before = snapshot(db);
        r = importRegistry(params, file);
        QVERIFY2(r.exitCode == 1, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(line + QLatin1Char(':')), qPrintable(describe(r)));
        QCOMPARE(snapshot(db), before);
        QCOMPARE(
            count(db, QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'registry.imported'")),
            1);
    }

    void importOverHttp()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-http-import"));
        TestServer server(params);
        HttpClient &http = server.http();
        const QByteArray csv = readData(QStringLiteral("registry.csv"));
        const QByteArray plain = server.signIn(QStringLiteral("ann"), QStringLiteral("Ann Agent"));
        const QByteArray boss =
            server.signIn(QStringLiteral("boss"), QStringLiteral("Bea Boss"), QStringLiteral("admin"));

        // Not for a plain agent, nor without credentials.
        VERIFY_ERROR(
            http.post(QStringLiteral("/api/admin/registry"), csv, HttpClient::bearer(plain), "text/csv"), 403,
            "forbidden");
        VERIFY_ERROR(http.post(QStringLiteral("/api/admin/registry"), csv, {}, "text/csv"), 401,
                     "unauthorized");
        // Only CSV.
        VERIFY_ERROR(http.post(QStringLiteral("/api/admin/registry"), "<lifts/>", TestServer::admin(),
                               "application/xml"),
                     415, "unsupported_media_type");
        VERIFY_ERROR(
            http.post(QStringLiteral("/api/admin/registry"), csv, TestServer::admin(), "application/xml"),
            415, "unsupported_media_type");
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM lifts")), 0);

        const HttpResult ok =
            http.post(QStringLiteral("/api/admin/registry"), csv, TestServer::admin(), "text/csv");
        VERIFY_STATUS(ok, 200);
        QCOMPARE(ok.json.value(QStringLiteral("ok")), QJsonValue(true));
        const QJsonObject expected{{QStringLiteral("rows"), 5},
                                   {QStringLiteral("lifts"), part(4, 0, 0)},
                                   {QStringLiteral("contacts"), part(4, 0, 0)},
                                   {QStringLiteral("links"), part(5, 0, 0)}};
        QCOMPARE(ok.json.value(QStringLiteral("report")).toObject(), expected);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM lifts")), 4);
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM contacts WHERE email IS NULL")), 1);

        // An admin agent may import too; the second import changes nothing.
        const QString before = snapshot(db);
        const HttpResult again = http.post(QStringLiteral("/api/admin/registry"), csv,
                                           HttpClient::bearer(boss), "text/csv; charset=utf-8");
        VERIFY_STATUS(again, 200);
        const QJsonObject unchanged{{QStringLiteral("rows"), 5},
                                    {QStringLiteral("lifts"), part(0, 0, 4)},
                                    {QStringLiteral("contacts"), part(0, 0, 4)},
                                    {QStringLiteral("links"), part(0, 0, 5)}};
        QCOMPARE(again.json.value(QStringLiteral("report")).toObject(), unchanged);
        QCOMPARE(snapshot(db), before);

        // A bad row: 400 with its line, nothing written.
        const HttpResult bad =
            http.post(QStringLiteral("/api/admin/registry"), readData(QStringLiteral("registry_bad_row.csv")),
                      TestServer::admin(), "text/csv");
        VERIFY_ERROR(bad, 400, "invalid_registry");
        QVERIFY2(bad.errorMessage().contains(QStringLiteral("Line 3")), qPrintable(describe(bad)));
        QCOMPARE(snapshot(db), before);

        QCOMPARE(
            db.scalar(QStringLiteral("SELECT string_agg(actor_kind || ':' || actor_name, ',' ORDER BY id) "
                                     "FROM audit_log WHERE action = 'registry.imported'"))
                .toString(),
            QStringLiteral("admin_token:admin token,agent:Bea Boss"));
    }

    void ticketOpenFromCommandLine()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-ticket-cli"));
        Seed::registry(db);
        static const QRegularExpression opened(QStringLiteral(R"(^Opened ticket (\d+) \(([A-Z0-9-]+)\)$)"));

        CliResult r = runCli(params, {QStringLiteral("ticket"), QStringLiteral("open"),
                                      QStringLiteral("--lift"), QStringLiteral("27710000001")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QRegularExpressionMatch m = opened.match(r.out.trimmed());
        QVERIFY2(m.hasMatch(), qPrintable(describe(r)));
        const int id = m.captured(1).toInt();
        QCOMPARE(m.captured(2), QStringLiteral("JAMES-HOUSE-TKT%1").arg(id));
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT t.status || '|' || t.ticket_reference || '|' || l.msisdn FROM "
                                     "tickets t JOIN lifts l ON l.id = t.lift_id WHERE t.id = ?"),
                      {id})
                .toString(),
            QStringLiteral("open|JAMES-HOUSE-TKT%1|27710000001").arg(id));
        // The consoles hear of it.
        QCOMPARE(
            count(db,
                  QStringLiteral("SELECT count(*) FROM chat_events WHERE event = 'conversation.updated' "
                                 "AND ticket_id = ? AND seq IS NOT NULL AND data->>'ticket_reference' = ?"),
                  {id, m.captured(2)}),
            1);

        // A number written the way people write it.
        r = runCli(params, {QStringLiteral("ticket"), QStringLiteral("open"), QStringLiteral("--lift"),
                            QStringLiteral("+27 71 000 0002")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        m = opened.match(r.out.trimmed());
        QVERIFY2(m.hasMatch(), qPrintable(describe(r)));
        QCOMPARE(m.captured(2), QStringLiteral("MARULA-TOWER-TKT%1").arg(m.captured(1)));

        // The reference rule on long and mixed-case building names.
        r = importRegistry(params, QStringLiteral("registry_case_long_building.csv"));
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        r = runCli(params, {QStringLiteral("ticket"), QStringLiteral("open"), QStringLiteral("--lift"),
                            QStringLiteral("27710000031")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        m = opened.match(r.out.trimmed());
        QVERIFY2(m.hasMatch(), qPrintable(describe(r)));
        // SUNNYSIDE-PROFESSIONAL-CENTRE cut to 20 characters.
        QCOMPARE(m.captured(2), QStringLiteral("SUNNYSIDE-PROFESSION-TKT%1").arg(m.captured(1)));
        r = runCli(params, {QStringLiteral("ticket"), QStringLiteral("open"), QStringLiteral("--lift"),
                            QStringLiteral("27710000032")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        m = opened.match(r.out.trimmed());
        QVERIFY2(m.hasMatch(), qPrintable(describe(r)));
        QCOMPARE(m.captured(2), QStringLiteral("BLOCK-7B-EAST-TKT%1").arg(m.captured(1)));

        const int tickets = count(db, QStringLiteral("SELECT count(*) FROM tickets"));
        QCOMPARE(tickets, 4);

        // An unknown lift, and a number that is not one.
        r = runCli(params, {QStringLiteral("ticket"), QStringLiteral("open"), QStringLiteral("--lift"),
                            QStringLiteral("27719999999")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("27719999999")), qPrintable(describe(r)));
        QVERIFY2(!r.out.contains(QStringLiteral("Opened")), qPrintable(describe(r)));
        r = runCli(params, {QStringLiteral("ticket"), QStringLiteral("open"), QStringLiteral("--lift"),
                            QStringLiteral("27-71-abc")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("27-71-abc")) &&
                     r.err.contains(QStringLiteral("not a phone number")),
                 qPrintable(describe(r)));
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM tickets")), tickets);
    }

    void ticketOpenOverHttp()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t-ticket-http"));
        Seed::registry(db);
        TestServer server(params);
        HttpClient &http = server.http();
        const QByteArray plain = server.signIn(QStringLiteral("ann"), QStringLiteral("Ann Agent"));
        const QJsonObject body{{QStringLiteral("lift_msisdn"), QStringLiteral("27710000002")}};

        VERIFY_ERROR(http.postJson(QStringLiteral("/api/admin/tickets"), body, HttpClient::bearer(plain)),
                     403, "forbidden");
        VERIFY_ERROR(http.postJson(QStringLiteral("/api/admin/tickets"), body), 401, "unauthorized");
        VERIFY_ERROR(http.postJson(QStringLiteral("/api/admin/tickets"),
                                   {{QStringLiteral("lift_msisdn"), QStringLiteral("27719999999")}},
                                   TestServer::admin()),
                     404, "lift_not_found");
        VERIFY_ERROR(http.postJson(QStringLiteral("/api/admin/tickets"),
                                   {{QStringLiteral("lift_msisdn"), QStringLiteral("lift two")}},
                                   TestServer::admin()),
                     400, "invalid_number");
        VERIFY_ERROR(
            http.post(QStringLiteral("/api/admin/tickets"), "{\"lift_msisdn\": ", TestServer::admin()), 400,
            "invalid_json");
        QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM tickets")), 0);

        const HttpResult r = http.postJson(QStringLiteral("/api/admin/tickets"), body, TestServer::admin());
        VERIFY_STATUS(r, 201);
        QCOMPARE(r.json.value(QStringLiteral("ok")), QJsonValue(true));
        const QJsonObject c = r.json.value(QStringLiteral("conversation")).toObject();
        QStringList keys = c.keys();
        QStringList expectedKeys = ApiFields::conversation;
        keys.sort();
        expectedKeys.sort();
        QCOMPARE(keys, expectedKeys);
        const int id = c.value(QStringLiteral("id")).toInt();
        QVERIFY(id > 0);
        QCOMPARE(c.value(QStringLiteral("status")).toString(), QStringLiteral("open"));
        QCOMPARE(c.value(QStringLiteral("ticket_reference")).toString(),
                 QStringLiteral("MARULA-TOWER-TKT%1").arg(id));
        QCOMPARE(c.value(QStringLiteral("lift_msisdn")).toString(), QStringLiteral("27710000002"));
        QCOMPARE(c.value(QStringLiteral("lift_id")).toInt(),
                 count(db, QStringLiteral("SELECT id FROM lifts WHERE msisdn = '27710000002'")));
        QCOMPARE(c.value(QStringLiteral("site_name")).toString(), QStringLiteral("Sandton Central"));
        QCOMPARE(c.value(QStringLiteral("building")).toString(), QStringLiteral("Marula Tower"));
        QCOMPARE(c.value(QStringLiteral("lift_name")).toString(),
                 QStringLiteral("Sandton Central - Marula Tower"));
        QCOMPARE(c.value(QStringLiteral("agent_requested")), QJsonValue(false));
        QCOMPARE(c.value(QStringLiteral("message_count")), QJsonValue(0));
        QCOMPARE(c.value(QStringLiteral("unread_count")), QJsonValue(0));
        QVERIFY(c.value(QStringLiteral("resolved_at")).isNull());
        QVERIFY(c.value(QStringLiteral("window_expires_at")).isNull());
        static const QRegularExpression iso(QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$)"));
        QVERIFY2(iso.match(c.value(QStringLiteral("created_at")).toString()).hasMatch(),
                 qPrintable(describe(r)));

        // A conversation.updated event describes the new ticket exactly as the API does.
        QSqlQuery q = db.execOnce(QStringLiteral("SELECT data::text, seq FROM chat_events WHERE event = "
                                                 "'conversation.updated' AND ticket_id = ? ORDER BY id"),
                                  {id});
        QVERIFY(q.next());
        QCOMPARE(QJsonDocument::fromJson(q.value(0).toString().toUtf8()).object(), c);
        QVERIFY(!q.value(1).isNull());
        QVERIFY(!q.next());

        // It is on the conversation list.
        const HttpResult list =
            http.get(QStringLiteral("/api/chat/conversations"), HttpClient::bearer(plain));
        VERIFY_STATUS(list, 200);
        const QJsonArray conversations = list.json.value(QStringLiteral("conversations")).toArray();
        QCOMPARE(conversations.size(), 1);
        QCOMPARE(conversations.first().toObject(), c);

        QCOMPARE(
            db.scalar(QStringLiteral("SELECT actor_kind || ':' || (details->>'reference') FROM audit_log "
                                     "WHERE action = 'ticket.opened' AND ticket_id = ?"),
                      {id})
                .toString(),
            QStringLiteral("admin_token:MARULA-TOWER-TKT%1").arg(id));
    }
};

QTEST_GUILESS_MAIN(TestRegistry)
#include "tst_registry.moc"
