#include "ConversationDelegate.h"

#include "ConversationListModel.h"

#include <QApplication>
#include <QDateTime>
#include <QLocale>
#include <QPainter>

ConversationDelegate::ConversationDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{}

QString ConversationDelegate::clockText(qint64 seconds)
{
    seconds = std::max<qint64>(0, seconds);
    if (seconds >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(seconds / 3600)
            .arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

QString ConversationDelegate::waitingText(qint64 seconds)
{
    return tr("waiting %1").arg(clockText(seconds));
}

QString ConversationDelegate::cornerText(const QModelIndex &index) const
{
    using M = ConversationListModel;
    const bool waiting = index.data(M::WaitingRole).toBool();
    const bool taken = index.data(M::TakenRole).toBool();
    if (waiting || taken) {
        const QDateTime now = QDateTime::currentDateTimeUtc().addMSecs(m_offsetMs);
        const qint64 seconds = index.data(M::AgentRequestedAtRole).toDateTime().secsTo(now);
        QString text =
            waiting
                ? waitingText(seconds)
                : tr("%1 has it %2").arg(index.data(M::AcknowledgedByRole).toString(), clockText(seconds));
        // Offline, nobody knows whether someone took it meanwhile.
        return m_stale ? tr("%1 (offline?)").arg(text) : text;
    }
    if (const QDateTime at = index.data(M::LastMessageAtRole).toDateTime(); at.isValid()) {
        const QDateTime local = at.toLocalTime();
        return local.date() == QDate::currentDate() ? QLocale().toString(local.time(), QLocale::ShortFormat)
                                                    : QLocale().toString(local.date(), QLocale::ShortFormat);
    }
    return {};
}

QSize ConversationDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    const int line = option.fontMetrics.lineSpacing();
    return {option.rect.width() > 0 ? option.rect.width() : 300, 3 * line + line};
}

void ConversationDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                 const QModelIndex &index) const
{
    using M = ConversationListModel;
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, painter, widget);

    painter->save();
    const bool waiting = index.data(M::WaitingRole).toBool();
    const bool selected = option.state & QStyle::State_Selected;
    const QPalette &pal = option.palette;
    const QRect r = option.rect.adjusted(8, 4, -8, -4);
    const QFontMetrics fm = option.fontMetrics;
    const int line = fm.lineSpacing();
    if (waiting) {
        painter->fillRect(QRect(option.rect.left(), option.rect.top(), 5, option.rect.height()),
                          QColor(0xd3, 0x2f, 0x2f));
        if (!selected)
            painter->fillRect(option.rect.adjusted(5, 0, 0, 0), QColor(0xd3, 0x2f, 0x2f, 40));
    }
    const QColor text = selected ? pal.color(QPalette::HighlightedText) : pal.color(QPalette::Text);
    const QColor muted = selected ? text : pal.color(QPalette::PlaceholderText);

    // Right column: the time or the request's clock, and the unread badge.
    const bool taken = index.data(M::TakenRole).toBool();
    const QString corner = cornerText(index);
    QFont bold = option.font;
    bold.setBold(true);
    painter->setFont(waiting || taken ? bold : option.font);
    QColor cornerColor = muted;
    if (!selected && m_stale && (waiting || taken))
        cornerColor = pal.color(QPalette::PlaceholderText);
    else if (!selected && waiting)
        cornerColor = QColor(0xd3, 0x2f, 0x2f);
    else if (!selected && taken)
        cornerColor = QColor(0x9a, 0x5b, 0x00);
    painter->setPen(cornerColor);
    const int cornerWidth = QFontMetrics(painter->font()).horizontalAdvance(corner) + 8;
    painter->drawText(QRect(r.right() - cornerWidth, r.top(), cornerWidth, line), Qt::AlignRight, corner);

    const int unread = index.data(M::UnreadRole).toInt();
    int badgeWidth = 0;
    if (unread > 0) {
        const QString n = unread > 99 ? QStringLiteral("99+") : QString::number(unread);
        badgeWidth = std::max(line, fm.horizontalAdvance(n) + line / 2);
        const QRect badge(r.right() - badgeWidth, r.top() + line + 2, badgeWidth, line);
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(pal.color(QPalette::Highlight));
        painter->drawRoundedRect(badge, line / 2.0, line / 2.0);
        painter->setPen(pal.color(QPalette::HighlightedText));
        painter->setFont(bold);
        painter->drawText(badge, Qt::AlignCenter, n);
    }

    const int textWidth = r.width() - std::max(cornerWidth, badgeWidth) - 8;
    painter->setFont(bold);
    painter->setPen(text);
    const QString title = index.data(M::TitleRole).toString();
    painter->drawText(QRect(r.left(), r.top(), textWidth, line), Qt::AlignLeft,
                      QFontMetrics(bold).elidedText(title, Qt::ElideRight, textWidth));
    painter->setFont(option.font);
    // A waiting request that went up its ladder says how far, before the lift: the first thing a
    // supervisor scanning the list needs.
    const QString escalation = index.data(M::EscalationRole).toString();
    int liftLeft = r.left();
    if (!escalation.isEmpty()) {
        const QString shown = fm.elidedText(escalation, Qt::ElideRight, textWidth);
        painter->setFont(bold);
        painter->setPen(selected ? text : QColor(0xd3, 0x2f, 0x2f));
        painter->drawText(QRect(r.left(), r.top() + line, textWidth, line), Qt::AlignLeft, shown);
        liftLeft += QFontMetrics(bold).horizontalAdvance(shown) + fm.horizontalAdvance(QLatin1Char(' '));
        painter->setFont(option.font);
    }
    painter->setPen(muted);
    const int liftWidth = std::max(0, textWidth - (liftLeft - r.left()));
    const QString lift = index.data(M::LiftRole).toString();
    painter->drawText(
        QRect(liftLeft, r.top() + line, liftWidth, line), Qt::AlignLeft,
        fm.elidedText(escalation.isEmpty() ? lift : QStringLiteral("· ") + lift, Qt::ElideRight, liftWidth));
    painter->setPen(text);
    painter->drawText(QRect(r.left(), r.top() + 2 * line, r.width(), line), Qt::AlignLeft,
                      fm.elidedText(index.data(M::PreviewRole).toString(), Qt::ElideRight, r.width()));
    painter->restore();
}
