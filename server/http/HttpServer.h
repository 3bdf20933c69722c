#pragma once

#include "HttpTypes.h"

#include <QAbstractHttpServer>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QHttpServerResponder>
#include <QMap>
#include <QPointer>
#include <QTcpSocket>
#include <functional>
#include <memory>
#include <optional>

class HttpServer;

// One answer still owed to a client. Handlers keep it (shared) while database work runs; when the
// client has left meanwhile, send() quietly drops the answer: QtHttpServer 6.4 crashes when a responder
// writes to a socket that is gone.
class Reply {
public:
    void send(const HttpResponse &response);
    bool isSent() const { return m_sent; }
    bool clientGone() const { return !m_socket; }
    // The connection the request came on (null once it is gone).
    QTcpSocket *socket() const { return m_socket; }

private:
    friend class HttpServer;
    std::optional<QHttpServerResponder> m_responder;
    QPointer<QTcpSocket> m_socket;
    QPointer<HttpServer> m_server;
    QString m_routeLabel;
    QElapsedTimer m_timer;
    bool m_sent = false;
};
using ReplyPtr = std::shared_ptr<Reply>;

// QtHttpServer with its own router: path arguments as text (so a bad id is our 400, not a 404), 405 for
// a wrong method, the error envelope for unknown paths, and request counters for /metrics.
class HttpServer : public QAbstractHttpServer {
    Q_OBJECT
public:
    using Handler = std::function<void(const HttpRequest &, ReplyPtr)>;

    explicit HttpServer(QObject *parent = nullptr);

    // pattern: "/api/chat/{ticketId}/messages"; {name} matches one non-empty path segment.
    void route(const QByteArray &method, const QString &pattern, Handler handler);

    // Listens on a QTcpServer of our own with a deep backlog, bound to the HTTP server.
    bool listen(const QHostAddress &address, quint16 port, QString *error);
    quint16 serverPort() const;

    // Prometheus text for the request counters, then what each addMetrics() source adds.
    QByteArray metricsText() const;
    void addMetrics(std::function<QByteArray()> source) { m_metricSources.append(std::move(source)); }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    friend class Reply;
    struct Route {
        QByteArray method;
        QString pattern;
        QStringList segments;
        Handler handler;
    };
    void recordAnswer(const QString &routeLabel, int status, qint64 elapsedMs);

    QList<Route> m_routes;
    QTcpServer *m_tcpServer = nullptr;
    struct Counter {
        quint64 count = 0;
        double seconds = 0;
    };
    QMap<QString, Counter> m_counters; // "method route status"
    QList<std::function<QByteArray()>> m_metricSources;
};
