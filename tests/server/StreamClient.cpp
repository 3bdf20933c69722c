#include "StreamClient.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QTest>

StreamClient::StreamClient(const QUrl &base, const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    QUrl url = base;
    url.setScheme(QStringLiteral("ws"));
    url.setPath(QStringLiteral("/api/chat/stream"));
    QNetworkRequest request(url);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    connect(&m_socket, &QWebSocket::connected, this, [this] { m_connected = true; });
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        m_closed = true;
        m_closeCode = int(m_socket.closeCode());
        m_closeReason = m_socket.closeReason();
    });
    connect(&m_socket, &QWebSocket::textMessageReceived, this,
            [this](const QString &text) { frames.append(QJsonDocument::fromJson(text.toUtf8()).object()); });
    m_socket.open(request);
}

bool StreamClient::waitConnected(int timeoutMs)
{
    return waitFor([this] { return m_connected || m_closed; }, timeoutMs) && m_connected;
}

void StreamClient::resume(qint64 after)
{
    m_socket.sendTextMessage(QStringLiteral("{\"type\":\"resume\",\"after\":%1}").arg(after));
}

QList<QJsonObject> StreamClient::events() const
{
    QList<QJsonObject> out;
    for (const QJsonObject &f : frames)
        if (f.value(QStringLiteral("type")).toString() == QLatin1String("event"))
            out.append(f);
    return out;
}

QList<qint64> StreamClient::seqs() const
{
    QList<qint64> out;
    for (const QJsonObject &f : frames)
        if (f.value(QStringLiteral("type")).toString() == QLatin1String("event"))
            out.append(f.value(QStringLiteral("seq")).toInteger());
    return out;
}

qint64 StreamClient::lastSeq() const
{
    const QList<qint64> s = seqs();
    return s.isEmpty() ? 0 : s.last();
}

QJsonObject StreamClient::first(const QString &type) const
{
    for (const QJsonObject &f : frames)
        if (f.value(QStringLiteral("type")).toString() == type)
            return f;
    return {};
}

int StreamClient::count(const QString &type) const
{
    int n = 0;
    for (const QJsonObject &f : frames)
        n += f.value(QStringLiteral("type")).toString() == type ? 1 : 0;
    return n;
}

bool StreamClient::waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(5);
    }
    return true;
}

bool StreamClient::waitForType(const QString &type, int timeoutMs)
{
    return waitFor([this, type] { return count(type) > 0; }, timeoutMs);
}

bool StreamClient::waitClosed(int timeoutMs)
{
    return waitFor([this] { return m_closed; }, timeoutMs);
}

QByteArray rawUpgradeRequest(const QByteArray &credentialHeader)
{
    return "GET /api/chat/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
           credentialHeader + "\r\n\r\n";
}

QByteArray maskedResumeFrame(qint64 after)
{
    const QByteArray payload = QStringLiteral("{\"type\":\"resume\",\"after\":%1}").arg(after).toUtf8();
    const QByteArray mask("\x11\x22\x33\x44", 4);
    QByteArray frame;
    frame.append(char(0x81));                  // final text frame
    frame.append(char(0x80 | payload.size())); // masked, short length
    frame.append(mask);
    for (qsizetype i = 0; i < payload.size(); ++i)
        frame.append(char(payload.at(i) ^ mask.at(i % 4)));
    return frame;
}

bool consecutive(const QList<qint64> &seqs, qint64 first, qint64 last, QString *why)
{
    qint64 expected = first;
    for (qint64 s : seqs) {
        if (s != expected) {
            *why = QStringLiteral("expected event %1, got %2").arg(expected).arg(s);
            return false;
        }
        ++expected;
    }
    if (expected != last + 1) {
        *why = QStringLiteral("stream ended at %1, expected up to %2").arg(expected - 1).arg(last);
        return false;
    }
    return true;
}
