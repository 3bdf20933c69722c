#pragma once

#include <QString>

// Who is making a request: an agent's session, one of the configured tokens, or the command line.
struct Principal {
    enum class Kind { Anonymous, Agent, AdminToken, AiToken, Cli, System };
    Kind kind = Kind::Anonymous;
    int agentId = 0;
    QString username;
    QString displayName;
    QString role; // "agent", "supervisor" or "admin" for agents
    qint64 sessionId = 0;

    bool isAdmin() const
    {
        return kind == Kind::AdminToken || kind == Kind::Cli ||
               (kind == Kind::Agent && role == QLatin1String("admin"));
    }
    // The actor_kind column of audit_log.
    QString actorKind() const;
    // Identifies the account or token, where names may repeat: "agent:<id>", "admin_token", ...
    QString actorKey() const;
    // The name recorded on what this principal writes.
    QString actorName() const;

    static Principal cli();
};
