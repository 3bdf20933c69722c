#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QWidget>

class ConsoleSession;
class QCheckBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

// The incident card of the open ticket, beside the chat: people trapped, injuries, where, the services
// called and when, when people were released, notes. Each save is a version on the server; a save made
// on an older version than the server's is refused, and the agent is told who saved since, never
// overwriting them silently. Changes other consoles save appear here unless the agent is editing.
class IncidentCardPanel : public QWidget {
    Q_OBJECT
public:
    explicit IncidentCardPanel(ConsoleSession *session, QWidget *parent = nullptr);

    // Loads the ticket's card (0: none).
    void open(int ticketId);
    int ticketId() const { return m_ticket; }
    // Server time minus local time, so that "now" is the server's (it refuses times in the future).
    void setClockOffsetMs(qint64 ms) { m_offsetMs = ms; }
    // Whether the fields differ from the version they were loaded from.
    bool isDirty() const { return m_dirty; }
    int version() const { return m_card.value(QStringLiteral("version")).toInt(); }
    // The changed fields, as the save sends them (empty when nothing changed).
    QJsonObject changes() const;
    void save();
    // Someone saved the card of `ticketId` (incident.updated).
    void onUpdated(int ticketId, const QJsonObject &card);

    QSpinBox *peopleTrapped() const { return m_people; }
    QLineEdit *injuries() const { return m_injuries; }
    QLineEdit *position() const { return m_position; }
    QCheckBox *service(const QString &name) const;
    QCheckBox *released() const { return m_released; }
    QPlainTextEdit *notes() const { return m_notes; }
    QLabel *state() const { return m_state; }
    QPushButton *saveButton() const { return m_save; }

Q_SIGNALS:
    void saved(int version);
    void problem(const QString &text);

private:
    struct Service {
        QString name;
        QCheckBox *called = nullptr;
        QDateTimeEdit *at = nullptr;
    };
    // Shows the stored card, with `keep` (changed fields) over it.
    void fill(const QJsonObject &stored, const QJsonObject &keep = {});
    // A newer stored version becomes the base; the agent's unsaved changes stay in the fields.
    void rebase(const QJsonObject &newer);
    void markDirty();
    void showState();
    QJsonArray servicesValue() const;
    QDateTime serverNow() const;

    ConsoleSession *m_session;
    QSpinBox *m_people;
    QLineEdit *m_injuries;
    QLineEdit *m_position;
    QList<Service> m_services;
    QCheckBox *m_released;
    QDateTimeEdit *m_releasedAt;
    QPlainTextEdit *m_notes;
    QLabel *m_state;
    QPushButton *m_save;
    QJsonObject m_card; // the version the fields were loaded from
    QString m_merged;   // who saved the version the agent's unsaved changes now sit on
    // Unsaved changes of the cards left for another conversation, by ticket: back on it, they are there.
    QHash<int, QJsonObject> m_drafts;
    QJsonObject m_sent;             // the fields of the save in flight
    QJsonObject m_newerWhileSaving; // a version someone else saved while ours was in flight
    quint64 m_generation = 0;       // answers for a card no longer open are dropped
    int m_ticket = 0;
    qint64 m_offsetMs = 0;
    bool m_dirty = false;
    bool m_filling = false;
    bool m_saving = false;
};
