#include "Presence.h"

#include "WireProtocol.h"
#include "base/Logging.h"
#include "db/Db.h"
#include "db/DbPool.h"

#include <QCoreApplication>
#include <QHostInfo>
#include <QSqlQuery>
#include <QStringList>

namespace {

// The consoles as PostgreSQL array literals, one per column.
struct ConsoleArrays {
    QString connections;
    QString agents;
    QString sessions;
};

ConsoleArrays arrays(const QList<Presence::Console> &consoles)
{
    QStringList connections;
    QStringList agents;
    QStringList sessions;
    for (const Presence::Console &c : consoles) {
        connections << QString::number(c.connectionId);
        agents << QString::number(c.agentId);
        sessions << QString::number(c.sessionId);
    }
    const auto array = [](const QStringList &l) {
        return QLatin1Char('{') + l.join(QLatin1Char(',')) + QLatin1Char('}');
    };
    return {array(connections), array(agents), array(sessions)};
}

// This instance's agents' consoles in agent_presence: exactly `c`.
void recordConsoles(Db &db, const QString &instance, const ConsoleArrays &c)
{
    db.exec(QStringLiteral("DELETE FROM agent_presence WHERE instance_id = ?::uuid AND NOT "
                           "(connection_id = ANY (?::bigint[]))"),
            {instance, c.connections});
    db.exec(QStringLiteral("INSERT INTO agent_presence (instance_id, connection_id, agent_id) "
                           "SELECT ?::uuid, c, a FROM unnest(?::bigint[], ?::integer[]) AS x(c, a) "
                           "ON CONFLICT DO NOTHING"),
            {instance, c.connections, c.agents});
}

// The connections whose sign-in ended since they connected.
QList<qint64> endedSignIns(Db &db, const ConsoleArrays &c)
{
    QList<qint64> ended;
    QSqlQuery &q = db.exec(
        QStringLiteral("SELECT x.c FROM unnest(?::bigint[], ?::bigint[]) AS x(c, s) WHERE NOT EXISTS "
                       "(SELECT 1 FROM agent_sessions t JOIN agents a ON a.id = t.agent_id WHERE t.id = "
                       "x.s AND t.revoked_at IS NULL AND t.expires_at > now() AND a.disabled_at IS NULL)"),
        {c.connections, c.sessions});
    while (q.next())
        ended << q.value(0).toLongLong();
    q.finish();
    return ended;
}

// Instances silent for long are gone for good: one instance at a time tidies them away.
void tidyDeadInstances(Db &db)
{
    db.transaction([&] {
        if (db.scalar(QStringLiteral("SELECT pg_try_advisory_xact_lock(hashtext('liftline.instances.tidy'))"))
                .toBool())
            db.exec(QStringLiteral("DELETE FROM server_instances WHERE heartbeat_at < now() - "
                                   "liftline_instance_timeout() * 15"));
    });
}

QList<qint64> beat(Db &db, const QString &instance, const ConsoleArrays &consoles)
{
    QList<qint64> ended;
    try {
        db.transaction([&] {
            Presence::recordInstance(db, instance);
            recordConsoles(db, instance, consoles);
        });
        ended = endedSignIns(db, consoles);
        tidyDeadInstances(db);
    } catch (const DbError &e) {
        qCDebug(lcStream) << "heartbeat skipped:" << e.message();
    }
    return ended;
}

} // namespace

Presence::Presence(DbPool *pool, const QUuid &instanceId, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_instanceId(instanceId)
{}

void Presence::recordInstance(Db &db, const QString &instanceId)
{
    db.exec(QStringLiteral("INSERT INTO server_instances (id, hostname, pid) VALUES (?::uuid, ?, ?) "
                           "ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()"),
            {instanceId, QHostInfo::localHostName(), qint64(QCoreApplication::applicationPid())});
}

void Presence::consoleOnline(qint64 connectionId, int agentId, const QString &remote)
{
    m_pool->post([instance = m_instanceId, connectionId, agentId, remote](Db &db) {
        try {
            db.exec(
                QStringLiteral("INSERT INTO agent_presence (instance_id, connection_id, agent_id, remote) "
                               "VALUES (?::uuid, ?, ?, ?) ON CONFLICT DO NOTHING"),
                {instance.toString(QUuid::WithoutBraces), connectionId, agentId, remote});
        } catch (const DbError &e) {
            qCWarning(lcStream) << "could not record a console as online:" << e.message();
        }
    });
}

void Presence::consoleGone(qint64 connectionId)
{
    m_pool->post([instance = m_instanceId, connectionId](Db &db) {
        try {
            db.exec(QStringLiteral("DELETE FROM agent_presence WHERE instance_id = ?::uuid AND "
                                   "connection_id = ?"),
                    {instance.toString(QUuid::WithoutBraces), connectionId});
        } catch (const DbError &e) {
            qCWarning(lcStream) << "could not record a console as gone:" << e.message();
        }
    });
}

void Presence::heartbeat(const QList<Console> &consoles)
{
    // Every few seconds, in one short job ahead of background work (a late heartbeat drops this instance's
    // consoles everywhere): the instance row, written again if it was taken for dead and removed; the
    // presence of its agents' consoles set to exactly the ones connected, which also repairs an insert and a
    // delete that ran out of order or failed; and the sessions whose sign-in ended since they connected.
    m_pool->run<QList<qint64>>(
        this,
        [stopping = m_stopping, instance = m_instanceId.toString(QUuid::WithoutBraces),
         consoles = arrays(consoles)](Db &db) {
            if (stopping->load())
                return QList<qint64>();
            return beat(db, instance, consoles);
        },
        [this](QList<qint64> ended) { Q_EMIT signInsEnded(ended); });
}

void Presence::refresh()
{
    if (m_queryRunning) {
        m_queryAgain = true;
        return;
    }
    m_queryRunning = true;
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
            m_queryRunning = false;
            if (!online.isEmpty() && online != m_online) {
                m_online = online;
                Q_EMIT onlineChanged();
            }
            if (std::exchange(m_queryAgain, false))
                refresh();
        });
}

QString Presence::frame() const
{
    return QStringLiteral("{\"type\":\"%1\",\"online\":").arg(Wire::Frame::presence) + m_online +
           QLatin1Char('}');
}

void Presence::shutdown()
{
    m_stopping->store(true); // a heartbeat still queued must not bring this instance back
    m_pool->post([instance = m_instanceId.toString(QUuid::WithoutBraces)](Db &db) {
        try {
            db.exec(QStringLiteral("DELETE FROM server_instances WHERE id = ?::uuid"), {instance});
        } catch (const DbError &e) {
            qCDebug(lcStream) << "could not remove this instance's presence:" << e.message();
        }
    });
}

void Presence::requestsAlerted(const QList<std::pair<int, qint64>> &requests, const QDateTime &at)
{
    const QString when = at.toUTC().toString(Qt::ISODateWithMs);
    m_pool->postBackground([requests, when](Db &db) {
        try {
            for (const auto &[ticket, unassigned] : requests)
                db.exec(
                    QStringLiteral(
                        "UPDATE agent_requests SET alerted_at = least(coalesce(alerted_at, ?::timestamptz), "
                        "?::timestamptz) WHERE id = (SELECT id FROM agent_requests WHERE ticket_id = ? OR "
                        "unassigned_id = ? ORDER BY id DESC LIMIT 1)"),
                    {when, when, ticket, unassigned});
        } catch (const DbError &e) {
            qCDebug(lcStream) << "the time a request reached the consoles was not stored:" << e.message();
        }
    });
}
