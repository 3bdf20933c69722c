#pragma once

#include <QString>

#include <stdexcept>

// What the domain (chats, tickets, the registry, agents and their credentials) refuses, in its own
// terms: a kind, a stable code for programs and a message a person can act on. The domain knows nothing
// of HTTP: server/http maps each kind to a status in one place (ApiError's constructor), and the command
// line prints the message.
class DomainError : public std::runtime_error {
public:
    enum class Kind {
        Invalid,         // the request itself is wrong: a missing, malformed or too long value
        Unauthenticated, // no credentials, or ones that are not (or no longer) valid
        Forbidden,       // valid credentials that may not do this
        NotFound,        // what the request names does not exist
        Conflict,        // the state forbids it now (closed, taken, already used)
        NotPossible,     // nothing to do it with yet (no recipient, nothing configured)
    };

    DomainError(Kind kind, QString code, QString message)
        : std::runtime_error(code.toStdString())
        , kind(kind)
        , code(std::move(code))
        , message(std::move(message))
    {}

    Kind kind;
    QString code;
    QString message;
};
