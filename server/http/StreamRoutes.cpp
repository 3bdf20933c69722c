#include "StreamRoutes.h"

#include "ApiContext.h"
#include "HttpServer.h"
#include "Prometheus.h"
#include "db/Db.h"
#include "realtime/EventListener.h"
#include "realtime/StreamHub.h"

namespace StreamRoutes {

void install(HttpServer &server, ApiContext &ctx, StreamHub &hub, const EventListener &listener)
{
    // Upgrades go to the WebSocket server; the credentials are checked after the takeover (StreamHub
    // closes with 1008 before any frame). A plain GET is told what the address is.
    server.setWebSocketPath(QStringLiteral("/api/chat/stream"));
    QObject::connect(&server, &HttpServer::upgrading, &hub, &StreamHub::expectUpgrade);
    server.route("GET", QStringLiteral("/api/chat/stream"), [](const HttpRequest &, ReplyPtr reply) {
        HttpResponse r = HttpResponse::error(
            426, QStringLiteral("upgrade_required"),
            QStringLiteral("/api/chat/stream is a WebSocket: connect with a WebSocket client"));
        r.headers.append(std::pair<QByteArray, QByteArray>("Upgrade", "websocket"));
        reply->send(r);
    });
    QObject::connect(&server, &HttpServer::newWebSocketConnection, &hub, [&server, &hub] {
        while (server.hasPendingWebSocketConnections())
            hub.adopt(server.nextPendingWebSocketConnection());
    });

    server.route(
        "GET", QStringLiteral("/api/agents/online"), [&ctx](const HttpRequest &request, ReplyPtr reply) {
            ctx.authed(request, reply, [](Db &db, const Principal &) {
                return HttpResponse::okRaw(
                    {{"agents",
                      db.scalar(QStringLiteral("SELECT chat_agents_online()::text")).toString().toUtf8()}});
            });
        });

    server.addMetrics([&hub, &listener] {
        using namespace Prometheus;
        QByteArray out =
            family("liftline_stream_connections", Type::Gauge, "Event stream connections, by state.");
        out += sample("liftline_stream_connections", "{state=\"live\"}", hub.liveCount());
        out += sample("liftline_stream_connections", "{state=\"other\"}",
                      hub.connectionCount() - hub.liveCount());
        out += family("liftline_stream_closed_total", Type::Counter,
                      "Consoles closed by the server, by reason.");
        out += sample("liftline_stream_closed_total", "{reason=\"too_slow\"}", qint64(hub.slowClosed()));
        out += sample("liftline_stream_closed_total", "{reason=\"no_pong\"}", qint64(hub.deadClosed()));
        out += metric("liftline_stream_latest_event", Type::Gauge,
                      "The newest event number this instance has passed on.", hub.latest());
        out += metric("liftline_listener_up", Type::Gauge, "Whether the LISTEN connection is up.",
                      listener.isConnected() ? 1 : 0);
        out += metric("liftline_listener_reconnects_total", Type::Counter,
                      "Times the LISTEN connection was made again.", qint64(listener.reconnects()));
        return out;
    });
}

} // namespace StreamRoutes
