#pragma once

#include "HttpServer.h"
#include "chat/Outbox.h"
#include "domain/Principal.h"

#include <QJsonObject>
#include <QMutex>
#include <QObject>
#include <QStringList>
#include <atomic>
#include <functional>

class Auth;
class Db;
class DbPool;
class MessageTransport;
class Sequencer;

// What the route handlers share: the database pool, the credentials, the transport. run() and authed()
// carry a handler's work to a database thread and its answer back, turning errors into the envelope:
// ApiError as it says, an unreachable database as 503, anything else as 500 without details.
class ApiContext : public QObject {
    Q_OBJECT
public:
    // `sequencer` numbers committed events (webhook processing, agents' replies); it outlives the pool.
    ApiContext(DbPool *pool, Sequencer *sequencer, Auth *auth, MessageTransport *transport, int sessionHours,
               QObject *parent = nullptr);

    using Work = std::function<HttpResponse(Db &)>;
    using AuthedWork = std::function<HttpResponse(Db &, const Principal &)>;

    void run(ReplyPtr reply, Work work);
    void authed(const HttpRequest &request, ReplyPtr reply, AuthedWork work);

    // The credentials checked on a database thread (and `check`, e.g. Auth::requireAdmin, on the principal),
    // then then(principal) on this object's thread; a refusal is answered instead. For work that must not
    // start before the caller is known (hashing a password, say).
    void authenticate(const HttpRequest &request, ReplyPtr reply,
                      std::function<void(const Principal &)> check,
                      std::function<void(const Principal &)> then);

    // An admission check (HttpServer::setAdmission) that lets a body come only with valid credentials
    // (and `check` passed on the principal): a large upload is read only for someone who may make it.
    // The route authenticates again when it runs.
    HttpServer::Admission credentialsFirst(std::function<void(const Principal &)> check = {});

    // Hands a message stored as pending to the transport and stores what became of it; `sent`, if given,
    // hears the transport's answer. Nobody waits for the stored status: the consoles see it through the
    // event stream. A database away for a moment is waited for (about 30 s); a send a stopped server
    // abandoned is marked failed by the sweep (ChatStore::failAbandonedSends).
    void sendStored(const Outbox::Prepared &prepared, std::function<void(const SendResult &)> sent = {});

    // Runs on a database thread: the same error handling as run(), for handlers that chain steps.
    static HttpResponse guarded(Db &db, const Work &work, std::atomic<bool> *dbDown = nullptr);

    // 503 with Retry-After: 1, for a request that found the password hashing queue full.
    static HttpResponse hashingBusy();

    // The {ticketId} path argument; throws ApiError 400 invalid_ticket_id.
    // The credentials a request carries (see Auth::presentedToken), empty when none.
    static QByteArray token(const HttpRequest &request);
    static int ticketId(const HttpRequest &request);
    // The body as a JSON object (its size was checked as it was read); throws 415 for another Content-Type,
    // 400 otherwise.
    static QJsonObject jsonBody(const HttpRequest &request, bool allowEmpty = false);
    // A string field, or empty; throws 400 when present with another type.
    static QString stringField(const QJsonObject &body, const QString &name);

    DbPool *pool() const { return m_pool; }
    Auth *auth() const { return m_auth; }
    MessageTransport *transport() const { return m_transport; }
    int sessionHours() const { return m_sessionHours; }
    bool databaseDown() const { return m_dbDown.load(); }
    // The re-engagement template (WHATSAPP_REENGAGE_TEMPLATE) and its language.
    void setTemplate(const QString &name, const QString &language)
    {
        m_templateName = name;
        m_templateLanguage = language;
    }
    QString templateName() const { return m_templateName; }
    Sequencer *sequencer() const { return m_sequencer; }
    QString templateLanguage() const { return m_templateLanguage; }
    // What the technician is told when an agent takes their request (LIFTLINE_ACK_CONFIRMATION; "{agent}"
    // stands for the agent's name); empty: nothing is sent.
    void setConfirmation(const QHash<QString, QString> &byLanguage, const QString &language)
    {
        m_confirmation = byLanguage;
        m_language = language;
    }
    QHash<QString, QString> confirmation() const { return m_confirmation; }
    // LIFTLINE_LANGUAGE: automatic messages to a contact whose language the registry does not know.
    QString language() const { return m_language; }

    // The escalation as this server runs it: whether server.conf fixes the ladder
    // (LIFTLINE_ESCALATION_LADDER: the API may not change it), and the call-out channels configured.
    void setEscalation(bool ladderFixed, const QStringList &channels)
    {
        m_ladderFixed = ladderFixed;
        m_calloutChannels = channels;
    }
    bool ladderFixed() const { return m_ladderFixed; }
    QStringList calloutChannels() const { return m_calloutChannels; }

    // Agent requests nobody has taken, as the maintenance job last counted them (every 5 s while webhook
    // processing leaves it room), for /metrics: monitoring outside the consoles can page on them. count is
    // -1 until the first count.
    struct WaitingRequests {
        std::atomic<qint64> count{-1};
        std::atomic<qint64> oldestSince{0}; // seconds since the epoch; 0 when none
    };
    WaitingRequests &waitingRequests() { return m_waiting; }
    // The files kept and their fetching (MediaStore::usage), as the maintenance job last counted them
    // (every 10 s), for /metrics. files is -1 until the first count.
    struct MediaFigures {
        std::atomic<qint64> files{-1};
        std::atomic<qint64> bytes{0};
        std::atomic<qint64> attachments{0};
        std::atomic<qint64> waiting{0};
        std::atomic<qint64> refused{0};
        std::atomic<qint64> failed{0};
        std::atomic<qint64> unavailable{0};
    };
    MediaFigures &mediaFigures() { return m_media; }
    // The last 24 hours' response figures (EscalationStore::responseReport's summary), as the maintenance
    // job last computed them, for /metrics; empty until the first.
    void setResponseSummary(const QJsonObject &summary)
    {
        const QMutexLocker lock(&m_summaryMutex);
        m_responseSummary = summary;
    }
    QJsonObject responseSummary() const
    {
        const QMutexLocker lock(&m_summaryMutex);
        return m_responseSummary;
    }

private:
    DbPool *m_pool;
    Sequencer *m_sequencer;
    Auth *m_auth;
    MessageTransport *m_transport;
    int m_sessionHours;
    std::atomic<bool> m_dbDown{false};
    QString m_templateName;
    QString m_templateLanguage;
    QHash<QString, QString> m_confirmation;
    QString m_language = QStringLiteral("en");
    WaitingRequests m_waiting;
    MediaFigures m_media;
    mutable QMutex m_summaryMutex;
    QJsonObject m_responseSummary;
    bool m_ladderFixed = false;
    QStringList m_calloutChannels;
};
