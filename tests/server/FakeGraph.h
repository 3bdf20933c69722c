#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QTcpServer>
#include <functional>
#include <optional>

class QTcpSocket;

// Meta's Graph API as the server meets it, on loopback: media metadata at /{media-id}, the bytes at the URL
// it gives, uploads. Each path answers its queued answers in turn (the last one again and again); a path
// with none goes to the fallback (a benchmark's files by number, say), else 404. What was asked is
// recorded (unless recording is off, for long runs).
class FakeGraph : public QObject {
public:
    struct Answer {
        int status = 200;
        QByteArray body;
        QByteArray contentType = "application/json";
        int dripMs = 0;          // > 0: the body a byte at a time, this far apart
        qint64 claimLength = -1; // >= 0: the Content-Length announced, whatever the body; -2: none
    };
    struct Asked {
        QByteArray path;
        QByteArray authorization;
        QByteArray body;
    };
    using Fallback = std::function<std::optional<Answer>(const QByteArray &path)>;

    FakeGraph();
    quint16 port() const { return m_server.serverPort(); }
    QString base() const;
    QString fileUrl(const QString &name) const;
    void on(const QByteArray &path, const Answer &a) { m_answers[path].append(a); }
    void setFallback(Fallback fallback) { m_fallback = std::move(fallback); }
    void setRecording(bool record) { m_recording = record; }
    // The metadata of a media id pointing at /files/<name>, and that file's bytes.
    void media(const QString &id, const QString &name, const QByteArray &bytes, const QString &mime,
               qint64 declaredSize = -1);
    // The metadata answer alone (for a fallback).
    Answer metadata(const QString &id, const QString &name, qint64 size, const QString &mime) const;
    int count(const QByteArray &path) const;
    QList<Asked> asked;

private:
    void read(QTcpSocket *socket);

    QTcpServer m_server;
    QHash<QByteArray, QList<Answer>> m_answers;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    Fallback m_fallback;
    bool m_recording = true;
};
