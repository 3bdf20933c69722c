#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

class Db;
class SigningKey;

// The audit chain's head (AuditChain), signed with the server's key so that someone outside the database
// can hold it: once a day by the server, and by `liftline-server chain-head`. Each is recorded in
// audit_heads and written to the log as one line; verifyHeads() checks the chain against all of them,
// which catches a chain rewritten (or cut short) after a head was signed.
namespace ChainHead {

struct Head {
    qint64 seq = 0; // 0: the chain is empty, nothing was signed
    QByteArray hash;
    QDateTime signedAt;
    QString fingerprint;
    QByteArray signature;
    // The bytes signed: "liftline audit chain head|<seq>|<hash hex>|<signed_at, audit_time>".
    QByteArray statement;
    // One line for the log and for whoever keeps heads outside.
    QString line() const;
};

// Catches the chain up, then signs and records its head.
Head sign(Db &db, const SigningKey &key);

// Signs one when none was signed in the last 24 hours (one instance at a time); returns it, or seq 0.
// With toWebhook, the head is also queued for the call-out webhook (escalation_callouts, event
// 'chain_head'), in the same transaction, so that someone outside the server holds it.
Head signDaily(Db &db, const SigningKey &key, bool toWebhook = false);

// Every recorded head: its signature by the key recorded under its fingerprint (signing_keys), and the
// chain still holding its hash at its number. Empty when all hold, else what does not.
QString verifyHeads(Db &db, int *checked = nullptr);

} // namespace ChainHead
