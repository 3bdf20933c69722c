#pragma once

#include "FrameWriter.h"
#include "StreamSettings.h"
#include "domain/Principal.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <memory>

class Auth;
class Db;
class DbPool;
class Presence;
class ReplaySource;

// One console on the event stream (API.md), from the upgrade to the close: it owns the console's
// QWebSocket and runs its state machine. Authenticating (the upgrade's credentials, checked on the pool) ->
// AwaitingResume (until {"type":"resume","after":N}) -> Replaying (every event after N, from memory or the
// database) -> Live (ready, presence, then each new event once) -> Closing -> Finished (the connection is
// gone: finished() is emitted once, and the hub deletes the session later). A reset goes back to
// AwaitingResume. Lives on the main thread.
class StreamSession : public QObject {
    Q_OBJECT
public:
    enum class State { Authenticating, AwaitingResume, Replaying, Live, Closing, Finished };

    // What every session of a hub shares: the hub owns it all, and deletes its sessions first.
    struct Services {
        DbPool *pool = nullptr;
        const Auth *auth = nullptr;
        ReplaySource *replay = nullptr;
        Presence *presence = nullptr;
        const StreamSettings *settings = nullptr;
    };

    // Takes over `socket`; `connection` is the TCP connection under it, to write events to directly (null:
    // through `socket`).
    StreamSession(qint64 id, std::unique_ptr<QWebSocket> socket, QTcpSocket *connection,
                  const Services &services, QObject *parent = nullptr);

    // Checks the credentials and waits for the resume frame.
    void start();

    qint64 id() const { return m_id; }
    State state() const { return m_state; }
    bool isDirect() const { return m_writer->isDirect(); }
    const QString &remote() const { return m_remote; }
    // An agent's console recorded as online (Presence::consoleOnline).
    bool presenceStored() const { return m_presenceStored; }
    const Principal &principal() const { return m_principal; }

    // Writes what the console is owed, as far as its unsent data allows (new events, a drained socket).
    void pump();
    // The event table started over: a console that resumed is told to reload (reset).
    void restartReplay();
    // The online list changed: a live console is told.
    void sendPresence(const QString &frame);
    // Pings, or drops a console that did not answer the previous ping.
    void ping();
    // Closes a console that has taken no data for stallMs.
    void closeIfStalled();
    // Closes a console whose agent's sign-in ended.
    void signInEnded();
    // Closes with the server stopping; its presence goes with the instance row.
    void closeForShutdown();
    // Closes the WebSocket with `code` and `reason` (cut to 120 characters).
    void close(int code, const QString &reason);

    // The "after" of a console's {"type":"resume","after":N}, or -1 when the text is anything else.
    static qint64 resumeAfter(const QString &text);

Q_SIGNALS:
    // The connection is gone.
    void finished(qint64 id);
    // Closed for not keeping up / dropped for not answering a ping (the hub counts them).
    void closedTooSlow();
    void droppedSilent();

private:
    struct AuthResult;

    const StreamSettings &settings() const { return *m_services.settings; }
    void connectSocket();
    void authenticate();
    static AuthResult checkCredentials(Db &db, const Auth &auth, const QByteArray &token);
    void authenticated(const AuthResult &result);
    void resumeTimedOut();
    void onText(const QString &text);
    void resume(qint64 after);
    void resumeAhead(qint64 after);
    void sendReset();
    void writeRecent();
    void fetchPage();
    void pageRead(const QList<StreamEvent> &page);
    bool blockedByUnsentData();
    void drained();
    void goLive();
    bool send(const QString &frame);
    void tooSlow(const QString &why);
    bool closing() const { return m_state == State::Closing || m_state == State::Finished; }
    void finish();

    const qint64 m_id;
    QWebSocket *const m_socket; // a child of this session
    Services m_services;
    std::unique_ptr<FrameWriter> m_writer;
    QTimer m_resumeTimer;
    State m_state = State::Authenticating;
    Principal m_principal;
    QString m_remote;
    qint64 m_lastSent = 0;
    bool m_fetching = false;      // a replay page is being read from the database
    QElapsedTimer m_blockedSince; // valid while its unsent data is above the limit
    bool m_pongSeen = true;
    bool m_presenceStored = false;
    QString m_earlyFrame; // a resume that came before the credentials were checked
};
