#pragma once

#include <QDialog>
#include <QUrl>
#include <functional>

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
    // The address signed in to (https:// added to a bare host), or as typed before that.
    QString serverUrl() const;
    QString username() const;
    QByteArray token() const { return m_token; }
    QString agentName() const { return m_agentName; }
    // Shown above the form: why sign-in is asked for again.
    void setNotice(const QString &text);
    // Asked before signing in over plain http:// to another machine; true goes ahead. By default a warning
    // whose default answer is No.
    void setUnencryptedConfirmation(std::function<bool(const QUrl &)> confirm)
    {
        m_confirmUnencrypted = std::move(confirm);
    }
    static bool askAboutUnencrypted(QWidget *parent, const QUrl &url);

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
    QUrl m_url;
    std::function<bool(const QUrl &)> m_confirmUnencrypted;
};
