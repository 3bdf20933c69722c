#pragma once

#include "DbParams.h"

#include <QString>
#include <QStringList>
#include <memory>

class QProcess;

// A private PostgreSQL cluster in a data folder, run from the system's PostgreSQL binaries on a Unix
// socket only: the default when no DATABASE_URL is configured, and what every database test runs on.
//
// The cluster runs as a child process that dies with this process (PR_SET_PDEATHSIG). When a cluster is
// already running on the data folder (a server started earlier), start() attaches to it instead and
// stop() leaves it running. As root the cluster runs as an unprivileged account, since initdb and
// postgres refuse root.
class EmbeddedPostgres {
public:
    struct Options {
        QString dataDir;     // empty: defaultDataDir()
        QString account;     // as root: the account to run as; empty: "liftline", else "postgres"
        QString binDir;      // empty: findBinDir()
        bool durable = true; // fsync on; tests turn it off
        QString superuser = QStringLiteral("liftline");
        QString database = QStringLiteral("liftline");
        int startTimeoutMs = 60000;
        QString socketDir;    // empty: a new folder in /tmp for each start
        QStringList settings; // extra "name=value" server settings, e.g. for a benchmark's profiling
    };

    explicit EmbeddedPostgres(Options options);
    ~EmbeddedPostgres();
    EmbeddedPostgres(const EmbeddedPostgres &) = delete;
    EmbeddedPostgres &operator=(const EmbeddedPostgres &) = delete;

    // Initialises the data folder when needed, then starts the cluster or attaches to a running one,
    // and creates the database. On failure returns false with a one-line *error a person can act on.
    bool start(QString *error);
    // Stops the cluster when this object started it (fast shutdown, then immediate after 30 s).
    void stop();
    // True while a cluster started by this object is running.
    bool isRunning() const;
    bool attached() const { return m_attached; }
    // The postmaster's process id (started or attached), 0 when none.
    qint64 postmasterPid() const { return m_pid; }

    DbParams params() const;
    QString dataDir() const { return m_options.dataDir; }
    QString socketDir() const { return m_socketDir; }
    QString binDir() const { return m_options.binDir; }
    // The account the cluster runs as when this process is root, empty otherwise.
    QString runAsAccount() const { return m_account; }
    QString logFile() const;
    // Path of a PostgreSQL program (pg_dump, pg_restore, psql) of the same installation.
    QString program(const QString &name) const;

    // Runs a PostgreSQL client program of the same installation; returns its exit code (-1 when it could
    // not start) with its output in *output.
    int runTool(const QString &name, const QStringList &arguments, QString *output) const;

    // The bin folder of the newest PostgreSQL installed (LIFTLINE_PG_BINDIR, pg_config --bindir,
    // /usr/lib/postgresql/N/bin), or empty with *error naming the package to install.
    static QString findBinDir(QString *error);
    // Where the data folder lives by default: the user's application data folder, or
    // /var/lib/liftline/pgdata for root (root's home is closed to the account the cluster runs as).
    static QString defaultDataDir();

private:
    bool prepareAccount(QString *error);
    bool initialise(QString *error);
    bool attachToRunning(QString *error);
    bool launch(QString *error);
    bool startPostgres(QString *error);
    bool waitUntilReady(QString *error);
    bool ensureDatabase(QString *error);
    int runAsAccount(const QString &program, const QStringList &arguments, QString *output) const;

    Options m_options;
    QString m_account;
    uint m_uid = 0;
    uint m_gid = 0;
    bool m_dropPrivileges = false;
    QString m_socketDir;
    int m_port = 5432;
    bool m_attached = false;
    bool m_ownsSocketDir = false;
    qint64 m_pid = 0;
    std::unique_ptr<QProcess> m_process;
};
