#include "UnassignedModel.h"

#include "MessageModel.h"

#include "WireTime.h"

#include <QColor>
#include <QJsonArray>
#include <QLocale>

namespace {

bool isWaiting(const QJsonObject &o)
{
    return o.value(QStringLiteral("agent_requested")).toBool() &&
           o.value(QStringLiteral("acknowledged_at")).isNull() &&
           o.value(QStringLiteral("attached_ticket_id")).isNull();
}

} // namespace

UnassignedModel::UnassignedModel(QObject *parent)
    : QAbstractListModel(parent)
{}

int UnassignedModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

QVariant UnassignedModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject &o = m_items.at(index.row());
    const auto s = [&o](const char *key) { return o.value(QLatin1String(key)).toString(); };
    QDateTime at = WireTime::parse(s("wa_timestamp"));
    if (!at.isValid())
        at = WireTime::parse(s("created_at"));
    switch (role) {
    case UnassignedIdRole:
        return o.value(QStringLiteral("id")).toInteger();
    case FromRole: {
        // The registry's name for the number, else the name the sender gave WhatsApp.
        const QString name = s("contact_name").isEmpty() ? s("profile_name") : s("contact_name");
        return name.isEmpty() ? s("from_number") : tr("%1 (%2)").arg(name, s("from_number"));
    }
    case WaitingRole:
        return isWaiting(o);
    case TextRole:
        return describe(o);
    case ReceivedAtRole:
        return at;
    case ItemRole:
        return o;
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        return (isWaiting(o) ? tr("Asks for an agent! ") : QString()) +
               tr("%1, %2: %3")
                   .arg(data(index, FromRole).toString(),
                        QLocale().toString(at.toLocalTime(), QLocale::ShortFormat), describe(o).simplified());
    case Qt::ForegroundRole:
        if (isWaiting(o))
            return QColor(0xb0, 0x1c, 0x1c);
        return {};
    default:
        return {};
    }
}

QString UnassignedModel::describe(const QJsonObject &item)
{
    // As a bubble shows it: "Deleted by the sender", a file's kind and caption, the text as last edited.
    QString text = MessageModel::displayText(item);
    const QString media = MessageModel::mediaLabel(item);
    if (!media.isEmpty())
        text = text.isEmpty() ? media : tr("%1 · %2").arg(media, text);
    if (item.value(QStringLiteral("edits")).toInt() > 0 && item.value(QStringLiteral("revoked_at")).isNull())
        text = tr("%1 (edited)").arg(text);
    return text;
}

QHash<int, QByteArray> UnassignedModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert({{UnassignedIdRole, "unassignedId"},
                  {FromRole, "from"},
                  {TextRole, "text"},
                  {ReceivedAtRole, "receivedAt"},
                  {ItemRole, "item"},
                  {WaitingRole, "waiting"}});
    return names;
}

QList<qint64> UnassignedModel::waiting() const
{
    QList<qint64> ids;
    for (const QJsonObject &o : m_items)
        if (isWaiting(o))
            ids << o.value(QStringLiteral("id")).toInteger();
    return ids;
}

int UnassignedModel::rowOf(qint64 id) const
{
    for (qsizetype i = 0; i < m_items.size(); ++i)
        if (m_items.at(i).value(QStringLiteral("id")).toInteger() == id)
            return int(i);
    return -1;
}

void UnassignedModel::reset(const QJsonArray &items)
{
    beginResetModel();
    m_items.clear();
    for (const QJsonValue &v : items)
        if (v.toObject().value(QStringLiteral("attached_ticket_id")).isNull())
            m_items.append(v.toObject());
    endResetModel();
}

void UnassignedModel::upsert(const QJsonObject &item)
{
    const qint64 id = item.value(QStringLiteral("id")).toInteger();
    if (id <= 0)
        return;
    const int row = rowOf(id);
    const bool attached = !item.value(QStringLiteral("attached_ticket_id")).isNull();
    if (attached) {
        if (row >= 0) {
            beginRemoveRows({}, row, row);
            m_items.removeAt(row);
            endRemoveRows();
        }
        return;
    }
    if (row >= 0) {
        m_items[row] = item;
        Q_EMIT dataChanged(index(row), index(row));
        return;
    }
    // Newest first: a new one goes on top.
    beginInsertRows({}, 0, 0);
    m_items.prepend(item);
    endInsertRows();
}
