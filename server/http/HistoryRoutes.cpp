#include "HistoryRoutes.h"

#include "ApiContext.h"
#include "HttpServer.h"
#include "chat/History.h"

#include <limits>

namespace HistoryRoutes {

namespace {

// A day ("2026-03-01") or a time ("2026-03-01T08:00:00+02:00"); a day given as `to` counts whole.
QDateTime parseBound(const QString &name, const QString &text, bool end)
{
    if (text.isEmpty())
        return {};
    const QDate day = QDate::fromString(text, Qt::ISODate);
    if (day.isValid() && text.size() == 10)
        return QDateTime(end ? day.addDays(1) : day, QTime(0, 0), Qt::UTC);
    const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid() || time.timeSpec() == Qt::LocalTime)
        throw ApiError(400, QStringLiteral("invalid_date"),
                       QStringLiteral("%1 must be a day (2026-03-01) or a time with its offset "
                                      "(2026-03-01T08:00:00+02:00), not '%2'")
                           .arg(name, text.left(40)));
    return time;
}

int positive(const QString &name, const QString &text, int fallback, int most)
{
    if (text.isEmpty())
        return fallback;
    bool ok = false;
    const int n = text.toInt(&ok);
    if (!ok || n < 1 || n > most)
        throw ApiError(400, QStringLiteral("invalid_%1").arg(name),
                       QStringLiteral("%1 must be a whole number from 1 to %2, not '%3'")
                           .arg(name)
                           .arg(most)
                           .arg(text.left(20)));
    return n;
}

} // namespace

void install(HttpServer &server, ApiContext &ctx)
{
    server.route(
        "GET", QStringLiteral("/api/chat/history"), [&ctx](const HttpRequest &request, ReplyPtr reply) {
            const auto value = [&request](const char *name) {
                return request.query.queryItemValue(QLatin1String(name), QUrl::FullyDecoded).trimmed();
            };
            History::Query q;
            q.text = value("q");
            q.lift = value("lift");
            q.site = value("site");
            q.technician = value("technician");
            q.reference = value("reference");
            q.status = value("status");
            q.from = parseBound(QStringLiteral("from"), value("from"), false);
            q.to = parseBound(QStringLiteral("to"), value("to"), true);
            q.before =
                positive(QStringLiteral("before"), value("before"), 0, std::numeric_limits<int>::max());
            q.limit = positive(QStringLiteral("limit"), value("limit"), 25, History::maxLimit);
            ctx.authed(request, reply, [q](Db &db, const Principal &) {
                const History::Page page = History::search(db, q);
                return HttpResponse::okRaw(
                    {{"incidents", page.incidents},
                     {"next_before",
                      page.nextBefore > 0 ? QByteArray::number(page.nextBefore) : QByteArray("null")}});
            });
        });
}

} // namespace HistoryRoutes
