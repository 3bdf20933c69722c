#pragma once

#include <QString>

// Where a PostgreSQL database is and how to sign in to it, in the form QPSQL takes.
struct DbParams {
    QString host; // a host name, or a folder holding the Unix socket
    int port = 5432;
    QString user;
    QString password;
    QString database;
    QString connectOptions; // libpq keywords, ';'-separated, e.g. "sslmode=require"

    bool isValid() const { return !database.isEmpty(); }
    DbParams withDatabase(const QString &name) const;
    // For logs and messages: never includes the password.
    QString describe() const;
    // The same as a postgres:// URL (what DATABASE_URL takes); includes the password.
    QString toUrl() const;
    // The libpq connection string (for pg_dump and friends), without the password: a command line is
    // readable by every account. The password goes in a password file (passfileLine, PGPASSFILE).
    QString conninfo() const;
    // A line of a libpq password file that gives the password for any server.
    QByteArray passfileLine() const;

    // postgres://user:password@host:port/database?sslmode=require (also postgresql://). A host of the
    // form %2Fpath or ?host=/path selects a Unix socket folder. Empty params and *error set when invalid.
    static DbParams fromUrl(const QString &url, QString *error);
};
