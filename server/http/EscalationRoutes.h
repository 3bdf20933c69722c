#pragma once

class ApiContext;
class HttpServer;

// The escalation: its ladder, on-call list and blocked numbers for admins (/api/admin/escalation,
// /api/admin/oncall, /api/admin/blocked-numbers); the requests with their steps and call-outs, "not an
// emergency" and blocking a number for agents (/api/chat/requests, /api/chat/blocked-numbers); and an
// agent's own status, which decides whether their console counts as available (/api/agents/me/status).
namespace EscalationRoutes {
void install(HttpServer &server, ApiContext &context);
}
