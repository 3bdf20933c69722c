#pragma once

#include "domain/Outbound.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>
#include <functional>
#include <memory>

class Db;
struct Principal;

// An agent's reply: validated, stored as pending before anything leaves, then marked sent or failed with
// WhatsApp's answer. Nothing is sent that was not first stored.
namespace Outbox {

static constexpr int maxMessageLength = 4096; // WhatsApp's limit for a text body, in code points

struct Prepared {
    QJsonObject templateBody; // set for a template: WhatsApp's template object
    bool duplicate = false;   // a repeat of a stored client_message_id: answer with it, send nothing
    bool direct = false;      // a reply to a number with no ticket (chat_direct_messages, Unassigned)
    qint64 messageId = 0;
    QString to;
    QString text;
    QByteArray messageJson;
    // A file: its kind (image, sticker, audio, video, document), bytes, checked type and name.
    QString mediaKind;
    QByteArray media;
    QString mediaMime;
    QString filename;
    // Kept until the transport has answered: the request's share of the server's room for large bodies
    // (HttpRequest::hold), which the file's bytes take until then.
    std::shared_ptr<const void> hold;
    // Stored, but its event is not numbered yet (prepare's sequenceLater).
    bool sequenceLater = false;
};

// Whether `number` wrote within the last 24 hours (WhatsApp's time): free-form messages may reach it.
bool windowOpen(Db &db, const QString &number);
// The text of an automatic message for `number`: its contacts.language's among `texts`, else `language`'s.
QString textFor(Db &db, const QString &number, const QHash<QString, QString> &texts, const QString &language);
// Applies the delivery statuses that arrived for `waMessageId` before it was stored, in their order (under
// the advisory lock the status webhook takes for that id).
void applyWaitingStatuses(Db &db, const QString &waMessageId);
// Runs `attempt` (which stores a message, or finds the one stored with `clientMessageId`); when two requests
// with the same id raced and this one lost on the unique index, runs it once more to find the winner's row.
Prepared storedOnce(const QString &clientMessageId, const std::function<Prepared()> &attempt);
// A reply's text, trimmed, and its client_message_id, checked. Throws DomainError (message_required,
// message_too_long, invalid_client_message_id).
QString checkedText(const QString &rawText, const QString &clientMessageId);
// Checks the text, the recipient and the 24-hour window, and stores the pending message. It goes to `to`
// when given, which must be one of the ticket's participants (ChatStore::participants); otherwise to the
// last one who wrote on the ticket, else the technician who responded. Throws DomainError
// (message_required, message_too_long, ticket_not_found, no_recipient, invalid_recipient, not_a_participant,
// window_closed, duplicate_client_message_id). Runs outside a transaction: its statement commits itself. Its
// event is numbered before it returns, unless sequenceLater: then Prepared::sequenceLater says the caller
// must see to it (Events::sequence) once it has answered.
Prepared prepare(Db &db, int ticketId, const QString &text, const QString &clientMessageId,
                 const QString &agentName, const Principal &who, const QString &remote,
                 const QString &to = QString(), bool sequenceLater = false);
// A file an agent sends, with its caption: as prepare() for the recipient, the window and the
// client_message_id, and the file is checked (Media::check: WhatsApp's limits, its type from its content),
// kept (MediaStore, once by content) and recorded as the message's attachment, all in one transaction with
// the pending message. Throws DomainError as prepare() does, and media_empty, media_too_large,
// media_type_not_allowed, media_type_mismatch, caption_too_long, invalid_filename.
struct MediaUpload {
    QByteArray content;
    QString declaredMime; // the request's Content-Type
    QString filename;
    QString caption;
};
static constexpr int maxCaptionLength = 1024; // WhatsApp's limit for a caption, in code points
Prepared prepareMedia(Db &db, int ticketId, const MediaUpload &upload, const QString &clientMessageId,
                      const QString &agentName, const Principal &who, const QString &remote,
                      const QString &to = QString());
// The re-engagement template (to `to`, or as prepare() chooses) for a technician whose window has closed,
// with the ticket reference as its parameter, stored as pending. Throws DomainError (no_recipient,
// window_open, template_not_configured).
Prepared prepareTemplate(Db &db, int ticketId, const QString &templateName, const QString &language,
                         const QString &agentName, const Principal &who, const QString &remote,
                         const QString &to = QString());
// An automatic message to the one a reply would go to (the confirmation that a person has their request, the
// word that nobody is available), stored as pending and sent by the system (sent_by 'automatic': it is not
// a reply and takes nothing). `texts` holds it per language (en, af), already worded: the recipient's
// contacts.language picks one, else `language`. Nothing is stored when nobody has written on the ticket,
// the 24-hour window is closed, or the chosen text is empty: messageId is then 0.
using Texts = QHash<QString, QString>;
// `to`, when given, is the participant it goes to (the one who asked), as for prepare().
Prepared prepareConfirmation(Db &db, int ticketId, const Texts &texts, const QString &language,
                             const QString &to = QString());
// Who automatic messages are from, as the transcript names them.
inline const char *automaticAuthor = "Call centre (automatic)";
// What the transport is handed for a message stored as pending.
OutboundMessage outboundOf(const Prepared &prepared);
// Records the transport's answer; returns the message as stored. Its event is numbered before it returns,
// unless sequenceLater: then the caller sees to it (the Sequencer, once it has answered).
QByteArray complete(Db &db, qint64 messageId, const SendResult &result, bool sequenceLater = false);

} // namespace Outbox
