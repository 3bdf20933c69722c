#include "HttpTypes.h"

HttpResponse HttpResponse::json(const QJsonObject &object, int status)
{
    HttpResponse r;
    r.status = status;
    r.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return r;
}

HttpResponse HttpResponse::okRaw(const QList<std::pair<QByteArray, QByteArray>> &rawFields, int status)
{
    HttpResponse r;
    r.status = status;
    qsizetype size = 16;
    for (const auto &[key, value] : rawFields)
        size += key.size() + value.size() + 4;
    r.body.reserve(size);
    r.body += "{\"ok\":true";
    for (const auto &[key, value] : rawFields) {
        r.body += ",\"";
        r.body += key;
        r.body += "\":";
        r.body += value.isEmpty() ? QByteArray("null") : value;
    }
    r.body += '}';
    return r;
}

HttpResponse HttpResponse::error(int status, const QString &code, const QString &message)
{
    return json({{QStringLiteral("ok"), false},
                 {QStringLiteral("error"),
                  QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}}}},
                status);
}

HttpResponse HttpResponse::text(const QByteArray &body, int status, const QByteArray &contentType)
{
    HttpResponse r;
    r.status = status;
    r.body = body;
    r.contentType = contentType;
    return r;
}
