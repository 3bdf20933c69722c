#pragma once

class ApiContext;
class HttpServer;

// POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me.
namespace AuthRoutes {
void install(HttpServer &server, ApiContext &context);
}
