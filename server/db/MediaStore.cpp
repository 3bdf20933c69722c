#include "MediaStore.h"

#include "domain/Media.h"

#include "Db.h"

#include <QCryptographicHash>
#include <QSqlQuery>

namespace MediaStore {

qint64 put(Db &db, const QByteArray &content, const QString &mimeType)
{
    const QByteArray sha = QCryptographicHash::hash(content, QCryptographicHash::Sha256);
    const qint64 duration = Media::durationMs(mimeType, content);
    const auto store = [&]() -> qint64 {
        QSqlQuery &q =
            db.exec(QStringLiteral("INSERT INTO chat_media (sha256, mime_type, size_bytes, chunk_bytes, "
                                   "duration_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING "
                                   "RETURNING id"),
                    {sha, mimeType, qint64(content.size()), chunkBytes,
                     duration >= 0 ? QVariant(duration) : QVariant(QMetaType(QMetaType::LongLong))});
        qint64 id = 0;
        if (!q.next()) {
            q.finish();
            // Kept already. A file whose bytes expired (retention) and that comes again gets them back.
            QSqlQuery &known =
                db.exec(QStringLiteral(
                            "SELECT id, purged_at IS NOT NULL FROM chat_media WHERE sha256 = ? FOR UPDATE"),
                        {sha});
            known.next();
            id = known.value(0).toLongLong();
            const bool purged = known.value(1).toBool();
            known.finish();
            if (!purged)
                return id;
            db.exec(QStringLiteral("UPDATE chat_media SET purged_at = NULL WHERE id = ?"), {id});
        } else {
            id = q.value(0).toLongLong();
            q.finish();
        }
        for (qsizetype at = 0, seq = 0; at < content.size(); at += chunkBytes, ++seq)
            db.exec(QStringLiteral("INSERT INTO chat_media_chunks (media_id, seq, data) VALUES (?, ?, ?)"),
                    {id, qint64(seq), content.mid(at, chunkBytes)});
        return id;
    };
    return db.inTransaction() ? store() : db.transaction(store);
}

Content describe(Db &db, qint64 mediaId)
{
    Content c;
    QSqlQuery &q = db.exec(
        QStringLiteral("SELECT id, mime_type, size_bytes, sha256, chunk_bytes, purged_at IS NOT NULL FROM "
                       "chat_media WHERE id = ?"),
        {mediaId});
    if (q.next()) {
        c.mediaId = q.value(0).toLongLong();
        c.mimeType = q.value(1).toString();
        c.size = q.value(2).toLongLong();
        c.sha256 = q.value(3).toByteArray();
        c.chunkBytes = q.value(4).toInt();
        c.purged = q.value(5).toBool();
    }
    q.finish();
    return c;
}

QByteArray read(Db &db, const Content &content, qint64 first, qint64 last)
{
    if (content.mediaId == 0 || first > last || first < 0 || last >= content.size || content.chunkBytes <= 0)
        return {};
    const qint64 firstChunk = first / content.chunkBytes;
    const qint64 lastChunk = last / content.chunkBytes;
    QByteArray out;
    out.reserve(qsizetype(last - first + 1));
    QSqlQuery &q =
        db.exec(QStringLiteral("SELECT seq, data FROM chat_media_chunks WHERE media_id = ? AND seq "
                               "BETWEEN ? AND ? ORDER BY seq"),
                {content.mediaId, firstChunk, lastChunk});
    qint64 expected = firstChunk;
    while (q.next()) {
        const qint64 seq = q.value(0).toLongLong();
        if (seq != expected)
            break; // a chunk missing: the caller sees a short read
        const QByteArray data = q.value(1).toByteArray();
        const qint64 chunkStart = seq * content.chunkBytes;
        const qint64 from = std::max<qint64>(first, chunkStart) - chunkStart;
        const qint64 to = std::min<qint64>(last, chunkStart + data.size() - 1) - chunkStart;
        if (to >= from)
            out.append(data.constData() + from, qsizetype(to - from + 1));
        ++expected;
    }
    q.finish();
    return out;
}

Usage usage(Db &db)
{
    Usage u;
    QSqlQuery &q = db.exec(QStringLiteral(
        "SELECT (SELECT count(*) FROM chat_media), (SELECT coalesce(sum(size_bytes), 0) FROM chat_media), "
        "count(*), count(*) FILTER (WHERE status = 'waiting'), count(*) FILTER (WHERE status = 'refused'), "
        "count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'unavailable') "
        "FROM chat_attachments"));
    if (q.next()) {
        u.files = q.value(0).toLongLong();
        u.bytes = q.value(1).toLongLong();
        u.attachments = q.value(2).toLongLong();
        u.waiting = q.value(3).toLongLong();
        u.refused = q.value(4).toLongLong();
        u.failed = q.value(5).toLongLong();
        u.unavailable = q.value(6).toLongLong();
    }
    q.finish();
    return u;
}

} // namespace MediaStore
