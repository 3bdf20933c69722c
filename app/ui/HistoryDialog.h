#pragma once

#include "HistoryQuery.h"

#include <QDate>
#include <QDialog>

class ConsoleSession;
class HistoryModel;
class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

// The incident history (View → Incident history): incidents old and new found by what was said, the
// lift, the site, the technician, the reference, the status and the days they were opened, newest first,
// a page at a time ("Older incidents"). The server's refusals are shown in its words. Opening a result
// shows its transcript read-only (openRequested).
class HistoryDialog : public QDialog {
    Q_OBJECT
public:
    explicit HistoryDialog(ConsoleSession *session, QWidget *parent = nullptr);

    // The search the fields describe, and running it (the first page).
    HistoryQuery query() const;
    void search();
    // Fills the fields from `query` and runs it (the earlier incidents beside a chat hand one over).
    void search(const HistoryQuery &query);
    // The next page of the last search, below the rows there.
    void loadOlder();
    // Incidents per page (the server's default, 25, unless set).
    void setPageSize(int incidents) { m_pageSize = incidents; }
    // The days offered (a month ago to today) follow the calendar: those the agent has not changed are set
    // again from `today`. Done whenever the dialog is shown or brought forward, and when a day is ticked.
    void refreshDefaultDates(const QDate &today = QDate::currentDate());

    HistoryModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QLineEdit *textField() const { return m_text; }
    QLineEdit *liftField() const { return m_lift; }
    QLineEdit *siteField() const { return m_site; }
    QLineEdit *technicianField() const { return m_technician; }
    QLineEdit *referenceField() const { return m_reference; }
    QComboBox *statusField() const { return m_status; }
    QCheckBox *fromCheck() const { return m_fromOn; }
    QDateEdit *fromField() const { return m_from; }
    QCheckBox *toCheck() const { return m_toOn; }
    QDateEdit *toField() const { return m_to; }
    QPushButton *searchButton() const { return m_search; }
    QPushButton *olderButton() const { return m_older; }
    QPushButton *openButton() const { return m_open; }
    QLabel *state() const { return m_state; }
    bool isSearching() const { return m_loading; }

Q_SIGNALS:
    void openRequested(int ticketId);
    // A page arrived, or the search was refused (state() says what).
    void searched();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void run(const HistoryQuery &query, bool more);
    void clear();
    void openSelected();
    void updateButtons();

    ConsoleSession *m_session;
    HistoryModel *m_model;
    QLineEdit *m_text;
    QLineEdit *m_lift;
    QLineEdit *m_site;
    QLineEdit *m_technician;
    QLineEdit *m_reference;
    QComboBox *m_status;
    QCheckBox *m_fromOn;
    QDateEdit *m_from;
    QCheckBox *m_toOn;
    QDateEdit *m_to;
    QPushButton *m_search;
    QPushButton *m_clear;
    QPushButton *m_older;
    QPushButton *m_open;
    QTableView *m_table;
    QLabel *m_state;
    HistoryQuery m_last;      // the search the rows come from (the next page repeats it)
    int m_nextBefore = 0;     // the next page's `before`; 0 on the last page
    quint64 m_generation = 0; // answers to a search replaced by a newer one are dropped
    int m_pageSize = 0;
    bool m_loading = false;
    QDate m_defaultFrom; // what refreshDefaultDates() last put in the fields
    QDate m_defaultTo;
};
