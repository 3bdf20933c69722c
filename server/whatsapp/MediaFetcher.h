#pragma once

#include <QObject>
#include <QTimer>

class DbPool;
class MediaSource;

// Fetches the files of inbound messages after the webhook has been answered: takes waiting attachments
// (chat_attachments) as leases, so several servers share the work and one that stops leaves its leases
// to run out; fetches each from the source; checks it (Media::check: size, type against content and
// declaration); keeps it once by content (MediaStore); records what became of it. A failure that may pass
// (network, timeout, WhatsApp's own trouble) is tried again after 5 s, 10 s, 20 s ... up to 10 minutes
// apart, at most maxAttempts times; one that will not (refused, gone) is recorded at once with its reason.
// Each change of state announces the message again (sql/functions/chat_attachment_changed.sql).
class MediaFetcher : public QObject {
    Q_OBJECT
public:
    struct Settings {
        int concurrency = 4;  // files fetched at once by this server
        int maxAttempts = 8;  // then the attachment is failed
        int leaseSeconds = 0; // 0: the source's timeout and a minute more
        int pollMs = 1000;
    };
    MediaFetcher(DbPool *pool, MediaSource *source, Settings settings, QObject *parent = nullptr);

    // Looks for waiting files now (also done every pollMs).
    void poll();
    int inFlight() const { return m_inFlight; }
    quint64 fetched() const { return m_fetched; }

Q_SIGNALS:
    // Something was recorded: events are waiting to be numbered.
    void recorded();

private:
    struct Due {
        qint64 id;
        QString mediaId;
        QString kind;
        QString declaredMime;
        int attempts;
    };
    void fetch(const Due &due);

    DbPool *m_pool;
    MediaSource *m_source;
    Settings m_settings;
    QTimer m_timer;
    int m_inFlight = 0;
    bool m_polling = false;
    quint64 m_fetched = 0;
};
