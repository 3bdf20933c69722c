#include "StreamHub.h"

#include "base/Logging.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <utility>

StreamHub::StreamHub(DbPool *pool, const Auth *auth, const QUuid &instanceId, Settings settings,
                     QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_replay(pool, m_settings.ringCapacity)
    , m_presence(pool, instanceId)
    , m_services{pool, auth, &m_replay, &m_presence, &m_settings}
{
    connect(&m_presence, &Presence::onlineChanged, this, &StreamHub::broadcastPresence);
    connect(&m_presence, &Presence::signInsEnded, this, &StreamHub::signInsEnded);
    connect(&m_pingTimer, &QTimer::timeout, this, &StreamHub::pingAll);
    m_pingTimer.start(m_settings.pingIntervalMs);
    connect(&m_stallTimer, &QTimer::timeout, this, &StreamHub::closeStalled);
    m_stallTimer.start(std::clamp(m_settings.stallMs / 4, 100, 1000));
    connect(&m_presenceTimer, &QTimer::timeout, this, [this] {
        heartbeat();
        refreshPresence();
    });
    m_presenceTimer.start(m_settings.presenceIntervalMs);
    if (!m_settings.directWrite)
        qCInfo(lcStream) << "events go to the consoles through QWebSocket, one by one "
                            "(LIFTLINE_STREAM_DIRECT_WRITE=0)";
}

StreamHub::~StreamHub()
{
    // The sessions go before the services they use, with those waiting for deleteLater().
    m_sessions.clear();
    const QList<StreamSession *> sessions = findChildren<StreamSession *>(Qt::FindDirectChildrenOnly);
    for (StreamSession *s : sessions) {
        s->disconnect(this);
        delete s;
    }
}

void StreamHub::setLatest(qint64 latest)
{
    m_replay.setLatest(latest);
}

int StreamHub::liveCount() const
{
    return countSessions([](const StreamSession &s) { return s.state() == StreamSession::State::Live; });
}

int StreamHub::directCount() const
{
    return countSessions([](const StreamSession &s) { return s.isDirect(); });
}

int StreamHub::countSessions(const std::function<bool(const StreamSession &)> &f) const
{
    int n = 0;
    for (const QPointer<StreamSession> &s : std::as_const(m_sessions))
        n += s && f(*s) ? 1 : 0;
    return n;
}

void StreamHub::forEachSession(const std::function<void(StreamSession &)> &f)
{
    // `f` may close (and, later, remove) sessions: walk a copy of the ids.
    const QList<qint64> ids = m_sessions.keys();
    for (qint64 id : ids)
        if (const QPointer<StreamSession> s = m_sessions.value(id))
            f(*s);
}

void StreamHub::expectUpgrade(QTcpSocket *connection)
{
    m_upgrades.removeIf([](const Upgrade &u) { return !u.connection || u.since.elapsed() > 60000; });
    if (!connection || !m_settings.directWrite)
        return;
    Upgrade upgrade;
    upgrade.connection = connection;
    upgrade.since.start();
    m_upgrades.append(upgrade);
}

// The connection expectUpgrade() was told of under `socket`, matched by the peer's address and port.
QTcpSocket *StreamHub::takeUpgrade(const QWebSocket &socket)
{
    for (qsizetype i = 0; i < m_upgrades.size(); ++i) {
        const QPointer<QTcpSocket> c = m_upgrades.at(i).connection;
        if (c && c->peerPort() == socket.peerPort() && c->peerAddress() == socket.peerAddress() &&
            c->state() == QAbstractSocket::ConnectedState) {
            m_upgrades.removeAt(i);
            return c;
        }
    }
    return nullptr;
}

void StreamHub::adopt(std::unique_ptr<QWebSocket> socket)
{
    const qint64 id = ++m_nextId;
    QTcpSocket *connection = m_settings.directWrite ? takeUpgrade(*socket) : nullptr;
    auto *session = new StreamSession(id, std::move(socket), connection, m_services, this);
    if (m_settings.directWrite && !connection)
        qCWarning(lcStream).noquote()
            << "the connection under a console's WebSocket from" << session->remote()
            << "was not found: its events go through QWebSocket, one by one";
    m_sessions.insert(id, session);
    connect(session, &StreamSession::finished, this, &StreamHub::remove);
    connect(session, &StreamSession::closedTooSlow, this, [this] { ++m_slowClosed; });
    connect(session, &StreamSession::droppedSilent, this, [this] { ++m_deadClosed; });
    session->start();
}

void StreamHub::remove(qint64 id)
{
    if (const QPointer<StreamSession> s = m_sessions.take(id))
        s->deleteLater();
}

void StreamHub::addEvents(const QList<StreamEvent> &events)
{
    m_replay.add(events);
    for (const StreamEvent &e : events) {
        if (!e.wire.contains("\"event\":\"agent.requested\""))
            continue;
        const QJsonObject data =
            QJsonDocument::fromJson(e.text().toUtf8()).object().value(QStringLiteral("data")).toObject();
        m_alerting.append({data.value(QStringLiteral("ticket_id")).toInt(),
                           data.value(QStringLiteral("unassigned_id")).toInteger()});
    }
    // Written once the batches already queued for this thread are in: when the loop is behind (hundreds of
    // consoles), each console then gets them all in one write instead of one write per batch.
    if (m_pumpQueued)
        return;
    m_pumpQueued = true;
    QMetaObject::invokeMethod(
        this, [this] { pumpAll(); }, Qt::QueuedConnection);
}

void StreamHub::pumpAll()
{
    m_pumpQueued = false;
    forEachSession([](StreamSession &s) { s.pump(); });
    // A request's time to alert ends when a console is handed its agent.requested event.
    const QList<std::pair<int, qint64>> alerted = std::exchange(m_alerting, {});
    if (!alerted.isEmpty() && liveCount() > 0)
        m_presence.requestsAlerted(alerted, QDateTime::currentDateTimeUtc());
}

void StreamHub::restart(qint64 latest)
{
    qCWarning(lcStream) << "the event table started over (now at event" << latest
                        << "); every console reloads";
    m_replay.startOver(latest);
    forEachSession([](StreamSession &s) { s.restartReplay(); });
}

void StreamHub::pingAll()
{
    forEachSession([](StreamSession &s) { s.ping(); });
}

void StreamHub::closeStalled()
{
    forEachSession([](StreamSession &s) { s.closeIfStalled(); });
}

void StreamHub::heartbeat()
{
    QList<Presence::Console> consoles;
    for (const QPointer<StreamSession> &s : std::as_const(m_sessions))
        if (s && s->presenceStored())
            consoles.append({s->id(), s->principal().agentId, s->principal().sessionId});
    m_presence.heartbeat(consoles);
}

void StreamHub::signInsEnded(const QList<qint64> &ids)
{
    for (qint64 id : ids)
        if (const QPointer<StreamSession> s = m_sessions.value(id))
            s->signInEnded();
}

void StreamHub::recordInstance(Db &db, const QString &instanceId)
{
    Presence::recordInstance(db, instanceId);
}

void StreamHub::refreshPresence()
{
    m_presence.refresh();
}

void StreamHub::broadcastPresence()
{
    const QString frame = m_presence.frame();
    forEachSession([&frame](StreamSession &s) { s.sendPresence(frame); });
}

void StreamHub::shutdown()
{
    m_presence.shutdown();
    m_pingTimer.stop();
    m_stallTimer.stop();
    m_presenceTimer.stop();
    forEachSession([](StreamSession &s) { s.closeForShutdown(); });
}
