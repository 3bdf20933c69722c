#pragma once

#include <QNetworkAccessManager>
#include <QObject>
#include <QTimer>
#include <QUrl>

class DbPool;

// Forwards every stored webhook body, unchanged and signed with the same app secret, to the original
// lift-alert server (HOST_WEBHOOK_URL), so that it still sees the button taps on its alerts. Bodies are
// taken from the database as leases (several servers share the work), and one the host did not accept is
// tried again with a growing wait, up to five minutes, until it does.
class WebhookForwarder : public QObject {
    Q_OBJECT
public:
    WebhookForwarder(DbPool *pool, const QUrl &host, const QByteArray &appSecret, QObject *parent = nullptr);

    // Looks for due bodies now (also done every second).
    void poll();

private:
    void forward(qint64 id, const QByteArray &body);
    void record(qint64 id, bool delivered, const QString &error);

    DbPool *m_pool;
    QUrl m_host;
    QByteArray m_secret;
    QNetworkAccessManager m_nam;
    QTimer m_timer;
    int m_inFlight = 0;
};
