#pragma once

#include <QCoreApplication>
#include <QString>

// A failed request as something a person can read: the server's {"error":{code,message}} when it sent
// one, otherwise words for what went wrong on the way.
struct RequestError {
    int status = 0; // HTTP status; 0 when no answer arrived
    QString code;   // the server's snake_case code, or "network", "timeout", "bad_answer"
    QString message;

    bool isAuthentication() const { return status == 401; }
    bool isNetwork() const { return status == 0; }
};
