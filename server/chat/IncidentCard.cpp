#include "IncidentCard.h"

#include "ChatStore.h"
#include "WireProtocol.h"
#include "db/AuditLog.h"
#include "db/Db.h"
#include "db/Events.h"
#include "domain/DomainError.h"
#include "domain/Principal.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QSet>

namespace IncidentCard {

namespace {

const QStringList fields{QStringLiteral("people_trapped"), QStringLiteral("injuries"),
                         QStringLiteral("position"),       QStringLiteral("services"),
                         QStringLiteral("released_at"),    QStringLiteral("notes")};

DomainError invalid(const char *code, const QString &message)
{
    return DomainError(DomainError::Kind::Invalid, QLatin1String(code), message);
}

QJsonObject emptyCard(int ticketId)
{
    return {{QStringLiteral("ticket_id"), ticketId},          {QStringLiteral("version"), 0},
            {QStringLiteral("people_trapped"), QJsonValue()}, {QStringLiteral("injuries"), QJsonValue()},
            {QStringLiteral("position"), QJsonValue()},       {QStringLiteral("services"), QJsonArray()},
            {QStringLiteral("released_at"), QJsonValue()},    {QStringLiteral("notes"), QJsonValue()},
            {QStringLiteral("edited_by"), QJsonValue()},      {QStringLiteral("edited_at"), QJsonValue()}};
}

// A time the API accepts, in its own form, or null; throws for anything else.
QJsonValue timeValue(const QJsonValue &v, const char *code, const QString &what)
{
    if (v.isNull() || (v.isString() && v.toString().trimmed().isEmpty()))
        return QJsonValue();
    const QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    if (!v.isString() || !t.isValid())
        throw invalid(code, QStringLiteral("%1 is a time such as 2026-12-05T08:30:00Z, or null").arg(what));
    if (t > QDateTime::currentDateTimeUtc().addSecs(300))
        throw invalid(code, QStringLiteral("%1 is in the future").arg(what));
    return t.toUTC().toString(Qt::ISODateWithMs);
}

QJsonValue textValue(const QJsonValue &v, const QString &name, int limit)
{
    if (v.isNull())
        return QJsonValue();
    if (!v.isString())
        throw invalid("invalid_field", QStringLiteral("%1 is text, or null").arg(name));
    const QString text = v.toString().trimmed();
    if (text.toUcs4().size() > limit)
        throw invalid("text_too_long",
                      QStringLiteral("%1 may have at most %2 characters").arg(name).arg(limit));
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

// The card's fields checked and put in their stored form.
QJsonValue checked(const QString &name, const QJsonValue &v)
{
    if (name == QLatin1String("people_trapped")) {
        if (v.isNull())
            return v;
        if (!v.isDouble() || v.toDouble() != double(v.toInt()) || v.toInt() < 0 || v.toInt() > 1000)
            throw invalid("invalid_people_trapped",
                          QStringLiteral("people_trapped is a whole number from 0 to 1000, "
                                         "or null when not known"));
        return v.toInt();
    }
    if (name == QLatin1String("services")) {
        if (!v.isArray() || v.toArray().size() > 10)
            throw invalid("invalid_services", QStringLiteral("services is a list of at most 10 entries"));
        QJsonArray out;
        for (const QJsonValue &e : v.toArray()) {
            const QString service = e.toObject().value(QStringLiteral("service")).toString();
            if (service != QLatin1String("fire") && service != QLatin1String("medical") &&
                service != QLatin1String("police"))
                throw invalid(
                    "invalid_services",
                    QStringLiteral("Each service is {\"service\": \"fire\" | \"medical\" | \"police\", "
                                   "\"called_at\": a time or null}"));
            out.append(QJsonObject{{QStringLiteral("service"), service},
                                   {QStringLiteral("called_at"),
                                    timeValue(e.toObject().value(QStringLiteral("called_at")),
                                              "invalid_services", QStringLiteral("A service's called_at"))}});
        }
        return out;
    }
    if (name == QLatin1String("released_at"))
        return timeValue(v, "invalid_released_at", QStringLiteral("released_at"));
    return textValue(v, name,
                     name == QLatin1String("notes")      ? 4000
                     : name == QLatin1String("injuries") ? 1000
                                                         : 200);
}

QJsonObject parsedObject(const QVariant &text)
{
    return QJsonDocument::fromJson(text.toString().toUtf8()).object();
}

// The newest version of an existing ticket's card, or an empty card of version 0.
QJsonObject newest(Db &db, int ticketId)
{
    const QVariant card =
        db.scalar(QStringLiteral("SELECT incident_card_to_json(c)::text FROM incident_cards c "
                                 "WHERE c.ticket_id = ? ORDER BY c.version DESC LIMIT 1"),
                  {ticketId});
    return card.isValid() ? parsedObject(card) : emptyCard(ticketId);
}

} // namespace

QJsonObject current(Db &db, int ticketId)
{
    ChatStore::requireTicket(db, ticketId);
    return newest(db, ticketId);
}

QJsonArray history(Db &db, int ticketId)
{
    return QJsonDocument::fromJson(
               db.scalar(QStringLiteral(
                             "SELECT coalesce(jsonb_agg(incident_card_to_json(c) ORDER BY c.version DESC), "
                             "'[]')::text FROM incident_cards c WHERE c.ticket_id = ?"),
                         {ticketId})
                   .toString()
                   .toUtf8())
        .array();
}

QJsonObject save(Db &db, int ticketId, const QJsonObject &changes, const Principal &who)
{
    const QJsonValue expected = changes.value(QStringLiteral("expected_version"));
    if (!expected.isDouble() || expected.toDouble() != double(expected.toInt()) || expected.toInt() < 0)
        throw invalid("expected_version_required",
                      QStringLiteral(
                          "Say which version you changed: expected_version (0 for a ticket without a card)"));
    for (auto it = changes.begin(); it != changes.end(); ++it)
        if (it.key() != QLatin1String("expected_version") && !fields.contains(it.key()))
            throw invalid("unknown_field", QStringLiteral("'%1' is not a field of the incident card (%2)")
                                               .arg(it.key(), fields.join(QStringLiteral(", "))));
    QJsonObject card;
    const QJsonObject saved = db.transaction([&] {
        // The ticket first, as every writer of a ticket locks it: two saves of one card queue here.
        ChatStore::requireTicket(db, ticketId);
        db.exec(QStringLiteral("SELECT 1 FROM tickets WHERE id = ? FOR NO KEY UPDATE"), {ticketId});
        card = newest(db, ticketId);
        const int version = card.value(QStringLiteral("version")).toInt();
        if (version != expected.toInt())
            throw DomainError(
                DomainError::Kind::Conflict, QStringLiteral("version_conflict"),
                QStringLiteral("%1 saved the card at %2 (version %3) after the version you changed: "
                               "reload it and make your change again")
                    .arg(card.value(QStringLiteral("edited_by")).toString(),
                         card.value(QStringLiteral("edited_at")).toString())
                    .arg(version));
        QStringList changed;
        for (const QString &f : fields) {
            if (!changes.contains(f))
                continue;
            const QJsonValue value = checked(f, changes.value(f));
            if (value != card.value(f)) {
                card.insert(f, value);
                changed << f;
            }
        }
        if (changed.isEmpty())
            return card;
        const QString by = who.displayName.isEmpty() ? who.actorKind() : who.displayName;
        const QString actor = who.actorKey();
        const QVariant none(QMetaType::fromType<QString>());
        const auto text = [&](const char *f) {
            const QJsonValue v = card.value(QLatin1String(f));
            return v.isNull() ? none : QVariant(v.toVariant().toString());
        };
        const QVariant stored = db.scalar(
            QStringLiteral(
                "INSERT INTO incident_cards (ticket_id, version, people_trapped, injuries, position, "
                "services, released_at, notes, edited_by, edited_by_actor) VALUES (?, ?, ?::integer, ?, ?, "
                "?::jsonb, ?::timestamptz, ?, ?, ?) RETURNING incident_card_to_json(incident_cards)::text"),
            {ticketId, version + 1, text("people_trapped"), text("injuries"), text("position"),
             QString::fromUtf8(QJsonDocument(card.value(QStringLiteral("services")).toArray())
                                   .toJson(QJsonDocument::Compact)),
             text("released_at"), text("notes"), by, actor});
        const QJsonObject result = parsedObject(stored);
        db.exec(QStringLiteral("SELECT chat_emit(?, ?, ?::json)"),
                {QString(Wire::Event::incidentUpdated), ticketId, stored.toString()});
        AuditLog::record(db, who, QStringLiteral("incident.updated"), ticketId,
                         {{QStringLiteral("version"), version + 1},
                          {QStringLiteral("changed"), QJsonArray::fromStringList(changed)}});
        return result;
    });
    Events::sequence(db);
    return saved;
}

} // namespace IncidentCard
