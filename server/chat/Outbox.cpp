#include "Outbox.h"

#include "db/AuditLog.h"
#include "db/Db.h"
#include "db/Events.h"
#include "db/MediaStore.h"
#include "domain/Media.h"
#include "domain/Principal.h"

#include "ChatStore.h"
#include "PhoneNumber.h"
#include "domain/DomainError.h"

#include <QJsonArray>

namespace Outbox {

namespace {

DomainError notAParticipant(const QString &number)
{
    return DomainError(DomainError::Kind::Invalid, QStringLiteral("not_a_participant"),
                       QStringLiteral("%1 has not written on this ticket, so a reply cannot go to them: "
                                      "choose one of its participants")
                           .arg(number));
}

DomainError idUsedForAnotherMessage(const QString &clientMessageId)
{
    return DomainError(DomainError::Kind::Conflict, QStringLiteral("duplicate_client_message_id"),
                       QStringLiteral("client_message_id '%1' was already used on this ticket for another "
                                      "message: give each new message its own id")
                           .arg(clientMessageId));
}

struct Recipient {
    QString to;              // who the message goes to, empty when nobody has written yet
    bool windowOpen = false; // they wrote within the last 24 hours (WhatsApp's time)
    QString reference;
};

// `wanted` as a normalised number; empty when not given. Throws DomainError (invalid_recipient).
QString wantedNumber(const QString &wanted)
{
    if (wanted.isEmpty())
        return {};
    const QString number = PhoneNumber::normalise(wanted);
    if (number.isEmpty())
        throw DomainError(DomainError::Kind::Invalid, QStringLiteral("invalid_recipient"),
                          QStringLiteral("'%1' is not a phone number: give one of the ticket's participants "
                                         "as \"to\", e.g. 27821234567")
                              .arg(wanted.left(40)));
    return number;
}

// Who a message on this ticket goes to, with the ticket row locked so that two replies are decided in turn
// (sql/functions/chat_reply_recipient.sql): `wanted` when given, which must be one of the ticket's
// participants; otherwise chat_default_recipient's: the last one who wrote, else the technician who
// responded.
Recipient lockRecipient(Db &db, int ticketId, const QString &wanted = QString())
{
    const QString number = wantedNumber(wanted);
    QSqlQuery &q =
        db.exec(QStringLiteral(
                    "SELECT reference, to_number, participant, window_open FROM chat_reply_recipient(?, ?)"),
                {ticketId, number.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(number)});
    q.next();
    Recipient r;
    r.reference = q.value(0).toString();
    r.to = q.value(1).toString();
    const bool participant = q.value(2).toBool();
    r.windowOpen = q.value(3).toBool();
    q.finish();
    if (!participant)
        throw notAParticipant(number);
    return r;
}

} // namespace

bool windowOpen(Db &db, const QString &number)
{
    return db
        .scalar(QStringLiteral("SELECT last_inbound_at + interval '24 hours' > now() FROM chat_windows "
                               "WHERE number = ?"),
                {number})
        .toBool();
}

QString textFor(Db &db, const QString &number, const Texts &texts, const QString &language)
{
    const QString theirs =
        db.scalar(QStringLiteral("SELECT language FROM contacts WHERE primary_msisdn = ?"), {number})
            .toString();
    return texts.value(texts.contains(theirs) ? theirs : language);
}

void applyWaitingStatuses(Db &db, const QString &waMessageId)
{
    db.exec(
        QStringLiteral("SELECT whatsapp_apply_status(s.wa_message_id, s.status, s.errors -> 0 ->> 'code', "
                       "coalesce(s.errors -> 0 -> 'error_data' ->> 'details', s.errors -> 0 ->> 'message')) "
                       "FROM whatsapp_statuses s WHERE s.wa_message_id = ? AND s.applied_at IS NULL "
                       "ORDER BY array_position(ARRAY['sent', 'delivered', 'read', 'played', 'failed'], "
                       "s.status)"),
        {waMessageId});
}

Prepared storedOnce(const QString &clientMessageId, const std::function<Prepared()> &attempt)
{
    try {
        return attempt();
    } catch (const DbError &e) {
        // Two requests with the same client_message_id at once: the loser finds the winner's row.
        if (!e.isUniqueViolation() || clientMessageId.isEmpty())
            throw;
        return attempt();
    }
}

QString checkedText(const QString &rawText, const QString &clientMessageId)
{
    const QString text = rawText.trimmed();
    if (text.isEmpty())
        throw DomainError(DomainError::Kind::Invalid, QStringLiteral("message_required"),
                          QStringLiteral("Write a message before sending"));
    const qsizetype length = text.toUcs4().size();
    if (length > maxMessageLength)
        throw DomainError(
            DomainError::Kind::Invalid, QStringLiteral("message_too_long"),
            QStringLiteral("The message has %1 characters; WhatsApp takes at most %2. Shorten it or "
                           "send it in parts")
                .arg(length)
                .arg(maxMessageLength));
    if (clientMessageId.size() > 100)
        throw DomainError(DomainError::Kind::Invalid, QStringLiteral("invalid_client_message_id"),
                          QStringLiteral("client_message_id may have at most 100 characters"));
    return text;
}

// The message stored before with this client_message_id on the ticket (duplicate set), when there is one;
// the same id used for another text is refused.
// A person's reply stored as pending (an outbound row their actions are recorded on); returns its id.
static qint64 insertReply(Db &db, int ticketId, const QString &to, const QString &text, const QString &kind,
                          const QString &agentName, const Principal &who, const QString &clientMessageId)
{
    const QVariant noInt(QMetaType::fromType<int>());
    QSqlQuery &ins = db.exec(
        QStringLiteral("INSERT INTO chat_messages (ticket_id, from_number, to_number, message, direction, "
                       "agent_name, read_by_agent, kind, status, agent_id, sent_by, client_message_id) "
                       "VALUES (?, NULL, ?, ?, 'outbound', ?, true, ?, 'pending', ?, ?, ?) RETURNING id"),
        {ticketId, to, text, agentName, kind, who.agentId > 0 ? QVariant(who.agentId) : noInt,
         who.actorKind(),
         clientMessageId.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(clientMessageId)});
    ins.next();
    const qint64 id = ins.value(0).toLongLong();
    ins.finish();
    return id;
}

static Prepared storedBefore(Db &db, int ticketId, const QString &clientMessageId, const QString &text)
{
    Prepared p;
    if (clientMessageId.isEmpty())
        return p;
    QSqlQuery &q = db.exec(
        QStringLiteral("SELECT id, message FROM chat_messages WHERE ticket_id = ? AND client_message_id = ?"),
        {ticketId, clientMessageId});
    if (!q.next()) {
        q.finish();
        return p;
    }
    p.duplicate = true;
    p.messageId = q.value(0).toLongLong();
    const bool same = q.value(1).toString() == text;
    q.finish();
    if (!same)
        throw idUsedForAnotherMessage(clientMessageId);
    p.messageJson = ChatStore::message(db, p.messageId);
    return p;
}

Prepared prepare(Db &db, int ticketId, const QString &rawText, const QString &clientMessageId,
                 const QString &agentName, const Principal &who, const QString &remote, const QString &to,
                 bool sequenceLater)
{
    const QString text = checkedText(rawText, clientMessageId);
    QString number;
    try {
        number = wantedNumber(to);
    } catch (const DomainError &) {
        // A repeat of a stored reply is answered as such whatever else it holds, as before any check.
        if (!clientMessageId.isEmpty())
            if (Prepared p = storedBefore(db, ticketId, clientMessageId, text); p.duplicate)
                return p;
        throw;
    }
    const QVariant noText(QMetaType::fromType<QString>());
    const auto attempt = [&] {
        // One statement, committed with it (sql/functions/chat_reply_store.sql).
        QSqlQuery &q =
            db.exec(QStringLiteral(
                        "SELECT outcome, message_id, to_number, message_json FROM chat_reply_store(?, ?, ?, "
                        "?, ?, ?, ?, ?, ?, true)"),
                    {ticketId, text, number.isEmpty() ? noText : QVariant(number), agentName,
                     who.agentId > 0 ? QVariant(who.agentId) : QVariant(QMetaType::fromType<int>()),
                     who.actorKind(), clientMessageId.isEmpty() ? noText : QVariant(clientMessageId),
                     who.actorName().isEmpty() ? noText : QVariant(who.actorName()),
                     remote.isEmpty() ? noText : QVariant(remote)});
        if (!q.next())
            throw DbError(DbError::Kind::Statement, QStringLiteral("chat_reply_store returned no row"));
        const QString outcome = q.value(0).toString();
        Prepared p;
        p.messageId = q.value(1).toLongLong();
        p.to = q.value(2).toString();
        p.messageJson = q.value(3).toString().toUtf8();
        p.text = text;
        q.finish();
        if (outcome == QLatin1String("stored"))
            return p;
        if (outcome == QLatin1String("duplicate")) {
            p.duplicate = true;
            return p;
        }
        if (outcome == QLatin1String("ticket_not_found"))
            throw ChatStore::ticketNotFound(ticketId);
        if (outcome == QLatin1String("duplicate_client_message_id"))
            throw idUsedForAnotherMessage(clientMessageId);
        if (outcome == QLatin1String("no_recipient"))
            throw DomainError(DomainError::Kind::NotPossible, QStringLiteral("no_recipient"),
                              QStringLiteral("No technician has written on this ticket yet, so there is "
                                             "nobody to reply to. Wait for the technician's message"));
        if (outcome == QLatin1String("not_a_participant"))
            throw notAParticipant(number);
        if (outcome == QLatin1String("window_closed"))
            throw DomainError(
                DomainError::Kind::Conflict, QStringLiteral("window_closed"),
                QStringLiteral("The technician last wrote more than 24 hours ago, so WhatsApp only "
                               "allows a template now: send the re-engagement template and wait for "
                               "their reply"));
        throw DbError(
            DbError::Kind::Statement,
            QStringLiteral("chat_reply_store answered '%1' for ticket %2").arg(outcome).arg(ticketId));
    };
    // Committed on its own, so never inside a caller's transaction (a unique violation there would abort
    // it before storedOnce's second look). Not run twice either: a retry after a lost answer would store
    // the reply again.
    Q_ASSERT(!db.inTransaction());
    db.beforeUnrepeatableWrite();
    Prepared prepared = storedOnce(clientMessageId, attempt);
    if (!prepared.duplicate) {
        if (sequenceLater)
            prepared.sequenceLater = true;
        else
            Events::sequence(db);
    }
    return prepared;
}

Prepared prepareMedia(Db &db, int ticketId, const MediaUpload &upload, const QString &clientMessageId,
                      const QString &agentName, const Principal &who, const QString &remote,
                      const QString &wantedTo)
{
    const QString caption = upload.caption.trimmed();
    checkedText(caption.isEmpty() ? QStringLiteral("-") : caption, clientMessageId); // the id's checks
    if (caption.toUcs4().size() > maxCaptionLength)
        throw DomainError(
            DomainError::Kind::Invalid, QStringLiteral("caption_too_long"),
            QStringLiteral("The caption has %1 characters; WhatsApp takes at most %2. Shorten it")
                .arg(caption.toUcs4().size())
                .arg(maxCaptionLength));
    // A name to show and save under, never a path.
    QString filename = upload.filename.trimmed();
    filename.replace(QLatin1Char('/'), QLatin1Char('_')).replace(QLatin1Char('\\'), QLatin1Char('_'));
    for (const QChar c : std::as_const(filename))
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            throw DomainError(DomainError::Kind::Invalid, QStringLiteral("invalid_filename"),
                              QStringLiteral("The file name holds control characters: rename the file"));
    if (filename.size() > 200 || filename == QLatin1String(".") || filename == QLatin1String(".."))
        throw DomainError(DomainError::Kind::Invalid, QStringLiteral("invalid_filename"),
                          QStringLiteral("The file name must be a name of at most 200 characters"));
    if (upload.content.isEmpty())
        throw DomainError(DomainError::Kind::Invalid, QStringLiteral("media_empty"),
                          QStringLiteral("The file is empty: choose the file again"));
    const QString kind = Media::kindFor(Media::sniff(upload.content.left(64 * 1024)));
    const Media::Verdict verdict = Media::check(kind, upload.content, upload.declaredMime);
    if (!verdict.ok)
        throw DomainError(DomainError::Kind::Invalid, QStringLiteral("media_") + verdict.code,
                          verdict.message + QStringLiteral(": it was not sent"));
    const QString messageKind = kind == QLatin1String("sticker") ? QStringLiteral("image") : kind;
    QString detail = caption;
    if (!filename.isEmpty() && kind == QLatin1String("document"))
        detail = detail.isEmpty() ? filename : QStringLiteral("%1 (%2)").arg(detail, filename);
    const QString text =
        detail.isEmpty() ? QStringLiteral("[%1]").arg(kind) : QStringLiteral("[%1] %2").arg(kind, detail);

    auto attempt = [&] {
        return db.transaction([&] {
            if (Prepared p = storedBefore(db, ticketId, clientMessageId, text); p.duplicate)
                return p;
            // The file first: writing up to 100 MB must not hold the ticket's row, which every message on
            // it waits for.
            const qint64 media = MediaStore::put(db, upload.content, verdict.mimeType);
            const Recipient recipient = lockRecipient(db, ticketId, wantedTo);
            if (recipient.to.isEmpty())
                throw DomainError(
                    DomainError::Kind::NotPossible, QStringLiteral("no_recipient"),
                    QStringLiteral("No technician has written on this ticket yet, so there is "
                                   "nobody to send the file to. Wait for the technician's message"));
            if (!recipient.windowOpen)
                throw DomainError(
                    DomainError::Kind::Conflict, QStringLiteral("window_closed"),
                    QStringLiteral("The technician last wrote more than 24 hours ago, so WhatsApp "
                                   "only allows a template now, not a file: send the "
                                   "re-engagement template and wait for their reply"));
            Prepared p;
            p.messageId =
                insertReply(db, ticketId, recipient.to, text, messageKind, agentName, who, clientMessageId);
            const QVariant noText(QMetaType::fromType<QString>());
            db.exec(QStringLiteral(
                        "INSERT INTO chat_attachments (message_id, direction, media_type, declared_mime, "
                        "filename, caption, status, media_id, stored_at) VALUES (?, 'outbound', ?, ?, ?, "
                        "?, 'stored', ?, now())"),
                    {p.messageId, kind, verdict.mimeType, filename.isEmpty() ? noText : QVariant(filename),
                     caption.isEmpty() ? noText : QVariant(caption), media});
            // The message was announced before its file was recorded: once more, with it.
            db.exec(
                QStringLiteral("SELECT chat_emit('message.updated', m.ticket_id, chat_message_to_json(m)) "
                               "FROM chat_messages m WHERE m.id = ?"),
                {p.messageId});
            p.to = recipient.to;
            p.text = caption;
            p.mediaKind = kind;
            p.media = upload.content;
            p.mediaMime = verdict.mimeType;
            p.filename = filename;
            p.messageJson = ChatStore::message(db, p.messageId);
            AuditLog::record(db, who, QStringLiteral("message.sent"), ticketId,
                             {{QStringLiteral("message_id"), p.messageId},
                              {QStringLiteral("agent_name"), agentName},
                              {QStringLiteral("media_type"), kind},
                              {QStringLiteral("bytes"), qint64(upload.content.size())}},
                             remote);
            return p;
        });
    };
    const Prepared prepared = storedOnce(clientMessageId, attempt);
    if (!prepared.duplicate)
        Events::sequence(db);
    return prepared;
}

Prepared prepareConfirmation(Db &db, int ticketId, const Texts &texts, const QString &language,
                             const QString &to)
{
    Prepared p = db.transaction([&] {
        Prepared p;
        const Recipient recipient = lockRecipient(db, ticketId, to);
        if (recipient.to.isEmpty() || !recipient.windowOpen)
            return p;
        const QString text = textFor(db, recipient.to, texts, language);
        if (text.isEmpty())
            return p;
        QSqlQuery &ins =
            db.exec(QStringLiteral(
                        "INSERT INTO chat_messages (ticket_id, to_number, message, direction, agent_name, "
                        "read_by_agent, kind, status, sent_by) VALUES (?, ?, ?, 'outbound', ?, true, 'text', "
                        "'pending', 'automatic') RETURNING id"),
                    {ticketId, recipient.to, text, QString::fromLatin1(automaticAuthor)});
        ins.next();
        p.messageId = ins.value(0).toLongLong();
        ins.finish();
        p.to = recipient.to;
        p.text = text;
        return p;
    });
    if (p.messageId > 0)
        Events::sequence(db);
    return p;
}

Prepared prepareTemplate(Db &db, int ticketId, const QString &templateName, const QString &language,
                         const QString &agentName, const Principal &who, const QString &remote,
                         const QString &wantedTo)
{
    if (templateName.isEmpty())
        throw DomainError(DomainError::Kind::NotPossible, QStringLiteral("template_not_configured"),
                          QStringLiteral("No re-engagement template is configured: an administrator sets "
                                         "WHATSAPP_REENGAGE_TEMPLATE to an approved template's name"));
    Prepared prepared = db.transaction([&] {
        const Recipient recipient = lockRecipient(db, ticketId, wantedTo);
        const QString to = recipient.to;
        const bool windowOpen = recipient.windowOpen;
        const QString reference =
            recipient.reference.isEmpty() ? QString::number(ticketId) : recipient.reference;
        if (to.isEmpty())
            throw DomainError(
                DomainError::Kind::NotPossible, QStringLiteral("no_recipient"),
                QStringLiteral("No technician is on this ticket yet, so there is nobody to invite back"));
        if (windowOpen)
            throw DomainError(
                DomainError::Kind::Conflict, QStringLiteral("window_open"),
                QStringLiteral("The technician wrote within the last 24 hours: write to them directly"));
        Prepared p;
        p.to = to;
        p.text = QStringLiteral("[template %1] %2").arg(templateName, reference);
        p.templateBody = {
            {QStringLiteral("name"), templateName},
            {QStringLiteral("language"), QJsonObject{{QStringLiteral("code"), language}}},
            {QStringLiteral("components"),
             QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("body")},
                                    {QStringLiteral("parameters"),
                                     QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                                            {QStringLiteral("text"), reference}}}}}}}};
        const QVariant noInt(QMetaType::fromType<int>());
        QSqlQuery &ins = db.exec(QStringLiteral("INSERT INTO chat_messages (ticket_id, to_number, message, "
                                                "direction, agent_name, read_by_agent, "
                                                "kind, status, agent_id, sent_by) VALUES (?, ?, ?, "
                                                "'outbound', ?, true, 'template', 'pending', ?, ?) "
                                                "RETURNING id"),
                                 {ticketId, to, p.text, agentName,
                                  who.agentId > 0 ? QVariant(who.agentId) : noInt, who.actorKind()});
        ins.next();
        p.messageId = ins.value(0).toLongLong();
        ins.finish();
        AuditLog::record(
            db, who, QStringLiteral("template.sent"), ticketId,
            {{QStringLiteral("message_id"), p.messageId}, {QStringLiteral("template"), templateName}},
            remote);
        return p;
    });
    Events::sequence(db);
    return prepared;
}

OutboundMessage outboundOf(const Prepared &prepared)
{
    OutboundMessage out;
    out.messageId = prepared.messageId;
    out.to = prepared.to;
    out.text = prepared.text;
    if (!prepared.templateBody.isEmpty()) {
        out.type = QStringLiteral("template");
        out.templateBody = prepared.templateBody;
    }
    if (!prepared.mediaKind.isEmpty()) {
        out.type = prepared.mediaKind;
        out.media = prepared.media;
        out.mediaMime = prepared.mediaMime;
        out.filename = prepared.filename;
    }
    return out;
}

QByteArray complete(Db &db, qint64 messageId, const SendResult &result, bool sequenceLater)
{
    // One statement (sql/functions/chat_reply_outcome.sql): the id and the statuses that came before it
    // under the status handler's lock, or the refusal.
    const QVariant noText(QMetaType::fromType<QString>());
    const QByteArray json =
        db.scalar(QStringLiteral("SELECT chat_reply_outcome(?, ?, ?, ?, ?)"),
                  {messageId, result.ok, result.ok ? QVariant(result.waMessageId) : noText,
                   result.ok ? noText : QVariant(result.errorCode),
                   result.ok ? noText : QVariant(result.errorMessage)})
            .toString()
            .toUtf8();
    if (!sequenceLater)
        Events::sequence(db);
    return json;
}

} // namespace Outbox
