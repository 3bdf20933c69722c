#include "Composer.h"

#include <QImage>
#include <QMimeData>
#include <QUrl>

#include <QKeyEvent>

Composer::Composer(QWidget *parent)
    : QPlainTextEdit(parent)
{
    setAccessibleName(tr("Reply"));
    setPlaceholderText(tr("Write a reply. Enter sends, Shift+Enter starts a new line."));
    setTabChangesFocus(true);
}

int Composer::length() const
{
    return int(toPlainText().trimmed().toUcs4().size());
}

void Composer::keyPressEvent(QKeyEvent *event)
{
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (enter) {
        const Qt::KeyboardModifiers mods = event->modifiers() & ~Qt::KeypadModifier;
        const bool sends = m_ctrlEnterSends ? mods == Qt::ControlModifier
                                            : (mods == Qt::NoModifier || mods == Qt::ControlModifier);
        if (sends) {
            Q_EMIT sendRequested();
            return;
        }
        if (mods & Qt::ShiftModifier || m_ctrlEnterSends) {
            insertPlainText(QStringLiteral("\n"));
            return;
        }
    }
    QPlainTextEdit::keyPressEvent(event);
}

bool Composer::canInsertFromMimeData(const QMimeData *source) const
{
    return source->hasImage() || source->hasUrls() || QPlainTextEdit::canInsertFromMimeData(source);
}

void Composer::insertFromMimeData(const QMimeData *source)
{
    QList<QUrl> files;
    for (const QUrl &url : source->urls())
        if (url.isLocalFile())
            files << url;
    if (!files.isEmpty()) {
        Q_EMIT filesPasted(files);
        return;
    }
    if (source->hasImage() && !source->hasText()) {
        Q_EMIT imagePasted(qvariant_cast<QImage>(source->imageData()));
        return;
    }
    QPlainTextEdit::insertFromMimeData(source);
}
