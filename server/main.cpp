#include "Cli.h"
#include "Config.h"
#include "ServerApp.h"
#include "base/Logging.h"
#include "whatsapp/SandboxTransport.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QSocketNotifier>
#include <QTextStream>

#include <cerrno>
#include <csignal>
#include <malloc.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

int signalPipe[2];

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(signalPipe[1], &c, 1);
}

// SIGINT and SIGTERM end the event loop, so the server closes its database pool and stops the embedded
// PostgreSQL in order.
void quitOnSignals(QCoreApplication &app)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(signalPipe[0], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [&app] {
        char c;
        [[maybe_unused]] const auto n = ::read(signalPipe[0], &c, 1);
        qCInfo(lcServer) << "Stopping";
        app.quit();
    });
    struct sigaction action {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
}

} // namespace

int main(int argc, char *argv[])
{
    // Answers of a megabyte or more (a busy shift's conversation list) are built and freed many times a
    // second. glibc would return that memory to the kernel after each answer and fault it back in for the
    // next, which cost more than building the answer (measured: a third of the list's time in page
    // faults). Keep freed memory in the process instead.
    ::mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
    ::mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
    ::mallopt(M_TOP_PAD, 16 * 1024 * 1024);

    // Qt's plain Unix event loop rather than GLib's. Every write to a console's socket turns its write
    // notifier on and off again; GLib keeps the notifiers in a list it searches each time, so with 500
    // consoles the fan-out of each event spent as much time there as in Qt's WebSocket code (measured with
    // perf: 12% of the main thread). The Unix dispatcher keeps them in a hash: with it the main thread fell
    // from 85% to 77% of a core and the 500-console p99 by a third. QT_NO_GLIB set but empty in the
    // environment brings GLib back.
    // Only for the main thread, where the consoles' sockets are: the setting is unset again once the
    // application has its event loop, so the threads started later (Qt's HTTP thread among them) run on
    // GLib's. On the Unix event loop Qt 6.4's HTTP thread closed the connection to WhatsApp after about
    // one reply in three, so that every third reply opened a new connection (with the Graph API, a new
    // TLS handshake): 245 new connections for 783 replies (tst_transports,
    // serverProcessKeepsTheBridgeConnection).
    const bool unixEventLoop = !qEnvironmentVariableIsSet("QT_NO_GLIB");
    if (unixEventLoop)
        qputenv("QT_NO_GLIB", "1");

    // A QGuiApplication on the offscreen platform, whatever the environment says: the server shows no
    // window, but draws the incident export's PDF (IncidentPdf), which needs the GUI library's fonts and
    // paint engines. No display is used or needed.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    // Qt's GUI library looks for the session's runtime folder, which a service has none of: a private one
    // of the server's own, rather than a warning in every start's log.
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
        const QByteArray runtime =
            QFile::encodeName(QDir::tempPath()) + "/liftline-runtime-" + QByteArray::number(getuid());
        if (::mkdir(runtime.constData(), 0700) == 0 || errno == EEXIST) {
            struct stat st {};
            if (::lstat(runtime.constData(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid() &&
                (st.st_mode & 077) == 0)
                qputenv("XDG_RUNTIME_DIR", runtime);
        }
    }
    QGuiApplication app(argc, argv);
    if (unixEventLoop)
        qunsetenv("QT_NO_GLIB");
    QCoreApplication::setApplicationName(QStringLiteral("liftline-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LIFTLINE_VERSION));
    qSetMessagePattern(
        QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-category}%{category}: %{endif}%{message}"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Liftline server: the WhatsApp webhook, the chat API and the "
                       "event stream for the agents' consoles.\n\n") +
        Cli::help());
    parser.addHelpOption();
    parser.addVersionOption();
    Config::addOptions(parser);
    parser.addOptions({
        {QStringLiteral("name"), QStringLiteral("agent add, oncall add: the person's full name."),
         QStringLiteral("NAME")},
        {QStringLiteral("role"), QStringLiteral("agent add: agent (default), supervisor or admin."),
         QStringLiteral("ROLE")},
        {QStringLiteral("phone"), QStringLiteral("oncall add: the WhatsApp number, international digits."),
         QStringLiteral("NUMBER")},
        {QStringLiteral("level"), QStringLiteral("oncall add: the on-call level (1-9) the entry answers."),
         QStringLiteral("N")},
        {QStringLiteral("hours"),
         QStringLiteral("oncall add: active hours, such as 18:00-06:00 (default: always)."),
         QStringLiteral("FROM-UNTIL")},
        {QStringLiteral("time-zone"), QStringLiteral("oncall add: the zone of --hours (default UTC)."),
         QStringLiteral("ZONE")},
        {QStringLiteral("lift"), QStringLiteral("ticket open, hold: the lift SIM's number."),
         QStringLiteral("MSISDN")},
        {QStringLiteral("sms"), QStringLiteral("ticket open: the emergency SMS text."),
         QStringLiteral("TEXT")},
        {QStringLiteral("from"),
         QStringLiteral(
             "simulate: the technician's number. report: the period's start (a date or an ISO time; "
             "default a day before --to)."),
         QStringLiteral("NUMBER|TIME")},
        {QStringLiteral("to"), QStringLiteral("report: the period's end (default now)."),
         QStringLiteral("TIME")},
        {QStringLiteral("format"),
         QStringLiteral("report: csv (default) or json. export: pdf or json (default: from --output's "
                        "extension, else json)."),
         QStringLiteral("FORMAT")},
        {QStringLiteral("output"),
         QStringLiteral("report: write to FILE instead of standard output. export: the file to write "
                        "(FILE.sha256 and FILE.sig beside it)."),
         QStringLiteral("FILE")},
        {QStringLiteral("ticket"), QStringLiteral("export, hold: the ticket's id."), QStringLiteral("ID")},
        {QStringLiteral("technician"), QStringLiteral("hold: the technician's number."),
         QStringLiteral("NUMBER")},
        {QStringLiteral("reason"), QStringLiteral("hold, release-hold: why (the case, who asked)."),
         QStringLiteral("TEXT")},
        {QStringLiteral("all"), QStringLiteral("holds: released holds too.")},
        {QStringLiteral("public-key"),
         QStringLiteral("verify-export: the public key you trust (base64, from GET /api/chat/signing-key "
                        "or 'liftline-server signing-key')."),
         QStringLiteral("KEY")},
        {QStringLiteral("button"),
         QStringLiteral("simulate: tap a quick-reply button with this payload (AGENT asks for an agent)."),
         QStringLiteral("PAYLOAD")},
        {QStringLiteral("url"), QStringLiteral("simulate: the server's address (default: from --listen)."),
         QStringLiteral("URL")},
        {QStringLiteral("check"),
         QStringLiteral("migrate: say what would change, what is in the way and how long it should take, "
                        "without changing anything.")},
    });
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("See Commands above; default: serve."));
    if (!parser.parse(QCoreApplication::arguments())) {
        QTextStream(stderr) << "liftline-server: " << parser.errorText()
                            << "\nSee 'liftline-server --help'.\n";
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText() << '\n' << Config::environmentHelp();
        return 0;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        QTextStream(stdout) << "liftline-server " << LIFTLINE_VERSION << '\n';
        return 0;
    }

    Config config;
    QString error;
    if (!Config::load(parser, &config, &error)) {
        QTextStream(stderr) << "liftline-server: " << error << '\n';
        return 2;
    }

    const QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty() && positional.first() != QLatin1String("serve")) {
        if (!Cli::isSubcommand(positional.first())) {
            QTextStream(stderr) << "liftline-server: unknown command '" << positional.first()
                                << "'\nSee 'liftline-server --help'.\n";
            return 2;
        }
        return Cli::run(positional, parser, config);
    }

    for (const QString &warning : config.warnings())
        qCWarning(lcServer).noquote() << warning;

    quitOnSignals(app);
    ServerApp server(config);
    if (!server.start(&error)) {
        QTextStream(stderr) << "liftline-server: " << error << '\n';
        return 1;
    }
    QTextStream out(stdout);
    out << "Liftline server listening on " << server.url() << '\n';
    out << "Database: " << server.database().describe() << '\n';
    if (server.transport() == server.sandbox())
        out << "WhatsApp sending: sandbox (messages are stored, not delivered; 'liftline-server simulate' "
               "plays "
               "the technician)\n";
    else
        out << "WhatsApp sending: " << server.transport()->name() << '\n';
    if (config.demo)
        out << "Demo: sign in as 'demo' with the one-time password " << server.demoPassword()
            << " (new at every start)\n";
    out.flush();
    return app.exec();
}
