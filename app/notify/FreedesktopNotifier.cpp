#include "FreedesktopNotifier.h"

#include "NotifyLogging.h"

#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusServiceWatcher>
#include <QEventLoop>
#include <QTimer>
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
    if (m_bus.interface())
        m_owner = m_bus.interface()->serviceOwner(kService).value();
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
    if (alert.reminder && shown.id != 0) {
        // A new popup: the one on screen goes once the new one is up, so there is never a gap.
        shown.superseded = shown.id;
        sendNotify(alert, 0);
        return;
    }
    sendNotify(alert, shown.id);
}

void FreedesktopNotifier::withdrawAll()
{
    QList<uint> ids = m_keyById.keys();
    for (const Shown &shown : std::as_const(m_alerts))
        if (shown.superseded != 0)
            ids.append(shown.superseded);
    m_alerts.clear();
    m_keyById.clear();
    Q_EMIT onScreenChanged();
    if (ids.isEmpty())
        return;
    // The process is about to end: wait for the service's answers, but at most two seconds, so that a
    // hung service does not hold the agent's exit. A local loop rather than a blocking call, which would
    // not let a service in this process (a test's) answer.
    QEventLoop loop;
    int left = int(ids.size());
    for (uint id : std::as_const(ids)) {
        QDBusMessage call = methodCall(QStringLiteral("CloseNotification"));
        call << id;
        auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call, 2000), &loop);
        connect(watcher, &QDBusPendingCallWatcher::finished, &loop,
                [&left, &loop, id](QDBusPendingCallWatcher *w) {
                    if (w->isError())
                        qCWarning(lcNotify).noquote()
                            << "CloseNotification" << id << "at exit failed:" << w->error().message();
                    if (--left == 0)
                        loop.quit();
                });
    }
    QTimer::singleShot(2000, &loop, &QEventLoop::quit);
    loop.exec();
}

QVariantMap FreedesktopNotifier::onScreen() const
{
    if (m_keyById.isEmpty() || m_owner.isEmpty())
        return {};
    QVariantList ids;
    for (auto it = m_keyById.cbegin(); it != m_keyById.cend(); ++it)
        ids.append(it.key());
    return {{QStringLiteral("service"), m_owner}, {QStringLiteral("ids"), ids}};
}

void FreedesktopNotifier::closeLeftovers(const QVariantMap &state)
{
    // Only the same running service's ids are ours: after its restart they may be another program's.
    if (state.value(QStringLiteral("service")).toString() != m_owner || m_owner.isEmpty())
        return;
    const QVariantList ids = state.value(QStringLiteral("ids")).toList();
    qCInfo(lcNotify) << "closing" << ids.size() << "notifications a previous console left on screen";
    for (const QVariant &id : ids)
        closeNotification(id.toUInt());
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
        Q_EMIT onScreenChanged();
    }
}

void FreedesktopNotifier::sendNotify(const Alert &alert, uint replacesId)
{
    // Bodies are plain text; a service that renders markup would otherwise take "<" as a tag. Until the
    // capabilities are known, escaping is the safer mistake.
    const QString body = m_bodyMarkup.value_or(true) ? alert.body.toHtmlEscaped() : alert.body;
    // "default" is the click on the notification, which services that draw buttons also show as one:
    // a second "open" action would list Open twice.
    const QStringList actions = {QStringLiteral("default"), tr("Open"), QStringLiteral("acknowledge"),
                                 tr("Acknowledge")};
    QVariantMap hints;
    // uchar so that it marshals as D-Bus 'y', the only type the spec allows for urgency.
    hints.insert(QStringLiteral("urgency"), QVariant::fromValue<uchar>(alert.critical ? 2 : 1));
    hints.insert(QStringLiteral("category"), QStringLiteral("im.received"));
    // The console plays its own alarm for agent requests; the service's sound would only be a chat blip.
    hints.insert(QStringLiteral("desktop-entry"), QStringLiteral("liftline-console"));
    // Keep the notification after an action is clicked: the alert stands until the request is handled.
    hints.insert(QStringLiteral("resident"), true);
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
        Q_EMIT onScreenChanged();
    }
    if (const uint old = std::exchange(shown.superseded, 0); old != 0 && old != shown.id) {
        m_keyById.remove(old);
        closeNotification(old);
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
    m_owner = newOwner;
    if (!newOwner.isEmpty())
        queryCapabilities();
}
