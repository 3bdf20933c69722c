#pragma once

#include <QSortFilterProxyModel>

// The order an agent works in: the emergency lane first (agent requested, not yet acknowledged; the
// longest waiting on top), then the latest message first, then the newest ticket. Filters as the agent
// types, on reference, lift, site and technician (name or number), every word must match somewhere.
class ConversationFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit ConversationFilterModel(QObject *parent = nullptr);

    // Which tickets: all, the open ones (the list agents work in) or the resolved ones the server still
    // lists (an hour after resolution), which the window keeps in a collapsed section of their own.
    enum class Section { All, Open, Resolved };
    void setSection(Section section);

    void setFilterText(const QString &text);
    QString filterText() const { return m_words.join(QLatin1Char(' ')); }

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QStringList m_words;
    Section m_section = Section::All;
};
