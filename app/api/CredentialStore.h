#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>

// Where the console keeps an agent's session token between runs: the operating system's credential
// store (QtKeychain: Secret Service/KWallet, Keychain, Credential Manager). Where there is none the
// token lives in memory only and the window says that a restart asks for the password again.
// Answers are asynchronous: the keychain may ask the user to unlock it.
class CredentialStore : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~CredentialStore() override = default;

    // `key` names the server and the account ("https://liftline.example|thandi").
    virtual void load(const QString &key) = 0;
    virtual void save(const QString &key, const QByteArray &token) = 0;
    virtual void remove(const QString &key) = 0;

Q_SIGNALS:
    // The stored token, empty when there is none (or the store could not be read).
    void loaded(const QString &key, const QByteArray &token);
    // persistent: kept beyond this run. note: what the agent should know when it is not.
    void saved(const QString &key, bool persistent, const QString &note);
};

// The token for this run only.
class MemoryCredentialStore : public CredentialStore {
    Q_OBJECT
public:
    using CredentialStore::CredentialStore;
    void load(const QString &key) override;
    void save(const QString &key, const QByteArray &token) override;
    void remove(const QString &key) override { m_tokens.remove(key); }
    static QString notPersistentNote();

private:
    QHash<QString, QByteArray> m_tokens;
};

// The operating system's store through QtKeychain, falling back to memory when it has none.
class KeychainCredentialStore : public CredentialStore {
    Q_OBJECT
public:
    explicit KeychainCredentialStore(const QString &service, QObject *parent = nullptr);
    void load(const QString &key) override;
    void save(const QString &key, const QByteArray &token) override;
    void remove(const QString &key) override;

private:
    QString m_service;
    MemoryCredentialStore m_fallback;
};
