#include "Seed.h"
#include "TestCluster.h"
#include "db/Db.h"
#include "db/Migrator.h"

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
};

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
