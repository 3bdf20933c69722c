#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QJsonObject>
#include <QList>

// The open conversations (tickets) as the server lists them, kept current by upserting each
// conversation.updated event by id. Rows stay in arrival order; ConversationFilterModel sorts them into
// the emergency lane and the rest, and filters.
class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        TicketIdRole = Qt::UserRole + 1, // int
        ReferenceRole,                   // ticket_reference
        TechnicianRole,                  // contact_name (or the number when the name is unknown)
        TechnicianNumberRole,            // contact_phone
        LiftRole,                        // lift_name ("site - building")
        SiteRole,                        // site_name
        PreviewRole,                     // last_message_preview, one line
        LastMessageAtRole,               // QDateTime (UTC), invalid when no message yet
        UnreadRole,                      // unread_count
        IsOpenRole,                      // status == open
        WaitingRole,                     // an agent request not yet acknowledged: the emergency lane
        AgentRequestedAtRole,            // QDateTime of the request, for the waiting clock
        AcknowledgedByRole,              // who took the request
        AcknowledgedAtRole,              // QDateTime the request was taken; invalid while waiting
        RepliedAtRole,                   // QDateTime of the first reply after the request; invalid before
        TakenRole,                       // bool: a request taken but not yet answered (the clock runs on)
        TitleRole,                       // "reference · technician", or the reference alone
        WindowExpiresAtRole,             // QDateTime the 24-hour window closes; invalid if never opened
        CreatedAtRole,                   // QDateTime the ticket opened
        ConversationRole,                // the whole JSON object, as the server sent it
        EscalationRole,                  // where a waiting request's ladder is ("escalated to supervisors
                                         // at 0:30"); empty when not waiting or not escalated
    };
    Q_ENUM(Role)

    explicit ConversationListModel(QObject *parent = nullptr);

    // Where a conversation's agent request stands, from its JSON: the one rule the list, the lane and the
    // chat header share.
    enum class Request {
        None,     // never asked, or the ticket is closed
        Waiting,  // asked, nobody has taken it: the emergency lane
        Taken,    // taken, the technician not answered yet: the clock runs on
        Answered, // taken and answered
    };
    static Request requestOf(const QJsonObject &conversation);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Replaces everything with a snapshot (GET /api/chat/conversations).
    void reset(const QJsonArray &conversations);
    // Inserts or updates one conversation by its id.
    void upsert(const QJsonObject &conversation);
    // The row of a ticket, or -1.
    int rowOf(int ticketId) const;
    QJsonObject conversation(int ticketId) const;
    // The latest ladder step taken for the ticket's request (request.escalated's `step`): shown while the
    // request waits. A step from before the current request is ignored.
    void setEscalation(int ticketId, const QJsonObject &step);
    // The words for a step, as the rows show it; empty for the first (consoles) step.
    static QString escalationText(const QJsonObject &step);

    // Conversations waiting for an agent, and unread inbound messages, over all rows.
    int waitingCount() const;
    // Whether any row shows a running clock (waiting, or taken and not answered).
    bool hasRunningClocks() const;
    int unreadCount() const;

Q_SIGNALS:
    // The totals above changed.
    void countsChanged();

private:
    struct Row {
        QJsonObject json;
        int id = 0;
        QDateTime lastMessageAt;
        QDateTime agentRequestedAt;
        QDateTime windowExpiresAt;
        QDateTime createdAt;
        QDateTime acknowledgedAt;
        QDateTime repliedAt;
        bool waiting = false;
        bool taken = false;
    };
    static Row makeRow(const QJsonObject &json);

    QList<Row> m_rows;
    QHash<int, int> m_rowOfId;
    QHash<int, QJsonObject> m_escalation; // ticket id -> its request's latest step
};
