#pragma once

#include <QDialog>
#include <QJsonObject>

class ConsoleSession;
class QLabel;
class QTreeWidget;

// A message's record for administrators: the message as first stored (its text, sender, WhatsApp's time
// and the time it was received), then every edit, deletion and reaction in the order it arrived, each with
// its times and whether it applies (only the sender edits or deletes a message), and the file's checked
// facts. Read-only; read from GET /api/chat/messages/{id}/history when it opens.
class MessageHistoryDialog : public QDialog {
    Q_OBJECT
public:
    MessageHistoryDialog(ConsoleSession *session, qint64 messageId, QWidget *parent = nullptr);

    QTreeWidget *entries() const { return m_entries; }
    QString problem() const { return m_problem; }
    // Fills the dialog from the server's answer ({"history": {...}}).
    void display(const QJsonObject &history);

Q_SIGNALS:
    void loaded();

private:
    QLabel *m_summary;
    QTreeWidget *m_entries;
    QString m_problem;
};
