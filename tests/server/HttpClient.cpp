#include "HttpClient.h"

#include <QBuffer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QTimer>

QByteArray HttpResult::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

HttpClient::HttpClient(const QUrl &base)
    : m_base(base)
{}

HttpResult HttpClient::get(const QString &path, const Headers &headers)
{
    return request("GET", path, {}, headers, {});
}

HttpResult HttpClient::post(const QString &path, const QByteArray &body, const Headers &headers,
                            const QByteArray &contentType)
{
    return request("POST", path, body, headers, contentType);
}

HttpResult HttpClient::postJson(const QString &path, const QJsonObject &body, const Headers &headers)
{
    return post(path, QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
}

HttpResult HttpClient::request(const QByteArray &method, const QString &path, const QByteArray &body,
                               const Headers &headers, const QByteArray &contentType)
{
    QUrl url = m_base;
    const qsizetype q = path.indexOf(QLatin1Char('?'));
    url.setPath(q < 0 ? path : path.left(q));
    if (q >= 0)
        url.setQuery(path.mid(q + 1));
    QNetworkRequest req(url);
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    if (!contentType.isEmpty())
        req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    for (const auto &[key, value] : headers)
        req.setRawHeader(key, value);
    QNetworkReply *reply = nullptr;
    if (method == "GET")
        reply = m_nam.get(req);
    else if (method == "POST")
        reply = m_nam.post(req, body);
    else
        reply = m_nam.sendCustomRequest(req, method, body);

    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    timeout.start(60000);
    loop.exec();

    HttpResult result;
    if (reply->isFinished()) {
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.body = reply->readAll();
        result.headers = reply->rawHeaderPairs();
        const QJsonDocument doc = m_parseJson ? QJsonDocument::fromJson(result.body) : QJsonDocument();
        if (doc.isObject())
            result.json = doc.object();
    } else {
        reply->abort();
    }
    reply->deleteLater();
    return result;
}
