#include "AgentStore.h"

#include "Auth.h"
#include "db/AuditLog.h"
#include "db/Db.h"
#include "domain/DomainError.h"

#include <QRegularExpression>
#include <cmath>

namespace AgentStore {

QString normaliseUsername(const QString &username)
{
    return username.trimmed().toLower();
}

static void checkUsername(const QString &username)
{
    static const QRegularExpression valid(QStringLiteral("^[a-z0-9][a-z0-9._-]{1,63}$"));
    if (!valid.match(username).hasMatch())
        throw DomainError(
            DomainError::Kind::Invalid, QStringLiteral("invalid_username"),
            QStringLiteral("A username is 2 to 64 letters, digits, '.', '_' or '-', starting with a "
                           "letter or digit"));
}

static int requireAccount(Db &db, const QString &username)
{
    const QVariant id = db.scalar(QStringLiteral("SELECT id FROM agents WHERE username = ?"), {username});
    if (!id.isValid())
        throw DomainError(
            DomainError::Kind::NotFound, QStringLiteral("agent_not_found"),
            QStringLiteral("There is no agent account '%1': see 'liftline-server agent list'").arg(username));
    return id.toInt();
}

int add(Db &db, const QString &rawUsername, const QString &displayName, const QString &role,
        const QString &passwordHash, const Principal &who)
{
    const QString username = normaliseUsername(rawUsername);
    checkUsername(username);
    const QString name = displayName.trimmed();
    if (name.isEmpty() || name.toUcs4().size() > maxDisplayNameLength)
        throw DomainError(
            DomainError::Kind::Invalid, QStringLiteral("invalid_name"),
            QStringLiteral("Give the agent's full name (1 to %1 characters); it is shown on their "
                           "replies")
                .arg(maxDisplayNameLength));
    if (role != QLatin1String("agent") && role != QLatin1String("supervisor") &&
        role != QLatin1String("admin"))
        throw DomainError(DomainError::Kind::Invalid, QStringLiteral("invalid_role"),
                          QStringLiteral("The role is 'agent', 'supervisor' (an agent who also receives "
                                         "escalations) or 'admin'"));
    return db.transaction([&] {
        QSqlQuery &q =
            db.exec(QStringLiteral("INSERT INTO agents (username, display_name, role, password_hash) "
                                   "VALUES (?, ?, ?, ?) ON CONFLICT (username) DO NOTHING RETURNING id"),
                    {username, name, role, passwordHash});
        if (!q.next())
            throw DomainError(
                DomainError::Kind::Conflict, QStringLiteral("agent_exists"),
                QStringLiteral("The username '%1' is taken: choose another, or reset that account's "
                               "password")
                    .arg(username));
        const int id = q.value(0).toInt();
        q.finish();
        AuditLog::record(db, who, QStringLiteral("agent.added"), 0,
                         {{QStringLiteral("username"), username},
                          {QStringLiteral("display_name"), name},
                          {QStringLiteral("role"), role}});
        return id;
    });
}

static int revokeAll(Db &db, int agentId)
{
    QSqlQuery &q = db.exec(QStringLiteral("UPDATE agent_sessions SET revoked_at = now() "
                                          "WHERE agent_id = ? AND revoked_at IS NULL AND expires_at > now()"),
                           {agentId});
    const int n = q.numRowsAffected();
    q.finish();
    return n;
}

void setDisabled(Db &db, const QString &rawUsername, bool disabled, const Principal &who)
{
    const QString username = normaliseUsername(rawUsername);
    db.transaction([&] {
        const int id = requireAccount(db, username);
        db.exec(QStringLiteral(
                    "UPDATE agents SET disabled_at = CASE WHEN ? THEN coalesce(disabled_at, now()) END, "
                    "updated_at = now() WHERE id = ?"),
                {disabled, id});
        const int ended = disabled ? revokeAll(db, id) : 0;
        AuditLog::record(db, who,
                         disabled ? QStringLiteral("agent.disabled") : QStringLiteral("agent.enabled"), 0,
                         {{QStringLiteral("username"), username}, {QStringLiteral("sessions_ended"), ended}});
    });
}

void setPasswordHash(Db &db, const QString &rawUsername, const QString &passwordHash, const Principal &who)
{
    const QString username = normaliseUsername(rawUsername);
    db.transaction([&] {
        const int id = requireAccount(db, username);
        db.exec(QStringLiteral("UPDATE agents SET password_hash = ?, updated_at = now() WHERE id = ?"),
                {passwordHash, id});
        const int ended = revokeAll(db, id);
        clearFailures(db, username);
        AuditLog::record(db, who, QStringLiteral("agent.password_reset"), 0,
                         {{QStringLiteral("username"), username}, {QStringLiteral("sessions_ended"), ended}});
    });
}

int revokeSessions(Db &db, const QString &rawUsername, const Principal &who)
{
    const QString username = normaliseUsername(rawUsername);
    return db.transaction([&] {
        const int id = requireAccount(db, username);
        const int ended = revokeAll(db, id);
        AuditLog::record(db, who, QStringLiteral("agent.sessions_revoked"), 0,
                         {{QStringLiteral("username"), username}, {QStringLiteral("sessions_ended"), ended}});
        return ended;
    });
}

QJsonObject toJson(const Account &a)
{
    return {{QStringLiteral("id"), a.id},
            {QStringLiteral("username"), a.username},
            {QStringLiteral("display_name"), a.displayName},
            {QStringLiteral("role"), a.role}};
}

QJsonArray list(Db &db)
{
    QJsonArray out;
    QSqlQuery &q =
        db.exec(QStringLiteral("SELECT a.id, a.username, a.display_name, a.role, a.disabled_at IS NOT NULL, "
                               "liftline_iso(a.created_at), (SELECT liftline_iso(max(s.created_at)) FROM "
                               "agent_sessions s WHERE s.agent_id = a.id) "
                               "FROM agents a ORDER BY a.username"));
    while (q.next()) {
        out.append(QJsonObject{{QStringLiteral("id"), q.value(0).toInt()},
                               {QStringLiteral("username"), q.value(1).toString()},
                               {QStringLiteral("display_name"), q.value(2).toString()},
                               {QStringLiteral("role"), q.value(3).toString()},
                               {QStringLiteral("disabled"), q.value(4).toBool()},
                               {QStringLiteral("created_at"), q.value(5).toString()},
                               {QStringLiteral("last_sign_in_at"),
                                q.value(6).isNull() ? QJsonValue() : QJsonValue(q.value(6).toString())}});
    }
    q.finish();
    return out;
}

void setStatus(Db &db, int agentId, const QString &status, const Principal &who)
{
    if (status != QLatin1String("available") && status != QLatin1String("busy") &&
        status != QLatin1String("break"))
        throw DomainError(DomainError::Kind::Invalid, QStringLiteral("invalid_status"),
                          QStringLiteral("The status is 'available', 'busy' or 'break'"));
    db.transaction([&] {
        const QVariant before =
            db.scalar(QStringLiteral("SELECT status FROM agents WHERE id = ? FOR UPDATE"), {agentId});
        if (before.toString() == status)
            return;
        db.exec(QStringLiteral("UPDATE agents SET status = ?, status_changed_at = now() WHERE id = ?"),
                {status, agentId});
        AuditLog::record(db, who, QStringLiteral("agent.status_changed"), 0,
                         {{QStringLiteral("from"), before.toString()}, {QStringLiteral("to"), status}});
        // Every instance recomputes the online list (it shows each agent's status).
        db.exec(QStringLiteral("SELECT pg_notify('liftline_presence', '')"));
    });
}

bool find(Db &db, const QString &username, Account *account)
{
    QSqlQuery &q = db.exec(
        QStringLiteral("SELECT id, username, display_name, role, password_hash, disabled_at IS NOT NULL "
                       "FROM agents WHERE username = ?"),
        {normaliseUsername(username)});
    const bool found = q.next();
    if (found) {
        account->id = q.value(0).toInt();
        account->username = q.value(1).toString();
        account->displayName = q.value(2).toString();
        account->role = q.value(3).toString();
        account->passwordHash = q.value(4).toString();
        account->disabled = q.value(5).toBool();
    }
    q.finish();
    return found;
}

// Five free attempts per account and client, then a wait that doubles with each failure, capped at a
// minute: guessing becomes slow, while a person who mistyped is never locked out for long (sql/016).
int countAttempt(Db &db, const QString &username, const QString &client)
{
    return db
        .scalar(QStringLiteral("SELECT liftline_login_attempt(?, ?)"),
                {normaliseUsername(username).left(200), client.left(100)})
        .toInt();
}

void attemptSucceeded(Db &db, const QString &username, const QString &client)
{
    db.exec(QStringLiteral("DELETE FROM login_failures WHERE username = ? AND client = ?"),
            {normaliseUsername(username), client.left(100)});
}

void clearFailures(Db &db, const QString &username)
{
    db.exec(QStringLiteral("DELETE FROM login_failures WHERE username = ?"), {normaliseUsername(username)});
}

QJsonArray throttle(Db &db, const QString &username)
{
    QJsonArray out;
    QSqlQuery &q =
        db.exec(QStringLiteral("SELECT client, failures, liftline_iso(last_failure_at), "
                               "liftline_login_wait(failures, last_failure_at) FROM login_failures "
                               "WHERE username = ? ORDER BY last_failure_at DESC LIMIT 1000"),
                {normaliseUsername(username)});
    while (q.next())
        out.append(QJsonObject{{QStringLiteral("client"), q.value(0).toString()},
                               {QStringLiteral("failures"), q.value(1).toInt()},
                               {QStringLiteral("last_failure_at"), q.value(2).toString()},
                               {QStringLiteral("wait_seconds"), q.value(3).toInt()}});
    q.finish();
    return out;
}

int clearThrottle(Db &db, const QString &rawUsername, const Principal &who)
{
    const QString username = normaliseUsername(rawUsername);
    return db.transaction([&] {
        const int cleared =
            db.exec(QStringLiteral("DELETE FROM login_failures WHERE username = ?"), {username})
                .numRowsAffected();
        AuditLog::record(db, who, QStringLiteral("agent.throttle_cleared"), 0,
                         {{QStringLiteral("username"), username}, {QStringLiteral("clients"), cleared}});
        return cleared;
    });
}

Session createSession(Db &db, int agentId, int lifetimeHours, const QString &remote)
{
    Session s;
    s.token = Auth::newSessionToken();
    QSqlQuery &q =
        db.exec(QStringLiteral("INSERT INTO agent_sessions (agent_id, token_sha256, expires_at, remote) "
                               "VALUES (?, ?, now() + make_interval(hours => ?), ?) "
                               "RETURNING liftline_iso(expires_at)"),
                {agentId, Auth::tokenHash(s.token), lifetimeHours, remote});
    q.next();
    s.expiresAt = QDateTime::fromString(q.value(0).toString(), Qt::ISODateWithMs);
    q.finish();
    return s;
}

void endSession(Db &db, qint64 sessionId)
{
    db.exec(
        QStringLiteral("UPDATE agent_sessions SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL"),
        {sessionId});
}

} // namespace AgentStore
