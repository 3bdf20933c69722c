#include "WebhookForwarder.h"

#include "WebhookBody.h"
#include "base/Logging.h"
#include "db/Db.h"
#include "db/DbPool.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

WebhookForwarder::WebhookForwarder(DbPool *pool, const QUrl &host, const QByteArray &appSecret, Mode mode,
                                   QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_host(host)
    , m_secret(appSecret)
    , m_mode(mode)
{
    connect(&m_timer, &QTimer::timeout, this, &WebhookForwarder::poll);
    m_timer.start(1000);
}

void WebhookForwarder::poll()
{
    if (m_inFlight > 0)
        return;
    struct Due {
        qint64 id;
        QByteArray body;
    };
    m_pool->run<QList<Due>>(
        this,
        [](Db &db) {
            QList<Due> due;
            try {
                // A lease of 30 s: another server skips these meanwhile, and a server that stops mid-way
                // leaves them to be taken again.
                QSqlQuery &q = db.exec(QStringLiteral(
                    "UPDATE whatsapp_inbox SET forward_next_at = now() + interval '30 seconds' WHERE id IN ("
                    "SELECT id FROM whatsapp_inbox WHERE forward_pending AND forward_next_at <= now() "
                    "ORDER BY id LIMIT 50 FOR UPDATE SKIP LOCKED) RETURNING id, body"));
                while (q.next())
                    due.append({q.value(0).toLongLong(), q.value(1).toByteArray()});
                q.finish();
            } catch (const DbError &e) {
                qCDebug(lcWebhook) << "forwarding skipped:" << e.message();
            }
            return due;
        },
        [this](QList<Due> due) {
            for (const Due &d : std::as_const(due))
                forward(d.id, d.body);
        });
}

QByteArray WebhookForwarder::forHost(const QByteArray &body, Mode mode)
{
    if (mode == Mode::Everything)
        return body;
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (!document.isObject())
        return body; // not WhatsApp's shape: the host decides what it is
    bool removed = false;
    QJsonObject root = document.object();
    QJsonArray entries;
    const QJsonArray inEntries = root.value(QStringLiteral("entry")).toArray();
    for (const QJsonValue &e : inEntries) {
        QJsonObject entry = e.toObject();
        QJsonArray changes;
        const QJsonArray inChanges = entry.value(QStringLiteral("changes")).toArray();
        for (const QJsonValue &c : inChanges) {
            QJsonObject change = c.toObject();
            QJsonObject value = change.value(QStringLiteral("value")).toObject();
            QJsonArray kept;
            const QJsonArray messages = value.value(QStringLiteral("messages")).toArray();
            for (const QJsonValue &m : messages) {
                const QString type = m.toObject().value(QStringLiteral("type")).toString();
                if (type == QLatin1String("button") || type == QLatin1String("interactive"))
                    kept.append(m);
                else
                    removed = true;
            }
            if (value.contains(QStringLiteral("messages"))) {
                if (kept.isEmpty())
                    value.remove(QStringLiteral("messages"));
                else
                    value.insert(QStringLiteral("messages"), kept);
            }
            if (value.value(QStringLiteral("messages")).toArray().isEmpty() &&
                value.value(QStringLiteral("statuses")).toArray().isEmpty() &&
                value.value(QStringLiteral("errors")).toArray().isEmpty()) {
                removed = true;
                continue;
            }
            change.insert(QStringLiteral("value"), value);
            changes.append(change);
        }
        if (changes.isEmpty()) {
            removed = true;
            continue;
        }
        entry.insert(QStringLiteral("changes"), changes);
        entries.append(entry);
    }
    if (!removed)
        return body;
    if (entries.isEmpty())
        return {};
    root.insert(QStringLiteral("entry"), entries);
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

void WebhookForwarder::forward(qint64 id, const QByteArray &whole)
{
    const QByteArray body = forHost(whole, m_mode);
    if (body.isEmpty()) {
        // Nothing in it is the host's: done, and the row says why it was never sent.
        record(id, true, QStringLiteral("not forwarded: nothing in it for the host"));
        return;
    }
    QNetworkRequest request(m_host);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("X-Hub-Signature-256", WebhookBody::signature(body, m_secret));
    request.setTransferTimeout(10000);
    ++m_inFlight;
    QNetworkReply *reply = m_nam.post(request, body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, id] {
        reply->deleteLater();
        --m_inFlight;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const bool delivered = status >= 200 && status < 300;
        record(id, delivered,
               delivered ? QString()
               : status  ? QStringLiteral("HTTP %1").arg(status)
                         : reply->errorString());
    });
}

void WebhookForwarder::record(qint64 id, bool delivered, const QString &note)
{
    if (!delivered)
        qCWarning(lcWebhook).noquote() << "forwarding body" << id << "to" << m_host.toString()
                                       << "failed:" << note << "(will try again)";
    m_pool->postBackground([id, delivered, error = note](Db &db) {
        try {
            if (delivered)
                db.exec(
                    QStringLiteral("UPDATE whatsapp_inbox SET forward_pending = false, forwarded_at = now(), "
                                   "forward_attempts = forward_attempts + 1, forward_error = ? WHERE id = ?"),
                    {error.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(error), id});
            else
                db.exec(QStringLiteral("UPDATE whatsapp_inbox SET forward_attempts = forward_attempts + 1, "
                                       "forward_error = ?, "
                                       "forward_next_at = now() + make_interval(secs => least(300, power(2, "
                                       "forward_attempts))) "
                                       "WHERE id = ?"),
                        {error, id});
        } catch (const DbError &e) {
            // The lease runs out and the body is taken again: at worst the host sees it twice.
            qCWarning(lcWebhook) << "could not record forwarding of body" << id << ":" << e.message();
        }
    });
}
