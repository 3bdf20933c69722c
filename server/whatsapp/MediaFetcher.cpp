#include "MediaFetcher.h"

#include "MediaSource.h"
#include "base/Logging.h"
#include "db/Db.h"
#include "db/DbPool.h"
#include "db/MediaStore.h"
#include "domain/Media.h"

#include <QSqlQuery>

MediaFetcher::MediaFetcher(DbPool *pool, MediaSource *source, Settings settings, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_source(source)
    , m_settings(settings)
{
    if (m_settings.leaseSeconds <= 0)
        m_settings.leaseSeconds = 180;
    connect(&m_timer, &QTimer::timeout, this, &MediaFetcher::poll);
    m_timer.start(m_settings.pollMs);
}

void MediaFetcher::poll()
{
    const int room = m_settings.concurrency - m_inFlight;
    if (m_polling || room <= 0)
        return;
    m_polling = true;
    // A short query at request priority, as the escalation's: in the background queue, a poll every second
    // would keep the maintenance job (which gives way to queued background work) from ever running.
    m_pool->run<QList<Due>>(
        this,
        [room, lease = m_settings.leaseSeconds](Db &db) {
            QList<Due> due;
            try {
                QSqlQuery &q = db.exec(
                    QStringLiteral(
                        "UPDATE chat_attachments SET attempts = attempts + 1, updated_at = now(), "
                        "next_attempt_at = now() + make_interval(secs => ?) WHERE id IN ("
                        "SELECT id FROM chat_attachments WHERE status = 'waiting' AND next_attempt_at <= "
                        "now() "
                        "ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED) "
                        "RETURNING id, coalesce(wa_media_id, ''), media_type, coalesce(declared_mime, ''), "
                        "attempts"),
                    {lease, room});
                while (q.next())
                    due.append({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
                                q.value(3).toString(), q.value(4).toInt()});
                q.finish();
            } catch (const DbError &e) {
                qCDebug(lcMedia) << "media fetch skipped:" << e.message();
            }
            return due;
        },
        [this, room](QList<Due> due) {
            m_polling = false;
            for (const Due &d : std::as_const(due))
                fetch(d);
            if (due.size() == room && m_inFlight < m_settings.concurrency)
                poll();
        });
}

namespace {

enum class Outcome { Stored, Refused, Failed, Unavailable, Later };

struct Record {
    Outcome outcome;
    QString code;
    QString message;
};

} // namespace

void MediaFetcher::fetch(const Due &due)
{
    ++m_inFlight;
    const MediaRequest request{due.mediaId, due.kind, due.declaredMime, Media::limitBytes(due.kind)};
    m_source->fetch(request, [this, due](MediaDownload d) {
        Record record{Outcome::Stored, {}, {}};
        Media::Verdict verdict;
        if (d.ok) {
            // The type the message declared, else the one the source gives, is checked against the content.
            verdict =
                Media::check(due.kind, d.content, due.declaredMime.isEmpty() ? d.mimeType : due.declaredMime);
            if (!verdict.ok)
                record = {Outcome::Refused, verdict.code, verdict.message};
        } else if (d.unavailable) {
            record = {Outcome::Unavailable, d.errorCode, d.errorMessage};
        } else if (d.errorCode == QLatin1String("too_large")) {
            record = {Outcome::Refused, d.errorCode, d.errorMessage};
        } else if (d.retry && due.attempts < m_settings.maxAttempts) {
            record = {Outcome::Later, d.errorCode, d.errorMessage};
        } else {
            record = {
                Outcome::Failed, d.errorCode,
                d.retry
                    ? QStringLiteral("%1 (gave up after %2 attempts)").arg(d.errorMessage).arg(due.attempts)
                    : d.errorMessage};
        }
        if (record.outcome != Outcome::Stored)
            qCWarning(lcMedia).noquote() << "attachment" << due.id << "(" << due.kind << due.mediaId << ")"
                                         << record.code << ":" << record.message;
        const QByteArray content = d.ok && verdict.ok ? d.content : QByteArray();
        const QString mime = verdict.mimeType;
        m_pool->run<bool>(
            this,
            [due, record, content, mime](Db &db) {
                try {
                    return db.transaction([&] {
                        // Still ours (no other server took it after our lease ran out: attempts is what we
                        // claimed) and still waiting (an admin may have changed it meanwhile).
                        if (!db.scalar(QStringLiteral("SELECT status = 'waiting' AND attempts = ? FROM "
                                                      "chat_attachments WHERE id = ? FOR UPDATE"),
                                       {due.attempts, due.id})
                                 .toBool())
                            return false;
                        switch (record.outcome) {
                        case Outcome::Stored: {
                            const qint64 media = MediaStore::put(db, content, mime);
                            db.exec(
                                QStringLiteral(
                                    "UPDATE chat_attachments SET status = 'stored', media_id = ?, stored_at "
                                    "= now(), updated_at = now(), error_code = NULL, error_message = NULL "
                                    "WHERE id = ?"),
                                {media, due.id});
                            break;
                        }
                        case Outcome::Later:
                            db.exec(QStringLiteral(
                                        "UPDATE chat_attachments SET error_code = ?, error_message = ?, "
                                        "updated_at = now(), next_attempt_at = now() + make_interval(secs => "
                                        "least(600, 5 * power(2, attempts - 1))) WHERE id = ?"),
                                    {record.code, record.message, due.id});
                            break;
                        default:
                            db.exec(QStringLiteral("UPDATE chat_attachments SET status = ?, error_code = ?, "
                                                   "error_message = ?, updated_at = now() WHERE id = ?"),
                                    {record.outcome == Outcome::Refused       ? QStringLiteral("refused")
                                     : record.outcome == Outcome::Unavailable ? QStringLiteral("unavailable")
                                                                              : QStringLiteral("failed"),
                                     record.code, record.message.left(2000), due.id});
                        }
                        return true;
                    });
                } catch (const DbError &e) {
                    // The lease runs out and the file is fetched again.
                    qCWarning(lcMedia) << "could not record attachment" << due.id << ":" << e.message();
                    return false;
                }
            },
            [this, stored = record.outcome == Outcome::Stored](bool recorded) {
                --m_inFlight;
                if (recorded && stored)
                    ++m_fetched;
                if (recorded)
                    Q_EMIT this->recorded();
                poll();
            },
            DbPool::Priority::Background);
    });
}
