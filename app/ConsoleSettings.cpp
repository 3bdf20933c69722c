#include "ConsoleSettings.h"

#include <QUrl>

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

int ConsoleSettings::alarmVolume() const
{
    return std::clamp(m_settings.value(QStringLiteral("alarmVolume"), 80).toInt(), 0, 100);
}

void ConsoleSettings::setAlarmVolume(int percent)
{
    set(QStringLiteral("alarmVolume"), std::clamp(percent, 0, 100));
}

namespace {
QString draftKey(const QString &scope, int ticketId)
{
    // A URL's '/' would split the key into groups: the server's address is percent-encoded first.
    return QStringLiteral("drafts/%1/%2")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(scope)).replace(QLatin1Char('%'), QLatin1Char('_')))
        .arg(ticketId);
}
} // namespace

QString ConsoleSettings::draft(const QString &scope, int ticketId) const
{
    return m_settings.value(draftKey(scope, ticketId)).toString();
}

void ConsoleSettings::setDraft(const QString &scope, int ticketId, const QString &text)
{
    if (ticketId <= 0)
        return;
    if (text.trimmed().isEmpty())
        m_settings.remove(draftKey(scope, ticketId));
    else
        m_settings.setValue(draftKey(scope, ticketId), text);
}

QVariantMap ConsoleSettings::shownNotifications() const
{
    return m_settings.value(QStringLiteral("shownNotifications")).toMap();
}

void ConsoleSettings::setShownNotifications(const QVariantMap &shown)
{
    if (shown.isEmpty())
        m_settings.remove(QStringLiteral("shownNotifications"));
    else
        m_settings.setValue(QStringLiteral("shownNotifications"), shown);
    m_settings.sync(); // a crash right after must still find them
}
