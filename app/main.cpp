// liftline-console: parses the command line and wires the objects together.
#include "ApiClient.h"
#include "ConsoleSession.h"
#include "ConversationListModel.h"
#include "CredentialStore.h"
#include "MainWindow.h"
#include "SignInDialog.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QStatusBar>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Liftline"));
    QApplication::setApplicationName(QStringLiteral("liftline-console"));
    QApplication::setApplicationDisplayName(QStringLiteral("Liftline"));
    QApplication::setApplicationVersion(QStringLiteral(LIFTLINE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("liftline-console"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main", "Liftline console: the agents' desktop app for lift emergencies over WhatsApp."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions(
        {{QStringLiteral("server"), QApplication::translate("main", "The server's address."),
          QStringLiteral("URL")},
         {QStringLiteral("user"), QApplication::translate("main", "The username to sign in with."),
          QStringLiteral("NAME")}});
    parser.process(app);

    QSettings settings;
    QString server = parser.value(QStringLiteral("server"));
    if (server.isEmpty())
        server = settings.value(QStringLiteral("server"), QStringLiteral("http://127.0.0.1:8080")).toString();
    QString user = parser.value(QStringLiteral("user"));
    if (user.isEmpty())
        user = settings.value(QStringLiteral("username")).toString();

    ApiClient api;
    ConversationListModel conversations;
    ConsoleSession session(&api, &conversations);
    KeychainCredentialStore credentials(QStringLiteral("liftline-console"));
    MainWindow window(&api, &session, &conversations);

    const auto key = [](const QString &url, const QString &name) { return url + QLatin1Char('|') + name; };
    const auto signIn = [&](const QString &notice) {
        SignInDialog dialog(&api, server, user, &window);
        dialog.setNotice(notice);
        if (dialog.exec() != QDialog::Accepted)
            return false;
        server = dialog.serverUrl();
        user = dialog.username();
        settings.setValue(QStringLiteral("server"), server);
        settings.setValue(QStringLiteral("username"), user);
        settings.setValue(QStringLiteral("agentName"), dialog.agentName());
        api.setToken(dialog.token());
        credentials.save(key(server, user), dialog.token());
        session.start(dialog.agentName());
        return true;
    };
    QObject::connect(&credentials, &CredentialStore::saved, &window,
                     [&window](const QString &, bool persistent, const QString &note) {
                         if (!persistent)
                             window.statusBar()->showMessage(note);
                     });
    QObject::connect(&session, &ConsoleSession::signedOut, &window, [&](const QString &reason) {
        session.stop();
        credentials.remove(key(server, user));
        // Alerts already on screen stay there while the agent signs in again.
        if (!signIn(QApplication::translate("main", "Your session ended (%1). Sign in again to continue.")
                        .arg(reason)))
            QApplication::quit();
    });
    QObject::connect(&credentials, &CredentialStore::loaded, &window,
                     [&](const QString &, const QByteArray &token) {
                         if (token.isEmpty()) {
                             if (!signIn(QString()))
                                 QApplication::quit();
                             return;
                         }
                         api.setBaseUrl(QUrl::fromUserInput(server));
                         api.setToken(token);
                         session.start(settings.value(QStringLiteral("agentName"), user).toString());
                     });
    window.show();
    if (user.isEmpty()) {
        if (!signIn(QString()))
            return 0;
    } else {
        credentials.load(key(server, user));
    }
    return QApplication::exec();
}
