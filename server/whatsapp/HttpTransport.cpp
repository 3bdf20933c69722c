#include "HttpTransport.h"

#include "base/Logging.h"

#include <QDeadlineTimer>
#include <QHttpMultiPart>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QPointer>
#include <QTimer>

HttpTransport::HttpTransport(const Settings &settings, QObject *parent)
    : MessageTransport(parent)
    , m_settings(settings)
{}

QNetworkRequest HttpTransport::request(const QString &endpoint) const
{
    QUrl url = m_settings.baseUrl;
    QString path = url.path();
    if (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    if (m_settings.kind == Kind::Bridge) {
        url.setPath(path + QStringLiteral("/v1/send"));
    } else {
        url.setPath(path + QLatin1Char('/') + m_settings.phoneNumberId + QLatin1Char('/') + endpoint);
    }
    QNetworkRequest r(url);
    r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (m_settings.kind == Kind::Bridge)
        r.setRawHeader("X-Api-Key", m_settings.credential.toUtf8());
    else
        r.setRawHeader("Authorization", "Bearer " + m_settings.credential.toUtf8());
    r.setTransferTimeout(m_settings.timeoutMs);
    return r;
}

QByteArray HttpTransport::payload(const OutboundMessage &m) const
{
    QJsonObject body{{QStringLiteral("to"), m.to}, {QStringLiteral("type"), m.type}};
    if (m.type == QLatin1String("template")) {
        body.insert(QStringLiteral("template"), m.templateBody);
    } else if (!m.media.isEmpty()) {
        QJsonObject media{{QStringLiteral("id"), m.uploadedId}};
        if (!m.text.isEmpty() && m.type != QLatin1String("sticker") && m.type != QLatin1String("audio"))
            media.insert(QStringLiteral("caption"), m.text);
        if (m.type == QLatin1String("document") && !m.filename.isEmpty())
            media.insert(QStringLiteral("filename"), m.filename);
        body.insert(m.type, media);
    } else {
        body.insert(QStringLiteral("text"), QJsonObject{{QStringLiteral("body"), m.text}});
    }
    if (m_settings.kind == Kind::Graph)
        body.insert(QStringLiteral("messaging_product"), QStringLiteral("whatsapp"));
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

SendResult HttpTransport::interpret(Kind kind, int status, const QByteArray &body, bool *retryable)
{
    *retryable = false;
    SendResult r;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    const QJsonObject root = doc.object();
    if (status >= 200 && status < 300) {
        if (kind == Kind::Bridge) {
            r.waMessageId = root.value(QStringLiteral("wa_id")).toString();
            if (r.waMessageId.isEmpty())
                r.waMessageId = root.value(QStringLiteral("id")).toString();
        } else {
            r.waMessageId = root.value(QStringLiteral("messages"))
                                .toArray()
                                .first()
                                .toObject()
                                .value(QStringLiteral("id"))
                                .toString();
        }
        if (!r.waMessageId.isEmpty() && root.value(QStringLiteral("ok")).toBool(true)) {
            r.ok = true;
            return r;
        }
        r.errorCode = QStringLiteral("unexpected_answer");
        r.errorMessage =
            QStringLiteral("WhatsApp's answer did not say whether the message was taken (no message id); "
                           "check with the technician before sending it again");
        return r;
    }

    // The code WhatsApp (or the bridge) gives, when the body has one.
    QString code;
    QString detail;
    if (kind == Kind::Graph || root.value(QStringLiteral("error")).isObject()) {
        const QJsonObject e = root.value(QStringLiteral("error")).toObject();
        if (e.value(QStringLiteral("code")).isDouble())
            code = QString::number(e.value(QStringLiteral("code")).toInteger());
        detail = e.value(QStringLiteral("error_data")).toObject().value(QStringLiteral("details")).toString();
        if (detail.isEmpty())
            detail = e.value(QStringLiteral("message")).toString();
    } else {
        code = root.value(QStringLiteral("error")).toString();
        detail = root.value(QStringLiteral("message")).toString();
    }

    r.errorCode = code.isEmpty() ? QStringLiteral("http_%1").arg(status) : code;
    if (status == 401 || status == 403 || code == QLatin1String("190") || code == QLatin1String("0")) {
        r.errorMessage =
            QStringLiteral("WhatsApp refused the server's credentials (token wrong or expired): tell an "
                           "administrator. The message was not sent");
    } else if (status == 429 || code == QLatin1String("130429") || code == QLatin1String("131056")) {
        *retryable = true;
        r.errorMessage =
            QStringLiteral("WhatsApp is limiting how fast we may send to this technician: wait a minute, "
                           "then send again. The message was not sent");
    } else if (code == QLatin1String("131047")) {
        r.errorMessage =
            QStringLiteral("The technician last wrote more than 24 hours ago, so WhatsApp only delivers a "
                           "template: send the re-engagement template");
    } else if (code == QLatin1String("131026")) {
        r.errorMessage =
            QStringLiteral("This number cannot receive WhatsApp messages: call the technician instead");
    } else if (code == QLatin1String("132000") || code == QLatin1String("132001")) {
        r.errorMessage =
            QStringLiteral("WhatsApp does not accept the template (name or parameters wrong): tell an "
                           "administrator");
    } else if (status >= 500 || code == QLatin1String("131000") || code == QLatin1String("131016")) {
        r.errorMessage =
            QStringLiteral("WhatsApp had a problem of its own (HTTP %1); the message may not have arrived: "
                           "check with the technician before sending it again")
                .arg(status);
    } else if (doc.isNull()) {
        r.errorCode = QStringLiteral("unexpected_answer");
        r.errorMessage =
            QStringLiteral("WhatsApp answered HTTP %1 with something that is not JSON; the message was "
                           "probably not sent")
                .arg(status);
    } else {
        r.errorMessage = detail.isEmpty()
                             ? QStringLiteral("WhatsApp refused the message (HTTP %1)").arg(status)
                             : QStringLiteral("WhatsApp refused the message: %1").arg(detail);
    }
    return r;
}

void HttpTransport::send(const OutboundMessage &message, std::function<void(SendResult)> done)
{
    if (!message.media.isEmpty()) {
        if (m_settings.kind == Kind::Bridge) {
            SendResult r;
            r.errorCode = QStringLiteral("media_unavailable");
            r.errorMessage =
                QStringLiteral("Files cannot be sent through this connection (the WhatsApp bridge): "
                               "describe it in words, or send it by e-mail");
            QTimer::singleShot(0, this, [done = std::move(done), r] { done(r); });
            return;
        }
        // A file takes longer than a text: the time allowed grows with its size (1 s per 100 KB).
        upload(message, std::move(done),
               QDateTime::currentMSecsSinceEpoch() + m_settings.timeoutMs + message.media.size() / 100);
        return;
    }
    attempt(message, std::move(done), QDateTime::currentMSecsSinceEpoch() + m_settings.timeoutMs, 1);
}

void HttpTransport::upload(const OutboundMessage &message, std::function<void(SendResult)> done,
                           qint64 deadlineMs)
{
    auto *parts = new QHttpMultiPart(QHttpMultiPart::FormDataType);
    const auto field = [parts](const QByteArray &name, const QByteArray &value) {
        QHttpPart part;
        part.setHeader(QNetworkRequest::ContentDispositionHeader, "form-data; name=\"" + name + '"');
        part.setBody(value);
        parts->append(part);
    };
    field("messaging_product", "whatsapp");
    field("type", message.mediaMime.toUtf8());
    QHttpPart file;
    QByteArray name = message.filename.toUtf8();
    name.replace('"', '_').replace('\r', '_').replace('\n', '_');
    if (name.isEmpty())
        name = "file";
    file.setHeader(QNetworkRequest::ContentDispositionHeader,
                   QByteArray("form-data; name=\"file\"; filename=\"") + name + '"');
    file.setHeader(QNetworkRequest::ContentTypeHeader, message.mediaMime.toUtf8());
    file.setBody(message.media);
    parts->append(file);
    QNetworkRequest r = request(QStringLiteral("media"));
    r.setHeader(QNetworkRequest::ContentTypeHeader, QVariant());
    r.setTransferTimeout(int(std::max<qint64>(1000, deadlineMs - QDateTime::currentMSecsSinceEpoch())));
    QNetworkReply *reply = m_nam.post(r, parts);
    parts->setParent(reply);
    QPointer<HttpTransport> self(this);
    connect(reply, &QNetworkReply::finished, this, [self, reply, message, done, deadlineMs] {
        reply->deleteLater();
        if (!self)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        const QString id = QJsonDocument::fromJson(body).object().value(QStringLiteral("id")).toString();
        if (status >= 200 && status < 300 && !id.isEmpty()) {
            OutboundMessage named = message;
            named.uploadedId = id;
            self->attempt(named, done, deadlineMs, 1);
            return;
        }
        SendResult result;
        if (status == 0) {
            result.errorCode = QStringLiteral("unreachable");
            result.errorMessage =
                QStringLiteral("The file could not be uploaded to WhatsApp (%1); it was not sent")
                    .arg(reply->errorString());
        } else {
            bool ignored = false;
            result = interpret(self->m_settings.kind, status, body, &ignored);
            if (result.ok || result.errorCode.isEmpty())
                result.errorCode = QStringLiteral("unexpected_answer");
            result.ok = false;
            result.errorMessage =
                QStringLiteral("WhatsApp did not take the file: %1").arg(result.errorMessage);
        }
        qCWarning(lcSend) << self->name() << "upload for message" << message.messageId
                          << "failed:" << result.errorCode;
        done(result);
    });
}

void HttpTransport::attempt(const OutboundMessage &message, std::function<void(SendResult)> done,
                            qint64 deadlineMs, int tries)
{
    QNetworkReply *reply = m_nam.post(request(), payload(message));
    QPointer<HttpTransport> self(this);
    connect(reply, &QNetworkReply::finished, this, [self, reply, message, done, deadlineMs, tries] {
        reply->deleteLater();
        if (!self)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 0) {
            SendResult r;
            const bool timedOut = reply->error() == QNetworkReply::OperationCanceledError ||
                                  reply->error() == QNetworkReply::TimeoutError;
            r.errorCode = timedOut ? QStringLiteral("timeout") : QStringLiteral("unreachable");
            r.errorMessage =
                timedOut ? QStringLiteral("WhatsApp did not answer within %1 s; the message may or may not "
                                          "have arrived: check with the technician before sending it again")
                               .arg(self->m_settings.timeoutMs / 1000)
                         : QStringLiteral("WhatsApp could not be reached (%1); the message was not sent")
                               .arg(reply->errorString());
            qCWarning(lcSend) << self->name() << "send of message" << message.messageId
                              << "failed:" << r.errorCode;
            done(r);
            return;
        }
        bool retryable = false;
        const SendResult r = interpret(self->m_settings.kind, status, reply->readAll(), &retryable);
        const qint64 backoff = 1000LL << std::min(tries - 1, 4);
        if (!r.ok && retryable && QDateTime::currentMSecsSinceEpoch() + backoff + 1000 < deadlineMs) {
            qCInfo(lcSend) << self->name() << "rate limited; trying message" << message.messageId
                           << "again in" << backoff << "ms";
            QTimer::singleShot(backoff, self, [self, message, done, deadlineMs, tries] {
                if (self)
                    self->attempt(message, done, deadlineMs, tries + 1);
            });
            return;
        }
        if (!r.ok)
            qCWarning(lcSend) << self->name() << "refused message" << message.messageId << ":" << r.errorCode;
        done(r);
    });
}
