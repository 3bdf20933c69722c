#include "Db.h"

#include "base/Logging.h"

#include <libpq-fe.h>

#include <atomic>

#include <QSqlDriver>
#include <QSqlError>
#include <QSqlRecord>

Db::Db(const DbParams &params, const QString &connectionName)
    : m_params(params)
    , m_name(connectionName)
{}

Db::~Db()
{
    m_prepared.clear();
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
}

bool Db::isOpen() const
{
    return m_db.isValid() && m_db.isOpen();
}

namespace {

// Connections any Db has opened. A connection that failed compares it with the count at its failure: when
// another has got through since, the database is back, and waiting out the second would only refuse the
// request in hand.
std::atomic<quint64> connectionsOpened{0};

} // namespace

void Db::open()
{
    if (isOpen())
        return;
    // While the database is away, answer at once instead of waiting up to connect_timeout on every
    // request: one attempt per connection per second is enough to notice it is back, unless another
    // connection has noticed it already.
    if (m_lastFailure.isValid() && m_lastFailure.elapsed() < 1000 &&
        connectionsOpened.load() == m_openedAtFailure)
        throw DbError(DbError::Kind::Unavailable, m_lastFailureMessage);
    if (!m_db.isValid()) {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_name);
        if (!m_db.isValid())
            throw DbError(
                DbError::Kind::Unavailable,
                QStringLiteral("Qt's PostgreSQL driver (QPSQL) is not installed: install the package "
                               "libqt6sql6-psql"));
    }
    m_db.setHostName(m_params.host);
    m_db.setPort(m_params.port);
    m_db.setUserName(m_params.user);
    m_db.setPassword(m_params.password);
    m_db.setDatabaseName(m_params.database);
    QString options = QStringLiteral("connect_timeout=5;application_name=") + m_applicationName;
    if (!m_params.connectOptions.isEmpty())
        options += QLatin1Char(';') + m_params.connectOptions;
    m_db.setConnectOptions(options);
    if (!m_db.open()) {
        const QString reason = m_db.lastError().databaseText().trimmed();
        m_lastFailureMessage = QStringLiteral("Cannot connect to %1: %2").arg(m_params.describe(), reason);
        m_lastFailure.start();
        m_openedAtFailure = connectionsOpened.load();
        throw DbError(DbError::Kind::Unavailable, m_lastFailureMessage);
    }
    connectionsOpened.fetch_add(1);
    m_lastFailure.invalidate();
    m_inTransaction = false;
    // libpq prints NOTICEs on stderr ("column already exists, skipping" from idempotent migrations).
    QSqlQuery quiet(m_db);
    quiet.exec(QStringLiteral("SET client_min_messages TO warning"));
    // No JIT compilation: every statement here is short, and PostgreSQL's cost estimate for a whole thread
    // (10,000 messages with their changes and files) passes jit_above_cost on a stock server, which then
    // spent 864 ms of 1,181 ms compiling it (the original system's database, ../shared/bench).
    quiet.exec(QStringLiteral("SET jit = off"));
    for (const auto &[name, value] : std::as_const(m_sessionSettings)) {
        quiet.prepare(QStringLiteral("SELECT set_config(?, ?, false)"));
        quiet.addBindValue(name);
        quiet.addBindValue(value);
        quiet.exec();
    }
    qCDebug(lcDb) << "connected" << m_name << "to" << m_params.describe();
}

void Db::close()
{
    m_prepared.clear();
    m_rowsPrepared.clear();
    m_rowsNamed = 0;
    m_inTransaction = false;
    if (m_db.isValid())
        m_db.close();
}

void Db::bindAll(QSqlQuery &query, const QVariantList &binds)
{
    for (qsizetype i = 0; i < binds.size(); ++i)
        query.bindValue(int(i), binds.at(i));
}

// Broken connections surface as errors without an SQLSTATE, or with class 08 (connection exception) and
// 57P0x (the server is shutting down).
static bool isConnectionLoss(const QSqlError &error, bool connectionOpen)
{
    const QString state = error.nativeErrorCode();
    if (!connectionOpen || error.type() == QSqlError::ConnectionError)
        return true;
    if (state.startsWith(QLatin1String("08")) || state.startsWith(QLatin1String("57P")))
        return true;
    if (state.isEmpty()) {
        const QString text = error.databaseText() + error.driverText();
        return text.contains(QLatin1String("connection"), Qt::CaseInsensitive) ||
               text.contains(QLatin1String("server closed"), Qt::CaseInsensitive);
    }
    return false;
}

void Db::fail(const QSqlError &error, const QString &sql)
{
    const bool lost = isConnectionLoss(error, m_db.isOpen());
    const QString text =
        error.databaseText().trimmed().isEmpty() ? error.text().trimmed() : error.databaseText().trimmed();
    if (lost) {
        qCWarning(lcDb) << "connection" << m_name << "lost:" << text;
        close();
        throw DbError(DbError::Kind::Unavailable,
                      QStringLiteral("The database is not reachable: %1").arg(text));
    }
    qCDebug(lcDb) << "statement failed:" << error.nativeErrorCode() << text << "in" << sql.left(200);
    throw DbError(DbError::Kind::Statement, text, error.nativeErrorCode());
}

void Db::beforeUnrepeatableWrite()
{
    // Busy connections (every one under load) skip the check: it is a round trip.
    if (m_statements == 0 && (!m_lastStatement.isValid() || m_lastStatement.hasExpired(2000)))
        execOnce(QStringLiteral("SELECT 1"));
    m_statements = std::max(m_statements, 1); // the next statement is not the first
}

QSqlQuery &Db::exec(const QString &sql, const QVariantList &binds)
{
    open();
    ++m_statements;
    m_lastStatement.start();
    auto it = m_prepared.find(sql);
    if (it == m_prepared.end()) {
        auto query = std::make_shared<QSqlQuery>(m_db);
        query->setForwardOnly(true);
        if (!query->prepare(sql))
            fail(query->lastError(), sql);
        it = m_prepared.insert(sql, query);
    }
    QSqlQuery &query = **it;
    query.finish();
    bindAll(query, binds);
    // A statement that failed stays prepared and usable; dropping it here would send a DEALLOCATE into a
    // transaction the failure has already aborted.
    if (!query.exec())
        fail(query.lastError(), sql);
    return query;
}

QSqlQuery Db::execOnce(const QString &sql, const QVariantList &binds)
{
    open();
    ++m_statements;
    m_lastStatement.start();
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    if (binds.isEmpty()) {
        if (!query.exec(sql))
            fail(query.lastError(), sql);
        return query;
    }
    if (!query.prepare(sql))
        fail(query.lastError(), sql);
    bindAll(query, binds);
    if (!query.exec())
        fail(query.lastError(), sql);
    return query;
}

// Splits SQL text into statements at top-level ';', skipping quoted text, dollar-quoted bodies and
// comments. Running them one by one reports the statement that failed with its own error, where a
// multi-statement exec through QPSQL reports only the last ("current transaction is aborted").
namespace {

bool isIdentifierChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_' || c == u'$';
}

// The end (one past) of what starts at i in sql: a comment, a quoted identifier, a string or a dollar
// quote; i itself when nothing of the kind starts there. PostgreSQL's rules: block comments nest; in an
// E'...' string a backslash escapes the next character; '' and "" are a quote inside their quotes; a
// dollar quote's tag is an identifier that does not start with a digit, and $1 is a parameter.
qsizetype skipQuoted(const QString &sql, qsizetype i)
{
    const qsizetype n = sql.size();
    const QChar c = sql.at(i);
    const QChar next = i + 1 < n ? sql.at(i + 1) : QChar();
    if (c == u'-' && next == u'-') {
        const qsizetype end = sql.indexOf(u'\n', i);
        return end < 0 ? n : end;
    }
    if (c == u'/' && next == u'*') {
        int depth = 1;
        qsizetype j = i + 2;
        while (j < n && depth > 0) {
            if (sql.at(j) == u'/' && j + 1 < n && sql.at(j + 1) == u'*') {
                ++depth;
                j += 2;
            } else if (sql.at(j) == u'*' && j + 1 < n && sql.at(j + 1) == u'/') {
                --depth;
                j += 2;
            } else {
                ++j;
            }
        }
        return j;
    }
    if (c == u'\'' || c == u'"') {
        const bool escapes = c == u'\'' && i > 0 && (sql.at(i - 1) == u'E' || sql.at(i - 1) == u'e') &&
                             (i < 2 || !isIdentifierChar(sql.at(i - 2)));
        qsizetype j = i + 1;
        while (j < n) {
            if (escapes && sql.at(j) == u'\\') {
                j += 2;
            } else if (sql.at(j) == c) {
                if (j + 1 < n && sql.at(j + 1) == c)
                    j += 2;
                else
                    return j + 1;
            } else {
                ++j;
            }
        }
        return n;
    }
    if (c == u'$' && (i == 0 || !isIdentifierChar(sql.at(i - 1))) && !next.isDigit()) {
        qsizetype tagEnd = i + 1;
        while (tagEnd < n && sql.at(tagEnd) != u'$' && isIdentifierChar(sql.at(tagEnd)))
            ++tagEnd;
        if (tagEnd >= n || sql.at(tagEnd) != u'$')
            return i;
        const QString tag = sql.mid(i, tagEnd - i + 1);
        const qsizetype close = sql.indexOf(tag, tagEnd + 1);
        return close < 0 ? n : close + tag.size();
    }
    return i;
}

} // namespace

QStringList Db::splitStatements(const QString &sql)
{
    QStringList statements;
    QString current;
    auto flush = [&] {
        if (!current.trimmed().isEmpty())
            statements << current.trimmed();
        current.clear();
    };
    const qsizetype n = sql.size();
    qsizetype i = 0;
    while (i < n) {
        const qsizetype end = skipQuoted(sql, i);
        if (end > i) {
            const bool comment = sql.at(i) == u'-' || sql.at(i) == u'/';
            current += comment ? QString(u' ') : sql.mid(i, end - i);
            i = end;
        } else if (sql.at(i) == u';') {
            flush();
            ++i;
        } else {
            current += sql.at(i);
            ++i;
        }
    }
    flush();
    return statements;
}

pg_conn *Db::libpqConnection()
{
    open();
    const QVariant handle = m_db.driver()->handle();
    // QPSQL's handle is a PGconn* (Qt names the type after libpq's struct, pg_conn).
    if (!handle.isValid() ||
        (qstrcmp(handle.typeName(), "PGconn*") != 0 && qstrcmp(handle.typeName(), "pg_conn*") != 0))
        throw DbError(DbError::Kind::Unavailable,
                      QStringLiteral("liftline-server needs a QPSQL connection, not %1")
                          .arg(QLatin1String(handle.typeName())));
    return *static_cast<PGconn *const *>(handle.constData());
}

void Db::finishQueries()
{
    for (const auto &query : std::as_const(m_prepared))
        if (query->isActive())
            query->finish();
}

void Db::execScript(const QString &sql)
{
    PGconn *conn = libpqConnection();
    finishQueries();
    ++m_statements;
    m_lastStatement.start();
    // PQexec returns the last result, or the first that failed (the statements after it do not run).
    PGresult *result = PQexec(conn, sql.toUtf8().constData());
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
        PQclear(result);
        return;
    }
    failLibpq(result, conn, "script");
}

void Db::failLibpq(PGresult *result, PGconn *conn, const char *what)
{
    std::unique_ptr<PGresult, decltype(&PQclear)> owned(result, &PQclear);
    const QString text =
        QString::fromUtf8(result ? PQresultErrorMessage(result) : PQerrorMessage(conn)).trimmed();
    if (PQstatus(conn) != CONNECTION_OK) {
        qCWarning(lcDb) << "connection" << m_name << "lost:" << text;
        close();
        throw DbError(DbError::Kind::Unavailable,
                      QStringLiteral("The database is not reachable: %1").arg(text));
    }
    const QString state = QString::fromLatin1(result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : "");
    qCDebug(lcDb) << what << "failed:" << state << text;
    throw DbError(DbError::Kind::Statement, text, state);
}

PgRows Db::rows(const QString &sql, const QList<QByteArray> &params)
{
    PGconn *conn = libpqConnection();
    finishQueries();
    ++m_statements;
    m_lastStatement.start();
    auto name = m_rowsPrepared.constFind(sql);
    if (name == m_rowsPrepared.cend()) {
        const QByteArray newName = "liftline_rows_" + QByteArray::number(++m_rowsNamed);
        PGresult *prepared =
            PQprepare(conn, newName.constData(), sql.toUtf8().constData(), int(params.size()), nullptr);
        if (!prepared || PQresultStatus(prepared) != PGRES_COMMAND_OK)
            failLibpq(prepared, conn, "prepare");
        PQclear(prepared);
        name = m_rowsPrepared.insert(sql, newName);
    }
    std::vector<const char *> values;
    values.reserve(params.size());
    for (const QByteArray &p : params)
        values.push_back(p.isNull() ? nullptr : p.constData());
    PGresult *result =
        PQexecPrepared(conn, name->constData(), int(values.size()), values.data(), nullptr, nullptr, 0);
    if (!result || PQresultStatus(result) != PGRES_TUPLES_OK) {
        // "cached plan must not change result type" (0A000): another instance changed a function or a type
        // the statement's columns come from (a new field of chat_message_wire). The statement is prepared
        // anew, under a new name, by the next call; this one is refused (its transaction is aborted).
        const char *state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
        if (state && (qstrcmp(state, "0A000") == 0 || qstrcmp(state, "26000") == 0))
            m_rowsPrepared.remove(sql);
        failLibpq(result, conn, "statement");
    }
    return PgRows(result);
}

QVariant Db::scalar(const QString &sql, const QVariantList &binds)
{
    QSqlQuery &query = exec(sql, binds);
    QVariant value = query.next() ? query.value(0) : QVariant();
    query.finish();
    return value;
}

void Db::begin()
{
    begin(QStringLiteral("BEGIN"));
}

void Db::begin(const QString &statements)
{
    if (!statements.contains(QLatin1Char(';'))) {
        execOnce(statements);
        m_inTransaction = true;
        return;
    }
    // PostgreSQL keeps the block the text's BEGIN opened after its other statements; when one of those is
    // refused, the block is open and aborted, and is rolled back here rather than left to the next work.
    try {
        execScript(statements);
    } catch (const DbError &) {
        m_inTransaction = true;
        rollback();
        throw;
    }
    m_inTransaction = true;
}

void Db::commit()
{
    m_inTransaction = false;
    execOnce(QStringLiteral("COMMIT"));
}

void Db::rollback() noexcept
{
    if (!m_inTransaction)
        return;
    m_inTransaction = false;
    if (!isOpen())
        return;
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("ROLLBACK")))
        qCWarning(lcDb) << "rollback failed:" << query.lastError().text();
}
