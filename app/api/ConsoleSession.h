#pragma once

#include "ApiClient.h"
#include "EventStream.h"

#include <QJsonArray>
#include <QObject>

class ConversationListModel;
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
    bool snapshotLoaded() const { return m_loaded; }

    // The conversation whose thread `messages` shows (0: none).
    void setOpenConversation(int ticketId, MessageModel *messages);
    int openConversation() const { return m_openTicket; }
    void loadOlder();
    // The agent brought the open conversation forward again: mark it read (and take a request).
    void markOpenRead();
    // Sends as a pending bubble first; returns the client message id.
    QString send(const QString &text);
    void retry(const QString &clientMessageId);

    static QString newClientMessageId();

Q_SIGNALS:
    void snapshotFailed(const RequestError &error);
    void agentRequested(int ticketId, const QJsonObject &request);
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
    void sendWithId(const QString &text, const QString &clientMessageId);

    ApiClient *m_api;
    ConversationListModel *m_conversations;
    EventStream m_stream;
    QString m_agentName;
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
};
