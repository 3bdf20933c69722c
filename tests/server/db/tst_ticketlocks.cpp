#include "OriginalSystem.h"
#include "Seed.h"
#include "TestCluster.h"
#include "chat/ChatStore.h"
#include "chat/Outbox.h"
#include "db/Db.h"
#include "domain/Principal.h"
#include "http/HttpTypes.h"

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
};

QTEST_GUILESS_MAIN(TestTicketLocks)
#include "tst_ticketlocks.moc"
