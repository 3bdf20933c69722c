#pragma once

#include <QDialog>
#include <QElapsedTimer>
#include <QJsonObject>

class AudioPlayer;
class ConsoleSession;
class IncidentExporter;
class MessageModel;
class QLabel;
class QListView;
class QModelIndex;
class QPushButton;
class QTimer;

// One incident's transcript, read-only: any ticket, open or long resolved, as the server keeps it (the
// same bubbles as the chat), with nothing that changes it: no reply box, no acknowledge, resolve or
// assign. Its files open and save as in the chat. Supervisors and admins export it from here.
class IncidentView : public QDialog {
    Q_OBJECT
public:
    IncidentView(ConsoleSession *session, int ticketId, QWidget *parent = nullptr);

    int ticketId() const { return m_ticket; }
    MessageModel *messages() const { return m_messages; }
    QListView *thread() const { return m_view; }
    QLabel *title() const { return m_title; }
    QLabel *details() const { return m_details; }
    QLabel *status() const { return m_status; }
    QPushButton *exportButton() const { return m_export; }
    IncidentExporter *exporter() const { return m_exporter; }
    // The ticket as the server sent it with the first page (the conversation object).
    QJsonObject ticket() const { return m_conversation; }
    // Saves the signed export: asks where (and JSON or PDF) unless `path` is given (tests); a path ending
    // in .pdf asks for the PDF.
    void exportIncident(const QString &path = QString());
    void loadOlder();

Q_SIGNALS:
    // The first page arrived (or could not be read: status() says why).
    void loaded();

private:
    void showTicket();
    bool activate(const QModelIndex &index);
    void showMenu(const QPoint &at);
    void saveFile(qint64 mediaId, const QString &fileName);
    // Puts the scroll bar m_fromBottom from the end once the view has laid out every row.
    void keepPlace();
    // The status line's words about reading the thread; `always` also over what something else said.
    void showHint(const QString &text, bool always = false);

    ConsoleSession *m_session;
    int m_ticket;
    MessageModel *m_messages;
    AudioPlayer *m_player;
    IncidentExporter *m_exporter;
    QListView *m_view;
    QLabel *m_title;
    QLabel *m_details;
    QLabel *m_status;
    QPushButton *m_export;
    QTimer *m_keepPlace;
    QElapsedTimer m_keepingSince;
    QString m_hint; // what the status line says about reading the thread, when it says it
    QJsonObject m_conversation;
    bool m_loadingOlder = false;
    int m_fromBottom = -1; // scroll distance from the bottom while older messages are inserted
    // The distance from the bottom kept once the place was put back, while rows laid out later (on a busy
    // machine, past keepPlaceLimitMs) still change the scroll bar's range; -1 once the reader scrolls.
    int m_keptFromBottom = -1;
    bool m_settingPlace = false;
};
