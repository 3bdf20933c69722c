#pragma once

#include <atomic>
#include <memory>

class DbPool;

// Numbers committed events on the pool when asked (at a request's priority), with at most one run under
// way and one more asked for behind it. Busy writers ask once per transaction; the sequencer then runs as
// often as it can finish, not once per writer, and no writer waits for it.
class Sequencer {
public:
    explicit Sequencer(DbPool *pool);

    // Thread-safe. The events committed before this call are numbered by a run that starts after it.
    void request();

private:
    struct State {
        // 0: idle; 1: a run is queued or under way; 2: and another was asked for meanwhile.
        std::atomic<int> runs{0};
    };
    static void run(const std::shared_ptr<State> &state, DbPool *pool);

    DbPool *m_pool;
    std::shared_ptr<State> m_state = std::make_shared<State>();
};
