#include "ChainHead.h"

#include <QJsonDocument>
#include <QJsonObject>

#include "IncidentExport.h"
#include "auth/SigningKey.h"
#include "db/AuditChain.h"
#include "db/Db.h"

#include <QSqlQuery>

namespace ChainHead {

namespace {

QByteArray statementOf(qint64 seq, const QByteArray &hash, const QString &signedAt)
{
    return "liftline audit chain head|" + QByteArray::number(seq) + '|' + hash.toHex() + '|' +
           signedAt.toUtf8();
}

} // namespace

QString Head::line() const
{
    return QStringLiteral("audit chain head: entry %1, hash %2, signed at %3 by key %4, signature %5")
        .arg(seq)
        .arg(QString::fromLatin1(hash.toHex()), signedAt.toString(Qt::ISODateWithMs), fingerprint,
             QString::fromLatin1(signature.toBase64()));
}

namespace {

// Inside a transaction: the last entry, signed and recorded (seq 0 when the chain is empty).
Head signLast(Db &db, const SigningKey &key)
{
    Head h;
    QSqlQuery &q = db.exec(QStringLiteral(
        "SELECT seq, hash, now(), audit_time(now()) FROM audit_chain ORDER BY seq DESC LIMIT 1"));
    if (!q.next())
        return h;
    h.seq = q.value(0).toLongLong();
    h.hash = q.value(1).toByteArray();
    h.signedAt = q.value(2).toDateTime().toUTC();
    const QString signedAt = q.value(3).toString();
    q.finish();
    h.statement = statementOf(h.seq, h.hash, signedAt);
    h.signature = key.sign(h.statement);
    h.fingerprint = key.fingerprint();
    db.exec(QStringLiteral("INSERT INTO audit_heads (seq, hash, signed_at, fingerprint, signature) "
                           "VALUES (?, decode(?, 'hex'), now(), ?, decode(?, 'hex'))"),
            {h.seq, QString::fromLatin1(h.hash.toHex()), h.fingerprint,
             QString::fromLatin1(h.signature.toHex())})
        .finish();
    return h;
}

} // namespace

Head sign(Db &db, const SigningKey &key)
{
    AuditChain::catchUp(db);
    IncidentExport::recordKey(db, key);
    Head h;
    db.transaction([&] { h = signLast(db, key); });
    return h;
}

Head signDaily(Db &db, const SigningKey &key, bool toWebhook)
{
    const QString due =
        QStringLiteral("SELECT NOT EXISTS (SELECT 1 FROM audit_heads WHERE signed_at > now() - "
                       "interval '24 hours') AND EXISTS (SELECT 1 FROM audit_chain)");
    if (!db.scalar(due).toBool())
        return {};
    AuditChain::catchUp(db);
    IncidentExport::recordKey(db, key);
    Head h;
    db.transaction([&] {
        // One instance signs; one that finds the lock taken leaves it to the other.
        if (db.scalar(QStringLiteral("SELECT pg_try_advisory_xact_lock(hashtext('liftline.audit_head'))"))
                .toBool() &&
            db.scalar(due).toBool()) {
            h = signLast(db, key);
            if (h.seq > 0 && toWebhook) {
                const QJsonObject facts{
                    {QStringLiteral("head"),
                     QJsonObject{{QStringLiteral("seq"), h.seq},
                                 {QStringLiteral("hash"), QString::fromLatin1(h.hash.toHex())},
                                 {QStringLiteral("signed_at"), h.signedAt.toString(Qt::ISODateWithMs)},
                                 {QStringLiteral("fingerprint"), h.fingerprint},
                                 {QStringLiteral("public_key"), key.publicKeyBase64()},
                                 {QStringLiteral("statement"), QString::fromUtf8(h.statement)},
                                 {QStringLiteral("signature"), QString::fromLatin1(h.signature.toBase64())},
                                 {QStringLiteral("line"), h.line()}}}};
                db.exec(QStringLiteral("INSERT INTO escalation_callouts (channel, event, facts) VALUES "
                                       "('webhook', 'chain_head', ?::jsonb)"),
                        {QString::fromUtf8(QJsonDocument(facts).toJson(QJsonDocument::Compact))});
            }
        }
    });
    return h;
}

QString verifyHeads(Db &db, int *checked)
{
    int n = 0;
    QString problem;
    QSqlQuery &q = db.exec(QStringLiteral(
        "SELECT h.seq, h.hash, audit_time(h.signed_at), h.fingerprint, h.signature, k.public_key, c.hash, "
        "(SELECT max(seq) FROM audit_chain) FROM audit_heads h LEFT JOIN signing_keys k ON k.fingerprint = "
        "h.fingerprint LEFT JOIN audit_chain c ON c.seq = h.seq ORDER BY h.signed_at, h.id"));
    while (q.next() && problem.isEmpty()) {
        ++n;
        const qint64 seq = q.value(0).toLongLong();
        const QByteArray hash = q.value(1).toByteArray();
        const QString signedAt = q.value(2).toString();
        const QString fingerprint = q.value(3).toString();
        const QByteArray publicKey = QByteArray::fromBase64(q.value(5).toString().toLatin1());
        if (q.value(5).isNull())
            problem =
                QStringLiteral("the head signed at %1 names the key %2, which signing_keys does not hold")
                    .arg(signedAt, fingerprint);
        else if (!SigningKey::verify(publicKey, statementOf(seq, hash, signedAt), q.value(4).toByteArray()))
            problem =
                QStringLiteral("the head signed at %1 (entry %2) does not match its signature by the key %3: "
                               "the recorded head was changed")
                    .arg(signedAt)
                    .arg(seq)
                    .arg(fingerprint);
        else if (q.value(6).isNull())
            problem =
                QStringLiteral("the head signed at %1 covers entry %2, but the chain ends at entry %3: it "
                               "was cut short")
                    .arg(signedAt)
                    .arg(seq)
                    .arg(q.value(7).toLongLong());
        else if (q.value(6).toByteArray() != hash)
            problem =
                QStringLiteral("entry %1: its hash is not the one signed at %2 (%3): the chain was rewritten "
                               "up to this entry")
                    .arg(seq)
                    .arg(signedAt, QString::fromLatin1(hash.toHex().left(16)));
    }
    q.finish();
    if (checked)
        *checked = n;
    return problem;
}

} // namespace ChainHead
