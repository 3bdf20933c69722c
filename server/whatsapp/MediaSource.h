#pragma once

#include <QByteArray>
#include <QNetworkAccessManager>
#include <QObject>
#include <QString>
#include <QUrl>
#include <functional>

// One file to fetch: WhatsApp's media id, the kind the message says it is, the type it declared, and the
// most bytes the kind allows (a download past it is cut off).
struct MediaRequest {
    QString mediaId;
    QString kind; // image, sticker, audio, video, document
    QString declaredMime;
    qint64 maxBytes = 0;
};

// What became of a fetch. On failure: a code, a sentence for the agent, and whether a later attempt may
// succeed.
struct MediaDownload {
    bool ok = false;
    QByteArray content;
    QString mimeType; // as the source says
    QString errorCode;
    QString errorMessage;
    bool retry = false;
    bool unavailable = false; // the connection offers no media at all
};

// Where inbound files come from: Graph (two authenticated steps), the sandbox (files it ships), or nowhere
// (the bridge). fetch() answers exactly once, on the caller's thread, never synchronously.
class MediaSource : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    virtual QString name() const = 0;
    virtual void fetch(const MediaRequest &request, std::function<void(MediaDownload)> done) = 0;
};

// Meta's Graph API: GET {base}/{media-id} with the token for a short-lived URL, then GET that URL with the
// token for the bytes. A URL that has expired (401, 403, 404 or 410 on the download) is asked for again
// once. The whole fetch is cut off after timeoutMs, and a download as soon as it passes maxBytes.
class GraphMediaSource : public MediaSource {
    Q_OBJECT
public:
    struct Settings {
        QUrl baseUrl; // https://graph.facebook.com/v21.0
        QString token;
        int timeoutMs = 60000;
    };
    explicit GraphMediaSource(Settings settings, QObject *parent = nullptr);
    QString name() const override { return QStringLiteral("graph"); }
    void fetch(const MediaRequest &request, std::function<void(MediaDownload)> done) override;

private:
    struct Job;
    void askUrl(const std::shared_ptr<Job> &job);
    void download(const std::shared_ptr<Job> &job, const QUrl &url);
    void finish(const std::shared_ptr<Job> &job, MediaDownload result);

    Settings m_settings;
    QNetworkAccessManager m_nam;
};

// The sandbox: every media id is answered with a file the server ships (resources/sandbox-media), the
// one for the message's kind: a photo of a controller's fault display, a sticker, a voice note, a short
// video, a service report as PDF.
class SandboxMediaSource : public MediaSource {
    Q_OBJECT
public:
    using MediaSource::MediaSource;
    QString name() const override { return QStringLiteral("sandbox"); }
    void fetch(const MediaRequest &request, std::function<void(MediaDownload)> done) override;
    // The file the sandbox gives for a kind (":/sandbox-media/photo.jpg"...).
    static QString fileFor(const QString &kind);
};

// A connection that carries no media (the bridge's API documents none): every fetch is answered so, and
// the agent is told the file is not available through this connection.
class NoMediaSource : public MediaSource {
    Q_OBJECT
public:
    explicit NoMediaSource(QString connection, QObject *parent = nullptr);
    QString name() const override { return m_connection; }
    void fetch(const MediaRequest &request, std::function<void(MediaDownload)> done) override;

private:
    QString m_connection;
};
