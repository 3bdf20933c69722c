// Inbound files fetched per second: liftline-server (its own process) takes N signed image webhooks, and the
// fetcher claims, fetches, checks and keeps each file. The source is the sandbox (every media id answered
// with the 13 KB sample photo it ships) or, with --graph, a fake Graph API on loopback in a thread of this
// process: the metadata call and the download, both with the token, each file different and --size bytes.
// Measures the time from the first body posted to the last file kept, and each file's time from its
// message stored to its file kept. With --serve MB, then a file of that size is served to 4 clients at once
// while the server's resident memory is sampled: files are read from the database a piece at a time.

#include "BenchSupport.h"
#include "FakeGraph.h"
#include "HttpClient.h"
#include "db/Db.h"
#include "db/MediaStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSqlQuery>
#include <QTextStream>
#include <QThread>
#include <atomic>

namespace {

QByteArray imageBody(int i)
{
    const QString id = QStringLiteral("wamid.MEDIA.%1").arg(i);
    const QString from = QStringLiteral("2783%1").arg(1000000 + i % 500);
    return QStringLiteral(
               R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"27110000000","phone_number_id":"1"},"contacts":[{"profile":{"name":"Tech %1"},"wa_id":"%2"}],"messages":[{"from":"%2","id":"%3","timestamp":"%4","type":"image","image":{"id":"%5","mime_type":"image/jpeg","sha256":"x","caption":"fault display %1"}}]}}]}]})")
        .arg(i)
        .arg(from, id)
        .arg(QDateTime::currentSecsSinceEpoch())
        .arg(900000000 + i)
        .toUtf8();
}

// A photo of `size` bytes that differs by `i`: JPEG's magic, the number, then filler.
QByteArray photo(qint64 size, qint64 i)
{
    QByteArray bytes("\xFF\xD8\xFF\xE0", 4);
    bytes += QByteArray::number(i) + ' ';
    bytes.resize(std::max<qint64>(size, bytes.size()), 'p');
    return bytes;
}

// The fake Graph API in a thread of its own, so that this thread may block on the database meanwhile.
class GraphThread : public QThread {
public:
    explicit GraphThread(qint64 size)
        : m_size(size)
    {}
    quint16 port() const { return m_port.load(); }
    QString base() const { return QStringLiteral("http://127.0.0.1:%1/v21.0").arg(port()); }

protected:
    void run() override
    {
        FakeGraph graph;
        graph.setRecording(false);
        const qint64 size = m_size;
        graph.setFallback([&graph, size](const QByteArray &path) -> std::optional<FakeGraph::Answer> {
            if (path.startsWith("/v21.0/")) {
                const QString id = QString::fromLatin1(path.mid(7));
                return graph.metadata(id, QStringLiteral("f") + id, size, QStringLiteral("image/jpeg"));
            }
            if (path.startsWith("/files/f"))
                return FakeGraph::Answer{200, photo(size, path.mid(8).toLongLong()), "image/jpeg"};
            return std::nullopt;
        });
        m_port.store(graph.port());
        exec();
    }

private:
    qint64 m_size;
    std::atomic<quint16> m_port{0};
};

// Serves one stored file of `megabytes` to 4 clients at once while the server's resident memory is sampled.
bool serveLarge(QTextStream &out, Db &db, quint16 port, qint64 pid, const QByteArray &adminToken,
                int megabytes)
{
    QByteArray pdf("%PDF-1.4\n");
    pdf.resize(qsizetype(megabytes) * 1024 * 1024, 'd');
    const qint64 mediaId = MediaStore::put(db, pdf, QStringLiteral("application/pdf"));
    const qint64 id =
        db.scalar(QStringLiteral("INSERT INTO chat_attachments (wa_message_id, direction, media_type, "
                                 "status, media_id, stored_at, filename) VALUES ('bench.large', "
                                 "'inbound', 'document', 'stored', ?, now(), 'large.pdf') RETURNING id"),
                  {mediaId})
            .toLongLong();
    const qint64 before = Bench::residentKiB(pid);
    QNetworkAccessManager nam;
    QList<QNetworkReply *> replies;
    QList<qint64> received(4, 0);
    QElapsedTimer timer;
    timer.start();
    for (int c = 0; c < 4; ++c) {
        QNetworkRequest request(
            QUrl(QStringLiteral("http://127.0.0.1:%1/api/chat/media/%2").arg(port).arg(id)));
        request.setRawHeader("X-Admin-Token", adminToken);
        QNetworkReply *reply = nam.get(request);
        QObject::connect(reply, &QNetworkReply::readyRead, reply,
                         [reply, &received, c] { received[c] += reply->readAll().size(); });
        replies << reply;
    }
    qint64 peak = before;
    while (!std::all_of(replies.cbegin(), replies.cend(), [](QNetworkReply *r) { return r->isFinished(); })) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        peak = std::max(peak, Bench::residentKiB(pid));
    }
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    bool whole = true;
    for (int c = 0; c < 4; ++c) {
        received[c] += replies[c]->readAll().size();
        whole &= replies[c]->error() == QNetworkReply::NoError && received[c] == pdf.size();
        replies[c]->deleteLater();
    }
    out << QStringLiteral("Serving a %1 MB file to 4 clients at once: %2 s, %3 MB/s in all, each whole: %4; "
                          "server resident %5 MB before, at most %6 MB while serving (+%7 MB)\n")
               .arg(megabytes)
               .arg(seconds, 0, 'f', 2)
               .arg(4.0 * megabytes / seconds, 0, 'f', 0)
               .arg(whole ? QStringLiteral("yes") : QStringLiteral("NO"))
               .arg(before / 1024.0, 0, 'f', 1)
               .arg(peak / 1024.0, 0, 'f', 1)
               .arg((peak - before) / 1024.0, 0, 'f', 1);
    return whole;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions(
        {{QStringLiteral("files"), QStringLiteral("Image messages posted."), QStringLiteral("N"),
          QStringLiteral("1000")},
         {QStringLiteral("concurrency"), QStringLiteral("LIFTLINE_MEDIA_CONCURRENCY of the server."),
          QStringLiteral("N"), QStringLiteral("4")},
         {QStringLiteral("graph"),
          QStringLiteral("Fetch from a fake Graph API on loopback, not the sandbox.")},
         {QStringLiteral("size"), QStringLiteral("Bytes of each photo Graph serves (--graph)."),
          QStringLiteral("BYTES"), QStringLiteral("200000")},
         {QStringLiteral("serve"),
          QStringLiteral("Then serve a file of this many MB to 4 clients at once (0: not)."),
          QStringLiteral("MB"), QStringLiteral("0")}});
    parser.process(app);
    const int files = parser.value(QStringLiteral("files")).toInt();
    QTextStream out(stdout);

    Bench::Cluster cluster;
    if (!cluster.start())
        return 1;
    const QByteArray secret = "bench-app-secret";
    const QByteArray adminToken = "bench-admin-token-0123456789abcdef";
    const bool graph = parser.isSet(QStringLiteral("graph"));
    const qint64 size = parser.value(QStringLiteral("size")).toLongLong();
    GraphThread graphThread(size);
    QList<std::pair<QString, QString>> environment{
        {QStringLiteral("LIFTLINE_MEDIA_CONCURRENCY"), parser.value(QStringLiteral("concurrency"))},
        {QStringLiteral("LIFTLINE_MEDIA_POLL_MS"), QStringLiteral("100")},
        {QStringLiteral("ADMIN_TOKEN"), QString::fromLatin1(adminToken)}};
    if (graph) {
        graphThread.start();
        while (graphThread.port() == 0)
            QThread::msleep(5);
        environment += {{QStringLiteral("WHATSAPP_TRANSPORT"), QStringLiteral("graph")},
                        {QStringLiteral("META_GRAPH_BASE_URL"), graphThread.base()},
                        {QStringLiteral("META_PHONE_NUMBER_ID"), QStringLiteral("100000000000001")},
                        {QStringLiteral("META_ACCESS_TOKEN"), QStringLiteral("bench-graph-token")}};
    }
    QProcess server;
    const quint16 port = Bench::startServer(server, cluster, secret, environment);
    if (port == 0)
        return 1;
    Db db(cluster.params(), QStringLiteral("bench"));
    HttpClient http(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));

    QElapsedTimer wall;
    wall.start();
    int refused = 0;
    for (int i = 0; i < files; ++i) {
        const QByteArray body = imageBody(i);
        const QByteArray signature =
            "sha256=" + QMessageAuthenticationCode::hash(body, secret, QCryptographicHash::Sha256).toHex();
        refused += http.post(QStringLiteral("/webhooks/whatsapp"), body, {{"X-Hub-Signature-256", signature}})
                               .status == 200
                       ? 0
                       : 1;
    }
    const double postedSeconds = double(wall.nsecsElapsed()) / 1e9;
    int kept = 0;
    while (wall.elapsed() < 600000) {
        kept = db.scalar(QStringLiteral("SELECT count(*) FROM chat_attachments WHERE status = 'stored'"))
                   .toInt();
        if (kept >= files)
            break;
        QThread::msleep(20);
    }
    const double seconds = double(wall.nsecsElapsed()) / 1e9;
    std::vector<double> latencies;
    QSqlQuery q =
        db.execOnce(QStringLiteral("SELECT extract(epoch FROM (a.stored_at - u.created_at)) * 1000 FROM "
                                   "chat_attachments a JOIN chat_unassigned u USING (wa_message_id) "
                                   "WHERE a.status = 'stored'"));
    while (q.next())
        latencies.push_back(q.value(0).toDouble());
    const qint64 contents = db.scalar(QStringLiteral("SELECT count(*) FROM chat_media")).toLongLong();
    out << QStringLiteral("Inbound files, %1, LIFTLINE_MEDIA_CONCURRENCY=%2, PostgreSQL with fsync on:\n")
               .arg(graph ? QStringLiteral(
                                "fake Graph on loopback (metadata, then a %1-byte download each, every "
                                "file different)")
                                .arg(size)
                          : QStringLiteral("sandbox source (one 13 KB photo)"),
                    parser.value(QStringLiteral("concurrency")));
    out << QStringLiteral(
               "  %1 image webhooks posted in %2 s (non-200: %3); %4 files kept after %5 s = %6 files/s "
               "(%7 distinct contents kept)\n")
               .arg(files)
               .arg(postedSeconds, 0, 'f', 2)
               .arg(refused)
               .arg(kept)
               .arg(seconds, 0, 'f', 2)
               .arg(double(kept) / seconds, 0, 'f', 0)
               .arg(contents);
    out << QStringLiteral("  message stored -> file kept: p50 %1 ms, p99 %2 ms, max %3 ms\n")
               .arg(Bench::percentile(latencies, 0.5), 0, 'f', 0)
               .arg(Bench::percentile(latencies, 0.99), 0, 'f', 0)
               .arg(Bench::percentile(latencies, 1.0), 0, 'f', 0);
    bool served = true;
    if (const int megabytes = parser.value(QStringLiteral("serve")).toInt(); megabytes > 0)
        served = serveLarge(out, db, port, server.processId(), adminToken, megabytes);
    out.flush();
    server.terminate();
    server.waitForFinished(30000);
    if (graph) {
        graphThread.quit();
        graphThread.wait();
    }
    return kept == files && served ? 0 : 1;
}
