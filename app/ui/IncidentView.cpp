#include "IncidentView.h"

#include "AudioPlayer.h"
#include "ChatPanel.h"
#include "ConsoleSession.h"
#include "ExportFileDialog.h"
#include "HistoryModel.h"
#include "ImageViewer.h"
#include "IncidentExporter.h"
#include "MediaLoader.h"
#include "MessageDelegate.h"
#include "MessageHistoryDialog.h"
#include "MessageModel.h"

#include <QAction>
#include <QClipboard>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTimer>
#include <QVBoxLayout>

namespace {
constexpr int pageSize = 100;
// Rows laid out per pass of the event loop: a page and a screenful, so the rows being read are placed in
// the first pass after a page of older ones arrives.
constexpr int layoutBatch = 2 * pageSize;
// How long the view waits for a long thread's layout before putting the reader back anyway.
constexpr int keepPlaceLimitMs = 3000;
} // namespace

IncidentView::IncidentView(ConsoleSession *session, int ticketId, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_ticket(ticketId)
    , m_messages(new MessageModel(this))
    , m_player(new AudioPlayer(this))
    , m_exporter(new IncidentExporter(session, this))
    , m_view(new QListView(this))
    , m_title(new QLabel(this))
    , m_details(new QLabel(this))
    , m_status(new QLabel(tr("Reading the incident…"), this))
    , m_export(new QPushButton(tr("Export incident…"), this))
    , m_keepPlace(new QTimer(this))
    , m_hint(m_status->text())
{
    setWindowTitle(tr("Incident (ticket %1), read-only").arg(ticketId));
    for (QLabel *l : {m_title, m_details, m_status}) {
        l->setTextFormat(Qt::PlainText);
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    QFont big = m_title->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.2);
    m_title->setFont(big);
    m_title->setText(tr("Ticket %1").arg(ticketId));
    auto *readOnly = new QLabel(tr("Read-only: the incident's record as the server keeps it. Nothing here "
                                   "changes it; an open conversation is answered from the list."),
                                this);
    readOnly->setWordWrap(true);
    readOnly->setStyleSheet(QStringLiteral("color: #5f6368;"));
    m_status->setAccessibleName(tr("What the view is doing"));
    m_view->setAccessibleName(tr("Messages of the incident"));
    m_view->setModel(m_messages);
    auto *delegate = new MessageDelegate(m_view);
    delegate->setMediaLoader(m_session->media());
    delegate->setAudioPlayer(m_player);
    m_view->setItemDelegate(delegate);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->setSelectionMode(QAbstractItemView::NoSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setResizeMode(QListView::Adjust);
    m_view->setUniformItemSizes(false);
    // A long thread read page by page is laid out again for every page: in passes, so that the window
    // stays responsive while 10,000 rows are placed (the delegate keeps each row's layout, so a pass is
    // cheap).
    m_view->setLayoutMode(QListView::Batched);
    m_view->setBatchSize(layoutBatch);
    m_view->setWordWrap(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(delegate, &MessageDelegate::mediaActivated, this,
            [this](const QModelIndex &index) { activate(index); });
    connect(m_view, &QListView::activated, this, [this](const QModelIndex &index) { activate(index); });
    connect(m_view, &QWidget::customContextMenuRequested, this, &IncidentView::showMenu);
    connect(m_session->media(), &MediaLoader::thumbnailReady, m_messages, &MessageModel::mediaChanged);
    connect(m_player, &AudioPlayer::changed, m_messages, &MessageModel::mediaChanged);
    connect(m_player, &AudioPlayer::failed, m_status, &QLabel::setText);

    m_export->setAccessibleName(tr("Export the incident as a signed file"));
    m_export->setToolTip(tr("Saves the incident's record as the server signs it (JSON or PDF), with its "
                            "SHA-256 and signature files beside it."));
    m_export->setAutoDefault(false);
    m_export->setVisible(m_session->canExport());
    connect(m_export, &QPushButton::clicked, this, [this] { exportIncident(); });
    connect(m_session, &ConsoleSession::roleChanged, this,
            [this] { m_export->setVisible(m_session->canExport()); });
    connect(m_exporter, &IncidentExporter::finished, this, [this](const QString &path) {
        m_export->setEnabled(true);
        m_status->setText(tr("Exported to %1, with its .sha256 and .sig files.").arg(path));
    });
    connect(m_exporter, &IncidentExporter::failed, this, [this](const QString &message) {
        m_export->setEnabled(true);
        m_status->setText(message);
    });

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // Enter belongs to the thread (it opens a message's file, place or contact), never to a default button:
    // Enter on a message must not close the window.
    for (QPushButton *b : findChildren<QPushButton *>()) {
        b->setAutoDefault(false);
        b->setDefault(false);
    }
    // Beside the box, not in it: the box shows every button it lays out, and an agent must not see this one.
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_export);
    bottom->addWidget(buttons, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_details);
    layout->addWidget(readOnly);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);
    layout->addLayout(bottom);
    resize(760, 720);

    // Older pages when scrolled to the top, keeping what the agent reads where it was.
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (value == 0 && m_messages->hasMore() && !m_keepPlace->isActive())
            loadOlder();
    });
    connect(
        m_messages, &QAbstractItemModel::rowsAboutToBeInserted, this, [this](const QModelIndex &, int first) {
            // While an earlier page is still being laid out, the scroll bar's range is not the whole thread's
            // yet: the distance taken before it stands.
            if (first == 0 && m_messages->rowCount() > 0 && !m_keepPlace->isActive())
                m_fromBottom = m_view->verticalScrollBar()->maximum() - m_view->verticalScrollBar()->value();
        });
    connect(m_messages, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first) {
        if (first == 0 && m_fromBottom >= 0)
            keepPlace();
    });
    // The first page shows its end (the newest message).
    connect(m_messages, &QAbstractItemModel::modelReset, this, [this] {
        m_fromBottom = 0;
        keepPlace();
    });
    m_keepPlace->setInterval(0);
    connect(m_keepPlace, &QTimer::timeout, this, [this] {
        // The view lays the rows out a batch at a time: the scroll bar's range is the thread's only once the
        // last row has its place.
        const int rows = m_messages->rowCount();
        const bool laidOut = rows == 0 || m_view->visualRect(m_messages->index(rows - 1, 0)).isValid();
        if (!laidOut && m_keepingSince.elapsed() < keepPlaceLimitMs)
            return;
        m_keepPlace->stop();
        QScrollBar *bar = m_view->verticalScrollBar();
        m_keptFromBottom = std::exchange(m_fromBottom, -1);
        m_settingPlace = true;
        bar->setValue(bar->maximum() - m_keptFromBottom);
        m_settingPlace = false;
        m_view->viewport()->setUpdatesEnabled(true);
    });
    // Rows the view lays out after that (the limit was reached on a busy machine) grow the range: the place
    // stays the same distance from the bottom until the reader scrolls.
    QScrollBar *bar = m_view->verticalScrollBar();
    connect(bar, &QScrollBar::rangeChanged, this, [this, bar](int, int maximum) {
        if (m_keptFromBottom < 0 || m_keepPlace->isActive())
            return;
        m_settingPlace = true;
        bar->setValue(maximum - m_keptFromBottom);
        m_settingPlace = false;
    });
    connect(bar, &QScrollBar::valueChanged, this, [this, bar](int value) {
        if (!m_settingPlace && m_keptFromBottom >= 0 && value != bar->maximum() - m_keptFromBottom)
            m_keptFromBottom = -1;
    });

    m_session->readThread(
        m_ticket, pageSize, 0, this,
        [this](const QJsonObject &answer) {
            m_conversation = answer.value(QStringLiteral("ticket")).toObject();
            m_messages->setTechnicianName(m_conversation.value(QStringLiteral("contact_name")).toString());
            m_messages->reset(answer.value(QStringLiteral("messages")).toArray(),
                              answer.value(QStringLiteral("has_more")).toBool());
            showTicket();
            showHint(m_messages->hasMore() ? tr("Scroll up for older messages.") : QString());
            Q_EMIT loaded();
        },
        [this](const RequestError &e) {
            showHint(tr("The incident could not be read: %1").arg(e.message), true);
            Q_EMIT loaded();
        });
}

void IncidentView::keepPlace()
{
    m_keptFromBottom = -1;
    // Not painted meanwhile, so that the reader never sees the thread's top flash past.
    m_view->viewport()->setUpdatesEnabled(false);
    m_keepingSince.start();
    m_keepPlace->start();
}

void IncidentView::showHint(const QString &text, bool always)
{
    // What reading the thread says replaces only what it said itself (or nothing): never an export's
    // outcome, a saved file or a copied contact.
    if (always || m_status->text().isEmpty() || m_status->text() == m_hint)
        m_status->setText(text);
    m_hint = text;
}

void IncidentView::showTicket()
{
    const QJsonObject &c = m_conversation;
    const auto s = [&c](const char *key) { return c.value(QLatin1String(key)).toString(); };
    const QString reference =
        s("ticket_reference").isEmpty() ? tr("Ticket %1").arg(m_ticket) : s("ticket_reference");
    m_title->setText(reference);
    setWindowTitle(tr("%1, read-only").arg(reference));
    QStringList parts;
    const QString lift = s("lift_name");
    parts << (lift.isEmpty() ? QStringLiteral("+") + s("lift_msisdn")
                             : tr("%1 (+%2)").arg(lift, s("lift_msisdn")));
    parts << tr("opened %1").arg(HistoryModel::localTime(s("created_at")));
    if (s("status") == QLatin1String("open"))
        parts << tr("still open");
    else if (const QString at = HistoryModel::localTime(s("resolved_at")); !at.isEmpty())
        parts << tr("resolved %1").arg(at);
    else
        parts << tr("resolved");
    const QString name = s("contact_name");
    const QString phone = s("contact_phone");
    if (name.isEmpty() && phone.isEmpty())
        parts << tr("no technician wrote");
    else
        parts << tr("technician: %1")
                     .arg(phone.isEmpty()  ? name
                          : name.isEmpty() ? QStringLiteral("+") + phone
                                           : tr("%1 (+%2)").arg(name, phone));
    parts << tr("%n message(s)", nullptr, c.value(QStringLiteral("message_count")).toInt());
    m_details->setText(parts.join(QStringLiteral(" · ")));
}

void IncidentView::loadOlder()
{
    if (m_loadingOlder || !m_messages->hasMore())
        return;
    m_loadingOlder = true;
    m_session->readThread(
        m_ticket, pageSize, m_messages->oldestId(), this,
        [this](const QJsonObject &answer) {
            m_loadingOlder = false;
            m_messages->prependOlder(answer.value(QStringLiteral("messages")).toArray(),
                                     answer.value(QStringLiteral("has_more")).toBool());
            if (!m_messages->hasMore())
                showHint(QString());
        },
        [this](const RequestError &e) {
            m_loadingOlder = false;
            showHint(tr("Older messages could not be read: %1").arg(e.message), true);
        });
}

void IncidentView::exportIncident(const QString &path)
{
    IncidentExporter::Format format = IncidentExporter::formatOf(path);
    const QString target =
        path.isEmpty() ? ExportFileDialog::ask(this, m_title->text(), m_ticket, &format) : path;
    if (target.isEmpty())
        return;
    if (!m_exporter->start(m_ticket, format, target)) {
        m_status->setText(tr("An export is under way: wait for it to finish."));
        return;
    }
    m_export->setEnabled(false);
    m_status->setText(tr("Exporting…"));
}

bool IncidentView::activate(const QModelIndex &index)
{
    using M = MessageModel;
    if (!index.isValid() || index.data(M::RevokedRole).toBool())
        return false;
    const QJsonObject location = index.data(M::LocationRole).toJsonObject();
    if (!location.isEmpty()) {
        const QUrl map = MessageModel::mapUrl(location);
        if (!map.isEmpty())
            QDesktopServices::openUrl(map);
        return !map.isEmpty();
    }
    const QJsonArray contacts = index.data(M::ContactsRole).toJsonArray();
    if (!contacts.isEmpty()) {
        QGuiApplication::clipboard()->setText(MessageModel::contactsText(contacts));
        m_status->setText(tr("Contact details copied"));
        return true;
    }
    const QJsonObject media = index.data(M::MediaRole).toJsonObject();
    if (media.isEmpty())
        return false;
    const qint64 id = index.data(M::MediaIdRole).toLongLong();
    if (id <= 0) {
        m_status->setText(index.data(M::MediaLabelRole).toString()); // why the file is not there
        return true;
    }
    const QString type = media.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("image") || type == QLatin1String("sticker")) {
        auto *viewer = new ImageViewer(m_session->media(), id, index.data(M::AuthorRole).toString(),
                                       ChatPanel::fileNameFor(media), this);
        viewer->setAttribute(Qt::WA_DeleteOnClose);
        viewer->show();
    } else if (type == QLatin1String("audio")) {
        m_player->playOrToggle(m_session->media(), id, media.value(QStringLiteral("mime_type")).toString(),
                               [this](const QString &why) {
                                   m_status->setText(tr("The recording was not loaded: %1").arg(why));
                               });
    } else {
        saveFile(id, ChatPanel::fileNameFor(media));
    }
    return true;
}

void IncidentView::showMenu(const QPoint &at)
{
    using M = MessageModel;
    const QModelIndex index = m_view->indexAt(at);
    if (!index.isValid())
        return;
    QMenu menu;
    const QPersistentModelIndex row(index);
    const QJsonObject media = index.data(M::MediaRole).toJsonObject();
    const qint64 mediaId = index.data(M::MediaIdRole).toLongLong();
    if (!index.data(M::RevokedRole).toBool()) {
        if (!MessageModel::mapUrl(index.data(M::LocationRole).toJsonObject()).isEmpty())
            menu.addAction(tr("Open the map"), this, [this, row] { activate(row); });
        if (!index.data(M::ContactsRole).toJsonArray().isEmpty())
            menu.addAction(tr("Copy the contact details"), this, [this, row] { activate(row); });
        if (mediaId > 0) {
            const QString type = media.value(QStringLiteral("type")).toString();
            if (type == QLatin1String("image") || type == QLatin1String("sticker"))
                menu.addAction(tr("View the photo"), this, [this, row] { activate(row); });
            else if (type == QLatin1String("audio"))
                menu.addAction(tr("Play"), this, [this, row] { activate(row); });
            const QString name = ChatPanel::fileNameFor(media);
            menu.addAction(tr("Save as…"), this, [this, mediaId, name] { saveFile(mediaId, name); });
        }
    }
    const qint64 messageId = index.data(M::MessageIdRole).toLongLong();
    if (messageId > 0 && m_session->isAdmin())
        menu.addAction(tr("History of this message…"), this, [this, messageId] {
            auto *dialog = new MessageHistoryDialog(m_session, messageId, this);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->show();
        });
    if (!menu.isEmpty())
        menu.exec(m_view->viewport()->mapToGlobal(at));
}

void IncidentView::saveFile(qint64 mediaId, const QString &fileName)
{
    const QString target = QFileDialog::getSaveFileName(
        this, tr("Save the file"),
        QStandardPaths::writableLocation(QStandardPaths::DownloadLocation) + QLatin1Char('/') + fileName);
    if (target.isEmpty())
        return;
    m_session->media()->fetch(
        mediaId, this,
        [this, target](const QByteArray &bytes, const QString &) {
            QSaveFile file(target);
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
                m_status->setText(tr("The file was not saved: %1").arg(file.errorString()));
                return;
            }
            m_status->setText(tr("Saved to %1").arg(target));
        },
        [this](const RequestError &e) {
            m_status->setText(tr("The file was not saved: %1").arg(e.message));
        });
}
