#include "FakeGraph.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTimer>
#include <memory>

FakeGraph::FakeGraph()
{
    m_server.listen(QHostAddress::LocalHost, 0);
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            socket->setParent(this);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
            connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                m_buffers.remove(socket);
                socket->deleteLater();
            });
        }
    });
}

QString FakeGraph::base() const
{
    return QStringLiteral("http://127.0.0.1:%1/v21.0").arg(m_server.serverPort());
}

QString FakeGraph::fileUrl(const QString &name) const
{
    return QStringLiteral("http://127.0.0.1:%1/files/%2").arg(m_server.serverPort()).arg(name);
}

FakeGraph::Answer FakeGraph::metadata(const QString &id, const QString &name, qint64 size,
                                      const QString &mime) const
{
    return {200, QJsonDocument(QJsonObject{{QStringLiteral("url"), fileUrl(name)},
                                           {QStringLiteral("mime_type"), mime},
                                           {QStringLiteral("sha256"), QStringLiteral("x")},
                                           {QStringLiteral("file_size"), size},
                                           {QStringLiteral("id"), id}})
                     .toJson(QJsonDocument::Compact)};
}

void FakeGraph::media(const QString &id, const QString &name, const QByteArray &bytes, const QString &mime,
                      qint64 declaredSize)
{
    on("/v21.0/" + id.toUtf8(), metadata(id, name, declaredSize >= 0 ? declaredSize : bytes.size(), mime));
    on("/files/" + name.toUtf8(), {200, bytes, mime.toUtf8()});
}

int FakeGraph::count(const QByteArray &path) const
{
    int n = 0;
    for (const Asked &a : asked)
        n += a.path == path ? 1 : 0;
    return n;
}

void FakeGraph::read(QTcpSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return;
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    Asked a;
    a.path = lines.value(0).split(' ').value(1);
    qsizetype bodyLength = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        if (lines.at(i).toLower().startsWith("authorization:"))
            a.authorization = lines.at(i).mid(14).trimmed();
        if (lines.at(i).toLower().startsWith("content-length:"))
            bodyLength = lines.at(i).mid(15).trimmed().toLongLong();
    }
    if (buffer.size() < end + 4 + bodyLength)
        return; // the body is still coming
    a.body = buffer.mid(end + 4, bodyLength);
    buffer.clear();
    const QByteArray path = a.path;
    if (m_recording)
        asked.append(a);
    std::optional<Answer> chosen;
    const auto queued = m_answers.find(path);
    if (queued != m_answers.end() && !queued->isEmpty())
        chosen = queued->size() == 1 ? queued->first() : queued->takeFirst();
    else if (m_fallback)
        chosen = m_fallback(path);
    const Answer answer = chosen ? *chosen : Answer{404, R"({"error":{"code":100}})"};
    const qint64 length = answer.claimLength >= 0 ? answer.claimLength : answer.body.size();
    socket->write(
        "HTTP/1.1 " + QByteArray::number(answer.status) + " X\r\nContent-Type: " + answer.contentType +
        (answer.claimLength == -2 ? QByteArray() : "\r\nContent-Length: " + QByteArray::number(length)) +
        "\r\nConnection: close\r\n\r\n");
    if (answer.dripMs <= 0) {
        socket->write(answer.body);
        socket->disconnectFromHost();
        return;
    }
    auto *timer = new QTimer(socket);
    auto at = std::make_shared<qsizetype>(0);
    connect(timer, &QTimer::timeout, socket, [socket, timer, at, body = answer.body] {
        if (*at >= body.size() || socket->state() != QAbstractSocket::ConnectedState) {
            timer->stop();
            return;
        }
        socket->write(body.mid((*at)++, 1));
    });
    timer->start(answer.dripMs);
}
