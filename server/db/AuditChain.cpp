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

// Where a problem with a row that is in no entry of the chain sorts: after every entry's.
constexpr qint64 unchainedSeq = std::numeric_limits<qint64>::max() - 1;

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
        f.seq = unchainedSeq;
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

struct KeptFile {
    qint64 id = 0;
    QByteArray sha256;
    qint64 size = 0;
    qint64 seq = 0; // its entry (kind file), or unchainedSeq
};

// What is wrong with a kept file's bytes: its chunks in order (a few at a time) re-hashed against the
// SHA-256 its row records, and their count and size against its own; empty when they match.
QString bytesProblem(Db &db, const KeptFile &file)
{
    constexpr int chunksAtOnce = 8; // 2 MB of MediaStore's chunks
    QCryptographicHash hash(QCryptographicHash::Sha256);
    qint64 next = 0;
    qint64 read = 0;
    for (;;) {
        QSqlQuery &q =
            db.exec(QStringLiteral("SELECT seq, data FROM chat_media_chunks WHERE media_id = ? AND "
                                   "seq >= ? ORDER BY seq LIMIT %1")
                        .arg(chunksAtOnce),
                    {file.id, next});
        int rows = 0;
        QString problem;
        while (problem.isEmpty() && q.next()) {
            ++rows;
            if (q.value(0).toLongLong() != next) {
                problem = QStringLiteral("chunk %1 of its bytes (chat_media_chunks) is missing").arg(next);
                break;
            }
            const QByteArray data = q.value(1).toByteArray();
            hash.addData(data);
            read += data.size();
            ++next;
            if (read > file.size)
                problem =
                    QStringLiteral("its bytes (chat_media_chunks) run past the %1 bytes it records: chunks "
                                   "were added")
                        .arg(file.size);
        }
        q.finish();
        if (!problem.isEmpty())
            return problem;
        if (rows < chunksAtOnce)
            break;
    }
    if (read < file.size)
        return QStringLiteral("chunk %1 of its bytes (chat_media_chunks) is missing: %2 of its %3 bytes are "
                              "there")
            .arg(next)
            .arg(read)
            .arg(file.size);
    if (hash.result() != file.sha256)
        return QStringLiteral("its bytes (chat_media_chunks) do not match the SHA-256 it records: they were "
                              "changed");
    return {};
}

// Every kept file's bytes (purged_at IS NULL: the retention job dropped the others) against its checksum,
// the first problem by entry; a file whose entry comes at or after `before` could not be the first, and is
// not read. Files are listed a batch at a time and read one at a time, a few chunks at once.
Finding checkFileBytes(Db &db, qint64 before, const std::function<void(const QString &)> &tell)
{
    constexpr int filesAtOnce = 200;
    Finding first;
    first.seq = before;
    qint64 after = 0;
    qint64 files = 0;
    qint64 bytes = 0;
    qint64 toldAt = 0;
    const auto told = [&] {
        tell(QStringLiteral("%1 file(s) checked against their checksums (%2 MB)")
                 .arg(files)
                 .arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 1));
        toldAt = bytes;
    };
    for (;;) {
        QList<KeptFile> batch;
        QSqlQuery &q =
            db.exec(QStringLiteral(
                        "SELECT m.id, m.sha256, m.size_bytes, coalesce((SELECT min(c.seq) FROM audit_chain c "
                        "WHERE c.kind = 'file' AND c.ref = m.id::text), ?) FROM chat_media m "
                        "WHERE m.purged_at IS NULL AND m.id > ? ORDER BY m.id LIMIT %1")
                        .arg(filesAtOnce),
                    {unchainedSeq, after});
        while (q.next())
            batch.append({q.value(0).toLongLong(), q.value(1).toByteArray(), q.value(2).toLongLong(),
                          q.value(3).toLongLong()});
        q.finish();
        for (const KeptFile &file : std::as_const(batch)) {
            after = file.id;
            if (file.seq >= first.seq)
                continue;
            const QString problem = bytesProblem(db, file);
            ++files;
            bytes += file.size;
            // Purged by the retention job while it was read: its bytes are gone on purpose.
            if (!problem.isEmpty() &&
                db.scalar(QStringLiteral("SELECT purged_at IS NULL FROM chat_media WHERE id = ?"), {file.id})
                    .toBool()) {
                first.seq = file.seq;
                first.problem =
                    file.seq == unchainedSeq
                        ? QStringLiteral("file %1 (chat_media, in no entry of the chain): %2")
                              .arg(file.id)
                              .arg(problem)
                        : QStringLiteral("entry %1 (file %2): %3").arg(file.seq).arg(file.id).arg(problem);
            }
            if (bytes - toldAt >= 512 * 1024 * 1024)
                told();
        }
        if (batch.size() < filesAtOnce)
            break;
    }
    told();
    if (first.problem.isEmpty())
        first.seq = std::numeric_limits<qint64>::max();
    return first;
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
    // 4. Every kept file's bytes against the checksum its row records: the chain covers the checksum, so
    // the bytes are hashed again here.
    tell(QStringLiteral("Checking the kept files' bytes against their checksums"));
    if (const Finding f = checkFileBytes(db, first.seq, tell); f.seq < first.seq)
        first = f;
    if (!first.problem.isEmpty()) {
        report.firstBadSeq = first.seq < unchainedSeq ? first.seq : 0;
        report.problem = first.problem;
        return report;
    }
    report.ok = true;
    return report;
}

} // namespace AuditChain
