#pragma once

#include "HistoryQuery.h"

#include <QJsonArray>
#include <QWidget>

class ConsoleSession;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QPushButton;

// Beside the open chat: the lift's earlier incidents and the technician's (from the incident history),
// the open ticket left out, each opened read-only with a double-click or Enter. Read once per
// conversation (and again only when the technician who writes changes), never on every event.
class EarlierIncidentsPanel : public QWidget {
    Q_OBJECT
public:
    // Incidents listed per section; the rest are a click away in the history view.
    static constexpr int shown = 10;

    explicit EarlierIncidentsPanel(ConsoleSession *session, QWidget *parent = nullptr);

    // The open conversation (0: none), its lift and the technician who writes on it (empty: nobody yet).
    // Reads what is not already shown for them.
    void setConversation(int ticketId, const QString &liftMsisdn, const QString &technicianNumber,
                         const QString &technicianName);
    int ticketId() const { return m_ticket; }
    QListWidget *liftList() const { return m_lift.list; }
    QListWidget *technicianList() const { return m_technician.list; }
    // Distinct incidents listed in both sections.
    int count() const;
    bool isLoading() const { return m_lift.loading || m_technician.loading; }

Q_SIGNALS:
    void openRequested(int ticketId);
    // "More in the history…": the history view with this search.
    void historyRequested(const HistoryQuery &query);
    // The lists changed (loaded, or emptied for another conversation).
    void changed();

private:
    struct Section {
        QLabel *title = nullptr;
        QListWidget *list = nullptr;
        QPushButton *more = nullptr;
        HistoryQuery query; // what the list shows (empty lift and technician: nothing)
        int ticket = 0;     // the conversation it was read for (left out of it)
        quint64 load = 0;   // the answer that counts
        bool loading = false;
    };
    void setUp(Section &section, const QString &accessibleName);
    void load(Section &section, const HistoryQuery &query);
    void fill(Section &section, const QJsonArray &incidents, bool more);
    void note(Section &section, const QString &text);
    static bool sameSearch(const HistoryQuery &a, const HistoryQuery &b);

    ConsoleSession *m_session;
    Section m_lift;
    Section m_technician;
    int m_ticket = 0;
};
