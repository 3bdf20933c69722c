#include "TestCluster.h"

#include "db/Db.h"
#include "db/Migrator.h"

#include <QCoreApplication>
#include <QTest>

#include <sys/stat.h>

namespace {
TestCluster *g_instance = nullptr;
}

TestCluster &TestCluster::instance()
{
    if (!g_instance) {
        g_instance = new TestCluster;
        qAddPostRoutine(&TestCluster::shutdown);
    }
    return *g_instance;
}

void TestCluster::shutdown()
{
    delete g_instance;
    g_instance = nullptr;
}

TestCluster::TestCluster()
    : m_dir(QDir::tempPath() + QStringLiteral("/liftline-test-XXXXXX"))
{
    // As root the cluster runs as another account, which must be able to reach the data folder.
    ::chmod(QFile::encodeName(m_dir.path()).constData(), 0755);
    EmbeddedPostgres::Options options;
    options.dataDir = m_dir.path() + QStringLiteral("/pgdata");
    options.durable = false;
    m_pg = std::make_unique<EmbeddedPostgres>(options);
    QString error;
    if (!m_pg->start(&error))
        qFatal("Cannot start the test PostgreSQL: %s", qPrintable(error));
    try {
        Db admin(maintenanceParams(), QStringLiteral("test-cluster-setup"));
        admin.execOnce(QStringLiteral("CREATE DATABASE liftline_template"));
        admin.execOnce(QStringLiteral("CREATE DATABASE liftline_empty"));
        {
            Db db(m_pg->params().withDatabase(QStringLiteral("liftline_template")),
                  QStringLiteral("test-template"));
            Migrator::migrate(db);
        }
    } catch (const DbError &e) {
        qFatal("Cannot prepare the template database: %s", qPrintable(e.message()));
    }
}

DbParams TestCluster::maintenanceParams() const
{
    return m_pg->params().withDatabase(QStringLiteral("postgres"));
}

DbParams TestCluster::create(const QString &templateName)
{
    const QString name = QStringLiteral("t%1_%2").arg(QCoreApplication::applicationPid()).arg(++m_counter);
    Db admin(maintenanceParams(), QStringLiteral("test-cluster-create"));
    admin.execOnce(QStringLiteral("CREATE DATABASE %1 TEMPLATE %2").arg(name, templateName));
    return m_pg->params().withDatabase(name);
}

DbParams TestCluster::createDatabase()
{
    return create(QStringLiteral("liftline_template"));
}

DbParams TestCluster::createEmptyDatabase()
{
    return create(QStringLiteral("liftline_empty"));
}
