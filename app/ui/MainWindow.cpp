#include "MainWindow.h"

#include "Alarm.h"
#include "ApiClient.h"
#include "AppIcon.h"
#include "ChatPanel.h"
#include "Composer.h"
#include "ConsoleLogging.h"
#include "ConsoleSession.h"
#include "ConsoleSettings.h"
#include "ConversationDelegate.h"
#include "ConversationFilterModel.h"
#include "ConversationListModel.h"
#include "HistoryDialog.h"
#include "IncidentView.h"
#include "Notifier.h"
#include "RequestsDialog.h"
#include "SettingsDialog.h"
#include "UnassignedDialog.h"
#include "UnassignedModel.h"

#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonObject>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QToolButton>
#include <QVBoxLayout>

MainWindow::MainWindow(ApiClient *api, ConsoleSession *session, ConversationListModel *conversations,
                       ConsoleSettings *settings, QWidget *parent)
    : QMainWindow(parent)
    , m_api(api)
    , m_session(session)
    , m_conversations(conversations)
    , m_settings(settings ? settings : new ConsoleSettings(this))
    , m_unassigned(new UnassignedModel(this))
    , m_proxy(new ConversationFilterModel(this))
    , m_resolvedProxy(new ConversationFilterModel(this))
    , m_delegate(new ConversationDelegate(this))
    , m_filter(new QLineEdit(this))
    , m_list(new QListView(this))
    , m_resolvedList(new QListView(this))
    , m_resolvedToggle(new QToolButton(this))
    , m_offlineBanner(new QWidget(this))
    , m_offlineText(new QLabel(this))
    , m_requestBanner(new QPushButton(this))
    , m_silence(new QPushButton(tr("Silence"), this))
    , m_chat(new ChatPanel(session, this))
    , m_listPane(new QWidget(this))
    , m_splitter(new QSplitter(this))
    , m_stack(new QStackedWidget(this))
    , m_connection(new QLabel(this))
    , m_unassignedLabel(new QLabel(this))
    , m_status(new QComboBox(this))
    , m_alarm(new Alarm(this))
{
    setWindowTitle(tr("Liftline"));
    setWindowIcon(AppIcon::make());
    m_session->setUnassignedModel(m_unassigned);
    m_chat->setSettings(m_settings);
    m_proxy->setSection(ConversationFilterModel::Section::Open);
    m_proxy->setSourceModel(conversations);
    m_resolvedProxy->setSection(ConversationFilterModel::Section::Resolved);
    m_resolvedProxy->setSourceModel(conversations);
    for (QListView *list : {m_list, m_resolvedList}) {
        list->setItemDelegate(m_delegate);
        list->setUniformItemSizes(true);
        list->installEventFilter(this);
        list->viewport()->installEventFilter(this);
    }
    m_list->setModel(m_proxy);
    m_list->setAccessibleName(tr("Conversations"));
    m_resolvedList->setModel(m_resolvedProxy);
    m_resolvedList->setAccessibleName(tr("Resolved conversations"));
    m_resolvedList->hide();
    m_resolvedToggle->setCheckable(true);
    m_resolvedToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_resolvedToggle->setArrowType(Qt::RightArrow);
    m_resolvedToggle->setAutoRaise(true);
    m_resolvedToggle->setAccessibleName(tr("Show the resolved conversations"));
    connect(m_resolvedToggle, &QToolButton::toggled, this, [this](bool on) {
        m_resolvedList->setVisible(on);
        m_resolvedToggle->setArrowType(on ? Qt::DownArrow : Qt::RightArrow);
    });
    m_filter->installEventFilter(this);

    // Offline: a banner nobody can miss over the list, with the way to try at once.
    m_offlineBanner->setObjectName(QStringLiteral("offlineBanner"));
    m_offlineBanner->setAutoFillBackground(true);
    m_offlineBanner->setStyleSheet(
        QStringLiteral("#offlineBanner { background: #b01c1c; } #offlineBanner QLabel { color: white; "
                       "font-weight: bold; }"));
    m_offlineText->setWordWrap(true);
    m_offlineText->setTextFormat(Qt::PlainText);
    m_offlineText->setAccessibleName(tr("Connection problem"));
    auto *reconnect = new QPushButton(tr("Reconnect now"), m_offlineBanner);
    reconnect->setAccessibleName(tr("Reconnect to the server now"));
    connect(reconnect, &QPushButton::clicked, this, [this] { m_session->stream()->reconnectNow(); });
    auto *bannerLayout = new QHBoxLayout(m_offlineBanner);
    bannerLayout->setContentsMargins(8, 6, 8, 6);
    bannerLayout->addWidget(m_offlineText, 1);
    bannerLayout->addWidget(reconnect);
    m_offlineBanner->hide();

    // Requests waiting: a band over everything, at every width (narrow, the lane is behind the chat).
    m_requestBanner->setObjectName(QStringLiteral("requestBanner"));
    m_requestBanner->setStyleSheet(QStringLiteral(
        "#requestBanner { background: #d32f2f; color: white; font-weight: bold; border: none; padding: 8px; "
        "text-align: left; }"));
    m_requestBanner->setCursor(Qt::PointingHandCursor);
    m_silence->setObjectName(QStringLiteral("silenceAlarm"));
    m_silence->setStyleSheet(
        QStringLiteral("#silenceAlarm { background: #8e1b1b; color: white; border: none; "
                       "padding: 8px 12px; }"));
    m_silence->setAccessibleName(tr("Silence the alarm for the requests waiting now"));
    m_silence->setToolTip(tr("Silences the alarm for the requests waiting now (Ctrl+M). A new request sounds "
                             "again; the notifications stay until someone takes them."));
    connect(m_silence, &QPushButton::clicked, this, &MainWindow::silenceAlarm);
    new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_M), this, [this] { silenceAlarm(); });
    m_requestBanner->setAccessibleName(tr("Agent requests waiting: open the longest waiting"));
    m_requestBanner->hide();
    connect(m_requestBanner, &QPushButton::clicked, this, [this] {
        // The longest waiting conversation is the lane's first; a request no ticket took opens the list.
        for (int r = 0; r < m_proxy->rowCount(); ++r) {
            const QModelIndex i = m_proxy->index(r, 0);
            if (i.data(ConversationListModel::WaitingRole).toBool()) {
                openConversation(i.data(ConversationListModel::TicketIdRole).toInt());
                return;
            }
        }
        if (!m_unassigned->waiting().isEmpty())
            showUnassigned(m_unassigned->waiting().constFirst());
    });
    m_filter->setAccessibleName(tr("Filter conversations"));
    m_filter->setPlaceholderText(tr("Filter by reference, lift, site or technician (Ctrl+K)"));
    m_filter->setClearButtonEnabled(true);
    auto *listLayout = new QVBoxLayout(m_listPane);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(m_offlineBanner);
    listLayout->addWidget(m_filter);
    listLayout->addWidget(m_list, 3);
    listLayout->addWidget(m_resolvedToggle);
    listLayout->addWidget(m_resolvedList, 1);
    m_splitter->addWidget(m_listPane);
    m_splitter->addWidget(m_chat);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setSizes({420, 940});
    m_splitter->setChildrenCollapsible(false);
    m_listPane->setMinimumWidth(300);
    m_stack->addWidget(m_splitter);
    auto *central = new QWidget(this);
    auto *centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(0);
    auto *requestRow = new QHBoxLayout;
    requestRow->setSpacing(0);
    requestRow->addWidget(m_requestBanner, 1);
    requestRow->addWidget(m_silence);
    centralLayout->addLayout(requestRow);
    centralLayout->addWidget(m_stack, 1);
    setCentralWidget(central);
    statusBar()->addPermanentWidget(m_unassignedLabel);
    // The agent's own status: only an available agent counts when a request looks for someone to answer.
    m_status->addItem(tr("Available"), QStringLiteral("available"));
    m_status->addItem(tr("Busy"), QStringLiteral("busy"));
    m_status->addItem(tr("On a break"), QStringLiteral("break"));
    m_status->setAccessibleName(tr("Your status"));
    m_status->setToolTip(tr("Busy or on a break, requests are escalated without waiting for you"));
    connect(m_status, &QComboBox::activated, this,
            [this](int index) { m_session->setStatus(m_status->itemData(index).toString()); });
    connect(m_session, &ConsoleSession::statusChanged, this, [this](const QString &status) {
        const int index = m_status->findData(status);
        if (index >= 0)
            m_status->setCurrentIndex(index);
    });
    statusBar()->addPermanentWidget(m_status);
    statusBar()->addPermanentWidget(m_connection);
    m_connection->setAccessibleName(tr("Connection state"));

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_syncingSelection = true;
        m_proxy->setFilterText(text);
        m_resolvedProxy->setFilterText(text);
        m_syncingSelection = false;
        syncSelection();
    });
    for (QListView *list : {m_list, m_resolvedList}) {
        connect(list, &QListView::clicked, this, [this](const QModelIndex &i) {
            openConversation(i.data(ConversationListModel::TicketIdRole).toInt());
        });
        connect(list, &QListView::activated, this, [this](const QModelIndex &i) {
            openConversation(i.data(ConversationListModel::TicketIdRole).toInt());
        });
        // Moving through a list with the keys opens what it lands on; any other change of the current row
        // (rows filtered away, re-sorted, removed) is put back to the open conversation.
        connect(list->selectionModel(), &QItemSelectionModel::currentChanged, this,
                [this](const QModelIndex &current) {
                    if (m_syncingSelection)
                        return;
                    if (m_userNavigating && current.isValid()) {
                        openConversation(current.data(ConversationListModel::TicketIdRole).toInt());
                        return;
                    }
                    QTimer::singleShot(0, this, &MainWindow::syncSelection);
                });
    }
    for (QAbstractItemModel *proxy :
         {static_cast<QAbstractItemModel *>(m_proxy), static_cast<QAbstractItemModel *>(m_resolvedProxy)}) {
        connect(proxy, &QAbstractItemModel::rowsRemoved, this, &MainWindow::syncSelection);
        connect(proxy, &QAbstractItemModel::rowsInserted, this, &MainWindow::syncSelection);
        connect(proxy, &QAbstractItemModel::layoutChanged, this, &MainWindow::syncSelection);
        connect(proxy, &QAbstractItemModel::modelReset, this, &MainWindow::syncSelection);
    }
    connect(m_resolvedProxy, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateResolvedToggle);
    connect(m_resolvedProxy, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateResolvedToggle);
    connect(m_resolvedProxy, &QAbstractItemModel::modelReset, this, &MainWindow::updateResolvedToggle);
    connect(m_resolvedProxy, &QAbstractItemModel::layoutChanged, this, &MainWindow::updateResolvedToggle);
    connect(m_chat, &ChatPanel::backRequested, this, [this] {
        m_chatShown = false;
        if (m_narrow) {
            m_chat->hide();
            m_listPane->show();
        }
        updateVisibility();
    });
    connect(m_chat, &ChatPanel::problem, this,
            [this](const QString &text) { statusBar()->showMessage(text, 15000); });
    connect(m_chat, &ChatPanel::notice, this,
            [this](const QString &text) { statusBar()->showMessage(text, 5000); });
    connect(m_chat, &ChatPanel::incidentRequested, this, &MainWindow::openIncident);
    connect(m_chat, &ChatPanel::historyRequested, this, &MainWindow::showHistory);
    // Signed out (by the agent, or the server ending the session): the history and the incidents read with
    // that session close before anyone signs in again.
    connect(m_session, &ConsoleSession::signedOut, this, &MainWindow::closeSessionWindows);
    connect(this, &MainWindow::signOutRequested, this, &MainWindow::closeSessionWindows);
    connect(m_session, &ConsoleSession::actionFailed, this,
            [this](const QString &what, const RequestError &e) {
                statusBar()->showMessage(tr("%1 failed: %2").arg(what, e.message), 15000);
            });
    connect(conversations, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &from, const QModelIndex &to) {
                for (int r = from.row(); r <= to.row(); ++r)
                    if (from.sibling(r, 0).data(ConversationListModel::TicketIdRole).toInt() ==
                        m_chat->ticketId())
                        m_chat->setConversation(m_conversations->conversation(m_chat->ticketId()));
            });
    connect(conversations, &QAbstractItemModel::modelReset, this, [this] {
        if (m_chat->ticketId() > 0)
            m_chat->setConversation(m_conversations->conversation(m_chat->ticketId()));
    });
    connect(conversations, &ConversationListModel::countsChanged, this, &MainWindow::updateAlerts);
    connect(m_session, &ConsoleSession::snapshotFailed, this, [this](const RequestError &e) {
        if (!e.isAuthentication())
            statusBar()->showMessage(
                tr("The conversations could not be loaded: %1 Trying again…").arg(e.message), 10000);
    });
    connect(
        m_session, &ConsoleSession::agentRequested, this, [this](int ticketId, const QJsonObject &request) {
            // A request no ticket took carries its unassigned message's id instead.
            const int key =
                ticketId > 0 ? ticketId : -int(request.value(QStringLiteral("unassigned_id")).toInteger());
            // The list's update for the same request may have raised it already: one alert per request.
            if (key != 0 && !m_alerted.contains(key))
                alertFor(key);
        });
    connect(m_session, &ConsoleSession::requestEscalated, this, &MainWindow::showEscalation);
    connect(m_session->stream(), &EventStream::stateChanged, this, &MainWindow::showConnectionState);
    connect(m_session->stream(), &EventStream::ready, this, [this] {
        m_delegate->setClockOffsetMs(m_session->stream()->clockOffsetMs());
        m_chat->setClockOffsetMs(m_session->stream()->clockOffsetMs());
    });

    new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_K), this, [this] {
        m_chatShown = false;
        if (m_narrow) {
            m_chat->hide();
            m_listPane->show();
        }
        m_filter->setFocus();
        m_filter->selectAll();
        updateVisibility();
    });
    new QShortcut(QKeySequence(Qt::ALT | Qt::Key_Down), this, [this] { moveSelection(1); });
    new QShortcut(QKeySequence(Qt::ALT | Qt::Key_Up), this, [this] { moveSelection(-1); });

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(AppIcon::make(), this);
        m_tray->show();
        // Closing the window leaves the console running in the tray, still alerting; Quit ends it.
        QApplication::setQuitOnLastWindowClosed(false);
        auto *trayMenu = new QMenu(this);
        trayMenu->addAction(tr("Show Liftline"), this, &MainWindow::bringForward);
        trayMenu->addAction(tr("Quit"), this, [this] { requestQuit(); });
        m_tray->setContextMenu(trayMenu);
        connect(m_tray, &QSystemTrayIcon::activated, this, &MainWindow::bringForward);
    }
    m_notifier = Notifier::create(m_tray);
    qCInfo(lcUi) << "notifications through" << m_notifier->backendName();
    // What a console that crashed left on screen goes; what this one shows is remembered for the next.
    m_notifier->closeLeftovers(m_settings->shownNotifications());
    m_settings->setShownNotifications({});
    connect(m_notifier.get(), &Notifier::onScreenChanged, this,
            [this] { m_settings->setShownNotifications(m_notifier->onScreen()); });
    connect(m_notifier.get(), &Notifier::openRequested, this, [this](int key) {
        bringForward();
        if (key > 0)
            openConversation(key);
        else
            showUnassigned(-key);
    });
    connect(m_notifier.get(), &Notifier::acknowledgeRequested, m_session,
            [this](int key) { m_session->acknowledge(key); });
    // An alert nobody has taken comes back until someone does, on this console or any other.
    connect(m_settings, &ConsoleSettings::changed, this, &MainWindow::applySettings);
    connect(m_unassigned, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateAlerts);
    connect(m_unassigned, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateAlerts);
    connect(m_unassigned, &QAbstractItemModel::modelReset, this, &MainWindow::updateAlerts);
    connect(m_unassigned, &QAbstractItemModel::dataChanged, this, &MainWindow::updateAlerts);
    buildMenus();
    applySettings();
    connect(&m_repeat, &QTimer::timeout, this, [this] {
        for (int ticket : std::as_const(m_alerted))
            alertFor(ticket, true);
    });
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, [this] {
        if (m_conversations->hasRunningClocks())
            m_list->viewport()->update(); // the requests' clocks
        updateBanners();
    });
    m_clock.start();
    connect(m_alarm, &Alarm::soundingChanged, this, &MainWindow::updateBanners);
    showConnectionState();
    updateResolvedToggle();
    resize(1200, 760);
}

MainWindow::~MainWindow()
{
    // Nothing of this console stays on screen with buttons nobody answers (what was remembered for a
    // restart is cleared through onScreenChanged).
    m_notifier->withdrawAll();
}

void MainWindow::silenceAlarm()
{
    const QList<int> sounding = m_alarm->sounding();
    for (int key : sounding)
        m_alarm->mute(key);
    if (!sounding.isEmpty())
        statusBar()->showMessage(
            tr("Alarm silenced for %n request(s). They still wait for someone to take them.", nullptr,
               int(sounding.size())),
            10000);
}

void MainWindow::bringForward()
{
    showNormal();
    raise();
    activateWindow();
}

int MainWindow::waitingRequests() const
{
    return m_conversations->waitingCount() + int(m_unassigned->waiting().size());
}

bool MainWindow::confirmLeave()
{
    const int waiting = waitingRequests();
    if (waiting == 0)
        return true;
    QMessageBox box(QMessageBox::Warning, tr("Requests are waiting"),
                    tr("%n agent request(s) are waiting and nobody has taken them yet. If you leave, this "
                       "console stops alerting. Leave anyway?",
                       nullptr, waiting),
                    QMessageBox::Yes | QMessageBox::No, this);
    box.setDefaultButton(QMessageBox::No);
    box.button(QMessageBox::Yes)->setText(tr("Leave"));
    box.button(QMessageBox::No)->setText(tr("Stay"));
    return box.exec() == QMessageBox::Yes;
}

bool MainWindow::requestQuit()
{
    if (!confirmLeave())
        return false;
    m_quitting = true;
    qCInfo(lcUi) << "quitting with" << waitingRequests() << "requests waiting";
    QApplication::quit(); // the window's destructor takes the notifications down
    return true;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_quitting) {
        event->accept();
        return;
    }
    if (m_tray && m_tray->isVisible()) {
        // The window goes, the console stays: requests still alert from the tray.
        event->ignore();
        hide();
        if (!m_trayNoticeShown) {
            m_trayNoticeShown = true;
            m_tray->showMessage(tr("Liftline is still running"),
                                tr("Requests still alert here. Console → Quit ends the console."),
                                QSystemTrayIcon::Information, 5000);
        }
        return;
    }
    if (!confirmLeave()) {
        event->ignore();
        return;
    }
    m_quitting = true;
    event->accept();
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::WindowStateChange)
        updateVisibility();
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    updateVisibility();
}

void MainWindow::hideEvent(QHideEvent *event)
{
    QMainWindow::hideEvent(event);
    updateVisibility();
}

void MainWindow::updateVisibility()
{
    // Only a conversation the agent can see is read: not one behind a minimised or hidden window, nor
    // one behind the list in the one-pane layout.
    const bool visible = isVisible() && !isMinimized() && (!m_narrow || m_chatShown);
    m_session->setOpenVisible(visible);
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_filter && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        const bool enter = key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter;
        if (enter || key->key() == Qt::Key_Down) {
            // The first match opens: Enter to write to it, Down to go on through the list.
            QAbstractItemModel *model =
                m_proxy->rowCount() > 0 ? static_cast<QAbstractItemModel *>(m_proxy) : m_resolvedProxy;
            if (model->rowCount() == 0)
                return true;
            if (model == m_resolvedProxy)
                m_resolvedToggle->setChecked(true);
            openConversation(model->index(0, 0).data(ConversationListModel::TicketIdRole).toInt());
            if (!enter)
                (model == m_proxy ? m_list : m_resolvedList)->setFocus();
            return true;
        }
        return false;
    }
    const bool inList = watched == m_list || watched == m_resolvedList || watched == m_list->viewport() ||
                        watched == m_resolvedList->viewport();
    if (inList && (event->type() == QEvent::KeyPress || event->type() == QEvent::MouseButtonPress)) {
        m_userNavigating = true;
        QTimer::singleShot(0, this, [this] { m_userNavigating = false; });
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::syncSelection()
{
    if (m_syncingSelection)
        return;
    m_syncingSelection = true;
    const int ticket = m_chat->ticketId();
    const int row = ticket > 0 ? m_conversations->rowOf(ticket) : -1;
    for (auto [list, proxy] : {std::pair{m_list, m_proxy}, std::pair{m_resolvedList, m_resolvedProxy}}) {
        const QModelIndex want = row >= 0 ? proxy->mapFromSource(m_conversations->index(row)) : QModelIndex();
        if (want.isValid()) {
            if (list->currentIndex() != want || !list->selectionModel()->isSelected(want))
                list->setCurrentIndex(want);
        } else if (list->currentIndex().isValid() || list->selectionModel()->hasSelection()) {
            list->selectionModel()->clear();
        }
    }
    m_syncingSelection = false;
}

void MainWindow::updateResolvedToggle()
{
    const int n = m_resolvedProxy->rowCount();
    m_resolvedToggle->setText(tr("Resolved (%1)").arg(n));
    m_resolvedToggle->setVisible(n > 0 || m_resolvedList->isVisible());
}

void MainWindow::updateBanners()
{
    // Requests: how many, how long the longest has waited, and whether the alarm sounds for them.
    const int waiting = waitingRequests();
    if (waiting > 0) {
        QDateTime oldest;
        for (int r = 0; r < m_conversations->rowCount(); ++r) {
            const QModelIndex i = m_conversations->index(r);
            const QDateTime at = i.data(ConversationListModel::AgentRequestedAtRole).toDateTime();
            if (i.data(ConversationListModel::WaitingRole).toBool() && at.isValid() &&
                (!oldest.isValid() || at < oldest))
                oldest = at;
        }
        const QDateTime now = QDateTime::currentDateTimeUtc().addMSecs(m_session->stream()->clockOffsetMs());
        QString text = tr("%n agent request(s) waiting", nullptr, waiting);
        if (oldest.isValid())
            text += tr(" · longest %1").arg(ConversationDelegate::clockText(oldest.secsTo(now)));
        text += tr(" · click to open");
        m_requestBanner->setText(text);
    }
    m_requestBanner->setVisible(waiting > 0);
    m_silence->setVisible(waiting > 0 && m_alarm->isSounding());

    const EventStream *stream = m_session->stream();
    const bool offline = m_session->snapshotLoaded() && stream->state() != EventStream::State::Live &&
                         stream->state() != EventStream::State::SignedOut;
    if (offline) {
        const QDateTime since = stream->offlineSince();
        QString text = since.isValid()
                           ? tr("Offline since %1: no news from the server.")
                                 .arg(QLocale().toString(since.toLocalTime().time(), QLocale::ShortFormat))
                           : tr("Not connected to the server.");
        if (stream->state() == EventStream::State::Reconnecting)
            text += QLatin1Char(' ') +
                    tr("Trying again in %n s.", nullptr, std::max(1, stream->retryInSeconds()));
        else
            text += QLatin1Char(' ') + tr("Connecting…");
        text += QLatin1Char(' ') + tr("The list and the waiting clocks may be out of date.");
        if (const int unsent = m_session->unsentCount(); unsent > 0)
            text += QLatin1Char(' ') + tr("%n reply(s) go out when connected.", nullptr, unsent);
        m_offlineText->setText(text);
    }
    m_offlineBanner->setVisible(offline);
    if (m_delegate->isStale() != offline) {
        m_delegate->setStale(offline);
        m_list->viewport()->update();
    }
}

void MainWindow::buildMenus()
{
    QMenu *console = menuBar()->addMenu(tr("&Console"));
    console->addAction(tr("&Unassigned messages…"), this, [this] { showUnassigned(); });
    console->addAction(tr("Open &requests…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R), this,
                       [this] { showRequests(); });
    console->addAction(tr("&Settings…"), this, [this] {
        SettingsDialog dialog(m_settings, m_notifier->backendName(), this, m_alarm->soundProblem());
        dialog.exec();
    });
    console->addSeparator();
    console->addAction(tr("Sign &out"), this, &MainWindow::signOutRequested);
    console->addAction(tr("&Quit"), QKeySequence::Quit, this, [this] { requestQuit(); });
    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("Incident &history…"), QKeySequence(Qt::CTRL | Qt::Key_H), this,
                    [this] { showHistory(); });
}

HistoryDialog *MainWindow::historyDialog() const
{
    return m_historyDialog;
}

void MainWindow::showHistory(const HistoryQuery &query)
{
    if (!m_historyDialog) {
        m_historyDialog = new HistoryDialog(m_session, this);
        m_historyDialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_historyDialog, &HistoryDialog::openRequested, this, &MainWindow::openIncident);
    }
    m_historyDialog->refreshDefaultDates(); // kept open since yesterday: today's dates
    if (!query.isEmpty())
        m_historyDialog->search(query);
    m_historyDialog->show();
    m_historyDialog->raise();
    m_historyDialog->activateWindow();
}

IncidentView *MainWindow::openIncident(int ticketId)
{
    if (ticketId <= 0)
        return nullptr;
    m_incidents.removeIf([](const auto &entry) { return entry.value().isNull(); }); // closed ones
    QPointer<IncidentView> &view = m_incidents[ticketId];
    if (!view) {
        // A window of its own, beside the history it came from and the chat.
        view = new IncidentView(m_session, ticketId, this);
        view->setAttribute(Qt::WA_DeleteOnClose);
    }
    view->show();
    view->raise();
    view->activateWindow();
    return view;
}

void MainWindow::closeSessionWindows()
{
    if (m_historyDialog)
        m_historyDialog->close();
    const QHash<int, QPointer<IncidentView>> incidents = std::exchange(m_incidents, {});
    for (const QPointer<IncidentView> &view : incidents)
        if (view)
            view->close();
}

void MainWindow::showUnassigned(qint64 select)
{
    if (!m_unassignedDialog) {
        m_unassignedDialog = new UnassignedDialog(m_session, m_unassigned, m_conversations, this);
        m_unassignedDialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_unassignedDialog, &UnassignedDialog::ticketOpened, this, &MainWindow::openConversation);
    }
    if (select > 0)
        m_unassignedDialog->select(select);
    m_unassignedDialog->show();
    m_unassignedDialog->raise();
    m_unassignedDialog->activateWindow();
}

RequestsDialog *MainWindow::requestsDialog() const
{
    return m_requestsDialog;
}

void MainWindow::showRequests()
{
    if (!m_requestsDialog) {
        m_requestsDialog = new RequestsDialog(m_session, m_conversations, this);
        m_requestsDialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_requestsDialog, &RequestsDialog::openRequested, this, [this](int ticketId) {
            openConversation(ticketId);
            bringForward();
        });
    }
    m_requestsDialog->show();
    m_requestsDialog->raise();
    m_requestsDialog->activateWindow();
}

void MainWindow::applySettings()
{
    m_repeat.setInterval(m_settings->repeatSeconds() * 1000);
    m_chat->composer()->setCtrlEnterSends(m_settings->ctrlEnterSends());
    m_alarm->setEnabled(m_settings->sound());
    m_alarm->setVolume(m_settings->alarmVolume() / 100.0);
}

void MainWindow::openConversation(int ticketId)
{
    if (ticketId <= 0)
        return;
    if (ticketId == m_chat->ticketId()) {
        // Already open: keep the draft and the thread, just bring it forward.
        if (m_narrow) {
            m_listPane->hide();
            m_chat->show();
        }
        m_chatShown = true;
        m_chat->composer()->setFocus();
        updateVisibility();
        syncSelection();
        m_session->markOpenRead(); // what arrived meanwhile is now seen (reading never takes a request)
        return;
    }
    m_chat->setConversation(m_conversations->conversation(ticketId));
    m_chat->open(ticketId);
    syncSelection();
    if (m_narrow) {
        m_listPane->hide();
        m_chat->show();
    }
    m_chatShown = true;
    updateVisibility();
    m_chat->composer()->setFocus();
}

void MainWindow::moveSelection(int delta)
{
    const int rows = m_proxy->rowCount();
    if (rows == 0)
        return;
    // From the open conversation, in the list that shows it (the open ones).
    const int current =
        m_list->currentIndex().isValid() ? m_list->currentIndex().row() : (delta > 0 ? -1 : rows);
    const int next = std::clamp(current + delta, 0, rows - 1);
    openConversation(m_proxy->index(next, 0).data(ConversationListModel::TicketIdRole).toInt());
}

void MainWindow::resizeEvent(QResizeEvent *event)
{
    QMainWindow::resizeEvent(event);
    updateLayout();
}

void MainWindow::updateLayout()
{
    const bool narrow = width() < narrowWidth;
    if (narrow == m_narrow)
        return;
    m_narrow = narrow;
    m_chat->setBackVisible(narrow);
    if (narrow) {
        const bool chatOpen = m_chat->ticketId() > 0 && m_chatShown;
        m_listPane->setVisible(!chatOpen);
        m_chat->setVisible(chatOpen);
    } else {
        m_listPane->show();
        m_chat->show();
    }
    updateVisibility();
}

void MainWindow::alertFor(int key, bool reminder)
{
    Notifier::Alert alert;
    alert.key = key;
    alert.reminder = reminder;
    if (key > 0) {
        const QJsonObject c = m_conversations->conversation(key);
        const int row = m_conversations->rowOf(key);
        if (row < 0 || !m_conversations->index(row).data(ConversationListModel::WaitingRole).toBool())
            return;
        alert.title = tr("Agent requested: %1").arg(c.value(QStringLiteral("ticket_reference")).toString());
        alert.body =
            tr("%1 at %2: %3")
                .arg(m_conversations->index(row).data(ConversationListModel::TechnicianRole).toString(),
                     c.value(QStringLiteral("lift_name")).toString(),
                     c.value(QStringLiteral("last_message_preview")).toString());
    } else {
        const int row = m_unassigned->rowOf(-key);
        const QModelIndex item = m_unassigned->index(row);
        if (row < 0 || !item.data(UnassignedModel::WaitingRole).toBool())
            return;
        alert.title =
            tr("Agent requested, no open ticket: %1").arg(item.data(UnassignedModel::FromRole).toString());
        alert.body = item.data(UnassignedModel::TextRole).toString();
    }
    // The console's own alarm: it loops until the request is taken or silenced, whatever the
    // notification service does with sounds. Where no audio device plays it, the system beep must do:
    // the notifier's (the tray beeps with its message), or ours without desktop notifications.
    m_alarm->raise(key);
    const bool beep = m_settings->sound() && !m_alarm->isSoundAvailable();
    alert.sound = beep;
    if (m_settings->desktopNotifications())
        m_notifier->show(alert);
    else if (beep)
        QApplication::beep();
    m_alerted.insert(key);
    QApplication::alert(this);
    if (!m_repeat.isActive())
        m_repeat.start();
}

void MainWindow::showEscalation(int key, const QJsonObject &step, const QJsonObject &request)
{
    const QString action = step.value(QStringLiteral("action")).toString();
    if (action == QLatin1String("consoles"))
        return; // the first alert already said it
    QString who = request.value(QStringLiteral("ticket_reference")).toString();
    if (who.isEmpty())
        who = QStringLiteral("+") + request.value(QStringLiteral("from_number")).toString();
    const int seconds = step.value(QStringLiteral("after_seconds")).toInt();
    const QString after =
        QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    const QJsonObject recipients = step.value(QStringLiteral("recipients")).toObject();
    QString text;
    if (action == QLatin1String("supervisors")) {
        if (recipients.value(QStringLiteral("supervisors")).toArray().isEmpty())
            text = tr("%1 not taken after %2: no supervisor is at a console").arg(who, after);
        else
            text = tr("%1 not taken after %2: escalated to the supervisors").arg(who, after);
    } else if (recipients.contains(QStringLiteral("withheld"))) {
        text = tr("%1 not taken after %2: on-call staff not called (%3)")
                   .arg(who, after,
                        recipients.value(QStringLiteral("withheld")).toString() == QLatin1String("blocked")
                            ? tr("the number is blocked")
                            : tr("a number outside the registry, over its limit"));
    } else {
        text = tr("%1 not taken after %2: on-call level %3 called out")
                   .arg(who, after)
                   .arg(step.value(QStringLiteral("level")).toInt());
    }
    statusBar()->showMessage(text, 60000);
    // Every console alerts again, the way the step's supervisors are alerted: as a new alert, not a
    // reminder the agent has learnt to wait out.
    m_alerted.remove(key);
    alertFor(key);
}

void MainWindow::updateAlerts()
{
    // Requests taken by anyone stop alerting here.
    const QList<qint64> waitingUnassigned = m_unassigned->waiting();
    const QSet<int> alerted = m_alerted;
    for (int key : alerted) {
        bool waiting = false;
        if (key > 0) {
            const int row = m_conversations->rowOf(key);
            waiting =
                row >= 0 && m_conversations->index(row).data(ConversationListModel::WaitingRole).toBool();
        } else {
            waiting = waitingUnassigned.contains(-key);
        }
        if (!waiting) {
            m_alerted.remove(key);
            m_notifier->withdraw(key);
            m_alarm->clear(key);
        }
    }
    // Requests waiting already (at start, after signing in again, after a reload) alert as new ones do.
    for (int r = 0; r < m_conversations->rowCount(); ++r) {
        const QModelIndex i = m_conversations->index(r);
        const int ticket = i.data(ConversationListModel::TicketIdRole).toInt();
        if (i.data(ConversationListModel::WaitingRole).toBool() && !m_alerted.contains(ticket))
            alertFor(ticket);
    }
    for (qint64 id : waitingUnassigned)
        if (!m_alerted.contains(-int(id)))
            alertFor(-int(id));
    if (m_alerted.isEmpty())
        m_repeat.stop();
    const int waiting = m_conversations->waitingCount() + int(waitingUnassigned.size());
    const int unread = m_conversations->unreadCount();
    QString title = tr("Liftline");
    if (waiting > 0)
        title = tr("(%n waiting) ", nullptr, waiting) + title;
    else if (unread > 0)
        title = tr("(%n unread) ", nullptr, unread) + title;
    setWindowTitle(title);
    const int unassigned = m_unassigned->rowCount();
    if (m_tray) {
        m_tray->setIcon(AppIcon::make(waiting + unread));
        m_tray->setToolTip(
            tr("Liftline: %1 waiting, %2 unread, %3 unassigned").arg(waiting).arg(unread).arg(unassigned));
    }
    if (!waitingUnassigned.isEmpty()) {
        m_unassignedLabel->setText(tr("%n request(s) from no open ticket: Console → Unassigned messages",
                                      nullptr, int(waitingUnassigned.size())));
        m_unassignedLabel->setStyleSheet(QStringLiteral("color: #b01c1c; font-weight: bold;"));
    } else {
        m_unassignedLabel->setText(unassigned > 0 ? tr("%n unassigned message(s)", nullptr, unassigned)
                                                  : QString());
        m_unassignedLabel->setStyleSheet(QString());
    }
    updateBanners();
}

void MainWindow::showConnectionState()
{
    updateBanners();
    switch (m_session->stream()->state()) {
    case EventStream::State::Live:
        m_connection->setText(tr("Connected"));
        break;
    case EventStream::State::Connecting:
        m_connection->setText(tr("Connecting…"));
        break;
    case EventStream::State::Reconnecting:
        m_connection->setText(tr("Reconnecting… (what happens meanwhile follows when connected)"));
        break;
    case EventStream::State::SignedOut:
        m_connection->setText(tr("Signed out"));
        break;
    case EventStream::State::Offline:
        m_connection->setText(tr("Offline"));
        break;
    }
}
