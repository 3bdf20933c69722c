#include "ApiClient.h"
#include "ChatPanel.h"
#include "Composer.h"
#include "ConsoleSession.h"
#include "ConversationListModel.h"
#include "FakeNotificationServer.h"
#include "MainWindow.h"
#include "MessageModel.h"
#include "Notifier.h"
#include "Seed.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "UnassignedModel.h"
#include "db/Db.h"

#include <QDBusConnectionInterface>
#include <QListView>
#include <QTest>

namespace {

QString statusOf(MessageModel *m, const QString &text)
{
    for (int r = 0; r < m->rowCount(); ++r)
        if (m->index(r, 0).data(MessageModel::TextRole).toString() == text)
            return m->index(r, 0).data(MessageModel::StatusRole).toString();
    return {};
}

// An agent's console on the server: signed in as Thandi, the window shown, the session started.
struct Console {
    explicit Console(TestServer &server)
    {
        api.setBaseUrl(server.baseUrl());
        api.setToken(server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi")));
        window.show();
        session.start(QStringLiteral("Thandi"));
    }
    ApiClient api;
    ConversationListModel conversations;
    ConsoleSession session{&api, &conversations};
    MainWindow window{&api, &session, &conversations};
};

} // namespace

// The console's window end to end, offscreen, against the real server in sandbox mode, with a fake
// desktop notification service on a private session bus (ctest runs this under dbus-run-session).
class TestConsoleWindow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        TestCluster::instance();
        QVERIFY2(QDBusConnection::sessionBus().isConnected(),
                 "run under dbus-run-session (see CMakeLists.txt)");
        QVERIFY(QDBusConnection::connectToBus(QDBusConnection::SessionBus, FakeNotifications::kFakeConnection)
                    .isConnected());
    }

    void aTechnicianAsksForAnAgentAndGetsAnAnswer()
    {
        FakeNotificationServer fake{QDBusConnection(FakeNotifications::kFakeConnection)};
        QVERIFY(fake.registerOnBus());
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        Config config = TestServer::defaultConfig();
        config.sandboxStatuses = true;
        TestServer server(params, config);

        Console console(server);
        MainWindow &window = console.window;
        ConversationListModel &conversations = console.conversations;
        QCOMPARE(window.notifier()->backendName(), QStringLiteral("freedesktop"));
        QTRY_COMPARE_WITH_TIMEOUT(console.session.stream()->state(), EventStream::State::Live, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(window.list()->model()->rowCount(), 1, 15000);

        // "Agent, we are stuck": the conversation enters the emergency lane, the title counts it, and a
        // critical notification with an Open action goes up.
        const QByteArray body = TestServer::technicianText(QStringLiteral("wamid.WINDOW.1"),
                                                           QStringLiteral("Agent, we are stuck"));
        QCOMPARE(server.postWebhook(body).status, 200);
        const QModelIndex first = window.list()->model()->index(0, 0);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.list()->model()->index(0, 0).data(ConversationListModel::WaitingRole).toBool(), 15000);
        QCOMPARE(first.data(ConversationListModel::TicketIdRole).toInt(), ticket);
        QCOMPARE(first.data(ConversationListModel::UnreadRole).toInt(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(window.windowTitle().contains(QLatin1String("1 waiting")), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(fake.notifyCalls.size(), 1, 10000);
        QTest::qWait(500);
        QCOMPARE(fake.notifyCalls.size(), 1); // one request, one notification
        const FakeNotificationServer::Call call = fake.notifyCalls.first();
        QCOMPARE(call.hints.value(QStringLiteral("urgency")).value<uchar>(), uchar(2));
        QVERIFY(call.actions.contains(QStringLiteral("open")));
        QVERIFY2(call.summary.contains(QLatin1String("Agent requested")), qPrintable(call.summary));

        // The agent clicks Open on the notification: the conversation comes up and is marked read, which
        // takes the request: the alert stops and the notification is withdrawn.
        fake.emitActionInvoked(call.returnedId, QStringLiteral("open"));
        QTRY_COMPARE_WITH_TIMEOUT(window.chat()->ticketId(), ticket, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(statusOf(window.chat()->messages(), QStringLiteral("Agent, we are stuck")) ==
                                     QLatin1String("received"),
                                 15000);
        QTRY_COMPARE_WITH_TIMEOUT(conversations.waitingCount(), 0, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(fake.closeCalls.contains(call.returnedId), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!window.windowTitle().contains(QLatin1String("waiting")), 5000);

        // The agent types a reply and presses Enter: it shows at once, the sandbox sends it, and the
        // bubble reaches "read".
        Composer *composer = window.chat()->composer();
        QTRY_VERIFY_WITH_TIMEOUT(composer->isEnabled(), 10000); // the window is open: he wrote just now
        composer->setFocus();
        QTest::keyClicks(composer, QStringLiteral("Help is on the way"));
        QTest::keyClick(composer, Qt::Key_Return);
        QCOMPARE(composer->toPlainText(), QString());
        QVERIFY(!statusOf(window.chat()->messages(), QStringLiteral("Help is on the way")).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(window.chat()->messages(), QStringLiteral("Help is on the way")),
                                  QStringLiteral("read"), 15000);
        QCOMPARE(db.scalar(QStringLiteral(
                               "SELECT count(*) FROM chat_messages WHERE ticket_id = ? AND direction = "
                               "'outbound' AND message = 'Help is on the way' AND agent_name = 'Thandi'"),
                           {ticket})
                     .toInt(),
                 1);

        // He asks again while the conversation is open: the alert goes up, and Open on it (the same
        // conversation, already on screen) takes the request, keeping what the agent was typing.
        QTest::keyClicks(composer, QStringLiteral("draft"));
        const QByteArray again =
            TestServer::technicianText(QStringLiteral("wamid.WINDOW.2"), QStringLiteral("agent"));
        QCOMPARE(server.postWebhook(again).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(conversations.waitingCount(), 1, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(fake.notifyCalls.size(), 2, 15000);
        QTest::qWait(1000); // nothing takes it by itself
        QCOMPARE(conversations.waitingCount(), 1);
        fake.emitActionInvoked(fake.notifyCalls.last().returnedId, QStringLiteral("open"));
        QTRY_COMPARE_WITH_TIMEOUT(conversations.waitingCount(), 0, 15000);
        QCOMPARE(composer->toPlainText(), QStringLiteral("draft"));
        fake.unregisterFromBus();
    }

    // Someone writes "agent" and no open ticket takes the message (issue 11): every console alerts as for
    // any request, and Acknowledge on the notification takes it for everyone.
    void aRequestNoTicketTookAlertsUntilTaken()
    {
        FakeNotificationServer fake{QDBusConnection(FakeNotifications::kFakeConnection)};
        QVERIFY(fake.registerOnBus());
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        TestServer server(params);
        Console console(server);
        MainWindow &window = console.window;
        QTRY_COMPARE_WITH_TIMEOUT(console.session.stream()->state(), EventStream::State::Live, 15000);

        const QByteArray body = TestServer::technicianText(
            QStringLiteral("wamid.NOTICKET.1"), QStringLiteral("people are trapped in lift 2, agent"),
            QStringLiteral("27829999999"));
        QCOMPARE(server.postWebhook(body).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(fake.notifyCalls.size(), 1, 15000);
        const FakeNotificationServer::Call call = fake.notifyCalls.first();
        QCOMPARE(call.hints.value(QStringLiteral("urgency")).value<uchar>(), uchar(2));
        QVERIFY2(call.summary.contains(QLatin1String("no open ticket")), qPrintable(call.summary));
        QVERIFY2(call.body.contains(QLatin1String("people are trapped")), qPrintable(call.body));
        QVERIFY(call.actions.contains(QStringLiteral("acknowledge")));
        QTRY_VERIFY_WITH_TIMEOUT(window.windowTitle().contains(QLatin1String("1 waiting")), 5000);
        QCOMPARE(window.unassigned()->waiting().size(), 1);

        fake.emitActionInvoked(call.returnedId, QStringLiteral("acknowledge"));
        QTRY_VERIFY_WITH_TIMEOUT(fake.closeCalls.contains(call.returnedId), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(!window.windowTitle().contains(QLatin1String("waiting")), 5000);
        QCOMPARE(db.scalar(QStringLiteral("SELECT acknowledged_by FROM chat_unassigned WHERE wa_message_id = "
                                          "'wamid.NOTICKET.1'"))
                     .toString(),
                 QStringLiteral("Thandi"));
        QTest::qWait(500);
        QCOMPARE(fake.notifyCalls.size(), 1); // taken: it does not come back
        fake.unregisterFromBus();
    }

    void shiftEnterStartsANewLine()
    {
        Composer composer;
        int sends = 0;
        connect(&composer, &Composer::sendRequested, this, [&sends] { ++sends; });
        QTest::keyClicks(&composer, QStringLiteral("line one"));
        QTest::keyClick(&composer, Qt::Key_Return, Qt::ShiftModifier);
        QTest::keyClicks(&composer, QStringLiteral("line two"));
        QCOMPARE(sends, 0);
        QCOMPARE(composer.toPlainText(), QStringLiteral("line one\nline two"));
        QTest::keyClick(&composer, Qt::Key_Return);
        QCOMPARE(sends, 1);
        composer.setCtrlEnterSends(true);
        QTest::keyClick(&composer, Qt::Key_Return);
        QCOMPARE(sends, 1);
        QTest::keyClick(&composer, Qt::Key_Return, Qt::ControlModifier);
        QCOMPARE(sends, 2);
        composer.setPlainText(QStringLiteral("  \U0001F6D7é  "));
        QCOMPARE(composer.length(), 2); // code points after trimming, as the server counts
    }
};

QTEST_MAIN(TestConsoleWindow)
#include "tst_consolewindow.moc"
