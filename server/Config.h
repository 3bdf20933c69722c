#pragma once

#include "db/DatabaseTarget.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <algorithm>

class QCommandLineParser;

// The server's settings. Each comes from, in rising precedence: its default, the INI file given with
// --config (keys named like the environment variables), the environment, the command line.
struct Config {
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 port = 8080;

    QString databaseUrl; // DATABASE_URL; empty: the embedded cluster
    QString dataDir;     // --data-dir / LIFTLINE_DATA_DIR: the embedded cluster's folder
    // LIFTLINE_SIGNING_KEY_FILE: the key that signs incident exports (empty: signingKeyPath()'s default)
    QString signingKeyFile;
    QString pgAccount;        // --pg-account / LIFTLINE_PG_ACCOUNT: as root, who runs the embedded cluster
    QString pgSocketDir;      // LIFTLINE_PG_SOCKET_DIR: the embedded cluster's socket folder (empty: in /tmp)
    int dbThreads = 4;        // --db-threads / LIFTLINE_DB_THREADS
    int sessionHours = 12;    // LIFTLINE_SESSION_HOURS: how long an agent's sign-in lasts
    int streamPingMs = 10000; // LIFTLINE_STREAM_PING_SECONDS: how often stream consoles are pinged
    // The event stream's limits (API.md); tests shorten them.
    int streamResumeTimeoutMs = 10000;
    qint64 streamMaxBufferedBytes = 1 << 20;
    int streamStallMs = 30000;
    qint64 streamMaxReplay = 100000;
    int listenerCheckMs = 1000;
    int presenceIntervalMs = 5000;
    // LIFTLINE_STREAM_DIRECT_WRITE: events written straight to each console's connection (the fast path),
    // else through QWebSocket one by one
    bool streamDirectWrite = true;
    // The HTTP edge's limits (LIFTLINE_HTTP_*, LIFTLINE_WEBHOOK_MAX_BODY_BYTES; timeouts in seconds there).
    int httpMaxHeaderBytes = 16 * 1024;
    int httpMaxBodyBytes = 64 * 1024;
    int webhookMaxBodyBytes = 1 << 20;
    int httpHeaderTimeoutMs = 10000;
    int httpBodyTimeoutMs = 30000;
    int httpIdleTimeoutMs = 75000;
    int httpMaxConnections = 10000;
    // LIFTLINE_HTTP_MAX_BUFFERED_BODIES_MB: large bodies (over httpMaxBodyBytes: files, the registry)
    // received or being handled at once, in all
    int httpMaxBufferedBodiesMb = 512;
    // LIFTLINE_TRUSTED_PROXIES: addresses and ranges whose X-Forwarded-For is believed (see TrustedProxies)
    QString trustedProxies;
    bool demo = false;           // --demo
    bool sandboxStatuses = true; // the sandbox reports sent, delivered and read through the webhook
    // LIFTLINE_ROUTING_WINDOW_HOURS: of a technician's open tickets, those opened this recently come first
    int routingWindowHours = 6;
    QStringList agentWords{QStringLiteral("agent"),
                           QStringLiteral("agents")}; // LIFTLINE_AGENT_WORDS, comma-separated

    QString adminToken;         // ADMIN_TOKEN
    QString aiToken;            // AI_ASSISTANT_TOKEN
    QString bridgeBaseUrl;      // BRIDGE_BASE_URL
    QString bridgeApiKey;       // BRIDGE_API_KEY
    QString webhookVerifyToken; // WEBHOOK_VERIFY_TOKEN
    QString webhookAuthToken;   // WEBHOOK_AUTH_TOKEN
    QString metaPhoneNumberId;  // META_PHONE_NUMBER_ID
    QString metaAccessToken;    // META_ACCESS_TOKEN
    QString whatsappAppSecret;  // WHATSAPP_APP_SECRET
    QString hostWebhookUrl;     // HOST_WEBHOOK_URL: the original system's webhook, to forward bodies to
    // HOST_WEBHOOK_FORWARD: "host" (what the original server's alerts need: taps and statuses) or "all"
    QString hostWebhookForward = QStringLiteral("host");
    QString transport; // WHATSAPP_TRANSPORT: sandbox, bridge or graph; empty: from the credentials set
    QString graphBaseUrl = QStringLiteral("https://graph.facebook.com/v21.0"); // META_GRAPH_BASE_URL
    int sendTimeoutMs = 15000;                                                 // WHATSAPP_SEND_TIMEOUT_MS
    QString reengageTemplate;                                                  // WHATSAPP_REENGAGE_TEMPLATE
    QString templateLanguage = QStringLiteral("en");                           // WHATSAPP_TEMPLATE_LANGUAGE
    // LIFTLINE_ACK_CONFIRMATION: sent to the technician when an agent takes their request, inside the 24-hour
    // window; "{agent}" is the agent's name. Empty: none is sent.
    QString ackConfirmation =
        QStringLiteral("{agent} from the call centre has your request and will answer here.");
    // LIFTLINE_ACK_CONFIRMATION_AF: the same in Afrikaans, for contacts whose language is af.
    QString ackConfirmationAf =
        QStringLiteral("{agent} van die oproepsentrum het jou versoek en sal hier antwoord.");
    // LIFTLINE_LANGUAGE: the language of automatic messages to a technician whose language the registry does
    // not know (en or af).
    QString language = QStringLiteral("en");
    // LIFTLINE_NO_AGENT_REPLY, LIFTLINE_NO_AGENT_REPLY_AF: what a technician who asked is told at once when
    // no agent is available (on-call staff are being called out), in English and Afrikaans. Empty: nothing.
    QString noAgentReply = QStringLiteral("The call centre has been alerted and is calling the people on "
                                          "duty now. If anyone is in danger, call "
                                          "the emergency services on 112.");
    QString noAgentReplyAf = QStringLiteral("Die oproepsentrum is gewaarsku en skakel nou die mense aan "
                                            "diens. As iemand in gevaar is, skakel die "
                                            "nooddienste by 112.");
    // The escalation ladder (EscalationStore::parseLadder). LIFTLINE_ESCALATION_LADDER, when set, is applied
    // at every start and the API may not change it; unset, the database's ladder holds (API, CLI).
    QString escalationLadder;
    int escalationPollMs = 250; // LIFTLINE_ESCALATION_POLL_MS: how often due steps are looked for at least
    // Inbound files (MediaFetcher): one fetch's time limit, files fetched at once, tries before giving up,
    // and how often waiting files are looked for.
    int mediaTimeoutMs = 120000; // LIFTLINE_MEDIA_TIMEOUT_SECONDS
    int mediaConcurrency = 4;    // LIFTLINE_MEDIA_CONCURRENCY
    int mediaAttempts = 8;       // LIFTLINE_MEDIA_ATTEMPTS
    int mediaPollMs = 1000;      // LIFTLINE_MEDIA_POLL_MS
    // Call-outs: the signed webhook, PagerDuty's Events API v2, the WhatsApp template to on-call numbers.
    QString calloutWebhookUrl;    // LIFTLINE_CALLOUT_WEBHOOK_URL
    QString calloutWebhookSecret; // LIFTLINE_CALLOUT_WEBHOOK_SECRET
    QString pagerDutyRoutingKey;  // PAGERDUTY_ROUTING_KEY
    QString pagerDutyEventsUrl =
        QStringLiteral("https://events.pagerduty.com/v2/enqueue"); // PAGERDUTY_EVENTS_URL
    QString oncallTemplate =
        QStringLiteral("liftline_oncall_alert"); // LIFTLINE_ONCALL_TEMPLATE ("none": off)
    // LIFTLINE_ONCALL_UPDATE_TEMPLATE ("none": off): tells each phone called out that the request was taken
    // or closed.
    QString oncallUpdateTemplate = QStringLiteral("liftline_oncall_update");

    // Fills from file, environment and parsed options; false with *error for a bad value.
    static bool load(const QCommandLineParser &parser, Config *config, QString *error);
    // Adds the options load() reads.
    static void addOptions(QCommandLineParser &parser);
    // The settings part of --help.
    static QString environmentHelp();
    // The transport in effect: WHATSAPP_TRANSPORT, else bridge when BRIDGE_BASE_URL is set, else graph when
    // META_ACCESS_TOKEN is set, else sandbox.
    QString effectiveTransport() const;
    // Seconds after which a send still pending is taken for one a stopped server abandoned: longer than any
    // send may take (WHATSAPP_SEND_TIMEOUT_MS, up to 120 s) plus a minute, so that a send another instance
    // is still making is never marked failed.
    int abandonedSendSeconds() const { return std::max(75, sendTimeoutMs / 1000 + 60); }
    // Problems worth a warning at start (short tokens, say); never prints a secret.
    QStringList warnings() const;
    // Where the database is: DATABASE_URL, or the embedded cluster (durable: the server and its subcommands
    // keep their data).
    DatabaseTarget::Options database() const;

    // The signing key's file: signingKeyFile, else signing.key beside the embedded cluster's folder.
    QString signingKeyPath() const;
};
