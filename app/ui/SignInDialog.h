#pragma once

#include <QDialog>

class ApiClient;
class QLabel;
class QLineEdit;
class QPushButton;

// Server address, username and password. Signs in itself and shows the server's reason on failure.
class SignInDialog : public QDialog {
    Q_OBJECT
public:
    SignInDialog(ApiClient *api, const QString &serverUrl, const QString &username,
                 QWidget *parent = nullptr);
    QString serverUrl() const;
    QString username() const;
    QByteArray token() const { return m_token; }
    QString agentName() const { return m_agentName; }
    // Shown above the form: why sign-in is asked for again.
    void setNotice(const QString &text);

private:
    void signIn();

    ApiClient *m_api;
    QLineEdit *m_server;
    QLineEdit *m_user;
    QLineEdit *m_password;
    QLabel *m_notice;
    QLabel *m_error;
    QPushButton *m_button;
    QByteArray m_token;
    QString m_agentName;
};
