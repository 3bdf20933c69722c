#include "HttpServer.h"

#include "Prometheus.h"
#include "RequestParser.h"
#include "base/Logging.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>
#include <QWebSocketServer>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// A large body's share of the server's room for them, given back when the last holder of the body drops it
// (on whichever thread).
struct BodyRoom {
    std::shared_ptr<std::atomic<qint64>> used;
    qint64 bytes = 0;
    ~BodyRoom() { used->fetch_sub(bytes); }
};

// Descriptors kept back from the connection limit: database connections, logs, the embedded cluster's
// pipes, files a request opens.
constexpr rlim_t descriptorReserve = 256;
// Unsent answer bytes above which a connection reads no further request until they drain.
constexpr qint64 maxUnsentBytes = 1 << 20;
// After an answer that closes the connection, how long what the client still sends is read and dropped
// (so the kernel does not reset the connection before the client has read the answer), and how much.
constexpr int lingerMs = 2000;
constexpr qint64 lingerBytes = 1 << 20;
// While an answer is written, the least a client must take in each idle timeout to keep the connection.
constexpr qint64 minProgressBytes = 64 * 1024;
// The most of a streamed body asked for at once (and so held in memory per connection, twice at most).
constexpr qint64 streamPieceBytes = 1 << 20;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 426:
        return "Upgrade Required";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return status < 300 ? "OK" : status < 500 ? "Client Error" : "Server Error";
    }
}

// Accepts with a deep backlog, without Nagle's delay, and lets the HTTP server refuse over its limit.
// The event stream writes small frames one after another; with Nagle on, each waited for the client's
// delayed ACK of the one before (up to 40 ms on Linux).
class Listener : public QTcpServer {
public:
    Listener(std::function<void(qintptr)> accept, QObject *parent)
        : QTcpServer(parent)
        , m_accept(std::move(accept))
    {}

protected:
    void incomingConnection(qintptr descriptor) override { m_accept(descriptor); }

private:
    std::function<void(qintptr)> m_accept;
};

// Splits an origin-form target ("/path?query") into its decoded path and its query; false when the target
// is neither that nor an absolute http(s) URL.
bool splitTarget(const QByteArray &target, QString *path, QUrlQuery *query)
{
    if (target.startsWith('/')) {
        const qsizetype q = target.indexOf('?');
        *path = QUrl::fromPercentEncoding(q < 0 ? target : target.left(q));
        *query = QUrlQuery(q < 0 ? QString() : QString::fromUtf8(target.mid(q + 1)));
        return true;
    }
    const QUrl url = QUrl::fromEncoded(target, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return false;
    *path = url.path().isEmpty() ? QStringLiteral("/") : url.path();
    *query = QUrlQuery(url);
    return true;
}

} // namespace

// One client connection: reads requests one at a time, answers them in order, and enforces the
// timeouts. Deletes itself when the connection ends.
class HttpConnection : public QObject {
public:
    HttpConnection(HttpServer *server, QTcpSocket *socket)
        : QObject(server)
        , m_server(server)
        , m_socket(socket)
        , m_parser(server->m_limits.maxHeaderBytes,
                   [server](const QByteArray &method, const QByteArray &target) {
                       return server->bodyLimitFor(method, target);
                   })
    {
        m_socket->setParent(this);
        m_peer = m_socket->peerAddress();
        m_remote = m_peer.toString();
        // While a request is handled nothing more is read: the kernel's window then holds the client back.
        m_socket->setReadBufferSize(std::max<qint64>(64 * 1024, server->m_limits.maxHeaderBytes + 1));
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, &HttpConnection::timedOut);
        connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::process);
        connect(m_socket, &QTcpSocket::bytesWritten, this, &HttpConnection::written);
        connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::gone);
        connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) {
            if (e != QAbstractSocket::RemoteHostClosedError)
                qCDebug(lcHttp) << "connection from" << m_remote << "failed:" << m_socket->errorString();
            gone();
        });
        // The first request's header must arrive within the header timeout, counted from the accept.
        m_timer.start(server->m_limits.headerTimeoutMs);
        if (m_socket->bytesAvailable() > 0)
            QTimer::singleShot(0, this, &HttpConnection::process);
    }

    const QString &remote() const { return m_remote; }
    bool isOpen() const { return m_socket && m_phase != Phase::Closing; }

    // The answer to the request being handled.
    void respond(const HttpResponse &response, bool head)
    {
        if (m_phase != Phase::Handling || !m_socket)
            return;
        releaseBody();
        const bool close = m_closeAfter || !m_keepAlive;
        const qint64 more = response.more ? std::max<qint64>(0, response.moreBytes) : 0;
        QByteArray out;
        out.reserve(256 + (head ? 0 : response.body.size()));
        out += "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) +
               "\r\nContent-Type: " + response.contentType +
               "\r\nContent-Length: " + QByteArray::number(response.body.size() + more) + "\r\n";
        // Nothing is kept by caches unless the route says otherwise (files: private, by their ETag).
        bool cacheControl = false;
        for (const auto &[key, value] : response.headers) {
            out += key + ": " + value + "\r\n";
            cacheControl |= key.compare("Cache-Control", Qt::CaseInsensitive) == 0;
        }
        if (!cacheControl)
            out += "Cache-Control: no-store\r\n";
        if (close)
            out += "Connection: close\r\n";
        else if (m_version == 10)
            out += "Connection: keep-alive\r\n";
        out += "\r\n";
        if (!head)
            out += response.body;
        m_progress = 0;
        m_socket->write(out);
        if (!head && more > 0) {
            // The rest comes piece by piece as the client takes what is written.
            m_phase = Phase::Streaming;
            m_stream = response.more;
            m_streamLeft = more;
            m_streamClose = close;
            m_timer.start(m_server->m_limits.idleTimeoutMs);
            pullMore();
            return;
        }
        answered(close);
    }

private:
    enum class Phase { Idle, Header, Checking, Body, Handling, Streaming, Closing };

    // The answer is written (or queued whole): the connection closes, or waits for the next request.
    void answered(bool close)
    {
        if (close) {
            closeAfterWrite();
            return;
        }
        m_parser.reset();
        m_phase = Phase::Idle;
        m_timer.start(m_server->m_limits.idleTimeoutMs);
        QTimer::singleShot(0, this, &HttpConnection::process); // a pipelined request may be waiting
    }

    // Asks the answer's stream for its next piece once most of what was written has been taken.
    void pullMore()
    {
        if (m_phase != Phase::Streaming || m_pulling || !m_socket || m_streamLeft <= 0 ||
            m_socket->bytesToWrite() > streamPieceBytes / 2)
            return;
        m_pulling = true;
        const quint64 answer = m_served;
        m_stream->pull(std::min(m_streamLeft, streamPieceBytes),
                       [self = QPointer<HttpConnection>(this), answer](QByteArray piece, bool failed) {
                           if (self && self->m_served == answer)
                               self->pulled(piece, failed);
                       });
    }

    void pulled(const QByteArray &piece, bool failed)
    {
        m_pulling = false;
        if (m_phase != Phase::Streaming || !m_socket)
            return;
        if (failed || piece.isEmpty() || piece.size() > m_streamLeft) {
            // The head promised more than can be sent: only closing tells the client it is short.
            qCWarning(lcHttp) << "an answer to" << m_remote << "was cut short with" << m_streamLeft
                              << "bytes unsent: its body could not be read";
            closeNow();
            return;
        }
        m_socket->write(piece);
        m_streamLeft -= piece.size();
        if (m_streamLeft > 0) {
            pullMore();
            return;
        }
        m_stream.reset();
        answered(m_streamClose);
    }

    void process()
    {
        while (m_socket && (m_phase == Phase::Idle || m_phase == Phase::Header || m_phase == Phase::Body)) {
            if (m_socket->bytesToWrite() > maxUnsentBytes)
                return; // the client is not reading its answers: wait until it does (written())
            const qint64 available = m_socket->bytesAvailable();
            if (available <= 0)
                return;
            if (m_phase == Phase::Idle) {
                m_phase = Phase::Header;
                if (m_served > 0)
                    m_timer.start(m_server->m_limits.headerTimeoutMs);
            }
            if (m_phase == Phase::Header) {
                // The header is parsed once it is whole: everything buffered, up to the limit, each time.
                const QByteArray buffered =
                    m_socket->peek(std::min<qint64>(available, m_server->m_limits.maxHeaderBytes));
                const qsizetype used = m_parser.parse(buffered.constData(), buffered.size());
                if (m_parser.state() == RequestParser::State::Failed) {
                    refuse(m_parser.errorStatus(), m_parser.errorMessage());
                    return;
                }
                if (m_parser.state() == RequestParser::State::Header)
                    return; // more to come
                const ParsedRequest &r = m_parser.request();
                QString path;
                QUrlQuery query;
                if (r.upgrade && splitTarget(r.target, &path, &query) &&
                    m_server->isWebSocketUpgrade(r.method, path, r.header("upgrade"))) {
                    // The request stays unread in the socket: the WebSocket server reads it again.
                    handOver();
                    return;
                }
                m_socket->skip(used);
                if (m_parser.state() == RequestParser::State::Body) {
                    m_bodyTimeoutMs = m_server->bodyTimeoutFor(r.method, r.target);
                    if (const HttpServer::Route *route = m_server->admissionFor(r.method, r.target)) {
                        check(*route);
                        return;
                    }
                    if (!startBody())
                        return;
                    continue;
                }
            } else {
                const QByteArray buffered = m_socket->peek(std::min<qint64>(available, 256 * 1024));
                const qsizetype used = m_parser.parse(buffered.constData(), buffered.size());
                m_socket->skip(used);
                if (m_parser.state() == RequestParser::State::Failed) {
                    refuse(m_parser.errorStatus(), m_parser.errorMessage());
                    return;
                }
                if (m_parser.state() != RequestParser::State::Done) {
                    if (used == 0)
                        return;
                    continue;
                }
            }
            dispatch();
            return;
        }
    }

    // The body may come: within its time, and within the server's room for large bodies. False when it
    // was refused instead (answered, the connection closing).
    bool startBody()
    {
        const qint64 wanted = bodyWanted();
        if (wanted > m_server->m_limits.maxBufferedBodyBytes) {
            refuseBeforeBody(
                QStringLiteral("ANY (body larger than the room)"),
                HttpResponse::error(413, QStringLiteral("body_too_large"),
                                    QStringLiteral("This server takes bodies of at most %1 MiB "
                                                   "at once (LIFTLINE_HTTP_MAX_BUFFERED_BODIES_MB)")
                                        .arg(m_server->m_limits.maxBufferedBodyBytes >> 20)));
            return false;
        }
        if (!reserveBody(wanted)) {
            ++m_server->m_bodiesRefused;
            HttpResponse busy = HttpResponse::error(
                503, QStringLiteral("busy"),
                QStringLiteral(
                    "The server is receiving too many large files at once: try again in a minute"));
            busy.headers.append({QByteArray("Retry-After"), QByteArray("30")});
            refuseBeforeBody(QStringLiteral("ANY (no room for the body)"), busy);
            return false;
        }
        m_phase = Phase::Body;
        m_timer.start(m_bodyTimeoutMs);
        if (m_parser.request().expectContinue)
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        return true;
    }

    // What the body announces (Content-Length), or its route's limit when it is chunked.
    qint64 bodyWanted() const
    {
        bool known = false;
        const qint64 announced = m_parser.request().header("content-length").trimmed().toLongLong(&known);
        return known ? announced : m_parser.bodyLimit();
    }

    // A body larger than the ordinary limit holds what it announces of the server's room for large bodies
    // until its request is answered (this connection's share) and every copy a handler made of it is gone
    // (HttpRequest::hold: a file being sent on to WhatsApp, say).
    bool reserveBody(qint64 wanted)
    {
        if (wanted <= m_server->m_limits.maxBodyBytes)
            return true;
        const auto &used = m_server->m_bufferedBodies;
        if (used->load() + wanted > m_server->m_limits.maxBufferedBodyBytes)
            return false;
        used->fetch_add(wanted);
        auto room = std::make_shared<BodyRoom>();
        room->used = used;
        room->bytes = wanted;
        m_hold = std::move(room);
        return true;
    }

    void releaseBody() { m_hold.reset(); }

    // Refused before its body: answered now, and what the client still sends of the body (up to the
    // route's limit, within its body time) is dropped before the connection closes, so that a client
    // that does not wait for 100-continue still reads the refusal.
    void refuseBeforeBody(const QString &label, HttpResponse refusal)
    {
        m_server->recordAnswer(label, refusal.status, 0);
        qCInfo(lcHttp).noquote() << "request from" << m_remote << "refused before its body with"
                                 << refusal.status;
        // A client that asked whether to send its body has not sent it; one that did not is given the time
        // (at most a minute) and the bytes it announced to finish, and reads the refusal after.
        if (!m_parser.request().expectContinue) {
            m_lingerBytes = std::max(lingerBytes, std::min(bodyWanted(), m_parser.bodyLimit()));
            m_lingerMs = std::clamp(m_bodyTimeoutMs, lingerMs, 60000);
        }
        m_phase = Phase::Handling;
        m_closeAfter = true;
        m_timer.stop();
        refusal.more.reset();
        respond(refusal, false);
    }

    // The route decides from the header whether its body may come; nothing is read meanwhile (the kernel's
    // window holds the client back).
    void check(const HttpServer::Route &route)
    {
        m_phase = Phase::Checking;
        m_timer.start(m_server->m_limits.headerTimeoutMs);
        HttpRequest head;
        if (!requestOf(m_parser.request(), &head)) {
            refuse(400, QStringLiteral("The request target must be a path such as /healthz"));
            return;
        }
        const quint64 request = m_served;
        const QString label = QString::fromLatin1(route.method) + QLatin1Char(' ') + route.pattern;
        route.admission(head, [self = QPointer<HttpConnection>(this), request,
                               label](std::optional<HttpResponse> refusal) {
            if (!self || self->m_phase != Phase::Checking || self->m_served != request)
                return; // gone, or timed out meanwhile
            if (!refusal) {
                if (self->startBody())
                    self->process();
                return;
            }
            self->refuseBeforeBody(label, std::move(*refusal));
        });
    }

    // The parts of a parsed request a handler sees (no body); false when the target is not a path.
    bool requestOf(const ParsedRequest &r, HttpRequest *request) const
    {
        request->method = r.method;
        if (!splitTarget(r.target, &request->path, &request->query))
            return false;
        for (const auto &[name, value] : r.headers) {
            // A header sent more than once is one list (RFC 9110 5.3): X-Forwarded-For from two proxies.
            auto it = request->headers.find(name);
            if (it == request->headers.end())
                request->headers.insert(name, value);
            else
                *it += ", " + value;
        }
        request->remote = m_server->m_proxies.clientAddress(m_peer, request->header("x-forwarded-for"));
        return true;
    }

    void dispatch()
    {
        m_timer.stop();
        m_phase = Phase::Handling;
        ++m_served;
        const ParsedRequest &r = m_parser.request();
        m_keepAlive = r.keepAlive;
        m_version = r.version;
        HttpRequest request;
        if (!requestOf(r, &request)) {
            m_closeAfter = true;
            m_server->recordAnswer(QStringLiteral("ANY (bad target)"), 400, 0);
            respond(HttpResponse::error(400, QStringLiteral("bad_request"),
                                        QStringLiteral("The request target must be a path such as /healthz")),
                    false);
            return;
        }
        request.body = r.body;
        request.hold = m_hold;
        m_server->dispatch(this, std::move(request));
    }

    // The request cannot be read (malformed, too large, too slow): answered, then the connection closes.
    void refuse(int status, const QString &message)
    {
        const QString code = status == 413   ? QStringLiteral("body_too_large")
                             : status == 431 ? QStringLiteral("headers_too_large")
                             : status == 408 ? QStringLiteral("request_timeout")
                                             : QStringLiteral("bad_request");
        qCInfo(lcHttp).noquote() << "request from" << m_remote << "refused with" << status << ":" << message;
        m_server->recordAnswer(QStringLiteral("ANY (unread request)"), status, 0);
        m_phase = Phase::Handling;
        m_closeAfter = true;
        m_timer.stop();
        respond(HttpResponse::error(status, code, message), false);
    }

    void timedOut()
    {
        if (!m_socket)
            return;
        switch (m_phase) {
        case Phase::Idle:
            qCDebug(lcHttp) << "idle connection from" << m_remote << "closed";
            closeNow();
            return;
        case Phase::Header:
        case Phase::Body:
            if (m_phase == Phase::Header && !m_parser.started() && m_served > 0) {
                closeNow();
                return;
            }
            refuse(408,
                   m_phase == Phase::Body
                       ? QStringLiteral("The body did not arrive within %1 s").arg(m_bodyTimeoutMs / 1000.0)
                       : QStringLiteral("The request line and headers did not arrive within %1 s")
                             .arg(m_server->m_limits.headerTimeoutMs / 1000.0));
            return;
        case Phase::Checking:
            refuseBeforeBody(
                QStringLiteral("ANY (unchecked request)"),
                HttpResponse::error(503, QStringLiteral("busy"),
                                    QStringLiteral("The request could not be checked in time: try "
                                                   "again in a few seconds")));
            return;
        case Phase::Handling:
            return;
        case Phase::Streaming:
            qCInfo(lcHttp) << "connection from" << m_remote << "closed: it took less than"
                           << minProgressBytes / 1024 << "KiB of its answer in"
                           << m_server->m_limits.idleTimeoutMs / 1000.0 << "s";
            closeNow();
            return;
        case Phase::Closing:
            m_socket->abort();
            gone();
            return;
        }
    }

    void closeAfterWrite()
    {
        m_phase = Phase::Closing;
        // A large answer (a file) still being written gets the idle time between progress, not the linger.
        m_timer.start(m_socket->bytesToWrite() > 0 ? m_server->m_limits.idleTimeoutMs : m_lingerMs);
        if (m_socket->bytesToWrite() == 0)
            linger();
    }

    // Everything is written: our side is shut, and what the client still sends is dropped until it
    // closes too (or the linger ends).
    void linger()
    {
        if (m_lingering || !m_socket)
            return;
        m_lingering = true;
        m_socket->flush();
        ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
        disconnect(m_socket, &QTcpSocket::readyRead, this, nullptr);
        connect(m_socket, &QTcpSocket::readyRead, this, [this] {
            m_discarded += m_socket->skip(m_socket->bytesAvailable());
            if (m_discarded > m_lingerBytes) {
                m_socket->abort();
                gone();
            }
        });
        m_discarded += m_socket->skip(m_socket->bytesAvailable());
    }

    void written(qint64 bytes)
    {
        if (!m_socket)
            return;
        // While an answer is written (a large file to a slow client), the idle time counts from the
        // client's last real progress: each minProgressBytes it takes, and the end of the answer.
        m_progress += bytes;
        const bool drained = m_socket->bytesToWrite() == 0;
        const bool progressed = m_progress >= minProgressBytes || drained;
        if (progressed)
            m_progress = 0;
        if (m_phase == Phase::Closing) {
            if (drained) {
                m_timer.start(m_lingerMs);
                linger();
            } else if (progressed) {
                m_timer.start(m_server->m_limits.idleTimeoutMs);
            }
            return;
        }
        if (m_phase == Phase::Streaming) {
            if (progressed)
                m_timer.start(m_server->m_limits.idleTimeoutMs);
            pullMore();
            return;
        }
        if (m_phase == Phase::Idle && progressed)
            m_timer.start(m_server->m_limits.idleTimeoutMs);
        if (m_phase == Phase::Idle && m_socket->bytesToWrite() <= maxUnsentBytes / 2 &&
            m_socket->bytesAvailable() > 0)
            process();
    }

    void closeNow()
    {
        m_phase = Phase::Closing;
        m_socket->abort();
        gone();
    }

    void gone()
    {
        if (m_finished)
            return;
        m_finished = true;
        m_timer.stop();
        m_phase = Phase::Closing;
        releaseBody();
        deleteLater(); // the socket (our child) goes with us
    }

    void handOver()
    {
        m_timer.stop();
        m_finished = true;
        QTcpSocket *socket = m_socket;
        disconnect(socket, nullptr, this, nullptr);
        socket->setReadBufferSize(0);
        m_socket = nullptr;
        m_server->handOver(socket);
        deleteLater();
    }

    HttpServer *m_server;
    QPointer<QTcpSocket> m_socket;
    RequestParser m_parser;
    QTimer m_timer;
    int m_bodyTimeoutMs = 0; // the current request's (its route's, or the default)
    int m_lingerMs = lingerMs;
    qint64 m_lingerBytes = lingerBytes;
    qint64 m_progress = 0;                // bytes the client took since its idle time last started again
    std::shared_ptr<BodyStream> m_stream; // the rest of the answer being written
    qint64 m_streamLeft = 0;
    bool m_streamClose = false;
    bool m_pulling = false;
    std::shared_ptr<const void> m_hold; // this request's share of the room for large bodies (reserveBody)
    QHostAddress m_peer;
    QString m_remote; // the connection's peer, for the log
    Phase m_phase = Phase::Idle;
    quint64 m_served = 0;
    qint64 m_discarded = 0;
    int m_version = 11;
    bool m_keepAlive = true;
    bool m_closeAfter = false;
    bool m_lingering = false;
    bool m_finished = false;
};

void Reply::send(const HttpResponse &response)
{
    if (m_sent)
        return;
    m_sent = true;
    if (m_server)
        m_server->recordAnswer(m_routeLabel, response.status, m_timer.elapsed());
    if (!m_connection || !m_connection->isOpen()) {
        qCDebug(lcHttp) << "client left before its answer" << m_routeLabel << response.status;
        return;
    }
    m_connection->respond(response, m_head);
}

bool Reply::clientGone() const
{
    return !m_connection || !m_connection->isOpen();
}

HttpServer::HttpServer(Limits limits, QObject *parent)
    : QObject(parent)
    , m_limits(limits)
{
    m_webSockets =
        new QWebSocketServer(QStringLiteral("liftline-server"), QWebSocketServer::NonSecureMode, this);
    m_webSockets->setHandshakeTimeout(limits.headerTimeoutMs);
    connect(m_webSockets, &QWebSocketServer::newConnection, this, &HttpServer::newWebSocketConnection);
}

HttpServer::~HttpServer() = default;

void HttpServer::route(const QByteArray &method, const QString &pattern, Handler handler)
{
    Route r{method, pattern, pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts), std::move(handler), -1,
            -1,     {}};
    for (const Route &other : std::as_const(m_routes))
        if (other.pattern == pattern) {
            r.bodyLimit = other.bodyLimit;
            r.bodyTimeoutMs = other.bodyTimeoutMs;
            r.admission = other.admission;
        }
    m_routes.append(std::move(r));
}

void HttpServer::setBodyLimit(const QString &pattern, qint64 bytes)
{
    for (Route &r : m_routes)
        if (r.pattern == pattern)
            r.bodyLimit = bytes;
}

void HttpServer::setBodyTimeout(const QString &pattern, int ms)
{
    for (Route &r : m_routes)
        if (r.pattern == pattern)
            r.bodyTimeoutMs = ms;
}

void HttpServer::setAdmission(const QString &pattern, Admission admission)
{
    for (Route &r : m_routes)
        if (r.pattern == pattern)
            r.admission = admission;
}

void HttpServer::setWebSocketPath(const QString &path)
{
    m_webSocketPath = path;
}

bool HttpServer::hasPendingWebSocketConnections() const
{
    return m_webSockets->hasPendingConnections();
}

std::unique_ptr<QWebSocket> HttpServer::nextPendingWebSocketConnection()
{
    return std::unique_ptr<QWebSocket>(m_webSockets->nextPendingConnection());
}

bool HttpServer::listen(const QHostAddress &address, quint16 port, QString *error)
{
    // Each connection is a descriptor: take what the system allows, and keep a reserve below it.
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0) {
        if (files.rlim_cur < files.rlim_max) {
            rlimit raised = files;
            raised.rlim_cur = files.rlim_max;
            if (::setrlimit(RLIMIT_NOFILE, &raised) == 0)
                files = raised;
        }
        const rlim_t usable =
            files.rlim_cur > descriptorReserve + 16 ? files.rlim_cur - descriptorReserve : 16;
        m_connectionLimit = int(std::min<rlim_t>(rlim_t(m_limits.maxConnections), usable));
        if (m_connectionLimit < m_limits.maxConnections)
            qCWarning(lcHttp) << "at most" << m_connectionLimit << "connections: the descriptor limit is"
                              << files.rlim_cur << "(raise LimitNOFILE to allow" << m_limits.maxConnections
                              << ")";
    } else {
        m_connectionLimit = m_limits.maxConnections;
    }

    auto *tcp = new Listener([this](qintptr descriptor) { accept(descriptor); }, this);
    // The default backlog of 50 overflows under bursts of new connections.
    tcp->setListenBacklogSize(1024);
    if (!tcp->listen(address, port)) {
        *error = QStringLiteral("Cannot listen on %1:%2: %3")
                     .arg(address.toString())
                     .arg(port)
                     .arg(tcp->errorString());
        delete tcp;
        return false;
    }
    // Out of descriptors (or memory), accept fails and Qt stops accepting: start again shortly.
    connect(tcp, &QTcpServer::acceptError, this, [this](QAbstractSocket::SocketError) { acceptFailed(); });
    m_tcpServer = tcp;
    return true;
}

void HttpServer::acceptFailed()
{
    ++m_acceptErrors;
    m_tcpServer->pauseAccepting();
    if (!m_lastRefusalLog.isValid() || m_lastRefusalLog.elapsed() > 10000) {
        m_lastRefusalLog.start();
        qCWarning(lcHttp).noquote() << "cannot accept connections:" << m_tcpServer->errorString() << "("
                                    << m_connections << "open); trying again every 0.25 s";
    }
    QTimer::singleShot(250, m_tcpServer, [tcp = m_tcpServer] { tcp->resumeAccepting(); });
}

void HttpServer::accept(qintptr descriptor)
{
    if (m_connections >= m_connectionLimit) {
        ::close(int(descriptor));
        ++m_refused;
        if (!m_lastRefusalLog.isValid() || m_lastRefusalLog.elapsed() > 10000) {
            m_lastRefusalLog.start();
            qCWarning(lcHttp) << "refusing connections:" << m_connections << "are open, the most allowed";
        }
        return;
    }
    auto *socket = new QTcpSocket;
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcHttp) << "could not take a connection:" << socket->errorString();
        ::close(int(descriptor));
        delete socket;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    ++m_connections;
    // Counted until the socket is gone, also after a WebSocket took it over.
    connect(socket, &QObject::destroyed, this, [this] { --m_connections; });
    new HttpConnection(this, socket);
}

quint16 HttpServer::serverPort() const
{
    return m_tcpServer ? m_tcpServer->serverPort() : 0;
}

static bool matches(const QStringList &pattern, const QStringList &segments,
                    QHash<QString, QString> *captured)
{
    if (pattern.size() != segments.size())
        return false;
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const QString &want = pattern.at(i);
        if (want.startsWith(QLatin1Char('{')) && want.endsWith(QLatin1Char('}'))) {
            if (captured)
                captured->insert(want.mid(1, want.size() - 2), segments.at(i));
        } else if (want != segments.at(i)) {
            return false;
        }
    }
    return true;
}

const HttpServer::Route *HttpServer::routeWith(const QByteArray &method, const QByteArray &target,
                                               bool (*has)(const Route &)) const
{
    QString path;
    QUrlQuery query;
    if (!splitTarget(target, &path, &query))
        return nullptr;
    const QStringList segments = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (const Route &route : m_routes)
        if (has(route) && route.method == method && matches(route.segments, segments, nullptr))
            return &route;
    return nullptr;
}

qint64 HttpServer::bodyLimitFor(const QByteArray &method, const QByteArray &target) const
{
    const Route *route = routeWith(method, target, [](const Route &r) { return r.bodyLimit >= 0; });
    return route ? route->bodyLimit : m_limits.maxBodyBytes;
}

int HttpServer::bodyTimeoutFor(const QByteArray &method, const QByteArray &target) const
{
    const Route *route = routeWith(method, target, [](const Route &r) { return r.bodyTimeoutMs >= 0; });
    return route ? route->bodyTimeoutMs : m_limits.bodyTimeoutMs;
}

const HttpServer::Route *HttpServer::admissionFor(const QByteArray &method, const QByteArray &target) const
{
    return routeWith(method, target, [](const Route &r) { return bool(r.admission); });
}

bool HttpServer::isWebSocketUpgrade(const QByteArray &method, const QString &path,
                                    const QByteArray &upgrade) const
{
    return method == "GET" && !m_webSocketPath.isEmpty() && path == m_webSocketPath &&
           upgrade.trimmed().compare("websocket", Qt::CaseInsensitive) == 0;
}

void HttpServer::handOver(QTcpSocket *socket)
{
    socket->setParent(this);
    Q_EMIT upgrading(socket);
    m_webSockets->handleConnection(socket);
    // The handshake is already buffered: let the WebSocket server read it now.
    QTimer::singleShot(0, socket, [socket] { Q_EMIT socket->readyRead(); });
}

void HttpServer::dispatch(HttpConnection *connection, HttpRequest request)
{
    const QByteArray &method = request.method;
    const QString &path = request.path;
    const QStringList segments = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);

    const Route *found = nullptr;
    QHash<QString, QString> args;
    QByteArrayList allowed;
    for (const Route &route : std::as_const(m_routes)) {
        QHash<QString, QString> captured;
        if (!matches(route.segments, segments, &captured))
            continue;
        // A literal segment wins over a {placeholder} at the same place ("unassigned" vs "{ticketId}").
        if (route.method == method || (method == "HEAD" && route.method == "GET")) {
            if (!found || captured.size() < args.size()) {
                found = &route;
                args = captured;
            }
        } else {
            allowed << route.method;
        }
    }

    auto reply = std::make_shared<Reply>();
    reply->m_connection = connection;
    reply->m_server = this;
    reply->m_head = method == "HEAD";
    reply->m_timer.start();

    if (!found) {
        if (!allowed.isEmpty()) {
            reply->m_routeLabel = QString::fromLatin1(method) + QLatin1String(" (wrong method)");
            HttpResponse r =
                HttpResponse::error(405, QStringLiteral("method_not_allowed"),
                                    QStringLiteral("%1 is not supported on %2; use %3")
                                        .arg(QString::fromLatin1(method.left(32)), path.left(200),
                                             QString::fromLatin1(allowed.join(", "))));
            r.headers.append({"Allow", allowed.join(", ")});
            reply->send(r);
        } else {
            reply->m_routeLabel = QString::fromLatin1(method.left(32)) + QLatin1String(" (unknown)");
            reply->send(HttpResponse::error(
                404, QStringLiteral("not_found"),
                QStringLiteral("There is nothing at %1: check the address").arg(path.left(200))));
        }
        return;
    }

    reply->m_routeLabel = QString::fromLatin1(found->method) + QLatin1Char(' ') + found->pattern;
    request.pathArgs = args;
    try {
        found->handler(request, reply);
    } catch (const ApiError &e) {
        reply->send(e.response());
    } catch (const DomainError &e) {
        reply->send(ApiError(e).response());
    }
}

void HttpServer::recordAnswer(const QString &routeLabel, int status, qint64 elapsedMs)
{
    Counter &c = m_counters[routeLabel + QLatin1Char('\t') + QString::number(status)];
    ++c.count;
    c.seconds += double(elapsedMs) / 1000.0;
    qCDebug(lcHttp).noquote() << routeLabel << status << elapsedMs << "ms";
}

QByteArray HttpServer::metricsText() const
{
    QByteArray out;
    using namespace Prometheus;
    out +=
        family("liftline_http_requests_total", Type::Counter, "HTTP requests answered, by route and status.");
    QByteArray seconds = family("liftline_http_request_seconds_total", Type::Counter,
                                "Time spent answering, by route and status.");
    for (auto it = m_counters.cbegin(); it != m_counters.cend(); ++it) {
        const QStringList parts = it.key().split(QLatin1Char('\t'));
        const QString label = parts.value(0);
        const QString method = label.section(QLatin1Char(' '), 0, 0);
        QString routeName = label.section(QLatin1Char(' '), 1);
        routeName.replace(QLatin1Char('"'), QLatin1Char('\''));
        routeName.replace(QLatin1Char('\\'), QLatin1Char('/'));
        const QByteArray labels = QStringLiteral("{method=\"%1\",route=\"%2\",status=\"%3\"}")
                                      .arg(method, routeName, parts.value(1))
                                      .toUtf8();
        out += sample("liftline_http_requests_total", labels, qint64(it->count));
        seconds +=
            sample("liftline_http_request_seconds_total", labels, QByteArray::number(it->seconds, 'f', 3));
    }
    out += seconds;
    out += metric("liftline_http_connections", Type::Gauge, "Open connections, event streams included.",
                  m_connections);
    out += metric("liftline_http_connection_limit", Type::Gauge, "The most connections open at once.",
                  m_connectionLimit);
    out += metric("liftline_http_connections_refused_total", Type::Counter,
                  "Connections closed at once: the limit was reached.", qint64(m_refused));
    out += metric("liftline_http_buffered_body_bytes", Type::Gauge,
                  "Bytes of large bodies (files, the registry) being received or handled now.",
                  m_bufferedBodies->load());
    out += metric("liftline_http_bodies_refused_total", Type::Counter,
                  "Large bodies answered 503: the room for them was taken.", qint64(m_bodiesRefused));
    out += metric("liftline_http_accept_errors_total", Type::Counter,
                  "Times accepting failed (out of descriptors, say).", qint64(m_acceptErrors));
    for (const auto &source : m_metricSources)
        out += source();
    return out;
}
