#pragma once

#include <QDialog>
#include <QHash>

class ConsoleSession;
class ConversationListModel;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTimer;
class QListView;
class QPushButton;
class UnassignedModel;

// Messages that matched no ticket; an agent who recognises one attaches it to a listed conversation (open,
// or resolved within the hour), or finds the lift it is about and opens a ticket for it. One that asks
// for an agent is taken with "Take the request" (every console stops alerting), or by attaching.
class UnassignedDialog : public QDialog {
    Q_OBJECT
public:
    UnassignedDialog(ConsoleSession *session, UnassignedModel *unassigned,
                     ConversationListModel *conversations, QWidget *parent = nullptr);

    // Selects the message with this id (from a notification's Open), when it is still listed.
    void select(qint64 unassignedId);
    QLineEdit *liftSearch() const { return m_liftSearch; }
    QComboBox *lifts() const { return m_lift; }
    QPushButton *openTicketButton() const { return m_openTicket; }
    QLabel *status() const { return m_status; }
    // The selected message's number: its messages both ways, and a reply to it before it has a ticket.
    QPlainTextEdit *thread() const { return m_thread; }
    QLineEdit *replyText() const { return m_replyText; }
    QPushButton *replyButton() const { return m_reply; }
    QPushButton *viewPhotoButton() const { return m_viewPhoto; }

Q_SIGNALS:
    // A ticket was opened for a message: the agent goes on in its conversation.
    void ticketOpened(int ticketId);

private:
    void fillTickets();
    void attach();
    void acknowledge();
    void updateButtons();
    void searchLifts();
    void loadThread();
    void reply();
    void openTicket();
    static constexpr int OpenTicketRole = Qt::UserRole + 1; // the lift's open ticket id, 0 when none

    ConsoleSession *m_session;
    UnassignedModel *m_unassigned;
    ConversationListModel *m_conversations;
    QListView *m_list;
    QComboBox *m_ticket;
    QPushButton *m_attach;
    QPushButton *m_acknowledge;
    QLabel *m_status;
    QLineEdit *m_liftSearch;
    QComboBox *m_lift;
    QPushButton *m_openTicket;
    QTimer *m_searchDelay;
    quint64 m_search = 0; // the lift search whose answer counts
    QPlainTextEdit *m_thread;
    QLineEdit *m_replyText;
    QPushButton *m_reply;
    QPushButton *m_viewPhoto;
    QString m_threadNumber; // whose thread m_thread shows
    quint64 m_threadLoad = 0;
    QString m_replyId; // the client id of a reply not yet confirmed, kept for a retry of the same text
    bool m_sending = false;
    QHash<QString, QString> m_replyDrafts; // number -> what was typed for it, while another is selected
};
