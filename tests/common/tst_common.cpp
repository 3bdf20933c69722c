#include "PhoneNumber.h"
#include "WireProtocol.h"
#include "WireTime.h"
#include "chat/Tickets.h"
#include "whatsapp/InboundMessage.h"

#include <QDir>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

class TestCommon : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The event names the SQL records are the ones the server, the console and the tests know, and every
    // name they know is recorded somewhere: a renamed event fails here, not on an agent's screen.
    void theStreamVocabularyIsTheSqls()
    {
        QSet<QString> recorded;
        static const QRegularExpression emitted(QStringLiteral("chat_emit\\s*\\(\\s*'([a-z_.]+)'"));
        // The migrations and the live definitions of the functions.
        for (const char *folder : {LIFTLINE_SOURCE_DIR "/sql", LIFTLINE_SOURCE_DIR "/sql/functions"}) {
            const QDir sql(QString::fromUtf8(folder));
            const QStringList files = sql.entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
            QVERIFY(!files.isEmpty());
            for (const QString &name : files) {
                QFile f(sql.filePath(name));
                QVERIFY(f.open(QIODevice::ReadOnly));
                const QString text = QString::fromUtf8(f.readAll());
                for (auto it = emitted.globalMatch(text); it.hasNext();)
                    recorded.insert(it.next().captured(1));
            }
        }
        QSet<QString> known;
        for (QLatin1String event : Wire::Event::all)
            known.insert(event);
        for (const QString &name : std::as_const(recorded))
            QVERIFY2(known.contains(name),
                     qPrintable(name + QStringLiteral(" is recorded but not in Wire::Event")));
        // The ones the server records from C++ (server/chat/Unassigned.cpp, IncidentCard.cpp).
        recorded.insert(Wire::Event::unassignedUpdated);
        recorded.insert(Wire::Event::unassignedAttached);
        recorded.insert(Wire::Event::incidentUpdated);
        QCOMPARE(recorded, known);
    }

    void phoneNumbers_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("canonical") << "27820000001"
                                   << "27820000001";
        QTest::newRow("plus and spaces") << "+27 82 000 0001"
                                         << "27820000001";
        QTest::newRow("dashes and brackets") << "+27 (82) 000-0001"
                                             << "27820000001";
        QTest::newRow("surrounding space") << "  27820000001 "
                                           << "27820000001";
        QTest::newRow("letters") << "2782000000a"
                                 << "";
        QTest::newRow("too short") << "1234567"
                                   << "";
        QTest::newRow("too long") << "1234567890123456"
                                  << "";
        QTest::newRow("leading zero") << "0820000001"
                                      << "";
        QTest::newRow("plus in the middle") << "2782+0000001"
                                            << "";
        QTest::newRow("empty") << ""
                               << "";
    }
    void phoneNumbers()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(PhoneNumber::normalise(input), expected);
    }

    void wireTime()
    {
        const QDateTime t(QDate(2026, 11, 23), QTime(20, 1, 35, 123), Qt::UTC);
        QCOMPARE(WireTime::format(t), QStringLiteral("2026-11-23T20:01:35.123Z"));
        QCOMPARE(WireTime::parse(QStringLiteral("2026-11-23T20:01:35.123Z")), t);
        QCOMPARE(WireTime::parse(QStringLiteral("2026-11-23T22:01:35.123+02:00")), t);
        QVERIFY(!WireTime::parse(QStringLiteral("yesterday")).isValid());
        QCOMPARE(WireTime::format(QDateTime()), QString());
    }

    void agentWords_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("asks");
        QTest::newRow("word") << "Agent I need help" << true;
        QTest::newRow("plural") << "any agents there?" << true;
        QTest::newRow("question mark") << "Agent?" << true;
        QTest::newRow("shouted") << "AGENT!" << true;
        QTest::newRow("sentence end") << "I need an agent." << true;
        QTest::newRow("inside a word") << "reagent spilled" << false;
        QTest::newRow("management") << "call management" << false;
        QTest::newRow("longer word") << "agentur" << false;
        QTest::newRow("nothing") << "the car is stuck" << false;
    }
    void agentWords()
    {
        QFETCH(QString, text);
        QFETCH(bool, asks);
        QCOMPARE(InboundMessage::containsWord(text, InboundMessage::defaultAgentWords()), asks);
    }

    void ticketReference_data()
    {
        QTest::addColumn<QString>("building");
        QTest::addColumn<QString>("prefix");
        QTest::newRow("two words") << "James House"
                                   << "JAMES-HOUSE";
        QTest::newRow("first three words") << "Block C North Wing"
                                           << "BLOCK-C-NORTH";
        QTest::newRow("punctuation") << "St. Mary's (East)"
                                     << "ST-MARYS-EAST";
        QTest::newRow("punctuation alone is no word") << "Block - C"
                                                      << "BLOCK-C";
        QTest::newRow("accents come off") << "Café Central Tower"
                                          << "CAFE-CENTRAL-TOWER";
        QTest::newRow("at most 20 characters") << "Witwatersrand Innovation Centre"
                                               << "WITWATERSRAND-INNOVA";
        QTest::newRow("no trailing dash after cut") << "Abcdefghijklmnopqrs Tower"
                                                    << "ABCDEFGHIJKLMNOPQRS";
        QTest::newRow("digits kept") << "Tower 7b"
                                     << "TOWER-7B";
        QTest::newRow("empty") << ""
                               << "LIFT";
    }
    void ticketReference()
    {
        QFETCH(QString, building);
        QFETCH(QString, prefix);
        QCOMPARE(Tickets::referencePrefix(building), prefix);
        QVERIFY(Tickets::referencePrefix(building).size() <= 20);
    }
};

QTEST_GUILESS_MAIN(TestCommon)
#include "tst_common.moc"
