#pragma once

class ApiContext;
class HttpServer;

// /api/admin/retention and /api/admin/holds: how long each kind of data is kept, the retention job's
// runs, and legal holds (docs/API.md, "Retention and legal hold"). Admins only; the command line offers
// the same (liftline-server retention, hold, holds, release-hold).
namespace RetentionRoutes {
void install(HttpServer &server, ApiContext &ctx);
} // namespace RetentionRoutes
