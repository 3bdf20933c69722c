#include "AuditSequencer.h"

#include "base/Logging.h"
#include "chat/ChainHead.h"
#include "chat/Retention.h"
#include "db/AuditChain.h"
#include "db/Db.h"
#include "db/DbError.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSysInfo>

#include <atomic>
#include <memory>

AuditSequencer::AuditSequencer(const DbParams &params, SigningKeySource key, bool headsToWebhook,
                               int intervalMs)
    : m_params(params)
    , m_key(std::move(key))
    , m_headsToWebhook(headsToWebhook)
    , m_intervalMs(intervalMs)
    , m_thread([this] { run(); })
{}

AuditSequencer::~AuditSequencer()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void AuditSequencer::run()
{
    std::unique_ptr<Db> db; // opened, used and closed on this thread
    QElapsedTimer warnedRecently;
    const auto stopping = [this] {
        std::lock_guard lock(m_mutex);
        return m_stop;
    };
    for (int tick = 0; !stopping(); ++tick) {
        try {
            // A connection name of its own: two servers in one process (the tests) each run one.
            static std::atomic<int> sequencers{0};
            if (!db)
                db = std::make_unique<Db>(m_params,
                                          QStringLiteral("liftline-audit-chain-%1").arg(++sequencers));
            QElapsedTimer timer;
            timer.start();
            while (AuditChain::advance(*db, 20000) == 20000 && timer.elapsed() < 5000 && !stopping()) {
            }
            if (tick % 60 == 2) {
                QString error;
                const SigningKey &key = m_key(&error);
                if (key.isValid()) {
                    const ChainHead::Head head = ChainHead::signDaily(*db, key, m_headsToWebhook);
                    if (head.seq > 0)
                        qCInfo(lcServer).noquote() << head.line();
                }
            }
            // The retention job, when an admin set a period: once a day across instances (Retention::due),
            // looked at every 10 minutes. It removes only what the chain already holds (it catches up
            // first), so it runs here, between two rounds of chaining.
            if (tick % 600 == 30 && Retention::due(*db))
                Retention::run(*db,
                               QStringLiteral("schedule (%1, process %2)")
                                   .arg(QSysInfo::machineHostName())
                                   .arg(QCoreApplication::applicationPid()),
                               {}, stopping);
        } catch (const DbError &e) {
            if (e.kind() == DbError::Kind::Unavailable) {
                // Reported by the maintenance and /readyz; the next tick tries a new connection.
                qCDebug(lcDb).noquote() << "Chaining the audit entries: no database:" << e.message();
                db.reset();
            } else if (!warnedRecently.isValid() || warnedRecently.elapsed() > 60000) {
                // A statement that keeps failing stops the chain: said once a minute, not hidden.
                qCWarning(lcDb).noquote() << "Chaining the audit entries failed (facts wait in audit_pending "
                                             "until it works):"
                                          << e.message();
                warnedRecently.start();
            }
        } catch (const std::exception &e) {
            // Anything else (out of memory in a batch) must not end the server from this thread.
            qCCritical(lcDb).noquote() << "Chaining the audit entries failed:" << e.what();
            db.reset();
        }
        std::unique_lock lock(m_mutex);
        m_wake.wait_for(lock, std::chrono::milliseconds(m_intervalMs), [this] { return m_stop; });
    }
}
