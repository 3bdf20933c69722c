// The console's alarm for agent requests: when it sounds (Alarm, against a fake sound that records what it
// is told), the WAV it plays, and the real QSoundEffect sound on a machine with no audio device, as in CI.

#include "Alarm.h"
#include "SoundEffectAlarmSound.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <QtEndian>
#include <cmath>
#include <limits>
#include <memory>

namespace {

// What the fake sound was told; the test keeps it, the alarm owns the fake.
struct SoundLog {
    int plays = 0;
    int stops = 0;
    bool playing = false;
    QList<double> volumes;
    // play() while already playing, or stop() while silent: Alarm promises neither.
    int redundantCalls = 0;
    bool available = true;
    QString problem;
};

class FakeSound : public AlarmSound {
public:
    explicit FakeSound(std::shared_ptr<SoundLog> log)
        : m_log(std::move(log))
    {}

    void play() override
    {
        if (m_log->playing)
            ++m_log->redundantCalls;
        ++m_log->plays;
        m_log->playing = true;
    }
    void stop() override
    {
        if (!m_log->playing)
            ++m_log->redundantCalls;
        ++m_log->stops;
        m_log->playing = false;
    }
    void setVolume(double volume) override { m_log->volumes << volume; }
    bool isAvailable() const override { return m_log->available; }
    QString problem() const override { return m_log->problem; }

private:
    std::shared_ptr<SoundLog> m_log;
};

// The fields of a RIFF/WAVE file that say what it holds and how long it lasts.
struct WaveInfo {
    bool valid = false;
    QString error;
    quint16 format = 0;
    quint16 channels = 0;
    quint32 sampleRate = 0;
    quint16 bitsPerSample = 0;
    quint32 dataBytes = 0;

    double seconds() const
    {
        const double bytesPerSecond = double(sampleRate) * channels * (bitsPerSample / 8);
        return bytesPerSecond > 0 ? dataBytes / bytesPerSecond : 0;
    }
};

WaveInfo readWave(const QByteArray &bytes)
{
    WaveInfo info;
    if (bytes.size() < 12 || !bytes.startsWith("RIFF") || bytes.mid(8, 4) != "WAVE") {
        info.error = QStringLiteral("not a RIFF/WAVE file");
        return info;
    }
    if (qFromLittleEndian<quint32>(bytes.constData() + 4) != quint32(bytes.size() - 8)) {
        info.error = QStringLiteral("the RIFF size does not match the file");
        return info;
    }
    bool haveFormat = false;
    // Chunks follow each other, each with a four-letter id and a size, padded to an even length.
    qsizetype at = 12;
    while (at + 8 <= bytes.size()) {
        const QByteArray id = bytes.mid(at, 4);
        const quint32 size = qFromLittleEndian<quint32>(bytes.constData() + at + 4);
        const qsizetype body = at + 8;
        if (body + qsizetype(size) > bytes.size()) {
            info.error = QStringLiteral("chunk %1 runs past the end").arg(QString::fromLatin1(id));
            return info;
        }
        if (id == "fmt " && size >= 16) {
            const char *p = bytes.constData() + body;
            info.format = qFromLittleEndian<quint16>(p);
            info.channels = qFromLittleEndian<quint16>(p + 2);
            info.sampleRate = qFromLittleEndian<quint32>(p + 4);
            info.bitsPerSample = qFromLittleEndian<quint16>(p + 14);
            haveFormat = true;
        } else if (id == "data") {
            if (!haveFormat) {
                info.error = QStringLiteral("data before fmt");
                return info;
            }
            info.dataBytes = size;
            info.valid = true;
            return info;
        }
        at = body + size + (size % 2);
    }
    info.error = QStringLiteral("no data chunk");
    return info;
}

} // namespace

class TestAlarm : public QObject {
    Q_OBJECT

    std::shared_ptr<SoundLog> m_log;
    std::unique_ptr<Alarm> m_alarm;
    std::unique_ptr<QSignalSpy> m_changed;

    // The signal's arguments so far, oldest first.
    QList<bool> changes() const
    {
        QList<bool> seen;
        for (const QList<QVariant> &args : *m_changed)
            seen << args.constFirst().toBool();
        return seen;
    }

private Q_SLOTS:
    void init()
    {
        m_log = std::make_shared<SoundLog>();
        m_alarm = std::make_unique<Alarm>(std::make_unique<FakeSound>(m_log));
        m_changed = std::make_unique<QSignalSpy>(m_alarm.get(), &Alarm::soundingChanged);
    }

    void cleanup()
    {
        QCOMPARE(m_log->redundantCalls, 0);
        m_changed.reset();
        m_alarm.reset();
    }

    void silentAtFirst()
    {
        QVERIFY(!m_alarm->isSounding());
        QVERIFY(m_alarm->sounding().isEmpty());
        QVERIFY(m_alarm->isEnabled());
        QCOMPARE(m_log->plays, 0);
        // The sound is given the alarm's volume from the start.
        QCOMPARE(m_log->volumes, QList<double>{1.0});
    }

    void raisePlays()
    {
        m_alarm->raise(42);
        QVERIFY(m_alarm->isSounding());
        QCOMPARE(m_alarm->sounding(), QList<int>{42});
        QCOMPARE(m_log->plays, 1);
        QVERIFY(m_log->playing);
        QCOMPARE(changes(), QList<bool>{true});
    }

    void secondKeyIsStillOnePlay()
    {
        m_alarm->raise(42);
        m_alarm->raise(-7); // an unassigned message
        m_alarm->raise(42); // the event stream repeating itself
        QCOMPARE(m_alarm->sounding(), (QList<int>{-7, 42}));
        QCOMPARE(m_log->plays, 1);
        QCOMPARE(changes(), QList<bool>{true});
    }

    void clearingOneOfTwoKeepsSounding()
    {
        m_alarm->raise(1);
        m_alarm->raise(2);
        m_alarm->clear(1);
        QVERIFY(m_alarm->isSounding());
        QCOMPARE(m_alarm->sounding(), QList<int>{2});
        QCOMPARE(m_log->stops, 0);
        QVERIFY(m_log->playing);
    }

    void clearingBothStops()
    {
        m_alarm->raise(1);
        m_alarm->raise(2);
        m_alarm->clear(1);
        m_alarm->clear(2);
        QVERIFY(!m_alarm->isSounding());
        QVERIFY(m_alarm->sounding().isEmpty());
        QCOMPARE(m_log->stops, 1);
        QVERIFY(!m_log->playing);
        QCOMPARE(changes(), (QList<bool>{true, false}));
        // Clearing what is not there changes nothing.
        m_alarm->clear(3);
        QCOMPARE(m_log->stops, 1);
        QCOMPARE(m_changed->size(), 2);
    }

    void mutingTheOnlyKeyStops()
    {
        m_alarm->raise(5);
        m_alarm->mute(5);
        QVERIFY(!m_alarm->isSounding());
        QVERIFY(m_alarm->sounding().isEmpty());
        QCOMPARE(m_log->stops, 1);
        QCOMPARE(changes(), (QList<bool>{true, false}));
    }

    void mutingOneOfTwoKeepsTheOther()
    {
        m_alarm->raise(5);
        m_alarm->raise(6);
        m_alarm->mute(5);
        QVERIFY(m_alarm->isSounding());
        QCOMPARE(m_alarm->sounding(), QList<int>{6});
        QCOMPARE(m_log->stops, 0);
        m_alarm->clear(6);
        QVERIFY(!m_alarm->isSounding());
        QCOMPARE(m_log->stops, 1);
    }

    void mutedKeyRaisedAgainStaysSilent()
    {
        m_alarm->raise(5);
        m_alarm->mute(5);
        m_alarm->raise(5);
        QVERIFY(!m_alarm->isSounding());
        QVERIFY(m_alarm->sounding().isEmpty());
        QCOMPARE(m_log->plays, 1);
        // Muting again is harmless.
        m_alarm->mute(5);
        QCOMPARE(m_log->stops, 1);
    }

    void clearedThenRaisedSoundsAgain()
    {
        m_alarm->raise(5);
        m_alarm->mute(5);
        m_alarm->clear(5);
        QVERIFY(!m_alarm->isSounding());
        // A new request on the same ticket.
        m_alarm->raise(5);
        QVERIFY(m_alarm->isSounding());
        QCOMPARE(m_alarm->sounding(), QList<int>{5});
        QCOMPARE(m_log->plays, 2);
        QCOMPARE(changes(), (QList<bool>{true, false, true}));
    }

    void mutingAKeyNeverRaisedIsIgnored()
    {
        m_alarm->mute(9);
        QVERIFY(m_changed->isEmpty());
        m_alarm->raise(9);
        QVERIFY(m_alarm->isSounding());
        QCOMPARE(m_log->plays, 1);
    }

    void disabledIsSilent()
    {
        m_alarm->setEnabled(false);
        QVERIFY(!m_alarm->isEnabled());
        m_alarm->raise(3);
        QVERIFY(!m_alarm->isSounding());
        QCOMPARE(m_log->plays, 0);
        QVERIFY(m_changed->isEmpty());
        // The request is still waiting, and sounds as soon as the setting is on again.
        QCOMPARE(m_alarm->sounding(), QList<int>{3});
        m_alarm->setEnabled(true);
        QVERIFY(m_alarm->isSounding());
        QCOMPARE(m_log->plays, 1);
        QCOMPARE(changes(), QList<bool>{true});
    }

    void disablingWhileSoundingStops()
    {
        m_alarm->raise(3);
        m_alarm->setEnabled(false);
        QVERIFY(!m_alarm->isSounding());
        QCOMPARE(m_log->stops, 1);
        m_alarm->setEnabled(false);
        QCOMPARE(m_log->stops, 1);
        // Cleared while disabled: nothing left to sound when enabled again.
        m_alarm->clear(3);
        m_alarm->setEnabled(true);
        QVERIFY(!m_alarm->isSounding());
        QCOMPARE(m_log->plays, 1);
        QCOMPARE(changes(), (QList<bool>{true, false}));
    }

    void volumePassesThroughClamped()
    {
        m_alarm->setVolume(0.4);
        QCOMPARE(m_alarm->volume(), 0.4);
        m_alarm->setVolume(1.7);
        QCOMPARE(m_alarm->volume(), 1.0);
        m_alarm->setVolume(-0.2);
        QCOMPARE(m_alarm->volume(), 0.0);
        m_alarm->setVolume(std::numeric_limits<double>::quiet_NaN());
        QCOMPARE(m_alarm->volume(), 0.0);
        QCOMPARE(m_log->volumes, (QList<double>{1.0, 0.4, 1.0, 0.0}));
        // Setting the volume neither starts nor stops the sound.
        QCOMPARE(m_log->plays, 0);
        m_alarm->raise(1);
        m_alarm->setVolume(0.5);
        QVERIFY(m_log->playing);
        QCOMPARE(m_log->volumes.constLast(), 0.5);
    }

    void availabilityComesFromTheSound()
    {
        QVERIFY(m_alarm->isSoundAvailable());
        QVERIFY(m_alarm->soundProblem().isEmpty());
        m_log->available = false;
        m_log->problem = QStringLiteral("No audio output device");
        QVERIFY(!m_alarm->isSoundAvailable());
        QCOMPARE(m_alarm->soundProblem(), QStringLiteral("No audio output device"));
        // The decision does not depend on it: the window still shows a request that should be heard.
        m_alarm->raise(1);
        QVERIFY(m_alarm->isSounding());
    }

    void destroyedWhileSoundingStopsTheSound()
    {
        m_alarm->raise(1);
        m_changed.reset();
        m_alarm.reset();
        QVERIFY(!m_log->playing);
    }

    // The WAV shipped in the program: found under the path the real sound loads, a plain PCM file that
    // QSoundEffect reads everywhere, and long enough to loop as a pattern rather than a stutter.
    void shippedWaveIsALoopableAlarm()
    {
        QFile file(QStringLiteral(":/sounds/alarm.wav"));
        QVERIFY2(file.open(QIODevice::ReadOnly), "the alarm is not in the resources as :/sounds/alarm.wav");
        QCOMPARE(SoundEffectAlarmSound::defaultSource(), QUrl(QStringLiteral("qrc:/sounds/alarm.wav")));
        const QByteArray bytes = file.readAll();
        QVERIFY2(bytes.size() < 200 * 1024, "the alarm WAV is larger than it needs to be");
        const WaveInfo wave = readWave(bytes);
        QVERIFY2(wave.valid, qPrintable(wave.error));
        QCOMPARE(wave.format, quint16(1)); // PCM
        QCOMPARE(wave.bitsPerSample, quint16(16));
        QVERIFY(wave.channels == 1 || wave.channels == 2);
        QVERIFY(wave.sampleRate == 22050 || wave.sampleRate == 44100 || wave.sampleRate == 48000);
        QCOMPARE(wave.dataBytes % (wave.channels * 2), quint32(0));
        QVERIFY2(wave.seconds() >= 0.5 && wave.seconds() <= 3.0, qPrintable(QString::number(wave.seconds())));
    }

    // CI runs with no audio device and no display: the real sound must come up, answer, and take play()
    // and stop() without crashing or waiting. Whether it is available depends on the machine, so that is
    // only printed. The volume is 0, so that a developer's machine with speakers stays quiet.
    void realSoundWithoutDeviceAnswers()
    {
        QElapsedTimer timer;
        timer.start();
        {
            SoundEffectAlarmSound sound;
            sound.setVolume(0.0);
            const bool available = sound.isAvailable();
            const QString problem = sound.problem();
            qInfo() << "real alarm sound available:" << available << "problem:" << problem;
            QCOMPARE(problem.isEmpty(), available);
            sound.play();
            QTest::qWait(300); // long enough for the WAV to load and the effect to settle
            QCOMPARE(sound.problem().isEmpty(), sound.isAvailable());
            sound.stop();
            sound.play();
        } // destroyed while playing
        QVERIFY2(timer.elapsed() < 10000, "the real alarm sound blocked");
    }

    void realAlarmDefaultsToTheRealSound()
    {
        Alarm alarm;
        alarm.setVolume(0.0);
        alarm.raise(1);
        QVERIFY(alarm.isSounding());
        QCOMPARE(alarm.soundProblem().isEmpty(), alarm.isSoundAvailable());
        QTest::qWait(100);
        alarm.clear(1);
        QVERIFY(!alarm.isSounding());
    }

    // A sound that cannot be loaded is reported as a problem, with or without an audio device.
    void realSoundWithMissingFileHasAProblem()
    {
        SoundEffectAlarmSound sound(QUrl(QStringLiteral("qrc:/sounds/no-such-alarm.wav")));
        sound.setVolume(0.0);
        sound.play();
        QTRY_VERIFY(!sound.isAvailable());
        QVERIFY(!sound.problem().isEmpty());
        sound.stop();
        // With no device the answer comes before the loader has tried the file; let it finish, or its
        // thread starts after the application is gone and Qt complains.
        QTest::qWait(300);
    }
};

QTEST_MAIN(TestAlarm)
#include "tst_alarm.moc"
