#pragma once

#include <QByteArray>
#include <QString>

#include <functional>

// The server's Ed25519 key (libsodium) that signs incident exports, so that whoever holds an export can
// check that this server made it and that not a byte changed since, without access to the database.
//
// The secret part lives in a file of its own (LIFTLINE_SIGNING_KEY_FILE; by default signing.key beside
// the embedded cluster's folder), readable by the server's account only, created on first use. It is not
// in the database, so a database backup (or someone who can write to the database) cannot sign. The
// public key is served at GET /api/chat/signing-key and printed by `liftline-server signing-key`.
class SigningKey {
public:
    // Reads the key from path, or creates it there (mode 0600; the folder is made if missing) when the
    // file does not exist. Returns an invalid key and sets *error (a sentence saying what to do) when neither
    // works.
    static SigningKey loadOrCreate(const QString &path, QString *error);
    // Reads an existing key; never creates one.
    static SigningKey load(const QString &path, QString *error);
    // The default place: signing.key in the parent of the embedded cluster's data folder.
    static QString defaultPath(const QString &dataDir);

    bool isValid() const { return m_public.size() == 32; }
    QByteArray publicKey() const { return m_public; } // 32 bytes
    QString publicKeyBase64() const { return QString::fromLatin1(m_public.toBase64()); }
    // The first 16 bytes of SHA-256 over the public key, in hex groups of four: "a1b2 c3d4 ...".
    QString fingerprint() const { return fingerprintOf(m_public); }
    static QString fingerprintOf(const QByteArray &publicKey);

    QByteArray sign(const QByteArray &data) const; // 64 bytes
    static bool verify(const QByteArray &publicKey, const QByteArray &data, const QByteArray &signature);

private:
    QByteArray m_public;
    QByteArray m_secret; // libsodium's 64-byte secret key (seed and public key)
};

// The server's key as its users get it: loaded (or made) on first use, from any thread; an invalid key,
// with *error set, while it cannot be (ServerApp::signingKey).
using SigningKeySource = std::function<const SigningKey &(QString *error)>;
