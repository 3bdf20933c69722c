#pragma once

#include <QString>

// How the alarm makes its sound, behind a seam so that Alarm's rules (when to sound) are tested without
// an audio device, and so that another backend can replace QSoundEffect where it falls short.
class AlarmSound {
public:
    virtual ~AlarmSound() = default;

    // Starts the alarm, looping until stop(). Alarm calls it only when it was not already sounding.
    virtual void play() = 0;
    virtual void stop() = 0;
    // 0 to 1, as the volume slider on the settings page shows it (perceived loudness, not amplitude).
    virtual void setVolume(double volume) = 0;
    // Whether play() can be heard: false with no audio output device, or when the sound failed to load.
    virtual bool isAvailable() const = 0;
    // Why nothing can be heard, in words for the settings page; empty when the sound is available.
    virtual QString problem() const = 0;
};
