#pragma once

#include "HistoryQuery.h"

#include <QHash>
#include <QJsonObject>
#include <QMainWindow>
#include <QPointer>
#include <QSet>
#include <QTimer>

class Alarm;
class ApiClient;
class ChatPanel;
class ConsoleSettings;
class HistoryDialog;
class IncidentView;
class RequestsDialog;
class UnassignedDialog;
class UnassignedModel;
class ConsoleSession;
class ConversationDelegate;
class ConversationFilterModel;
class ConversationListModel;
class Notifier;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QSystemTrayIcon;
class QToolButton;

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
    // The resolved tickets the server still lists, in a section of their own, collapsed at first.
    QListView *resolvedList() const { return m_resolvedList; }
    QToolButton *resolvedToggle() const { return m_resolvedToggle; }
    QLineEdit *filter() const { return m_filter; }
    Notifier *notifier() const { return m_notifier.get(); }
    Alarm *alarm() const { return m_alarm; }
    // Shown over the list while the console is not connected.
    QWidget *offlineBanner() const { return m_offlineBanner; }
    // Shown over everything while requests wait, at every width.
    QPushButton *requestBanner() const { return m_requestBanner; }
    // Leaves the console (Console → Quit, Ctrl+Q), asking first while requests wait. Returns whether it
    // is leaving.
    bool requestQuit();
    // Width below which the list and the chat share one pane.
    static constexpr int narrowWidth = 820;
    UnassignedModel *unassigned() const { return m_unassigned; }
    // Every open request with its ladder, owner and timeline (Console → Open requests).
    void showRequests();
    RequestsDialog *requestsDialog() const;
    // The incident history (View → Incident history, Ctrl+H); a search given fills its fields and runs.
    void showHistory(const HistoryQuery &query = {});
    HistoryDialog *historyDialog() const;
    // An incident's transcript, read-only (one window per ticket).
    IncidentView *openIncident(int ticketId);
    // Closes the history and every incident window: what they show is the signed-out user's (called when
    // the session ends or the agent signs out).
    void closeSessionWindows();

Q_SIGNALS:
    void signOutRequested();

protected:
    void resizeEvent(QResizeEvent *event) override;
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    // Whether leaving is all right: asks while requests wait (default: stay).
    bool confirmLeave();
    int waitingRequests() const;
    // Shown, restored and in front (the tray, a notification's Open).
    void bringForward();
    // The highlighted row is the open conversation, in whichever list shows it; none when the filter
    // hides it.
    void syncSelection();
    void updateVisibility();
    void updateBanners();
    void updateResolvedToggle();
    void updateLayout();
    void updateAlerts();
    // key: a ticket's id, or minus the id of an unassigned message that asked for an agent.
    void alertFor(int key, bool reminder = false);
    // A waiting request went up its ladder: said in the status bar, and alerted again past the first step.
    void showEscalation(int key, const QJsonObject &step, const QJsonObject &request);
    // Mutes the alarm for the requests sounding now; a new request sounds again.
    void silenceAlarm();
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
    ConversationFilterModel *m_resolvedProxy;
    ConversationDelegate *m_delegate;
    QLineEdit *m_filter;
    QListView *m_list;
    QListView *m_resolvedList;
    QToolButton *m_resolvedToggle;
    QWidget *m_offlineBanner;
    QLabel *m_offlineText;
    QPushButton *m_requestBanner;
    QPushButton *m_silence;
    ChatPanel *m_chat;
    QWidget *m_listPane;
    QSplitter *m_splitter;
    QStackedWidget *m_stack;
    QLabel *m_connection;
    QLabel *m_unassignedLabel;
    QComboBox *m_status;
    QSystemTrayIcon *m_tray = nullptr;
    std::unique_ptr<Notifier> m_notifier;
    Alarm *m_alarm;
    QTimer m_repeat;     // repeats the alert for requests nobody has taken
    QTimer m_clock;      // repaints the waiting clocks
    QSet<int> m_alerted; // the keys alertFor() raised that nobody has taken yet
    QPointer<UnassignedDialog> m_unassignedDialog;
    QPointer<RequestsDialog> m_requestsDialog;
    QPointer<HistoryDialog> m_historyDialog;
    QHash<int, QPointer<IncidentView>> m_incidents;
    bool m_narrow = false;
    bool m_quitting = false;
    bool m_syncingSelection = false;
    bool m_userNavigating = false; // a key or click in a list is being handled
    bool m_trayNoticeShown = false;
    bool m_chatShown = false; // in the one-pane layout: the chat rather than the list
};
