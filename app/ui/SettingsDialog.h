#pragma once

#include <QDialog>

class ConsoleSettings;
class QCheckBox;
class QComboBox;
class QLineEdit;
class QSpinBox;

// The agent's settings: server address, language, sound, notifications, how replies are sent.
class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    SettingsDialog(ConsoleSettings *settings, const QString &notificationBackend, QWidget *parent = nullptr,
                   const QString &alarmProblem = {});

private:
    void apply();

    ConsoleSettings *m_settings;
    QLineEdit *m_server;
    QComboBox *m_language;
    QCheckBox *m_sound;
    QCheckBox *m_desktop;
    QSpinBox *m_repeat;
    QSpinBox *m_volume;
    QCheckBox *m_ctrlEnter;
};
