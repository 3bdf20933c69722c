#include "Notifier.h"

#include "FreedesktopNotifier.h"
#include "NotifyLogging.h"
#include "TrayNotifier.h"

std::unique_ptr<Notifier> Notifier::create(QSystemTrayIcon *tray)
{
    std::unique_ptr<Notifier> notifier;
    if (FreedesktopNotifier::isAvailable())
        notifier = std::make_unique<FreedesktopNotifier>();
    else
        notifier = std::make_unique<TrayNotifier>(tray);
    qCInfo(lcNotify) << "desktop notifications through" << notifier->backendName();
    return notifier;
}
