// The HTTP request parser, fed as the server feeds it: everything buffered from the start of a request,
// again and again as bytes arrive. The input is read twice, whole and cut in two at a place the first
// byte picks. Both readings stay within the limits, never consume more than they got, and agree on every
// request they both finished. (A malformed request line may be refused at once when it arrives whole, and
// only at the header's limit or timeout when it arrives in pieces: Beast checks the line as soon as it has
// it, and the rest of the header only once the header is complete; for the same reason a request both
// malformed and too large may be refused with 400 one way and 431 the other.)
#include "http/RequestParser.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

struct Outcome {
    QList<QByteArray> requests; // method, target, body and headers of each whole request, in order
    int failedWith = 0;
};

qint64 limitFor(const QByteArray &, const QByteArray &target)
{
    return target.startsWith("/big") ? 4096 : 64;
}

void check(bool ok, const char *what = "")
{
    if (!ok) {
        std::fprintf(stderr, "check failed: %s\n", what);
        std::abort();
    }
}

// Parses `data` as arriving in two pieces (the first `cut` bytes, then the rest), pipelined requests
// included, the way HttpConnection does: the unconsumed bytes are offered again with the new ones.
Outcome read(const QByteArray &data, qsizetype cut)
{
    Outcome out;
    RequestParser parser(256, limitFor);
    qsizetype offset = 0;
    for (qsizetype available : {cut, data.size()}) {
        while (offset < available && out.requests.size() < 8) {
            const qsizetype used = parser.parse(data.constData() + offset, available - offset);
            check(used >= 0 && used <= available - offset, "consumes at most what it got");
            offset += used;
            if (parser.state() == RequestParser::State::Failed) {
                check(parser.errorStatus() == 400 || parser.errorStatus() == 413 ||
                          parser.errorStatus() == 431,
                      "a refusal is 400, 413 or 431");
                check(!parser.errorMessage().isEmpty(), "a refusal says why");
                out.failedWith = parser.errorStatus();
                return out;
            }
            if (parser.state() == RequestParser::State::Done) {
                const ParsedRequest &r = parser.request();
                check(r.body.size() <= parser.bodyLimit(), "a body within its limit");
                QByteArray summary = r.method + ' ' + r.target + ' ' + r.body;
                for (const auto &[name, value] : r.headers)
                    summary += '\n' + name + ':' + value;
                out.requests << summary;
                parser.reset();
                continue;
            }
            if (used == 0)
                break; // more bytes are needed
        }
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    if (size == 0)
        return 0;
    const QByteArray data(reinterpret_cast<const char *>(bytes) + 1, qsizetype(size) - 1);
    const qsizetype cut = data.isEmpty() ? 0 : bytes[0] % (data.size() + 1);
    const Outcome whole = read(data, data.size());
    const Outcome split = read(data, cut);
    if (std::getenv("FUZZ_DEBUG"))
        std::fprintf(stderr, "cut %d: whole %d requests, failed %d; split %d requests, failed %d\n", int(cut),
                     int(whole.requests.size()), whole.failedWith, int(split.requests.size()),
                     split.failedWith);
    const qsizetype both = std::min(whole.requests.size(), split.requests.size());
    check(whole.requests.mid(0, both) == split.requests.mid(0, both),
          "the same requests however the bytes arrive");
    // Both may refuse the same request differently: one that is malformed and too large is 400 when its
    // line arrives whole, 431 when it arrives in pieces.
    return 0;
}
