#include "Seed.h"

#include "chat/RegistryImport.h"
#include "chat/Tickets.h"
#include "db/Db.h"
#include "db/Events.h"
#include "domain/Principal.h"

#include <QDateTime>
#include <QFile>
#include <QRegularExpression>

namespace Seed {

QByteArray rawWhatsappFixture(const QString &name)
{
    QFile f(dataFile(QStringLiteral("whatsapp/%1.json").arg(name)));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("Cannot read tests/data/whatsapp/%s.json", qPrintable(name));
    return f.readAll();
}

QByteArray freshen(const QByteArray &body, qint64 secondsAgo, qint64 *newest)
{
    static const QRegularExpression re(QStringLiteral("\"timestamp\":\"(\\d+)\""));
    const QString text = QString::fromUtf8(body);
    qint64 max = 0;
    for (auto it = re.globalMatch(text); it.hasNext();)
        max = std::max(max, it.next().captured(1).toLongLong());
    const qint64 shift = QDateTime::currentSecsSinceEpoch() - secondsAgo - max;
    QString out;
    qsizetype last = 0;
    for (auto it = re.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        out += text.mid(last, m.capturedStart() - last);
        out += QStringLiteral("\"timestamp\":\"%1\"").arg(m.captured(1).toLongLong() + shift);
        last = m.capturedEnd();
    }
    out += text.mid(last);
    if (newest)
        *newest = max + shift;
    return out.toUtf8();
}

QByteArray whatsappFixture(const QString &name)
{
    return freshen(rawWhatsappFixture(name));
}

QString dataFile(const QString &name)
{
    return QStringLiteral(LIFTLINE_TEST_DATA "/") + name;
}

void registry(Db &db)
{
    QFile f(dataFile(QStringLiteral("registry.csv")));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("Cannot read tests/data/registry.csv");
    RegistryImport::run(db, f.readAll(), Principal::cli());
}

int openTicket(Db &db, const QString &liftMsisdn)
{
    return Tickets::open(db, liftMsisdn, QStringLiteral("EMERGENCY: lift stopped"), Principal::cli()).id;
}

qint64 technicianWrote(Db &db, int ticketId, const QString &technicianMsisdn, const QString &text,
                       int minutesAgo)
{
    const qint64 id = db.transaction([&] {
        db.execOnce(
            QStringLiteral(
                "UPDATE tickets SET responded_by = (SELECT id FROM contacts WHERE primary_msisdn = ?) "
                "WHERE id = ? AND responded_by IS NULL"),
            {technicianMsisdn, ticketId});
        db.execOnce(
            QStringLiteral("INSERT INTO chat_windows (number, last_inbound_at) VALUES (?, now() - "
                           "make_interval(mins => ?)) "
                           "ON CONFLICT (number) DO UPDATE SET last_inbound_at = EXCLUDED.last_inbound_at"),
            {technicianMsisdn, minutesAgo});
        QSqlQuery q = db.execOnce(
            QStringLiteral(
                "INSERT INTO chat_messages (ticket_id, from_number, to_number, message, direction, kind, "
                "status, "
                "wa_message_id, wa_timestamp) VALUES (?, ?, '27110000000', ?, 'inbound', 'text', 'received', "
                "'wamid.TEST.' || gen_random_uuid(), now() - make_interval(mins => ?)) RETURNING id"),
            {ticketId, technicianMsisdn, text, minutesAgo});
        q.next();
        return q.value(0).toLongLong();
    });
    Events::sequence(db);
    return id;
}

void agentRequested(Db &db, int ticketId)
{
    db.execOnce(
        QStringLiteral(
            "UPDATE tickets SET agent_requested = true, agent_requested_at = now(), "
            "acknowledged_at = NULL, acknowledged_by = NULL, acknowledged_by_actor = NULL WHERE id = ?"),
        {ticketId});
    Events::sequence(db);
}

void bulkMessages(Db &db, int ticketId, int n)
{
    db.execOnce(
        QStringLiteral(
            "INSERT INTO chat_messages (ticket_id, from_number, to_number, message, direction, kind, status) "
            "SELECT ?, CASE WHEN i % 2 = 0 THEN '27820000001' END, CASE WHEN i % 2 = 1 THEN '27820000001' "
            "END, "
            "'message ' || i, CASE WHEN i % 2 = 0 THEN 'inbound' ELSE 'outbound' END, 'text', "
            "CASE WHEN i % 2 = 0 THEN 'received' ELSE 'sent' END FROM generate_series(1, ?) i"),
        {ticketId, n});
    Events::sequence(db);
}

} // namespace Seed
