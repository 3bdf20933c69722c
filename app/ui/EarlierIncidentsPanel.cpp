#include "EarlierIncidentsPanel.h"

#include "ConsoleSession.h"
#include "HistoryModel.h"

#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSet>
#include <QVBoxLayout>

namespace {
constexpr int TicketIdRole = Qt::UserRole + 1; // int: the item's ticket; 0 for a note
}

EarlierIncidentsPanel::EarlierIncidentsPanel(ConsoleSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    for (auto [section, name] : {std::pair{&m_lift, tr("The lift's earlier incidents")},
                                 std::pair{&m_technician, tr("The technician's earlier incidents")}}) {
        setUp(*section, name);
        layout->addWidget(section->title);
        layout->addWidget(section->list, 1);
        layout->addWidget(section->more, 0, Qt::AlignRight);
    }
    setMinimumWidth(240);
}

void EarlierIncidentsPanel::setUp(Section &section, const QString &accessibleName)
{
    section.title = new QLabel(this);
    section.title->setTextFormat(Qt::PlainText);
    section.title->setWordWrap(true);
    QFont bold = section.title->font();
    bold.setBold(true);
    section.title->setFont(bold);
    section.list = new QListWidget(this);
    section.list->setAccessibleName(accessibleName);
    section.list->setWordWrap(true);
    // Each incident is two lines: the bands tell where one ends.
    section.list->setAlternatingRowColors(true);
    section.list->setSpacing(1);
    section.list->setToolTip(tr("Double-click or Enter opens the incident read-only"));
    section.more = new QPushButton(tr("More in the history…"), this);
    section.more->hide();
    section.title->setBuddy(section.list);
    connect(section.list, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        const int ticket = item->data(TicketIdRole).toInt();
        if (ticket > 0)
            Q_EMIT openRequested(ticket);
    });
    connect(section.more, &QPushButton::clicked, this, [this, &section] {
        HistoryQuery q = section.query;
        q.limit = 0;
        Q_EMIT historyRequested(q);
    });
}

bool EarlierIncidentsPanel::sameSearch(const HistoryQuery &a, const HistoryQuery &b)
{
    return a.lift == b.lift && a.technician == b.technician;
}

void EarlierIncidentsPanel::setConversation(int ticketId, const QString &liftMsisdn,
                                            const QString &technicianNumber, const QString &technicianName)
{
    m_ticket = ticketId;
    HistoryQuery lift;
    HistoryQuery technician;
    if (ticketId > 0) {
        lift.lift = liftMsisdn;
        technician.technician = technicianNumber;
    }
    m_lift.title->setText(liftMsisdn.isEmpty() ? tr("Earlier at this lift")
                                               : tr("Earlier at this lift (+%1)").arg(liftMsisdn));
    if (technicianNumber.isEmpty())
        m_technician.title->setText(tr("The technician's earlier incidents"));
    else
        m_technician.title->setText(tr("Earlier with %1")
                                        .arg(technicianName.isEmpty()
                                                 ? QStringLiteral("+") + technicianNumber
                                                 : tr("%1 (+%2)").arg(technicianName, technicianNumber)));
    load(m_lift, lift);
    load(m_technician, technician);
}

void EarlierIncidentsPanel::load(Section &section, const HistoryQuery &query)
{
    if (section.ticket == m_ticket && sameSearch(section.query, query))
        return; // read already for this conversation: events change nothing here
    section.query = query;
    section.ticket = m_ticket;
    const quint64 load = ++section.load;
    section.more->hide();
    if (m_ticket <= 0 || (query.lift.isEmpty() && query.technician.isEmpty())) {
        section.loading = false;
        if (m_ticket > 0 && &section == &m_technician)
            note(section, tr("Nobody has written on this ticket yet."));
        else
            note(section, QString());
        Q_EMIT changed();
        return;
    }
    section.loading = true;
    note(section, tr("Reading…"));
    HistoryQuery q = query;
    q.limit = shown + 1; // the open ticket may be among them
    m_session->history(
        q, this,
        [this, &section, load](const QJsonObject &answer) {
            if (load != section.load)
                return;
            section.loading = false;
            fill(section, answer.value(QStringLiteral("incidents")).toArray(),
                 answer.value(QStringLiteral("next_before")).toInt() > 0);
        },
        [this, &section, load](const RequestError &e) {
            if (load != section.load)
                return;
            section.loading = false;
            note(section, tr("Not read: %1").arg(e.message));
            Q_EMIT changed();
        });
}

void EarlierIncidentsPanel::note(Section &section, const QString &text)
{
    section.list->clear();
    if (text.isEmpty())
        return;
    auto *item = new QListWidgetItem(text, section.list);
    item->setFlags(Qt::ItemIsEnabled);
    item->setData(TicketIdRole, 0);
}

void EarlierIncidentsPanel::fill(Section &section, const QJsonArray &incidents, bool more)
{
    section.list->clear();
    int listed = 0;
    for (const QJsonValue &v : incidents) {
        const QJsonObject o = v.toObject();
        const int ticket = o.value(QStringLiteral("ticket_id")).toInt();
        if (ticket <= 0 || ticket == m_ticket)
            continue;
        if (listed == shown) {
            more = true;
            break;
        }
        ++listed;
        const bool open = o.value(QStringLiteral("status")).toString() == QLatin1String("open");
        const QString resolvedAt = HistoryModel::localTime(o.value(QStringLiteral("resolved_at")).toString());
        const QString state = open                   ? tr("open")
                              : resolvedAt.isEmpty() ? tr("resolved")
                                                     : tr("resolved %1").arg(resolvedAt);
        // The other section's subject: at this lift, who wrote; with this technician, where.
        const QString other = &section == &m_lift ? HistoryModel::technicianOf(o) : HistoryModel::liftOf(o);
        const QString text =
            tr("%1 · %2\nopened %3 · %n message(s) · %4", nullptr,
               o.value(QStringLiteral("message_count")).toInt())
                .arg(HistoryModel::referenceOf(o), state,
                     HistoryModel::localTime(o.value(QStringLiteral("created_at")).toString()), other);
        auto *item = new QListWidgetItem(text, section.list);
        item->setData(TicketIdRole, ticket);
        item->setToolTip(text);
    }
    if (listed == 0)
        note(section, tr("No earlier incident."));
    section.more->setVisible(more);
    Q_EMIT changed();
}

int EarlierIncidentsPanel::count() const
{
    QSet<int> tickets;
    for (const QListWidget *list : {m_lift.list, m_technician.list})
        for (int r = 0; r < list->count(); ++r)
            if (const int t = list->item(r)->data(TicketIdRole).toInt(); t > 0)
                tickets.insert(t);
    return int(tickets.size());
}
