#pragma once

#include "Principal.h"

#include <QByteArray>
#include <QString>

class Db;
struct HttpRequest;

// Turns a request's credentials into a Principal. Accepted, in any of the three headers
// (Authorization: Bearer, X-Admin-Token, X-AI-Token): an agent's session token, ADMIN_TOKEN or
// AI_ASSISTANT_TOKEN. A configured token shorter than minimumTokenLength is disabled.
class Auth {
public:
    static constexpr int minimumTokenLength = 16;

    Auth(const QString &adminToken, const QString &aiToken);

    bool adminTokenEnabled() const { return !m_admin.isEmpty(); }
    bool aiTokenEnabled() const { return !m_ai.isEmpty(); }

    // The token the request carries, empty when none.
    static QByteArray presentedToken(const HttpRequest &request);
    // Throws ApiError 401 when there is no token or it is not valid.
    Principal authenticate(Db &db, const HttpRequest &request) const;
    // Throws ApiError 403 unless the principal is an admin.
    static void requireAdmin(const Principal &principal);

    static QByteArray newSessionToken();
    static QByteArray tokenHash(const QByteArray &token);
    static bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

private:
    QByteArray m_admin;
    QByteArray m_ai;
};
