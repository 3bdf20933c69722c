#include "ChatStore.h"

#include "db/AuditLog.h"
#include "db/Db.h"
#include "db/Events.h"
#include "domain/DomainError.h"
#include "domain/Principal.h"

#include <QDateTime>
#include <algorithm>
#include <limits>
#include <vector>

namespace ChatStore {

namespace {

// A JSON array of n elements: sizeOf(i) bytes each, written by append(out, i), reserved once.
template<class SizeOf, class Append>
QByteArray jsonArray(qsizetype n, SizeOf sizeOf, Append append)
{
    qsizetype size = 2;
    for (qsizetype i = 0; i < n; ++i)
        size += sizeOf(i) + 1;
    QByteArray out;
    out.reserve(size);
    out += '[';
    for (qsizetype i = 0; i < n; ++i) {
        if (i > 0)
            out += ',';
        append(out, i);
    }
    out += ']';
    return out;
}

} // namespace

QByteArray conversations(Db &db, qint64 *seq)
{
    struct Row {
        bool pending;
        qint64 lastMessageAt; // ms since the epoch, 0 when none
        qint64 createdAt;
        int id;
        QByteArray data;
    };
    std::vector<Row> rows;
    // One snapshot for both, so every event numbered up to *seq is reflected in the list.
    db.transaction(Db::readOnlySnapshot(), [&] {
        *seq = Events::latest(db);
        // The stored conversation objects (sql/003), sorted here: PostgreSQL sorting the 2,000 wide rows
        // of a busy shift took longer (about 15 ms) than fetching them unsorted and sorting the keys.
        QSqlQuery &q = db.exec(QStringLiteral(
            "SELECT c.pending, (extract(epoch FROM c.last_message_at) * 1000)::bigint, "
            "(extract(epoch FROM c.created_at) * 1000)::bigint, c.ticket_id, c.data::text "
            "FROM chat_conversation_cache c WHERE c.is_open OR c.resolved_at > now() - interval '1 hour'"));
        while (q.next())
            rows.push_back({q.value(0).toBool(), q.value(1).toLongLong(), q.value(2).toLongLong(),
                            q.value(3).toInt(), q.value(4).toString().toUtf8()});
        q.finish();
    });
    // Agent requested and not yet acknowledged first, then latest message first, then newest ticket first.
    std::sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
        if (a.pending != b.pending)
            return a.pending;
        if (a.lastMessageAt != b.lastMessageAt)
            return a.lastMessageAt > b.lastMessageAt;
        if (a.createdAt != b.createdAt)
            return a.createdAt > b.createdAt;
        return a.id > b.id;
    });
    return jsonArray(
        qsizetype(rows.size()), [&](qsizetype i) { return rows[size_t(i)].data.size(); },
        [&](QByteArray &out, qsizetype i) { out += rows[size_t(i)].data; });
}

QByteArray conversation(Db &db, int ticketId)
{
    return db.scalar(QStringLiteral("SELECT chat_conversation_json(?)::text"), {ticketId})
        .toString()
        .toUtf8();
}

DomainError ticketNotFound(int ticketId)
{
    return DomainError(
        DomainError::Kind::NotFound, QStringLiteral("ticket_not_found"),
        QStringLiteral("There is no ticket %1: it may have been removed, or the number is wrong")
            .arg(ticketId));
}

void requireTicket(Db &db, int ticketId)
{
    if (!db.scalar(QStringLiteral("SELECT 1 FROM tickets WHERE id = ?"), {ticketId}).isValid())
        throw ticketNotFound(ticketId);
}

// A thread's messages as the events carry them (chat_message_to_json), with the changes and the files joined
// here so that PostgreSQL inlines every part (one function call per row made a 10,000-message thread ten
// times slower). PostgreSQL returns the fields of chat_message_as_wire as columns, and PgRows writes each
// row as to_json would: for a whole thread of 10,000 messages, PostgreSQL's to_json and json_agg took
// about 85 ms of the 115 ms the call took, against 25-30 ms for the columns (bench database, 4.7 MB).
#define LIFTLINE_MESSAGE_ROWS                                                                                \
    "SELECT (chat_message_as_wire(m, s.edited_text, s.edited_at, s.edits, s.revoked_at, s.reactions, "       \
    "f.media)).* FROM chat_messages m "                                                                      \
    "LEFT JOIN LATERAL chat_message_changes_of(m.wa_message_id, m.from_number, m.to_number) s ON true "      \
    "LEFT JOIN LATERAL chat_attachments_of(m.kind, m.wa_message_id, m.id) f ON true "

namespace {

// The rows as a JSON array, in the order given.
QByteArray jsonArray(const PgRows &rows, const std::vector<int> &order)
{
    return jsonArray(
        qsizetype(order.size()), [&](qsizetype i) { return rows.objectSize(order[size_t(i)]); },
        [&](QByteArray &out, qsizetype i) { rows.appendObject(out, order[size_t(i)]); });
}

} // namespace

Page messages(Db &db, int ticketId, int limit, qint64 before)
{
    Page page;
    const QByteArray ticket = QByteArray::number(ticketId);
    std::vector<int> order;
    if (limit <= 0) {
        const PgRows rows = db.rows(QStringLiteral(LIFTLINE_MESSAGE_ROWS "WHERE m.ticket_id = $1"), {ticket});
        // Sorted here: PostgreSQL sorting the 10,000 wide rows of a long thread took about 9 ms, sorting
        // their ids here well under one.
        const int id = rows.column("id");
        std::vector<std::pair<qint64, int>> ids;
        ids.reserve(size_t(rows.size()));
        for (int r = 0; r < rows.size(); ++r)
            ids.emplace_back(rows.integer(r, id), r);
        std::sort(ids.begin(), ids.end());
        order.reserve(ids.size());
        for (const auto &[messageId, row] : ids)
            order.push_back(row);
        page.messages = jsonArray(rows, order);
        return page;
    }
    const PgRows rows = db.rows(
        QStringLiteral(LIFTLINE_MESSAGE_ROWS
                       "WHERE m.ticket_id = $1 AND m.id < $2::bigint ORDER BY m.id DESC LIMIT $3::bigint"),
        {ticket, QByteArray::number(before > 0 ? before : std::numeric_limits<qint64>::max()),
         QByteArray::number(qint64(limit) + 1)});
    page.hasMore = rows.size() > limit;
    // Newest first from PostgreSQL, oldest first in the page.
    for (int r = std::min(rows.size(), limit) - 1; r >= 0; --r)
        order.push_back(r);
    page.messages = jsonArray(rows, order);
    return page;
}

QByteArray message(Db &db, qint64 messageId)
{
    return db
        .scalar(QStringLiteral("SELECT chat_message_to_json(m)::text FROM chat_messages m WHERE m.id = ?"),
                {messageId})
        .toString()
        .toUtf8();
}

QByteArray participants(Db &db, int ticketId)
{
    // The default is the one replies go to without `to` (chat_default_recipient).
    return db
        .scalar(
            QStringLiteral(
                "WITH wrote AS (SELECT m.from_number AS number, max(m.created_at) AS last_at FROM "
                "chat_messages m "
                "WHERE m.ticket_id = ? AND m.direction = 'inbound' AND m.from_number IS NOT NULL "
                "GROUP BY m.from_number), "
                "responder AS (SELECT c.primary_msisdn AS number FROM tickets t JOIN contacts c "
                "ON c.id = t.responded_by WHERE t.id = ? AND c.primary_msisdn IS NOT NULL), "
                "def AS (SELECT chat_default_recipient(?) AS number), "
                "p AS (SELECT number, last_at FROM wrote UNION ALL SELECT r.number, NULL::timestamptz FROM "
                "responder r WHERE NOT EXISTS (SELECT 1 FROM wrote w WHERE w.number = r.number)) "
                "SELECT coalesce(json_agg(json_build_object('number', p.number, 'name', "
                "coalesce(nullif(btrim(c.display_name), ''), (SELECT nullif(btrim(u.profile_name), '') "
                "FROM chat_unassigned u WHERE u.from_number = p.number ORDER BY u.id DESC LIMIT 1), "
                "p.number), "
                "'registered', c.id IS NOT NULL AND c.role IS DISTINCT FROM 'unregistered', "
                "'last_wrote_at', liftline_iso(p.last_at), 'window_open', "
                "coalesce(w.last_inbound_at + interval '24 hours' > now(), false), "
                "'is_default', p.number = d.number) "
                "ORDER BY p.number = d.number DESC, p.last_at DESC NULLS LAST, p.number), '[]')::text "
                "FROM p CROSS JOIN def d LEFT JOIN contacts c ON c.primary_msisdn = p.number "
                "LEFT JOIN chat_windows w ON w.number = p.number"),
            {ticketId, ticketId, ticketId})
        .toString()
        .toUtf8();
}

void lockTicket(Db &db, int ticketId)
{
    db.exec(QStringLiteral("SELECT 1 FROM tickets WHERE id = ? FOR NO KEY UPDATE"), {ticketId}).finish();
}

static void requireOpen(Db &db, int ticketId, const QString &action)
{
    const QVariant status =
        db.scalar(QStringLiteral("SELECT status FROM tickets WHERE id = ? FOR NO KEY UPDATE"), {ticketId});
    if (status.toString() != QLatin1String("open"))
        throw DomainError(
            DomainError::Kind::Conflict, QStringLiteral("ticket_closed"),
            QStringLiteral("Ticket %1 is closed, so it cannot be %2").arg(ticketId).arg(action));
}

bool acknowledge(Db &db, int ticketId, const Principal &who, const QString &remote)
{
    const bool tookRequest = db.transaction([&] {
        requireOpen(db, ticketId, QStringLiteral("acknowledged"));
        QSqlQuery &q = db.exec(
            QStringLiteral("SELECT acknowledged_by, liftline_iso(acknowledged_at), acknowledged_by_actor "
                           "FROM tickets WHERE id = ? AND acknowledged_at IS NOT NULL"),
            {ticketId});
        if (q.next()) {
            const QString by = q.value(0).toString();
            const QString at = q.value(1).toString();
            const QString actor = q.value(2).toString();
            q.finish();
            if (actor == who.actorKey())
                return false; // the same agent pressing twice
            throw DomainError(
                DomainError::Kind::Conflict, QStringLiteral("already_acknowledged"),
                QStringLiteral("%1 already took this conversation (at %2 UTC)").arg(by, at.mid(11, 5)));
        }
        q.finish();
        const bool requested =
            db.scalar(QStringLiteral("UPDATE tickets SET acknowledged_at = now(), acknowledged_by = ?, "
                                     "acknowledged_by_actor = ? WHERE id = ? RETURNING agent_requested"),
                      {who.actorName(), who.actorKey(), ticketId})
                .toBool();
        AuditLog::record(db, who, QStringLiteral("ticket.acknowledged"), ticketId, {}, remote);
        return requested;
    });
    Events::sequence(db);
    return tookRequest;
}

void assign(Db &db, int ticketId, const QString &username, const Principal &who, const QString &remote)
{
    if (!who.isAdmin() && !(who.kind == Principal::Kind::Agent && who.role == QLatin1String("supervisor")))
        throw DomainError(DomainError::Kind::Forbidden, QStringLiteral("forbidden"),
                          QStringLiteral("Only a supervisor or an admin assigns conversations"));
    requireTicket(db, ticketId);
    db.transaction([&] {
        requireOpen(db, ticketId, QStringLiteral("assigned"));
        QSqlQuery &q = db.exec(QStringLiteral("SELECT id, display_name, disabled_at IS NOT NULL FROM agents "
                                              "WHERE username = lower(btrim(?))"),
                               {username});
        if (!q.next())
            throw DomainError(DomainError::Kind::NotFound, QStringLiteral("agent_not_found"),
                              QStringLiteral("There is no agent '%1'").arg(username.trimmed()));
        const int agentId = q.value(0).toInt();
        const QString name = q.value(1).toString();
        const bool disabled = q.value(2).toBool();
        q.finish();
        if (disabled)
            throw DomainError(DomainError::Kind::Conflict, QStringLiteral("agent_disabled"),
                              QStringLiteral("%1's account is disabled: assign someone else").arg(name));
        const QString before =
            db.scalar(QStringLiteral("SELECT coalesce(acknowledged_by, '') FROM tickets WHERE id = ?"),
                      {ticketId})
                .toString();
        db.exec(QStringLiteral("UPDATE tickets SET acknowledged_at = coalesce(acknowledged_at, now()), "
                               "acknowledged_by = ?, acknowledged_by_actor = ? WHERE id = ?"),
                {name, QStringLiteral("agent:%1").arg(agentId), ticketId});
        AuditLog::record(db, who, QStringLiteral("ticket.assigned"), ticketId,
                         {{QStringLiteral("to"), name},
                          {QStringLiteral("to_agent_id"), agentId},
                          {QStringLiteral("from"), before}},
                         remote);
    });
    Events::sequence(db);
}

Waiting waitingRequests(Db &db)
{
    QSqlQuery &q = db.exec(QStringLiteral(
        "SELECT count(*), coalesce(extract(epoch FROM min(since))::bigint, 0) FROM ("
        "SELECT agent_requested_at AS since FROM tickets WHERE status = 'open' AND agent_requested "
        "AND acknowledged_at IS NULL UNION ALL SELECT agent_requested_at FROM chat_unassigned "
        "WHERE attached_at IS NULL AND agent_requested AND acknowledged_at IS NULL) waiting"));
    Waiting w;
    if (q.next()) {
        w.count = q.value(0).toLongLong();
        w.oldestSince = q.value(1).toLongLong();
    }
    q.finish();
    return w;
}

int markRead(Db &db, int ticketId, const Principal &who, const QString &remote)
{
    const int count = db.transaction([&] {
        lockTicket(db, ticketId);
        QSqlQuery &q =
            db.exec(QStringLiteral("UPDATE chat_messages SET read_by_agent = true, updated_at = now() "
                                   "WHERE ticket_id = ? AND direction = 'inbound' AND NOT read_by_agent"),
                    {ticketId});
        const int n = q.numRowsAffected();
        q.finish();
        // Reading never acknowledges a request: consoles mark a conversation read when an agent passes it,
        // and the original page on every poll of an open chat. Only the Acknowledge action and a reply do.
        AuditLog::record(db, who, QStringLiteral("messages.read"), ticketId,
                         {{QStringLiteral("messages"), n}}, remote);
        return n;
    });
    Events::sequence(db);
    return count;
}

void resolve(Db &db, int ticketId, const QString &note, const Principal &who, const QString &remote)
{
    db.transaction([&] {
        requireOpen(db, ticketId, QStringLiteral("resolved again"));
        db.exec(
            QStringLiteral("UPDATE tickets SET status = 'closed', resolved_at = now(), resolution_note = ?, "
                           "resolved_by = ? WHERE id = ?"),
            {note, who.actorName(), ticketId});
        db.exec(
            QStringLiteral("INSERT INTO event_log (event_type, ticket_id, metadata) "
                           "VALUES ('ticket_resolved', ?, jsonb_build_object('note', ?::text, 'by', ?::text, "
                           "'source', 'liftline'))"),
            {ticketId, note, who.actorName()});
        AuditLog::record(db, who, QStringLiteral("ticket.resolved"), ticketId,
                         {{QStringLiteral("note"), note}}, remote);
    });
    Events::sequence(db);
}

int failAbandonedSends(Db &db, int maxAgeSeconds)
{
    QSqlQuery &q = db.exec(
        QStringLiteral(
            "UPDATE chat_messages SET status = 'failed', error_code = 'outcome_unknown', "
            "error_message = 'The server stopped while sending this message, so it may or may not have "
            "reached the technician. Ask them before sending it again.', updated_at = now() "
            "WHERE status = 'pending' AND created_at < now() - make_interval(secs => ?) "
            // A file is uploaded before it is sent, which may take many minutes on a slow link.
            "AND (kind NOT IN ('image', 'audio', 'video', 'document') OR created_at < now() - interval '30 "
            "minutes')"),
        {maxAgeSeconds});
    int n = q.numRowsAffected();
    q.finish();
    // Replies to a number with no ticket, likewise; each says so to the consoles.
    QSqlQuery &direct = db.exec(
        QStringLiteral(
            "WITH failed AS (UPDATE chat_direct_messages SET status = 'failed', error_code = "
            "'outcome_unknown', "
            "error_message = 'The server stopped while sending this message, so it may or may not have "
            "reached them. Ask before sending it again.', updated_at = now() "
            "WHERE status = 'pending' AND attached_at IS NULL AND created_at < now() - make_interval(secs => "
            "?) "
            "RETURNING chat_direct_message_to_json(chat_direct_messages) AS j) "
            "SELECT count(*) FROM failed f CROSS JOIN LATERAL chat_emit('unassigned.replied', NULL, f.j) e"),
        {maxAgeSeconds});
    if (direct.next())
        n += direct.value(0).toInt();
    direct.finish();
    if (n > 0)
        Events::sequence(db);
    return n;
}

} // namespace ChatStore
