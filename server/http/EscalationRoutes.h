#pragma once

class ApiContext;
class HttpServer;

// The escalation: its ladder and on-call list for admins (/api/admin/escalation, /api/admin/oncall), and
// the requests with their steps and call-outs for agents (/api/chat/requests).
namespace EscalationRoutes {
void install(HttpServer &server, ApiContext &context);
}
