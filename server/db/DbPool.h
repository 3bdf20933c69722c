#pragma once

#include "DbParams.h"

#include <QObject>
#include <QPointer>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

class Db;

// A fixed set of threads, each owning one PostgreSQL connection. Work is queued to whichever thread is
// free; results go back to the caller's thread with run()'s continuation. Keeps the HTTP thread free.
class DbPool : public QObject {
    Q_OBJECT
public:
    using Job = std::function<void(Db &)>;

    DbPool(const DbParams &params, int threads, QObject *parent = nullptr);
    ~DbPool() override;

    // Runs job on a database thread; a transaction it left open is rolled back.
    void post(Job job);
    // Runs job before everything queued: for work a client is waiting on while background work piles up
    // (storing a webhook body ahead of processing earlier ones).
    void postFirst(Job job);

    // Runs work on a database thread, then done(result) on context's thread, unless context is gone.
    template<class R>
    void run(QObject *context, std::function<R(Db &)> work, std::function<void(R)> done, bool first = false)
    {
        QPointer<QObject> guard(context);
        Job job = [guard, work = std::move(work), done = std::move(done)](Db &db) mutable {
            R result = work(db);
            if (!guard)
                return;
            QMetaObject::invokeMethod(
                guard.data(),
                [guard, done = std::move(done), result = std::move(result)]() mutable {
                    if (guard)
                        done(std::move(result));
                },
                Qt::QueuedConnection);
        };
        if (first)
            postFirst(std::move(job));
        else
            post(std::move(job));
    }

    int threadCount() const { return int(m_threads.size()); }
    int queueDepth() const;
    int busyThreads() const { return m_busy.load(); }
    quint64 jobsDone() const { return m_jobsDone.load(); }
    const DbParams &params() const { return m_params; }

private:
    void workerLoop(int index);

    DbParams m_params;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Job> m_queue;
    bool m_stopping = false;
    std::vector<std::thread> m_threads;
    std::atomic<int> m_busy{0};
    std::atomic<quint64> m_jobsDone{0};
};
