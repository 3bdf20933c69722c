#include "RegistryImport.h"

#include "PhoneNumber.h"
#include "db/AuditLog.h"
#include "db/Db.h"
#include "domain/DomainError.h"
#include "domain/Principal.h"

#include <QHash>
#include <QRegularExpression>

namespace RegistryImport {

namespace {

struct Record {
    int line = 0;
    QStringList fields;
};

[[noreturn]] void reject(int line, const QString &what)
{
    throw DomainError(DomainError::Kind::Invalid, QStringLiteral("invalid_registry"),
                      QStringLiteral("Line %1: %2. Nothing was imported; fix the file and import it again.")
                          .arg(line)
                          .arg(what));
}

// RFC 4180: fields separated by commas, optionally quoted, "" inside quotes for a quote; CRLF or LF.
QList<Record> parseCsv(const QString &text)
{
    QList<Record> records;
    Record current;
    QString field;
    bool quoted = false;
    bool fieldStarted = false;
    int line = 1;
    current.line = 1;
    auto endField = [&] {
        current.fields << field;
        field.clear();
        fieldStarted = false;
    };
    auto endRecord = [&] {
        endField();
        if (!(current.fields.size() == 1 && current.fields.first().trimmed().isEmpty()))
            records << current;
        current = Record{};
        current.line = line;
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                    field += c;
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == QLatin1Char('\n'))
                    ++line;
                field += c;
            }
            continue;
        }
        if (c == QLatin1Char('"') && !fieldStarted) {
            quoted = true;
            fieldStarted = true;
        } else if (c == QLatin1Char(',')) {
            endField();
        } else if (c == QLatin1Char('\r')) {
            continue;
        } else if (c == QLatin1Char('\n')) {
            ++line;
            endRecord();
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (quoted)
        reject(current.line, QStringLiteral("a quoted field is never closed"));
    if (!field.isEmpty() || !current.fields.isEmpty())
        endRecord();
    return records;
}

const QStringList columns = {QStringLiteral("lift_msisdn"),    QStringLiteral("site_name"),
                             QStringLiteral("building"),       QStringLiteral("contact_name"),
                             QStringLiteral("contact_msisdn"), QStringLiteral("contact_email"),
                             QStringLiteral("relation")};

struct Row {
    int line;
    QString liftMsisdn, siteName, building, contactName, contactMsisdn, contactEmail, relation;
    // The optional contact_language column: the language of the messages the server writes to the contact
    // (en, af; empty: the server's LIFTLINE_LANGUAGE). Without the column, stored languages stay as they are.
    bool hasLanguage = false;
    QString language;
};

} // namespace

QJsonObject Report::toJson() const
{
    auto part = [](int added, int updated, int unchanged) {
        return QJsonObject{{QStringLiteral("added"), added},
                           {QStringLiteral("updated"), updated},
                           {QStringLiteral("unchanged"), unchanged}};
    };
    return {{QStringLiteral("rows"), rows},
            {QStringLiteral("lifts"), part(liftsAdded, liftsUpdated, liftsUnchanged)},
            {QStringLiteral("contacts"), part(contactsAdded, contactsUpdated, contactsUnchanged)},
            {QStringLiteral("links"), part(linksAdded, linksUpdated, linksUnchanged)}};
}

QString Report::summary() const
{
    return QStringLiteral(
               "%1 rows: lifts %2 added, %3 updated, %4 unchanged; contacts %5 added, %6 updated, %7 "
               "unchanged; links %8 added, %9 updated, %10 unchanged")
        .arg(rows)
        .arg(liftsAdded)
        .arg(liftsUpdated)
        .arg(liftsUnchanged)
        .arg(contactsAdded)
        .arg(contactsUpdated)
        .arg(contactsUnchanged)
        .arg(linksAdded)
        .arg(linksUpdated)
        .arg(linksUnchanged);
}

namespace {

// Every row of the file, checked; throws DomainError (Invalid, invalid_registry) naming the line.
QList<Row> checkedRows(const QByteArray &csv)
{
    QString text = QString::fromUtf8(csv);
    if (text.startsWith(QChar(0xFEFF)))
        text.remove(0, 1);
    if (text.contains(QChar::ReplacementCharacter) || text.contains(QChar(u'\0')))
        reject(1, QStringLiteral("the file is not UTF-8 text"));
    const QList<Record> records = parseCsv(text);
    if (records.isEmpty())
        reject(1, QStringLiteral("the file is empty; the first line must name the columns %1")
                      .arg(columns.join(QLatin1Char(','))));

    QHash<QString, int> index;
    const QStringList header = records.first().fields;
    for (qsizetype i = 0; i < header.size(); ++i)
        index.insert(header.at(i).trimmed().toLower(), int(i));
    for (const QString &c : columns)
        if (!index.contains(c))
            reject(records.first().line, QStringLiteral("the header lacks the column '%1' (expected %2)")
                                             .arg(c, columns.join(QLatin1Char(','))));

    static const QRegularExpression relationPattern(QStringLiteral("^[a-z][a-z_]{0,39}$"));
    static const QRegularExpression emailPattern(QStringLiteral("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"));
    QList<Row> rows;
    QHash<QString, const Row *> liftSeen, contactSeen;
    for (qsizetype r = 1; r < records.size(); ++r) {
        const Record &rec = records.at(r);
        if (rec.fields.size() != header.size())
            reject(rec.line,
                   QStringLiteral("expected %1 fields, found %2").arg(header.size()).arg(rec.fields.size()));
        auto field = [&](const QString &name) { return rec.fields.at(index.value(name)).trimmed(); };
        Row row{rec.line,
                PhoneNumber::normalise(field(QStringLiteral("lift_msisdn"))),
                field(QStringLiteral("site_name")),
                field(QStringLiteral("building")),
                field(QStringLiteral("contact_name")),
                PhoneNumber::normalise(field(QStringLiteral("contact_msisdn"))),
                field(QStringLiteral("contact_email")),
                field(QStringLiteral("relation")).toLower(),
                false,
                QString()};
        if (index.contains(QStringLiteral("contact_language"))) {
            row.hasLanguage = true;
            row.language = field(QStringLiteral("contact_language")).toLower();
            if (!row.language.isEmpty() && row.language != QLatin1String("en") &&
                row.language != QLatin1String("af"))
                reject(rec.line, QStringLiteral("contact_language '%1' must be en, af, or empty for the "
                                                "server's language")
                                     .arg(row.language.left(20)));
        }
        if (row.liftMsisdn.isEmpty())
            reject(rec.line, QStringLiteral("lift_msisdn '%1' is not a phone number")
                                 .arg(field(QStringLiteral("lift_msisdn"))));
        if (row.contactMsisdn.isEmpty())
            reject(rec.line, QStringLiteral("contact_msisdn '%1' is not a phone number")
                                 .arg(field(QStringLiteral("contact_msisdn"))));
        if (row.siteName.isEmpty() && row.building.isEmpty())
            reject(rec.line, QStringLiteral("the lift needs a site_name or a building"));
        if (row.contactName.isEmpty())
            reject(rec.line, QStringLiteral("contact_name is empty"));
        if (row.relation.isEmpty())
            row.relation = QStringLiteral("technician");
        if (!relationPattern.match(row.relation).hasMatch())
            reject(rec.line,
                   QStringLiteral("relation '%1' must be a word such as technician or building_manager")
                       .arg(row.relation));
        // The original system's columns hold this much; longer text would not be stored whole.
        const struct {
            const char *column;
            const QString &value;
            int max;
        } limits[] = {{"site_name", row.siteName, 200},
                      {"building", row.building, 200},
                      {"contact_name", row.contactName, 100},
                      {"contact_email", row.contactEmail, 254}};
        for (const auto &limit : limits) {
            const qsizetype length = limit.value.toUcs4().size();
            if (length > limit.max)
                reject(rec.line, QStringLiteral("%1 has %2 characters; it may have at most %3")
                                     .arg(QLatin1String(limit.column))
                                     .arg(length)
                                     .arg(limit.max));
        }
        if (!row.contactEmail.isEmpty() && !emailPattern.match(row.contactEmail).hasMatch())
            reject(rec.line,
                   QStringLiteral("contact_email '%1' is not an e-mail address").arg(row.contactEmail));
        rows << row;
    }
    // The same lift or contact on several lines must be described the same way each time.
    for (const Row &row : std::as_const(rows)) {
        if (const Row *first = liftSeen.value(row.liftMsisdn)) {
            if (first->siteName != row.siteName || first->building != row.building)
                reject(row.line,
                       QStringLiteral("lift %1 is '%2 / %3' here but '%4 / %5' on line %6")
                           .arg(row.liftMsisdn, row.siteName, row.building, first->siteName, first->building)
                           .arg(first->line));
        } else {
            liftSeen.insert(row.liftMsisdn, &row);
        }
        if (const Row *first = contactSeen.value(row.contactMsisdn)) {
            if (first->contactName != row.contactName || first->contactEmail != row.contactEmail)
                reject(row.line, QStringLiteral("contact %1 is '%2 <%3>' here but '%4 <%5>' on line %6")
                                     .arg(row.contactMsisdn, row.contactName, row.contactEmail,
                                          first->contactName, first->contactEmail)
                                     .arg(first->line));
            if (first->language != row.language)
                reject(row.line,
                       QStringLiteral("contact %1 has contact_language '%2' here but '%3' on line %4")
                           .arg(row.contactMsisdn, row.language, first->language)
                           .arg(first->line));
        } else {
            contactSeen.insert(row.contactMsisdn, &row);
        }
    }
    return rows;
}

} // namespace

int validate(const QByteArray &csv)
{
    return int(checkedRows(csv).size());
}

Report run(Db &db, const QByteArray &csv, const Principal &who)
{
    const QList<Row> rows = checkedRows(csv);
    Report report;
    report.rows = int(rows.size());
    auto nullable = [](const QString &s) {
        return s.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s);
    };
    db.transaction([&] {
        QHash<QString, int> liftIds;
        QHash<QString, QString> contactIds;
        for (const Row &row : std::as_const(rows)) {
            if (!liftIds.contains(row.liftMsisdn)) {
                QSqlQuery &q = db.exec(
                    QStringLiteral(
                        "INSERT INTO lifts AS l (msisdn, site_name, building) VALUES (?, ?, ?) "
                        "ON CONFLICT (msisdn) DO UPDATE SET site_name = EXCLUDED.site_name, "
                        "building = EXCLUDED.building WHERE (l.site_name, l.building) IS DISTINCT FROM "
                        "(EXCLUDED.site_name, EXCLUDED.building) RETURNING id, xmax = 0"),
                    {row.liftMsisdn, nullable(row.siteName), nullable(row.building)});
                if (q.next()) {
                    liftIds.insert(row.liftMsisdn, q.value(0).toInt());
                    (q.value(1).toBool() ? report.liftsAdded : report.liftsUpdated)++;
                    q.finish();
                } else {
                    q.finish();
                    liftIds.insert(
                        row.liftMsisdn,
                        db.scalar(QStringLiteral("SELECT id FROM lifts WHERE msisdn = ?"), {row.liftMsisdn})
                            .toInt());
                    report.liftsUnchanged++;
                }
            }
            if (!contactIds.contains(row.contactMsisdn)) {
                // Without the language column the stored language is kept: the insert's is then the
                // existing row's own (or null for a new contact).
                QSqlQuery &q = db.exec(
                    QStringLiteral(
                        "INSERT INTO contacts AS c (display_name, primary_msisdn, email, role, language) "
                        "VALUES (?, ?, ?, ?, CASE WHEN ? THEN ? ELSE (SELECT language FROM contacts WHERE "
                        "primary_msisdn = ?) END) ON CONFLICT (primary_msisdn) DO UPDATE SET "
                        "display_name = EXCLUDED.display_name, email = EXCLUDED.email, "
                        "language = EXCLUDED.language, "
                        // A contact made when an unknown number's message was attached is in the registry
                        // now.
                        "role = CASE WHEN c.role = 'unregistered' THEN EXCLUDED.role ELSE c.role END "
                        "WHERE (c.display_name, c.email, c.language) IS DISTINCT FROM "
                        "(EXCLUDED.display_name, EXCLUDED.email, EXCLUDED.language) OR c.role = "
                        "'unregistered' "
                        "RETURNING id::text, xmax = 0"),
                    {row.contactName, row.contactMsisdn, nullable(row.contactEmail), row.relation,
                     row.hasLanguage, nullable(row.language), row.contactMsisdn});
                if (q.next()) {
                    contactIds.insert(row.contactMsisdn, q.value(0).toString());
                    (q.value(1).toBool() ? report.contactsAdded : report.contactsUpdated)++;
                    q.finish();
                } else {
                    q.finish();
                    contactIds.insert(
                        row.contactMsisdn,
                        db.scalar(QStringLiteral("SELECT id::text FROM contacts WHERE primary_msisdn = ?"),
                                  {row.contactMsisdn})
                            .toString());
                    report.contactsUnchanged++;
                }
            }
            QSqlQuery &q = db.exec(
                QStringLiteral(
                    "INSERT INTO lift_contacts AS lc (lift_id, contact_id, relation) VALUES (?, ?::uuid, ?) "
                    "ON CONFLICT (lift_id, contact_id) DO UPDATE SET relation = EXCLUDED.relation "
                    "WHERE lc.relation IS DISTINCT FROM EXCLUDED.relation RETURNING xmax = 0"),
                {liftIds.value(row.liftMsisdn), contactIds.value(row.contactMsisdn), row.relation});
            if (q.next())
                (q.value(0).toBool() ? report.linksAdded : report.linksUpdated)++;
            else
                report.linksUnchanged++;
            q.finish();
        }
        AuditLog::record(db, who, QStringLiteral("registry.imported"), 0, report.toJson());
    });
    return report;
}

} // namespace RegistryImport
