#include "MediaRoutes.h"

#include "ApiContext.h"
#include "HttpServer.h"
#include "auth/Auth.h"
#include "base/Logging.h"
#include "db/Db.h"
#include "db/DbPool.h"
#include "db/MediaStore.h"

#include <QSqlQuery>
#include <QUrl>

namespace MediaRoutes {

Range parseRange(const QByteArray &header, qint64 size, qint64 *first, qint64 *last)
{
    const QByteArray h = header.trimmed();
    if (!h.startsWith("bytes=") || h.contains(','))
        return Range::Whole;
    const QByteArray spec = h.mid(6).trimmed();
    const qsizetype dash = spec.indexOf('-');
    if (dash < 0)
        return Range::Whole;
    const QByteArray a = spec.left(dash).trimmed();
    const QByteArray b = spec.mid(dash + 1).trimmed();
    const auto digits = [](const QByteArray &s) {
        if (s.isEmpty() || s.size() > 18)
            return false;
        for (const char c : s)
            if (c < '0' || c > '9')
                return false;
        return true;
    };
    if (a.isEmpty()) {
        // The last N bytes.
        if (!digits(b))
            return Range::Whole;
        const qint64 n = b.toLongLong();
        if (n == 0 || size == 0)
            return Range::Unsatisfiable;
        *first = std::max<qint64>(0, size - n);
        *last = size - 1;
        return Range::Partial;
    }
    if (!digits(a) || (!b.isEmpty() && !digits(b)))
        return Range::Whole;
    const qint64 from = a.toLongLong();
    qint64 to = b.isEmpty() ? size - 1 : b.toLongLong();
    if (!b.isEmpty() && to < from)
        return Range::Whole; // not a valid range: ignored
    if (from >= size)
        return Range::Unsatisfiable;
    to = std::min(to, size - 1);
    *first = from;
    *last = to;
    return Range::Partial;
}

namespace {

// A file's bytes read while the client takes them: what is in memory per answer is the piece being
// written and the one being read, never the file.
constexpr qint64 pieceBytes = 1 << 20;

class MediaStream : public BodyStream {
public:
    MediaStream(DbPool *pool, QObject *context, MediaStore::Content content, qint64 next, qint64 last)
        : m_pool(pool)
        , m_context(context)
        , m_content(std::move(content))
        , m_next(next)
        , m_last(last)
    {}

    void pull(qint64 maxBytes, Deliver deliver) override
    {
        const qint64 from = m_next;
        const qint64 to = std::min(m_last, from + std::max<qint64>(1, maxBytes) - 1);
        m_next = to + 1;
        m_pool->run<QByteArray>(
            m_context,
            [content = m_content, from, to](Db &db) {
                try {
                    return db.retryingStaleConnection(
                        [&] { return MediaStore::read(db, content, from, to); });
                } catch (const std::exception &e) {
                    qCWarning(lcMedia) << "reading file" << content.mediaId << "failed:" << e.what();
                    return QByteArray();
                }
            },
            [deliver = std::move(deliver), expected = to - from + 1](QByteArray piece) {
                deliver(piece, piece.size() != expected);
            });
    }

private:
    DbPool *m_pool;
    QObject *m_context;
    MediaStore::Content m_content;
    qint64 m_next;
    qint64 m_last;
};

qint64 pathId(const HttpRequest &request, const QString &name, const QString &what)
{
    const QString text = request.pathArgs.value(name);
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    if (!ok || id <= 0 || text.startsWith(QLatin1Char('+')))
        throw ApiError(
            400, QStringLiteral("invalid_id"),
            QStringLiteral("'%1' is not %2 id: ids are positive whole numbers").arg(text.left(40), what));
    return id;
}

// filename="..." for old clients (ASCII, quotes and controls dropped) and filename*= for the real name.
QByteArray disposition(bool inlineShown, const QString &filename)
{
    QByteArray out = inlineShown ? "inline" : "attachment";
    if (filename.isEmpty())
        return out;
    QByteArray ascii;
    for (const QChar c : filename) {
        const char16_t u = c.unicode();
        ascii += (u >= 0x20 && u < 0x7f && u != '"' && u != '\\' && u != ';') ? char(u) : '_';
    }
    out += "; filename=\"" + ascii + "\"; filename*=UTF-8''" + QUrl::toPercentEncoding(filename);
    return out;
}

void serveMedia(ApiContext &ctx, const HttpRequest &request, ReplyPtr reply)
{
    ctx.authed(request, reply, [request, pool = ctx.pool(), context = &ctx](Db &db, const Principal &who) {
        const qint64 id = pathId(request, QStringLiteral("id"), QStringLiteral("a media"));
        QSqlQuery &q = db.exec(
            QStringLiteral(
                "SELECT a.status, coalesce(a.media_id, 0), coalesce(a.filename, ''), a.media_type, "
                "coalesce(a.error_message, ''), EXISTS (SELECT 1 FROM chat_message_changes c "
                "JOIN chat_messages m ON m.wa_message_id = c.target_wa_id AND m.from_number = c.from_number "
                "WHERE c.target_wa_id = a.wa_message_id AND c.change = 'revoke') OR EXISTS (SELECT 1 FROM "
                "chat_message_changes c JOIN chat_unassigned u ON u.wa_message_id = c.target_wa_id AND "
                "u.from_number = c.from_number WHERE c.target_wa_id = a.wa_message_id AND c.change = "
                "'revoke') "
                "FROM chat_attachments a WHERE a.id = ?"),
            {id});
        if (!q.next()) {
            q.finish();
            throw ApiError(
                404, QStringLiteral("media_not_found"),
                QStringLiteral("There is no file %1: it may belong to another server's database").arg(id));
        }
        const QString status = q.value(0).toString();
        const qint64 mediaId = q.value(1).toLongLong();
        const QString filename = q.value(2).toString();
        const QString type = q.value(3).toString();
        const QString problem = q.value(4).toString();
        const bool revoked = q.value(5).toBool();
        q.finish();
        if (revoked && !who.isAdmin())
            throw ApiError(410, QStringLiteral("media_deleted"),
                           QStringLiteral("The sender deleted this message; only an administrator can still "
                                          "see its file"));
        if (status == QLatin1String("waiting"))
            throw ApiError(409, QStringLiteral("media_not_ready"),
                           QStringLiteral("The file is still being fetched from WhatsApp: try again in a few "
                                          "seconds"));
        if (status != QLatin1String("stored"))
            throw ApiError(409, QStringLiteral("media_not_stored"),
                           problem.isEmpty() ? QStringLiteral("The file was not kept (%1)").arg(status)
                                             : problem);
        const MediaStore::Content content = MediaStore::describe(db, mediaId);
        if (content.purged)
            throw ApiError(410, QStringLiteral("media_expired"),
                           QStringLiteral("This file's retention period has passed: its bytes were removed "
                                          "(its checksum is kept in the record)"));
        const QByteArray etag = '"' + content.sha256.toHex() + '"';
        HttpResponse r;
        r.contentType = content.mimeType.toUtf8();
        r.headers = {{"Accept-Ranges", "bytes"},
                     {"ETag", etag},
                     {"Cache-Control", "private, max-age=31536000, immutable"},
                     {"X-Content-Type-Options", "nosniff"},
                     {"Content-Security-Policy", "default-src 'none'; sandbox"},
                     {"Content-Disposition", disposition(type != QLatin1String("document"), filename)}};
        const QByteArray ifNoneMatch = request.header("if-none-match");
        if (!ifNoneMatch.isEmpty() && (ifNoneMatch.contains(etag) || ifNoneMatch.trimmed() == "*")) {
            r.status = 304;
            return r;
        }
        qint64 first = 0;
        qint64 last = content.size - 1;
        // If-Range with another validator: the file changed (it never does here), so it is sent whole.
        const QByteArray ifRange = request.header("if-range");
        const Range range = ifRange.isEmpty() || ifRange.trimmed() == etag
                                ? parseRange(request.header("range"), content.size, &first, &last)
                                : Range::Whole;
        if (range == Range::Unsatisfiable) {
            r = HttpResponse::error(
                416, QStringLiteral("range_not_satisfiable"),
                QStringLiteral("The range asked for is outside the file's %1 bytes").arg(content.size));
            r.headers.append({"Content-Range", "bytes */" + QByteArray::number(content.size)});
            return r;
        }
        if (range == Range::Whole) {
            first = 0;
            last = content.size - 1;
        }
        // The first piece now (all of a photo or a voice note), the rest as the client takes it.
        const qint64 firstPieceLast = std::min(last, first + pieceBytes - 1);
        r.body = MediaStore::read(db, content, first, firstPieceLast);
        if (firstPieceLast < last) {
            r.more = std::make_shared<MediaStream>(pool, context, content, firstPieceLast + 1, last);
            r.moreBytes = last - firstPieceLast;
        }
        if (r.body.size() != firstPieceLast - first + 1)
            throw ApiError(
                500, QStringLiteral("media_incomplete"),
                QStringLiteral("File %1 is not whole in the database: tell an administrator").arg(id));
        if (range == Range::Partial) {
            r.status = 206;
            r.headers.append({"Content-Range", "bytes " + QByteArray::number(first) + '-' +
                                                   QByteArray::number(last) + '/' +
                                                   QByteArray::number(content.size)});
        }
        return r;
    });
}

// The message as first stored, with every change made to it since, for admins (the compliance record).
void messageHistory(ApiContext &ctx, const HttpRequest &request, ReplyPtr reply)
{
    ctx.authed(request, reply, [request](Db &db, const Principal &who) {
        Auth::requireAdmin(who);
        const qint64 id = pathId(request, QStringLiteral("id"), QStringLiteral("a message"));
        const QVariant json = db.scalar(
            QStringLiteral(
                "SELECT json_build_object("
                "'message', json_build_object('id', m.id, 'ticket_id', m.ticket_id, 'direction', "
                "m.direction, "
                "  'from_number', m.from_number, 'to_number', m.to_number, 'kind', m.kind, "
                "  'stored_text', m.message, 'wa_message_id', m.wa_message_id, "
                "  'wa_timestamp', liftline_iso(m.wa_timestamp), 'created_at', liftline_iso(m.created_at), "
                "  'raw', m.raw), "
                "'shown', chat_message_to_json(m), "
                "'media', chat_attachment_json(m.wa_message_id, m.id), "
                "'changes', (SELECT coalesce(json_agg(json_build_object('id', c.id, 'change', c.change, "
                "  'from_number', c.from_number, 'text', c.body, 'kind', c.kind, "
                "  'applies', CASE WHEN c.change = 'reaction' THEN c.from_number IN (m.from_number, "
                "m.to_number) "
                "                  ELSE m.direction = 'inbound' AND c.from_number = m.from_number END, "
                "  'wa_message_id', c.wa_message_id, 'wa_timestamp', liftline_iso(c.wa_timestamp), "
                "  'created_at', liftline_iso(c.created_at), 'raw', c.raw) ORDER BY c.id), '[]') "
                "  FROM chat_message_changes c WHERE c.target_wa_id = m.wa_message_id))::text "
                "FROM chat_messages m WHERE m.id = ?::bigint"),
            {id});
        if (json.isNull())
            throw ApiError(404, QStringLiteral("message_not_found"),
                           QStringLiteral("There is no message %1").arg(id));
        return HttpResponse::okRaw({{"history", json.toString().toUtf8()}});
    });
}

} // namespace

void install(HttpServer &server, ApiContext &ctx)
{
    server.route("GET", QStringLiteral("/api/chat/media/{id}"),
                 [&ctx](const HttpRequest &request, ReplyPtr reply) { serveMedia(ctx, request, reply); });
    server.route("GET", QStringLiteral("/api/chat/messages/{id}/history"),
                 [&ctx](const HttpRequest &request, ReplyPtr reply) { messageHistory(ctx, request, reply); });
}

} // namespace MediaRoutes
