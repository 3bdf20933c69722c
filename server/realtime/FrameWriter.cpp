#include "FrameWriter.h"

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
    if (m_connection)
        m_connection->write(events.frames());
    else
        m_fallback.write(events);
}
