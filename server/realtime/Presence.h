#pragma once

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>
#include <QUuid>
#include <atomic>
#include <memory>

class Db;
class DbPool;

// Which agents are online, across every instance on the database: this instance's row in
// server_instances with its heartbeat, a row in agent_presence per agent's console that is live here, and
// the online list (chat_agents_online()) the consoles are sent. Lives on the main thread; the SQL runs on
// the pool.
class Presence : public QObject {
    Q_OBJECT
public:
    // An agent's console, as the heartbeat records it.
    struct Console {
        qint64 connectionId = 0;
        int agentId = 0;
        qint64 sessionId = 0; // the agent's sign-in
    };

    Presence(DbPool *pool, const QUuid &instanceId, QObject *parent = nullptr);

    // Writes this instance's row with a fresh heartbeat (at start, then every heartbeat()).
    static void recordInstance(Db &db, const QString &instanceId);
    // An agent's console went live here / is gone.
    void consoleOnline(qint64 connectionId, int agentId, const QString &remote);
    void consoleGone(qint64 connectionId);
    // Records this instance and exactly these consoles as online, tidies away dead instances, and reports
    // the consoles whose sign-in ended (signInsEnded).
    void heartbeat(const QList<Console> &consoles);
    // Reads the online list again; onlineChanged() when it differs.
    void refresh();
    // The {"type":"presence"} frame of the online list.
    QString frame() const;
    // Removes this instance's presence (a clean stop); no heartbeat brings it back.
    void shutdown();
    // Consoles of this instance were handed the agent.requested events of these requests (ticket id, or
    // unassigned message id) at `at`: the earliest such moment, over all instances, is the request's
    // alerted_at, the end of its time to alert.
    void requestsAlerted(const QList<std::pair<int, qint64>> &requests, const QDateTime &at);

Q_SIGNALS:
    void onlineChanged();
    void signInsEnded(const QList<qint64> &connectionIds);

private:
    DbPool *m_pool;
    QUuid m_instanceId;
    QString m_online = QStringLiteral("[]");
    bool m_queryRunning = false;
    bool m_queryAgain = false;
    std::shared_ptr<std::atomic<bool>> m_stopping = std::make_shared<std::atomic<bool>>(false);
};
