#include "MediaSource.h"

#include "base/Logging.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QPointer>
#include <QTimer>

#include <memory>

namespace {

MediaDownload failure(const QString &code, const QString &message, bool retry)
{
    MediaDownload d;
    d.errorCode = code;
    d.errorMessage = message;
    d.retry = retry;
    return d;
}

MediaDownload tooLarge(const MediaRequest &request, qint64 size)
{
    return failure(QStringLiteral("too_large"),
                   size > 0
                       ? QStringLiteral("The file is %1 bytes; WhatsApp allows at most %2 bytes for a %3")
                             .arg(size)
                             .arg(request.maxBytes)
                             .arg(request.kind)
                       : QStringLiteral("The file is larger than the %1 bytes WhatsApp allows for a %2")
                             .arg(request.maxBytes)
                             .arg(request.kind),
                   false);
}

} // namespace

struct GraphMediaSource::Job {
    MediaRequest request;
    std::function<void(MediaDownload)> done;
    QPointer<QNetworkReply> current;
    QTimer *cutoff = nullptr;
    QByteArray received;
    QString mimeType;
    int urlAsks = 0;
    bool finished = false;
};

GraphMediaSource::GraphMediaSource(Settings settings, QObject *parent)
    : MediaSource(parent)
    , m_settings(std::move(settings))
{}

void GraphMediaSource::fetch(const MediaRequest &request, std::function<void(MediaDownload)> done)
{
    auto job = std::make_shared<Job>();
    job->request = request;
    job->done = std::move(done);
    job->cutoff = new QTimer(this);
    job->cutoff->setSingleShot(true);
    connect(job->cutoff, &QTimer::timeout, this, [this, job] {
        // Finished first: the reply's own finished(), which abort() emits at once, then finds it done.
        finish(job,
               failure(QStringLiteral("timeout"),
                       QStringLiteral("Fetching the file from WhatsApp took longer than %1 s; it will be "
                                      "tried again")
                           .arg(m_settings.timeoutMs / 1000.0),
                       true));
        if (job->current)
            job->current->abort();
    });
    job->cutoff->start(m_settings.timeoutMs);
    askUrl(job);
}

void GraphMediaSource::askUrl(const std::shared_ptr<Job> &job)
{
    ++job->urlAsks;
    QUrl url = m_settings.baseUrl;
    QString path = url.path();
    if (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QLatin1Char('/') + QString::fromLatin1(QUrl::toPercentEncoding(job->request.mediaId)));
    QNetworkRequest r(url);
    r.setRawHeader("Authorization", "Bearer " + m_settings.token.toUtf8());
    QNetworkReply *reply = m_nam.get(r);
    job->current = reply;
    connect(reply, &QNetworkReply::finished, this, [this, job, reply] {
        reply->deleteLater();
        if (job->finished)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        if (status == 0)
            return finish(job, failure(QStringLiteral("unreachable"),
                                       QStringLiteral("WhatsApp could not be reached (%1); the file will be "
                                                      "fetched again")
                                           .arg(reply->errorString()),
                                       true));
        const QJsonObject root = QJsonDocument::fromJson(body).object();
        const int code = root.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toInt();
        if (status == 404 || (status == 400 && code == 100))
            return finish(job,
                          failure(QStringLiteral("media_gone"),
                                  QStringLiteral("WhatsApp no longer has this file: files can be fetched "
                                                 "for about 7 days after they were sent"),
                                  false));
        if (status == 401 || status == 403)
            return finish(job,
                          failure(QStringLiteral("unauthorized"),
                                  QStringLiteral("WhatsApp refused the server's credentials (token wrong or "
                                                 "expired): tell an administrator. The file will be fetched "
                                                 "again"),
                                  true));
        if (status < 200 || status >= 300)
            return finish(job, failure(QStringLiteral("http_%1").arg(status),
                                       QStringLiteral("WhatsApp answered HTTP %1 when asked for the file; it "
                                                      "will be fetched again")
                                           .arg(status),
                                       true));
        // The token goes with the download: only over HTTPS (or to Graph's own host, as configured), and
        // never on to another host by a redirect.
        const QUrl address(root.value(QStringLiteral("url")).toString());
        const bool sameHost = address.scheme() == m_settings.baseUrl.scheme() &&
                              address.host() == m_settings.baseUrl.host() &&
                              address.port() == m_settings.baseUrl.port();
        if (!address.isValid() || (address.scheme() != QLatin1String("https") && !sameHost))
            return finish(job,
                          failure(QStringLiteral("unexpected_answer"),
                                  QStringLiteral("WhatsApp's answer gave no address for the file; it will "
                                                 "be fetched again"),
                                  true));
        job->mimeType = root.value(QStringLiteral("mime_type")).toString();
        const qint64 size = root.value(QStringLiteral("file_size")).toInteger();
        if (size > job->request.maxBytes)
            return finish(job, tooLarge(job->request, size));
        download(job, address);
    });
}

void GraphMediaSource::download(const std::shared_ptr<Job> &job, const QUrl &url)
{
    QNetworkRequest r(url);
    r.setRawHeader("Authorization", "Bearer " + m_settings.token.toUtf8());
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::SameOriginRedirectPolicy);
    QNetworkReply *reply = m_nam.get(r);
    job->current = reply;
    job->received.clear();
    connect(reply, &QNetworkReply::metaDataChanged, this, [this, job, reply] {
        const qint64 length = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (!job->finished && status == 200 && length > job->request.maxBytes) {
            finish(job, tooLarge(job->request, length));
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::readyRead, this, [this, job, reply] {
        if (job->finished)
            return;
        job->received += reply->readAll();
        if (job->received.size() > job->request.maxBytes) {
            finish(job, tooLarge(job->request, 0));
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::finished, this, [this, job, reply] {
        reply->deleteLater();
        if (job->finished)
            return;
        job->received += reply->readAll();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 0)
            return finish(job, failure(QStringLiteral("unreachable"),
                                       QStringLiteral("The download from WhatsApp broke off (%1); it will be "
                                                      "tried again")
                                           .arg(reply->errorString()),
                                       true));
        if (status == 401 || status == 403 || status == 404 || status == 410) {
            // The address lives a few minutes: ask for a new one, once.
            if (job->urlAsks < 2)
                return askUrl(job);
            return finish(job, failure(QStringLiteral("url_expired"),
                                       QStringLiteral("WhatsApp's address for the file expired before it was "
                                                      "downloaded; it will be tried again"),
                                       true));
        }
        if (status < 200 || status >= 300)
            return finish(job, failure(QStringLiteral("http_%1").arg(status),
                                       QStringLiteral("WhatsApp answered HTTP %1 to the download; it will be "
                                                      "tried again")
                                           .arg(status),
                                       true));
        if (job->received.size() > job->request.maxBytes)
            return finish(job, tooLarge(job->request, job->received.size()));
        MediaDownload d;
        d.ok = true;
        d.content = std::move(job->received);
        d.mimeType = job->mimeType;
        finish(job, std::move(d));
    });
}

void GraphMediaSource::finish(const std::shared_ptr<Job> &job, MediaDownload result)
{
    if (job->finished)
        return;
    job->finished = true;
    if (job->cutoff) {
        job->cutoff->stop();
        job->cutoff->deleteLater();
        job->cutoff = nullptr;
    }
    job->received.clear();
    if (!result.ok)
        qCInfo(lcMedia).noquote() << "media" << job->request.mediaId << "not fetched:" << result.errorCode;
    // Answer from the event loop, never from inside fetch() or a reply's signal of an aborted request.
    QTimer::singleShot(0, this, [done = std::move(job->done), result = std::move(result)] { done(result); });
}

QString SandboxMediaSource::fileFor(const QString &kind)
{
    if (kind == QLatin1String("sticker"))
        return QStringLiteral(":/sandbox-media/sticker.webp");
    if (kind == QLatin1String("audio"))
        return QStringLiteral(":/sandbox-media/voice.ogg");
    if (kind == QLatin1String("video"))
        return QStringLiteral(":/sandbox-media/clip.mp4");
    if (kind == QLatin1String("document"))
        return QStringLiteral(":/sandbox-media/report.pdf");
    return QStringLiteral(":/sandbox-media/photo.jpg");
}

void SandboxMediaSource::fetch(const MediaRequest &request, std::function<void(MediaDownload)> done)
{
    MediaDownload d;
    QFile file(fileFor(request.kind));
    if (file.open(QIODevice::ReadOnly)) {
        d.ok = true;
        d.content = file.readAll();
        d.mimeType = request.declaredMime;
    } else {
        d = failure(QStringLiteral("sandbox"), QStringLiteral("The sandbox has no sample file"), false);
    }
    QTimer::singleShot(0, this, [done = std::move(done), d] { done(d); });
}

NoMediaSource::NoMediaSource(QString connection, QObject *parent)
    : MediaSource(parent)
    , m_connection(std::move(connection))
{}

void NoMediaSource::fetch(const MediaRequest &, std::function<void(MediaDownload)> done)
{
    MediaDownload d;
    d.unavailable = true;
    d.errorCode = QStringLiteral("media_unavailable");
    d.errorMessage = QStringLiteral("Media is not available through this connection (%1): ask the technician "
                                    "to describe it, or to send it by e-mail")
                         .arg(m_connection);
    QTimer::singleShot(0, this, [done = std::move(done), d] { done(d); });
}
