#pragma once

#include "ApiClient.h"
#include "EventStream.h"
#include "HistoryQuery.h"

#include <QJsonArray>
#include <QObject>
#include <QTimer>

class ConversationListModel;
class MediaLoader;
class MessageModel;
class UnassignedModel;

// A signed-in agent's live view of the server: loads the conversation list, keeps it current from the
// event stream (resuming from the list's `seq`, reloading on reset), and feeds the open conversation's
// thread. The widgets only read the models and call the actions.
class ConsoleSession : public QObject {
    Q_OBJECT
public:
    ConsoleSession(ApiClient *api, ConversationListModel *conversations, QObject *parent = nullptr);

    // Starts with a token from sign-in or the credential store.
    void start(const QString &agentName);
    // Kept current with the snapshot and the unassigned.* events.
    void setUnassignedModel(UnassignedModel *model) { m_unassigned = model; }
    void stop();
    QString agentName() const { return m_agentName; }
    EventStream *stream() { return &m_stream; }
    // The files messages carry: thumbnails and whole files, read with this session's credentials.
    MediaLoader *media() const { return m_media; }
    bool snapshotLoaded() const { return m_loaded; }

    // The conversation whose thread `messages` shows (0: none).
    void setOpenConversation(int ticketId, MessageModel *messages);
    int openConversation() const { return m_openTicket; }
    void loadOlder();
    // Whether the agent can see the open conversation (the window shown, not minimised, the chat on
    // screen). While visible, what arrives in it is read, and the server is told; hidden, it stays unread.
    void setOpenVisible(bool visible);
    bool openVisible() const { return m_openVisible; }
    // Marks the open conversation read on the server if it has unread messages and is visible. Reading
    // never takes a request: only acknowledge() and a reply do.
    void markOpenRead();
    // The agent's actions. The widgets call these, never ApiClient, so that what an action changes in the
    // models is done in one place. `done` and `failed` run only while `context` lives.
    using Done = std::function<void()>;
    using Failed = ApiClient::Failed;
    // The agent takes a request: a ticket's id, or minus the id of an unassigned message that asked.
    // Without callbacks, a failure is reported through actionFailed.
    void acknowledge(int key);
    void acknowledge(int key, QObject *context, Done done, Failed failed);
    // Resolves a ticket with the agent's note of what was done.
    void resolve(int ticketId, const QString &note, QObject *context, Done done, Failed failed);
    // Sends the approved re-engagement template (outside the 24-hour window); a failure goes to actionFailed.
    void sendTemplate(int ticketId);
    // Attaches an unassigned message to a ticket.
    void attach(qint64 unassignedId, int ticketId, QObject *context, Done done, Failed failed);
    // The agent's own status: "available", "busy" or "break". Only an available agent's console counts
    // for the server's escalation: with nobody available, on-call staff are called out at once.
    void setStatus(const QString &status);
    QString status() const { return m_status; }
    // The account's role as the server has it ("agent", "supervisor", "admin"), read at start; empty until
    // known. Supervisors (and admins) assign conversations and are the ones the ladder's supervisors step
    // is for.
    QString role() const { return m_role; }
    bool isAdmin() const { return m_role == QLatin1String("admin") || m_admin; }
    bool canAssign() const
    {
        return m_role == QLatin1String("supervisor") || m_role == QLatin1String("admin") || m_admin;
    }
    // Signed incident exports are for supervisors and admins (the server refuses agents).
    bool canExport() const { return canAssign(); }
    // A supervisor gives a conversation to an agent (by username): it is theirs, as if they had taken it.
    void assign(int ticketId, const QString &username, QObject *context, Done done, Failed failed);
    // Reads for the widgets, answered with the server's JSON: the agents online (presence entries), the
    // open requests with their ladder steps, one ticket's incident card (with its versions), and the
    // ticket's participants.
    void onlineAgents(QObject *context, ApiClient::Ok ok, Failed failed);
    void openRequests(QObject *context, ApiClient::Ok ok, Failed failed);
    void incident(int ticketId, QObject *context, ApiClient::Ok ok, Failed failed);
    // Saves the changed fields of the card on top of `version`; a stale version is refused (409).
    void saveIncident(int ticketId, int version, const QJsonObject &fields, QObject *context,
                      ApiClient::Ok ok, Failed failed);
    void participants(int ticketId, QObject *context, ApiClient::Ok ok, Failed failed);
    // A message as first stored with every edit, deletion and reaction since (administrators only).
    void messageHistory(qint64 messageId, QObject *context, ApiClient::Ok ok, Failed failed);
    // Lifts by name or SIM number, and opening a ticket on one for an unassigned message.
    void findLifts(const QString &query, QObject *context, ApiClient::Ok ok, Failed failed);
    void openTicket(qint64 unassignedId, const QString &liftMsisdn, QObject *context, ApiClient::Ok ok,
                    Failed failed);
    // Closes a request that is not an emergency (its conversation is taken in the agent's name), and blocks a
    // number whose requests then alert the consoles only. Both need a reason; both are audited.
    void notEmergency(qint64 requestId, const QString &reason, QObject *context, ApiClient::Ok ok,
                      Failed failed);
    void blockNumber(const QString &number, const QString &reason, QObject *context, ApiClient::Ok ok,
                     Failed failed);
    // A number with no ticket: its messages both ways, and a reply to it (sent once per client id).
    void unassignedThread(qint64 unassignedId, QObject *context, ApiClient::Ok ok, Failed failed);
    void replyUnassigned(qint64 unassignedId, const QString &text, const QString &clientMessageId,
                         QObject *context, ApiClient::Ok ok, Failed failed);
    // The incident history, a page at a time.
    void history(const HistoryQuery &query, QObject *context, ApiClient::Ok ok, Failed failed);
    // Any ticket's thread, open or resolved, without making it the open conversation: the newest `limit`
    // messages before message id `before` (0: the newest), with the ticket (the read-only view).
    void readThread(int ticketId, int limit, qint64 before, QObject *context, ApiClient::Ok ok,
                    Failed failed);
    // A ticket's signed export ("json" or "pdf"): its bytes and headers exactly as the server sent them.
    void exportIncident(int ticketId, const QString &format, QObject *context, ApiClient::Downloaded ok,
                        Failed failed);
    // The public key that checks exports, and its fingerprint.
    void signingKey(QObject *context, ApiClient::Ok ok, Failed failed);
    // The server this session talks to (drafts are kept per server).
    QString serverUrl() const { return m_api->baseUrl().toString(); }
    // Sends on the open conversation as a pending bubble first; returns the client message id. A send that
    // got no answer (the connection was down) is sent again with the same id once the event stream is
    // back, which the server stores at most once.
    QString send(const QString &text);
    // Sends a file with its caption on the open conversation, as a pending bubble first; returns the client
    // message id. The bytes are kept until the server answers, for a retry.
    QString sendFile(const QByteArray &bytes, const QString &mimeType, const QString &fileName,
                     const QString &caption);
    // The participant the next send() goes to; empty: the server's default (the last one who wrote).
    void setRecipient(const QString &number) { m_recipient = number; }
    QString recipient() const { return m_recipient; }
    void retry(const QString &clientMessageId);
    // Sends waiting for the connection to come back.
    int unsentCount() const { return int(m_unsent.size()); }

    static QString newClientMessageId();

Q_SIGNALS:
    void snapshotFailed(const RequestError &error);
    void agentRequested(int ticketId, const QJsonObject &request);
    // A request nobody has taken went up its escalation ladder: `key` as acknowledge() takes it, `step`
    // with its action (consoles, supervisors, oncall), level, after_seconds and recipients.
    void requestEscalated(int key, const QJsonObject &step, const QJsonObject &request);
    void statusChanged(const QString &status);
    void roleChanged(const QString &role);
    // Someone saved the ticket's incident card (incident.updated).
    void incidentUpdated(int ticketId, const QJsonObject &card);
    // A reply to a number with no ticket was stored or changed (unassigned.replied); `to_number` says whose.
    void unassignedReplied(const QJsonObject &reply);
    void actionFailed(const QString &what, const RequestError &error);
    void threadLoaded(int ticketId);
    void olderLoaded(int ticketId, int count);
    // The session ended (401 or a 1008 close): sign in again.
    void signedOut(const QString &reason);

private:
    void loadSnapshot(bool resetStream);
    void onEvent(qint64 seq, const QString &event, int ticketId, const QJsonObject &data);
    // markRead: the agent opened the conversation (which also takes a pending agent request); a reload
    // after a reset or a new sign-in does not.
    void loadThread(bool markRead);
    void sendWithId(int ticketId, const QString &text, const QString &clientMessageId, const QString &to);
    void resendUnsent();
    // The open requests' latest ladder steps, for the list's rows (after a snapshot: events keep them).
    void loadEscalations();

    ApiClient *m_api;
    MediaLoader *m_media;
    ConversationListModel *m_conversations;
    EventStream m_stream;
    QString m_agentName;
    QString m_status = QStringLiteral("available");
    QString m_role;
    bool m_admin = false;
    QString m_recipient;
    bool m_loaded = false;
    bool m_loading = false;
    int m_openTicket = 0;
    MessageModel *m_messages = nullptr;
    UnassignedModel *m_unassigned = nullptr;
    bool m_loadingOlder = false;
    // Answers to requests made before stop() are dropped: a new sign-in starts over.
    quint64 m_generation = 0;
    // Events for the open conversation that arrive while its page loads, applied after it by number.
    bool m_threadLoading = false;
    quint64 m_threadLoad = 0; // the page load whose answer counts; earlier ones are ignored
    QList<std::pair<qint64, QJsonObject>> m_threadEvents;
    QHash<QString, QString> m_pendingText; // client message id -> text, for a retry
    struct PendingFile {
        int ticketId = 0;
        QByteArray bytes;
        QString mimeType;
        QString fileName;
        QString caption;
        QString to;
    };
    QHash<QString, PendingFile> m_pendingFiles; // client message id -> a file not yet stored, for a retry
    void sendFileWithId(const PendingFile &file, const QString &clientMessageId);
    struct Unsent {
        int ticketId = 0;
        QString text;
        QString to;
    };
    QHash<QString, Unsent> m_unsent; // client message id -> a send that got no answer
    bool m_openVisible = true;
    bool m_arrived = false; // an inbound message arrived in the open conversation since the last mark-read
    QTimer m_readTimer;     // gathers arrivals into one mark-read
};
