#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

class Db;
struct Principal;

// Agent accounts, their sessions and failed sign-ins. All SQL for agents, agent_sessions and
// login_failures lives here; the command line and the admin routes both call it.
namespace AgentStore {

// The longest full name an agent may have (and a reply may carry as agent_name), in characters.
constexpr int maxDisplayNameLength = 120;

struct Account {
    int id = 0;
    QString username;
    QString displayName;
    QString role;
    QString passwordHash;
    bool disabled = false;
};

// Throws DomainError: Invalid for a bad username, name or role, Conflict when the username is taken.
int add(Db &db, const QString &username, const QString &displayName, const QString &role,
        const QString &passwordHash, const Principal &who);
// Each throws DomainError (NotFound) for an unknown username. Disabling and resetting end the account's
// sessions.
void setDisabled(Db &db, const QString &username, bool disabled, const Principal &who);
void setPasswordHash(Db &db, const QString &username, const QString &passwordHash, const Principal &who);
int revokeSessions(Db &db, const QString &username, const Principal &who);
QJsonArray list(Db &db);
// The agent's own availability: available, busy or break (a connected console counts for the escalation
// only while its agent is available). Audited; consoles hear of it with the next presence frame. Throws
// DomainError (invalid_status).
void setStatus(Db &db, int agentId, const QString &status, const Principal &who);

bool find(Db &db, const QString &username, Account *account);

// One sign-in attempt by `username` from `client`, counted as a failure before the password is checked:
// 0 when it may go ahead, else the seconds it must still wait (and it is not counted).
int countAttempt(Db &db, const QString &username, const QString &client);
// The password was right: that client's count starts again.
void attemptSucceeded(Db &db, const QString &username, const QString &client);
// Every client's count for the username (a password reset).
void clearFailures(Db &db, const QString &username);
// The username's counts by client (client, failures, last_failure_at, wait_seconds), for admins.
QJsonArray throttle(Db &db, const QString &username);
// Clears them, audited; returns how many clients were counted.
int clearThrottle(Db &db, const QString &username, const Principal &who);

struct Session {
    QByteArray token;
    QDateTime expiresAt;
};
Session createSession(Db &db, int agentId, int lifetimeHours, const QString &remote);
void endSession(Db &db, qint64 sessionId);

QString normaliseUsername(const QString &username);
QJsonObject toJson(const Account &account);

} // namespace AgentStore
