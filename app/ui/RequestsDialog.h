#pragma once

#include <QDialog>
#include <QJsonArray>
#include <QJsonObject>

class ConsoleSession;
class ConversationListModel;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;
class QTimer;

// Every open request with its ladder state and owner: the supervisor's view. A request shows its
// timeline (received, alerted, each ladder step with its recipients, acknowledged, first reply); a
// supervisor assigns a request's conversation to an agent from here. Kept current while shown.
class RequestsDialog : public QDialog {
    Q_OBJECT
public:
    RequestsDialog(ConsoleSession *session, ConversationListModel *conversations, QWidget *parent = nullptr);

    void refresh();
    QTableWidget *table() const { return m_table; }
    QPlainTextEdit *timeline() const { return m_timeline; }
    QPushButton *assignButton() const { return m_assign; }
    QPushButton *notEmergencyButton() const { return m_notEmergency; }
    QPushButton *blockButton() const { return m_block; }
    // Asks for the reason (given: no question, for tests) and closes the selected request as not an
    // emergency, or blocks its number.
    void markNotEmergency(const QString &reason = QString());
    void blockNumber(const QString &reason = QString());
    // The timeline of one request (GET /api/chat/requests' object), in the agent's words and local times.
    static QString timelineText(const QJsonObject &request);

Q_SIGNALS:
    void openRequested(int ticketId);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void fill(const QJsonArray &requests);
    void showSelected();
    QJsonObject selected() const;
    void assign();

    ConsoleSession *m_session;
    ConversationListModel *m_conversations;
    QTableWidget *m_table;
    QPlainTextEdit *m_timeline;
    QLabel *m_status;
    QPushButton *m_open;
    QPushButton *m_assign;
    QPushButton *m_notEmergency;
    QPushButton *m_block;
    QTimer *m_refresh;
    QJsonArray m_requests;
    bool m_loading = false;
    bool m_again = false; // a refresh was asked for while one was loading
};
