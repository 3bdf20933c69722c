#pragma once

#include <QString>
#include <stdexcept>

// Thrown by Db when PostgreSQL refuses a statement or cannot be reached.
class DbError : public std::runtime_error {
public:
    enum class Kind {
        Unavailable, // no connection, or it broke: the caller answers 503 and the pool reconnects
        Statement,   // the statement failed (constraint, syntax, ...): see sqlState
    };
    DbError(Kind kind, const QString &message, const QString &sqlState = {})
        : std::runtime_error(message.toStdString())
        , m_kind(kind)
        , m_message(message)
        , m_sqlState(sqlState)
    {}
    Kind kind() const { return m_kind; }
    QString message() const { return m_message; }
    QString sqlState() const { return m_sqlState; }
    bool isUniqueViolation() const { return m_sqlState == QLatin1String("23505"); }

private:
    Kind m_kind;
    QString m_message;
    QString m_sqlState;
};
