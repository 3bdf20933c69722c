#include "Alarm.h"

#include "AlarmLogging.h"
#include "SoundEffectAlarmSound.h"

#include <algorithm>
#include <cmath>

Alarm::Alarm(QObject *parent)
    : Alarm(nullptr, parent)
{}

Alarm::Alarm(std::unique_ptr<AlarmSound> sound, QObject *parent)
    : QObject(parent)
    , m_sound(sound ? std::move(sound) : std::make_unique<SoundEffectAlarmSound>())
{
    // The sound starts from the same volume as the alarm, whatever its own default is.
    m_sound->setVolume(m_volume);
}

Alarm::~Alarm()
{
    if (m_sounding)
        m_sound->stop();
}

void Alarm::raise(int key)
{
    qCDebug(lcAlarm) << "raise" << key;
    // Raised again, a muted key stays muted: only clear() forgets it.
    if (!m_muted.contains(key))
        m_muted.insert(key, false);
    update();
}

void Alarm::clear(int key)
{
    qCDebug(lcAlarm) << "clear" << key;
    m_muted.remove(key);
    update();
}

void Alarm::mute(int key)
{
    qCDebug(lcAlarm) << "mute" << key;
    const auto it = m_muted.find(key);
    if (it == m_muted.end())
        return;
    *it = true;
    update();
}

void Alarm::setEnabled(bool enabled)
{
    m_enabled = enabled;
    update();
}

void Alarm::setVolume(double volume)
{
    if (std::isnan(volume))
        return;
    m_volume = std::clamp(volume, 0.0, 1.0);
    m_sound->setVolume(m_volume);
}

QList<int> Alarm::sounding() const
{
    QList<int> keys;
    for (auto it = m_muted.cbegin(); it != m_muted.cend(); ++it) {
        if (!it.value())
            keys << it.key();
    }
    return keys;
}

bool Alarm::isSoundAvailable() const
{
    return m_sound->isAvailable();
}

QString Alarm::soundProblem() const
{
    return m_sound->problem();
}

void Alarm::update()
{
    const bool waiting = std::any_of(m_muted.cbegin(), m_muted.cend(), [](bool muted) { return !muted; });
    const bool sounding = m_enabled && waiting;
    if (sounding == m_sounding)
        return;
    m_sounding = sounding;
    if (sounding) {
        qCInfo(lcAlarm) << "alarm sounding for" << this->sounding();
        m_sound->play();
    } else {
        qCInfo(lcAlarm) << "alarm silent";
        m_sound->stop();
    }
    Q_EMIT soundingChanged(sounding);
}
