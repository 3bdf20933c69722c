#include "IncidentCardPanel.h"

#include "ConsoleSession.h"
#include "WireTime.h"

#include <QCheckBox>
#include <QDateTimeEdit>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace {

// The server's limits (API.md, "The incident card").
constexpr int maxInjuries = 1000;
constexpr int maxPosition = 200;
constexpr int maxNotes = 4000;

QJsonValue textOrNull(const QString &text)
{
    const QString t = text.trimmed();
    return t.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(t);
}

} // namespace

IncidentCardPanel::IncidentCardPanel(ConsoleSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_people(new QSpinBox(this))
    , m_injuries(new QLineEdit(this))
    , m_position(new QLineEdit(this))
    , m_released(new QCheckBox(tr("People released"), this))
    , m_releasedAt(new QDateTimeEdit(this))
    , m_notes(new QPlainTextEdit(this))
    , m_state(new QLabel(this))
    , m_save(new QPushButton(tr("Save card"), this))
{
    m_people->setRange(-1, 1000);
    m_people->setSpecialValueText(tr("not known"));
    m_people->setValue(-1);
    m_people->setAccessibleName(tr("People trapped"));
    m_injuries->setMaxLength(maxInjuries);
    m_injuries->setPlaceholderText(tr("none reported"));
    m_injuries->setAccessibleName(tr("Injuries"));
    m_position->setMaxLength(maxPosition);
    m_position->setPlaceholderText(tr("e.g. between floors 4 and 5"));
    m_position->setAccessibleName(tr("Floor or position"));
    m_notes->setAccessibleName(tr("Notes"));
    m_notes->setTabChangesFocus(true);
    m_state->setWordWrap(true);
    m_state->setTextFormat(Qt::PlainText);
    m_save->setAccessibleName(tr("Save the incident card"));

    auto *form = new QFormLayout;
    form->addRow(tr("People trapped"), m_people);
    form->addRow(tr("Injuries"), m_injuries);
    form->addRow(tr("Floor or position"), m_position);
    const std::pair<QString, QString> services[] = {{QStringLiteral("fire"), tr("Fire brigade called")},
                                                    {QStringLiteral("medical"), tr("Ambulance called")},
                                                    {QStringLiteral("police"), tr("Police called")}};
    for (const auto &[name, label] : services) {
        Service s{name, new QCheckBox(label, this), new QDateTimeEdit(this)};
        s.called->setObjectName(name);
        s.at->setAccessibleName(tr("%1 at").arg(label));
        s.at->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
        s.at->setEnabled(false);
        auto *row = new QHBoxLayout;
        row->addWidget(s.called);
        row->addWidget(s.at, 1);
        form->addRow(row);
        connect(s.called, &QCheckBox::toggled, this, [this, at = s.at](bool on) {
            at->setEnabled(on);
            if (on && !m_filling)
                at->setDateTime(serverNow().toLocalTime());
            markDirty();
        });
        connect(s.at, &QDateTimeEdit::dateTimeChanged, this, &IncidentCardPanel::markDirty);
        m_services.append(s);
    }
    m_releasedAt->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    m_releasedAt->setAccessibleName(tr("Released at"));
    m_releasedAt->setEnabled(false);
    auto *releasedRow = new QHBoxLayout;
    releasedRow->addWidget(m_released);
    releasedRow->addWidget(m_releasedAt, 1);
    form->addRow(releasedRow);
    form->addRow(tr("Notes"), m_notes);

    auto *layout = new QVBoxLayout(this);
    auto *title = new QLabel(tr("Incident card"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    layout->addWidget(title);
    layout->addLayout(form, 1);
    layout->addWidget(m_state);
    layout->addWidget(m_save);

    connect(m_released, &QCheckBox::toggled, this, [this](bool on) {
        m_releasedAt->setEnabled(on);
        if (on && !m_filling)
            m_releasedAt->setDateTime(serverNow().toLocalTime());
        markDirty();
    });
    connect(m_releasedAt, &QDateTimeEdit::dateTimeChanged, this, &IncidentCardPanel::markDirty);
    connect(m_people, &QSpinBox::valueChanged, this, &IncidentCardPanel::markDirty);
    connect(m_injuries, &QLineEdit::textChanged, this, &IncidentCardPanel::markDirty);
    connect(m_position, &QLineEdit::textChanged, this, &IncidentCardPanel::markDirty);
    connect(m_notes, &QPlainTextEdit::textChanged, this, [this] {
        // The server keeps at most maxNotes characters: the field says so rather than losing the rest.
        if (m_notes->toPlainText().size() > maxNotes)
            m_state->setText(tr("Notes may have at most %1 characters.").arg(maxNotes));
        markDirty();
    });
    connect(m_save, &QPushButton::clicked, this, &IncidentCardPanel::save);
    open(0);
}

QCheckBox *IncidentCardPanel::service(const QString &name) const
{
    for (const Service &s : m_services)
        if (s.name == name)
            return s.called;
    return nullptr;
}

QDateTime IncidentCardPanel::serverNow() const
{
    return QDateTime::currentDateTimeUtc().addMSecs(m_offsetMs);
}

void IncidentCardPanel::open(int ticketId)
{
    // What the agent typed and did not save stays with that card, for when they come back to it.
    if (m_ticket > 0 && m_dirty)
        m_drafts.insert(m_ticket, changes());
    const quint64 generation = ++m_generation;
    m_saving = false;
    m_newerWhileSaving = {};
    m_ticket = ticketId;
    m_merged.clear();
    fill(QJsonObject{{QStringLiteral("ticket_id"), ticketId}, {QStringLiteral("version"), 0}});
    setEnabled(ticketId > 0);
    if (ticketId <= 0)
        return;
    m_state->setText(tr("Loading the card…"));
    m_session->incident(
        ticketId, this,
        [this, ticketId, generation](const QJsonObject &answer) {
            if (ticketId != m_ticket || generation != m_generation)
                return;
            // The draft kept from before, and anything typed while the card loaded, on top of it.
            QJsonObject keep = m_drafts.take(ticketId);
            if (m_dirty) {
                const QJsonObject typed = changes();
                for (auto it = typed.begin(); it != typed.end(); ++it)
                    keep.insert(it.key(), it.value());
            }
            fill(answer.value(QStringLiteral("card")).toObject(), keep);
        },
        [this, ticketId](const RequestError &e) {
            if (ticketId == m_ticket)
                m_state->setText(tr("The card could not be loaded: %1").arg(e.message));
        });
}

void IncidentCardPanel::fill(const QJsonObject &stored, const QJsonObject &keep)
{
    m_filling = true;
    m_card = stored;
    // The fields show the stored version with the agent's own unsaved changes on top.
    QJsonObject card = stored;
    for (auto it = keep.begin(); it != keep.end(); ++it)
        card.insert(it.key(), it.value());
    const QJsonValue people = card.value(QStringLiteral("people_trapped"));
    m_people->setValue(people.isDouble() ? people.toInt() : -1);
    m_injuries->setText(card.value(QStringLiteral("injuries")).toString());
    m_position->setText(card.value(QStringLiteral("position")).toString());
    const QJsonArray services = card.value(QStringLiteral("services")).toArray();
    for (Service &s : m_services) {
        QJsonObject found;
        for (const QJsonValue &v : services)
            if (v.toObject().value(QStringLiteral("service")).toString() == s.name)
                found = v.toObject();
        s.called->setChecked(!found.isEmpty());
        s.at->setEnabled(!found.isEmpty());
        const QDateTime at = WireTime::parse(found.value(QStringLiteral("called_at")).toString());
        s.at->setDateTime(at.isValid() ? at.toLocalTime() : serverNow().toLocalTime());
    }
    const QDateTime released = WireTime::parse(card.value(QStringLiteral("released_at")).toString());
    m_released->setChecked(released.isValid());
    m_releasedAt->setEnabled(released.isValid());
    m_releasedAt->setDateTime(released.isValid() ? released.toLocalTime() : serverNow().toLocalTime());
    if (m_notes->toPlainText() != card.value(QStringLiteral("notes")).toString())
        m_notes->setPlainText(card.value(QStringLiteral("notes")).toString());
    m_filling = false;
    m_dirty = !keep.isEmpty() && !changes().isEmpty();
    showState();
}

void IncidentCardPanel::rebase(const QJsonObject &newer)
{
    const QJsonObject mine = changes();
    m_merged = newer.value(QStringLiteral("edited_by")).toString();
    fill(newer, mine);
}

void IncidentCardPanel::markDirty()
{
    if (m_filling)
        return;
    m_dirty = !changes().isEmpty();
    showState();
}

void IncidentCardPanel::showState()
{
    m_save->setEnabled(m_dirty && !m_saving && m_ticket > 0);
    if (m_ticket <= 0) {
        m_state->clear();
        return;
    }
    QString text;
    const int version = m_card.value(QStringLiteral("version")).toInt();
    if (version == 0) {
        text = tr("Nothing recorded yet.");
    } else {
        const QDateTime at = WireTime::parse(m_card.value(QStringLiteral("edited_at")).toString());
        text = tr("Version %1, saved by %2 at %3")
                   .arg(version)
                   .arg(m_card.value(QStringLiteral("edited_by")).toString(),
                        QLocale().toString(at.toLocalTime(), QLocale::ShortFormat));
    }
    if (!m_merged.isEmpty() && m_dirty)
        text += QLatin1Char('\n') + tr("%1 saved this version while you were editing: their changes are "
                                       "shown, yours are kept. Check and save.")
                                        .arg(m_merged);
    else if (m_dirty)
        text += QLatin1Char('\n') + tr("Changed, not saved yet.");
    m_state->setText(text);
}

QJsonArray IncidentCardPanel::servicesValue() const
{
    QJsonArray services;
    for (const Service &s : m_services)
        if (s.called->isChecked())
            services.append(
                QJsonObject{{QStringLiteral("service"), s.name},
                            {QStringLiteral("called_at"), WireTime::format(s.at->dateTime().toUTC())}});
    return services;
}

QJsonObject IncidentCardPanel::changes() const
{
    QJsonObject changed;
    auto differs = [&](const char *field, const QJsonValue &value) {
        const QString name = QString::fromLatin1(field);
        if (m_card.value(name) != value)
            changed.insert(name, value);
    };
    differs("people_trapped",
            m_people->value() < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(m_people->value()));
    differs("injuries", textOrNull(m_injuries->text()));
    differs("position", textOrNull(m_position->text()));
    differs("notes", textOrNull(m_notes->toPlainText()));
    // Times are compared to the minute, as the fields show them.
    auto minute = [](const QString &wire) {
        const QDateTime t = WireTime::parse(wire);
        return t.isValid() ? t.toSecsSinceEpoch() / 60 : -1;
    };
    const QJsonArray services = servicesValue();
    const QJsonArray stored = m_card.value(QStringLiteral("services")).toArray();
    bool servicesDiffer = services.size() != stored.size();
    for (const QJsonValue &v : services) {
        bool same = false;
        for (const QJsonValue &w : stored)
            same = same || (w.toObject().value(QStringLiteral("service")) ==
                                v.toObject().value(QStringLiteral("service")) &&
                            minute(w.toObject().value(QStringLiteral("called_at")).toString()) ==
                                minute(v.toObject().value(QStringLiteral("called_at")).toString()));
        servicesDiffer = servicesDiffer || !same;
    }
    if (servicesDiffer)
        changed.insert(QStringLiteral("services"), services);
    const QString released =
        m_released->isChecked() ? WireTime::format(m_releasedAt->dateTime().toUTC()) : QString();
    if (minute(released) != minute(m_card.value(QStringLiteral("released_at")).toString()))
        changed.insert(QStringLiteral("released_at"),
                       released.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(released));
    return changed;
}

void IncidentCardPanel::save()
{
    QJsonObject fields = changes();
    if (fields.isEmpty() || m_ticket <= 0 || m_saving)
        return;
    if (m_notes->toPlainText().size() > maxNotes) {
        Q_EMIT problem(tr("The card was not saved: notes may have at most %1 characters.").arg(maxNotes));
        return;
    }
    // A time a little ahead of the server's clock (set to "now" on a console whose clock runs fast) is
    // saved as the server's now rather than refused.
    const QString now = WireTime::format(serverNow());
    auto clamp = [&now](QJsonValue v) { return v.isString() && v.toString() > now ? QJsonValue(now) : v; };
    if (fields.contains(QStringLiteral("released_at")))
        fields.insert(QStringLiteral("released_at"), clamp(fields.value(QStringLiteral("released_at"))));
    if (fields.contains(QStringLiteral("services"))) {
        QJsonArray services;
        for (const QJsonValue &v : fields.value(QStringLiteral("services")).toArray()) {
            QJsonObject s = v.toObject();
            s.insert(QStringLiteral("called_at"), clamp(s.value(QStringLiteral("called_at"))));
            services.append(s);
        }
        fields.insert(QStringLiteral("services"), services);
    }
    m_saving = true;
    m_sent = changes();
    showState();
    const int ticket = m_ticket;
    const quint64 generation = m_generation;
    m_session->saveIncident(
        ticket, version(), fields, this,
        [this, ticket, generation](const QJsonObject &answer) {
            if (ticket != m_ticket || generation != m_generation)
                return;
            m_saving = false;
            m_merged.clear();
            // What the agent typed while the save was on its way stays in the fields.
            QJsonObject typed;
            const QJsonObject now = changes();
            for (auto it = now.begin(); it != now.end(); ++it)
                if (m_sent.value(it.key()) != it.value())
                    typed.insert(it.key(), it.value());
            fill(answer.value(QStringLiteral("card")).toObject(), typed);
            const QJsonObject newer = std::exchange(m_newerWhileSaving, {});
            if (newer.value(QStringLiteral("version")).toInt() > version())
                rebase(newer);
            Q_EMIT saved(
                answer.value(QStringLiteral("card")).toObject().value(QStringLiteral("version")).toInt());
        },
        [this, ticket, generation](const RequestError &e) {
            if (ticket != m_ticket || generation != m_generation)
                return;
            m_saving = false;
            m_newerWhileSaving = {};
            if (e.code == QLatin1String("version_conflict")) {
                // Someone saved first: their version becomes the base and the agent's changes stay on
                // top of it, to be checked and saved again. Nothing of either is lost.
                m_session->incident(
                    ticket, this,
                    [this, ticket](const QJsonObject &answer) {
                        if (ticket == m_ticket)
                            rebase(answer.value(QStringLiteral("card")).toObject());
                    },
                    [this](const RequestError &again) { Q_EMIT problem(again.message); });
                Q_EMIT problem(tr("The card was not saved: %1 Their version is shown with your changes "
                                  "on top: check and save again.")
                                   .arg(e.message));
                return;
            }
            showState();
            Q_EMIT problem(tr("The card was not saved: %1").arg(e.message));
        });
}

void IncidentCardPanel::onUpdated(int ticketId, const QJsonObject &card)
{
    if (ticketId != m_ticket || card.value(QStringLiteral("version")).toInt() <= version())
        return;
    if (m_saving) {
        // Applied once our save's answer is in (a conflict re-reads the card anyway).
        if (card.value(QStringLiteral("version")).toInt() >
            m_newerWhileSaving.value(QStringLiteral("version")).toInt())
            m_newerWhileSaving = card;
        return;
    }
    if (m_dirty)
        rebase(card);
    else
        fill(card);
}
