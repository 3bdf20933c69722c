#include "DbPool.h"

#include "Db.h"
#include "base/Logging.h"

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

void DbPool::post(Job job, Priority priority)
{
    {
        std::lock_guard lock(m_mutex);
        switch (priority) {
        case Priority::Request:
            m_requests.push_back(std::move(job));
            break;
        case Priority::Background:
            m_background.push_back(std::move(job));
            break;
        }
    }
    // Every waiting thread checks: the one woken may not be allowed to take background work.
    m_wake.notify_all();
}

int DbPool::queueDepth() const
{
    std::lock_guard lock(m_mutex);
    return int(m_requests.size() + m_background.size());
}

int DbPool::backgroundQueueDepth() const
{
    std::lock_guard lock(m_mutex);
    return int(m_background.size());
}

void DbPool::workerLoop(int index)
{
    Db db(m_params, QStringLiteral("liftline-pool-%1").arg(index));
    // This server numbers what it writes itself (Sequencer, Events::sequence), so its writes skip the
    // per-transaction NOTIFY that other systems' writes send (sql/011).
    db.setSessionSetting(QStringLiteral("liftline.writer"), QStringLiteral("server"));
    try {
        db.open();
    } catch (const DbError &) {
        // The first job opens it, or answers that the database is away.
    }
    for (;;) {
        Job job;
        bool background = false;
        {
            std::unique_lock lock(m_mutex);
            const auto backgroundAllowed = [this] {
                return !m_background.empty() && m_backgroundRunning < backgroundLimit();
            };
            m_wake.wait(lock, [&] { return m_stopping || !m_requests.empty() || backgroundAllowed(); });
            if (!m_requests.empty()) {
                job = std::move(m_requests.front());
                m_requests.pop_front();
            } else if (backgroundAllowed() || (m_stopping && !m_background.empty())) {
                job = std::move(m_background.front());
                m_background.pop_front();
                background = true;
                ++m_backgroundRunning;
            } else {
                // Stopping: what was queued has been drained, so every request got its answer.
                return;
            }
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
        if (background) {
            {
                std::lock_guard lock(m_mutex);
                --m_backgroundRunning;
            }
            m_wake.notify_all();
        }
    }
}
