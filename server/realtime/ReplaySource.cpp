#include "ReplaySource.h"

#include "base/Logging.h"
#include "db/Db.h"
#include "db/DbPool.h"

#include <QSqlQuery>

namespace {

constexpr int replayPage = 1000;
// Events written to a console at a time from memory, in bytes (more when one event alone is larger).
constexpr qsizetype batchBytes = 64 * 1024;

// Events (from, to] from the database; empty when they could not be read.
QList<StreamEvent> readEvents(Db &db, qint64 from, qint64 to)
{
    QList<StreamEvent> page;
    try {
        QSqlQuery &q = db.exec(QStringLiteral("SELECT seq, chat_event_frame(e) FROM chat_events e "
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
}

} // namespace

ReplaySource::ReplaySource(DbPool *pool, int ringCapacity)
    : m_pool(pool)
    , m_capacity(ringCapacity)
{}

void ReplaySource::setLatest(qint64 latest)
{
    m_ring.clear();
    m_batchAfter = m_batchTo = -1;
    m_latest = latest;
}

void ReplaySource::startOver(qint64 latest)
{
    ++m_epoch;
    setLatest(latest);
}

void ReplaySource::add(const QList<StreamEvent> &events)
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
    while (m_ring.size() > size_t(m_capacity))
        m_ring.pop_front();
}

EventRun ReplaySource::recent(qint64 after) const
{
    const auto first = size_t(after + 1 - ringFirst());
    if (after == m_batchAfter && m_latest == m_batchTo)
        return EventRun(m_ring, first, m_ring.size(), m_batch);
    size_t end = first;
    qsizetype bytes = 0;
    while (end < m_ring.size() && bytes < batchBytes)
        bytes += m_ring.at(end++).wire.size();
    return EventRun(m_ring, first, end);
}

void ReplaySource::share(EventRun &run, qint64 after)
{
    if (!run.hasFrames() || run.lastSeq() != m_latest)
        return;
    m_batchAfter = after;
    m_batchTo = m_latest;
    m_batch = run.frames();
}

void ReplaySource::readPage(QObject *context, qint64 after, std::function<void(QList<StreamEvent>)> done)
{
    const qint64 from = after;
    const qint64 to = std::min(ringFirst() - 1, from + replayPage);
    m_pool->run<QList<StreamEvent>>(
        context, [from, to](Db &db) { return readEvents(db, from, to); },
        [this, from, to, epoch = m_epoch, done = std::move(done)](QList<StreamEvent> page) {
            if (epoch != m_epoch)
                return; // the event table started over meanwhile (startOver())
            if (page.size() != to - from || page.first().seq != from + 1)
                page.clear();
            done(std::move(page));
        });
}

void ReplaySource::readNewest(QObject *context, std::function<void(qint64)> done)
{
    m_pool->run<qint64>(
        context,
        [](Db &db) -> qint64 {
            try {
                return db.scalar(QStringLiteral("SELECT coalesce(max(seq), 0) FROM chat_events"))
                    .toLongLong();
            } catch (const DbError &) {
                return -1;
            }
        },
        std::move(done));
}
