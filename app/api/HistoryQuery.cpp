#include "HistoryQuery.h"

#include <QDateTime>
#include <QUrl>

bool HistoryQuery::isEmpty() const
{
    return text.trimmed().isEmpty() && lift.trimmed().isEmpty() && site.trimmed().isEmpty() &&
           technician.trimmed().isEmpty() && reference.trimmed().isEmpty() && status.isEmpty() &&
           !from.isValid() && !to.isValid();
}

QUrlQuery HistoryQuery::toUrlQuery() const
{
    QUrlQuery query;
    const auto add = [&query](const char *name, const QString &value) {
        const QString v = value.trimmed();
        // Percent-encoded here, so that what the agent typed arrives as typed: QUrlQuery would read a
        // typed "%41" as an escape, and a '+' as a space to servers and proxies that follow HTML forms.
        if (!v.isEmpty())
            query.addQueryItem(QLatin1String(name), QString::fromLatin1(QUrl::toPercentEncoding(v)));
    };
    add("q", text);
    add("lift", lift);
    add("site", site);
    add("technician", technician);
    add("reference", reference);
    add("status", status);
    // The days are the agent's: the server reads a bare day as UTC, so each bound goes as the instant the
    // local day starts (the day after `to`, which the server takes as "before").
    if (from.isValid())
        add("from", from.startOfDay().toUTC().toString(Qt::ISODate));
    if (to.isValid())
        add("to", to.addDays(1).startOfDay().toUTC().toString(Qt::ISODate));
    if (before > 0)
        add("before", QString::number(before));
    if (limit > 0)
        add("limit", QString::number(limit));
    return query;
}
