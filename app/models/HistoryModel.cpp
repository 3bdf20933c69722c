#include "HistoryModel.h"

#include "WireTime.h"

#include <QLocale>

HistoryModel::HistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int HistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString HistoryModel::referenceOf(const QJsonObject &incident)
{
    const QString reference = incident.value(QStringLiteral("ticket_reference")).toString();
    return reference.isEmpty() ? tr("Ticket %1").arg(incident.value(QStringLiteral("ticket_id")).toInt())
                               : reference;
}

QString HistoryModel::liftOf(const QJsonObject &incident)
{
    const QJsonObject lift = incident.value(QStringLiteral("lift")).toObject();
    QStringList where;
    for (const char *key : {"site_name", "building"}) {
        const QString part = lift.value(QLatin1String(key)).toString().trimmed();
        if (!part.isEmpty() && !where.contains(part))
            where << part;
    }
    const QString msisdn = lift.value(QStringLiteral("msisdn")).toString();
    if (where.isEmpty())
        return msisdn.isEmpty() ? QString() : QStringLiteral("+") + msisdn;
    return msisdn.isEmpty() ? where.join(QStringLiteral(", "))
                            : tr("%1 (+%2)").arg(where.join(QStringLiteral(", ")), msisdn);
}

QString HistoryModel::technicianOf(const QJsonObject &incident)
{
    const QJsonObject t = incident.value(QStringLiteral("technician")).toObject();
    const QString name = t.value(QStringLiteral("name")).toString();
    const QString number = t.value(QStringLiteral("number")).toString();
    if (name.isEmpty() && number.isEmpty())
        return tr("no technician wrote");
    if (number.isEmpty())
        return name;
    return name.isEmpty() ? QStringLiteral("+") + number : tr("%1 (+%2)").arg(name, number);
}

QString HistoryModel::localTime(const QString &wireTime)
{
    const QDateTime t = WireTime::parse(wireTime);
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm")) : QString();
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject &o = m_rows.at(index.row());
    const auto s = [&o](const char *key) { return o.value(QLatin1String(key)).toString(); };
    const bool open = s("status") == QLatin1String("open");
    switch (role) {
    case TicketIdRole:
        return o.value(QStringLiteral("ticket_id")).toInt();
    case ReferenceRole:
        return s("ticket_reference");
    case OpenRole:
        return open;
    case OpenedAtRole:
        return WireTime::parse(s("created_at"));
    case ResolvedAtRole:
        return WireTime::parse(s("resolved_at"));
    case IncidentRole:
        return o;
    case Qt::ToolTipRole:
        if (index.column() == Said)
            return o.value(QStringLiteral("match")).toObject().value(QStringLiteral("text")).toString();
        return {};
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case Reference:
        return referenceOf(o);
    case Opened:
        return localTime(s("created_at"));
    case Resolved: {
        if (open)
            return tr("open");
        // A ticket the original system closed may have no time recorded: it is resolved all the same.
        const QString at = localTime(s("resolved_at"));
        return at.isEmpty() ? tr("resolved") : at;
    }
    case Lift:
        return liftOf(o);
    case Technician:
        return technicianOf(o);
    case Messages: {
        const int count = o.value(QStringLiteral("message_count")).toInt();
        const int matches = o.value(QStringLiteral("matches")).toInt();
        return m_searchedText && matches > 0 ? tr("%1 (%n matching)", nullptr, matches).arg(count)
                                             : QString::number(count);
    }
    case Said: {
        // Plain text on one line: a message's line breaks would make the row as tall as the message.
        const QString text =
            o.value(QStringLiteral("match")).toObject().value(QStringLiteral("text")).toString();
        return text.simplified();
    }
    default:
        return {};
    }
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Reference:
        return tr("Reference");
    case Opened:
        return tr("Opened");
    case Resolved:
        return tr("Resolved");
    case Lift:
        return tr("Lift");
    case Technician:
        return tr("Technician");
    case Messages:
        return tr("Messages");
    case Said:
        return tr("What was said");
    default:
        return {};
    }
}

QHash<int, QByteArray> HistoryModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(TicketIdRole, "ticketId");
    names.insert(ReferenceRole, "reference");
    names.insert(OpenRole, "open");
    names.insert(OpenedAtRole, "openedAt");
    names.insert(ResolvedAtRole, "resolvedAt");
    names.insert(IncidentRole, "incident");
    return names;
}

QList<QJsonObject> HistoryModel::kept(const QJsonArray &incidents) const
{
    QList<QJsonObject> out;
    for (const QJsonValue &v : incidents) {
        const QJsonObject o = v.toObject();
        const int ticket = o.value(QStringLiteral("ticket_id")).toInt();
        if (ticket > 0 && ticket != m_excluded)
            out << o;
    }
    return out;
}

void HistoryModel::reset(const QJsonArray &incidents, bool searchedText)
{
    beginResetModel();
    m_searchedText = searchedText;
    m_rows = kept(incidents);
    endResetModel();
}

void HistoryModel::append(const QJsonArray &incidents)
{
    const QList<QJsonObject> more = kept(incidents);
    if (more.isEmpty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(more.size()) - 1);
    m_rows.append(more);
    endInsertRows();
}

int HistoryModel::rowOfTicket(int ticketId) const
{
    for (int r = 0; r < m_rows.size(); ++r)
        if (m_rows.at(r).value(QStringLiteral("ticket_id")).toInt() == ticketId)
            return r;
    return -1;
}
