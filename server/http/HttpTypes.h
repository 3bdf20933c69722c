#pragma once

#include "domain/DomainError.h"

#include <QByteArray>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QUrlQuery>
#include <functional>
#include <memory>
#include <stdexcept>

// What a handler needs of a request: a plain copy, safe to hand to a database thread.
struct HttpRequest {
    QByteArray method;
    QString path;
    QUrlQuery query;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // names in lower case
    QString remote;
    QHash<QString, QString> pathArgs; // {name} segments of the route
    // While any copy of the request (or whatever a handler hands it to) keeps this, the room its large
    // body takes among the server's buffered bodies stays reserved (HttpServer::Limits).
    std::shared_ptr<const void> hold;

    QByteArray header(const QByteArray &lowerCaseName) const { return headers.value(lowerCaseName); }
};

// The rest of an answer's body, made while the client takes what came before it (a file read from the
// database piece by piece), so that a large answer never sits whole in memory. The server calls pull() on its
// own thread, one call at a time, when the client has taken most of what was written; pull() answers once, on
// the server's thread, with the next bytes (at most maxBytes, at least one), or with failed = true, which
// ends the connection (the client sees an answer shorter than its Content-Length).
class BodyStream {
public:
    using Deliver = std::function<void(QByteArray piece, bool failed)>;
    virtual ~BodyStream() = default;
    virtual void pull(qint64 maxBytes, Deliver deliver) = 0;
};

struct HttpResponse {
    int status = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;
    // When set, moreBytes more bytes follow `body`, pulled from `more` (Content-Length counts both).
    std::shared_ptr<BodyStream> more;
    qint64 moreBytes = 0;

    static HttpResponse json(const QJsonObject &object, int status = 200);
    // {"ok":true, <fields...>} where rawFields are already JSON (built by PostgreSQL, say).
    static HttpResponse okRaw(const QList<std::pair<QByteArray, QByteArray>> &rawFields, int status = 200);
    static HttpResponse error(int status, const QString &code, const QString &message);
    static HttpResponse text(const QByteArray &body, int status = 200,
                             const QByteArray &contentType = "text/plain; charset=utf-8");
};

// Thrown by handlers for every answer that is not a success: it becomes the error envelope
// {"ok": false, "error": {"code", "message"}} with its status.
class ApiError : public std::runtime_error {
public:
    ApiError(int status, QString code, QString message)
        : std::runtime_error(code.toStdString())
        , status(status)
        , code(std::move(code))
        , message(std::move(message))
    {}
    // The one place where what the domain refuses becomes an HTTP status.
    explicit ApiError(const DomainError &e)
        : ApiError(statusOf(e.kind), e.code, e.message)
    {}
    static int statusOf(DomainError::Kind kind)
    {
        switch (kind) {
        case DomainError::Kind::Invalid:
            return 400;
        case DomainError::Kind::Unauthenticated:
            return 401;
        case DomainError::Kind::Forbidden:
            return 403;
        case DomainError::Kind::NotFound:
            return 404;
        case DomainError::Kind::Conflict:
            return 409;
        case DomainError::Kind::NotPossible:
            return 422;
        }
        return 500;
    }
    HttpResponse response() const { return HttpResponse::error(status, code, message); }

    int status;
    QString code;
    QString message;
};
