#include "ChatPanel.h"

#include "Composer.h"
#include "ConsoleSession.h"
#include "ConsoleSettings.h"
#include "ConversationDelegate.h"
#include "ConversationListModel.h"
#include "MessageDelegate.h"
#include "MessageModel.h"
#include "WireTime.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QKeyEvent>
#include <QLabel>
#include <QListView>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTimer>
#include <QVBoxLayout>

ChatPanel::ChatPanel(ConsoleSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_messages(new MessageModel(this))
    , m_view(new QListView(this))
    , m_composer(new Composer(this))
    , m_title(new QLabel(this))
    , m_details(new QLabel(this))
    , m_window(new QLabel(this))
    , m_counter(new QLabel(this))
    , m_owner(new QLabel(this))
    , m_closedNote(new QLabel(this))
    , m_back(new QPushButton(tr("Back"), this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_acknowledge(new QPushButton(tr("Acknowledge"), this))
    , m_resolve(new QPushButton(tr("Resolve…"), this))
    , m_template(new QPushButton(tr("Invite back"), this))
{
    for (QLabel *l : {m_title, m_details, m_window, m_counter, m_owner, m_closedNote}) {
        l->setTextFormat(Qt::PlainText);
        l->setWordWrap(true);
    }
    QFont big = m_title->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.2);
    m_title->setFont(big);
    m_owner->setAccessibleName(tr("Who has the request"));
    m_owner->setStyleSheet(QStringLiteral("color: #9a5b00; font-weight: bold;"));
    m_closedNote->setAccessibleName(tr("Ticket closed"));
    m_closedNote->setStyleSheet(QStringLiteral("color: #9a5b00;"));
    m_back->setAccessibleName(tr("Back to the conversation list"));
    m_send->setAccessibleName(tr("Send the reply"));
    m_acknowledge->setAccessibleName(tr("Acknowledge the agent request"));
    m_resolve->setAccessibleName(tr("Resolve the ticket with a note"));
    m_template->setAccessibleName(tr("Send the re-engagement template"));
    m_template->setToolTip(tr("The technician's 24-hour window is closed: only a template can reach them."));
    m_view->setAccessibleName(tr("Messages"));
    m_view->setModel(m_messages);
    m_view->setItemDelegate(new MessageDelegate(m_view));
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->setSelectionMode(QAbstractItemView::NoSelection);
    m_view->setResizeMode(QListView::Adjust);
    m_view->setUniformItemSizes(false);
    m_view->setWordWrap(true);

    auto *header = new QHBoxLayout;
    header->addWidget(m_back);
    auto *who = new QVBoxLayout;
    who->addWidget(m_title);
    who->addWidget(m_details);
    who->addWidget(m_window);
    who->addWidget(m_owner);
    header->addLayout(who, 1);
    header->addWidget(m_acknowledge);
    header->addWidget(m_resolve);
    header->addWidget(m_template);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_composer, 1);
    auto *side = new QVBoxLayout;
    side->addWidget(m_send);
    side->addWidget(m_counter);
    side->addStretch();
    bottom->addLayout(side);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_closedNote);
    layout->addLayout(bottom);
    m_composer->setMaximumHeight(m_composer->fontMetrics().lineSpacing() * 6);

    connect(m_back, &QPushButton::clicked, this, &ChatPanel::backRequested);
    connect(m_send, &QPushButton::clicked, this, &ChatPanel::send);
    connect(m_composer, &Composer::sendRequested, this, &ChatPanel::send);
    connect(m_composer, &QPlainTextEdit::textChanged, this, &ChatPanel::updateCounter);
    connect(m_composer, &QPlainTextEdit::textChanged, this, [this] {
        if (m_settings && m_ticket > 0)
            m_settings->setDraft(draftScope(), m_ticket, m_composer->toPlainText());
    });
    connect(m_acknowledge, &QPushButton::clicked, this, [this] { m_session->acknowledge(m_ticket); });
    connect(m_template, &QPushButton::clicked, this, [this] { m_session->sendTemplate(m_ticket); });
    connect(m_resolve, &QPushButton::clicked, this, &ChatPanel::resolve);
    // A failed bubble is retried by activating it (double-click or Enter).
    connect(m_view, &QListView::activated, this, [this](const QModelIndex &index) {
        if (index.data(MessageModel::StatusRole).toString() == QLatin1String("failed") &&
            index.data(MessageModel::OutboundRole).toBool())
            m_session->retry(index.data(MessageModel::ClientMessageIdRole).toString());
    });
    // Older pages when scrolled to the top; stay at the bottom as messages arrive when already there.
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        m_stickToBottom = value >= m_view->verticalScrollBar()->maximum() - 4;
        if (value == 0 && m_messages->hasMore())
            m_session->loadOlder();
    });
    // Older messages inserted above keep what the agent is reading where it was.
    connect(
        m_messages, &QAbstractItemModel::rowsAboutToBeInserted, this, [this](const QModelIndex &, int first) {
            if (first == 0 && m_messages->rowCount() > 0)
                m_fromBottom = m_view->verticalScrollBar()->maximum() - m_view->verticalScrollBar()->value();
        });
    connect(m_messages, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first) {
        if (first > 0 && m_stickToBottom) {
            QTimer::singleShot(0, m_view, [this] { m_view->scrollToBottom(); });
        } else if (first == 0 && m_fromBottom >= 0) {
            const int fromBottom = std::exchange(m_fromBottom, -1);
            QTimer::singleShot(0, m_view, [this, fromBottom] {
                m_view->doItemsLayout(); // the view lays out later by itself: the new maximum is needed now
                m_view->verticalScrollBar()->setValue(m_view->verticalScrollBar()->maximum() - fromBottom);
            });
        }
    });
    connect(m_messages, &QAbstractItemModel::modelReset, this,
            [this] { QTimer::singleShot(0, m_view, [this] { m_view->scrollToBottom(); }); });
    // The window's minutes and the request's clock.
    auto *clock = new QTimer(this);
    connect(clock, &QTimer::timeout, this, &ChatPanel::refreshHeader);
    clock->start(1000);
    updateCounter();
    setConversation({});
    m_back->hide();
}

void ChatPanel::setBackVisible(bool visible)
{
    m_back->setVisible(visible);
}

QString ChatPanel::draftScope() const
{
    return m_session->serverUrl();
}

void ChatPanel::open(int ticketId)
{
    // The draft of the conversation left is already kept (on every change); the new one's comes back.
    m_ticket = 0;
    m_composer->setPlainText(m_settings ? m_settings->draft(draftScope(), ticketId) : QString());
    m_composer->moveCursor(QTextCursor::End);
    m_ticket = ticketId;
    m_stickToBottom = true;
    m_session->setOpenConversation(ticketId, m_messages);
}

void ChatPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // Narrower bubbles are taller: the newest message stays in view when it was.
    if (m_stickToBottom)
        QTimer::singleShot(0, m_view, [this] { m_view->scrollToBottom(); });
}

QString ChatPanel::ownerText() const
{
    using Request = ConversationListModel::Request;
    const QJsonObject &c = m_conversation;
    const Request request = ConversationListModel::requestOf(c);
    if (request == Request::None)
        return {};
    const QDateTime now = QDateTime::currentDateTimeUtc().addMSecs(m_offsetMs);
    const QDateTime asked = WireTime::parse(c.value(QStringLiteral("agent_requested_at")).toString());
    const QString clock = ConversationDelegate::clockText(asked.isValid() ? asked.secsTo(now) : 0);
    const QString by = c.value(QStringLiteral("acknowledged_by")).toString();
    switch (request) {
    case Request::Waiting:
        return tr("Nobody has this request yet · %1").arg(clock);
    case Request::Taken:
        return tr("%1 has it · %2, not answered yet").arg(by, clock);
    case Request::Answered:
    case Request::None:
        break;
    }
    return tr("%1 has it").arg(by);
}

void ChatPanel::setConversation(const QJsonObject &conversation)
{
    m_conversation = conversation;
    refreshHeader();
}

void ChatPanel::refreshHeader()
{
    const QJsonObject &c = m_conversation;
    const auto s = [&c](const char *key) { return c.value(QLatin1String(key)).toString(); };
    const bool has = !c.isEmpty();
    m_title->setText(has ? s("ticket_reference") : tr("No conversation open"));
    QString technician;
    if (!s("contact_name").isEmpty() && !s("contact_phone").isEmpty())
        technician = tr("%1 (%2)").arg(s("contact_name"), s("contact_phone"));
    else if (!s("contact_name").isEmpty() || !s("contact_phone").isEmpty())
        technician = s("contact_name") + s("contact_phone");
    else {
        // Nobody has written yet: who the registry says looks after this lift (the alert went to them).
        QStringList registered;
        for (const QJsonValue &t : c.value(QStringLiteral("lift_technicians")).toArray()) {
            const QJsonObject o = t.toObject();
            registered.append(tr("%1 (%2)").arg(o.value(QStringLiteral("name")).toString(),
                                                o.value(QStringLiteral("phone")).toString()));
        }
        technician = registered.isEmpty() ? tr("no technician has written yet")
                                          : tr("no technician has written yet; the lift's technicians: %1")
                                                .arg(registered.join(QStringLiteral(", ")));
    }
    m_details->setText(has ? tr("%1 · %2 · %3")
                                 .arg(s("lift_name"),
                                      s("status") == QLatin1String("open") ? tr("open") : tr("resolved"),
                                      technician)
                           : QString());
    m_owner->setText(ownerText());
    m_owner->setVisible(!m_owner->text().isEmpty());
    const QDateTime expires = WireTime::parse(s("window_expires_at"));
    const QDateTime now = QDateTime::currentDateTimeUtc().addMSecs(m_offsetMs);
    bool windowOpen = false;
    if (!has) {
        m_window->clear();
    } else if (!expires.isValid()) {
        m_window->setText(tr("The technician has not written yet: only a template can reach them."));
    } else if (expires > now) {
        windowOpen = true;
        const qint64 minutes = now.secsTo(expires) / 60;
        m_window->setText(tr("Window closes in %1 h %2 m").arg(minutes / 60).arg(minutes % 60));
    } else {
        m_window->setText(tr("Window closed: only a template can reach them."));
    }
    const bool open = s("status") == QLatin1String("open");
    const bool waiting = ConversationListModel::requestOf(c) == ConversationListModel::Request::Waiting;
    m_acknowledge->setVisible(has && waiting);
    m_resolve->setEnabled(has && open);
    m_template->setVisible(has && open && !windowOpen);
    m_composer->setEnabled(has && windowOpen);
    m_send->setEnabled(has && windowOpen);
    m_closedNote->setText(tr("This ticket is resolved. A reply still reaches the technician, who may be on "
                             "another job by now; you are asked before it goes."));
    m_closedNote->setVisible(has && !open && windowOpen);
    m_composer->setPlaceholderText(windowOpen || !has
                                       ? tr("Write a reply. Enter sends, Shift+Enter starts a new line.")
                                       : m_window->text());
}

void ChatPanel::updateCounter()
{
    const int n = m_composer->length();
    m_counter->setText(tr("%1 / %2").arg(n).arg(Composer::maxLength));
    m_counter->setStyleSheet(n > Composer::maxLength ? QStringLiteral("color: #d32f2f") : QString());
}

void ChatPanel::send()
{
    const QString text = m_composer->toPlainText().trimmed();
    if (text.isEmpty() || m_ticket <= 0 || !m_composer->isEnabled())
        return;
    if (m_composer->length() > Composer::maxLength) {
        Q_EMIT problem(
            tr("The reply is %1 characters long; WhatsApp takes at most %2. Shorten it or split it.")
                .arg(m_composer->length())
                .arg(Composer::maxLength));
        return;
    }
    const bool closed = m_conversation.value(QStringLiteral("status")).toString() != QLatin1String("open");
    if (closed && m_confirmedClosedSend != m_ticket) {
        const auto answer = QMessageBox::question(
            this, tr("Reply on a resolved ticket?"),
            tr("%1 is resolved. Send this reply to the technician anyway?").arg(m_title->text()),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes)
            return;
        m_confirmedClosedSend = m_ticket;
    }
    m_stickToBottom = true;
    m_session->send(text);
    m_composer->clear();
}

namespace {
// The resolve note: Enter confirms, Shift+Enter starts a new line.
class NoteEdit : public QPlainTextEdit {
public:
    using QPlainTextEdit::QPlainTextEdit;
    std::function<void()> onEnter;

protected:
    void keyPressEvent(QKeyEvent *event) override
    {
        const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
        if (enter && !(event->modifiers() & Qt::ShiftModifier) && onEnter) {
            onEnter();
            return;
        }
        QPlainTextEdit::keyPressEvent(event);
    }
};
} // namespace

void ChatPanel::resolve()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Resolve %1").arg(m_title->text()));
    auto *prompt = new QLabel(tr("What was done (kept with the ticket). Enter resolves, Shift+Enter starts "
                                 "a new line."),
                              &dialog);
    prompt->setWordWrap(true);
    auto *note = new NoteEdit(&dialog);
    note->setAccessibleName(tr("Resolution note"));
    note->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    note->setTabChangesFocus(true);
    auto *error = new QLabel(&dialog);
    error->setStyleSheet(QStringLiteral("color: #b01c1c;"));
    error->setWordWrap(true);
    error->setAccessibleName(tr("Why the ticket is not resolved yet"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Resolve"));
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(prompt);
    layout->addWidget(note, 1);
    layout->addWidget(error);
    layout->addWidget(buttons);
    dialog.resize(480, 260);
    const int ticket = m_ticket;
    const auto confirm = [&, ticket] {
        const QString text = note->toPlainText().trimmed();
        if (text.isEmpty()) {
            error->setText(tr("Write what was done before resolving: the note is kept with the ticket."));
            note->setFocus();
            return;
        }
        QPushButton *ok = buttons->button(QDialogButtonBox::Ok);
        ok->setEnabled(false);
        error->setText(tr("Resolving…"));
        m_session->resolve(
            ticket, text, &dialog, [&dialog] { dialog.accept(); },
            [error, ok](const RequestError &e) {
                error->setText(e.message);
                ok->setEnabled(true);
            });
    };
    note->onEnter = confirm;
    connect(buttons, &QDialogButtonBox::accepted, &dialog, confirm);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    note->setFocus();
    dialog.exec();
}
