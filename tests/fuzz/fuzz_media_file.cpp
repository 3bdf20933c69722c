// A file anyone on WhatsApp can send, judged as the server judges it before keeping it: its type sniffed,
// checked against each kind, and a recording's length read from its container. Any bytes get a verdict
// (kept with a type, or refused with a code and a sentence) and a length that is -1 or within a day.
#include "domain/Media.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    const QByteArray file(reinterpret_cast<const char *>(bytes), qsizetype(size));
    for (const QString &kind : Media::kinds()) {
        const Media::Verdict v = Media::check(kind, file, QString());
        if (v.ok ? v.mimeType.isEmpty() : (v.code.isEmpty() || v.message.isEmpty()))
            __builtin_trap();
    }
    for (const char *type : {"video/mp4", "video/3gpp", "audio/mp4", "audio/ogg", "audio/ogg; codecs=opus"}) {
        const qint64 ms = Media::durationMs(QLatin1String(type), file);
        if (ms < -1 || ms > 24LL * 3600 * 1000)
            __builtin_trap();
    }
    return 0;
}
