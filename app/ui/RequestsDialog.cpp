#include "RequestsDialog.h"

#include "AgentPicker.h"
#include "ConsoleSession.h"
#include "ConversationDelegate.h"
#include "ConversationListModel.h"
#include "WireTime.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace {

enum Column { Who, Lift, Waiting, Ladder, Owner, ColumnCount };

QString localTime(const QDateTime &t)
{
    return t.isValid() ? QLocale().toString(t.toLocalTime().time(), QStringLiteral("HH:mm:ss")) : QString();
}

QString after(const QDateTime &from, const QDateTime &to)
{
    if (!from.isValid() || !to.isValid())
        return {};
    const qint64 ms = from.msecsTo(to);
    const QString sign = ms < 0 ? QStringLiteral("-") : QStringLiteral("+");
    const qint64 abs = std::abs(ms);
    return abs < 10000 ? RequestsDialog::tr("%1%2 s").arg(sign, QLocale().toString(abs / 1000.0, 'f', 1))
                       : RequestsDialog::tr("%1%2").arg(sign, ConversationDelegate::clockText(abs / 1000));
}

QString stepName(const QJsonObject &step)
{
    const QString action = step.value(QStringLiteral("action")).toString();
    if (action == QLatin1String("consoles"))
        return RequestsDialog::tr("the consoles");
    if (action == QLatin1String("supervisors"))
        return RequestsDialog::tr("the supervisors");
    return RequestsDialog::tr("on-call level %1").arg(step.value(QStringLiteral("level")).toInt());
}

QString names(const QJsonValue &list)
{
    QStringList out;
    for (const QJsonValue &v : list.toArray())
        out << (v.isObject() ? v.toObject().value(QStringLiteral("name")).toString() : v.toString());
    out.removeAll(QString());
    return out.join(QStringLiteral(", "));
}

} // namespace

RequestsDialog::RequestsDialog(ConsoleSession *session, ConversationListModel *conversations, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_conversations(conversations)
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_timeline(new QPlainTextEdit(this))
    , m_status(new QLabel(this))
    , m_open(new QPushButton(tr("Open conversation"), this))
    , m_assign(new QPushButton(tr("Assign…"), this))
    , m_notEmergency(new QPushButton(tr("Not an emergency…"), this))
    , m_block(new QPushButton(tr("Block number…"), this))
    , m_refresh(new QTimer(this))
{
    setWindowTitle(tr("Open requests"));
    m_table->setHorizontalHeaderLabels(
        {tr("Request"), tr("Lift"), tr("Waiting"), tr("Ladder"), tr("Who has it")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAccessibleName(tr("Open requests"));
    m_timeline->setReadOnly(true);
    m_timeline->setAccessibleName(tr("The request's timeline"));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(m_timeline);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_open, QDialogButtonBox::ActionRole);
    buttons->addButton(m_assign, QDialogButtonBox::ActionRole);
    buttons->addButton(m_notEmergency, QDialogButtonBox::ActionRole);
    buttons->addButton(m_block, QDialogButtonBox::ActionRole);
    m_notEmergency->setToolTip(tr("Closes the request with your reason: the consoles stop alerting and "
                                  "nobody more is called out. Audited."));
    m_block->setToolTip(tr("The number's requests then alert the consoles only: no supervisors, no "
                           "call-out. Audited; an administrator lifts it."));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(820, 560);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &RequestsDialog::showSelected);
    connect(m_open, &QPushButton::clicked, this, [this] {
        const int ticket = selected().value(QStringLiteral("ticket_id")).toInt();
        if (ticket > 0)
            Q_EMIT openRequested(ticket);
    });
    connect(m_table, &QTableWidget::cellDoubleClicked, m_open, &QPushButton::click);
    connect(m_assign, &QPushButton::clicked, this, &RequestsDialog::assign);
    connect(m_notEmergency, &QPushButton::clicked, this, [this] { markNotEmergency(); });
    connect(m_block, &QPushButton::clicked, this, [this] { blockNumber(); });
    // The ladder moves by the second: the list follows it while shown, and at once on a step or a change.
    m_refresh->setInterval(5000);
    connect(m_refresh, &QTimer::timeout, this, &RequestsDialog::refresh);
    connect(m_session, &ConsoleSession::requestEscalated, this, [this] { refresh(); });
    connect(m_session, &ConsoleSession::agentRequested, this, [this] { refresh(); });
    connect(m_conversations, &QAbstractItemModel::dataChanged, this, [this] {
        if (isVisible() && !m_refresh->isActive())
            refresh();
    });
    showSelected();
}

void RequestsDialog::showEvent(QShowEvent *event)
{
    QDialog::showEvent(event);
    refresh();
    m_refresh->start();
}

void RequestsDialog::hideEvent(QHideEvent *event)
{
    QDialog::hideEvent(event);
    m_refresh->stop();
}

void RequestsDialog::refresh()
{
    if (m_loading) {
        m_again = true; // once this answer is in: it may predate what asked for the refresh
        return;
    }
    m_loading = true;
    m_again = false;
    m_session->openRequests(
        this,
        [this](const QJsonObject &answer) {
            m_loading = false;
            fill(answer.value(QStringLiteral("requests")).toArray());
            if (m_again)
                refresh();
        },
        [this](const RequestError &e) {
            m_loading = false;
            m_status->setText(tr("The requests could not be read: %1").arg(e.message));
        });
}

void RequestsDialog::fill(const QJsonArray &requests)
{
    const qint64 keep = selected().value(QStringLiteral("id")).toInteger();
    m_requests = requests;
    const QSignalBlocker block(m_table);
    m_table->setRowCount(int(requests.size()));
    const QDateTime now = QDateTime::currentDateTimeUtc().addMSecs(m_session->stream()->clockOffsetMs());
    int keepRow = -1;
    for (int row = 0; row < requests.size(); ++row) {
        const QJsonObject r = requests.at(row).toObject();
        const int ticket = r.value(QStringLiteral("ticket_id")).toInt();
        const QJsonObject c = ticket > 0 ? m_conversations->conversation(ticket) : QJsonObject();
        QString who = c.value(QStringLiteral("ticket_reference")).toString();
        if (who.isEmpty())
            who = ticket > 0 ? tr("Ticket %1").arg(ticket) : tr("Message from a number with no ticket");
        const QString from = r.value(QStringLiteral("from_number")).toString();
        if (!from.isEmpty())
            who = tr("%1 · +%2").arg(who, from);
        const QDateTime asked = WireTime::parse(r.value(QStringLiteral("requested_at")).toString());
        const QDateTime acknowledged = WireTime::parse(r.value(QStringLiteral("acknowledged_at")).toString());
        const QJsonArray steps = r.value(QStringLiteral("steps")).toArray();
        QString ladder =
            steps.isEmpty() ? tr("not alerted yet") : tr("%1 alerted").arg(stepName(steps.last().toObject()));
        const QDateTime next = WireTime::parse(r.value(QStringLiteral("next_step_at")).toString());
        if (next.isValid())
            ladder = tr("%1; next in %2").arg(ladder, ConversationDelegate::clockText(now.secsTo(next)));
        const QString owner =
            acknowledged.isValid() ? r.value(QStringLiteral("acknowledged_by")).toString() : tr("nobody yet");
        const QString cells[ColumnCount] = {
            who, c.value(QStringLiteral("lift_name")).toString(),
            ConversationDelegate::clockText(asked.secsTo(acknowledged.isValid() ? acknowledged : now)),
            ladder, owner};
        for (int column = 0; column < ColumnCount; ++column) {
            auto *item = new QTableWidgetItem(cells[column]);
            if (!acknowledged.isValid())
                item->setForeground(QColor(0xd3, 0x2f, 0x2f));
            m_table->setItem(row, column, item);
        }
        if (r.value(QStringLiteral("id")).toInteger() == keep)
            keepRow = row;
    }
    m_table->resizeColumnsToContents();
    // The selection follows its request; one that is gone leaves nothing selected, so that no action
    // lands on whichever request now has its row.
    if (keepRow >= 0)
        m_table->selectRow(keepRow);
    else
        m_table->clearSelection();
    m_status->setText(requests.isEmpty() ? tr("No request is open.")
                                         : tr("%n open request(s).", nullptr, int(requests.size())));
    showSelected();
}

QJsonObject RequestsDialog::selected() const
{
    const QList<QTableWidgetItem *> items = m_table->selectedItems();
    if (items.isEmpty())
        return {};
    return m_requests.at(items.first()->row()).toObject();
}

void RequestsDialog::showSelected()
{
    const QJsonObject r = selected();
    const bool onTicket = r.value(QStringLiteral("ticket_id")).toInt() > 0;
    m_open->setEnabled(onTicket);
    m_assign->setVisible(m_session->canAssign());
    m_assign->setEnabled(onTicket);
    m_assign->setToolTip(onTicket || r.isEmpty()
                             ? QString()
                             : tr("A message with no ticket is assigned by attaching it to one "
                                  "(Console → Unassigned messages)."));
    m_timeline->setPlainText(r.isEmpty() ? tr("Select a request to see its timeline.") : timelineText(r));
    m_notEmergency->setEnabled(!r.isEmpty());
    m_block->setEnabled(!r.value(QStringLiteral("from_number")).toString().isEmpty());
}

void RequestsDialog::assign()
{
    const int ticket = selected().value(QStringLiteral("ticket_id")).toInt();
    if (ticket <= 0)
        return;
    AgentPicker::pick(
        this, m_session, tr("Assign the request"),
        [this, ticket](const QString &username) {
            m_session->assign(
                ticket, username, this,
                [this] {
                    m_status->setText(tr("Assigned."));
                    refresh();
                },
                [this](const RequestError &e) { m_status->setText(tr("Not assigned: %1").arg(e.message)); });
        },
        [this](const QString &text) { m_status->setText(text); });
}

void RequestsDialog::markNotEmergency(const QString &given)
{
    const QJsonObject r = selected();
    if (r.isEmpty())
        return;
    QString reason = given;
    if (reason.isEmpty()) {
        bool ok = false;
        reason = QInputDialog::getText(this, tr("Not an emergency"),
                                       tr("Why is this request not an emergency? (kept in the audit trail)"),
                                       QLineEdit::Normal, QString(), &ok)
                     .trimmed();
        if (!ok || reason.isEmpty())
            return;
    }
    m_session->notEmergency(
        r.value(QStringLiteral("id")).toInteger(), reason, this,
        [this](const QJsonObject &) {
            m_status->setText(tr("Closed as not an emergency."));
            refresh();
        },
        [this](const RequestError &e) { m_status->setText(tr("Not closed: %1").arg(e.message)); });
}

void RequestsDialog::blockNumber(const QString &given)
{
    const QString number = selected().value(QStringLiteral("from_number")).toString();
    if (number.isEmpty())
        return;
    QString reason = given;
    if (reason.isEmpty()) {
        bool ok = false;
        reason =
            QInputDialog::getText(this, tr("Block +%1").arg(number),
                                  tr("Why block +%1? Its requests will alert the consoles only, until an "
                                     "administrator lifts the block.")
                                      .arg(number),
                                  QLineEdit::Normal, QString(), &ok)
                .trimmed();
        if (!ok || reason.isEmpty())
            return;
    }
    m_session->blockNumber(
        number, reason, this,
        [this, number](const QJsonObject &) { m_status->setText(tr("+%1 is blocked.").arg(number)); },
        [this](const RequestError &e) { m_status->setText(tr("Not blocked: %1").arg(e.message)); });
}

QString RequestsDialog::timelineText(const QJsonObject &r)
{
    const auto time = [&r](const char *field) {
        return WireTime::parse(r.value(QLatin1String(field)).toString());
    };
    const QDateTime asked = time("requested_at");
    QList<std::pair<QDateTime, QString>> lines;
    const QString from = r.value(QStringLiteral("from_number")).toString();
    const QString text = r.value(QStringLiteral("text")).toString().simplified();
    if (const QDateTime t = time("received_at"); t.isValid())
        lines.append({t, from.isEmpty() ? tr("The technician's message reached the server")
                                        : tr("+%1 wrote: “%2”").arg(from, text.left(120))});
    lines.append({asked, tr("Request raised")});
    const int repeats = r.value(QStringLiteral("repeats")).toInt();
    if (repeats > 0)
        lines.last().second += tr(" (asked %n more time(s) while waiting)", nullptr, repeats);
    if (const QDateTime t = time("alerted_at"); t.isValid())
        lines.append({t, tr("First console alerted")});
    for (const QJsonValue &v : r.value(QStringLiteral("steps")).toArray()) {
        const QJsonObject step = v.toObject();
        const QDateTime taken = WireTime::parse(step.value(QStringLiteral("taken_at")).toString());
        const QDateTime due = WireTime::parse(step.value(QStringLiteral("due_at")).toString());
        const QJsonObject to = step.value(QStringLiteral("recipients")).toObject();
        const QString action = step.value(QStringLiteral("action")).toString();
        QString line =
            tr("Step %1: %2").arg(step.value(QStringLiteral("position")).toInt() + 1).arg(stepName(step));
        QStringList reached;
        if (const QString agents = names(to.value(QStringLiteral("agents"))); !agents.isEmpty())
            reached << tr("agents available: %1").arg(agents);
        else if (action == QLatin1String("consoles"))
            reached << tr("no agent available");
        if (const QString s = names(to.value(QStringLiteral("supervisors"))); !s.isEmpty())
            reached << tr("supervisors: %1").arg(s);
        else if (action == QLatin1String("supervisors"))
            reached << tr("no supervisor at a console");
        if (const QString s = names(to.value(QStringLiteral("supervisors_not_connected"))); !s.isEmpty())
            reached << tr("not at a console: %1").arg(s);
        if (const QString s = names(to.value(QStringLiteral("oncall"))); !s.isEmpty())
            reached << tr("on call: %1").arg(s);
        if (to.contains(QStringLiteral("withheld")))
            reached << tr("nobody called out (%1)").arg(to.value(QStringLiteral("withheld")).toString());
        if (!reached.isEmpty())
            line += QStringLiteral(" — ") + reached.join(QStringLiteral("; "));
        const qint64 late = due.isValid() && taken.isValid() ? due.msecsTo(taken) : 0;
        if (late >= 1000)
            line += tr(" (%1 s late)").arg(late / 1000);
        lines.append({taken.isValid() ? taken : due, line});
    }
    if (const QDateTime t = time("acknowledged_at"); t.isValid())
        lines.append({t, tr("Taken by %1").arg(r.value(QStringLiteral("acknowledged_by")).toString())});
    if (const QDateTime t = time("replied_at"); t.isValid())
        lines.append({t, tr("First reply sent")});
    if (const QDateTime t = time("closed_at"); t.isValid())
        lines.append({t, tr("Closed: %1").arg(r.value(QStringLiteral("closed_reason")).toString())});
    std::stable_sort(lines.begin(), lines.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    QStringList out;
    for (const auto &[at, line] : lines)
        out << QStringLiteral("%1  %2  %3").arg(localTime(at), after(asked, at).leftJustified(8), line);
    if (const QDateTime next = time("next_step_at"); next.isValid())
        out << tr("Next step at %1 unless someone takes it.").arg(localTime(next));
    return out.join(QLatin1Char('\n'));
}
