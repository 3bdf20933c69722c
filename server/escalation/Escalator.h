#pragma once

#include <QObject>
#include <QStringList>
#include <QTimer>

class DbPool;

// Takes the escalation ladder's due steps (escalation_take_due): wakes when the next step falls due and at
// least every pollMs, so that a request another instance stored is seen within that time. Several
// instances take steps side by side; each step is taken by one of them.
class Escalator : public QObject {
    Q_OBJECT
public:
    struct Settings {
        QString instanceId;
        QStringList channels; // whatsapp, pagerduty, webhook: the call-outs this server sends
        int pollMs = 250;
        int batch = 100;
    };

    Escalator(DbPool *pool, Settings settings, QObject *parent = nullptr);

    // Looks for due steps now.
    void poll();

Q_SIGNALS:
    // Steps were taken: their events wait to be numbered, their call-outs to be sent.
    void stepsTaken(int count);

private:
    void schedule(qint64 nextDueMs);

    DbPool *m_pool;
    Settings m_settings;
    QTimer m_timer;
    bool m_busy = false;
};
