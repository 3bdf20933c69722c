#include "DbPool.h"

#include "Db.h"
#include "Logging.h"

DbPool::DbPool(const DbParams &params, int threads, QObject *parent)
    : QObject(parent)
    , m_params(params)
{
    static std::atomic<int> poolNumber{0};
    const int pool = ++poolNumber;
    for (int i = 0; i < std::max(1, threads); ++i)
        m_threads.emplace_back([this, i, pool] {
            pthread_setname_np(pthread_self(), QStringLiteral("liftline-db%1").arg(i).toLatin1().constData());
            workerLoop(pool * 1000 + i);
        });
}

DbPool::~DbPool()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    for (std::thread &t : m_threads)
        t.join();
}

void DbPool::post(Job job)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(std::move(job));
    }
    m_wake.notify_one();
}

void DbPool::postFirst(Job job)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_front(std::move(job));
    }
    m_wake.notify_one();
}

int DbPool::queueDepth() const
{
    std::lock_guard lock(m_mutex);
    return int(m_queue.size());
}

void DbPool::workerLoop(int index)
{
    Db db(m_params, QStringLiteral("liftline-pool-%1").arg(index));
    for (;;) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            // Drain what is queued before stopping, so every request still gets its answer.
            if (m_queue.empty())
                return;
            job = std::move(m_queue.front());
            m_queue.pop_front();
        }
        ++m_busy;
        try {
            job(db);
        } catch (const DbError &e) {
            qCWarning(lcDb) << "database job failed outside its own handling:" << e.message();
        } catch (const std::exception &e) {
            qCCritical(lcDb) << "database job threw:" << e.what();
        }
        db.rollback();
        --m_busy;
        ++m_jobsDone;
    }
}
