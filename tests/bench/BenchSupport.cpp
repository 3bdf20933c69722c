#include "BenchSupport.h"

#include "db/Db.h"
#include "db/EmbeddedPostgres.h"
#include "db/Migrator.h"
#include "http/WebhookRoutes.h"

#include <QDateTime>
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
           WebhookRoutes::signature(payload, secret) +
           "\r\nContent-Length: " + QByteArray::number(payload.size()) + "\r\n\r\n" + payload;
}

Cluster::Cluster()
    : m_dir(QDir::tempPath() + QStringLiteral("/liftline-bench-XXXXXX"))
{
    ::chmod(QFile::encodeName(m_dir.path()).constData(), 0755); // the cluster's account must get in
}

Cluster::~Cluster() = default;

bool Cluster::start(const QStringList &settings)
{
    EmbeddedPostgres::Options options;
    options.dataDir = m_dir.filePath(QStringLiteral("pgdata"));
    options.settings = settings; // durable: fsync on, as in production
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
                    const QList<std::pair<QString, QString>> &extra)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("DATABASE_URL"), cluster.params().toUrl());
    environment.insert(QStringLiteral("WHATSAPP_APP_SECRET"), QString::fromLatin1(secret));
    for (const auto &[name, value] : extra)
        environment.insert(name, value);
    server.setProcessEnvironment(environment);
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server.start(QStringLiteral(LIFTLINE_SERVER_BIN),
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

double percentile(std::vector<double> v, double q)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v.at(std::min(v.size() - 1, size_t(q * double(v.size()))));
}

} // namespace Bench
