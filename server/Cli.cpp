#include "Cli.h"

#include "Config.h"
#include "PhoneNumber.h"
#include "auth/AgentStore.h"
#include "auth/PasswordHasher.h"
#include "auth/SigningKey.h"
#include "chat/ChainHead.h"
#include "chat/IncidentExport.h"
#include "chat/RegistryImport.h"
#include "chat/Retention.h"
#include "chat/Tickets.h"
#include "db/AuditChain.h"
#include "db/DatabaseTarget.h"
#include "db/Db.h"
#include "db/MediaStore.h"
#include "db/Migrator.h"
#include "domain/DomainError.h"
#include "domain/Media.h"
#include "domain/Principal.h"
#include "escalation/EscalationStore.h"
#include "http/WebhookRoutes.h"
#include "whatsapp/InboundProcessor.h"
#include "whatsapp/WebhookBody.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSaveFile>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryFile>
#include <QTextStream>
#include <QTimer>
#include <QUuid>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

namespace Cli {

namespace {

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

int usage(const QString &what)
{
    err() << "liftline-server: " << what << "\nSee 'liftline-server --help'.\n";
    err().flush();
    return 2;
}

int failed(const QString &what)
{
    err() << "liftline-server: " << what << '\n';
    err().flush();
    return 1;
}

QString readLine(bool echo)
{
    termios saved{};
    const bool tty = ::isatty(STDIN_FILENO);
    if (tty && !echo) {
        ::tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    QTextStream in(stdin);
    const QString line = in.readLine();
    if (tty && !echo) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        err() << '\n';
        err().flush();
    }
    return line;
}

// From a terminal: asked twice without echo. Otherwise: the first line of standard input.
bool readNewPassword(const QString &username, QString *password)
{
    if (::isatty(STDIN_FILENO)) {
        err() << "New password for " << username << ": ";
        err().flush();
        *password = readLine(false);
        err() << "Again: ";
        err().flush();
        if (readLine(false) != *password) {
            failed(QStringLiteral("The two passwords differ; nothing was changed"));
            return false;
        }
    } else {
        *password = readLine(true);
    }
    const QString weakness = PasswordHasher::weakness(*password);
    if (!weakness.isEmpty()) {
        failed(weakness + QStringLiteral("; nothing was changed"));
        return false;
    }
    return true;
}

int backup(DatabaseTarget &target, const QString &file)
{
    const QString program = target.embedded() ? target.embedded()->program(QStringLiteral("pg_dump"))
                                              : QStandardPaths::findExecutable(QStringLiteral("pg_dump"));
    if (program.isEmpty() || !QFileInfo(program).isExecutable())
        return failed(
            QStringLiteral("pg_dump is not installed: install it with 'apt-get install postgresql-client'"));
    const QString partial = file + QStringLiteral(".partial");
    // The backup holds every conversation and the accounts' password hashes: readable by its owner only,
    // from its first byte (pg_dump keeps the mode of the file it is given).
    const QByteArray partialName = QFile::encodeName(partial);
    ::unlink(partialName.constData()); // a leftover of an earlier run, or a link planted in its place
    const int fd =
        ::open(partialName.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return failed(
            QStringLiteral("Cannot write %1: %2").arg(partial, QString::fromLocal8Bit(strerror(errno))));
    ::close(fd);
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setChildProcessModifier([] { ::umask(077); });
    // The password never goes on pg_dump's command line (readable by every account): a password file,
    // readable by this account only, for as long as pg_dump runs.
    QTemporaryFile passfile;
    if (!target.params().password.isEmpty()) {
        if (!passfile.open() || passfile.write(target.params().passfileLine()) < 0 || !passfile.flush()) {
            QFile::remove(partial);
            return failed(
                QStringLiteral("Cannot write a temporary password file: %1").arg(passfile.errorString()));
        }
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("PGPASSFILE"), passfile.fileName());
        process.setProcessEnvironment(environment);
    }
    process.start(program, {QStringLiteral("--format=custom"), QStringLiteral("--file=") + partial,
                            QStringLiteral("--dbname=") + target.params().conninfo()});
    process.waitForFinished(-1);
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        QFile::remove(partial);
        return failed(QStringLiteral("The backup failed; nothing was written: %1")
                          .arg(QString::fromLocal8Bit(process.readAll()).trimmed()));
    }
    // Only a complete dump takes the file's name, in one atomic step: a failed run leaves neither a
    // truncated backup nor a missing one where an older backup stood.
    if (::rename(QFile::encodeName(partial).constData(), QFile::encodeName(file).constData()) != 0) {
        const QString reason = QString::fromLocal8Bit(strerror(errno));
        QFile::remove(partial);
        return failed(QStringLiteral("Cannot write %1: %2").arg(file, reason));
    }
    out() << "Backed up " << target.describe() << " to " << file << " (" << QFileInfo(file).size()
          << " bytes)\n";
    return 0;
}

int restore(DatabaseTarget &target, const QString &file)
{
    EmbeddedPostgres *pg = target.embedded();
    if (!pg)
        return failed(
            QStringLiteral("restore replaces the embedded database; for a PostgreSQL server of your own "
                           "(DATABASE_URL) use pg_restore"));
    if (pg->attached())
        return failed(
            QStringLiteral("liftline-server is running on this database: stop it first, since restore "
                           "replaces the whole database"));
    if (!QFileInfo(file).isReadable())
        return failed(QStringLiteral("Cannot read %1").arg(file));
    const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd_HHmmss"));
    const QString staging = QStringLiteral("liftline_restoring_") + stamp;
    const QString previous = QStringLiteral("liftline_before_restore_") + stamp;
    try {
        Db admin(pg->params().withDatabase(QStringLiteral("postgres")), QStringLiteral("liftline-restore"));
        admin.execOnce(QStringLiteral("CREATE DATABASE %1").arg(staging));
        QString output;
        // Into a new database first: a damaged or wrong file leaves the current data as it was.
        const int rc =
            pg->runTool(QStringLiteral("pg_restore"),
                        {QStringLiteral("--exit-on-error"), QStringLiteral("--no-owner"),
                         QStringLiteral("--dbname=") + pg->params().withDatabase(staging).conninfo(), file},
                        &output);
        if (rc != 0) {
            admin.execOnce(QStringLiteral("DROP DATABASE %1").arg(staging));
            return failed(
                QStringLiteral("%1 is not a backup this server can restore; the database was not changed: %2")
                    .arg(file, output.trimmed().section(QLatin1Char('\n'), 0, 2)));
        }
        admin.execOnce(QStringLiteral("ALTER DATABASE %1 RENAME TO %2").arg(pg->params().database, previous));
        admin.execOnce(QStringLiteral("ALTER DATABASE %1 RENAME TO %2").arg(staging, pg->params().database));
    } catch (const DbError &e) {
        return failed(e.message());
    }
    out() << "Restored " << file << ". The database as it was before is kept as '" << previous
          << "'; drop it once the restored data is checked.\n";
    return 0;
}

// A technician's message as WhatsApp would post it: one message, signed with the secret the server checks.
int simulate(Db &db, const QCommandLineParser &parser, const Config &config, const QString &text)
{
    const QString from = PhoneNumber::normalise(parser.value(QStringLiteral("from")));
    const QString button = parser.value(QStringLiteral("button"));
    if (from.isEmpty())
        return usage(QStringLiteral("simulate needs --from NUMBER, the technician's WhatsApp number"));
    if (text.trimmed().isEmpty() && button.isEmpty())
        return usage(QStringLiteral("simulate needs the message text, or --button PAYLOAD"));
    QByteArray secret = config.whatsappAppSecret.toUtf8();
    if (secret.isEmpty())
        secret =
            db.scalar(QStringLiteral("SELECT value FROM liftline_settings WHERE key = 'sandbox_app_secret'"))
                .toString()
                .toUtf8();
    if (secret.isEmpty())
        return failed(
            QStringLiteral("No webhook secret is known: start the server once, or set WHATSAPP_APP_SECRET"));

    QJsonObject message{{QStringLiteral("from"), from},
                        {QStringLiteral("id"),
                         QStringLiteral("wamid.SIMULATED.") + QUuid::createUuid().toString(QUuid::Id128)},
                        {QStringLiteral("timestamp"), QString::number(QDateTime::currentSecsSinceEpoch())}};
    if (button.isEmpty()) {
        message.insert(QStringLiteral("type"), QStringLiteral("text"));
        message.insert(QStringLiteral("text"), QJsonObject{{QStringLiteral("body"), text}});
    } else {
        message.insert(QStringLiteral("type"), QStringLiteral("button"));
        message.insert(QStringLiteral("button"),
                       QJsonObject{{QStringLiteral("payload"), button},
                                   {QStringLiteral("text"), text.isEmpty() ? button : text}});
    }
    const QJsonObject value{
        {QStringLiteral("messaging_product"), QStringLiteral("whatsapp")},
        {QStringLiteral("contacts"),
         QJsonArray{QJsonObject{{QStringLiteral("wa_id"), from},
                                {QStringLiteral("profile"), QJsonObject{{QStringLiteral("name"), from}}}}}},
        {QStringLiteral("messages"), QJsonArray{message}}};
    const QByteArray body = WebhookBody::envelope(QStringLiteral("0"), value);

    QString host = config.listenAddress.toString();
    if (config.listenAddress == QHostAddress::AnyIPv4 || config.listenAddress == QHostAddress::Any)
        host = QStringLiteral("127.0.0.1");
    const QUrl url = parser.isSet(QStringLiteral("url"))
                         ? QUrl(parser.value(QStringLiteral("url")) + QStringLiteral("/webhooks/whatsapp"))
                         : QUrl(QStringLiteral("http://%1:%2/webhooks/whatsapp").arg(host).arg(config.port));
    QNetworkAccessManager nam;
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("X-Hub-Signature-256", WebhookBody::signature(body, secret));
    QNetworkReply *reply = nam.post(request, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(15000, &loop, &QEventLoop::quit);
    loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200)
        return failed(QStringLiteral("The server at %1 answered %2: %3")
                          .arg(url.toString(), status ? QString::number(status) : reply->errorString(),
                               QString::fromUtf8(reply->readAll())));
    out() << "Delivered as " << from << ": "
          << (button.isEmpty() ? text : QStringLiteral("[button %1]").arg(button)) << '\n';
    return 0;
}

} // namespace

bool isSubcommand(const QString &word)
{
    static const QStringList words{
        QStringLiteral("serve"),      QStringLiteral("simulate"),        QStringLiteral("migrate"),
        QStringLiteral("agent"),      QStringLiteral("import-registry"), QStringLiteral("ticket"),
        QStringLiteral("backup"),     QStringLiteral("restore"),         QStringLiteral("webhook-problems"),
        QStringLiteral("escalation"), QStringLiteral("oncall"),          QStringLiteral("report"),
        QStringLiteral("export"),     QStringLiteral("verify-export"),   QStringLiteral("signing-key"),
        QStringLiteral("verify"),     QStringLiteral("chain-head"),      QStringLiteral("retention"),
        QStringLiteral("hold"),       QStringLiteral("holds"),           QStringLiteral("release-hold")};
    return words.contains(word);
}

QString help()
{
    return QStringLiteral(
        "Commands:\n"
        "  serve (the default)                 run the server\n"
        "  migrate                             apply the database migrations, then exit (also on a\n"
        "                                      database of the original system, in place)\n"
        "  migrate --check                     say what migrate would change, what is in the way and how\n"
        "                                      long it should take, without changing anything\n"
        "  agent add USERNAME --name \"Full Name\" [--role agent|supervisor|admin]\n"
        "                                      create an agent account; the password is read from standard "
        "input\n"
        "  agent list                          list the agent accounts\n"
        "  agent disable|enable USERNAME       stop or allow an account's sign-in (disable ends its "
        "sessions)\n"
        "  agent reset-password USERNAME       set a new password (read from standard input); ends its "
        "sessions\n"
        "  agent revoke-sessions USERNAME      sign the account out everywhere\n"
        "  agent throttle USERNAME             failed sign-ins counted against the account, by address\n"
        "  agent clear-throttle USERNAME       forget them: the account may sign in again at once\n"
        "  import-registry FILE.csv            import lifts and technicians (columns: "
        "lift_msisdn,site_name,\n"
        "                                      building,contact_name,contact_msisdn,contact_email,relation)\n"
        "  ticket open --lift LIFT_MSISDN [--sms TEXT]\n"
        "                                      open an emergency ticket on a lift\n"
        "  simulate --from NUMBER \"TEXT\" | --button PAYLOAD\n"
        "                                      post a signed webhook to the running server, as a "
        "technician's\n"
        "                                      WhatsApp message would arrive (sandbox and tests)\n"
        "  escalation                          the escalation ladder, the on-call list and the requests\n"
        "                                      waiting, with their steps\n"
        "  escalation ladder STEPS             set the ladder, such as 0:consoles,30:supervisors,60:oncall1\n"
        "                                      (seconds after the request)\n"
        "  oncall add --name N --phone NUMBER --level L [--hours 18:00-06:00 --time-zone ZONE]\n"
        "                                      add an on-call entry (called out at level L's step)\n"
        "  oncall remove ID                    remove one\n"
        "  report [--from TIME] [--to TIME] [--format csv|json] [--output FILE]\n"
        "                                      the response figures of the requests of a period (default\n"
        "                                      the last 24 hours), one line per request\n"
        "  export --ticket ID --output FILE [--format pdf|json]\n"
        "                                      one incident's record, signed: FILE, FILE.sha256 and\n"
        "                                      FILE.sig (recorded in the audit log)\n"
        "  verify-export FILE [--public-key KEY]\n"
        "                                      check an export against FILE.sig: unchanged, and signed by\n"
        "                                      KEY (exit 2 without KEY: the signer is not checked); needs\n"
        "                                      no database\n"
        "  verify                              walk the audit chain over the compliance record and name\n"
        "                                      the first entry that does not match (exit 1), or say it "
        "holds\n"
        "  chain-head                          sign the audit chain's head now and print it (the server\n"
        "                                      signs one a day and logs it): keep the line outside\n"
        "  signing-key                         the public key that checks this server's exports, and its\n"
        "                                      fingerprint (the key is made on first use)\n"
        "  retention                           how long each kind of data is kept, the last runs of the\n"
        "                                      retention job and the legal holds in force\n"
        "  retention set KIND=DAYS|forever ... set periods (kinds: transcripts, media, raw_bodies, at\n"
        "                                      least 8 days, audit_trail); recorded in the audit trail\n"
        "  retention run                       run the retention job now (the server runs it once a day)\n"
        "  hold --ticket ID | --lift NUMBER | --technician NUMBER --reason TEXT\n"
        "                                      put a legal hold: nothing it covers is removed\n"
        "  holds [--all]                       the legal holds in force (--all: released ones too)\n"
        "  release-hold ID --reason TEXT       release a legal hold\n"
        "  webhook-problems                    webhook items set aside or stored altered, bodies that\n"
        "                                      could not be read, and edits or deletions of a message that\n"
        "                                      is not here, newest first\n"
        "  media                               the files kept in the database (photos, voice notes,\n"
        "                                      documents...) and those not kept, with the reasons\n"
        "  backup FILE                         write the database to FILE (pg_dump's custom format)\n"
        "  restore FILE                        replace the embedded database with a backup (server stopped)\n"
        "A command run while the server is up uses the same database.\n");
}

namespace {

int migrate(Db &db, const QCommandLineParser &parser, const DatabaseTarget &target)
{
    if (parser.isSet(QStringLiteral("check"))) {
        const Migrator::Plan plan = Migrator::check(db);
        out() << "Database: " << target.describe() << '\n' << plan.text();
        return plan.ok() ? 0 : 1;
    }
    Migrator::Options options;
    options.progress = [](const QString &text) { out() << text << '\n' << Qt::flush; };
    const QStringList applied = Migrator::migrate(db, options);
    out() << (applied.isEmpty() ? QStringLiteral("The database is up to date")
                                : QStringLiteral("Applied: ") + applied.join(QLatin1String(", ")))
          << " (schema version " << Migrator::appliedVersion(db) << ", " << target.describe() << ")\n";
    return 0;
}

int importRegistry(Db &db, const QString &path, const Principal &who)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failed(QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
    const RegistryImport::Report report = RegistryImport::run(db, file.readAll(), who);
    out() << "Imported " << report.summary() << '\n';
    return 0;
}

// What the files messages carry take up, and the latest that could not be kept, with the reason.
int media(Db &db)
{
    const MediaStore::Usage u = MediaStore::usage(db);
    out() << "Files kept: " << u.files << " (" << Media::humanSize(u.bytes) << ", each content once)\n"
          << "Files messages carry: " << u.attachments << "; waiting to be fetched: " << u.waiting
          << ", refused: " << u.refused << ", failed: " << u.failed << ", not available through this "
          << "connection: " << u.unavailable << '\n';
    QSqlQuery &q = db.exec(QStringLiteral(
        "SELECT a.id, a.media_type, a.status, coalesce(a.error_message, ''), liftline_iso(a.updated_at), "
        "coalesce((SELECT m.ticket_id::text FROM chat_messages m WHERE m.wa_message_id = a.wa_message_id "
        "OR m.id = a.message_id LIMIT 1), 'unassigned') FROM chat_attachments a "
        "WHERE a.status <> 'stored' ORDER BY a.updated_at DESC, a.id DESC LIMIT 20"));
    bool first = true;
    while (q.next()) {
        if (first)
            out() << "Not kept (latest first):\n";
        first = false;
        out() << "  " << q.value(0).toLongLong() << ' ' << q.value(1).toString() << " on ticket "
              << q.value(5).toString() << ", " << q.value(2).toString() << " at " << q.value(4).toString();
        if (!q.value(3).toString().isEmpty())
            out() << ": " << q.value(3).toString();
        out() << '\n';
    }
    q.finish();
    return 0;
}

int webhookProblems(Db &db)
{
    const QJsonObject all = QJsonDocument::fromJson(InboundProcessor::problems(db, 100)).object();
    const QJsonArray items = all.value(QStringLiteral("items")).toArray();
    const QJsonArray bodies = all.value(QStringLiteral("bodies")).toArray();
    const QJsonArray unmatched = all.value(QStringLiteral("unmatched_changes")).toArray();
    if (items.isEmpty() && bodies.isEmpty() && unmatched.isEmpty()) {
        out() << "No webhook problems: every item of every body was stored as received.\n";
        return 0;
    }
    for (const QJsonValue &v : items) {
        const QJsonObject i = v.toObject();
        out() << i.value(QStringLiteral("received_at")).toString() << "  body "
              << i.value(QStringLiteral("inbox_id")).toInteger() << ", "
              << i.value(QStringLiteral("position")).toString() << "  "
              << (i.value(QStringLiteral("outcome")).toString() == QLatin1String("altered") ? "stored altered"
                                                                                            : "SET ASIDE")
              << "  " << i.value(QStringLiteral("wa_message_id")).toString() << " from "
              << i.value(QStringLiteral("from_number")).toString() << "\n    "
              << i.value(QStringLiteral("reason")).toString() << '\n';
    }
    for (const QJsonValue &v : bodies) {
        const QJsonObject b = v.toObject();
        out() << b.value(QStringLiteral("received_at")).toString() << "  body "
              << b.value(QStringLiteral("id")).toInteger() << " ("
              << b.value(QStringLiteral("bytes")).toInteger() << " bytes, "
              << (b.value(QStringLiteral("waiting")).toBool() ? "to be tried again" : "done") << ", "
              << b.value(QStringLiteral("attempts")).toInteger() << " attempts)\n    "
              << b.value(QStringLiteral("error")).toString() << '\n';
    }
    if (!unmatched.isEmpty())
        out() << "Edits and deletions of a message that is not here (kept; shown on it if it arrives):\n";
    for (const QJsonValue &v : unmatched) {
        const QJsonObject c = v.toObject();
        out() << c.value(QStringLiteral("created_at")).toString() << "  "
              << c.value(QStringLiteral("change")).toString() << ' '
              << c.value(QStringLiteral("wa_message_id")).toString() << " from "
              << c.value(QStringLiteral("from_number")).toString() << " of "
              << c.value(QStringLiteral("target_wa_id")).toString();
        if (c.value(QStringLiteral("change")).toString() == QLatin1String("edit"))
            out() << "\n    " << c.value(QStringLiteral("text")).toString();
        out() << '\n';
    }
    return 0;
}

int agentList(Db &db)
{
    const QJsonArray agents = AgentStore::list(db);
    for (const QJsonValue &v : agents) {
        const QJsonObject a = v.toObject();
        out() << a.value(QStringLiteral("username")).toString() << '\t'
              << a.value(QStringLiteral("display_name")).toString() << '\t'
              << a.value(QStringLiteral("role")).toString()
              << (a.value(QStringLiteral("disabled")).toBool() ? "\tdisabled" : "") << '\n';
    }
    return 0;
}

int agentAdd(Db &db, const QString &username, const QCommandLineParser &parser, const Principal &who)
{
    const QString name = parser.value(QStringLiteral("name"));
    const QString role =
        parser.isSet(QStringLiteral("role")) ? parser.value(QStringLiteral("role")) : QStringLiteral("agent");
    if (name.trimmed().isEmpty())
        return usage(QStringLiteral("agent add needs --name \"Full Name\""));
    QString password;
    if (!readNewPassword(username, &password))
        return 1;
    AgentStore::add(db, username, name, role, PasswordHasher::hash(password), who);
    out() << "Added " << role << " '" << username << "' (" << name.trimmed() << ")\n";
    return 0;
}

int agentResetPassword(Db &db, const QString &username, const Principal &who)
{
    AgentStore::Account account;
    if (!AgentStore::find(db, username, &account))
        return failed(QStringLiteral("There is no agent account '%1'").arg(username));
    QString password;
    if (!readNewPassword(username, &password))
        return 1;
    AgentStore::setPasswordHash(db, username, PasswordHasher::hash(password), who);
    out() << "Changed the password of '" << username << "' and ended its sessions\n";
    return 0;
}

int agentThrottle(Db &db, const QString &username)
{
    const QJsonArray clients = AgentStore::throttle(db, username);
    if (clients.isEmpty())
        out() << "No failed sign-ins are counted for '" << username << "'\n";
    for (const QJsonValue &v : clients) {
        const QJsonObject c = v.toObject();
        out() << c.value(QStringLiteral("client")).toString() << ": "
              << c.value(QStringLiteral("failures")).toInt() << " failed, the last at "
              << c.value(QStringLiteral("last_failure_at")).toString();
        const int wait = c.value(QStringLiteral("wait_seconds")).toInt();
        if (wait > 0)
            out() << " (must wait " << wait << " s)";
        out() << '\n';
    }
    return 0;
}

int agent(Db &db, const QStringList &positional, const QCommandLineParser &parser, const Principal &who)
{
    const QString sub = positional.value(1);
    if (sub == QLatin1String("list"))
        return agentList(db);
    const QString username = AgentStore::normaliseUsername(positional.value(2));
    if (username.isEmpty())
        return usage(QStringLiteral("agent %1 needs a USERNAME").arg(sub));
    if (sub == QLatin1String("add"))
        return agentAdd(db, username, parser, who);
    if (sub == QLatin1String("disable") || sub == QLatin1String("enable")) {
        AgentStore::setDisabled(db, username, sub == QLatin1String("disable"), who);
        out() << (sub == QLatin1String("disable") ? "Disabled '" : "Enabled '") << username << "'\n";
        return 0;
    }
    if (sub == QLatin1String("reset-password"))
        return agentResetPassword(db, username, who);
    if (sub == QLatin1String("revoke-sessions")) {
        const int n = AgentStore::revokeSessions(db, username, who);
        out() << "Ended " << n << " session(s) of '" << username << "'\n";
        return 0;
    }
    if (sub == QLatin1String("throttle"))
        return agentThrottle(db, username);
    if (sub == QLatin1String("clear-throttle")) {
        const int n = AgentStore::clearThrottle(db, username, who);
        out() << "Cleared the failed sign-ins of '" << username << "' from " << n << " address(es)\n";
        return 0;
    }
    return usage(QStringLiteral("unknown agent command '%1'").arg(sub));
}

int escalation(Db &db, const QStringList &positional, const Config &config, const Principal &who)
{
    if (positional.value(1) == QLatin1String("ladder")) {
        if (positional.size() != 3)
            return usage(
                QStringLiteral("use: escalation ladder 0:consoles,30:supervisors,60:oncall1,120:oncall2"));
        if (!config.escalationLadder.isEmpty())
            return failed(
                QStringLiteral("LIFTLINE_ESCALATION_LADDER in the settings sets the ladder at every "
                               "start: change it there"));
        QString problem;
        const QList<EscalationStore::Step> steps = EscalationStore::parseLadder(positional.at(2), &problem);
        if (steps.isEmpty())
            return failed(problem);
        EscalationStore::setLadder(db, steps, &who);
        out() << "The ladder is now " << EscalationStore::ladderText(steps) << '\n';
        return 0;
    }
    if (positional.size() != 1)
        return usage(QStringLiteral("use: escalation, or escalation ladder STEPS"));
    out() << "Ladder: " << EscalationStore::ladderText(EscalationStore::ladder(db))
          << (config.escalationLadder.isEmpty() ? "" : " (from LIFTLINE_ESCALATION_LADDER)")
          << "\nOn call:\n";
    const QJsonArray oncall = EscalationStore::oncall(db);
    if (oncall.isEmpty())
        out() << "  nobody: on-call steps reach only PagerDuty and the webhook, if configured\n";
    for (const QJsonValue &v : oncall) {
        const QJsonObject e = v.toObject();
        out() << "  " << e.value(QStringLiteral("id")).toInt() << "\tlevel "
              << e.value(QStringLiteral("level")).toInt() << '\t'
              << e.value(QStringLiteral("name")).toString() << "\t+"
              << e.value(QStringLiteral("phone")).toString();
        if (!e.value(QStringLiteral("active_from")).isNull())
            out() << '\t' << e.value(QStringLiteral("active_from")).toString() << '-'
                  << e.value(QStringLiteral("active_until")).toString() << ' '
                  << e.value(QStringLiteral("time_zone")).toString();
        out() << '\n';
    }
    const QJsonArray open = EscalationStore::requests(db, true, 100);
    out() << "Requests not closed: " << open.size() << '\n';
    for (const QJsonValue &v : open) {
        const QJsonObject r = v.toObject();
        out() << "  " << r.value(QStringLiteral("id")).toInteger() << '\t'
              << (r.value(QStringLiteral("ticket_id")).isNull()
                      ? QStringLiteral("+") + r.value(QStringLiteral("from_number")).toString()
                      : QStringLiteral("ticket ") +
                            QString::number(r.value(QStringLiteral("ticket_id")).toInt()))
              << "\trequested " << r.value(QStringLiteral("requested_at")).toString() << '\t'
              << (r.value(QStringLiteral("acknowledged_at")).isNull()
                      ? QStringLiteral("waiting")
                      : QStringLiteral("acknowledged by ") +
                            r.value(QStringLiteral("acknowledged_by")).toString())
              << "\tsteps taken " << r.value(QStringLiteral("steps")).toArray().size() << '\n';
    }
    return 0;
}

int oncall(Db &db, const QStringList &positional, const QCommandLineParser &parser, const Principal &who)
{
    const QString sub = positional.value(1);
    if (sub == QLatin1String("remove")) {
        bool ok = false;
        const int id = positional.value(2).toInt(&ok);
        if (!ok)
            return usage(QStringLiteral("use: oncall remove ID (as escalation lists them)"));
        EscalationStore::removeOncall(db, id, who);
        out() << "Removed on-call entry " << id << '\n';
        return 0;
    }
    if (sub != QLatin1String("add"))
        return usage(
            QStringLiteral("use: oncall add --name N --phone NUMBER --level L, or oncall remove ID"));
    QJsonObject entry{{QStringLiteral("name"), parser.value(QStringLiteral("name"))},
                      {QStringLiteral("phone"), parser.value(QStringLiteral("phone"))}};
    bool ok = false;
    const int level = parser.value(QStringLiteral("level")).toInt(&ok);
    entry.insert(QStringLiteral("level"), ok ? QJsonValue(level) : QJsonValue());
    if (parser.isSet(QStringLiteral("hours"))) {
        const QStringList hours = parser.value(QStringLiteral("hours")).split(QLatin1Char('-'));
        if (hours.size() != 2)
            return usage(QStringLiteral("--hours is FROM-UNTIL, such as 18:00-06:00"));
        entry.insert(QStringLiteral("active_from"), hours.at(0).trimmed());
        entry.insert(QStringLiteral("active_until"), hours.at(1).trimmed());
    }
    if (parser.isSet(QStringLiteral("time-zone")))
        entry.insert(QStringLiteral("time_zone"), parser.value(QStringLiteral("time-zone")));
    const QJsonObject stored = EscalationStore::addOncall(db, entry, who);
    out() << "Added on-call entry " << stored.value(QStringLiteral("id")).toInt() << ": "
          << stored.value(QStringLiteral("name")).toString() << ", level "
          << stored.value(QStringLiteral("level")).toInt() << '\n';
    return 0;
}

int report(Db &db, const QCommandLineParser &parser)
{
    QDateTime from, to;
    QString problem;
    if (!EscalationStore::parsePeriod(parser.value(QStringLiteral("from")),
                                      parser.value(QStringLiteral("to")), &from, &to, &problem))
        return usage(problem);
    const QString format = parser.isSet(QStringLiteral("format")) ? parser.value(QStringLiteral("format"))
                                                                  : QStringLiteral("csv");
    if (format != QLatin1String("csv") && format != QLatin1String("json"))
        return usage(QStringLiteral("--format is csv or json"));
    const QJsonObject figures = EscalationStore::responseReport(db, from, to);
    const QByteArray bytes = format == QLatin1String("csv")
                                 ? EscalationStore::responseCsv(figures)
                                 : QJsonDocument(figures).toJson(QJsonDocument::Indented);
    if (!parser.isSet(QStringLiteral("output"))) {
        QFile stdoutFile;
        if (!stdoutFile.open(stdout, QIODevice::WriteOnly) || stdoutFile.write(bytes) != bytes.size())
            return failed(QStringLiteral("Could not write the report to standard output"));
        return 0;
    }
    QSaveFile file(parser.value(QStringLiteral("output")));
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return failed(QStringLiteral("Could not write %1: %2").arg(file.fileName(), file.errorString()));
    const QJsonObject summary = figures.value(QStringLiteral("summary")).toObject();
    out() << "Wrote " << summary.value(QStringLiteral("requests")).toInt() << " request(s) to "
          << file.fileName() << '\n';
    return 0;
}

// Writes bytes to path through a temporary file, or says why not.
bool writeWhole(const QString &path, const QByteArray &bytes, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("Could not write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

int exportIncident(Db &db, const QCommandLineParser &parser, const Config &config, const Principal &who)
{
    bool ok = false;
    const int ticket = parser.value(QStringLiteral("ticket")).toInt(&ok);
    if (!ok || ticket <= 0 || !parser.isSet(QStringLiteral("output")))
        return usage(QStringLiteral("use: export --ticket ID --output FILE [--format pdf|json]"));
    // The format: --format, or else the output's extension (.pdf), or else JSON.
    const QString output = parser.value(QStringLiteral("output"));
    const QString format =
        parser.isSet(QStringLiteral("format"))
            ? parser.value(QStringLiteral("format"))
            : (output.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive) ? QStringLiteral("pdf")
                                                                           : QStringLiteral("json"));
    if (format != QLatin1String("json") && format != QLatin1String("pdf"))
        return usage(QStringLiteral("--format is pdf or json"));
    QString error;
    const SigningKey key = SigningKey::loadOrCreate(config.signingKeyPath(), &error);
    if (!key.isValid())
        return failed(error);
    IncidentExport::recordKey(db, key);
    const IncidentExport::Export e = IncidentExport::make(
        db, ticket, who, key,
        format == QLatin1String("pdf") ? IncidentExport::Format::Pdf : IncidentExport::Format::Json);
    IncidentExport::Export named = e;
    named.fileName = QFileInfo(output).fileName();
    if (!writeWhole(output, e.document, &error) ||
        !writeWhole(output + QLatin1String(".sha256"), IncidentExport::checksumFile(named), &error) ||
        !writeWhole(output + QLatin1String(".sig"), IncidentExport::signatureFile(named), &error))
        return failed(error);
    out() << "Wrote " << output << " (" << e.document.size() << " bytes, SHA-256 " << e.sha256Hex << "), "
          << output << ".sha256 and " << output << ".sig, signed by the key " << e.fingerprint << '\n';
    return 0;
}

// Needs no database: whoever holds an export checks it with the signature file beside it.
int verifyExport(const QStringList &positional, const QCommandLineParser &parser)
{
    if (positional.size() != 2)
        return usage(QStringLiteral("use: verify-export FILE [--public-key KEY]"));
    const QString path = positional.at(1);
    QFile document(path);
    QFile signature(path + QLatin1String(".sig"));
    if (!document.open(QIODevice::ReadOnly))
        return failed(QStringLiteral("Cannot read %1: %2").arg(path, document.errorString()));
    if (!signature.open(QIODevice::ReadOnly))
        return failed(QStringLiteral("Cannot read the signature %1: %2 (it is written beside the export)")
                          .arg(signature.fileName(), signature.errorString()));
    QByteArray trusted;
    if (parser.isSet(QStringLiteral("public-key"))) {
        const auto decoded = QByteArray::fromBase64Encoding(
            parser.value(QStringLiteral("public-key")).toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || decoded.decoded.size() != 32)
            return usage(QStringLiteral("--public-key is the 32-byte public key in base64, as GET "
                                        "/api/chat/signing-key and 'liftline-server signing-key' give it"));
        trusted = decoded.decoded;
    }
    const IncidentExport::Verification v =
        IncidentExport::verify(document.readAll(), signature.read(64 * 1024), trusted);
    if (v.intactButSignerUnchecked) {
        QTextStream(stderr) << path << ": " << v.message << '\n';
        return 2;
    }
    if (!v.ok)
        return failed(QStringLiteral("%1 does not verify. %2").arg(path, v.message));
    out() << path << ": " << v.message << '\n';
    return 0;
}

int signingKey(const Config &config)
{
    QString error;
    const SigningKey key = SigningKey::loadOrCreate(config.signingKeyPath(), &error);
    if (!key.isValid())
        return failed(error);
    out() << "Algorithm:   ed25519\n"
          << "Public key:  " << key.publicKeyBase64() << '\n'
          << "Fingerprint: " << key.fingerprint() << '\n'
          << "Key file:    " << config.signingKeyPath() << " (keep it, and a copy of it, secret)\n";
    return 0;
}

int verifyChain(Db &db)
{
    QElapsedTimer timer;
    timer.start();
    AuditChain::Report r =
        AuditChain::verify(db, [](const QString &text) { QTextStream(stderr) << text << '\n'; });
    int heads = 0;
    if (r.ok) {
        QTextStream(stderr) << "Checking the signed heads\n";
        const QString problem = ChainHead::verifyHeads(db, &heads);
        if (!problem.isEmpty()) {
            r.ok = false;
            r.problem = problem;
        }
    }
    const double seconds = double(timer.elapsed()) / 1000.0;
    if (!r.ok)
        return failed(QStringLiteral("The audit chain does not hold: %1. Checked %2 entries in %3 s.")
                          .arg(r.problem)
                          .arg(r.entries)
                          .arg(seconds, 0, 'f', 1));
    out() << "The audit chain holds: " << r.entries
          << " entries, each row as first stored, every kept file's bytes against "
             "its checksum, and "
          << heads << " signed head(s), in " << QString::number(seconds, 'f', 1) << " s. Head: " << r.head
          << '\n';
    if (r.pending > 0)
        out() << r.pending << " fact(s) were still waiting to be chained by another instance\n";
    return 0;
}

int chainHead(Db &db, const Config &config)
{
    QString error;
    const SigningKey key = SigningKey::loadOrCreate(config.signingKeyPath(), &error);
    if (!key.isValid())
        return failed(error);
    const ChainHead::Head h = ChainHead::sign(db, key);
    if (h.seq == 0)
        return failed(QStringLiteral("The audit chain is empty: there is no head to sign yet"));
    out() << h.line() << '\n';
    return 0;
}

QString daysText(const QJsonValue &days)
{
    return days.isNull() ? QStringLiteral("kept forever") : QStringLiteral("%1 days").arg(days.toInt());
}

int retention(Db &db, const QStringList &positional, const Principal &who)
{
    const QString sub = positional.value(1);
    if (sub == QLatin1String("set")) {
        QJsonObject changes;
        for (const QString &item : positional.mid(2)) {
            const QString kind = item.section(QLatin1Char('='), 0, 0);
            const QString value = item.section(QLatin1Char('='), 1);
            bool ok = false;
            const int days = value.toInt(&ok);
            if (!item.contains(QLatin1Char('=')) || (!ok && value != QLatin1String("forever")))
                return usage(QStringLiteral("use: retention set KIND=DAYS|forever ..., such as "
                                            "transcripts=2555 raw_bodies=30 (not '%1')")
                                 .arg(item));
            changes.insert(kind, ok ? QJsonValue(days) : QJsonValue());
        }
        Retention::setPolicies(db, changes, who);
    } else if (sub == QLatin1String("run")) {
        const Retention::Run r = Retention::run(db, QStringLiteral("command line (%1)").arg(who.actorName()),
                                                [](const QString &step) { out() << step << '\n'; });
        if (r.id == 0)
            return failed(QStringLiteral("Not run: %1").arg(r.skipped));
        out() << "Retention run " << r.id << " removed "
              << QString::fromUtf8(QJsonDocument(r.removed).toJson(QJsonDocument::Compact)) << "; " << r.held
              << " expired transcript(s) kept by a legal hold\n";
        for (const QString &e : r.errors)
            out() << "Not removed this time: " << e << '\n';
        return r.errors.isEmpty() ? 0 : 1;
    } else if (!sub.isEmpty()) {
        return usage(QStringLiteral("use: retention [set KIND=DAYS|forever ... | run]"));
    }
    const QJsonObject periods = Retention::policies(db);
    out() << "Kept:\n";
    for (const QString &kind : Retention::kinds())
        out() << "  " << kind.leftJustified(12) << ' ' << daysText(periods.value(kind)) << '\n';
    const QJsonArray runs = Retention::runs(db, 5);
    out() << (runs.isEmpty() ? "The retention job has not run.\n" : "Last runs:\n");
    for (const QJsonValue &v : runs) {
        const QJsonObject r = v.toObject();
        out() << "  " << r.value(QStringLiteral("id")).toInteger() << ' '
              << r.value(QStringLiteral("started_at")).toString() << ' '
              << r.value(QStringLiteral("started_by")).toString() << ": removed "
              << QString::fromUtf8(QJsonDocument(r.value(QStringLiteral("removed")).toObject())
                                       .toJson(QJsonDocument::Compact))
              << ", " << r.value(QStringLiteral("held")).toInt() << " held"
              << (r.value(QStringLiteral("finished_at")).isNull() ? " (did not finish)" : "")
              << (r.value(QStringLiteral("error")).isNull()
                      ? QString()
                      : QStringLiteral("; not removed: %1").arg(r.value(QStringLiteral("error")).toString()))
              << '\n';
    }
    out() << Retention::holds(db).size() << " legal hold(s) in force ('holds' lists them)\n";
    return 0;
}

void printHold(const QJsonObject &h)
{
    const QString scope = h.value(QStringLiteral("scope")).toString();
    out() << h.value(QStringLiteral("id")).toInteger() << "  " << scope << ' '
          << (scope == QLatin1String("ticket") ? QString::number(h.value(QStringLiteral("ticket_id")).toInt())
                                               : h.value(QStringLiteral("number")).toString())
          << "  set " << h.value(QStringLiteral("set_at")).toString() << " by "
          << h.value(QStringLiteral("set_by")).toString() << ": "
          << h.value(QStringLiteral("reason")).toString();
    if (!h.value(QStringLiteral("released_at")).isNull())
        out() << "  (released " << h.value(QStringLiteral("released_at")).toString() << " by "
              << h.value(QStringLiteral("released_by")).toString() << ": "
              << h.value(QStringLiteral("release_reason")).toString() << ')';
    out() << '\n';
}

int hold(Db &db, const QCommandLineParser &parser, const Principal &who)
{
    QStringList scopes;
    for (const char *s : {"ticket", "lift", "technician"})
        if (parser.isSet(QLatin1String(s)))
            scopes.append(QLatin1String(s));
    if (scopes.size() != 1 || !parser.isSet(QStringLiteral("reason")))
        return usage(
            QStringLiteral("use: hold --ticket ID | --lift NUMBER | --technician NUMBER --reason TEXT"));
    const QJsonObject h = Retention::addHold(db, scopes.first(), parser.value(scopes.first()),
                                             parser.value(QStringLiteral("reason")), who);
    out() << "Legal hold " << h.value(QStringLiteral("id")).toInteger() << " is in force:\n";
    printHold(h);
    return 0;
}

// The commands that work on the database through a connection, after the migrations.
int onDatabase(Db &db, const QStringList &positional, const QCommandLineParser &parser, const Config &config)
{
    const QString command = positional.value(0);
    const Principal who = Principal::cli();
    Migrator::migrate(db);
    if (command == QLatin1String("simulate"))
        return simulate(db, parser, config, positional.mid(1).join(QLatin1Char(' ')));
    if (command == QLatin1String("import-registry")) {
        if (positional.size() != 2)
            return usage(QStringLiteral("import-registry takes one FILE.csv"));
        return importRegistry(db, positional.at(1), who);
    }
    if (command == QLatin1String("webhook-problems"))
        return webhookProblems(db);
    if (command == QLatin1String("media"))
        return media(db);
    if (command == QLatin1String("ticket")) {
        if (positional.value(1) != QLatin1String("open") || !parser.isSet(QStringLiteral("lift")))
            return usage(QStringLiteral("use: ticket open --lift LIFT_MSISDN [--sms TEXT]"));
        const Tickets::Opened t =
            Tickets::open(db, parser.value(QStringLiteral("lift")), parser.value(QStringLiteral("sms")), who);
        out() << "Opened ticket " << t.id << " (" << t.reference << ")\n";
        return 0;
    }
    if (command == QLatin1String("agent"))
        return agent(db, positional, parser, who);
    if (command == QLatin1String("escalation"))
        return escalation(db, positional, config, who);
    if (command == QLatin1String("oncall"))
        return oncall(db, positional, parser, who);
    if (command == QLatin1String("report"))
        return report(db, parser);
    if (command == QLatin1String("export"))
        return exportIncident(db, parser, config, who);
    if (command == QLatin1String("verify"))
        return verifyChain(db);
    if (command == QLatin1String("chain-head"))
        return chainHead(db, config);
    if (command == QLatin1String("retention"))
        return retention(db, positional, who);
    if (command == QLatin1String("hold"))
        return hold(db, parser, who);
    if (command == QLatin1String("holds")) {
        const QJsonArray all = Retention::holds(db, parser.isSet(QStringLiteral("all")));
        if (all.isEmpty())
            out() << "No legal hold is in force.\n";
        for (const QJsonValue &h : all)
            printHold(h.toObject());
        return 0;
    }
    if (command == QLatin1String("release-hold")) {
        bool ok = false;
        const qint64 id = positional.value(1).toLongLong(&ok);
        if (!ok || !parser.isSet(QStringLiteral("reason")))
            return usage(QStringLiteral("use: release-hold ID --reason TEXT"));
        printHold(Retention::releaseHold(db, id, parser.value(QStringLiteral("reason")), who));
        return 0;
    }
    return usage(QStringLiteral("unknown command '%1'").arg(command));
}

} // namespace

int run(const QStringList &positional, const QCommandLineParser &parser, const Config &config)
{
    const QString command = positional.value(0);
    if (command == QLatin1String("verify-export"))
        return verifyExport(positional, parser);
    if (command == QLatin1String("signing-key"))
        return signingKey(config);
    DatabaseTarget target;
    QString error;
    if (!target.open(config.database(), &error))
        return failed(error);

    if (command == QLatin1String("backup") || command == QLatin1String("restore")) {
        if (positional.size() != 2)
            return usage(QStringLiteral("%1 takes one FILE").arg(command));
        return command == QLatin1String("backup") ? backup(target, positional.at(1))
                                                  : restore(target, positional.at(1));
    }
    try {
        Db db(target.params(), QStringLiteral("liftline-cli"));
        if (command == QLatin1String("migrate"))
            return migrate(db, parser, target);
        return onDatabase(db, positional, parser, config);
    } catch (const DomainError &e) {
        return failed(e.message);
    } catch (const DbError &e) {
        return failed(e.message());
    }
}

} // namespace Cli
