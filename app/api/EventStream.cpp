#include "EventStream.h"

#include "ConsoleLogging.h"
#include "WireProtocol.h"
#include "WireTime.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>

EventStream::EventStream(QObject *parent)
    : QObject(parent)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &EventStream::open);
    m_silenceTimer.setSingleShot(true);
    connect(&m_silenceTimer, &QTimer::timeout, this, [this] {
        qCInfo(lcWs) << "nothing from the server for" << m_silenceMs << "ms: connecting again";
        if (m_socket)
            m_socket->abort();
    });
    // The server pings every 10 s (by default); our own pings find a dead connection from this side too.
    m_pingTimer.setInterval(15000);
    connect(&m_pingTimer, &QTimer::timeout, this, [this] {
        if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState)
            m_socket->ping();
    });
    m_probeTimer.setInterval(1000);
    connect(&m_probeTimer, &QTimer::timeout, this, &EventStream::probeReadiness);
}

void EventStream::start(const QUrl &base, const QByteArray &token, qint64 after)
{
    stop();
    m_url = base;
    m_url.setScheme(base.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
    QString path = base.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    m_url.setPath(path + QStringLiteral("/api/chat/stream"));
    m_token = token;
    m_lastSeq = after;
    m_attempt = 0;
    m_readyUrl = base;
    m_readyUrl.setPath(path + QStringLiteral("/readyz"));
    m_readyUrl.setQuery(QString());
    open();
}

void EventStream::stop()
{
    m_retryTimer.stop();
    m_probeTimer.stop();
    m_offlineSince = {};
    dropSocket(false);
    setState(State::Offline);
}

void EventStream::dropSocket(bool politely)
{
    m_silenceTimer.stop();
    m_pingTimer.stop();
    if (!m_socket)
        return;
    QWebSocket *socket = std::exchange(m_socket, nullptr);
    socket->disconnect(this); // no disconnected(): this is not a drop to recover from
    if (politely)
        socket->close();
    else
        socket->abort();
    socket->deleteLater();
}

void EventStream::resumeAfterReset(qint64 seq)
{
    // A new connection from the snapshot's number: the one that said "reset" was closed at once, since
    // the server closes it (1008) if no resume comes within 10 s and a reload may take longer.
    m_lastSeq = seq;
    if (!m_socket)
        open();
}

void EventStream::dropConnection()
{
    if (m_socket)
        m_socket->abort();
}

void EventStream::reconnectNow()
{
    if (m_state != State::Reconnecting)
        return;
    m_retryTimer.stop();
    open();
}

void EventStream::probeReadiness()
{
    if (m_state != State::Reconnecting || !m_readyUrl.isValid()) {
        m_probeTimer.stop();
        return;
    }
    if (m_probeReply)
        return; // the last one has not answered yet
    if (!m_probe)
        m_probe = new QNetworkAccessManager(this);
    QNetworkRequest request(m_readyUrl);
    request.setTransferTimeout(std::max(200, m_probeTimer.interval() - 100));
    m_probeReply = m_probe->get(request);
    connect(m_probeReply, &QNetworkReply::finished, this, [this, reply = m_probeReply.data()] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 200 && m_state == State::Reconnecting) {
            qCInfo(lcWs) << "the server is ready again: reconnecting now";
            m_retryTimer.stop();
            open();
        }
    });
}

int EventStream::retryInSeconds() const
{
    return m_retryTimer.isActive() ? (m_retryTimer.remainingTime() + 999) / 1000 : 0;
}

void EventStream::open()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->deleteLater();
    }
    m_probeTimer.stop();
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    connect(m_socket, &QWebSocket::connected, this, [this] {
        qCDebug(lcWs) << "connected; resuming after" << m_lastSeq;
        m_socket->sendTextMessage(
            QStringLiteral("{\"type\":\"%1\",\"after\":%2}").arg(Wire::Frame::resume).arg(m_lastSeq));
        m_silenceTimer.start(m_silenceMs);
        m_pingTimer.start();
    });
    connect(m_socket, &QWebSocket::textMessageReceived, this, &EventStream::onText);
    connect(m_socket, &QWebSocket::pong, this, [this] { m_silenceTimer.start(m_silenceMs); });
    connect(m_socket, &QWebSocket::disconnected, this, &EventStream::onClosed);
    QNetworkRequest request(m_url);
    request.setRawHeader("Authorization", "Bearer " + m_token);
    if (m_state != State::Reconnecting)
        setState(State::Connecting);
    // QWebSocket has no handshake timeout: a proxy that takes the connection and never answers the
    // upgrade would leave the console connecting for ever.
    m_silenceTimer.start(std::min(m_silenceMs, 15000));
    m_socket->open(request);
}

void EventStream::onText(const QString &text)
{
    m_silenceTimer.start(m_silenceMs);
    const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
    const QString type = frame.value(QStringLiteral("type")).toString();
    if (type == Wire::Frame::event) {
        const qint64 seq = frame.value(QStringLiteral("seq")).toInteger();
        if (seq <= m_lastSeq)
            return; // already passed on (cannot happen with a correct server; harmless if it did)
        m_lastSeq = seq;
        Q_EMIT eventReceived(seq, frame.value(QStringLiteral("event")).toString(),
                             frame.value(QStringLiteral("ticket_id")).toInt(),
                             frame.value(QStringLiteral("data")).toObject());
    } else if (type == Wire::Frame::ready) {
        m_attempt = 0;
        const QDateTime serverTime = WireTime::parse(frame.value(QStringLiteral("server_time")).toString());
        if (serverTime.isValid())
            m_clockOffsetMs = QDateTime::currentDateTimeUtc().msecsTo(serverTime);
        setState(State::Live);
        Q_EMIT ready(frame.value(QStringLiteral("seq")).toInteger(), serverTime);
    } else if (type == Wire::Frame::presence) {
        Q_EMIT presenceChanged(frame.value(QStringLiteral("online")).toArray());
    } else if (type == Wire::Frame::reset) {
        qCInfo(lcWs) << "the server cannot replay after" << m_lastSeq << ": reloading";
        dropSocket(true);
        setState(State::Connecting);
        Q_EMIT resetRequested();
    }
}

void EventStream::onClosed()
{
    auto *socket = qobject_cast<QWebSocket *>(sender());
    if (socket != m_socket)
        return;
    m_silenceTimer.stop();
    m_pingTimer.stop();
    const int code = int(socket->closeCode());
    const QString reason = socket->closeReason();
    m_socket = nullptr;
    socket->deleteLater();
    if (code == Wire::Close::signedOut) {
        qCInfo(lcWs) << "the server ended the session:" << reason;
        setState(State::SignedOut);
        Q_EMIT signedOut(reason);
        return;
    }
    qCInfo(lcWs) << "connection closed" << code << reason;
    scheduleRetry();
}

void EventStream::scheduleRetry()
{
    const int shift = std::min(m_attempt, 10);
    ++m_attempt;
    qint64 delay = std::min<qint64>(qint64(m_firstBackoffMs) << shift, m_maxBackoffMs);
    delay += QRandomGenerator::global()->bounded(qint64(delay / 5 + 1)); // consoles do not retry in step
    setState(State::Reconnecting);
    m_retryTimer.start(int(delay));
    if (delay > m_probeTimer.interval())
        m_probeTimer.start();
}

void EventStream::setState(State state)
{
    if (m_state == state)
        return;
    if (m_state == State::Live)
        m_offlineSince = QDateTime::currentDateTimeUtc();
    else if (state == State::Live)
        m_offlineSince = {};
    m_state = state;
    Q_EMIT stateChanged(state);
}
