#include "Seed.h"
#include "TestCluster.h"
#include "db/Db.h"
#include "db/Migrator.h"

#include <QMultiMap>
#include <QSet>
#include <QSqlQuery>
#include <QTest>

// Migrations from empty, twice in a row, over a database of the original lift-alert system, and on one
// whose data prevents a unique index.
// Every step of a migration once more, as migrate() runs it.
void runAgain(Db &db, const Migrator::Migration &m)
{
    for (const Migrator::Step &step : m.steps) {
        if (step.kind == Migrator::StepKind::NoTransaction) {
            const QStringList statements = Db::splitStatements(step.sql);
            for (const QString &statement : statements)
                db.execOnce(statement);
        } else {
            db.transaction([&] { db.execScript(step.sql); });
        }
    }
}

class TestMigrations : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Liftline's statements are short: no connection of the server compiles them with JIT, whatever the
    // database server's default (a whole thread spent 864 ms of 1,181 ms compiling on a stock one).
    void connectionsDoNotCompileStatements()
    {
        Db db(TestCluster::instance().createDatabase(), QStringLiteral("t"));
        QCOMPARE(db.scalar(QStringLiteral("SELECT current_setting('jit')")).toString(),
                 QStringLiteral("off"));
        db.close();
        db.open();
        QCOMPARE(db.scalar(QStringLiteral("SELECT current_setting('jit')")).toString(),
                 QStringLiteral("off"));
    }

    void fromEmptyTwice()
    {
        Db db(TestCluster::instance().createEmptyDatabase(), QStringLiteral("t"));
        QCOMPARE(Migrator::appliedVersion(db), 0);
        const QStringList first = Migrator::migrate(db);
        QCOMPARE(first.size(), Migrator::available().size());
        QCOMPARE(Migrator::appliedVersion(db), Migrator::latestVersion());
        QVERIFY(Migrator::latestVersion() >= 3);
        const QStringList second = Migrator::migrate(db);
        QVERIFY(second.isEmpty());
        // Running every file again by hand must be harmless too: each is idempotent on its own.
        for (const Migrator::Migration &m : Migrator::available())
            runAgain(db, m);
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM liftline_migrations")).toInt(),
                 int(Migrator::available().size()));
        for (const char *table :
             {"lifts", "contacts", "lift_contacts", "tickets", "event_log", "chat_messages", "chat_events",
              "agents", "agent_sessions", "audit_log", "chat_windows"})
            QVERIFY2(
                db.scalar(QStringLiteral("SELECT to_regclass(?) IS NOT NULL"), {QString::fromLatin1(table)})
                    .toBool(),
                table);
    }

    void overOriginalSystemDatabase()
    {
        Db db(TestCluster::instance().createEmptyDatabase(), QStringLiteral("t"));
        // The original system's tables, a little different from ours, with data in them.
        db.execScript(QStringLiteral(
            "CREATE TABLE lifts (id serial PRIMARY KEY, msisdn text NOT NULL, site_name text, building text);"
            "CREATE TABLE contacts (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), display_name text NOT "
            "NULL, "
            "  primary_msisdn text);"
            "CREATE TABLE lift_contacts (lift_id integer REFERENCES lifts(id), contact_id uuid REFERENCES "
            "contacts(id), "
            "  relation text NOT NULL DEFAULT 'technician', PRIMARY KEY (lift_id, contact_id));"
            "CREATE TABLE tickets (id serial PRIMARY KEY, lift_id integer REFERENCES lifts(id), status text "
            "NOT NULL "
            "  DEFAULT 'open', ticket_reference text, responded_by uuid REFERENCES contacts(id), "
            "  created_at timestamptz NOT NULL DEFAULT now(), resolved_at timestamptz, sms_body text);"
            "CREATE TABLE event_log (id bigserial PRIMARY KEY, event_type text NOT NULL, ticket_id integer, "
            "  contact_id uuid, metadata jsonb, created_at timestamptz DEFAULT now());"
            "CREATE TABLE chat_messages (id serial PRIMARY KEY, ticket_id integer REFERENCES tickets(id), "
            "  from_number text, to_number text, message text, direction text, agent_name text, "
            "  read_by_agent boolean DEFAULT false, created_at timestamptz DEFAULT now());"
            "INSERT INTO lifts (msisdn, site_name, building) VALUES ('27710000001', 'Sandton Central', "
            "'James House');"
            "INSERT INTO contacts (display_name, primary_msisdn) VALUES ('Sipho Dlamini', '27820000001');"
            "INSERT INTO tickets (lift_id, ticket_reference, sms_body) VALUES (1, 'JAMES-HOUSE-TKT1', "
            "'ALARM');"
            "INSERT INTO chat_messages (ticket_id, from_number, message, direction) "
            "  VALUES (1, '27820000001', 'old message', 'inbound');"));
        Migrator::migrate(db);
        // Existing rows are kept and read through the new columns.
        QCOMPARE(db.scalar(QStringLiteral("SELECT sms_body FROM tickets WHERE id = 1")).toString(),
                 QStringLiteral("ALARM"));
        QCOMPARE(db.scalar(QStringLiteral("SELECT status FROM chat_messages WHERE id = 1")).toString(),
                 QStringLiteral("received"));
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT chat_conversation_json(1)->>'ticket_reference'")).toString(),
            QStringLiteral("JAMES-HOUSE-TKT1"));
        // The unique indexes the registry import relies on were added.
        QVERIFY(
            db.scalar(QStringLiteral(
                          "SELECT count(*) FROM pg_indexes WHERE indexname = 'contacts_primary_msisdn_key'"))
                .toInt() == 1);
        QVERIFY(Migrator::migrate(db).isEmpty());
    }

    void duplicateNumbersAreNamed()
    {
        Db db(TestCluster::instance().createEmptyDatabase(), QStringLiteral("t"));
        db.execScript(QStringLiteral("CREATE TABLE contacts (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "
                                     "display_name text NOT NULL, "
                                     "  primary_msisdn text);"
                                     "INSERT INTO contacts (display_name, primary_msisdn) VALUES ('A', "
                                     "'27820000001'), ('B', '27820000001'), "
                                     "  ('C', '27820000002');"));
        try {
            Migrator::migrate(db);
            QFAIL("the migration should have refused the duplicate numbers");
        } catch (const DbError &e) {
            QVERIFY2(e.message().contains(QStringLiteral("27820000001 (2 contacts)")),
                     qPrintable(e.message()));
            QVERIFY2(!e.message().contains(QStringLiteral("27820000002")), qPrintable(e.message()));
            QVERIFY(e.message().contains(QStringLiteral("001_host_tables.sql")));
        }
        // Nothing of the failed file was kept; fixing the data lets it through.
        QCOMPARE(Migrator::appliedVersion(db), 0);
        QVERIFY(!db.scalar(QStringLiteral("SELECT to_regclass('lifts') IS NOT NULL")).toBool());
        db.execOnce(
            QStringLiteral("UPDATE contacts SET primary_msisdn = '27820000009' WHERE display_name = 'B'"));
        Migrator::migrate(db);
        QCOMPARE(Migrator::appliedVersion(db), Migrator::latestVersion());
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM contacts")).toInt(), 3);
    }

    void transcriptIsNotDeletedByCascade()
    {
        Db db(TestCluster::instance().createDatabase(), QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        Seed::technicianWrote(db, ticket);
        try {
            db.execOnce(QStringLiteral("DELETE FROM tickets WHERE id = ?"), {ticket});
            QFAIL("deleting a ticket with a transcript must fail");
        } catch (const DbError &e) {
            QCOMPARE(e.sqlState(), QStringLiteral("23503"));
        }
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM chat_messages WHERE ticket_id = ?"), {ticket})
                     .toInt(),
                 1);
    }

    // A file that changed after this database applied it stops the server before anything is applied, and
    // migrate --check names it.
    void changedMigrationRefusesToStart()
    {
        Db db(TestCluster::instance().createDatabase(), QStringLiteral("t"));
        db.execOnce(
            QStringLiteral("UPDATE liftline_migrations SET checksum = repeat('0', 64) WHERE version = 3"));
        db.execOnce(QStringLiteral("DELETE FROM liftline_migrations WHERE version = ?"),
                    {Migrator::latestVersion()});
        try {
            Migrator::migrate(db);
            QFAIL("a changed migration was accepted");
        } catch (const DbError &e) {
            QVERIFY2(e.message().contains(QLatin1String("003_events.sql has changed since this database "
                                                        "applied it")),
                     qPrintable(e.message()));
            QVERIFY2(e.message().contains(QLatin1String("new numbered file")), qPrintable(e.message()));
        }
        // Refused before anything ran: the missing file is still missing.
        QCOMPARE(Migrator::appliedVersion(db), Migrator::latestVersion() - 1);
        const Migrator::Plan plan = Migrator::check(db);
        QVERIFY(!plan.ok());
        QVERIFY2(plan.text().contains(QLatin1String("003_events.sql has changed")), qPrintable(plan.text()));
    }

    // An earlier text the project shipped (before 003 was rewritten) is accepted as it always was.
    void earlierShippedTextIsAccepted()
    {
        Db db(TestCluster::instance().createDatabase(), QStringLiteral("t"));
        db.execOnce(QStringLiteral("UPDATE liftline_migrations SET checksum = "
                                   "'838cf3b5c92f6d8dec80455db48d849000310eeadde4c4047760dada7b1d4240' "
                                   "WHERE version = 3"));
        QVERIFY(Migrator::migrate(db).isEmpty());
        QVERIFY(Migrator::check(db).ok());
    }

    // Every function of the schema has its file in sql/functions/, each file's function exists, and the
    // live definition is the file's: applying a file again changes nothing.
    void functionsLiveInTheirFiles()
    {
        Db db(TestCluster::instance().createDatabase(), QStringLiteral("t"));
        QSet<QString> files;
        for (const Migrator::Function &f : Migrator::functions())
            files.insert(f.name);
        QVERIFY(files.size() >= 40);
        const QString definitions = QStringLiteral(
            "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.pronamespace = "
            "current_schema()::regnamespace AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid "
            "AND d.deptype = 'e') ORDER BY 1, 2");
        auto read = [&] {
            QMultiMap<QString, QString> result;
            QSqlQuery q = db.execOnce(definitions);
            while (q.next())
                result.insert(q.value(0).toString(), q.value(1).toString());
            return result;
        };
        const QMultiMap<QString, QString> before = read();
        for (const QString &name : before.uniqueKeys())
            QVERIFY2(files.contains(name),
                     qPrintable(name + QStringLiteral(" has no file in sql/functions/")));
        for (const QString &name : std::as_const(files))
            QVERIFY2(before.contains(name),
                     qPrintable(name + QStringLiteral(".sql defines no such function")));
        for (const Migrator::Function &f : Migrator::functions())
            db.transaction([&] { db.execScript(f.sql); });
        QCOMPARE(read(), before);
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM liftline_functions")).toInt(),
                 int(files.size()));
    }

    // A function file that changed since it was applied is applied again; one that did not is left alone.
    void changedFunctionFileIsAppliedAgain()
    {
        Db db(TestCluster::instance().createDatabase(), QStringLiteral("t"));
        const QString preview = QStringLiteral("SELECT liftline_iso('2026-01-02 03:04:05+00')");
        const QString expected = QStringLiteral("2026-01-02T03:04:05.000Z");
        QCOMPARE(db.scalar(preview).toString(), expected);
        db.execOnce(QStringLiteral("CREATE OR REPLACE FUNCTION liftline_iso(t timestamptz) RETURNS text "
                                   "LANGUAGE sql STABLE AS $$ SELECT 'x' $$"));
        QVERIFY(Migrator::migrate(db).isEmpty());
        QCOMPARE(db.scalar(preview).toString(), QStringLiteral("x")); // recorded as applied: left alone
        db.execOnce(
            QStringLiteral("UPDATE liftline_functions SET checksum = 'earlier' WHERE name = 'liftline_iso'"));
        QStringList told;
        Migrator::Options options;
        options.progress = [&](const QString &text) { told << text; };
        QVERIFY(Migrator::migrate(db, options).isEmpty());
        QCOMPARE(db.scalar(preview).toString(), expected);
        QVERIFY2(told.join(u'\n').contains(QLatin1String("liftline_iso")), qPrintable(told.join(u'\n')));
        QVERIFY(Migrator::check(db).functions.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
