#include "ConversationListModel.h"

#include "WireTime.h"

#include <QJsonArray>

ConversationListModel::ConversationListModel(QObject *parent)
    : QAbstractListModel(parent)
{}

ConversationListModel::Row ConversationListModel::makeRow(const QJsonObject &json)
{
    Row r;
    r.json = json;
    r.id = json.value(QStringLiteral("id")).toInt();
    r.lastMessageAt = WireTime::parse(json.value(QStringLiteral("last_message_at")).toString());
    r.agentRequestedAt = WireTime::parse(json.value(QStringLiteral("agent_requested_at")).toString());
    r.windowExpiresAt = WireTime::parse(json.value(QStringLiteral("window_expires_at")).toString());
    r.createdAt = WireTime::parse(json.value(QStringLiteral("created_at")).toString());
    r.acknowledgedAt = WireTime::parse(json.value(QStringLiteral("acknowledged_at")).toString());
    r.repliedAt = WireTime::parse(json.value(QStringLiteral("agent_replied_at")).toString());
    const Request request = requestOf(json);
    r.waiting = request == Request::Waiting;
    r.taken = request == Request::Taken;
    return r;
}

ConversationListModel::Request ConversationListModel::requestOf(const QJsonObject &json)
{
    if (!json.value(QStringLiteral("agent_requested")).toBool() ||
        json.value(QStringLiteral("status")).toString() != QLatin1String("open"))
        return Request::None;
    if (json.value(QStringLiteral("acknowledged_at")).isNull())
        return Request::Waiting;
    // A server without agent_replied_at (older than the console) never shows a request as answered: the
    // clock would run for ever, so there the acknowledgement ends it.
    const QJsonValue replied = json.value(QStringLiteral("agent_replied_at"));
    return json.contains(QStringLiteral("agent_replied_at")) && replied.isNull() ? Request::Taken
                                                                                 : Request::Answered;
}

int ConversationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ConversationListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows.at(index.row());
    const auto text = [&r](const char *key) { return r.json.value(QLatin1String(key)).toString(); };
    switch (role) {
    case Qt::DisplayRole:
    case ReferenceRole:
        return text("ticket_reference");
    case TicketIdRole:
        return r.id;
    case TechnicianRole: {
        const QString name = text("contact_name");
        return name.isEmpty() ? text("contact_phone") : name;
    }
    case TechnicianNumberRole:
        return text("contact_phone");
    case LiftRole:
        return text("lift_name");
    case SiteRole:
        return text("site_name");
    case PreviewRole:
        return text("last_message_preview").simplified();
    case LastMessageAtRole:
        return r.lastMessageAt;
    case UnreadRole:
        return r.json.value(QStringLiteral("unread_count")).toInt();
    case IsOpenRole:
        return text("status") == QLatin1String("open");
    case WaitingRole:
        return r.waiting;
    case AgentRequestedAtRole:
        return r.agentRequestedAt;
    case AcknowledgedByRole:
        return text("acknowledged_by");
    case AcknowledgedAtRole:
        return r.acknowledgedAt;
    case RepliedAtRole:
        return r.repliedAt;
    case TakenRole:
        return r.taken;
    case TitleRole: {
        const QString technician = data(index, TechnicianRole).toString();
        return technician.isEmpty() ? text("ticket_reference")
                                    : tr("%1 · %2").arg(text("ticket_reference"), technician);
    }
    case WindowExpiresAtRole:
        return r.windowExpiresAt;
    case CreatedAtRole:
        return r.createdAt;
    case ConversationRole:
        return r.json;
    case EscalationRole: {
        if (!r.waiting)
            return QString();
        const QJsonObject step = m_escalation.value(r.id);
        const QDateTime due =
            QDateTime::fromString(step.value(QStringLiteral("due_at")).toString(), Qt::ISODateWithMs);
        if (step.isEmpty() || (due.isValid() && r.agentRequestedAt.isValid() && due < r.agentRequestedAt))
            return QString();
        return escalationText(step);
    }
    case Qt::AccessibleTextRole: {
        QString s =
            tr("%1, %2, %3")
                .arg(text("ticket_reference"), data(index, TechnicianRole).toString(), text("lift_name"));
        if (r.waiting) {
            s = tr("Agent requested: %1").arg(s);
            if (const QString e = data(index, EscalationRole).toString(); !e.isEmpty())
                s = tr("%1, %2").arg(s, e);
        } else if (r.taken)
            s = tr("%1 has the request: %2").arg(text("acknowledged_by"), s);
        if (text("status") != QLatin1String("open"))
            s = tr("Resolved: %1").arg(s);
        const int unread = r.json.value(QStringLiteral("unread_count")).toInt();
        if (unread > 0)
            s += tr(", %n unread", nullptr, unread);
        return s;
    }
    default:
        return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert({{TicketIdRole, "ticketId"},
                  {ReferenceRole, "reference"},
                  {TechnicianRole, "technician"},
                  {TechnicianNumberRole, "technicianNumber"},
                  {LiftRole, "lift"},
                  {SiteRole, "site"},
                  {PreviewRole, "preview"},
                  {LastMessageAtRole, "lastMessageAt"},
                  {UnreadRole, "unread"},
                  {IsOpenRole, "isOpen"},
                  {WaitingRole, "waiting"},
                  {AgentRequestedAtRole, "agentRequestedAt"},
                  {AcknowledgedByRole, "acknowledgedBy"},
                  {AcknowledgedAtRole, "acknowledgedAt"},
                  {RepliedAtRole, "repliedAt"},
                  {TakenRole, "taken"},
                  {TitleRole, "title"},
                  {WindowExpiresAtRole, "windowExpiresAt"},
                  {CreatedAtRole, "createdAt"},
                  {ConversationRole, "conversation"}});
    return names;
}

void ConversationListModel::reset(const QJsonArray &conversations)
{
    beginResetModel();
    m_rows.clear();
    m_rowOfId.clear();
    for (const QJsonValue &v : conversations) {
        Row r = makeRow(v.toObject());
        if (r.id <= 0 || m_rowOfId.contains(r.id))
            continue;
        m_rowOfId.insert(r.id, int(m_rows.size()));
        m_rows.append(std::move(r));
    }
    endResetModel();
    Q_EMIT countsChanged();
}

void ConversationListModel::upsert(const QJsonObject &conversation)
{
    Row r = makeRow(conversation);
    if (r.id <= 0)
        return;
    const auto found = m_rowOfId.constFind(r.id);
    if (found != m_rowOfId.cend()) {
        const int row = *found;
        m_rows[row] = std::move(r);
        Q_EMIT dataChanged(index(row), index(row));
    } else {
        const int row = int(m_rows.size());
        beginInsertRows({}, row, row);
        m_rowOfId.insert(r.id, row);
        m_rows.append(std::move(r));
        endInsertRows();
    }
    Q_EMIT countsChanged();
}

void ConversationListModel::setEscalation(int ticketId, const QJsonObject &step)
{
    const QJsonObject current = m_escalation.value(ticketId);
    // Events and the snapshot's answer may cross: a later step is never replaced by an earlier one.
    if (!current.isEmpty() &&
        current.value(QStringLiteral("due_at")).toString() > step.value(QStringLiteral("due_at")).toString())
        return;
    m_escalation.insert(ticketId, step);
    const int row = rowOf(ticketId);
    if (row >= 0)
        Q_EMIT dataChanged(index(row), index(row), {EscalationRole});
}

QString ConversationListModel::escalationText(const QJsonObject &step)
{
    const QString action = step.value(QStringLiteral("action")).toString();
    const int seconds = step.value(QStringLiteral("after_seconds")).toInt();
    const QString after =
        QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    if (action == QLatin1String("supervisors"))
        return tr("escalated to supervisors at %1").arg(after);
    if (action == QLatin1String("oncall")) {
        const int level = step.value(QStringLiteral("level")).toInt();
        if (step.value(QStringLiteral("recipients")).toObject().contains(QStringLiteral("withheld")))
            return tr("on-call %1 not called at %2").arg(level).arg(after);
        return tr("on-call %1 called out at %2").arg(level).arg(after);
    }
    return QString();
}

int ConversationListModel::rowOf(int ticketId) const
{
    return m_rowOfId.value(ticketId, -1);
}

QJsonObject ConversationListModel::conversation(int ticketId) const
{
    const int row = rowOf(ticketId);
    return row < 0 ? QJsonObject() : m_rows.at(row).json;
}

int ConversationListModel::waitingCount() const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(), [](const Row &r) { return r.waiting; }));
}

bool ConversationListModel::hasRunningClocks() const
{
    return std::any_of(m_rows.cbegin(), m_rows.cend(), [](const Row &r) { return r.waiting || r.taken; });
}

int ConversationListModel::unreadCount() const
{
    int n = 0;
    for (const Row &r : m_rows)
        n += r.json.value(QStringLiteral("unread_count")).toInt();
    return n;
}
