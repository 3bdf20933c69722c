#include "HistoryDialog.h"

#include "ConsoleSession.h"
#include "HistoryModel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include <tuple>

HistoryDialog::HistoryDialog(ConsoleSession *session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_model(new HistoryModel(this))
    , m_text(new QLineEdit(this))
    , m_lift(new QLineEdit(this))
    , m_site(new QLineEdit(this))
    , m_technician(new QLineEdit(this))
    , m_reference(new QLineEdit(this))
    , m_status(new QComboBox(this))
    , m_fromOn(new QCheckBox(tr("Opened from"), this))
    , m_from(new QDateEdit(this))
    , m_toOn(new QCheckBox(tr("to"), this))
    , m_to(new QDateEdit(this))
    , m_search(new QPushButton(tr("Search"), this))
    , m_clear(new QPushButton(tr("Clear"), this))
    , m_older(new QPushButton(tr("Older incidents"), this))
    , m_open(new QPushButton(tr("Open read-only"), this))
    , m_table(new QTableView(this))
    , m_state(new QLabel(this))
{
    setWindowTitle(tr("Incident history"));
    m_text->setPlaceholderText(tr("Words said, e.g. E42, \"two people\", fault -again"));
    m_text->setAccessibleName(tr("Words said in the incident"));
    m_lift->setPlaceholderText(tr("e.g. +27 71 000 0001"));
    m_lift->setAccessibleName(tr("The lift's SIM number"));
    m_site->setPlaceholderText(tr("Part of the site's or building's name"));
    m_site->setAccessibleName(tr("Site or building"));
    m_technician->setPlaceholderText(tr("Part of the name, or the number"));
    m_technician->setAccessibleName(tr("Technician"));
    m_reference->setPlaceholderText(tr("The start of the reference"));
    m_reference->setAccessibleName(tr("Reference"));
    for (QLineEdit *field : {m_text, m_lift, m_site, m_technician, m_reference}) {
        field->setClearButtonEnabled(true);
        // Enter searches from any field (the dialog has no default button: Enter on a result opens it).
        connect(field, &QLineEdit::returnPressed, this, qOverload<>(&HistoryDialog::search));
    }
    m_status->addItem(tr("Open or resolved"), QString());
    m_status->addItem(tr("Open"), QStringLiteral("open"));
    m_status->addItem(tr("Resolved"), QStringLiteral("closed"));
    m_status->setAccessibleName(tr("Status"));
    const QDate today = QDate::currentDate();
    m_defaultFrom = today.addMonths(-1);
    m_defaultTo = today;
    for (auto [check, edit, day] :
         {std::tuple{m_fromOn, m_from, m_defaultFrom}, std::tuple{m_toOn, m_to, m_defaultTo}}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        edit->setDate(day);
        edit->setEnabled(false);
        connect(check, &QCheckBox::toggled, edit, &QWidget::setEnabled);
        connect(check, &QCheckBox::toggled, this, [this](bool on) {
            if (on)
                refreshDefaultDates();
        });
    }
    m_from->setAccessibleName(tr("Opened on or after this day"));
    m_to->setAccessibleName(tr("Opened on or before this day"));

    auto *fields = new QGridLayout;
    const auto label = [this](const QString &text, QWidget *buddy) {
        auto *l = new QLabel(text, this);
        l->setBuddy(buddy);
        return l;
    };
    fields->addWidget(label(tr("&Said:"), m_text), 0, 0);
    fields->addWidget(m_text, 0, 1, 1, 3);
    fields->addWidget(label(tr("&Lift:"), m_lift), 1, 0);
    fields->addWidget(m_lift, 1, 1);
    fields->addWidget(label(tr("S&ite:"), m_site), 1, 2);
    fields->addWidget(m_site, 1, 3);
    fields->addWidget(label(tr("&Technician:"), m_technician), 2, 0);
    fields->addWidget(m_technician, 2, 1);
    fields->addWidget(label(tr("Re&ference:"), m_reference), 2, 2);
    fields->addWidget(m_reference, 2, 3);
    fields->addWidget(label(tr("Stat&us:"), m_status), 3, 0);
    auto *when = new QHBoxLayout;
    when->addWidget(m_status);
    when->addSpacing(12);
    when->addWidget(m_fromOn);
    when->addWidget(m_from);
    when->addWidget(m_toOn);
    when->addWidget(m_to);
    when->addStretch();
    when->addWidget(m_clear);
    when->addWidget(m_search);
    fields->addLayout(when, 3, 1, 1, 3);
    fields->setColumnStretch(1, 1);
    fields->setColumnStretch(3, 1);

    m_table->setModel(m_model);
    m_table->setAccessibleName(tr("Incidents found"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_state->setWordWrap(true);
    m_state->setTextFormat(Qt::PlainText);
    m_state->setAccessibleName(tr("Search result"));
    m_older->setToolTip(tr("The next page: incidents opened before the last one listed"));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_older, QDialogButtonBox::ActionRole);
    buttons->addButton(m_open, QDialogButtonBox::ActionRole);
    // Enter belongs to the fields (search) and the table (open), never to whichever button is default.
    for (QPushButton *b : findChildren<QPushButton *>()) {
        b->setAutoDefault(false);
        b->setDefault(false);
    }
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(fields);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_state);
    layout->addWidget(buttons);
    resize(1100, 620);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_search, &QPushButton::clicked, this, qOverload<>(&HistoryDialog::search));
    connect(m_clear, &QPushButton::clicked, this, &HistoryDialog::clear);
    connect(m_older, &QPushButton::clicked, this, &HistoryDialog::loadOlder);
    connect(m_open, &QPushButton::clicked, this, &HistoryDialog::openSelected);
    connect(m_table, &QTableView::activated, this, &HistoryDialog::openSelected);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &HistoryDialog::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &HistoryDialog::updateButtons);
    m_state->setText(tr("Search by any of the fields, or none to list the newest incidents."));
    updateButtons();
    m_text->setFocus();
}

HistoryQuery HistoryDialog::query() const
{
    HistoryQuery q;
    q.text = m_text->text().trimmed();
    q.lift = m_lift->text().trimmed();
    q.site = m_site->text().trimmed();
    q.technician = m_technician->text().trimmed();
    q.reference = m_reference->text().trimmed();
    q.status = m_status->currentData().toString();
    if (m_fromOn->isChecked())
        q.from = m_from->date();
    if (m_toOn->isChecked())
        q.to = m_to->date();
    q.limit = m_pageSize;
    return q;
}

void HistoryDialog::showEvent(QShowEvent *event)
{
    refreshDefaultDates();
    QDialog::showEvent(event);
}

void HistoryDialog::refreshDefaultDates(const QDate &today)
{
    // A day the agent picked (or a search handed over set) is left as it is.
    if (m_from->date() == m_defaultFrom)
        m_from->setDate(m_defaultFrom = today.addMonths(-1));
    if (m_to->date() == m_defaultTo)
        m_to->setDate(m_defaultTo = today);
}

void HistoryDialog::search()
{
    run(query(), false);
}

void HistoryDialog::search(const HistoryQuery &q)
{
    m_text->setText(q.text);
    m_lift->setText(q.lift);
    m_site->setText(q.site);
    m_technician->setText(q.technician);
    m_reference->setText(q.reference);
    m_status->setCurrentIndex(std::max(0, m_status->findData(q.status)));
    m_fromOn->setChecked(q.from.isValid());
    if (q.from.isValid())
        m_from->setDate(q.from);
    m_toOn->setChecked(q.to.isValid());
    if (q.to.isValid())
        m_to->setDate(q.to);
    search();
}

void HistoryDialog::loadOlder()
{
    if (m_nextBefore <= 0 || m_loading)
        return;
    HistoryQuery q = m_last;
    q.before = m_nextBefore;
    run(q, true);
}

void HistoryDialog::run(const HistoryQuery &q, bool more)
{
    const quint64 generation = ++m_generation;
    m_loading = true;
    if (!more)
        m_last = q;
    m_state->setText(more ? tr("Reading older incidents…") : tr("Searching…"));
    m_state->setStyleSheet(QString());
    updateButtons();
    const bool searchedText = !q.text.isEmpty();
    m_session->history(
        q, this,
        [this, generation, more, searchedText](const QJsonObject &answer) {
            if (generation != m_generation)
                return; // a newer search has the table
            m_loading = false;
            const QJsonArray incidents = answer.value(QStringLiteral("incidents")).toArray();
            if (more)
                m_model->append(incidents);
            else
                m_model->reset(incidents, searchedText);
            m_nextBefore = answer.value(QStringLiteral("next_before")).toInt();
            m_table->resizeColumnsToContents();
            const int shown = m_model->rowCount();
            QString text = shown == 0
                               ? tr("No incident matches.")
                               : tr("%n incident(s) listed, the most recently opened first.", nullptr, shown);
            if (m_nextBefore > 0)
                text += QLatin1Char(' ') + tr("Older ones match too: Older incidents lists them.");
            m_state->setText(text);
            updateButtons();
            Q_EMIT searched();
        },
        [this, generation, more](const RequestError &e) {
            if (generation != m_generation)
                return;
            m_loading = false;
            // The first page of a refused search leaves no rows that would look like its answer.
            if (!more) {
                m_model->reset({}, false);
                m_nextBefore = 0;
            }
            const bool refused = e.status >= 400 && e.status < 500;
            m_state->setText(refused ? tr("The search was not run: %1").arg(e.message)
                                     : tr("The history could not be read: %1").arg(e.message));
            m_state->setStyleSheet(QStringLiteral("color: #b01c1c;"));
            updateButtons();
            Q_EMIT searched();
        });
}

void HistoryDialog::clear()
{
    for (QLineEdit *field : {m_text, m_lift, m_site, m_technician, m_reference})
        field->clear();
    m_status->setCurrentIndex(0);
    m_fromOn->setChecked(false);
    m_toOn->setChecked(false);
    m_text->setFocus();
}

void HistoryDialog::openSelected()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid())
        return;
    const int ticket = current.siblingAtColumn(0).data(HistoryModel::TicketIdRole).toInt();
    if (ticket > 0)
        Q_EMIT openRequested(ticket);
}

void HistoryDialog::updateButtons()
{
    m_older->setEnabled(m_nextBefore > 0 && !m_loading);
    m_open->setEnabled(m_table->selectionModel()->hasSelection());
}
