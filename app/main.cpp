// liftline-console: parses the command line and wires the objects together.
#include "ApiClient.h"
#include "AppIcon.h"
#include "ConsoleSession.h"
#include "ConsoleSettings.h"
#include "ConversationListModel.h"
#include "CredentialStore.h"
#include "MainWindow.h"
#include "ServerAddress.h"
#include "SignInDialog.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QJsonObject>
#include <QLibraryInfo>
#include <QStatusBar>
#include <QTextStream>
#include <QTranslator>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Liftline"));
    QApplication::setApplicationName(QStringLiteral("liftline-console"));
    QApplication::setApplicationDisplayName(QStringLiteral("Liftline"));
    QApplication::setApplicationVersion(QStringLiteral(LIFTLINE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("liftline-console"));
    QApplication::setWindowIcon(AppIcon::make());

    ConsoleSettings settings;
    // The agent's language, or the system's; the translations are built into the program.
    const QLocale locale = settings.language().isEmpty() ? QLocale::system() : QLocale(settings.language());
    QTranslator ours;
    QTranslator qt;
    if (ours.load(locale, QStringLiteral("liftline"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&ours);
    if (qt.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qt);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main", "Liftline console: the agents' desktop app for lift emergencies over WhatsApp."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions(
        {{QStringLiteral("server"), QApplication::translate("main", "The server's address."),
          QStringLiteral("URL")},
         {QStringLiteral("user"), QApplication::translate("main", "The username to sign in with."),
          QStringLiteral("NAME")},
         {QStringLiteral("password-stdin"),
          QApplication::translate("main", "Sign in with the password on standard input (one line), as a "
                                          "script that starts the console does.")}});
    parser.process(app);
    if (parser.isSet(QStringLiteral("server")))
        settings.setServerUrl(parser.value(QStringLiteral("server")));
    if (parser.isSet(QStringLiteral("user")))
        settings.setUsername(parser.value(QStringLiteral("user")));

    ApiClient api;
    ConversationListModel conversations;
    ConsoleSession session(&api, &conversations);
    KeychainCredentialStore credentials(QStringLiteral("liftline-console"));
    MainWindow window(&api, &session, &conversations, &settings);

    const auto key = [&settings] { return settings.serverUrl() + QLatin1Char('|') + settings.username(); };
    const auto signIn = [&](const QString &notice) {
        SignInDialog dialog(&api, settings.serverUrl(), settings.username(), &window);
        dialog.setNotice(notice);
        if (dialog.exec() != QDialog::Accepted)
            return false;
        settings.setServerUrl(dialog.serverUrl());
        settings.setUsername(dialog.username());
        settings.setAgentName(dialog.agentName());
        api.setToken(dialog.token());
        credentials.save(key(), dialog.token());
        session.start(dialog.agentName());
        return true;
    };
    QObject::connect(&credentials, &CredentialStore::saved, &window,
                     [&window](const QString &, bool persistent, const QString &note) {
                         if (!persistent)
                             window.statusBar()->showMessage(note);
                     });
    bool signingIn = false;
    const auto signedOut = [&](const QString &notice) {
        if (signingIn)
            return; // one sign-in at a time; the session ending twice says nothing new
        signingIn = true;
        session.stop();
        credentials.remove(key());
        // Alerts already on screen stay there while the agent signs in again.
        const bool ok = signIn(notice);
        signingIn = false;
        if (!ok)
            QApplication::quit();
    };
    QObject::connect(&session, &ConsoleSession::signedOut, &window, [&](const QString &reason) {
        signedOut(QApplication::translate("main", "Your session ended (%1). Sign in again to continue.")
                      .arg(reason));
    });
    QObject::connect(&window, &MainWindow::signOutRequested, &window, [&] {
        api.logout();
        signedOut(QString());
    });
    QObject::connect(&credentials, &CredentialStore::loaded, &window,
                     [&](const QString &, const QByteArray &token) {
                         if (token.isEmpty()) {
                             if (!signIn(QString()))
                                 QApplication::quit();
                             return;
                         }
                         api.setBaseUrl(ServerAddress::fromUserInput(settings.serverUrl()));
                         api.setToken(token);
                         session.start(settings.agentName());
                     });
    window.show();
    if (parser.isSet(QStringLiteral("password-stdin"))) {
        QTextStream in(stdin);
        const QString password = in.readLine();
        api.setBaseUrl(ServerAddress::fromUserInput(settings.serverUrl()));
        api.login(
            settings.username(), password, &window,
            [&](const QJsonObject &answer) {
                const QByteArray token = answer.value(QStringLiteral("token")).toString().toUtf8();
                QString name = answer.value(QStringLiteral("agent"))
                                   .toObject()
                                   .value(QStringLiteral("display_name"))
                                   .toString();
                if (name.isEmpty())
                    name = settings.username();
                settings.setAgentName(name);
                api.setToken(token);
                credentials.save(key(), token);
                session.start(name);
            },
            [&](const RequestError &e) {
                if (!signIn(e.message))
                    QApplication::quit();
            });
        return QApplication::exec();
    }
    if (settings.username().isEmpty()) {
        if (!signIn(QString()))
            return 0;
    } else {
        credentials.load(key());
    }
    return QApplication::exec();
}
