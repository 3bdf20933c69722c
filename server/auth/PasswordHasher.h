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

    // Runs verify() on the hashing threads, then done(ok) on context's thread.
    static void verifyAsync(QObject *context, const QString &storedHash, const QString &password,
                            std::function<void(bool)> done);

    // Runs hash() on the hashing threads, then done(hash) on context's thread.
    static void hashAsync(QObject *context, const QString &password, std::function<void(QString)> done);

    // Checks a new password; empty when acceptable, otherwise what is wrong.
    static QString weakness(const QString &password);

private:
    static QThreadPool *pool();
};
