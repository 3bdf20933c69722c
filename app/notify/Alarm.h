#pragma once

#include "AlarmSound.h"

#include <QList>
#include <QMap>
#include <QObject>
#include <memory>

// The console's own alarm for agent requests. The desktop notification's sound hint plays once, if the
// notification daemon honours it at all; a technician stuck in a lift shaft needs the call centre to
// hear the request until an agent takes it. This class decides when the alarm sounds; AlarmSound makes
// the sound.
//
// Keys are the notifier's: a request's ticket id, or minus the id of an unassigned message. The alarm
// sounds, looping, while it is enabled and at least one raised key is neither muted nor cleared.
class Alarm : public QObject {
    Q_OBJECT
public:
    // With the real sound: the shipped WAV through QSoundEffect.
    explicit Alarm(QObject *parent = nullptr);
    // With another sound (tests pass a fake). Null means the real sound.
    explicit Alarm(std::unique_ptr<AlarmSound> sound, QObject *parent = nullptr);
    ~Alarm() override;

    // A request is waiting: sound until it is cleared or muted. Raising a key again (the event stream
    // repeats itself after a reconnect) changes nothing, and does not undo mute().
    void raise(int key);
    // The request was acknowledged, taken or withdrawn: stop sounding for it and forget that it was muted,
    // so that a later raise() for the same key sounds again.
    void clear(int key);
    // The agent silenced this one request; it stays silent until cleared, while others still sound. A key
    // that was never raised is ignored: an alarm that sounds once too often beats one that never sounds.
    void mute(int key);

    // The sound setting. While disabled nothing sounds, but raised keys are kept: enabling again while a
    // request waits sounds at once.
    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }
    // 0 to 1; values outside are clamped, and NaN is ignored.
    void setVolume(double volume);
    double volume() const { return m_volume; }

    // Whether the alarm is meant to be heard now. This is the decision, not what the speakers do: with no
    // audio device it is still true, and the window can show it instead (see isSoundAvailable()).
    bool isSounding() const { return m_sounding; }
    // The keys raised and neither muted nor cleared, in ascending order, whether or not the alarm is
    // enabled.
    QList<int> sounding() const;

    // For the settings page and the log: whether the sound can be heard, and if not, why.
    bool isSoundAvailable() const;
    QString soundProblem() const;

Q_SIGNALS:
    void soundingChanged(bool sounding);

private:
    void update();

    std::unique_ptr<AlarmSound> m_sound;
    // Raised and not yet cleared, each with whether the agent muted it.
    QMap<int, bool> m_muted;
    bool m_enabled = true;
    double m_volume = 1.0;
    bool m_sounding = false;
};
