#include "Alarm.h"
#include "ApiClient.h"
#include "AudioPlayer.h"
#include "ChatPanel.h"
#include "Composer.h"
#include "ConsoleSession.h"
#include "ConversationListModel.h"
#include "FakeNotificationServer.h"
#include "ImageViewer.h"
#include "IncidentCardPanel.h"
#include "MainWindow.h"
#include "MediaLoader.h"
#include "MessageHistoryDialog.h"
#include "MessageModel.h"
#include "Notifier.h"
#include "RequestsDialog.h"
#include "Seed.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "UnassignedDialog.h"
#include "UnassignedModel.h"
#include "db/Db.h"
#include "whatsapp/SandboxTransport.h"

#include <QAction>
#include <QBuffer>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDBusConnectionInterface>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QImageWriter>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

namespace {

QString statusOf(MessageModel *m, const QString &text)
{
    for (int r = 0; r < m->rowCount(); ++r)
        if (m->index(r, 0).data(MessageModel::TextRole).toString() == text)
            return m->index(r, 0).data(MessageModel::StatusRole).toString();
    return {};
}

int unreadOnServer(Db &db, int ticket)
{
    return db
        .scalar(QStringLiteral("SELECT count(*) FROM chat_messages WHERE ticket_id = ? AND direction = "
                               "'inbound' AND NOT read_by_agent"),
                {ticket})
        .toInt();
}

bool acknowledgedOnServer(Db &db, int ticket)
{
    return !db.scalar(QStringLiteral("SELECT acknowledged_at FROM tickets WHERE id = ?"), {ticket}).isNull();
}

// Answers the next modal question box with the button whose text is `answer`, keeping its text.
void answerNextQuestion(const QString &answer, QString *text)
{
    QTimer::singleShot(200, [answer, text] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return answerNextQuestion(answer, text); // not up yet
        *text = box->text();
        for (QAbstractButton *b : box->buttons())
            if (b->text() == answer)
                b->click();
    });
}

// An agent's console on the server: signed in as Thandi, the window shown, the session started.
struct Console {
    explicit Console(TestServer &server, const QByteArray &token = {})
    {
        api.setBaseUrl(server.baseUrl());
        api.setToken(token.isEmpty() ? server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi"))
                                     : token);
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

    QTemporaryDir m_config;

    // Two open tickets with a technician who asked for an agent on each, both waiting.
    struct TwoRequests {
        DbParams params;
        int first = 0;
        int second = 0;
    };
    static TwoRequests twoRequests()
    {
        TwoRequests t;
        t.params = TestCluster::instance().createDatabase();
        Db db(t.params, QStringLiteral("t"));
        Seed::registry(db);
        t.first = Seed::openTicket(db);
        t.second = Seed::openTicket(db, QStringLiteral("27710000002"));
        Seed::technicianWrote(db, t.first, QStringLiteral("27820000001"), QStringLiteral("agent please"), 2);
        Seed::technicianWrote(db, t.second, QStringLiteral("27820000002"), QStringLiteral("agent, stuck"), 1);
        Seed::agentRequested(db, t.first);
        Seed::agentRequested(db, t.second);
        return t;
    }

private Q_SLOTS:
    void initTestCase()
    {
        TestCluster::instance();
        QVERIFY2(QDBusConnection::sessionBus().isConnected(),
                 "run under dbus-run-session (see CMakeLists.txt)");
        QVERIFY(QDBusConnection::connectToBus(QDBusConnection::SessionBus, FakeNotifications::kFakeConnection)
                    .isConnected());
        // The console's settings and drafts in a folder of the test's own.
        QVERIFY(m_config.isValid());
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_config.path()));
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
        QVERIFY(call.actions.contains(QStringLiteral("default")));
        QVERIFY2(call.summary.contains(QLatin1String("Agent requested")), qPrintable(call.summary));

        QVERIFY(window.alarm()->isSounding());
        QVERIFY(window.requestBanner()->isVisible());

        // The agent clicks the notification: the conversation comes up and is read, which does not take
        // the request: the alarm still sounds until someone acts.
        fake.emitActionInvoked(call.returnedId, QStringLiteral("default"));
        QTRY_COMPARE_WITH_TIMEOUT(window.chat()->ticketId(), ticket, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(statusOf(window.chat()->messages(), QStringLiteral("Agent, we are stuck")) ==
                                     QLatin1String("received"),
                                 15000);
        QTRY_COMPARE_WITH_TIMEOUT(unreadOnServer(db, ticket), 0, 15000);
        QCOMPARE(conversations.waitingCount(), 1);
        QVERIFY(window.alarm()->isSounding());

        // The agent types a reply and presses Enter: it shows at once, the sandbox sends it, the bubble
        // reaches "read", and the reply takes the request: the alarm stops, the notification goes.
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
        QTRY_COMPARE_WITH_TIMEOUT(conversations.waitingCount(), 0, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(fake.closeCalls.contains(call.returnedId), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!window.windowTitle().contains(QLatin1String("waiting")), 5000);
        QVERIFY(!window.alarm()->isSounding());
        QVERIFY(!window.requestBanner()->isVisible());

        // He asks again while the conversation is open: the alert goes up; Open on it (the same
        // conversation, already on screen) keeps what the agent was typing, and Acknowledge takes it.
        QTest::keyClicks(composer, QStringLiteral("draft"));
        const QByteArray again =
            TestServer::technicianText(QStringLiteral("wamid.WINDOW.2"), QStringLiteral("agent"));
        QCOMPARE(server.postWebhook(again).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(conversations.waitingCount(), 1, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(fake.notifyCalls.size(), 2, 15000);
        fake.emitActionInvoked(fake.notifyCalls.last().returnedId, QStringLiteral("default"));
        QTest::qWait(1000); // nothing takes it by itself
        QCOMPARE(conversations.waitingCount(), 1);
        QCOMPARE(composer->toPlainText(), QStringLiteral("draft"));
        // The chat header says nobody has it; Acknowledge on the notification takes it, and every
        // console shows who has it, with the clock running until the first reply.
        QVERIFY2(window.chat()->ownerText().contains(QLatin1String("Nobody")),
                 qPrintable(window.chat()->ownerText()));
        fake.emitActionInvoked(fake.notifyCalls.last().returnedId, QStringLiteral("acknowledge"));
        QTRY_COMPARE_WITH_TIMEOUT(conversations.waitingCount(), 0, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(window.chat()->ownerText().contains(QLatin1String("Thandi has it")), 10000);
        QVERIFY2(window.chat()->ownerText().contains(QLatin1String("not answered yet")),
                 qPrintable(window.chat()->ownerText()));
        const QModelIndex row = window.list()->model()->index(0, 0);
        QVERIFY(row.data(ConversationListModel::TakenRole).toBool());
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

    // A request nobody takes goes up the server's ladder: every console alerts again (a new alert, not a
    // reminder) and says what the step did. The agent's status switch reaches the server.
    void anEscalationAlertsAgainAndTheStatusSwitchReachesTheServer()
    {
        FakeNotificationServer fake{QDBusConnection(FakeNotifications::kFakeConnection)};
        QVERIFY(fake.registerOnBus());
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        Config config = TestServer::defaultConfig();
        config.escalationLadder = QStringLiteral("0:consoles,2:supervisors");
        config.presenceIntervalMs = 300;
        TestServer server(params, config);
        // Left on a break by an earlier console: signing in is being there again.
        const QByteArray token = server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi"));
        db.exec(QStringLiteral("UPDATE agents SET status = 'break' WHERE username = 'thandi'"));
        Console console(server, token);
        MainWindow &window = console.window;
        QTRY_COMPARE_WITH_TIMEOUT(console.session.stream()->state(), EventStream::State::Live, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT status FROM agents WHERE username = 'thandi'")).toString(),
            QStringLiteral("available"), 5000);

        QCOMPARE(server
                     .postWebhook(TestServer::technicianText(QStringLiteral("wamid.LADDER.1"),
                                                             QStringLiteral("agent, people trapped")))
                     .status,
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(fake.notifyCalls.size(), 1, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().contains(QLatin1String("supervisors")),
                                 10000);
        QTRY_COMPARE_WITH_TIMEOUT(fake.notifyCalls.size(), 2, 5000);
        QVERIFY(acknowledgedOnServer(db, ticket) == false);

        QComboBox *status = nullptr;
        for (QComboBox *box : window.findChildren<QComboBox *>())
            if (box->accessibleName() == QStringLiteral("Your status"))
                status = box;
        QVERIFY(status);
        QCOMPARE(status->currentData().toString(), QStringLiteral("available"));
        status->setCurrentIndex(status->findData(QStringLiteral("busy")));
        Q_EMIT status->activated(status->currentIndex());
        QTRY_COMPARE_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT status FROM agents WHERE username = 'thandi'")).toString(),
            QStringLiteral("busy"), 5000);
        fake.unregisterFromBus();
    }

    // A supervisor sees how far an unanswered request climbed, on its row and in the requests view with
    // its timeline, and gives the conversation to an agent.
    void aSupervisorSeesTheLadderAndAssigns()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        Config config = TestServer::defaultConfig();
        config.escalationLadder = QStringLiteral("0:consoles,1:supervisors");
        TestServer server(params, config);
        server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi"));
        Console console(server, server.signIn(QStringLiteral("maria"), QStringLiteral("Maria"),
                                              QStringLiteral("supervisor")));
        MainWindow &window = console.window;
        QTRY_COMPARE_WITH_TIMEOUT(console.session.stream()->state(), EventStream::State::Live, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(console.session.role(), QStringLiteral("supervisor"), 5000);
        QVERIFY(console.session.canAssign());

        QCOMPARE(server
                     .postWebhook(TestServer::technicianText(QStringLiteral("wamid.SUP.1"),
                                                             QStringLiteral("agent, two people inside")))
                     .status,
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(console.conversations.rowOf(ticket) >= 0, 10000);
        const auto escalation = [&] {
            return console.conversations.index(console.conversations.rowOf(ticket))
                .data(ConversationListModel::EscalationRole)
                .toString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(escalation(), QStringLiteral("escalated to supervisors at 0:01"), 10000);

        window.showRequests();
        RequestsDialog *requests = window.requestsDialog();
        QVERIFY(requests);
        QTRY_COMPARE_WITH_TIMEOUT(requests->table()->rowCount(), 1, 5000);
        requests->table()->selectRow(0);
        const QString timeline = requests->timeline()->toPlainText();
        QVERIFY2(timeline.contains(QLatin1String("Request raised")), qPrintable(timeline));
        QVERIFY2(timeline.contains(QLatin1String("Step 1: the consoles")), qPrintable(timeline));
        QVERIFY2(timeline.contains(QStringLiteral("Step 2: the supervisors — agents available: Maria; "
                                                  "supervisors: Maria")),
                 qPrintable(timeline));
        QVERIFY(requests->assignButton()->isVisible());
        QCOMPARE(requests->table()->item(0, 4)->text(), QStringLiteral("nobody yet"));
        QVERIFY(requests->blockButton()->isEnabled());
        requests->blockNumber(QStringLiteral("test of the block button"));
        QTRY_COMPARE_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT reason FROM blocked_numbers WHERE number = '27820000001'"))
                .toString(),
            QStringLiteral("test of the block button"), 5000);
        requests->close();

        window.openConversation(ticket);
        QTRY_VERIFY_WITH_TIMEOUT(window.chat()->assignButton()->isVisible(), 5000);
        window.chat()->assign(QStringLiteral("thandi"));
        QTRY_COMPARE_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT acknowledged_by FROM tickets WHERE id = ?"), {ticket})
                .toString(),
            QStringLiteral("Thandi"), 5000);
        // The row leaves the emergency lane and the owner label names the assignee.
        QTRY_VERIFY_WITH_TIMEOUT(escalation().isEmpty(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(window.chat()->ownerText().startsWith(QLatin1String("Thandi has it")), 5000);

        // Closing the request as not an emergency, from the requests view.
        window.showRequests();
        requests = window.requestsDialog();
        QVERIFY(requests);
        QTRY_COMPARE_WITH_TIMEOUT(requests->table()->rowCount(), 1, 5000);
        requests->table()->selectRow(0);
        requests->markNotEmergency(QStringLiteral("a test call from the technician"));
        QTRY_COMPARE_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT closed_reason FROM agent_requests WHERE ticket_id = ?"),
                      {ticket})
                .toString(),
            QStringLiteral("not_emergency"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(requests->table()->rowCount(), 0, 5000);
    }

    // An agent is not offered assigning.
    void anAgentCannotAssign()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        TestServer server(params);
        Console console(server);
        QTRY_COMPARE_WITH_TIMEOUT(console.session.role(), QStringLiteral("agent"), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(console.conversations.rowOf(ticket) >= 0, 10000);
        console.window.openConversation(ticket);
        QTest::qWait(200);
        QVERIFY(!console.session.canAssign());
        QVERIFY(!console.window.chat()->assignButton()->isVisible());
    }

    // The incident card beside the chat: saved as versions; a version saved elsewhere while the agent
    // edits shows up without losing the agent's change.
    void theIncidentCardIsKeptBesideTheChat()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        TestServer server(params);
        Console console(server);
        MainWindow &window = console.window;
        QTRY_COMPARE_WITH_TIMEOUT(console.session.stream()->state(), EventStream::State::Live, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(console.conversations.rowOf(ticket) >= 0, 10000);
        window.openConversation(ticket);
        IncidentCardPanel *card = window.chat()->incidentCard();
        QVERIFY(!card->isVisible());
        window.chat()->incidentToggle()->click();
        QVERIFY(card->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(card->state()->text(), QStringLiteral("Nothing recorded yet."), 5000);
        QVERIFY(!card->saveButton()->isEnabled());

        card->peopleTrapped()->setValue(2);
        card->service(QStringLiteral("fire"))->setChecked(true);
        QVERIFY(card->isDirty());
        QVERIFY(card->saveButton()->isEnabled());
        card->saveButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(card->version(), 1, 5000);
        QVERIFY(!card->isDirty());
        QCOMPARE(db.scalar(QStringLiteral("SELECT people_trapped FROM incident_cards WHERE ticket_id = ? AND "
                                          "version = 1"),
                           {ticket})
                     .toInt(),
                 2);
        QCOMPARE(db.scalar(QStringLiteral("SELECT services -> 0 ->> 'service' FROM incident_cards WHERE "
                                          "ticket_id = ? AND version = 1"),
                           {ticket})
                     .toString(),
                 QStringLiteral("fire"));

        // The agent types the floor; meanwhile someone else records injuries.
        QTest::keyClicks(card->position(), QStringLiteral("between 4 and 5"));
        QVERIFY(card->isDirty());
        VERIFY_STATUS(server.http().request("PUT", QStringLiteral("/api/chat/%1/incident").arg(ticket),
                                            QJsonDocument(QJsonObject{{QStringLiteral("expected_version"), 1},
                                                                      {QStringLiteral("injuries"),
                                                                       QStringLiteral("one fainted")}})
                                                .toJson(),
                                            TestServer::admin(), "application/json"),
                      200);
        QTRY_COMPARE_WITH_TIMEOUT(card->version(), 2, 5000);
        QCOMPARE(card->injuries()->text(), QStringLiteral("one fainted"));
        QCOMPARE(card->position()->text(), QStringLiteral("between 4 and 5"));
        QVERIFY(card->isDirty());
        QVERIFY2(card->state()->text().contains(QLatin1String("yours are kept")),
                 qPrintable(card->state()->text()));
        card->saveButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(card->version(), 3, 5000);
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT injuries || ' / ' || position || ' / ' || people_trapped FROM "
                                     "incident_cards WHERE ticket_id = ? AND version = 3"),
                      {ticket})
                .toString(),
            QStringLiteral("one fainted / between 4 and 5 / 2"));

        // Unsaved notes survive a look at another conversation.
        const int other = Seed::openTicket(db, QStringLiteral("27710000003"));
        QTRY_VERIFY_WITH_TIMEOUT(console.conversations.rowOf(other) >= 0, 10000);
        QTest::keyClicks(card->notes(), QStringLiteral("car stopped at 14:02"));
        QVERIFY(card->isDirty());
        window.openConversation(other);
        QTRY_COMPARE_WITH_TIMEOUT(card->state()->text(), QStringLiteral("Nothing recorded yet."), 5000);
        QVERIFY(card->notes()->toPlainText().isEmpty());
        window.openConversation(ticket);
        QTRY_COMPARE_WITH_TIMEOUT(card->notes()->toPlainText(), QStringLiteral("car stopped at 14:02"), 5000);
        QCOMPARE(card->version(), 3);
        QCOMPARE(card->position()->text(), QStringLiteral("between 4 and 5"));
        QVERIFY(card->isDirty());
    }

    // A stranger reports people trapped on a lift with no ticket: the agent finds the lift, opens a ticket
    // for the message, lands in its chat and answers the stranger; once the lift's technician writes too,
    // the agent chooses who a reply goes to.
    void aStrangersMessageGetsATicketAndAnAnswer()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        TestServer server(params);
        Console console(server);
        MainWindow &window = console.window;
        QTRY_COMPARE_WITH_TIMEOUT(console.session.stream()->state(), EventStream::State::Live, 15000);
        QCOMPARE(server
                     .postWebhook(TestServer::technicianText(QStringLiteral("wamid.STR.1"),
                                                             QStringLiteral("People stuck at Marula Tower"),
                                                             QStringLiteral("27829990001")))
                     .status,
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(console.window.unassigned()->rowCount(), 1, 10000);
        for (QAction *action : window.findChildren<QAction *>())
            if (action->text() == QStringLiteral("&Unassigned messages…"))
                action->trigger();
        auto *dialog = window.findChild<UnassignedDialog *>();
        QVERIFY(dialog);
        QListView *list = dialog->findChild<QListView *>();
        list->setCurrentIndex(window.unassigned()->index(0));
        QVERIFY(!dialog->openTicketButton()->isEnabled());
        // Answered before anyone knows the lift.
        QTRY_VERIFY_WITH_TIMEOUT(dialog->thread()->toPlainText().contains(QLatin1String("People stuck")),
                                 5000);
        QTest::keyClicks(dialog->replyText(), QStringLiteral("Help is coming. Which lift?"));
        QTest::keyClick(dialog->replyText(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(
            db.scalar(
                  QStringLiteral("SELECT status FROM chat_direct_messages WHERE to_number = '27829990001'"))
                .toString(),
            QStringLiteral("sent"), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->thread()->toPlainText().contains(QLatin1String("Which lift?")),
                                 5000);
        // Cleared when the server answers the send, which may come after the stream's event.
        QTRY_VERIFY_WITH_TIMEOUT(dialog->replyText()->text().isEmpty(), 5000);
        QTest::keyClicks(dialog->liftSearch(), QStringLiteral("marula"));
        QTRY_COMPARE_WITH_TIMEOUT(dialog->lifts()->count(), 1, 5000);
        QVERIFY(dialog->lifts()->currentText().contains(QLatin1String("27710000002")));
        QVERIFY(dialog->openTicketButton()->isEnabled());
        dialog->openTicketButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT count(*) FROM tickets t JOIN lifts l ON l.id = t.lift_id WHERE "
                                     "l.msisdn = '27710000002'"))
                    .toInt() == 1,
            5000);
        const int ticket = db.scalar(QStringLiteral("SELECT max(id) FROM tickets")).toInt();
        QTRY_COMPARE_WITH_TIMEOUT(window.chat()->ticketId(), ticket, 5000);
        // The message and the reply made before the ticket.
        QTRY_COMPARE_WITH_TIMEOUT(window.chat()->messages()->rowCount(), 2, 5000);
        QVERIFY(!window.chat()->recipientBox()->isVisible());

        window.chat()->composer()->setPlainText(QStringLiteral("Help is coming. Which floor?"));
        QTest::keyClick(window.chat()->composer(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT to_number FROM chat_messages WHERE ticket_id = ? AND message = "
                                     "'Help is coming. Which floor?'"),
                      {ticket})
                .toString(),
            QStringLiteral("27829990001"), 5000);

        // The lift's technician writes on the ticket too: now the agent picks who to answer.
        Seed::technicianWrote(db, ticket, QStringLiteral("27820000002"), QStringLiteral("I am on my way"), 0);
        db.exec(QStringLiteral("SELECT chat_sequence_events()"));
        QTRY_VERIFY_WITH_TIMEOUT(window.chat()->recipientBox()->isVisible(), 10000);
        QComboBox *to = window.chat()->recipientBox();
        QCOMPARE(to->count(), 3); // the default (last to write) and both people
        int stranger = -1;
        for (int i = 1; i < to->count(); ++i)
            if (to->itemText(i).contains(QLatin1String("27829990001")))
                stranger = i;
        QVERIFY(stranger > 0);
        QVERIFY(to->itemText(stranger).contains(QLatin1String("not in the registry")));
        to->setCurrentIndex(stranger);
        window.chat()->composer()->setPlainText(QStringLiteral("Stay calm, Anna is coming"));
        QTest::keyClick(window.chat()->composer(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT to_number FROM chat_messages WHERE ticket_id = ? AND message = "
                                     "'Stay calm, Anna is coming'"),
                      {ticket})
                .toString(),
            QStringLiteral("27829990001"), 5000);
    }

    // Trap 1: passing rows with Alt+Down reads them but takes no request: both still wait, on the server
    // and on every console, and the alarm still sounds.
    void browsingAcknowledgesNothing()
    {
        FakeNotificationServer fake{QDBusConnection(FakeNotifications::kFakeConnection)};
        QVERIFY(fake.registerOnBus());
        const TwoRequests t = twoRequests();
        Db db(t.params, QStringLiteral("t"));
        TestServer server(t.params);
        Console console(server);
        MainWindow &window = console.window;
        QTRY_COMPARE_WITH_TIMEOUT(console.conversations.waitingCount(), 2, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(fake.notifyCalls.size(), 2, 15000);

        QTest::keyClick(&window, Qt::Key_Down, Qt::AltModifier);
        QTRY_VERIFY_WITH_TIMEOUT(window.chat()->ticketId() > 0, 5000);
        QTest::qWait(350);
        QTest::keyClick(&window, Qt::Key_Down, Qt::AltModifier);
        QTRY_VERIFY_WITH_TIMEOUT(unreadOnServer(db, t.first) == 0 && unreadOnServer(db, t.second) == 0,
                                 15000);
        QTest::qWait(1000);
        QVERIFY(!acknowledgedOnServer(db, t.first));
        QVERIFY(!acknowledgedOnServer(db, t.second));
        QCOMPARE(console.conversations.waitingCount(), 2);
        QVERIFY(fake.closeCalls.isEmpty());
        QCOMPARE(window.alarm()->sounding().size(), 2);
        fake.unregisterFromBus();
    }

    // Trap 2: the highlighted row is the open chat, always. A filter that hides the open conversation
    // highlights nothing; Enter opens the first match, Down opens it and moves into the list.
    void theHighlightedRowIsTheOpenChat()
    {
        const TwoRequests t = twoRequests();
        TestServer server(t.params);
        Console console(server);
        MainWindow &window = console.window;
        QTRY_COMPARE_WITH_TIMEOUT(window.list()->model()->rowCount(), 2, 15000);
        const QString secondRef =
            console.conversations.conversation(t.second).value(QLatin1String("ticket_reference")).toString();
        QVERIFY(!secondRef.isEmpty());

        window.openConversation(t.first);
        QCOMPARE(window.list()->currentIndex().data(ConversationListModel::TicketIdRole).toInt(), t.first);
        window.filter()->setFocus();
        QTest::keyClicks(window.filter(), secondRef);
        QTRY_COMPARE(window.list()->model()->rowCount(), 1);
        // The first conversation is still open: no other row may look like it is.
        QCOMPARE(window.chat()->ticketId(), t.first);
        QVERIFY(!window.list()->currentIndex().isValid());
        QVERIFY(!window.list()->selectionModel()->hasSelection());

        QTest::keyClick(window.filter(), Qt::Key_Return);
        QCOMPARE(window.chat()->ticketId(), t.second);
        QCOMPARE(window.list()->currentIndex().data(ConversationListModel::TicketIdRole).toInt(), t.second);
        QVERIFY(window.chat()->composer()->hasFocus() || !window.isActiveWindow());

        // Clearing the filter keeps the highlight on the open one; Down from the filter opens the first.
        window.filter()->clear();
        QTRY_COMPARE(window.list()->model()->rowCount(), 2);
        QCOMPARE(window.list()->currentIndex().data(ConversationListModel::TicketIdRole).toInt(), t.second);
        window.filter()->setFocus();
        QTest::keyClick(window.filter(), Qt::Key_Down);
        const int top = window.list()->model()->index(0, 0).data(ConversationListModel::TicketIdRole).toInt();
        QCOMPARE(window.chat()->ticketId(), top);
        QCOMPARE(window.list()->currentIndex().row(), 0);
        // Arrow keys in the list open what they land on.
        window.list()->setFocus();
        QTest::keyClick(window.list(), Qt::Key_Down);
        QCOMPARE(window.list()->currentIndex().row(), 1);
        QCOMPARE(window.chat()->ticketId(),
                 window.list()->model()->index(1, 0).data(ConversationListModel::TicketIdRole).toInt());
    }

    // Trap 3: drafts stay with their conversation, across switches and a restart of the console.
    void aDraftSurvivesASwitchAndARestart()
    {
        const TwoRequests t = twoRequests();
        TestServer server(t.params);
        const QByteArray token = server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi"));
        {
            Console console(server, token);
            MainWindow &window = console.window;
            QTRY_COMPARE_WITH_TIMEOUT(window.list()->model()->rowCount(), 2, 15000);
            window.openConversation(t.first);
            QTRY_VERIFY_WITH_TIMEOUT(window.chat()->composer()->isEnabled(), 10000);
            QTest::keyClicks(window.chat()->composer(), QStringLiteral("The technician is on his way to"));
            window.openConversation(t.second);
            QCOMPARE(window.chat()->composer()->toPlainText(), QString());
            QTest::keyClicks(window.chat()->composer(), QStringLiteral("second draft"));
            window.openConversation(t.first);
            QCOMPARE(window.chat()->composer()->toPlainText(),
                     QStringLiteral("The technician is on his way to"));
        }
        Console again(server, token);
        QTRY_COMPARE_WITH_TIMEOUT(again.window.list()->model()->rowCount(), 2, 15000);
        again.window.openConversation(t.second);
        QCOMPARE(again.window.chat()->composer()->toPlainText(), QStringLiteral("second draft"));
        // Sent, the draft is gone.
        QTRY_VERIFY_WITH_TIMEOUT(again.window.chat()->composer()->isEnabled(), 10000);
        again.window.chat()->composer()->setFocus();
        QTest::keyClick(again.window.chat()->composer(), Qt::Key_Return);
        again.window.openConversation(t.first);
        again.window.openConversation(t.second);
        QCOMPARE(again.window.chat()->composer()->toPlainText(), QString());
    }

    // Trap 4: what arrives in the open conversation while the agent can see it is read, and the server
    // is told; behind a minimised window it stays unread until the window comes back.
    void aMessageArrivingInTheOpenChatIsRead()
    {
        const TwoRequests t = twoRequests();
        Db db(t.params, QStringLiteral("t"));
        TestServer server(t.params);
        Console console(server);
        MainWindow &window = console.window;
        QTRY_COMPARE_WITH_TIMEOUT(console.session.stream()->state(), EventStream::State::Live, 15000);
        window.openConversation(t.first);
        QTRY_COMPARE_WITH_TIMEOUT(unreadOnServer(db, t.first), 0, 15000);

        QCOMPARE(server
                     .postWebhook(TestServer::technicianText(QStringLiteral("wamid.OPEN.1"),
                                                             QStringLiteral("The doors are open now")))
                     .status,
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(
            statusOf(window.chat()->messages(), QStringLiteral("The doors are open now")) ==
                QLatin1String("received"),
            15000);
        QTRY_COMPARE_WITH_TIMEOUT(unreadOnServer(db, t.first), 0, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(console.conversations.index(console.conversations.rowOf(t.first))
                                      .data(ConversationListModel::UnreadRole)
                                      .toInt(),
                                  0, 10000);
        QVERIFY2(!window.windowTitle().contains(QLatin1String("unread")), qPrintable(window.windowTitle()));

        window.showMinimized();
        QTRY_VERIFY(!console.session.openVisible());
        QCOMPARE(server
                     .postWebhook(TestServer::technicianText(QStringLiteral("wamid.OPEN.2"),
                                                             QStringLiteral("Anyone there?")))
                     .status,
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(statusOf(window.chat()->messages(), QStringLiteral("Anyone there?")) ==
                                     QLatin1String("received"),
                                 15000);
        QTest::qWait(1000);
        QCOMPARE(unreadOnServer(db, t.first), 1);
        window.showNormal();
        QTRY_COMPARE_WITH_TIMEOUT(unreadOnServer(db, t.first), 0, 10000);
    }

    // Trap 5: leaving with a request waiting asks first (Stay is the default), and leaving takes this
    // console's notifications off the screen.
    void quittingWithARequestWaitingAsks()
    {
        FakeNotificationServer fake{QDBusConnection(FakeNotifications::kFakeConnection)};
        QVERIFY(fake.registerOnBus());
        const TwoRequests t = twoRequests();
        TestServer server(t.params);
        auto console = std::make_unique<Console>(server);
        MainWindow &window = console->window;
        QTRY_COMPARE_WITH_TIMEOUT(fake.notifyCalls.size(), 2, 15000);

        QString question;
        answerNextQuestion(QStringLiteral("Stay"), &question);
        QVERIFY(!window.requestQuit());
        QVERIFY2(question.contains(QLatin1String("2 agent request")), qPrintable(question));
        QVERIFY(window.isVisible());

        // Closing the window (Alt+F4) with no tray asks the same.
        question.clear();
        answerNextQuestion(QStringLiteral("Stay"), &question);
        QVERIFY(!window.close());
        QVERIFY(!question.isEmpty());
        QVERIFY(window.isVisible());

        // Leaving anyway: nothing of it stays on screen, and nothing is left for a restart to find.
        QVERIFY(fake.closeCalls.isEmpty());
        console.reset();
        QCOMPARE(fake.closeCalls.size(), 2);
        fake.unregisterFromBus();
    }

    // Trap 6: the server goes away. A banner says so over the list and the clocks are marked stale; a
    // reply written meanwhile waits; when the server is back, the console reconnects within about a
    // second of /readyz answering (whatever the backoff had grown to), the next request alerts within 2 s
    // of it, and the waiting reply goes out once.
    void afterAServerRestartTheNextRequestAlertsWithinTwoSeconds()
    {
        FakeNotificationServer fake{QDBusConnection(FakeNotifications::kFakeConnection)};
        QVERIFY(fake.registerOnBus());
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        Seed::technicianWrote(db, ticket, QStringLiteral("27820000001"), QStringLiteral("Hello"), 1);
        Config config = TestServer::defaultConfig();
        auto server = std::make_unique<TestServer>(params, config);
        const quint16 port = server->app().port();
        Console console(*server);
        MainWindow &window = console.window;
        QTRY_COMPARE_WITH_TIMEOUT(console.session.stream()->state(), EventStream::State::Live, 15000);
        window.openConversation(ticket);
        QTRY_VERIFY_WITH_TIMEOUT(window.chat()->composer()->isEnabled(), 10000);

        server.reset();
        QTRY_VERIFY_WITH_TIMEOUT(window.offlineBanner()->isVisible(), 15000);
        window.chat()->composer()->setFocus();
        QTest::keyClicks(window.chat()->composer(), QStringLiteral("Written while offline"));
        QTest::keyClick(window.chat()->composer(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(console.session.unsentCount(), 1, 15000);
        // Long enough for the backoff to pass several seconds.
        QTRY_VERIFY_WITH_TIMEOUT(console.session.stream()->retryInSeconds() >= 3, 30000);

        config.port = port;
        server = std::make_unique<TestServer>(params, config);
        QCOMPARE(server->http().get(QStringLiteral("/readyz")).status, 200);
        QElapsedTimer sinceReady;
        sinceReady.start();
        const qsizetype before = fake.notifyCalls.size();
        QCOMPARE(server
                     ->postWebhook(TestServer::technicianText(QStringLiteral("wamid.BACK.1"),
                                                              QStringLiteral("agent, stuck again")))
                     .status,
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(fake.notifyCalls.size() > before, 10000);
        QVERIFY2(sinceReady.elapsed() < 2000, qPrintable(QString::number(sinceReady.elapsed())));
        QTRY_VERIFY_WITH_TIMEOUT(!window.offlineBanner()->isVisible(), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(
            db.scalar(QStringLiteral(
                          "SELECT count(*) FROM chat_messages WHERE message = 'Written while offline'"))
                .toInt(),
            1, 15000);
        QCOMPARE(console.session.unsentCount(), 0);
        QTest::qWait(1000);
        QCOMPARE(db.scalar(QStringLiteral(
                               "SELECT count(*) FROM chat_messages WHERE message = 'Written while offline'"))
                     .toInt(),
                 1);
        fake.unregisterFromBus();
    }

    // Closed tickets the server still lists go to a collapsed "Resolved" section, not the working list.
    void resolvedTicketsHaveASectionOfTheirOwn()
    {
        const TwoRequests t = twoRequests();
        TestServer server(t.params);
        Console console(server);
        MainWindow &window = console.window;
        QTRY_COMPARE_WITH_TIMEOUT(window.list()->model()->rowCount(), 2, 15000);
        QVERIFY(!window.resolvedToggle()->isVisible());
        QCOMPARE(server.http()
                     .postJson(QStringLiteral("/api/chat/%1/resolve").arg(t.second),
                               QJsonObject{{QStringLiteral("note"), QStringLiteral("Released at 03:12")}},
                               TestServer::admin())
                     .status,
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(window.list()->model()->rowCount(), 1, 15000);
        QCOMPARE(window.resolvedList()->model()->rowCount(), 1);
        QVERIFY(window.resolvedToggle()->isVisible());
        QVERIFY(window.resolvedToggle()->text().contains(QLatin1String("1")));
        QVERIFY(!window.resolvedList()->isVisible());
        window.resolvedToggle()->click();
        QVERIFY(window.resolvedList()->isVisible());
    }

    // The resolve note: an empty one is refused in the dialog, which stays open; Enter resolves.
    void resolvingTakesANoteInTheDialog()
    {
        const TwoRequests t = twoRequests();
        Db db(t.params, QStringLiteral("t"));
        TestServer server(t.params);
        Console console(server);
        MainWindow &window = console.window;
        QTRY_COMPARE_WITH_TIMEOUT(window.list()->model()->rowCount(), 2, 15000);
        window.openConversation(t.first);
        QPushButton *resolve = nullptr;
        for (QPushButton *b : window.chat()->findChildren<QPushButton *>())
            if (b->accessibleName() == QLatin1String("Resolve the ticket with a note"))
                resolve = b;
        QVERIFY(resolve);
        QString refused;
        bool stayedOpen = false;
        QTimer::singleShot(300, this, [&] {
            auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            auto *note = dialog->findChild<QPlainTextEdit *>();
            QVERIFY(note);
            QTest::keyClick(note, Qt::Key_Return);
            for (QLabel *l : dialog->findChildren<QLabel *>())
                if (l->accessibleName() == QLatin1String("Why the ticket is not resolved yet"))
                    refused = l->text();
            stayedOpen = dialog->isVisible();
            QTest::keyClicks(note, QStringLiteral("Released both passengers at 03:12; door lock replaced."));
            QTest::keyClick(note, Qt::Key_Return);
        });
        resolve->click();
        QVERIFY2(refused.contains(QLatin1String("Write what was done")), qPrintable(refused));
        QVERIFY(stayedOpen);
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT status || ': ' || resolution_note FROM tickets WHERE id = ?"),
                      {t.first})
                .toString(),
            QStringLiteral("closed: Released both passengers at 03:12; door lock replaced."));
    }

    // Pictures are decoded off the GUI thread, only as JPEG, PNG or WebP, and a file that claims more
    // pixels than it could hold (a decompression bomb) is refused before anything is decoded.
    void picturesAreDecodedSafely()
    {
        QImage photo(640, 480, QImage::Format_RGB32);
        photo.fill(Qt::darkGreen);
        for (const char *format : {"jpeg", "png", "webp"}) {
            QByteArray bytes;
            QBuffer buffer(&bytes);
            buffer.open(QIODevice::WriteOnly);
            QVERIFY2(QImageWriter(&buffer, format).write(photo), format);
            const MediaLoader::Decoded thumb = MediaLoader::decode(bytes, MediaLoader::thumbnailSide);
            QVERIFY2(!thumb.image.isNull(), qPrintable(thumb.error));
            QCOMPARE(thumb.image.size(), QSize(240, 180));
            QCOMPARE(MediaLoader::decode(bytes, 0).image.size(), QSize(640, 480));
        }
        // A PNG whose header (with a valid checksum) claims 100,000 x 100,000 pixels.
        const auto crc32 = [](const QByteArray &data) {
            quint32 c = 0xFFFFFFFFu;
            for (const char byte : data) {
                c ^= quint8(byte);
                for (int k = 0; k < 8; ++k)
                    c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            return c ^ 0xFFFFFFFFu;
        };
        const QByteArray ihdr("IHDR\0\x01\x86\xA0\0\x01\x86\xA0\x08\x02\0\0\0", 17);
        const quint32 crc = crc32(ihdr);
        QByteArray bomb("\x89PNG\r\n\x1A\n\0\0\0\x0D", 12);
        bomb += ihdr;
        bomb += char(crc >> 24);
        bomb += char(crc >> 16);
        bomb += char(crc >> 8);
        bomb += char(crc);
        // The image data starts: enough for the header to be believed.
        const QByteArray idat = QByteArray("IDAT", 4) + QByteArray(64, '\x78');
        bomb += QByteArray("\0\0\0\x40", 4) + idat;
        const quint32 idatCrc = crc32(idat);
        for (int shift = 24; shift >= 0; shift -= 8)
            bomb += char(idatCrc >> shift);
        const MediaLoader::Decoded refused = MediaLoader::decode(bomb, MediaLoader::thumbnailSide);
        QVERIFY(refused.image.isNull());
        QVERIFY2(refused.error.contains(QLatin1String("100000")), qPrintable(refused.error));
        // Not a picture format the console shows, and not a picture at all.
        QByteArray gif;
        QBuffer gifBuffer(&gif);
        gifBuffer.open(QIODevice::WriteOnly);
        QVERIFY(QImageWriter(&gifBuffer, "bmp").write(photo));
        QVERIFY(!MediaLoader::decode(gif, 240).error.isEmpty());
        QVERIFY(!MediaLoader::decode("%PDF-1.4 not a picture", 240).error.isEmpty());
        // A JPEG cut short shows an error or what arrived, and never crashes.
        QByteArray jpeg;
        QBuffer jpegBuffer(&jpeg);
        jpegBuffer.open(QIODevice::WriteOnly);
        QVERIFY(QImageWriter(&jpegBuffer, "jpeg").write(photo));
        const MediaLoader::Decoded cut = MediaLoader::decode(jpeg.left(200), 240);
        QVERIFY2(cut.image.isNull() ? !cut.error.isEmpty() : cut.image.width() <= 240, qPrintable(cut.error));
    }

    // An administrator opens a message's record from its context menu: the text as first stored, then the
    // edit with both its times. Agents have no such entry.
    void adminsReadAMessagesHistory()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        TestServer server(params);
        for (const char *name : {"text_plain", "edit_text"})
            VERIFY_STATUS(server.postWebhook(Seed::whatsappFixture(QLatin1String(name))), 200);
        const auto editedRow = [](MessageModel *messages) {
            for (int r = 0; r < messages->rowCount(); ++r)
                if (messages->index(r, 0).data(MessageModel::EditedRole).toBool())
                    return messages->index(r, 0);
            return QModelIndex();
        };
        {
            Console agent(server);
            agent.window.openConversation(ticket);
            QTRY_VERIFY_WITH_TIMEOUT(editedRow(agent.window.chat()->messages()).isValid(), 15000);
            QObject owner;
            for (QAction *a :
                 agent.window.chat()->messageActions(editedRow(agent.window.chat()->messages()), &owner))
                QVERIFY2(!a->text().contains(QLatin1String("History")), qPrintable(a->text()));
        }
        Console admin(server, server.signIn(QStringLiteral("zanele"), QStringLiteral("Zanele"),
                                            QStringLiteral("admin")));
        admin.window.openConversation(ticket);
        ChatPanel *chat = admin.window.chat();
        QTRY_VERIFY_WITH_TIMEOUT(editedRow(chat->messages()).isValid() && admin.session.isAdmin(), 15000);
        QObject owner;
        QAction *history = nullptr;
        for (QAction *a : chat->messageActions(editedRow(chat->messages()), &owner))
            if (a->text().contains(QLatin1String("History")))
                history = a;
        QVERIFY(history);
        history->trigger();
        auto *dialog = admin.window.findChild<MessageHistoryDialog *>(QStringLiteral("messageHistory"));
        QVERIFY(dialog);
        QTRY_COMPARE_WITH_TIMEOUT(dialog->entries()->topLevelItemCount(), 2, 15000);
        QVERIFY(dialog->problem().isEmpty());
        const QTreeWidgetItem *first = dialog->entries()->topLevelItem(0);
        const QTreeWidgetItem *edit = dialog->entries()->topLevelItem(1);
        QCOMPARE(first->text(4), QStringLiteral("Doors are closed, two passengers inside"));
        QCOMPARE(edit->text(4), QStringLiteral("Correction: the car is stuck between floors 4 and 5"));
        QCOMPARE(edit->text(2), QStringLiteral("Edited"));
        QCOMPARE(edit->text(3), QStringLiteral("27820000001"));
        QVERIFY(!edit->text(0).isEmpty() && !edit->text(1).isEmpty());
        dialog->close();
    }

    // What technicians send shows in the chat and does what the agent expects: the photo as a thumbnail
    // that opens full size, the place on the map, the contact copied, the document saved, an edit marked,
    // a deletion shown as such, a reaction on its message.
    void filesPlacesAndContactsInTheChat()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        db.execOnce(
            QStringLiteral("INSERT INTO chat_messages (ticket_id, to_number, message, direction, "
                           "agent_name, read_by_agent, status, wa_message_id) VALUES (?, '27820000001', "
                           "'Help is on the way', 'outbound', 'Thandi', true, 'read', "
                           "'wamid.OUT.CHAT.0001')"),
            {ticket});
        Config config = TestServer::defaultConfig();
        config.mediaPollMs = 100;
        TestServer server(params, config);
        for (const char *name : {"text_plain", "image", "document", "location", "contacts_card", "reaction",
                                 "edit_text", "audio_voice"})
            VERIFY_STATUS(server.postWebhook(Seed::whatsappFixture(QLatin1String(name))), 200);
        Console console(server);
        console.window.openConversation(ticket);
        MessageModel *messages = console.window.chat()->messages();
        const auto row = [messages](const QString &wamid) {
            for (int r = 0; r < messages->rowCount(); ++r)
                if (messages->index(r, 0)
                        .data(MessageModel::MessageRole)
                        .toJsonObject()
                        .value(QLatin1String("wa_message_id")) == wamid)
                    return messages->index(r, 0);
            return QModelIndex();
        };
        QTRY_VERIFY_WITH_TIMEOUT(
            row(QStringLiteral("wamid.IN.0009")).data(MessageModel::MediaIdRole).toLongLong() > 0, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(
            row(QStringLiteral("wamid.IN.0010")).data(MessageModel::MediaIdRole).toLongLong() > 0, 15000);
        ChatPanel *chat = console.window.chat();
        MediaLoader *loader = console.session.media();

        // The photo: a thumbnail as the bubble is painted, then the viewer.
        const QModelIndex photo = row(QStringLiteral("wamid.IN.0009"));
        const qint64 photoId = photo.data(MessageModel::MediaIdRole).toLongLong();
        // Painting the bubble asks for its thumbnail (forgotten first: the window may have painted it
        // already).
        loader->clear();
        QVERIFY(loader->cached(photoId).isNull());
        chat->thread()->scrollTo(photo);
        chat->thread()->viewport()->grab();
        QTRY_VERIFY_WITH_TIMEOUT(!loader->cached(photoId).isNull(), 15000);
        QVERIFY(loader->cached(photoId).width() <= MediaLoader::thumbnailSide);
        QCOMPARE(photo.data(MessageModel::DisplayTextRole).toString(),
                 QStringLiteral("Controller error display"));
        QVERIFY(chat->activateMedia(photo));
        auto *viewer = console.window.findChild<ImageViewer *>(QStringLiteral("imageViewer"));
        QVERIFY(viewer);
        QTRY_VERIFY_WITH_TIMEOUT(!viewer->image().isNull(), 15000);
        QCOMPARE(viewer->image().size(), QSize(640, 480));
        viewer->setZoom(2.0);
        QCOMPARE(viewer->zoom(), 2.0);
        viewer->close();

        // The place opens on OpenStreetMap; the contact card is copied.
        QList<QUrl> opened;
        chat->setUrlOpener([&opened](const QUrl &url) { opened << url; });
        QVERIFY(chat->activateMedia(row(QStringLiteral("wamid.IN.0012"))));
        QCOMPARE(opened.size(), 1);
        QCOMPARE(opened.first().host(), QStringLiteral("www.openstreetmap.org"));
        QVERIFY(opened.first().query().contains(QLatin1String("mlat=-26.107600&mlon=28.056700")));
        QVERIFY(chat->activateMedia(row(QStringLiteral("wamid.IN.0103"))));
        QCOMPARE(QGuiApplication::clipboard()->text(),
                 QStringLiteral("Johan Pretorius +27 82 000 0099 (Lift Controls SA)"));

        // A received file is opened and saved under a name that is never a path, with the extension of what
        // its content is: a sender's "reset.html" that is plain text does not open in a browser.
        const auto named = [](const char *filename, const char *mime) {
            return ChatPanel::fileNameFor({{QStringLiteral("filename"), QLatin1String(filename)},
                                           {QStringLiteral("mime_type"), QLatin1String(mime)},
                                           {QStringLiteral("type"), QStringLiteral("document")},
                                           {QStringLiteral("id"), 7}});
        };
        QCOMPARE(named("reset.html", "text/plain"), QStringLiteral("reset.html.txt"));
        QCOMPARE(named("../../.bashrc", "text/plain"), QStringLiteral("_.._.bashrc.txt"));
        QCOMPARE(named("Report.PDF", "application/pdf"), QStringLiteral("Report.PDF"));
        QCOMPARE(named("", "application/pdf"), QStringLiteral("document-7.pdf"));
        QCOMPARE(named("tool.jar", "application/zip"), QStringLiteral("tool.jar.bin"));

        // The document: saved as the server keeps it, and opened through the desktop.
        const QModelIndex document = row(QStringLiteral("wamid.IN.0010"));
        QVERIFY(document.data(MessageModel::MediaLabelRole)
                    .toString()
                    .contains(QLatin1String("service-report.pdf")));
        QTemporaryDir dir;
        const QString saved = dir.filePath(QStringLiteral("report.pdf"));
        chat->saveFile(document.data(MessageModel::MediaIdRole).toLongLong(), QStringLiteral("report.pdf"),
                       saved);
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(saved), 15000);
        QFile pdf(saved);
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QVERIFY(pdf.readAll().startsWith("%PDF-"));
        chat->openFile(document.data(MessageModel::MediaIdRole).toLongLong(), QStringLiteral("report.pdf"));
        QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 2, 15000);
        QVERIFY(opened.last().isLocalFile());
        QVERIFY(QFile::exists(opened.last().toLocalFile()));

        // The voice note plays where this computer can play it, and says why not where it cannot.
        const QModelIndex voice = row(QStringLiteral("wamid.IN.0011"));
        QTRY_VERIFY_WITH_TIMEOUT(voice.data(MessageModel::MediaIdRole).toLongLong() > 0, 15000);
        // Its length shows before it is played (read by the server from the file).
        QVERIFY2(voice.data(MessageModel::MediaLabelRole).toString().contains(QLatin1String("0:04")),
                 qPrintable(voice.data(MessageModel::MediaLabelRole).toString()));
        QSignalSpy cannotPlay(chat->audioPlayer(), &AudioPlayer::failed);
        QVERIFY(chat->activateMedia(voice));
        QTRY_VERIFY_WITH_TIMEOUT(chat->audioPlayer()->mediaId() ==
                                         voice.data(MessageModel::MediaIdRole).toLongLong() ||
                                     cannotPlay.count() > 0,
                                 15000);
        if (cannotPlay.count() > 0)
            qInfo().noquote() << "voice note:" << cannotPlay.first().first().toString();

        // The agent sends a photo from disk with the reply box's text as its caption, then pastes a picture.
        QImage shot(320, 200, QImage::Format_RGB32);
        shot.fill(Qt::darkBlue);
        const QString photoPath = dir.filePath(QStringLiteral("reset-steps.png"));
        QVERIFY(shot.save(photoPath, "PNG"));
        QFile photoFile(photoPath);
        QVERIFY(photoFile.open(QIODevice::ReadOnly));
        const QByteArray photoBytes = photoFile.readAll();
        chat->composer()->setPlainText(QStringLiteral("Reset steps"));
        QVERIFY(chat->sendFile(photoPath));
        QVERIFY(chat->composer()->toPlainText().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(server.app().sandbox()->sent().size(), 1, 15000);
        QCOMPARE(server.app().sandbox()->sent().first().type, QStringLiteral("image"));
        QCOMPARE(server.app().sandbox()->sent().first().media, photoBytes);
        QCOMPARE(server.app().sandbox()->sent().first().text, QStringLiteral("Reset steps"));
        const auto sentRow = [messages](const QString &caption) {
            for (int r = 0; r < messages->rowCount(); ++r) {
                const QModelIndex i = messages->index(r, 0);
                if (i.data(MessageModel::OutboundRole).toBool() &&
                    i.data(MessageModel::DisplayTextRole).toString() == caption)
                    return i;
            }
            return QModelIndex();
        };
        QTRY_VERIFY_WITH_TIMEOUT(
            sentRow(QStringLiteral("Reset steps")).data(MessageModel::MediaIdRole).toLongLong() > 0, 15000);
        QVERIFY(chat->sendImage(shot));
        QTRY_COMPARE_WITH_TIMEOUT(server.app().sandbox()->sent().size(), 2, 15000);
        QCOMPARE(server.app().sandbox()->sent().last().mediaMime, QStringLiteral("image/png"));

        // Once the ticket is resolved, a file goes only after the agent says so, as a typed reply does.
        VERIFY_STATUS(
            server.http().postJson(QStringLiteral("/api/chat/%1/resolve").arg(ticket),
                                   QJsonObject{{QStringLiteral("note"), QStringLiteral("Released")}},
                                   TestServer::admin()),
            200);
        QTRY_VERIFY_WITH_TIMEOUT(chat->isResolved(), 15000);
        QStringList asked;
        bool agree = false;
        chat->setConfirmer([&](const QString &title, const QString &) {
            asked << title;
            return agree;
        });
        QVERIFY(!chat->sendFile(photoPath));
        QVERIFY(!chat->sendImage(shot));
        QCOMPARE(asked.size(), 2);
        QVERIFY(asked.first().contains(QLatin1String("resolved")));
        agree = true;
        QVERIFY(chat->sendImage(shot));
        QVERIFY(chat->sendFile(photoPath)); // asked once per ticket
        QCOMPARE(asked.size(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(server.app().sandbox()->sent().size(), 4, 15000);

        // A stranger's photo of the lift is seen in the unassigned list before it is on any ticket.
        QByteArray strangerPhoto = Seed::whatsappFixture(QStringLiteral("image"));
        strangerPhoto.replace("wamid.IN.0009", "wamid.STRANGER.PHOTO")
            .replace("\"from\":\"27820000001\"", "\"from\":\"27829990002\"")
            .replace("\"wa_id\":\"27820000001\"", "\"wa_id\":\"27829990002\"");
        VERIFY_STATUS(server.postWebhook(strangerPhoto), 200);
        UnassignedModel *unassigned = console.window.unassigned();
        QTRY_VERIFY_WITH_TIMEOUT(unassigned->rowCount() == 1 &&
                                     unassigned->index(0)
                                             .data(UnassignedModel::ItemRole)
                                             .toJsonObject()
                                             .value(QLatin1String("media"))
                                             .toObject()
                                             .value(QLatin1String("status"))
                                             .toString() == QLatin1String("stored"),
                                 15000);
        const QString described = unassigned->index(0).data(UnassignedModel::TextRole).toString();
        QVERIFY2(described.startsWith(QLatin1String("Photo ")) &&
                     described.endsWith(QString::fromUtf8(" \xC2\xB7 Controller error display")),
                 qPrintable(described));
        for (QAction *action : console.window.findChildren<QAction *>())
            if (action->text() == QStringLiteral("&Unassigned messages…"))
                action->trigger();
        auto *strangers = console.window.findChild<UnassignedDialog *>();
        QVERIFY(strangers);
        strangers->findChild<QListView *>()->setCurrentIndex(unassigned->index(0));
        QVERIFY(strangers->viewPhotoButton()->isVisible());
        QVERIFY(strangers->viewPhotoButton()->isEnabled());
        strangers->viewPhotoButton()->click();
        auto *strangerViewer = strangers->findChild<ImageViewer *>(QStringLiteral("imageViewer"));
        QVERIFY(strangerViewer);
        QTRY_VERIFY_WITH_TIMEOUT(!strangerViewer->image().isNull(), 15000);
        strangerViewer->close();
        strangers->close();

        // The edit, the reaction, then the deletion.
        QTRY_VERIFY_WITH_TIMEOUT(row(QStringLiteral("wamid.IN.0002")).data(MessageModel::EditedRole).toBool(),
                                 15000);
        QCOMPARE(row(QStringLiteral("wamid.IN.0002")).data(MessageModel::DisplayTextRole).toString(),
                 QStringLiteral("Correction: the car is stuck between floors 4 and 5"));
        QCOMPARE(row(QStringLiteral("wamid.OUT.CHAT.0001")).data(MessageModel::ReactionsRole).toString(),
                 QString::fromUtf8("\xF0\x9F\x91\x8D"));
        VERIFY_STATUS(server.postWebhook(Seed::whatsappFixture(QStringLiteral("revoke"))), 200);
        QTRY_VERIFY_WITH_TIMEOUT(
            row(QStringLiteral("wamid.IN.0002")).data(MessageModel::RevokedRole).toBool(), 15000);
        QCOMPARE(row(QStringLiteral("wamid.IN.0002")).data(MessageModel::DisplayTextRole).toString(),
                 QStringLiteral("Deleted by the sender"));
        QVERIFY(!row(QStringLiteral("wamid.IN.0002")).data(MessageModel::EditedRole).toBool());
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
