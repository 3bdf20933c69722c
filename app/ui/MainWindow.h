#pragma once

#include <QMainWindow>
#include <QPointer>
#include <QSet>
#include <QTimer>

class ApiClient;
class ChatPanel;
class ConsoleSettings;
class UnassignedDialog;
class UnassignedModel;
class ConsoleSession;
class ConversationDelegate;
class ConversationFilterModel;
class ConversationListModel;
class Notifier;
class QLabel;
class QLineEdit;
class QListView;
class QSplitter;
class QStackedWidget;
class QSystemTrayIcon;

// The agent's window: the conversation list with its emergency lane beside the open chat (one pane with
// a back action when narrow), the connection state, and the alerts for agent requests.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // settings: null uses the stored ones.
    MainWindow(ApiClient *api, ConsoleSession *session, ConversationListModel *conversations,
               ConsoleSettings *settings = nullptr, QWidget *parent = nullptr);
    ~MainWindow() override;

    void openConversation(int ticketId);
    ChatPanel *chat() const { return m_chat; }
    QListView *list() const { return m_list; }
    QLineEdit *filter() const { return m_filter; }
    Notifier *notifier() const { return m_notifier.get(); }
    // Width below which the list and the chat share one pane.
    static constexpr int narrowWidth = 820;
    UnassignedModel *unassigned() const { return m_unassigned; }

Q_SIGNALS:
    void signOutRequested();

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void updateLayout();
    void updateAlerts();
    // key: a ticket's id, or minus the id of an unassigned message that asked for an agent.
    void alertFor(int key);
    void showUnassigned(qint64 select = 0);
    void showConnectionState();
    void moveSelection(int delta);
    void applySettings();
    void buildMenus();

    ApiClient *m_api;
    ConsoleSession *m_session;
    ConversationListModel *m_conversations;
    ConsoleSettings *m_settings;
    UnassignedModel *m_unassigned;
    ConversationFilterModel *m_proxy;
    ConversationDelegate *m_delegate;
    QLineEdit *m_filter;
    QListView *m_list;
    ChatPanel *m_chat;
    QWidget *m_listPane;
    QSplitter *m_splitter;
    QStackedWidget *m_stack;
    QLabel *m_connection;
    QLabel *m_unassignedLabel;
    QSystemTrayIcon *m_tray = nullptr;
    std::unique_ptr<Notifier> m_notifier;
    QTimer m_repeat;     // repeats the alert for requests nobody has taken
    QTimer m_clock;      // repaints the waiting clocks
    QSet<int> m_alerted; // the keys alertFor() raised that nobody has taken yet
    QPointer<UnassignedDialog> m_unassignedDialog;
    bool m_narrow = false;
    bool m_chatShown = false; // in the one-pane layout: the chat rather than the list
};
