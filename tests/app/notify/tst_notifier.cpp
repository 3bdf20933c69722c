#include "FakeNotificationServer.h"
#include "FreedesktopNotifier.h"
#include "Notifier.h"
#include "TrayNotifier.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusContext>
#include <QDBusMessage>
#include <QDBusServiceWatcher>
#include <QPixmap>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSystemTrayIcon>
#include <QTest>

using namespace FakeNotifications;

class TestNotifier : public QObject {
    Q_OBJECT

    static Notifier::Alert alert(int ticketId, bool critical = true, bool sound = true)
    {
        Notifier::Alert a;
        a.key = ticketId;
        a.title = QStringLiteral("Agent requested: LFT-%1").arg(ticketId);
        a.body = QStringLiteral("Car 3 <stuck> between floors & alarm ringing");
        a.critical = critical;
        a.sound = sound;
        return a;
    }

    // Shows the alert and waits until the notifier has the service's id for it, which no call reveals:
    // an "open" action on that id comes back as openRequested only once the Notify reply is in.
    uint showAndSettle(Notifier &notifier, const Notifier::Alert &a)
    {
        const qsizetype before = m_fake->notifyCalls.size();
        notifier.show(a);
        if (!QTest::qWaitFor([&] { return m_fake->notifyCalls.size() > before; }))
            return 0;
        const uint id = m_fake->notifyCalls.constLast().returnedId;
        QSignalSpy open(&notifier, &Notifier::openRequested);
        m_fake->emitActionInvoked(id, QStringLiteral("open"));
        if (!QTest::qWaitFor([&] { return !open.isEmpty(); }) ||
            open.constFirst().constFirst().toInt() != a.key)
            return 0;
        return id;
    }

    std::unique_ptr<FakeNotificationServer> m_fake;

private Q_SLOTS:
    void initTestCase()
    {
        QDBusConnection bus = QDBusConnection::sessionBus();
        QVERIFY2(bus.isConnected(), "no session bus: run the test as dbus-run-session -- tst_notifier");
        QVERIFY2(!bus.interface()->isServiceRegistered(kService).value(),
                 "a notification service already runs on this bus: run the test under dbus-run-session");
        QVERIFY(QDBusConnection::connectToBus(QDBusConnection::SessionBus, kFakeConnection).isConnected());
    }

    void init()
    {
        m_fake = std::make_unique<FakeNotificationServer>(QDBusConnection(kFakeConnection));
        QVERIFY(m_fake->registerOnBus());
    }

    void cleanup()
    {
        m_fake->unregisterFromBus();
        m_fake.reset();
    }

    void notifyCarriesTheAlert()
    {
        FreedesktopNotifier notifier;
        QCOMPARE(notifier.backendName(), QStringLiteral("freedesktop"));
        notifier.show(alert(7));
        QTRY_COMPARE(m_fake->notifyCalls.size(), 1);

        const auto &call = m_fake->notifyCalls.constFirst();
        QCOMPARE(call.appName, QStringLiteral("Liftline"));
        QCOMPARE(call.replacesId, 0u);
        QCOMPARE(call.appIcon, QStringLiteral("liftline-console"));
        QCOMPARE(call.summary, QStringLiteral("Agent requested: LFT-7"));
        QCOMPARE(call.body, QStringLiteral("Car 3 &lt;stuck&gt; between floors &amp; alarm ringing"));
        // Open once: services that draw buttons show the default action as one.
        QCOMPARE(call.actions, QStringList({"default", "Open", "acknowledge", "Acknowledge"}));
        // Demarshalled as uchar only if it went over the bus as 'y'.
        QCOMPARE(call.hints.value("urgency").metaType(), QMetaType::fromType<uchar>());
        QCOMPARE(call.hints.value("urgency").value<uchar>(), uchar(2));
        QCOMPARE(call.hints.value("category").toString(), QStringLiteral("im.received"));
        QCOMPARE(call.hints.value("desktop-entry").toString(), QStringLiteral("liftline-console"));
        QCOMPARE(call.hints.value("resident"), QVariant(true));
        // The console sounds its own alarm; a service's sound would be a chat blip on top of it.
        QCOMPARE(call.hints.value("suppress-sound"), QVariant(true));
        QVERIFY(!call.hints.contains("sound-name"));
        QCOMPARE(call.expireTimeout, 0);
    }

    void quietRoutineAlert()
    {
        FreedesktopNotifier notifier;
        notifier.show(alert(8, false, false));
        QTRY_COMPARE(m_fake->notifyCalls.size(), 1);

        const auto &call = m_fake->notifyCalls.constFirst();
        QCOMPARE(call.hints.value("urgency").value<uchar>(), uchar(1));
        QCOMPARE(call.hints.value("suppress-sound"), QVariant(true));
        QVERIFY(!call.hints.contains("sound-name"));
        QCOMPARE(call.expireTimeout, -1);
    }

    void showingAgainReplaces()
    {
        FreedesktopNotifier notifier;
        const uint id = showAndSettle(notifier, alert(7));
        QVERIFY(id != 0);
        notifier.show(alert(9));
        notifier.show(alert(7));
        QTRY_COMPARE(m_fake->notifyCalls.size(), 3);
        QCOMPARE(m_fake->notifyCalls.at(1).replacesId, 0u);
        QCOMPARE(m_fake->notifyCalls.at(2).replacesId, id);
    }

    // A reminder is a new popup (one updated in place is not noticed); the earlier one goes once the new
    // one is up, so the request is never off screen and never on it twice.
    void aReminderIsANewPopup()
    {
        FreedesktopNotifier notifier;
        QSignalSpy changed(&notifier, &Notifier::onScreenChanged);
        const uint first = showAndSettle(notifier, alert(7));
        Notifier::Alert again = alert(7);
        again.reminder = true;
        notifier.show(again);
        QTRY_COMPARE(m_fake->notifyCalls.size(), 2);
        QCOMPARE(m_fake->notifyCalls.at(1).replacesId, 0u);
        const uint second = m_fake->notifyCalls.at(1).returnedId;
        QVERIFY(second != first);
        QTRY_VERIFY(m_fake->closeCalls.contains(first));
        QVERIFY(!m_fake->closeCalls.contains(second));
        // Actions on the new one reach the request; the old one is no longer ours.
        QSignalSpy opened(&notifier, &Notifier::openRequested);
        m_fake->emitActionInvoked(second, QStringLiteral("default"));
        QTRY_COMPARE(opened.size(), 1);
        QCOMPARE(opened.at(0).at(0).toInt(), 7);
        QCOMPARE(notifier.onScreen().value(QStringLiteral("ids")).toList(), QVariantList{second});
        QVERIFY(changed.size() >= 2);
    }

    // At exit every notification is closed before withdrawAll returns; one a crashed console left is
    // closed by the next one, when the same service still runs.
    void exitAndRestartLeaveNothingBehind()
    {
        QVariantMap left;
        {
            FreedesktopNotifier crashed;
            showAndSettle(crashed, alert(7));
            showAndSettle(crashed, alert(8));
            left = crashed.onScreen();
            QCOMPARE(left.value(QStringLiteral("ids")).toList().size(), 2);
        }
        const int closedBefore = int(m_fake->closeCalls.size());
        FreedesktopNotifier next;
        next.closeLeftovers(left);
        QTRY_COMPARE(int(m_fake->closeCalls.size()), closedBefore + 2);
        // Another service's ids are left alone.
        QVariantMap foreign = left;
        foreign.insert(QStringLiteral("service"), QStringLiteral(":1.9999"));
        next.closeLeftovers(foreign);
        QTest::qWait(200);
        QCOMPARE(int(m_fake->closeCalls.size()), closedBefore + 2);

        const uint id = showAndSettle(next, alert(9));
        next.withdrawAll();
        QVERIFY(m_fake->closeCalls.contains(id)); // already there: the call blocked until answered
        QVERIFY(next.onScreen().isEmpty());
    }

    void showingAgainBeforeTheReplyReplaces()
    {
        FreedesktopNotifier notifier;
        notifier.show(alert(7));
        notifier.show(alert(7, false));
        QTRY_COMPARE(m_fake->notifyCalls.size(), 2);
        QCOMPARE(m_fake->notifyCalls.at(1).replacesId, m_fake->notifyCalls.at(0).returnedId);
        QCOMPARE(m_fake->notifyCalls.at(1).hints.value("urgency").value<uchar>(), uchar(1));
    }

    void actionsReachTheTicket_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("opened");
        QTest::addColumn<int>("acknowledged");
        QTest::newRow("body clicked") << "default" << 1 << 0;
        QTest::newRow("open") << "open" << 1 << 0;
        QTest::newRow("acknowledge") << "acknowledge" << 0 << 1;
    }
    void actionsReachTheTicket()
    {
        QFETCH(QString, key);
        QFETCH(int, opened);
        QFETCH(int, acknowledged);
        FreedesktopNotifier notifier;
        QVERIFY(showAndSettle(notifier, alert(3)) != 0);
        const uint id = showAndSettle(notifier, alert(7));
        QVERIFY(id != 0);

        QSignalSpy open(&notifier, &Notifier::openRequested);
        QSignalSpy acknowledge(&notifier, &Notifier::acknowledgeRequested);
        m_fake->emitActionInvoked(id, key);
        QTRY_COMPARE(open.size() + acknowledge.size(), 1);
        QCOMPARE(open.size(), opened);
        QCOMPARE(acknowledge.size(), acknowledged);
        const QSignalSpy &fired = opened ? open : acknowledge;
        QCOMPARE(fired.constFirst().constFirst().toInt(), 7);
    }

    void foreignSignalsAreIgnored()
    {
        FreedesktopNotifier notifier;
        const uint id = showAndSettle(notifier, alert(7));
        QVERIFY(id != 0);
        QSignalSpy open(&notifier, &Notifier::openRequested);
        QSignalSpy acknowledge(&notifier, &Notifier::acknowledgeRequested);

        // Another application's notification, and an action name we never offered.
        m_fake->emitActionInvoked(id + 100, QStringLiteral("open"));
        m_fake->emitActionInvoked(id, QStringLiteral("snooze"));
        // The right signal from a client that is not the notification service.
        QDBusConnection impostor = QDBusConnection::connectToBus(QDBusConnection::SessionBus, "impostor");
        QDBusMessage forged = QDBusMessage::createSignal(kPath, kInterface, QStringLiteral("ActionInvoked"));
        forged << id << QStringLiteral("open");
        QVERIFY(impostor.send(forged));
        // A round trip on the impostor's connection: the bus has passed the forged signal on once it answers.
        QVERIFY(impostor.interface()->isServiceRegistered(kService).value());
        QDBusConnection::disconnectFromBus("impostor");

        // Signals arrive in order, so when this one is in, the ones above have been handled.
        m_fake->emitActionInvoked(id, QStringLiteral("acknowledge"));
        QTRY_COMPARE(acknowledge.size(), 1);
        QCOMPARE(open.size(), 0);
    }

    void withdrawClosesTheNotification()
    {
        FreedesktopNotifier notifier;
        const uint id = showAndSettle(notifier, alert(7));
        QVERIFY(id != 0);
        notifier.withdraw(99);
        notifier.withdraw(7);
        QTRY_COMPARE(m_fake->closeCalls.size(), 1);
        QCOMPARE(m_fake->closeCalls.constFirst(), id);

        notifier.show(alert(7));
        QTRY_COMPARE(m_fake->notifyCalls.size(), 2);
        QCOMPARE(m_fake->notifyCalls.at(1).replacesId, 0u);
    }

    void withdrawBeforeTheReplyCloses()
    {
        FreedesktopNotifier notifier;
        notifier.show(alert(7));
        notifier.withdraw(7);
        QTRY_COMPARE(m_fake->closeCalls.size(), 1);
        QCOMPARE(m_fake->closeCalls.constFirst(), m_fake->notifyCalls.constFirst().returnedId);
        QCOMPARE(m_fake->notifyCalls.size(), 1);
    }

    void dismissedNotificationIsNotReplaced()
    {
        FreedesktopNotifier notifier;
        const uint dismissed = showAndSettle(notifier, alert(7));
        const uint other = showAndSettle(notifier, alert(9));
        QVERIFY(dismissed != 0 && other != 0);
        QSignalSpy open(&notifier, &Notifier::openRequested);

        m_fake->emitNotificationClosed(dismissed, 2); // 2: dismissed by the user
        m_fake->emitActionInvoked(dismissed, QStringLiteral("open"));
        m_fake->emitActionInvoked(other, QStringLiteral("open"));
        QTRY_COMPARE(open.size(), 1);
        QCOMPARE(open.constFirst().constFirst().toInt(), 9);

        notifier.show(alert(7));
        QTRY_COMPARE(m_fake->notifyCalls.size(), 3);
        QCOMPARE(m_fake->notifyCalls.at(2).replacesId, 0u);
    }

    void plainBodyForServiceWithoutMarkup()
    {
        m_fake->capabilities = {QStringLiteral("actions"), QStringLiteral("body")};
        FreedesktopNotifier notifier;
        // The first goes out before the capabilities are in; the second waits for the first's reply,
        // which comes after the capabilities.
        notifier.show(alert(7));
        notifier.show(alert(7));
        QTRY_COMPARE(m_fake->notifyCalls.size(), 2);
        QCOMPARE(m_fake->capabilityCalls, 1);
        QCOMPARE(m_fake->notifyCalls.at(0).body, alert(7).body.toHtmlEscaped());
        QCOMPARE(m_fake->notifyCalls.at(1).body, alert(7).body);
    }

    void failedNotifyIsLoggedAndForgotten()
    {
        FreedesktopNotifier notifier;
        m_fake->failNextNotify = true;
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("^Notify for request 7 failed: "
                                                              "org.freedesktop.DBus.Error.Failed"));
        notifier.show(alert(7));
        notifier.show(alert(7));
        QTRY_COMPARE(m_fake->notifyCalls.size(), 1);
        QCOMPARE(m_fake->notifyCalls.constFirst().replacesId, 0u);
    }

    void serviceRestartForgetsIds()
    {
        FreedesktopNotifier notifier;
        QVERIFY(showAndSettle(notifier, alert(7)) != 0);

        QDBusServiceWatcher watcher(kService, QDBusConnection::sessionBus());
        QSignalSpy registered(&watcher, &QDBusServiceWatcher::serviceRegistered);
        m_fake->unregisterFromBus();
        QVERIFY(m_fake->registerOnBus());
        QVERIFY(registered.wait());
        // The notifier heard the same NameOwnerChanged signals, in the same batch of events.
        QTRY_COMPARE(m_fake->capabilityCalls, 2);

        notifier.show(alert(7));
        QTRY_COMPARE(m_fake->notifyCalls.size(), 2);
        QCOMPARE(m_fake->notifyCalls.at(1).replacesId, 0u);
    }

    void createPicksTheFreedesktopServiceWhenItRuns()
    {
        QVERIFY(FreedesktopNotifier::isAvailable());
        QCOMPARE(Notifier::create(nullptr)->backendName(), QStringLiteral("freedesktop"));

        m_fake->unregisterFromBus();
        QVERIFY(!FreedesktopNotifier::isAvailable());
        QCOMPARE(Notifier::create(nullptr)->backendName(), QStringLiteral("tray"));
    }

    void trayWithoutIconOnlyForgets()
    {
        TrayNotifier notifier(nullptr);
        QCOMPARE(notifier.backendName(), QStringLiteral("tray"));
        notifier.show(alert(7));
        notifier.withdraw(7);
    }

    void trayClickOpensTheShownTicket()
    {
        QSystemTrayIcon tray;
        TrayNotifier notifier(&tray);
        QSignalSpy open(&notifier, &Notifier::openRequested);

        // Hidden: nothing is shown, so a click on some older balloon opens nothing.
        notifier.show(alert(5));
        Q_EMIT tray.messageClicked();
        QCOMPARE(open.size(), 0);

        QPixmap icon(16, 16);
        icon.fill(Qt::red);
        tray.setIcon(QIcon(icon));
        tray.show();
        if (!tray.isVisible() || !QSystemTrayIcon::supportsMessages())
            QSKIP("this platform's tray shows no messages");
        notifier.show(alert(5));
        notifier.show(alert(6));
        Q_EMIT tray.messageClicked();
        QCOMPARE(open.size(), 1);
        QCOMPARE(open.constFirst().constFirst().toInt(), 6);

        notifier.withdraw(5);
        Q_EMIT tray.messageClicked();
        QCOMPARE(open.size(), 2);
        notifier.withdraw(6);
        Q_EMIT tray.messageClicked();
        QCOMPARE(open.size(), 2);
    }
};

QTEST_MAIN(TestNotifier)
#include "tst_notifier.moc"
