#pragma once

#include "base/TrustedProxies.h"

#include <QtGlobal>

// The event stream's limits (API.md, "The event stream"): ServerApp fills them from Config, tests shorten
// them. Shared by StreamHub and every StreamSession.
struct StreamSettings {
    int resumeTimeoutMs = 10000;
    int pingIntervalMs = 10000;        // a console missing one whole interval is closed
    int presenceIntervalMs = 5000;     // heartbeat, and the online list checked again
    qint64 maxReplay = 100000;         // events; a larger gap gets reset
    int ringCapacity = 20000;          // recent events kept in memory for replay
    qint64 maxBufferedBytes = 1 << 20; // unsent bytes at which a console is sent nothing more for now
    int stallMs = 30000;               // a console that takes no data for this long is too slow
    TrustedProxies proxies;            // whose X-Forwarded-For names the console's address
    // Events written straight to each console's TCP connection (DirectFrameWriter), else handed to its
    // QWebSocket one by one (QWebSocketFrameWriter). LIFTLINE_STREAM_DIRECT_WRITE.
    bool directWrite = true;
};
