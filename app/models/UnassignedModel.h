#pragma once

#include <QAbstractListModel>
#include <QJsonObject>
#include <QList>

// Inbound messages that matched no ticket, newest first, until an agent attaches them to one. One that
// asked for an agent waits, and alerts, until an agent takes it.
class UnassignedModel : public QAbstractListModel {
    Q_OBJECT
public:
    // An item's words as the list shows them: its text (as last edited), or "Deleted by the sender", with
    // what file it carries.
    static QString describe(const QJsonObject &item);
    enum Role {
        UnassignedIdRole = Qt::UserRole + 1, // qint64
        FromRole,                            // the sender: profile name and number
        TextRole,                            // the message, plain
        ReceivedAtRole,                      // QDateTime (UTC): WhatsApp's time, else when stored
        ItemRole,                            // the whole JSON object
        WaitingRole, // bool: it asked for an agent and nobody has taken the request yet
    };
    Q_ENUM(Role)

    explicit UnassignedModel(QObject *parent = nullptr);
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    void reset(const QJsonArray &items);
    // unassigned.created adds it, unassigned.updated changes it (an agent took its request);
    // unassigned.attached (attached_ticket_id set) takes it away.
    void upsert(const QJsonObject &item);

    int rowOf(qint64 id) const;
    // The items whose request is waiting for an agent.
    QList<qint64> waiting() const;

private:
    QList<QJsonObject> m_items;
};
