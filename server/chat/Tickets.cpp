#include "Tickets.h"

#include "PhoneNumber.h"
#include "db/AuditLog.h"
#include "db/Db.h"
#include "db/Events.h"
#include "domain/DomainError.h"
#include "domain/Principal.h"

#include <QRegularExpression>

namespace Tickets {

QString referencePrefix(const QString &building)
{
    // Words are what whitespace separates; inside a word only letters and digits stay ("St. Mary's" is
    // ST-MARYS).
    static const QRegularExpression notAlphanumeric(QStringLiteral("[^A-Z0-9]"));
    static const QRegularExpression whitespace(QStringLiteral("\\s+"));
    QStringList words;
    // Accents come off ("Café" is CAFE): decomposed, the marks are then not letters A-Z.
    const QStringList parts =
        building.normalized(QString::NormalizationForm_D).toUpper().split(whitespace, Qt::SkipEmptyParts);
    for (QString word : parts) {
        word.remove(notAlphanumeric);
        if (!word.isEmpty())
            words << word;
        if (words.size() == 3)
            break;
    }
    QString prefix = words.join(QLatin1Char('-')).left(20);
    while (prefix.endsWith(QLatin1Char('-')))
        prefix.chop(1);
    return prefix.isEmpty() ? QStringLiteral("LIFT") : prefix;
}

Opened openIn(Db &db, const QString &liftMsisdn, const QString &smsText, const Principal &who)
{
    const QString number = PhoneNumber::normalise(liftMsisdn);
    if (number.isEmpty())
        throw DomainError(
            DomainError::Kind::Invalid, QStringLiteral("invalid_number"),
            QStringLiteral("'%1' is not a phone number: give the lift SIM's number, e.g. 27710000001")
                .arg(liftMsisdn));
    // An SMS, even one sent in many parts, is a few hundred characters; this keeps a paste of something
    // else out of the record.
    const qsizetype smsLength = smsText.toUcs4().size();
    if (smsLength > maxSmsLength)
        throw DomainError(DomainError::Kind::Invalid, QStringLiteral("sms_too_long"),
                          QStringLiteral("The SMS text has %1 characters; it may have at most %2")
                              .arg(smsLength)
                              .arg(maxSmsLength));
    QSqlQuery &lift = db.exec(
        QStringLiteral("SELECT id, coalesce(building, site_name, '') FROM lifts WHERE msisdn = ?"), {number});
    if (!lift.next())
        throw DomainError(DomainError::Kind::NotFound, QStringLiteral("lift_not_found"),
                          QStringLiteral("No lift has the SIM number %1: import it with "
                                         "'liftline-server import-registry' first")
                              .arg(number));
    const int liftId = lift.value(0).toInt();
    const QString prefix = referencePrefix(lift.value(1).toString());
    lift.finish();
    // The id is taken first so that the reference is complete in the row the trigger announces.
    QSqlQuery &q =
        db.exec(QStringLiteral("WITH n AS (SELECT nextval(pg_get_serial_sequence('tickets', 'id')) AS id) "
                               "INSERT INTO tickets (id, lift_id, status, ticket_reference, sms_text) "
                               "SELECT n.id, ?, 'open', ? || '-TKT' || n.id, ? FROM n "
                               "RETURNING id, ticket_reference"),
                {liftId, prefix, smsText.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : smsText});
    q.next();
    Opened o{q.value(0).toInt(), q.value(1).toString()};
    q.finish();
    db.exec(
        QStringLiteral("INSERT INTO event_log (event_type, ticket_id, metadata) VALUES ('ticket_opened', ?, "
                       "jsonb_build_object('source', 'liftline', 'by', ?::text))"),
        {o.id, who.actorName()});
    AuditLog::record(db, who, QStringLiteral("ticket.opened"), o.id,
                     {{QStringLiteral("lift_msisdn"), number}, {QStringLiteral("reference"), o.reference}});
    return o;
}

QByteArray findLifts(Db &db, const QString &query)
{
    const QString text = query.simplified();
    QString digits = text;
    digits.remove(QRegularExpression(QStringLiteral("[^0-9]")));
    // Words match the site and building names, in any order; digits match the SIM number anywhere in it.
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
        .replace(QLatin1Char('%'), QLatin1String("\\%"))
        .replace(QLatin1Char('_'), QLatin1String("\\_"));
    return db
        .scalar(
            QStringLiteral(
                "SELECT coalesce(json_agg(json_build_object('id', f.id, 'msisdn', f.msisdn, 'site_name', "
                "f.site_name, 'building', f.building, 'lift_name', f.lift_name, 'open_ticket_id', "
                "f.open_id, 'open_ticket_reference', f.open_reference) ORDER BY f.lift_name, f.msisdn), "
                "'[]')::text FROM (SELECT l.id, l.msisdn, l.site_name, l.building, "
                "concat_ws(' - ', nullif(l.site_name, ''), nullif(l.building, '')) AS lift_name, "
                "o.id AS open_id, o.ticket_reference AS open_reference FROM lifts l "
                "LEFT JOIN LATERAL (SELECT t.id, t.ticket_reference FROM tickets t WHERE t.lift_id = l.id "
                "AND t.status = 'open' ORDER BY t.id DESC LIMIT 1) o ON true "
                "WHERE (SELECT coalesce(bool_and(concat_ws(' ', l.site_name, l.building, l.msisdn) "
                "ILIKE '%' || w || '%'), true) FROM unnest(string_to_array(?, ' ')) w) "
                "OR (length(?) >= 3 AND l.msisdn LIKE '%' || ? || '%') "
                "ORDER BY 5, 2 LIMIT 20) f"),
            {escaped, digits, digits})
        .toString()
        .toUtf8();
}

Opened open(Db &db, const QString &liftMsisdn, const QString &smsText, const Principal &who)
{
    Opened opened = db.transaction([&] { return openIn(db, liftMsisdn, smsText, who); });
    Events::sequence(db);
    return opened;
}

} // namespace Tickets
