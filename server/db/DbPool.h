#pragma once

#include "DbParams.h"

#include "CallerThread.h"
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
//
// Requests come first: a free thread takes queued request work before background work (numbering
// events, timers, webhook bodies left behind), and background work never holds more than
// backgroundLimit() threads, so a request finds a thread even while a backlog is being worked off.
class DbPool : public QObject {
    Q_OBJECT
public:
    using Job = std::function<void(Db &)>;
    enum class Priority {
        Request,    // a client is waiting; first come, first served
        Background, // nobody is waiting; bounded to backgroundLimit() threads
    };

    // Each thread connects at once, so the first requests do not wait for a connection.
    DbPool(const DbParams &params, int threads, QObject *parent = nullptr);
    ~DbPool() override;

    // Runs job on a database thread; a transaction it left open is rolled back.
    void post(Job job, Priority priority = Priority::Request);
    void postBackground(Job job) { post(std::move(job), Priority::Background); }

    // Runs work on a database thread, then done(result) on context's thread, unless context is gone.
    template<class R>
    void run(QObject *context, std::function<R(Db &)> work, std::function<void(R)> done,
             Priority priority = Priority::Request)
    {
        const CallerThread caller(context);
        post(
            [caller, work = std::move(work), done = std::move(done)](Db &db) mutable {
                caller.post(
                    [done = std::move(done), result = work(db)]() mutable { done(std::move(result)); });
            },
            priority);
    }

    int threadCount() const { return int(m_threads.size()); }
    // Half the threads, at least one: the rest stay free for requests.
    int backgroundLimit() const { return std::max(1, threadCount() / 2); }
    int queueDepth() const;
    int backgroundQueueDepth() const;
    int busyThreads() const { return m_busy.load(); }
    quint64 jobsDone() const { return m_jobsDone.load(); }
    const DbParams &params() const { return m_params; }

private:
    void workerLoop(int index);

    DbParams m_params;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Job> m_requests;
    std::deque<Job> m_background;
    int m_backgroundRunning = 0; // guarded by m_mutex
    bool m_stopping = false;
    std::vector<std::thread> m_threads;
    std::atomic<int> m_busy{0};
    std::atomic<quint64> m_jobsDone{0};
};
