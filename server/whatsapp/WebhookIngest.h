#pragma once

#include "InboundProcessor.h"

#include <QJsonObject>
#include <QList>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

class Db;
class DbPool;
class Sequencer;

// Webhook bodies stored and processed before they are answered, many to a transaction.
//
// Bodies wait in a queue while a batch is being written; the next batch takes what is queued (up to a
// count and a size), stores and processes it in the order received, and commits once. So a burst costs one
// commit and one numbering of events per batch, not two commits and a job per body; what was answered is
// already in its conversation, so no backlog can grow behind the answers, and a sender faster than the
// database is slowed by its own answers.
//
// Bodies are written by up to two writers at once (half the pool's threads at most, so that requests
// always find a connection), each with its own queue: a sender's bodies always go to the same writer, so
// they are stored in the order received and two writers rarely need the same ticket. Each batch is a
// job of its own on the pool (request work), so requests queued meanwhile get their turn between batches.
//
// A batch that waited 200 ms for a lock another writer holds (or met a deadlock) is written again once.
// A batch PostgreSQL refuses otherwise (an item it cannot store, a second wait) is stored as it is, and
// each body is then processed on its own (InboundProcessor::process: an item PostgreSQL refuses is set
// aside with the reason) and answered once processed.
class WebhookIngest {
public:
    enum class Outcome {
        Stored,      // the body is stored, and processed unless processing failed (the timer retries it)
        Unavailable, // nothing was stored: the sender must send it again
    };
    // Called once per body, on a database thread.
    using Done = std::function<void(Outcome)>;

    // A batch holds at most maxBodies bodies and maxBytes bytes (a single larger body is a batch of its
    // own).
    WebhookIngest(DbPool *pool, Sequencer *sequencer, const InboundProcessor::Settings &settings,
                  int maxBodies = 32, qint64 maxBytes = 8 * 1024 * 1024);

    // Thread-safe. `sender` chooses the writer: bodies with the same sender are written in the order
    // submitted.
    void submit(InboundProcessor::Received body, const QString &sender, Done done);

    // The number of the first message's sender (or the first status's recipient) of a body; empty when
    // it names none.
    static QString senderOf(const QJsonObject &body);

private:
    struct Entry {
        InboundProcessor::Received body;
        Done done;
    };
    struct Lane {
        std::deque<Entry> queue; // guarded by State::mutex
        bool writing = false;    // guarded by State::mutex: its batch job is queued or running
    };
    struct State {
        std::mutex mutex;
        std::vector<Lane> lanes;
        DbPool *pool = nullptr;
        Sequencer *sequencer = nullptr;
        InboundProcessor::Settings settings;
        int maxBodies = 0;
        qint64 maxBytes = 0;
    };
    // Queues the job that writes the lane's next batch, and the one after it, until the lane is empty.
    static void schedule(const std::shared_ptr<State> &state, std::size_t lane);
    // Takes the lane's next batch; empty (and the lane no longer writing) when its queue is.
    static QList<Entry> take(State &state, std::size_t lane);
    // Numbers the events committed so far (Events::sequence), or asks the sequencer when that fails.
    static void numberEvents(State &state, Db &db);
    // Writes the batch and answers every body of it, whatever happens.
    static void write(State &state, Db &db, QList<Entry> &batch);

    std::shared_ptr<State> m_state = std::make_shared<State>();
};
