#pragma once

class ApiContext;
class HttpServer;

// The /api/chat/* routes kept from the original chat API, plus acknowledge and resolve (API.md).
namespace ChatRoutes {
void install(HttpServer &server, ApiContext &context);
}
