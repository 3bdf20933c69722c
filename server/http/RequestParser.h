#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <functional>
#include <memory>
#include <utility>

// An HTTP/1.1 request as read off the wire: names in lower case, the body whole.
struct ParsedRequest {
    QByteArray method;
    QByteArray target; // as sent: path and query
    int version = 11;  // 10 or 11
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool keepAlive = true;
    bool upgrade = false;        // Connection: upgrade with an Upgrade header
    bool expectContinue = false; // Expect: 100-continue

    QByteArray header(const QByteArray &lowerCaseName) const;
};

// An incremental HTTP/1.1 request parser with limits enforced while reading: the request line and headers
// together at most maxHeaderBytes, the body at most what bodyLimit says for the request's method and target
// (known from the request line, so a Content-Length above it fails before any of the body is read, and a
// chunked body fails as soon as it passes it). One request at a time: parse() stops at the end of the
// header (so the caller can answer 100-continue or hand an upgrade over), then at the end of the message,
// and never consumes bytes of the next request.
//
// Built on Boost.Beast's basic_parser (header-only); nothing of Beast shows through this interface.
class RequestParser {
public:
    using BodyLimit = std::function<qint64(const QByteArray &method, const QByteArray &target)>;

    enum class State { Header, Body, Done, Failed };

    RequestParser(qint64 maxHeaderBytes, BodyLimit bodyLimit);
    ~RequestParser();
    RequestParser(const RequestParser &) = delete;
    RequestParser &operator=(const RequestParser &) = delete;

    // Feeds bytes; returns how many were consumed (the rest belong to later calls or the next request).
    // Reading the header consumes nothing until the whole header is present: pass everything buffered.
    qsizetype parse(const char *data, qsizetype size);
    // The peer closed its side: a body without a length ends here, anything else is cut short.
    void finish();

    State state() const { return m_state; }
    // Whether any byte of the current request has arrived.
    bool started() const;
    // After Failed: the status to answer with (400, 413, 431, 501) and why, in words.
    int errorStatus() const { return m_errorStatus; }
    QString errorMessage() const { return m_errorMessage; }
    // The limit in effect for the current request's body (after the request line).
    qint64 bodyLimit() const { return m_bodyLimit; }

    // The request so far (whole once Done).
    const ParsedRequest &request() const { return m_request; }
    // Ready for the next request on the same connection.
    void reset();

private:
    class Impl;
    friend class Impl;
    void fail(int status, QString message);

    std::unique_ptr<Impl> m_impl;
    qint64 m_maxHeaderBytes;
    BodyLimit m_limitFor;
    qint64 m_bodyLimit = 0;
    State m_state = State::Header;
    int m_errorStatus = 0;
    QString m_errorMessage;
    ParsedRequest m_request;
};
