#pragma once

#include "auth/SigningKey.h"

class ApiContext;
class HttpServer;

// Incident exports (IncidentExport) and the public key that checks them:
//   GET /api/chat/{ticketId}/export?format=json  the signed file, for supervisors and admins; the
//       SHA-256, signature and key fingerprint in X-Liftline-Sha256, X-Liftline-Signature (base64) and
//       X-Liftline-Signing-Key
//   GET /api/chat/signing-key  the public key and its fingerprint, without credentials
namespace ExportRoutes {

void install(HttpServer &server, ApiContext &context, SigningKeySource key);

} // namespace ExportRoutes
