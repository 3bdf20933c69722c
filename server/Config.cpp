#include "Config.h"

#include "auth/Auth.h"
#include "auth/SigningKey.h"
#include "base/TrustedProxies.h"
#include "db/EmbeddedPostgres.h"
#include "escalation/EscalationStore.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QHash>
#include <QSettings>
#include <QUrl>

namespace {

struct Setting {
    const char *env;
    QString Config::*field;
};

const Setting stringSettings[] = {
    {"DATABASE_URL", &Config::databaseUrl},
    {"LIFTLINE_DATA_DIR", &Config::dataDir},
    {"LIFTLINE_SIGNING_KEY_FILE", &Config::signingKeyFile},
    {"LIFTLINE_PG_ACCOUNT", &Config::pgAccount},
    {"LIFTLINE_PG_SOCKET_DIR", &Config::pgSocketDir},
    {"ADMIN_TOKEN", &Config::adminToken},
    {"AI_ASSISTANT_TOKEN", &Config::aiToken},
    {"BRIDGE_BASE_URL", &Config::bridgeBaseUrl},
    {"BRIDGE_API_KEY", &Config::bridgeApiKey},
    {"WEBHOOK_VERIFY_TOKEN", &Config::webhookVerifyToken},
    {"WEBHOOK_AUTH_TOKEN", &Config::webhookAuthToken},
    {"META_PHONE_NUMBER_ID", &Config::metaPhoneNumberId},
    {"META_ACCESS_TOKEN", &Config::metaAccessToken},
    {"WHATSAPP_APP_SECRET", &Config::whatsappAppSecret},
    {"WHATSAPP_REENGAGE_TEMPLATE", &Config::reengageTemplate},
    {"WHATSAPP_TRANSPORT", &Config::transport},
    {"HOST_WEBHOOK_URL", &Config::hostWebhookUrl},
    {"HOST_WEBHOOK_FORWARD", &Config::hostWebhookForward},
    {"META_GRAPH_BASE_URL", &Config::graphBaseUrl},
    {"WHATSAPP_TEMPLATE_LANGUAGE", &Config::templateLanguage},
    {"LIFTLINE_TRUSTED_PROXIES", &Config::trustedProxies},
    {"LIFTLINE_ACK_CONFIRMATION", &Config::ackConfirmation},
    {"LIFTLINE_ACK_CONFIRMATION_AF", &Config::ackConfirmationAf},
    {"LIFTLINE_ESCALATION_LADDER", &Config::escalationLadder},
    {"LIFTLINE_CALLOUT_WEBHOOK_URL", &Config::calloutWebhookUrl},
    {"LIFTLINE_CALLOUT_WEBHOOK_SECRET", &Config::calloutWebhookSecret},
    {"PAGERDUTY_ROUTING_KEY", &Config::pagerDutyRoutingKey},
    {"PAGERDUTY_EVENTS_URL", &Config::pagerDutyEventsUrl},
    {"LIFTLINE_ONCALL_TEMPLATE", &Config::oncallTemplate},
    {"LIFTLINE_ONCALL_UPDATE_TEMPLATE", &Config::oncallUpdateTemplate},
    {"LIFTLINE_LANGUAGE", &Config::language},
    {"LIFTLINE_NO_AGENT_REPLY", &Config::noAgentReply},
    {"LIFTLINE_NO_AGENT_REPLY_AF", &Config::noAgentReplyAf},
};

// Whole-number settings: the variable, the field, the range accepted, and the factor from the variable's
// unit to the field's (seconds to milliseconds, say).
struct IntSetting {
    const char *env;
    int Config::*field;
    int min;
    int max;
    int scale;
};

const IntSetting intSettings[] = {
    {"LIFTLINE_HTTP_MAX_HEADER_BYTES", &Config::httpMaxHeaderBytes, 1024, 1 << 20, 1},
    {"LIFTLINE_HTTP_MAX_BODY_BYTES", &Config::httpMaxBodyBytes, 1024, 16 << 20, 1},
    {"LIFTLINE_WEBHOOK_MAX_BODY_BYTES", &Config::webhookMaxBodyBytes, 1024, 64 << 20, 1},
    {"LIFTLINE_HTTP_HEADER_TIMEOUT_SECONDS", &Config::httpHeaderTimeoutMs, 1, 600, 1000},
    {"LIFTLINE_HTTP_BODY_TIMEOUT_SECONDS", &Config::httpBodyTimeoutMs, 1, 3600, 1000},
    {"LIFTLINE_HTTP_IDLE_TIMEOUT_SECONDS", &Config::httpIdleTimeoutMs, 1, 3600, 1000},
    {"LIFTLINE_HTTP_MAX_CONNECTIONS", &Config::httpMaxConnections, 16, 1000000, 1},
    {"LIFTLINE_HTTP_MAX_BUFFERED_BODIES_MB", &Config::httpMaxBufferedBodiesMb, 16, 1 << 20, 1},
    {"LIFTLINE_ESCALATION_POLL_MS", &Config::escalationPollMs, 20, 5000, 1},
    {"LIFTLINE_MEDIA_TIMEOUT_SECONDS", &Config::mediaTimeoutMs, 5, 3600, 1000},
    {"LIFTLINE_MEDIA_CONCURRENCY", &Config::mediaConcurrency, 1, 64, 1},
    {"LIFTLINE_MEDIA_ATTEMPTS", &Config::mediaAttempts, 1, 50, 1},
    {"LIFTLINE_MEDIA_POLL_MS", &Config::mediaPollMs, 50, 60000, 1},
};

// A value of the INI file as written: QSettings reads an unquoted value with commas as a list, which
// toString() would turn into nothing (a password with a comma, "127.0.0.1,::1").
QString iniText(const QSettings &ini, const char *key)
{
    const QVariant v = ini.value(QLatin1String(key));
    return v.metaType().id() == QMetaType::QStringList ? v.toStringList().join(QLatin1Char(','))
                                                       : v.toString();
}

bool parseListen(const QString &text, Config *config, QString *error)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    QString host = colon >= 0 ? text.left(colon) : QString();
    const QString portText = colon >= 0 ? text.mid(colon + 1) : text;
    bool ok = false;
    const uint port = portText.toUInt(&ok);
    if (!ok || port > 65535) {
        *error = QStringLiteral("--listen '%1' must be HOST:PORT, such as 127.0.0.1:8080 or 0.0.0.0:8080")
                     .arg(text);
        return false;
    }
    config->port = quint16(port);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    if (!host.isEmpty()) {
        if (host == QLatin1String("localhost"))
            host = QStringLiteral("127.0.0.1");
        QHostAddress address;
        if (!address.setAddress(host)) {
            *error = QStringLiteral("--listen host '%1' must be an IP address, such as 127.0.0.1 or 0.0.0.0")
                         .arg(host);
            return false;
        }
        config->listenAddress = address;
    }
    return true;
}

bool parseInt(const QString &name, const QString &text, int min, int max, int *out, QString *error)
{
    bool ok = false;
    const int v = text.toInt(&ok);
    if (!ok || v < min || v > max) {
        *error = QStringLiteral("%1 must be a whole number from %2 to %3, not '%4'")
                     .arg(name)
                     .arg(min)
                     .arg(max)
                     .arg(text);
        return false;
    }
    *out = v;
    return true;
}

// An on/off setting: 1 or true, 0 or false (any case); *error names the setting otherwise.
bool parseSwitch(const QString &name, const QString &text, bool *out, QString *error)
{
    const QString v = text.trimmed().toLower();
    if (v == QLatin1String("1") || v == QLatin1String("true")) {
        *out = true;
        return true;
    }
    if (v == QLatin1String("0") || v == QLatin1String("false")) {
        *out = false;
        return true;
    }
    *error = QStringLiteral("%1 must be 1 or true (on) or 0 or false (off), not '%2'").arg(name, text);
    return false;
}

} // namespace

void Config::addOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        {QStringLiteral("config"),
         QStringLiteral("Read settings from an INI file (keys as the environment variables)."),
         QStringLiteral("FILE")},
        {QStringLiteral("listen"),
         QStringLiteral("Address and port to serve on (default 127.0.0.1:8080; env PORT sets the port)."),
         QStringLiteral("HOST:PORT")},
        {QStringLiteral("data-dir"), QStringLiteral("The embedded PostgreSQL's data folder."),
         QStringLiteral("DIR")},
        {QStringLiteral("pg-account"),
         QStringLiteral("As root: the account that runs the embedded PostgreSQL."), QStringLiteral("USER")},
        {QStringLiteral("db-threads"),
         QStringLiteral(
             "Database connections the server keeps (default 4); background work uses at most half."),
         QStringLiteral("N")},
        {QStringLiteral("demo"),
         QStringLiteral("Load the demo registry, open demo tickets and print a one-time "
                        "password for the 'demo' agent.")},
    });
}

namespace {

// The settings read as text and checked once all sources are read: the file, then the environment, then
// the command line, each overriding the one before.
struct RawSettings {
    QString listen;
    QString port;
    int listenRank = 0; // LISTEN and PORT both set the port: whichever comes from the stronger source wins
    int portRank = 0;
    QString threads;
    QString sessionHours;
    QString pingSeconds;
    QString routingHours;
    QString sendTimeout;
    QString agentWords;
    QString directWrite;
    QHash<QByteArray, QString> intValues; // IntSetting values as given, by variable
};

struct RawSetting {
    const char *env;
    QString RawSettings::*field;
};

const RawSetting rawSettings[] = {
    {"LIFTLINE_DB_THREADS", &RawSettings::threads},
    {"LIFTLINE_SESSION_HOURS", &RawSettings::sessionHours},
    {"LIFTLINE_STREAM_PING_SECONDS", &RawSettings::pingSeconds},
    {"WHATSAPP_SEND_TIMEOUT_MS", &RawSettings::sendTimeout},
    {"LIFTLINE_ROUTING_WINDOW_HOURS", &RawSettings::routingHours},
    {"LIFTLINE_AGENT_WORDS", &RawSettings::agentWords},
    {"LIFTLINE_STREAM_DIRECT_WRITE", &RawSettings::directWrite},
};

bool readFile(const QString &file, Config *config, RawSettings *raw, QString *error)
{
    if (!QFileInfo(file).isReadable()) {
        *error = QStringLiteral("Cannot read the settings file %1").arg(file);
        return false;
    }
    QSettings ini(file, QSettings::IniFormat);
    if (ini.status() != QSettings::NoError) {
        *error = QStringLiteral("The settings file %1 is not a valid INI file").arg(file);
        return false;
    }
    for (const Setting &s : stringSettings)
        if (ini.contains(QLatin1String(s.env)))
            config->*s.field = iniText(ini, s.env);
    raw->listen = iniText(ini, "LISTEN");
    raw->port = iniText(ini, "PORT");
    raw->listenRank = raw->listen.isEmpty() ? 0 : 1;
    raw->portRank = raw->port.isEmpty() ? 0 : 1;
    for (const RawSetting &s : rawSettings)
        raw->*s.field = iniText(ini, s.env);
    for (const IntSetting &s : intSettings)
        if (ini.contains(QLatin1String(s.env)))
            raw->intValues[s.env] = iniText(ini, s.env);
    return true;
}

void readEnvironment(Config *config, RawSettings *raw)
{
    for (const Setting &s : stringSettings)
        if (qEnvironmentVariableIsSet(s.env))
            config->*s.field = qEnvironmentVariable(s.env);
    if (qEnvironmentVariableIsSet("LISTEN")) {
        raw->listen = qEnvironmentVariable("LISTEN");
        raw->listenRank = 2;
    }
    if (qEnvironmentVariableIsSet("PORT")) {
        raw->port = qEnvironmentVariable("PORT");
        raw->portRank = 2;
    }
    for (const RawSetting &s : rawSettings)
        if (qEnvironmentVariableIsSet(s.env))
            raw->*s.field = qEnvironmentVariable(s.env);
    for (const IntSetting &s : intSettings)
        if (qEnvironmentVariableIsSet(s.env))
            raw->intValues[s.env] = qEnvironmentVariable(s.env);
}

void readCommandLine(const QCommandLineParser &parser, Config *config, RawSettings *raw)
{
    if (parser.isSet(QStringLiteral("listen"))) {
        raw->listen = parser.value(QStringLiteral("listen"));
        raw->listenRank = 3;
    }
    if (parser.isSet(QStringLiteral("data-dir")))
        config->dataDir = parser.value(QStringLiteral("data-dir"));
    if (parser.isSet(QStringLiteral("pg-account")))
        config->pgAccount = parser.value(QStringLiteral("pg-account"));
    if (parser.isSet(QStringLiteral("db-threads")))
        raw->threads = parser.value(QStringLiteral("db-threads"));
    config->demo = parser.isSet(QStringLiteral("demo"));
}

bool applyAddress(const RawSettings &raw, Config *config, QString *error)
{
    const QString &first = raw.portRank > raw.listenRank ? raw.listen : raw.port;
    const QString &second = raw.portRank > raw.listenRank ? raw.port : raw.listen;
    if (!first.isEmpty() && !parseListen(first, config, error))
        return false;
    // PORT from the stronger source is parsed last even when empty, as before: it must be a port.
    if ((raw.portRank > raw.listenRank || !second.isEmpty()) && !parseListen(second, config, error))
        return false;
    return true;
}

bool applyNumbers(const RawSettings &raw, Config *config, QString *error)
{
    if (!raw.threads.isEmpty() &&
        !parseInt(QStringLiteral("--db-threads"), raw.threads, 1, 64, &config->dbThreads, error))
        return false;
    if (!raw.sessionHours.isEmpty() && !parseInt(QStringLiteral("LIFTLINE_SESSION_HOURS"), raw.sessionHours,
                                                 1, 24 * 30, &config->sessionHours, error))
        return false;
    int ping = config->streamPingMs / 1000;
    if (!raw.pingSeconds.isEmpty()) {
        if (!parseInt(QStringLiteral("LIFTLINE_STREAM_PING_SECONDS"), raw.pingSeconds, 2, 600, &ping, error))
            return false;
        config->streamPingMs = ping * 1000;
    }
    if (!raw.sendTimeout.isEmpty() && !parseInt(QStringLiteral("WHATSAPP_SEND_TIMEOUT_MS"), raw.sendTimeout,
                                                1000, 120000, &config->sendTimeoutMs, error))
        return false;
    if (!raw.routingHours.isEmpty() &&
        !parseInt(QStringLiteral("LIFTLINE_ROUTING_WINDOW_HOURS"), raw.routingHours, 1, 24 * 7,
                  &config->routingWindowHours, error))
        return false;
    for (const IntSetting &s : intSettings) {
        const QString text = raw.intValues.value(s.env).trimmed();
        int value = 0;
        if (text.isEmpty())
            continue;
        if (!parseInt(QLatin1String(s.env), text, s.min, s.max, &value, error))
            return false;
        config->*s.field = value * s.scale;
    }
    return true;
}

// The ladder's text, and each call-out's address: a mistake here is found at start, not during an
// entrapment.
bool applyEscalation(Config *config, QString *error)
{
    config->escalationLadder = config->escalationLadder.trimmed();
    if (!config->escalationLadder.isEmpty()) {
        QString problem;
        const QList<EscalationStore::Step> steps =
            EscalationStore::parseLadder(config->escalationLadder, &problem);
        if (steps.isEmpty()) {
            *error = QStringLiteral("LIFTLINE_ESCALATION_LADDER: %1").arg(problem);
            return false;
        }
        config->escalationLadder = EscalationStore::ladderText(steps);
    }
    const struct {
        const char *name;
        QString *value;
    } urls[] = {{"LIFTLINE_CALLOUT_WEBHOOK_URL", &config->calloutWebhookUrl},
                {"PAGERDUTY_EVENTS_URL", &config->pagerDutyEventsUrl}};
    for (const auto &u : urls) {
        *u.value = u.value->trimmed();
        const QUrl url(*u.value);
        if (!u.value->isEmpty() &&
            (!url.isValid() ||
             (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
             url.host().isEmpty())) {
            *error = QStringLiteral("%1 must be an http:// or https:// address, not '%2'")
                         .arg(QLatin1String(u.name), *u.value);
            return false;
        }
    }
    if (config->pagerDutyEventsUrl.isEmpty())
        config->pagerDutyEventsUrl = QStringLiteral("https://events.pagerduty.com/v2/enqueue");
    for (QString *name : {&config->oncallTemplate, &config->oncallUpdateTemplate}) {
        *name = name->trimmed();
        if (*name == QLatin1String("none"))
            name->clear();
    }
    config->language = config->language.trimmed().toLower();
    if (config->language != QLatin1String("en") && config->language != QLatin1String("af")) {
        *error = QStringLiteral("LIFTLINE_LANGUAGE must be en or af, not '%1'").arg(config->language);
        return false;
    }
    for (auto [name, text] : {std::pair{"LIFTLINE_NO_AGENT_REPLY", &config->noAgentReply},
                              std::pair{"LIFTLINE_NO_AGENT_REPLY_AF", &config->noAgentReplyAf}}) {
        *text = text->trimmed();
        if (text->toUcs4().size() > 1000) {
            *error =
                QStringLiteral("%1 may have at most 1000 characters (it is sent as one WhatsApp message)")
                    .arg(QLatin1String(name));
            return false;
        }
    }
    return true;
}

bool applyChoices(const RawSettings &raw, Config *config, QString *error)
{
    if (!raw.directWrite.trimmed().isEmpty() &&
        !parseSwitch(QStringLiteral("LIFTLINE_STREAM_DIRECT_WRITE"), raw.directWrite,
                     &config->streamDirectWrite, error))
        return false;
    const QString t = config->effectiveTransport();
    if (t != QLatin1String("sandbox") && t != QLatin1String("bridge") && t != QLatin1String("graph")) {
        *error = QStringLiteral("WHATSAPP_TRANSPORT must be sandbox, bridge or graph, not '%1'")
                     .arg(config->transport);
        return false;
    }
    config->hostWebhookForward = config->hostWebhookForward.trimmed().toLower();
    if (config->hostWebhookForward.isEmpty())
        config->hostWebhookForward = QStringLiteral("host");
    if (config->hostWebhookForward != QLatin1String("host") &&
        config->hostWebhookForward != QLatin1String("all")) {
        *error =
            QStringLiteral("HOST_WEBHOOK_FORWARD must be host (button taps and statuses, what the original "
                           "server needs) or all (every body), not '%1'")
                .arg(config->hostWebhookForward);
        return false;
    }
    TrustedProxies proxies;
    if (!TrustedProxies::parse(config->trustedProxies, &proxies, error))
        return false;
    // A server that turned the confirmation off (LIFTLINE_ACK_CONFIRMATION empty) before the Afrikaans text
    // existed keeps it off in both languages, unless the Afrikaans one is set.
    if (config->ackConfirmation.trimmed().isEmpty() &&
        config->ackConfirmationAf == Config().ackConfirmationAf)
        config->ackConfirmationAf.clear();
    for (auto [name, text] : {std::pair{"LIFTLINE_ACK_CONFIRMATION", &config->ackConfirmation},
                              std::pair{"LIFTLINE_ACK_CONFIRMATION_AF", &config->ackConfirmationAf}}) {
        *text = text->trimmed();
        if (text->toUcs4().size() > 1000) {
            *error =
                QStringLiteral("%1 may have at most 1000 characters (it is sent as one WhatsApp message, "
                               "with the agent's name in place of {agent})")
                    .arg(QLatin1String(name));
            return false;
        }
    }
    if (!applyEscalation(config, error))
        return false;
    if (!raw.agentWords.isEmpty()) {
        QStringList words;
        for (const QString &w : raw.agentWords.split(QLatin1Char(','), Qt::SkipEmptyParts))
            if (!w.trimmed().isEmpty())
                words << w.trimmed();
        if (words.isEmpty()) {
            *error = QStringLiteral("LIFTLINE_AGENT_WORDS must name at least one word, such as agent,agents");
            return false;
        }
        config->agentWords = words;
    }
    return true;
}

} // namespace

bool Config::load(const QCommandLineParser &parser, Config *config, QString *error)
{
    RawSettings raw;
    const QString file = parser.value(QStringLiteral("config"));
    if (!file.isEmpty() && !readFile(file, config, &raw, error))
        return false;
    readEnvironment(config, &raw);
    readCommandLine(parser, config, &raw);
    // The first problem found is the one reported.
    return applyAddress(raw, config, error) && applyNumbers(raw, config, error) &&
           applyChoices(raw, config, error);
}

DatabaseTarget::Options Config::database() const
{
    DatabaseTarget::Options options;
    options.databaseUrl = databaseUrl;
    options.embedded.dataDir = dataDir;
    options.embedded.account = pgAccount;
    options.embedded.socketDir = pgSocketDir;
    options.embedded.durable = true;
    return options;
}

QString Config::signingKeyPath() const
{
    if (!signingKeyFile.isEmpty())
        return signingKeyFile;
    return SigningKey::defaultPath(dataDir.isEmpty() ? EmbeddedPostgres::defaultDataDir() : dataDir);
}

QString Config::effectiveTransport() const
{
    if (!transport.isEmpty())
        return transport.toLower();
    if (!bridgeBaseUrl.isEmpty())
        return QStringLiteral("bridge");
    if (!metaAccessToken.isEmpty())
        return QStringLiteral("graph");
    return QStringLiteral("sandbox");
}

QStringList Config::warnings() const
{
    QStringList out;
    if (!adminToken.isEmpty() && adminToken.size() < Auth::minimumTokenLength)
        out << QStringLiteral("ADMIN_TOKEN is shorter than %1 characters and is ignored")
                   .arg(Auth::minimumTokenLength);
    if (!aiToken.isEmpty() && aiToken.size() < Auth::minimumTokenLength)
        out << QStringLiteral("AI_ASSISTANT_TOKEN is shorter than %1 characters and is ignored")
                   .arg(Auth::minimumTokenLength);
    if ((!metaAccessToken.isEmpty() || !bridgeBaseUrl.isEmpty()) &&
        effectiveTransport() == QLatin1String("sandbox"))
        out << QStringLiteral(
            "WhatsApp credentials are set, but WHATSAPP_TRANSPORT=sandbox: replies are stored "
            "and not delivered");
    return out;
}

QString Config::environmentHelp()
{
    return QStringLiteral(
        "Environment (the INI file of --config takes the same keys; flags win over the environment, which "
        "wins\n"
        "over the file):\n"
        "  DATABASE_URL            postgres://USER:PASSWORD@HOST:PORT/DB; unset: run an embedded PostgreSQL\n"
        "  LIFTLINE_DATA_DIR       the embedded PostgreSQL's data folder (as --data-dir)\n"
        "  LIFTLINE_SIGNING_KEY_FILE  the key that signs incident exports (default: signing.key beside\n"
        "                          the data folder; made on first use, mode 0600)\n"
        "  LIFTLINE_PG_ACCOUNT     as root, the account that runs the embedded PostgreSQL (as --pg-account)\n"
        "  LIFTLINE_PG_BINDIR      the PostgreSQL bin folder to use (default: the newest installed)\n"
        "  LIFTLINE_PG_SOCKET_DIR  the embedded PostgreSQL's socket folder (default: a new one in /tmp); "
        "the\n"
        "                          packaged service uses /run/liftline, which commands run beside it reach\n"
        "  LISTEN, PORT            as --listen; PORT alone changes only the port\n"
        "  LIFTLINE_DB_THREADS     as --db-threads\n"
        "  LIFTLINE_SESSION_HOURS  how long an agent's sign-in lasts (default 12)\n"
        "  LIFTLINE_STREAM_PING_SECONDS  how often consoles on the event stream are pinged; one that misses "
        "a\n"
        "                          whole interval is disconnected (default 10)\n"
        "  LIFTLINE_STREAM_DIRECT_WRITE  1 (default): events are written straight to each console's "
        "connection;\n"
        "                          0: through QWebSocket, one by one (slower; to rule the fast path out)\n"
        "  LIFTLINE_ROUTING_WINDOW_HOURS  a technician's open ticket opened this recently comes first "
        "(default 6);\n"
        "                          an older open ticket still takes the message when there is no newer one\n"
        "  LIFTLINE_AGENT_WORDS    words that ask for an agent (default agent,agents)\n"
        "  LIFTLINE_ACK_CONFIRMATION  told to the technician when an agent takes their request, inside the\n"
        "                          24-hour window; {agent} is the agent's name (empty: nothing is sent);\n"
        "                          LIFTLINE_ACK_CONFIRMATION_AF for contacts whose language is af\n"
        "  LIFTLINE_ESCALATION_LADDER  the escalation ladder, such as the default\n"
        "                          0:consoles,30:supervisors,60:oncall1,120:oncall2 (seconds after the "
        "request);\n"
        "                          set here, it is applied at every start and the API may not change it\n"
        "  LIFTLINE_ESCALATION_POLL_MS  due steps are looked for at least this often (default 250)\n"
        "  LIFTLINE_MEDIA_TIMEOUT_SECONDS  fetching one inbound file from WhatsApp, at most (default 120)\n"
        "  LIFTLINE_MEDIA_CONCURRENCY  files this server fetches at once (default 4)\n"
        "  LIFTLINE_MEDIA_ATTEMPTS  tries before a file that cannot be fetched is given up (default 8,\n"
        "                          5 s to 10 min apart)\n"
        "  LIFTLINE_MEDIA_POLL_MS  waiting files are looked for at least this often (default 1000)\n"
        "  LIFTLINE_CALLOUT_WEBHOOK_URL, LIFTLINE_CALLOUT_WEBHOOK_SECRET  a JSON webhook told of every "
        "step,\n"
        "                          acknowledgement and resolution, signed (X-Liftline-Signature-256)\n"
        "  PAGERDUTY_ROUTING_KEY, PAGERDUTY_EVENTS_URL  PagerDuty's Events API v2 for on-call steps\n"
        "                          (default URL https://events.pagerduty.com/v2/enqueue)\n"
        "  LIFTLINE_NO_AGENT_REPLY, LIFTLINE_NO_AGENT_REPLY_AF  what a technician is told at once when no "
        "agent\n"
        "                          is available, in English and Afrikaans (empty: nothing)\n"
        "  LIFTLINE_LANGUAGE       en (default) or af: for technicians whose language the registry does not "
        "know\n"
        "  LIFTLINE_ONCALL_TEMPLATE  the approved WhatsApp template sent to on-call numbers (default\n"
        "                          liftline_oncall_alert; none: no WhatsApp call-outs)\n"
        "  LIFTLINE_ONCALL_UPDATE_TEMPLATE  the template telling those numbers the request was taken or\n"
        "                          closed (default liftline_oncall_update; none: they are not told)\n"
        "  LIFTLINE_HTTP_MAX_HEADER_BYTES  request line and headers, at most (default 16384; more: 431)\n"
        "  LIFTLINE_HTTP_MAX_BODY_BYTES    an API request's body, at most (default 65536; more: 413)\n"
        "  LIFTLINE_WEBHOOK_MAX_BODY_BYTES a webhook body, at most (default 1048576; more: 413)\n"
        "  LIFTLINE_HTTP_HEADER_TIMEOUT_SECONDS  to receive a request's headers (default 10)\n"
        "  LIFTLINE_HTTP_BODY_TIMEOUT_SECONDS    to receive its body (default 30)\n"
        "  LIFTLINE_HTTP_IDLE_TIMEOUT_SECONDS    a keep-alive connection's wait for its next request "
        "(default "
        "75)\n"
        "  LIFTLINE_TRUSTED_PROXIES  proxies in front of the server (addresses or ranges, comma-separated):\n"
        "                          behind them the client is the right-most X-Forwarded-For address that is\n"
        "                          not one of them (default: none; the packaged service trusts "
        "127.0.0.1,::1)\n"
        "  LIFTLINE_HTTP_MAX_CONNECTIONS   open connections at most, event streams included (default 10000;\n"
        "                          never more than the descriptor limit less 256)\n"
        "  LIFTLINE_HTTP_MAX_BUFFERED_BODIES_MB   large bodies (files, the registry) at once, in all "
        "(default\n"
        "                          512); one more is answered 503 before it is read\n"
        "  ADMIN_TOKEN             token with full rights (at least 16 characters, else ignored)\n"
        "  AI_ASSISTANT_TOKEN      token for the AI assistant (at least 16 characters, else ignored)\n"
        "  WHATSAPP_APP_SECRET     signs Meta's webhooks (X-Hub-Signature-256)\n"
        "  WEBHOOK_VERIFY_TOKEN    answers Meta's subscription check\n"
        "  WHATSAPP_REENGAGE_TEMPLATE, WHATSAPP_TEMPLATE_LANGUAGE   the approved template that invites a "
        "technician\n"
        "                          back once their 24-hour window has closed (language default en)\n"
        "  WEBHOOK_AUTH_TOKEN      Bearer token a relay in front of the webhook uses instead of a signature\n"
        "  HOST_WEBHOOK_URL        forward webhook bodies, signed the same way, to the original "
        "lift-alert\n"
        "                          server (retried until it accepts)\n"
        "  HOST_WEBHOOK_FORWARD    host (default): only button taps and statuses, what the original "
        "server's\n"
        "                          alerts need (its chat add-on would store texts twice); all: every body\n"
        "  WHATSAPP_TRANSPORT      sandbox, bridge or graph (default: bridge when BRIDGE_BASE_URL is set, "
        "graph\n"
        "                          when META_ACCESS_TOKEN is, else sandbox)\n"
        "  WHATSAPP_SEND_TIMEOUT_MS  how long a send may take (default 15000)\n"
        "  META_PHONE_NUMBER_ID, META_ACCESS_TOKEN   sending through Meta's Graph API\n"
        "  META_GRAPH_BASE_URL     the Graph API's address (default https://graph.facebook.com/v21.0)\n"
        "  BRIDGE_BASE_URL, BRIDGE_API_KEY           sending through the bridge relay\n"
        "  QT_LOGGING_RULES        e.g. \"liftline.*.debug=true\" for detailed logs\n");
}
