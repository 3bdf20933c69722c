#include "StreamRoutes.h"

#include "ApiContext.h"
#include "HttpServer.h"
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
        QByteArray out;
        out += "# HELP liftline_stream_connections Event stream connections, by state.\n"
               "# TYPE liftline_stream_connections gauge\n"
               "liftline_stream_connections{state=\"live\"} " +
               QByteArray::number(hub.liveCount()) +
               "\n"
               "liftline_stream_connections{state=\"other\"} " +
               QByteArray::number(hub.connectionCount() - hub.liveCount()) + '\n';
        out += "# HELP liftline_stream_closed_total Consoles closed by the server, by reason.\n"
               "# TYPE liftline_stream_closed_total counter\n"
               "liftline_stream_closed_total{reason=\"too_slow\"} " +
               QByteArray::number(hub.slowClosed()) +
               "\n"
               "liftline_stream_closed_total{reason=\"no_pong\"} " +
               QByteArray::number(hub.deadClosed()) + '\n';
        out += "# HELP liftline_stream_latest_event The newest event number this instance has passed on.\n"
               "# TYPE liftline_stream_latest_event gauge\n"
               "liftline_stream_latest_event " +
               QByteArray::number(hub.latest()) + '\n';
        out += "# HELP liftline_listener_up Whether the LISTEN connection is up.\n"
               "# TYPE liftline_listener_up gauge\n"
               "liftline_listener_up " +
               QByteArray(listener.isConnected() ? "1" : "0") + '\n';
        out += "# HELP liftline_listener_reconnects_total Times the LISTEN connection was made again.\n"
               "# TYPE liftline_listener_reconnects_total counter\n"
               "liftline_listener_reconnects_total " +
               QByteArray::number(listener.reconnects()) + '\n';
        return out;
    });
}

} // namespace StreamRoutes
