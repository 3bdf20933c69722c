#include "WebhookForwarder.h"

#include "Logging.h"
#include "db/Db.h"
#include "db/DbPool.h"

#include <QMessageAuthenticationCode>
#include <QNetworkReply>

WebhookForwarder::WebhookForwarder(DbPool *pool, const QUrl &host, const QByteArray &appSecret,
                                   QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_host(host)
    , m_secret(appSecret)
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

void WebhookForwarder::forward(qint64 id, const QByteArray &body)
{
    QNetworkRequest request(m_host);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader(
        "X-Hub-Signature-256",
        "sha256=" + QMessageAuthenticationCode::hash(body, m_secret, QCryptographicHash::Sha256).toHex());
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

void WebhookForwarder::record(qint64 id, bool delivered, const QString &error)
{
    if (!delivered)
        qCWarning(lcWebhook).noquote() << "forwarding body" << id << "to" << m_host.toString()
                                       << "failed:" << error << "(will try again)";
    m_pool->postBackground([id, delivered, error](Db &db) {
        try {
            if (delivered)
                db.exec(QStringLiteral(
                            "UPDATE whatsapp_inbox SET forward_pending = false, forwarded_at = now(), "
                            "forward_attempts = forward_attempts + 1, forward_error = NULL WHERE id = ?"),
                        {id});
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
