#pragma once

class ApiContext;
class HttpServer;

// The incident history agents search (GET /api/chat/history): see History::search.
namespace HistoryRoutes {

void install(HttpServer &server, ApiContext &context);

} // namespace HistoryRoutes
