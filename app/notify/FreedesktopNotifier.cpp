#include "FreedesktopNotifier.h"

#include "NotifyLogging.h"

#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusServiceWatcher>
#include <QVariantMap>
#include <iterator>
#include <utility>

namespace {
const QString kService = QStringLiteral("org.freedesktop.Notifications");
const QString kPath = QStringLiteral("/org/freedesktop/Notifications");
const QString kInterface = QStringLiteral("org.freedesktop.Notifications");

QDBusMessage methodCall(const QString &method)
{
    return QDBusMessage::createMethodCall(kService, kPath, kInterface, method);
}
} // namespace

FreedesktopNotifier::FreedesktopNotifier(QObject *parent)
    : Notifier(parent)
    , m_bus(QDBusConnection::sessionBus())
{
    // Passing the service name makes Qt drop these signals when another client on the bus sends them.
    m_bus.connect(kService, kPath, kInterface, QStringLiteral("ActionInvoked"), this,
                  SLOT(onActionInvoked(uint, QString)));
    m_bus.connect(kService, kPath, kInterface, QStringLiteral("NotificationClosed"), this,
                  SLOT(onNotificationClosed(uint, uint)));

    // Ids are only meaningful to the daemon that issued them: after a restart they may belong to another
    // application's notifications, which "replaces_id" or CloseNotification would then hit.
    auto *watcher = new QDBusServiceWatcher(kService, m_bus, QDBusServiceWatcher::WatchForOwnerChange, this);
    connect(watcher, &QDBusServiceWatcher::serviceOwnerChanged, this,
            [this](const QString &, const QString &oldOwner, const QString &newOwner) {
                serviceOwnerChanged(oldOwner, newOwner);
            });

    queryCapabilities();
}

bool FreedesktopNotifier::isAvailable()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected() || !bus.interface())
        return false;
    if (bus.interface()->isServiceRegistered(kService).value())
        return true;
    // Daemons such as dunst or mako are often started by the bus on the first Notify call.
    return bus.interface()->activatableServiceNames().value().contains(kService);
}

QString FreedesktopNotifier::backendName() const
{
    return QStringLiteral("freedesktop");
}

void FreedesktopNotifier::show(const Alert &alert)
{
    Shown &shown = m_alerts[alert.key];
    shown.withdrawn = false;
    if (shown.pending) {
        // Sending now would pass replaces_id 0 and leave two notifications for the request on screen.
        shown.queued = alert;
        return;
    }
    shown.pending = true;
    sendNotify(alert, shown.id);
}

void FreedesktopNotifier::withdraw(int key)
{
    const auto it = m_alerts.find(key);
    if (it == m_alerts.end())
        return;
    if (it->pending) {
        it->queued.reset();
        it->withdrawn = true;
        return;
    }
    const uint id = it->id;
    m_alerts.erase(it);
    if (id != 0) {
        m_keyById.remove(id);
        closeNotification(id);
    }
}

void FreedesktopNotifier::sendNotify(const Alert &alert, uint replacesId)
{
    // Bodies are plain text; a service that renders markup would otherwise take "<" as a tag. Until the
    // capabilities are known, escaping is the safer mistake.
    const QString body = m_bodyMarkup.value_or(true) ? alert.body.toHtmlEscaped() : alert.body;
    const QStringList actions = {QStringLiteral("default"),     QStringLiteral("Open"),
                                 QStringLiteral("open"),        QStringLiteral("Open"),
                                 QStringLiteral("acknowledge"), QStringLiteral("Acknowledge")};
    QVariantMap hints;
    // uchar so that it marshals as D-Bus 'y', the only type the spec allows for urgency.
    hints.insert(QStringLiteral("urgency"), QVariant::fromValue<uchar>(alert.critical ? 2 : 1));
    hints.insert(QStringLiteral("category"), QStringLiteral("im.received"));
    hints.insert(QStringLiteral("desktop-entry"), QStringLiteral("liftline-console"));
    // Keep the notification after an action is clicked: the alert stands until the request is handled.
    hints.insert(QStringLiteral("resident"), true);
    if (alert.sound)
        hints.insert(QStringLiteral("sound-name"), QStringLiteral("message-new-instant"));
    else
        hints.insert(QStringLiteral("suppress-sound"), true);
    // 0 keeps a critical alert on screen until someone deals with it; -1 lets the service decide.
    const int expireTimeout = alert.critical ? 0 : -1;

    QDBusMessage call = methodCall(QStringLiteral("Notify"));
    call << QStringLiteral("Liftline") << replacesId << QStringLiteral("liftline-console") << alert.title
         << body << actions << hints << expireTimeout;
    qCDebug(lcNotify) << "Notify request" << alert.key << "replacing" << replacesId;

    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    const int key = alert.key;
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, key](QDBusPendingCallWatcher *w) { notifyFinished(key, w); });
}

void FreedesktopNotifier::notifyFinished(int key, QDBusPendingCallWatcher *watcher)
{
    watcher->deleteLater();
    const QDBusPendingReply<uint> reply = *watcher;
    const auto it = m_alerts.find(key);
    if (it == m_alerts.end())
        return;
    Shown &shown = *it;
    shown.pending = false;

    if (reply.isError()) {
        // The window title and taskbar still carry the alert; nothing more to do than say why.
        qCWarning(lcNotify).noquote()
            << "Notify for request" << key << "failed:" << reply.error().name() << reply.error().message();
    } else {
        const uint id = reply.value();
        if (shown.id != 0 && shown.id != id)
            m_keyById.remove(shown.id);
        shown.id = id;
        m_keyById.insert(id, key);
    }

    if (shown.withdrawn) {
        const uint id = shown.id;
        m_alerts.erase(it);
        if (id != 0) {
            m_keyById.remove(id);
            closeNotification(id);
        }
        return;
    }
    if (shown.queued) {
        const Alert next = *std::exchange(shown.queued, std::nullopt);
        shown.pending = true;
        sendNotify(next, shown.id);
        return;
    }
    if (shown.id == 0)
        m_alerts.erase(it);
}

void FreedesktopNotifier::closeNotification(uint id)
{
    qCDebug(lcNotify) << "CloseNotification" << id;
    QDBusMessage call = methodCall(QStringLiteral("CloseNotification"));
    call << id;
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [id](QDBusPendingCallWatcher *w) {
        w->deleteLater();
        if (w->isError())
            qCWarning(lcNotify).noquote() << "CloseNotification" << id << "failed:" << w->error().message();
    });
}

void FreedesktopNotifier::queryCapabilities()
{
    auto *watcher =
        new QDBusPendingCallWatcher(m_bus.asyncCall(methodCall(QStringLiteral("GetCapabilities"))), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *w) {
        w->deleteLater();
        const QDBusPendingReply<QStringList> reply = *w;
        if (reply.isError()) {
            qCDebug(lcNotify) << "GetCapabilities failed:" << reply.error().message();
            return;
        }
        m_bodyMarkup = reply.value().contains(QStringLiteral("body-markup"));
        qCDebug(lcNotify) << "capabilities" << reply.value();
    });
}

void FreedesktopNotifier::onActionInvoked(uint id, const QString &actionKey)
{
    const auto it = m_keyById.constFind(id);
    if (it == m_keyById.constEnd())
        return; // another application's notification
    const int key = *it;
    qCDebug(lcNotify) << "action" << actionKey << "on request" << key;
    if (actionKey == QLatin1String("default") || actionKey == QLatin1String("open"))
        Q_EMIT openRequested(key);
    else if (actionKey == QLatin1String("acknowledge"))
        Q_EMIT acknowledgeRequested(key);
}

void FreedesktopNotifier::onNotificationClosed(uint id, uint reason)
{
    const auto it = m_keyById.find(id);
    if (it == m_keyById.end())
        return;
    const int key = *it;
    m_keyById.erase(it);
    qCDebug(lcNotify) << "notification for request" << key << "closed, reason" << reason;
    const auto shown = m_alerts.find(key);
    if (shown == m_alerts.end() || shown->id != id)
        return;
    if (shown->pending)
        shown->id = 0; // the Notify in flight replaces a closed notification, so it makes a new one
    else
        m_alerts.erase(shown);
}

void FreedesktopNotifier::serviceOwnerChanged(const QString &oldOwner, const QString &newOwner)
{
    if (!oldOwner.isEmpty()) {
        qCInfo(lcNotify) << "notification service went away; forgetting" << m_keyById.size()
                         << "notification ids";
        m_keyById.clear();
        for (auto it = m_alerts.begin(); it != m_alerts.end();) {
            it->id = 0;
            it = it->pending ? std::next(it) : m_alerts.erase(it);
        }
        m_bodyMarkup.reset();
    }
    if (!newOwner.isEmpty())
        queryCapabilities();
}
