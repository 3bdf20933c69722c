#pragma once

#include <QByteArray>
#include <QString>

#include <functional>

class Db;

// The tamper-evident chain over the compliance record (sql/028_audit_chain.sql): the facts waiting in
// audit_pending are hashed into audit_chain by one sequencer at a time, after their writers committed;
// verify() walks the chain and the rows it covers and names the first entry that does not match.
namespace AuditChain {

// Chains up to `most` waiting facts, oldest first; returns how many (0 when another instance is at it).
int advance(Db &db, int most = 20000);

// Waits for the sequencer's lock (another run finishes first), then chains what waits, up to
// `most` facts; returns how many. For what must see every fact written so far: exports, verify.
qint64 catchUp(Db &db, qint64 most = 200000);

// One entry's hash, as audit_entry_hash (sql/functions/) computes it: SHA-256 over the previous hash,
// "seq|kind|ref|recordedAt|" in UTF-8 (recordedAt as audit_time writes it), and the content's hash.
QByteArray entryHash(const QByteArray &previous, qint64 seq, const QString &kind, const QString &ref,
                     const QString &recordedAt, const QByteArray &contentHash);

struct Report {
    bool ok = false;
    qint64 entries = 0;     // entries in the chain
    qint64 pending = 0;     // facts still waiting (another instance was chaining them)
    qint64 firstBadSeq = 0; // the first entry that does not match, 0 when none (or a row outside it)
    QString problem;        // what does not match, for a person; empty when ok
    QString head;           // the last entry's hash in hex
};

// Chains what waits, then checks every entry's number and hash in order, then every covered row
// against its entry (changed, missing, or never chained), each tombstone, and every kept file's bytes
// against its checksum (read a few chunks at a time). `progress` hears what is being checked.
Report verify(Db &db, const std::function<void(const QString &)> &progress = {});

} // namespace AuditChain
