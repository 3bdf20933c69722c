#pragma once

#include "db/DbParams.h"

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

// The real liftline-server binary (LIFTLINE_SERVER_BIN) run as a separate process, for the suites that test
// it from the outside: the server itself, its subcommands, and the embedded clusters they leave behind.

// True when no process `pid` runs any more (a zombie waiting to be reaped counts as gone).
bool processGone(qint64 pid);
// True when `pid` is a running PostgreSQL process.
bool isPostgres(qint64 pid);
// The postmaster's process id recorded in dataDir/postmaster.pid; 0 when there is none.
qint64 postmasterPidIn(const QString &dataDir);
// Ends a postmaster a failed test may have left running on dataDir.
void stopLeftoverPostmaster(const QString &dataDir);
// The test's own environment without the variables that would point the server elsewhere (DATABASE_URL,
// PORT, LIFTLINE_DATA_DIR, ...), so that only the arguments a test passes decide what it runs on.
QProcessEnvironment serverEnvironment();

// serverEnvironment() with DATABASE_URL pointing at `params`, for subcommands run on a test database.
QProcessEnvironment databaseEnvironment(const DbParams &params);

// A temporary folder the cluster's account can reach (as root it runs as another account), named
// `prefix`-XXXXXX. On the way out it ends any postmaster still running on a data folder inside it.
class Scratch {
public:
    explicit Scratch(const QString &prefix);
    ~Scratch();

    bool isValid() const { return m_dir.isValid(); }
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString root() const { return m_dir.path(); }

private:
    QTemporaryDir m_dir;
};

// liftline-server run as a separate process on an embedded data folder and a free port; with an empty
// dataDir, on the database that DATABASE_URL in setEnvironment()'s environment names.
class ServerProcess {
public:
    explicit ServerProcess(const QString &dataDir);
    // Kills the server if it still runs and ends any postmaster left on its data folder.
    ~ServerProcess();

    // Starts the server with `extra` arguments and waits for its "listening on" line.
    bool start(const QStringList &extra = {});
    // Waits until the server's output so far (from offset `from` on) matches `re` (or it exits, or the time
    // runs out).
    QRegularExpressionMatch waitForOutput(const QRegularExpression &re, int timeoutMs, qsizetype from = 0);
    // SIGTERM, then waits for the exit; true when it exited normally with status 0 within the time.
    bool stop(int timeoutMs = 60000);
    // SIGKILL, then waits for the exit.
    void kill();

    void setEnvironment(const QProcessEnvironment &environment)
    {
        m_process.setProcessEnvironment(environment);
    }
    bool isRunning() const { return m_process.state() == QProcess::Running; }
    QProcess &process() { return m_process; }
    QUrl url() const { return m_url; }
    QString output() const { return m_output; }

private:
    QString m_dataDir;
    QProcess m_process;
    QString m_output;
    QUrl m_url;
};

// What a liftline-server subcommand run by runCli() did.
struct CliResult {
    int exitCode = -1; // -1 when it crashed or did not finish
    bool finished = false;
    QString out;
    QString err;
    QString describe() const
    {
        return QStringLiteral("exit %1, stdout: %2, stderr: %3")
            .arg(exitCode)
            .arg(out.trimmed(), err.trimmed());
    }
};

// Runs `liftline-server --data-dir DATADIR ARGUMENTS` to the end (no --data-dir when dataDir is empty, as
// for a DATABASE_URL in `environment`), with `input` on its standard input.
CliResult runCli(const QString &dataDir, const QStringList &arguments,
                 const QProcessEnvironment &environment = serverEnvironment(), const QByteArray &input = {});
