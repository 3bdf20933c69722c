#include "Migrator.h"

#include "Db.h"
#include "Logging.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QRegularExpression>

QList<Migrator::Migration> Migrator::available()
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d{3})_([a-z0-9_]+)\\.sql$"));
    QList<Migration> result;
    const QStringList files =
        QDir(QStringLiteral(":/sql")).entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    for (const QString &file : files) {
        const auto match = pattern.match(file);
        if (!match.hasMatch())
            continue;
        QFile f(QStringLiteral(":/sql/") + file);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        Migration m;
        m.version = match.captured(1).toInt();
        m.name = file;
        const QByteArray bytes = f.readAll();
        m.sql = QString::fromUtf8(bytes);
        m.checksum = QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
        result << m;
    }
    return result;
}

int Migrator::latestVersion()
{
    const QList<Migration> all = available();
    return all.isEmpty() ? 0 : all.last().version;
}

static const char *const createTable = "CREATE TABLE IF NOT EXISTS liftline_migrations ("
                                       " version integer PRIMARY KEY,"
                                       " name text NOT NULL,"
                                       " checksum text NOT NULL,"
                                       " applied_at timestamptz NOT NULL DEFAULT now())";

int Migrator::appliedVersion(Db &db)
{
    const QVariant exists =
        db.scalar(QStringLiteral("SELECT to_regclass('liftline_migrations') IS NOT NULL"));
    if (!exists.toBool())
        return 0;
    return db.scalar(QStringLiteral("SELECT coalesce(max(version), 0) FROM liftline_migrations")).toInt();
}

QStringList Migrator::migrate(Db &db)
{
    QStringList applied;
    const QList<Migration> migrations = available();
    db.transaction([&] {
        db.execOnce(QStringLiteral("SELECT pg_advisory_xact_lock(hashtext('liftline.migrations'))"));
        db.execOnce(QString::fromLatin1(createTable));
    });
    const int newest = appliedVersion(db);
    if (!migrations.isEmpty() && newest > migrations.last().version)
        throw DbError(
            DbError::Kind::Statement,
            QStringLiteral("This database was migrated by a newer liftline-server (schema version %1, "
                           "this server knows %2): run the newer server")
                .arg(newest)
                .arg(migrations.last().version));
    for (const Migration &m : migrations) {
        db.transaction([&] {
            // Serialises servers starting together; the second one then sees the row and skips.
            db.execOnce(QStringLiteral("SELECT pg_advisory_xact_lock(hashtext('liftline.migrations'))"));
            QSqlQuery found = db.execOnce(
                QStringLiteral("SELECT checksum FROM liftline_migrations WHERE version = ?"), {m.version});
            if (found.next()) {
                if (found.value(0).toString() != m.checksum)
                    qCInfo(lcDb) << "migration" << m.name
                                 << "changed since it was applied; not applied again";
                return;
            }
            try {
                db.execScript(m.sql);
            } catch (const DbError &e) {
                throw DbError(e.kind(), QStringLiteral("Migration %1 failed: %2").arg(m.name, e.message()),
                              e.sqlState());
            }
            db.execOnce(
                QStringLiteral("INSERT INTO liftline_migrations (version, name, checksum) VALUES (?, ?, ?)"),
                {m.version, m.name, m.checksum});
            applied << m.name;
        });
    }
    return applied;
}
