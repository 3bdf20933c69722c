#include "ServerApp.h"

#include "AuditSequencer.h"

#include "auth/Auth.h"
#include "auth/PasswordHasher.h"
#include "auth/SigningKey.h"
#include "base/Logging.h"
#include "chat/ChatStore.h"
#include "chat/Demo.h"
#include "chat/Outbox.h"
#include "chat/Unassigned.h"
#include "db/Db.h"
#include "db/DbPool.h"
#include "db/Events.h"
#include "db/MediaStore.h"
#include "db/Migrator.h"
#include "db/Sequencer.h"
#include "domain/DomainError.h"
#include "escalation/Callouts.h"
#include "escalation/EscalationStore.h"
#include "escalation/Escalator.h"
#include "http/AdminRoutes.h"
#include "http/ApiContext.h"
#include "http/AuthRoutes.h"
#include "http/ChatRoutes.h"
#include "http/EscalationRoutes.h"
#include "http/ExportRoutes.h"
#include "http/HistoryRoutes.h"
#include "http/HttpServer.h"
#include "http/MediaRoutes.h"
#include "http/OpsRoutes.h"
#include "http/RetentionRoutes.h"
#include "http/StreamRoutes.h"
#include "http/WebhookRoutes.h"
#include "realtime/EventListener.h"
#include "realtime/StreamHub.h"
#include "whatsapp/HttpTransport.h"
#include "whatsapp/InboundProcessor.h"
#include "whatsapp/MediaFetcher.h"
#include "whatsapp/MediaSource.h"
#include "whatsapp/SandboxTransport.h"
#include "whatsapp/WebhookForwarder.h"

#include <sodium.h>

ServerApp::ServerApp(const Config &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
{}

// Every object the server makes is owned by one std::unique_ptr member and has no QObject parent; they are
// destroyed here in an order that lets each finish with what it uses.
ServerApp::~ServerApp()
{
    m_maintenance.stop();
    m_auditSequencer.reset(); // signs with this object's key
    m_mediaSource.reset();    // its answers still due go to the fetcher
    m_mediaFetcher.reset();
    m_escalator.reset();
    m_callouts.reset(); // sends through the transport
    if (m_hub)
        m_hub->shutdown(); // queued on the pool, which finishes it below
    m_listener.reset();
    // Finish the database work in flight before the cluster goes away, and before the objects its
    // answers go to.
    m_pool.reset();
    m_forwarder.reset();
    m_hub.reset();
    m_http.reset(); // its routes refer to the context, the hub and the listener
    m_context.reset();
    m_httpTransport.reset();
    m_sandbox.reset();
}

bool ServerApp::start(QString *error)
{
    if (!m_params.isValid()) {
        if (!m_database.open(m_config.database(), error))
            return false;
        m_params = m_database.params();
    }
    if (!prepareDatabase(error) || !makeTransport(error))
        return false;
    m_auth = std::make_unique<Auth>(m_config.adminToken, m_config.aiToken);
    m_pool = std::make_unique<DbPool>(m_params, m_config.dbThreads);
    m_sequencer = std::make_unique<Sequencer>(m_pool.get());
    m_context = std::make_unique<ApiContext>(m_pool.get(), m_sequencer.get(), m_auth.get(), m_transport,
                                             m_config.sessionHours);
    m_context->setTemplate(m_config.reengageTemplate, m_config.templateLanguage);
    m_context->setConfirmation({{QStringLiteral("en"), m_config.ackConfirmation},
                                {QStringLiteral("af"), m_config.ackConfirmationAf}},
                               m_config.language);
    TrustedProxies proxies;
    if (!TrustedProxies::parse(m_config.trustedProxies, &proxies, error))
        return false;
    makeHttp(proxies);
    makeStream(proxies);
    if (!makeWebhook(error) || !m_http->listen(m_config.listenAddress, m_config.port, error))
        return false;
    makeEscalation();
    makeMedia();

    if (m_config.sandboxStatuses && m_transport == m_sandbox.get())
        m_sandbox->reportStatusesTo(QUrl(url() + QStringLiteral("/webhooks/whatsapp")), m_webhookSecret,
                                    m_config.webhookAuthToken.toUtf8());
    m_auditSequencer = std::make_unique<AuditSequencer>(
        m_params, [this](QString *error) -> const SigningKey & { return signingKey(error); },
        !m_config.calloutWebhookUrl.isEmpty());
    connect(&m_maintenance, &QTimer::timeout, this, &ServerApp::maintain);
    m_maintenance.start(1000);
    return true;
}

// On one connection, before anything serves: migrations, the demo, sends a stopped server abandoned, the
// webhook secret, bodies stored but not processed, and this instance's record.
bool ServerApp::prepareDatabase(QString *error)
{
    QString demoHash;
    if (m_config.demo) {
        unsigned char random[9];
        randombytes_buf(random, sizeof random);
        m_demoPassword = QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(random), sizeof random)
                                                 .toBase64(QByteArray::Base64UrlEncoding));
        demoHash = PasswordHasher::hash(m_demoPassword);
    }
    try {
        Db db(m_params, QStringLiteral("liftline-startup"));
        const QStringList applied = Migrator::migrate(db);
        if (!applied.isEmpty())
            qCInfo(lcDb).noquote() << "Applied migrations:" << applied.join(QLatin1String(", "));
        if (m_config.demo)
            Demo::load(db, demoHash, m_demoPassword);
        ChatStore::failAbandonedSends(db, m_config.abandonedSendSeconds());
        m_webhookSecret = m_config.whatsappAppSecret.toUtf8();
        if (m_webhookSecret.isEmpty() && m_config.webhookAuthToken.isEmpty())
            m_webhookSecret = sandboxSecret(db);
        const int recovered = InboundProcessor::processPending(db, processingSettings(), 1000);
        if (recovered > 0)
            qCInfo(lcWebhook) << "Processed" << recovered << "webhook bodies stored before a stop";
        if (!m_config.escalationLadder.isEmpty()) {
            QString ignored;
            EscalationStore::setLadder(db, EscalationStore::parseLadder(m_config.escalationLadder, &ignored),
                                       nullptr);
        }
        const int reconciled = db.scalar(QStringLiteral("SELECT escalation_reconcile()")).toInt();
        if (reconciled > 0)
            qCInfo(lcEscalation) << "Recorded" << reconciled << "agent request(s) no trigger had recorded";
        m_startSeq = Events::sequence(db);
        StreamHub::recordInstance(db, m_instanceId.toString(QUuid::WithoutBraces));
    } catch (const DbError &e) {
        *error = e.message();
        return false;
    } catch (const DomainError &e) {
        *error = e.message;
        return false;
    }
    return true;
}

// Sandbox mode: a secret of the database's own, so that 'simulate' and tests sign like WhatsApp.
QByteArray ServerApp::sandboxSecret(Db &db)
{
    unsigned char random[24];
    randombytes_buf(random, sizeof random);
    const QString fresh =
        QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(random), sizeof random).toHex());
    db.exec(QStringLiteral("INSERT INTO liftline_settings (key, value) VALUES ('sandbox_app_secret', ?) "
                           "ON CONFLICT (key) DO NOTHING"),
            {fresh});
    return db.scalar(QStringLiteral("SELECT value FROM liftline_settings WHERE key = 'sandbox_app_secret'"))
        .toString()
        .toUtf8();
}

// The sandbox always exists (tests and 'simulate' use it); the bridge or Graph replaces it for sending.
bool ServerApp::makeTransport(QString *error)
{
    m_sandbox = std::make_unique<SandboxTransport>();
    m_transport = m_sandbox.get();
    const QString transport = m_config.effectiveTransport();
    if (transport == QLatin1String("sandbox"))
        return true;
    HttpTransport::Settings settings;
    settings.kind =
        transport == QLatin1String("bridge") ? HttpTransport::Kind::Bridge : HttpTransport::Kind::Graph;
    settings.baseUrl =
        QUrl(settings.kind == HttpTransport::Kind::Bridge ? m_config.bridgeBaseUrl : m_config.graphBaseUrl);
    settings.credential =
        settings.kind == HttpTransport::Kind::Bridge ? m_config.bridgeApiKey : m_config.metaAccessToken;
    settings.phoneNumberId = m_config.metaPhoneNumberId;
    settings.timeoutMs = m_config.sendTimeoutMs;
    if (!settings.baseUrl.isValid() || settings.baseUrl.scheme().isEmpty() || settings.credential.isEmpty() ||
        (settings.kind == HttpTransport::Kind::Graph && settings.phoneNumberId.isEmpty())) {
        *error =
            settings.kind == HttpTransport::Kind::Bridge
                ? QStringLiteral("WHATSAPP_TRANSPORT=bridge needs BRIDGE_BASE_URL (http:// or "
                                 "https://) and BRIDGE_API_KEY")
                : QStringLiteral("WHATSAPP_TRANSPORT=graph needs META_PHONE_NUMBER_ID and META_ACCESS_TOKEN");
        return false;
    }
    // Real WhatsApp traffic must be authenticated: a signature secret or a relay token.
    if (m_config.whatsappAppSecret.isEmpty() && m_config.webhookAuthToken.isEmpty()) {
        *error = QStringLiteral(
                     "Sending through %1 needs WHATSAPP_APP_SECRET (or WEBHOOK_AUTH_TOKEN for a relay), "
                     "so that only WhatsApp can post to the webhook")
                     .arg(transport);
        return false;
    }
    m_httpTransport = std::make_unique<HttpTransport>(settings);
    m_transport = m_httpTransport.get();
    return true;
}

void ServerApp::makeHttp(const TrustedProxies &proxies)
{
    HttpServer::Limits limits;
    limits.maxHeaderBytes = m_config.httpMaxHeaderBytes;
    limits.maxBodyBytes = m_config.httpMaxBodyBytes;
    limits.headerTimeoutMs = m_config.httpHeaderTimeoutMs;
    limits.bodyTimeoutMs = m_config.httpBodyTimeoutMs;
    limits.idleTimeoutMs = m_config.httpIdleTimeoutMs;
    limits.maxConnections = m_config.httpMaxConnections;
    limits.maxBufferedBodyBytes = qint64(m_config.httpMaxBufferedBodiesMb) << 20;
    m_http = std::make_unique<HttpServer>(limits);
    m_http->setTrustedProxies(proxies);
    ChatRoutes::install(*m_http, *m_context);
    AuthRoutes::install(*m_http, *m_context);
    AdminRoutes::install(*m_http, *m_context);
    EscalationRoutes::install(*m_http, *m_context);
    MediaRoutes::install(*m_http, *m_context);
    HistoryRoutes::install(*m_http, *m_context);
    RetentionRoutes::install(*m_http, *m_context);
    ExportRoutes::install(*m_http, *m_context,
                          [this](QString *error) -> const SigningKey & { return signingKey(error); });
    OpsRoutes::install(*m_http, *m_context);
}

const SigningKey &ServerApp::signingKey(QString *error)
{
    std::lock_guard lock(m_signingKeyMutex);
    if (!m_signingKey) {
        SigningKey key = SigningKey::loadOrCreate(m_config.signingKeyPath(), error);
        if (!key.isValid()) {
            qCWarning(lcServer).noquote() << *error;
            static const SigningKey none;
            return none;
        }
        qCInfo(lcServer).noquote() << "Signing exports with the key" << key.fingerprint() << "in"
                                   << m_config.signingKeyPath();
        m_signingKey = std::make_unique<const SigningKey>(std::move(key));
    }
    return *m_signingKey;
}

// The event stream: the hub on this thread, the listener on its own, from the newest event on.
void ServerApp::makeStream(const TrustedProxies &proxies)
{
    StreamHub::Settings stream;
    stream.resumeTimeoutMs = m_config.streamResumeTimeoutMs;
    stream.pingIntervalMs = m_config.streamPingMs;
    stream.presenceIntervalMs = m_config.presenceIntervalMs;
    stream.maxBufferedBytes = m_config.streamMaxBufferedBytes;
    stream.stallMs = m_config.streamStallMs;
    stream.maxReplay = m_config.streamMaxReplay;
    stream.proxies = proxies;
    stream.directWrite = m_config.streamDirectWrite;
    m_hub = std::make_unique<StreamHub>(m_pool.get(), m_auth.get(), m_instanceId, stream);
    m_hub->setLatest(m_startSeq);
    m_listener = std::make_unique<EventListener>(m_params, m_sequencer.get(), m_config.listenerCheckMs);
    connect(m_listener.get(), &EventListener::eventsArrived, m_hub.get(), &StreamHub::addEvents);
    connect(m_listener.get(), &EventListener::presenceChanged, m_hub.get(), &StreamHub::refreshPresence);
    connect(m_listener.get(), &EventListener::restarted, m_hub.get(), &StreamHub::restart);
    m_listener->start(m_startSeq);
    m_hub->refreshPresence();
    StreamRoutes::install(*m_http, *m_context, *m_hub, *m_listener);
}

// The webhook, and the forwarding of stored bodies to the original lift-alert server when configured.
bool ServerApp::makeWebhook(QString *error)
{
    const QUrl host(m_config.hostWebhookUrl);
    if (!m_config.hostWebhookUrl.isEmpty() &&
        (!host.isValid() || !host.scheme().startsWith(QLatin1String("http")))) {
        *error = QStringLiteral("HOST_WEBHOOK_URL must be an http:// or https:// address");
        return false;
    }
    WebhookRoutes::Settings webhook;
    webhook.appSecret = m_webhookSecret;
    webhook.authToken = m_config.webhookAuthToken.toUtf8();
    webhook.verifyToken = m_config.webhookVerifyToken.toUtf8();
    webhook.forward = !m_config.hostWebhookUrl.isEmpty();
    webhook.processing = processingSettings();
    webhook.maxBodyBytes = m_config.webhookMaxBodyBytes;
    WebhookRoutes::install(*m_http, *m_context, webhook);
    if (webhook.forward)
        m_forwarder = std::make_unique<WebhookForwarder>(m_pool.get(), host, m_webhookSecret,
                                                         m_config.hostWebhookForward == QLatin1String("all")
                                                             ? WebhookForwarder::Mode::Everything
                                                             : WebhookForwarder::Mode::HostNeeds);
    return true;
}

// The ladder's steps, taken on time by whichever instance comes first, and the call-outs they queue, sent
// through the configured channels (on-call WhatsApp templates through this server's transport).
void ServerApp::makeEscalation()
{
    Callouts::Settings callouts;
    callouts.webhookUrl = QUrl(m_config.calloutWebhookUrl);
    callouts.webhookSecret = m_config.calloutWebhookSecret.toUtf8();
    callouts.pagerDutyUrl = QUrl(m_config.pagerDutyEventsUrl);
    callouts.pagerDutyRoutingKey = m_config.pagerDutyRoutingKey;
    callouts.oncallTemplate = m_config.oncallTemplate;
    callouts.oncallUpdateTemplate = m_config.oncallUpdateTemplate;
    callouts.templateLanguage = m_config.templateLanguage;
    MessageTransport *transport = m_transport;
    m_callouts = std::make_unique<Callouts>(
        m_pool.get(), callouts,
        [transport](const OutboundMessage &m, std::function<void(SendResult)> done) {
            transport->send(m, std::move(done));
        },
        [this](const QJsonObject &facts, std::function<void(SendResult)> done) {
            replyNobodyAvailable(facts, std::move(done));
        });
    Escalator::Settings escalation;
    escalation.instanceId = m_instanceId.toString(QUuid::WithoutBraces);
    escalation.channels = Callouts::channels(callouts);
    escalation.pollMs = m_config.escalationPollMs;
    m_context->setEscalation(!m_config.escalationLadder.isEmpty(), escalation.channels);
    m_escalator = std::make_unique<Escalator>(m_pool.get(), escalation);
    connect(m_escalator.get(), &Escalator::stepsTaken, this, [this] {
        m_sequencer->request();
        m_callouts->poll();
    });
    // A new request, on any instance: its first step is due now, not at the next poll.
    connect(m_listener.get(), &EventListener::eventsArrived, m_escalator.get(),
            [this](const QList<StreamEvent> &events) {
                for (const StreamEvent &e : events)
                    if (e.wire.contains("\"event\":\"agent.requested\"")) {
                        m_escalator->poll();
                        return;
                    }
            });
}

// Inbound files, fetched after the webhook's answer from where this server's messages go: Graph, the
// sandbox's sample files, or nowhere (the bridge documents no media: the agent is told so).
void ServerApp::makeMedia()
{
    const QString transport = m_config.effectiveTransport();
    if (transport == QLatin1String("graph"))
        m_mediaSource = std::make_unique<GraphMediaSource>(GraphMediaSource::Settings{
            QUrl(m_config.graphBaseUrl), m_config.metaAccessToken, m_config.mediaTimeoutMs});
    else if (transport == QLatin1String("bridge"))
        m_mediaSource = std::make_unique<NoMediaSource>(QStringLiteral("the WhatsApp bridge"));
    else
        m_mediaSource = std::make_unique<SandboxMediaSource>();
    MediaFetcher::Settings media;
    media.concurrency = m_config.mediaConcurrency;
    media.maxAttempts = m_config.mediaAttempts;
    media.pollMs = m_config.mediaPollMs;
    media.leaseSeconds = m_config.mediaTimeoutMs / 1000 + 60;
    m_mediaFetcher = std::make_unique<MediaFetcher>(m_pool.get(), m_mediaSource.get(), media);
    connect(m_mediaFetcher.get(), &MediaFetcher::recorded, this, [this] { m_sequencer->request(); });
}

// The technician who asked is told nobody was available and on-call staff are being called: in their
// language when the registry has it, stored in the transcript as automatic, sent through the outbox. Nothing
// is sent when the text is empty or their 24-hour window is closed (the call-out says so).
void ServerApp::replyNobodyAvailable(const QJsonObject &facts, std::function<void(SendResult)> done)
{
    const int ticket = facts.value(QStringLiteral("ticket_id")).toInt();
    const qint64 unassigned = facts.value(QStringLiteral("unassigned_id")).toInteger();
    const QString asked = facts.value(QStringLiteral("from_number")).toString();
    const QHash<QString, QString> texts{{QStringLiteral("en"), m_config.noAgentReply},
                                        {QStringLiteral("af"), m_config.noAgentReplyAf}};
    struct Stored {
        Outbox::Prepared prepared;
        QString problem;
    };
    m_pool->run<Stored>(
        this,
        [ticket, unassigned, asked, texts, fallback = m_config.language](Db &db) {
            Stored stored;
            try {
                // A number with no ticket is answered directly (Unassigned), until its message is attached.
                // On a ticket it goes to the one who asked; a number that is not among the ticket's
                // participants (another system raised the request) leaves it to the default recipient.
                if (ticket <= 0) {
                    stored.prepared = Unassigned::prepareAutomatic(db, unassigned, texts, fallback);
                } else {
                    try {
                        stored.prepared = Outbox::prepareConfirmation(db, ticket, texts, fallback, asked);
                    } catch (const DomainError &) {
                        stored.prepared = Outbox::prepareConfirmation(db, ticket, texts, fallback);
                    }
                }
                if (stored.prepared.messageId == 0)
                    stored.problem = QStringLiteral("not sent: the technician's 24-hour window is closed, or "
                                                    "LIFTLINE_NO_AGENT_REPLY for their language is empty");
            } catch (const DbError &e) {
                stored.problem = e.message();
            } catch (const DomainError &e) {
                stored.problem = QStringLiteral("not sent: ") + e.message;
            }
            return stored;
        },
        [this, done = std::move(done)](const Stored &stored) {
            if (stored.prepared.messageId == 0) {
                // Nothing to send is an outcome, not a failure to try again.
                done(SendResult{stored.problem.startsWith(QLatin1String("not sent")),
                                stored.problem,
                                {},
                                stored.problem});
                return;
            }
            m_context->sendStored(stored.prepared, done);
        });
}

quint16 ServerApp::port() const
{
    return m_http ? m_http->serverPort() : 0;
}

QString ServerApp::url() const
{
    QString host = m_config.listenAddress.toString();
    if (m_config.listenAddress == QHostAddress::AnyIPv4 || m_config.listenAddress == QHostAddress::Any)
        host = QStringLiteral("127.0.0.1");
    else if (m_config.listenAddress.protocol() == QAbstractSocket::IPv6Protocol)
        host = QLatin1Char('[') + host + QLatin1Char(']');
    return QStringLiteral("http://%1:%2").arg(host).arg(port());
}

InboundProcessor::Settings ServerApp::processingSettings() const
{
    return {m_config.agentWords, m_config.routingWindowHours};
}

// Every 5 seconds: webhook bodies left unprocessed (each by one instance: FOR UPDATE SKIP LOCKED). Every
// 10 seconds: the last 24 hours' response figures for /metrics. Every 30 seconds: fail sends abandoned by a
// server that stopped mid-send (one instance at a time). Events are
// numbered by the listener: on each notification, and every second.
void ServerApp::maintain()
{
    ++m_ticks;
    const bool sweep = (m_ticks % 30) == 0;
    const bool inbox = (m_ticks % 5) == 0;
    const bool figures = (m_ticks % 10) == 1; // from the first tick on
    if (!sweep && !inbox && !figures)
        return;
    const InboundProcessor::Settings processing = processingSettings();
    // One maintenance job at a time. While other background work is queued, the counts for /metrics are
    // still taken (monitoring must not go blind under load), but bodies are left to the work queued,
    // which includes them.
    if (m_maintenanceQueued.exchange(true))
        return;
    const bool reprocess = inbox && m_pool->backgroundQueueDepth() == 0;
    std::atomic<bool> *queued = &m_maintenanceQueued; // outlives the pool's jobs
    Sequencer *sequencer = m_sequencer.get();
    ApiContext::WaitingRequests *waiting = &m_context->waitingRequests(); // outlives the pool's jobs
    ApiContext *context = m_context.get(); // outlives the pool's jobs, like `waiting`
    ApiContext::MediaFigures *media = &m_context->mediaFigures();
    m_pool->postBackground([sweep, inbox, reprocess, figures, processing, sequencer, waiting, context, media,
                            queued, abandonedAfter = m_config.abandonedSendSeconds()](Db &db) {
        const std::unique_ptr<std::atomic<bool>, void (*)(std::atomic<bool> *)> done(
            queued, [](std::atomic<bool> *q) { q->store(false); });
        try {
            if (figures) {
                const QDateTime now = QDateTime::currentDateTimeUtc();
                context->setResponseSummary(EscalationStore::responseReport(db, now.addDays(-1), now, false)
                                                .value(QStringLiteral("summary"))
                                                .toObject());
                const MediaStore::Usage usage = MediaStore::usage(db);
                media->bytes.store(usage.bytes);
                media->attachments.store(usage.attachments);
                media->waiting.store(usage.waiting);
                media->refused.store(usage.refused);
                media->failed.store(usage.failed);
                media->unavailable.store(usage.unavailable);
                media->files.store(usage.files);
            }
            if (inbox) {
                const ChatStore::Waiting w = ChatStore::waitingRequests(db);
                waiting->oldestSince.store(w.oldestSince);
                waiting->count.store(w.count);
            }
            if (sweep)
                db.transaction([&] {
                    if (db.scalar(QStringLiteral(
                                      "SELECT pg_try_advisory_xact_lock(hashtext('liftline.sends.sweep'))"))
                            .toBool())
                        ChatStore::failAbandonedSends(db, abandonedAfter);
                });
            // Short jobs of bodies left behind for 10 s: the ones just received are already queued, and a
            // long job here would hold a connection that requests may need.
            if (reprocess && InboundProcessor::processPending(db, processing, 20, 10) > 0)
                sequencer->request();
        } catch (const DbError &e) {
            qCDebug(lcDb) << "maintenance skipped:" << e.message();
        }
    });
}
