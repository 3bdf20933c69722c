#include "HttpServer.h"

#include "Logging.h"

#include <QHttpServerRequest>
#include <QMetaEnum>
#include <QTcpServer>
#include <QTcpSocket>

static QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    default:
        return "OTHER";
    }
}

namespace {

// Every accepted connection sends without Nagle's delay. The event stream writes small frames one after
// another; with Nagle on, each waited for the client's delayed ACK of the one before (up to 40 ms on
// Linux): a single idle console measured p50 13 ms and p99 42 ms from the server's send to its receipt.
class LowDelayTcpServer : public QTcpServer {
public:
    using QTcpServer::QTcpServer;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            qCWarning(lcHttp) << "could not take a connection:" << socket->errorString();
            delete socket;
            return;
        }
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        addPendingConnection(socket);
    }
};

} // namespace

void Reply::send(const HttpResponse &response)
{
    if (m_sent)
        return;
    m_sent = true;
    if (m_server)
        m_server->recordAnswer(m_routeLabel, response.status, m_timer.elapsed());
    if (!m_socket || !m_responder) {
        qCDebug(lcHttp) << "client left before its answer" << m_routeLabel << response.status;
        m_responder.reset();
        return;
    }
    QHttpServerResponder &r = *m_responder;
    r.writeStatusLine(QHttpServerResponder::StatusCode(response.status));
    r.writeHeader("Content-Type", response.contentType);
    r.writeHeader("Content-Length", QByteArray::number(response.body.size()));
    r.writeHeader("Cache-Control", "no-store");
    for (const auto &[key, value] : response.headers)
        r.writeHeader(key, value);
    r.writeBody(response.body);
    m_responder.reset();
}

HttpServer::HttpServer(QObject *parent)
    : QAbstractHttpServer(parent)
{}

void HttpServer::route(const QByteArray &method, const QString &pattern, Handler handler)
{
    m_routes.append(
        {method, pattern, pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts), std::move(handler)});
}

bool HttpServer::listen(const QHostAddress &address, quint16 port, QString *error)
{
    auto *tcp = new LowDelayTcpServer(this);
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
    bind(tcp);
    m_tcpServer = tcp;
    return true;
}

quint16 HttpServer::serverPort() const
{
    return m_tcpServer ? m_tcpServer->serverPort() : 0;
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const QByteArray method = methodName(request.method());
    const QString path = request.url().path();
    const QStringList segments = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);

    const Route *found = nullptr;
    QHash<QString, QString> args;
    QByteArrayList allowed;
    for (const Route &route : std::as_const(m_routes)) {
        if (route.segments.size() != segments.size())
            continue;
        QHash<QString, QString> captured;
        bool match = true;
        for (qsizetype i = 0; i < segments.size() && match; ++i) {
            const QString &want = route.segments.at(i);
            if (want.startsWith(QLatin1Char('{')) && want.endsWith(QLatin1Char('}')))
                captured.insert(want.mid(1, want.size() - 2), segments.at(i));
            else
                match = want == segments.at(i);
        }
        if (!match)
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
    reply->m_responder.emplace(makeResponder(request, socket));
    reply->m_socket = socket;
    reply->m_server = this;
    reply->m_timer.start();

    if (!found) {
        if (!allowed.isEmpty()) {
            reply->m_routeLabel = QString::fromLatin1(method) + QLatin1String(" (wrong method)");
            HttpResponse r = HttpResponse::error(
                405, QStringLiteral("method_not_allowed"),
                QStringLiteral("%1 is not supported on %2; use %3")
                    .arg(QString::fromLatin1(method), path, QString::fromLatin1(allowed.join(", "))));
            r.headers.append({"Allow", allowed.join(", ")});
            reply->send(r);
        } else {
            reply->m_routeLabel = QString::fromLatin1(method) + QLatin1String(" (unknown)");
            reply->send(
                HttpResponse::error(404, QStringLiteral("not_found"),
                                    QStringLiteral("There is nothing at %1: check the address").arg(path)));
        }
        return true;
    }

    reply->m_routeLabel = QString::fromLatin1(found->method) + QLatin1Char(' ') + found->pattern;
    HttpRequest req;
    req.method = method;
    req.path = path;
    req.query = request.query();
    req.body = request.body();
    const auto headers = request.headers();
    for (const auto &[name, value] : headers)
        req.headers.insert(name.toLower(), value);
    req.remote = request.remoteAddress().toString();
    req.pathArgs = args;
    try {
        found->handler(req, reply);
    } catch (const ApiError &e) {
        reply->send(e.response());
    }
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    QHttpServerResponder responder = makeResponder(request, socket);
    responder.write(
        HttpResponse::error(404, QStringLiteral("not_found"), QStringLiteral("Unknown address")).body,
        "application/json", QHttpServerResponder::StatusCode::NotFound);
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
    out += "# HELP liftline_http_requests_total HTTP requests answered, by route and status.\n"
           "# TYPE liftline_http_requests_total counter\n";
    QByteArray seconds =
        "# HELP liftline_http_request_seconds_total Time spent answering, by route and status.\n"
        "# TYPE liftline_http_request_seconds_total counter\n";
    for (auto it = m_counters.cbegin(); it != m_counters.cend(); ++it) {
        const QStringList parts = it.key().split(QLatin1Char('\t'));
        const QString label = parts.value(0);
        const QString method = label.section(QLatin1Char(' '), 0, 0);
        QString routeName = label.section(QLatin1Char(' '), 1);
        routeName.replace(QLatin1Char('"'), QLatin1Char('\''));
        const QByteArray labels = QStringLiteral("{method=\"%1\",route=\"%2\",status=\"%3\"}")
                                      .arg(method, routeName, parts.value(1))
                                      .toUtf8();
        out += "liftline_http_requests_total" + labels + ' ' + QByteArray::number(it->count) + '\n';
        seconds += "liftline_http_request_seconds_total" + labels + ' ' +
                   QByteArray::number(it->seconds, 'f', 3) + '\n';
    }
    out += seconds;
    for (const auto &source : m_metricSources)
        out += source();
    return out;
}
