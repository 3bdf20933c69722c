#pragma once

#include <QObject>
#include <QTemporaryDir>

#include <functional>

class MediaLoader;
class QAudioOutput;
class QMediaPlayer;

// Plays one voice note or audio file at a time, from the bytes the server sent, kept in a private
// temporary folder only while this object lives. What it is doing (which file, where, how long) is for
// the bubbles to show. The media player is made on the first play, and only when the type can be decoded:
// Qt 6.4's GStreamer backend crashes when made on a computer without GStreamer's base plugins.
class AudioPlayer : public QObject {
    Q_OBJECT
public:
    explicit AudioPlayer(QObject *parent = nullptr);
    ~AudioPlayer() override;

    // Starts `bytes` as the file `mediaId` (a new file stops the one playing); the same file again toggles
    // pause.
    void play(qint64 mediaId, const QByteArray &bytes, const QString &mimeType);
    void toggle();
    // What activating a recording does: pauses or goes on with the file this player has, else fetches it
    // through `loader` and plays it; `notLoaded` hears the server's reason when it could not be fetched.
    void playOrToggle(MediaLoader *loader, qint64 mediaId, const QString &mimeType,
                      std::function<void(const QString &)> notLoaded);
    void stop();
    qint64 mediaId() const { return m_mediaId; }
    bool isPlaying() const;
    qint64 positionMs() const;
    qint64 durationMs() const;
    // "0:03 / 0:12" (or "0:03" while the length is not known yet).
    QString progressText() const;
    static QString clock(qint64 ms);
    // Whether this computer's media framework decodes the type (GStreamer's plugins for it are
    // installed); *why says what to do when not.
    static bool canPlay(const QString &mimeType, QString *why);

Q_SIGNALS:
    void changed(qint64 mediaId);
    void failed(const QString &message);

private:
    bool ensurePlayer();

    QMediaPlayer *m_player = nullptr;
    QAudioOutput *m_output = nullptr;
    QTemporaryDir m_dir;
    QString m_playing; // the file the player has
    qint64 m_mediaId = 0;
};
