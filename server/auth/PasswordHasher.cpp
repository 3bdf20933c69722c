#include "PasswordHasher.h"

#include "CallerThread.h"

#include <QPointer>
#include <QSemaphore>
#include <atomic>
#include <sodium.h>

namespace {
QSemaphore &hashSlots()
{
    static QSemaphore slots(2);
    return slots;
}

// Checks and hashes queued or running: past maxQueued, sign-ins are answered 503 at once instead of waiting
// behind everyone else's.
std::atomic<int> queued{0};
std::atomic<quint64> hashesStarted{0};

void ensureSodium()
{
    static const bool ready = sodium_init() >= 0;
    if (!ready)
        qFatal("libsodium could not initialise");
}
} // namespace

QThreadPool *PasswordHasher::pool()
{
    static QThreadPool *p = [] {
        auto *tp = new QThreadPool;
        tp->setMaxThreadCount(2);
        return tp;
    }();
    return p;
}

QString PasswordHasher::hash(const QString &password)
{
    const QByteArray pw = password.toUtf8();
    char out[crypto_pwhash_STRBYTES];
    ensureSodium();
    hashSlots().acquire();
    QSemaphoreReleaser release(hashSlots());
    if (crypto_pwhash_str(out, pw.constData(), quint64(pw.size()), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        qFatal("argon2id ran out of memory");
    return QString::fromLatin1(out);
}

bool PasswordHasher::verify(const QString &storedHash, const QString &password)
{
    const QByteArray stored = storedHash.toLatin1();
    const QByteArray pw = password.toUtf8();
    ensureSodium();
    hashSlots().acquire();
    QSemaphoreReleaser release(hashSlots());
    return crypto_pwhash_str_verify(stored.constData(), pw.constData(), quint64(pw.size())) == 0;
}

QString PasswordHasher::dummyHash()
{
    static const QString h = [] {
        unsigned char random[24];
        randombytes_buf(random, sizeof random);
        return hash(
            QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(random), sizeof random).toHex()));
    }();
    return h;
}

void PasswordHasher::verifyAsync(QObject *context, const QString &storedHash, const QString &password,
                                 std::function<void(bool)> done)
{
    const CallerThread caller(context);
    ++hashesStarted;
    pool()->start([caller, storedHash, password, done = std::move(done)] {
        const bool ok =
            verify(storedHash.isEmpty() ? dummyHash() : storedHash, password) && !storedHash.isEmpty();
        release();
        caller.post([done, ok] { done(ok); });
    });
}

void PasswordHasher::hashAsync(QObject *context, const QString &password, std::function<void(QString)> done)
{
    const CallerThread caller(context);
    ++hashesStarted;
    pool()->start([caller, password, done = std::move(done)] {
        const QString h = hash(password);
        release();
        caller.post([done, h] { done(h); });
    });
}

bool PasswordHasher::reserve()
{
    int now = queued.load();
    do {
        if (now >= maxQueued)
            return false;
    } while (!queued.compare_exchange_weak(now, now + 1));
    return true;
}

void PasswordHasher::release()
{
    --queued;
}

quint64 PasswordHasher::started()
{
    return hashesStarted.load();
}

QString PasswordHasher::weakness(const QString &password)
{
    if (password.size() < 10)
        return QStringLiteral("A password needs at least 10 characters");
    if (password.size() > 256)
        return QStringLiteral("A password may have at most 256 characters");
    return {};
}
