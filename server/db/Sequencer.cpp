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
    pool->postBackground([state](Db &db) {
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
