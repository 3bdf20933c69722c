#include "CredentialStore.h"

#include "ConsoleLogging.h"

#include <QTimer>
#include <qt6keychain/keychain.h>

QString MemoryCredentialStore::notPersistentNote()
{
    return tr("This computer has no credential store: you stay signed in until the console closes, and "
              "it asks for your password again when it starts.");
}

void MemoryCredentialStore::load(const QString &key)
{
    const QByteArray token = m_tokens.value(key);
    QTimer::singleShot(0, this, [this, key, token] { Q_EMIT loaded(key, token); });
}

void MemoryCredentialStore::save(const QString &key, const QByteArray &token)
{
    m_tokens.insert(key, token);
    QTimer::singleShot(0, this, [this, key] { Q_EMIT saved(key, false, notPersistentNote()); });
}

KeychainCredentialStore::KeychainCredentialStore(const QString &service, QObject *parent)
    : CredentialStore(parent)
    , m_service(service)
{
    connect(&m_fallback, &CredentialStore::loaded, this, &CredentialStore::loaded);
    connect(&m_fallback, &CredentialStore::saved, this, &CredentialStore::saved);
}

void KeychainCredentialStore::load(const QString &key)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [this, job, key] {
        if (job->error() == QKeychain::NoError) {
            Q_EMIT loaded(key, job->textData().toUtf8());
            return;
        }
        if (job->error() != QKeychain::EntryNotFound)
            qCInfo(lcApi) << "the credential store could not be read:" << job->errorString();
        m_fallback.load(key);
    });
    job->start();
}

void KeychainCredentialStore::save(const QString &key, const QByteArray &token)
{
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setKey(key);
    job->setTextData(QString::fromUtf8(token));
    connect(job, &QKeychain::Job::finished, this, [this, job, key, token] {
        if (job->error() == QKeychain::NoError) {
            Q_EMIT saved(key, true, QString());
            return;
        }
        qCInfo(lcApi) << "the credential store cannot keep the session:" << job->errorString();
        m_fallback.save(key, token);
    });
    job->start();
}

void KeychainCredentialStore::remove(const QString &key)
{
    m_fallback.remove(key);
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setKey(key);
    job->start();
}
