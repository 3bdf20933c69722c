#pragma once

#include <QDBusConnection>
#include <QDBusContext>
#include <QDBusMessage>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QVariantMap>

namespace FakeNotifications {
const QString kService = QStringLiteral("org.freedesktop.Notifications");
const QString kPath = QStringLiteral("/org/freedesktop/Notifications");
const QString kInterface = QStringLiteral("org.freedesktop.Notifications");
const QString kFakeConnection = QStringLiteral("fake-notification-server");
} // namespace FakeNotifications

// The notification daemon, as far as the spec goes. It sits on its own bus connection so that the
// notifier's calls travel through the bus daemon and are marshalled exactly as for a real server.
class FakeNotificationServer
    : public QObject
    , protected QDBusContext {
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    struct Call {
        QString appName;
        uint replacesId = 0;
        QString appIcon;
        QString summary;
        QString body;
        QStringList actions;
        QVariantMap hints;
        int expireTimeout = 0;
        uint returnedId = 0;
    };

    explicit FakeNotificationServer(const QDBusConnection &bus)
        : m_bus(bus)
    {}

    bool registerOnBus()
    {
        return m_bus.registerObject(FakeNotifications::kPath, this, QDBusConnection::ExportAllSlots) &&
               m_bus.registerService(FakeNotifications::kService);
    }
    void unregisterFromBus()
    {
        m_bus.unregisterService(FakeNotifications::kService);
        m_bus.unregisterObject(FakeNotifications::kPath);
    }
    void emitActionInvoked(uint id, const QString &key)
    {
        emitSignal(QStringLiteral("ActionInvoked"), id, key);
    }
    void emitNotificationClosed(uint id, uint reason)
    {
        emitSignal(QStringLiteral("NotificationClosed"), id, reason);
    }

    QList<Call> notifyCalls;
    QList<uint> closeCalls;
    int capabilityCalls = 0;
    QStringList capabilities = {QStringLiteral("actions"), QStringLiteral("body"),
                                QStringLiteral("body-markup"), QStringLiteral("persistence"),
                                QStringLiteral("sound")};
    bool failNextNotify = false;

public Q_SLOTS:
    uint Notify(const QString &appName, uint replacesId, const QString &appIcon, const QString &summary,
                const QString &body, const QStringList &actions, const QVariantMap &hints, int expireTimeout)
    {
        if (std::exchange(failNextNotify, false)) {
            sendErrorReply(QDBusError::Failed, QStringLiteral("the fake was told to fail"));
            return 0;
        }
        // Like real servers: a replaces_id that is not on screen gets a fresh id.
        const uint id = replacesId != 0 && m_open.contains(replacesId) ? replacesId : m_nextId++;
        m_open.insert(id);
        notifyCalls.append({appName, replacesId, appIcon, summary, body, actions, hints, expireTimeout, id});
        return id;
    }
    void CloseNotification(uint id)
    {
        closeCalls.append(id);
        if (m_open.remove(id))
            emitNotificationClosed(id, 3); // 3: closed by CloseNotification
    }
    QStringList GetCapabilities()
    {
        ++capabilityCalls;
        return capabilities;
    }
    QString GetServerInformation(QString &vendor, QString &version, QString &specVersion)
    {
        vendor = QStringLiteral("Liftline tests");
        version = QStringLiteral("1");
        specVersion = QStringLiteral("1.2");
        return QStringLiteral("fake");
    }

private:
    template<typename A, typename B>
    void emitSignal(const QString &name, const A &a, const B &b)
    {
        QDBusMessage signal =
            QDBusMessage::createSignal(FakeNotifications::kPath, FakeNotifications::kInterface, name);
        signal << a << b;
        m_bus.send(signal);
    }

    QDBusConnection m_bus;
    QSet<uint> m_open;
    uint m_nextId = 41;
};
