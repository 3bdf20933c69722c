#pragma once

#include "Notifier.h"

#include <QPointer>
#include <QSystemTrayIcon>
#include <optional>

// Notifications as tray balloons, where no freedesktop notification service runs. A balloon has no
// actions and cannot be taken back: a click opens its request, and withdraw() only forgets it.
class TrayNotifier : public Notifier {
    Q_OBJECT
public:
    // The tray may be null (no system tray): then show() only beeps.
    explicit TrayNotifier(QSystemTrayIcon *tray, QObject *parent = nullptr);

    void show(const Alert &alert) override;
    void withdraw(int key) override;
    QString backendName() const override;

private:
    // The tray icon belongs to the main window and may go first.
    QPointer<QSystemTrayIcon> m_tray;
    // The request whose balloon is on screen; the tray shows one balloon at a time.
    std::optional<int> m_shownKey;
};
