#include "ChatPanel.h"

#include "AgentPicker.h"
#include "AudioPlayer.h"
#include "Composer.h"
#include "ConsoleSession.h"
#include "ConsoleSettings.h"
#include "ConversationDelegate.h"
#include "ConversationListModel.h"
#include "EarlierIncidentsPanel.h"
#include "ExportFileDialog.h"
#include "ImageViewer.h"
#include "IncidentCardPanel.h"
#include "IncidentExporter.h"
#include "MediaLoader.h"
#include "MessageDelegate.h"
#include "MessageHistoryDialog.h"
#include "MessageModel.h"
#include "WireTime.h"

#include <QAction>
#include <QBuffer>
#include <QClipboard>
#include <QComboBox>
#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHash>
#include <QJsonArray>
#include <QKeyEvent>
#include <QLabel>
#include <QListView>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QMimeDatabase>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollBar>
#include <QSplitter>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QVBoxLayout>

ChatPanel::ChatPanel(ConsoleSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_messages(new MessageModel(this))
    , m_player(new AudioPlayer(this))
    , m_openUrl([](const QUrl &url) { QDesktopServices::openUrl(url); })
    , m_view(new QListView(this))
    , m_composer(new Composer(this))
    , m_title(new QLabel(this))
    , m_details(new QLabel(this))
    , m_window(new QLabel(this))
    , m_counter(new QLabel(this))
    , m_owner(new QLabel(this))
    , m_closedNote(new QLabel(this))
    , m_back(new QPushButton(tr("Back"), this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_attach(new QPushButton(tr("Attach…"), this))
    , m_acknowledge(new QPushButton(tr("Acknowledge"), this))
    , m_resolve(new QPushButton(tr("Resolve…"), this))
    , m_template(new QPushButton(tr("Invite back"), this))
    , m_assign(new QPushButton(tr("Assign…"), this))
    , m_cardToggle(new QPushButton(tr("Incident card"), this))
    , m_card(new IncidentCardPanel(session, this))
    , m_earlierToggle(new QPushButton(tr("Earlier incidents"), this))
    , m_earlier(new EarlierIncidentsPanel(session, this))
    , m_export(new QPushButton(tr("Export incident…"), this))
    , m_exporter(new IncidentExporter(session, this))
    , m_to(new QComboBox(this))
    , m_toLabel(new QLabel(tr("To:"), this))
{
    for (QLabel *l : {m_title, m_details, m_window, m_counter, m_owner, m_closedNote}) {
        l->setTextFormat(Qt::PlainText);
        l->setWordWrap(true);
    }
    QFont big = m_title->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.2);
    m_title->setFont(big);
    m_owner->setAccessibleName(tr("Who has the request"));
    m_owner->setStyleSheet(QStringLiteral("color: #9a5b00; font-weight: bold;"));
    m_closedNote->setAccessibleName(tr("Ticket closed"));
    m_closedNote->setStyleSheet(QStringLiteral("color: #9a5b00;"));
    m_back->setAccessibleName(tr("Back to the conversation list"));
    m_send->setAccessibleName(tr("Send the reply"));
    m_attach->setAccessibleName(tr("Send a photo or a document"));
    m_attach->setToolTip(
        tr("Send a photo, a recording, a video or a document, with the reply box's text as its "
           "caption. Files can also be dropped on the chat, or a picture pasted."));
    connect(m_attach, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Send a file"), QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation),
            tr("Photos, recordings, videos and documents (*.jpg *.jpeg *.png *.webp *.ogg *.opus *.mp3 *.m4a "
               "*.aac "
               "*.amr *.mp4 *.3gp *.pdf *.txt *.doc *.docx *.xls *.xlsx *.ppt *.pptx);;All files (*)"));
        if (!path.isEmpty())
            sendFile(path);
    });
    connect(m_composer, &Composer::imagePasted, this, [this](const QImage &image) { sendImage(image); });
    connect(m_composer, &Composer::filesPasted, this, [this](const QList<QUrl> &files) {
        for (const QUrl &file : files)
            sendFile(file.toLocalFile());
    });
    setAcceptDrops(true);
    m_acknowledge->setAccessibleName(tr("Acknowledge the agent request"));
    m_resolve->setAccessibleName(tr("Resolve the ticket with a note"));
    m_template->setAccessibleName(tr("Send the re-engagement template"));
    m_template->setToolTip(tr("The technician's 24-hour window is closed: only a template can reach them."));
    m_assign->setAccessibleName(tr("Assign the conversation to an agent"));
    m_assign->hide();
    m_cardToggle->setCheckable(true);
    m_cardToggle->setAccessibleName(tr("Show the incident card"));
    m_cardToggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_card->hide();
    m_earlierToggle->setCheckable(true);
    m_earlierToggle->setAccessibleName(tr("Show the lift's and the technician's earlier incidents"));
    m_earlierToggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_earlier->hide();
    m_export->setAccessibleName(tr("Export the incident as a signed file"));
    m_export->setToolTip(tr("Saves the incident's record as the server signs it (JSON or PDF), with its "
                            "SHA-256 and signature files beside it."));
    m_export->hide();
    m_to->setAccessibleName(tr("Who the reply goes to"));
    m_toLabel->setBuddy(m_to);
    m_to->hide();
    m_toLabel->hide();
    m_view->setAccessibleName(tr("Messages"));
    m_view->setModel(m_messages);
    auto *delegate = new MessageDelegate(m_view);
    delegate->setMediaLoader(m_session->media());
    delegate->setAudioPlayer(m_player);
    m_view->setItemDelegate(delegate);
    connect(delegate, &MessageDelegate::mediaActivated, this,
            [this](const QModelIndex &index) { activateMedia(index); });
    connect(m_session->media(), &MediaLoader::thumbnailReady, m_messages, &MessageModel::mediaChanged);
    connect(m_player, &AudioPlayer::changed, m_messages, &MessageModel::mediaChanged);
    connect(m_player, &AudioPlayer::failed, this, &ChatPanel::problem);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint &at) {
        QMenu menu;
        const QList<QAction *> actions = messageActions(m_view->indexAt(at), &menu);
        if (actions.isEmpty())
            return;
        menu.addActions(actions);
        menu.exec(m_view->viewport()->mapToGlobal(at));
    });
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->setSelectionMode(QAbstractItemView::NoSelection);
    m_view->setResizeMode(QListView::Adjust);
    m_view->setUniformItemSizes(false);
    m_view->setWordWrap(true);

    auto *header = new QHBoxLayout;
    header->addWidget(m_back);
    auto *who = new QVBoxLayout;
    who->addWidget(m_title);
    who->addWidget(m_details);
    who->addWidget(m_window);
    who->addWidget(m_owner);
    header->addLayout(who, 1);
    header->addWidget(m_acknowledge);
    header->addWidget(m_resolve);
    header->addWidget(m_template);
    header->addWidget(m_assign);
    header->addWidget(m_cardToggle);
    header->addWidget(m_earlierToggle);
    header->addWidget(m_export);
    auto *bottom = new QHBoxLayout;
    auto *compose = new QVBoxLayout;
    auto *toRow = new QHBoxLayout;
    toRow->addWidget(m_toLabel);
    toRow->addWidget(m_to, 1);
    compose->addLayout(toRow);
    compose->addWidget(m_composer, 1);
    bottom->addLayout(compose, 1);
    auto *side = new QVBoxLayout;
    side->addWidget(m_send);
    side->addWidget(m_attach);
    side->addWidget(m_counter);
    side->addStretch();
    bottom->addLayout(side);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    auto *middle = new QSplitter(Qt::Horizontal, this);
    middle->addWidget(m_view);
    middle->addWidget(m_card);
    middle->addWidget(m_earlier);
    middle->setStretchFactor(0, 3);
    middle->setStretchFactor(1, 2);
    middle->setStretchFactor(2, 2);
    middle->setChildrenCollapsible(false);
    layout->addWidget(middle, 1);
    layout->addWidget(m_closedNote);
    layout->addLayout(bottom);
    m_composer->setMaximumHeight(m_composer->fontMetrics().lineSpacing() * 6);

    connect(m_back, &QPushButton::clicked, this, &ChatPanel::backRequested);
    connect(m_send, &QPushButton::clicked, this, &ChatPanel::send);
    connect(m_composer, &Composer::sendRequested, this, &ChatPanel::send);
    connect(m_composer, &QPlainTextEdit::textChanged, this, &ChatPanel::updateCounter);
    connect(m_composer, &QPlainTextEdit::textChanged, this, [this] {
        if (m_settings && m_ticket > 0)
            m_settings->setDraft(draftScope(), m_ticket, m_composer->toPlainText());
    });
    connect(m_acknowledge, &QPushButton::clicked, this, [this] { m_session->acknowledge(m_ticket); });
    connect(m_template, &QPushButton::clicked, this, [this] { m_session->sendTemplate(m_ticket); });
    connect(m_resolve, &QPushButton::clicked, this, &ChatPanel::resolve);
    connect(m_assign, &QPushButton::clicked, this, [this] { assign(); });
    connect(m_cardToggle, &QPushButton::toggled, m_card, &QWidget::setVisible);
    connect(m_card, &IncidentCardPanel::problem, this, &ChatPanel::problem);
    connect(m_earlierToggle, &QPushButton::toggled, m_earlier, &QWidget::setVisible);
    connect(m_earlier, &EarlierIncidentsPanel::openRequested, this, &ChatPanel::incidentRequested);
    connect(m_earlier, &EarlierIncidentsPanel::historyRequested, this, &ChatPanel::historyRequested);
    connect(m_earlier, &EarlierIncidentsPanel::changed, this, [this] {
        const int n = m_earlier->count();
        m_earlierToggle->setText(n > 0 ? tr("Earlier incidents (%1)").arg(n) : tr("Earlier incidents"));
    });
    connect(m_export, &QPushButton::clicked, this, [this] { exportIncident(); });
    connect(m_exporter, &IncidentExporter::finished, this, [this](const QString &path) {
        m_export->setEnabled(true);
        Q_EMIT notice(tr("Exported to %1, with its .sha256 and .sig files.").arg(path));
    });
    connect(m_exporter, &IncidentExporter::failed, this, [this](const QString &message) {
        m_export->setEnabled(true);
        Q_EMIT problem(message);
    });
    connect(m_session, &ConsoleSession::incidentUpdated, m_card, &IncidentCardPanel::onUpdated);
    connect(m_session, &ConsoleSession::roleChanged, this, &ChatPanel::refreshHeader);
    connect(m_to, &QComboBox::currentIndexChanged, this, [this](int index) {
        // The first entry is the server's default: the last one who wrote, whoever that is when it sends.
        m_session->setRecipient(index > 0 ? m_participants.value(index) : QString());
    });
    // A message from someone new on the ticket makes them a participant.
    connect(m_messages, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) {
                for (int row = first; row <= last; ++row) {
                    const QModelIndex i = m_messages->index(row);
                    if (!i.data(MessageModel::OutboundRole).toBool() &&
                        !m_participants.contains(i.data(MessageModel::MessageRole)
                                                     .toJsonObject()
                                                     .value(QStringLiteral("from_number"))
                                                     .toString())) {
                        loadParticipants();
                        return;
                    }
                }
            });
    // A failed bubble is retried by activating it (double-click or Enter); a file, place or contact does
    // what clicking it does.
    connect(m_view, &QListView::activated, this, [this](const QModelIndex &index) {
        if (activateMedia(index))
            return;
        if (index.data(MessageModel::StatusRole).toString() == QLatin1String("failed") &&
            index.data(MessageModel::OutboundRole).toBool())
            m_session->retry(index.data(MessageModel::ClientMessageIdRole).toString());
    });
    // Older pages when scrolled to the top; stay at the bottom as messages arrive when already there.
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        m_stickToBottom = value >= m_view->verticalScrollBar()->maximum() - 4;
        if (value == 0 && m_messages->hasMore())
            m_session->loadOlder();
    });
    // Older messages inserted above keep what the agent is reading where it was.
    connect(
        m_messages, &QAbstractItemModel::rowsAboutToBeInserted, this, [this](const QModelIndex &, int first) {
            if (first == 0 && m_messages->rowCount() > 0)
                m_fromBottom = m_view->verticalScrollBar()->maximum() - m_view->verticalScrollBar()->value();
        });
    connect(m_messages, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first) {
        if (first > 0 && m_stickToBottom) {
            QTimer::singleShot(0, m_view, [this] { m_view->scrollToBottom(); });
        } else if (first == 0 && m_fromBottom >= 0) {
            const int fromBottom = std::exchange(m_fromBottom, -1);
            QTimer::singleShot(0, m_view, [this, fromBottom] {
                m_view->doItemsLayout(); // the view lays out later by itself: the new maximum is needed now
                m_view->verticalScrollBar()->setValue(m_view->verticalScrollBar()->maximum() - fromBottom);
            });
        }
    });
    connect(m_messages, &QAbstractItemModel::modelReset, this,
            [this] { QTimer::singleShot(0, m_view, [this] { m_view->scrollToBottom(); }); });
    // The window's minutes and the request's clock.
    auto *clock = new QTimer(this);
    connect(clock, &QTimer::timeout, this, &ChatPanel::refreshHeader);
    clock->start(1000);
    updateCounter();
    setConversation({});
    m_back->hide();
}

void ChatPanel::setBackVisible(bool visible)
{
    m_back->setVisible(visible);
}

QString ChatPanel::draftScope() const
{
    return m_session->serverUrl();
}

ChatPanel::~ChatPanel() = default;

namespace {

// The name a file is offered under: the sender's, else one made from its type.
// The file extension for a type the server checked the content to be; empty for a type the console does not
// hand to the desktop (a plain zip, an unknown container).
QString suffixFor(const QString &mime)
{
    static const QHash<QString, QString> suffixes{
        {QStringLiteral("image/jpeg"), QStringLiteral("jpg")},
        {QStringLiteral("image/png"), QStringLiteral("png")},
        {QStringLiteral("image/webp"), QStringLiteral("webp")},
        {QStringLiteral("audio/ogg"), QStringLiteral("ogg")},
        {QStringLiteral("audio/mpeg"), QStringLiteral("mp3")},
        {QStringLiteral("audio/aac"), QStringLiteral("aac")},
        {QStringLiteral("audio/amr"), QStringLiteral("amr")},
        {QStringLiteral("audio/mp4"), QStringLiteral("m4a")},
        {QStringLiteral("video/mp4"), QStringLiteral("mp4")},
        {QStringLiteral("video/3gpp"), QStringLiteral("3gp")},
        {QStringLiteral("application/pdf"), QStringLiteral("pdf")},
        {QStringLiteral("text/plain"), QStringLiteral("txt")},
        {QStringLiteral("application/msword"), QStringLiteral("doc")},
        {QStringLiteral("application/vnd.ms-excel"), QStringLiteral("xls")},
        {QStringLiteral("application/vnd.ms-powerpoint"), QStringLiteral("ppt")},
        {QStringLiteral("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
         QStringLiteral("docx")},
        {QStringLiteral("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
         QStringLiteral("xlsx")},
        {QStringLiteral("application/vnd.openxmlformats-officedocument.presentationml.presentation"),
         QStringLiteral("pptx")},
    };
    return suffixes.value(mime);
}

// The name a file is offered and written under: the sender's name (never a path), with the extension of
// the type its content was checked to be. A sender's "reset.html" that is plain text becomes
// "reset.html.txt", so that the desktop opens it as text, not in a browser.
QString fileNameOf(const QJsonObject &media)
{
    QString name = media.value(QStringLiteral("filename")).toString().trimmed();
    // Never a path, nor a name some desktops refuse or read as something else (":" is an NTFS stream).
    for (QChar &c : name)
        if (QStringLiteral("/\\:*?\"<>|").contains(c) || c.category() == QChar::Other_Control)
            c = QLatin1Char('_');
    while (name.startsWith(QLatin1Char('.')))
        name.remove(0, 1);
    if (name.size() > 120)
        name = name.left(60) + QStringLiteral("…") + name.right(59);
    if (name.isEmpty())
        name = QStringLiteral("%1-%2")
                   .arg(media.value(QStringLiteral("type")).toString())
                   .arg(media.value(QStringLiteral("id")).toInteger());
    QString suffix = suffixFor(media.value(QStringLiteral("mime_type")).toString());
    if (suffix.isEmpty())
        suffix = QStringLiteral("bin");
    if (!name.endsWith(QLatin1Char('.') + suffix, Qt::CaseInsensitive))
        name += QLatin1Char('.') + suffix;
    return name;
}

// Whether the desktop may be asked to open the file: only types whose applications show them.
bool openable(const QJsonObject &media)
{
    return !suffixFor(media.value(QStringLiteral("mime_type")).toString()).isEmpty();
}

} // namespace

QString ChatPanel::fileNameFor(const QJsonObject &media)
{
    return fileNameOf(media);
}

bool ChatPanel::activateMedia(const QModelIndex &index)
{
    using M = MessageModel;
    if (!index.isValid() || index.data(M::RevokedRole).toBool())
        return false;
    const QJsonObject location = index.data(M::LocationRole).toJsonObject();
    if (!location.isEmpty()) {
        const QUrl map = MessageModel::mapUrl(location);
        if (map.isEmpty())
            return false;
        m_openUrl(map);
        return true;
    }
    const QJsonArray contacts = index.data(M::ContactsRole).toJsonArray();
    if (!contacts.isEmpty()) {
        QGuiApplication::clipboard()->setText(MessageModel::contactsText(contacts));
        Q_EMIT notice(tr("Contact details copied"));
        return true;
    }
    const QJsonObject media = index.data(M::MediaRole).toJsonObject();
    if (media.isEmpty())
        return false;
    const qint64 id = index.data(M::MediaIdRole).toLongLong();
    if (id <= 0) {
        // The agent's own file that did not go: activating it sends it again (the caller's retry).
        if (index.data(M::OutboundRole).toBool() &&
            index.data(M::StatusRole).toString() == QLatin1String("failed"))
            return false;
        Q_EMIT problem(index.data(M::MediaLabelRole).toString());
        return true;
    }
    const QString type = media.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("image") || type == QLatin1String("sticker")) {
        auto *viewer = new ImageViewer(m_session->media(), id, index.data(M::AuthorRole).toString(),
                                       fileNameOf(media), window());
        viewer->setAttribute(Qt::WA_DeleteOnClose);
        viewer->setObjectName(QStringLiteral("imageViewer"));
        viewer->show();
        return true;
    }
    if (type == QLatin1String("audio")) {
        m_player->playOrToggle(
            m_session->media(), id, media.value(QStringLiteral("mime_type")).toString(),
            [this](const QString &why) { Q_EMIT problem(tr("The recording was not loaded: %1").arg(why)); });
        return true;
    }
    // Videos and documents: open with the desktop's application, or save.
    QMenu menu(this);
    const QList<QAction *> actions = mediaActions(index, &menu);
    menu.addActions(actions);
    menu.exec(m_view->viewport()->mapToGlobal(m_view->visualRect(index).center()));
    return true;
}

QList<QAction *> ChatPanel::mediaActions(const QModelIndex &index, QObject *parent)
{
    using M = MessageModel;
    QList<QAction *> out;
    if (!index.isValid() || index.data(M::RevokedRole).toBool())
        return out;
    const QPersistentModelIndex at(index);
    const auto add = [&](const QString &text, std::function<void()> act) {
        auto *a = new QAction(text, parent);
        connect(a, &QAction::triggered, this, [act] { act(); });
        out << a;
    };
    const QJsonObject location = index.data(M::LocationRole).toJsonObject();
    if (!MessageModel::mapUrl(location).isEmpty())
        add(tr("Open the map"), [this, location] { m_openUrl(MessageModel::mapUrl(location)); });
    const QJsonArray contacts = index.data(M::ContactsRole).toJsonArray();
    if (!contacts.isEmpty())
        add(tr("Copy the contact details"), [this, at] { activateMedia(at); });
    const QJsonObject media = index.data(M::MediaRole).toJsonObject();
    const qint64 id = index.data(M::MediaIdRole).toLongLong();
    if (id <= 0)
        return out;
    const QString type = media.value(QStringLiteral("type")).toString();
    const QString name = fileNameOf(media);
    if (type == QLatin1String("image") || type == QLatin1String("sticker"))
        add(tr("View the photo"), [this, at] { activateMedia(at); });
    else if (type == QLatin1String("audio"))
        add(m_player->mediaId() == id && m_player->isPlaying() ? tr("Pause") : tr("Play"),
            [this, at] { activateMedia(at); });
    else if (openable(media))
        add(tr("Open"), [this, id, name] { openFile(id, name); });
    add(tr("Save as…"), [this, id, name] { saveFile(id, name); });
    return out;
}

QList<QAction *> ChatPanel::messageActions(const QModelIndex &index, QObject *parent)
{
    QList<QAction *> out = mediaActions(index, parent);
    const qint64 id = index.data(MessageModel::MessageIdRole).toLongLong();
    if (id > 0 && m_session->isAdmin()) {
        auto *history = new QAction(tr("History of this message…"), parent);
        connect(history, &QAction::triggered, this, [this, id] { showHistory(id); });
        out << history;
    }
    return out;
}

MessageHistoryDialog *ChatPanel::showHistory(qint64 messageId)
{
    auto *dialog = new MessageHistoryDialog(m_session, messageId, window());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("messageHistory"));
    dialog->show();
    return dialog;
}

// A resolved ticket is written on only once the agent says so (once per ticket): the technician may be
// on another job, and a late reply or file belongs on a new ticket more often than not.
bool ChatPanel::isResolved() const
{
    // Not known until the conversation has loaded: not resolved meanwhile.
    const QString status = m_conversation.value(QStringLiteral("status")).toString();
    return m_ticket > 0 && !status.isEmpty() && status != QLatin1String("open");
}

bool ChatPanel::confirmSendOnResolved()
{
    if (!isResolved() || m_confirmedClosedSend == m_ticket)
        return true;
    const QString title = tr("Reply on a resolved ticket?");
    const QString question =
        tr("%1 is resolved. Send this reply to the technician anyway?").arg(m_title->text());
    const bool yes = m_confirm
                         ? m_confirm(title, question)
                         : QMessageBox::question(this, title, question, QMessageBox::Yes | QMessageBox::No,
                                                 QMessageBox::No) == QMessageBox::Yes;
    if (yes)
        m_confirmedClosedSend = m_ticket;
    return yes;
}

bool ChatPanel::sendFile(const QString &path)
{
    if (m_ticket <= 0 || !m_composer->isEnabled()) {
        Q_EMIT problem(tr("Open a conversation whose 24-hour window is open to send a file."));
        return false;
    }
    QFile file(path);
    const QFileInfo info(path);
    // WhatsApp's largest file is a 100 MB document; the server checks each kind's own limit.
    if (info.size() > 100LL * 1024 * 1024) {
        Q_EMIT problem(tr("%1 is %2; WhatsApp takes files of at most 100 MB.")
                           .arg(info.fileName(), QLocale().formattedDataSize(info.size())));
        return false;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        Q_EMIT problem(tr("%1 cannot be read: %2").arg(info.fileName(), file.errorString()));
        return false;
    }
    if (!confirmSendOnResolved())
        return false;
    const QByteArray bytes = file.readAll();
    const QString mime = QMimeDatabase().mimeTypeForFileNameAndData(path, bytes.left(4096)).name();
    m_session->sendFile(bytes, mime, info.fileName(), m_composer->toPlainText());
    m_composer->clear();
    return true;
}

bool ChatPanel::sendImage(const QImage &image)
{
    if (image.isNull())
        return false;
    if (m_ticket <= 0 || !m_composer->isEnabled()) {
        Q_EMIT problem(tr("Open a conversation whose 24-hour window is open to send a picture."));
        return false;
    }
    if (!confirmSendOnResolved())
        return false;
    // PNG keeps a screenshot sharp; a photo too large for it goes as JPEG (WhatsApp's limit is 5 MB).
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    QString mime = QStringLiteral("image/png");
    QString name = QStringLiteral("pasted-picture.png");
    if (bytes.size() > 4 * 1024 * 1024) {
        bytes.clear();
        buffer.seek(0);
        image.save(&buffer, "JPEG", 85);
        mime = QStringLiteral("image/jpeg");
        name = QStringLiteral("pasted-picture.jpg");
    }
    m_session->sendFile(bytes, mime, name, m_composer->toPlainText());
    m_composer->clear();
    return true;
}

void ChatPanel::dragEnterEvent(QDragEnterEvent *event)
{
    for (const QUrl &url : event->mimeData()->urls())
        if (url.isLocalFile()) {
            event->acceptProposedAction();
            return;
        }
    if (event->mimeData()->hasImage())
        event->acceptProposedAction();
}

void ChatPanel::dropEvent(QDropEvent *event)
{
    QStringList files;
    for (const QUrl &url : event->mimeData()->urls())
        if (url.isLocalFile())
            files << url.toLocalFile();
    QImage image;
    if (files.isEmpty() && event->mimeData()->hasImage())
        image = qvariant_cast<QImage>(event->mimeData()->imageData());
    if (files.isEmpty() && image.isNull())
        return;
    event->acceptProposedAction();
    // Sent once the drop has ended (a question may be asked), and asked once for all its files.
    QTimer::singleShot(0, this, [this, files, image] {
        if (!confirmSendOnResolved())
            return;
        for (const QString &file : files)
            sendFile(file);
        if (!image.isNull())
            sendImage(image);
    });
}

void ChatPanel::openFile(qint64 mediaId, const QString &fileName)
{
    if (!m_openedFiles)
        m_openedFiles = std::make_unique<QTemporaryDir>();
    const QString path = m_openedFiles->filePath(QStringLiteral("%1-%2").arg(mediaId).arg(fileName));
    m_session->media()->fetch(
        mediaId, this,
        [this, path](const QByteArray &bytes, const QString &) {
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
                Q_EMIT problem(tr("The file was not opened: %1").arg(file.errorString()));
                return;
            }
            m_openUrl(QUrl::fromLocalFile(path));
        },
        [this](const RequestError &error) {
            Q_EMIT problem(tr("The file was not opened: %1").arg(error.message));
        });
}

void ChatPanel::saveFile(qint64 mediaId, const QString &fileName, const QString &path)
{
    QString target = path;
    if (target.isEmpty())
        target = QFileDialog::getSaveFileName(
            this, tr("Save the file"),
            QStandardPaths::writableLocation(QStandardPaths::DownloadLocation) + QLatin1Char('/') + fileName);
    if (target.isEmpty())
        return;
    m_session->media()->fetch(
        mediaId, this,
        [this, target](const QByteArray &bytes, const QString &) {
            QSaveFile file(target);
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
                Q_EMIT problem(tr("The file was not saved: %1").arg(file.errorString()));
                return;
            }
            Q_EMIT notice(tr("Saved to %1").arg(target));
        },
        [this](const RequestError &error) {
            Q_EMIT problem(tr("The file was not saved: %1").arg(error.message));
        });
}

void ChatPanel::open(int ticketId)
{
    // The draft of the conversation left is already kept (on every change); the new one's comes back.
    m_ticket = 0;
    m_composer->setPlainText(m_settings ? m_settings->draft(draftScope(), ticketId) : QString());
    m_composer->moveCursor(QTextCursor::End);
    m_ticket = ticketId;
    m_stickToBottom = true;
    m_participants.clear();
    m_to->clear();
    m_to->hide();
    m_toLabel->hide();
    m_session->setRecipient(QString());
    m_session->setOpenConversation(ticketId, m_messages);
    m_card->open(ticketId);
}

void ChatPanel::loadParticipants()
{
    const int ticket = m_ticket;
    if (ticket <= 0)
        return;
    m_session->participants(
        ticket, this,
        [this, ticket](const QJsonObject &answer) {
            if (ticket != m_ticket)
                return;
            const QJsonArray people = answer.value(QStringLiteral("participants")).toArray();
            const QString chosen =
                m_to->currentIndex() > 0 ? m_participants.value(m_to->currentIndex()) : QString();
            const QSignalBlocker block(m_to);
            m_to->clear();
            m_participants.clear();
            auto label = [this](const QJsonObject &p) {
                QString text = tr("%1 (+%2)")
                                   .arg(p.value(QStringLiteral("name")).toString(),
                                        p.value(QStringLiteral("number")).toString());
                if (!p.value(QStringLiteral("registered")).toBool())
                    text = tr("%1, not in the registry").arg(text);
                if (!p.value(QStringLiteral("window_open")).toBool())
                    text = tr("%1, window closed").arg(text);
                return text;
            };
            // The default first: it follows whoever writes last.
            m_to->addItem(people.isEmpty() ? tr("the technician")
                                           : tr("Last to write: %1").arg(label(people.first().toObject())));
            m_participants.append(QString());
            for (const QJsonValue &v : people) {
                m_to->addItem(label(v.toObject()));
                m_participants.append(v.toObject().value(QStringLiteral("number")).toString());
            }
            const int keep = chosen.isEmpty() ? 0 : int(m_participants.indexOf(chosen));
            m_to->setCurrentIndex(std::max(0, keep));
            m_session->setRecipient(keep > 0 ? chosen : QString());
            const bool several = people.size() > 1;
            m_to->setVisible(several);
            m_toLabel->setVisible(several);
        },
        [](const RequestError &) {}); // the reply then goes to the server's default
}

void ChatPanel::assign(const QString &given)
{
    const int ticket = m_ticket;
    if (ticket <= 0)
        return;
    auto done = [this] { Q_EMIT problem(tr("Assigned.")); };
    auto failed = [this](const RequestError &e) { Q_EMIT problem(tr("Not assigned: %1").arg(e.message)); };
    if (!given.isEmpty()) {
        m_session->assign(ticket, given, this, done, failed);
        return;
    }
    AgentPicker::pick(
        this, m_session, tr("Assign %1").arg(m_title->text()),
        [this, ticket, done, failed](const QString &username) {
            if (ticket == m_ticket)
                m_session->assign(ticket, username, this, done, failed);
        },
        [this](const QString &text) { Q_EMIT problem(text); });
}

void ChatPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // Narrower bubbles are taller: the newest message stays in view when it was.
    if (m_stickToBottom)
        QTimer::singleShot(0, m_view, [this] { m_view->scrollToBottom(); });
}

QString ChatPanel::ownerText() const
{
    using Request = ConversationListModel::Request;
    const QJsonObject &c = m_conversation;
    const Request request = ConversationListModel::requestOf(c);
    if (request == Request::None)
        return {};
    const QDateTime now = QDateTime::currentDateTimeUtc().addMSecs(m_offsetMs);
    const QDateTime asked = WireTime::parse(c.value(QStringLiteral("agent_requested_at")).toString());
    const QString clock = ConversationDelegate::clockText(asked.isValid() ? asked.secsTo(now) : 0);
    const QString by = c.value(QStringLiteral("acknowledged_by")).toString();
    switch (request) {
    case Request::Waiting:
        return tr("Nobody has this request yet · %1").arg(clock);
    case Request::Taken:
        return tr("%1 has it · %2, not answered yet").arg(by, clock);
    case Request::Answered:
    case Request::None:
        break;
    }
    return tr("%1 has it").arg(by);
}

void ChatPanel::setConversation(const QJsonObject &conversation)
{
    m_conversation = conversation;
    const auto s = [&conversation](const char *key) {
        return conversation.value(QLatin1String(key)).toString();
    };
    // The panel reads again only for another conversation, lift or technician: not on every event.
    m_earlier->setConversation(conversation.value(QStringLiteral("id")).toInt(), s("lift_msisdn"),
                               s("contact_phone"), s("contact_name"));
    refreshHeader();
}

void ChatPanel::exportIncident(const QString &path)
{
    const int ticket = m_ticket;
    if (ticket <= 0)
        return;
    IncidentExporter::Format format = IncidentExporter::formatOf(path);
    const QString target =
        path.isEmpty() ? ExportFileDialog::ask(this, m_title->text(), ticket, &format) : path;
    if (target.isEmpty())
        return;
    if (!m_exporter->start(ticket, format, target)) {
        Q_EMIT problem(tr("An export is under way: wait for it to finish."));
        return;
    }
    m_export->setEnabled(false);
    Q_EMIT notice(tr("Exporting %1…").arg(m_title->text()));
}

void ChatPanel::refreshHeader()
{
    const QJsonObject &c = m_conversation;
    const auto s = [&c](const char *key) { return c.value(QLatin1String(key)).toString(); };
    const bool has = !c.isEmpty();
    m_title->setText(has ? s("ticket_reference") : tr("No conversation open"));
    QString technician;
    if (!s("contact_name").isEmpty() && !s("contact_phone").isEmpty())
        technician = tr("%1 (%2)").arg(s("contact_name"), s("contact_phone"));
    else if (!s("contact_name").isEmpty() || !s("contact_phone").isEmpty())
        technician = s("contact_name") + s("contact_phone");
    else {
        // Nobody has written yet: who the registry says looks after this lift (the alert went to them).
        QStringList registered;
        for (const QJsonValue &t : c.value(QStringLiteral("lift_technicians")).toArray()) {
            const QJsonObject o = t.toObject();
            registered.append(tr("%1 (%2)").arg(o.value(QStringLiteral("name")).toString(),
                                                o.value(QStringLiteral("phone")).toString()));
        }
        technician = registered.isEmpty() ? tr("no technician has written yet")
                                          : tr("no technician has written yet; the lift's technicians: %1")
                                                .arg(registered.join(QStringLiteral(", ")));
    }
    m_details->setText(has ? tr("%1 · %2 · %3")
                                 .arg(s("lift_name"),
                                      s("status") == QLatin1String("open") ? tr("open") : tr("resolved"),
                                      technician)
                           : QString());
    m_owner->setText(ownerText());
    m_owner->setVisible(!m_owner->text().isEmpty());
    const QDateTime expires = WireTime::parse(s("window_expires_at"));
    const QDateTime now = QDateTime::currentDateTimeUtc().addMSecs(m_offsetMs);
    bool windowOpen = false;
    if (!has) {
        m_window->clear();
    } else if (!expires.isValid()) {
        m_window->setText(tr("The technician has not written yet: only a template can reach them."));
    } else if (expires > now) {
        windowOpen = true;
        const qint64 minutes = now.secsTo(expires) / 60;
        m_window->setText(tr("Window closes in %1 h %2 m").arg(minutes / 60).arg(minutes % 60));
    } else {
        m_window->setText(tr("Window closed: only a template can reach them."));
    }
    const bool open = s("status") == QLatin1String("open");
    const bool waiting = ConversationListModel::requestOf(c) == ConversationListModel::Request::Waiting;
    m_acknowledge->setVisible(has && waiting);
    m_resolve->setEnabled(has && open);
    m_template->setVisible(has && open && !windowOpen);
    m_assign->setVisible(has && open && m_session->canAssign());
    m_export->setVisible(has && m_session->canExport());
    m_composer->setEnabled(has && windowOpen);
    m_send->setEnabled(has && windowOpen);
    m_attach->setEnabled(has && windowOpen);
    m_closedNote->setText(tr("This ticket is resolved. A reply still reaches the technician, who may be on "
                             "another job by now; you are asked before it goes."));
    m_closedNote->setVisible(has && !open && windowOpen);
    m_composer->setPlaceholderText(windowOpen || !has
                                       ? tr("Write a reply. Enter sends, Shift+Enter starts a new line.")
                                       : m_window->text());
}

void ChatPanel::updateCounter()
{
    const int n = m_composer->length();
    m_counter->setText(tr("%1 / %2").arg(n).arg(Composer::maxLength));
    m_counter->setStyleSheet(n > Composer::maxLength ? QStringLiteral("color: #d32f2f") : QString());
}

void ChatPanel::send()
{
    const QString text = m_composer->toPlainText().trimmed();
    if (text.isEmpty() || m_ticket <= 0 || !m_composer->isEnabled())
        return;
    if (m_composer->length() > Composer::maxLength) {
        Q_EMIT problem(
            tr("The reply is %1 characters long; WhatsApp takes at most %2. Shorten it or split it.")
                .arg(m_composer->length())
                .arg(Composer::maxLength));
        return;
    }
    if (!confirmSendOnResolved())
        return;
    m_stickToBottom = true;
    m_session->send(text);
    m_composer->clear();
}

namespace {
// The resolve note: Enter confirms, Shift+Enter starts a new line.
class NoteEdit : public QPlainTextEdit {
public:
    using QPlainTextEdit::QPlainTextEdit;
    std::function<void()> onEnter;

protected:
    void keyPressEvent(QKeyEvent *event) override
    {
        const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
        if (enter && !(event->modifiers() & Qt::ShiftModifier) && onEnter) {
            onEnter();
            return;
        }
        QPlainTextEdit::keyPressEvent(event);
    }
};
} // namespace

void ChatPanel::resolve()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Resolve %1").arg(m_title->text()));
    auto *prompt = new QLabel(tr("What was done (kept with the ticket). Enter resolves, Shift+Enter starts "
                                 "a new line."),
                              &dialog);
    prompt->setWordWrap(true);
    auto *note = new NoteEdit(&dialog);
    note->setAccessibleName(tr("Resolution note"));
    note->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    note->setTabChangesFocus(true);
    auto *error = new QLabel(&dialog);
    error->setStyleSheet(QStringLiteral("color: #b01c1c;"));
    error->setWordWrap(true);
    error->setAccessibleName(tr("Why the ticket is not resolved yet"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Resolve"));
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(prompt);
    layout->addWidget(note, 1);
    layout->addWidget(error);
    layout->addWidget(buttons);
    dialog.resize(480, 260);
    const int ticket = m_ticket;
    const auto confirm = [&, ticket] {
        const QString text = note->toPlainText().trimmed();
        if (text.isEmpty()) {
            error->setText(tr("Write what was done before resolving: the note is kept with the ticket."));
            note->setFocus();
            return;
        }
        QPushButton *ok = buttons->button(QDialogButtonBox::Ok);
        ok->setEnabled(false);
        error->setText(tr("Resolving…"));
        m_session->resolve(
            ticket, text, &dialog, [&dialog] { dialog.accept(); },
            [error, ok](const RequestError &e) {
                error->setText(e.message);
                ok->setEnabled(true);
            });
    };
    note->onEnter = confirm;
    connect(buttons, &QDialogButtonBox::accepted, &dialog, confirm);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    note->setFocus();
    dialog.exec();
}
