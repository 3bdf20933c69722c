#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

// What WhatsApp lets a message carry, and how Liftline checks a file against it: the kinds (image,
// sticker, audio, video, document), their size limits, and the type of a file judged from its first bytes,
// never from what the sender or a header claims.
namespace Media {

// image, sticker, audio, video, document; anything else is no media kind.
bool isKind(const QString &kind);
QStringList kinds();

// WhatsApp's limits (docs/WHATSAPP.md): image 5 MB, audio and video 16 MB, document 100 MB, sticker 500 KB.
// 0 for a name that is no kind.
qint64 limitBytes(const QString &kind);

// The type the content shows ("image/jpeg", "audio/ogg", "application/pdf", ...), from its magic bytes;
// "text/plain" for valid UTF-8 without control bytes; empty when it is none Liftline knows.
QString sniff(const QByteArray &head);

// The MIME type without parameters, in lower case ("audio/ogg; codecs=opus" -> "audio/ogg").
QString essence(const QString &mimeType);

struct Verdict {
    bool ok = false;
    QString mimeType; // what the content is, when ok
    QString code;     // when refused: too_large, type_not_allowed, type_mismatch, empty
    QString message;  // when refused: a sentence for the agent
};

// Whether `content` may be kept as `kind`: not empty, within the kind's limit, of a type the kind allows,
// and, when the sender declared a type, of that type's family (a PDF declared as an image is refused).
Verdict check(const QString &kind, const QByteArray &content, const QString &declaredMime);

// The kind a file an agent sends goes as, from its content's type: a picture (JPEG, PNG) as image, WebP as
// sticker, audio as audio, MP4 and 3GP as video, anything else as document.
QString kindFor(const QString &sniffedMime);

// How long a recording plays, in milliseconds, read from its container: MP4/3GP (the movie header), Ogg
// Opus and Ogg Vorbis (the last page's position); -1 when the content says nothing usable (another format,
// cut short, or a length over a day). Never trusts a size field beyond the bytes present.
qint64 durationMs(const QString &mimeType, const QByteArray &content);

// "1.2 MB", "512 KB", "900 bytes": for messages people read.
QString humanSize(qint64 bytes);

} // namespace Media
