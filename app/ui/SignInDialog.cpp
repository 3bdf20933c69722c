#include "SignInDialog.h"

#include "ApiClient.h"
#include "ServerAddress.h"

#include <QFormLayout>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

SignInDialog::SignInDialog(ApiClient *api, const QString &serverUrl, const QString &username, QWidget *parent)
    : QDialog(parent)
    , m_api(api)
    , m_server(new QLineEdit(serverUrl, this))
    , m_user(new QLineEdit(username, this))
    , m_password(new QLineEdit(this))
    , m_notice(new QLabel(this))
    , m_error(new QLabel(this))
    , m_button(new QPushButton(tr("Sign in"), this))
{
    setWindowTitle(tr("Sign in to Liftline"));
    m_confirmUnencrypted = [this](const QUrl &url) { return askAboutUnencrypted(this, url); };
    m_password->setEchoMode(QLineEdit::Password);
    m_server->setAccessibleName(tr("Server address"));
    m_user->setAccessibleName(tr("Username"));
    m_password->setAccessibleName(tr("Password"));
    m_button->setAccessibleName(tr("Sign in"));
    m_server->setPlaceholderText(QStringLiteral("https://liftline.example.co.za"));
    for (QLabel *l : {m_notice, m_error}) {
        l->setWordWrap(true);
        l->setTextFormat(Qt::PlainText);
        l->hide();
    }
    m_error->setStyleSheet(QStringLiteral("color: #d32f2f"));
    auto *form = new QFormLayout;
    form->addRow(tr("Server"), m_server);
    form->addRow(tr("Username"), m_user);
    form->addRow(tr("Password"), m_password);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_notice);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_button);
    m_button->setDefault(true);
    connect(m_button, &QPushButton::clicked, this, &SignInDialog::signIn);
    (username.isEmpty() ? m_user : m_password)->setFocus();
}

QString SignInDialog::serverUrl() const
{
    return m_url.isValid() ? m_url.toString() : m_server->text().trimmed();
}

bool SignInDialog::askAboutUnencrypted(QWidget *parent, const QUrl &url)
{
    return QMessageBox::warning(
               parent, tr("Unencrypted connection"),
               tr("%1 is not encrypted: your password and every chat would cross the network where others "
                  "can read them. Use it anyway?")
                   .arg(url.toString()),
               QMessageBox::Yes | QMessageBox::No, QMessageBox::No) == QMessageBox::Yes;
}

QString SignInDialog::username() const
{
    return m_user->text().trimmed();
}

void SignInDialog::setNotice(const QString &text)
{
    m_notice->setText(text);
    m_notice->setVisible(!text.isEmpty());
}

void SignInDialog::signIn()
{
    const QUrl url = ServerAddress::fromUserInput(serverUrl());
    if (!url.isValid()) {
        m_error->setText(tr("Enter the server's address, for example https://liftline.example.co.za"));
        m_error->show();
        return;
    }
    if (ServerAddress::isUnencryptedRemote(url) && !m_confirmUnencrypted(url)) {
        m_error->setText(tr("Not signed in: use the server's https:// address."));
        m_error->show();
        return;
    }
    m_url = url;
    if (username().isEmpty() || m_password->text().isEmpty()) {
        m_error->setText(tr("Enter your username and password."));
        m_error->show();
        return;
    }
    m_api->setBaseUrl(url);
    m_api->setToken({});
    m_button->setEnabled(false);
    m_error->hide();
    m_api->login(
        username(), m_password->text(), this,
        [this](const QJsonObject &answer) {
            m_token = answer.value(QStringLiteral("token")).toString().toUtf8();
            const QJsonObject agent = answer.value(QStringLiteral("agent")).toObject();
            m_agentName = agent.value(QStringLiteral("display_name")).toString();
            if (m_agentName.isEmpty())
                m_agentName = username();
            m_password->clear();
            accept();
        },
        [this](const RequestError &e) {
            m_button->setEnabled(true);
            m_error->setText(e.message);
            m_error->show();
            m_password->selectAll();
            m_password->setFocus();
        });
}
