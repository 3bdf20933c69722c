#include "EventListener.h"

#include "base/Logging.h"
#include "db/Db.h"
#include "db/Sequencer.h"

#include <QCoreApplication>
#include <libpq-fe.h>

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
                m_notifier.reset();
                m_conn = nullptr;
                m_db.reset();
                moveToThread(QCoreApplication::instance() ? QCoreApplication::instance()->thread() : nullptr);
            },
            Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
}

StreamEvent::StreamEvent(qint64 number, const QString &json)
    : seq(number)
{
    const QByteArray payload = json.toUtf8();
    const auto size = quint64(payload.size());
    wire.reserve(payload.size() + 10);
    wire.append(char(0x81)); // FIN, text
    if (size < 126) {
        wire.append(char(size));
    } else if (size <= 0xffff) {
        wire.append(char(126));
        wire.append(char(size >> 8));
        wire.append(char(size & 0xff));
    } else {
        wire.append(char(127));
        for (int shift = 56; shift >= 0; shift -= 8)
            wire.append(char((size >> shift) & 0xff));
    }
    wire.append(payload);
}

QString StreamEvent::text() const
{
    const auto length = quint8(wire.at(1));
    const qsizetype header = length < 126 ? 2 : length == 126 ? 4 : 10;
    return QString::fromUtf8(wire.constData() + header, wire.size() - header);
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
    PGconn *conn = m_db->libpqConnection();
    // fetch()'s statement runs after every numbering. With the bound values PostgreSQL planned it anew each
    // time (a custom plan looks cheaper for one known seq), about 0.2 ms of its CPU for each run; the
    // generic plan is the same index scan on seq.
    m_db->execOnce(QStringLiteral("SET plan_cache_mode = force_generic_plan"));
    for (const QString &channel : {pendingChannel, eventsChannel, presenceChannel})
        m_db->execOnce(QStringLiteral("LISTEN ") + channel);
    m_conn = conn;
    m_notifier = std::make_unique<QSocketNotifier>(PQsocket(conn), QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, [this] { onReadable(); });
    if (m_everConnected) {
        ++m_reconnects;
        qCInfo(lcStream) << "event listener connected again; catching up after event" << m_last.load();
    }
    m_everConnected = true;
    m_connected = true;
    m_lastProblem.clear();
}

void EventListener::check()
{
    try {
        if (!m_connected)
            connectAndListen();
        fetch();
        const qint64 newest =
            m_db->scalar(QStringLiteral("SELECT coalesce(max(seq), 0) FROM chat_events")).toLongLong();
        if (newest < m_last.load()) {
            m_last = newest;
            Q_EMIT restarted(newest);
        }
        // Events another system wrote while nobody was listening, or whose announcement was lost.
        if (m_sequencer)
            m_sequencer->request();
        drainNotifications();
    } catch (const DbError &e) {
        dropConnection(e.message());
    }
}

void EventListener::onReadable()
{
    if (!m_conn)
        return;
    if (PQconsumeInput(static_cast<PGconn *>(m_conn)) == 0) {
        dropConnection(QString::fromUtf8(PQerrorMessage(static_cast<PGconn *>(m_conn))).trimmed());
        // Reconnect now rather than at the next watchdog tick.
        QTimer::singleShot(0, this, [this] { check(); });
        return;
    }
    try {
        // Measured: after a QPSQL query libpq may hold a notification it has read but not parsed until the
        // next query, so the socket turning readable is taken as news in itself: read the events, then
        // handle whatever notifications that query brought out.
        fetch();
        drainNotifications();
    } catch (const DbError &e) {
        dropConnection(e.message());
    }
}

void EventListener::drainNotifications()
{
    for (;;) {
        if (!m_conn)
            return;
        bool events = false;
        bool pending = false;
        bool presence = false;
        auto *conn = static_cast<PGconn *>(m_conn);
        PQconsumeInput(conn);
        while (PGnotify *n = PQnotifies(conn)) {
            const QLatin1String name(n->relname);
            events = events || name == eventsChannel;
            pending = pending || name == pendingChannel;
            presence = presence || name == presenceChannel;
            PQfreemem(n);
        }
        if (pending && m_sequencer)
            m_sequencer->request();
        if (presence)
            Q_EMIT presenceChanged();
        if (!events)
            return;
        fetch(); // and then whatever arrived while it ran
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
            StreamEvent e(q.value(0).toLongLong(), q.value(1).toString());
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
    else if (why != m_lastProblem)
        qCWarning(lcStream).noquote() << "event listener cannot connect:" << why << "- trying again";
    m_lastProblem = why;
    m_connected = false;
    m_notifier.reset();
    m_conn = nullptr;
    if (m_db)
        m_db->close();
}
