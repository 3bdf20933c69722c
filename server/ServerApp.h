#pragma once

#include "Config.h"
#include "db/DatabaseTarget.h"
#include "whatsapp/InboundProcessor.h"

#include <QObject>
#include <QTimer>
#include <QUuid>
#include <memory>

class ApiContext;
class Auth;
class DbPool;
class HttpServer;
class MessageTransport;
class SandboxTransport;
class Sequencer;
class EventListener;
class StreamHub;

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
    SandboxTransport *sandbox() const { return m_sandbox; }
    MessageTransport *transport() const { return m_transport; }
    const DatabaseTarget &database() const { return m_database; }
    StreamHub *hub() const { return m_hub; }
    EventListener *listener() const { return m_listener.get(); }
    QUuid instanceId() const { return m_instanceId; }
    // The demo agent's one-time password when started with --demo.
    QString demoPassword() const { return m_demoPassword; }

    // The secret webhooks are signed with (WHATSAPP_APP_SECRET, or the sandbox's own).
    QByteArray webhookSecret() const { return m_webhookSecret; }

private:
    void maintain();
    InboundProcessor::Settings processingSettings() const;

    Config m_config;
    DatabaseTarget m_database;
    DbParams m_params;
    std::unique_ptr<Auth> m_auth;
    std::unique_ptr<Sequencer> m_sequencer; // outlives the pool, whose jobs use it
    std::unique_ptr<DbPool> m_pool;
    std::unique_ptr<EventListener> m_listener;
    StreamHub *m_hub = nullptr;
    QUuid m_instanceId = QUuid::createUuid();
    qint64 m_startSeq = 0;
    SandboxTransport *m_sandbox = nullptr;
    MessageTransport *m_transport = nullptr;
    HttpServer *m_http = nullptr;
    ApiContext *m_context = nullptr;
    QTimer m_maintenance;
    int m_ticks = 0;
    QString m_demoPassword;
    QByteArray m_webhookSecret;
};
