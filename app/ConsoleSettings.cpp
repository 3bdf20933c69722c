#include "ConsoleSettings.h"

ConsoleSettings::ConsoleSettings(QObject *parent)
    : QObject(parent)
{}

void ConsoleSettings::set(const QString &key, const QVariant &value)
{
    if (m_settings.value(key) == value)
        return;
    m_settings.setValue(key, value);
    Q_EMIT changed();
}

QString ConsoleSettings::serverUrl() const
{
    return m_settings.value(QStringLiteral("server"), QStringLiteral("http://127.0.0.1:8080")).toString();
}

void ConsoleSettings::setServerUrl(const QString &url)
{
    set(QStringLiteral("server"), url.trimmed());
}

QString ConsoleSettings::username() const
{
    return m_settings.value(QStringLiteral("username")).toString();
}

void ConsoleSettings::setUsername(const QString &name)
{
    set(QStringLiteral("username"), name.trimmed());
}

QString ConsoleSettings::agentName() const
{
    return m_settings.value(QStringLiteral("agentName"), username()).toString();
}

void ConsoleSettings::setAgentName(const QString &name)
{
    set(QStringLiteral("agentName"), name);
}

QString ConsoleSettings::language() const
{
    return m_settings.value(QStringLiteral("language")).toString();
}

void ConsoleSettings::setLanguage(const QString &code)
{
    set(QStringLiteral("language"), code);
}

bool ConsoleSettings::sound() const
{
    return m_settings.value(QStringLiteral("sound"), true).toBool();
}

void ConsoleSettings::setSound(bool on)
{
    set(QStringLiteral("sound"), on);
}

bool ConsoleSettings::desktopNotifications() const
{
    return m_settings.value(QStringLiteral("desktopNotifications"), true).toBool();
}

void ConsoleSettings::setDesktopNotifications(bool on)
{
    set(QStringLiteral("desktopNotifications"), on);
}

int ConsoleSettings::repeatSeconds() const
{
    return std::clamp(m_settings.value(QStringLiteral("repeatSeconds"), 30).toInt(), 15, 300);
}

void ConsoleSettings::setRepeatSeconds(int seconds)
{
    set(QStringLiteral("repeatSeconds"), std::clamp(seconds, 15, 300));
}

bool ConsoleSettings::ctrlEnterSends() const
{
    return m_settings.value(QStringLiteral("ctrlEnterSends"), false).toBool();
}

void ConsoleSettings::setCtrlEnterSends(bool on)
{
    set(QStringLiteral("ctrlEnterSends"), on);
}
