#pragma once

class ApiContext;
class HttpServer;

// /api/admin/*: agent accounts, the registry and tickets, for the admin token or an admin agent. The
// command line offers the same to an operator at a shell.
namespace AdminRoutes {
void install(HttpServer &server, ApiContext &context);
}
