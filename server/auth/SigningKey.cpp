#include "SigningKey.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sodium.h>

#include <cerrno>
#include <cstring>

#include <sys/stat.h>
#include <unistd.h>

namespace {

const QByteArray header = "liftline-signing-key-v1";

bool sodiumReady()
{
    static const bool ready = sodium_init() >= 0;
    return ready;
}

// The file holds a header line and the 32-byte seed in base64.
bool parseSeed(const QByteArray &bytes, QByteArray *seed)
{
    const QList<QByteArray> lines = bytes.trimmed().split('\n');
    if (lines.size() != 2 || lines.at(0).trimmed() != header)
        return false;
    const auto decoded =
        QByteArray::fromBase64Encoding(lines.at(1).trimmed(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() != int(crypto_sign_SEEDBYTES))
        return false;
    *seed = decoded.decoded;
    return true;
}

} // namespace

QString SigningKey::defaultPath(const QString &dataDir)
{
    return QFileInfo(QDir::cleanPath(dataDir)).absolutePath() + QLatin1String("/signing.key");
}

SigningKey SigningKey::load(const QString &path, QString *error)
{
    SigningKey key;
    if (!sodiumReady()) {
        *error = QStringLiteral("libsodium could not be initialised");
        return key;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Cannot read the signing key %1: %2").arg(path, file.errorString());
        return key;
    }
    struct stat st {};
    if (::fstat(file.handle(), &st) == 0 && (st.st_mode & 0077) != 0) {
        *error = QStringLiteral("The signing key %1 can be read by other accounts (mode %2); make it "
                                "readable by the server's account only: chmod 600 %1")
                     .arg(path, QString::number(st.st_mode & 0777, 8));
        return key;
    }
    QByteArray seed;
    if (!parseSeed(file.read(4096), &seed)) {
        *error = QStringLiteral("%1 is not a Liftline signing key (a first line '%2', then 32 bytes in "
                                "base64); restore it from your backup, or move it away to have a new one "
                                "made (exports signed with the old key then verify only with its public key)")
                     .arg(path, QString::fromLatin1(header));
        return key;
    }
    key.m_public.resize(crypto_sign_PUBLICKEYBYTES);
    key.m_secret.resize(crypto_sign_SECRETKEYBYTES);
    crypto_sign_seed_keypair(reinterpret_cast<unsigned char *>(key.m_public.data()),
                             reinterpret_cast<unsigned char *>(key.m_secret.data()),
                             reinterpret_cast<const unsigned char *>(seed.constData()));
    sodium_memzero(seed.data(), size_t(seed.size()));
    return key;
}

SigningKey SigningKey::loadOrCreate(const QString &path, QString *error)
{
    if (QFileInfo::exists(path) || QFileInfo(path).isSymLink())
        return load(path, error);
    const QString folder = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(folder)) {
        *error = QStringLiteral("Cannot create the folder %1 for the signing key").arg(folder);
        return {};
    }
    if (!sodiumReady()) {
        *error = QStringLiteral("libsodium could not be initialised");
        return {};
    }
    unsigned char seed[crypto_sign_SEEDBYTES];
    randombytes_buf(seed, sizeof seed);
    const QByteArray text =
        header + '\n' + QByteArray(reinterpret_cast<const char *>(seed), sizeof seed).toBase64() + '\n';
    sodium_memzero(seed, sizeof seed);
    // Written 0600 from its first byte to a file of this process's own, given to the folder's owner
    // when root makes it (a command run as root beside the service: the service's account must read
    // it), then linked into place: link() never replaces a key another process made meanwhile, and a
    // crash leaves no half key.
    const QString partial = path + QStringLiteral(".new.%1").arg(::getpid());
    QFile::remove(partial);
    QFile file(partial);
    struct stat folderStat {};
    const bool giveAway = ::geteuid() == 0 &&
                          ::stat(QFile::encodeName(folder).constData(), &folderStat) == 0 &&
                          folderStat.st_uid != 0;
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                   QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        file.write(text) != text.size() || !file.flush() ||
        (giveAway && ::fchown(file.handle(), folderStat.st_uid, folderStat.st_gid) != 0) ||
        ::fsync(file.handle()) != 0) {
        *error = QStringLiteral("Cannot create the signing key %1: %2").arg(path, file.errorString());
        file.remove();
        return {};
    }
    file.close();
    const int linked = ::link(QFile::encodeName(partial).constData(), QFile::encodeName(path).constData());
    const int linkError = errno;
    QFile::remove(partial);
    if (linked != 0 && linkError != EEXIST) {
        *error = QStringLiteral("Cannot create the signing key %1: %2")
                     .arg(path, QString::fromLocal8Bit(::strerror(linkError)));
        return {};
    }
    return load(path, error);
}

QString SigningKey::fingerprintOf(const QByteArray &publicKey)
{
    const QByteArray hex = QCryptographicHash::hash(publicKey, QCryptographicHash::Sha256).left(16).toHex();
    QString out;
    for (int i = 0; i < hex.size(); i += 4) {
        if (i > 0)
            out += QLatin1Char(' ');
        out += QString::fromLatin1(hex.mid(i, 4));
    }
    return out;
}

QByteArray SigningKey::sign(const QByteArray &data) const
{
    QByteArray signature(crypto_sign_BYTES, Qt::Uninitialized);
    crypto_sign_detached(reinterpret_cast<unsigned char *>(signature.data()), nullptr,
                         reinterpret_cast<const unsigned char *>(data.constData()), quint64(data.size()),
                         reinterpret_cast<const unsigned char *>(m_secret.constData()));
    return signature;
}

bool SigningKey::verify(const QByteArray &publicKey, const QByteArray &data, const QByteArray &signature)
{
    if (!sodiumReady() || publicKey.size() != int(crypto_sign_PUBLICKEYBYTES) ||
        signature.size() != int(crypto_sign_BYTES))
        return false;
    return crypto_sign_verify_detached(reinterpret_cast<const unsigned char *>(signature.constData()),
                                       reinterpret_cast<const unsigned char *>(data.constData()),
                                       quint64(data.size()),
                                       reinterpret_cast<const unsigned char *>(publicKey.constData())) == 0;
}
