#include "StreamSession.h"

#include "Presence.h"
#include "ReplaySource.h"
#include "WireProtocol.h"
#include "WireTime.h"
#include "auth/Auth.h"
#include "base/Logging.h"
#include "db/Db.h"
#include "db/DbPool.h"
#include "domain/DomainError.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>

namespace {

// The largest frame, and message, a console may send (its resume frame is well under 100 bytes).
constexpr quint64 maxClientMessageBytes = 4096;

} // namespace

struct StreamSession::AuthResult {
    Principal principal;
    int closeCode = 0; // 0: accepted
    QString reason;
};

// The "after" of a resume frame, or -1 when the frame is not {"type":"resume","after":N} with N >= 0.
qint64 StreamSession::resumeAfter(const QString &text)
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

StreamSession::StreamSession(qint64 id, std::unique_ptr<QWebSocket> socket, QTcpSocket *connection,
                             const Services &services, QObject *parent)
    : QObject(parent)
    , m_id(id)
    , m_socket(socket.release())
    , m_services(services)
{
    m_socket->setParent(this);
    // A console sends only small control frames: anything larger is refused from its header (1009), and
    // what is read from the connection but not yet framed stays bounded.
    m_socket->setMaxAllowedIncomingFrameSize(maxClientMessageBytes);
    m_socket->setMaxAllowedIncomingMessageSize(maxClientMessageBytes);
    m_socket->setReadBufferSize(4 * maxClientMessageBytes);
    m_remote = settings().proxies.clientAddress(m_socket->peerAddress(),
                                                m_socket->request().rawHeader("X-Forwarded-For"));
    if (connection)
        m_writer = std::make_unique<DirectFrameWriter>(connection, m_socket);
    else
        m_writer = std::make_unique<QWebSocketFrameWriter>(m_socket);
    connectSocket();
    m_resumeTimer.setSingleShot(true);
    connect(&m_resumeTimer, &QTimer::timeout, this, &StreamSession::resumeTimedOut);
}

void StreamSession::connectSocket()
{
    connect(m_socket, &QWebSocket::disconnected, this, &StreamSession::finish);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &StreamSession::onText);
    connect(m_socket, &QWebSocket::bytesWritten, this, &StreamSession::drained);
    connect(m_socket, &QWebSocket::pong, this, [this] { m_pongSeen = true; });
}

void StreamSession::start()
{
    m_resumeTimer.start(settings().resumeTimeoutMs);
    authenticate();
}

void StreamSession::authenticate()
{
    // The credentials of the upgrade request, in the same headers as a REST request's.
    const QNetworkRequest upgrade = m_socket->request();
    const QByteArray token =
        Auth::presentedToken(upgrade.rawHeader("Authorization"), upgrade.rawHeader("X-Admin-Token"),
                             upgrade.rawHeader("X-AI-Token"));
    m_services.pool->run<AuthResult>(
        this, [auth = m_services.auth, token](Db &db) { return checkCredentials(db, *auth, token); },
        [this](AuthResult r) { authenticated(r); });
}

StreamSession::AuthResult StreamSession::checkCredentials(Db &db, const Auth &auth, const QByteArray &token)
{
    AuthResult r;
    try {
        r.principal = db.retryingStaleConnection([&] { return auth.authenticate(db, token); });
    } catch (const DomainError &e) {
        r.closeCode = Wire::Close::signedOut;
        r.reason = e.message;
    } catch (const DbError &e) {
        r.closeCode = Wire::Close::tryAgainLater;
        r.reason = QStringLiteral("The database is not reachable right now; connect again shortly");
        qCWarning(lcStream) << "stream sign-in check failed:" << e.message();
    }
    return r;
}

void StreamSession::authenticated(const AuthResult &r)
{
    if (m_state != State::Authenticating)
        return;
    if (r.closeCode != 0) {
        qCInfo(lcStream).noquote() << "stream refused for" << m_remote << ":" << r.reason;
        close(r.closeCode, r.reason);
        return;
    }
    m_principal = r.principal;
    m_state = State::AwaitingResume;
    if (!m_earlyFrame.isEmpty())
        onText(std::exchange(m_earlyFrame, QString()));
}

void StreamSession::resumeTimedOut()
{
    if (m_state == State::Authenticating)
        // Our delay, not the console's fault: not a reason to sign in again.
        close(Wire::Close::tryAgainLater,
              QStringLiteral("The sign-in could not be checked in time; connect again shortly"));
    else if (m_state == State::AwaitingResume)
        // Not 1008: the credentials were good, and a console takes 1008 as "sign in again". A console
        // that stalled (a machine waking from sleep) reconnects and resumes instead.
        close(Wire::Close::protocolError,
              QStringLiteral("No resume frame within %1 s: send {\"type\":\"resume\",\"after\":N} first")
                  .arg(settings().resumeTimeoutMs / 1000.0));
}

void StreamSession::onText(const QString &text)
{
    switch (m_state) {
    case State::Authenticating:
        if (m_earlyFrame.isEmpty())
            m_earlyFrame = text.left(4096);
        return;
    case State::AwaitingResume: {
        const qint64 after = resumeAfter(text);
        if (after < 0) {
            close(Wire::Close::protocolError,
                  QStringLiteral("The first frame must be {\"type\":\"resume\",\"after\":N} with N the "
                                 "last event number seen (0 for none)"));
            return;
        }
        resume(after);
        return;
    }
    case State::Replaying:
    case State::Live:
    case State::Closing:
    case State::Finished:
        return; // consoles have nothing more to say; pings are answered by the socket itself
    }
}

void StreamSession::resume(qint64 after)
{
    m_resumeTimer.stop();
    const qint64 latest = m_services.replay->latest();
    if (after > latest) {
        resumeAhead(after);
        return;
    }
    if (latest - after > settings().maxReplay) {
        sendReset();
        return;
    }
    m_state = State::Replaying;
    m_lastSent = after;
    pump();
}

void StreamSession::resumeAhead(qint64 after)
{
    // Perhaps only ahead of this instance by a few milliseconds: ask the database.
    m_state = State::Replaying;
    m_fetching = true;
    m_services.replay->readNewest(this, [this, after](qint64 newest) {
        if (m_state != State::Replaying)
            return;
        m_fetching = false;
        if (newest < 0) {
            close(Wire::Close::tryAgainLater,
                  QStringLiteral("The database is not reachable right now; connect again shortly"));
            return;
        }
        if (after > newest) {
            sendReset();
            return;
        }
        m_lastSent = after;
        pump();
    });
}

void StreamSession::sendReset()
{
    m_state = State::AwaitingResume;
    m_fetching = false;
    if (!send(QStringLiteral("{\"type\":\"%1\"}").arg(Wire::Frame::reset)))
        return;
    m_resumeTimer.start(settings().resumeTimeoutMs);
}

void StreamSession::restartReplay()
{
    if (m_state == State::Replaying || m_state == State::Live)
        sendReset();
}

void StreamSession::pump()
{
    if ((m_state != State::Replaying && m_state != State::Live) || m_fetching || m_blockedSince.isValid())
        return;
    const ReplaySource &replay = *m_services.replay;
    if (replay.latest() - m_lastSent > settings().maxReplay) {
        tooSlow(QStringLiteral("%1 events behind").arg(replay.latest() - m_lastSent));
        return;
    }
    while (m_lastSent < replay.latest()) {
        if (blockedByUnsentData())
            return;
        if (!replay.inMemory(m_lastSent)) {
            fetchPage();
            return;
        }
        if (closing())
            return;
        writeRecent();
    }
    if (m_state == State::Replaying)
        goLive();
}

bool StreamSession::blockedByUnsentData()
{
    if (m_socket->bytesToWrite() <= settings().maxBufferedBytes)
        return false;
    m_blockedSince.start(); // continued when the socket drains (bytesWritten)
    return true;
}

void StreamSession::drained()
{
    if (!m_blockedSince.isValid())
        return;
    if (m_socket->bytesToWrite() < settings().maxBufferedBytes / 2) {
        m_blockedSince.invalidate();
        pump();
    } else {
        m_blockedSince.start(); // slow but taking data: not stalled
    }
}

// From memory, in batches of about batchBytes; the newest events are framed once for all.
void StreamSession::writeRecent()
{
    EventRun run = m_services.replay->recent(m_lastSent);
    m_writer->write(run);
    m_services.replay->share(run, m_lastSent);
    m_lastSent = run.lastSeq();
}

// Older than what is kept in memory: a page from the database.
void StreamSession::fetchPage()
{
    m_fetching = true;
    m_services.replay->readPage(this, m_lastSent, [this](QList<StreamEvent> page) { pageRead(page); });
}

void StreamSession::pageRead(const QList<StreamEvent> &page)
{
    if (closing())
        return;
    m_fetching = false;
    if (page.isEmpty()) {
        close(Wire::Close::tryAgainLater,
              QStringLiteral("Events could not be read; connect again and resume"));
        return;
    }
    EventRun run(page);
    m_writer->write(run);
    m_lastSent = run.lastSeq();
    if (m_socket->bytesToWrite() > settings().maxBufferedBytes) {
        m_blockedSince.start();
        return;
    }
    pump();
}

void StreamSession::goLive()
{
    m_state = State::Live;
    const QString ready = QStringLiteral("{\"type\":\"%1\",\"seq\":%2,\"server_time\":\"%3\"}")
                              .arg(Wire::Frame::ready)
                              .arg(m_lastSent)
                              .arg(WireTime::format(QDateTime::currentDateTimeUtc()));
    if (!send(ready) || !send(m_services.presence->frame()))
        return;
    qCInfo(lcStream).noquote() << "console live:" << m_principal.actorName() << "from" << m_remote
                               << "at event" << m_lastSent;
    if (m_principal.kind != Principal::Kind::Agent)
        return;
    m_presenceStored = true;
    m_services.presence->consoleOnline(m_id, m_principal.agentId, m_remote);
}

void StreamSession::sendPresence(const QString &frame)
{
    if (m_state == State::Live)
        send(frame);
}

bool StreamSession::send(const QString &frame)
{
    if (closing())
        return false;
    m_socket->sendTextMessage(frame);
    return true;
}

void StreamSession::ping()
{
    if (closing())
        return;
    if (m_blockedSince.isValid()) {
        // Its pong waits behind unsent data; the stall check judges it meanwhile.
        m_pongSeen = true;
        return;
    }
    if (!m_pongSeen) {
        Q_EMIT droppedSilent();
        qCInfo(lcStream).noquote() << "console" << m_principal.actorName() << "from" << m_remote
                                   << "stopped answering pings; closing";
        m_state = State::Closing;
        m_socket->abort();
        finish();
        return;
    }
    m_pongSeen = false;
    m_socket->ping();
}

void StreamSession::closeIfStalled()
{
    if (!closing() && m_blockedSince.isValid() && m_blockedSince.elapsed() > settings().stallMs)
        tooSlow(QStringLiteral("took no data for %1 s").arg(m_blockedSince.elapsed() / 1000.0));
}

void StreamSession::tooSlow(const QString &why)
{
    Q_EMIT closedTooSlow();
    qCWarning(lcStream).noquote() << "closing a console that does not keep up:" << m_principal.actorName()
                                  << "from" << m_remote << "-" << why << "; at event" << m_lastSent << "with"
                                  << m_socket->bytesToWrite() << "bytes unsent";
    close(Wire::Close::tryAgainLater,
          QStringLiteral("Too slow to keep up with the events: connect again and resume from %1")
              .arg(m_lastSent));
}

void StreamSession::signInEnded()
{
    qCInfo(lcStream).noquote() << "closing the console of" << m_principal.actorName()
                               << ": its sign-in ended";
    close(Wire::Close::signedOut, QStringLiteral("Your session has ended: sign in again"));
}

void StreamSession::closeForShutdown()
{
    m_presenceStored = false; // removed with the instance row
    close(Wire::Close::goingAway, QStringLiteral("The server is stopping: connect again and resume"));
}

void StreamSession::close(int code, const QString &reason)
{
    if (closing())
        return;
    m_state = State::Closing;
    m_resumeTimer.stop();
    QWebSocket *socket = m_socket;
    // A peer that never answers the close (or never reads) is cut off.
    QTimer::singleShot(5000, socket, [socket] { socket->abort(); });
    // May disconnect at once, which finishes the session: it is deleted later, so this call returns safely.
    socket->close(QWebSocketProtocol::CloseCode(code), reason.left(120));
}

// The connection is gone: nothing more is read or written, and the hub deletes the session later.
void StreamSession::finish()
{
    if (m_state == State::Finished)
        return;
    m_state = State::Finished;
    m_resumeTimer.stop();
    m_socket->disconnect(this);
    if (m_presenceStored)
        m_services.presence->consoleGone(m_id);
    Q_EMIT finished(m_id);
}
