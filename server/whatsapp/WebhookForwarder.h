#pragma once

#include <QNetworkAccessManager>
#include <QObject>
#include <QTimer>
#include <QUrl>

class DbPool;

// Forwards stored webhook bodies, signed with the same app secret, to the original lift-alert server
// (HOST_WEBHOOK_URL), so that it still sees the button taps on its alerts. Bodies are taken from the
// database as leases (several servers share the work), and one the host did not accept is tried again with
// a growing wait, up to five minutes, until it does.
class WebhookForwarder : public QObject {
    Q_OBJECT
public:
    enum class Mode {
        // What the host's own alerts need: button taps and list or button replies, and delivery statuses.
        // Everything else (text, media, reactions) is Liftline's: a host that still has the original chat
        // add-on would store each text a second time and raise requests by substring.
        HostNeeds,
        // Every body unchanged, for a host without the chat add-on that wants everything.
        Everything,
    };

    WebhookForwarder(DbPool *pool, const QUrl &host, const QByteArray &appSecret, Mode mode,
                     QObject *parent = nullptr);

    // What of `body` goes to the host: the body itself when all of it does (its bytes unchanged), the
    // body without what the host must not get (re-serialised, so signed anew), or empty when nothing
    // is left.
    static QByteArray forHost(const QByteArray &body, Mode mode);

    // Looks for due bodies now (also done every second).
    void poll();

private:
    void forward(qint64 id, const QByteArray &body);
    // delivered: done (note: why nothing was sent, if so); otherwise note is the failure, tried again later.
    void record(qint64 id, bool delivered, const QString &note);

    DbPool *m_pool;
    QUrl m_host;
    QByteArray m_secret;
    Mode m_mode;
    QNetworkAccessManager m_nam;
    QTimer m_timer;
    int m_inFlight = 0;
};
