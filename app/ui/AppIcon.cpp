#include "AppIcon.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace AppIcon {

namespace {

QPixmap draw(int size, int badge)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const qreal s = size;
    // A lift car: a rounded square with the up and down arrows.
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0x1e, 0x3a, 0x5f));
    p.drawRoundedRect(QRectF(s * 0.06, s * 0.06, s * 0.88, s * 0.88), s * 0.18, s * 0.18);
    p.setBrush(Qt::white);
    QPainterPath up;
    up.moveTo(s * 0.5, s * 0.18);
    up.lineTo(s * 0.72, s * 0.44);
    up.lineTo(s * 0.28, s * 0.44);
    up.closeSubpath();
    QPainterPath down;
    down.moveTo(s * 0.5, s * 0.82);
    down.lineTo(s * 0.72, s * 0.56);
    down.lineTo(s * 0.28, s * 0.56);
    down.closeSubpath();
    p.drawPath(up);
    p.drawPath(down);
    if (badge > 0) {
        const QString text = badge > 99 ? QStringLiteral("99+") : QString::number(badge);
        const QRectF circle(s * 0.42, 0, s * 0.58, s * 0.58);
        p.setBrush(QColor(0xd3, 0x2f, 0x2f));
        p.drawEllipse(circle);
        QFont font = p.font();
        font.setBold(true);
        font.setPixelSize(std::max(6, int(s * (text.size() > 2 ? 0.24 : 0.34))));
        p.setFont(font);
        p.setPen(Qt::white);
        p.drawText(circle, Qt::AlignCenter, text);
    }
    return pixmap;
}

} // namespace

QIcon make(int badge)
{
    QIcon icon;
    for (int size : {16, 22, 24, 32, 48, 64, 128, 256})
        icon.addPixmap(draw(size, badge));
    return icon;
}

} // namespace AppIcon
