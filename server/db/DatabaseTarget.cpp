#include "DatabaseTarget.h"

bool DatabaseTarget::open(const Options &options, QString *error)
{
    if (!options.databaseUrl.isEmpty()) {
        m_params = DbParams::fromUrl(options.databaseUrl, error);
        return m_params.isValid();
    }
    m_embedded = std::make_unique<EmbeddedPostgres>(options.embedded);
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
