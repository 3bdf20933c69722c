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

Q_SIGNALS:
    void changed();

private:
    void set(const QString &key, const QVariant &value);
    QSettings m_settings;
};
