#include "SoundEffectAlarmSound.h"

#include "AlarmLogging.h"

#include <QAudio>
#include <QAudioDevice>
#include <QMediaDevices>
#include <QSoundEffect>
#include <QTimer>

namespace {
// How often the outputs are looked at. With PulseAudio, Qt 6.4 keeps QMediaDevices::audioOutputs() up to
// date but does not emit audioOutputsChanged, and a QSoundEffect whose output goes away carries on
// "playing" into nothing. Reading the list is cheap (Qt keeps it); a few seconds is soon enough after a
// headset is plugged in.
constexpr int kOutputCheckMs = 3000;
// How long a sound that failed while it should be heard waits before it is tried again on the same outputs.
constexpr int kRetryMs = 10000;

// The default output's id, then every output's.
QList<QByteArray> outputIds()
{
    QList<QByteArray> ids{QMediaDevices::defaultAudioOutput().id()};
    for (const QAudioDevice &output : QMediaDevices::audioOutputs())
        ids << output.id();
    return ids;
}
} // namespace

SoundEffectAlarmSound::SoundEffectAlarmSound(QObject *parent)
    : SoundEffectAlarmSound(defaultSource(), parent)
{}

SoundEffectAlarmSound::SoundEffectAlarmSound(const QUrl &source, QObject *parent)
    : QObject(parent)
    , m_source(source)
    // The first QMediaDevices in the program connects to the audio server (PulseAudio, or PipeWire's
    // stand-in for it). Where none runs that fails at once, Qt warns "PulseAudioService:
    // pa_context_connect() failed", and the list of outputs stays empty.
    , m_devices(new QMediaDevices(this))
    , m_outputCheck(new QTimer(this))
{
    m_lastOutputs = outputIds();
    m_hasOutput = m_lastOutputs.size() > 1;
    connect(m_devices, &QMediaDevices::audioOutputsChanged, this, &SoundEffectAlarmSound::checkOutputs);
    connect(m_outputCheck, &QTimer::timeout, this, &SoundEffectAlarmSound::checkOutputs);
    m_outputCheck->start(kOutputCheckMs);
    createEffect();
    logProblem();
}

SoundEffectAlarmSound::~SoundEffectAlarmSound()
{
    dropEffect();
}

QUrl SoundEffectAlarmSound::defaultSource()
{
    return QUrl(QStringLiteral("qrc:/sounds/alarm.wav"));
}

void SoundEffectAlarmSound::createEffect()
{
    // A new effect rather than setAudioDevice(): one whose output failed or went away stays that way.
    dropEffect();
    m_failed = false;
    m_retry.setRemainingTime(kRetryMs);
    m_deviceLost = false;
    const QAudioDevice device = QMediaDevices::defaultAudioOutput();
    m_deviceId = device.id();
    m_effect = std::make_unique<QSoundEffect>(device);
    m_effect->setLoopCount(QSoundEffect::Infinite);
    m_effect->setVolume(m_linearVolume);
    connect(m_effect.get(), &QSoundEffect::statusChanged, this, &SoundEffectAlarmSound::effectStatusChanged);
    connect(m_effect.get(), &QSoundEffect::playingChanged, this,
            &SoundEffectAlarmSound::effectPlayingChanged);
    // Loads in the background; play() before it is ready starts the sound once it is.
    m_effect->setSource(m_source);
    if (m_playing)
        m_effect->play();
}

void SoundEffectAlarmSound::dropEffect()
{
    if (!m_effect)
        return;
    // A playing effect stops in its destructor and says so; that is not the sound failing.
    m_effect->disconnect(this);
    m_effect.reset();
}

void SoundEffectAlarmSound::play()
{
    m_playing = true;
    const Problem problem = currentProblem();
    if (problem == Problem::NoOutput)
        qCWarning(lcAlarm) << "the alarm should sound, but there is no audio output device";
    else if (problem == Problem::Failed)
        qCWarning(lcAlarm) << "the alarm should sound, but its sound failed:" << m_source;
    m_effect->play();
}

void SoundEffectAlarmSound::stop()
{
    m_playing = false;
    m_effect->stop();
}

void SoundEffectAlarmSound::setVolume(double volume)
{
    // The slider is in perceived loudness; QSoundEffect scales the samples linearly.
    m_linearVolume = QAudio::convertVolume(float(qBound(0.0, volume, 1.0)), QAudio::LogarithmicVolumeScale,
                                           QAudio::LinearVolumeScale);
    m_effect->setVolume(m_linearVolume);
}

bool SoundEffectAlarmSound::isAvailable() const
{
    return currentProblem() == Problem::None;
}

QString SoundEffectAlarmSound::problem() const
{
    switch (currentProblem()) {
    case Problem::None:
        break;
    case Problem::NoOutput:
        return tr("No audio output device was found, so the alarm cannot be heard.");
    case Problem::Failed:
        return tr("The alarm sound could not be played on %1.")
            .arg(QMediaDevices::defaultAudioOutput().description());
    }
    return {};
}

SoundEffectAlarmSound::Problem SoundEffectAlarmSound::currentProblem() const
{
    if (!m_hasOutput)
        return Problem::NoOutput;
    if (m_failed)
        return Problem::Failed;
    return Problem::None;
}

void SoundEffectAlarmSound::effectStatusChanged()
{
    if (m_effect->status() != QSoundEffect::Error)
        return;
    // The WAV did not load or the output could not be opened; QSoundEffect gives no reason. With no output
    // at all that is expected, and logProblem() has said so already; a retry that fails the same way
    // again is not news.
    if (m_hasOutput && !m_retrying)
        qCWarning(lcAlarm) << "QSoundEffect reports an error for" << m_source << "on"
                           << QMediaDevices::defaultAudioOutput().description();
    m_failed = true;
    logProblem();
}

void SoundEffectAlarmSound::effectPlayingChanged()
{
    // QSoundEffect stops by itself when its output stream ends: the device went away, or the audio server
    // restarted. Nobody would notice a silent alarm, so say so, and make the effect again (checkOutputs()).
    if (m_playing && !m_effect->isPlaying() && !m_failed) {
        if (!m_retrying)
            qCWarning(lcAlarm) << "the alarm sound stopped by itself on"
                               << QMediaDevices::defaultAudioOutput().description();
        m_failed = true;
        logProblem();
    }
}

void SoundEffectAlarmSound::checkOutputs()
{
    const QList<QByteArray> ids = outputIds();
    const bool changed = ids != m_lastOutputs;
    m_lastOutputs = ids;
    m_hasOutput = ids.size() > 1;
    if (!m_deviceId.isEmpty() && !ids.mid(1).contains(m_deviceId))
        m_deviceLost = true;
    if (!m_hasOutput) {
        logProblem();
        return;
    }
    if (m_deviceLost || ids.constFirst() != m_deviceId) {
        // Follow the default output, as the desktop's own sounds do: the agent plugs in a headset or
        // switches to the speakers, and the alarm must come out where they listen.
        qCInfo(lcAlarm) << "alarm sound now on" << QMediaDevices::defaultAudioOutput().description();
        m_retrying = false;
        createEffect();
    } else if (m_failed && (changed || (m_playing && m_retry.hasExpired()))) {
        // The audio server may have restarted under the same outputs: a new effect opens a new stream.
        qCDebug(lcAlarm) << "trying the alarm sound again";
        m_retrying = true;
        createEffect();
    } else {
        logProblem();
    }
    // After a new effect the problem is logged once it has had time to fail, at the next check: reporting
    // "available" now and "failed" a moment later would say nothing.
}

void SoundEffectAlarmSound::logProblem()
{
    const Problem problem = currentProblem();
    if (m_loggedProblem == problem)
        return;
    switch (problem) {
    case Problem::None:
        qCInfo(lcAlarm) << "alarm sound available on" << QMediaDevices::defaultAudioOutput().description();
        m_retrying = false;
        break;
    case Problem::NoOutput:
        qCWarning(lcAlarm) << "no audio output device: the alarm for agent requests cannot be heard";
        break;
    case Problem::Failed:
        qCWarning(lcAlarm) << "the alarm sound cannot be played; it is tried again when the audio outputs "
                              "change, and every"
                           << kRetryMs / 1000 << "s while it should sound";
        break;
    }
    m_loggedProblem = problem;
}
