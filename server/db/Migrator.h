#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <functional>

class Db;

// Applies the numbered SQL files of sql/ (embedded as :/sql/NNN_name.sql) in order, one server at a time
// (a session advisory lock), so that several servers starting at once apply each file once. Every file is
// idempotent, and safe on a database of the original lift-alert system while the original server keeps
// writing to it.
//
// A file is one or more steps. A line "-- liftline:step KIND: what it does" starts a step; statements before
// the first such line form a transactional step. KIND is
//   transaction     the step's statements in one transaction, which waits at most a moment for each lock
//                   (lock_timeout) and is tried again later rather than queue the original server behind it;
//   no-transaction  each statement on its own (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT, DO blocks
//                   that COMMIT in batches): long work that never blocks writers;
//   check           read-only statements that raise an exception saying what is in the way (ownership,
//                   duplicates). They run first when the file is applied, and `migrate --check` runs them
//                   without changing anything.
// A file is recorded as applied once every step has run; a step that failed runs again from its start.
// A transactional step goes to PostgreSQL whole, through libpq, so PostgreSQL itself reads the statements.
//
// An applied file must never change: when a file's checksum differs from the one recorded, migrate() and
// the server's start refuse, naming the file (earlier texts the project itself shipped are accepted).
//
// SQL functions live in sql/functions/NAME.sql, one function per file (CREATE OR REPLACE FUNCTION), and the
// file is the function's live definition. After the numbered files, migrate() applies each function file
// that is new or changed since it was recorded in liftline_functions, and every one of them after any
// numbered file ran (a numbered file may have defined an earlier version, as 003-017 do).
class Migrator {
public:
    enum class StepKind { Transaction, NoTransaction, Check };
    struct Step {
        StepKind kind = StepKind::Transaction;
        QString description;
        QString sql;
        // Seconds per row of chat_messages and of tickets the step takes, measured on the original
        // add-on's database ("-- liftline:cost message=SECONDS ticket=SECONDS"), for check()'s estimate.
        double costPerMessage = 0;
        double costPerTicket = 0;
    };
    struct Migration {
        int version = 0;
        QString name;
        QString sql;
        QString checksum;
        QString summary; // the file's opening comment
        QList<Step> steps;
    };

    struct Options {
        // How long a transactional step may wait for one lock before it gives way and is tried again.
        // Under PostgreSQL's deadlock_timeout (1 s unless the site changed it): when a step and a live
        // writer (the original server) each wait for the other, the step gives way before PostgreSQL
        // looks for the cycle and fails the writer's statement.
        int lockTimeoutMs = 500;
        // How many times a transactional step that gave way is tried again, one second apart.
        int lockRetries = 120;
        // Told what is being applied, for the log or the terminal.
        std::function<void(const QString &)> progress;
    };

    struct Function {
        QString name; // the file's name without .sql: the function's name
        QString sql;
        QString checksum;
    };

    static QList<Migration> available();
    static QList<Function> functions();
    static int latestVersion();
    static QList<Step> parseSteps(const QString &sql);

    // Applies what is missing; returns the names applied. Throws DbError with the database's message
    // (the migrations' own messages say what to do) when one fails; a failed step keeps nothing.
    static QStringList migrate(Db &db, const Options &options);
    static QStringList migrate(Db &db) { return migrate(db, Options()); }
    // The newest version applied to this database, 0 when none.
    static int appliedVersion(Db &db);

    // What `migrate` would do on this database, without changing anything (a read-only transaction):
    // the files still to apply with what each does, what is in the way (each check step's message), and
    // an estimate of the time from the sizes of the tables the long steps work through.
    struct Plan {
        QStringList pending;   // "NNN_name.sql: summary"
        QStringList functions; // function files to apply: new or changed since recorded
        QStringList obstacles;
        QStringList notes; // what the database holds that the migrations will change
        double estimatedSeconds = 0;
        bool ok() const { return obstacles.isEmpty(); }
        QString text() const;
    };
    static Plan check(Db &db);
};
