#include "MediaLoader.h"

#include <QBuffer>
#include <QImageReader>
#include <QPointer>

namespace {
constexpr int maxDownloads = 3;
constexpr int cacheKilobytes = 48 * 1024;
} // namespace

MediaLoader::MediaLoader(ApiClient *api, QObject *parent)
    : QObject(parent)
    , m_api(api)
{
    // Also the limit of every other QImageReader of the console: 128 MB is a 32-megapixel ARGB image
    // (decode() refuses more pixels than maxPixels before it decodes at all).
    QImageReader::setAllocationLimit(256);
    m_decoders.setMaxThreadCount(2);
    m_thumbnails.setMaxCost(cacheKilobytes);
}

MediaLoader::~MediaLoader()
{
    // No decoder may post to this object once it is gone.
    m_decoders.clear();
    m_decoders.waitForDone();
}

MediaLoader::Decoded MediaLoader::decode(const QByteArray &bytes, int maxSide)
{
    Decoded out;
    QByteArray data = bytes;
    QBuffer buffer(&data);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    reader.setDecideFormatFromContent(true);
    const QByteArray format = reader.format().toLower();
    if (format != "jpeg" && format != "jpg" && format != "png" && format != "webp") {
        out.error = tr("This picture is not a JPEG, PNG or WebP image, so it is not shown.");
        return out;
    }
    const QSize size = reader.size();
    if (!size.isValid() || size.isEmpty()) {
        out.error = tr("This picture cannot be read (%1).").arg(reader.errorString());
        return out;
    }
    if (size.width() > 20000 || size.height() > 20000 || qint64(size.width()) * size.height() > maxPixels) {
        out.error = tr("This picture claims %1 × %2 pixels, too many to show safely.")
                        .arg(size.width())
                        .arg(size.height());
        return out;
    }
    if (maxSide > 0 && (size.width() > maxSide || size.height() > maxSide))
        reader.setScaledSize(size.scaled(maxSide, maxSide, Qt::KeepAspectRatio));
    QImage image;
    if (!reader.read(&image) || image.isNull()) {
        out.error = tr("This picture cannot be shown: %1").arg(reader.errorString());
        return out;
    }
    out.image = image.convertToFormat(image.hasAlphaChannel() ? QImage::Format_ARGB32_Premultiplied
                                                              : QImage::Format_RGB32);
    return out;
}

QImage MediaLoader::thumbnail(qint64 mediaId)
{
    if (mediaId <= 0)
        return {};
    if (const QImage *found = m_thumbnails.object(mediaId))
        return *found;
    if (const auto retry = m_retryAfter.constFind(mediaId);
        retry != m_retryAfter.cend() && *retry <= QDateTime::currentDateTimeUtc()) {
        m_retryAfter.remove(mediaId);
        m_problems.remove(mediaId);
    }
    if (m_problems.contains(mediaId) || m_busy.contains(mediaId))
        return {};
    m_waiting.removeOne(mediaId);
    m_waiting.append(mediaId);
    // A long scroll asks for hundreds: only the latest stay worth fetching.
    while (m_waiting.size() > 64)
        m_waiting.removeFirst();
    pump();
    return {};
}

void MediaLoader::pump()
{
    while (m_downloads < maxDownloads && !m_waiting.isEmpty()) {
        const qint64 id = m_waiting.takeLast();
        m_busy.insert(id);
        ++m_downloads;
        const quint64 generation = m_generation;
        m_api->getBytes(
            QStringLiteral("/api/chat/media/%1").arg(id), this,
            [this, id, generation](const QByteArray &bytes, const QString &) {
                --m_downloads;
                if (generation != m_generation)
                    return pump();
                // The destructor waits for the decoders: this object is alive while one runs, and what it
                // posts is dropped with the object.
                m_decoders.start([this, id, bytes, generation] {
                    const Decoded d = decode(bytes, thumbnailSide);
                    QMetaObject::invokeMethod(
                        this,
                        [this, id, d, generation] {
                            if (generation == m_generation)
                                done(id, d);
                        },
                        Qt::QueuedConnection);
                });
                pump();
            },
            [this, id, generation](const RequestError &error) {
                --m_downloads;
                if (generation == m_generation)
                    done(id, Decoded{{}, error.message}, error.isNetwork() || error.status >= 500);
                pump();
            });
    }
}

void MediaLoader::done(qint64 mediaId, const Decoded &result, bool passing)
{
    m_busy.remove(mediaId);
    if (passing)
        m_retryAfter.insert(mediaId, QDateTime::currentDateTimeUtc().addSecs(30));
    if (result.image.isNull())
        m_problems.insert(mediaId, result.error);
    else
        m_thumbnails.insert(mediaId, new QImage(result.image),
                            int(std::max<qint64>(1, result.image.sizeInBytes() / 1024)));
    Q_EMIT thumbnailReady(mediaId);
}

void MediaLoader::fetch(qint64 mediaId, QObject *context, ApiClient::Bytes ok, ApiClient::Failed failed)
{
    m_api->getBytes(QStringLiteral("/api/chat/media/%1").arg(mediaId), context, std::move(ok),
                    std::move(failed));
}

void MediaLoader::decodeFull(const QByteArray &bytes, QObject *context,
                             std::function<void(QImage, QString)> done)
{
    QPointer<QObject> guard(context);
    m_decoders.start([this, guard, bytes, done = std::move(done)] {
        const Decoded d = decode(bytes, 0);
        QMetaObject::invokeMethod(
            this,
            [guard, d, done] {
                if (guard)
                    done(d.image, d.error);
            },
            Qt::QueuedConnection);
    });
}

void MediaLoader::clear()
{
    ++m_generation;
    m_thumbnails.clear();
    m_problems.clear();
    m_retryAfter.clear();
    m_waiting.clear();
    m_busy.clear();
}
