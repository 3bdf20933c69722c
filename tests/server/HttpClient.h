#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QUrl>

struct HttpResult {
    int status = 0; // 0: no answer (connection failed or timed out)
    QByteArray body;
    QJsonObject json; // empty unless the body is a JSON object
    QList<std::pair<QByteArray, QByteArray>> headers;

    QByteArray header(const QByteArray &name) const;
    QString errorCode() const
    {
        return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
    }
    // "HTTP 404: {body...}" for failure messages.
    QString describe() const
    {
        return QStringLiteral("HTTP %1: %2").arg(status).arg(QString::fromUtf8(body.left(800)));
    }
    QString errorMessage() const
    {
        return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    }
};

// A blocking HTTP client over real loopback sockets, for tests.
class HttpClient {
public:
    explicit HttpClient(const QUrl &base);

    using Headers = QList<std::pair<QByteArray, QByteArray>>;
    HttpResult get(const QString &path, const Headers &headers = {});
    HttpResult post(const QString &path, const QByteArray &body, const Headers &headers = {},
                    const QByteArray &contentType = "application/json");
    HttpResult postJson(const QString &path, const QJsonObject &body, const Headers &headers = {});
    HttpResult request(const QByteArray &method, const QString &path, const QByteArray &body,
                       const Headers &headers, const QByteArray &contentType);

    static Headers bearer(const QByteArray &token) { return {{"Authorization", "Bearer " + token}}; }
    // Benchmarks measure the server, not this client's JSON parser.
    void setParseJson(bool parse) { m_parseJson = parse; }

private:
    QUrl m_base;
    QNetworkAccessManager m_nam;
    bool m_parseJson = true;
};

// Assertions on an answer; each evaluates its request expression exactly once.
#define VERIFY_STATUS(result, expected)                                                                      \
    do {                                                                                                     \
        const HttpResult &s_ = (result);                                                                     \
        QVERIFY2(s_.status == (expected), qPrintable(s_.describe()));                                        \
    } while (false)

#define VERIFY_ERROR(result, expectedStatus, expectedCode)                                                   \
    do {                                                                                                     \
        const HttpResult &r_ = (result);                                                                     \
        QVERIFY2(r_.status == (expectedStatus), qPrintable(r_.describe()));                                  \
        QVERIFY2(r_.json.value(QStringLiteral("ok")) == QJsonValue(false), qPrintable(r_.describe()));       \
        QCOMPARE(r_.errorCode(), QStringLiteral(expectedCode));                                              \
        QVERIFY2(!r_.errorMessage().isEmpty(), qPrintable(r_.describe()));                                   \
    } while (false)
