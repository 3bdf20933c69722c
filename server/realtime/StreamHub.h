#pragma once

#include "EventListener.h"
#include "Presence.h"
#include "ReplaySource.h"
#include "StreamSession.h"
#include "StreamSettings.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>
#include <QUuid>
#include <QWebSocket>
#include <functional>
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
//
// The hub coordinates: it adopts upgraded connections, owns one StreamSession per console (its state
// machine), passes new events on to all of them, and runs the timers. ReplaySource keeps and reads the
// events, Presence the SQL of who is online, a FrameWriter writes one console's events.
class StreamHub : public QObject {
    Q_OBJECT
public:
    using Settings = StreamSettings;

    StreamHub(DbPool *pool, const Auth *auth, const QUuid &instanceId, Settings settings,
              QObject *parent = nullptr);
    ~StreamHub() override;

    // Events numbered up to `latest` exist already: the first live event is latest + 1.
    void setLatest(qint64 latest);
    // The connection of an upgrade request on /api/chat/stream, before the HTTP server hands it to the
    // WebSocket server: adopt() then writes events straight to it (DirectFrameWriter), unless
    // Settings::directWrite is off.
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
    static qint64 resumeAfter(const QString &text) { return StreamSession::resumeAfter(text); }

    int connectionCount() const { return int(m_sessions.size()); }
    int liveCount() const;
    // Consoles whose events are written straight to their connection (DirectFrameWriter).
    int directCount() const;
    quint64 slowClosed() const { return m_slowClosed; }
    quint64 deadClosed() const { return m_deadClosed; }
    qint64 latest() const { return m_replay.latest(); }

private:
    QTcpSocket *takeUpgrade(const QWebSocket &socket);
    void remove(qint64 id);
    // Writes what each console is owed (queued by addEvents, once however many batches arrive).
    void pumpAll();
    // Calls `f` for each session; `f` may close (and, later, remove) sessions.
    void forEachSession(const std::function<void(StreamSession &)> &f);
    int countSessions(const std::function<bool(const StreamSession &)> &f) const;
    void pingAll();
    void closeStalled();
    void heartbeat();
    void signInsEnded(const QList<qint64> &ids);
    void broadcastPresence();

    Settings m_settings;
    ReplaySource m_replay;
    Presence m_presence;
    StreamSession::Services m_services;
    struct Upgrade {
        QPointer<QTcpSocket> connection;
        QElapsedTimer since;
    };
    QList<Upgrade> m_upgrades;
    QHash<qint64, QPointer<StreamSession>> m_sessions;
    qint64 m_nextId = 0;
    QTimer m_pingTimer;
    QTimer m_stallTimer;
    QTimer m_presenceTimer;
    bool m_pumpQueued = false;
    QList<std::pair<int, qint64>> m_alerting; // agent.requested events not handed to consoles yet
    quint64 m_slowClosed = 0;
    quint64 m_deadClosed = 0;
};
