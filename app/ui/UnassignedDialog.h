#pragma once

#include <QDialog>

class ApiClient;
class ConversationListModel;
class QComboBox;
class QLabel;
class QListView;
class QPushButton;
class UnassignedModel;

// Messages that matched no ticket; an agent who recognises one attaches it to an open conversation.
class UnassignedDialog : public QDialog {
    Q_OBJECT
public:
    UnassignedDialog(ApiClient *api, UnassignedModel *unassigned, ConversationListModel *conversations,
                     QWidget *parent = nullptr);

private:
    void fillTickets();
    void attach();

    ApiClient *m_api;
    UnassignedModel *m_unassigned;
    ConversationListModel *m_conversations;
    QListView *m_list;
    QComboBox *m_ticket;
    QPushButton *m_attach;
    QLabel *m_status;
};
