#include "Media.h"

#include <QHash>
#include <QStringDecoder>

#include <cstring>

namespace Media {

namespace {

constexpr qint64 MB = 1024 * 1024;

bool startsWith(const QByteArray &data, const char *magic, qsizetype length, qsizetype at = 0)
{
    return data.size() >= at + length && std::memcmp(data.constData() + at, magic, size_t(length)) == 0;
}

// Text as a person would write it: valid UTF-8 (a sequence cut at the end of `head` is allowed) and no
// control bytes but tab, line feed, form feed and carriage return.
bool looksLikeText(const QByteArray &head)
{
    if (head.isEmpty())
        return false;
    for (const char c : head) {
        const auto b = static_cast<unsigned char>(c);
        if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f') || b == 0x7f)
            return false;
    }
    // Up to three bytes at the end may be the start of a character the head cut off.
    for (qsizetype cut = 0; cut <= 3 && cut < head.size(); ++cut) {
        QStringDecoder d(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString text = d.decode(QByteArrayView(head).first(head.size() - cut));
        if (!d.hasError() && !text.contains(QChar::ReplacementCharacter))
            return true;
    }
    return false;
}

// Types that are one format under several names: a file may be declared by any of them.
QString family(const QString &mime)
{
    static const QHash<QString, QString> families{
        {QStringLiteral("image/jpeg"), QStringLiteral("jpeg")},
        {QStringLiteral("image/jpg"), QStringLiteral("jpeg")},
        {QStringLiteral("image/png"), QStringLiteral("png")},
        {QStringLiteral("image/webp"), QStringLiteral("webp")},
        {QStringLiteral("image/gif"), QStringLiteral("gif")},
        {QStringLiteral("application/pdf"), QStringLiteral("pdf")},
        {QStringLiteral("text/plain"), QStringLiteral("text")},
        {QStringLiteral("application/zip"), QStringLiteral("zip")},
        {QStringLiteral("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
         QStringLiteral("zip")},
        {QStringLiteral("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
         QStringLiteral("zip")},
        {QStringLiteral("application/vnd.openxmlformats-officedocument.presentationml.presentation"),
         QStringLiteral("zip")},
        {QStringLiteral("application/x-ole-storage"), QStringLiteral("ole")},
        {QStringLiteral("application/msword"), QStringLiteral("ole")},
        {QStringLiteral("application/vnd.ms-excel"), QStringLiteral("ole")},
        {QStringLiteral("application/vnd.ms-powerpoint"), QStringLiteral("ole")},
        {QStringLiteral("audio/ogg"), QStringLiteral("ogg")},
        {QStringLiteral("audio/opus"), QStringLiteral("ogg")},
        {QStringLiteral("audio/x-opus+ogg"), QStringLiteral("ogg")},
        {QStringLiteral("audio/x-vorbis+ogg"), QStringLiteral("ogg")},
        {QStringLiteral("application/ogg"), QStringLiteral("ogg")},
        {QStringLiteral("text/csv"), QStringLiteral("text")},
        {QStringLiteral("audio/amr"), QStringLiteral("amr")},
        {QStringLiteral("audio/mpeg"), QStringLiteral("mpeg")},
        {QStringLiteral("audio/mp3"), QStringLiteral("mpeg")},
        {QStringLiteral("audio/aac"), QStringLiteral("mpeg")},
        {QStringLiteral("audio/aacp"), QStringLiteral("mpeg")},
        {QStringLiteral("audio/mp4"), QStringLiteral("isomedia")},
        {QStringLiteral("audio/m4a"), QStringLiteral("isomedia")},
        {QStringLiteral("audio/x-m4a"), QStringLiteral("isomedia")},
        {QStringLiteral("audio/x-aac"), QStringLiteral("mpeg")},
        {QStringLiteral("audio/3gpp"), QStringLiteral("isomedia")},
        {QStringLiteral("video/mp4"), QStringLiteral("isomedia")},
        {QStringLiteral("video/3gpp"), QStringLiteral("isomedia")},
    };
    return families.value(mime);
}

QStringList allowed(const QString &kind)
{
    if (kind == QLatin1String("image"))
        return {QStringLiteral("image/jpeg"), QStringLiteral("image/png")};
    if (kind == QLatin1String("sticker"))
        return {QStringLiteral("image/webp")};
    if (kind == QLatin1String("audio"))
        return {QStringLiteral("audio/aac"), QStringLiteral("audio/amr"), QStringLiteral("audio/mpeg"),
                QStringLiteral("audio/mp4"), QStringLiteral("audio/ogg"), QStringLiteral("video/mp4"),
                QStringLiteral("video/3gpp")};
    if (kind == QLatin1String("video"))
        return {QStringLiteral("video/mp4"), QStringLiteral("video/3gpp"), QStringLiteral("audio/mp4")};
    if (kind == QLatin1String("document"))
        return {QStringLiteral("application/pdf"), QStringLiteral("text/plain"),
                QStringLiteral("application/zip"), QStringLiteral("application/x-ole-storage")};
    return {};
}

QString describe(const QString &kind)
{
    if (kind == QLatin1String("image"))
        return QStringLiteral("a JPEG or PNG picture");
    if (kind == QLatin1String("sticker"))
        return QStringLiteral("a WebP sticker");
    if (kind == QLatin1String("audio"))
        return QStringLiteral("AAC, AMR, MP3, M4A or OGG audio");
    if (kind == QLatin1String("video"))
        return QStringLiteral("an MP4 or 3GP video");
    return QStringLiteral("a PDF, a text file or an Office document");
}

} // namespace

QStringList kinds()
{
    return {QStringLiteral("image"), QStringLiteral("sticker"), QStringLiteral("audio"),
            QStringLiteral("video"), QStringLiteral("document")};
}

bool isKind(const QString &kind)
{
    return kinds().contains(kind);
}

qint64 limitBytes(const QString &kind)
{
    if (kind == QLatin1String("image"))
        return 5 * MB;
    if (kind == QLatin1String("audio") || kind == QLatin1String("video"))
        return 16 * MB;
    if (kind == QLatin1String("document"))
        return 100 * MB;
    if (kind == QLatin1String("sticker"))
        return 500 * 1024;
    return 0;
}

QString sniff(const QByteArray &head)
{
    if (startsWith(head, "\xFF\xD8\xFF", 3))
        return QStringLiteral("image/jpeg");
    if (startsWith(head, "\x89PNG\r\n\x1A\n", 8))
        return QStringLiteral("image/png");
    if (startsWith(head, "RIFF", 4) && startsWith(head, "WEBP", 4, 8))
        return QStringLiteral("image/webp");
    if (startsWith(head, "GIF87a", 6) || startsWith(head, "GIF89a", 6))
        return QStringLiteral("image/gif");
    if (startsWith(head, "%PDF-", 5))
        return QStringLiteral("application/pdf");
    if (startsWith(head, "OggS", 4))
        return QStringLiteral("audio/ogg");
    if (startsWith(head, "#!AMR", 5))
        return QStringLiteral("audio/amr");
    if (startsWith(head, "ftyp", 4, 4)) {
        const QByteArray brand = head.mid(8, 4);
        if (brand.startsWith("M4A") || brand.startsWith("M4B"))
            return QStringLiteral("audio/mp4");
        if (brand.startsWith("3gp") || brand.startsWith("3g2"))
            return QStringLiteral("video/3gpp");
        return QStringLiteral("video/mp4");
    }
    if (startsWith(head, "ID3", 3))
        return QStringLiteral("audio/mpeg");
    if (head.size() >= 2 && static_cast<unsigned char>(head.at(0)) == 0xFF) {
        const auto b = static_cast<unsigned char>(head.at(1));
        if ((b & 0xF6) == 0xF0)
            return QStringLiteral("audio/aac"); // ADTS: sync, layer 00
        if ((b & 0xE0) == 0xE0 && (b & 0x06) != 0)
            return QStringLiteral("audio/mpeg"); // MPEG audio frame: sync, a layer
    }
    if (startsWith(head, "PK\x03\x04", 4))
        return QStringLiteral("application/zip");
    if (startsWith(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
        return QStringLiteral("application/x-ole-storage");
    if (looksLikeText(head.left(64 * 1024)))
        return QStringLiteral("text/plain");
    return {};
}

QString essence(const QString &mimeType)
{
    return mimeType.section(QLatin1Char(';'), 0, 0).trimmed().toLower();
}

Verdict check(const QString &kind, const QByteArray &content, const QString &declaredMime)
{
    Verdict v;
    if (!isKind(kind)) {
        v.code = QStringLiteral("type_not_allowed");
        v.message = QStringLiteral("'%1' is not a kind of media WhatsApp carries").arg(kind.left(40));
        return v;
    }
    if (content.isEmpty()) {
        v.code = QStringLiteral("empty");
        v.message = QStringLiteral("The file is empty");
        return v;
    }
    const qint64 limit = limitBytes(kind);
    if (content.size() > limit) {
        v.code = QStringLiteral("too_large");
        v.message = QStringLiteral("The file is %1; WhatsApp allows at most %2 for %3")
                        .arg(humanSize(content.size()), humanSize(limit), describe(kind));
        return v;
    }
    const QString sniffed = sniff(content.left(64 * 1024));
    if (sniffed.isEmpty() || !allowed(kind).contains(sniffed)) {
        v.code = QStringLiteral("type_not_allowed");
        v.message = QStringLiteral("The file is %1, not %2")
                        .arg(sniffed.isEmpty() ? QStringLiteral("of a type Liftline does not know")
                                               : QStringLiteral("%1").arg(sniffed),
                             describe(kind));
        return v;
    }
    const QString declared = essence(declaredMime);
    const bool undeclared = declared.isEmpty() || declared == QLatin1String("application/octet-stream");
    if (!undeclared && family(declared) != family(sniffed)) {
        v.code = QStringLiteral("type_mismatch");
        v.message = QStringLiteral("The file was declared as %1 but its content is %2: it was not kept")
                        .arg(declared.left(100), sniffed);
        return v;
    }
    v.ok = true;
    // The declared name is the more precise one within a family (a Word document rather than a zip).
    v.mimeType = undeclared ? sniffed : declared;
    return v;
}

QString kindFor(const QString &sniffedMime)
{
    if (sniffedMime == QLatin1String("image/jpeg") || sniffedMime == QLatin1String("image/png"))
        return QStringLiteral("image");
    if (sniffedMime == QLatin1String("image/webp"))
        return QStringLiteral("sticker");
    if (sniffedMime.startsWith(QLatin1String("audio/")))
        return QStringLiteral("audio");
    if (sniffedMime.startsWith(QLatin1String("video/")))
        return QStringLiteral("video");
    return QStringLiteral("document");
}

namespace {

quint64 bigEndian(const QByteArray &data, qsizetype at, int bytes)
{
    quint64 v = 0;
    for (int i = 0; i < bytes; ++i)
        v = (v << 8) | static_cast<unsigned char>(data.at(at + i));
    return v;
}

quint64 littleEndian(const QByteArray &data, qsizetype at, int bytes)
{
    quint64 v = 0;
    for (int i = bytes - 1; i >= 0; --i)
        v = (v << 8) | static_cast<unsigned char>(data.at(at + i));
    return v;
}

constexpr qint64 longestMs = 24LL * 3600 * 1000;

qint64 plausible(quint64 units, quint64 perSecond)
{
    if (perSecond == 0 || units / perSecond >= quint64(longestMs / 1000))
        return -1;
    return qint64(units * 1000 / perSecond);
}

// The movie header ('mvhd' inside 'moov'): its time scale and duration. Boxes are walked by their sizes,
// each checked against the bytes present.
qint64 mp4DurationMs(const QByteArray &d)
{
    const auto findBox = [&d](qsizetype from, qsizetype end, const char *type, qsizetype *bodyAt,
                              qsizetype *bodyEnd) {
        qsizetype at = from;
        while (at + 8 <= end) {
            quint64 size = bigEndian(d, at, 4);
            qsizetype header = 8;
            if (size == 1) {
                if (at + 16 > end)
                    return false;
                size = bigEndian(d, at + 8, 8);
                header = 16;
            } else if (size == 0) {
                size = quint64(end - at);
            }
            if (size < quint64(header) || size > quint64(end - at))
                return false;
            if (std::memcmp(d.constData() + at + 4, type, 4) == 0) {
                *bodyAt = at + header;
                *bodyEnd = at + qsizetype(size);
                return true;
            }
            at += qsizetype(size);
        }
        return false;
    };
    qsizetype moov = 0, moovEnd = 0, mvhd = 0, mvhdEnd = 0;
    if (!findBox(0, d.size(), "moov", &moov, &moovEnd) || !findBox(moov, moovEnd, "mvhd", &mvhd, &mvhdEnd))
        return -1;
    const int version = mvhdEnd - mvhd >= 1 ? static_cast<unsigned char>(d.at(mvhd)) : -1;
    quint64 duration = 0, scale = 0;
    if (version == 0 && mvhdEnd - mvhd >= 20) {
        duration = bigEndian(d, mvhd + 16, 4);
        scale = bigEndian(d, mvhd + 12, 4);
    } else if (version == 1 && mvhdEnd - mvhd >= 32) {
        duration = bigEndian(d, mvhd + 24, 8);
        scale = bigEndian(d, mvhd + 20, 4);
    }
    // A fragmented file (or a recording still being written) says 0 here: its length is not known.
    return duration == 0 ? -1 : plausible(duration, scale);
}

// Ogg: the granule position of the last page, in samples of the stream's rate (Opus: always 48 kHz, less
// the encoder's pre-skip; Vorbis: the rate in its identification header).
qint64 oggDurationMs(const QByteArray &d)
{
    // The last page header: its capture pattern and version 0 (the pattern alone may occur in the audio).
    qsizetype last = d.lastIndexOf("OggS");
    while (last >= 0 && last + 4 < d.size() && d.at(last + 4) != 0)
        last = last > 0 ? d.lastIndexOf("OggS", last - 1) : -1;
    if (last < 0 || last + 14 > d.size())
        return -1;
    const quint64 granule = littleEndian(d, last + 6, 8);
    if (granule == ~quint64(0))
        return -1;
    const qsizetype opus = d.indexOf("OpusHead");
    if (opus >= 0 && opus < 512 && opus + 12 <= d.size()) {
        const quint64 preSkip = littleEndian(d, opus + 10, 2);
        return granule < preSkip ? 0 : plausible(granule - preSkip, 48000);
    }
    const qsizetype vorbis = d.indexOf("\x01vorbis");
    if (vorbis >= 0 && vorbis < 512 && vorbis + 16 <= d.size())
        return plausible(granule, littleEndian(d, vorbis + 12, 4));
    return -1;
}

} // namespace

qint64 durationMs(const QString &mimeType, const QByteArray &content)
{
    const QString type = essence(mimeType);
    if (type == QLatin1String("video/mp4") || type == QLatin1String("video/3gpp") ||
        type == QLatin1String("audio/mp4") || type == QLatin1String("audio/3gpp"))
        return mp4DurationMs(content);
    if (type == QLatin1String("audio/ogg"))
        return oggDurationMs(content);
    return -1;
}

QString humanSize(qint64 bytes)
{
    if (bytes >= MB)
        return QStringLiteral("%1 MB").arg(double(bytes) / double(MB), 0, 'f', bytes >= 10 * MB ? 0 : 1);
    if (bytes >= 1024)
        return QStringLiteral("%1 KB").arg((bytes + 512) / 1024);
    return QStringLiteral("%1 bytes").arg(bytes);
}

} // namespace Media
