// A console's text message on the event stream: only {"type":"resume","after":N} with a whole N from 0
// to 2^53 - 1 is a resume; everything else is -1.
#include "realtime/StreamHub.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(bytes), qsizetype(size));
    const qint64 after = StreamHub::resumeAfter(text);
    if (after < -1 || after > 9007199254740991LL)
        __builtin_trap();
    return 0;
}
