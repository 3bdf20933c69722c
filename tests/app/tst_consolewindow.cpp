#include "Alarm.h"
#include "ApiClient.h"
#include "AudioPlayer.h"
#include "ChatPanel.h"
#include "Composer.h"
#include "ConsoleSession.h"
#include "ConversationListModel.h"
#include "EarlierIncidentsPanel.h"
#include "ExportFileDialog.h"
#include "FakeNotificationServer.h"
#include "HistoryDialog.h"
#include "HistoryModel.h"
#include "ImageViewer.h"
#include "IncidentCardPanel.h"
#include "IncidentExporter.h"
#include "IncidentView.h"
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
#include "chat/IncidentExport.h"
#include "db/Db.h"
#include "whatsapp/SandboxTransport.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QBuffer>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDBusConnectionInterface>
#include <QDateEdit>
#include <QDir>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QGuiApplication>
#include <QImageWriter>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableView>
#include <QTableWidget>
#include <QTcpServer>
#include <QTcpSocket>
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

// An incident as the history finds it: a ticket on the lift on which the technician wrote `text`, opened
// `daysAgo` days ago, resolved the day it was opened when asked.
int pastIncident(Db &db, const QString &lift, const QString &technician, const QString &text, int daysAgo,
                 bool resolved)
{
    const int ticket = Seed::openTicket(db, lift);
    Seed::technicianWrote(db, ticket, technician, text, 1);
    if (daysAgo > 0)
        db.execOnce(
            QStringLiteral("UPDATE tickets SET created_at = now() - make_interval(days => ?) WHERE id = ?"),
            {daysAgo, ticket});
    if (resolved)
        db.execOnce(
            QStringLiteral("UPDATE tickets SET status = 'closed', resolved_at = created_at + interval "
                           "'1 hour' WHERE id = ?"),
            {ticket});
    return ticket;
}

QString referenceOf(Db &db, int ticket)
{
    return db.scalar(QStringLiteral("SELECT ticket_reference FROM tickets WHERE id = ?"), {ticket})
        .toString();
}

QList<int> ticketsIn(const HistoryModel *model)
{
    QList<int> out;
    for (int r = 0; r < model->rowCount(); ++r)
        out << model->index(r, 0).data(HistoryModel::TicketIdRole).toInt();
    return out;
}

QList<int> ticketsIn(const QListWidget *list)
{
    QList<int> out;
    for (int r = 0; r < list->count(); ++r)
        if (const int t = list->item(r)->data(Qt::UserRole + 1).toInt(); t > 0)
            out << t;
    return out;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void triggerMenu(QWidget *window, const QString &text)
{
    for (QAction *action : window->findChildren<QAction *>())
        if (action->text() == text)
            action->trigger();
}

// The history reads the server has answered (liftline_http_requests_total for the route, every status).
int historyReads(TestServer &server)
{
    const QByteArray metrics = server.http().get(QStringLiteral("/metrics")).body;
    const QByteArray prefix = "liftline_http_requests_total{method=\"GET\",route=\"/api/chat/history\",";
    int total = 0;
    for (const QByteArray &line : metrics.split('\n'))
        if (line.startsWith(prefix))
            total += line.mid(line.lastIndexOf(' ') + 1).toInt();
    return total;
}

// Files and folders in `path`, hidden ones too, by name.
QStringList entriesOf(const QString &path)
{
    return QDir(path).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                                QDir::Name);
}

// Runs `act` on the next modal window of type T once it is up; gives up (closing whatever is modal, so
// that nothing waits for ever) after about ten seconds, and says so in *gaveUp. Nothing runs once `scope`
// is gone (the test that asked has ended, its variables with it).
template<typename T>
void whenModal(QObject *scope, std::function<void(T *)> act, bool *gaveUp, int tries = 200)
{
    QTimer::singleShot(50, scope, [scope, act, gaveUp, tries] {
        auto *window = qobject_cast<T *>(QApplication::activeModalWidget());
        if (window)
            return act(window);
        if (tries > 0)
            return whenModal<T>(scope, act, gaveUp, tries - 1);
        *gaveUp = true;
        if (auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget()))
            dialog->reject();
    });
}

// A file dialog's answer as the agent gives it: the type chosen (when given), the name typed, Save.
void saveAs(QFileDialog *files, const QString &folder, const QString &name, const QString &filter = {})
{
    if (!filter.isEmpty())
        files->selectNameFilter(filter);
    files->setDirectory(folder);
    auto *typed = files->findChild<QLineEdit *>(QStringLiteral("fileNameEdit"));
    QVERIFY(typed);
    typed->setText(name);
    static_cast<QDialog *>(files)->accept(); // QFileDialog::accept(), protected there
}

// Answers each request for one path with what it is given, after a pause, as a server could: headers and
// body exactly as set (others: 404). On loopback, for what the real server never sends.
class FixedAnswers : public QObject {
public:
    struct Answer {
        int status = 200;
        QByteArray body;
        QList<std::pair<QByteArray, QByteArray>> headers;
        int delayMs = 0;
    };
    FixedAnswers()
    {
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort())); }
    void on(const QByteArray &path, const Answer &answer) { m_answers.insert(path, answer); }
    QList<QByteArray> asked; // the request targets, path and query

private:
    void read(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        if (!buffer.contains("\r\n\r\n"))
            return;
        const QByteArray target = buffer.left(buffer.indexOf("\r\n")).split(' ').value(1);
        m_buffers.remove(socket);
        asked << target;
        const Answer answer = m_answers.value(
            target.split('?').value(0),
            Answer{404,
                   "{\"ok\":false,\"error\":{\"code\":\"not_found\",\"message\":\"No such route\"}}",
                   {{"Content-Type", "application/json"}},
                   0});
        QTimer::singleShot(answer.delayMs, socket, [socket, answer] {
            QByteArray out = "HTTP/1.1 " + QByteArray::number(answer.status) + " Answer\r\n";
            for (const auto &[name, value] : answer.headers)
                out += name + ": " + value + "\r\n";
            out +=
                "Content-Length: " + QByteArray::number(answer.body.size()) + "\r\nConnection: close\r\n\r\n";
            socket->write(out + answer.body);
            socket->disconnectFromHost();
        });
    }

    QTcpServer m_server;
    QHash<QByteArray, Answer> m_answers;
    QHash<QTcpSocket *, QByteArray> m_buffers;
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
        // Nobody with the supervisor role has a console open: the console says so.
        QTRY_VERIFY_WITH_TIMEOUT(
            window.statusBar()->currentMessage().contains(QLatin1String("no supervisor is at a console")),
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
        server.signIn(QStringLiteral("pieter"), QStringLiteral("Pieter"), QStringLiteral("supervisor"));
        Console console(server, server.signIn(QStringLiteral("maria"), QStringLiteral("Maria"),
                                              QStringLiteral("supervisor")));
        MainWindow &window = console.window;
        QTRY_COMPARE_WITH_TIMEOUT(console.session.stream()->state(), EventStream::State::Live, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(console.session.role(), QStringLiteral("supervisor"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(db.scalar(QStringLiteral("SELECT count(*) FROM agent_presence")).toInt(), 1,
                                  5000);
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
        // Pieter signed in but has no console open: the record says he was not reached.
        QVERIFY2(timeline.contains(QStringLiteral("Step 2: the supervisors — agents available: Maria; "
                                                  "supervisors: Maria; not at a console: Pieter")),
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

    // View → Incident history: found by what was said and by the other fields, newest first, a page at a
    // time; a refused search shows the server's own words and no rows.
    void theHistoryFindsPagesAndShowsRefusals()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int march = pastIncident(db, QStringLiteral("27710000001"), QStringLiteral("27820000001"),
                                       QStringLiteral("Controller shows fault E42 on floor 3"), 40, true);
        const int marula = pastIncident(db, QStringLiteral("27710000002"), QStringLiteral("27820000002"),
                                        QStringLiteral("Doors stuck, two people inside"), 30, true);
        const int blockC = pastIncident(db, QStringLiteral("27710000003"), QStringLiteral("27820000003"),
                                        QStringLiteral("fault e42 again, same as last time"), 0, false);
        const int james = pastIncident(db, QStringLiteral("27710000001"), QStringLiteral("27820000001"),
                                       QStringLiteral("All good now"), 0, false);
        TestServer server(params);
        Console console(server);
        triggerMenu(&console.window, QStringLiteral("Incident &history…"));
        HistoryDialog *history = console.window.historyDialog();
        QVERIFY(history);
        QVERIFY(history->isVisible());
        HistoryModel *found = history->model();
        QAbstractItemModelTester tester(found, QAbstractItemModelTester::FailureReportingMode::QtTest);

        // What was said, in any case, from Enter in the field.
        history->textField()->setText(QStringLiteral("E42"));
        QTest::keyClick(history->textField(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(ticketsIn(found), (QList<int>{blockC, march}), 10000);
        const auto cell = [found](int row, int column) {
            return found->index(row, column).data().toString();
        };
        QCOMPARE(cell(0, HistoryModel::Reference), referenceOf(db, blockC));
        QCOMPARE(cell(0, HistoryModel::Said), QStringLiteral("fault e42 again, same as last time"));
        QCOMPARE(cell(0, HistoryModel::Resolved), QStringLiteral("open"));
        QVERIFY2(cell(0, HistoryModel::Lift).contains(QLatin1String("Block C")), qPrintable(cell(0, 3)));
        QVERIFY2(cell(0, HistoryModel::Technician).contains(QLatin1String("Thabo Nkosi")),
                 qPrintable(cell(0, 4)));
        QCOMPARE(cell(1, HistoryModel::Said), QStringLiteral("Controller shows fault E42 on floor 3"));
        QVERIFY(cell(1, HistoryModel::Resolved) != QLatin1String("open"));
        QVERIFY(!cell(1, HistoryModel::Opened).isEmpty());
        QVERIFY(!history->olderButton()->isEnabled());

        // The lift as it is written on a sticker, with the status.
        history->textField()->clear();
        history->liftField()->setText(QStringLiteral("+27 71 000 0001"));
        history->statusField()->setCurrentIndex(history->statusField()->findData(QStringLiteral("closed")));
        history->searchButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(ticketsIn(found), QList<int>{march}, 10000);
        QVERIFY(cell(0, HistoryModel::Said).isEmpty()); // no words searched: nothing to show there

        // 'to' before 'from': refused by the server, whose message is shown.
        history->liftField()->clear();
        history->statusField()->setCurrentIndex(0);
        history->fromCheck()->setChecked(true);
        history->fromField()->setDate(QDate::currentDate());
        history->toCheck()->setChecked(true);
        history->toField()->setDate(QDate::currentDate().addDays(-3));
        const HistoryQuery refused = history->query();
        history->search();
        QTRY_VERIFY_WITH_TIMEOUT(history->state()->text().startsWith(QLatin1String("The search was not run")),
                                 10000);
        const HttpResult direct = server.http().get(QStringLiteral("/api/chat/history?") +
                                                        refused.toUrlQuery().toString(QUrl::FullyEncoded),
                                                    TestServer::admin());
        QCOMPARE(direct.status, 400);
        const QString serverWords =
            direct.json.value(QLatin1String("error")).toObject().value(QLatin1String("message")).toString();
        QVERIFY(!serverWords.isEmpty());
        QVERIFY2(history->state()->text().contains(serverWords), qPrintable(history->state()->text()));
        QCOMPARE(found->rowCount(), 0);

        // The agent's days: yesterday and today hold the two opened today.
        history->fromField()->setDate(QDate::currentDate().addDays(-1));
        history->toField()->setDate(QDate::currentDate());
        history->search();
        QTRY_COMPARE_WITH_TIMEOUT(ticketsIn(found), (QList<int>{james, blockC}), 10000);
        QVERIFY(!history->state()->text().startsWith(QLatin1String("The search was not run")));

        // Everything, two at a time: Older incidents adds the next page below, until there is none.
        history->fromCheck()->setChecked(false);
        history->toCheck()->setChecked(false);
        history->setPageSize(2);
        history->search();
        QTRY_VERIFY_WITH_TIMEOUT(!history->isSearching(), 10000);
        QCOMPARE(ticketsIn(found), (QList<int>{james, blockC}));
        QVERIFY(history->olderButton()->isEnabled());
        history->olderButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(ticketsIn(found), (QList<int>{james, blockC, marula, march}), 10000);
        QVERIFY(!history->olderButton()->isEnabled());
    }

    // A resolved incident from the history opens read-only: its messages, nothing that changes it. An
    // agent is not offered the export, and is refused with words when asking anyway.
    void aResolvedIncidentOpensReadOnly()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int old = pastIncident(db, QStringLiteral("27710000001"), QStringLiteral("27820000001"),
                                     QStringLiteral("Agent, two people stuck on floor 3"), 40, false);
        db.execOnce(QStringLiteral("INSERT INTO chat_messages (ticket_id, to_number, message, direction, "
                                   "agent_name, read_by_agent, status) VALUES (?, '27820000001', 'Fire "
                                   "brigade is on the way', 'outbound', 'Thandi', true, 'read')"),
                    {old});
        Seed::technicianWrote(db, old, QStringLiteral("27820000001"), QStringLiteral("Both out, all safe"),
                              1);
        db.execOnce(
            QStringLiteral("UPDATE tickets SET status = 'closed', resolved_at = created_at + interval "
                           "'1 hour' WHERE id = ?"),
            {old});
        TestServer server(params);
        Console console(server);
        QTRY_COMPARE_WITH_TIMEOUT(console.session.role(), QStringLiteral("agent"), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(console.session.snapshotLoaded(), 10000);
        QCOMPARE(console.conversations.rowOf(old), -1); // long resolved: not in the list

        console.window.showHistory();
        HistoryDialog *history = console.window.historyDialog();
        history->referenceField()->setText(referenceOf(db, old));
        history->search();
        QTRY_COMPARE_WITH_TIMEOUT(ticketsIn(history->model()), QList<int>{old}, 10000);
        const QModelIndex row = history->model()->index(0, 0);
        // A click selects it, a double-click opens it.
        QTest::mouseClick(history->table()->viewport(), Qt::LeftButton, {},
                          history->table()->visualRect(row).center());
        QTest::mouseDClick(history->table()->viewport(), Qt::LeftButton, {},
                           history->table()->visualRect(row).center());
        IncidentView *view = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((view = console.window.findChild<IncidentView *>()) != nullptr, 5000);
        QCOMPARE(view->ticketId(), old);
        QVERIFY(view->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(view->messages()->rowCount(), 3, 10000);
        QStringList texts;
        for (int r = 0; r < view->messages()->rowCount(); ++r)
            texts << view->messages()->index(r, 0).data(MessageModel::DisplayTextRole).toString();
        QCOMPARE(texts, (QStringList{QStringLiteral("Agent, two people stuck on floor 3"),
                                     QStringLiteral("Fire brigade is on the way"),
                                     QStringLiteral("Both out, all safe")}));
        QCOMPARE(view->title()->text(), referenceOf(db, old));
        QVERIFY2(view->details()->text().contains(QLatin1String("resolved")),
                 qPrintable(view->details()->text()));
        QVERIFY2(view->details()->text().contains(QLatin1String("Sipho Dlamini")),
                 qPrintable(view->details()->text()));
        // Nothing to write in, nothing that acts on the ticket.
        QVERIFY(view->findChildren<Composer *>().isEmpty());
        QVERIFY(view->findChildren<QPlainTextEdit *>().isEmpty());
        QVERIFY(view->findChildren<QLineEdit *>().isEmpty());
        QStringList buttons;
        for (QPushButton *b : view->findChildren<QPushButton *>())
            if (b->isVisible())
                buttons << b->text();
        QCOMPARE(buttons, QStringList{QStringLiteral("Close")});
        QVERIFY(!view->exportButton()->isVisible());
        // Enter on a message is the thread's (a file, place or contact opens): Close is no default button.
        view->thread()->setCurrentIndex(view->messages()->index(1, 0));
        QTest::keyClick(view->thread(), Qt::Key_Return);
        QTest::keyClick(view->thread(), Qt::Key_Enter, Qt::KeypadModifier);
        QVERIFY(view->isVisible());
        for (QPushButton *b : view->findChildren<QPushButton *>())
            QVERIFY2(!b->isDefault() && !b->autoDefault(), qPrintable(b->text()));
        // The same ticket again brings the same window forward.
        QCOMPARE(console.window.openIncident(old), view);

        // Asked anyway (a role changed on the server, an old menu): refused in words, nothing written.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("incident.json"));
        QSignalSpy failed(view->exporter(), &IncidentExporter::failed);
        view->exportIncident(path);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QVERIFY2(view->status()->text().contains(QLatin1String("Only supervisors and admins can export")),
                 qPrintable(view->status()->text()));
        for (const QString &file : {path, path + QStringLiteral(".sha256"), path + QStringLiteral(".sig")})
            QVERIFY2(!QFile::exists(file), qPrintable(file));
        QVERIFY(!view->exporter()->isBusy());
    }

    // A supervisor exports an incident from its read-only view and the open conversation from the chat:
    // the file as the server sent it, its .sha256 for sha256sum and its .sig for verify-export, both as
    // the server's command line writes them.
    void aSupervisorExportsSignedFiles()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int old = pastIncident(db, QStringLiteral("27710000002"), QStringLiteral("27820000002"),
                                     QStringLiteral("Doors stuck, two people inside"), 12, true);
        const int open = Seed::openTicket(db);
        Seed::technicianWrote(db, open, QStringLiteral("27820000001"), QStringLiteral("Agent, car stuck"), 1);
        TestServer server(params);
        Console console(server, server.signIn(QStringLiteral("maria"), QStringLiteral("Maria"),
                                              QStringLiteral("supervisor")));
        QTRY_COMPARE_WITH_TIMEOUT(console.session.role(), QStringLiteral("supervisor"), 5000);
        const HttpResult key = server.http().get(QStringLiteral("/api/chat/signing-key"), {});
        QCOMPARE(key.status, 200);
        const QByteArray publicKey =
            QByteArray::fromBase64(key.json.value(QLatin1String("public_key")).toString().toLatin1());
        QCOMPARE(publicKey.size(), 32);
        QCOMPARE(IncidentExporter::fingerprintOf(publicKey),
                 key.json.value(QLatin1String("fingerprint")).toString());

        IncidentView *view = console.window.openIncident(old);
        QTRY_VERIFY_WITH_TIMEOUT(view->exportButton()->isVisible(), 5000);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("marula.json"));
        QSignalSpy finished(view->exporter(), &IncidentExporter::finished);
        view->exportIncident(path);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
        const QByteArray document = readAll(path);
        const QByteArray sha = QCryptographicHash::hash(document, QCryptographicHash::Sha256).toHex();
        QCOMPARE(finished.first().at(1).toString(), QString::fromLatin1(sha));
        // Saved byte for byte: the server recorded the SHA-256 of what it sent.
        QCOMPARE(db.scalar(QStringLiteral("SELECT details ->> 'sha256' FROM audit_log WHERE action = "
                                          "'ticket.exported' AND ticket_id = ? ORDER BY id DESC LIMIT 1"),
                           {old})
                     .toString()
                     .toLatin1(),
                 sha);
        const QJsonObject exported = QJsonDocument::fromJson(document).object();
        QCOMPARE(exported.value(QLatin1String("format")).toString(),
                 QStringLiteral("liftline.incident-export/1"));
        QCOMPARE(exported.value(QLatin1String("ticket")).toObject().value(QLatin1String("id")).toInt(), old);
        QCOMPARE(readAll(path + QStringLiteral(".sha256")), sha + "  marula.json\n");
        const QByteArray signatureFile = readAll(path + QStringLiteral(".sig"));
        const QJsonObject sig = QJsonDocument::fromJson(signatureFile).object();
        // Exactly what `liftline-server export` writes for the same export, and checked as it checks.
        IncidentExport::Export same;
        same.document = document;
        same.sha256Hex = sha;
        same.signature = QByteArray::fromBase64(sig.value(QLatin1String("signature")).toString().toLatin1());
        same.publicKey = publicKey;
        same.fingerprint = key.json.value(QLatin1String("fingerprint")).toString();
        same.fileName = QStringLiteral("marula.json");
        QCOMPARE(signatureFile, IncidentExport::signatureFile(same));
        const IncidentExport::Verification verified =
            IncidentExport::verify(document, signatureFile, publicKey);
        QVERIFY2(verified.ok, qPrintable(verified.message));
        QVERIFY2(view->status()->text().contains(path), qPrintable(view->status()->text()));
        // A byte changed after saving no longer verifies: the signature is over the file itself.
        QByteArray changed = document;
        changed[changed.size() / 2] = changed[changed.size() / 2] == 'x' ? 'y' : 'x';
        QVERIFY(!IncidentExport::verify(changed, signatureFile, publicKey).ok);

        // The PDF (the server draws it: it runs a QGuiApplication), saved the same way: the bytes it sent,
        // whose SHA-256 it recorded, with both files as its command line writes them.
        const QString pdf = dir.filePath(QStringLiteral("marula.pdf"));
        QSignalSpy failed(view->exporter(), &IncidentExporter::failed);
        view->exportIncident(pdf);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 2 || !failed.isEmpty(), 15000);
        QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(0).toString()));
        const QByteArray drawn = readAll(pdf);
        QVERIFY2(drawn.startsWith("%PDF-"), drawn.left(16).constData());
        const QByteArray pdfSha = QCryptographicHash::hash(drawn, QCryptographicHash::Sha256).toHex();
        QCOMPARE(finished.at(1).at(1).toString(), QString::fromLatin1(pdfSha));
        QCOMPARE(db.scalar(QStringLiteral("SELECT details ->> 'sha256' FROM audit_log WHERE action = "
                                          "'ticket.exported' AND ticket_id = ? ORDER BY id DESC LIMIT 1"),
                           {old})
                     .toString()
                     .toLatin1(),
                 pdfSha);
        QCOMPARE(readAll(pdf + QStringLiteral(".sha256")), pdfSha + "  marula.pdf\n");
        const QByteArray pdfSignatureFile = readAll(pdf + QStringLiteral(".sig"));
        IncidentExport::Export pdfExport;
        pdfExport.document = drawn;
        pdfExport.sha256Hex = pdfSha;
        pdfExport.signature = QByteArray::fromBase64(QJsonDocument::fromJson(pdfSignatureFile)
                                                         .object()
                                                         .value(QLatin1String("signature"))
                                                         .toString()
                                                         .toLatin1());
        pdfExport.publicKey = publicKey;
        pdfExport.fingerprint = key.json.value(QLatin1String("fingerprint")).toString();
        pdfExport.fileName = QStringLiteral("marula.pdf");
        QCOMPARE(pdfSignatureFile, IncidentExport::signatureFile(pdfExport));
        const IncidentExport::Verification pdfVerified =
            IncidentExport::verify(drawn, pdfSignatureFile, publicKey);
        QVERIFY2(pdfVerified.ok, qPrintable(pdfVerified.message));

        // From the open conversation's chat.
        QTRY_VERIFY_WITH_TIMEOUT(console.conversations.rowOf(open) >= 0, 10000);
        console.window.openConversation(open);
        ChatPanel *chat = console.window.chat();
        QTRY_VERIFY_WITH_TIMEOUT(chat->exportButton()->isVisible(), 5000);
        const QString current = dir.filePath(QStringLiteral("current.json"));
        QSignalSpy chatFinished(chat->exporter(), &IncidentExporter::finished);
        chat->exportIncident(current);
        QTRY_COMPARE_WITH_TIMEOUT(chatFinished.count(), 1, 15000);
        const QByteArray currentDocument = readAll(current);
        QCOMPARE(QJsonDocument::fromJson(currentDocument)
                     .object()
                     .value(QLatin1String("ticket"))
                     .toObject()
                     .value(QLatin1String("id"))
                     .toInt(),
                 open);
        QVERIFY(
            IncidentExport::verify(currentDocument, readAll(current + QStringLiteral(".sig")), publicKey).ok);
        QVERIFY2(console.window.statusBar()->currentMessage().contains(QLatin1String("Exported to")),
                 qPrintable(console.window.statusBar()->currentMessage()));
    }

    // Beside the open chat, the lift's earlier incidents and the technician's, the open one left out,
    // read once for the conversation (not again as its messages arrive), each opening read-only.
    void earlierIncidentsBesideTheChat()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int sipho = pastIncident(db, QStringLiteral("27710000001"), QStringLiteral("27820000001"),
                                       QStringLiteral("Doors will not close"), 40, true);
        const int anna = pastIncident(db, QStringLiteral("27710000001"), QStringLiteral("27820000002"),
                                      QStringLiteral("Stuck at floor 2"), 20, true);
        const int elsewhere = pastIncident(db, QStringLiteral("27710000003"), QStringLiteral("27820000001"),
                                           QStringLiteral("Block C controller fault"), 10, true);
        pastIncident(db, QStringLiteral("27710000004"), QStringLiteral("27820000004"),
                     QStringLiteral("Unrelated"), 5, true);
        const int now = Seed::openTicket(db);
        Seed::technicianWrote(db, now, QStringLiteral("27820000001"), QStringLiteral("Agent, stuck again"),
                              1);
        TestServer server(params);
        Console console(server);
        QTRY_COMPARE_WITH_TIMEOUT(console.session.stream()->state(), EventStream::State::Live, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(console.conversations.rowOf(now) >= 0, 10000);
        ChatPanel *chat = console.window.chat();
        EarlierIncidentsPanel *earlier = chat->earlierIncidents();
        QSignalSpy changed(earlier, &EarlierIncidentsPanel::changed);
        console.window.openConversation(now);
        QVERIFY(!earlier->isVisible());
        chat->earlierToggle()->click();
        QVERIFY(earlier->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(ticketsIn(earlier->liftList()), (QList<int>{anna, sipho}), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(ticketsIn(earlier->technicianList()), (QList<int>{elsewhere, sipho}),
                                  10000);
        QCOMPARE(earlier->count(), 3);
        QCOMPARE(chat->earlierToggle()->text(), QStringLiteral("Earlier incidents (3)"));
        QVERIFY2(earlier->liftList()->item(0)->text().startsWith(referenceOf(db, anna)),
                 qPrintable(earlier->liftList()->item(0)->text()));
        QVERIFY2(earlier->technicianList()->item(0)->text().contains(QLatin1String("Block C")),
                 qPrintable(earlier->technicianList()->item(0)->text()));

        // The technician writes again: the thread and the list follow, the earlier incidents are not read
        // again. Once an event has changed the row, a read it started is either under way (isLoading) or
        // answered (the server counted it, and the panel changed): no wait can miss one that comes late.
        QTRY_VERIFY_WITH_TIMEOUT(!earlier->isLoading(), 5000);
        const int reads = int(changed.count());
        const int asked = historyReads(server);
        QCOMPARE(asked, 2); // the lift's, the technician's
        QCOMPARE(server
                     .postWebhook(TestServer::technicianText(QStringLiteral("wamid.EARLIER.1"),
                                                             QStringLiteral("Still waiting at floor 4")))
                     .status,
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(
            !statusOf(chat->messages(), QStringLiteral("Still waiting at floor 4")).isEmpty(), 15000);
        const auto previewIs = [&console, now](const char *text) {
            return console.conversations.conversation(now)
                       .value(QLatin1String("last_message_preview"))
                       .toString() == QLatin1String(text);
        };
        QTRY_VERIFY_WITH_TIMEOUT(previewIs("Still waiting at floor 4"), 10000);
        QVERIFY(!earlier->isLoading());
        QCOMPARE(historyReads(server), asked);
        QCOMPARE(int(changed.count()), reads);
        // What follows (the message read on the server, the list told so) and one more message after it: the
        // last event seen, every one before it was handled, and none read the history.
        QTRY_COMPARE_WITH_TIMEOUT(unreadOnServer(db, now), 0, 10000);
        QCOMPARE(server
                     .postWebhook(TestServer::technicianText(QStringLiteral("wamid.EARLIER.2"),
                                                             QStringLiteral("Door opened, thanks")))
                     .status,
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(previewIs("Door opened, thanks"), 15000);
        QVERIFY(!earlier->isLoading());
        QCOMPARE(historyReads(server), asked);
        QCOMPARE(int(changed.count()), reads);

        // Enter on one opens it read-only.
        earlier->liftList()->setCurrentRow(1);
        QTest::keyClick(earlier->liftList(), Qt::Key_Return);
        IncidentView *view = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((view = console.window.findChild<IncidentView *>()) != nullptr, 5000);
        QCOMPARE(view->ticketId(), sipho);
        QTRY_COMPARE_WITH_TIMEOUT(view->messages()->rowCount(), 1, 10000);
    }

    // An export is its three files or nothing: a folder that cannot be written leaves nothing, and a file
    // that cannot be put in place takes back the ones put in place before it. Over an earlier export, all
    // three are replaced.
    void anExportIsItsThreeFilesOrNothing()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int old = pastIncident(db, QStringLiteral("27710000002"), QStringLiteral("27820000002"),
                                     QStringLiteral("Doors stuck, two people inside"), 12, true);
        TestServer server(params);
        Console console(server, server.signIn(QStringLiteral("maria"), QStringLiteral("Maria"),
                                              QStringLiteral("supervisor")));
        IncidentView *view = console.window.openIncident(old);
        QTRY_VERIFY_WITH_TIMEOUT(view->exportButton()->isVisible(), 5000);
        QSignalSpy finished(view->exporter(), &IncidentExporter::finished);
        QSignalSpy failed(view->exporter(), &IncidentExporter::failed);
        QTemporaryDir dir;

        // A folder that cannot be written (tests run as root, who writes anywhere: its "folder" is a file).
        QFile notAFolder(dir.filePath(QStringLiteral("not-a-folder")));
        QVERIFY(notAFolder.open(QIODevice::WriteOnly));
        notAFolder.close();
        view->exportIncident(dir.filePath(QStringLiteral("not-a-folder/marula.json")));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 15000);
        QVERIFY2(view->status()->text().contains(QLatin1String("could not be written")) &&
                     view->status()->text().contains(QLatin1String("Nothing was saved")),
                 qPrintable(view->status()->text()));
        QCOMPARE(view->status()->text(), failed.at(0).at(0).toString());
        QCOMPARE(entriesOf(dir.path()), QStringList{QStringLiteral("not-a-folder")});
        QVERIFY(view->exportButton()->isEnabled());
        QVERIFY(!view->exporter()->isBusy());

        // The signature's place is taken by a folder: the export and its checksum, in place already, are
        // removed again, and so is every temporary file.
        const QString path = dir.filePath(QStringLiteral("marula.json"));
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("marula.json.sig")));
        view->exportIncident(path);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 2, 15000);
        const QString refused = failed.at(1).at(0).toString();
        QVERIFY2(refused.contains(path + QStringLiteral(".sig could not be written")), qPrintable(refused));
        QVERIFY2(refused.contains(QLatin1String("removed again")) &&
                     refused.contains(path + QStringLiteral(", ")) &&
                     refused.contains(path + QStringLiteral(".sha256")),
                 qPrintable(refused));
        QCOMPARE(entriesOf(dir.path()),
                 (QStringList{QStringLiteral("marula.json.sig"), QStringLiteral("not-a-folder")}));
        QVERIFY(entriesOf(path + QStringLiteral(".sig")).isEmpty());
        QCOMPARE(finished.count(), 0);

        // The way clear: all three.
        QVERIFY(QDir(dir.path()).rmdir(QStringLiteral("marula.json.sig")));
        view->exportIncident(path);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
        QCOMPARE(entriesOf(dir.path()),
                 (QStringList{QStringLiteral("marula.json"), QStringLiteral("marula.json.sha256"),
                              QStringLiteral("marula.json.sig"), QStringLiteral("not-a-folder")}));
        // Again over them (the agent said to replace them): the three new ones, nothing beside them.
        const QByteArray first = readAll(path);
        view->exportIncident(path);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 15000);
        const QByteArray second = readAll(path);
        QVERIFY(second != first); // exported_at differs
        const QByteArray sha = QCryptographicHash::hash(second, QCryptographicHash::Sha256).toHex();
        QCOMPARE(finished.at(1).at(1).toString(), QString::fromLatin1(sha));
        QCOMPARE(readAll(path + QStringLiteral(".sha256")), sha + "  marula.json\n");
        const HttpResult key = server.http().get(QStringLiteral("/api/chat/signing-key"), {});
        const QByteArray publicKey =
            QByteArray::fromBase64(key.json.value(QLatin1String("public_key")).toString().toLatin1());
        QVERIFY(IncidentExport::verify(second, readAll(path + QStringLiteral(".sig")), publicKey).ok);
        QCOMPARE(entriesOf(dir.path()).size(), 4);
        QCOMPARE(failed.count(), 2);
    }

    // What the real server never sends: an export whose body is not the one its X-Liftline-Sha256 names is
    // refused and nothing is saved; a server that cannot draw PDFs (pdf_unavailable), or one older than PDF
    // exports (invalid_format), is explained. An export waits for the server longer than other requests do.
    void aDamagedExportIsRefused()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int old = pastIncident(db, QStringLiteral("27710000002"), QStringLiteral("27820000002"),
                                     QStringLiteral("Doors stuck, two people inside"), 12, true);
        TestServer server(params);
        const QByteArray token =
            server.signIn(QStringLiteral("maria"), QStringLiteral("Maria"), QStringLiteral("supervisor"));
        const HttpResult real = server.http().get(QStringLiteral("/api/chat/%1/export?format=json").arg(old),
                                                  HttpClient::bearer(token));
        QCOMPARE(real.status, 200);
        const QByteArray realSha = real.header("X-Liftline-Sha256");
        QCOMPARE(realSha, QCryptographicHash::hash(real.body, QCryptographicHash::Sha256).toHex());

        // The real answer, but its header names another file's SHA-256; the answer comes after a second,
        // five times what any other request of this client waits for.
        const QByteArray otherSha =
            QCryptographicHash::hash(real.body + "tampered", QCryptographicHash::Sha256).toHex();
        FixedAnswers fake;
        const QByteArray exportPath = QStringLiteral("/api/chat/%1/export").arg(old).toLatin1();
        fake.on(exportPath, {200,
                             real.body,
                             {{"Content-Type", "application/json"},
                              {"X-Liftline-Sha256", otherSha},
                              {"X-Liftline-Signature", real.header("X-Liftline-Signature")},
                              {"X-Liftline-Signing-Key", real.header("X-Liftline-Signing-Key")}},
                             1000});
        fake.on("/api/auth/me", {200, "{\"ok\":true}", {{"Content-Type", "application/json"}}, 1000});
        ApiClient api;
        api.setBaseUrl(fake.url());
        api.setToken(token);
        api.setTimeoutMs(200);
        ConversationListModel conversations;
        ConsoleSession session(&api, &conversations);
        // Another request gives up on the same wait...
        RequestError slow;
        api.get(
            QStringLiteral("/api/auth/me"), {}, this, [](const QJsonObject &) {},
            [&slow](const RequestError &e) { slow = e; });
        QTRY_COMPARE_WITH_TIMEOUT(slow.code, QStringLiteral("timeout"), 5000);

        // ... the export waits for its answer, finds it damaged, and saves nothing.
        IncidentExporter exporter(&session);
        QSignalSpy finished(&exporter, &IncidentExporter::finished);
        QSignalSpy failed(&exporter, &IncidentExporter::failed);
        QTemporaryDir dir;
        QVERIFY(
            exporter.start(old, IncidentExporter::Format::Json, dir.filePath(QStringLiteral("marula.json"))));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        const QString damaged = failed.at(0).at(0).toString();
        QVERIFY2(damaged.contains(QLatin1String("arrived damaged")) &&
                     damaged.contains(QString::fromLatin1(otherSha)) &&
                     damaged.contains(QString::fromLatin1(realSha)) &&
                     damaged.contains(QLatin1String("Nothing was saved")),
                 qPrintable(damaged));
        QCOMPARE(finished.count(), 0);
        QVERIFY(entriesOf(dir.path()).isEmpty());
        QVERIFY(!exporter.isBusy());
        // Refused on its checksum alone: the server was not even asked for its key.
        QCOMPARE(fake.asked, (QList<QByteArray>{"/api/auth/me", exportPath + "?format=json"}));

        // A PDF the server cannot draw, and a server that has never heard of PDF exports.
        for (const auto &[status, code] :
             {std::pair{422, "pdf_unavailable"}, std::pair{400, "invalid_format"}}) {
            fake.on(
                exportPath,
                {status,
                 QJsonDocument(QJsonObject{{QStringLiteral("ok"), false},
                                           {QStringLiteral("error"),
                                            QJsonObject{{QStringLiteral("code"), QLatin1String(code)},
                                                        {QStringLiteral("message"),
                                                         QStringLiteral("This server cannot draw PDFs "
                                                                        "(no display): export as JSON")}}}})
                     .toJson(QJsonDocument::Compact),
                 {{"Content-Type", "application/json"}},
                 0});
            const qsizetype before = failed.count();
            QVERIFY(exporter.start(old, IncidentExporter::Format::Pdf,
                                   dir.filePath(QStringLiteral("marula.pdf"))));
            QTRY_COMPARE_WITH_TIMEOUT(failed.count(), before + 1, 10000);
            const QString why = failed.last().at(0).toString();
            QVERIFY2(why.contains(QLatin1String("does not make PDF exports")) &&
                         why.contains(QLatin1String("Export the signed JSON instead")),
                     qPrintable(code + QStringLiteral(": ") + why));
            QVERIFY(entriesOf(dir.path()).isEmpty());
        }
        QCOMPARE(finished.count(), 0);
    }

    // Export incident…: the type chosen gives the name its extension, and whatever of the file, its .sha256
    // and its .sig is there already is asked about (No by default, which asks for another name).
    void anExportAsksBeforeReplacingFiles()
    {
        QTemporaryDir dir;
        QFile earlier(dir.filePath(QStringLiteral("report.pdf.sig")));
        QVERIFY(earlier.open(QIODevice::WriteOnly));
        earlier.write("an earlier export's signature\n");
        earlier.close();
        const QString pdfFilter = QStringLiteral("PDF, for people to read (*.pdf)");
        QObject scope; // the questions' answers below run only while this test does
        bool gaveUp = false;
        QString question;
        bool noByDefault = false;
        QString offeredAgain;
        // "report" typed with PDF chosen: report.pdf, whose .sig is there. No: the dialog again, at
        // report.pdf; cancelled.
        whenModal<QFileDialog>(
            &scope,
            [&](QFileDialog *files) {
                whenModal<QMessageBox>(
                    &scope,
                    [&](QMessageBox *box) {
                        question = box->text();
                        noByDefault = box->defaultButton() == box->button(QMessageBox::No);
                        whenModal<QFileDialog>(
                            &scope,
                            [&](QFileDialog *again) {
                                offeredAgain = again->selectedFiles().value(0);
                                again->reject();
                            },
                            &gaveUp);
                        box->button(QMessageBox::No)->click();
                    },
                    &gaveUp);
                saveAs(files, dir.path(), QStringLiteral("report"), pdfFilter);
            },
            &gaveUp);
        IncidentExporter::Format format = IncidentExporter::Format::Json;
        QCOMPARE(ExportFileDialog::ask(nullptr, QStringLiteral("MARULA-1"), 7, &format), QString());
        QVERIFY(!gaveUp);
        QVERIFY2(question.contains(QLatin1String("report.pdf.sig")) &&
                     !question.contains(QLatin1String("sha256")),
                 qPrintable(question));
        QVERIFY(noByDefault);
        QCOMPARE(offeredAgain, dir.filePath(QStringLiteral("report.pdf")));
        QCOMPARE(readAll(earlier.fileName()), QByteArray("an earlier export's signature\n"));

        // "report.json" typed with PDF chosen: report.pdf again. Yes: replaced (by the export that follows).
        whenModal<QFileDialog>(
            &scope,
            [&](QFileDialog *files) {
                whenModal<QMessageBox>(
                    &scope, [&](QMessageBox *box) { box->button(QMessageBox::Yes)->click(); }, &gaveUp);
                saveAs(files, dir.path(), QStringLiteral("report.json"), pdfFilter);
            },
            &gaveUp);
        QCOMPARE(ExportFileDialog::ask(nullptr, QStringLiteral("MARULA-1"), 7, &format),
                 dir.filePath(QStringLiteral("report.pdf")));
        QCOMPARE(format, IncidentExporter::Format::Pdf);
        QVERIFY(!gaveUp);

        // A name with nothing there, JSON chosen: no question.
        whenModal<QFileDialog>(
            &scope,
            [&](QFileDialog *files) {
                saveAs(files, dir.path(), QStringLiteral("fresh"),
                       QStringLiteral("Signed JSON, for machines and auditors (*.json)"));
            },
            &gaveUp);
        QCOMPARE(ExportFileDialog::ask(nullptr, QStringLiteral("MARULA-1"), 7, &format),
                 dir.filePath(QStringLiteral("fresh.json")));
        QCOMPARE(format, IncidentExporter::Format::Json);
        QVERIFY(!gaveUp);
        QVERIFY(QApplication::activeModalWidget() == nullptr);
    }

    // Signing out, or the session ending, closes the history and every incident window: they showed what
    // the signed-out user could read.
    void signingOutClosesTheHistoryAndIncidents()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int old = pastIncident(db, QStringLiteral("27710000001"), QStringLiteral("27820000001"),
                                     QStringLiteral("Doors will not close"), 40, true);
        const int other = pastIncident(db, QStringLiteral("27710000002"), QStringLiteral("27820000002"),
                                       QStringLiteral("Stuck at floor 2"), 20, true);
        TestServer server(params);
        Console console(server);
        for (const QString &how : {QStringLiteral("the menu"), QStringLiteral("the session ending")}) {
            console.window.showHistory();
            const QPointer<HistoryDialog> history = console.window.historyDialog();
            const QPointer<IncidentView> first = console.window.openIncident(old);
            const QPointer<IncidentView> second = console.window.openIncident(other);
            QTRY_COMPARE_WITH_TIMEOUT(first->messages()->rowCount(), 1, 10000);
            QVERIFY(history->isVisible() && first->isVisible() && second->isVisible());
            if (how == QLatin1String("the menu"))
                triggerMenu(&console.window, QStringLiteral("Sign &out"));
            else
                Q_EMIT console.session.signedOut(QStringLiteral("the session expired"));
            QVERIFY2(!history->isVisible() && !first->isVisible() && !second->isVisible(), qPrintable(how));
            QTRY_VERIFY_WITH_TIMEOUT(history.isNull() && first.isNull() && second.isNull(), 5000);
            QVERIFY(!console.window.historyDialog());
            QVERIFY(console.window.findChildren<IncidentView *>().isEmpty());
        }
        // Signed in again: a new window, read afresh.
        IncidentView *again = console.window.openIncident(old);
        QTRY_COMPARE_WITH_TIMEOUT(again->messages()->rowCount(), 1, 10000);
    }

    // The history's days (a month ago to today) follow the calendar while the agent has not set them: a
    // dialog built yesterday and shown today offers today.
    void theHistoryDaysFollowTheCalendar()
    {
        ApiClient api;
        ConversationListModel conversations;
        ConsoleSession session(&api, &conversations);
        HistoryDialog history(&session);
        const QDate today = QDate::currentDate();
        QCOMPARE(history.fromField()->date(), today.addMonths(-1));
        QCOMPARE(history.toField()->date(), today);
        // Midnight passes with the dialog open; the agent had set the "to" day.
        history.toField()->setDate(today.addDays(-3));
        const QDate tomorrow = today.addDays(1);
        history.refreshDefaultDates(tomorrow);
        QCOMPARE(history.fromField()->date(), tomorrow.addMonths(-1));
        QCOMPARE(history.toField()->date(), today.addDays(-3));
        // Shown (today, as the test runs): the day not set follows again, the one set stays.
        history.show();
        QCOMPARE(history.fromField()->date(), today.addMonths(-1));
        QCOMPARE(history.toField()->date(), today.addDays(-3));
        // Ticking a day brings it up to date as well.
        history.fromField()->setDate(today.addMonths(-1));
        history.refreshDefaultDates(tomorrow);
        history.fromCheck()->setChecked(true);
        QCOMPARE(history.fromField()->date(), today.addMonths(-1));
        QVERIFY(history.fromField()->isEnabled());
    }

    // A long thread (350 messages, four pages) in the read-only view: laid out in passes, each older page
    // put above with the message read where it was, and an export's note kept while they come.
    void aLongThreadKeepsItsPlaceAndTheExportNote()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = pastIncident(db, QStringLiteral("27710000001"), QStringLiteral("27820000001"),
                                        QStringLiteral("The first words"), 3, true);
        Seed::bulkMessages(db, ticket, 349);
        TestServer server(params);
        Console console(server, server.signIn(QStringLiteral("maria"), QStringLiteral("Maria"),
                                              QStringLiteral("supervisor")));
        IncidentView *view = console.window.openIncident(ticket);
        QListView *thread = view->thread();
        QCOMPARE(thread->layoutMode(), QListView::Batched);
        QVERIFY(thread->batchSize() >= 100);
        QTRY_COMPARE_WITH_TIMEOUT(view->messages()->rowCount(), 100, 10000);
        QCOMPARE(view->status()->text(), QStringLiteral("Scroll up for older messages."));
        QScrollBar *bar = thread->verticalScrollBar();
        // The newest message at the bottom.
        QTRY_VERIFY_WITH_TIMEOUT(bar->maximum() > 0 && bar->value() == bar->maximum() &&
                                     thread->viewport()->updatesEnabled(),
                                 15000);

        QTRY_VERIFY_WITH_TIMEOUT(view->exportButton()->isVisible(), 5000);
        QTemporaryDir dir;
        QSignalSpy finished(view->exporter(), &IncidentExporter::finished);
        view->exportIncident(dir.filePath(QStringLiteral("long.json")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
        const QString exported = view->status()->text();
        QVERIFY2(exported.startsWith(QLatin1String("Exported to")), qPrintable(exported));

        // The agent scrolls to the top, page after page: each older page goes above, and the message at the
        // top stays where it was.
        for (const int rows : {200, 300, 350}) {
            const qint64 reading =
                view->messages()->index(0, 0).data(MessageModel::MessageIdRole).toLongLong();
            const int added = rows - view->messages()->rowCount();
            bar->setValue(0);
            const int bottom = thread->visualRect(view->messages()->index(0, 0)).bottom();
            QTRY_COMPARE_WITH_TIMEOUT(view->messages()->rowCount(), rows, 10000);
            QTRY_VERIFY_WITH_TIMEOUT(thread->viewport()->updatesEnabled(), 5000);
            const QModelIndex same = view->messages()->index(added, 0);
            QCOMPARE(same.data(MessageModel::MessageIdRole).toLongLong(), reading);
            QCOMPARE(thread->visualRect(same).bottom(), bottom);
            QVERIFY(bar->value() > 0);
            QCOMPARE(view->status()->text(), exported);
        }
        QVERIFY(!view->messages()->hasMore());
        QCOMPARE(view->messages()->index(0, 0).data(MessageModel::DisplayTextRole).toString(),
                 QStringLiteral("The first words"));
        QCOMPARE(view->status()->text(), exported);
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
