#include "OpsRoutes.h"

#include "ApiContext.h"
#include "HttpServer.h"
#include "Prometheus.h"
#include "auth/PasswordHasher.h"
#include "db/Db.h"
#include "db/DbPool.h"
#include "db/Migrator.h"

namespace OpsRoutes {

void install(HttpServer &server, ApiContext &ctx)
{
    server.route("GET", QStringLiteral("/healthz"), [](const HttpRequest &, ReplyPtr reply) {
        reply->send(HttpResponse::okRaw({{"status", "\"alive\""}}));
    });

    server.route("GET", QStringLiteral("/readyz"), [&ctx](const HttpRequest &, ReplyPtr reply) {
        const int expected = Migrator::latestVersion();
        ctx.run(reply, [expected](Db &db) {
            const int applied = Migrator::appliedVersion(db);
            if (applied < expected)
                return HttpResponse::error(503, QStringLiteral("not_migrated"),
                                           QStringLiteral("The database schema is at version %1 of %2: run "
                                                          "'liftline-server migrate'")
                                               .arg(applied)
                                               .arg(expected));
            return HttpResponse::okRaw(
                {{"status", "\"ready\""}, {"schema_version", QByteArray::number(applied)}});
        });
    });

    server.route("GET", QStringLiteral("/metrics"), [&ctx, &server](const HttpRequest &, ReplyPtr reply) {
        QByteArray out = server.metricsText();
        DbPool *pool = ctx.pool();
        using namespace Prometheus;
        out += metric("liftline_db_up", Type::Gauge, "Whether the last database work reached PostgreSQL.",
                      ctx.databaseDown() ? 0 : 1);
        out += metric("liftline_db_queue_depth", Type::Gauge, "Database jobs waiting for a connection.",
                      pool->queueDepth());
        out += metric("liftline_db_busy_connections", Type::Gauge, "Database connections running a job.",
                      pool->busyThreads());
        out +=
            metric("liftline_db_jobs_total", Type::Counter, "Database jobs run.", qint64(pool->jobsDone()));
        out += metric("liftline_password_hashes_total", Type::Counter, "Password checks and hashes started.",
                      qint64(PasswordHasher::started()));
        const qint64 waiting = ctx.waitingRequests().count.load();
        if (waiting >= 0) {
            out += metric("liftline_requests_waiting", Type::Gauge,
                          "Agent requests nobody has taken (open tickets and unassigned messages), counted "
                          "every 5 s.",
                          waiting);
            out += metric("liftline_requests_oldest_waiting_since_seconds", Type::Gauge,
                          "When the oldest request nobody has taken was made, in seconds since the epoch; 0 "
                          "when none waits.",
                          ctx.waitingRequests().oldestSince.load());
        }
        const ApiContext::MediaFigures &media = ctx.mediaFigures();
        if (media.files.load() >= 0) {
            out += metric("liftline_media_files", Type::Gauge,
                          "Distinct files kept in the database (each content once), counted every 10 s.",
                          media.files.load());
            out += metric("liftline_media_bytes", Type::Gauge, "Bytes of the files kept in the database.",
                          media.bytes.load());
            out += family("liftline_media_attachments", Type::Gauge,
                          "Files messages carry, by what became of them (waiting: still to fetch).");
            const std::pair<const char *, qint64> states[] = {{"waiting", media.waiting.load()},
                                                              {"refused", media.refused.load()},
                                                              {"failed", media.failed.load()},
                                                              {"unavailable", media.unavailable.load()},
                                                              {"all", media.attachments.load()}};
            for (const auto &[state, n] : states)
                out += sample("liftline_media_attachments", QByteArray("{state=\"") + state + "\"}", n);
        }
        reply->send(HttpResponse::text(out, 200, "text/plain; version=0.0.4; charset=utf-8"));
    });
}

} // namespace OpsRoutes
