#pragma once

#include "domain/Principal.h"

#include <QByteArray>
#include <QString>

class Db;

// Turns credentials into a Principal: an agent's session token, ADMIN_TOKEN or AI_ASSISTANT_TOKEN. A
// configured token shorter than minimumTokenLength is disabled. It knows nothing of HTTP: the transports
// (REST requests, the event stream's upgrade) take the token from their headers with presentedToken().
class Auth {
public:
    static constexpr int minimumTokenLength = 16;

    Auth(const QString &adminToken, const QString &aiToken);

    bool adminTokenEnabled() const { return !m_admin.isEmpty(); }
    bool aiTokenEnabled() const { return !m_ai.isEmpty(); }

    // The token among the values of the three headers that may carry one (Authorization: Bearer,
    // X-Admin-Token, X-AI-Token, in that order), empty when none.
    static QByteArray presentedToken(const QByteArray &authorization, const QByteArray &adminToken,
                                     const QByteArray &aiToken);
    // Throws DomainError (Unauthenticated) when the token is empty or not valid.
    Principal authenticate(Db &db, const QByteArray &token) const;
    // Throws DomainError (Forbidden) unless the principal is an admin.
    static void requireAdmin(const Principal &principal);

    static QByteArray newSessionToken();
    static QByteArray tokenHash(const QByteArray &token);
    static bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

private:
    QByteArray m_admin;
    QByteArray m_ai;
};
