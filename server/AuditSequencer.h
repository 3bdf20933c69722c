#pragma once

#include "auth/SigningKey.h"
#include "db/DbParams.h"

#include <condition_variable>
#include <mutex>
#include <thread>

// The audit chain's sequencer on a thread and a connection of its own: once a second it chains what
// waits (AuditChain::advance, at most 5 s at a time), and once a minute it signs the chain's head if none
// was signed in the last 24 hours (ChainHead::signDaily) and logs it; every 10 minutes it runs the
// retention job if it is due (Retention::due: once a day across instances, when a period is set). Not on the
// pool: a backlog (the first run after an upgrade chains millions of facts) must not hold the background
// slots that number events for the consoles. Several instances may run one each; the database lets one chain
// at a time.
class AuditSequencer {
public:
    // headsToWebhook: the daily head is also sent to the call-out webhook (LIFTLINE_CALLOUT_WEBHOOK_URL).
    AuditSequencer(const DbParams &params, SigningKeySource key, bool headsToWebhook = false,
                   int intervalMs = 1000);
    ~AuditSequencer(); // stops the thread and waits for it

private:
    void run();

    DbParams m_params;
    SigningKeySource m_key;
    bool m_headsToWebhook;
    int m_intervalMs;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false; // guarded by m_mutex
    std::thread m_thread;
};
