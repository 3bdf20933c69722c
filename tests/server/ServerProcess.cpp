#include "ServerProcess.h"

#include <QTemporaryDir>

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QThread>

#include <cerrno>
#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

bool processGone(qint64 pid)
{
    if (pid <= 0)
        return true;
    if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH)
        return true;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray text = stat.readAll();
    const qsizetype close = text.lastIndexOf(')');
    if (close < 0 || close + 2 >= text.size())
        return true;
    const char state = text.at(close + 2);
    return state == 'Z' || state == 'X';
}

bool isPostgres(qint64 pid)
{
    if (processGone(pid))
        return false;
    QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (!cmdline.open(QIODevice::ReadOnly))
        return false;
    const QByteArray argv0 = cmdline.readAll().split('\0').value(0);
    return argv0.mid(argv0.lastIndexOf('/') + 1).startsWith("postgres");
}

qint64 postmasterPidIn(const QString &dataDir)
{
    QFile f(dataDir + QStringLiteral("/postmaster.pid"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    return f.readLine().trimmed().toLongLong();
}

void stopLeftoverPostmaster(const QString &dataDir)
{
    const qint64 pid = postmasterPidIn(dataDir);
    if (!isPostgres(pid))
        return;
    for (int sig : {SIGINT, SIGQUIT, SIGKILL}) {
        ::kill(pid_t(pid), sig);
        QDeadlineTimer deadline(sig == SIGKILL ? 5000 : 15000);
        while (!processGone(pid) && !deadline.hasExpired())
            QThread::msleep(50);
        if (processGone(pid))
            return;
    }
}

QProcessEnvironment serverEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DATABASE_URL", "PORT", "LIFTLINE_DATA_DIR", "LIFTLINE_PG_BINDIR",
                             "LIFTLINE_PG_ACCOUNT", "ADMIN_TOKEN", "AI_ASSISTANT_TOKEN"})
        env.remove(QString::fromLatin1(name));
    // The key that signs exports and the chain's daily head: this test program's own, never one beside a
    // data folder in /tmp or in the home folder.
    static QTemporaryDir keys;
    env.insert(QStringLiteral("LIFTLINE_SIGNING_KEY_FILE"), keys.path() + QStringLiteral("/signing.key"));
    return env;
}

QProcessEnvironment databaseEnvironment(const DbParams &params)
{
    QProcessEnvironment env = serverEnvironment();
    env.insert(QStringLiteral("DATABASE_URL"), params.toUrl());
    return env;
}

Scratch::Scratch(const QString &prefix)
    : m_dir(QDir::tempPath() + QLatin1Char('/') + prefix + QStringLiteral("-XXXXXX"))
{
    ::chmod(QFile::encodeName(m_dir.path()).constData(), 0755);
}

Scratch::~Scratch()
{
    const QStringList entries = QDir(m_dir.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries)
        stopLeftoverPostmaster(m_dir.filePath(entry));
}

ServerProcess::ServerProcess(const QString &dataDir)
    : m_dataDir(dataDir)
{
    m_process.setProgram(QStringLiteral(LIFTLINE_SERVER_BIN));
    m_process.setProcessEnvironment(serverEnvironment());
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process,
                     [this] { m_output += QString::fromUtf8(m_process.readAllStandardOutput()); });
}

ServerProcess::~ServerProcess()
{
    kill();
    if (!m_dataDir.isEmpty())
        stopLeftoverPostmaster(m_dataDir);
}

bool ServerProcess::start(const QStringList &extra)
{
    QStringList arguments{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")};
    if (!m_dataDir.isEmpty())
        arguments << QStringLiteral("--data-dir") << m_dataDir;
    m_process.setArguments(arguments + extra);
    const qsizetype from = m_output.size(); // a restart: only this run's output counts
    m_process.start();
    if (!m_process.waitForStarted(10000))
        return false;
    static const QRegularExpression listening(
        QStringLiteral("Liftline server listening on (http://127\\.0\\.0\\.1:(\\d+))"));
    const QRegularExpressionMatch match = waitForOutput(listening, 120000, from);
    if (!match.hasMatch())
        return false;
    m_url = QUrl(match.captured(1));
    return match.captured(2).toInt() > 0;
}

QRegularExpressionMatch ServerProcess::waitForOutput(const QRegularExpression &re, int timeoutMs,
                                                     qsizetype from)
{
    QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        const QRegularExpressionMatch match = re.match(m_output, from);
        if (match.hasMatch() || deadline.hasExpired())
            return match;
        if (m_process.state() != QProcess::Running) {
            m_output += QString::fromUtf8(m_process.readAllStandardOutput());
            return re.match(m_output, from);
        }
        m_process.waitForReadyRead(100);
    }
}

bool ServerProcess::stop(int timeoutMs)
{
    // processId() is 0 once the process has gone, and kill(0) would signal this test's own group.
    if (m_process.state() == QProcess::Running && m_process.processId() > 0)
        ::kill(pid_t(m_process.processId()), SIGTERM);
    return (m_process.state() == QProcess::NotRunning || m_process.waitForFinished(timeoutMs)) &&
           m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0;
}

void ServerProcess::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    ::kill(pid_t(m_process.processId()), SIGKILL);
    m_process.waitForFinished(10000);
}

CliResult runCli(const QString &dataDir, const QStringList &arguments, const QProcessEnvironment &environment,
                 const QByteArray &input)
{
    CliResult result;
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(LIFTLINE_SERVER_BIN),
                  dataDir.isEmpty() ? arguments
                                    : QStringList{QStringLiteral("--data-dir"), dataDir} + arguments);
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    result.finished = process.waitForFinished(120000);
    if (!result.finished) {
        process.kill();
        process.waitForFinished(10000);
    }
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    if (result.finished && process.exitStatus() == QProcess::NormalExit)
        result.exitCode = process.exitCode();
    return result;
}
