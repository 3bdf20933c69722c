#pragma once

#include <QDialog>

class ConsoleSession;
class ConversationListModel;
class QComboBox;
class QLabel;
class QListView;
class QPushButton;
class UnassignedModel;

// Messages that matched no ticket; an agent who recognises one attaches it to an open conversation. One
// that asks for an agent is taken with "Take the request" (every console stops alerting), or by attaching.
class UnassignedDialog : public QDialog {
    Q_OBJECT
public:
    UnassignedDialog(ConsoleSession *session, UnassignedModel *unassigned,
                     ConversationListModel *conversations, QWidget *parent = nullptr);

    // Selects the message with this id (from a notification's Open), when it is still listed.
    void select(qint64 unassignedId);

private:
    void fillTickets();
    void attach();
    void acknowledge();
    void updateButtons();

    ConsoleSession *m_session;
    UnassignedModel *m_unassigned;
    ConversationListModel *m_conversations;
    QListView *m_list;
    QComboBox *m_ticket;
    QPushButton *m_attach;
    QPushButton *m_acknowledge;
    QLabel *m_status;
};
