#include "Sequencer.h"

#include "DbError.h"
#include "DbPool.h"
#include "Events.h"
#include "base/Logging.h"

Sequencer::Sequencer(DbPool *pool)
    : m_pool(pool)
{}

void Sequencer::request()
{
    int runs = m_state->runs.load();
    for (;;) {
        if (runs == 2)
            return; // a run after this moment is already promised
        if (m_state->runs.compare_exchange_weak(runs, runs + 1)) {
            if (runs == 0)
                run(m_state, m_pool);
            return;
        }
    }
}

void Sequencer::run(const std::shared_ptr<State> &state, DbPool *pool)
{
    // A request's priority: consoles wait for what it numbers (a technician's message, a reply's outcome),
    // and with at most one run queued it cannot crowd the clients' requests out. As background work it
    // would wait behind every request for as long as senders keep the queue full.
    pool->post([state](Db &db) {
        for (;;) {
            try {
                Events::sequence(db);
            } catch (const DbError &e) {
                // The timer numbers them later; nothing is lost, events only wait.
                qCDebug(lcDb) << "sequencer run skipped:" << e.message();
            }
            // Asked again while running: run once more for what committed meanwhile.
            int runs = 1;
            if (state->runs.compare_exchange_strong(runs, 0))
                return;
            state->runs.store(1);
        }
    });
}
