#include "OriginalSystem.h"
#include "Seed.h"
#include "TestCluster.h"
#include "chat/ChatStore.h"
#include "chat/Outbox.h"
#include "db/Db.h"
#include "db/Migrator.h"
#include "domain/Principal.h"
#include "http/HttpTypes.h"

#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTest>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

// Everything that writes to one ticket at the same moment: an agent's reply, another agent reading the
// conversation, a technician's message that asks for an agent, an acknowledgement, and the original
// server's own writes. Each takes the ticket's locks in the same order (ChatStore::lockTicket), so none
// of them is ever chosen to break a deadlock. Before that order, 145 of 600 such writes were.
class TestTicketLocks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { TestCluster::instance(); }

    void writersOnOneTicketNeverDeadlock()
    {
        const int iterations = qEnvironmentVariableIntValue("LOCKS_ITERATIONS") > 0
                                   ? qEnvironmentVariableIntValue("LOCKS_ITERATIONS")
                                   : 150;
        const DbParams params = TestCluster::instance().createDatabase();
        int ticket = 0;
        {
            Db db(params, QStringLiteral("t"));
            Seed::registry(db);
            ticket = Seed::openTicket(db);
            Seed::technicianWrote(db, ticket);
        }
        std::atomic<int> deadlocks{0}, failures{0};
        QString firstFailure;
        std::mutex mutex;
        const auto worker = [&](const char *name, const std::function<void(Db &, int)> &step) {
            return std::thread([&, name, step] {
                Db db(params, QString::fromLatin1(name));
                db.setSessionSetting(QStringLiteral("liftline.writer"), QStringLiteral("server"));
                for (int i = 0; i < iterations; ++i) {
                    try {
                        step(db, i);
                    } catch (const DbError &e) {
                        (e.sqlState() == QLatin1String("40P01") ? deadlocks : failures)++;
                        if (qEnvironmentVariableIsSet("LOCKS_VERBOSE"))
                            qWarning("%s: %s", name, qPrintable(e.message()));
                        std::lock_guard lock(mutex);
                        if (firstFailure.isEmpty())
                            firstFailure = QString::fromLatin1(name) + QStringLiteral(": ") + e.message();
                    }
                }
            });
        };
        const Principal agent = Principal::cli();
        std::vector<std::thread> threads;
        threads.push_back(worker("send", [&](Db &db, int i) {
            Outbox::prepare(db, ticket, QStringLiteral("reply %1").arg(i), QString(),
                            QStringLiteral("Thandi"), agent, QString());
        }));
        threads.push_back(
            worker("read", [&](Db &db, int) { ChatStore::markRead(db, ticket, agent, QString()); }));
        threads.push_back(worker("inbound", [&](Db &db, int i) {
            db.exec(QStringLiteral(
                        "SELECT whatsapp_receive(NULL, ?, '27820000001', 'Sipho', NULL, ?, 'text', now(), "
                        "NULL, NULL, '{}'::jsonb, ?::boolean, 6)"),
                    {QStringLiteral("wamid.LOCKS.%1").arg(i), QStringLiteral("agent, message %1").arg(i),
                     i % 2 == 0 ? QStringLiteral("true") : QStringLiteral("false")})
                .finish();
        }));
        threads.push_back(worker("acknowledge", [&](Db &db, int) {
            try {
                ChatStore::acknowledge(db, ticket, agent, QString());
            } catch (const DomainError &) {
                // already taken: the point is the locks, not the answer
            }
        }));
        // The original server, on the same database: its add-on's insert, mark-read and keyword request.
        threads.push_back(worker("original", [&](Db &db, int i) {
            if (i % 3 == 0)
                OriginalSystem::addonStoresInbound(db, ticket, QStringLiteral("27820000001"),
                                                   QStringLiteral("from the original %1").arg(i));
            else if (i % 3 == 1)
                OriginalSystem::addonMarksRead(db, ticket);
            else
                OriginalSystem::addonRaisesRequest(db, ticket, QStringLiteral("agent %1").arg(i));
        }));
        for (std::thread &t : threads)
            t.join();
        QVERIFY2(deadlocks == 0 && failures == 0,
                 qPrintable(QStringLiteral("%1 deadlocks, %2 other failures; first: %3")
                                .arg(int(deadlocks))
                                .arg(int(failures))
                                .arg(firstFailure)));
    }

    // The in-place upgrade of the original system's database while the original server keeps writing:
    // technicians' messages from numbers whose other tickets are open too (each renews the number's
    // window, which stores every conversation of that number before the message's own), replies and
    // requests. The batches of the upgrade that store conversations give way when they would wait in a
    // cycle with such a write; the original server's write is never the one that fails. Before that,
    // 017's batch (tickets locked in scan order, stored conversations in ticket order) deadlocked with
    // such a message in 2 of 4 runs of bench_upgrade under load, and the original server's insert failed.
    void upgradeUnderTheOriginalServerNeverFailsItsWrites()
    {
        const int rounds = qEnvironmentVariableIntValue("UPGRADE_ROUNDS") > 0
                               ? qEnvironmentVariableIntValue("UPGRADE_ROUNDS")
                               : 3;
        for (int round = 0; round < rounds; ++round) {
            const DbParams params = TestCluster::instance().createEmptyDatabase();
            struct Target {
                int ticket;
                QString number;
            };
            std::vector<Target> targets;
            std::vector<QString> numbers;
            {
                Db db(params, QStringLiteral("t"));
                OriginalSystem::createSchema(db);
                OriginalSystem::Scale scale;
                scale.lifts = 12;
                scale.contacts = 36;
                scale.tickets = 1500;
                scale.open = 400;
                scale.messages = 12000;
                OriginalSystem::fill(db, scale);
                // Open requests without a reply after them: the batch of 017 dates their answer.
                db.execOnce(QStringLiteral(
                    "INSERT INTO event_log (event_type, ticket_id, metadata, created_at) "
                    "SELECT 'agent_requested', id, '{}'::jsonb, now() FROM tickets WHERE status = 'open'; "
                    "UPDATE tickets SET agent_requested = true WHERE status = 'open'"));
                QSqlQuery q = db.execOnce(QStringLiteral(
                    "SELECT t.id, c.primary_msisdn FROM tickets t JOIN contacts c ON c.id = t.responded_by "
                    "WHERE t.status = 'open' ORDER BY t.id"));
                while (q.next()) {
                    targets.push_back({q.value(0).toInt(), q.value(1).toString()});
                    numbers.push_back(q.value(1).toString());
                }
            }
            QVERIFY(targets.size() > 100);
            std::atomic<bool> done{false};
            std::atomic<int> writes{0}, failed{0};
            QString firstFailure;
            std::mutex mutex;
            std::vector<std::thread> writers;
            for (int w = 0; w < 3; ++w) {
                writers.emplace_back([&, w] {
                    Db db(params, QStringLiteral("original-%1").arg(w));
                    db.setApplicationName(QStringLiteral("original-server"));
                    QRandomGenerator random(quint32(round * 10 + w + 1));
                    for (int i = 0; !done; ++i) {
                        const Target &t = targets[random.bounded(int(targets.size()))];
                        // Mostly a message from a number whose own tickets are elsewhere in the range.
                        const QString &from = numbers[random.bounded(int(numbers.size()))];
                        try {
                            if (i % 4 == 3)
                                OriginalSystem::addonStoresReply(db, t.ticket, t.number,
                                                                 QStringLiteral("on it %1").arg(i),
                                                                 QStringLiteral("Nomsa"));
                            else
                                OriginalSystem::addonStoresInbound(db, t.ticket, from,
                                                                   QStringLiteral("still stuck %1").arg(i));
                            ++writes;
                        } catch (const DbError &e) {
                            ++failed;
                            if (qEnvironmentVariableIsSet("LOCKS_VERBOSE"))
                                qWarning("original-%d: %s", w, qPrintable(e.message()));
                            std::lock_guard lock(mutex);
                            if (firstFailure.isEmpty())
                                firstFailure = e.message();
                        }
                    }
                });
            }
            QString migrationError;
            try {
                Db db(params, QStringLiteral("migrate"));
                Migrator::migrate(db);
            } catch (const DbError &e) {
                migrationError = e.message();
            }
            done = true;
            for (std::thread &t : writers)
                t.join();
            QVERIFY2(migrationError.isEmpty(), qPrintable(migrationError));
            QVERIFY2(failed == 0,
                     qPrintable(QStringLiteral("round %1: %2 of %3 writes of the original server "
                                               "failed; first: %4")
                                    .arg(round)
                                    .arg(int(failed))
                                    .arg(int(writes) + int(failed))
                                    .arg(firstFailure)));
            QVERIFY(writes > 0);
            // What the upgrade derived still matches the transcript, writes during it included.
            Db db(params, QStringLiteral("check"));
            QCOMPARE(
                db.scalar(QStringLiteral(
                              "SELECT count(*) FROM tickets t LEFT JOIN chat_ticket_summary s ON "
                              "s.ticket_id = t.id WHERE coalesce(s.message_count, 0) <> (SELECT count(*) "
                              "FROM chat_messages m WHERE m.ticket_id = t.id)"))
                    .toInt(),
                0);
        }
    }
};

QTEST_GUILESS_MAIN(TestTicketLocks)
#include "tst_ticketlocks.moc"
