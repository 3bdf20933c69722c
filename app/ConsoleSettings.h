#pragma once

#include <QObject>
#include <QSettings>

// What an agent can change, kept in QSettings (per user). Changes take effect at once and are announced.
class ConsoleSettings : public QObject {
    Q_OBJECT
public:
    explicit ConsoleSettings(QObject *parent = nullptr);

    QString serverUrl() const;
    void setServerUrl(const QString &url);
    QString username() const;
    void setUsername(const QString &name);
    QString agentName() const;
    void setAgentName(const QString &name);
    // "" follows the system; otherwise a language code such as "af" or "en".
    QString language() const;
    void setLanguage(const QString &code);
    bool sound() const;
    void setSound(bool on);
    bool desktopNotifications() const;
    void setDesktopNotifications(bool on);
    // Seconds between reminders of a request nobody has taken (15 to 300).
    int repeatSeconds() const;
    void setRepeatSeconds(int seconds);
    bool ctrlEnterSends() const;
    void setCtrlEnterSends(bool on);
    // The alarm's volume for agent requests, 0 to 100.
    int alarmVolume() const;
    void setAlarmVolume(int percent);

    // What the agent was writing in each conversation, kept across switches and restarts. scope: the
    // server (ticket numbers are a server's own). An empty text removes the draft. Not announced.
    QString draft(const QString &scope, int ticketId) const;
    void setDraft(const QString &scope, int ticketId, const QString &text);

    // The desktop notifications this console has on screen (their ids, and the notification service's bus
    // name that issued them), so that a console started after a crash can take them down. Not announced.
    QVariantMap shownNotifications() const;
    void setShownNotifications(const QVariantMap &shown);

Q_SIGNALS:
    void changed();

private:
    void set(const QString &key, const QVariant &value);
    QSettings m_settings;
};
