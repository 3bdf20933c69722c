#!/usr/bin/env python3
"""Writes alarm.wav, the console's alarm for agent requests: python3 make-alarm.py [OUT.wav]

A two-tone pattern (880 Hz and 660 Hz, a quarter of a second each, three times) that the console loops
for as long as a request waits. It has to be told apart at once from a chat blip or a calendar chime,
so it is a siren-like high-low, not a single ping. Each tone fades in and out over a few milliseconds:
a tone cut off mid-wave clicks, and so would the seam where the loop starts again.

Only the standard library, so anyone can regenerate it; the output is the same byte for byte every time.
The build uses the committed WAV and never runs this script.
"""

import math
import os
import struct
import sys
import wave

RATE = 44100  # Hz: CD rate, which every audio backend takes
TONES = (880.0, 660.0) * 3  # Hz, in order: 1.5 s in all, long enough to loop without sounding choppy
TONE_SECONDS = 0.25
FADE_SECONDS = 0.008
# Peak level, a little under full scale: loud, but with room so no speaker stage clips it.
PEAK = 0.8
# A touch of the third harmonic gives the tone an edge that carries across a busy room and through small
# laptop speakers; a pure sine sounds like a test tone.
THIRD = 0.25


def tone(frequency):
    count = round(RATE * TONE_SECONDS)
    fade = round(RATE * FADE_SECONDS)
    scale = PEAK / (1.0 + THIRD)
    samples = []
    for i in range(count):
        t = i / RATE
        value = math.sin(2 * math.pi * frequency * t) + THIRD * math.sin(2 * math.pi * 3 * frequency * t)
        # A raised-cosine fade at both ends: smooth enough that neither end clicks.
        edge = min(i, count - 1 - i)
        gain = 0.5 - 0.5 * math.cos(math.pi * edge / fade) if edge < fade else 1.0
        samples.append(round(value * gain * scale * 32767))
    return samples


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                             "alarm.wav")
    samples = [s for frequency in TONES for s in tone(frequency)]
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)  # 16-bit PCM, which every backend plays
        wav.setframerate(RATE)
        wav.writeframes(struct.pack("<%dh" % len(samples), *samples))


if __name__ == "__main__":
    main()
