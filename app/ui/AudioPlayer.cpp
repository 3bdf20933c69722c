#include "AudioPlayer.h"

#include "MediaLoader.h"
#include "RequestError.h"

#include "MessageModel.h"

#include <QAudioOutput>
#include <QFile>
#include <QMediaFormat>
#include <QMediaPlayer>
#include <QUrl>

#ifdef LIFTLINE_HAVE_GSTREAMER
#include <gst/gst.h>
#endif

namespace {

#ifdef LIFTLINE_HAVE_GSTREAMER
// Whether GStreamer has an element of this name: the media player is made of them, and Qt 6.4 crashes
// making a player without playbin.
bool gstreamerHas(const char *element)
{
    static const bool ready = gst_init_check(nullptr, nullptr, nullptr);
    if (!ready)
        return false;
    GstElementFactory *factory = gst_element_factory_find(element);
    if (!factory)
        return false;
    gst_object_unref(factory);
    return true;
}
#endif

} // namespace

AudioPlayer::AudioPlayer(QObject *parent)
    : QObject(parent)
{}

bool AudioPlayer::canPlay(const QString &mimeType, QString *why)
{
#ifdef LIFTLINE_HAVE_GSTREAMER
    const bool ogg = mimeType.contains(QLatin1String("ogg")) || mimeType.contains(QLatin1String("opus"));
    if (gstreamerHas("playbin") && (!ogg || (gstreamerHas("oggdemux") && gstreamerHas("opusdec"))))
        return true;
    *why = tr("This computer cannot play %1 recordings (GStreamer's base plugins, gstreamer1.0-plugins-base, "
              "are not installed): use Open or Save as… instead")
               .arg(mimeType.isEmpty() ? tr("these") : mimeType);
    return false;
#endif
    QMediaFormat::FileFormat format = QMediaFormat::UnspecifiedFormat;
    if (mimeType.contains(QLatin1String("ogg")) || mimeType.contains(QLatin1String("opus")))
        format = QMediaFormat::Ogg;
    else if (mimeType.contains(QLatin1String("mpeg")))
        format = QMediaFormat::MP3;
    else if (mimeType.contains(QLatin1String("aac")))
        format = QMediaFormat::AAC;
    else if (mimeType.contains(QLatin1String("mp4")) || mimeType.contains(QLatin1String("m4a")))
        format = QMediaFormat::Mpeg4Audio;
    if (format != QMediaFormat::UnspecifiedFormat &&
        QMediaFormat().supportedFileFormats(QMediaFormat::Decode).contains(format))
        return true;
    *why = tr("This computer cannot play %1 recordings (GStreamer's plugins for them are not installed): use "
              "Open or Save as… instead")
               .arg(mimeType.isEmpty() ? tr("these") : mimeType);
    return false;
}

bool AudioPlayer::ensurePlayer()
{
    if (m_player)
        return true;
    m_player = new QMediaPlayer(this);
    m_output = new QAudioOutput(this);
    m_player->setAudioOutput(m_output);
    const auto changedNow = [this] { Q_EMIT changed(m_mediaId); };
    connect(m_player, &QMediaPlayer::positionChanged, this, changedNow);
    connect(m_player, &QMediaPlayer::durationChanged, this, changedNow);
    connect(m_player, &QMediaPlayer::playbackStateChanged, this, changedNow);
    connect(m_player, &QMediaPlayer::errorOccurred, this, [this](QMediaPlayer::Error, const QString &text) {
        Q_EMIT failed(tr("The recording cannot be played: %1").arg(text));
        Q_EMIT changed(m_mediaId);
    });
    return true;
}

AudioPlayer::~AudioPlayer()
{
    if (m_player)
        m_player->stop();
}

void AudioPlayer::play(qint64 mediaId, const QByteArray &bytes, const QString &mimeType)
{
    if (m_player && mediaId == m_mediaId && m_player->playbackState() != QMediaPlayer::StoppedState) {
        toggle();
        return;
    }
    QString why;
    if (!canPlay(mimeType, &why)) {
        Q_EMIT failed(why);
        return;
    }
    ensurePlayer();
    m_player->stop();
    const qint64 previous = std::exchange(m_mediaId, mediaId);
    if (previous != 0 && previous != mediaId)
        Q_EMIT changed(previous);
    if (!m_dir.isValid()) {
        Q_EMIT failed(tr("The recording cannot be played: no temporary folder is available"));
        return;
    }
    const QString suffix = mimeType.contains(QLatin1String("ogg"))    ? QStringLiteral("ogg")
                           : mimeType.contains(QLatin1String("mpeg")) ? QStringLiteral("mp3")
                           : mimeType.contains(QLatin1String("amr"))  ? QStringLiteral("amr")
                           : mimeType.contains(QLatin1String("aac"))  ? QStringLiteral("aac")
                                                                      : QStringLiteral("m4a");
    // A new file each time: ids are per server, and a half-written file is never played again.
    static int played = 0;
    QFile file(m_dir.filePath(QStringLiteral("audio-%1-%2.%3").arg(mediaId).arg(++played).arg(suffix)));
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
        Q_EMIT failed(tr("The recording cannot be played: %1").arg(file.errorString()));
        file.remove();
        return;
    }
    file.close();
    if (!m_playing.isEmpty())
        QFile::remove(m_playing);
    m_playing = file.fileName();
    m_player->setSource(QUrl::fromLocalFile(file.fileName()));
    m_player->play();
    Q_EMIT changed(mediaId);
}

void AudioPlayer::playOrToggle(MediaLoader *loader, qint64 mediaId, const QString &mimeType,
                               std::function<void(const QString &)> notLoaded)
{
    if (m_mediaId == mediaId) {
        toggle();
        return;
    }
    loader->fetch(
        mediaId, this,
        [this, mediaId, mimeType](const QByteArray &bytes, const QString &) {
            play(mediaId, bytes, mimeType);
        },
        [notLoaded = std::move(notLoaded)](const RequestError &e) { notLoaded(e.message); });
}

void AudioPlayer::toggle()
{
    if (!m_player)
        return;
    if (m_player->playbackState() == QMediaPlayer::PlayingState)
        m_player->pause();
    else
        m_player->play();
}

void AudioPlayer::stop()
{
    if (m_player)
        m_player->stop();
}

bool AudioPlayer::isPlaying() const
{
    return m_player && m_player->playbackState() == QMediaPlayer::PlayingState;
}

qint64 AudioPlayer::positionMs() const
{
    return m_player ? m_player->position() : 0;
}

qint64 AudioPlayer::durationMs() const
{
    return m_player ? m_player->duration() : 0;
}

QString AudioPlayer::clock(qint64 ms)
{
    return MessageModel::clockText(ms);
}

QString AudioPlayer::progressText() const
{
    return durationMs() > 0 ? tr("%1 / %2").arg(clock(positionMs()), clock(durationMs()))
                            : clock(positionMs());
}
