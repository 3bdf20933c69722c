#pragma once

#include <QJsonObject>
#include <QString>

class Db;
struct Principal;

// The compliance trail: who signed in, acknowledged, read, sent, resolved or changed what, and when.
namespace AuditLog {

void record(Db &db, const Principal &who, const QString &action, int ticketId = 0,
            const QJsonObject &details = {}, const QString &remote = {});

} // namespace AuditLog
