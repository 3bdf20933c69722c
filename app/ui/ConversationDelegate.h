#pragma once

#include <QStyledItemDelegate>

// Paints one conversation: reference and technician, lift and site, the last message, its time, the
// unread badge, and for the emergency lane a red band with a live "waiting 2:13" clock; a request taken
// but not answered yet shows its owner and keeps its clock ("Thandi has it 2:13").
class ConversationDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit ConversationDelegate(QObject *parent = nullptr);
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    // The server's clock minus ours, from the stream's "ready".
    void setClockOffsetMs(qint64 ms) { m_offsetMs = ms; }
    // While the console is offline the clocks are only as good as the last news: shown as such.
    void setStale(bool stale) { m_stale = stale; }
    bool isStale() const { return m_stale; }
    static QString waitingText(qint64 seconds);
    // "2:13", or "1:02:13" past the hour.
    static QString clockText(qint64 seconds);
    // What the corner of a request's row says: "waiting 2:13", "Thandi has it 2:13", with "?" when stale.
    QString cornerText(const QModelIndex &index) const;

private:
    qint64 m_offsetMs = 0;
    bool m_stale = false;
};
