// Inbound files fetched per second: liftline-server (its own process, sandbox mode: every media id is
// answered with the 13 KB sample photo it ships) takes N signed image webhooks, and the fetcher claims,
// checks and keeps each file. Measures the time from the first body posted to the last file kept, and
// each file's time from its message stored to its file kept. The network's part (Graph's two round trips
// and the download) is not in it: with Graph, add those per file, divided by LIFTLINE_MEDIA_CONCURRENCY.

#include "BenchSupport.h"
#include "HttpClient.h"
#include "db/Db.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QMessageAuthenticationCode>
#include <QSqlQuery>
#include <QTextStream>
#include <QThread>

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
          QStringLiteral("N"), QStringLiteral("4")}});
    parser.process(app);
    const int files = parser.value(QStringLiteral("files")).toInt();
    QTextStream out(stdout);

    Bench::Cluster cluster;
    if (!cluster.start())
        return 1;
    const QByteArray secret = "bench-app-secret";
    QProcess server;
    const quint16 port = Bench::startServer(
        server, cluster, secret,
        {{QStringLiteral("LIFTLINE_MEDIA_CONCURRENCY"), parser.value(QStringLiteral("concurrency"))},
         {QStringLiteral("LIFTLINE_MEDIA_POLL_MS"), QStringLiteral("100")}});
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
    out << QStringLiteral(
               "Inbound files, sandbox source, LIFTLINE_MEDIA_CONCURRENCY=%1, PostgreSQL with fsync on:\n")
               .arg(parser.value(QStringLiteral("concurrency")));
    out << QStringLiteral(
               "  %1 image webhooks posted in %2 s (non-200: %3); %4 files kept after %5 s = %6 files/s "
               "(%7 distinct contents kept: the same photo once)\n")
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
    out.flush();
    server.terminate();
    server.waitForFinished(30000);
    return kept == files ? 0 : 1;
}
