#pragma once

class ApiContext;
class HttpServer;

// /healthz (the process answers), /readyz (database reachable and migrated), /metrics (Prometheus text).
namespace OpsRoutes {
void install(HttpServer &server, ApiContext &context);
}
