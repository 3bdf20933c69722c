#pragma once

#include "HttpTypes.h"

#include <QByteArray>
#include <functional>

class ApiContext;
class Db;
class HttpServer;
struct Principal;

// /api/admin/*: agent accounts, the registry and tickets, for the admin token or an admin agent. The
// command line offers the same to an operator at a shell.
namespace AdminRoutes {
void install(HttpServer &server, ApiContext &context);
// A route for admins only (the admin token or an admin agent): work runs on a database thread.
void adminRoute(HttpServer &server, ApiContext &ctx, const QByteArray &method, const QString &path,
                std::function<HttpResponse(Db &, const Principal &, const HttpRequest &)> work);
} // namespace AdminRoutes
