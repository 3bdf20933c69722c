#pragma once

#include "whatsapp/InboundProcessor.h"

#include <QByteArray>

class ApiContext;
class HttpServer;

// GET and POST /webhooks/whatsapp: Meta's subscription check, and inbound bodies authenticated by their
// X-Hub-Signature-256 (HMAC-SHA256 of the raw bytes with the app secret) or, from a relay, a Bearer
// token; stored and processed before the 200, many bodies to a transaction (WebhookIngest).
namespace WebhookRoutes {

struct Settings {
    QByteArray appSecret;          // WHATSAPP_APP_SECRET (or the sandbox's own secret)
    QByteArray authToken;          // WEBHOOK_AUTH_TOKEN
    QByteArray verifyToken;        // WEBHOOK_VERIFY_TOKEN
    bool forward = false;          // HOST_WEBHOOK_URL is set: queue every body for the original server
    qint64 maxBodyBytes = 1 << 20; // LIFTLINE_WEBHOOK_MAX_BODY_BYTES
    InboundProcessor::Settings processing;
};

void install(HttpServer &server, ApiContext &context, const Settings &settings);

} // namespace WebhookRoutes
