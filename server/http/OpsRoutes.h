#pragma once

#include <functional>

class ApiContext;
class HttpServer;
class QByteArray;

// /healthz (the process answers), /readyz (database reachable and migrated), /metrics (Prometheus text).
namespace OpsRoutes {
void install(HttpServer &server, ApiContext &context, std::function<QByteArray()> extraMetrics);
}
