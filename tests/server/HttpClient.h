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
