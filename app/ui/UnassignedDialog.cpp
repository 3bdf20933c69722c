#include "UnassignedDialog.h"

#include "ChatPanel.h"
#include "ImageViewer.h"

#include "ConsoleSession.h"
#include "ConversationListModel.h"
#include "UnassignedModel.h"
#include "WireTime.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

UnassignedDialog::UnassignedDialog(ConsoleSession *session, UnassignedModel *unassigned,
                                   ConversationListModel *conversations, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_unassigned(unassigned)
    , m_conversations(conversations)
    , m_list(new QListView(this))
    , m_ticket(new QComboBox(this))
    , m_attach(new QPushButton(tr("Attach"), this))
    , m_acknowledge(new QPushButton(tr("Take the request"), this))
    , m_status(new QLabel(this))
    , m_liftSearch(new QLineEdit(this))
    , m_lift(new QComboBox(this))
    , m_openTicket(new QPushButton(tr("Open a ticket"), this))
    , m_searchDelay(new QTimer(this))
    , m_thread(new QPlainTextEdit(this))
    , m_replyText(new QLineEdit(this))
    , m_reply(new QPushButton(tr("Reply"), this))
    , m_viewPhoto(new QPushButton(tr("View the photo"), this))
{
    setWindowTitle(tr("Unassigned messages"));
    m_list->setModel(unassigned);
    m_list->setWordWrap(true);
    m_list->setAccessibleName(tr("Unassigned messages"));
    m_ticket->setAccessibleName(tr("Ticket to attach to"));
    m_attach->setAccessibleName(tr("Attach the selected message to the ticket"));
    m_acknowledge->setAccessibleName(tr("Take the selected message's request for an agent"));
    m_acknowledge->setToolTip(tr("Every console stops alerting; reply after attaching it to a ticket"));
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Attach to"), this));
    row->addWidget(m_ticket, 1);
    row->addWidget(m_attach);
    row->addWidget(m_acknowledge);
    // A stranger's photo of the lift is seen before anyone knows which ticket it belongs to.
    row->addWidget(m_viewPhoto);
    m_viewPhoto->setAccessibleName(tr("View the selected message's photo"));
    connect(m_viewPhoto, &QPushButton::clicked, this, [this] {
        const QJsonObject media = m_list->currentIndex()
                                      .data(UnassignedModel::ItemRole)
                                      .toJsonObject()
                                      .value(QStringLiteral("media"))
                                      .toObject();
        if (media.value(QStringLiteral("status")).toString() != QLatin1String("stored"))
            return;
        auto *viewer = new ImageViewer(m_session->media(), media.value(QStringLiteral("id")).toInteger(),
                                       m_list->currentIndex().data(UnassignedModel::FromRole).toString(),
                                       ChatPanel::fileNameFor(media), this);
        viewer->setAttribute(Qt::WA_DeleteOnClose);
        viewer->setObjectName(QStringLiteral("imageViewer"));
        viewer->show();
    });
    // A message about a lift with no open ticket gets one: the agent finds the lift by name or number.
    m_liftSearch->setPlaceholderText(tr("Find the lift: building, site or SIM number"));
    m_liftSearch->setAccessibleName(tr("Find the lift to open a ticket on"));
    m_liftSearch->setClearButtonEnabled(true);
    m_lift->setAccessibleName(tr("Lift to open a ticket on"));
    m_openTicket->setAccessibleName(tr("Open a ticket on the lift for the selected message"));
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(300);
    auto *openRow = new QHBoxLayout;
    openRow->addWidget(new QLabel(tr("Or open a ticket on"), this));
    openRow->addWidget(m_liftSearch, 1);
    openRow->addWidget(m_lift, 1);
    openRow->addWidget(m_openTicket);
    // Answering before anyone knows the lift: the thread with the selected message's number, and a reply.
    m_thread->setReadOnly(true);
    m_thread->setAccessibleName(tr("Messages with this number"));
    m_thread->setMaximumBlockCount(500);
    m_replyText->setPlaceholderText(tr("Reply to this number before it has a ticket"));
    m_replyText->setAccessibleName(tr("Reply to the selected message's number"));
    m_replyText->setMaxLength(4096);
    m_reply->setAccessibleName(tr("Send the reply to this number"));
    auto *replyRow = new QHBoxLayout;
    replyRow->addWidget(m_replyText, 1);
    replyRow->addWidget(m_reply);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Inbound messages that matched no ticket:"), this));
    layout->addWidget(m_list, 1);
    layout->addWidget(m_thread, 1);
    layout->addLayout(replyRow);
    layout->addLayout(row);
    layout->addLayout(openRow);
    layout->addWidget(m_status);
    connect(m_attach, &QPushButton::clicked, this, &UnassignedDialog::attach);
    connect(m_openTicket, &QPushButton::clicked, this, &UnassignedDialog::openTicket);
    connect(m_reply, &QPushButton::clicked, this, &UnassignedDialog::reply);
    connect(m_replyText, &QLineEdit::returnPressed, this, &UnassignedDialog::reply);
    connect(m_replyText, &QLineEdit::textEdited, this, [this] { m_replyId.clear(); });
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &UnassignedDialog::loadThread);
    connect(session, &ConsoleSession::unassignedReplied, this, [this](const QJsonObject &r) {
        if (r.value(QStringLiteral("to_number")).toString() == m_threadNumber)
            loadThread();
    });
    connect(unassigned, &QAbstractItemModel::rowsInserted, this, &UnassignedDialog::loadThread);
    connect(m_liftSearch, &QLineEdit::textEdited, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_searchDelay, &QTimer::timeout, this, &UnassignedDialog::searchLifts);
    connect(m_lift, &QComboBox::currentIndexChanged, this, &UnassignedDialog::updateButtons);
    connect(m_acknowledge, &QPushButton::clicked, this, &UnassignedDialog::acknowledge);
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &UnassignedDialog::updateButtons);
    connect(unassigned, &QAbstractItemModel::dataChanged, this, &UnassignedDialog::updateButtons);
    connect(unassigned, &QAbstractItemModel::rowsRemoved, this, &UnassignedDialog::updateButtons);
    connect(conversations, &QAbstractItemModel::modelReset, this, &UnassignedDialog::fillTickets);
    connect(conversations, &QAbstractItemModel::rowsInserted, this, &UnassignedDialog::fillTickets);
    fillTickets();
    updateButtons();
    resize(640, 420);
}

void UnassignedDialog::select(qint64 unassignedId)
{
    const int row = m_unassigned->rowOf(unassignedId);
    if (row >= 0)
        m_list->setCurrentIndex(m_unassigned->index(row));
}

void UnassignedDialog::updateButtons()
{
    m_reply->setEnabled(m_list->currentIndex().isValid());
    m_replyText->setEnabled(m_list->currentIndex().isValid());
    m_openTicket->setEnabled(m_list->currentIndex().isValid() && m_lift->currentIndex() >= 0 &&
                             m_lift->currentData(OpenTicketRole).toInt() == 0);
    m_acknowledge->setEnabled(m_list->currentIndex().data(UnassignedModel::WaitingRole).toBool());
    const QJsonObject item = m_list->currentIndex().data(UnassignedModel::ItemRole).toJsonObject();
    const QJsonObject media = item.value(QStringLiteral("media")).toObject();
    const QString type = media.value(QStringLiteral("type")).toString();
    m_viewPhoto->setVisible(!media.isEmpty() &&
                            (type == QLatin1String("image") || type == QLatin1String("sticker")));
    m_viewPhoto->setEnabled(media.value(QStringLiteral("status")).toString() == QLatin1String("stored") &&
                            item.value(QStringLiteral("revoked_at")).isNull());
}

void UnassignedDialog::acknowledge()
{
    const QModelIndex selected = m_list->currentIndex();
    if (!selected.isValid())
        return;
    m_acknowledge->setEnabled(false);
    m_session->acknowledge(
        -int(selected.data(UnassignedModel::UnassignedIdRole).toLongLong()), this,
        [this] { m_status->setText(tr("You took the request. Attach the message to its ticket to reply.")); },
        [this](const RequestError &e) {
            updateButtons();
            m_status->setText(e.message);
        });
}

void UnassignedDialog::fillTickets()
{
    const int current = m_ticket->currentData().toInt();
    m_ticket->clear();
    for (int r = 0; r < m_conversations->rowCount(); ++r) {
        const QModelIndex i = m_conversations->index(r);
        // Resolved tickets stay listed for an hour, and take a late word about the same incident.
        const QString text = tr("%1 · %2 · %3")
                                 .arg(i.data(ConversationListModel::ReferenceRole).toString(),
                                      i.data(ConversationListModel::TechnicianRole).toString(),
                                      i.data(ConversationListModel::LiftRole).toString());
        m_ticket->addItem(i.data(ConversationListModel::IsOpenRole).toBool() ? text
                                                                             : tr("%1 (resolved)").arg(text),
                          i.data(ConversationListModel::TicketIdRole));
    }
    m_ticket->setCurrentIndex(std::max(0, m_ticket->findData(current)));
}

void UnassignedDialog::attach()
{
    const QModelIndex selected = m_list->currentIndex();
    if (!selected.isValid() || m_ticket->currentIndex() < 0) {
        m_status->setText(tr("Choose a message and the ticket it belongs to."));
        return;
    }
    m_attach->setEnabled(false);
    m_session->attach(
        selected.data(UnassignedModel::UnassignedIdRole).toLongLong(), m_ticket->currentData().toInt(), this,
        [this] {
            m_attach->setEnabled(true);
            m_status->setText(tr("Attached."));
        },
        [this](const RequestError &e) {
            m_attach->setEnabled(true);
            m_status->setText(e.message);
        });
}

void UnassignedDialog::searchLifts()
{
    const QString text = m_liftSearch->text().trimmed();
    const quint64 search = ++m_search;
    m_session->findLifts(
        text, this,
        [this, search](const QJsonObject &answer) {
            if (search != m_search)
                return;
            m_lift->clear();
            for (const QJsonValue &v : answer.value(QStringLiteral("lifts")).toArray()) {
                const QJsonObject lift = v.toObject();
                QString label = tr("%1 (+%2)")
                                    .arg(lift.value(QStringLiteral("lift_name")).toString(),
                                         lift.value(QStringLiteral("msisdn")).toString());
                const int open = lift.value(QStringLiteral("open_ticket_id")).toInt();
                if (open > 0)
                    label = tr("%1: has ticket %2, attach to it")
                                .arg(label, lift.value(QStringLiteral("open_ticket_reference")).toString());
                m_lift->addItem(label, lift.value(QStringLiteral("msisdn")).toString());
                m_lift->setItemData(m_lift->count() - 1, open, OpenTicketRole);
            }
            if (m_lift->count() == 0)
                m_status->setText(tr("No lift matches “%1”.").arg(m_liftSearch->text().trimmed()));
            updateButtons();
        },
        [this](const RequestError &e) { m_status->setText(e.message); });
}

void UnassignedDialog::openTicket()
{
    const QModelIndex selected = m_list->currentIndex();
    if (!selected.isValid() || m_lift->currentIndex() < 0) {
        m_status->setText(tr("Choose a message and find the lift it is about."));
        return;
    }
    m_openTicket->setEnabled(false);
    m_status->setText(tr("Opening a ticket…"));
    m_session->openTicket(
        selected.data(UnassignedModel::UnassignedIdRole).toLongLong(), m_lift->currentData().toString(), this,
        [this](const QJsonObject &answer) {
            const QJsonObject conversation = answer.value(QStringLiteral("conversation")).toObject();
            m_status->setText(tr("Ticket %1 opened with the message.")
                                  .arg(conversation.value(QStringLiteral("ticket_reference")).toString()));
            updateButtons();
            Q_EMIT ticketOpened(conversation.value(QStringLiteral("id")).toInt());
        },
        [this](const RequestError &e) {
            updateButtons();
            m_status->setText(e.message);
        });
}

void UnassignedDialog::loadThread()
{
    const QModelIndex selected = m_list->currentIndex();
    const quint64 load = ++m_threadLoad;
    const QString number = selected.isValid() ? selected.data(UnassignedModel::ItemRole)
                                                    .toJsonObject()
                                                    .value(QStringLiteral("from_number"))
                                                    .toString()
                                              : QString();
    // A reply typed for one number never goes to another: the box keeps a draft per number.
    if (number != m_threadNumber) {
        if (!m_threadNumber.isEmpty() && !m_replyText->text().isEmpty())
            m_replyDrafts.insert(m_threadNumber, m_replyText->text());
        m_replyText->setText(m_replyDrafts.take(number));
        m_replyId.clear();
    }
    m_threadNumber = number;
    if (!selected.isValid()) {
        m_thread->clear();
        return;
    }
    m_session->unassignedThread(
        selected.data(UnassignedModel::UnassignedIdRole).toLongLong(), this,
        [this, load](const QJsonObject &answer) {
            if (load != m_threadLoad)
                return;
            QStringList lines;
            for (const QJsonValue &v : answer.value(QStringLiteral("messages")).toArray()) {
                const QJsonObject m = v.toObject();
                const QDateTime at =
                    WireTime::parse(m.value(QStringLiteral("created_at")).toString()).toLocalTime();
                const QString time = QLocale().toString(at.time(), QLocale::ShortFormat);
                if (m.value(QStringLiteral("direction")).toString() == QLatin1String("outbound")) {
                    const QString status = m.value(QStringLiteral("status")).toString();
                    QString state = status == QLatin1String("pending")     ? tr("sending")
                                    : status == QLatin1String("sent")      ? tr("sent")
                                    : status == QLatin1String("delivered") ? tr("delivered")
                                    : status == QLatin1String("read")      ? tr("read")
                                                                           : status;
                    if (status == QLatin1String("failed"))
                        state = tr("failed: %1")
                                    .arg(m.value(QStringLiteral("error"))
                                             .toObject()
                                             .value(QStringLiteral("message"))
                                             .toString());
                    lines << tr("%1  %2 → “%3” (%4)")
                                 .arg(time, m.value(QStringLiteral("agent_name")).toString(),
                                      m.value(QStringLiteral("message")).toString(), state);
                } else {
                    lines << tr("%1  +%2: “%3”")
                                 .arg(time, m.value(QStringLiteral("from_number")).toString(),
                                      m.value(QStringLiteral("message")).toString());
                }
            }
            m_thread->setPlainText(lines.join(QLatin1Char('\n')));
            m_thread->moveCursor(QTextCursor::End);
        },
        [this, load](const RequestError &e) {
            if (load == m_threadLoad)
                m_thread->setPlainText(e.message);
        });
}

void UnassignedDialog::reply()
{
    const QModelIndex selected = m_list->currentIndex();
    const QString typed = m_replyText->text();
    const QString text = typed.trimmed();
    if (!selected.isValid() || text.isEmpty() || m_sending)
        return;
    m_sending = true;
    // The same text sent again after no answer keeps its id: the server sends it at most once.
    if (m_replyId.isEmpty())
        m_replyId = ConsoleSession::newClientMessageId();
    m_reply->setEnabled(false);
    m_status->setText(tr("Sending…"));
    m_session->replyUnassigned(
        selected.data(UnassignedModel::UnassignedIdRole).toLongLong(), text, m_replyId, this,
        [this, typed](const QJsonObject &) {
            m_sending = false;
            m_replyId.clear();
            // Only what was sent is cleared: text typed since stays.
            if (m_replyText->text() == typed)
                m_replyText->clear();
            m_status->setText(tr("Sent."));
            updateButtons();
            loadThread();
        },
        [this](const RequestError &e) {
            m_sending = false;
            if (!e.isNetwork())
                m_replyId.clear();
            m_status->setText(tr("Not sent: %1").arg(e.message));
            updateButtons();
            loadThread();
        });
}
