// Incident exports (issue 17): one ticket's record as signed JSON, over the API and the command line, and
// checked without the database. Real PostgreSQL, real HTTP over loopback, the real liftline-server
// binary for the command line.
#include "HttpClient.h"
#include "Seed.h"
#include "ServerProcess.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "auth/SigningKey.h"
#include "chat/IncidentExport.h"
#include "db/AuditChain.h"
#include "db/Db.h"
#include "db/DbError.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

namespace {

struct Fixture {
    Fixture()
        : params(TestCluster::instance().createDatabase())
        , db(params, QStringLiteral("tst-export"))
    {
        Seed::registry(db);
        ticket = Seed::openTicket(db);
        inbound = Seed::technicianWrote(db, ticket, QStringLiteral("27820000001"),
                                        QStringLiteral("Agent, two people stuck on floor 3"), 3);
        inboundWaId =
            db.scalar(QStringLiteral("SELECT wa_message_id FROM chat_messages WHERE id = ?"), {inbound})
                .toString();
        // A reply with its delivery statuses, and the technician's later edit of the first message.
        db.execOnce(QStringLiteral(
                        "INSERT INTO chat_messages (ticket_id, from_number, to_number, message, direction, "
                        "agent_name, status, wa_message_id) VALUES (?, 'agent', '27820000001', "
                        "'We are on our way', 'outbound', 'Thandi', 'delivered', 'wamid.EXPORT.OUT')"),
                    {ticket});
        db.execOnce(QStringLiteral(
            "INSERT INTO whatsapp_statuses (wa_message_id, status, wa_timestamp, raw, applied_at) VALUES "
            "('wamid.EXPORT.OUT', 'sent', now(), '{}', now()), "
            "('wamid.EXPORT.OUT', 'delivered', now(), '{}', now())"));
        db.execOnce(QStringLiteral("INSERT INTO chat_message_changes (wa_message_id, target_wa_id, change, "
                                   "from_number, body, raw) "
                                   "VALUES ('wamid.EXPORT.EDIT', ?, 'edit', '27820000001', 'Agent, three "
                                   "people stuck on floor 3', "
                                   "'{}')"),
                    {inboundWaId});
        server = std::make_unique<TestServer>(params);
        supervisor = server->signIn(QStringLiteral("nomsa"), QStringLiteral("Nomsa Dube"),
                                    QStringLiteral("supervisor"));
    }

    HttpResult exportOf(int id, const QByteArray &token, const QString &query = {})
    {
        return server->http().get(QStringLiteral("/api/chat/%1/export%2").arg(id).arg(query),
                                  HttpClient::bearer(token));
    }

    DbParams params;
    Db db;
    int ticket = 0;
    qint64 inbound = 0;
    QString inboundWaId;
    std::unique_ptr<TestServer> server;
    QByteArray supervisor;
};

QByteArray header(const HttpResult &r, const char *name)
{
    return r.header(QByteArray(name));
}

} // namespace

class TestExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { TestCluster::instance(); }

    void supervisorExportsSignedRecord()
    {
        Fixture f;
        const HttpResult r = f.exportOf(f.ticket, f.supervisor, QStringLiteral("?format=json"));
        QCOMPARE(r.status, 200);
        // The checksum and the signature travel with the bytes, and check with the published key.
        const QByteArray sha = QCryptographicHash::hash(r.body, QCryptographicHash::Sha256).toHex();
        QCOMPARE(header(r, "X-Liftline-Sha256"), sha);
        const HttpResult key = f.server->http().get(QStringLiteral("/api/chat/signing-key"));
        QCOMPARE(key.status, 200);
        const QByteArray publicKey =
            QByteArray::fromBase64(key.json.value(QLatin1String("public_key")).toString().toLatin1());
        QCOMPARE(publicKey.size(), 32);
        QCOMPARE(header(r, "X-Liftline-Signing-Key"),
                 key.json.value(QLatin1String("fingerprint")).toString().toUtf8());
        const QByteArray signature = QByteArray::fromBase64(header(r, "X-Liftline-Signature"));
        QVERIFY(SigningKey::verify(publicKey, r.body, signature));
        QVERIFY(header(r, "Content-Disposition").contains("incident-"));

        // What the record holds: the ticket, the lift, the technician, both messages with both times, the
        // reply's statuses, the edit as first stored, and the agent actions.
        const QJsonObject doc = QJsonDocument::fromJson(r.body).object();
        QCOMPARE(doc.value(QLatin1String("format")).toString(), QStringLiteral("liftline.incident-export/1"));
        QCOMPARE(doc.value(QLatin1String("ticket")).toObject().value(QLatin1String("id")).toInt(), f.ticket);
        QCOMPARE(doc.value(QLatin1String("lift")).toObject().value(QLatin1String("msisdn")).toString(),
                 QStringLiteral("27710000001"));
        QVERIFY(!doc.value(QLatin1String("technicians")).toArray().isEmpty());
        const QJsonArray messages = doc.value(QLatin1String("messages")).toArray();
        QCOMPARE(messages.size(), 2);
        const QJsonObject first = messages.at(0).toObject();
        QCOMPARE(first.value(QLatin1String("message")).toString(),
                 QStringLiteral("Agent, two people stuck on floor 3"));
        QVERIFY(first.contains(QLatin1String("created_at")) && first.contains(QLatin1String("wa_timestamp")));
        QVERIFY(!first.contains(QLatin1String("raw")));
        const QJsonArray changes = first.value(QLatin1String("changes")).toArray();
        QCOMPARE(changes.size(), 1);
        QCOMPARE(changes.at(0).toObject().value(QLatin1String("body")).toString(),
                 QStringLiteral("Agent, three people stuck on floor 3"));
        const QJsonArray statuses = messages.at(1).toObject().value(QLatin1String("statuses")).toArray();
        QCOMPARE(statuses.size(), 2);
        QCOMPARE(
            doc.value(QLatin1String("signing_key")).toObject().value(QLatin1String("fingerprint")).toString(),
            key.json.value(QLatin1String("fingerprint")).toString());

        // The audit chain's entries for both messages are named, with the chain's head.
        const QJsonObject chain = doc.value(QLatin1String("audit_chain")).toObject();
        QVERIFY(chain.value(QLatin1String("head")).toObject().value(QLatin1String("seq")).toInt() > 0);
        int messageEntries = 0;
        for (const QJsonValue &v : chain.value(QLatin1String("entries")).toArray())
            messageEntries +=
                v.toObject().value(QLatin1String("kind")).toString() == QLatin1String("message");
        QCOMPARE(messageEntries, 2);

        // Every export is recorded, with what was handed out; and the key is on record.
        QCOMPARE(f.db.scalar(QStringLiteral("SELECT details->>'sha256' FROM audit_log WHERE action = "
                                            "'ticket.exported' AND ticket_id = ? ORDER BY id DESC LIMIT 1"),
                             {f.ticket})
                     .toString()
                     .toLatin1(),
                 sha);
        QCOMPARE(f.db.scalar(QStringLiteral("SELECT count(*) FROM signing_keys WHERE public_key = ?"),
                             {key.json.value(QLatin1String("public_key")).toString()})
                     .toInt(),
                 1);
    }

    // The running server chains what is written by itself, within seconds, and signs the chain's head
    // once (none was signed in the last 24 hours), with the key exports are signed with.
    void serverChainsAndSignsTheHead()
    {
        Fixture f;
        QTRY_COMPARE_WITH_TIMEOUT(f.db.scalar(QStringLiteral("SELECT count(*) FROM audit_pending")).toInt(),
                                  0, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(f.db.scalar(QStringLiteral("SELECT count(*) FROM audit_heads")).toInt(), 1,
                                  20000);
        const HttpResult key = f.server->http().get(QStringLiteral("/api/chat/signing-key"));
        QCOMPARE(f.db.scalar(QStringLiteral("SELECT fingerprint FROM audit_heads")).toString(),
                 key.json.value(QLatin1String("fingerprint")).toString());
    }

    void onlySupervisorsAndAdminsExport()
    {
        Fixture f;
        const QByteArray agent = f.server->signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Nkosi"));
        HttpResult r = f.exportOf(f.ticket, agent);
        QCOMPARE(r.status, 403);
        QCOMPARE(r.json.value(QLatin1String("error")).toObject().value(QLatin1String("code")).toString(),
                 QStringLiteral("export_not_allowed"));
        r = f.server->http().get(QStringLiteral("/api/chat/%1/export").arg(f.ticket));
        QCOMPARE(r.status, 401);
        r = f.server->http().get(QStringLiteral("/api/chat/%1/export").arg(f.ticket), TestServer::admin());
        QCOMPARE(r.status, 200);
        r = f.exportOf(f.ticket + 1000, f.supervisor);
        QCOMPARE(r.status, 404);
        r = f.exportOf(f.ticket, f.supervisor, QStringLiteral("?format=xml"));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json.value(QLatin1String("error")).toObject().value(QLatin1String("code")).toString(),
                 QStringLiteral("invalid_format"));
        // Refusals are not recorded as exports.
        QCOMPARE(
            f.db.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'ticket.exported'"))
                .toInt(),
            1);
    }

    // A changed byte, a changed signature, another key: each is named.
    // The PDF, from the real server binary (a QGuiApplication on the offscreen platform) and from the
    // command line: signed like the JSON, and read as a person would: its pages drawn to PNG with
    // poppler's pdftoppm (kept in test-output/export-pdf) and its text read back with pdftotext.
    void pdfForPeople()
    {
        Fixture f;
        f.db.execOnce(
            QStringLiteral("INSERT INTO incident_cards (ticket_id, version, people_trapped, injuries, "
                           "edited_by, edited_by_actor) VALUES (?, 1, 2, 'None', 'Nomsa Dube', "
                           "'agent:1')"),
            {f.ticket});
        // A request with its figures: the console alerted 0.4 s after the message reached the server, and
        // an agent acknowledged 20 s after the request.
        f.db.execOnce(QStringLiteral("UPDATE tickets SET agent_requested = true WHERE id = ?"), {f.ticket});
        f.db.execOnce(
            QStringLiteral("UPDATE agent_requests SET received_at = requested_at - interval '0.1 s', "
                           "alerted_at = requested_at + interval '0.3 s' WHERE ticket_id = ?"),
            {f.ticket});
        f.db.execOnce(
            QStringLiteral("UPDATE tickets SET acknowledged_at = agent_requested_at + interval '20 s', "
                           "acknowledged_by = 'Thandi' WHERE id = ?"),
            {f.ticket});
        const HttpResult json = f.exportOf(f.ticket, f.supervisor, QStringLiteral("?format=json"));
        QCOMPARE(json.status, 200);
        const QJsonObject response = QJsonDocument::fromJson(json.body)
                                         .object()
                                         .value(QLatin1String("requests"))
                                         .toArray()
                                         .first()
                                         .toObject()
                                         .value(QLatin1String("response"))
                                         .toObject();
        QCOMPARE(response.value(QLatin1String("time_to_alert")).toDouble(), 0.4);
        QCOMPARE(response.value(QLatin1String("time_to_acknowledge")).toDouble(), 20.0);
        QVERIFY(response.value(QLatin1String("time_to_first_reply")).isNull());
        QVERIFY(!response.value(QLatin1String("received_at")).toString().isEmpty());
        QTemporaryDir dir;
        QProcessEnvironment env = databaseEnvironment(f.params);
        env.insert(QStringLiteral("LIFTLINE_SIGNING_KEY_FILE"), dir.path() + QStringLiteral("/server.key"));
        env.insert(QStringLiteral("ADMIN_TOKEN"), QStringLiteral("pdf-admin-token-0123456789"));
        ServerProcess server{QString()};
        server.setEnvironment(env);
        QVERIFY(server.start());
        HttpClient http(server.url());
        const HttpResult r = http.get(QStringLiteral("/api/chat/%1/export?format=pdf").arg(f.ticket),
                                      HttpClient::bearer("pdf-admin-token-0123456789"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Content-Type"), QByteArray("application/pdf"));
        QVERIFY2(r.body.startsWith("%PDF-"), r.body.left(100).constData());
        QVERIFY(r.header("Content-Disposition").contains(".pdf\""));
        QCOMPARE(r.header("X-Liftline-Sha256"),
                 QCryptographicHash::hash(r.body, QCryptographicHash::Sha256).toHex());
        QVERIFY(server.stop());

        // The command line: the format from the file's extension; verify-export checks it like the JSON.
        const QString file = dir.path() + QStringLiteral("/incident.pdf");
        CliResult cli = runCli({},
                               {QStringLiteral("export"), QStringLiteral("--ticket"),
                                QString::number(f.ticket), QStringLiteral("--output"), file},
                               env);
        QVERIFY2(cli.exitCode == 0, qPrintable(cli.describe()));
        cli = runCli({}, {QStringLiteral("signing-key")}, env);
        const QString publicKey =
            cli.out.section(QStringLiteral("Public key:"), 1).section(QLatin1Char('\n'), 0, 0).trimmed();
        cli = runCli({}, {QStringLiteral("verify-export"), file, QStringLiteral("--public-key"), publicKey},
                     env);
        QVERIFY2(cli.exitCode == 0, qPrintable(cli.describe()));
        QCOMPARE(f.db.scalar(QStringLiteral(
                                 "SELECT count(*) FROM audit_log WHERE action = 'ticket.exported' AND "
                                 "details->>'format' = 'pdf' AND details->>'record_sha256' IS NOT NULL"))
                     .toInt(),
                 2);

        // As a person reads it.
        QProcess text;
        text.start(QStringLiteral("pdftotext"), {QStringLiteral("-layout"), file, QStringLiteral("-")});
        QVERIFY(text.waitForFinished(30000));
        QCOMPARE(text.exitCode(), 0);
        // NFKC: the ligatures the PDF draws ("ﬂ") read as the letters they join.
        const QString words = QString::fromUtf8(text.readAllStandardOutput())
                                  .normalized(QString::NormalizationForm_KC)
                                  .simplified();
        for (const char *expected :
             {"Incident report", "Agent, two people stuck on floor 3", "three people stuck on floor 3",
              "We are on our way", "delivered", "Thandi", "27710000001", "People trapped", "Audit chain",
              "ticket.exported", "Message received", "Time to alert 0.4 s", "Time to acknowledge 20.0 s"})
            QVERIFY2(
                words.contains(QLatin1String(expected)),
                qPrintable(
                    QStringLiteral("'%1' not in: %2").arg(QLatin1String(expected), words.mid(900, 3000))));
        const QString out = QStringLiteral(LIFTLINE_TEST_OUTPUT) + QStringLiteral("/export-pdf");
        QDir(out).removeRecursively();
        QVERIFY(QDir().mkpath(out));
        QProcess pages;
        pages.start(QStringLiteral("pdftoppm"), {QStringLiteral("-png"), QStringLiteral("-r"),
                                                 QStringLiteral("80"), file, out + QStringLiteral("/page")});
        QVERIFY(pages.waitForFinished(60000));
        QVERIFY2(pages.exitCode() == 0, pages.readAllStandardError().constData());
        const QStringList pngs = QDir(out).entryList({QStringLiteral("page*.png")}, QDir::Files, QDir::Name);
        QVERIFY(!pngs.isEmpty());
        // The first page has something on it: more than one colour, and dark text on most of its rows.
        const QImage first(out + QLatin1Char('/') + pngs.first());
        QVERIFY(!first.isNull());
        int inked = 0;
        for (int y = 0; y < first.height(); y += 4)
            for (int x = 0; x < first.width(); x += 2)
                if (qGray(first.pixel(x, y)) < 128) {
                    ++inked;
                    break;
                }
        QVERIFY2(inked > first.height() / 4 / 10, qPrintable(QStringLiteral("%1 rows with ink").arg(inked)));
    }

    // The original add-on acknowledges by writing the ticket row itself. Each change of the ticket's
    // request, acknowledgement and resolution, whoever writes it, is appended to ticket_changes: chained,
    // refused to be changed, in the export with who wrote it, and found by verify when changed behind
    // the database's back.
    void ticketChangesAreChainedWhoeverWritesThem()
    {
        Fixture f;
        f.db.execOnce(QStringLiteral("SET application_name = 'chat-addon'"));
        f.db.execOnce(QStringLiteral("UPDATE tickets SET agent_requested = true, agent_requested_at = now() "
                                     "WHERE id = ?"),
                      {f.ticket});
        f.db.execOnce(
            QStringLiteral("UPDATE tickets SET acknowledged_at = now(), acknowledged_by = 'Old Page' "
                           "WHERE id = ?"),
            {f.ticket});
        f.db.execOnce(QStringLiteral("UPDATE tickets SET sms_text = 'not followed' WHERE id = ?"),
                      {f.ticket});
        const QString role = f.db.scalar(QStringLiteral("SELECT session_user::text")).toString();
        // The ticket's opening and the technician's first message came first, written by the fixture.
        const int before = 2;
        QCOMPARE(
            f.db.scalar(QStringLiteral("SELECT count(*) FROM ticket_changes WHERE ticket_id = ?"), {f.ticket})
                .toInt(),
            before + 2);
        QCOMPARE(f.db.scalar(QStringLiteral("SELECT (changes->>'lift_id')::int FROM ticket_changes WHERE "
                                            "ticket_id = ? ORDER BY id LIMIT 1"),
                             {f.ticket})
                     .toInt(),
                 f.db.scalar(QStringLiteral("SELECT lift_id FROM tickets WHERE id = ?"), {f.ticket}).toInt());
        QCOMPARE(
            f.db.scalar(QStringLiteral("SELECT changes->'acknowledged_by'->>'to' || ' by ' || writer FROM "
                                       "ticket_changes WHERE ticket_id = ? ORDER BY id DESC LIMIT 1"),
                        {f.ticket})
                .toString(),
            QStringLiteral("Old Page by %1 chat-addon").arg(role));
        bool refused = false;
        try {
            f.db.execOnce(QStringLiteral("UPDATE ticket_changes SET writer = 'someone else'"));
        } catch (const DbError &e) {
            refused = e.message().contains(QLatin1String("compliance record"));
        }
        QVERIFY(refused);

        const HttpResult r = f.exportOf(f.ticket, f.supervisor, QStringLiteral("?format=json"));
        QCOMPARE(r.status, 200);
        const QJsonObject doc = QJsonDocument::fromJson(r.body).object();
        const QJsonArray changes = doc.value(QLatin1String("ticket_changes")).toArray();
        QCOMPARE(changes.size(), before + 2);
        QCOMPARE(changes.last().toObject().value(QLatin1String("writer")).toString(),
                 role + QStringLiteral(" chat-addon"));
        int chained = 0;
        for (const QJsonValue &e :
             doc.value(QLatin1String("audit_chain")).toObject().value(QLatin1String("entries")).toArray())
            chained += e.toObject().value(QLatin1String("kind")).toString() == QLatin1String("ticket_change");
        QCOMPARE(chained, before + 2);

        QVERIFY(AuditChain::verify(f.db).ok);
        f.db.execOnce(QStringLiteral("ALTER TABLE ticket_changes DISABLE TRIGGER audit_refused"));
        f.db.execOnce(QStringLiteral("UPDATE ticket_changes SET writer = 'server' WHERE ticket_id = ?"),
                      {f.ticket});
        f.db.execOnce(QStringLiteral("ALTER TABLE ticket_changes ENABLE TRIGGER audit_refused"));
        const AuditChain::Report report = AuditChain::verify(f.db);
        QVERIFY(!report.ok);
        QVERIFY2(report.problem.contains(QLatin1String("ticket_change")), qPrintable(report.problem));
    }

    void tamperingIsFound()
    {
        QTemporaryDir dir;
        QString error;
        const SigningKey key = SigningKey::loadOrCreate(dir.path() + QStringLiteral("/k"), &error);
        QVERIFY2(key.isValid(), qPrintable(error));
        IncidentExport::Export e;
        e.document = QByteArrayLiteral("{\"ticket\": {\"id\": 7}}\n");
        e.sha256Hex = QCryptographicHash::hash(e.document, QCryptographicHash::Sha256).toHex();
        e.signature = key.sign(e.document);
        e.publicKey = key.publicKey();
        e.fingerprint = key.fingerprint();
        e.fileName = QStringLiteral("incident-7.json");
        const QByteArray sig = IncidentExport::signatureFile(e);
        // Intact and signed, but by a key nobody named: not a pass (anyone can sign with a key of their own).
        const IncidentExport::Verification unchecked = IncidentExport::verify(e.document, sig);
        QVERIFY(!unchecked.ok && unchecked.intactButSignerUnchecked);
        QVERIFY2(unchecked.message.contains(QLatin1String("--public-key")), qPrintable(unchecked.message));
        QVERIFY(IncidentExport::verify(e.document, sig, key.publicKey()).ok);

        QByteArray changed = e.document;
        changed.replace("7", "8");
        IncidentExport::Verification v = IncidentExport::verify(changed, sig, key.publicKey());
        QVERIFY(!v.ok);
        QVERIFY2(v.message.contains(QLatin1String("changed after it was exported")), qPrintable(v.message));

        // The checksum rewritten to match the change: the signature still gives it away.
        QJsonObject o = QJsonDocument::fromJson(sig).object();
        o.insert(QStringLiteral("sha256"),
                 QString::fromLatin1(QCryptographicHash::hash(changed, QCryptographicHash::Sha256).toHex()));
        v = IncidentExport::verify(changed, QJsonDocument(o).toJson(), key.publicKey());
        QVERIFY(!v.ok);
        QVERIFY2(v.message.contains(QLatin1String("signature does not match")), qPrintable(v.message));

        const SigningKey other = SigningKey::loadOrCreate(dir.path() + QStringLiteral("/other"), &error);
        v = IncidentExport::verify(e.document, sig, other.publicKey());
        QVERIFY(!v.ok);
        QVERIFY2(v.message.contains(QLatin1String("not by the key")), qPrintable(v.message));

        QVERIFY(!IncidentExport::verify(e.document, "not json").ok);
    }

    void keyFileIsPrivateAndKept()
    {
        QTemporaryDir dir;
        const QString path = dir.path() + QStringLiteral("/sub/signing.key");
        QString error;
        const SigningKey made = SigningKey::loadOrCreate(path, &error);
        QVERIFY2(made.isValid(), qPrintable(error));
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 0777), 0600);
        const SigningKey again = SigningKey::loadOrCreate(path, &error);
        QCOMPARE(again.publicKey(), made.publicKey());
        QCOMPARE(made.fingerprint().size(), 39); // eight groups of four hex digits

        QFile::setPermissions(path,
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup);
        QVERIFY(!SigningKey::load(path, &error).isValid());
        QVERIFY2(error.contains(QLatin1String("chmod 600")), qPrintable(error));

        QFile::remove(path);
        QFile broken(path);
        QVERIFY(broken.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                            QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        broken.write("not a key\n");
        broken.close();
        QVERIFY(!SigningKey::loadOrCreate(path, &error).isValid());
        QVERIFY2(error.contains(QLatin1String("not a Liftline signing key")), qPrintable(error));
    }

    // The command line: export writes the file and its two companions; verify-export needs no database
    // and fails on a changed file; sha256sum agrees with the checksum file.
    void commandLineExportAndVerify()
    {
        Fixture f;
        QTemporaryDir dir;
        QProcessEnvironment env = databaseEnvironment(f.params);
        env.insert(QStringLiteral("LIFTLINE_SIGNING_KEY_FILE"), dir.path() + QStringLiteral("/cli.key"));
        const QString file = dir.path() + QStringLiteral("/incident.json");
        CliResult r = runCli({},
                             {QStringLiteral("export"), QStringLiteral("--ticket"), QString::number(f.ticket),
                              QStringLiteral("--output"), file},
                             env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(QFile::exists(file + QStringLiteral(".sig")) &&
                QFile::exists(file + QStringLiteral(".sha256")));

        r = runCli({}, {QStringLiteral("signing-key")}, env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString publicKey =
            r.out.section(QStringLiteral("Public key:"), 1).section(QLatin1Char('\n'), 0, 0).trimmed();
        QCOMPARE(QByteArray::fromBase64(publicKey.toLatin1()).size(), 32);

        // Without a database: only the file and its signature.
        QProcessEnvironment bare = serverEnvironment();
        bare.insert(QStringLiteral("DATABASE_URL"), QStringLiteral("postgresql://nobody@127.0.0.1:1/none"));
        r = runCli({}, {QStringLiteral("verify-export"), file, QStringLiteral("--public-key"), publicKey},
                   bare);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.out.contains(QLatin1String("intact and signed by the trusted key")),
                 qPrintable(r.describe()));

        // Without the trusted key the signer is not known: not a pass.
        r = runCli({}, {QStringLiteral("verify-export"), file}, bare);
        QVERIFY2(r.exitCode == 2 && r.err.contains(QLatin1String("--public-key")), qPrintable(r.describe()));

        QProcess sha;
        sha.setWorkingDirectory(dir.path());
        sha.start(QStringLiteral("sha256sum"),
                  {QStringLiteral("-c"), QStringLiteral("incident.json.sha256")});
        QVERIFY(sha.waitForFinished(10000));
        QCOMPARE(sha.exitCode(), 0);

        QFile doc(file);
        QVERIFY(doc.open(QIODevice::ReadWrite));
        QByteArray bytes = doc.readAll();
        bytes.replace("two people", "one person");
        doc.seek(0);
        doc.write(bytes);
        doc.resize(bytes.size());
        doc.close();
        r = runCli({}, {QStringLiteral("verify-export"), file}, bare);
        QVERIFY2(r.exitCode != 0, qPrintable(r.describe()));
        QVERIFY2(r.err.contains(QLatin1String("does not verify")), qPrintable(r.describe()));
        QCOMPARE(
            f.db.scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'ticket.exported' AND "
                                       "actor_kind = 'cli'"))
                .toInt(),
            1);
    }
};

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
