#pragma once

#include "DbError.h"
#include "DbParams.h"
#include "PgRows.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>
#include <memory>

// One PostgreSQL connection, used by one thread only (QSqlDatabase belongs to the thread that opened it).
// Statements use '?' placeholders; every failure is thrown as DbError.
struct pg_conn; // libpq's PGconn

class Db {
public:
    Db(const DbParams &params, const QString &connectionName);
    ~Db();
    Db(const Db &) = delete;
    Db &operator=(const Db &) = delete;

    const DbParams &params() const { return m_params; }
    // What pg_stat_activity shows for this connection (default liftline-server); set before open().
    void setApplicationName(const QString &name) { m_applicationName = name; }
    // A setting made with SET on every (re)connection, e.g. liftline.writer.
    void setSessionSetting(const QString &name, const QString &value)
    {
        m_sessionSettings.append({name, value});
    }
    bool isOpen() const;
    // Opens the connection when it is not open. Throws DbError::Unavailable.
    void open();
    void close();

    // Runs a statement prepared once per connection and kept (the hot paths). The returned query stays
    // valid until the same SQL runs again on this connection.
    QSqlQuery &exec(const QString &sql, const QVariantList &binds = {});
    // Runs a statement that is not kept prepared (rare statements, DDL).
    QSqlQuery execOnce(const QString &sql, const QVariantList &binds = {});
    // Runs a whole script of statements separated by ';' as PostgreSQL reads it: sent as one text through
    // libpq, so PostgreSQL itself splits it. Outside a transaction, the statements form one transaction
    // (PostgreSQL's rule for a multi-statement query); the error names the SQLSTATE and, with libpq's
    // usual detail, the line. Migrations and tests.
    void execScript(const QString &sql);
    // The statements of a script, for what must run one at a time (CREATE INDEX CONCURRENTLY): reads
    // comments (nested too), quoted identifiers, standard and E'' strings and dollar quotes as PostgreSQL
    // does.
    static QStringList splitStatements(const QString &sql);
    // libpq's connection under QPSQL's, opened when it is not (for LISTEN and whole scripts). Throws
    // DbError::Unavailable.
    pg_conn *libpqConnection();

    // Runs a statement through libpq itself and returns its rows as libpq gave them, for the largest
    // answers (a whole thread). Placeholders are $1, $2, ...; the parameters travel apart from the
    // statement, as text, so no value is ever quoted into it. Prepared once per connection, as exec's are.
    PgRows rows(const QString &sql, const QList<QByteArray> &params = {});

    // First column of the first row, or an invalid QVariant when there is no row.
    QVariant scalar(const QString &sql, const QVariantList &binds = {});

    void begin();
    // Begins with what the transaction needs from its start, sent as one text, so one round trip:
    // "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY" (readOnlySnapshot()), or
    // "BEGIN; SET LOCAL lock_timeout = '200ms'".
    void begin(const QString &statements);
    void commit();
    void rollback() noexcept;
    bool inTransaction() const { return m_inTransaction; }
    // One snapshot for every statement of the transaction, which writes nothing.
    static QString readOnlySnapshot()
    {
        return QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    }

    // Runs f inside BEGIN/COMMIT; rolls back and rethrows on any exception.
    template<class F>
    auto transaction(F &&f) -> decltype(f())
    {
        return transaction(QStringLiteral("BEGIN"), std::forward<F>(f));
    }
    // The same, begun with `statements` (begin(statements)).
    template<class F>
    auto transaction(const QString &statements, F &&f) -> decltype(f())
    {
        begin(statements);
        try {
            if constexpr (std::is_void_v<decltype(f())>) {
                f();
                commit();
            } else {
                auto result = f();
                commit();
                return result;
            }
        } catch (...) {
            rollback();
            throw;
        }
    }

    // Call before a statement that commits on its own and must not run twice (a reply stored and sent):
    // if its answer were lost, it may have committed, so from here on retryingStaleConnection does not run
    // the work again. A connection idle for a while is first checked with a statement that may be
    // retried, so that a PostgreSQL restarted meanwhile still costs no refusal.
    void beforeUnrepeatableWrite();

    // Runs f; when the connection turns out to have broken while idle (PostgreSQL restarted, say), the
    // first statement fails before anything happened, so f is run once more on a fresh connection.
    template<class F>
    auto retryingStaleConnection(F &&f) -> decltype(f())
    {
        const bool wasOpen = isOpen();
        m_statements = 0;
        try {
            return f();
        } catch (const DbError &e) {
            if (e.kind() != DbError::Kind::Unavailable || !wasOpen || m_statements > 1)
                throw;
        }
        m_statements = 0;
        return f();
    }

    QSqlDatabase &database() { return m_db; }

private:
    [[noreturn]] void fail(const QSqlError &error, const QString &sql);
    // Before a statement sent through libpq itself: QPSQL reads a forward-only query's rows one at a time,
    // and libpq would silently discard the rest of one left unread. Finished here, each says so (isActive).
    void finishQueries();
    // The same for a statement sent through libpq (result null: libpq had none to give).
    [[noreturn]] void failLibpq(pg_result *result, pg_conn *conn, const char *what);
    void bindAll(QSqlQuery &query, const QVariantList &binds);

    DbParams m_params;
    QString m_name;
    QString m_applicationName = QStringLiteral("liftline-server");
    QList<std::pair<QString, QString>> m_sessionSettings;
    QSqlDatabase m_db;
    QHash<QString, std::shared_ptr<QSqlQuery>> m_prepared;
    QHash<QString, QByteArray> m_rowsPrepared; // rows()'s statements: their names on this connection
    quint64 m_rowsNamed = 0;                   // names given on this connection
    bool m_inTransaction = false;
    int m_statements = 0;
    QElapsedTimer m_lastFailure;
    QElapsedTimer m_lastStatement; // started by every statement
    QString m_lastFailureMessage;
    quint64 m_openedAtFailure = 0; // connections opened by any Db when this one last failed
};
