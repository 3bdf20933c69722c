#include "EventListener.h"

#include "Logging.h"
#include "db/Db.h"
#include "db/Sequencer.h"

#include <QCoreApplication>
#include <QSqlDriver>
#include <QSqlError>

namespace {
const QString pendingChannel = QStringLiteral("liftline_pending");
const QString eventsChannel = QStringLiteral("liftline_events");
const QString presenceChannel = QStringLiteral("liftline_presence");
constexpr int batchSize = 2000;
} // namespace

EventListener::EventListener(const DbParams &params, Sequencer *sequencer, int checkMs)
    : m_params(params)
    , m_sequencer(sequencer)
    , m_checkMs(checkMs)
{
    qRegisterMetaType<QList<StreamEvent>>();
    m_thread.setObjectName(QStringLiteral("liftline-listen"));
}

EventListener::~EventListener()
{
    if (m_thread.isRunning()) {
        // The connection and the timer belong to the thread: end them there.
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_timer.reset();
                m_db.reset();
                moveToThread(QCoreApplication::instance() ? QCoreApplication::instance()->thread() : nullptr);
            },
            Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
}

void EventListener::start(qint64 after)
{
    m_last = after;
    moveToThread(&m_thread);
    m_thread.start();
    QMetaObject::invokeMethod(
        this, [this] { init(); }, Qt::QueuedConnection);
}

void EventListener::init()
{
    static std::atomic<int> listeners{0};
    m_db = std::make_unique<Db>(m_params, QStringLiteral("liftline-listener-%1").arg(++listeners));
    m_db->setApplicationName(QStringLiteral("liftline-listener"));
    m_timer = std::make_unique<QTimer>();
    connect(m_timer.get(), &QTimer::timeout, this, [this] { check(); });
    m_timer->start(m_checkMs);
    check();
}

void EventListener::connectAndListen()
{
    m_db->open();
    QSqlDriver *driver = m_db->database().driver();
    // The same driver object survives a reconnect; a channel it still lists is subscribed again.
    for (const QString &channel : {pendingChannel, eventsChannel, presenceChannel}) {
        if (driver->subscribedToNotifications().contains(channel))
            driver->unsubscribeFromNotification(channel);
        if (!driver->subscribeToNotification(channel))
            throw DbError(DbError::Kind::Unavailable,
                          QStringLiteral("LISTEN %1 failed: %2").arg(channel, driver->lastError().text()));
    }
    disconnect(driver, nullptr, this, nullptr);
    connect(driver, &QSqlDriver::notification, this,
            [this](const QString &name, QSqlDriver::NotificationSource, const QVariant &) {
                onNotification(name);
            });
    if (m_everConnected) {
        ++m_reconnects;
        qCInfo(lcStream) << "event listener connected again; catching up after event" << m_last.load();
    }
    m_everConnected = true;
    m_connected = true;
}

void EventListener::check()
{
    try {
        if (!m_connected)
            connectAndListen();
        fetch();
        // Events another system wrote while nobody was listening, or whose announcement was lost.
        if (m_sequencer)
            m_sequencer->request();
    } catch (const DbError &e) {
        dropConnection(e.message());
    }
}

void EventListener::onNotification(const QString &name)
{
    if (name == pendingChannel) {
        if (m_sequencer)
            m_sequencer->request();
    } else if (name == eventsChannel) {
        try {
            fetch();
        } catch (const DbError &e) {
            dropConnection(e.message());
        }
    } else if (name == presenceChannel) {
        Q_EMIT presenceChanged();
    }
}

void EventListener::fetch()
{
    for (;;) {
        QList<StreamEvent> batch;
        QSqlQuery &q =
            m_db->exec(QStringLiteral("SELECT seq, chat_event_frame(e) FROM chat_events e WHERE seq > ? "
                                      "ORDER BY seq LIMIT ?::integer"),
                       {m_last.load(), batchSize});
        while (q.next()) {
            StreamEvent e{q.value(0).toLongLong(), q.value(1).toString()};
            // Numbers are committed in order without gaps (one sequencer at a time), so this holds; if it
            // ever did not, stop here and read again rather than pass on a hole.
            if (e.seq != m_last.load() + 1) {
                qCWarning(lcStream) << "event" << e.seq << "read before" << m_last.load() + 1
                                    << "; reading again";
                break;
            }
            m_last = e.seq;
            batch.append(std::move(e));
        }
        q.finish();
        if (!batch.isEmpty())
            Q_EMIT eventsArrived(batch);
        if (batch.size() < batchSize)
            return;
    }
}

void EventListener::dropConnection(const QString &why)
{
    if (m_connected)
        qCWarning(lcStream).noquote()
            << "event listener lost its database connection:" << why << "- reconnecting";
    m_connected = false;
    if (m_db) {
        disconnect(m_db->database().driver(), nullptr, this, nullptr);
        m_db->close();
    }
}
