#include "Callouts.h"

#include "base/Logging.h"
#include "db/Db.h"
#include "db/DbPool.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QNetworkReply>
#include <QSqlQuery>

Callouts::Callouts(DbPool *pool, Settings settings, WhatsAppSend whatsapp, TechnicianReply reply,
                   QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_settings(std::move(settings))
    , m_whatsapp(std::move(whatsapp))
    , m_reply(std::move(reply))
{
    connect(&m_timer, &QTimer::timeout, this, &Callouts::poll);
    m_timer.start(1000);
}

QStringList Callouts::channels(const Settings &s)
{
    QStringList out;
    if (!s.pagerDutyRoutingKey.isEmpty())
        out << QStringLiteral("pagerduty");
    if (!s.webhookUrl.isEmpty())
        out << QStringLiteral("webhook");
    if (!s.oncallTemplate.isEmpty())
        out << QStringLiteral("whatsapp");
    return out;
}

namespace {

constexpr int leaseSize = 50;
constexpr int maxInFlight = 200;

// Where the request is, in a few words: the lift, else the number that wrote.
QString place(const QJsonObject &facts)
{
    const QString lift = facts.value(QStringLiteral("lift_name")).toString();
    if (!lift.isEmpty())
        return lift;
    const QString from = facts.value(QStringLiteral("from_number")).toString();
    return from.isEmpty() ? QStringLiteral("an unknown lift")
                          : QStringLiteral("+") + from + QStringLiteral(" (not in the registry)");
}

QString reference(const QJsonObject &facts)
{
    const QString ref = facts.value(QStringLiteral("ticket_reference")).toString();
    return ref.isEmpty() ? QStringLiteral("no ticket") : ref;
}

} // namespace

QByteArray Callouts::pagerDutyBody(const QJsonObject &facts, const QString &event, const QString &routingKey)
{
    QJsonObject body{{QStringLiteral("routing_key"), routingKey},
                     {QStringLiteral("event_action"), event},
                     {QStringLiteral("dedup_key"), facts.value(QStringLiteral("dedup_key"))}};
    if (event == QLatin1String("trigger")) {
        const QJsonObject step = facts.value(QStringLiteral("step")).toObject();
        QString summary =
            QStringLiteral("Liftline: a technician at %1 asked for the call centre (%2) and nobody "
                           "has acknowledged after %3 s")
                .arg(place(facts), reference(facts))
                .arg(step.value(QStringLiteral("after_seconds")).toInt());
        summary.truncate(1000);
        body.insert(QStringLiteral("payload"),
                    QJsonObject{{QStringLiteral("summary"), summary},
                                {QStringLiteral("source"), QStringLiteral("liftline")},
                                {QStringLiteral("severity"), QStringLiteral("critical")},
                                {QStringLiteral("timestamp"), facts.value(QStringLiteral("requested_at"))},
                                {QStringLiteral("component"), place(facts)},
                                {QStringLiteral("group"), reference(facts)},
                                {QStringLiteral("class"), QStringLiteral("agent_request")},
                                {QStringLiteral("custom_details"), facts}});
        body.insert(QStringLiteral("client"), QStringLiteral("Liftline"));
    }
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QByteArray Callouts::webhookBody(const QJsonObject &facts, const QString &event, qint64 calloutId)
{
    QJsonObject body = facts;
    body.insert(QStringLiteral("event"),
                event == QLatin1String("trigger")       ? QStringLiteral("request.escalated")
                : event == QLatin1String("acknowledge") ? QStringLiteral("request.acknowledged")
                : event == QLatin1String("chain_head")  ? QStringLiteral("audit.chain_head")
                                                        : QStringLiteral("request.resolved"));
    body.insert(QStringLiteral("delivery_id"), calloutId);
    body.insert(QStringLiteral("sent_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

OutboundMessage Callouts::whatsAppMessage(const QJsonObject &facts, const QString &to,
                                          const QString &templateName, const QString &language)
{
    OutboundMessage m;
    m.to = to;
    m.type = QStringLiteral("template");
    QJsonArray parameters{
        QJsonObject{{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), place(facts)}},
        QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                    {QStringLiteral("text"), reference(facts)}}};
    // The update template's third parameter says what became of the request.
    const QString event = facts.value(QStringLiteral("event")).toString();
    QString outcome;
    if (event == QLatin1String("acknowledge"))
        outcome =
            QStringLiteral("taken by %1").arg(facts.value(QStringLiteral("acknowledged_by")).toString());
    else if (event == QLatin1String("resolve"))
        outcome = facts.value(QStringLiteral("closed_reason")).toString() == QLatin1String("not_emergency")
                      ? QStringLiteral("closed: not an emergency")
                      : QStringLiteral("resolved");
    if (!outcome.isEmpty())
        parameters.append(
            QJsonObject{{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), outcome}});
    m.templateBody = {{QStringLiteral("name"), templateName},
                      {QStringLiteral("language"), QJsonObject{{QStringLiteral("code"), language}}},
                      {QStringLiteral("components"),
                       QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("body")},
                                              {QStringLiteral("parameters"), parameters}}}}};
    m.text =
        outcome.isEmpty()
            ? QStringLiteral("[on-call alert] %1 (%2)").arg(place(facts), reference(facts))
            : QStringLiteral("[on-call update] %1 (%2): %3").arg(place(facts), reference(facts), outcome);
    return m;
}

QByteArray Callouts::signature(const QByteArray &body, const QByteArray &secret)
{
    return QByteArrayLiteral("sha256=") +
           QMessageAuthenticationCode::hash(body, secret, QCryptographicHash::Sha256).toHex();
}

void Callouts::poll()
{
    // Call-outs in flight keep their lease, so a slow receiver holds up only its own.
    if (m_polling || m_inFlight >= maxInFlight)
        return;
    m_polling = true;
    m_pool->run<QList<Due>>(
        this,
        [](Db &db) {
            QList<Due> due;
            try {
                // A lease of 60 s (longer than any attempt takes): another server skips these meanwhile,
                // and one that stops mid-way leaves them to be taken again. A request's earlier event on
                // the same incident channel (on WhatsApp: to the same phone) goes first.
                QSqlQuery &q = db.exec(
                    QStringLiteral(
                        "UPDATE escalation_callouts SET next_attempt_at = now() + interval '60 seconds' "
                        "WHERE id "
                        "IN ("
                        "SELECT c.id FROM escalation_callouts c WHERE c.pending AND c.next_attempt_at <= "
                        "now() "
                        "AND NOT EXISTS (SELECT 1 FROM escalation_callouts e WHERE e.request_id = "
                        "c.request_id AND e.channel = c.channel AND (c.channel <> 'whatsapp' OR "
                        "e.recipient IS NOT DISTINCT FROM c.recipient) AND e.pending AND e.id < c.id) "
                        "ORDER BY c.id LIMIT ? FOR UPDATE SKIP LOCKED) "
                        "RETURNING id, channel, event, coalesce(recipient, ''), facts::text"),
                    {leaseSize});
                while (q.next())
                    due.append({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
                                q.value(3).toString(),
                                QJsonDocument::fromJson(q.value(4).toString().toUtf8()).object()});
                q.finish();
            } catch (const DbError &e) {
                qCDebug(lcEscalation) << "call-outs skipped:" << e.message();
            }
            return due;
        },
        [this](QList<Due> due) {
            m_polling = false;
            for (const Due &d : std::as_const(due))
                send(d);
            if (due.size() == leaseSize)
                poll(); // more are due: a burst of steps goes out at once, not 50 a second
        });
}

void Callouts::send(const Due &d)
{
    if (d.channel == QLatin1String("pagerduty")) {
        if (m_settings.pagerDutyRoutingKey.isEmpty())
            return record(d.id, false, QStringLiteral("PAGERDUTY_ROUTING_KEY is not set on this server"));
        post(d, m_settings.pagerDutyUrl, pagerDutyBody(d.facts, d.event, m_settings.pagerDutyRoutingKey), {});
    } else if (d.channel == QLatin1String("webhook")) {
        if (m_settings.webhookUrl.isEmpty())
            return record(d.id, false,
                          QStringLiteral("LIFTLINE_CALLOUT_WEBHOOK_URL is not set on this server"));
        const QByteArray body = webhookBody(d.facts, d.event, d.id);
        QList<QPair<QByteArray, QByteArray>> headers{{"X-Liftline-Delivery", QByteArray::number(d.id)}};
        if (!m_settings.webhookSecret.isEmpty())
            headers.append({"X-Liftline-Signature-256", signature(body, m_settings.webhookSecret)});
        post(d, m_settings.webhookUrl, body, headers);
    } else if (d.channel == QLatin1String("technician")) {
        if (!m_reply)
            return record(d.id, false, QStringLiteral("this server sends no automatic replies"));
        ++m_inFlight;
        m_reply(d.facts, [this, id = d.id](const SendResult &result) {
            --m_inFlight;
            record(id, result.ok,
                   result.ok ? result.waMessageId
                             : QStringLiteral("%1: %2").arg(result.errorCode, result.errorMessage));
        });
    } else {
        // A phone called out is told, by a second template, when someone took the request or it closed.
        const bool update = d.event != QLatin1String("trigger");
        const QString name = update ? m_settings.oncallUpdateTemplate : m_settings.oncallTemplate;
        if (update && name.isEmpty())
            return record(d.id, true, QStringLiteral("not sent: LIFTLINE_ONCALL_UPDATE_TEMPLATE is none"));
        if (name.isEmpty() || !m_whatsapp)
            return record(d.id, false, QStringLiteral("LIFTLINE_ONCALL_TEMPLATE is not set on this server"));
        ++m_inFlight;
        m_whatsapp(whatsAppMessage(d.facts, d.recipient, name, m_settings.templateLanguage),
                   [this, id = d.id](const SendResult &result) {
                       --m_inFlight;
                       record(id, result.ok,
                              result.ok
                                  ? result.waMessageId
                                  : QStringLiteral("%1: %2").arg(result.errorCode, result.errorMessage));
                   });
    }
}

void Callouts::post(const Due &d, const QUrl &url, const QByteArray &body,
                    const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    request.setTransferTimeout(m_settings.timeoutMs);
    ++m_inFlight;
    QNetworkReply *reply = m_nam.post(request, body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, id = d.id] {
        reply->deleteLater();
        --m_inFlight;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const bool delivered = status >= 200 && status < 300;
        record(
            id, delivered,
            delivered ? QStringLiteral("HTTP %1").arg(status)
            : status
                ? QStringLiteral("HTTP %1: %2").arg(status).arg(QString::fromUtf8(reply->readAll().left(200)))
                : reply->errorString());
    });
}

// delivered: note is what the receiver answered (a WhatsApp id, the HTTP status); otherwise the failure.
void Callouts::record(qint64 id, bool delivered, const QString &note)
{
    if (!delivered)
        qCWarning(lcEscalation).noquote() << "call-out" << id << "failed:" << note << "(will try again)";
    m_pool->postBackground([id, delivered, note, giveUp = m_settings.giveUpSeconds](Db &db) {
        try {
            if (delivered) {
                db.exec(
                    QStringLiteral("UPDATE escalation_callouts SET pending = false, sent_at = now(), "
                                   "attempts = attempts + 1, reference = ?, last_error = NULL WHERE id = ?"),
                    {note, id});
                return;
            }
            const bool gaveUp =
                db.scalar(
                      QStringLiteral(
                          "UPDATE escalation_callouts SET attempts = attempts + 1, last_error = ?, "
                          "given_up_at = CASE WHEN created_at < now() - make_interval(secs => ?) THEN now() "
                          "END, "
                          "pending = created_at >= now() - make_interval(secs => ?), "
                          "next_attempt_at = now() + make_interval(secs => least(60, power(2, attempts))) "
                          "WHERE id = ? RETURNING NOT pending"),
                      {note, giveUp, giveUp, id})
                    .toBool();
            if (gaveUp)
                qCCritical(lcEscalation).noquote()
                    << "call-out" << id << "given up after" << giveUp << "s of failures; last:" << note;
        } catch (const DbError &e) {
            // The lease runs out and the call-out is taken again: at worst it is delivered twice, which its
            // deduplication key is for.
            qCWarning(lcEscalation) << "could not record call-out" << id << ":" << e.message();
        }
    });
}
