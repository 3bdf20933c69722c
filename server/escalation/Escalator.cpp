#include "Escalator.h"

#include "base/Logging.h"
#include "db/Db.h"
#include "db/DbPool.h"

#include <QSqlQuery>

Escalator::Escalator(DbPool *pool, Settings settings, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_settings(std::move(settings))
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &Escalator::poll);
    m_timer.start(0);
}

void Escalator::poll()
{
    if (m_busy)
        return;
    m_busy = true;
    struct Pass {
        int taken = 0;
        qint64 nextDueMs = -1; // -1: nothing waits
        bool failed = false;
    };
    const QString channels = QLatin1Char('{') + m_settings.channels.join(QLatin1Char(',')) + QLatin1Char('}');
    m_pool->run<Pass>(
        this,
        [instance = m_settings.instanceId, channels, batch = m_settings.batch](Db &db) {
            Pass pass;
            try {
                QSqlQuery &q = db.exec(QStringLiteral("SELECT taken, next_due_ms FROM "
                                                      "escalation_take_due(?, ?::text[], ?)"),
                                       {instance, channels, batch});
                if (q.next()) {
                    pass.taken = q.value(0).toInt();
                    pass.nextDueMs = q.value(1).isNull() ? -1 : q.value(1).toLongLong();
                }
                q.finish();
                if (pass.taken == batch)
                    pass.nextDueMs = 0; // more may be due
            } catch (const DbError &e) {
                qCWarning(lcEscalation).noquote()
                    << "escalation steps not taken, trying again:" << e.message();
                pass.failed = true;
            }
            return pass;
        },
        [this](Pass pass) {
            m_busy = false;
            if (pass.taken > 0) {
                qCInfo(lcEscalation) << pass.taken << "escalation step(s) taken";
                Q_EMIT stepsTaken(pass.taken);
            }
            schedule(pass.failed ? 1000 : pass.nextDueMs);
        });
}

void Escalator::schedule(qint64 nextDueMs)
{
    qint64 wait = m_settings.pollMs;
    if (nextDueMs >= 0 && nextDueMs < wait)
        wait = nextDueMs;
    m_timer.start(int(std::max<qint64>(0, wait)));
}
