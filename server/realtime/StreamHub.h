#pragma once

#include "EventListener.h"
#include "base/TrustedProxies.h"
#include "domain/Principal.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>
#include <QUuid>
#include <QWebSocket>
#include <atomic>
#include <deque>
#include <memory>

class Auth;
class Db;
class DbPool;

// The event stream of GET /api/chat/stream (API.md): every console's WebSocket, the recent events kept
// in memory for replay, and the agents' presence. Lives on the main thread; the database work runs on the
// pool.
//
// A console's life: its credentials (from the upgrade request) are checked first, and a failure closes
// with 1008 before any frame; it must send {"type":"resume","after":N} within resumeTimeoutMs (else 1002);
// then it gets every event after N in order, {"type":"ready"}, the current presence, and live events,
// each exactly once. A gap larger than maxReplay, or an N beyond the newest event, gets {"type":"reset"},
// after which the server waits for another resume. A console that stops answering pings is closed.
//
// Memory stays bounded however slow a console is: events are written to a console only while its unsent
// data is below maxBufferedBytes; it then continues when its socket drains, from memory or, once it has
// fallen behind what memory keeps, from the database. A console that takes nothing for stallMs, or falls
// more than maxReplay events behind, is closed with 1013 and a reason, so it reconnects and resumes.
class StreamHub : public QObject {
    Q_OBJECT
public:
    struct Settings {
        int resumeTimeoutMs = 10000;
        int pingIntervalMs = 20000;        // a console missing one whole interval is closed
        int presenceIntervalMs = 5000;     // heartbeat, and the online list checked again
        qint64 maxReplay = 100000;         // events; a larger gap gets reset
        int ringCapacity = 20000;          // recent events kept in memory for replay
        qint64 maxBufferedBytes = 1 << 20; // unsent bytes at which a console is sent nothing more for now
        int stallMs = 30000;               // a console that takes no data for this long is too slow
        TrustedProxies proxies;            // whose X-Forwarded-For names the console's address
    };

    StreamHub(DbPool *pool, const Auth *auth, const QUuid &instanceId, Settings settings,
              QObject *parent = nullptr);
    ~StreamHub() override;

    // Events numbered up to `latest` exist already: the first live event is latest + 1.
    void setLatest(qint64 latest);
    // The connection of an upgrade request on /api/chat/stream, before the HTTP server hands it to the
    // WebSocket server: adopt() then writes events straight to it (see Session::wire).
    void expectUpgrade(QTcpSocket *connection);
    // Takes over a socket the HTTP server upgraded on /api/chat/stream.
    void adopt(std::unique_ptr<QWebSocket> socket);
    // Consecutive events in order, from the listener.
    void addEvents(const QList<StreamEvent> &events);
    // The event table holds fewer events than were passed on (the database was restored or recreated):
    // every console is told to reload (reset).
    void restart(qint64 latest);
    // Some instance's consoles changed: read the online list again and tell the consoles if it differs.
    void refreshPresence();
    // Writes this instance's row with a fresh heartbeat (at start, then every presenceIntervalMs).
    static void recordInstance(Db &db, const QString &instanceId);
    // Removes this instance's presence (a clean stop).
    void shutdown();

    // The "after" of a console's {"type":"resume","after":N}, or -1 when the text is anything else.
    static qint64 resumeAfter(const QString &text);

    int connectionCount() const { return int(m_sessions.size()); }
    int liveCount() const;
    // Consoles whose events are written straight to their connection (Session::wire).
    int directCount() const;
    quint64 slowClosed() const { return m_slowClosed; }
    quint64 deadClosed() const { return m_deadClosed; }
    qint64 latest() const { return m_latest; }

private:
    enum class State { Authenticating, AwaitingResume, Replaying, Live, Closing };
    struct Session {
        qint64 id = 0;
        QWebSocket *socket = nullptr; // owned by the hub (its parent)
        // The TCP connection under `socket`. Events, already framed (StreamEvent::wire), are written to it
        // directly: one shared buffer per console per batch instead of a conversion, a header and a
        // payload write per event and console. QWebSocket writes its own frames (pings, close, ready) to
        // the same connection in call order, whole frames each. Null if it could not be matched, and
        // then events go through `socket`.
        QPointer<QTcpSocket> wire;
        State state = State::Authenticating;
        Principal principal;
        QString remote;
        qint64 lastSent = 0;
        bool fetching = false;      // a replay page is being read from the database
        QElapsedTimer blockedSince; // valid while its unsent data is above the limit
        bool pongSeen = true;
        bool presenceStored = false;
        QString earlyFrame; // a resume that came before the credentials were checked
        QTimer *resumeTimer = nullptr;
    };

    Session *find(qint64 id) const;
    void authenticated(qint64 id, const Principal &principal, const QString &error);
    void onText(qint64 id, const QString &text);
    void beginReplay(Session &s, qint64 after);
    void pump(Session &s);
    bool sendEvents(Session &s, const StreamEvent *first, qsizetype count);
    void goLive(Session &s);
    bool send(Session &s, const QString &frame);
    void closeSession(Session &s, int code, const QString &reason);
    void removeSession(qint64 id);
    void sendReset(Session &s);
    void pingAll();
    void closeStalled();
    void tooSlow(Session &s, const QString &why);
    void heartbeat();
    QString presenceFrame() const;

    DbPool *m_pool;
    const Auth *m_auth;
    QUuid m_instanceId;
    Settings m_settings;
    std::deque<StreamEvent> m_ring; // consecutive, ending at m_latest
    // The newest events as one buffer, for the live consoles that all need the same ones.
    qint64 m_batchAfter = -1;
    qint64 m_batchTo = -1;
    QByteArray m_batch;
    struct Upgrade {
        QPointer<QTcpSocket> connection;
        QElapsedTimer since;
    };
    QList<Upgrade> m_upgrades;
    qint64 m_latest = 0;
    quint64 m_epoch = 0; // changes when the event table starts over
    QHash<qint64, Session *> m_sessions;
    qint64 m_nextId = 0;
    QTimer m_pingTimer;
    QTimer m_stallTimer;
    QTimer m_presenceTimer;
    QString m_online = QStringLiteral("[]");
    bool m_presenceQueryRunning = false;
    bool m_presenceQueryAgain = false;
    std::shared_ptr<std::atomic<bool>> m_stopping = std::make_shared<std::atomic<bool>>(false);
    quint64 m_slowClosed = 0;
    quint64 m_deadClosed = 0;
};
