#include "TrayNotifier.h"

#include "NotifyLogging.h"

#include <QApplication>

TrayNotifier::TrayNotifier(QSystemTrayIcon *tray, QObject *parent)
    : Notifier(parent)
    , m_tray(tray)
{
    if (tray) {
        connect(tray, &QSystemTrayIcon::messageClicked, this, [this] {
            if (m_shownKey)
                Q_EMIT openRequested(*m_shownKey);
        });
    }
}

void TrayNotifier::show(const Alert &alert)
{
    // The beep does not depend on the tray: an agent away from a hidden window still needs to hear it.
    if (alert.sound)
        QApplication::beep();
    if (!m_tray || !m_tray->isVisible() || !QSystemTrayIcon::supportsMessages()) {
        qCDebug(lcNotify) << "no tray to show request" << alert.key;
        return;
    }
    // 0 ms keeps a critical balloon up until it is clicked.
    m_tray->showMessage(alert.title, alert.body,
                        alert.critical ? QSystemTrayIcon::Critical : QSystemTrayIcon::Information,
                        alert.critical ? 0 : 10000);
    m_shownKey = alert.key;
}

void TrayNotifier::withdraw(int key)
{
    if (m_shownKey == key)
        m_shownKey.reset();
}

QString TrayNotifier::backendName() const
{
    return QStringLiteral("tray");
}
