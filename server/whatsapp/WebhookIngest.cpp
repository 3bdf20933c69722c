#include "WebhookIngest.h"

#include "base/Logging.h"
#include "db/Db.h"
#include "db/DbPool.h"
#include "db/Events.h"
#include "db/Sequencer.h"

#include <QJsonArray>

#include <algorithm>
#include <exception>

WebhookIngest::WebhookIngest(DbPool *pool, Sequencer *sequencer, const InboundProcessor::Settings &settings,
                             int maxBodies, qint64 maxBytes)
{
    m_state->lanes.resize(std::size_t(std::clamp(pool->backgroundLimit(), 1, 2)));
    m_state->pool = pool;
    m_state->sequencer = sequencer;
    m_state->settings = settings;
    m_state->maxBodies = std::max(1, maxBodies);
    m_state->maxBytes = maxBytes;
}

QString WebhookIngest::senderOf(const QJsonObject &body)
{
    const QJsonObject value = body.value(QLatin1String("entry"))
                                  .toArray()
                                  .at(0)
                                  .toObject()
                                  .value(QLatin1String("changes"))
                                  .toArray()
                                  .at(0)
                                  .toObject()
                                  .value(QLatin1String("value"))
                                  .toObject();
    const QString from = value.value(QLatin1String("messages"))
                             .toArray()
                             .at(0)
                             .toObject()
                             .value(QLatin1String("from"))
                             .toString();
    if (!from.isEmpty())
        return from;
    return value.value(QLatin1String("statuses"))
        .toArray()
        .at(0)
        .toObject()
        .value(QLatin1String("recipient_id"))
        .toString();
}

void WebhookIngest::submit(InboundProcessor::Received body, const QString &sender, Done done)
{
    const std::size_t lane = std::size_t(qHash(sender)) % m_state->lanes.size();
    {
        const std::lock_guard lock(m_state->mutex);
        Lane &l = m_state->lanes[lane];
        l.queue.push_back({std::move(body), std::move(done)});
        if (l.writing)
            return; // the lane's next batch takes it
        l.writing = true;
    }
    schedule(m_state, lane);
}

void WebhookIngest::schedule(const std::shared_ptr<State> &state, std::size_t lane)
{
    state->pool->post([state, lane](Db &db) {
        QList<Entry> batch = take(*state, lane);
        if (batch.isEmpty())
            return;
        write(*state, db, batch);
        schedule(state, lane);
    });
}

QList<WebhookIngest::Entry> WebhookIngest::take(State &state, std::size_t lane)
{
    QList<Entry> batch;
    const std::lock_guard lock(state.mutex);
    Lane &l = state.lanes[lane];
    qint64 bytes = 0;
    while (!l.queue.empty() && batch.size() < state.maxBodies) {
        const qint64 size = l.queue.front().body.body.size();
        if (!batch.isEmpty() && bytes + size > state.maxBytes)
            break;
        bytes += size;
        batch.append(std::move(l.queue.front()));
        l.queue.pop_front();
    }
    if (batch.isEmpty())
        l.writing = false;
    return batch;
}

void WebhookIngest::numberEvents(State &state, Db &db)
{
    try {
        Events::sequence(db);
    } catch (const DbError &e) {
        // Left to the sequencer (and the listener's check every second): nothing is lost, events wait.
        qCDebug(lcDb) << "webhook events left for the sequencer:" << e.message();
        if (state.sequencer)
            state.sequencer->request();
    }
}

void WebhookIngest::write(State &state, Db &db, QList<Entry> &batch)
{
    qsizetype answered = 0; // the bodies before this one have their answer
    const auto answerUpTo = [&](qsizetype end, Outcome outcome) {
        for (; answered < end; ++answered)
            batch[answered].done(outcome);
    };
    QList<InboundProcessor::Received> bodies;
    bodies.reserve(batch.size());
    for (const Entry &e : std::as_const(batch))
        bodies.append(e.body);
    try {
        bool together = false;
        for (int attempt = 1; attempt <= 2 && !together; ++attempt) {
            try {
                db.retryingStaleConnection(
                    [&] { InboundProcessor::storeAndProcess(db, bodies, state.settings); });
                together = true;
            } catch (const DbError &e) {
                if (e.kind() == DbError::Kind::Unavailable) {
                    qCWarning(lcWebhook) << "could not store" << batch.size()
                                         << "webhook bodies; they are answered 503 and WhatsApp sends them "
                                            "again:"
                                         << e.message();
                    answerUpTo(batch.size(), Outcome::Unavailable);
                    return;
                }
                const bool gaveWay =
                    e.sqlState() == QLatin1String("55P03") || e.sqlState() == QLatin1String("40P01");
                if (gaveWay && attempt == 1) {
                    qCInfo(lcWebhook) << "a batch of" << batch.size()
                                      << "webhook bodies gave way to another writer; written again";
                    continue;
                }
                qCWarning(lcWebhook).noquote() << "a batch of" << batch.size()
                                               << "webhook bodies could not be processed together (" +
                                                      e.message() + "); each is processed on its own";
                break;
            }
        }
        if (together) {
            // Numbered here, before the answers: a 200 then means the message is on the consoles' stream,
            // whatever else the pool's background work is busy with.
            numberEvents(state, db);
            answerUpTo(batch.size(), Outcome::Stored);
            return;
        }
        // Stored as they are, then each processed on its own and answered once processed (stored is
        // answered 200 even when processing fails: the timer tries it again).
        QList<qint64> ids;
        try {
            ids = db.retryingStaleConnection([&] { return InboundProcessor::storeAll(db, bodies); });
        } catch (const DbError &e) {
            qCWarning(lcWebhook) << "could not store" << batch.size()
                                 << "webhook bodies; they are answered 503 and WhatsApp sends them again:"
                                 << e.message();
            answerUpTo(batch.size(), Outcome::Unavailable);
            return;
        }
        bool processed = false;
        for (qsizetype i = 0; i < batch.size(); ++i) {
            if (bodies.at(i).unreadable.isEmpty()) {
                try {
                    processed = InboundProcessor::process(db, ids.at(i), state.settings) || processed;
                } catch (const DbError &e) {
                    qCWarning(lcWebhook) << "inbox" << ids.at(i) << "left for the timer:" << e.message();
                }
            }
            answerUpTo(i + 1, Outcome::Stored);
        }
        if (processed)
            numberEvents(state, db);
    } catch (const std::exception &e) {
        // Not expected: the bodies not answered yet are answered 503 (WhatsApp sends them again; a message
        // stored already is not stored twice), and the writer goes on with the next batch.
        qCCritical(lcWebhook) << "writing webhook bodies failed:" << e.what();
        answerUpTo(batch.size(), Outcome::Unavailable);
    }
}
