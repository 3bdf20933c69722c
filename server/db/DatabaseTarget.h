#pragma once

#include "DbParams.h"
#include "EmbeddedPostgres.h"

#include <memory>

// The database the server and its subcommands work on: DATABASE_URL when set, otherwise the embedded
// cluster (started here, or attached to when a server already runs it).
class DatabaseTarget {
public:
    struct Options {
        QString databaseUrl; // DATABASE_URL; empty for the embedded cluster
        EmbeddedPostgres::Options embedded;
    };
    bool open(const Options &options, QString *error);
    const DbParams &params() const { return m_params; }
    EmbeddedPostgres *embedded() const { return m_embedded.get(); }
    QString describe() const;

private:
    DbParams m_params;
    std::unique_ptr<EmbeddedPostgres> m_embedded;
};
