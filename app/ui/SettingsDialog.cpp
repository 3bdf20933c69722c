#include "SettingsDialog.h"

#include "ConsoleSettings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

SettingsDialog::SettingsDialog(ConsoleSettings *settings, const QString &notificationBackend, QWidget *parent,
                               const QString &alarmProblem)
    : QDialog(parent)
    , m_settings(settings)
    , m_server(new QLineEdit(settings->serverUrl(), this))
    , m_language(new QComboBox(this))
    , m_sound(new QCheckBox(tr("Sound the alarm until a request is taken"), this))
    , m_desktop(new QCheckBox(tr("Show desktop notifications"), this))
    , m_repeat(new QSpinBox(this))
    , m_volume(new QSpinBox(this))
    , m_ctrlEnter(new QCheckBox(tr("Send with Ctrl+Enter (Enter starts a new line)"), this))
{
    setWindowTitle(tr("Settings"));
    m_server->setAccessibleName(tr("Server address"));
    m_language->setAccessibleName(tr("Language"));
    m_repeat->setAccessibleName(tr("Seconds between reminders"));
    // Language names in their own language: an agent who cannot read the current one still finds theirs.
    m_language->addItem(tr("As the system"), QString());
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("Afrikaans"), QStringLiteral("af"));
    m_language->setCurrentIndex(std::max(0, m_language->findData(settings->language())));
    m_sound->setChecked(settings->sound());
    m_desktop->setChecked(settings->desktopNotifications());
    m_repeat->setRange(15, 300);
    m_repeat->setSuffix(tr(" s"));
    m_repeat->setValue(settings->repeatSeconds());
    m_ctrlEnter->setChecked(settings->ctrlEnterSends());
    m_volume->setAccessibleName(tr("Alarm volume"));
    m_volume->setRange(0, 100);
    m_volume->setSuffix(tr(" %"));
    m_volume->setValue(settings->alarmVolume());

    auto *form = new QFormLayout;
    form->addRow(tr("Server"), m_server);
    form->addRow(tr("Language"), m_language);
    form->addRow(QString(), m_sound);
    form->addRow(tr("Alarm volume"), m_volume);
    form->addRow(QString(), m_desktop);
    form->addRow(tr("Remind of an untaken request every"), m_repeat);
    form->addRow(QString(), m_ctrlEnter);
    auto *note = new QLabel(tr("Notifications go through: %1. A new server address or language applies the "
                               "next time the console starts.")
                                    .arg(notificationBackend) +
                                (alarmProblem.isEmpty() ? QString() : QLatin1Char(' ') + alarmProblem),
                            this);
    note->setWordWrap(true);
    note->setTextFormat(Qt::PlainText);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        apply();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

void SettingsDialog::apply()
{
    m_settings->setServerUrl(m_server->text());
    m_settings->setLanguage(m_language->currentData().toString());
    m_settings->setSound(m_sound->isChecked());
    m_settings->setDesktopNotifications(m_desktop->isChecked());
    m_settings->setRepeatSeconds(m_repeat->value());
    m_settings->setCtrlEnterSends(m_ctrlEnter->isChecked());
    m_settings->setAlarmVolume(m_volume->value());
}
