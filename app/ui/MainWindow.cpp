#include "MainWindow.h"

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
#include "Notifier.h"
#include "SettingsDialog.h"
#include "UnassignedDialog.h"
#include "UnassignedModel.h"

#include <QApplication>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenuBar>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QSystemTrayIcon>
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
    , m_delegate(new ConversationDelegate(this))
    , m_filter(new QLineEdit(this))
    , m_list(new QListView(this))
    , m_chat(new ChatPanel(api, session, this))
    , m_listPane(new QWidget(this))
    , m_splitter(new QSplitter(this))
    , m_stack(new QStackedWidget(this))
    , m_connection(new QLabel(this))
    , m_unassignedLabel(new QLabel(this))
{
    setWindowTitle(tr("Liftline"));
    setWindowIcon(AppIcon::make());
    m_session->setUnassignedModel(m_unassigned);
    m_proxy->setSourceModel(conversations);
    m_list->setModel(m_proxy);
    m_list->setItemDelegate(m_delegate);
    m_list->setAccessibleName(tr("Conversations"));
    m_list->setUniformItemSizes(true);
    m_filter->setAccessibleName(tr("Filter conversations"));
    m_filter->setPlaceholderText(tr("Filter by reference, lift, site or technician (Ctrl+K)"));
    m_filter->setClearButtonEnabled(true);
    auto *listLayout = new QVBoxLayout(m_listPane);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(m_filter);
    listLayout->addWidget(m_list);
    m_splitter->addWidget(m_listPane);
    m_splitter->addWidget(m_chat);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setSizes({420, 940});
    m_splitter->setChildrenCollapsible(false);
    m_listPane->setMinimumWidth(300);
    m_stack->addWidget(m_splitter);
    setCentralWidget(m_stack);
    statusBar()->addPermanentWidget(m_unassignedLabel);
    statusBar()->addPermanentWidget(m_connection);
    m_connection->setAccessibleName(tr("Connection state"));

    connect(m_filter, &QLineEdit::textChanged, m_proxy, &ConversationFilterModel::setFilterText);
    connect(m_list, &QListView::clicked, this, [this](const QModelIndex &i) {
        openConversation(i.data(ConversationListModel::TicketIdRole).toInt());
    });
    connect(m_list, &QListView::activated, this, [this](const QModelIndex &i) {
        openConversation(i.data(ConversationListModel::TicketIdRole).toInt());
    });
    connect(m_chat, &ChatPanel::backRequested, this, [this] {
        m_chatShown = false;
        if (m_narrow) {
            m_chat->hide();
            m_listPane->show();
        }
    });
    connect(m_chat, &ChatPanel::problem, this,
            [this](const QString &text) { statusBar()->showMessage(text, 15000); });
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
    });
    new QShortcut(QKeySequence(Qt::ALT | Qt::Key_Down), this, [this] { moveSelection(1); });
    new QShortcut(QKeySequence(Qt::ALT | Qt::Key_Up), this, [this] { moveSelection(-1); });

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(AppIcon::make(), this);
        m_tray->show();
        connect(m_tray, &QSystemTrayIcon::activated, this, [this] {
            showNormal();
            raise();
            activateWindow();
        });
    }
    m_notifier = Notifier::create(m_tray); // owned by the unique_ptr, no parent
    qCInfo(lcUi) << "notifications through" << m_notifier->backendName();
    connect(m_notifier.get(), &Notifier::openRequested, this, [this](int key) {
        showNormal();
        raise();
        activateWindow();
        if (key > 0)
            openConversation(key);
        else
            showUnassigned(-key);
    });
    connect(m_notifier.get(), &Notifier::acknowledgeRequested, this, [this](int key) {
        const auto failed = [this](const RequestError &e) { statusBar()->showMessage(e.message, 15000); };
        if (key > 0)
            m_api->acknowledge(key, this, nullptr, failed);
        else
            m_api->acknowledgeUnassigned(
                -key, this,
                [this](const QJsonObject &answer) {
                    m_unassigned->upsert(answer.value(QStringLiteral("unassigned")).toObject());
                },
                failed);
    });
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
            alertFor(ticket);
    });
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, [this] {
        if (m_conversations->waitingCount() > 0)
            m_list->viewport()->update();
    });
    m_clock.start();
    showConnectionState();
    resize(1200, 760);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    QMenu *console = menuBar()->addMenu(tr("&Console"));
    console->addAction(tr("&Unassigned messages…"), this, [this] { showUnassigned(); });
    console->addAction(tr("&Settings…"), this, [this] {
        SettingsDialog dialog(m_settings, m_notifier->backendName(), this);
        dialog.exec();
    });
    console->addSeparator();
    console->addAction(tr("Sign &out"), this, &MainWindow::signOutRequested);
    console->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);
}

void MainWindow::showUnassigned(qint64 select)
{
    if (!m_unassignedDialog) {
        m_unassignedDialog = new UnassignedDialog(m_api, m_unassigned, m_conversations, this);
        m_unassignedDialog->setAttribute(Qt::WA_DeleteOnClose);
    }
    if (select > 0)
        m_unassignedDialog->select(select);
    m_unassignedDialog->show();
    m_unassignedDialog->raise();
    m_unassignedDialog->activateWindow();
}

void MainWindow::applySettings()
{
    m_repeat.setInterval(m_settings->repeatSeconds() * 1000);
    m_chat->composer()->setCtrlEnterSends(m_settings->ctrlEnterSends());
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
        m_session->markOpenRead(); // what arrived meanwhile is now seen, and a new request taken
        return;
    }
    const int row = m_conversations->rowOf(ticketId);
    if (row >= 0)
        m_list->setCurrentIndex(m_proxy->mapFromSource(m_conversations->index(row)));
    m_chat->setConversation(m_conversations->conversation(ticketId));
    m_chat->open(ticketId);
    if (m_narrow) {
        m_listPane->hide();
        m_chat->show();
    }
    m_chatShown = true;
    m_chat->composer()->setFocus();
}

void MainWindow::moveSelection(int delta)
{
    const int rows = m_proxy->rowCount();
    if (rows == 0)
        return;
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
}

void MainWindow::alertFor(int key)
{
    Notifier::Alert alert;
    alert.key = key;
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
    alert.sound = m_settings->sound();
    if (m_settings->desktopNotifications())
        m_notifier->show(alert);
    else if (m_settings->sound())
        QApplication::beep();
    m_alerted.insert(key);
    QApplication::alert(this);
    if (!m_repeat.isActive())
        m_repeat.start();
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
}

void MainWindow::showConnectionState()
{
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
