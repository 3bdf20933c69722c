#pragma once

class ApiContext;
class EventListener;
class HttpServer;
class StreamHub;

// GET /api/chat/stream (the WebSocket event stream), GET /api/agents/online, and the stream's figures on
// /metrics.
namespace StreamRoutes {

void install(HttpServer &server, ApiContext &context, StreamHub &hub, const EventListener &listener);

} // namespace StreamRoutes
