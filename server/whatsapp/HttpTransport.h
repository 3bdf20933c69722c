#pragma once

#include "MessageTransport.h"

#include <QNetworkAccessManager>
#include <QUrl>

class QNetworkReply;

// The real ways out, over HTTPS: the bridge relay (POST {BRIDGE_BASE_URL}/v1/send with X-Api-Key) or
// Meta's Graph API (POST {base}/{phone-number-id}/messages with a Bearer token). Answers are turned into
// reasons an agent can read. A refusal that certainly sent nothing (rate limits) is retried with backoff
// inside the send timeout; anything that may have reached WhatsApp is never sent again.
class HttpTransport : public MessageTransport {
    Q_OBJECT
public:
    enum class Kind { Bridge, Graph };
    struct Settings {
        Kind kind = Kind::Bridge;
        QUrl baseUrl;          // the bridge's base, or the Graph API's (https://graph.facebook.com/v21.0)
        QString credential;    // BRIDGE_API_KEY or META_ACCESS_TOKEN
        QString phoneNumberId; // Graph only
        int timeoutMs = 15000;
    };

    explicit HttpTransport(const Settings &settings, QObject *parent = nullptr);

    QString name() const override
    {
        return m_settings.kind == Kind::Bridge ? QStringLiteral("bridge") : QStringLiteral("graph");
    }
    void send(const OutboundMessage &message, std::function<void(SendResult)> done) override;

    // The reason for a refusal, from the HTTP status and the body (exposed for tests).
    static SendResult interpret(Kind kind, int httpStatus, const QByteArray &body, bool *retryable);

private:
    void attempt(const OutboundMessage &message, std::function<void(SendResult)> done, qint64 deadlineMs,
                 int tries);
    // Graph: POST /{phone-number-id}/media (multipart: messaging_product, type, file), then the message
    // naming the id WhatsApp gave.
    void upload(const OutboundMessage &message, std::function<void(SendResult)> done, qint64 deadlineMs);
    QNetworkRequest request(const QString &endpoint = QStringLiteral("messages")) const;
    QByteArray payload(const OutboundMessage &message) const;

    Settings m_settings;
    QNetworkAccessManager m_nam;
};
