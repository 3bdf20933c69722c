// The credential-store seam: without a store on the session bus (ctest gives this test a private bus
// with no services), the keychain store falls back to memory and says so; what is saved can be read
// back for this run and removed.

#include "CredentialStore.h"

#include <QSignalSpy>
#include <QTest>

class TestCredentialStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void memoryKeepsATokenForThisRunOnly()
    {
        MemoryCredentialStore store;
        QSignalSpy saved(&store, &CredentialStore::saved);
        QSignalSpy loaded(&store, &CredentialStore::loaded);
        store.save(QStringLiteral("http://a|thandi"), "token-1");
        QTRY_COMPARE(saved.size(), 1);
        QCOMPARE(saved.at(0).at(1).toBool(), false);
        QVERIFY(saved.at(0).at(2).toString().contains(QLatin1String("password again")));
        store.load(QStringLiteral("http://a|thandi"));
        QTRY_COMPARE(loaded.size(), 1);
        QCOMPARE(loaded.at(0).at(1).toByteArray(), QByteArray("token-1"));
        store.load(QStringLiteral("http://b|thandi")); // another server: nothing
        QTRY_COMPARE(loaded.size(), 2);
        QVERIFY(loaded.at(1).at(1).toByteArray().isEmpty());
        store.remove(QStringLiteral("http://a|thandi"));
        store.load(QStringLiteral("http://a|thandi"));
        QTRY_COMPARE(loaded.size(), 3);
        QVERIFY(loaded.at(2).at(1).toByteArray().isEmpty());
    }

    void keychainWithoutAStoreFallsBackToMemoryAndSaysSo()
    {
        KeychainCredentialStore store(QStringLiteral("liftline-console-test"));
        QSignalSpy saved(&store, &CredentialStore::saved);
        QSignalSpy loaded(&store, &CredentialStore::loaded);
        store.save(QStringLiteral("http://a|thandi"), "token-2");
        QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 30000);
        QCOMPARE(saved.at(0).at(1).toBool(), false); // no Secret Service on this bus
        QVERIFY(!saved.at(0).at(2).toString().isEmpty());
        store.load(QStringLiteral("http://a|thandi"));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 30000);
        QCOMPARE(loaded.at(0).at(1).toByteArray(), QByteArray("token-2"));
        store.remove(QStringLiteral("http://a|thandi"));
        store.load(QStringLiteral("http://a|thandi"));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 2, 30000);
        QVERIFY(loaded.at(1).at(1).toByteArray().isEmpty());
    }
};

QTEST_MAIN(TestCredentialStore)
#include "tst_credentialstore.moc"
