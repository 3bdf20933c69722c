#include "UnassignedDialog.h"

#include "ConsoleSession.h"
#include "ConversationListModel.h"
#include "UnassignedModel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QJsonObject>
#include <QLabel>
#include <QListView>
#include <QPushButton>
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
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Inbound messages that matched no ticket:"), this));
    layout->addWidget(m_list, 1);
    layout->addLayout(row);
    layout->addWidget(m_status);
    connect(m_attach, &QPushButton::clicked, this, &UnassignedDialog::attach);
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
        if (!i.data(ConversationListModel::IsOpenRole).toBool())
            continue;
        m_ticket->addItem(tr("%1 · %2 · %3")
                              .arg(i.data(ConversationListModel::ReferenceRole).toString(),
                                   i.data(ConversationListModel::TechnicianRole).toString(),
                                   i.data(ConversationListModel::LiftRole).toString()),
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
