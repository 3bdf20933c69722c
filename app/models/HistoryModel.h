#pragma once

#include <QAbstractTableModel>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>

// Incidents found in the history (GET /api/chat/history), newest opened first, one row each; later pages
// are appended. The columns are what an agent reads to recognise an incident; the roles carry the facts.
class HistoryModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Reference, Opened, Resolved, Lift, Technician, Messages, Said, ColumnCount };
    enum Role {
        TicketIdRole = Qt::UserRole + 1, // int
        ReferenceRole,                   // the ticket's reference (may be empty)
        OpenRole,                        // bool: the ticket is still open
        OpenedAtRole,                    // QDateTime (UTC)
        ResolvedAtRole,                  // QDateTime (UTC); invalid while open
        IncidentRole,                    // the whole JSON object
    };
    Q_ENUM(Role)

    explicit HistoryModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // A new search's first page. Without words searched (q), the column of what was said stays empty.
    void reset(const QJsonArray &incidents, bool searchedText);
    // The next page, below the rows there.
    void append(const QJsonArray &incidents);
    // Leaves this ticket out (the conversation open beside the list).
    void setExcluded(int ticketId) { m_excluded = ticketId; }
    QJsonObject incident(int row) const { return m_rows.value(row); }
    int rowOfTicket(int ticketId) const;
    bool searchedText() const { return m_searchedText; }

    // "JAMES-HOUSE-TKT1", or "Ticket 42" when it has no reference.
    static QString referenceOf(const QJsonObject &incident);
    // "James House, Block A (+27710000001)".
    static QString liftOf(const QJsonObject &incident);
    // "Thabo Nkosi (+27820000003)", or "nobody wrote".
    static QString technicianOf(const QJsonObject &incident);
    // A time as the agent reads it: their local date and time.
    static QString localTime(const QString &wireTime);

private:
    QList<QJsonObject> kept(const QJsonArray &incidents) const;

    QList<QJsonObject> m_rows;
    bool m_searchedText = false;
    int m_excluded = 0;
};
