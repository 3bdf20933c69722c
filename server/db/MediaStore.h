#pragma once

#include <QByteArray>
#include <QString>

class Db;

// The files messages carry, kept in PostgreSQL (chat_media, chat_media_chunks): each content once, by its
// SHA-256, in chunks of chunkBytes, so that a range is read without the rest and no statement carries a
// whole file. What a message says of its file, and how fetching it went, is chat_attachments.
namespace MediaStore {

constexpr int chunkBytes = 256 * 1024;

// Keeps `content` (already checked: Media::check) unless the same bytes are kept already; returns the id of
// chat_media either way. Runs in the caller's transaction, or in one of its own: a crash keeps all of the
// file or none of it. Two servers keeping the same file at once keep it once (the second waits for the
// first's commit).
qint64 put(Db &db, const QByteArray &content, const QString &mimeType);

struct Content {
    qint64 mediaId = 0;
    QString mimeType;
    qint64 size = 0;
    QByteArray sha256; // raw, 32 bytes
    int chunkBytes = 0;
    bool purged = false; // its bytes expired (retention): only its record is left
};
// The kept file's facts; mediaId 0 when there is none with that id.
Content describe(Db &db, qint64 mediaId);

// Bytes first..last (inclusive, within the file) of a kept file, reading only the chunks that hold them.
QByteArray read(Db &db, const Content &content, qint64 first, qint64 last);

struct Usage {
    qint64 files = 0;       // distinct contents kept
    qint64 bytes = 0;       // their size
    qint64 attachments = 0; // messages' files, kept or not
    qint64 waiting = 0;     // still to fetch
    qint64 refused = 0;     // over a limit, or not of the type they claimed
    qint64 failed = 0;      // could not be fetched, given up
    qint64 unavailable = 0; // the connection to WhatsApp offers no media
};
Usage usage(Db &db);

} // namespace MediaStore
