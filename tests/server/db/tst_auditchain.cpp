// The audit chain over the compliance record (issue 17): every fact appended and chained after commit,
// covered columns refused, and `verify` naming the first entry that does not match when a row or the
// chain is changed behind the server's back with psql. Real PostgreSQL, the real liftline-server binary.
#include "OriginalSystem.h"
#include "Seed.h"
#include "ServerProcess.h"
#include "TestCluster.h"
#include "auth/SigningKey.h"
#include "chat/ChainHead.h"
#include "db/AuditChain.h"
#include "db/Db.h"
#include "db/DbError.h"
#include "db/EmbeddedPostgres.h"
#include "db/MediaStore.h"
#include "db/Migrator.h"

#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

namespace {

// Runs SQL through psql as a person with the database's password would, with the triggers off
// (session_replication_role = replica): what the chain is there to catch.
void behindTheServersBack(const DbParams &params, const QString &sql)
{
    QProcess psql;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PGPASSWORD"), params.password);
    psql.setProcessEnvironment(env);
    QString error;
    const QString binDir = EmbeddedPostgres::findBinDir(&error);
    QVERIFY2(!binDir.isEmpty(), qPrintable(error));
    psql.start(binDir + QStringLiteral("/psql"),
               {QStringLiteral("-X"), QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"),
                QStringLiteral("-h"), params.host, QStringLiteral("-p"), QString::number(params.port),
                QStringLiteral("-U"), params.user, QStringLiteral("-d"), params.database,
                QStringLiteral("-c"), QStringLiteral("SET session_replication_role = replica; ") + sql});
    QVERIFY(psql.waitForFinished(30000));
    QVERIFY2(psql.exitCode() == 0, psql.readAllStandardError().constData());
}

struct Record {
    explicit Record(const DbParams &p)
        : params(p)
        , db(p, QStringLiteral("tst-auditchain"))
    {
        Seed::registry(db);
        ticket = Seed::openTicket(db);
        inbound = Seed::technicianWrote(db, ticket, QStringLiteral("27820000001"),
                                        QStringLiteral("Agent, two people stuck"), 2);
        reply = db.scalar(QStringLiteral("INSERT INTO chat_messages (ticket_id, from_number, to_number, "
                                         "message, direction, agent_name, status) VALUES (?, 'agent', "
                                         "'27820000001', 'On our way', 'outbound', 'Thandi', 'pending') "
                                         "RETURNING id"),
                          {ticket})
                    .toLongLong();
        // The reply is sent: its WhatsApp id is set once, and its statuses arrive.
        db.execOnce(
            QStringLiteral("UPDATE chat_messages SET wa_message_id = 'wamid.CHAIN.OUT', status = 'sent' "
                           "WHERE id = ?"),
            {reply});
        db.execOnce(QStringLiteral("INSERT INTO whatsapp_statuses (wa_message_id, status, wa_timestamp, raw) "
                                   "VALUES ('wamid.CHAIN.OUT', 'delivered', now(), '{\"s\": 1}')"));
        db.execOnce(QStringLiteral("INSERT INTO audit_log (actor_kind, actor_name, action, ticket_id) VALUES "
                                   "('cli', 'cli', 'ticket.acknowledged', ?)"),
                    {ticket});
        // A number with no ticket writes, is answered, and a photo of it is fetched later.
        unassigned =
            db.scalar(QStringLiteral("INSERT INTO chat_unassigned (wa_message_id, from_number, message, "
                                     "kind, raw) VALUES ('wamid.CHAIN.STRANGER', '27829999999', "
                                     "'people stuck in lift 2', 'image', '{}') RETURNING id"))
                .toLongLong();
        db.execOnce(QStringLiteral("INSERT INTO chat_direct_messages (unassigned_id, to_number, message, "
                                   "agent_name, sent_by) VALUES (?, '27829999999', 'Which building?', "
                                   "'Thandi', 'agent')"),
                    {unassigned});
        db.execOnce(QStringLiteral("UPDATE chat_direct_messages SET wa_message_id = 'wamid.CHAIN.DIRECT', "
                                   "status = 'sent' WHERE unassigned_id = ?"),
                    {unassigned});
        attachment =
            db.scalar(QStringLiteral("INSERT INTO chat_attachments (wa_message_id, direction, media_type, "
                                     "wa_media_id) VALUES ('wamid.CHAIN.STRANGER', 'inbound', 'image', "
                                     "'media-1') RETURNING id"))
                .toLongLong();
        media = MediaStore::put(db, QByteArray(3000, 'j'), QStringLiteral("image/jpeg"));
        db.execOnce(
            QStringLiteral("UPDATE chat_attachments SET media_id = ?, status = 'stored' WHERE id = ?"),
            {media, attachment});
    }
    qint64 seqOf(const QString &kind, const QString &ref)
    {
        return db
            .scalar(QStringLiteral("SELECT seq FROM audit_chain WHERE kind = ? AND ref = ?"), {kind, ref})
            .toLongLong();
    }
    DbParams params;
    Db db;
    int ticket = 0;
    qint64 inbound = 0;
    qint64 reply = 0;
    qint64 unassigned = 0;
    qint64 attachment = 0;
    qint64 media = 0;
};

QString refusal(Db &db, const QString &sql)
{
    try {
        db.execOnce(sql);
    } catch (const DbError &e) {
        return e.message();
    }
    return {};
}

// Bytes that differ from chunk to chunk, as a photo's would.
QByteArray fileOf(qsizetype size, quint32 seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (char &c : bytes) {
        seed = seed * 1664525u + 1013904223u;
        c = char(seed >> 24);
    }
    return bytes;
}

} // namespace

class TestAuditChain : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { TestCluster::instance(); }

    void everyFactIsChainedAfterCommit()
    {
        Record r(TestCluster::instance().createDatabase());
        // A file kept by a session that writes bytea as 'escape': its checksum is chained as hex all the
        // same.
        r.db.execOnce(QStringLiteral("SET bytea_output = 'escape'"));
        MediaStore::put(r.db, QByteArray(5000, 'x'), QStringLiteral("application/pdf"));
        const qint64 waiting = r.db.scalar(QStringLiteral("SELECT count(*) FROM audit_pending")).toLongLong();
        QVERIFY(waiting >= 6); // two messages, the reply's WhatsApp id, a status, an action, the ticket's...
        QCOMPARE(AuditChain::advance(r.db, 1000), int(waiting));
        QCOMPARE(AuditChain::advance(r.db, 1000), 0);
        QVERIFY(r.seqOf(QStringLiteral("message"), QString::number(r.inbound)) > 0);
        QVERIFY(r.seqOf(QStringLiteral("message_whatsapp_id"), QString::number(r.reply)) > 0);
        QVERIFY(r.seqOf(QStringLiteral("delivery_status"), QStringLiteral("wamid.CHAIN.OUT/delivered")) > 0);
        QVERIFY(r.seqOf(QStringLiteral("unassigned_message"), QString::number(r.unassigned)) > 0);
        QCOMPARE(r.db.scalar(QStringLiteral("SELECT count(*) FROM audit_chain WHERE kind IN ('direct_reply', "
                                            "'direct_reply_whatsapp_id')"))
                     .toInt(),
                 2);
        QVERIFY(r.seqOf(QStringLiteral("attachment_file"), QString::number(r.attachment)) > 0);
        // The chain's hashes are computed the same way in PostgreSQL and here.
        QSqlQuery &q =
            r.db.exec(QStringLiteral("SELECT kind, ref, audit_time(recorded_at), content_hash, hash "
                                     "FROM audit_chain WHERE seq = 1"));
        QVERIFY(q.next());
        QCOMPARE(AuditChain::entryHash(QByteArray(32, '\0'), 1, q.value(0).toString(), q.value(1).toString(),
                                       q.value(2).toString(), q.value(3).toByteArray()),
                 q.value(4).toByteArray());
        q.finish();
        const AuditChain::Report report = AuditChain::verify(r.db);
        QVERIFY2(report.ok, qPrintable(report.problem));
        QCOMPARE(report.entries, waiting);
    }

    void theRecordIsOnlyAppendedTo()
    {
        Record r(TestCluster::instance().createDatabase());
        const QString id = QString::number(r.inbound);
        QVERIFY(refusal(r.db, QStringLiteral("UPDATE chat_messages SET message = 'changed' WHERE id = ") + id)
                    .contains(QLatin1String("part of the compliance record")));
        QVERIFY(refusal(r.db, QStringLiteral("UPDATE chat_messages SET created_at = now() WHERE id = ") + id)
                    .contains(QLatin1String("refused")));
        QVERIFY(!refusal(r.db, QStringLiteral("DELETE FROM chat_messages WHERE id = ") + id).isEmpty());
        QVERIFY(!refusal(r.db, QStringLiteral("TRUNCATE chat_messages CASCADE")).isEmpty());
        QVERIFY(
            !refusal(r.db, QStringLiteral("UPDATE chat_messages SET wa_message_id = 'other' WHERE id = ") +
                               QString::number(r.reply))
                 .isEmpty());
        QVERIFY(!refusal(r.db, QStringLiteral("UPDATE audit_log SET actor_name = 'someone else'")).isEmpty());
        QVERIFY(!refusal(r.db, QStringLiteral("DELETE FROM whatsapp_statuses")).isEmpty());
        QVERIFY(!refusal(r.db, QStringLiteral("UPDATE chat_unassigned SET message = 'nothing'")).isEmpty());
        QVERIFY(!refusal(r.db, QStringLiteral("UPDATE chat_attachments SET media_id = NULL")).isEmpty());
        QVERIFY(
            !refusal(r.db, QStringLiteral("UPDATE chat_direct_messages SET wa_message_id = 'x'")).isEmpty());
        // The attach and the acknowledgement of a stranger's message are state: they still change.
        QCOMPARE(refusal(r.db, QStringLiteral("UPDATE chat_unassigned SET acknowledged_at = now(), "
                                              "acknowledged_by = 'Thandi'")),
                 QString());
        AuditChain::advance(r.db);
        QVERIFY(!refusal(r.db, QStringLiteral("UPDATE audit_chain SET ref = '0'")).isEmpty());
        QVERIFY(!refusal(r.db, QStringLiteral("DELETE FROM audit_chain")).isEmpty());
        // State that later facts explain still changes: a status, the read mark.
        QCOMPARE(
            refusal(r.db, QStringLiteral("UPDATE chat_messages SET status = 'read', read_by_agent = true, "
                                         "updated_at = now() WHERE id = ") +
                              id),
            QString());
        QVERIFY(AuditChain::verify(r.db).ok);
    }

    // Each change made with psql and the triggers off is named by the entry it breaks.
    void verifyNamesWhatWasChangedBehindTheServersBack()
    {
        {
            Record r(TestCluster::instance().createDatabase());
            AuditChain::advance(r.db);
            behindTheServersBack(r.params,
                                 QStringLiteral("UPDATE chat_messages SET message = 'Nobody is stuck' "
                                                "WHERE id = %1")
                                     .arg(r.inbound));
            const AuditChain::Report report = AuditChain::verify(r.db);
            QVERIFY(!report.ok);
            QCOMPARE(report.firstBadSeq, r.seqOf(QStringLiteral("message"), QString::number(r.inbound)));
            QVERIFY2(report.problem.contains(QLatin1String("differs from what was first stored")),
                     qPrintable(report.problem));

            // The command line says the same, and fails.
            const CliResult cli = runCli({}, {QStringLiteral("verify")}, databaseEnvironment(r.params));
            QVERIFY2(cli.exitCode == 1, qPrintable(cli.describe()));
            QVERIFY2(cli.err.contains(
                         QStringLiteral("entry %1 (message %2)").arg(report.firstBadSeq).arg(r.inbound)),
                     qPrintable(cli.describe()));
        }
        {
            Record r(TestCluster::instance().createDatabase());
            AuditChain::advance(r.db);
            behindTheServersBack(r.params, QStringLiteral("DELETE FROM whatsapp_statuses"));
            const AuditChain::Report report = AuditChain::verify(r.db);
            QCOMPARE(report.firstBadSeq,
                     r.seqOf(QStringLiteral("delivery_status"), QStringLiteral("wamid.CHAIN.OUT/delivered")));
            QVERIFY2(report.problem.contains(QLatin1String("is gone")), qPrintable(report.problem));
        }
        {
            Record r(TestCluster::instance().createDatabase());
            AuditChain::advance(r.db);
            behindTheServersBack(r.params,
                                 QStringLiteral("UPDATE audit_chain SET recorded_at = recorded_at - "
                                                "interval '1 day' WHERE seq = 3"));
            const AuditChain::Report report = AuditChain::verify(r.db);
            QCOMPARE(report.firstBadSeq, 3);
            QVERIFY2(report.problem.contains(QLatin1String("the chain was changed here")),
                     qPrintable(report.problem));
        }
        {
            Record r(TestCluster::instance().createDatabase());
            AuditChain::advance(r.db);
            behindTheServersBack(r.params, QStringLiteral("DELETE FROM audit_chain WHERE seq = 2"));
            const AuditChain::Report report = AuditChain::verify(r.db);
            QCOMPARE(report.firstBadSeq, 2);
            QVERIFY2(report.problem.contains(QLatin1String("entry 2 is missing")),
                     qPrintable(report.problem));
        }
        {
            Record r(TestCluster::instance().createDatabase());
            AuditChain::advance(r.db);
            behindTheServersBack(r.params,
                                 QStringLiteral("INSERT INTO chat_messages (ticket_id, from_number, "
                                                "message, direction) VALUES (%1, '27820000001', "
                                                "'planted', 'inbound')")
                                     .arg(r.ticket));
            const AuditChain::Report report = AuditChain::verify(r.db);
            QVERIFY(!report.ok);
            QVERIFY2(report.problem.contains(QLatin1String("is in no entry of the chain")),
                     qPrintable(report.problem));
        }
    }

    // A kept file's bytes (chat_media_chunks) are refused like the covered rows: no update, no delete
    // outside the retention job's path, and no chunk inserted where the file has its bytes already.
    void aFilesBytesAreOnlyAppendedTo()
    {
        Record r(TestCluster::instance().createDatabase());
        const QString id = QString::number(r.media);
        const QLatin1String record("part of the compliance record");
        QString refused = refusal(
            r.db, QStringLiteral("UPDATE chat_media_chunks SET data = 'planted' WHERE media_id = ") + id);
        QVERIFY2(refused.contains(record), qPrintable(refused));
        refused = refusal(r.db, QStringLiteral("DELETE FROM chat_media_chunks WHERE media_id = ") + id);
        QVERIFY2(refused.contains(record), qPrintable(refused));
        refused = refusal(r.db, QStringLiteral("TRUNCATE chat_media_chunks"));
        QVERIFY2(refused.contains(record), qPrintable(refused));
        refused =
            // (Of the slot's own length, so that the insert's check lets it through to the conflict.)
            refusal(r.db,
                    QStringLiteral("INSERT INTO chat_media_chunks (media_id, seq, data) VALUES (%1, 0, "
                                   "(SELECT decode(repeat('00', least(m.chunk_bytes::bigint, "
                                   "m.size_bytes)::integer), 'hex') FROM chat_media m WHERE m.id = %1)) "
                                   "ON CONFLICT (media_id, seq) DO UPDATE SET data = excluded.data")
                        .arg(id));
        QVERIFY2(refused.contains(record), qPrintable(refused));
        refused = refusal(
            r.db, QStringLiteral("INSERT INTO chat_media_chunks (media_id, seq, data) VALUES (%1, 1, 'more')")
                      .arg(id));
        QVERIFY2(refused.contains(record), qPrintable(refused));
        const MediaStore::Content kept = MediaStore::describe(r.db, r.media);
        QCOMPARE(MediaStore::read(r.db, kept, 0, kept.size - 1), QByteArray(3000, 'j'));

        // The retention job's path drops them; nothing can be planted in their place; the same file sent
        // again gets them back.
        const int purged = r.db.transaction([&] {
            return r.db
                .scalar(QStringLiteral("SELECT retention_purge_media(1, now() + interval '1 day', 10)"))
                .toInt();
        });
        QCOMPARE(purged, 1);
        QVERIFY(MediaStore::describe(r.db, r.media).purged);
        refused = refusal(
            r.db, QStringLiteral("INSERT INTO chat_media_chunks (media_id, seq, data) VALUES (%1, 0, '%2')")
                      .arg(id, QString(3000, u'p')));
        QVERIFY2(refused.contains(record), qPrintable(refused));
        QCOMPARE(MediaStore::put(r.db, QByteArray(3000, 'j'), QStringLiteral("image/jpeg")), r.media);
        const MediaStore::Content back = MediaStore::describe(r.db, r.media);
        QVERIFY(!back.purged);
        QCOMPARE(MediaStore::read(r.db, back, 0, back.size - 1), QByteArray(3000, 'j'));
        const AuditChain::Report report = AuditChain::verify(r.db);
        QVERIFY2(report.ok, qPrintable(report.problem));
    }

    // A file's bytes changed, cut short or added to behind the server's back: verify re-hashes every kept
    // file and names the file's entry.
    void verifyNamesAFileWhoseBytesChanged()
    {
        {
            Record r(TestCluster::instance().createDatabase());
            // More chunks than verify reads at once; one byte range in the ninth replaced, its length kept.
            const qint64 big = MediaStore::put(r.db, fileOf(9 * MediaStore::chunkBytes + 1000, 7),
                                               QStringLiteral("application/pdf"));
            AuditChain::advance(r.db);
            behindTheServersBack(
                r.params, QStringLiteral("UPDATE chat_media_chunks SET data = decode(repeat('00', 100), "
                                         "'hex') || substr(data, 101) WHERE media_id = %1 AND seq = 8")
                              .arg(big));
            const AuditChain::Report report = AuditChain::verify(r.db);
            QVERIFY(!report.ok);
            QCOMPARE(report.firstBadSeq, r.seqOf(QStringLiteral("file"), QString::number(big)));
            QVERIFY2(report.problem.contains(QStringLiteral("(file %1)").arg(big)),
                     qPrintable(report.problem));
            QVERIFY2(report.problem.contains(QLatin1String("do not match")), qPrintable(report.problem));

            // The command line says the same, and fails.
            const CliResult cli = runCli({}, {QStringLiteral("verify")}, databaseEnvironment(r.params));
            QVERIFY2(cli.exitCode == 1, qPrintable(cli.describe()));
            QVERIFY2(cli.err.contains(QStringLiteral("entry %1 (file %2)").arg(report.firstBadSeq).arg(big)),
                     qPrintable(cli.describe()));
        }
        {
            Record r(TestCluster::instance().createDatabase());
            const qint64 big = MediaStore::put(r.db, fileOf(3 * MediaStore::chunkBytes, 11),
                                               QStringLiteral("application/pdf"));
            AuditChain::advance(r.db);
            behindTheServersBack(
                r.params,
                QStringLiteral("DELETE FROM chat_media_chunks WHERE media_id = %1 AND seq = 1").arg(big));
            const AuditChain::Report report = AuditChain::verify(r.db);
            QVERIFY(!report.ok);
            QCOMPARE(report.firstBadSeq, r.seqOf(QStringLiteral("file"), QString::number(big)));
            QVERIFY2(report.problem.contains(QStringLiteral("(file %1)").arg(big)),
                     qPrintable(report.problem));
            QVERIFY2(report.problem.contains(QLatin1String("chunk 1")) &&
                         report.problem.contains(QLatin1String("missing")),
                     qPrintable(report.problem));
        }
        {
            // Deleted with the retention job's setting, but not by the job: the file still says it has
            // its bytes.
            Record r(TestCluster::instance().createDatabase());
            AuditChain::advance(r.db);
            r.db.transaction([&] {
                r.db.execOnce(QStringLiteral("SELECT set_config('liftline.retention_run', '1', true)"));
                r.db.execOnce(QStringLiteral("DELETE FROM chat_media_chunks WHERE media_id = ?"), {r.media});
            });
            const AuditChain::Report report = AuditChain::verify(r.db);
            QVERIFY(!report.ok);
            QCOMPARE(report.firstBadSeq, r.seqOf(QStringLiteral("file"), QString::number(r.media)));
            QVERIFY2(report.problem.contains(QLatin1String("missing")), qPrintable(report.problem));
        }
        {
            // A chunk added after the file's end.
            Record r(TestCluster::instance().createDatabase());
            AuditChain::advance(r.db);
            behindTheServersBack(
                r.params,
                QStringLiteral("INSERT INTO chat_media_chunks (media_id, seq, data) VALUES (%1, 1, 'more')")
                    .arg(r.media));
            const AuditChain::Report report = AuditChain::verify(r.db);
            QVERIFY(!report.ok);
            QCOMPARE(report.firstBadSeq, r.seqOf(QStringLiteral("file"), QString::number(r.media)));
            QVERIFY2(report.problem.contains(QStringLiteral("(file %1)").arg(r.media)),
                     qPrintable(report.problem));
        }
    }

    // Kept files, one of several chunks and one sent twice, verify clean, and verify says it read them.
    void keptFilesVerifyClean()
    {
        Record r(TestCluster::instance().createDatabase());
        const QByteArray big = fileOf(9 * MediaStore::chunkBytes + 1000, 5);
        const qint64 id = MediaStore::put(r.db, big, QStringLiteral("application/pdf"));
        QCOMPARE(MediaStore::put(r.db, big, QStringLiteral("application/pdf")), id);
        QStringList told;
        const AuditChain::Report report =
            AuditChain::verify(r.db, [&](const QString &text) { told << text; });
        QVERIFY2(report.ok, qPrintable(report.problem));
        QVERIFY2(told.join(u'\n').contains(QLatin1String("2 file(s) checked against their checksums")),
                 qPrintable(told.join(u'\n')));
    }

    // Someone with the database's password changes a message and rewrites every later entry so that the
    // chain holds again: only a head signed before (and kept outside) catches it; and a chain cut short.
    void signedHeadsCatchARewrittenChain()
    {
        QTemporaryDir dir;
        QString error;
        const SigningKey key = SigningKey::loadOrCreate(dir.path() + QStringLiteral("/k"), &error);
        QVERIFY2(key.isValid(), qPrintable(error));
        {
            Record r(TestCluster::instance().createDatabase());
            const ChainHead::Head head = ChainHead::sign(r.db, key);
            QVERIFY(head.seq > 3);
            QVERIFY(head.line().contains(key.fingerprint()));
            int checked = 0;
            QCOMPARE(ChainHead::verifyHeads(r.db, &checked), QString());
            QCOMPARE(checked, 1);
            const qint64 seq = r.seqOf(QStringLiteral("message"), QString::number(r.inbound));
            behindTheServersBack(
                r.params,
                QStringLiteral(
                    "UPDATE chat_messages SET message = 'Nobody is stuck' WHERE id = %1; "
                    "UPDATE audit_chain c SET content_hash = audit_hash(audit_content('message', "
                    "to_jsonb(m))) "
                    "FROM chat_messages m WHERE c.kind = 'message' AND c.ref = m.id::text AND m.id = %1; "
                    "DO $$ DECLARE e record; previous bytea; BEGIN "
                    "SELECT hash INTO previous FROM audit_chain WHERE seq = %2 - 1; "
                    "FOR e IN SELECT * FROM audit_chain WHERE seq >= %2 ORDER BY seq LOOP "
                    "previous := audit_entry_hash(coalesce(previous, decode(repeat('00', 32), 'hex')), "
                    "e.seq, "
                    "e.kind, e.ref, e.recorded_at, e.content_hash); "
                    "UPDATE audit_chain SET hash = previous WHERE seq = e.seq; END LOOP; END $$;")
                    .arg(r.inbound)
                    .arg(seq));
            QVERIFY2(AuditChain::verify(r.db).ok,
                     "a rewritten chain holds on its own: the heads are the anchor");
            const QString problem = ChainHead::verifyHeads(r.db);
            QVERIFY2(problem.contains(QLatin1String("the chain was rewritten")), qPrintable(problem));

            // The command line fails on it too.
            QProcessEnvironment env = databaseEnvironment(r.params);
            const CliResult cli = runCli({}, {QStringLiteral("verify")}, env);
            QVERIFY2(cli.exitCode == 1 && cli.err.contains(QLatin1String("rewritten")),
                     qPrintable(cli.describe()));
        }
        {
            Record r(TestCluster::instance().createDatabase());
            const ChainHead::Head head = ChainHead::sign(r.db, key);
            behindTheServersBack(r.params, QStringLiteral("DELETE FROM audit_chain WHERE seq > 2"));
            QString problem = ChainHead::verifyHeads(r.db);
            QVERIFY2(problem.contains(QLatin1String("cut short")), qPrintable(problem));
            behindTheServersBack(r.params, QStringLiteral("UPDATE audit_heads SET seq = 2"));
            problem = ChainHead::verifyHeads(r.db);
            QVERIFY2(problem.contains(QLatin1String("does not match its signature")), qPrintable(problem));
            QVERIFY(head.seq > 2);
        }
    }

    // A database of the original system: its year of rows is chained by the upgrade, and holds.
    void theOriginalSystemsRowsAreChainedByTheUpgrade()
    {
        Db db(TestCluster::instance().createEmptyDatabase(), QStringLiteral("t"));
        OriginalSystem::createSchema(db);
        OriginalSystem::Scale scale;
        scale.tickets = 100;
        scale.messages = 1500;
        OriginalSystem::fill(db, scale);
        Migrator::migrate(db);
        const qint64 messages = db.scalar(QStringLiteral("SELECT count(*) FROM chat_messages")).toLongLong();
        const AuditChain::Report report = AuditChain::verify(db);
        QVERIFY2(report.ok, qPrintable(report.problem));
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT count(*) FROM audit_chain WHERE kind = 'message'")).toLongLong(),
            messages);
        // The original server's own writes after the upgrade are chained like Liftline's.
        OriginalSystem::addonStoresInbound(db, 1, QStringLiteral("27820000001"), QStringLiteral("after"));
        OriginalSystem::addonMarksRead(db, 1);
        QVERIFY(AuditChain::verify(db).ok);
    }
};

QTEST_GUILESS_MAIN(TestAuditChain)
#include "tst_auditchain.moc"
