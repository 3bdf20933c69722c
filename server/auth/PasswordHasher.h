#pragma once

#include <QObject>
#include <QThreadPool>
#include <functional>

// argon2id (libsodium, at its interactive limits: about 64 MiB and a good fraction of a second each).
// At most two hashes run at a time across the process, so a burst of sign-ins cannot exhaust memory.
class PasswordHasher {
public:
    static QString hash(const QString &password);
    static bool verify(const QString &storedHash, const QString &password);
    // A valid hash of a random password, verified against for unknown usernames so that they take as long
    // as known ones.
    static QString dummyHash();

    // Runs verify() on the hashing threads, then done(ok) on context's thread. Takes a place reserve()d by
    // the caller and gives it back when done.
    static void verifyAsync(QObject *context, const QString &storedHash, const QString &password,
                            std::function<void(bool)> done);

    // Runs hash() on the hashing threads, then done(hash) on context's thread. Takes a place reserve()d by
    // the caller and gives it back when done.
    static void hashAsync(QObject *context, const QString &password, std::function<void(QString)> done);

    // Checks and hashes queued or running, at most.
    static constexpr int maxQueued = 16;
    // Takes a place in the hashing queue for one verifyAsync() or hashAsync(); false when it is full (the
    // request is then answered 503 with Retry-After rather than queued). A place not used is release()d.
    static bool reserve();
    static void release();
    // Checks and hashes started by verifyAsync() and hashAsync() since start (for /metrics).
    static quint64 started();

    // Checks a new password; empty when acceptable, otherwise what is wrong.
    static QString weakness(const QString &password);

private:
    static QThreadPool *pool();
};
