#include "AuditChain.h"

#include "Db.h"

#include <QCryptographicHash>
#include <QSqlQuery>

#include <limits>

namespace AuditChain {

int advance(Db &db, int most)
{
    return db.scalar(QStringLiteral("SELECT audit_chain_advance(?)"), {most}).toInt();
}

qint64 catchUp(Db &db, qint64 most)
{
    qint64 done = 0;
    db.transaction([&] {
        // audit_chain_advance only tries for this lock; held here, its try succeeds (the same session).
        db.exec(QStringLiteral("SELECT pg_advisory_xact_lock(hashtext('liftline.audit_chain'))")).finish();
        for (int n = 20000; n == 20000 && done < most;) {
            n = advance(db, 20000);
            done += n;
        }
    });
    return done;
}

QByteArray entryHash(const QByteArray &previous, qint64 seq, const QString &kind, const QString &ref,
                     const QString &recordedAt, const QByteArray &contentHash)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(previous);
    h.addData(QStringLiteral("%1|%2|%3|%4|").arg(seq).arg(kind, ref, recordedAt).toUtf8());
    h.addData(contentHash);
    return h.result();
}

namespace {

struct Finding {
    qint64 seq = std::numeric_limits<qint64>::max();
    QString problem;
};

// The first row of one kind that differs from its entry, has gone, or was never chained.
Finding checkRows(Db &db, const QString &kind, const QString &table, const QString &condition)
{
    Finding f;
    // `table` comes quoted from audit_covered (see verify), `condition` from its set_column.
    const QString rows = QStringLiteral("SELECT audit_ref(:kind, to_jsonb(t)) AS ref, "
                                        "audit_hash(audit_content(:kind, to_jsonb(t))) AS h FROM %1 t %2")
                             .arg(table, condition);
    QSqlQuery &q = db.exec(
        QStringLiteral(
            "SELECT c.seq, coalesce(c.ref, r.ref), CASE WHEN c.seq IS NULL THEN 'unchained' "
            "WHEN r.ref IS NULL THEN 'missing' ELSE 'changed' END "
            "FROM (SELECT seq, ref, content_hash FROM audit_chain a WHERE kind = :kind AND NOT EXISTS "
            "(SELECT 1 FROM audit_removed x WHERE x.seq = a.seq)) c "
            "FULL JOIN (%1) r ON r.ref = c.ref "
            "WHERE (c.seq IS NULL AND NOT EXISTS (SELECT 1 FROM audit_pending p WHERE p.kind = :kind "
            "AND p.ref = r.ref)) OR r.ref IS NULL OR r.h <> c.content_hash "
            "ORDER BY c.seq NULLS LAST LIMIT 1")
            .arg(rows)
            .replace(QLatin1String(":kind"), QLatin1String("?")),
        {kind, kind, kind, kind});
    if (!q.next())
        return f;
    const QString ref = q.value(1).toString();
    const QString what = q.value(2).toString();
    if (what == QLatin1String("unchained")) {
        f.seq = std::numeric_limits<qint64>::max() - 1;
        f.problem = QStringLiteral("%1 row %2 (%3) is in no entry of the chain: it was written while the "
                                   "chain's triggers were off, or its entry was removed")
                        .arg(table, ref, kind);
    } else {
        f.seq = q.value(0).toLongLong();
        f.problem = what == QLatin1String("missing")
                        ? QStringLiteral("entry %1 (%2 %3): the %4 row it records is gone")
                              .arg(f.seq)
                              .arg(kind, ref, table)
                        : QStringLiteral("entry %1 (%2 %3): the %4 row differs from what was first stored")
                              .arg(f.seq)
                              .arg(kind, ref, table);
    }
    q.finish();
    return f;
}

} // namespace

Report verify(Db &db, const std::function<void(const QString &)> &progress)
{
    const auto tell = [&](const QString &text) {
        if (progress)
            progress(text);
    };
    Report report;
    catchUp(db, std::numeric_limits<qint64>::max());
    // bytea (a file's checksum) read as hex, as the triggers wrote it.
    db.execOnce(QStringLiteral("SET bytea_output = 'hex'"));
    report.pending = db.scalar(QStringLiteral("SELECT count(*) FROM audit_pending")).toLongLong();

    // 1. The chain itself: numbers without a gap, each hash from the one before it.
    tell(QStringLiteral("Checking the chain's entries in order"));
    QByteArray previous(32, '\0');
    qint64 expected = 1;
    bool chainOk = true;
    for (;;) {
        QSqlQuery &q =
            db.exec(QStringLiteral(
                        "SELECT seq, kind, ref, audit_time(recorded_at), content_hash, hash FROM audit_chain "
                        "WHERE seq >= ? ORDER BY seq LIMIT 50000"),
                    {expected});
        qint64 read = 0;
        while (chainOk && q.next()) {
            ++read;
            const qint64 seq = q.value(0).toLongLong();
            const QString kind = q.value(1).toString();
            const QString ref = q.value(2).toString();
            if (seq != expected) {
                report.firstBadSeq = expected;
                report.problem = QStringLiteral("entry %1 is missing: the chain goes from %2 to %3")
                                     .arg(expected)
                                     .arg(expected - 1)
                                     .arg(seq);
                chainOk = false;
                break;
            }
            const QByteArray hash =
                entryHash(previous, seq, kind, ref, q.value(3).toString(), q.value(4).toByteArray());
            if (hash != q.value(5).toByteArray()) {
                report.firstBadSeq = seq;
                report.problem =
                    QStringLiteral("entry %1 (%2 %3): its hash does not follow from its contents "
                                   "and the entry before it: the chain was changed here")
                        .arg(seq)
                        .arg(kind, ref);
                chainOk = false;
                break;
            }
            previous = hash;
            ++expected;
        }
        q.finish();
        if (!chainOk || read < 50000)
            break;
        tell(QStringLiteral("%1 entries checked").arg(expected - 1));
    }
    report.entries = db.scalar(QStringLiteral("SELECT count(*) FROM audit_chain")).toLongLong();
    report.head = QString::fromLatin1(previous.toHex());
    if (!chainOk)
        return report;

    // 2. Every covered row against its entry.
    Finding first;
    // A kind appended when a column is first set covers only the rows where it is (set_column).
    QSqlQuery &kinds = db.exec(QStringLiteral(
        "SELECT kind, quote_ident(table_name), CASE WHEN set_column IS NOT NULL THEN format('WHERE t.%I IS "
        "NOT NULL', set_column) ELSE '' END FROM audit_covered ORDER BY kind"));
    struct Covered {
        QString kind, table, condition;
    };
    QList<Covered> covered;
    while (kinds.next())
        covered.append({kinds.value(0).toString(), kinds.value(1).toString(), kinds.value(2).toString()});
    kinds.finish();
    for (const auto &[kind, table, condition] : std::as_const(covered)) {
        tell(QStringLiteral("Checking %1 (%2) against the chain").arg(table, kind));
        const Finding f = checkRows(db, kind, table, condition);
        if (f.seq < first.seq)
            first = f;
    }
    // 3. Each tombstone against the entries it says were removed: their count, their hashes' digest, and
    // that they came before it. An entry listed as removed without its tombstone agreeing hides a deletion.
    tell(QStringLiteral("Checking the tombstones of removed data"));
    QSqlQuery &tombs = db.exec(QStringLiteral(
        "SELECT t.id, c.seq FROM audit_tombstones t JOIN audit_chain c ON c.kind = 'tombstone' AND c.ref = "
        "t.id::text "
        "LEFT JOIN LATERAL (SELECT count(*) AS n, sha256(coalesce(string_agg(e.hash, ''::bytea ORDER BY "
        "e.seq), ''::bytea)) AS digest, max(e.seq) AS last FROM audit_removed x JOIN audit_chain e ON e.seq "
        "= "
        "x.seq WHERE x.tombstone_id = t.id) r ON true "
        "WHERE r.n <> t.entry_count OR r.digest <> t.entries_digest OR r.last >= c.seq ORDER BY c.seq LIMIT "
        "1"));
    if (tombs.next() && tombs.value(1).toLongLong() < first.seq) {
        first.seq = tombs.value(1).toLongLong();
        first.problem = QStringLiteral("entry %1 (tombstone %2): the entries listed as removed by it do not "
                                       "match what it recorded: a removal was hidden or altered")
                            .arg(first.seq)
                            .arg(tombs.value(0).toLongLong());
    }
    tombs.finish();
    if (!first.problem.isEmpty()) {
        report.firstBadSeq = first.seq < std::numeric_limits<qint64>::max() - 1 ? first.seq : 0;
        report.problem = first.problem;
        return report;
    }
    report.ok = true;
    return report;
}

} // namespace AuditChain
