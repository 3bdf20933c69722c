#include "MessageDelegate.h"

#include "AudioPlayer.h"
#include "MediaLoader.h"
#include "MessageModel.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <QMouseEvent>
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
    // The file first: a picture's thumbnail, or a line saying what it is.
    l.mediaText = mediaText(index);
    QSize media;
    const QString mediaType =
        index.data(M::MediaRole).toJsonObject().value(QStringLiteral("type")).toString();
    if (index.data(M::MediaIdRole).toLongLong() > 0 && !index.data(M::RevokedRole).toBool() &&
        (mediaType == QLatin1String("image") || mediaType == QLatin1String("sticker")) &&
        (!m_loader || m_loader->problem(index.data(M::MediaIdRole).toLongLong()).isEmpty())) {
        l.picture = true;
        media = pictureSize(index);
    } else if (!l.mediaText.isEmpty()) {
        QTextLayout label(l.mediaText, option.font);
        int labelWidth = 0;
        const int labelHeight = layoutText(label, maxBubble - 4 * pad, &labelWidth);
        media = QSize(labelWidth + 2 * pad, labelHeight + pad);
    }
    const QString shown = index.data(M::DisplayTextRole).toString();
    QTextLayout text(shown, option.font);
    int textWidth = 0;
    const int textHeight = shown.isEmpty() && media.isValid()
                               ? 0
                               : std::max(line, layoutText(text, maxBubble - 2 * pad, &textWidth));
    const QString time =
        QLocale().toString(index.data(M::TimeRole).toDateTime().toLocalTime().time(), QLocale::ShortFormat);
    l.footerText = time;
    if (index.data(M::EditedRole).toBool())
        l.footerText += QStringLiteral("  ") + tr("edited");
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
    const int mediaHeight = media.isValid() ? media.height() + pad / 2 : 0;
    const int bubbleWidth =
        std::min(std::max({textWidth, footerWidth, media.width()}), maxBubble - 2 * pad) + 2 * pad;
    const int bubbleHeight = mediaHeight + textHeight + footerHeight + 2 * pad;
    const int x = outbound ? option.rect.right() - pad - bubbleWidth : option.rect.left() + pad;
    l.bubble = QRect(x, y, bubbleWidth, bubbleHeight);
    if (media.isValid())
        l.media = QRect(x + pad, y + pad, std::min(media.width(), bubbleWidth - 2 * pad), media.height());
    l.text = QRect(x + pad, y + pad + mediaHeight, bubbleWidth - 2 * pad, textHeight);
    l.footer = QRect(x + pad, y + pad + mediaHeight + textHeight, bubbleWidth - 2 * pad, footerHeight);
    const QString reactions = index.data(M::ReactionsRole).toString();
    if (!reactions.isEmpty()) {
        const int w = fm.horizontalAdvance(reactions) + 2 * pad;
        l.reactions = QRect(outbound ? l.bubble.right() - w : l.bubble.left() + pad,
                            l.bubble.bottom() - pad / 2, w, line + pad / 2);
    }
    return l;
}

QSize MessageDelegate::pictureSize(const QModelIndex &index) const
{
    using M = MessageModel;
    const qint64 media = index.data(M::MediaIdRole).toLongLong();
    if (m_loader) {
        const QImage thumbnail = m_loader->cached(media);
        if (!thumbnail.isNull())
            return thumbnail.size()
                .scaled(MediaLoader::thumbnailSide, MediaLoader::thumbnailSide, Qt::KeepAspectRatio)
                .boundedTo(thumbnail.size());
    }
    const bool sticker = index.data(M::MediaRole).toJsonObject().value(QStringLiteral("type")).toString() ==
                         QLatin1String("sticker");
    return sticker ? QSize(128, 128) : QSize(MediaLoader::thumbnailSide, MediaLoader::thumbnailSide * 3 / 4);
}

QString MessageDelegate::mediaText(const QModelIndex &index) const
{
    using M = MessageModel;
    QString text = index.data(M::MediaLabelRole).toString();
    if (text.isEmpty())
        return text;
    const QJsonObject media = index.data(M::MediaRole).toJsonObject();
    const qint64 id = index.data(M::MediaIdRole).toLongLong();
    const QString type = media.value(QStringLiteral("type")).toString();
    if (id > 0 && type == QLatin1String("audio")) {
        const bool current = m_player && m_player->mediaId() == id;
        return (current && m_player->isPlaying() ? QStringLiteral("⏸  ") : QStringLiteral("▶  ")) + text +
               (current ? QStringLiteral("  ") + m_player->progressText() : QString());
    }
    if (id > 0 && m_loader && !m_loader->problem(id).isEmpty())
        return text + QStringLiteral("\n") + m_loader->problem(id);
    if (id > 0 && (type == QLatin1String("video") || type == QLatin1String("document")))
        return text + QStringLiteral("  ") + tr("(activate to open or save)");
    return text;
}

QRect MessageDelegate::mediaRect(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const Layout l = cachedLayout(option, index);
    return l.media.isValid() ? l.media.translated(option.rect.topLeft()) : QRect();
}

bool MessageDelegate::editorEvent(QEvent *event, QAbstractItemModel *model,
                                  const QStyleOptionViewItem &option, const QModelIndex &index)
{
    if (event->type() == QEvent::MouseButtonRelease || event->type() == QEvent::MouseButtonDblClick) {
        const auto *mouse = static_cast<QMouseEvent *>(event);
        if (mouse->button() == Qt::LeftButton &&
            mediaRect(option, index).contains(mouse->position().toPoint())) {
            // A double-click is one activation: the first release did it; the double-click and the
            // release after it are eaten (the view would otherwise activate the row once more).
            if (event->type() == QEvent::MouseButtonDblClick)
                m_swallowRelease = true;
            else if (!std::exchange(m_swallowRelease, false))
                Q_EMIT mediaActivated(index);
            return true;
        }
    }
    return QStyledItemDelegate::editorEvent(event, model, option, index);
}

MessageDelegate::Layout MessageDelegate::cachedLayout(const QStyleOptionViewItem &option,
                                                      const QModelIndex &index) const
{
    using M = MessageModel;
    const qint64 id = index.data(M::MessageIdRole).toLongLong();
    // What changes a bubble's shape: the row's content (its revision), the picture's size once its
    // thumbnail is there, a recording's progress while it plays. Cheap to work out: the view asks for
    // every row's size when one changes.
    const qint64 media = index.data(M::MediaIdRole).toLongLong();
    QString extra;
    if (media > 0 && m_loader) {
        const QImage thumbnail = m_loader->cached(media);
        extra = thumbnail.isNull()
                    ? (m_loader->problem(media).isEmpty() ? QStringLiteral("-") : QStringLiteral("!"))
                    : QStringLiteral("%1x%2").arg(thumbnail.width()).arg(thumbnail.height());
        if (m_player && m_player->mediaId() == media)
            extra += QLatin1Char('|') + m_player->progressText() + (m_player->isPlaying() ? u'>' : u'=');
    }
    const QString key = QStringLiteral("%1|%2|%3|%4|%5|%6|%7|%8|%9")
                            .arg(id > 0 ? QString::number(id) : index.data(M::ClientMessageIdRole).toString())
                            .arg(option.rect.width())
                            .arg(index.data(M::ShowDayRole).toBool())
                            .arg(index.data(M::ShowAuthorRole).toBool())
                            .arg(index.data(M::StatusRole).toString())
                            .arg(option.font.key())
                            .arg(index.data(M::ErrorRole).toString().size())
                            .arg(index.data(M::RevisionRole).toULongLong())
                            .arg(extra);
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
    const int bottom = l.reactions.isValid() ? l.reactions.bottom() : l.bubble.bottom();
    return {option.rect.width() > 0 ? option.rect.width() : 600, bottom + 1 + pad};
}

void MessageDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                            const QModelIndex &index) const
{
    using M = MessageModel;
    Layout l = cachedLayout(option, index);
    const QPoint at = option.rect.topLeft();
    for (QRect *r : {&l.day, &l.author, &l.bubble, &l.media, &l.text, &l.footer, &l.reactions})
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
    if (l.picture) {
        const QImage thumbnail =
            m_loader ? m_loader->thumbnail(index.data(M::MediaIdRole).toLongLong()) : QImage();
        if (thumbnail.isNull()) {
            painter->setPen(Qt::NoPen);
            painter->setBrush(pal.color(QPalette::Mid).lighter(130));
            painter->drawRoundedRect(l.media, 4, 4);
            painter->setPen(pal.color(QPalette::PlaceholderText));
            painter->drawText(l.media, Qt::AlignCenter | Qt::TextWordWrap, tr("Loading the picture…"));
        } else {
            painter->drawImage(l.media, thumbnail);
        }
    } else if (l.media.isValid()) {
        painter->setPen(pal.color(QPalette::Mid));
        painter->setBrush(pal.color(QPalette::Base));
        painter->drawRoundedRect(l.media, 4, 4);
        QTextLayout label(l.mediaText, option.font);
        layoutText(label, l.media.width() - 2 * pad);
        // A line that does something when activated reads as a link; a file not kept says why, plainly.
        const bool actionable = index.data(M::MediaIdRole).toLongLong() > 0 ||
                                !index.data(M::LocationRole).toJsonObject().isEmpty() ||
                                !index.data(M::ContactsRole).toJsonArray().isEmpty();
        painter->setPen(actionable ? pal.color(QPalette::Link) : pal.color(QPalette::Text));
        label.draw(painter, l.media.topLeft() + QPoint(pad, pad / 2));
    }
    QFont textFont = option.font;
    const bool revoked = index.data(M::RevokedRole).toBool();
    textFont.setItalic(revoked);
    QTextLayout text(index.data(M::DisplayTextRole).toString(), textFont);
    layoutText(text, l.text.width());
    painter->setPen(revoked ? pal.color(QPalette::PlaceholderText) : pal.color(QPalette::Text));
    text.draw(painter, l.text.topLeft());
    QTextLayout footer(l.footerText, option.font);
    layoutText(footer, l.footer.width());
    painter->setPen(failed ? QColor(0xd3, 0x2f, 0x2f) : pal.color(QPalette::PlaceholderText));
    footer.draw(painter, l.footer.topLeft());
    if (l.reactions.isValid()) {
        painter->setPen(pal.color(QPalette::Mid));
        painter->setBrush(pal.color(QPalette::Base));
        painter->drawRoundedRect(l.reactions, l.reactions.height() / 2.0, l.reactions.height() / 2.0);
        painter->setPen(pal.color(QPalette::Text));
        painter->drawText(l.reactions, Qt::AlignCenter, index.data(M::ReactionsRole).toString());
    }
    painter->restore();
}
