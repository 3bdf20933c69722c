#pragma once

#include "ApiClient.h"

#include <QCache>
#include <QDateTime>
#include <QHash>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QThreadPool>

// The files messages carry, read from the server with the agent's credentials. Pictures are decoded on
// worker threads, never on the GUI thread, by QImageReader with an allocation limit and only for JPEG,
// PNG and WebP: a file that claims millions of pixels (a decompression bomb) or another format is refused
// with a reason and never decoded. Thumbnails are kept in memory (at most about 48 MB) and asked for as
// rows are painted, the latest painted first; nothing is written to disk.
class MediaLoader : public QObject {
    Q_OBJECT
public:
    static constexpr int thumbnailSide = 240;
    // The most pixels a picture may have to be decoded (a 50-megapixel photo is more than any phone sends).
    static constexpr qint64 maxPixels = 50'000'000;

    explicit MediaLoader(ApiClient *api, QObject *parent = nullptr);
    ~MediaLoader() override;

    // The thumbnail of a kept picture, or null: while it loads (asked for now; thumbnailReady follows), or
    // when it cannot be shown (problem() says why).
    QImage thumbnail(qint64 mediaId);
    QString problem(qint64 mediaId) const { return m_problems.value(mediaId); }
    // The thumbnail when it is in memory; never asks for it.
    QImage cached(qint64 mediaId) const
    {
        const QImage *found = m_thumbnails.object(mediaId);
        return found ? *found : QImage();
    }
    // The whole file, for the viewer, the player, Open and Save.
    void fetch(qint64 mediaId, QObject *context, ApiClient::Bytes ok, ApiClient::Failed failed);
    // A picture decoded whole (the viewer), on a worker thread; done runs on this object's thread.
    void decodeFull(const QByteArray &bytes, QObject *context, std::function<void(QImage, QString)> done);
    // Forgets every thumbnail (signed out, another server).
    void clear();

    struct Decoded {
        QImage image;
        QString error; // why not, in words for the agent
    };
    // Decodes a picture, scaled to fit maxSide (0: full size). Safe on any thread.
    static Decoded decode(const QByteArray &bytes, int maxSide);

Q_SIGNALS:
    void thumbnailReady(qint64 mediaId);

private:
    void pump();
    void done(qint64 mediaId, const Decoded &result, bool passing = false);

    ApiClient *m_api;
    QThreadPool m_decoders;
    QCache<qint64, QImage> m_thumbnails; // cost: kilobytes
    QHash<qint64, QString> m_problems;
    // Failures that may pass (the network, the server's own trouble): asked again after a while.
    QHash<qint64, QDateTime> m_retryAfter;
    QList<qint64> m_waiting; // the latest asked for last, taken first
    QSet<qint64> m_busy;     // downloading or decoding
    int m_downloads = 0;
    quint64 m_generation = 0; // clear() makes answers to earlier requests stale
};
