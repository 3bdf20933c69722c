#pragma once

#include "AlarmSound.h"

#include <QByteArray>
#include <QDeadlineTimer>
#include <QList>
#include <QObject>
#include <QUrl>
#include <memory>
#include <optional>

class QMediaDevices;
class QSoundEffect;
class QTimer;

// The alarm through QSoundEffect: the WAV shipped in the program (:/sounds/alarm.wav), looped until
// stopped, on the default audio output. Where there is no output (a virtual machine, a CI runner, a
// headset unplugged) it stays silent, says why in problem() and the log, and never blocks; when outputs
// come and go it moves to the current default one, carrying on if it was sounding. Qt 6.4 asks for the
// audio server only once: a console started before it stays without sound until it is started again.
class SoundEffectAlarmSound
    : public QObject
    , public AlarmSound {
    Q_OBJECT
public:
    // Without a parent when an Alarm is to own it, or both would delete it.
    explicit SoundEffectAlarmSound(QObject *parent = nullptr);
    // Another sound (tests use one that does not exist).
    explicit SoundEffectAlarmSound(const QUrl &source, QObject *parent = nullptr);
    ~SoundEffectAlarmSound() override;

    void play() override;
    void stop() override;
    void setVolume(double volume) override;
    bool isAvailable() const override;
    QString problem() const override;

    // qrc:/sounds/alarm.wav
    static QUrl defaultSource();

private:
    enum class Problem { None, NoOutput, Failed };

    void createEffect();
    void dropEffect();
    void effectStatusChanged();
    void effectPlayingChanged();
    void checkOutputs();
    Problem currentProblem() const;
    // Logs the problem when it changes, so that a missing device is reported once, not at every request.
    void logProblem();

    QUrl m_source;
    QMediaDevices *m_devices = nullptr;
    QTimer *m_outputCheck = nullptr;
    std::unique_ptr<QSoundEffect> m_effect;
    // The output the effect was made for; empty when there was none.
    QByteArray m_deviceId;
    // The default output's id, then every output's, as last seen.
    QList<QByteArray> m_lastOutputs;
    bool m_hasOutput = false;
    // The effect's output disappeared since it was made: its stream is gone even if the same device
    // comes back.
    bool m_deviceLost = false;
    // The effect reported an error or stopped by itself. QSoundEffect forgets its error at the next
    // play(), so it is kept here until the effect is made again.
    bool m_failed = false;
    // The effect is a new try after a failure: its failing again is logged quietly.
    bool m_retrying = false;
    // When a failed sound may be tried again on unchanged outputs.
    QDeadlineTimer m_retry;
    bool m_playing = false; // play() was called and stop() not yet
    float m_linearVolume = 1.0f;
    // Empty until the first report, so that the log says at start-up where the alarm will sound.
    std::optional<Problem> m_loggedProblem;
};
