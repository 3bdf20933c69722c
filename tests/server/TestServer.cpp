#include "TestServer.h"

#include <QTemporaryDir>

#include "auth/AgentStore.h"
#include "auth/PasswordHasher.h"
#include "db/Db.h"
#include "db/DbPool.h"
#include "domain/Principal.h"
#include "http/WebhookRoutes.h"
#include "whatsapp/WebhookBody.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <QTest>

TestServer::TestServer(const DbParams &db, Config config)
{
    m_app = std::make_unique<ServerApp>(config);
    m_app->useDatabase(db);
    QString error;
    if (!m_app->start(&error))
        qFatal("The test server did not start: %s", qPrintable(error));
    m_http = std::make_unique<HttpClient>(baseUrl());
}

TestServer::~TestServer() = default;

Config TestServer::defaultConfig()
{
    Config c;
    c.listenAddress = QHostAddress::LocalHost;
    c.port = 0;
    c.adminToken = QString::fromLatin1(adminToken);
    c.aiToken = QString::fromLatin1(aiToken);
    c.dbThreads = 3;
    c.sandboxStatuses = false;
    // A request that finds no agent available tells the technician so, by a message in the transcript.
    // Suites that are not about the escalation keep their transcripts to what they write themselves;
    // tst_escalation turns the reply on.
    c.noAgentReply.clear();
    c.noAgentReplyAf.clear();
    // Exports are signed with a key of this test program's own, never one in the home folder.
    static QTemporaryDir keys;
    c.signingKeyFile = keys.path() + QStringLiteral("/signing.key");
    return c;
}

QUrl TestServer::baseUrl() const
{
    return QUrl(m_app->url());
}

QByteArray TestServer::technicianText(const QString &wamid, const QString &text, const QString &from)
{
    return QStringLiteral(
               R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"27110000000","phone_number_id":"1"},"contacts":[{"profile":{"name":"Sipho"},"wa_id":"%4"}],"messages":[{"from":"%4","id":"%1","timestamp":"%2","type":"text","text":{"body":"%3"}}]}}]}]})")
        .arg(wamid)
        .arg(QDateTime::currentSecsSinceEpoch())
        .arg(text, from)
        .toUtf8();
}

HttpResult TestServer::postWebhook(const QByteArray &body)
{
    return m_http->post(QStringLiteral("/webhooks/whatsapp"), body,
                        {{"X-Hub-Signature-256", WebhookBody::signature(body, m_app->webhookSecret())}});
}

QJsonObject TestServer::firstMessage(const QByteArray &body)
{
    const QJsonObject value = QJsonDocument::fromJson(body)
                                  .object()
                                  .value(QLatin1String("entry"))
                                  .toArray()
                                  .first()
                                  .toObject()
                                  .value(QLatin1String("changes"))
                                  .toArray()
                                  .first()
                                  .toObject()
                                  .value(QLatin1String("value"))
                                  .toObject();
    return value.value(QLatin1String("messages")).toArray().first().toObject();
}

QByteArray TestServer::signIn(const QString &username, const QString &displayName, const QString &role)
{
    const QString password = QStringLiteral("correct horse battery staple");
    static QString hash = PasswordHasher::hash(password);
    {
        Db db(m_app->pool()->params(), QStringLiteral("test-sign-in"));
        AgentStore::Account existing;
        if (!AgentStore::find(db, username, &existing))
            AgentStore::add(db, username, displayName, role, hash, Principal::cli());
    }
    const HttpResult r =
        m_http->postJson(QStringLiteral("/api/auth/login"),
                         {{QStringLiteral("username"), username}, {QStringLiteral("password"), password}});
    if (r.status != 200)
        qFatal("Sign-in failed: %d %s", r.status, r.body.constData());
    return r.json.value(QStringLiteral("token")).toString().toLatin1();
}
