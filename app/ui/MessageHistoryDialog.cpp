#include "MessageHistoryDialog.h"

#include "ConsoleSession.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace {

QString when(const QJsonValue &iso)
{
    const QDateTime t = QDateTime::fromString(iso.toString(), Qt::ISODateWithMs);
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                       : QString();
}

} // namespace

MessageHistoryDialog::MessageHistoryDialog(ConsoleSession *session, qint64 messageId, QWidget *parent)
    : QDialog(parent)
    , m_summary(new QLabel(tr("Reading the message's record…"), this))
    , m_entries(new QTreeWidget(this))
{
    setWindowTitle(tr("History of message %1").arg(messageId));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_entries->setHeaderLabels(
        {tr("Received"), tr("WhatsApp's time"), tr("What"), tr("From"), tr("Text"), tr("Shown")});
    m_entries->setRootIsDecorated(false);
    m_entries->setWordWrap(true);
    m_entries->setAccessibleName(tr("The message as first stored, then each change in the order it came"));
    m_entries->header()->setStretchLastSection(false);
    m_entries->header()->setSectionResizeMode(4, QHeaderView::Stretch);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_entries, 1);
    layout->addWidget(buttons);
    resize(900, 420);

    session->messageHistory(
        messageId, this, [this](const QJsonObject &answer) { display(answer); },
        [this](const RequestError &error) {
            m_problem = error.message;
            m_summary->setText(tr("The record could not be read: %1").arg(error.message));
            Q_EMIT loaded();
        });
}

void MessageHistoryDialog::display(const QJsonObject &answer)
{
    const QJsonObject history = answer.value(QStringLiteral("history")).toObject();
    const QJsonObject message = history.value(QStringLiteral("message")).toObject();
    m_entries->clear();
    const bool inbound = message.value(QStringLiteral("direction")).toString() == QLatin1String("inbound");
    const auto add = [this](const QStringList &columns) {
        auto *item = new QTreeWidgetItem(m_entries, columns);
        item->setToolTip(4, columns.value(4));
        return item;
    };
    add({when(message.value(QStringLiteral("created_at"))),
         when(message.value(QStringLiteral("wa_timestamp"))), tr("As first stored"),
         // An agent's reply names the number it went to.
         inbound ? message.value(QStringLiteral("from_number")).toString()
                 : tr("to %1").arg(message.value(QStringLiteral("to_number")).toString()),
         message.value(QStringLiteral("stored_text")).toString(), QString()});
    const QJsonArray changes = history.value(QStringLiteral("changes")).toArray();
    for (const QJsonValue &v : changes) {
        const QJsonObject c = v.toObject();
        const QString change = c.value(QStringLiteral("change")).toString();
        const QString what = change == QLatin1String("edit")     ? tr("Edited")
                             : change == QLatin1String("revoke") ? tr("Deleted by the sender")
                             : c.value(QStringLiteral("text")).toString().isEmpty()
                                 ? tr("Reaction taken away")
                                 : tr("Reaction");
        add({when(c.value(QStringLiteral("created_at"))), when(c.value(QStringLiteral("wa_timestamp"))), what,
             c.value(QStringLiteral("from_number")).toString(), c.value(QStringLiteral("text")).toString(),
             c.value(QStringLiteral("applies")).toBool() ? tr("yes") : tr("no: not the sender")});
    }
    const QJsonObject media = history.value(QStringLiteral("media")).toObject();
    QString file;
    if (!media.isEmpty()) {
        file = tr("File: %1, %2, %3 bytes, SHA-256 %4")
                   .arg(media.value(QStringLiteral("type")).toString(),
                        media.value(QStringLiteral("status")).toString())
                   .arg(media.value(QStringLiteral("size")).toInteger())
                   .arg(media.value(QStringLiteral("sha256")).toString());
    }
    const QString summary =
        tr("Message %1 on ticket %2, WhatsApp id %3. %n change(s) since it was stored; none rewrote it.", "",
           int(changes.size()))
            .arg(message.value(QStringLiteral("id")).toInteger())
            .arg(message.value(QStringLiteral("ticket_id")).toInteger())
            .arg(message.value(QStringLiteral("wa_message_id")).toString());
    m_summary->setText(file.isEmpty() ? summary : summary + QLatin1Char('\n') + file);
    for (int c = 0; c < m_entries->columnCount(); ++c)
        if (c != 4)
            m_entries->resizeColumnToContents(c);
    Q_EMIT loaded();
}
