#pragma once

#include "Config.h"
#include "HttpClient.h"
#include "ServerApp.h"
#include "db/DbParams.h"

#include <QJsonObject>

#include <memory>

// liftline-server in-process on 127.0.0.1 and a free port, on a database of the test's choosing, with
// the admin and AI tokens below configured.
class TestServer {
public:
    static constexpr const char *adminToken = "test-admin-token-0123456789";
    static constexpr const char *aiToken = "test-ai-token-0123456789abc";

    explicit TestServer(const DbParams &db, Config config = defaultConfig());
    ~TestServer();

    static Config defaultConfig();

    ServerApp &app() { return *m_app; }
    QUrl baseUrl() const;
    HttpClient &http() { return *m_http; }
    static HttpClient::Headers admin() { return {{"X-Admin-Token", adminToken}}; }
    static HttpClient::Headers ai() { return {{"X-AI-Token", aiToken}}; }

    // Creates an agent account directly in the database and signs it in over HTTP; returns its token.
    // A technician's text message as WhatsApp posts it, and that body posted to the webhook, signed.
    static QByteArray technicianText(const QString &wamid, const QString &text,
                                     const QString &from = QStringLiteral("27820000001"));
    HttpResult postWebhook(const QByteArray &body);
    // The first message of a webhook body (entry[0].changes[0].value.messages[0]), empty when none.
    static QJsonObject firstMessage(const QByteArray &body);

    QByteArray signIn(const QString &username, const QString &displayName,
                      const QString &role = QStringLiteral("agent"));

private:
    std::unique_ptr<ServerApp> m_app;
    std::unique_ptr<HttpClient> m_http;
};
