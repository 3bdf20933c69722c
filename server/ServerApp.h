#pragma once

#include "Config.h"
#include "db/DatabaseTarget.h"
#include "domain/Outbound.h"
#include "whatsapp/InboundProcessor.h"

#include <QObject>
#include <QTimer>
#include <QUuid>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

class ApiContext;
class AuditSequencer;
class Callouts;
class Escalator;
class Auth;
class Db;
class DbPool;
class HttpServer;
class HttpTransport;
class MediaFetcher;
class MediaSource;
class MessageTransport;
class SandboxTransport;
class Sequencer;
class SigningKey;
class EventListener;
class StreamHub;
class TrustedProxies;
class WebhookForwarder;

// The running server: database (embedded or DATABASE_URL), migrations, the database pool, HTTP routes,
// the transport and the maintenance timers, wired together.
class ServerApp : public QObject {
    Q_OBJECT
public:
    explicit ServerApp(const Config &config, QObject *parent = nullptr);
    ~ServerApp() override;

    // Tests hand in a database directly instead of DATABASE_URL or the embedded cluster.
    void useDatabase(const DbParams &params) { m_params = params; }

    bool start(QString *error);

    quint16 port() const;
    QString url() const;
    DbPool *pool() const { return m_pool.get(); }
    SandboxTransport *sandbox() const { return m_sandbox.get(); }
    MessageTransport *transport() const { return m_transport; }
    const DatabaseTarget &database() const { return m_database; }
    StreamHub *hub() const { return m_hub.get(); }
    EventListener *listener() const { return m_listener.get(); }
    Escalator *escalator() const { return m_escalator.get(); }
    Callouts *callouts() const { return m_callouts.get(); }
    QUuid instanceId() const { return m_instanceId; }
    // The demo agent's one-time password when started with --demo.
    QString demoPassword() const { return m_demoPassword; }

    // The secret webhooks are signed with (WHATSAPP_APP_SECRET, or the sandbox's own).
    QByteArray webhookSecret() const { return m_webhookSecret; }

private:
    void maintain();
    InboundProcessor::Settings processingSettings() const;
    bool prepareDatabase(QString *error);
    static QByteArray sandboxSecret(Db &db);
    bool makeTransport(QString *error);
    void makeHttp(const TrustedProxies &proxies);
    void makeStream(const TrustedProxies &proxies);
    bool makeWebhook(QString *error);
    void makeEscalation();
    void makeMedia();
    void replyNobodyAvailable(const QJsonObject &facts, std::function<void(SendResult)> done);
    // The key that signs exports, read or made on first use (from any thread); an invalid one, with
    // *error set, while it cannot be.
    const SigningKey &signingKey(QString *error);

    Config m_config;
    DatabaseTarget m_database;
    DbParams m_params;
    std::unique_ptr<Auth> m_auth;
    std::unique_ptr<Sequencer> m_sequencer; // outlives the pool, whose jobs use it
    std::unique_ptr<DbPool> m_pool;
    std::unique_ptr<EventListener> m_listener;
    std::unique_ptr<StreamHub> m_hub;
    QUuid m_instanceId = QUuid::createUuid();
    qint64 m_startSeq = 0;
    std::unique_ptr<SandboxTransport> m_sandbox;
    std::unique_ptr<HttpTransport> m_httpTransport;
    MessageTransport *m_transport = nullptr; // the one that sends: the sandbox or m_httpTransport
    std::unique_ptr<HttpServer> m_http;
    std::unique_ptr<ApiContext> m_context;
    std::unique_ptr<WebhookForwarder> m_forwarder;
    std::unique_ptr<Callouts> m_callouts;
    std::unique_ptr<Escalator> m_escalator;
    std::unique_ptr<MediaFetcher> m_mediaFetcher;
    std::unique_ptr<MediaSource> m_mediaSource; // destroyed before the fetcher its answers go to
    QTimer m_maintenance;
    std::unique_ptr<AuditSequencer> m_auditSequencer;
    int m_ticks = 0;
    std::atomic<bool> m_maintenanceQueued{false};
    QString m_demoPassword;
    QByteArray m_webhookSecret;
    std::mutex m_signingKeyMutex;
    std::unique_ptr<const SigningKey> m_signingKey; // set once, never replaced
};
