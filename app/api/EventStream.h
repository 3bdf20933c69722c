#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

// The console's end of GET /api/chat/stream (API.md). It resumes after the last event number it passed
// on, so a dropped connection loses nothing and repeats nothing; it reconnects by itself with a growing
// delay; a 1008 close (credentials refused) stops it and says "sign in again" instead of retrying.
class QNetworkAccessManager;
class QNetworkReply;

class EventStream : public QObject {
    Q_OBJECT
public:
    enum class State {
        Offline,      // not started, or stopped
        Connecting,   // first connection, or replaying what was missed
        Live,         // after "ready"
        Reconnecting, // waiting before the next attempt
        SignedOut,    // the server refused the credentials (1008)
    };
    Q_ENUM(State)

    explicit EventStream(QObject *parent = nullptr);

    // Connects to base's /api/chat/stream with the token and resumes after `after`.
    void start(const QUrl &base, const QByteArray &token, qint64 after);
    void stop();
    // After a "reset" the console reloads its snapshot and goes on from the snapshot's number.
    void resumeAfterReset(qint64 seq);
    // Drops the connection as a network failure would; it reconnects and resumes by itself.
    void dropConnection();
    // While waiting to reconnect: try now (the agent pressed "Reconnect now").
    void reconnectNow();

    State state() const { return m_state; }
    qint64 lastSeq() const { return m_lastSeq; }
    // The server's clock minus this machine's, from the last "ready" (0 before it).
    qint64 clockOffsetMs() const { return m_clockOffsetMs; }
    // Seconds before the next attempt while Reconnecting.
    int retryInSeconds() const;
    // When the connection was last live, while it is not (invalid before it ever was, and while live).
    QDateTime offlineSince() const { return m_offlineSince; }

    // Delays between attempts: 0.5 s doubling up to maxBackoffMs, with a little jitter.
    void setBackoff(int firstMs, int maxMs)
    {
        m_firstBackoffMs = firstMs;
        m_maxBackoffMs = maxMs;
    }
    // A connection that brings nothing (not even the server's pings) for this long is taken as dead.
    void setSilenceTimeoutMs(int ms) { m_silenceMs = ms; }
    // While waiting longer than this to reconnect, the server's /readyz is asked this often, and a 200
    // reconnects at once: a restarted server is back on every console within about this long, however
    // far the backoff has grown.
    void setReadinessProbeMs(int ms) { m_probeTimer.setInterval(ms); }

Q_SIGNALS:
    void stateChanged(EventStream::State state);
    void eventReceived(qint64 seq, const QString &event, int ticketId, const QJsonObject &data);
    void ready(qint64 seq, const QDateTime &serverTime);
    void presenceChanged(const QJsonArray &online);
    // The server cannot replay the gap: reload the snapshot, then call resumeAfterReset(its seq).
    void resetRequested();
    void signedOut(const QString &reason);

private:
    void open();
    // Lets go of the connection without treating it as a drop (no reconnect); politely: a close frame.
    void dropSocket(bool politely);
    void onText(const QString &text);
    void onClosed();
    void scheduleRetry();
    void setState(State state);
    void probeReadiness();

    QWebSocket *m_socket = nullptr;
    QUrl m_url;
    QByteArray m_token;
    qint64 m_lastSeq = 0;
    qint64 m_clockOffsetMs = 0;
    State m_state = State::Offline;
    QTimer m_retryTimer;
    QTimer m_silenceTimer;
    QTimer m_pingTimer;
    QTimer m_probeTimer;
    QNetworkAccessManager *m_probe = nullptr;
    QPointer<QNetworkReply> m_probeReply;
    QUrl m_readyUrl;
    QDateTime m_offlineSince;
    int m_attempt = 0;
    int m_firstBackoffMs = 500;
    int m_maxBackoffMs = 15000;
    int m_silenceMs = 50000;
};
