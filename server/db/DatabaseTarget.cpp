#include "DatabaseTarget.h"

#include "Config.h"

bool DatabaseTarget::open(const Config &config, bool durable, QString *error)
{
    if (!config.databaseUrl.isEmpty()) {
        m_params = DbParams::fromUrl(config.databaseUrl, error);
        return m_params.isValid();
    }
    EmbeddedPostgres::Options options;
    options.dataDir = config.dataDir;
    options.account = config.pgAccount;
    options.socketDir = config.pgSocketDir;
    options.durable = durable;
    m_embedded = std::make_unique<EmbeddedPostgres>(options);
    if (!m_embedded->start(error)) {
        m_embedded.reset();
        return false;
    }
    m_params = m_embedded->params();
    return true;
}

QString DatabaseTarget::describe() const
{
    if (!m_embedded)
        return m_params.describe();
    return QStringLiteral("embedded PostgreSQL in %1%2")
        .arg(m_embedded->dataDir(),
             m_embedded->runAsAccount().isEmpty()
                 ? QString()
                 : QStringLiteral(" (run as account '%1')").arg(m_embedded->runAsAccount()));
}
