#pragma once

#include <QList>
#include <QString>

class Db;

// Applies the numbered SQL files of sql/ (embedded as :/sql/NNN_name.sql) in order, each in its own
// transaction under an advisory lock, so several servers starting at once apply each file once.
// Every file is idempotent as well, and safe on a database of the original lift-alert system.
class Migrator {
public:
    struct Migration {
        int version = 0;
        QString name;
        QString sql;
        QString checksum;
    };

    static QList<Migration> available();
    static int latestVersion();

    // Applies what is missing; returns the names applied. Throws DbError with the database's message
    // (the migrations' own messages say what to do) when one fails; nothing of that file is kept.
    static QStringList migrate(Db &db);
    // The newest version applied to this database, 0 when none.
    static int appliedVersion(Db &db);
};
