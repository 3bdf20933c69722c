#include "Seed.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "chat/ChatStore.h"
#include "db/Db.h"
#include "db/Events.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>

#include <atomic>
#include <thread>

// Event numbers must have no gaps and follow commit order: a console that saw number N must be able to
// ask for everything after N and miss nothing.
class TestEvents : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void gaplessUnderConcurrentWriters()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        constexpr int writers = 8;
        constexpr int perWriter = 60;
        std::atomic<int> running{writers};
        std::atomic<bool> failed{false};
        QString failure;
        std::mutex failureMutex;
        auto fail = [&](const QString &why) {
            std::lock_guard lock(failureMutex);
            if (!failed.exchange(true))
                failure = why;
        };

        std::vector<std::thread> threads;
        for (int w = 0; w < writers; ++w) {
            threads.emplace_back([&, w] {
                try {
                    Db db(params, QStringLiteral("writer-%1").arg(w));
                    QRandomGenerator rng(quint32(w + 1));
                    for (int i = 0; i < perWriter && !failed; ++i) {
                        db.transaction([&] {
                            db.exec(QStringLiteral("SELECT chat_emit('test.event', NULL, "
                                                   "json_build_object('w', ?::int, 'i', ?::int))"),
                                    {w, i});
                            // Hold some transactions open so that later inserts commit first.
                            if (rng.bounded(4) == 0)
                                db.exec(QStringLiteral("SELECT pg_sleep(?)"), {rng.bounded(20) / 1000.0});
                        });
                        Events::sequence(db);
                    }
                } catch (const DbError &e) {
                    fail(e.message());
                }
                --running;
            });
        }

        // The reader asks, again and again, for everything after the last number it saw.
        Db reader(params, QStringLiteral("reader"));
        qint64 last = 0;
        QSet<QString> seen;
        auto readNew = [&] {
            QSqlQuery &q = reader.exec(
                QStringLiteral("SELECT seq, data::text FROM chat_events WHERE seq > ? ORDER BY seq"), {last});
            while (q.next()) {
                const qint64 seq = q.value(0).toLongLong();
                if (seq != last + 1) {
                    fail(QStringLiteral("gap: saw %1 after %2").arg(seq).arg(last));
                    break;
                }
                last = seq;
                const QString data = q.value(1).toString();
                if (seen.contains(data))
                    fail(QStringLiteral("event delivered twice: %1").arg(data));
                seen.insert(data);
            }
            q.finish();
        };
        while (running > 0 && !failed)
            readNew();
        for (std::thread &t : threads)
            t.join();
        Events::sequence(reader);
        readNew();
        QVERIFY2(!failed, qPrintable(failure));
        QCOMPARE(last, qint64(writers * perWriter));
        QCOMPARE(seen.size(), writers * perWriter);
        QCOMPARE(reader.scalar(QStringLiteral("SELECT count(*) FROM chat_events WHERE seq IS NULL")).toInt(),
                 0);
    }

    // A bigserial alone is not enough: this shows the interleaving the sequencer exists for. A writer
    // that inserted first but commits last gets the higher sequence number.
    void numbersFollowCommitOrder()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db slow(params, QStringLiteral("slow"));
        Db fast(params, QStringLiteral("fast"));
        slow.begin();
        slow.exec(QStringLiteral("SELECT chat_emit('test.slow', NULL, '{}')"));
        fast.transaction([&] { fast.exec(QStringLiteral("SELECT chat_emit('test.fast', NULL, '{}')")); });
        QCOMPARE(Events::sequence(fast), qint64(1));
        slow.commit();
        QCOMPARE(Events::sequence(slow), qint64(2));
        QCOMPARE(fast.scalar(QStringLiteral("SELECT event FROM chat_events WHERE seq = 1")).toString(),
                 QStringLiteral("test.fast"));
        QCOMPARE(fast.scalar(QStringLiteral("SELECT event FROM chat_events WHERE seq = 2")).toString(),
                 QStringLiteral("test.slow"));
        // The one inserted first has the lower id but the higher number.
        QVERIFY(fast.scalar(QStringLiteral("SELECT (SELECT id FROM chat_events WHERE seq = 2) < (SELECT id "
                                           "FROM chat_events WHERE seq = 1)"))
                    .toBool());
    }

    // A transaction that changes one conversation twice announces it once, in its final state, after
    // the message; a later transaction announces it again.
    void oneConversationEventPerTransaction()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        Seed::technicianWrote(db, ticket);
        Events::sequence(db);
        const qint64 before = Events::latest(db);
        db.transaction([&] {
            db.execOnce(QStringLiteral(
                "UPDATE chat_windows SET last_inbound_at = now() WHERE number = '27820000001'"));
            db.execOnce(
                QStringLiteral("INSERT INTO chat_messages (ticket_id, from_number, message, direction, kind, "
                               "status) VALUES (?, '27820000001', 'second', 'inbound', 'text', 'received')"),
                {ticket});
            db.execOnce(QStringLiteral("UPDATE tickets SET agent_requested = true WHERE id = ?"), {ticket});
        });
        Events::sequence(db);
        QSqlQuery q = db.execOnce(
            QStringLiteral("SELECT event, data::text FROM chat_events WHERE seq > ? ORDER BY seq"), {before});
        QStringList events;
        QJsonObject conversation;
        while (q.next()) {
            events << q.value(0).toString();
            if (q.value(0).toString() == QLatin1String("conversation.updated"))
                conversation = QJsonDocument::fromJson(q.value(1).toString().toUtf8()).object();
        }
        QCOMPARE(events.join(QLatin1Char(',')), QStringLiteral("message.created,conversation.updated"));
        QCOMPARE(conversation.value(QStringLiteral("message_count")).toInt(), 2);
        QCOMPARE(conversation.value(QStringLiteral("agent_requested")).toBool(), true);
        db.execOnce(QStringLiteral("UPDATE tickets SET agent_requested = false WHERE id = ?"), {ticket});
        Events::sequence(db);
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT count(*) FROM chat_events WHERE event = 'conversation.updated' "
                                     "AND seq > ?"),
                      {before})
                .toInt(),
            2);
    }

    // A transaction that changes several conversations, each twice (as a batch of webhook bodies does),
    // announces each once, in its final state. What it kept to find the earlier event ends with it:
    // PostgreSQL 15 keeps the name of every custom setting a connection ever set, and each new name
    // costs a sort of them all, so a setting named per ticket made every new ticket slower on a
    // connection that had written many (6 ms a call after 20,000).
    void oneEventPerConversationInABatch()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int first = Seed::openTicket(db);
        const int second = Seed::openTicket(db, QStringLiteral("27710000002"));
        Seed::technicianWrote(db, first);
        Seed::technicianWrote(db, second, QStringLiteral("27820000002"));
        Events::sequence(db);
        const qint64 before = Events::latest(db);
        db.transaction([&] {
            for (int round = 0; round < 2; ++round) {
                for (const auto &[ticket, number] : {std::pair{first, QStringLiteral("27820000001")},
                                                     {second, QStringLiteral("27820000002")}})
                    db.execOnce(QStringLiteral("INSERT INTO chat_messages (ticket_id, from_number, message, "
                                               "direction, kind, status) VALUES (?, ?, ?, 'inbound', 'text', "
                                               "'received')"),
                                {ticket, number, QStringLiteral("round %1").arg(round)});
            }
        });
        Events::sequence(db);
        QSqlQuery q =
            db.execOnce(QStringLiteral("SELECT ticket_id, data::text FROM chat_events WHERE seq > ? "
                                       "AND event = 'conversation.updated' ORDER BY seq"),
                        {before});
        QMap<int, int> announced;
        while (q.next()) {
            ++announced[q.value(0).toInt()];
            QCOMPARE(QJsonDocument::fromJson(q.value(1).toString().toUtf8())
                         .object()
                         .value(QStringLiteral("message_count"))
                         .toInt(),
                     3);
        }
        QCOMPARE(announced.value(first), 1);
        QCOMPARE(announced.value(second), 1);
        // Never set on this connection: an empty value would mean the name outlived its transaction.
        for (int ticket : {first, second})
            QVERIFY(
                db.scalar(QStringLiteral("SELECT current_setting('liftline.conversation_event_' || ?, true) "
                                         "IS NULL"),
                          {ticket})
                    .toBool());
    }

    void writesDescribeThemselves()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        const qint64 message = Seed::technicianWrote(db, ticket);
        QSqlQuery q =
            db.execOnce(QStringLiteral("SELECT event, ticket_id, data::text FROM chat_events ORDER BY seq"));
        QStringList events;
        QJsonObject lastConversation;
        QJsonObject messageData;
        while (q.next()) {
            events << q.value(0).toString();
            QCOMPARE(q.value(1).toInt(), ticket);
            const QJsonObject data = QJsonDocument::fromJson(q.value(2).toString().toUtf8()).object();
            if (q.value(0).toString() == QLatin1String("conversation.updated"))
                lastConversation = data;
            if (q.value(0).toString() == QLatin1String("message.created"))
                messageData = data;
        }
        QVERIFY2(events.contains(QStringLiteral("message.created")), qPrintable(events.join(',')));
        QCOMPARE(events.last(), QStringLiteral("conversation.updated"));
        // Event data is exactly what the REST routes return.
        const QJsonObject listed =
            QJsonDocument::fromJson(
                db.scalar(QStringLiteral("SELECT chat_conversation_json(?)::text"), {ticket})
                    .toString()
                    .toUtf8())
                .object();
        QCOMPARE(lastConversation, listed);
        QCOMPARE(lastConversation.value(QStringLiteral("unread_count")).toInt(), 1);
        QCOMPARE(messageData.value(QStringLiteral("id")).toInteger(), message);
        QCOMPARE(messageData.value(QStringLiteral("direction")).toString(), QStringLiteral("inbound"));
    }

    // The conversation list is served from stored objects; they must always equal what the live view
    // computes, also after the lift, the technician or the technician's window change.
    void storedConversationsFollowEveryChange()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int first = Seed::openTicket(db, QStringLiteral("27710000001"));
        const int second = Seed::openTicket(db, QStringLiteral("27710000002"));
        Seed::technicianWrote(db, first, QStringLiteral("27820000001"));
        Seed::technicianWrote(db, second, QStringLiteral("27820000002"));
        auto listed = [&] {
            qint64 seq = 0;
            QHash<int, QJsonObject> byId;
            const QJsonArray list = QJsonDocument::fromJson(ChatStore::conversations(db, &seq)).array();
            for (const QJsonValue &v : list)
                byId.insert(v.toObject().value(QStringLiteral("id")).toInt(), v.toObject());
            return byId;
        };
        auto live = [&](int ticket) {
            return QJsonDocument::fromJson(ChatStore::conversation(db, ticket)).object();
        };
        auto checkAll = [&](const char *when) {
            const QHash<int, QJsonObject> list = listed();
            QCOMPARE(list.size(), 2);
            for (int ticket : {first, second})
                QVERIFY2(list.value(ticket) == live(ticket), when);
        };
        checkAll("after the technicians wrote");

        db.execOnce(QStringLiteral(
            "UPDATE contacts SET display_name = 'Sipho M. Dlamini' WHERE primary_msisdn = '27820000001'"));
        QCOMPARE(listed().value(first).value(QStringLiteral("contact_name")).toString(),
                 QStringLiteral("Sipho M. Dlamini"));
        checkAll("after a technician was renamed");

        db.execOnce(
            QStringLiteral("UPDATE lifts SET building = 'Marula Tower North' WHERE msisdn = '27710000002'"));
        QCOMPARE(listed().value(second).value(QStringLiteral("lift_name")).toString(),
                 QStringLiteral("Sandton Central - Marula Tower North"));
        checkAll("after a lift was renamed");

        db.execOnce(QStringLiteral("UPDATE chat_windows SET last_inbound_at = now() - interval '30 hours' "
                                   "WHERE number = '27820000002'"));
        QVERIFY(listed().value(second).value(QStringLiteral("window_expires_at")).toString() <
                live(first).value(QStringLiteral("window_expires_at")).toString());
        checkAll("after a window changed");

        db.execOnce(QStringLiteral("UPDATE tickets SET status = 'closed', resolved_at = now() - interval '2 "
                                   "hours' WHERE id = ?"),
                    {second});
        QCOMPARE(listed().size(), 1);
        Events::sequence(db);
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM chat_events WHERE seq IS NULL")).toInt(), 0);
    }

    // Writes by another system on the same database (the original lift-alert server closing a ticket)
    // and events a writer left unnumbered are numbered by the server's own timer.
    void otherSystemsChangesAreNumbered()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        TestServer server(params);
        const qint64 before = Events::latest(db);
        db.execOnce(QStringLiteral("UPDATE tickets SET status = 'closed', resolved_at = now() WHERE id = ?"),
                    {ticket});
        QTRY_VERIFY_WITH_TIMEOUT(Events::latest(db) > before, 5000);
        const QJsonObject data =
            QJsonDocument::fromJson(
                db.scalar(QStringLiteral("SELECT data::text FROM chat_events WHERE seq = ?"), {before + 1})
                    .toString()
                    .toUtf8())
                .object();
        QCOMPARE(data.value(QStringLiteral("status")).toString(), QStringLiteral("closed"));
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM chat_events WHERE seq IS NULL")).toInt(), 0);
    }
};

QTEST_GUILESS_MAIN(TestEvents)
#include "tst_events.moc"
