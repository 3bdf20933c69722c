// Pictures of the console for a person to look at: the emergency lane, an open chat, a closed 24-hour
// window, a failed message, the narrow one-pane layout with the request banner, who has a request, the
// Resolved section and the offline banner. Runs under xvfb-run against the real server
// in sandbox mode and writes PNGs to LIFTLINE_SCREENSHOTS (ctest: build/screenshots).

#include "ApiClient.h"
#include "ChatPanel.h"
#include "ConsoleSession.h"
#include "ConversationListModel.h"
#include "MainWindow.h"
#include "MediaLoader.h"
#include "MessageModel.h"
#include "Seed.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "db/Db.h"

#include <QDir>
#include <QImage>
#include <QListView>
#include <QPushButton>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

namespace {

QString outputDir()
{
    const QString dir = qEnvironmentVariable("LIFTLINE_SCREENSHOTS", QStringLiteral(LIFTLINE_SCREENSHOTS));
    QDir().mkpath(dir);
    return dir;
}

// Saves the window and says whether the picture has something in it (not one flat colour).
bool shoot(QWidget &window, const QString &name)
{
    QCoreApplication::processEvents();
    const QImage image = window.grab().toImage();
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    // LIFTLINE_SCREENSHOT_SUFFIX tells the runs apart (the 200 % one adds "-200").
    const QString path =
        QDir(outputDir())
            .filePath(name + qEnvironmentVariable("LIFTLINE_SCREENSHOT_SUFFIX") + QStringLiteral(".png"));
    qInfo().noquote() << "screenshot:" << path << image.size() << colours.size() << "colours";
    return image.save(path) && colours.size() > 8;
}

int rowWithText(MessageModel *m, const QString &text)
{
    for (int r = 0; r < m->rowCount(); ++r)
        if (m->index(r, 0).data(MessageModel::TextRole).toString() == text)
            return r;
    return -1;
}

} // namespace

class TestScreenshots : public QObject {
    Q_OBJECT
    QTemporaryDir m_config;

private Q_SLOTS:
    void initTestCase()
    {
        TestCluster::instance();
        QVERIFY(m_config.isValid());
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_config.path()));
    }

    void theConsoleAsAnAgentSeesIt()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int stuck = Seed::openTicket(db, QStringLiteral("27710000001"));
        Seed::technicianWrote(
            db, stuck, QStringLiteral("27820000001"),
            QStringLiteral("Agent, we are stuck between floors 3 and 4. Two people inside."), 3);
        Seed::agentRequested(db, stuck);
        const int quiet = Seed::openTicket(db, QStringLiteral("27710000002"));
        Seed::technicianWrote(db, quiet, QStringLiteral("27820000002"),
                              QStringLiteral("Doors fixed, testing now"),
                              26 * 60); // more than a day ago: the window is closed
        const int talking = Seed::openTicket(db, QStringLiteral("27710000003"));
        Seed::technicianWrote(db, talking, QStringLiteral("27820000003"),
                              QStringLiteral("On site. The controller shows fault E42."), 12);
        Seed::technicianWrote(db, talking, QStringLiteral("27820000003"),
                              QStringLiteral("Resetting it now <b>not bold</b> & plain"), 10);

        Config config = TestServer::defaultConfig();
        config.sandboxStatuses = true;
        auto serverOwner = std::make_unique<TestServer>(params, config);
        TestServer &server = *serverOwner;
        ApiClient api;
        api.setBaseUrl(server.baseUrl());
        api.setToken(server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Mokoena")));
        ConversationListModel conversations;
        ConsoleSession session(&api, &conversations);
        MainWindow window(&api, &session, &conversations);
        window.resize(1366, 768);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // Everything fits a 1366x768 screen (at 200 % scaling: the same size in device-independent pixels).
        QVERIFY2(window.minimumSizeHint().width() <= 1366 && window.minimumSizeHint().height() <= 768,
                 qPrintable(QStringLiteral("the window needs at least %1x%2")
                                .arg(window.minimumSizeHint().width())
                                .arg(window.minimumSizeHint().height())));
        session.start(QStringLiteral("Thandi Mokoena"));
        QTRY_COMPARE_WITH_TIMEOUT(session.stream()->state(), EventStream::State::Live, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(conversations.rowCount(), 3, 15000);
        QCOMPARE(conversations.waitingCount(), 1);
        QTest::qWait(1200); // the waiting clock ticks at least once
        QVERIFY(shoot(window, QStringLiteral("emergency-lane")));

        window.openConversation(talking);
        MessageModel *messages = window.chat()->messages();
        QTRY_VERIFY_WITH_TIMEOUT(
            rowWithText(messages, QStringLiteral("On site. The controller shows fault E42.")) >= 0, 15000);
        session.send(QStringLiteral("Thanks. Please confirm when the car moves."));
        QTRY_VERIFY_WITH_TIMEOUT(
            messages->index(
                        rowWithText(messages, QStringLiteral("Thanks. Please confirm when the car moves.")),
                        0)
                    .data(MessageModel::StatusRole)
                    .toString() == QLatin1String("read"),
            15000);
        QVERIFY(shoot(window, QStringLiteral("open-chat")));

        // A reply the server refused shows why, and can be retried.
        messages->addPending(QStringLiteral("Are the passengers calm?"), QStringLiteral("shot-1"),
                             QStringLiteral("Thandi Mokoena"));
        messages->markFailed(
            QStringLiteral("shot-1"),
            QStringLiteral("WhatsApp did not answer in time; the message was not sent. Try again."));
        QVERIFY(shoot(window, QStringLiteral("failed-message")));

        window.openConversation(quiet);
        QTRY_VERIFY_WITH_TIMEOUT(rowWithText(messages, QStringLiteral("Doors fixed, testing now")) >= 0,
                                 15000);
        QVERIFY(shoot(window, QStringLiteral("closed-window")));

        window.resize(640, 720);
        window.openConversation(talking);
        QTRY_VERIFY_WITH_TIMEOUT(
            rowWithText(messages, QStringLiteral("On site. The controller shows fault E42.")) >= 0, 15000);
        QVERIFY(!window.list()->isVisible());
        // The request waiting behind the chat shows over it.
        QVERIFY(window.requestBanner()->isVisible());
        QVERIFY(shoot(window, QStringLiteral("narrow-chat")));

        // Taken but not answered: the owner and the running clock, in the list and the chat header.
        window.resize(1366, 768);
        const QByteArray nomsa = server.signIn(QStringLiteral("nomsa"), QStringLiteral("Nomsa Dube"));
        QCOMPARE(
            server.http()
                .post(QStringLiteral("/api/chat/%1/acknowledge").arg(stuck), {}, HttpClient::bearer(nomsa))
                .status,
            200);
        QTRY_COMPARE_WITH_TIMEOUT(conversations.waitingCount(), 0, 15000);
        window.openConversation(stuck);
        QTRY_VERIFY_WITH_TIMEOUT(window.chat()->ownerText().contains(QLatin1String("Nomsa Dube has it")),
                                 10000);
        QTRY_VERIFY_WITH_TIMEOUT(rowWithText(messages, QStringLiteral("Agent, we are stuck between floors 3 "
                                                                      "and 4. Two people inside.")) >= 0,
                                 15000);
        QTRY_COMPARE_WITH_TIMEOUT(conversations.unreadCount(), 0, 15000);
        QVERIFY(shoot(window, QStringLiteral("owner-label")));

        // Resolved tickets in their own section, opened.
        QCOMPARE(server.http()
                     .postJson(QStringLiteral("/api/chat/%1/resolve").arg(quiet),
                               QJsonObject{{QStringLiteral("note"),
                                            QStringLiteral("Doors adjusted, tested 10 runs")}},
                               server.admin())
                     .status,
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(window.resolvedList()->model()->rowCount(), 1, 15000);
        window.resolvedToggle()->setChecked(true);
        QVERIFY(shoot(window, QStringLiteral("resolved-section")));

        // The server goes away: the banner over the list, the clocks marked as possibly out of date.
        serverOwner.reset();
        QTRY_VERIFY_WITH_TIMEOUT(window.offlineBanner()->isVisible(), 15000);
        QVERIFY(shoot(window, QStringLiteral("offline-banner")));
    }

    // Each kind of bubble a technician's message can make: a photo, a sticker, a voice note, a video, a
    // document, a place, a contact card, an edited message, a deleted one, a reaction, and a file WhatsApp
    // refused to give.
    void everyKindOfBubble()
    {
        const DbParams params = TestCluster::instance().createDatabase();
        Db db(params, QStringLiteral("t"));
        Seed::registry(db);
        const int ticket = Seed::openTicket(db, QStringLiteral("27710000001"));
        db.execOnce(QStringLiteral("INSERT INTO chat_messages (ticket_id, to_number, message, direction, "
                                   "agent_name, read_by_agent, status, wa_message_id, created_at) VALUES (?, "
                                   "'27820000001', 'Can you send a photo of the controller?', 'outbound', "
                                   "'Thandi Mokoena', true, 'read', 'wamid.OUT.CHAT.0001', now() - interval "
                                   "'10 minutes')"),
                    {ticket});
        Config config = TestServer::defaultConfig();
        config.mediaPollMs = 100;
        TestServer server(params, config);
        for (const char *name : {"reaction", "image", "sticker", "audio_voice", "video", "document",
                                 "location", "contacts_card", "text_plain", "edit_text"})
            QCOMPARE(server.postWebhook(Seed::whatsappFixture(QLatin1String(name))).status, 200);
        // A second photo, which WhatsApp no longer had.
        QByteArray gone = Seed::whatsappFixture(QStringLiteral("image"));
        gone.replace("wamid.IN.0009", "wamid.IN.GONE").replace("Controller error display", "Machine room");
        QCOMPARE(server.postWebhook(gone).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(
            db.scalar(QStringLiteral("SELECT count(*) FROM chat_attachments WHERE status = 'stored'"))
                .toInt(),
            6, 15000);
        // Made to have failed after it was stored: a file the compliance record keeps (a change it refuses),
        // so made with the triggers off, as a fixture.
        db.execOnce(QStringLiteral("SET session_replication_role = replica"));
        db.execOnce(QStringLiteral(
            "UPDATE chat_attachments SET status = 'failed', media_id = NULL, stored_at = NULL, error_code = "
            "'media_gone', error_message = 'WhatsApp no longer has this file: files can be fetched for about "
            "7 "
            "days after they were sent' WHERE wa_message_id = 'wamid.IN.GONE'"));
        db.execOnce(QStringLiteral("SET session_replication_role = DEFAULT"));

        ApiClient api;
        api.setBaseUrl(server.baseUrl());
        api.setToken(server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Mokoena")));
        ConversationListModel conversations;
        ConsoleSession session(&api, &conversations);
        MainWindow window(&api, &session, &conversations);
        window.resize(1366, 1000);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        session.start(QStringLiteral("Thandi Mokoena"));
        QTRY_COMPARE_WITH_TIMEOUT(conversations.rowCount(), 1, 15000);
        window.openConversation(ticket);
        MessageModel *messages = window.chat()->messages();
        QTRY_VERIFY_WITH_TIMEOUT(messages->rowCount() >= 10, 15000);
        // The thumbnails arrive as the bubbles are painted.
        for (int pass = 0; pass < 2; ++pass) {
            window.chat()->thread()->scrollToTop();
            QTest::qWait(300);
            window.chat()->thread()->scrollToBottom();
            QTest::qWait(300);
        }
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (int r = 0; r < messages->rowCount(); ++r) {
                    const QModelIndex i = messages->index(r, 0);
                    const QString type = i.data(MessageModel::MediaRole)
                                             .toJsonObject()
                                             .value(QLatin1String("type"))
                                             .toString();
                    const qint64 id = i.data(MessageModel::MediaIdRole).toLongLong();
                    if (id > 0 && (type == QLatin1String("image") || type == QLatin1String("sticker")) &&
                        session.media()->cached(id).isNull()) {
                        session.media()->thumbnail(id);
                        return false;
                    }
                }
                return true;
            }(),
            15000);
        QTest::qWait(300);
        window.chat()->thread()->scrollToTop();
        QVERIFY(shoot(window, QStringLiteral("bubbles-top")));
        window.chat()->thread()->scrollToBottom();
        QVERIFY(shoot(window, QStringLiteral("bubbles-bottom")));
    }
};

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
