// Latency of the conversation list, of a long thread's first page and of an agent's reply, over HTTP, on a
// generated data set (by default the issue's: 2,000 lifts, 50,000 tickets of which 2,000 open, 1,000,000
// messages with one thread of 10,000). The server runs as its own process on an embedded PostgreSQL; this
// program is the client. Prints p50/p90/p99 in milliseconds.

#include "BenchSupport.h"
#include "HttpClient.h"
#include "chat/ChatStore.h"
#include "db/AuditChain.h"
#include "db/Db.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>

#include <algorithm>

namespace {

QTextStream out(stdout);

struct Stats {
    double p50, p90, p99, max;
};

Stats stats(std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) { return ms.at(std::min(ms.size() - 1, size_t(q * double(ms.size())))); };
    return {at(0.50), at(0.90), at(0.99), ms.back()};
}

void report(const QString &what, const std::vector<double> &ms, qsizetype bytes)
{
    const Stats s = stats(ms);
    out << QStringLiteral("%1  n=%2  p50 %3 ms  p90 %4 ms  p99 %5 ms  max %6 ms  (%7 KiB)\n")
               .arg(what, -46)
               .arg(ms.size())
               .arg(s.p50, 0, 'f', 2)
               .arg(s.p90, 0, 'f', 2)
               .arg(s.p99, 0, 'f', 2)
               .arg(s.max, 0, 'f', 2)
               .arg(bytes / 1024);
    out.flush();
}

// The same list computed the straightforward way, with correlated subqueries over the transcript: the
// reference the summary table is measured against.
const char *naiveList =
    "SELECT json_agg(x ORDER BY x.pending DESC, x.last_message_at DESC NULLS LAST, x.created_at DESC) FROM ("
    " SELECT t.id, t.status, t.ticket_reference, t.created_at, l.site_name, l.building, c.display_name,"
    " t.agent_requested AND t.acknowledged_at IS NULL AS pending,"
    " (SELECT count(*) FROM chat_messages m WHERE m.ticket_id = t.id) AS message_count,"
    " (SELECT count(*) FROM chat_messages m WHERE m.ticket_id = t.id AND m.direction = 'inbound' AND NOT "
    "m.read_by_agent) AS unread,"
    " (SELECT max(m.created_at) FROM chat_messages m WHERE m.ticket_id = t.id) AS last_message_at,"
    " (SELECT m.message FROM chat_messages m WHERE m.ticket_id = t.id ORDER BY m.id DESC LIMIT 1) AS preview"
    " FROM tickets t JOIN lifts l ON l.id = t.lift_id LEFT JOIN contacts c ON c.id = t.responded_by"
    " WHERE t.status = 'open' OR t.resolved_at > now() - interval '1 hour') x";

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QList<QCommandLineOption> sizes{
        {QStringLiteral("lifts"), QStringLiteral("Lifts (and technicians)."), QStringLiteral("N"),
         QStringLiteral("2000")},
        {QStringLiteral("tickets"), QStringLiteral("Tickets."), QStringLiteral("N"), QStringLiteral("50000")},
        {QStringLiteral("open"), QStringLiteral("Open tickets among them."), QStringLiteral("N"),
         QStringLiteral("2000")},
        {QStringLiteral("messages"), QStringLiteral("Chat messages."), QStringLiteral("N"),
         QStringLiteral("1000000")},
        {QStringLiteral("thread"), QStringLiteral("Messages on the long thread."), QStringLiteral("N"),
         QStringLiteral("10000")},
        {QStringLiteral("iterations"), QStringLiteral("Requests per measurement."), QStringLiteral("N"),
         QStringLiteral("300")},
    };
    parser.addOptions(sizes);
    parser.addOption(
        {QStringLiteral("explain"), QStringLiteral("Print the conversation list's query plan.")});
    parser.addOption(
        {QStringLiteral("hold"),
         QStringLiteral("Keep the generated database running this many seconds after measuring (for psql)."),
         QStringLiteral("SECONDS")});
    parser.process(app);
    auto value = [&](const char *name) { return parser.value(QString::fromLatin1(name)).toInt(); };
    const int iterations = value("iterations");

    Bench::Cluster pg;
    if (!pg.start({}, false))
        return 1;
    {
        Db db(pg.params(), QStringLiteral("bench-setup"));
        Bench::generateChat(db, value("lifts"), value("tickets"), value("open"), value("messages"),
                            value("thread"));
        // For the history search: a word said in about 100 messages across the transcript.
        // Chained before the server starts, so that its sequencer does not run under the measurements.
        while (AuditChain::advance(db, 50000) > 0) {
        }
        db.execOnce(QStringLiteral("SET session_replication_role = replica"));
        db.execOnce(QStringLiteral("UPDATE chat_messages SET message = message || ' zebracode' WHERE id IN "
                                   "(SELECT id FROM chat_messages ORDER BY random() LIMIT 100)"));
        db.execOnce(QStringLiteral("SET session_replication_role = DEFAULT"));
        db.execOnce(QStringLiteral("ANALYZE"));
    }
    const int bigTicket = [&] {
        Db db(pg.params(), QStringLiteral("bench-ticket"));
        return db.scalar(QStringLiteral("SELECT max(id) FROM tickets")).toInt();
    }();

    QProcess server;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const DbParams p = pg.params();
    env.insert(QStringLiteral("DATABASE_URL"), p.toUrl());
    env.insert(QStringLiteral("ADMIN_TOKEN"), QStringLiteral("bench-admin-token-0123456789"));
    QTemporaryDir keys; // the export's signing key, made on first use
    env.insert(QStringLiteral("LIFTLINE_SIGNING_KEY_FILE"), keys.path() + QStringLiteral("/signing.key"));
    server.setProcessEnvironment(env);
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server.start(QStringLiteral(LIFTLINE_SERVER_BIN),
                 {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
    QString url;
    static const QRegularExpression listening(QStringLiteral("listening on (http://\\S+)"));
    while (url.isEmpty() && server.waitForReadyRead(30000)) {
        const auto match = listening.match(QString::fromUtf8(server.readAll()));
        if (match.hasMatch())
            url = match.captured(1);
    }
    if (url.isEmpty()) {
        QTextStream(stderr) << "liftline-server did not start\n";
        return 1;
    }

    HttpClient http{QUrl(url)};
    http.setParseJson(false);
    const HttpClient::Headers auth{{"X-Admin-Token", "bench-admin-token-0123456789"}};
    auto measure = [&](const QString &label, const QString &path, int n) {
        std::vector<double> ms;
        qsizetype bytes = 0;
        for (int i = 0; i < 5; ++i)
            http.get(path, auth);
        for (int i = 0; i < n; ++i) {
            QElapsedTimer t;
            t.start();
            const HttpResult r = http.get(path, auth);
            ms.push_back(double(t.nsecsElapsed()) / 1e6);
            if (r.status != 200) {
                QTextStream(stderr) << label << ": HTTP " << r.status << ' ' << r.body.left(200) << '\n';
                ::exit(1);
            }
            bytes = r.body.size();
        }
        report(label, ms, bytes);
    };

    out << "Over HTTP (liftline-server, " << url << "):\n";
    measure(QStringLiteral("GET /api/chat/conversations"), QStringLiteral("/api/chat/conversations"),
            iterations);
    measure(QStringLiteral("GET /api/chat/{10k thread}/messages?limit=50"),
            QStringLiteral("/api/chat/%1/messages?limit=50").arg(bigTicket), iterations);
    measure(QStringLiteral("GET /api/chat/{10k thread}/messages?limit=500"),
            QStringLiteral("/api/chat/%1/messages?limit=500").arg(bigTicket), std::max(5, iterations / 3));
    measure(QStringLiteral("GET /api/chat/{10k thread}/messages (all)"),
            QStringLiteral("/api/chat/%1/messages").arg(bigTicket), std::max(5, iterations / 10));
    measure(QStringLiteral("GET /api/chat/{10k thread}/export (signed JSON)"),
            QStringLiteral("/api/chat/%1/export").arg(bigTicket), std::max(5, iterations / 10));
    measure(QStringLiteral("GET /api/chat/{10k thread}/export?format=pdf"),
            QStringLiteral("/api/chat/%1/export?format=pdf").arg(bigTicket), std::max(3, iterations / 20));
    {
        // An agent's reply, one after another: answered once WhatsApp (here the sandbox) accepted it, as
        // the original page asks, and answered once stored (`Prefer: respond-async`), as the console asks.
        {
            Db db(pg.params(), QStringLiteral("bench-window"));
            db.exec(QStringLiteral("INSERT INTO chat_windows (number, last_inbound_at) SELECT "
                                   "chat_default_recipient(?), now() ON CONFLICT (number) DO UPDATE SET "
                                   "last_inbound_at = now()"),
                    {bigTicket});
        }
        const QString sendPath = QStringLiteral("/api/chat/%1/send").arg(bigTicket);
        const QByteArray reply = R"({"message": "Technician is on the way, ETA 15 minutes"})";
        for (const bool async : {false, true}) {
            HttpClient::Headers headers = auth;
            if (async)
                headers.append({QByteArray("Prefer"), QByteArray("respond-async")});
            std::vector<double> ms;
            qsizetype bytes = 0;
            for (int i = 0; i < 5 + iterations; ++i) {
                QElapsedTimer t;
                t.start();
                const HttpResult r = http.post(sendPath, reply, headers, "application/json");
                if (i >= 5)
                    ms.push_back(double(t.nsecsElapsed()) / 1e6);
                if (r.status != (async ? 202 : 200)) {
                    QTextStream(stderr) << "send: HTTP " << r.status << ' ' << r.body.left(200) << '\n';
                    ::exit(1);
                }
                bytes = r.body.size();
            }
            report(async ? QStringLiteral("POST .../send, Prefer: respond-async (202)")
                         : QStringLiteral("POST .../send (200 once WhatsApp accepted)"),
                   ms, bytes);
        }
    }
    {
        // The PDF's pages, as poppler counts them (poppler-utils; skipped where pdfinfo is missing).
        const HttpResult pdf =
            http.get(QStringLiteral("/api/chat/%1/export?format=pdf").arg(bigTicket), auth);
        QProcess info;
        info.start(QStringLiteral("pdfinfo"), {QStringLiteral("-")});
        info.write(pdf.body);
        info.closeWriteChannel();
        if (info.waitForFinished(60000) && info.exitCode() == 0) {
            static const QRegularExpression pages(QStringLiteral("Pages:\\s+(\\d+)"));
            out << "  the PDF: " << pages.match(QString::fromUtf8(info.readAllStandardOutput())).captured(1)
                << " pages, " << pdf.body.size() / 1024 << " KiB\n";
        }
    }

    {
        // The incident history: a word said in about 100 messages, and a lift with about 50 incidents.
        Db db(pg.params(), QStringLiteral("bench-history"));
        const QString lift =
            db.scalar(QStringLiteral("SELECT l.msisdn FROM lifts l JOIN tickets t ON t.lift_id = "
                                     "l.id GROUP BY l.msisdn ORDER BY abs(count(*) - 50), "
                                     "l.msisdn LIMIT 1"))
                .toString();
        const int liftIncidents =
            db.scalar(QStringLiteral("SELECT count(*) FROM tickets t JOIN lifts l ON l.id = t.lift_id WHERE "
                                     "l.msisdn = ?"),
                      {lift})
                .toInt();
        const int wordMessages =
            db.scalar(QStringLiteral("SELECT count(*) FROM chat_messages WHERE message LIKE '%zebracode%'"))
                .toInt();
        out << QStringLiteral("History search (%1 messages with the word, %2 incidents on the lift):\n")
                   .arg(wordMessages)
                   .arg(liftIncidents);
        measure(QStringLiteral("GET /api/chat/history?q=zebracode"),
                QStringLiteral("/api/chat/history?q=zebracode"), iterations);
        measure(QStringLiteral("GET /api/chat/history?q=doors (said in every message)"),
                QStringLiteral("/api/chat/history?q=doors"), std::max(5, iterations / 10));
        measure(QStringLiteral("GET /api/chat/history?lift=..."),
                QStringLiteral("/api/chat/history?lift=%1").arg(lift), iterations);
        measure(QStringLiteral("GET /api/chat/history?lift=...&limit=100"),
                QStringLiteral("/api/chat/history?lift=%1&limit=100").arg(lift), iterations);
        measure(QStringLiteral("GET /api/chat/history?site=Site 7&from=...&to=..."),
                QStringLiteral("/api/chat/history?site=Site%207&from=2020-01-01&to=2030-12-31"), iterations);
    }

    {
        Db db(pg.params(), QStringLiteral("bench-sql"));
        std::vector<double> ms;
        qsizetype bytes = 0;
        for (int i = 0; i < std::max(5, iterations / 3); ++i) {
            QElapsedTimer t;
            t.start();
            qint64 seq = 0;
            bytes = ChatStore::conversations(db, &seq).size();
            ms.push_back(double(t.nsecsElapsed()) / 1e6);
        }
        out << "The same list, SQL only (ChatStore::conversations):\n";
        report(QStringLiteral("conversation list"), ms, bytes);
        if (parser.isSet(QStringLiteral("explain"))) {
            QSqlQuery q = db.execOnce(QStringLiteral(
                "EXPLAIN (ANALYZE, BUFFERS) SELECT coalesce('[' || string_agg(c.data::text, ',' ORDER BY "
                "c.pending DESC, c.last_message_at DESC NULLS LAST, c.created_at DESC, c.ticket_id DESC) || "
                "']', "
                "'[]') FROM chat_conversation_cache c WHERE c.is_open OR c.resolved_at > now() - interval '1 "
                "hour'"));
            while (q.next())
                out << q.value(0).toString() << '\n';
        }
    }
    {
        Db db(pg.params(), QStringLiteral("bench-naive"));
        std::vector<double> ms;
        qsizetype bytes = 0;
        for (int i = 0; i < std::max(5, iterations / 10); ++i) {
            QElapsedTimer t;
            t.start();
            bytes = db.scalar(QString::fromLatin1(naiveList)).toString().size();
            ms.push_back(double(t.nsecsElapsed()) / 1e6);
        }
        out << "Reference, SQL only:\n";
        report(QStringLiteral("correlated-subquery conversation list"), ms, bytes);
    }

    server.terminate();
    server.waitForFinished(30000);
    if (parser.isSet(QStringLiteral("hold"))) {
        out << "Holding the database for psql: psql -h " << p.host << " -U " << p.user << ' ' << p.database
            << '\n';
        out.flush();
        QThread::sleep(parser.value(QStringLiteral("hold")).toULong());
    }
    return 0;
}
