#include "History.h"

#include "db/Db.h"
#include "domain/DomainError.h"

#include <QSqlQuery>
#include <QVariant>

namespace History {

namespace {

QVariant textOrNull(const QString &s)
{
    const QString t = s.trimmed();
    return t.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(t);
}

QVariant timeOrNull(const QDateTime &t)
{
    return t.isValid() ? QVariant(t.toUTC().toString(Qt::ISODateWithMs))
                       : QVariant(QMetaType(QMetaType::QString));
}

// LIKE's own characters taken as themselves.
QString likeEscaped(const QString &s)
{
    QString out = s.trimmed();
    out.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    out.replace(QLatin1Char('%'), QLatin1String("\\%"));
    out.replace(QLatin1Char('_'), QLatin1String("\\_"));
    return out;
}

} // namespace

Page search(Db &db, const Query &q)
{
    if (q.limit < 1 || q.limit > maxLimit)
        throw DomainError(DomainError::Kind::Invalid, QStringLiteral("invalid_limit"),
                          QStringLiteral("limit must be 1 to %1").arg(maxLimit));
    if (q.text.size() > maxTextLength)
        throw DomainError(DomainError::Kind::Invalid, QStringLiteral("invalid_history_query"),
                          QStringLiteral("Search for at most %1 characters of text").arg(maxTextLength));
    if (!q.status.isEmpty() && q.status != QLatin1String("open") && q.status != QLatin1String("resolved"))
        throw DomainError(DomainError::Kind::Invalid, QStringLiteral("invalid_history_query"),
                          QStringLiteral("status must be open or resolved, not '%1'").arg(q.status.left(40)));
    if (q.from.isValid() && q.to.isValid() && q.to <= q.from)
        throw DomainError(DomainError::Kind::Invalid, QStringLiteral("invalid_history_query"),
                          QStringLiteral("'to' must be after 'from'"));
    // With text: a word said in few messages is found through the full-text index first (every match,
    // counted per ticket); one said in many (more than commonMatches) is looked for ticket by ticket from the
    // newest, which stops as soon as a page is full. An empty query (only punctuation, say) matches nothing.
    const QVariant text = textOrNull(q.text);
    bool common = false;
    if (!text.isNull()) {
        common =
            db.scalar(QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM chat_messages WHERE "
                                     "to_tsvector('simple', message) @@ websearch_to_tsquery('simple', ?) "
                                     "LIMIT ?) x"),
                      {text, commonMatches + 1})
                .toInt() > commonMatches;
    }
    const QVariant tech = textOrNull(q.technician);
    // The query holds only the conditions asked for, each bound in the order its text is added.
    QStringList hits;
    QStringList conditions;
    QVariantList hitBinds, binds, outerBinds;
    const QString matchesText =
        QStringLiteral("to_tsvector('simple', %1.message) @@ websearch_to_tsquery('simple', ?)");
    if (!text.isNull() && !common) {
        hits << QStringLiteral(
                    "SELECT m.ticket_id, count(*) AS matches, max(m.id) AS latest FROM chat_messages m "
                    "WHERE %1 GROUP BY m.ticket_id")
                    .arg(matchesText.arg(QLatin1String("m")));
        hitBinds << text;
        conditions << QStringLiteral("h.ticket_id IS NOT NULL");
    }
    if (common) {
        conditions << QStringLiteral(
                          "EXISTS (SELECT 1 FROM chat_messages mx WHERE mx.ticket_id = t.id AND %1)")
                          .arg(matchesText.arg(QLatin1String("mx")));
        binds << text;
    }
    if (!q.lift.trimmed().isEmpty()) {
        conditions << QStringLiteral("l.msisdn = ?");
        binds << q.lift.trimmed();
    }
    if (!q.site.trimmed().isEmpty()) {
        conditions << QStringLiteral(
            "(l.site_name ILIKE '%' || ? || '%' OR l.building ILIKE '%' || ? || '%')");
        binds << likeEscaped(q.site) << likeEscaped(q.site);
    }
    if (!q.reference.trimmed().isEmpty()) {
        conditions << QStringLiteral("t.ticket_reference ILIKE ? || '%'");
        binds << likeEscaped(q.reference);
    }
    if (!tech.isNull()) {
        conditions << QStringLiteral(
            "(c.display_name ILIKE '%' || ? || '%' OR c.primary_msisdn = ? OR EXISTS (SELECT 1 FROM "
            "chat_messages mm WHERE mm.ticket_id = t.id AND mm.direction = 'inbound' AND mm.from_number = "
            "?))");
        binds << likeEscaped(q.technician) << tech << tech;
    }
    if (!q.status.isEmpty()) {
        conditions << QStringLiteral("t.status = ?");
        binds << q.status;
    }
    if (q.from.isValid()) {
        conditions << QStringLiteral("t.created_at >= ?::timestamptz");
        binds << timeOrNull(q.from);
    }
    if (q.to.isValid()) {
        conditions << QStringLiteral("t.created_at < ?::timestamptz");
        binds << timeOrNull(q.to);
    }
    if (q.before > 0) {
        // After the previous page's last incident, in the same order (opened, then id).
        conditions << QStringLiteral(
            "(t.created_at, t.id) < (SELECT b.created_at, b.id FROM tickets b WHERE b.id = ?)");
        binds << q.before;
    }
    binds << q.limit + 1;
    // For a common word, the matches are counted (and the latest found) for the page's incidents only.
    QString matches = QStringLiteral("f.matches");
    QString latest = QStringLiteral("f.latest");
    if (common) {
        matches = QStringLiteral("(SELECT count(*) FROM chat_messages mc WHERE mc.ticket_id = f.id AND %1)")
                      .arg(matchesText.arg(QLatin1String("mc")));
        latest = QStringLiteral("(SELECT max(mc.id) FROM chat_messages mc WHERE mc.ticket_id = f.id AND %1)")
                     .arg(matchesText.arg(QLatin1String("mc")));
        outerBinds << text << text;
    }
    outerBinds << q.limit << q.limit << q.limit;
    const QString sql =
        QStringLiteral(
            "WITH hits AS MATERIALIZED (%1), "
            "found AS ("
            "  SELECT t.id, t.ticket_reference, t.status, t.created_at, t.resolved_at, l.msisdn, "
            "l.site_name, "
            "         l.building, c.display_name, c.primary_msisdn, h.matches, h.latest "
            "    FROM tickets t JOIN lifts l ON l.id = t.lift_id "
            "    LEFT JOIN contacts c ON c.id = t.responded_by "
            "    LEFT JOIN hits h ON h.ticket_id = t.id "
            "   WHERE %2 "
            "   ORDER BY t.created_at DESC, t.id DESC LIMIT ?) "
            "SELECT coalesce((SELECT json_agg(json_build_object("
            "      'ticket_id', f.id, 'ticket_reference', f.ticket_reference, 'status', f.status, "
            "      'created_at', liftline_iso(f.created_at), 'resolved_at', liftline_iso(f.resolved_at), "
            "      'lift', json_build_object('msisdn', f.msisdn, 'site_name', f.site_name, 'building', "
            "f.building), "
            "      'technician', CASE WHEN f.display_name IS NULL AND f.primary_msisdn IS NULL THEN NULL "
            "                         ELSE json_build_object('name', f.display_name, 'number', "
            "f.primary_msisdn) "
            "END, "
            "      'message_count', coalesce(s.message_count, 0), "
            "      'matches', %3, "
            "      'match', (SELECT json_build_object('message_id', m.id, 'text', left(m.message, 300), "
            "                                         'created_at', liftline_iso(m.created_at)) "
            "                  FROM chat_messages m WHERE m.id = %4)) ORDER BY f.created_at DESC, f.id DESC) "
            "    FROM (SELECT * FROM found ORDER BY created_at DESC, id DESC LIMIT ?) f "
            "    LEFT JOIN chat_ticket_summary s ON s.ticket_id = f.id), '[]'::json)::text, "
            "  CASE WHEN (SELECT count(*) FROM found) > ? "
            "       THEN (SELECT id FROM found ORDER BY created_at DESC, id DESC OFFSET ? - 1 LIMIT 1) END")
            .arg(hits.isEmpty()
                     ? QStringLiteral("SELECT NULL::integer AS ticket_id, NULL::bigint AS matches, "
                                      "NULL::bigint AS latest WHERE false")
                     : hits.first(),
                 conditions.isEmpty() ? QStringLiteral("true") : conditions.join(QLatin1String(" AND ")),
                 matches, latest);
    QSqlQuery &r = db.exec(sql, hitBinds + binds + outerBinds);
    Page page;
    if (r.next()) {
        page.incidents = r.value(0).toString().toUtf8();
        page.nextBefore = r.value(1).isNull() ? 0 : r.value(1).toInt();
    }
    r.finish();
    return page;
}

} // namespace History
