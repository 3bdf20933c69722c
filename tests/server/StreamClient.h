#pragma once

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QUrl>
#include <QWebSocket>

// A console's end of GET /api/chat/stream over a real WebSocket: connects with credentials as headers of the
// upgrade request, records every frame it receives and how the server closed the connection.
class StreamClient : public QObject {
    Q_OBJECT
public:
    // base: the server's http:// address. headers: e.g. {"Authorization", "Bearer ..."}.
    StreamClient(const QUrl &base, const QList<std::pair<QByteArray, QByteArray>> &headers);

    // Waits for the connection (true) or its refusal.
    bool waitConnected(int timeoutMs = 10000);
    void resume(qint64 after);
    void sendText(const QString &text) { m_socket.sendTextMessage(text); }
    void close() { m_socket.close(); }
    void abort() { m_socket.abort(); }

    // Every frame received, in order.
    QList<QJsonObject> frames;
    // The "event" frames only, and their seq numbers.
    QList<QJsonObject> events() const;
    QList<qint64> seqs() const;
    qint64 lastSeq() const;
    // The first frame of `type` (empty object when none yet), and how many of that type arrived.
    QJsonObject first(const QString &type) const;
    int count(const QString &type) const;

    bool waitFor(const std::function<bool()> &done, int timeoutMs = 15000);
    bool waitForType(const QString &type, int timeoutMs = 15000);
    bool waitClosed(int timeoutMs = 15000);

    bool isClosed() const { return m_closed; }
    int closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }

    QWebSocket &socket() { return m_socket; }

private:
    QWebSocket m_socket;
    bool m_connected = false;
    bool m_closed = false;
    int m_closeCode = 0;
    QString m_closeReason;
};

// For clients that speak the protocol by hand (a frozen console, the benchmark's draining ones): the upgrade
// request with one credential header ("Authorization: Bearer ..."), and the resume frame masked as a
// client must send it.
QByteArray rawUpgradeRequest(const QByteArray &credentialHeader);
QByteArray maskedResumeFrame(qint64 after);

// seqs has every number from first to last exactly once, in increasing order.
bool consecutive(const QList<qint64> &seqs, qint64 first, qint64 last, QString *why);
