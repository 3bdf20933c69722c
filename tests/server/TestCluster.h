#pragma once

#include "db/DbParams.h"
#include "db/EmbeddedPostgres.h"

#include <QTemporaryDir>
#include <memory>

// One embedded PostgreSQL per test program (fsync off), started on first use and stopped when the
// application exits. Each test case takes a fresh database copied from a migrated template, which is
// much faster than migrating every time.
class TestCluster {
public:
    static TestCluster &instance();

    // A new, migrated database with a unique name.
    DbParams createDatabase();
    // A new, empty database (not migrated).
    DbParams createEmptyDatabase();
    DbParams maintenanceParams() const; // the 'postgres' database, for CREATE/DROP DATABASE
    EmbeddedPostgres &postgres() { return *m_pg; }
    // A temporary folder the cluster's account can reach, for data a test writes.
    QString scratchDir() const { return m_dir.path(); }

    // Stops the cluster now (registered to run when the application exits).
    static void shutdown();

private:
    TestCluster();
    DbParams create(const QString &templateName);

    QTemporaryDir m_dir;
    std::unique_ptr<EmbeddedPostgres> m_pg;
    int m_counter = 0;
};
