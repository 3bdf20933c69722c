// The console with a busy shift's data: 2,000 open conversations and a 10,000-message thread, served by
// liftline-server (its own process, on a generated PostgreSQL). Measures, in this process running the
// console's own window offscreen: the time from start to the conversation list painted, resident memory
// with the list and the whole thread loaded, and the time to repaint one screen of the thread while
// scrolling through it. With --images, that many messages of the thread are photos (each its own JPEG,
// kept as the server keeps files): the thumbnails load as the thread is scrolled, and the memory and the
// repaint are measured again with all of them shown.

#include "ApiClient.h"
#include "BenchSupport.h"
#include "ChatPanel.h"
#include "ConsoleSession.h"
#include "ConsoleSettings.h"
#include "ConversationListModel.h"
#include "MainWindow.h"
#include "MediaLoader.h"
#include "MessageModel.h"
#include "db/Db.h"
#include "db/MediaStore.h"

#include <QApplication>
#include <QBuffer>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QListView>
#include <QPainter>
#include <QScrollBar>
#include <QSqlQuery>
#include <QTextStream>

namespace {

QTextStream out(stdout);

double residentMb()
{
    return double(Bench::residentKiB()) / 1024.0;
}

// Runs the event loop until done() or the time is up.
bool waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    return true;
}

// When the list first paints with every conversation in it (ms on `clock`, -1 before).
class PaintWatch : public QObject {
public:
    PaintWatch(const QAbstractItemModel *model, int rows, const QElapsedTimer *clock)
        : m_model(model)
        , m_rows(rows)
        , m_clock(clock)
    {}
    double paintedMs = -1;
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && paintedMs < 0 && m_model->rowCount() >= m_rows)
            paintedMs = double(m_clock->nsecsElapsed()) / 1e6;
        return QObject::eventFilter(watched, event);
    }

private:
    const QAbstractItemModel *m_model;
    int m_rows;
    const QElapsedTimer *m_clock;
};

} // namespace

int main(int argc, char *argv[])
{
    QElapsedTimer sinceStart;
    sinceStart.start();
    qputenv("QT_QPA_PLATFORM",
            qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions(
        {{QStringLiteral("conversations"), QStringLiteral("Open conversations."), QStringLiteral("N"),
          QStringLiteral("2000")},
         {QStringLiteral("thread"), QStringLiteral("Messages in the long thread."), QStringLiteral("N"),
          QStringLiteral("10000")},
         {QStringLiteral("screens"), QStringLiteral("Screens of the thread repainted while scrolling."),
          QStringLiteral("N"), QStringLiteral("200")},
         {QStringLiteral("images"), QStringLiteral("Photos among the thread's messages."),
          QStringLiteral("N"), QStringLiteral("500")}});
    parser.process(app);
    const int conversations = parser.value(QStringLiteral("conversations")).toInt();
    const int thread = parser.value(QStringLiteral("thread")).toInt();
    const int screens = parser.value(QStringLiteral("screens")).toInt();
    const int images = parser.value(QStringLiteral("images")).toInt();

    Bench::Cluster cluster;
    if (!cluster.start())
        return 1;
    int bigTicket = 0;
    {
        Db db(cluster.params(), QStringLiteral("bench"));
        bigTicket = Bench::generateChat(db, conversations, conversations, conversations,
                                        thread + 3 * conversations, thread);
        // Photos spread over the thread, each a different 1280x960 JPEG (about what a phone sends, smaller).
        QList<qint64> ids;
        QSqlQuery q = db.execOnce(
            QStringLiteral("SELECT id FROM chat_messages WHERE ticket_id = ? ORDER BY id"), {bigTicket});
        while (q.next())
            ids << q.value(0).toLongLong();
        const int count = int(std::min<qsizetype>(images, ids.size()));
        // Generated text rows turned into photos: a change the compliance record refuses (audit_refuse),
        // made with the triggers off, as a fixture and not as anything a server does.
        db.execOnce(QStringLiteral("SET session_replication_role = replica"));
        for (int i = 0; i < count; ++i) {
            const qint64 id = ids.at(qsizetype(i) * ids.size() / count);
            QImage photo(1280, 960, QImage::Format_RGB32);
            photo.fill(QColor::fromHsv((i * 37) % 360, 120, 200));
            QPainter painter(&photo);
            painter.fillRect(200 + (i % 7) * 60, 200 + (i % 5) * 50, 500, 300,
                             QColor::fromHsv((i * 91) % 360, 200, 80));
            painter.end();
            QByteArray jpeg;
            QBuffer buffer(&jpeg);
            buffer.open(QIODevice::WriteOnly);
            photo.save(&buffer, "JPEG", 80);
            const qint64 media = MediaStore::put(db, jpeg, QStringLiteral("image/jpeg"));
            db.execOnce(
                QStringLiteral("UPDATE chat_messages SET kind = 'image', message = '[image] photo ' || ?, "
                               "wa_message_id = coalesce(wa_message_id, 'wamid.BENCH.' || id) WHERE id = ?"),
                {i, id});
            db.execOnce(
                QStringLiteral("INSERT INTO chat_attachments (wa_message_id, message_id, direction, "
                               "media_type, status, media_id, stored_at, declared_mime, caption) SELECT "
                               "wa_message_id, id, direction, 'image', 'stored', ?, now(), 'image/jpeg', "
                               "'photo ' || ? FROM chat_messages WHERE id = ?"),
                {media, i, id});
        }
        db.execOnce(QStringLiteral("SET session_replication_role = DEFAULT"));
    }
    const QByteArray adminToken = "bench-admin-token-0123456789";
    QProcess server;
    const quint16 port =
        Bench::startServer(server, cluster, "bench-app-secret",
                           {{QStringLiteral("ADMIN_TOKEN"), QString::fromLatin1(adminToken)}});
    if (port == 0)
        return 1;
    const double setupMs = double(sinceStart.nsecsElapsed()) / 1e6;

    // The console, as main.cpp wires it, signed in with a token.
    QElapsedTimer startup;
    startup.start();
    ApiClient api;
    api.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
    api.setToken(adminToken);
    ConversationListModel list;
    ConsoleSession session(&api, &list);
    ConsoleSettings settings;
    MainWindow window(&api, &session, &list, &settings);
    window.resize(1366, 768);
    PaintWatch watch(window.list()->model(), conversations, &startup);
    window.list()->viewport()->installEventFilter(&watch);
    window.show();
    session.start(QStringLiteral("Bench"));
    if (!waitUntil([&] { return watch.paintedMs >= 0; }, 60000)) {
        QTextStream(stderr) << "the list was not painted: " << list.rowCount() << " rows\n";
        return 1;
    }
    const double listMs = watch.paintedMs;
    const double listRss = residentMb();

    // The long thread, all of it: the first page, then older pages as if scrolled to the top each time.
    QElapsedTimer opening;
    opening.start();
    window.openConversation(bigTicket);
    MessageModel *messages = window.chat()->messages();
    waitUntil([&] { return messages->rowCount() > 0; }, 30000);
    const double firstPageMs = double(opening.nsecsElapsed()) / 1e6;
    while (messages->hasMore()) {
        const int had = messages->rowCount();
        session.loadOlder();
        if (!waitUntil([&] { return messages->rowCount() > had || !messages->hasMore(); }, 30000))
            break;
    }
    const double allLoadedMs = double(opening.nsecsElapsed()) / 1e6;
    QListView *view = window.chat()->thread();
    QElapsedTimer layout;
    layout.start();
    view->scrollToBottom();
    QCoreApplication::processEvents();
    const double layoutMs = double(layout.nsecsElapsed()) / 1e6;
    const double threadRss = residentMb();

    // Scroll up one screen at a time, repainting each: what an agent reading back sees.
    QScrollBar *bar = view->verticalScrollBar();
    std::vector<double> repaints;
    for (int i = 0; i < screens && bar->value() > bar->minimum(); ++i) {
        bar->setValue(bar->value() - view->viewport()->height());
        QElapsedTimer t;
        t.start();
        view->viewport()->repaint();
        repaints.push_back(double(t.nsecsElapsed()) / 1e6);
        QCoreApplication::processEvents();
    }

    // The photos: every screen scrolled through from the top, each waiting for its thumbnails; then the
    // memory with all of them in, and a second pass repainted with the thumbnails there.
    std::vector<double> photoRepaints;
    double photosMs = 0;
    double photosRss = threadRss;
    int thumbnails = 0;
    if (images > 0) {
        MediaLoader *loader = session.media();
        const auto visibleWaiting = [&] {
            int waiting = 0;
            const QRect shown = view->viewport()->rect();
            for (QModelIndex i = view->indexAt(shown.topLeft());
                 i.isValid() && view->visualRect(i).top() < shown.bottom(); i = i.siblingAtRow(i.row() + 1)) {
                const qint64 media = i.data(MessageModel::MediaIdRole).toLongLong();
                if (media > 0 && loader->cached(media).isNull() && loader->problem(media).isEmpty())
                    ++waiting;
            }
            return waiting;
        };
        QElapsedTimer photos;
        photos.start();
        bar->setValue(bar->minimum());
        while (true) {
            view->viewport()->repaint();
            waitUntil([&] { return visibleWaiting() == 0; }, 10000);
            if (bar->value() >= bar->maximum())
                break;
            bar->setValue(bar->value() + view->viewport()->height());
        }
        photosMs = double(photos.nsecsElapsed()) / 1e6;
        QCoreApplication::processEvents();
        photosRss = residentMb();
        for (int r = 0; r < messages->rowCount(); ++r) {
            const qint64 media = messages->index(r, 0).data(MessageModel::MediaIdRole).toLongLong();
            thumbnails += media > 0 && !loader->cached(media).isNull() ? 1 : 0;
        }
        for (int i = 0; i < screens && bar->value() > bar->minimum(); ++i) {
            bar->setValue(bar->value() - view->viewport()->height());
            QElapsedTimer t;
            t.start();
            view->viewport()->repaint();
            photoRepaints.push_back(double(t.nsecsElapsed()) / 1e6);
            QCoreApplication::processEvents();
        }
    }

    out << QStringLiteral(
               "Console with %1 open conversations and a %2-message thread (1366x768, offscreen):\n")
               .arg(list.rowCount())
               .arg(messages->rowCount());
    out << QStringLiteral(
               "  start -> list painted: %1 ms (sign-in skipped: token given; setup before it %2 s)\n")
               .arg(listMs, 0, 'f', 0)
               .arg(setupMs / 1000.0, 0, 'f', 1);
    out << QStringLiteral("  resident memory: %1 MB with the list, %2 MB with the whole thread loaded\n")
               .arg(listRss, 0, 'f', 1)
               .arg(threadRss, 0, 'f', 1);
    out << QStringLiteral("  thread: first page %1 ms, all %2 messages %3 ms, layout to the bottom %4 ms\n")
               .arg(firstPageMs, 0, 'f', 0)
               .arg(messages->rowCount())
               .arg(allLoadedMs, 0, 'f', 0)
               .arg(layoutMs, 0, 'f', 0);
    out << QStringLiteral(
               "  repaint of one screen while scrolling up: p50 %1 ms, p99 %2 ms, max %3 ms (%4 screens)\n")
               .arg(Bench::percentile(repaints, 0.5), 0, 'f', 2)
               .arg(Bench::percentile(repaints, 0.99), 0, 'f', 2)
               .arg(Bench::percentile(repaints, 1.0), 0, 'f', 2)
               .arg(repaints.size());
    if (images > 0)
        out << QStringLiteral(
                   "  %1 photos: scrolled through top to bottom with every thumbnail loaded in %2 s; %3 "
                   "thumbnails in memory (the cache keeps about 48 MB); resident memory %4 MB; repaint "
                   "of one screen p50 %5 ms, p99 %6 ms, max %7 ms (%8 screens)\n")
                   .arg(images)
                   .arg(photosMs / 1000.0, 0, 'f', 1)
                   .arg(thumbnails)
                   .arg(photosRss, 0, 'f', 1)
                   .arg(Bench::percentile(photoRepaints, 0.5), 0, 'f', 2)
                   .arg(Bench::percentile(photoRepaints, 0.99), 0, 'f', 2)
                   .arg(Bench::percentile(photoRepaints, 1.0), 0, 'f', 2)
                   .arg(photoRepaints.size());
    out.flush();
    server.terminate();
    server.waitForFinished(30000);
    return repaints.empty() ? 1 : 0;
}
