#pragma once

#include "EventListener.h"

#include <QByteArray>
#include <QList>
#include <QPointer>
#include <QTcpSocket>
#include <QWebSocket>
#include <deque>

// Consecutive events to write to one console: a run of the ring of recent events, or a page read from the
// database. Refers to them where they are kept: used at once, never kept.
class EventRun {
public:
    // Events [first, end) of the ring; `frames`, when given, holds the same events framed already.
    EventRun(const std::deque<StreamEvent> &ring, size_t first, size_t end, QByteArray frames = {});
    explicit EventRun(const QList<StreamEvent> &page);

    qsizetype size() const { return m_size; }
    const StreamEvent &at(qsizetype i) const;
    qint64 lastSeq() const { return at(m_size - 1).seq; }
    // The events' frames (StreamEvent::wire) one after another, built on first use.
    const QByteArray &frames();
    // Whether frames() was built, or given: a buffer other consoles that need the same events can share.
    bool hasFrames() const { return !m_frames.isEmpty(); }

private:
    const std::deque<StreamEvent> *m_ring = nullptr;
    const QList<StreamEvent> *m_page = nullptr;
    size_t m_first = 0;
    qsizetype m_size = 0;
    QByteArray m_frames;
};

// How one console's events reach its connection. The server's own frames (ready, presence, reset), pings
// and the close go through the console's QWebSocket in every case.
class FrameWriter {
public:
    virtual ~FrameWriter() = default;
    // Whether events go straight to the TCP connection (StreamHub::directCount()).
    virtual bool isDirect() const = 0;
    // Writes the events, in order, one text frame each.
    virtual void write(EventRun &events) = 0;
};

// The plain path: QWebSocket frames each event's text itself, one by one.
class QWebSocketFrameWriter final : public FrameWriter {
public:
    explicit QWebSocketFrameWriter(QWebSocket *socket)
        : m_socket(socket)
    {}
    bool isDirect() const override { return false; }
    void write(EventRun &events) override;

private:
    QPointer<QWebSocket> m_socket;
};

// The fast path. Events, already framed (StreamEvent::wire), are written to the TCP connection under the
// console's QWebSocket directly: one shared buffer per console per batch instead of a conversion, a header
// and a payload write per event and console; handed to the kernel at once when Qt holds nothing unsent
// for the connection. QWebSocket writes its own frames (pings, close, ready) to the
// same connection in call order, whole frames each. Should the connection be gone, events go through the
// QWebSocket instead.
class DirectFrameWriter final : public FrameWriter {
public:
    DirectFrameWriter(QTcpSocket *connection, QWebSocket *socket)
        : m_connection(connection)
        , m_plainTcp(connection && !connection->inherits("QSslSocket"))
        , m_fallback(socket)
    {}
    bool isDirect() const override { return !m_connection.isNull(); }
    void write(EventRun &events) override;

private:
    QPointer<QTcpSocket> m_connection;
    // Its descriptor carries the frames as they are (a TLS socket's carries encrypted bytes; the server has
    // no TLS of its own, a proxy in front terminates it). Decided once, not for every console and batch.
    bool m_plainTcp;
    QWebSocketFrameWriter m_fallback;
};
