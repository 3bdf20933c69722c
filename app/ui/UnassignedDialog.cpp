#include "UnassignedDialog.h"

#include "ConsoleSession.h"
#include "ConversationListModel.h"
#include "UnassignedModel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
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
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Inbound messages that matched no ticket:"), this));
    layout->addWidget(m_list, 1);
    layout->addLayout(row);
    layout->addLayout(openRow);
    layout->addWidget(m_status);
    connect(m_attach, &QPushButton::clicked, this, &UnassignedDialog::attach);
    connect(m_openTicket, &QPushButton::clicked, this, &UnassignedDialog::openTicket);
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
    m_openTicket->setEnabled(m_list->currentIndex().isValid() && m_lift->currentIndex() >= 0 &&
                             m_lift->currentData(OpenTicketRole).toInt() == 0);
    m_acknowledge->setEnabled(m_list->currentIndex().data(UnassignedModel::WaitingRole).toBool());
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
