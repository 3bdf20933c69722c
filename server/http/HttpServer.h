#pragma once

#include "HttpTypes.h"
#include "base/TrustedProxies.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>

class HttpConnection;
class HttpServer;
class QTcpServer;
class QTcpSocket;
class QWebSocket;
class QWebSocketServer;

// One answer still owed to a client. Handlers keep it (shared) while database work runs; when the
// client has left meanwhile, send() quietly drops the answer.
class Reply {
public:
    void send(const HttpResponse &response);
    bool isSent() const { return m_sent; }
    bool clientGone() const;

private:
    friend class HttpServer;
    QPointer<HttpConnection> m_connection;
    QPointer<HttpServer> m_server;
    QString m_routeLabel;
    QElapsedTimer m_timer;
    bool m_head = false;
    bool m_sent = false;
};
using ReplyPtr = std::shared_ptr<Reply>;

// The HTTP/1.1 server: connections on a QTcpServer of our own, each request read by RequestParser with
// its limits enforced while reading, and a router with path arguments as text (so a bad id is our 400,
// not a 404), 405 for a wrong method, the error envelope for unknown paths, and request counters for
// /metrics.
//
// Per connection: the request line and headers within headerTimeoutMs (431 past maxHeaderBytes), the
// body within bodyTimeoutMs (413 past its route's limit, as soon as Content-Length or a chunk says so),
// at most idleTimeoutMs between keep-alive requests, and while an answer is written the client must take
// at least 64 KiB in each idleTimeoutMs (a reader that takes a byte a minute is closed). A route with an
// admission check (setAdmission: credentials, say) has it decided from the request's header before any of
// the body is read, so a large body is accepted only from a client the route would answer. One request is
// handled at a time, so pipelined requests are answered in order, and nothing more is read while a request is
// being handled. HEAD is answered as GET without the body. Only GET on the WebSocket path with "Upgrade:
// websocket" is handed to the WebSocket server; an Upgrade header anywhere else is ignored. At most
// maxConnections are open at once (fewer if the descriptor limit is lower); more are closed as soon as they
// are accepted.
class HttpServer : public QObject {
    Q_OBJECT
public:
    struct Limits {
        qint64 maxHeaderBytes = 16 * 1024;
        qint64 maxBodyBytes = 64 * 1024; // routes without a limit of their own (setBodyLimit)
        int headerTimeoutMs = 10000;
        int bodyTimeoutMs = 30000;
        int idleTimeoutMs = 75000;
        int maxConnections = 10000;
        // Bodies larger than maxBodyBytes (a file, the registry) being received or handled at once, in
        // all, counted by what each announces (a chunked one by its route's limit); one past it is
        // answered 503 before it is read.
        qint64 maxBufferedBodyBytes = qint64(512) << 20;
    };
    using Handler = std::function<void(const HttpRequest &, ReplyPtr)>;
    // Called on the server's thread with the request's header (no body yet); must call decide() once, on
    // the server's thread: with nothing to read the body and run the route, or with the refusal to answer
    // instead (the body is then read and dropped, up to the route's limit, and the connection closed).
    using Decide = std::function<void(std::optional<HttpResponse> refusal)>;
    using Admission = std::function<void(const HttpRequest &head, Decide decide)>;

    explicit HttpServer(Limits limits, QObject *parent = nullptr);
    explicit HttpServer(QObject *parent = nullptr)
        : HttpServer(Limits(), parent)
    {}
    ~HttpServer() override;

    // pattern: "/api/chat/{ticketId}/messages"; {name} matches one non-empty path segment.
    void route(const QByteArray &method, const QString &pattern, Handler handler);
    // The body limit of every route with this pattern, instead of Limits::maxBodyBytes.
    void setBodyLimit(const QString &pattern, qint64 bytes);
    // The time the body of every route with this pattern may take, instead of Limits::bodyTimeoutMs.
    void setBodyTimeout(const QString &pattern, int ms);
    // The check of every route with this pattern that runs before its body is read (see Admission).
    void setAdmission(const QString &pattern, Admission admission);
    // Proxies whose X-Forwarded-For names the client (HttpRequest::remote); none by default.
    void setTrustedProxies(const TrustedProxies &proxies) { m_proxies = proxies; }
    const TrustedProxies &trustedProxies() const { return m_proxies; }
    // Where WebSocket upgrades are accepted (one path); they come out of nextPendingWebSocketConnection().
    void setWebSocketPath(const QString &path);
    bool hasPendingWebSocketConnections() const;
    std::unique_ptr<QWebSocket> nextPendingWebSocketConnection();

    // Listens with a deep backlog; raises the descriptor limit to what the system allows.
    bool listen(const QHostAddress &address, quint16 port, QString *error);
    quint16 serverPort() const;
    const Limits &limits() const { return m_limits; }
    // Open connections, WebSockets included, and the most allowed at once.
    int connectionCount() const { return m_connections; }
    int connectionLimit() const { return m_connectionLimit; }

    // Prometheus text for the request counters, then what each addMetrics() source adds.
    QByteArray metricsText() const;
    void addMetrics(std::function<QByteArray()> source) { m_metricSources.append(std::move(source)); }

Q_SIGNALS:
    void newWebSocketConnection();
    // A connection is about to be handed to the WebSocket server (before its handshake is answered).
    void upgrading(QTcpSocket *connection);

private:
    friend class Reply;
    friend class HttpConnection;
    struct Route {
        QByteArray method;
        QString pattern;
        QStringList segments;
        Handler handler;
        qint64 bodyLimit = -1;
        int bodyTimeoutMs = -1;
        Admission admission;
    };
    void accept(qintptr descriptor);
    void acceptFailed();
    // The first route for this method and target that has what `has` looks for (a body limit of its own, a
    // body timeout, an admission check); null when none has.
    const Route *routeWith(const QByteArray &method, const QByteArray &target,
                           bool (*has)(const Route &)) const;
    qint64 bodyLimitFor(const QByteArray &method, const QByteArray &target) const;
    int bodyTimeoutFor(const QByteArray &method, const QByteArray &target) const;
    // The route with an admission check that this request goes to, if any.
    const Route *admissionFor(const QByteArray &method, const QByteArray &target) const;
    bool isWebSocketUpgrade(const QByteArray &method, const QString &path, const QByteArray &upgrade) const;
    void handOver(QTcpSocket *socket);
    // A whole request from a connection: routed, and answered through the Reply.
    void dispatch(HttpConnection *connection, HttpRequest request);
    void recordAnswer(const QString &routeLabel, int status, qint64 elapsedMs);

    Limits m_limits;
    TrustedProxies m_proxies;
    QList<Route> m_routes;
    QString m_webSocketPath;
    QTcpServer *m_tcpServer = nullptr;
    QWebSocketServer *m_webSockets = nullptr;
    int m_connections = 0;
    int m_connectionLimit = 0;
    quint64 m_refused = 0;
    // Bytes reserved by large bodies now (Limits::maxBufferedBodyBytes); released by whichever thread
    // drops the body's last holder (HttpRequest::hold).
    std::shared_ptr<std::atomic<qint64>> m_bufferedBodies = std::make_shared<std::atomic<qint64>>(0);
    quint64 m_bodiesRefused = 0;
    quint64 m_acceptErrors = 0;
    QElapsedTimer m_lastRefusalLog;
    struct Counter {
        quint64 count = 0;
        double seconds = 0;
    };
    QMap<QString, Counter> m_counters; // "method route\tstatus"
    QList<std::function<QByteArray()>> m_metricSources;
};
