#include "StreamHub.h"

#include "WireProtocol.h"
#include "WireTime.h"
#include "auth/Auth.h"
#include "base/Logging.h"
#include "db/Db.h"
#include "db/DbPool.h"
#include "domain/DomainError.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHostInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QSqlQuery>

namespace {

constexpr int replayPage = 1000;
// Events written to a console at a time from memory, in bytes (more when one event alone is larger).
constexpr qsizetype batchBytes = 64 * 1024;
// The largest frame, and message, a console may send (its resume frame is well under 100 bytes).
constexpr quint64 maxClientMessageBytes = 4096;

struct AuthResult {
    Principal principal;
    int closeCode = 0; // 0: accepted
    QString reason;
};

} // namespace

// The "after" of a resume frame, or -1 when the frame is not {"type":"resume","after":N} with N >= 0.
qint64 StreamHub::resumeAfter(const QString &text)
{
    const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
    if (o.value(QStringLiteral("type")).toString() != Wire::Frame::resume)
        return -1;
    const QJsonValue after = o.value(QStringLiteral("after"));
    if (!after.isDouble())
        return -1;
    const double d = after.toDouble();
    if (d < 0 || d > 9007199254740991.0 || d != double(qint64(d)))
        return -1;
    return qint64(d);
}

StreamHub::StreamHub(DbPool *pool, const Auth *auth, const QUuid &instanceId, Settings settings,
                     QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_auth(auth)
    , m_instanceId(instanceId)
    , m_settings(settings)
{
    connect(&m_pingTimer, &QTimer::timeout, this, &StreamHub::pingAll);
    m_pingTimer.start(m_settings.pingIntervalMs);
    connect(&m_stallTimer, &QTimer::timeout, this, &StreamHub::closeStalled);
    m_stallTimer.start(std::clamp(m_settings.stallMs / 4, 100, 1000));
    connect(&m_presenceTimer, &QTimer::timeout, this, [this] {
        heartbeat();
        refreshPresence();
    });
    m_presenceTimer.start(m_settings.presenceIntervalMs);
}

StreamHub::~StreamHub()
{
    for (Session *s : std::as_const(m_sessions)) {
        s->socket->disconnect(this);
        delete s;
    }
    m_sessions.clear();
}

void StreamHub::setLatest(qint64 latest)
{
    m_ring.clear();
    m_batchAfter = m_batchTo = -1;
    m_latest = latest;
}

int StreamHub::liveCount() const
{
    int n = 0;
    for (const Session *s : std::as_const(m_sessions))
        n += s->state == State::Live ? 1 : 0;
    return n;
}

int StreamHub::directCount() const
{
    int n = 0;
    for (const Session *s : std::as_const(m_sessions))
        n += s->wire ? 1 : 0;
    return n;
}

StreamHub::Session *StreamHub::find(qint64 id) const
{
    return m_sessions.value(id, nullptr);
}

void StreamHub::expectUpgrade(QTcpSocket *connection)
{
    m_upgrades.removeIf([](const Upgrade &u) { return !u.connection || u.since.elapsed() > 60000; });
    if (!connection)
        return;
    Upgrade upgrade;
    upgrade.connection = connection;
    upgrade.since.start();
    m_upgrades.append(upgrade);
}

void StreamHub::adopt(std::unique_ptr<QWebSocket> socket)
{
    auto *s = new Session;
    s->id = ++m_nextId;
    s->socket = socket.release();
    s->socket->setParent(this);
    // A console sends only small control frames: anything larger is refused from its header (1009), and
    // what is read from the connection but not yet framed stays bounded.
    s->socket->setMaxAllowedIncomingFrameSize(maxClientMessageBytes);
    s->socket->setMaxAllowedIncomingMessageSize(maxClientMessageBytes);
    s->socket->setReadBufferSize(4 * maxClientMessageBytes);
    s->remote = m_settings.proxies.clientAddress(s->socket->peerAddress(),
                                                 s->socket->request().rawHeader("X-Forwarded-For"));
    for (qsizetype i = 0; i < m_upgrades.size(); ++i) {
        const QPointer<QTcpSocket> &c = m_upgrades.at(i).connection;
        if (c && c->peerPort() == s->socket->peerPort() && c->peerAddress() == s->socket->peerAddress() &&
            c->state() == QAbstractSocket::ConnectedState) {
            s->wire = c;
            m_upgrades.removeAt(i);
            break;
        }
    }
    if (!s->wire)
        qCWarning(lcStream).noquote() << "the connection under a console's WebSocket from" << s->remote
                                      << "was not found: its events go through QWebSocket, one by one";
    const qint64 id = s->id;
    m_sessions.insert(id, s);

    connect(s->socket, &QWebSocket::disconnected, this, [this, id] { removeSession(id); });
    connect(s->socket, &QWebSocket::textMessageReceived, this,
            [this, id](const QString &text) { onText(id, text); });
    connect(s->socket, &QWebSocket::bytesWritten, this, [this, id] {
        Session *found = find(id);
        if (!found || !found->blockedSince.isValid())
            return;
        if (found->socket->bytesToWrite() < m_settings.maxBufferedBytes / 2) {
            found->blockedSince.invalidate();
            pump(*found);
        } else {
            found->blockedSince.start(); // slow but taking data: not stalled
        }
    });
    connect(s->socket, &QWebSocket::pong, this, [this, id] {
        if (Session *found = find(id))
            found->pongSeen = true;
    });
    s->resumeTimer = new QTimer(s->socket);
    s->resumeTimer->setSingleShot(true);
    connect(s->resumeTimer, &QTimer::timeout, this, [this, id] {
        Session *found = find(id);
        if (found && found->state == State::Authenticating)
            // Our delay, not the console's fault: not a reason to sign in again.
            closeSession(*found, Wire::Close::tryAgainLater,
                         QStringLiteral("The sign-in could not be checked in time; connect again shortly"));
        else if (found && found->state == State::AwaitingResume)
            // Not 1008: the credentials were good, and a console takes 1008 as "sign in again". A console
            // that stalled (a machine waking from sleep) reconnects and resumes instead.
            closeSession(*found, Wire::Close::protocolError,
                         QStringLiteral("No resume frame within %1 s: send {\"type\":\"resume\",\"after\":N} "
                                        "first")
                             .arg(m_settings.resumeTimeoutMs / 1000.0));
    });
    s->resumeTimer->start(m_settings.resumeTimeoutMs);

    // The credentials of the upgrade request, in the same headers as a REST request's.
    const QNetworkRequest upgrade = s->socket->request();
    const QByteArray token =
        Auth::presentedToken(upgrade.rawHeader("Authorization"), upgrade.rawHeader("X-Admin-Token"),
                             upgrade.rawHeader("X-AI-Token"));
    const Auth *auth = m_auth;
    m_pool->run<AuthResult>(
        this,
        [auth, token](Db &db) {
            AuthResult r;
            try {
                r.principal = db.retryingStaleConnection([&] { return auth->authenticate(db, token); });
            } catch (const DomainError &e) {
                r.closeCode = Wire::Close::signedOut;
                r.reason = e.message;
            } catch (const DbError &e) {
                r.closeCode = Wire::Close::tryAgainLater;
                r.reason = QStringLiteral("The database is not reachable right now; connect again shortly");
                qCWarning(lcStream) << "stream sign-in check failed:" << e.message();
            }
            return r;
        },
        [this, id](AuthResult r) {
            Session *found = find(id);
            if (!found || found->state != State::Authenticating)
                return;
            if (r.closeCode != 0) {
                qCInfo(lcStream).noquote() << "stream refused for" << found->remote << ":" << r.reason;
                closeSession(*found, r.closeCode, r.reason);
                return;
            }
            found->principal = r.principal;
            found->state = State::AwaitingResume;
            if (!found->earlyFrame.isEmpty())
                onText(id, std::exchange(found->earlyFrame, QString()));
        });
}

void StreamHub::onText(qint64 id, const QString &text)
{
    Session *s = find(id);
    if (!s)
        return;
    switch (s->state) {
    case State::Authenticating:
        if (s->earlyFrame.isEmpty())
            s->earlyFrame = text.left(4096);
        return;
    case State::AwaitingResume: {
        const qint64 after = resumeAfter(text);
        if (after < 0) {
            closeSession(
                *s, Wire::Close::protocolError,
                QStringLiteral("The first frame must be {\"type\":\"resume\",\"after\":N} with N the "
                               "last event number seen (0 for none)"));
            return;
        }
        beginReplay(*s, after);
        return;
    }
    case State::Replaying:
    case State::Live:
    case State::Closing:
        return; // consoles have nothing more to say; pings are answered by the socket itself
    }
}

void StreamHub::beginReplay(Session &s, qint64 after)
{
    s.resumeTimer->stop();
    if (after > m_latest) {
        // Perhaps only ahead of this instance by a few milliseconds: ask the database.
        const qint64 id = s.id;
        s.state = State::Replaying;
        s.fetching = true;
        m_pool->run<qint64>(
            this,
            [](Db &db) -> qint64 {
                try {
                    return db.scalar(QStringLiteral("SELECT coalesce(max(seq), 0) FROM chat_events"))
                        .toLongLong();
                } catch (const DbError &) {
                    return -1;
                }
            },
            [this, id, after](qint64 newest) {
                Session *found = find(id);
                if (!found || found->state != State::Replaying)
                    return;
                found->fetching = false;
                if (newest < 0) {
                    closeSession(
                        *found, Wire::Close::tryAgainLater,
                        QStringLiteral("The database is not reachable right now; connect again shortly"));
                    return;
                }
                if (after > newest) {
                    sendReset(*found);
                    return;
                }
                found->lastSent = after;
                pump(*found);
            });
        return;
    }
    if (m_latest - after > m_settings.maxReplay) {
        sendReset(s);
        return;
    }
    s.state = State::Replaying;
    s.lastSent = after;
    pump(s);
}

void StreamHub::sendReset(Session &s)
{
    s.state = State::AwaitingResume;
    s.fetching = false;
    if (!send(s, QStringLiteral("{\"type\":\"%1\"}").arg(Wire::Frame::reset)))
        return;
    s.resumeTimer->start(m_settings.resumeTimeoutMs);
}

void StreamHub::pump(Session &s)
{
    if ((s.state != State::Replaying && s.state != State::Live) || s.fetching || s.blockedSince.isValid())
        return;
    if (m_latest - s.lastSent > m_settings.maxReplay) {
        tooSlow(s, QStringLiteral("%1 events behind").arg(m_latest - s.lastSent));
        return;
    }
    const qint64 ringFirst = m_ring.empty() ? m_latest + 1 : m_ring.front().seq;
    while (s.lastSent < m_latest) {
        if (s.socket->bytesToWrite() > m_settings.maxBufferedBytes) {
            s.blockedSince.start(); // continued when the socket drains (bytesWritten)
            return;
        }
        if (s.lastSent + 1 >= ringFirst) {
            // From memory, in batches of about batchBytes; the newest events are framed once for all.
            if (s.wire && s.state != State::Closing && s.lastSent == m_batchAfter && m_latest == m_batchTo) {
                s.wire->write(m_batch);
                s.lastSent = m_latest;
                continue;
            }
            const auto first = size_t(s.lastSent + 1 - ringFirst);
            size_t end = first;
            qsizetype bytes = 0;
            while (end < m_ring.size() && bytes < batchBytes)
                bytes += m_ring.at(end++).wire.size();
            if (!s.wire) {
                for (size_t i = first; i < end; ++i) {
                    if (!send(s, m_ring.at(i).text()))
                        return;
                    s.lastSent = m_ring.at(i).seq;
                }
                continue;
            }
            if (s.state == State::Closing)
                return;
            QByteArray batch;
            batch.reserve(bytes);
            for (size_t i = first; i < end; ++i)
                batch.append(m_ring.at(i).wire);
            s.wire->write(batch);
            if (end == m_ring.size()) {
                m_batchAfter = s.lastSent;
                m_batchTo = m_latest;
                m_batch = batch;
            }
            s.lastSent = m_ring.at(end - 1).seq;
            continue;
        }
        // Older than what is kept in memory: a page from the database.
        const qint64 from = s.lastSent;
        const qint64 to = std::min(ringFirst - 1, from + replayPage);
        const qint64 id = s.id;
        s.fetching = true;
        m_pool->run<QList<StreamEvent>>(
            this,
            [from, to](Db &db) {
                QList<StreamEvent> page;
                try {
                    QSqlQuery &q =
                        db.exec(QStringLiteral("SELECT seq, chat_event_frame(e) FROM chat_events e "
                                               "WHERE seq > ? AND seq <= ? ORDER BY seq"),
                                {from, to});
                    while (q.next())
                        page.append(StreamEvent(q.value(0).toLongLong(), q.value(1).toString()));
                    q.finish();
                } catch (const DbError &e) {
                    qCWarning(lcStream) << "replay page failed:" << e.message();
                    page.clear();
                }
                return page;
            },
            [this, id, from, to, epoch = m_epoch](QList<StreamEvent> page) {
                Session *found = find(id);
                if (!found || found->state == State::Closing || epoch != m_epoch)
                    return; // gone, or the event table started over meanwhile (restart())
                found->fetching = false;
                if (page.size() != to - from || page.first().seq != from + 1) {
                    closeSession(*found, Wire::Close::tryAgainLater,
                                 QStringLiteral("Events could not be read; connect again and resume"));
                    return;
                }
                if (!sendEvents(*found, page.constData(), page.size()))
                    return;
                if (found->socket->bytesToWrite() > m_settings.maxBufferedBytes) {
                    found->blockedSince.start();
                    return;
                }
                pump(*found);
            });
        return;
    }
    if (s.state == State::Replaying)
        goLive(s);
}

void StreamHub::goLive(Session &s)
{
    s.state = State::Live;
    const QString ready = QStringLiteral("{\"type\":\"%1\",\"seq\":%2,\"server_time\":\"%3\"}")
                              .arg(Wire::Frame::ready)
                              .arg(s.lastSent)
                              .arg(WireTime::format(QDateTime::currentDateTimeUtc()));
    if (!send(s, ready) || !send(s, presenceFrame()))
        return;
    qCInfo(lcStream).noquote() << "console live:" << s.principal.actorName() << "from" << s.remote
                               << "at event" << s.lastSent;
    if (s.principal.kind != Principal::Kind::Agent)
        return;
    s.presenceStored = true;
    m_pool->post([instance = m_instanceId, id = s.id, agent = s.principal.agentId,
                  remote = s.remote](Db &db) {
        try {
            db.exec(
                QStringLiteral("INSERT INTO agent_presence (instance_id, connection_id, agent_id, remote) "
                               "VALUES (?::uuid, ?, ?, ?) ON CONFLICT DO NOTHING"),
                {instance.toString(QUuid::WithoutBraces), id, agent, remote});
        } catch (const DbError &e) {
            qCWarning(lcStream) << "could not record a console as online:" << e.message();
        }
    });
}

bool StreamHub::sendEvents(Session &s, const StreamEvent *first, qsizetype count)
{
    if (s.state == State::Closing)
        return false;
    if (s.wire) {
        QByteArray batch;
        for (qsizetype i = 0; i < count; ++i)
            batch.append(first[i].wire);
        s.wire->write(batch);
    } else {
        for (qsizetype i = 0; i < count; ++i)
            if (!send(s, first[i].text()))
                return false;
    }
    s.lastSent = first[count - 1].seq;
    return true;
}

bool StreamHub::send(Session &s, const QString &frame)
{
    if (s.state == State::Closing)
        return false;
    s.socket->sendTextMessage(frame);
    return true;
}

void StreamHub::tooSlow(Session &s, const QString &why)
{
    ++m_slowClosed;
    qCWarning(lcStream).noquote() << "closing a console that does not keep up:" << s.principal.actorName()
                                  << "from" << s.remote << "-" << why << "; at event" << s.lastSent << "with"
                                  << s.socket->bytesToWrite() << "bytes unsent";
    closeSession(s, Wire::Close::tryAgainLater,
                 QStringLiteral("Too slow to keep up with the events: connect again and resume from %1")
                     .arg(s.lastSent));
}

void StreamHub::closeStalled()
{
    const QList<qint64> ids = m_sessions.keys();
    for (qint64 id : ids) {
        Session *s = find(id);
        if (s && s->state != State::Closing && s->blockedSince.isValid() &&
            s->blockedSince.elapsed() > m_settings.stallMs)
            tooSlow(*s, QStringLiteral("took no data for %1 s").arg(s->blockedSince.elapsed() / 1000.0));
    }
}

void StreamHub::closeSession(Session &s, int code, const QString &reason)
{
    if (s.state == State::Closing)
        return;
    s.state = State::Closing;
    s.resumeTimer->stop();
    QWebSocket *socket = s.socket;
    // A peer that never answers the close (or never reads) is cut off.
    QTimer::singleShot(5000, socket, [socket] { socket->abort(); });
    // May disconnect at once, which removes the session: `s` is not used after this.
    socket->close(QWebSocketProtocol::CloseCode(code), reason.left(120));
}

void StreamHub::removeSession(qint64 id)
{
    Session *s = m_sessions.take(id);
    if (!s)
        return;
    if (s->presenceStored)
        m_pool->post([instance = m_instanceId, id](Db &db) {
            try {
                db.exec(QStringLiteral("DELETE FROM agent_presence WHERE instance_id = ?::uuid AND "
                                       "connection_id = ?"),
                        {instance.toString(QUuid::WithoutBraces), id});
            } catch (const DbError &e) {
                qCWarning(lcStream) << "could not record a console as gone:" << e.message();
            }
        });
    s->socket->disconnect(this);
    s->socket->deleteLater();
    delete s;
}

void StreamHub::addEvents(const QList<StreamEvent> &events)
{
    for (const StreamEvent &e : events) {
        if (e.seq <= m_latest)
            continue; // already had it
        if (e.seq != m_latest + 1) {
            qCWarning(lcStream) << "event" << e.seq << "arrived after" << m_latest
                                << "; replaying from the database";
            m_ring.clear();
            m_batchAfter = m_batchTo = -1;
        }
        m_latest = e.seq;
        m_ring.push_back(e);
    }
    while (m_ring.size() > size_t(m_settings.ringCapacity))
        m_ring.pop_front();
    // pump() may close (and, later, remove) sessions: walk a copy of the ids.
    const QList<qint64> ids = m_sessions.keys();
    for (qint64 id : ids)
        if (Session *s = find(id))
            pump(*s);
}

void StreamHub::restart(qint64 latest)
{
    qCWarning(lcStream) << "the event table started over (now at event" << latest
                        << "); every console reloads";
    ++m_epoch;
    setLatest(latest);
    const QList<qint64> ids = m_sessions.keys();
    for (qint64 id : ids)
        if (Session *s = find(id); s && (s->state == State::Replaying || s->state == State::Live))
            sendReset(*s);
}

void StreamHub::pingAll()
{
    const QList<qint64> ids = m_sessions.keys();
    for (qint64 id : ids) {
        Session *s = find(id);
        if (!s || s->state == State::Closing)
            continue;
        if (s->blockedSince.isValid()) {
            // Its pong waits behind unsent data; the stall check judges it meanwhile.
            s->pongSeen = true;
            continue;
        }
        if (!s->pongSeen) {
            ++m_deadClosed;
            qCInfo(lcStream).noquote() << "console" << s->principal.actorName() << "from" << s->remote
                                       << "stopped answering pings; closing";
            s->state = State::Closing;
            s->socket->abort();
            removeSession(id);
            continue;
        }
        s->pongSeen = false;
        s->socket->ping();
    }
}

void StreamHub::heartbeat()
{
    // Every few seconds, in one short job ahead of background work (a late heartbeat drops this instance's
    // consoles everywhere): the instance row, written again if it was taken for dead and removed; the
    // presence of its agents' consoles set to exactly the ones connected, which also repairs an insert and a
    // delete that ran out of order or failed; and the sessions whose sign-in ended since they connected.
    QStringList connections;
    QStringList agents;
    QStringList sessions;
    for (const Session *s : std::as_const(m_sessions))
        if (s->presenceStored) {
            connections << QString::number(s->id);
            agents << QString::number(s->principal.agentId);
            sessions << QString::number(s->principal.sessionId);
        }
    const auto array = [](const QStringList &l) {
        return QLatin1Char('{') + l.join(QLatin1Char(',')) + QLatin1Char('}');
    };
    m_pool->run<QList<qint64>>(
        this,
        [stopping = m_stopping, instance = m_instanceId.toString(QUuid::WithoutBraces),
         connections = array(connections), agents = array(agents), sessions = array(sessions)](Db &db) {
            QList<qint64> ended;
            if (stopping->load())
                return ended;
            try {
                db.transaction([&] {
                    recordInstance(db, instance);
                    db.exec(QStringLiteral("DELETE FROM agent_presence WHERE instance_id = ?::uuid AND NOT "
                                           "(connection_id = ANY (?::bigint[]))"),
                            {instance, connections});
                    db.exec(QStringLiteral(
                                "INSERT INTO agent_presence (instance_id, connection_id, agent_id) "
                                "SELECT ?::uuid, c, a FROM unnest(?::bigint[], ?::integer[]) AS x(c, a) "
                                "ON CONFLICT DO NOTHING"),
                            {instance, connections, agents});
                });
                QSqlQuery &q = db.exec(
                    QStringLiteral(
                        "SELECT x.c FROM unnest(?::bigint[], ?::bigint[]) AS x(c, s) WHERE NOT EXISTS "
                        "(SELECT 1 FROM agent_sessions t JOIN agents a ON a.id = t.agent_id WHERE t.id = "
                        "x.s AND t.revoked_at IS NULL AND t.expires_at > now() AND a.disabled_at IS NULL)"),
                    {connections, sessions});
                while (q.next())
                    ended << q.value(0).toLongLong();
                q.finish();
                // Instances silent for long are gone for good: one instance at a time tidies them away.
                db.transaction([&] {
                    if (db
                            .scalar(QStringLiteral(
                                "SELECT pg_try_advisory_xact_lock(hashtext('liftline.instances.tidy'))"))
                            .toBool())
                        db.exec(QStringLiteral("DELETE FROM server_instances WHERE heartbeat_at < now() - "
                                               "liftline_instance_timeout() * 15"));
                });
            } catch (const DbError &e) {
                qCDebug(lcStream) << "heartbeat skipped:" << e.message();
            }
            return ended;
        },
        [this](QList<qint64> ended) {
            for (qint64 id : std::as_const(ended))
                if (Session *s = find(id)) {
                    qCInfo(lcStream).noquote()
                        << "closing the console of" << s->principal.actorName() << ": its sign-in ended";
                    closeSession(*s, Wire::Close::signedOut,
                                 QStringLiteral("Your session has ended: sign in again"));
                }
        });
}

void StreamHub::recordInstance(Db &db, const QString &instanceId)
{
    db.exec(QStringLiteral("INSERT INTO server_instances (id, hostname, pid) VALUES (?::uuid, ?, ?) "
                           "ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()"),
            {instanceId, QHostInfo::localHostName(), qint64(QCoreApplication::applicationPid())});
}

void StreamHub::refreshPresence()
{
    if (m_presenceQueryRunning) {
        m_presenceQueryAgain = true;
        return;
    }
    m_presenceQueryRunning = true;
    m_pool->run<QString>(
        this,
        [](Db &db) {
            try {
                return db.scalar(QStringLiteral("SELECT chat_agents_online()::text")).toString();
            } catch (const DbError &) {
                return QString();
            }
        },
        [this](QString online) {
            m_presenceQueryRunning = false;
            if (!online.isEmpty() && online != m_online) {
                m_online = online;
                const QString frame = presenceFrame();
                const QList<qint64> ids = m_sessions.keys();
                for (qint64 id : ids)
                    if (Session *s = find(id); s && s->state == State::Live)
                        send(*s, frame);
            }
            if (std::exchange(m_presenceQueryAgain, false))
                refreshPresence();
        });
}

QString StreamHub::presenceFrame() const
{
    return QStringLiteral("{\"type\":\"%1\",\"online\":").arg(Wire::Frame::presence) + m_online +
           QLatin1Char('}');
}

void StreamHub::shutdown()
{
    m_stopping->store(true); // a heartbeat still queued must not bring this instance back
    m_pingTimer.stop();
    m_stallTimer.stop();
    m_presenceTimer.stop();
    m_pool->post([instance = m_instanceId.toString(QUuid::WithoutBraces)](Db &db) {
        try {
            db.exec(QStringLiteral("DELETE FROM server_instances WHERE id = ?::uuid"), {instance});
        } catch (const DbError &e) {
            qCDebug(lcStream) << "could not remove this instance's presence:" << e.message();
        }
    });
    const QList<qint64> ids = m_sessions.keys();
    for (qint64 id : ids)
        if (Session *s = find(id)) {
            s->presenceStored = false; // removed with the instance row
            closeSession(*s, Wire::Close::goingAway,
                         QStringLiteral("The server is stopping: connect again and resume"));
        }
}
