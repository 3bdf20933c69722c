#include "DbParams.h"

#include <QStringList>
#include <QUrl>
#include <QUrlQuery>

DbParams DbParams::withDatabase(const QString &name) const
{
    DbParams p = *this;
    p.database = name;
    return p;
}

QString DbParams::describe() const
{
    const QString where = host.startsWith(QLatin1Char('/')) ? QStringLiteral("socket %1").arg(host)
                                                            : QStringLiteral("%1:%2").arg(host).arg(port);
    return QStringLiteral("database \"%1\" as \"%2\" on %3").arg(database, user, where);
}

static QString quoteConninfo(const QString &value)
{
    QString v = value;
    v.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('\''), QLatin1String("\\'"));
    return QLatin1Char('\'') + v + QLatin1Char('\'');
}

QString DbParams::conninfo() const
{
    QStringList parts;
    if (!host.isEmpty())
        parts << QStringLiteral("host=") + quoteConninfo(host);
    parts << QStringLiteral("port=%1").arg(port);
    if (!user.isEmpty())
        parts << QStringLiteral("user=") + quoteConninfo(user);
    parts << QStringLiteral("dbname=") + quoteConninfo(database);
    const QStringList options = connectOptions.split(QLatin1Char(';'), Qt::SkipEmptyParts);
    for (const QString &o : options)
        parts << o.trimmed();
    return parts.join(QLatin1Char(' '));
}

QByteArray DbParams::passfileLine() const
{
    QString escaped = password;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char(':'), QLatin1String("\\:"));
    return "*:*:*:*:" + escaped.toUtf8() + '\n';
}

QString DbParams::toUrl() const
{
    QUrl url;
    url.setScheme(QStringLiteral("postgres"));
    url.setUserName(user);
    url.setPassword(password);
    const bool socket = host.startsWith(QLatin1Char('/'));
    url.setHost(socket || host.isEmpty() ? QStringLiteral("localhost") : host);
    url.setPort(port);
    url.setPath(QLatin1Char('/') + database);
    QUrlQuery query;
    if (socket)
        query.addQueryItem(QStringLiteral("host"), host);
    const QStringList options = connectOptions.split(QLatin1Char(';'), Qt::SkipEmptyParts);
    for (const QString &o : options)
        query.addQueryItem(o.section(QLatin1Char('='), 0, 0).trimmed(),
                           o.section(QLatin1Char('='), 1).trimmed());
    url.setQuery(query);
    return url.toString(QUrl::FullyEncoded);
}

DbParams DbParams::fromUrl(const QString &text, QString *error)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || (scheme != QLatin1String("postgres") && scheme != QLatin1String("postgresql"))) {
        *error = QStringLiteral("DATABASE_URL must look like postgres://USER:PASSWORD@HOST:PORT/DATABASE");
        return {};
    }
    DbParams p;
    p.host = url.host().isEmpty() ? QStringLiteral("localhost") : url.host();
    p.port = url.port(5432);
    p.user = url.userName(QUrl::FullyDecoded);
    p.password = url.password(QUrl::FullyDecoded);
    p.database = url.path(QUrl::FullyDecoded).mid(1);
    QStringList options;
    const auto items = QUrlQuery(url).queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items) {
        if (key == QLatin1String("host"))
            p.host = value;
        else
            options << key + QLatin1Char('=') + value;
    }
    p.connectOptions = options.join(QLatin1Char(';'));
    if (p.database.isEmpty()) {
        *error = QStringLiteral("DATABASE_URL names no database: add it after the host, as in "
                                "postgres://liftline@db.example.org/liftline");
        return {};
    }
    return p;
}
