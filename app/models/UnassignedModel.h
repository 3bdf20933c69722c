#pragma once

#include <QAbstractListModel>
#include <QJsonObject>
#include <QList>

// Inbound messages that matched no ticket, newest first, until an agent attaches them to one.
class UnassignedModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        UnassignedIdRole = Qt::UserRole + 1, // qint64
        FromRole,                            // the sender: profile name and number
        TextRole,                            // the message, plain
        ReceivedAtRole,                      // QDateTime (UTC): WhatsApp's time, else when stored
        ItemRole,                            // the whole JSON object
    };
    Q_ENUM(Role)

    explicit UnassignedModel(QObject *parent = nullptr);
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    void reset(const QJsonArray &items);
    // unassigned.created adds it; unassigned.attached (attached_ticket_id set) takes it away.
    void upsert(const QJsonObject &item);

private:
    int rowOf(qint64 id) const;
    QList<QJsonObject> m_items;
};
