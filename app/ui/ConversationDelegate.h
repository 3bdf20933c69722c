#pragma once

#include <QStyledItemDelegate>

// Paints one conversation: reference and technician, lift and site, the last message, its time, the
// unread badge, and for the emergency lane a red band with a live "waiting 2:13" clock.
class ConversationDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit ConversationDelegate(QObject *parent = nullptr);
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    // The server's clock minus ours, from the stream's "ready".
    void setClockOffsetMs(qint64 ms) { m_offsetMs = ms; }
    static QString waitingText(qint64 seconds);

private:
    qint64 m_offsetMs = 0;
};
