#include "Auth.h"

#include "base/Logging.h"
#include "db/Db.h"
#include "domain/DomainError.h"

#include <QCryptographicHash>
#include <sodium.h>

Auth::Auth(const QString &adminToken, const QString &aiToken)
{
    if (adminToken.size() >= minimumTokenLength)
        m_admin = adminToken.toUtf8();
    if (aiToken.size() >= minimumTokenLength)
        m_ai = aiToken.toUtf8();
}

QByteArray Auth::presentedToken(const QByteArray &authorizationHeader, const QByteArray &adminHeader,
                                const QByteArray &aiHeader)
{
    const QByteArray authorization = authorizationHeader.trimmed();
    if (authorization.size() > 7 && authorization.left(7).compare("bearer ", Qt::CaseInsensitive) == 0)
        return authorization.mid(7).trimmed();
    const QByteArray admin = adminHeader.trimmed();
    if (!admin.isEmpty())
        return admin;
    return aiHeader.trimmed();
}

bool Auth::constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    // Compare digests so that the time taken does not depend on where, or whether, the lengths differ.
    const QByteArray da = QCryptographicHash::hash(a, QCryptographicHash::Sha256);
    const QByteArray db = QCryptographicHash::hash(b, QCryptographicHash::Sha256);
    return sodium_memcmp(da.constData(), db.constData(), size_t(da.size())) == 0;
}

QByteArray Auth::tokenHash(const QByteArray &token)
{
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256);
}

QByteArray Auth::newSessionToken()
{
    QByteArray bytes(32, Qt::Uninitialized);
    randombytes_buf(bytes.data(), size_t(bytes.size()));
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

Principal Auth::authenticate(Db &db, const QByteArray &token) const
{
    if (token.isEmpty())
        throw DomainError(
            DomainError::Kind::Unauthenticated, QStringLiteral("unauthorized"),
            QStringLiteral("Sign in first: send your session token as 'Authorization: Bearer <token>'"));
    Principal p;
    if (!m_admin.isEmpty() && constantTimeEquals(token, m_admin)) {
        p.kind = Principal::Kind::AdminToken;
        return p;
    }
    if (!m_ai.isEmpty() && constantTimeEquals(token, m_ai)) {
        p.kind = Principal::Kind::AiToken;
        return p;
    }
    QSqlQuery &q =
        db.exec(QStringLiteral("SELECT s.id, a.id, a.username, a.display_name, a.role, s.last_seen_at < "
                               "now() - interval '1 minute' "
                               "FROM agent_sessions s JOIN agents a ON a.id = s.agent_id "
                               "WHERE s.token_sha256 = ? AND s.revoked_at IS NULL AND s.expires_at > now() "
                               "AND a.disabled_at IS NULL"),
                {tokenHash(token)});
    if (!q.next())
        throw DomainError(DomainError::Kind::Unauthenticated, QStringLiteral("invalid_token"),
                          QStringLiteral("Your session has ended or the token is not valid: sign in again"));
    p.kind = Principal::Kind::Agent;
    p.sessionId = q.value(0).toLongLong();
    p.agentId = q.value(1).toInt();
    p.username = q.value(2).toString();
    p.displayName = q.value(3).toString();
    p.role = q.value(4).toString();
    const bool stale = q.value(5).toBool();
    q.finish();
    if (stale)
        db.exec(QStringLiteral("UPDATE agent_sessions SET last_seen_at = now() WHERE id = ?"), {p.sessionId});
    return p;
}

void Auth::requireAdmin(const Principal &principal)
{
    if (!principal.isAdmin())
        throw DomainError(
            DomainError::Kind::Forbidden, QStringLiteral("forbidden"),
            QStringLiteral("Only an administrator may do this: ask one, or sign in with an admin account"));
}
