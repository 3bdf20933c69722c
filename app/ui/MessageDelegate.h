#pragma once

#include <QStyledItemDelegate>

// Paints one message as a bubble: the technician's on the left, the agents' on the right, the author
// line and the day separator when the model says so, delivery ticks, and a failed message's reason.
// The text is plain text: laid out with QTextLayout, never interpreted as markup.
class MessageDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit MessageDelegate(QObject *parent = nullptr);
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    static QString statusText(const QString &status);

private:
    struct Layout {
        QRect day, author, bubble, text, footer;
        QString footerText;
    };
    Layout layout(const QStyleOptionViewItem &option, const QModelIndex &index) const;
};
