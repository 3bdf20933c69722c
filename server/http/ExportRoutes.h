#pragma once

#include <functional>

class ApiContext;
class HttpServer;
class QString;
class SigningKey;

// Incident exports (IncidentExport) and the public key that checks them:
//   GET /api/chat/{ticketId}/export?format=json  the signed file, for supervisors and admins; the
//       SHA-256, signature and key fingerprint in X-Liftline-Sha256, X-Liftline-Signature (base64) and
//       X-Liftline-Signing-Key
//   GET /api/chat/signing-key  the public key and its fingerprint, without credentials
namespace ExportRoutes {

// The server's signing key, loaded (or made) on first use; invalid with *error set when it cannot be.
using KeySource = std::function<const SigningKey &(QString *error)>;

void install(HttpServer &server, ApiContext &context, KeySource key);

} // namespace ExportRoutes
