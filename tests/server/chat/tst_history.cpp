// The incident history (issue 17): old and open incidents found by what was said (full-text), the lift, the
// site, the technician, the reference and the dates, newest first, a page at a time. Real PostgreSQL, real
// HTTP over loopback.
#include "HttpClient.h"
#include "Seed.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "db/Db.h"
#include "db/Events.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

namespace {

struct Fixture {
    Fixture()
        : params(TestCluster::instance().createDatabase())
        , db(params, QStringLiteral("tst-history"))
    {
        Seed::registry(db);
        // March: a fault on James House, then people stuck at Marula Tower; both resolved. Now: the fault
        // again at Block C, and James House once more.
        jamesMarch =
            incident(QStringLiteral("27710000001"), QStringLiteral("27820000001"),
                     QStringLiteral("Controller shows fault E42 on floor 3"), "2026-03-10T08:00:00Z", true);
        marula = incident(QStringLiteral("27710000002"), QStringLiteral("27820000002"),
                          QStringLiteral("Doors stuck, two people inside"), "2026-03-20T10:00:00Z", true);
        blockC = incident(QStringLiteral("27710000003"), QStringLiteral("27820000003"),
                          QStringLiteral("fault e42 again, same as last time"), nullptr, false);
        jamesNow = incident(QStringLiteral("27710000001"), QStringLiteral("27820000001"),
                            QStringLiteral("All good"), nullptr, false);
        Events::sequence(db);
        server = std::make_unique<TestServer>(params);
        token = server->signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Nkosi"));
    }

    int incident(const QString &lift, const QString &technician, const QString &text, const char *opened,
                 bool resolved)
    {
        const int ticket = Seed::openTicket(db, lift);
        Seed::technicianWrote(db, ticket, technician, text, 5);
        if (opened)
            db.execOnce(QStringLiteral("UPDATE tickets SET created_at = ?::timestamptz WHERE id = ?"),
                        {QString::fromLatin1(opened), ticket});
        if (resolved)
            db.execOnce(
                QStringLiteral("UPDATE tickets SET status = 'closed', resolved_at = now() WHERE id = ?"),
                {ticket});
        return ticket;
    }

    HttpResult search(const QList<std::pair<QString, QString>> &items)
    {
        QUrlQuery query;
        for (const auto &[k, v] : items)
            query.addQueryItem(k, QString::fromUtf8(QUrl::toPercentEncoding(v)));
        return server->http().get(QStringLiteral("/api/chat/history?") + query.toString(QUrl::FullyEncoded),
                                  HttpClient::bearer(token));
    }
    // The tickets found, in order.
    QList<int> found(const QList<std::pair<QString, QString>> &items)
    {
        const HttpResult r = search(items);
        if (r.status != 200)
            qWarning() << "history answered" << r.status << r.body;
        QList<int> ids;
        for (const QJsonValue &v : r.json.value(QLatin1String("incidents")).toArray())
            ids << v.toObject().value(QLatin1String("ticket_id")).toInt();
        return ids;
    }

    DbParams params;
    Db db;
    std::unique_ptr<TestServer> server;
    QByteArray token;
    int jamesMarch = 0, marula = 0, blockC = 0, jamesNow = 0;
};

} // namespace

class TestHistory : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { TestCluster::instance(); }

    void byWhatWasSaid()
    {
        Fixture f;
        // Any case, newest first, with the latest matching message.
        QCOMPARE(f.found({{QStringLiteral("q"), QStringLiteral("E42")}}),
                 (QList<int>{f.blockC, f.jamesMarch}));
        const QJsonObject first = f.search({{QStringLiteral("q"), QStringLiteral("e42")}})
                                      .json.value(QLatin1String("incidents"))
                                      .toArray()
                                      .first()
                                      .toObject();
        QCOMPARE(first.value(QLatin1String("matches")).toInt(), 1);
        QCOMPARE(first.value(QLatin1String("match")).toObject().value(QLatin1String("text")).toString(),
                 QStringLiteral("fault e42 again, same as last time"));
        QCOMPARE(first.value(QLatin1String("lift")).toObject().value(QLatin1String("building")).toString(),
                 QStringLiteral("Block C"));
        QCOMPARE(first.value(QLatin1String("technician")).toObject().value(QLatin1String("name")).toString(),
                 QStringLiteral("Thabo Nkosi"));
        QCOMPARE(first.value(QLatin1String("status")).toString(), QStringLiteral("open"));
        // A phrase, words together, and a word left out.
        QCOMPARE(f.found({{QStringLiteral("q"), QStringLiteral("\"two people\"")}}), QList<int>{f.marula});
        QCOMPARE(f.found({{QStringLiteral("q"), QStringLiteral("fault -again")}}), QList<int>{f.jamesMarch});
        // Nothing to search for, or quotes and LIKE characters: nothing found, no error.
        QCOMPARE(f.found({{QStringLiteral("q"), QStringLiteral("!!! ::")}}), QList<int>{});
        QCOMPARE(f.found({{QStringLiteral("q"), QStringLiteral("o'brien % _")}}), QList<int>{});
    }

    // A message is found by its edits' text too (the sender's own later wording), each message once.
    void byWhatAnEditSaid()
    {
        Fixture f;
        const QString waId =
            f.db.scalar(QStringLiteral("SELECT wa_message_id FROM chat_messages WHERE ticket_id = ? "
                                       "AND direction = 'inbound'"),
                        {f.marula})
                .toString();
        f.db.execOnce(
            QStringLiteral("INSERT INTO chat_message_changes (wa_message_id, target_wa_id, change, "
                           "from_number, body, raw) VALUES ('wamid.HIST.EDIT', ?, 'edit', "
                           "'27820000002', 'Doors stuck, three people inside, fault E42', '{}'), "
                           "('wamid.HIST.EDIT2', ?, 'edit', '27820000002', 'three people, fault E42 "
                           "cleared', '{}')"),
            {waId, waId});
        QCOMPARE(f.found({{QStringLiteral("q"), QStringLiteral("three people")}}), QList<int>{f.marula});
        QCOMPARE(f.found({{QStringLiteral("q"), QStringLiteral("E42")}}),
                 (QList<int>{f.blockC, f.marula, f.jamesMarch}));
        const QJsonArray found = f.search({{QStringLiteral("q"), QStringLiteral("E42")}})
                                     .json.value(QLatin1String("incidents"))
                                     .toArray();
        QCOMPARE(found.at(1).toObject().value(QLatin1String("matches")).toInt(), 1);
        // A reaction's or a deletion's text is no wording of the message.
        f.db.execOnce(QStringLiteral("INSERT INTO chat_message_changes (wa_message_id, target_wa_id, change, "
                                     "from_number, body, raw) VALUES ('wamid.HIST.REACT', ?, 'reaction', "
                                     "'27820000002', 'zebra', '{}')"),
                      {waId});
        QCOMPARE(f.found({{QStringLiteral("q"), QStringLiteral("zebra")}}), QList<int>{});
        // Found by messages on one ticket and by an edit on another, newest first.
        Seed::bulkMessages(f.db, f.jamesNow, 200); // "message 1" ... "message 200"
        f.db.execOnce(QStringLiteral("INSERT INTO chat_message_changes (wa_message_id, target_wa_id, change, "
                                     "from_number, body, raw) VALUES ('wamid.HIST.EDIT3', ?, 'edit', "
                                     "'27820000002', 'message about the doors', '{}')"),
                      {waId});
        const QList<int> common = f.found({{QStringLiteral("q"), QStringLiteral("message")}});
        QCOMPARE(common, (QList<int>{f.jamesNow, f.marula}));
    }

    // A word said in thousands of messages is looked for ticket by ticket from the newest (not counted
    // across the whole transcript first), and gives the same answer: every match counted, the latest shown.
    void commonWordsAreFoundToo()
    {
        Fixture f;
        Seed::bulkMessages(f.db, f.marula, 2500); // "message 1" ... "message 2500"
        Seed::bulkMessages(f.db, f.blockC, 10);
        const HttpResult r = f.search({{QStringLiteral("q"), QStringLiteral("message")}});
        VERIFY_STATUS(r, 200);
        const QJsonArray found = r.json.value(QLatin1String("incidents")).toArray();
        QCOMPARE(found.size(), 2);
        QCOMPARE(found.at(0).toObject().value(QLatin1String("ticket_id")).toInt(), f.blockC);
        QCOMPARE(found.at(0).toObject().value(QLatin1String("matches")).toInt(), 10);
        const QJsonObject marula = found.at(1).toObject();
        QCOMPARE(marula.value(QLatin1String("ticket_id")).toInt(), f.marula);
        QCOMPARE(marula.value(QLatin1String("matches")).toInt(), 2500);
        QCOMPARE(marula.value(QLatin1String("match")).toObject().value(QLatin1String("text")).toString(),
                 QStringLiteral("message 2500"));
        // With the word and a filter, and a word with both: still exact.
        QCOMPARE(f.found({{QStringLiteral("q"), QStringLiteral("message")},
                          {QStringLiteral("site"), QStringLiteral("block")}}),
                 QList<int>{f.blockC});
        QCOMPARE(f.found({{QStringLiteral("q"), QStringLiteral("message 2499")}}), QList<int>{f.marula});
    }

    void byLiftSiteTechnicianReferenceAndDate()
    {
        Fixture f;
        QCOMPARE(f.found({{QStringLiteral("lift"), QStringLiteral("27710000001")}}),
                 (QList<int>{f.jamesNow, f.jamesMarch}));
        QCOMPARE(f.found({{QStringLiteral("site"), QStringLiteral("marula")}}), QList<int>{f.marula});
        QCOMPARE(f.found({{QStringLiteral("site"), QStringLiteral("sandton")}}),
                 (QList<int>{f.jamesNow, f.marula, f.jamesMarch}));
        QCOMPARE(f.found({{QStringLiteral("site"), QStringLiteral("%")}}), QList<int>{});
        QCOMPARE(f.found({{QStringLiteral("technician"), QStringLiteral("anna")}}), QList<int>{f.marula});
        QCOMPARE(f.found({{QStringLiteral("technician"), QStringLiteral("27820000003")}}),
                 QList<int>{f.blockC});
        const QString reference =
            f.db.scalar(QStringLiteral("SELECT ticket_reference FROM tickets WHERE id = ?"), {f.marula})
                .toString();
        QVERIFY(!reference.isEmpty());
        QCOMPARE(f.found({{QStringLiteral("reference"), reference.toLower()}}), QList<int>{f.marula});
        // Days count whole; a time needs its offset.
        QCOMPARE(f.found({{QStringLiteral("from"), QStringLiteral("2026-03-15")},
                          {QStringLiteral("to"), QStringLiteral("2026-03-20")}}),
                 QList<int>{f.marula});
        QCOMPARE(f.found({{QStringLiteral("to"), QStringLiteral("2026-03-20T09:00:00Z")}}),
                 QList<int>{f.jamesMarch});
        QCOMPARE(f.found({{QStringLiteral("status"), QStringLiteral("resolved")},
                          {QStringLiteral("q"), QStringLiteral("e42")}}),
                 QList<int>{f.jamesMarch});
        QCOMPARE(f.found({{QStringLiteral("status"), QStringLiteral("closed")}}),
                 (QList<int>{f.marula, f.jamesMarch}));
        QCOMPARE(f.found({{QStringLiteral("status"), QStringLiteral("open")}}),
                 (QList<int>{f.jamesNow, f.blockC}));
        // Numbers as people write them; a technician who wrote without being the one who responded.
        QCOMPARE(f.found({{QStringLiteral("lift"), QStringLiteral("+27 71 000 0002")}}),
                 QList<int>{f.marula});
        Seed::technicianWrote(f.db, f.blockC, QStringLiteral("27820000002"),
                              QStringLiteral("I am on site too"), 1);
        QCOMPARE(f.found({{QStringLiteral("technician"), QStringLiteral("+27 82 000 0002")}}),
                 (QList<int>{f.blockC, f.marula}));
    }

    void pagesAndRefusals()
    {
        Fixture f;
        const HttpResult first = f.search({{QStringLiteral("limit"), QStringLiteral("2")}});
        VERIFY_STATUS(first, 200);
        QCOMPARE(first.json.value(QLatin1String("incidents")).toArray().size(), 2);
        QCOMPARE(first.json.value(QLatin1String("next_before")).toInt(), f.blockC);
        const HttpResult second = f.search({{QStringLiteral("limit"), QStringLiteral("2")},
                                            {QStringLiteral("before"), QString::number(f.blockC)}});
        QCOMPARE(second.json.value(QLatin1String("incidents")).toArray().size(), 2);
        QVERIFY(second.json.value(QLatin1String("next_before")).isNull());
        QCOMPARE(second.json.value(QLatin1String("incidents"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("ticket_id"))
                     .toInt(),
                 f.marula);

        VERIFY_ERROR(f.search({{QStringLiteral("limit"), QStringLiteral("0")}}), 400, "invalid_limit");
        VERIFY_ERROR(f.search({{QStringLiteral("limit"), QStringLiteral("101")}}), 400, "invalid_limit");
        VERIFY_ERROR(f.search({{QStringLiteral("before"), QStringLiteral("x")}}), 400, "invalid_before");
        VERIFY_ERROR(f.search({{QStringLiteral("from"), QStringLiteral("yesterday")}}), 400, "invalid_date");
        VERIFY_ERROR(f.search({{QStringLiteral("from"), QStringLiteral("2026-03-01T08:00:00")}}), 400,
                     "invalid_date");
        VERIFY_ERROR(f.search({{QStringLiteral("from"), QStringLiteral("2026-03-20")},
                               {QStringLiteral("to"), QStringLiteral("2026-03-01")}}),
                     400, "invalid_history_query");
        VERIFY_ERROR(f.search({{QStringLiteral("status"), QStringLiteral("finished")}}), 400,
                     "invalid_history_query");
        // A page after a ticket that is not there is a mistake, not the end.
        VERIFY_ERROR(f.search({{QStringLiteral("before"), QStringLiteral("999999")}}), 400, "invalid_before");
        // What PostgreSQL cannot take is refused, never a 500.
        VERIFY_ERROR(f.search({{QStringLiteral("q"), QStringLiteral("fault") + QChar(0)}}), 400,
                     "invalid_history_query");
        VERIFY_ERROR(f.search({{QStringLiteral("site"), QString(QChar(0))}}), 400, "invalid_history_query");
        VERIFY_ERROR(f.search({{QStringLiteral("q"), QStringLiteral("-doors")}}), 400,
                     "invalid_history_query");
        VERIFY_ERROR(
            f.search({{QStringLiteral("q"), QStringLiteral("- ").repeated(40) + QStringLiteral("a")}}), 400,
            "invalid_history_query");
        VERIFY_STATUS(
            f.search({{QStringLiteral("q"), QString(60, QLatin1Char('-')) + QStringLiteral(" e42")}}), 200);
        VERIFY_ERROR(f.search({{QStringLiteral("q"), QString(201, QLatin1Char('a'))}}), 400,
                     "invalid_history_query");
        VERIFY_ERROR(f.server->http().get(QStringLiteral("/api/chat/history")), 401, "unauthorized");
    }
};

QTEST_GUILESS_MAIN(TestHistory)
#include "tst_history.moc"
