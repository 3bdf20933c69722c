#pragma once

#include "EventListener.h"
#include "FrameWriter.h"

#include <QByteArray>
#include <QList>
#include <deque>
#include <functional>

class DbPool;
class QObject;

// The events a console is owed after the number it resumed from: the newest from memory (a ring of
// `ringCapacity` events ending at latest()), older ones from the database a page at a time. Lives on the
// main thread; the database reads run on the pool.
class ReplaySource {
public:
    ReplaySource(DbPool *pool, int ringCapacity);

    // Events numbered up to `latest` exist already: the first live event is latest + 1.
    void setLatest(qint64 latest);
    // The event table started over: as setLatest(), and a page being read is dropped when it arrives.
    void startOver(qint64 latest);
    // Consecutive events in order, from the listener.
    void add(const QList<StreamEvent> &events);
    qint64 latest() const { return m_latest; }

    // Whether the event after `after` (< latest()) is still in memory.
    bool inMemory(qint64 after) const { return after + 1 >= ringFirst(); }
    // Events after `after` from memory (inMemory(after)), about batchBytes of them.
    EventRun recent(qint64 after) const;
    // Keeps the frames a writer built for the newest events after `after`, for the next console that needs
    // the same ones: the newest events are framed once for all.
    void share(EventRun &run, qint64 after);

    // Reads the events after `after` (older than memory holds) from the database, a page at most. `done`
    // runs on context's thread unless context is gone or the event table started over meanwhile; an empty
    // page means they could not all be read.
    void readPage(QObject *context, qint64 after, std::function<void(QList<StreamEvent>)> done);
    // Reads the newest event number from the database: -1 when it could not be read.
    void readNewest(QObject *context, std::function<void(qint64)> done);

private:
    qint64 ringFirst() const { return m_ring.empty() ? m_latest + 1 : m_ring.front().seq; }

    DbPool *m_pool;
    int m_capacity;
    std::deque<StreamEvent> m_ring; // consecutive, ending at m_latest
    qint64 m_latest = 0;
    quint64 m_epoch = 0; // changes when the event table starts over
    // The newest events as one buffer, for the live consoles that all need the same ones.
    qint64 m_batchAfter = -1;
    qint64 m_batchTo = -1;
    QByteArray m_batch;
};
