#include "BenchSupport.h"

#include <QTemporaryDir>

#include "whatsapp/WebhookBody.h"

#include <QElapsedTimer>
#include <QTextStream>

#include "db/Db.h"
#include "db/EmbeddedPostgres.h"
#include "db/Migrator.h"
#include "http/WebhookRoutes.h"

#include <QDateTime>
#include <QFile>
#include <QRegularExpression>
#include <QTextStream>
#include <algorithm>
#include <sys/stat.h>

namespace Bench {

void seedTechnicians(Db &db, int n)
{
    db.execOnce(
        QStringLiteral("INSERT INTO lifts (msisdn, site_name, building) SELECT '2771' || lpad(i::text, 7, "
                       "'0'), 'Site', 'Building ' || i FROM generate_series(1, %1) i")
            .arg(n));
    db.execOnce(
        QStringLiteral("INSERT INTO contacts (display_name, primary_msisdn) SELECT 'Tech ' || i, '2782' || "
                       "lpad(i::text, 7, '0') FROM generate_series(1, %1) i")
            .arg(n));
    db.execOnce(
        QStringLiteral("INSERT INTO lift_contacts (lift_id, contact_id) SELECT l.id, c.id FROM lifts l JOIN "
                       "contacts c ON substr(c.primary_msisdn, 5) = substr(l.msisdn, 5)"));
    db.execOnce(QStringLiteral("INSERT INTO tickets (lift_id, status, ticket_reference) SELECT id, 'open', "
                               "'BENCH-' || id FROM lifts"));
}

QByteArray webhookBody(const QString &wamid, int technician)
{
    return QStringLiteral(
               R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"27110000000","phone_number_id":"1"},"contacts":[{"profile":{"name":"Tech"},"wa_id":"%1"}],"messages":[{"from":"%1","id":"%2","timestamp":"%3","type":"text","text":{"body":"The car is stuck between floors 3 and 4"}}]}}]}]})")
        .arg(QStringLiteral("2782%1").arg(technician, 7, 10, QLatin1Char('0')), wamid)
        .arg(QDateTime::currentSecsSinceEpoch())
        .toUtf8();
}

QByteArray webhookRequest(const QByteArray &payload, const QByteArray &secret)
{
    return "POST /webhooks/whatsapp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
           "application/json\r\nX-Hub-Signature-256: " +
           WebhookBody::signature(payload, secret) +
           "\r\nContent-Length: " + QByteArray::number(payload.size()) + "\r\n\r\n" + payload;
}

Cluster::Cluster()
    : m_dir(QDir::tempPath() + QStringLiteral("/liftline-bench-XXXXXX"))
{
    ::chmod(QFile::encodeName(m_dir.path()).constData(), 0755); // the cluster's account must get in
}

Cluster::~Cluster() = default;

bool Cluster::start(const QStringList &settings, bool durable)
{
    EmbeddedPostgres::Options options;
    options.dataDir = m_dir.filePath(QStringLiteral("pgdata"));
    options.settings = settings;
    options.durable = durable;
    m_pg = std::make_unique<EmbeddedPostgres>(options);
    QString error;
    if (!m_pg->start(&error)) {
        QTextStream(stderr) << error << '\n';
        return false;
    }
    Db db(m_pg->params(), QStringLiteral("bench-migrate"));
    Migrator::migrate(db);
    return true;
}

DbParams Cluster::params() const
{
    return m_pg->params();
}

quint16 startServer(QProcess &server, const Cluster &cluster, const QByteArray &secret,
                    const QList<std::pair<QString, QString>> &extra, const QString &binary)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("DATABASE_URL"), cluster.params().toUrl());
    // The signing key (exports, the chain's daily head): the benchmark's own, never the machine's.
    static QTemporaryDir keys;
    environment.insert(QStringLiteral("LIFTLINE_SIGNING_KEY_FILE"),
                       keys.path() + QStringLiteral("/signing.key"));
    environment.insert(QStringLiteral("WHATSAPP_APP_SECRET"), QString::fromLatin1(secret));
    for (const auto &[name, value] : extra)
        environment.insert(name, value);
    server.setProcessEnvironment(environment);
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server.start(binary.isEmpty() ? QStringLiteral(LIFTLINE_SERVER_BIN) : binary,
                 {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
    static const QRegularExpression listening(QStringLiteral("listening on http://127.0.0.1:(\\d+)"));
    QString output;
    while (server.waitForReadyRead(30000)) {
        output += QString::fromUtf8(server.readAll());
        const auto m = listening.match(output);
        if (m.hasMatch())
            return quint16(m.captured(1).toUInt());
    }
    QTextStream(stderr) << "liftline-server did not start\n";
    return 0;
}

qint64 residentKiB(qint64 pid)
{
    QFile status(pid > 0 ? QStringLiteral("/proc/%1/status").arg(pid) : QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return 0;
}

double percentile(std::vector<double> v, double q)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v.at(std::min(v.size() - 1, size_t(q * double(v.size()))));
}

int generateChat(Db &db, int lifts, int tickets, int open, int messages, int thread)
{
    QElapsedTimer timer;
    timer.start();
    // Bulk load without the per-row triggers; the counters are rebuilt afterwards in one pass.
    db.execOnce(QStringLiteral("SET session_replication_role = replica"));
    db.execOnce(
        QStringLiteral(
            "INSERT INTO lifts (msisdn, site_name, building) SELECT '2771' || lpad(i::text, 7, '0'), "
            "'Site ' || (i % 97), 'Building ' || i || ' North Wing' FROM generate_series(1, ?::int) i"),
        {lifts});
    db.execOnce(
        QStringLiteral("INSERT INTO contacts (display_name, primary_msisdn, role) SELECT 'Technician ' || i, "
                       "'2782' || lpad(i::text, 7, '0'), 'technician' FROM generate_series(1, ?::int) i"),
        {lifts});
    db.execOnce(QStringLiteral(
        "INSERT INTO lift_contacts (lift_id, contact_id, relation) SELECT l.id, c.id, 'technician' "
        "FROM lifts l JOIN contacts c ON substr(c.primary_msisdn, 5) = substr(l.msisdn, 5)"));
    // Closed tickets are days old; the newest `open` tickets are open, spread over the last hours.
    db.execOnce(
        QStringLiteral(
            "INSERT INTO tickets (lift_id, status, ticket_reference, responded_by, created_at, resolved_at, "
            "agent_requested, agent_requested_at, acknowledged_at) "
            "SELECT l.id, CASE WHEN i > ?::int - ?::int THEN 'open' ELSE 'closed' END, 'BENCH-TKT' || i, "
            "c.id, "
            "now() - make_interval(secs => (?::int - i) * 15 + 60), "
            "CASE WHEN i > ?::int - ?::int THEN NULL ELSE now() - make_interval(secs => (?::int - i) * 15) "
            "END, "
            "i % 50 = 0, CASE WHEN i % 50 = 0 THEN now() - make_interval(secs => i % 300) END, "
            "CASE WHEN i % 100 = 0 THEN now() END "
            "FROM generate_series(1, ?::int) i JOIN lifts l ON l.id = 1 + i % ?::int "
            "JOIN contacts c ON c.primary_msisdn = '2782' || substr(l.msisdn, 5)"),
        {tickets, open, tickets, tickets, open, tickets, tickets, lifts});
    const int bigTicket = db.scalar(QStringLiteral("SELECT max(id) FROM tickets")).toInt();
    // The long thread first, then the rest spread over every ticket, oldest first so ids follow time.
    db.execOnce(
        QStringLiteral(
            "INSERT INTO chat_messages (ticket_id, from_number, to_number, message, direction, agent_name, "
            "read_by_agent, created_at, kind, status, wa_message_id) "
            "SELECT t, CASE WHEN i % 2 = 0 THEN '27820000001' END, CASE WHEN i % 2 = 1 THEN '27820000001' "
            "END, "
            "'Message ' || i || ': the car is between floors 3 and 4, doors closed, two passengers inside', "
            "CASE WHEN i % 2 = 0 THEN 'inbound' ELSE 'outbound' END, CASE WHEN i % 2 = 1 THEN 'Agent Smith' "
            "END, "
            "i < ?::int - 40, now() - make_interval(secs => (?::int - i)), 'text', "
            "CASE WHEN i % 2 = 0 THEN 'received' ELSE 'delivered' END, 'wamid.BENCH.' || i "
            "FROM (SELECT i, CASE WHEN i <= ?::int THEN ?::int ELSE 1 + i % ?::int END AS t FROM "
            "generate_series(1, ?::int) i) g"),
        {messages, messages, thread, bigTicket, tickets, messages});
    db.execOnce(QStringLiteral("INSERT INTO chat_ticket_summary (ticket_id, message_count, unread_count, "
                               "last_message_id, last_message_at, "
                               "last_message_preview) SELECT s.ticket_id, s.n, s.unread, m.id, m.created_at, "
                               "chat_message_preview(m) "
                               "FROM (SELECT ticket_id, count(*) AS n, count(*) FILTER (WHERE direction = "
                               "'inbound' AND NOT read_by_agent) AS unread, "
                               "max(id) AS last_id FROM chat_messages GROUP BY ticket_id) s JOIN "
                               "chat_messages m ON m.id = s.last_id"));
    db.execOnce(
        QStringLiteral("INSERT INTO chat_windows (number, last_inbound_at) SELECT primary_msisdn, "
                       "now() - make_interval(mins => (row_number() OVER ())::int % 2000) FROM contacts "
                       "ON CONFLICT DO NOTHING"));
    db.execOnce(QStringLiteral("SELECT count(chat_conversation_refresh(id)) FROM tickets"));
    db.execOnce(QStringLiteral("SET session_replication_role = origin"));
    db.execOnce(QStringLiteral("VACUUM ANALYZE"));
    QTextStream out(stdout);
    out << QStringLiteral(
               "Generated %1 lifts, %2 tickets (%3 open), %4 messages (thread of %5 on ticket %6) in %7 s\n")
               .arg(lifts)
               .arg(tickets)
               .arg(open)
               .arg(messages)
               .arg(thread)
               .arg(bigTicket)
               .arg(timer.elapsed() / 1000.0, 0, 'f', 1);
    out.flush();
    return bigTicket;
}

} // namespace Bench
