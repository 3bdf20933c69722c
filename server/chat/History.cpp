#include "History.h"

#include "db/Db.h"
#include "db/DbError.h"
#include "domain/DomainError.h"

#include <QRegularExpression>
#include <QSqlQuery>
#include <QVariant>

namespace History {

namespace {

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

// A number as written ("+27 82 000 0003"): its digits, which is how numbers are stored.
QString digitsOf(const QString &s)
{
    QString out;
    for (const QChar c : s)
        if (c.isDigit())
            out += c;
    return out;
}

bool looksLikeNumber(const QString &s)
{
    static const QRegularExpression number(QStringLiteral("^\\+?[0-9][0-9 ()-]{5,}$"));
    return number.match(s.trimmed()).hasMatch();
}

DomainError invalid(const QString &message)
{
    return DomainError(DomainError::Kind::Invalid, QStringLiteral("invalid_history_query"), message);
}

// The words to search for, as websearch_to_tsquery reads them: runs of dashes (a pasted separator line)
// are no operators, and a query has at most maxWords words (each '-' a word), which keeps PostgreSQL's
// query parser within its limits.
QString searchText(const QString &text)
{
    static const QRegularExpression dashes(QStringLiteral("-{2,}|!+"));
    QString out = text;
    out.replace(dashes, QStringLiteral(" "));
    if (out.split(QLatin1Char(' '), Qt::SkipEmptyParts).size() > maxWords)
        throw invalid(QStringLiteral("Search for at most %1 words").arg(maxWords));
    return out.trimmed();
}

Page run(Db &db, const Query &q)
{
    // With text: a word said in few messages is found through the full-text index first (every match,
    // counted per ticket); one said in many (more than commonMatches) is looked for ticket by ticket from the
    // most recent, which stops as soon as a page is full. Words only left out ("-doors") would match nearly
    // everything: refused. Only punctuation: nothing to search for, nothing found.
    QVariant text;
    bool common = false;
    if (!q.text.trimmed().isEmpty()) {
        text = searchText(q.text);
        QSqlQuery &probe = db.exec(
            QStringLiteral(
                "SELECT querytree(websearch_to_tsquery('simple', ?)), (SELECT count(*) FROM (SELECT 1 "
                "FROM chat_messages WHERE to_tsvector('simple', message) @@ "
                "websearch_to_tsquery('simple', ?) LIMIT ?) x) + (SELECT count(*) FROM (SELECT 1 FROM "
                "chat_message_changes WHERE change = 'edit' AND to_tsvector('simple', body) @@ "
                "websearch_to_tsquery('simple', ?) LIMIT ?) y) "
                "WHERE querytree(websearch_to_tsquery('simple', ?)) NOT IN ('', 'T')"),
            {text, text, commonMatches + 1, text, commonMatches + 1, text});
        if (!probe.next()) {
            probe.finish();
            const QString tree =
                db.scalar(QStringLiteral("SELECT querytree(websearch_to_tsquery('simple', ?))"), {text})
                    .toString();
            if (tree == QLatin1String("T"))
                throw invalid(QStringLiteral("Search for at least one word: words with '-' in front are only "
                                             "left out"));
            return {QByteArrayLiteral("[]"), 0};
        }
        common = probe.value(1).toInt() > commonMatches;
        probe.finish();
    }
    if (q.before > 0 &&
        db.scalar(QStringLiteral("SELECT count(*) FROM tickets WHERE id = ?"), {q.before}).toInt() == 0)
        throw DomainError(
            DomainError::Kind::Invalid, QStringLiteral("invalid_before"),
            QStringLiteral("There is no ticket %1: pass the next_before of the previous page").arg(q.before));
    // The query holds only the conditions asked for, each bound in the order its text is added.
    QStringList hits;
    QStringList conditions;
    QVariantList hitBinds, binds, outerBinds;
    // A message matches by its text as first stored or by the text of one of its sender's edits (two binds).
    const QString matchesText = QStringLiteral(
        "(to_tsvector('simple', %1.message) @@ websearch_to_tsquery('simple', ?) OR EXISTS (SELECT 1 FROM "
        "chat_message_changes x WHERE x.target_wa_id = %1.wa_message_id AND x.change = 'edit' AND "
        "%1.direction = 'inbound' AND x.from_number = %1.from_number AND "
        "to_tsvector('simple', x.body) @@ websearch_to_tsquery('simple', ?)))");
    if (!text.isNull() && !common) {
        // Each side through its own full-text index.
        hits << QStringLiteral(
            "SELECT m.ticket_id, count(*) AS matches, max(m.id) AS latest FROM chat_messages m WHERE m.id IN "
            "("
            "SELECT mm.id FROM chat_messages mm WHERE to_tsvector('simple', mm.message) @@ "
            "websearch_to_tsquery('simple', ?) UNION SELECT me.id FROM chat_message_changes x JOIN "
            "chat_messages "
            "me ON me.wa_message_id = x.target_wa_id AND me.direction = 'inbound' AND me.from_number = "
            "x.from_number WHERE x.change = 'edit' AND to_tsvector('simple', x.body) "
            "@@ websearch_to_tsquery('simple', ?)) GROUP BY m.ticket_id");
        hitBinds << text << text;
        conditions << QStringLiteral("h.ticket_id IS NOT NULL");
    }
    if (common) {
        conditions << QStringLiteral(
                          "EXISTS (SELECT 1 FROM chat_messages mx WHERE mx.ticket_id = t.id AND %1)")
                          .arg(matchesText.arg(QLatin1String("mx")));
        binds << text << text;
    }
    if (!q.lift.trimmed().isEmpty()) {
        conditions << QStringLiteral("l.msisdn = ?");
        binds << (looksLikeNumber(q.lift) ? digitsOf(q.lift) : q.lift.trimmed());
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
    if (!q.technician.trimmed().isEmpty()) {
        if (looksLikeNumber(q.technician)) {
            // Who responded, or anyone who wrote on the ticket from that number.
            conditions << QStringLiteral(
                "(c.primary_msisdn = ? OR EXISTS (SELECT 1 FROM chat_messages mm WHERE "
                "mm.ticket_id = t.id AND mm.direction = 'inbound' AND mm.from_number = ?))");
            binds << digitsOf(q.technician) << digitsOf(q.technician);
        } else {
            conditions << QStringLiteral("c.display_name ILIKE '%' || ? || '%'");
            binds << likeEscaped(q.technician);
        }
    }
    if (!q.status.isEmpty()) {
        // A resolved ticket is 'closed' in the database (the original system's word).
        conditions << (q.status == QLatin1String("open") ? QStringLiteral("t.status = 'open'")
                                                         : QStringLiteral("t.status <> 'open'"));
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
    // For a common word, the matches are counted (and the latest found) for the page's incidents only, in
    // one pass over each.
    QString counted = QStringLiteral("SELECT f.matches AS n, f.latest AS latest");
    outerBinds << q.limit;
    if (common) {
        counted = QStringLiteral("SELECT count(*) AS n, max(mc.id) AS latest FROM chat_messages mc WHERE "
                                 "mc.ticket_id = f.id AND %1")
                      .arg(matchesText.arg(QLatin1String("mc")));
        outerBinds << text << text;
    }
    outerBinds << q.limit << q.limit;
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
            "      'ticket_id', f.id, 'ticket_reference', f.ticket_reference, "
            "      'status', CASE WHEN f.status = 'open' THEN 'open' ELSE 'closed' END, "
            "      'created_at', liftline_iso(f.created_at), 'resolved_at', liftline_iso(f.resolved_at), "
            "      'lift', json_build_object('msisdn', f.msisdn, 'site_name', f.site_name, 'building', "
            "f.building), "
            "      'technician', CASE WHEN f.display_name IS NULL AND f.primary_msisdn IS NULL THEN NULL "
            "                         ELSE json_build_object('name', f.display_name, 'number', "
            "f.primary_msisdn) END, "
            "      'message_count', coalesce(s.message_count, 0), "
            "      'matches', cm.n, "
            "      'match', (SELECT json_build_object('message_id', m.id, 'text', left(m.message, 300), "
            "                                         'created_at', liftline_iso(m.created_at)) "
            "                  FROM chat_messages m WHERE m.id = cm.latest)) ORDER BY f.created_at DESC, "
            "f.id DESC) "
            "    FROM (SELECT * FROM found ORDER BY created_at DESC, id DESC LIMIT ?) f "
            "    LEFT JOIN chat_ticket_summary s ON s.ticket_id = f.id "
            "    LEFT JOIN LATERAL (%3) cm ON true), '[]'::json)::text, "
            "  CASE WHEN (SELECT count(*) FROM found) > ? "
            "       THEN (SELECT id FROM found ORDER BY created_at DESC, id DESC OFFSET ? - 1 LIMIT 1) END")
            .arg(hits.isEmpty()
                     ? QStringLiteral("SELECT NULL::integer AS ticket_id, NULL::bigint AS matches, "
                                      "NULL::bigint AS latest WHERE false")
                     : hits.first(),
                 conditions.isEmpty() ? QStringLiteral("true") : conditions.join(QLatin1String(" AND ")),
                 counted);
    QSqlQuery &r = db.exec(sql, hitBinds + binds + outerBinds);
    Page page;
    if (r.next()) {
        page.incidents = r.value(0).toString().toUtf8();
        page.nextBefore = r.value(1).isNull() ? 0 : r.value(1).toInt();
    }
    r.finish();
    return page;
}

} // namespace

Page search(Db &db, const Query &q)
{
    if (q.limit < 1 || q.limit > maxLimit)
        throw DomainError(DomainError::Kind::Invalid, QStringLiteral("invalid_limit"),
                          QStringLiteral("limit must be 1 to %1").arg(maxLimit));
    if (q.text.size() > maxTextLength)
        throw invalid(QStringLiteral("Search for at most %1 characters of text").arg(maxTextLength));
    const QString status = q.status == QLatin1String("resolved") ? QStringLiteral("closed") : q.status;
    if (!status.isEmpty() && status != QLatin1String("open") && status != QLatin1String("closed"))
        throw invalid(
            QStringLiteral("status must be open or closed (resolved), not '%1'").arg(q.status.left(40)));
    if (q.from.isValid() && q.to.isValid() && q.to <= q.from)
        throw invalid(QStringLiteral("'to' must be after 'from'"));
    for (const QString *field : {&q.text, &q.lift, &q.site, &q.technician, &q.reference})
        if (field->contains(QChar(0)))
            throw invalid(QStringLiteral("The search may not contain NUL characters"));
    Query query = q;
    query.status = status;
    // A search is one statement among the agents' requests: it may take a few seconds, never the pool.
    try {
        return db.transaction(QStringLiteral("BEGIN; SET LOCAL statement_timeout = '%1ms'").arg(timeoutMs),
                              [&] { return run(db, query); });
    } catch (const DbError &e) {
        if (e.sqlState() == QLatin1String("57014"))
            throw DomainError(
                DomainError::Kind::NotPossible, QStringLiteral("search_too_broad"),
                QStringLiteral("The search took too long: add a lift, a site, dates or more words"));
        if (e.sqlState().startsWith(QLatin1String("54")))
            throw invalid(QStringLiteral("The search is too complicated: use fewer words and operators"));
        throw;
    }
}

} // namespace History
