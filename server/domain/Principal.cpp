#include "Principal.h"

#include <QByteArray>

QString Principal::actorKind() const
{
    switch (kind) {
    case Kind::Agent:
        return QStringLiteral("agent");
    case Kind::AdminToken:
        return QStringLiteral("admin_token");
    case Kind::AiToken:
        return QStringLiteral("ai_token");
    case Kind::Cli:
        return QStringLiteral("cli");
    case Kind::System:
        return QStringLiteral("system");
    case Kind::Anonymous:
        break;
    }
    return QStringLiteral("anonymous");
}

QString Principal::actorKey() const
{
    return kind == Kind::Agent ? QStringLiteral("agent:%1").arg(agentId) : actorKind();
}

QString Principal::actorName() const
{
    switch (kind) {
    case Kind::Agent:
        return displayName;
    case Kind::AdminToken:
        return QStringLiteral("admin token");
    case Kind::AiToken:
        return QStringLiteral("AI assistant");
    case Kind::Cli: {
        const QByteArray user = qgetenv("SUDO_USER").isEmpty() ? qgetenv("USER") : qgetenv("SUDO_USER");
        return QStringLiteral("command line (%1)").arg(QString::fromLocal8Bit(user));
    }
    case Kind::System:
        return QStringLiteral("liftline-server");
    case Kind::Anonymous:
        break;
    }
    return {};
}

Principal Principal::cli()
{
    Principal p;
    p.kind = Kind::Cli;
    return p;
}
