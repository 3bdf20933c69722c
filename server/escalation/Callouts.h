#pragma once

#include "domain/Outbound.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <QUrl>
#include <functional>

class DbPool;

// Sends the escalation's call-outs from their outbox (escalation_callouts): a WhatsApp template to each
// on-call number, PagerDuty's Events API v2 (trigger, acknowledge, resolve, with the request's
// deduplication key), and a JSON webhook signed with HMAC-SHA256. Rows are taken as leases, so several
// servers share the work; one that fails is tried again with a growing wait (up to a minute) for an hour,
// then given up and logged. A request's events reach one channel in order: an acknowledgement never
// overtakes the trigger it follows.
class Callouts : public QObject {
    Q_OBJECT
public:
    struct Settings {
        QUrl webhookUrl;              // LIFTLINE_CALLOUT_WEBHOOK_URL; empty: no webhook
        QByteArray webhookSecret;     // LIFTLINE_CALLOUT_WEBHOOK_SECRET
        QUrl pagerDutyUrl;            // PAGERDUTY_EVENTS_URL
        QString pagerDutyRoutingKey;  // PAGERDUTY_ROUTING_KEY; empty: no PagerDuty
        QString oncallTemplate;       // LIFTLINE_ONCALL_TEMPLATE; empty: no WhatsApp call-outs
        QString oncallUpdateTemplate; // LIFTLINE_ONCALL_UPDATE_TEMPLATE; empty: phones not told what followed
        QString templateLanguage;
        int timeoutMs = 10000;
        int giveUpSeconds = 3600;
    };
    using WhatsAppSend = std::function<void(const OutboundMessage &, std::function<void(SendResult)>)>;
    // Tells the technician who asked that nobody was available and on-call staff are being called: stored in
    // the ticket's transcript as automatic and sent. The call-out's facts carry the ticket and the number.
    using TechnicianReply = std::function<void(const QJsonObject &facts, std::function<void(SendResult)>)>;

    Callouts(DbPool *pool, Settings settings, WhatsAppSend whatsapp, TechnicianReply reply,
             QObject *parent = nullptr);

    // The channels configured, as escalation_take_due takes them.
    static QStringList channels(const Settings &settings);

    // The bodies each channel sends for a call-out's facts (escalation_facts).
    static QByteArray pagerDutyBody(const QJsonObject &facts, const QString &event,
                                    const QString &routingKey);
    static QByteArray webhookBody(const QJsonObject &facts, const QString &event, qint64 calloutId);
    static OutboundMessage whatsAppMessage(const QJsonObject &facts, const QString &to,
                                           const QString &templateName, const QString &language);
    // "sha256=" and the hex HMAC-SHA256 of body (the X-Liftline-Signature-256 header).
    static QByteArray signature(const QByteArray &body, const QByteArray &secret);

    // Looks for due call-outs now (also done every second).
    void poll();

private:
    struct Due {
        qint64 id;
        QString channel;
        QString event;
        QString recipient;
        QJsonObject facts;
    };
    void send(const Due &due);
    void post(const Due &due, const QUrl &url, const QByteArray &body,
              const QList<QPair<QByteArray, QByteArray>> &headers);
    void record(qint64 id, bool delivered, const QString &note);

    DbPool *m_pool;
    Settings m_settings;
    WhatsAppSend m_whatsapp;
    TechnicianReply m_reply;
    QNetworkAccessManager m_nam;
    QTimer m_timer;
    int m_inFlight = 0;
    bool m_polling = false;
};
