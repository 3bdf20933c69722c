#include "EmbeddedPostgres.h"

#include "base/Logging.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QThread>
#include <QUuid>
#include <QVersionNumber>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

bool isExecutable(const QString &path)
{
    const QFileInfo info(path);
    return info.isFile() && info.isExecutable();
}

bool hasServerPrograms(const QString &dir)
{
    return isExecutable(dir + QLatin1String("/initdb")) && isExecutable(dir + QLatin1String("/postgres")) &&
           isExecutable(dir + QLatin1String("/pg_ctl"));
}

QString tail(const QString &text, int lines = 6)
{
    QStringList all = text.trimmed().split(QLatin1Char('\n'));
    if (all.size() > lines)
        all = all.mid(all.size() - lines);
    return all.join(QLatin1String(" | "));
}

// A file of the data folder, read without following a symbolic link in its place: the data folder belongs
// to the cluster's account, and a command run as root must not be led to read (or write) elsewhere.
QByteArray readNoFollow(const QString &path, qint64 lastBytes = 1 << 20)
{
    const int fd =
        ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return {};
    QFile f;
    if (!f.open(fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
        ::close(fd);
        return {};
    }
    if (f.size() > lastBytes)
        f.seek(f.size() - lastBytes);
    return f.readAll();
}

QString readTail(const QString &path)
{
    return tail(QString::fromUtf8(readNoFollow(path, 4096)));
}

// Gives a folder to the cluster's account with `mode`, through a descriptor opened without following a
// symbolic link: one planted in the folder's place is refused, not followed.
bool handFolderTo(const QString &path, bool chownIt, uid_t uid, gid_t gid, mode_t mode, QString *why)
{
    const int fd =
        ::open(QFile::encodeName(path).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        *why = errno == ELOOP || errno == ENOTDIR
                   ? QStringLiteral("%1 is a symbolic link or not a folder: give the real folder's path")
                         .arg(path)
                   : QString::fromLocal8Bit(strerror(errno));
        return false;
    }
    const bool ok = (!chownIt || ::fchown(fd, uid, gid) == 0) && ::fchmod(fd, mode) == 0;
    if (!ok)
        *why = QString::fromLocal8Bit(strerror(errno));
    ::close(fd);
    return ok;
}

struct PidFile {
    qint64 pid = 0;
    int port = 0;
    QString socketDir;
    QString status;
};

PidFile readPidFile(const QString &dataDir)
{
    PidFile result;
    const QStringList lines =
        QString::fromUtf8(readNoFollow(dataDir + QLatin1String("/postmaster.pid"), 4096))
            .split(QLatin1Char('\n'));
    result.pid = lines.value(0).trimmed().toLongLong();
    result.port = lines.value(3).trimmed().toInt();
    result.socketDir = lines.value(4).trimmed();
    result.status = lines.value(7).trimmed();
    return result;
}

// A process id in postmaster.pid may have been reused after a crash or reboot: only a live postgres
// process whose working folder is this data folder counts as the cluster.
bool isPostmasterOf(qint64 pid, const QString &dataDir)
{
    if (pid <= 0 || (::kill(pid_t(pid), 0) != 0 && errno != EPERM))
        return false;
    QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (!cmdline.open(QIODevice::ReadOnly))
        return false;
    const QByteArray argv0 = cmdline.readAll().split('\0').value(0);
    const QByteArray name = argv0.mid(argv0.lastIndexOf('/') + 1);
    if (!name.startsWith("postgres") && !name.startsWith("postmaster"))
        return false;
    const QString cwd = QFileInfo(QStringLiteral("/proc/%1/cwd").arg(pid)).symLinkTarget();
    return cwd.isEmpty() || QFileInfo(cwd).canonicalFilePath() == QFileInfo(dataDir).canonicalFilePath();
}

} // namespace

EmbeddedPostgres::EmbeddedPostgres(Options options)
    : m_options(std::move(options))
{}

EmbeddedPostgres::~EmbeddedPostgres()
{
    stop();
}

QString EmbeddedPostgres::findBinDir(QString *error)
{
    const QString fromEnv = qEnvironmentVariable("LIFTLINE_PG_BINDIR");
    if (!fromEnv.isEmpty()) {
        if (hasServerPrograms(fromEnv))
            return fromEnv;
        *error = QStringLiteral("LIFTLINE_PG_BINDIR=%1 holds no initdb, pg_ctl and postgres: point it at the "
                                "bin folder of a PostgreSQL server installation")
                     .arg(fromEnv);
        return {};
    }
    QDir root(QStringLiteral("/usr/lib/postgresql"));
    QStringList versions = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    std::sort(versions.begin(), versions.end(), [](const QString &a, const QString &b) {
        return QVersionNumber::fromString(a) > QVersionNumber::fromString(b);
    });
    for (const QString &v : versions) {
        const QString dir = root.filePath(v + QLatin1String("/bin"));
        if (hasServerPrograms(dir))
            return dir;
    }
    const QString initdb = QStandardPaths::findExecutable(QStringLiteral("initdb"));
    if (!initdb.isEmpty() && hasServerPrograms(QFileInfo(initdb).absolutePath()))
        return QFileInfo(initdb).absolutePath();
    *error =
        QStringLiteral("PostgreSQL's server programs (initdb, postgres) are not installed: install them "
                       "with 'apt-get install postgresql', or set DATABASE_URL to use a PostgreSQL server");
    return {};
}

QString EmbeddedPostgres::defaultDataDir()
{
    if (::geteuid() == 0)
        return QStringLiteral("/var/lib/liftline/pgdata");
    QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (base.isEmpty())
        base = QDir::homePath() + QLatin1String("/.local/share");
    return base + QLatin1String("/liftline/pgdata");
}

QString EmbeddedPostgres::logFile() const
{
    return m_options.dataDir + QLatin1String("/liftline-postgres.log");
}

QString EmbeddedPostgres::program(const QString &name) const
{
    return m_options.binDir + QLatin1Char('/') + name;
}

DbParams EmbeddedPostgres::params() const
{
    DbParams p;
    p.host = m_socketDir;
    p.port = m_port;
    p.user = m_options.superuser;
    p.database = m_options.database;
    return p;
}

bool EmbeddedPostgres::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

bool EmbeddedPostgres::start(QString *error)
{
    if (m_options.binDir.isEmpty()) {
        m_options.binDir = findBinDir(error);
        if (m_options.binDir.isEmpty())
            return false;
    }
    if (m_options.dataDir.isEmpty())
        m_options.dataDir = defaultDataDir();
    m_options.dataDir = QDir::cleanPath(QDir(m_options.dataDir).absolutePath());

    if (!prepareAccount(error))
        return false;
    if (!initialise(error))
        return false;
    if (!attachToRunning(error)) {
        if (!error->isEmpty())
            return false;
        if (!launch(error) || !waitUntilReady(error)) {
            stop();
            return false;
        }
    }
    return ensureDatabase(error);
}

bool EmbeddedPostgres::prepareAccount(QString *error)
{
    m_dropPrivileges = ::geteuid() == 0;
    if (m_dropPrivileges) {
        QStringList candidates;
        if (!m_options.account.isEmpty())
            candidates << m_options.account;
        else
            candidates << QStringLiteral("liftline") << QStringLiteral("postgres");
        const passwd *pw = nullptr;
        for (const QString &name : std::as_const(candidates)) {
            pw = ::getpwnam(name.toLocal8Bit().constData());
            if (pw) {
                m_account = name;
                break;
            }
        }
        if (!pw || pw->pw_uid == 0) {
            *error =
                QStringLiteral("As root, the embedded PostgreSQL must run as an unprivileged account, and "
                               "none of %1 exists: create one ('adduser --system liftline') or name one "
                               "with --pg-account")
                    .arg(candidates.join(QLatin1String(", ")));
            return false;
        }
        m_uid = pw->pw_uid;
        m_gid = pw->pw_gid;
    }

    QDir dir(m_options.dataDir);
    if (!dir.exists() && !QDir().mkpath(m_options.dataDir)) {
        *error = QStringLiteral("Cannot create the data folder %1: choose another with --data-dir")
                     .arg(m_options.dataDir);
        return false;
    }
    QString why;
    if (!handFolderTo(m_options.dataDir, m_dropPrivileges, m_uid, m_gid, 0700, &why)) {
        *error = QStringLiteral("Cannot hand the data folder %1 to the account '%2': %3")
                     .arg(m_options.dataDir, m_account, why);
        return false;
    }
    if (m_dropPrivileges) {
        QString output;
        const int rc =
            runAsAccount(QStringLiteral("/usr/bin/test"),
                         {QStringLiteral("-r"), m_options.dataDir, QStringLiteral("-a"), QStringLiteral("-w"),
                          m_options.dataDir, QStringLiteral("-a"), QStringLiteral("-x"), m_options.dataDir},
                         &output);
        if (rc != 0) {
            *error =
                QStringLiteral("The data folder %1 is not reachable by the account '%2' the cluster runs "
                               "as (a parent folder is closed to it): choose one it can reach with "
                               "--data-dir, such as /var/lib/liftline/pgdata")
                    .arg(m_options.dataDir, m_account);
            return false;
        }
        qCInfo(lcPg).noquote() << QStringLiteral(
                                      "Running the embedded PostgreSQL as account '%1' (liftline-server "
                                      "runs as root), data in %2")
                                      .arg(m_account, m_options.dataDir);
    }
    return true;
}

int EmbeddedPostgres::runAsAccount(const QString &program, const QStringList &arguments,
                                   QString *output) const
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setWorkingDirectory(QStringLiteral("/"));
    if (m_dropPrivileges) {
        const uid_t uid = m_uid;
        const gid_t gid = m_gid;
        process.setChildProcessModifier([uid, gid] {
            if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0)
                ::_exit(126);
        });
    }
    process.start(program, arguments);
    if (!process.waitForStarted(10000))
        return -1;
    process.waitForFinished(300000);
    *output = QString::fromLocal8Bit(process.readAll());
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

int EmbeddedPostgres::runTool(const QString &name, const QStringList &arguments, QString *output) const
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program(name), arguments);
    if (!process.waitForStarted(10000)) {
        *output = process.errorString();
        return -1;
    }
    process.waitForFinished(-1);
    *output = QString::fromLocal8Bit(process.readAll());
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

bool EmbeddedPostgres::initialise(QString *error)
{
    if (QFile::exists(m_options.dataDir + QLatin1String("/PG_VERSION")))
        return true;
    if (!QDir(m_options.dataDir).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)) {
        *error =
            QStringLiteral("The data folder %1 is not empty and holds no PostgreSQL cluster: empty it or "
                           "choose another with --data-dir")
                .arg(m_options.dataDir);
        return false;
    }
    qCInfo(lcPg).noquote() << "Creating a PostgreSQL cluster in" << m_options.dataDir;
    QStringList args{QStringLiteral("-D"),          m_options.dataDir,
                     QStringLiteral("-U"),          m_options.superuser,
                     QStringLiteral("-A"),          QStringLiteral("trust"),
                     QStringLiteral("-E"),          QStringLiteral("UTF8"),
                     QStringLiteral("--no-locale"), QStringLiteral("--no-instructions")};
    if (!m_options.durable)
        args << QStringLiteral("--no-sync");
    QString output;
    const int rc = runAsAccount(program(QStringLiteral("initdb")), args, &output);
    if (rc != 0) {
        *error = QStringLiteral("initdb could not create the cluster in %1: %2")
                     .arg(m_options.dataDir, tail(output));
        return false;
    }
    return true;
}

bool EmbeddedPostgres::attachToRunning(QString *error)
{
    const QString pidPath = m_options.dataDir + QLatin1String("/postmaster.pid");
    if (!QFile::exists(pidPath))
        return false;
    PidFile pidFile = readPidFile(m_options.dataDir);
    if (!isPostmasterOf(pidFile.pid, m_options.dataDir)) {
        // A crash left it behind; PostgreSQL would refuse to start while it names a live process.
        qCInfo(lcPg) << "Removing the stale postmaster.pid of process" << pidFile.pid;
        if (!QFile::remove(pidPath)) {
            *error = QStringLiteral("Cannot remove the stale %1: remove it by hand").arg(pidPath);
            return false;
        }
        return false;
    }
    QDeadlineTimer deadline(m_options.startTimeoutMs);
    while (pidFile.status != QLatin1String("ready") && !deadline.hasExpired()) {
        if (!isPostmasterOf(pidFile.pid, m_options.dataDir))
            return false;
        QThread::msleep(50);
        pidFile = readPidFile(m_options.dataDir);
    }
    if (pidFile.status != QLatin1String("ready") || pidFile.socketDir.isEmpty()) {
        *error =
            QStringLiteral("A PostgreSQL process (%1) holds %2 but does not accept connections: stop it or "
                           "see %3")
                .arg(pidFile.pid)
                .arg(m_options.dataDir, logFile());
        return false;
    }
    m_attached = true;
    m_pid = pidFile.pid;
    m_socketDir = pidFile.socketDir;
    m_port = pidFile.port;
    qCInfo(lcPg) << "Using the PostgreSQL cluster already running on" << m_options.dataDir << "(process"
                 << m_pid << ")";
    return true;
}

bool EmbeddedPostgres::launch(QString *error)
{
    if (!m_options.socketDir.isEmpty()) {
        m_socketDir = m_options.socketDir;
        QDir().mkpath(m_socketDir);
        // Shared with the commands an admin runs (as root or the account), so that they reach the cluster.
        QString why;
        if (m_dropPrivileges && !handFolderTo(m_socketDir, true, m_uid, m_gid, 0750, &why)) {
            *error =
                QStringLiteral("Cannot hand %1 to the account '%2': %3").arg(m_socketDir, m_account, why);
            return false;
        }
        if (!QFileInfo(m_socketDir).isWritable() && !m_dropPrivileges) {
            *error =
                QStringLiteral("Cannot write PostgreSQL's socket in %1 (LIFTLINE_PG_SOCKET_DIR): create it "
                               "for this account, or leave the setting empty")
                    .arg(m_socketDir);
            return false;
        }
        return startPostgres(error);
    }
    QByteArray pattern = QFile::encodeName(QDir::tempPath() + QLatin1String("/liftline-pg-XXXXXX"));
    // Unix socket paths are limited to about 107 bytes: a long TMPDIR cannot hold one.
    if (pattern.size() > 80)
        pattern = "/tmp/liftline-pg-XXXXXX";
    if (!::mkdtemp(pattern.data())) {
        *error = QStringLiteral("Cannot create a folder for PostgreSQL's socket in /tmp: %1")
                     .arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    m_socketDir = QFile::decodeName(pattern);
    m_ownsSocketDir = true;
    QString why;
    if (m_dropPrivileges && !handFolderTo(m_socketDir, true, m_uid, m_gid, 0700, &why)) {
        *error = QStringLiteral("Cannot hand %1 to the account '%2': %3").arg(m_socketDir, m_account, why);
        return false;
    }

    return startPostgres(error);
}

bool EmbeddedPostgres::startPostgres(QString *error)
{
    QStringList args{QStringLiteral("-D"), m_options.dataDir,
                     QStringLiteral("-k"), m_socketDir,
                     QStringLiteral("-p"), QString::number(m_port),
                     QStringLiteral("-c"), QStringLiteral("listen_addresses=")};
    if (!m_options.durable)
        args << QStringLiteral("-c") << QStringLiteral("fsync=off") << QStringLiteral("-c")
             << QStringLiteral("synchronous_commit=off") << QStringLiteral("-c")
             << QStringLiteral("full_page_writes=off");
    for (const QString &setting : std::as_const(m_options.settings))
        args << QStringLiteral("-c") << setting;

    m_process = std::make_unique<QProcess>();
    m_process->setWorkingDirectory(m_options.dataDir);
    if (QFileInfo(logFile()).isSymLink()) {
        *error = QStringLiteral("%1 is a symbolic link: remove it (PostgreSQL's log is written there)")
                     .arg(logFile());
        return false;
    }
    // The log is opened by the child once it is the cluster's account, without following a symbolic link:
    // never by root, who would append wherever a link in the data folder pointed.
    m_process->setStandardOutputFile(QProcess::nullDevice());
    m_process->setStandardErrorFile(QProcess::nullDevice());
    const QByteArray log = QFile::encodeName(logFile());
    const bool drop = m_dropPrivileges;
    const uid_t uid = m_uid;
    const gid_t gid = m_gid;
    const pid_t parent = ::getpid();
    m_process->setChildProcessModifier([drop, uid, gid, parent, log] {
        // Its own process group: Ctrl+C in a terminal reaches the server, which then stops the cluster in
        // order, instead of reaching both at once.
        ::setpgid(0, 0);
        if (drop && (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0))
            ::_exit(126);
        const int out = ::open(log.constData(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (out < 0 || ::dup2(out, STDOUT_FILENO) < 0 || ::dup2(out, STDERR_FILENO) < 0)
            ::_exit(125);
        ::close(out);
        // Set after the identity change, which clears it. SIGINT is PostgreSQL's fast shutdown.
        ::prctl(PR_SET_PDEATHSIG, SIGINT);
        if (::getppid() != parent)
            ::_exit(1);
    });
    m_process->start(program(QStringLiteral("postgres")), args);
    if (!m_process->waitForStarted(10000)) {
        *error = QStringLiteral("Cannot start %1: %2")
                     .arg(program(QStringLiteral("postgres")), m_process->errorString());
        return false;
    }
    m_pid = m_process->processId();
    return true;
}

bool EmbeddedPostgres::waitUntilReady(QString *error)
{
    QDeadlineTimer deadline(m_options.startTimeoutMs);
    while (!deadline.hasExpired()) {
        if (m_process->state() != QProcess::Running) {
            *error = QStringLiteral("PostgreSQL stopped while starting: %1 (log: %2)")
                         .arg(readTail(logFile()), logFile());
            return false;
        }
        const PidFile pidFile = readPidFile(m_options.dataDir);
        if (pidFile.pid == m_pid && pidFile.status == QLatin1String("ready"))
            return true;
        m_process->waitForFinished(25);
    }
    *error = QStringLiteral("PostgreSQL did not become ready within %1 s; see %2")
                 .arg(m_options.startTimeoutMs / 1000)
                 .arg(logFile());
    return false;
}

bool EmbeddedPostgres::ensureDatabase(QString *error)
{
    const QString name =
        QStringLiteral("liftline-embedded-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        const DbParams p = params().withDatabase(QStringLiteral("postgres"));
        db.setHostName(p.host);
        db.setPort(p.port);
        db.setUserName(p.user);
        db.setDatabaseName(p.database);
        if (!db.open()) {
            *error =
                QStringLiteral("Cannot connect to the embedded PostgreSQL: %1").arg(db.lastError().text());
        } else {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("SELECT 1 FROM pg_database WHERE datname = ?"));
            q.addBindValue(m_options.database);
            if (q.exec() && q.next()) {
                ok = true;
            } else {
                QString quoted = m_options.database;
                quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
                // Another process may create it at the same moment: 42P04 means it exists now.
                ok = q.exec(QStringLiteral("CREATE DATABASE \"%1\"").arg(quoted)) ||
                     q.lastError().nativeErrorCode() == QLatin1String("42P04");
                if (!ok)
                    *error = QStringLiteral("Cannot create the database %1: %2")
                                 .arg(m_options.database, q.lastError().databaseText());
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

void EmbeddedPostgres::stop()
{
    if (m_process) {
        if (m_process->state() == QProcess::Running) {
            qCInfo(lcPg) << "Stopping the embedded PostgreSQL";
            ::kill(pid_t(m_pid), SIGINT);
            if (!m_process->waitForFinished(30000)) {
                ::kill(pid_t(m_pid), SIGQUIT);
                m_process->waitForFinished(10000);
            }
        }
        m_process.reset();
    }
    if (m_ownsSocketDir && !m_socketDir.isEmpty()) {
        QDir(m_socketDir).removeRecursively();
        m_ownsSocketDir = false;
    }
    m_pid = 0;
    m_attached = false;
}
