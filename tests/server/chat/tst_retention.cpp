// Retention and legal hold (issue 17): nothing expires until an admin sets a period; the job removes an
// expired transcript through the one recorded path, leaving a tombstone that keeps the chain verifiable;
// a legal hold on a ticket, a lift or a technician stops every removal of what it covers; media and raw
// webhook bodies lose their bytes but keep their record; a removal hidden behind the server's back is
// still reported by `verify`. Real PostgreSQL, the real liftline-server binary for the command line.
#include "HttpClient.h"
#include "Seed.h"
#include "ServerProcess.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "chat/Retention.h"
#include "db/AuditChain.h"
#include "db/Db.h"
#include "db/DbError.h"
#include "db/MediaStore.h"
#include "domain/DomainError.h"
#include "domain/Principal.h"

#include <QJsonArray>
#include <QSqlQuery>
#include <QTest>

namespace {

// A resolved ticket with a transcript of every covered kind, resolved `daysAgo` days ago, all chained.
struct Incident {
    explicit Incident(const DbParams &p, int daysAgo = 400)
        : params(p)
        , db(p, QStringLiteral("tst-retention"))
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
        db.execOnce(
            QStringLiteral("UPDATE chat_messages SET wa_message_id = ?, status = 'sent' WHERE id = ?"),
            {waId(), reply});
        db.execOnce(QStringLiteral("INSERT INTO whatsapp_statuses (wa_message_id, status, wa_timestamp, raw) "
                                   "VALUES (?, 'delivered', now(), '{}')"),
                    {waId()});
        db.execOnce(
            QStringLiteral("INSERT INTO incident_cards (ticket_id, version, people_trapped, edited_by, "
                           "edited_by_actor) VALUES (?, 1, 2, 'Thandi', 'agent:1')"),
            {ticket});
        // A stranger's message, attached to the ticket, with a photo kept.
        unassigned =
            db.scalar(QStringLiteral("INSERT INTO chat_unassigned (wa_message_id, from_number, message, "
                                     "kind, raw, attached_ticket_id, attached_at, attached_by) VALUES "
                                     "(?, '27829999999', 'people stuck in lift 2', 'image', '{}', ?, "
                                     "now(), 'Thandi') RETURNING id"),
                      {QStringLiteral("wamid.R.S%1").arg(ticket), ticket})
                .toLongLong();
        media = MediaStore::put(db, QByteArray(3000, char('a' + ticket % 20)), QStringLiteral("image/jpeg"));
        db.execOnce(QStringLiteral("INSERT INTO chat_attachments (wa_message_id, direction, media_type, "
                                   "wa_media_id, media_id, status) VALUES (?, 'inbound', 'image', 'm', ?, "
                                   "'stored')"),
                    {QStringLiteral("wamid.R.S%1").arg(ticket), media});
        db.execOnce(QStringLiteral("INSERT INTO audit_log (actor_kind, actor_name, action, ticket_id) VALUES "
                                   "('cli', 'cli', 'ticket.acknowledged', ?)"),
                    {ticket});
        resolve(daysAgo);
        AuditChain::catchUp(db);
    }
    QString waId() const { return QStringLiteral("wamid.R.OUT%1").arg(ticket); }
    void resolve(int daysAgo)
    {
        db.execOnce(QStringLiteral("UPDATE tickets SET status = 'resolved', resolved_at = now() - "
                                   "make_interval(days => ?) WHERE id = ?"),
                    {daysAgo, ticket});
    }
    qint64 count(const QString &sql) { return db.scalar(sql, {ticket}).toLongLong(); }
    qint64 messages()
    {
        return count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE ticket_id = ?"));
    }
    DbParams params;
    Db db;
    int ticket = 0;
    qint64 inbound = 0, reply = 0, unassigned = 0, media = 0;
};

Principal admin()
{
    return Principal::cli();
}

void setDays(Db &db, const QString &kind, int days)
{
    Retention::setPolicies(db, {{kind, days}}, admin());
}

QString refusal(Db &db, const QString &sql, const QVariantList &binds = {})
{
    try {
        db.execOnce(sql, binds);
    } catch (const DbError &e) {
        return e.message();
    }
    return {};
}

} // namespace

class TestRetention : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { TestCluster::instance(); }

    void nothingExpiresUntilAnAdminSetsAPeriod()
    {
        Incident i(TestCluster::instance().createDatabase(), 5000);
        for (const QString &kind : Retention::kinds())
            QVERIFY2(Retention::policies(i.db).value(kind).isNull(), qPrintable(kind));
        QVERIFY(!Retention::due(i.db));
        const Retention::Run r = Retention::run(i.db, QStringLiteral("test"));
        QVERIFY(r.id > 0);
        QVERIFY(r.removed.isEmpty());
        QCOMPARE(i.messages(), 2);
        setDays(i.db, QStringLiteral("media"), 30);
        QVERIFY(Retention::due(i.db));
    }

    void periodsAreCheckedAndRecorded()
    {
        Db db(TestCluster::instance().createDatabase(), QStringLiteral("t"));
        const auto refused = [&](const QJsonObject &changes) {
            try {
                Retention::setPolicies(db, changes, admin());
            } catch (const DomainError &e) {
                return e.message;
            }
            return QString();
        };
        // WhatsApp retries for up to 7 days: a retry must still be recognised.
        QVERIFY(refused({{QStringLiteral("raw_bodies"), 7}}).contains(QLatin1String("8 to 36500 days")));
        QVERIFY(refused({{QStringLiteral("transcripts"), 0}}).contains(QLatin1String("1 to 36500")));
        QVERIFY(refused({{QStringLiteral("transcripts"), 1.5}}).contains(QLatin1String("whole number")));
        QVERIFY(refused({{QStringLiteral("messages"), 30}}).contains(QLatin1String("not a kind")));
        QVERIFY(refused({}).contains(QLatin1String("at least one kind")));
        // A refused change changes nothing, not even its valid part.
        QVERIFY(!refused({{QStringLiteral("media"), 30}, {QStringLiteral("raw_bodies"), 2}}).isEmpty());
        QVERIFY(Retention::policies(db).value(QStringLiteral("media")).isNull());
        const QJsonObject after = Retention::setPolicies(
            db, {{QStringLiteral("raw_bodies"), 8}, {QStringLiteral("transcripts"), 2555}}, admin());
        QCOMPARE(after.value(QStringLiteral("raw_bodies")).toInt(), 8);
        QCOMPARE(after.value(QStringLiteral("transcripts")).toInt(), 2555);
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT details->'after'->>'transcripts' FROM audit_log WHERE action = "
                                     "'retention.changed'"))
                .toString(),
            QStringLiteral("2555"));
        Retention::setPolicies(db, {{QStringLiteral("transcripts"), QJsonValue()}}, admin());
        QVERIFY(Retention::policies(db).value(QStringLiteral("transcripts")).isNull());
    }

    void anExpiredTranscriptGoesAndTheChainStillHolds()
    {
        Incident old(TestCluster::instance().createDatabase(), 400);
        // A ticket resolved recently and an open one stay.
        const int recent = Seed::openTicket(old.db, QStringLiteral("27710000002"));
        Seed::technicianWrote(old.db, recent, QStringLiteral("27820000002"), QStringLiteral("stuck"), 1);
        old.db.execOnce(
            QStringLiteral("UPDATE tickets SET status = 'resolved', resolved_at = now() - interval "
                           "'10 days' WHERE id = ?"),
            {recent});
        const int open = Seed::openTicket(old.db, QStringLiteral("27710000003"));
        Seed::technicianWrote(old.db, open, QStringLiteral("27820000003"), QStringLiteral("stuck"), 1);
        const qint64 entriesBefore =
            old.db.scalar(QStringLiteral("SELECT count(*) FROM audit_chain")).toLongLong();
        setDays(old.db, QStringLiteral("transcripts"), 365);

        const Retention::Run r = Retention::run(old.db, QStringLiteral("test"));
        QVERIFY2(r.errors.isEmpty(), qPrintable(r.errors.join(QLatin1Char('\n'))));
        QCOMPARE(r.removed.value(QStringLiteral("transcripts")).toInt(), 1);
        QCOMPARE(old.messages(), 0);
        QCOMPARE(old.count(QStringLiteral("SELECT count(*) FROM incident_cards WHERE ticket_id = ?")), 0);
        QCOMPARE(
            old.count(QStringLiteral("SELECT count(*) FROM chat_unassigned WHERE attached_ticket_id = ?")),
            0);
        QCOMPARE(old.db
                     .scalar(QStringLiteral("SELECT count(*) FROM whatsapp_statuses WHERE wa_message_id = ?"),
                             {old.waId()})
                     .toInt(),
                 0);
        // The ticket row (the original system's) and the audit trail stay; the summary says no messages.
        QCOMPARE(old.count(QStringLiteral("SELECT count(*) FROM tickets WHERE id = ?")), 1);
        QCOMPARE(old.count(QStringLiteral("SELECT count(*) FROM audit_log WHERE ticket_id = ? AND action = "
                                          "'ticket.acknowledged'")),
                 1);
        QCOMPARE(
            old.count(QStringLiteral("SELECT message_count FROM chat_ticket_summary WHERE ticket_id = ?")),
            0);
        QVERIFY(
            old.db.scalar(QStringLiteral("SELECT count(*) FROM chat_messages WHERE ticket_id = ?"), {recent})
                .toInt() > 0);
        QVERIFY(
            old.db.scalar(QStringLiteral("SELECT count(*) FROM chat_messages WHERE ticket_id = ?"), {open})
                .toInt() > 0);

        // The tombstone names what went: every entry of the transcript, and its digest.
        QSqlQuery &t = old.db.exec(QStringLiteral("SELECT id, entry_count, ticket_id FROM audit_tombstones"));
        QVERIFY(t.next());
        const int removedEntries = t.value(1).toInt();
        QCOMPARE(t.value(2).toInt(), old.ticket);
        QVERIFY(!t.next());
        t.finish();
        // Two messages and their WhatsApp ids, a status, the card, the stranger's message, the attachment
        // and its file.
        QCOMPARE(removedEntries, 9);
        QCOMPARE(old.db.scalar(QStringLiteral("SELECT count(*) FROM audit_removed")).toInt(), removedEntries);
        // The chain keeps every entry (no content in them) and gains the tombstone and the run's action.
        const AuditChain::Report report = AuditChain::verify(old.db);
        QVERIFY2(report.ok, qPrintable(report.problem));
        QVERIFY(report.entries >= entriesBefore + 2);
        QCOMPARE(
            old.db
                .scalar(QStringLiteral("SELECT count(*) FROM retention_runs WHERE finished_at IS NOT NULL "
                                       "AND (removed->>'transcripts')::int = 1"))
                .toInt(),
            1);
        QCOMPARE(
            old.db.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'retention.run'"))
                .toInt(),
            1);
        // The next run has nothing left to do.
        QCOMPARE(Retention::run(old.db, QStringLiteral("test"))
                     .removed.value(QStringLiteral("transcripts"))
                     .toInt(),
                 0);
    }

    void removalIsRefusedOutsideTheRecordedPath()
    {
        Incident i(TestCluster::instance().createDatabase(), 400);
        // An open ticket's transcript is never removed, whatever the run says.
        const int open = Seed::openTicket(i.db, QStringLiteral("27710000003"));
        QVERIFY(refusal(i.db, QStringLiteral("SELECT retention_remove_transcript(1, ?)"), {open})
                    .contains(QLatin1String("not resolved")));
        QVERIFY(refusal(i.db, QStringLiteral("DELETE FROM chat_messages WHERE ticket_id = ?"), {i.ticket})
                    .contains(QLatin1String("retention job")));
        QVERIFY(refusal(i.db, QStringLiteral("TRUNCATE audit_removed")).contains(QLatin1String("refused")));
        QVERIFY(refusal(i.db, QStringLiteral("TRUNCATE audit_tombstones CASCADE"))
                    .contains(QLatin1String("refused")));
        // Inside the retention path too, the chain's own tables are only appended to.
        setDays(i.db, QStringLiteral("transcripts"), 365);
        Retention::run(i.db, QStringLiteral("test"));
        QVERIFY(i.db.scalar(QStringLiteral("SELECT count(*) FROM audit_removed")).toInt() > 0);
        i.db.begin();
        i.db.execOnce(QStringLiteral("SELECT set_config('liftline.retention_run', '1', true)"));
        QVERIFY(
            refusal(i.db, QStringLiteral("DELETE FROM audit_removed")).contains(QLatin1String("refused")));
        i.db.rollback();
        i.db.begin();
        i.db.execOnce(QStringLiteral("SELECT set_config('liftline.retention_run', '1', true)"));
        QVERIFY(
            refusal(i.db, QStringLiteral("DELETE FROM audit_tombstones")).contains(QLatin1String("refused")));
        i.db.rollback();
    }

    // The setting that lets the retention path delete is no key: a delete made with it, but without the
    // path's tombstone, is reported by verify; and so is an entry listed as removed that its tombstone
    // did not record.
    void aRemovalHiddenBehindTheServersBackIsReported()
    {
        {
            Incident i(TestCluster::instance().createDatabase(), 400);
            const qint64 seq =
                i.db.scalar(QStringLiteral("SELECT seq FROM audit_chain WHERE kind = 'delivery_status'"))
                    .toLongLong();
            i.db.transaction([&] {
                i.db.execOnce(QStringLiteral("SELECT set_config('liftline.retention_run', '1', true)"));
                i.db.execOnce(QStringLiteral("DELETE FROM whatsapp_statuses"));
            });
            const AuditChain::Report report = AuditChain::verify(i.db);
            QVERIFY(!report.ok);
            QCOMPARE(report.firstBadSeq, seq);
            QVERIFY2(report.problem.contains(QLatin1String("is gone")), qPrintable(report.problem));
        }
        {
            Incident i(TestCluster::instance().createDatabase(), 400);
            const int other = Seed::openTicket(i.db, QStringLiteral("27710000002"));
            const qint64 message = Seed::technicianWrote(i.db, other, QStringLiteral("27820000002"),
                                                         QStringLiteral("keep me"), 1);
            setDays(i.db, QStringLiteral("transcripts"), 365);
            Retention::run(i.db, QStringLiteral("test"));
            QVERIFY(AuditChain::verify(i.db).ok);
            // The other ticket's message is deleted, and its entries slipped under the tombstone.
            i.db.transaction([&] {
                i.db.execOnce(QStringLiteral("SELECT set_config('liftline.retention_run', '1', true)"));
                i.db.execOnce(
                    QStringLiteral("INSERT INTO audit_removed (seq, tombstone_id) SELECT c.seq, t.id "
                                   "FROM audit_chain c, audit_tombstones t WHERE c.ref = ? AND c.kind "
                                   "IN ('message', 'message_whatsapp_id')"),
                    {QString::number(message)});
                i.db.execOnce(QStringLiteral("DELETE FROM chat_messages WHERE id = ?"), {message});
            });
            const AuditChain::Report report = AuditChain::verify(i.db);
            QVERIFY(!report.ok);
            QVERIFY2(report.problem.contains(QLatin1String("tombstone")), qPrintable(report.problem));
        }
    }

    void aLegalHoldKeepsEverythingItCovers_data()
    {
        QTest::addColumn<QString>("scope");
        QTest::addColumn<QString>("target");
        QTest::newRow("ticket") << "ticket" << QString();
        QTest::newRow("lift") << "lift"
                              << "+27 71 000 0001";
        QTest::newRow("technician") << "technician"
                                    << "27820000001";
        QTest::newRow("stranger") << "technician"
                                  << "27829999999";
    }
    void aLegalHoldKeepsEverythingItCovers()
    {
        QFETCH(QString, scope);
        QFETCH(QString, target);
        Incident i(TestCluster::instance().createDatabase(), 400);
        // Its actions are old enough to go too.
        i.db.transaction([&] {
            i.db.execOnce(QStringLiteral("SET LOCAL session_replication_role = replica"));
            i.db.execOnce(QStringLiteral("UPDATE audit_log SET at = now() - interval '100 days'"));
        });
        const QJsonObject hold =
            Retention::addHold(i.db, scope, target.isEmpty() ? QString::number(i.ticket) : target,
                               QStringLiteral("Insurer's claim 2026-114"), admin());
        QVERIFY(hold.value(QStringLiteral("id")).toInteger() > 0);
        Retention::setPolicies(i.db,
                               {{QStringLiteral("transcripts"), 1},
                                {QStringLiteral("media"), 1},
                                {QStringLiteral("audit_trail"), 1}},
                               admin());
        const Retention::Run r = Retention::run(i.db, QStringLiteral("test"));
        QVERIFY2(r.errors.isEmpty(), qPrintable(r.errors.join(QLatin1Char('\n'))));
        QCOMPARE(r.held, 1);
        QCOMPARE(r.removed.value(QStringLiteral("transcripts")).toInt(), 0);
        QCOMPARE(i.messages(), 2);
        QCOMPARE(i.count(QStringLiteral("SELECT count(*) FROM audit_log WHERE ticket_id = ? AND action = "
                                        "'ticket.acknowledged'")),
                 1);
        // Not even the function itself removes it.
        QVERIFY(refusal(i.db, QStringLiteral("SELECT retention_remove_transcript(?, ?)"), {r.id, i.ticket})
                    .contains(QLatin1String("legal hold")));

        // Released (with a reason), the next run removes it.
        const QJsonObject released = Retention::releaseHold(
            i.db, hold.value(QStringLiteral("id")).toInteger(), QStringLiteral("Claim settled"), admin());
        QVERIFY(!released.value(QStringLiteral("released_at")).isNull());
        QCOMPARE(Retention::holds(i.db).size(), 0);
        QCOMPARE(Retention::holds(i.db, true).size(), 1);
        const Retention::Run again = Retention::run(i.db, QStringLiteral("test"));
        QCOMPARE(again.removed.value(QStringLiteral("transcripts")).toInt(), 1);
        QCOMPARE(i.messages(), 0);
        QCOMPARE(i.db.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action IN ('hold.set', "
                                            "'hold.released')"))
                     .toInt(),
                 2);
        const AuditChain::Report report = AuditChain::verify(i.db);
        QVERIFY2(report.ok, qPrintable(report.problem));
    }

    void holdsAreChecked()
    {
        Db db(TestCluster::instance().createDatabase(), QStringLiteral("t"));
        Seed::registry(db);
        const auto refused = [&](const QString &scope, const QString &target, const QString &reason) {
            try {
                Retention::addHold(db, scope, target, reason, admin());
            } catch (const DomainError &e) {
                return e.code + QLatin1Char(' ') + e.message;
            }
            return QString();
        };
        QVERIFY(refused(QStringLiteral("ticket"), QStringLiteral("1"), QStringLiteral(" "))
                    .contains(QLatin1String("reason")));
        QVERIFY(refused(QStringLiteral("ticket"), QStringLiteral("999"), QStringLiteral("x"))
                    .startsWith(QLatin1String("ticket_not_found")));
        QVERIFY(refused(QStringLiteral("lift"), QStringLiteral("lift two"), QStringLiteral("x"))
                    .contains(QLatin1String("not a phone number")));
        QVERIFY(refused(QStringLiteral("site"), QStringLiteral("1"), QStringLiteral("x"))
                    .contains(QLatin1String("not 'site'")));
        try {
            Retention::releaseHold(db, 42, QStringLiteral("x"), admin());
            QFAIL("released a hold that does not exist");
        } catch (const DomainError &e) {
            QCOMPARE(e.code, QStringLiteral("hold_not_found"));
        }
    }

    void filesAndRawBodiesLoseTheirBytesButKeepTheirRecord()
    {
        Incident i(TestCluster::instance().createDatabase(), 400);
        // A file and a webhook body from 40 days ago, and a body from 3 days ago (the incident's own file
        // is new).
        const QByteArray oldBytes(5000, 'o');
        const qint64 oldMedia =
            i.db.scalar(QStringLiteral(
                            "INSERT INTO chat_media (sha256, mime_type, size_bytes, chunk_bytes, "
                            "created_at) VALUES (sha256(?), 'image/png', 5000, 65536, now() - interval "
                            "'40 days') RETURNING id"),
                        {oldBytes})
                .toLongLong();
        i.db.execOnce(QStringLiteral("INSERT INTO chat_media_chunks (media_id, seq, data) VALUES (?, 0, ?)"),
                      {oldMedia, oldBytes});
        i.db.execOnce(
            QStringLiteral("INSERT INTO whatsapp_inbox (received_at, body, authenticated, processed_at) "
                           "VALUES (now() - interval '40 days', 'old', 'signature', now() - interval "
                           "'40 days'), (now() - interval '3 days', 'new', 'signature', now())"));
        Retention::setPolicies(i.db, {{QStringLiteral("media"), 30}, {QStringLiteral("raw_bodies"), 8}},
                               admin());
        const Retention::Run r = Retention::run(i.db, QStringLiteral("test"));
        QCOMPARE(r.removed.value(QStringLiteral("media")).toInt(), 1);
        QCOMPARE(r.removed.value(QStringLiteral("raw_bodies")).toInt(), 1);
        QVERIFY(MediaStore::describe(i.db, oldMedia).purged);
        QVERIFY(!MediaStore::describe(i.db, i.media).purged);
        QCOMPARE(i.db.scalar(QStringLiteral("SELECT count(*) FROM chat_media_chunks WHERE media_id = ?"),
                             {oldMedia})
                     .toInt(),
                 0);
        QCOMPARE(
            i.db.scalar(QStringLiteral("SELECT string_agg(convert_from(body, 'UTF8'), ',' ORDER BY id) FROM "
                                       "whatsapp_inbox"))
                .toString(),
            QStringLiteral(",new"));
        const AuditChain::Report report = AuditChain::verify(i.db);
        QVERIFY2(report.ok, qPrintable(report.problem));
        // The same file sent again gets its bytes back.
        QCOMPARE(MediaStore::put(i.db, oldBytes, QStringLiteral("image/png")), oldMedia);
        const MediaStore::Content back = MediaStore::describe(i.db, oldMedia);
        QVERIFY(!back.purged);
        QCOMPARE(MediaStore::read(i.db, back, 0, back.size - 1), oldBytes);
    }

    // A file kept by a held ticket's message (found by its WhatsApp id), and one that came again recently,
    // keep their bytes.
    void heldAndRecentFilesKeepTheirBytes()
    {
        Incident i(TestCluster::instance().createDatabase(), 400);
        const auto oldFile = [&](char fill) {
            const QByteArray bytes(4000, fill);
            const qint64 id =
                i.db.scalar(
                        QStringLiteral("INSERT INTO chat_media (sha256, mime_type, size_bytes, chunk_bytes, "
                                       "created_at) VALUES (sha256(?), 'image/png', 4000, 65536, now() - "
                                       "interval '40 days') RETURNING id"),
                        {bytes})
                    .toLongLong();
            i.db.execOnce(
                QStringLiteral("INSERT INTO chat_media_chunks (media_id, seq, data) VALUES (?, 0, ?)"),
                {id, bytes});
            return id;
        };
        const qint64 onHeldTicket = oldFile('h');
        const qint64 cameAgain = oldFile('n');
        const qint64 expired = oldFile('e');
        const QString inboundWa =
            i.db.scalar(QStringLiteral("SELECT wa_message_id FROM chat_messages WHERE id = ?"), {i.inbound})
                .toString();
        i.db.execOnce(
            QStringLiteral("INSERT INTO chat_attachments (wa_message_id, direction, media_type, wa_media_id, "
                           "media_id, status) VALUES (?, 'inbound', 'image', 'm1', ?, 'stored'), "
                           "('wamid.R.AGAIN', 'inbound', 'image', 'm2', ?, 'stored')"),
            {inboundWa, onHeldTicket, cameAgain});
        Retention::addHold(i.db, QStringLiteral("ticket"), QString::number(i.ticket), QStringLiteral("Claim"),
                           admin());
        setDays(i.db, QStringLiteral("media"), 30);
        const Retention::Run r = Retention::run(i.db, QStringLiteral("test"));
        QVERIFY2(r.errors.isEmpty(), qPrintable(r.errors.join(QLatin1Char('\n'))));
        QVERIFY(!MediaStore::describe(i.db, onHeldTicket).purged);
        QVERIFY(!MediaStore::describe(i.db, cameAgain).purged);
        QVERIFY(MediaStore::describe(i.db, expired).purged);
        QCOMPARE(r.removed.value(QStringLiteral("media")).toInt(), 1);
    }

    // A reply written to a stranger's message but moved onto another ticket belongs to that ticket: removing
    // the ticket the stranger's message was attached to leaves both (the reply still refers to it).
    void whatAnotherTicketHoldsStays()
    {
        Incident i(TestCluster::instance().createDatabase(), 400);
        const int other = Seed::openTicket(i.db, QStringLiteral("27710000002"));
        const qint64 reply =
            i.db.scalar(
                    QStringLiteral(
                        "INSERT INTO chat_direct_messages (unassigned_id, to_number, message, agent_name, "
                        "sent_by, attached_ticket_id) VALUES (?, '27829999999', 'Which building?', "
                        "'Thandi', 'agent', ?) RETURNING id"),
                    {i.unassigned, other})
                .toLongLong();
        AuditChain::catchUp(i.db);
        setDays(i.db, QStringLiteral("transcripts"), 365);
        const Retention::Run r = Retention::run(i.db, QStringLiteral("test"));
        QVERIFY2(r.errors.isEmpty(), qPrintable(r.errors.join(QLatin1Char('\n'))));
        QCOMPARE(r.removed.value(QStringLiteral("transcripts")).toInt(), 1);
        QCOMPARE(i.messages(), 0);
        QCOMPARE(
            i.db.scalar(QStringLiteral("SELECT count(*) FROM chat_direct_messages WHERE id = ?"), {reply})
                .toInt(),
            1);
        QCOMPARE(
            i.db.scalar(QStringLiteral("SELECT count(*) FROM chat_unassigned WHERE id = ?"), {i.unassigned})
                .toInt(),
            1);
        const AuditChain::Report report = AuditChain::verify(i.db);
        QVERIFY2(report.ok, qPrintable(report.problem));
    }

    // Messages from numbers that never got a ticket expire with the transcripts' period, with their replies
    // and requests; a held number's stay.
    void unattachedMessagesExpireToo()
    {
        Db db(TestCluster::instance().createDatabase(), QStringLiteral("t"));
        Seed::registry(db);
        const auto stranger = [&](const QString &wa, const QString &number) {
            const qint64 id =
                db.scalar(QStringLiteral(
                              "INSERT INTO chat_unassigned (wa_message_id, from_number, message, kind, raw, "
                              "created_at) VALUES (?, ?, 'stuck in a lift', 'text', '{}', now() - interval "
                              "'400 days') RETURNING id"),
                          {wa, number})
                    .toLongLong();
            db.execOnce(
                QStringLiteral("INSERT INTO chat_direct_messages (unassigned_id, to_number, message, "
                               "agent_name, sent_by) VALUES (?, ?, 'Where are you?', 'Thandi', 'agent')"),
                {id, number});
            return id;
        };
        const qint64 gone = stranger(QStringLiteral("wamid.U.1"), QStringLiteral("27829999991"));
        const qint64 held = stranger(QStringLiteral("wamid.U.2"), QStringLiteral("27829999992"));
        const qint64 recent =
            db.scalar(QStringLiteral("INSERT INTO chat_unassigned (wa_message_id, from_number, "
                                     "message, kind, raw) VALUES ('wamid.U.3', '27829999993', 'hi', "
                                     "'text', '{}') RETURNING id"))
                .toLongLong();
        Retention::addHold(db, QStringLiteral("technician"), QStringLiteral("27829999992"),
                           QStringLiteral("Inquiry"), admin());
        AuditChain::catchUp(db);
        setDays(db, QStringLiteral("transcripts"), 365);
        const Retention::Run r = Retention::run(db, QStringLiteral("test"));
        QVERIFY2(r.errors.isEmpty(), qPrintable(r.errors.join(QLatin1Char('\n'))));
        QCOMPARE(r.removed.value(QStringLiteral("unattached_messages")).toInt(), 1);
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT string_agg(id::text, ',' ORDER BY id) FROM chat_unassigned"))
                .toString(),
            QStringLiteral("%1,%2").arg(held).arg(recent));
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT count(*) FROM chat_direct_messages WHERE unassigned_id = ?"),
                      {gone})
                .toInt(),
            0);
        const AuditChain::Report report = AuditChain::verify(db);
        QVERIFY2(report.ok, qPrintable(report.problem));
    }

    void theAuditTrailExpiresWithATombstone()
    {
        Incident i(TestCluster::instance().createDatabase(), 1);
        i.db.transaction([&] {
            i.db.execOnce(QStringLiteral("SET LOCAL session_replication_role = replica"));
            i.db.execOnce(QStringLiteral("UPDATE audit_log SET at = now() - interval '100 days'"));
        });
        setDays(i.db, QStringLiteral("audit_trail"), 90);
        const Retention::Run r = Retention::run(i.db, QStringLiteral("test"));
        QVERIFY(r.removed.value(QStringLiteral("audit_trail")).toInt() >= 1);
        QCOMPARE(i.count(QStringLiteral("SELECT count(*) FROM audit_log WHERE ticket_id = ?")), 0);
        // The period's own change was recorded today and stays.
        QCOMPARE(
            i.db.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'retention.changed'"))
                .toInt(),
            1);
        const AuditChain::Report report = AuditChain::verify(i.db);
        QVERIFY2(report.ok, qPrintable(report.problem));
    }

    // The API: admins only; periods checked; holds with their reasons; an expired file answers 410.
    void theApi()
    {
        Incident i(TestCluster::instance().createDatabase(), 400);
        TestServer server(i.params);
        const QByteArray agent = server.signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Nkosi"));
        HttpResult r = server.http().get(QStringLiteral("/api/admin/retention"), HttpClient::bearer(agent));
        QCOMPARE(r.status, 403);
        r = server.http().request(QByteArrayLiteral("PUT"), QStringLiteral("/api/admin/retention"),
                                  QByteArrayLiteral(R"({"raw_bodies": 3})"), TestServer::admin(),
                                  QByteArrayLiteral("application/json"));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), QStringLiteral("invalid_retention"));
        r = server.http().request(QByteArrayLiteral("PUT"), QStringLiteral("/api/admin/retention"),
                                  QByteArrayLiteral(R"({"transcripts": 365, "media": 30})"),
                                  TestServer::admin(), QByteArrayLiteral("application/json"));
        VERIFY_STATUS(r, 200);
        QCOMPARE(r.json.value(QLatin1String("policies")).toObject().value(QLatin1String("media")).toInt(),
                 30);
        r = server.http().postJson(QStringLiteral("/api/admin/holds"),
                                   {{QStringLiteral("scope"), QStringLiteral("lift")},
                                    {QStringLiteral("number"), QStringLiteral("+27 71 000 0001")}},
                                   TestServer::admin());
        QCOMPARE(r.status, 400);
        QVERIFY2(r.body.contains("reason"), r.body.constData());
        r = server.http().postJson(QStringLiteral("/api/admin/holds"),
                                   {{QStringLiteral("scope"), QStringLiteral("lift")},
                                    {QStringLiteral("number"), QStringLiteral("+27 71 000 0001")},
                                    {QStringLiteral("reason"), QStringLiteral("Inspector's request")}},
                                   TestServer::admin());
        QCOMPARE(r.status, 201);
        const qint64 hold =
            r.json.value(QLatin1String("hold")).toObject().value(QLatin1String("id")).toInteger();
        QCOMPARE(r.json.value(QLatin1String("hold")).toObject().value(QLatin1String("number")).toString(),
                 QStringLiteral("27710000001"));
        r = server.http().get(QStringLiteral("/api/admin/retention"), TestServer::admin());
        VERIFY_STATUS(r, 200);
        QCOMPARE(r.json.value(QLatin1String("holds")).toArray().size(), 1);
        QCOMPARE(Retention::run(i.db, QStringLiteral("test")).held, 1);
        r = server.http().postJson(QStringLiteral("/api/admin/holds/%1/release").arg(hold),
                                   {{QStringLiteral("reason"), QStringLiteral("Inspection closed")}},
                                   TestServer::admin());
        VERIFY_STATUS(r, 200);
        r = server.http().postJson(QStringLiteral("/api/admin/holds/%1/release").arg(hold),
                                   {{QStringLiteral("reason"), QStringLiteral("again")}},
                                   TestServer::admin());
        QCOMPARE(r.status, 409);
        QCOMPARE(r.errorCode(), QStringLiteral("hold_released"));

        // A file whose bytes expired: its record is there, its bytes are not.
        // (Made as the retention job does: only its path may delete a file's bytes.)
        i.db.transaction([&] {
            i.db.execOnce(QStringLiteral("SELECT set_config('liftline.retention_run', '1', true)"));
            i.db.execOnce(QStringLiteral("DELETE FROM chat_media_chunks WHERE media_id = ?"), {i.media});
            i.db.execOnce(QStringLiteral("UPDATE chat_media SET purged_at = now() WHERE id = ?"), {i.media});
        });
        const qint64 attachment =
            i.db.scalar(QStringLiteral("SELECT id FROM chat_attachments WHERE media_id = ?"), {i.media})
                .toLongLong();
        r = server.http().get(QStringLiteral("/api/chat/media/%1").arg(attachment),
                              HttpClient::bearer(agent));
        QCOMPARE(r.status, 410);
        QCOMPARE(r.errorCode(), QStringLiteral("media_expired"));
    }

    void theCommandLine()
    {
        Incident i(TestCluster::instance().createDatabase(), 400);
        const QProcessEnvironment env = databaseEnvironment(i.params);
        CliResult cli = runCli({},
                               {QStringLiteral("retention"), QStringLiteral("set"),
                                QStringLiteral("transcripts=365"), QStringLiteral("raw_bodies=forever")},
                               env);
        QVERIFY2(cli.exitCode == 0, qPrintable(cli.describe()));
        cli = runCli({}, {QStringLiteral("retention"), QStringLiteral("set"), QStringLiteral("raw_bodies=3")},
                     env);
        QVERIFY2(cli.exitCode != 0 && cli.err.contains(QLatin1String("8 to 36500")),
                 qPrintable(cli.describe()));
        cli = runCli({},
                     {QStringLiteral("hold"), QStringLiteral("--ticket"), QString::number(i.ticket),
                      QStringLiteral("--reason"), QStringLiteral("Police inquiry")},
                     env);
        QVERIFY2(cli.exitCode == 0 && cli.out.contains(QLatin1String("Police inquiry")),
                 qPrintable(cli.describe()));
        cli = runCli({}, {QStringLiteral("retention"), QStringLiteral("run")}, env);
        QVERIFY2(cli.exitCode == 0 &&
                     cli.out.contains(QLatin1String("1 expired transcript(s) kept by a legal hold")),
                 qPrintable(cli.describe()));
        QCOMPARE(i.messages(), 2);
        cli = runCli({}, {QStringLiteral("retention")}, env);
        QVERIFY2(cli.exitCode == 0 && cli.out.contains(QLatin1String("365 days")) &&
                     cli.out.contains(QLatin1String("1 legal hold(s) in force")),
                 qPrintable(cli.describe()));
        const QString id = i.db.scalar(QStringLiteral("SELECT id FROM legal_holds")).toString();
        cli = runCli(
            {}, {QStringLiteral("release-hold"), id, QStringLiteral("--reason"), QStringLiteral("Closed")},
            env);
        QVERIFY2(cli.exitCode == 0, qPrintable(cli.describe()));
        cli = runCli({}, {QStringLiteral("retention"), QStringLiteral("run")}, env);
        QVERIFY2(cli.exitCode == 0, qPrintable(cli.describe()));
        QCOMPARE(i.messages(), 0);
        cli = runCli({}, {QStringLiteral("verify")}, env);
        QVERIFY2(cli.exitCode == 0, qPrintable(cli.describe()));
    }
};

QTEST_GUILESS_MAIN(TestRetention)
#include "tst_retention.moc"
