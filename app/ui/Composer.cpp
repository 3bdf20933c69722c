#include "Composer.h"

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
