#pragma once

#include <QObject>
#include <QString>
#include <QVariantMap>
#include <memory>

class QSystemTrayIcon;

// The one seam through which the console raises desktop notifications. On Linux the freedesktop
// notification service over D-Bus (critical urgency, an "Open" and an "Acknowledge" action, a sound hint);
// elsewhere, or where no such service runs, QSystemTrayIcon::showMessage. Tests talk to a fake service on a
// private session bus.
class Notifier : public QObject {
    Q_OBJECT
public:
    struct Alert {
        // The request: its ticket's id, or minus the id of an unassigned message that asked for an agent
        // and reached no ticket. One notification per key: showing again replaces the earlier one.
        int key = 0;
        QString title; // e.g. "Agent requested: LFT-1042"
        QString body;  // plain text, never markup
        bool critical = true;
        bool sound = true;
        // A reminder of a request already shown: a new popup, since one updated in place is not noticed.
        bool reminder = false;
    };

    using QObject::QObject;
    ~Notifier() override = default;

    virtual void show(const Alert &alert) = 0;
    // Takes the request's notification off the screen, if it is still there.
    virtual void withdraw(int key) = 0;
    // Which backend this is, for the logs and the settings page ("freedesktop", "tray").
    virtual QString backendName() const = 0;
    // Takes every notification of this console off the screen before it exits; returns when the service
    // has been told (or after at most about two seconds when it does not answer).
    virtual void withdrawAll() {}
    // What is on screen, in a form kept across a restart, so that a console started after a crash can take
    // down what the last one left (closeLeftovers). Empty when nothing is or nothing can be.
    virtual QVariantMap onScreen() const { return {}; }
    virtual void closeLeftovers(const QVariantMap &state) { Q_UNUSED(state); }

    // The freedesktop service when the session bus has one, else the tray (which may be null or not
    // visible: then show() does nothing and the window title and taskbar carry the alert). The caller owns
    // it through the unique_ptr alone: it has no QObject parent.
    static std::unique_ptr<Notifier> create(QSystemTrayIcon *tray);

Q_SIGNALS:
    void openRequested(int key);
    void acknowledgeRequested(int key);
    // onScreen() changed.
    void onScreenChanged();
};
