#include "MessageDelegate.h"

#include "MessageModel.h"

#include <QDateTime>
#include <QLocale>
#include <QPainter>
#include <QTextLayout>

namespace {
constexpr int pad = 8;

// Lays `text` out as plain text within `width`; returns its height, and in `natural` the widest line.
int layoutText(QTextLayout &layout, int width, int *natural = nullptr)
{
    QTextOption option;
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(option);
    layout.beginLayout();
    int height = 0;
    qreal widest = 0;
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(width);
        line.setPosition(QPointF(0, height));
        height += int(std::ceil(line.height()));
        widest = std::max(widest, line.naturalTextWidth());
    }
    layout.endLayout();
    if (natural)
        *natural = int(std::ceil(widest)) + 1;
    return height;
}
} // namespace

MessageDelegate::MessageDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{}

QString MessageDelegate::statusText(const QString &status)
{
    if (status == QLatin1String("pending"))
        return tr("sending…");
    if (status == QLatin1String("sent"))
        return QStringLiteral("✓");
    if (status == QLatin1String("delivered"))
        return QStringLiteral("✓✓");
    if (status == QLatin1String("read"))
        return tr("✓✓ read");
    if (status == QLatin1String("failed"))
        return tr("not sent");
    return {};
}

MessageDelegate::Layout MessageDelegate::layout(const QStyleOptionViewItem &option,
                                                const QModelIndex &index) const
{
    using M = MessageModel;
    Layout l;
    const QFontMetrics fm = option.fontMetrics;
    const int line = fm.lineSpacing();
    const int width = option.rect.width() > 0 ? option.rect.width() : 600;
    const int maxBubble = std::max(120, width * 3 / 4);
    int y = option.rect.top() + pad / 2;
    if (index.data(M::ShowDayRole).toBool()) {
        l.day = QRect(option.rect.left(), y, width, line + pad);
        y += line + pad;
    }
    const bool outbound = index.data(M::OutboundRole).toBool();
    if (index.data(M::ShowAuthorRole).toBool()) {
        l.author = QRect(option.rect.left() + pad, y, width - 2 * pad, line);
        y += line;
    }
    QTextLayout text(index.data(M::DisplayTextRole).toString(), option.font);
    int textWidth = 0;
    const int textHeight = std::max(line, layoutText(text, maxBubble - 2 * pad, &textWidth));
    const QString time =
        QLocale().toString(index.data(M::TimeRole).toDateTime().toLocalTime().time(), QLocale::ShortFormat);
    l.footerText = time;
    if (outbound)
        l.footerText += QStringLiteral("  ") + (index.data(M::UnconfirmedRole).toBool()
                                                    ? tr("not confirmed: activate to send again")
                                                    : statusText(index.data(M::StatusRole).toString()));
    const QString error = index.data(M::ErrorRole).toString();
    if (index.data(M::StatusRole).toString() == QLatin1String("failed") && !error.isEmpty())
        l.footerText += QStringLiteral(" — ") + error;
    QTextLayout footer(l.footerText, option.font);
    int footerWidth = 0;
    const int footerHeight = layoutText(footer, maxBubble - 2 * pad, &footerWidth);
    const int bubbleWidth = std::min(std::max(textWidth, footerWidth), maxBubble - 2 * pad) + 2 * pad;
    const int bubbleHeight = textHeight + footerHeight + 2 * pad;
    const int x = outbound ? option.rect.right() - pad - bubbleWidth : option.rect.left() + pad;
    l.bubble = QRect(x, y, bubbleWidth, bubbleHeight);
    l.text = QRect(x + pad, y + pad, bubbleWidth - 2 * pad, textHeight);
    l.footer = QRect(x + pad, y + pad + textHeight, bubbleWidth - 2 * pad, footerHeight);
    return l;
}

MessageDelegate::Layout MessageDelegate::cachedLayout(const QStyleOptionViewItem &option,
                                                      const QModelIndex &index) const
{
    using M = MessageModel;
    const qint64 id = index.data(M::MessageIdRole).toLongLong();
    const QString key = QStringLiteral("%1|%2|%3|%4|%5|%6|%7")
                            .arg(id > 0 ? QString::number(id) : index.data(M::ClientMessageIdRole).toString())
                            .arg(option.rect.width())
                            .arg(index.data(M::ShowDayRole).toBool())
                            .arg(index.data(M::ShowAuthorRole).toBool())
                            .arg(index.data(M::StatusRole).toString())
                            .arg(option.font.key())
                            .arg(index.data(M::ErrorRole).toString().size());
    if (const auto found = m_layouts.constFind(key); found != m_layouts.cend())
        return *found;
    QStyleOptionViewItem atOrigin = option;
    atOrigin.rect.moveTopLeft({0, 0});
    const Layout l = layout(atOrigin, index);
    if (m_layouts.size() > 50000)
        m_layouts.clear();
    m_layouts.insert(key, l);
    return l;
}

QSize MessageDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const Layout l = cachedLayout(option, index);
    return {option.rect.width() > 0 ? option.rect.width() : 600, l.bubble.bottom() + 1 + pad};
}

void MessageDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                            const QModelIndex &index) const
{
    using M = MessageModel;
    Layout l = cachedLayout(option, index);
    const QPoint at = option.rect.topLeft();
    for (QRect *r : {&l.day, &l.author, &l.bubble, &l.text, &l.footer})
        if (r->isValid())
            r->translate(at);
    const QPalette &pal = option.palette;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    if (l.day.isValid()) {
        painter->setPen(pal.color(QPalette::PlaceholderText));
        painter->drawText(l.day, Qt::AlignCenter, index.data(M::DayLabelRole).toString());
    }
    const bool outbound = index.data(M::OutboundRole).toBool();
    if (l.author.isValid()) {
        painter->setPen(pal.color(QPalette::PlaceholderText));
        painter->drawText(l.author, outbound ? Qt::AlignRight : Qt::AlignLeft,
                          index.data(M::AuthorRole).toString());
    }
    const bool failed = index.data(M::StatusRole).toString() == QLatin1String("failed");
    QColor fill = outbound ? pal.color(QPalette::Highlight) : pal.color(QPalette::AlternateBase);
    if (outbound)
        fill.setAlpha(60);
    if (failed)
        fill = QColor(0xd3, 0x2f, 0x2f, 50);
    painter->setPen(failed ? QColor(0xd3, 0x2f, 0x2f) : pal.color(QPalette::Mid));
    painter->setBrush(fill);
    painter->drawRoundedRect(l.bubble, 8, 8);
    QTextLayout text(index.data(M::DisplayTextRole).toString(), option.font);
    layoutText(text, l.text.width());
    painter->setPen(pal.color(QPalette::Text));
    text.draw(painter, l.text.topLeft());
    QTextLayout footer(l.footerText, option.font);
    layoutText(footer, l.footer.width());
    painter->setPen(failed ? QColor(0xd3, 0x2f, 0x2f) : pal.color(QPalette::PlaceholderText));
    footer.draw(painter, l.footer.topLeft());
    painter->restore();
}
