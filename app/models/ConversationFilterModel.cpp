#include "ConversationFilterModel.h"

#include "ConversationListModel.h"

#include <QDateTime>

ConversationFilterModel::ConversationFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
    sort(0);
}

void ConversationFilterModel::setFilterText(const QString &text)
{
    const QStringList words = text.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (words == m_words)
        return;
    m_words = words;
    invalidateFilter();
}

void ConversationFilterModel::setSection(Section section)
{
    if (section == m_section)
        return;
    m_section = section;
    invalidateFilter();
}

bool ConversationFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    using M = ConversationListModel;
    const bool lw = left.data(M::WaitingRole).toBool();
    const bool rw = right.data(M::WaitingRole).toBool();
    if (lw != rw)
        return lw;
    if (lw) {
        const QDateTime la = left.data(M::AgentRequestedAtRole).toDateTime();
        const QDateTime ra = right.data(M::AgentRequestedAtRole).toDateTime();
        if (la != ra)
            return la < ra; // waiting longest first
    }
    const QDateTime lm = left.data(M::LastMessageAtRole).toDateTime();
    const QDateTime rm = right.data(M::LastMessageAtRole).toDateTime();
    if (lm != rm)
        return lm > rm; // an invalid time (no message) is the oldest
    const QDateTime lc = left.data(M::CreatedAtRole).toDateTime();
    const QDateTime rc = right.data(M::CreatedAtRole).toDateTime();
    if (lc != rc)
        return lc > rc;
    return left.data(M::TicketIdRole).toInt() > right.data(M::TicketIdRole).toInt();
}

bool ConversationFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    using M = ConversationListModel;
    const QModelIndex i = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_section != Section::All && i.data(M::IsOpenRole).toBool() != (m_section == Section::Open))
        return false;
    if (m_words.isEmpty())
        return true;
    const QString haystack = QStringList{i.data(M::ReferenceRole).toString(), i.data(M::LiftRole).toString(),
                                         i.data(M::SiteRole).toString(), i.data(M::TechnicianRole).toString(),
                                         i.data(M::TechnicianNumberRole).toString()}
                                 .join(QLatin1Char('\n'));
    return std::all_of(m_words.cbegin(), m_words.cend(),
                       [&haystack](const QString &w) { return haystack.contains(w, Qt::CaseInsensitive); });
}
