#pragma once

#include "Notifier.h"

#include <QDBusConnection>
#include <QHash>
#include <optional>

class QDBusPendingCallWatcher;

// Notifications through the freedesktop notification service (org.freedesktop.Notifications) on the
// session bus. Every call is asynchronous, so a slow or hung notification daemon never blocks the UI.
class FreedesktopNotifier : public Notifier {
    Q_OBJECT
public:
    explicit FreedesktopNotifier(QObject *parent = nullptr);

    void show(const Alert &alert) override;
    void withdraw(int key) override;
    QString backendName() const override;
    void withdrawAll() override;
    QVariantMap onScreen() const override;
    void closeLeftovers(const QVariantMap &state) override;

    // Whether the session bus has a notification service running, or one it can start on demand.
    static bool isAvailable();

private Q_SLOTS:
    // Slots rather than lambdas: QDBusConnection::connect in Qt 6.4 only takes SLOT() signatures.
    void onActionInvoked(uint id, const QString &actionKey);
    void onNotificationClosed(uint id, uint reason);

private:
    struct Shown {
        uint id = 0;                 // the service's notification id; 0 while none is on screen
        bool pending = false;        // a Notify call is in flight and its reply will carry the id
        std::optional<Alert> queued; // shown again while pending: sent once the id is known, to replace it
        bool withdrawn = false;      // withdrawn while pending: closed as soon as the id is known
        uint superseded = 0;         // a reminder's earlier notification, closed once the new one is up
    };

    void sendNotify(const Alert &alert, uint replacesId);
    void notifyFinished(int key, QDBusPendingCallWatcher *watcher);
    void closeNotification(uint id);
    void queryCapabilities();
    void serviceOwnerChanged(const QString &oldOwner, const QString &newOwner);

    QDBusConnection m_bus;
    QHash<int, Shown> m_alerts;
    QHash<uint, int> m_keyById;
    // Whether the service renders markup in the body; unknown until GetCapabilities answers.
    std::optional<bool> m_bodyMarkup;
    QString m_owner; // the service's unique bus name: ids mean nothing to another
};
