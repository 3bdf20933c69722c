// The reference for the event stream's fan-out (issue 18): the least a server can do to hand one frame to
// N consoles. One thread writes a WebSocket text frame of the stream's size to N loopback sockets at a
// fixed rate (epoll, non-blocking writes, a queue per socket when the kernel's buffer is full); another
// thread reads every socket (epoll) and takes, for every frame on every socket, the time from the frame's
// creation to its last byte read. No database, no JSON, no authentication: run it beside bench_realtime,
// on the same machine, and compare the p99s.
//
//   bench_fanout_reference [--consoles 1,500] [--rate 200] [--seconds 10] [--warmup 2] [--frame-bytes 1400]

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

[[noreturn]] void fail(const char *what)
{
    std::perror(what);
    std::exit(1);
}

void nonBlocking(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
        fail("fcntl");
}

// A server-to-client WebSocket text frame (unmasked) whose payload starts with the creation time.
std::string frame(size_t payloadBytes, int64_t createdNs)
{
    std::string payload = "{\"t\":" + std::to_string(createdNs) + ",\"pad\":\"";
    if (payload.size() + 2 < payloadBytes)
        payload.append(payloadBytes - payload.size() - 2, 'x');
    payload += "\"}";
    std::string f;
    f.push_back(char(0x81));
    if (payload.size() < 126) {
        f.push_back(char(payload.size()));
    } else {
        f.push_back(char(126));
        f.push_back(char((payload.size() >> 8) & 0xff));
        f.push_back(char(payload.size() & 0xff));
    }
    return f + payload;
}

struct Result {
    size_t frames = 0;
    int64_t missing = 0; // made but never read
    double p50 = 0, p99 = 0, max = 0;
};

// One run with `consoles` sockets: returns the latencies (ms) of the frames sent after the warm-up.
Result run(int consoles, int rate, int seconds, int warmup, size_t frameBytes)
{
    const int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0)
        fail("socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0; // a free port
    if (bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address) < 0 ||
        listen(listener, 1024) < 0)
        fail("bind/listen");
    socklen_t length = sizeof address;
    getsockname(listener, reinterpret_cast<sockaddr *>(&address), &length);

    std::vector<int> clients, servers;
    for (int i = 0; i < consoles; ++i) {
        const int c = socket(AF_INET, SOCK_STREAM, 0);
        if (c < 0 || connect(c, reinterpret_cast<sockaddr *>(&address), sizeof address) < 0)
            fail("connect");
        const int s = accept(listener, nullptr, nullptr);
        if (s < 0)
            fail("accept");
        nonBlocking(c);
        nonBlocking(s);
        clients.push_back(c);
        servers.push_back(s);
    }
    close(listener);

    std::atomic<bool> stop{false};
    std::atomic<int64_t> received{0}; // frames read, on all sockets, warm-up included
    int64_t produced = 0;             // frames made (each for every socket)
    std::vector<double> latencies;
    std::mutex latenciesMutex;
    const int64_t measureFromNs = nowNs() + int64_t(warmup) * 1000000000;

    // The readers: every socket, every frame (a frame may arrive in pieces).
    std::thread reader([&] {
        const int ep = epoll_create1(0);
        for (int i = 0; i < consoles; ++i) {
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.u32 = uint32_t(i);
            epoll_ctl(ep, EPOLL_CTL_ADD, clients[size_t(i)], &ev);
        }
        std::vector<std::string> pending(static_cast<size_t>(consoles));
        std::vector<double> mine;
        std::vector<char> buffer(1 << 16);
        std::vector<epoll_event> events(256);
        while (!stop.load()) {
            const int n = epoll_wait(ep, events.data(), int(events.size()), 50);
            for (int e = 0; e < n; ++e) {
                const uint32_t i = events[size_t(e)].data.u32;
                for (;;) {
                    const ssize_t got = read(clients[i], buffer.data(), buffer.size());
                    if (got <= 0)
                        break;
                    std::string &p = pending[i];
                    p.append(buffer.data(), size_t(got));
                    // Whole frames: header 2 or 4 bytes, then the payload.
                    for (;;) {
                        if (p.size() < 2)
                            break;
                        size_t header = 2;
                        size_t size = uint8_t(p[1]) & 0x7f;
                        if (size == 126) {
                            if (p.size() < 4)
                                break;
                            size = (size_t(uint8_t(p[2])) << 8) | uint8_t(p[3]);
                            header = 4;
                        }
                        if (p.size() < header + size)
                            break;
                        const int64_t created = std::strtoll(p.c_str() + header + 5, nullptr, 10);
                        if (created >= measureFromNs)
                            mine.push_back(double(nowNs() - created) / 1e6);
                        ++received;
                        p.erase(0, header + size);
                    }
                }
            }
        }
        close(ep);
        const std::lock_guard lock(latenciesMutex);
        latencies.insert(latencies.end(), mine.begin(), mine.end());
    });

    // The writer: one frame every 1/rate s, to every socket; what the kernel does not take now is queued
    // and written when the socket can take more.
    {
        const int ep = epoll_create1(0);
        // What a socket has not taken yet: frames that queue while the kernel's buffer is full go out
        // together in one write.
        std::vector<std::string> queued(static_cast<size_t>(consoles));
        for (int i = 0; i < consoles; ++i) {
            epoll_event ev{};
            ev.events = 0;
            ev.data.u32 = uint32_t(i);
            epoll_ctl(ep, EPOLL_CTL_ADD, servers[size_t(i)], &ev);
        }
        const auto flush = [&](uint32_t i) {
            std::string &q = queued[i];
            const bool waited = !q.empty();
            while (!q.empty()) {
                const ssize_t put = write(servers[i], q.data(), q.size());
                if (put < 0) {
                    if (errno == EAGAIN)
                        break;
                    fail("write");
                }
                q.erase(0, size_t(put));
            }
            if (waited || !q.empty()) {
                epoll_event ev{};
                ev.events = q.empty() ? 0u : uint32_t(EPOLLOUT);
                ev.data.u32 = i;
                epoll_ctl(ep, EPOLL_CTL_MOD, servers[i], &ev);
            }
        };
        const int64_t startNs = nowNs();
        const int64_t endNs = startNs + int64_t(warmup + seconds) * 1000000000;
        const int64_t intervalNs = 1000000000 / rate;
        int64_t nextNs = startNs;
        std::vector<epoll_event> events(256);
        while (nowNs() < endNs) {
            const int64_t waitMs = std::max<int64_t>(0, (nextNs - nowNs() + 999999) / 1000000);
            const int n = epoll_wait(ep, events.data(), int(events.size()), int(waitMs));
            for (int e = 0; e < n; ++e)
                flush(events[size_t(e)].data.u32);
            if (nowNs() >= nextNs) { // one frame a turn: a writer that falls behind shows as latency
                const std::string f = frame(frameBytes, nextNs); // due then: a late frame counts late
                for (int i = 0; i < consoles; ++i) {
                    std::string &q = queued[size_t(i)];
                    if (!q.empty()) {
                        q += f; // the socket is full: goes out when it can take more
                        continue;
                    }
                    const ssize_t put = write(servers[size_t(i)], f.data(), f.size());
                    if (put == ssize_t(f.size()))
                        continue;
                    if (put < 0 && errno != EAGAIN)
                        fail("write");
                    q.assign(f, put < 0 ? 0 : size_t(put));
                    flush(uint32_t(i));
                }
                nextNs += intervalNs;
                ++produced;
            }
        }
        // Every frame made goes out, the latest (the slowest, when the writer is behind) too.
        const int64_t flushUntil = nowNs() + int64_t(10) * 1000000000;
        while (std::any_of(queued.begin(), queued.end(), [](const std::string &q) { return !q.empty(); }) &&
               nowNs() < flushUntil) {
            const int n = epoll_wait(ep, events.data(), int(events.size()), 50);
            for (int e = 0; e < n; ++e)
                flush(events[size_t(e)].data.u32);
        }
        close(ep);
    }
    // And is read, or counted as missing.
    const int64_t expected = produced * consoles;
    const int64_t readUntil = nowNs() + int64_t(10) * 1000000000;
    while (received.load() < expected && nowNs() < readUntil)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    stop.store(true);
    reader.join();
    for (int fd : clients)
        close(fd);
    for (int fd : servers)
        close(fd);

    Result r;
    r.missing = expected - received.load();
    r.frames = latencies.size();
    if (latencies.empty())
        return r;
    std::sort(latencies.begin(), latencies.end());
    const auto at = [&](double q) {
        return latencies[std::min(latencies.size() - 1, size_t(q * double(latencies.size())))];
    };
    r.p50 = at(0.50);
    r.p99 = at(0.99);
    r.max = latencies.back();
    return r;
}

std::vector<int> numbers(const char *list)
{
    std::vector<int> out;
    std::string s(list);
    size_t start = 0;
    while (start <= s.size()) {
        const size_t comma = s.find(',', start);
        out.push_back(std::atoi(s.substr(start, comma - start).c_str()));
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    std::vector<int> consoles{1, 500};
    int rate = 200;
    int seconds = 10;
    int warmup = 2;
    size_t frameBytes = 1400;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        if (option == "--consoles")
            consoles = numbers(argv[i + 1]);
        else if (option == "--rate")
            rate = std::max(1, std::atoi(argv[i + 1]));
        else if (option == "--seconds")
            seconds = std::max(1, std::atoi(argv[i + 1]));
        else if (option == "--warmup")
            warmup = std::max(0, std::atoi(argv[i + 1]));
        else if (option == "--frame-bytes")
            frameBytes = size_t(std::clamp(std::atoi(argv[i + 1]), 64, 65000));
        else {
            std::fprintf(stderr, "unknown option %s\n", option.c_str());
            return 2;
        }
    }
    std::signal(SIGPIPE, SIG_IGN);
    // Two descriptors a console: as many as the hard limit allows.
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }
    std::printf("reference fan-out: one writer thread, one reader thread, loopback TCP, %d frames/s of %zu "
                "bytes, %d s measured after %d s\n",
                rate, frameBytes, seconds, warmup);
    for (int n : consoles) {
        const Result r = run(n, rate, seconds, warmup, frameBytes);
        if (r.frames == 0) {
            std::printf("consoles=%d: no frame arrived\n", n);
            return 1;
        }
        std::printf("consoles=%d frames=%zu p50_ms=%.2f p99_ms=%.2f max_ms=%.2f missing=%lld\n", n, r.frames,
                    r.p50, r.p99, r.max, static_cast<long long>(r.missing));
        if (r.missing != 0)
            return 1;
    }
    return 0;
}
