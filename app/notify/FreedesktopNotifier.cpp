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
    Ticket &ticket = m_tickets[alert.ticketId];
    ticket.withdrawn = false;
    if (ticket.pending) {
        // Sending now would pass replaces_id 0 and leave two notifications for the ticket on screen.
        ticket.queued = alert;
        return;
    }
    ticket.pending = true;
    sendNotify(alert, ticket.id);
}

void FreedesktopNotifier::withdraw(int ticketId)
{
    const auto it = m_tickets.find(ticketId);
    if (it == m_tickets.end())
        return;
    if (it->pending) {
        it->queued.reset();
        it->withdrawn = true;
        return;
    }
    const uint id = it->id;
    m_tickets.erase(it);
    if (id != 0) {
        m_ticketById.remove(id);
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
    // Keep the notification after an action is clicked: the alert stands until the ticket is handled.
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
    qCDebug(lcNotify) << "Notify ticket" << alert.ticketId << "replacing" << replacesId;

    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    const int ticketId = alert.ticketId;
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, ticketId](QDBusPendingCallWatcher *w) { notifyFinished(ticketId, w); });
}

void FreedesktopNotifier::notifyFinished(int ticketId, QDBusPendingCallWatcher *watcher)
{
    watcher->deleteLater();
    const QDBusPendingReply<uint> reply = *watcher;
    const auto it = m_tickets.find(ticketId);
    if (it == m_tickets.end())
        return;
    Ticket &ticket = *it;
    ticket.pending = false;

    if (reply.isError()) {
        // The window title and taskbar still carry the alert; nothing more to do than say why.
        qCWarning(lcNotify).noquote() << "Notify for ticket" << ticketId << "failed:" << reply.error().name()
                                      << reply.error().message();
    } else {
        const uint id = reply.value();
        if (ticket.id != 0 && ticket.id != id)
            m_ticketById.remove(ticket.id);
        ticket.id = id;
        m_ticketById.insert(id, ticketId);
    }

    if (ticket.withdrawn) {
        const uint id = ticket.id;
        m_tickets.erase(it);
        if (id != 0) {
            m_ticketById.remove(id);
            closeNotification(id);
        }
        return;
    }
    if (ticket.queued) {
        const Alert next = *std::exchange(ticket.queued, std::nullopt);
        ticket.pending = true;
        sendNotify(next, ticket.id);
        return;
    }
    if (ticket.id == 0)
        m_tickets.erase(it);
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
    const auto it = m_ticketById.constFind(id);
    if (it == m_ticketById.constEnd())
        return; // another application's notification
    const int ticketId = *it;
    qCDebug(lcNotify) << "action" << actionKey << "on ticket" << ticketId;
    if (actionKey == QLatin1String("default") || actionKey == QLatin1String("open"))
        Q_EMIT openRequested(ticketId);
    else if (actionKey == QLatin1String("acknowledge"))
        Q_EMIT acknowledgeRequested(ticketId);
}

void FreedesktopNotifier::onNotificationClosed(uint id, uint reason)
{
    const auto it = m_ticketById.find(id);
    if (it == m_ticketById.end())
        return;
    const int ticketId = *it;
    m_ticketById.erase(it);
    qCDebug(lcNotify) << "notification for ticket" << ticketId << "closed, reason" << reason;
    const auto ticket = m_tickets.find(ticketId);
    if (ticket == m_tickets.end() || ticket->id != id)
        return;
    if (ticket->pending)
        ticket->id = 0; // the Notify in flight replaces a closed notification, so it makes a new one
    else
        m_tickets.erase(ticket);
}

void FreedesktopNotifier::serviceOwnerChanged(const QString &oldOwner, const QString &newOwner)
{
    if (!oldOwner.isEmpty()) {
        qCInfo(lcNotify) << "notification service went away; forgetting" << m_ticketById.size()
                         << "notification ids";
        m_ticketById.clear();
        for (auto it = m_tickets.begin(); it != m_tickets.end();) {
            it->id = 0;
            it = it->pending ? std::next(it) : m_tickets.erase(it);
        }
        m_bodyMarkup.reset();
    }
    if (!newOwner.isEmpty())
        queryCapabilities();
}
