#include "FrameWriter.h"

#include <cerrno>
#include <sys/socket.h>

EventRun::EventRun(const std::deque<StreamEvent> &ring, size_t first, size_t end, QByteArray frames)
    : m_ring(&ring)
    , m_first(first)
    , m_size(qsizetype(end - first))
    , m_frames(std::move(frames))
{}

EventRun::EventRun(const QList<StreamEvent> &page)
    : m_page(&page)
    , m_size(page.size())
{}

const StreamEvent &EventRun::at(qsizetype i) const
{
    return m_ring ? m_ring->at(m_first + size_t(i)) : m_page->at(i);
}

const QByteArray &EventRun::frames()
{
    if (!m_frames.isEmpty())
        return m_frames;
    qsizetype bytes = 0;
    for (qsizetype i = 0; i < m_size; ++i)
        bytes += at(i).wire.size();
    m_frames.reserve(bytes);
    for (qsizetype i = 0; i < m_size; ++i)
        m_frames.append(at(i).wire);
    return m_frames;
}

void QWebSocketFrameWriter::write(EventRun &events)
{
    for (qsizetype i = 0; i < events.size(); ++i)
        m_socket->sendTextMessage(events.at(i).text());
}

void DirectFrameWriter::write(EventRun &events)
{
    if (!m_connection) {
        m_fallback.write(events);
        return;
    }
    const QByteArray &frames = events.frames();
    qsizetype sent = 0;
    // With nothing of this connection waiting in Qt's buffer, the frames go to the kernel now, in order:
    // QTcpSocket would copy them, ask the event loop to watch the socket, and write them on a later pass,
    // one pass per console. What the kernel does not take (a full socket buffer, an error) goes through
    // QTcpSocket as before, which writes it when the socket drains or reports the error.
    const qintptr fd = m_connection->socketDescriptor();
    if (m_plainTcp && fd >= 0 && m_connection->bytesToWrite() == 0 &&
        m_connection->state() == QAbstractSocket::ConnectedState) {
        while (sent < frames.size()) {
            const ssize_t n = ::send(int(fd), frames.constData() + sent, size_t(frames.size() - sent),
                                     MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0)
                sent += n;
            else if (n < 0 && errno == EINTR)
                continue;
            else
                break;
        }
    }
    if (sent < frames.size())
        m_connection->write(frames.constData() + sent, frames.size() - sent);
}
