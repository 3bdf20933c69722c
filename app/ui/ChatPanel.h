#pragma once

#include "HistoryQuery.h"

#include <QJsonObject>
#include <QUrl>
#include <QWidget>

#include <functional>
#include <memory>

class AudioPlayer;
class Composer;
class EarlierIncidentsPanel;
class IncidentExporter;
class QAction;
class QModelIndex;
class QTemporaryDir;
class IncidentCardPanel;
class QComboBox;
class ConsoleSettings;
class ConsoleSession;
class MessageModel;
class MessageHistoryDialog;
class QLabel;
class QListView;
class QPushButton;

// The open conversation: who and where, the ticket's state and the 24-hour window, the thread, the
// composer, and the actions on the ticket.
class ChatPanel : public QWidget {
    Q_OBJECT
public:
    explicit ChatPanel(ConsoleSession *session, QWidget *parent = nullptr);
    ~ChatPanel() override;

    void open(int ticketId);
    int ticketId() const { return m_ticket; }
    // Whether the open conversation's ticket is resolved: a reply or a file then goes only once confirmed.
    bool isResolved() const;
    // Where drafts are kept (per server and conversation); without it they live only while open.
    void setSettings(ConsoleSettings *settings) { m_settings = settings; }
    // The request's owner and clock as the header shows them ("Thandi has it · 0:42"); empty when none.
    QString ownerText() const;
    // The conversation changed (an event): header, window and actions follow.
    void setConversation(const QJsonObject &conversation);
    void setClockOffsetMs(qint64 ms) { m_offsetMs = ms; }
    Composer *composer() const { return m_composer; }
    // The back action exists only where the list and the chat share one pane.
    void setBackVisible(bool visible);
    QListView *thread() const { return m_view; }
    IncidentCardPanel *incidentCard() const { return m_card; }
    QPushButton *incidentToggle() const { return m_cardToggle; }
    // Shown to supervisors and admins: gives the conversation to an agent.
    QPushButton *assignButton() const { return m_assign; }
    // The lift's and the technician's earlier incidents, beside the chat (Ctrl+E).
    EarlierIncidentsPanel *earlierIncidents() const { return m_earlier; }
    QPushButton *earlierToggle() const { return m_earlierToggle; }
    // Shown to supervisors and admins: saves the conversation's signed export.
    QPushButton *exportButton() const { return m_export; }
    IncidentExporter *exporter() const { return m_exporter; }
    // Asks where to save the export (JSON or PDF) unless `path` is given (tests; .pdf asks for the PDF).
    void exportIncident(const QString &path = QString());
    // Who a reply goes to, shown when more than one person wrote on the ticket.
    QComboBox *recipientBox() const { return m_to; }
    // Asks for the agent (from those online) and assigns; `username` given skips the question (tests).
    void assign(const QString &username = QString());
    MessageModel *messages() const { return m_messages; }
    AudioPlayer *audioPlayer() const { return m_player; }
    // What a message's file, place or contact does when activated (clicked, Enter, double-click): a photo
    // opens in the viewer, a recording plays or pauses, a video or document is offered to open or save, a
    // place opens on the map, a contact card is copied. Returns false when the message has none.
    bool activateMedia(const QModelIndex &index);
    // The actions of a message's file, place or contact, as the context menu offers them.
    QList<QAction *> mediaActions(const QModelIndex &index, QObject *parent);
    // The context menu's actions for a message: its file's, place's or contact's, and for administrators
    // the message's history (every version, the compliance record).
    QList<QAction *> messageActions(const QModelIndex &index, QObject *parent);
    MessageHistoryDialog *showHistory(qint64 messageId);
    // How links and files are handed to the desktop (QDesktopServices by default; tests record them).
    void setUrlOpener(std::function<void(const QUrl &)> opener) { m_openUrl = std::move(opener); }
    // Asks the agent a yes/no question (a message box; tests answer it themselves).
    void setConfirmer(std::function<bool(const QString &title, const QString &question)> confirm)
    {
        m_confirm = std::move(confirm);
    }
    // Opens the file with the desktop's application for it (written to a private temporary folder), or
    // saves it where the agent says.
    void openFile(qint64 mediaId, const QString &fileName);
    void saveFile(qint64 mediaId, const QString &fileName, const QString &path = QString());
    // Sends a file from disk (the Attach button, a drop, a paste of files) or a pasted picture, with the
    // reply box's text as its caption. Refused here, with the reason, when it cannot go: too large for
    // WhatsApp, not readable, or no conversation open. Returns whether it was handed to the session.
    bool sendFile(const QString &path);
    // The name a received file is opened and saved under: the sender's (never a path), with the extension
    // of the type its content was checked to be.
    static QString fileNameFor(const QJsonObject &media);
    bool sendImage(const QImage &image);
    QPushButton *attachButton() const { return m_attach; }

Q_SIGNALS:
    void backRequested();
    // An earlier incident to read (read-only), and the history view with a search.
    void incidentRequested(int ticketId);
    void historyRequested(const HistoryQuery &query);
    void problem(const QString &text);
    // Something done that the agent should see (a contact copied, a file saved).
    void notice(const QString &text);

protected:
    void resizeEvent(QResizeEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void refreshHeader();
    void send();
    bool confirmSendOnResolved();
    void resolve();
    void updateCounter();
    void loadParticipants();
    QString draftScope() const;

    ConsoleSession *m_session;
    MessageModel *m_messages;
    AudioPlayer *m_player;
    std::function<void(const QUrl &)> m_openUrl;
    std::unique_ptr<QTemporaryDir> m_openedFiles;
    QListView *m_view;
    Composer *m_composer;
    QLabel *m_title;
    QLabel *m_details;
    QLabel *m_window;
    QLabel *m_counter;
    QLabel *m_owner;
    QLabel *m_closedNote;
    ConsoleSettings *m_settings = nullptr;
    int m_confirmedClosedSend = 0; // the closed ticket the agent agreed to write on anyway
    std::function<bool(const QString &, const QString &)> m_confirm;
    QPushButton *m_back;
    QPushButton *m_send;
    QPushButton *m_attach;
    QPushButton *m_acknowledge;
    QPushButton *m_resolve;
    QPushButton *m_template;
    QPushButton *m_assign;
    QPushButton *m_cardToggle;
    IncidentCardPanel *m_card;
    QPushButton *m_earlierToggle;
    EarlierIncidentsPanel *m_earlier;
    QPushButton *m_export;
    IncidentExporter *m_exporter;
    QComboBox *m_to;
    QLabel *m_toLabel;
    QStringList m_participants; // their numbers, as the combo lists them
    QJsonObject m_conversation;
    int m_ticket = 0;
    qint64 m_offsetMs = 0;
    bool m_stickToBottom = true;
    int m_fromBottom = -1; // scroll distance from the bottom while older messages are inserted
};
