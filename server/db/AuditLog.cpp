#include "AuditLog.h"

#include "Db.h"
#include "domain/Principal.h"

#include <QJsonDocument>

namespace AuditLog {

void record(Db &db, const Principal &who, const QString &action, int ticketId, const QJsonObject &details,
            const QString &remote)
{
    db.exec(
        QStringLiteral(
            "INSERT INTO audit_log (actor_kind, agent_id, actor_name, action, ticket_id, details, remote) "
            "VALUES (?, ?, ?, ?, ?, ?::jsonb, ?)"),
        {who.actorKind(), who.agentId > 0 ? QVariant(who.agentId) : QVariant(QMetaType::fromType<int>()),
         who.actorName().isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(who.actorName()),
         action, ticketId > 0 ? QVariant(ticketId) : QVariant(QMetaType::fromType<int>()),
         QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact)),
         remote.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(remote)});
}

} // namespace AuditLog
