// The incident history's search at scale (issue 17): a generated transcript (by default 1,000 lifts,
// 50,000 tickets, 1,000,000 messages: 50 incidents per lift), then GET /api/chat/history over HTTP to the
// real server, one request at a time: a text query matching about 100 messages, a lift matching about 50
// incidents, and the other filters alone and together, each with p50/p90/p99/max. The target in the issue:
// p99 <= 50 ms for the first two on this machine.

#include "BenchSupport.h"
#include "HttpClient.h"
#include "db/Db.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTextStream>
#include <QUrlQuery>

#include <algorithm>

namespace {

QTextStream out(stdout);

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("lifts"), QStringLiteral("Lifts."), QStringLiteral("N"), QStringLiteral("1000")},
        {QStringLiteral("tickets"), QStringLiteral("Tickets."), QStringLiteral("N"), QStringLiteral("50000")},
        {QStringLiteral("messages"), QStringLiteral("Messages."), QStringLiteral("N"),
         QStringLiteral("1000000")},
        {QStringLiteral("iterations"), QStringLiteral("Requests per query."), QStringLiteral("N"),
         QStringLiteral("200")},
    });
    parser.process(app);
    const auto value = [&](const char *name) { return parser.value(QString::fromLatin1(name)).toInt(); };
    const int messages = value("messages");
    const int iterations = value("iterations");

    Bench::Cluster cluster;
    if (!cluster.start({}, false))
        return 1;
    Db db(cluster.params(), QStringLiteral("bench-history"));
    Bench::generateChat(db, value("lifts"), value("tickets"), 50, messages, 1000);
    // About 100 messages say a fault code nothing else says, spread over the whole history; an edit says
    // another. Written as rows the database already held (triggers off).
    const int every = std::max(1, messages / 100);
    db.execOnce(QStringLiteral("SET session_replication_role = replica"));
    db.execOnce(QStringLiteral("UPDATE chat_messages SET message = message || ', controller shows fault E42' "
                               "WHERE id % ? = 7"),
                {every});
    db.execOnce(
        QStringLiteral("INSERT INTO chat_message_changes (wa_message_id, target_wa_id, change, from_number, "
                       "body, raw) SELECT 'wamid.EDIT.' || id, wa_message_id, 'edit', from_number, "
                       "'now fault F17 on the display', '{}' FROM chat_messages WHERE id % ? = 4 AND "
                       "direction = 'inbound'"),
        {every});
    db.execOnce(QStringLiteral("SET session_replication_role = origin"));
    db.execOnce(QStringLiteral("ANALYZE"));
    const int e42 =
        db.scalar(QStringLiteral("SELECT count(*) FROM chat_messages WHERE message LIKE '%fault E42'"))
            .toInt();
    const int f17 =
        db.scalar(QStringLiteral("SELECT count(*) FROM chat_message_changes WHERE body LIKE '%F17%'"))
            .toInt();
    const QString lift =
        db.scalar(QStringLiteral("SELECT msisdn FROM lifts ORDER BY id OFFSET 7 LIMIT 1")).toString();
    const int liftIncidents =
        db.scalar(QStringLiteral(
                      "SELECT count(*) FROM tickets t JOIN lifts l ON l.id = t.lift_id WHERE l.msisdn = ?"),
                  {lift})
            .toInt();
    const QString technician =
        db.scalar(QStringLiteral("SELECT primary_msisdn FROM contacts ORDER BY id OFFSET 7 LIMIT 1"))
            .toString();

    QProcess server;
    const quint16 port =
        Bench::startServer(server, cluster, "bench-secret",
                           {{QStringLiteral("ADMIN_TOKEN"), QStringLiteral("bench-admin-0123456789")}});
    if (port == 0)
        return 1;
    HttpClient http{QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port))};
    const HttpClient::Headers auth{{"X-Admin-Token", "bench-admin-0123456789"}};

    out << "GET /api/chat/history over HTTP, " << messages << " messages, " << value("tickets")
        << " tickets; one request at a time, " << iterations << " each:\n";
    const auto measure = [&](const QString &label, const QList<std::pair<QString, QString>> &items) {
        QUrlQuery query;
        for (const auto &[k, v] : items)
            query.addQueryItem(k, QString::fromUtf8(QUrl::toPercentEncoding(v)));
        const QString path = QStringLiteral("/api/chat/history?") + query.toString(QUrl::FullyEncoded);
        std::vector<double> ms;
        int found = 0;
        for (int i = 0; i < iterations + 5; ++i) {
            QElapsedTimer t;
            t.start();
            const HttpResult r = http.get(path, auth);
            if (i >= 5)
                ms.push_back(double(t.nsecsElapsed()) / 1e6);
            if (r.status != 200) {
                QTextStream(stderr) << label << ": HTTP " << r.status << ' ' << r.body.left(300) << '\n';
                ::exit(1);
            }
            found = int(r.json.value(QLatin1String("incidents")).toArray().size());
        }
        out << QStringLiteral("%1  %2 on the page  p50 %3 ms  p90 %4 ms  p99 %5 ms  max %6 ms\n")
                   .arg(label, -58)
                   .arg(found, 3)
                   .arg(Bench::percentile(ms, 0.5), 0, 'f', 2)
                   .arg(Bench::percentile(ms, 0.9), 0, 'f', 2)
                   .arg(Bench::percentile(ms, 0.99), 0, 'f', 2)
                   .arg(Bench::percentile(ms, 1.0), 0, 'f', 2);
        out.flush();
    };
    measure(QStringLiteral("q=E42 (%1 messages)").arg(e42), {{QStringLiteral("q"), QStringLiteral("E42")}});
    measure(QStringLiteral("lift=%1 (%2 incidents), limit 50").arg(lift).arg(liftIncidents),
            {{QStringLiteral("lift"), lift}, {QStringLiteral("limit"), QStringLiteral("50")}});
    measure(QStringLiteral("lift, first page of 25"), {{QStringLiteral("lift"), lift}});
    measure(QStringLiteral("q=F17 (%1 edits' text)").arg(f17),
            {{QStringLiteral("q"), QStringLiteral("F17")}});
    measure(QStringLiteral("q=\"fault E42\" (phrase)"),
            {{QStringLiteral("q"), QStringLiteral("\"fault E42\"")}});
    measure(QStringLiteral("q=E42 and lift"),
            {{QStringLiteral("q"), QStringLiteral("E42")}, {QStringLiteral("lift"), lift}});
    measure(QStringLiteral("technician=%1").arg(technician), {{QStringLiteral("technician"), technician}});
    measure(QStringLiteral("site=Site 42"), {{QStringLiteral("site"), QStringLiteral("Site 42")}});
    measure(QStringLiteral("reference=BENCH-TKT4999"),
            {{QStringLiteral("reference"), QStringLiteral("BENCH-TKT4999")}});
    measure(QStringLiteral("status=closed, no other filter"),
            {{QStringLiteral("status"), QStringLiteral("closed")}});
    measure(QStringLiteral("q=passengers (every message)"),
            {{QStringLiteral("q"), QStringLiteral("passengers")}});
    server.terminate();
    server.waitForFinished(30000);
    return 0;
}
