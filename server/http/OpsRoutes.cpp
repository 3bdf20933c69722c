#include "OpsRoutes.h"

#include "ApiContext.h"
#include "HttpServer.h"
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
        out += "# HELP liftline_db_up Whether the last database work reached PostgreSQL.\n"
               "# TYPE liftline_db_up gauge\n"
               "liftline_db_up " +
               QByteArray(ctx.databaseDown() ? "0" : "1") + '\n';
        out += "# HELP liftline_db_queue_depth Database jobs waiting for a connection.\n"
               "# TYPE liftline_db_queue_depth gauge\n"
               "liftline_db_queue_depth " +
               QByteArray::number(pool->queueDepth()) + '\n';
        out += "# HELP liftline_db_busy_connections Database connections running a job.\n"
               "# TYPE liftline_db_busy_connections gauge\n"
               "liftline_db_busy_connections " +
               QByteArray::number(pool->busyThreads()) + '\n';
        out += "# HELP liftline_db_jobs_total Database jobs run.\n"
               "# TYPE liftline_db_jobs_total counter\n"
               "liftline_db_jobs_total " +
               QByteArray::number(pool->jobsDone()) + '\n';
        out += "# HELP liftline_password_hashes_total Password checks and hashes started.\n"
               "# TYPE liftline_password_hashes_total counter\n"
               "liftline_password_hashes_total " +
               QByteArray::number(PasswordHasher::started()) + '\n';
        reply->send(HttpResponse::text(out, 200, "text/plain; version=0.0.4; charset=utf-8"));
    });
}

} // namespace OpsRoutes
