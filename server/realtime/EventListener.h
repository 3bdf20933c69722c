#pragma once

#include "db/DbParams.h"

#include <QList>
#include <QObject>
#include <QSocketNotifier>
#include <QString>
#include <QThread>
#include <QTimer>
#include <atomic>
#include <memory>

class Db;
class Sequencer;

// One numbered event as the stream sends it: the frame is built once, by the database.
struct StreamEvent {
    StreamEvent() = default;
    StreamEvent(qint64 number, const QString &json);
    qint64 seq = 0;
    // The whole WebSocket text frame, encoded once for every console: a server's frames are not masked
    // (RFC 6455, 5.1), so the same bytes go to all of them.
    QByteArray wire;
    QString text() const; // the JSON it carries
};

// The server's ear on PostgreSQL: a dedicated connection on a thread of its own that LISTENs for
//  - liftline_pending: a transaction wrote events (here or in another system); the sequencer numbers them;
//  - liftline_events: events were numbered; they are read in order and handed to the stream;
//  - liftline_presence: consoles came or went on some instance.
// Notifications are read through libpq itself: QPSQL looks for them only when the socket turns readable,
// so one that arrived while a query ran stayed unseen until the next (measured: 10% of events waited for
// the watchdog). After every query, and whenever the socket turns readable, all pending ones are handled.
// QPSQL neither reports nor repairs a dropped connection, so a watchdog also reads the event table every
// `checkMs`: that catches up with anything a lost notification would have announced, and a failure means
// the connection is gone, so it reconnects, LISTENs again and catches up from the last event it passed on.
class EventListener : public QObject {
    Q_OBJECT
public:
    EventListener(const DbParams &params, Sequencer *sequencer, int checkMs = 1000);
    ~EventListener() override;

    // Starts the thread; events numbered after `after` are passed on, in order, each once.
    void start(qint64 after);

    bool isConnected() const { return m_connected.load(); }
    quint64 reconnects() const { return m_reconnects.load(); }
    qint64 lastSeq() const { return m_last.load(); }

Q_SIGNALS:
    // Consecutive numbers, in order, continuing from the previous batch.
    void eventsArrived(const QList<StreamEvent> &events);
    void presenceChanged();
    // The newest event is older than the last one passed on: the database was restored or recreated.
    void restarted(qint64 latest);

private:
    void init(); // on the thread
    void connectAndListen();
    void check(); // watchdog and catch-up
    void fetch(); // every event after m_last
    void dropConnection(const QString &why);
    void onReadable();
    // Handles every notification libpq holds, fetching events as announced, until none is left.
    void drainNotifications();

    DbParams m_params;
    Sequencer *m_sequencer;
    int m_checkMs;
    QThread m_thread;
    std::unique_ptr<Db> m_db;        // lives on m_thread
    std::unique_ptr<QTimer> m_timer; // lives on m_thread
    std::unique_ptr<QSocketNotifier> m_notifier;
    void *m_conn = nullptr; // the PGconn of m_db while connected
    std::atomic<qint64> m_last{0};
    std::atomic<bool> m_connected{false};
    std::atomic<quint64> m_reconnects{0};
    bool m_everConnected = false;
    QString m_lastProblem; // said once, not every second
};
