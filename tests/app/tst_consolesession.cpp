#include "ApiClient.h"
#include "ConsoleSession.h"
#include "ConversationListModel.h"
#include "EventStream.h"
#include "MessageModel.h"
#include "Seed.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "UnassignedModel.h"
#include "db/Db.h"
#include "whatsapp/SandboxTransport.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QTest>

namespace {

int statusRow(MessageModel &m, const QString &text)
{
    for (int r = 0; r < m.rowCount(); ++r)
        if (m.index(r, 0).data(MessageModel::TextRole).toString() == text)
            return r;
    return -1;
}

} // namespace

// The console's core (REST client, event stream, models) against the real server in sandbox mode over
// loopback: what an agent sees when a technician asks for help, and what happens when they answer.
class TestConsoleSession : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { TestCluster::instance(); }

    void anAgentRequestReachesTheConsoleAndTheReplyIsRead()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        Config config = TestServer::defaultConfig();
        config.sandboxStatuses = true; // the sandbox reports sent, delivered and read through the webhook
        TestServer server(params, config);
        ApiClient api;
        api.setBaseUrl(server.baseUrl());
        api.setToken(server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi")));
        ConversationListModel conversations;
        ConsoleSession session(&api, &conversations);
        QSignalSpy requested(&session, &ConsoleSession::agentRequested);
        session.start(QStringLiteral("Thandi"));
        QTRY_COMPARE_WITH_TIMEOUT(session.stream()->state(), EventStream::State::Live, 15000);
        QCOMPARE(conversations.rowCount(), 1);
        QCOMPARE(conversations.waitingCount(), 0);

        const QByteArray body = TestServer::technicianText(QStringLiteral("wamid.CONSOLE.1"),
                                                           QStringLiteral("Agent, we are stuck"));
        const HttpResult r = server.postWebhook(body);
        VERIFY_STATUS(r, 200);
        QTRY_COMPARE_WITH_TIMEOUT(conversations.waitingCount(), 1, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(requested.size(), 1, 15000);
        QCOMPARE(requested.at(0).at(0).toInt(), ticket);
        QCOMPARE(conversations.unreadCount(), 1);

        // Opening the conversation loads the thread and marks it read, which does not take the request:
        // reading is not acknowledging.
        MessageModel messages;
        session.setOpenConversation(ticket, &messages);
        QTRY_VERIFY_WITH_TIMEOUT(statusRow(messages, QStringLiteral("Agent, we are stuck")) >= 0, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(conversations.unreadCount(), 0, 15000);
        QCOMPARE(conversations.waitingCount(), 1);

        // The reply shows at once as pending, then the sandbox reports sent, delivered, read.
        session.send(QStringLiteral("Help is on the way"));
        const int row = statusRow(messages, QStringLiteral("Help is on the way"));
        QVERIFY(row >= 0);
        QCOMPARE(messages.index(row, 0).data(MessageModel::StatusRole).toString(), QStringLiteral("pending"));
        QTRY_COMPARE_WITH_TIMEOUT(messages.index(row, 0).data(MessageModel::StatusRole).toString(),
                                  QStringLiteral("read"), 15000);
        QCOMPARE(messages.rowCount(), row + 1); // one bubble, not a pending one plus the stored one
        QCOMPARE(messages.index(row, 0).data(MessageModel::AuthorRole).toString(), QStringLiteral("Thandi"));
        // The reply took the request, in the agent's name, and answered it: no clock runs on.
        QCOMPARE(conversations.waitingCount(), 0);
        const QModelIndex c = conversations.index(conversations.rowOf(ticket));
        QCOMPARE(c.data(ConversationListModel::AcknowledgedByRole).toString(), QStringLiteral("Thandi"));
        QVERIFY(c.data(ConversationListModel::RepliedAtRole).toDateTime().isValid());
        QVERIFY(!c.data(ConversationListModel::TakenRole).toBool());
    }

    // The console is answered as soon as its reply is stored (Prefer: respond-async): a reply WhatsApp
    // refuses turns from pending to failed on the console, with WhatsApp's reason, through its event.
    void aRefusedReplyShowsWhyOnTheConsole()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        Seed::technicianWrote(db, ticket);
        TestServer server(params);
        ApiClient api;
        api.setBaseUrl(server.baseUrl());
        api.setToken(server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi")));
        ConversationListModel conversations;
        ConsoleSession session(&api, &conversations);
        session.start(QStringLiteral("Thandi"));
        QTRY_COMPARE_WITH_TIMEOUT(session.stream()->state(), EventStream::State::Live, 15000);
        MessageModel messages;
        session.setOpenConversation(ticket, &messages);
        QTRY_VERIFY_WITH_TIMEOUT(statusRow(messages, QStringLiteral("Agent, the car is stuck")) >= 0, 15000);

        server.app().sandbox()->failNext(QStringLiteral("131047"),
                                         QStringLiteral("Re-engagement message required"));
        session.send(QStringLiteral("Can you hear the alarm?"));
        const int row = statusRow(messages, QStringLiteral("Can you hear the alarm?"));
        QVERIFY(row >= 0);
        QTRY_COMPARE_WITH_TIMEOUT(messages.index(row, 0).data(MessageModel::StatusRole).toString(),
                                  QStringLiteral("failed"), 15000);
        QVERIFY2(messages.index(row, 0)
                     .data(MessageModel::ErrorRole)
                     .toString()
                     .contains(QLatin1String("Re-engagement message required")),
                 qPrintable(messages.index(row, 0).data(MessageModel::ErrorRole).toString()));
        QCOMPARE(messages.rowCount(), row + 1); // one bubble
        QVERIFY(messages.index(row, 0)
                    .data(MessageModel::MessageRole)
                    .toJsonObject()
                    .value(QLatin1String("id"))
                    .toInteger() > 0);
    }

    void anUnknownNumberIsUnassignedUntilAttached()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db, QStringLiteral("27710000003"));
        TestServer server(params);
        ApiClient api;
        api.setBaseUrl(server.baseUrl());
        api.setToken(server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi")));
        ConversationListModel conversations;
        UnassignedModel unassigned;
        ConsoleSession session(&api, &conversations);
        session.setUnassignedModel(&unassigned);
        session.start(QStringLiteral("Thandi"));
        QTRY_COMPARE_WITH_TIMEOUT(session.stream()->state(), EventStream::State::Live, 15000);
        QCOMPARE(unassigned.rowCount(), 0);

        const QByteArray body = TestServer::technicianText(QStringLiteral("wamid.UNKNOWN.1"),
                                                           QStringLiteral("I am at Block C, which ticket?"),
                                                           QStringLiteral("27829999999"));
        QCOMPARE(server.postWebhook(body).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(unassigned.rowCount(), 1, 15000);
        const qint64 id = unassigned.index(0, 0).data(UnassignedModel::UnassignedIdRole).toLongLong();

        MessageModel messages;
        session.setOpenConversation(ticket, &messages);
        bool attached = false;
        session.attach(
            id, ticket, this, [&] { attached = true; }, nullptr);
        QTRY_VERIFY_WITH_TIMEOUT(attached, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(unassigned.rowCount(), 0, 15000); // gone from every console
        QTRY_VERIFY_WITH_TIMEOUT(statusRow(messages, QStringLiteral("I am at Block C, which ticket?")) >= 0,
                                 15000);
    }

    // The widgets' actions go through the session: what an answer changes in the models happens even when
    // the widget that asked has gone (its callbacks do not run), and a failure without callbacks is told
    // through actionFailed.
    void theAgentsActionsGoThroughTheSession()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db);
        TestServer server(params);
        ApiClient api;
        api.setBaseUrl(server.baseUrl());
        api.setToken(server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi")));
        ConversationListModel conversations;
        UnassignedModel unassigned;
        ConsoleSession session(&api, &conversations);
        session.setUnassignedModel(&unassigned);
        QSignalSpy failures(&session, &ConsoleSession::actionFailed);
        session.start(QStringLiteral("Thandi"));
        QTRY_COMPARE_WITH_TIMEOUT(session.stream()->state(), EventStream::State::Live, 15000);

        const QByteArray body = TestServer::technicianText(QStringLiteral("wamid.ACTIONS.1"),
                                                           QStringLiteral("agent, stuck in the lift"),
                                                           QStringLiteral("27829999998"));
        QCOMPARE(server.postWebhook(body).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(unassigned.rowCount(), 1, 15000);
        QVERIFY(unassigned.index(0, 0).data(UnassignedModel::WaitingRole).toBool());
        const qint64 id = unassigned.index(0, 0).data(UnassignedModel::UnassignedIdRole).toLongLong();
        bool called = false;
        auto *dialog = new QObject;
        session.acknowledge(
            -int(id), dialog, [&] { called = true; }, [&](const RequestError &) { called = true; });
        delete dialog;
        QTRY_VERIFY_WITH_TIMEOUT(!unassigned.index(0, 0).data(UnassignedModel::WaitingRole).toBool(), 15000);
        QVERIFY(!called);

        bool resolved = false;
        session.resolve(
            ticket, QStringLiteral("Released the people on floor 2"), this, [&] { resolved = true; },
            nullptr);
        QTRY_VERIFY_WITH_TIMEOUT(resolved, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(!conversations.index(conversations.rowOf(ticket))
                                      .data(ConversationListModel::IsOpenRole)
                                      .toBool(),
                                 15000);

        session.sendTemplate(999999);
        QTRY_COMPARE_WITH_TIMEOUT(failures.size(), 1, 15000);
        QCOMPARE(failures.at(0).at(0).toString(), QStringLiteral("Sending the template"));
        QCOMPARE(failures.at(0).at(1).value<RequestError>().status, 404);
    }

    void aDroppedConnectionResumesWithoutGapOrRepeat()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        Seed::openTicket(db);
        TestServer server(params);
        ApiClient api;
        api.setBaseUrl(server.baseUrl());
        api.setToken(server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi")));
        ConversationListModel conversations;
        ConsoleSession session(&api, &conversations);
        session.stream()->setBackoff(50, 200);
        QList<qint64> seqs;
        connect(session.stream(), &EventStream::eventReceived, this, [&seqs](qint64 seq) { seqs << seq; });
        QSignalSpy states(session.stream(), &EventStream::stateChanged);
        session.start(QStringLiteral("Thandi"));
        QTRY_COMPARE_WITH_TIMEOUT(session.stream()->state(), EventStream::State::Live, 15000);
        const auto post = [&](int n) {
            const QByteArray body = TestServer::technicianText(QStringLiteral("wamid.DROP.%1").arg(n),
                                                               QStringLiteral("update %1").arg(n));
            return server.postWebhook(body).status;
        };
        for (int n = 0; n < 5; ++n)
            QCOMPARE(post(n), 200);
        QTRY_VERIFY_WITH_TIMEOUT(seqs.size() >= 5, 15000);
        // The connection drops; events keep coming meanwhile.
        session.stream()->dropConnection();
        for (int n = 5; n < 10; ++n)
            QCOMPARE(post(n), 200);
        QTRY_VERIFY_WITH_TIMEOUT(states.size() >= 3, 15000); // Live -> Reconnecting -> ... -> Live
        QTRY_COMPARE_WITH_TIMEOUT(session.stream()->state(), EventStream::State::Live, 15000);
        const qint64 newest = db.scalar(QStringLiteral("SELECT max(seq) FROM chat_events")).toLongLong();
        QTRY_COMPARE_WITH_TIMEOUT(session.stream()->lastSeq(), newest, 15000);
        for (qsizetype i = 1; i < seqs.size(); ++i)
            QCOMPARE(seqs.at(i), seqs.at(i - 1) + 1); // no gap, no repeat
    }

    void aRevokedSessionAsksToSignInAgain()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        TestServer server(params);
        ApiClient api;
        api.setBaseUrl(server.baseUrl());
        api.setToken(server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi")));
        ConversationListModel conversations;
        ConsoleSession session(&api, &conversations);
        QSignalSpy signedOut(&session, &ConsoleSession::signedOut);
        session.start(QStringLiteral("Thandi"));
        QTRY_COMPARE_WITH_TIMEOUT(session.stream()->state(), EventStream::State::Live, 15000);
        api.logout(); // the server ends the session: its consoles are closed with 1008
        QTRY_VERIFY_WITH_TIMEOUT(!signedOut.isEmpty(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(session.stream()->state(), EventStream::State::SignedOut, 20000);
    }

    // The server cannot replay from the console's number (the database was recreated): the console
    // reloads and goes on, and a reload slower than the server's resume timeout is not a sign-out.
    void aResetReloadsWithoutSigningOut()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Config config = TestServer::defaultConfig();
        config.streamResumeTimeoutMs = 1000;
        TestServer server(params, config);
        EventStream stream;
        QSignalSpy resets(&stream, &EventStream::resetRequested);
        QSignalSpy signedOut(&stream, &EventStream::signedOut);
        stream.start(server.baseUrl(), server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi")),
                     1000000);
        QTRY_COMPARE_WITH_TIMEOUT(resets.size(), 1, 15000);
        QTest::qWait(2500); // longer than the server waits for a resume on that connection
        QVERIFY(signedOut.isEmpty());
        stream.resumeAfterReset(0);
        QTRY_COMPARE_WITH_TIMEOUT(stream.state(), EventStream::State::Live, 15000);
        QVERIFY(signedOut.isEmpty());
    }

    // A stored token that expired: the snapshot's 401 asks for a sign-in, and the session started again
    // with the new token works (it stayed offline while the refused load was still counted as running).
    void signingInAgainAfterA401Works()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        TestServer server(params);
        const QByteArray good = server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi"));
        ApiClient api;
        api.setBaseUrl(server.baseUrl());
        api.setToken("expired-or-revoked-token-0123456789");
        ConversationListModel conversations;
        ConsoleSession session(&api, &conversations);
        int prompts = 0;
        connect(&session, &ConsoleSession::signedOut, this, [&] {
            ++prompts;
            session.stop();
            api.setToken(good); // as the sign-in dialog does
            session.start(QStringLiteral("Thandi"));
        });
        session.start(QStringLiteral("Thandi"));
        QTRY_COMPARE_WITH_TIMEOUT(session.stream()->state(), EventStream::State::Live, 15000);
        QCOMPARE(prompts, 1);
        QVERIFY(session.snapshotLoaded());
    }

    void aWrongPasswordIsExplainedInWords()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        TestServer server(params);
        server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi"));
        ApiClient api;
        api.setBaseUrl(server.baseUrl());
        RequestError error;
        bool done = false;
        api.login(QStringLiteral("thandi"), QStringLiteral("wrong"), this, nullptr,
                  [&](const RequestError &e) {
                      error = e;
                      done = true;
                  });
        QTRY_VERIFY_WITH_TIMEOUT(done, 15000);
        QCOMPARE(error.status, 401);
        QCOMPARE(error.code, QStringLiteral("invalid_credentials"));
        QVERIFY(!error.message.isEmpty());

        // A server that is not there is explained too, without a status.
        ApiClient nowhere;
        nowhere.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:1")));
        done = false;
        nowhere.conversations(this, nullptr, [&](const RequestError &e) {
            error = e;
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 15000);
        QVERIFY(error.isNetwork());
        QVERIFY(error.message.contains(QLatin1String("cannot be reached")));
    }
};

QTEST_MAIN(TestConsoleSession)
#include "tst_consolesession.moc"
