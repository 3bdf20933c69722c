#include "ChatRoutes.h"

#include "ApiContext.h"
#include "HttpServer.h"
#include "auth/AgentStore.h"
#include "auth/Auth.h"
#include "base/Logging.h"
#include "chat/ChatStore.h"
#include "chat/IncidentCard.h"
#include "chat/Outbox.h"
#include "chat/Tickets.h"
#include "chat/Unassigned.h"
#include "db/Db.h"
#include "db/DbPool.h"
#include "db/Events.h"
#include "db/Sequencer.h"
#include "whatsapp/MessageTransport.h"

#include <QPointer>

namespace ChatRoutes {

namespace {

int positiveQueryInt(const HttpRequest &request, const QString &name, qint64 max, const QString &code,
                     qint64 *out)
{
    if (!request.query.hasQueryItem(name))
        return 0;
    const QString text = request.query.queryItemValue(name);
    bool ok = false;
    const qint64 v = text.toLongLong(&ok);
    if (!ok || v < 1 || v > max)
        throw ApiError(400, code,
                       QStringLiteral("'%1' must be a whole number from 1 to %2, not '%3'")
                           .arg(name)
                           .arg(max)
                           .arg(text.left(40)));
    *out = v;
    return 1;
}

qint64 unassignedId(const HttpRequest &request)
{
    const QString idText = request.pathArgs.value(QStringLiteral("id"));
    bool ok = false;
    const qint64 id = idText.toLongLong(&ok);
    if (!ok || id <= 0 || idText.startsWith(QLatin1Char('+')))
        throw ApiError(400, QStringLiteral("invalid_id"),
                       QStringLiteral("'%1' is not an unassigned message id: ids are positive whole numbers")
                           .arg(idText.left(40)));
    return id;
}

// Takes the conversation. When that took a technician's waiting request, they are told a person has it
// (ApiContext::confirmation), through the outbox like any reply. The agent's answer does not wait for it,
// and a confirmation that cannot be stored does not undo the acknowledgement.
void acknowledge(ApiContext &ctx, const HttpRequest &request, ReplyPtr reply)
{
    struct Step {
        HttpResponse response;
        Outbox::Prepared confirmation;
    };
    QPointer<ApiContext> context(&ctx);
    ctx.pool()->run<Step>(
        &ctx,
        [request, auth = ctx.auth(), texts = ctx.confirmation(), language = ctx.language()](Db &db) {
            Step step;
            step.response = ApiContext::guarded(db, [&](Db &db) {
                const Principal who = auth->authenticate(db, ApiContext::token(request));
                const int ticketId = ApiContext::ticketId(request);
                ChatStore::requireTicket(db, ticketId);
                const bool tookRequest = ChatStore::acknowledge(db, ticketId, who, request.remote);
                const QByteArray conversation = ChatStore::conversation(db, ticketId);
                if (tookRequest && who.kind == Principal::Kind::Agent) {
                    try {
                        Outbox::Texts worded = texts;
                        for (QString &text : worded)
                            text.replace(QLatin1String("{agent}"), who.displayName);
                        step.confirmation = Outbox::prepareConfirmation(db, ticketId, worded, language);
                    } catch (const DbError &e) {
                        qCWarning(lcSend) << "ticket" << ticketId
                                          << "was acknowledged, but the technician's confirmation was not "
                                             "stored:"
                                          << e.message();
                    }
                }
                return HttpResponse::okRaw({{"conversation", conversation}});
            });
            return step;
        },
        [context, reply](Step step) {
            reply->send(step.response);
            if (context && step.confirmation.messageId > 0)
                context->sendStored(step.confirmation);
        });
}

// What the message is written on, checked before the body is read (the ticket exists, say).
using Check = std::function<void(Db &)>;
using Prepare = std::function<Outbox::Prepared(Db &, const Principal &, const QJsonObject &body,
                                               const QString &agentName)>;

// The path's ticket exists (400 invalid_ticket_id, 404 ticket_not_found).
Check ticketCheck(const HttpRequest &request)
{
    return [request](Db &db) { ChatStore::requireTicket(db, ApiContext::ticketId(request)); };
}

// Records the transport's answer for a stored message, a ticket's or a direct reply. A ticket's message's
// event is numbered by the sequencer: one run then numbers what several senders
// committed, instead of each taking the numbering lock in turn on a connection of its own (measured with
// ../shared/bench's agent-send at 16 clients: with two Events::sequence per reply, the pool's connections
// spent 4.7 s of a 10 s run waiting for that lock).
QByteArray completeStored(Db &db, Sequencer *sequencer, const Outbox::Prepared &prepared,
                          const SendResult &result)
{
    if (prepared.direct)
        return Unassigned::completeReply(db, prepared.messageId, result);
    const QByteArray message = Outbox::complete(db, prepared.messageId, result, true);
    sequencer->request();
    return message;
}

// Whether the client asked for the answer before WhatsApp's (RFC 7240 `Prefer: respond-async`).
bool respondAsync(const HttpRequest &request)
{
    const QList<QByteArray> preferences = request.header("prefer").split(',');
    for (const QByteArray &preference : preferences)
        if (preference.split(';').constFirst().trimmed().compare("respond-async", Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

// A reply's way out, whatever it is: checked and stored as pending (prepare), handed to the transport, then
// stored as sent or failed. The answer waits for WhatsApp's, so the agent sees the outcome (the original
// page shows a refusal only from the answer). A client that sends `Prefer: respond-async` (the console) is
// answered 202 with the pending message as soon as it is stored; WhatsApp's answer then reaches it, and
// every console, as the message's message.updated (sent, or failed with the reason). A reply to a number
// with no ticket always waits.
// With fromQuery, the fields are the query's (the body is a file, for POST .../media). onRefusal, when
// given, runs only when the request is refused, before the refusal is answered: a check that the happy path
// leaves to prepare (a reply's statement looks its ticket up), so that a refusal still names what comes
// first (the ticket's existence before the body's faults).
void deliver(ApiContext &ctx, const HttpRequest &request, ReplyPtr reply, bool bodyRequired, Check check,
             Prepare prepare, bool fromQuery = false, Check onRefusal = {})
{
    struct Step {
        HttpResponse immediate;
        bool proceed = false;
        bool answered = false; // the 202 went with `immediate`
        Outbox::Prepared prepared;
    };
    const bool async = respondAsync(request);
    QPointer<ApiContext> context(&ctx);
    ctx.pool()->run<Step>(
        &ctx,
        [request, auth = ctx.auth(), bodyRequired, check, prepare, fromQuery, async, onRefusal](Db &db) {
            Step step;
            step.immediate = ApiContext::guarded(db, [&](Db &db) {
                const Principal who = auth->authenticate(db, ApiContext::token(request));
                check(db);
                const auto refused = [&] {
                    if (onRefusal)
                        onRefusal(db);
                };
                try {
                    QJsonObject body;
                    if (fromQuery) {
                        const auto items = request.query.queryItems(QUrl::FullyDecoded);
                        for (const auto &[name, value] : items)
                            body.insert(name, value);
                    } else {
                        body = ApiContext::jsonBody(request, !bodyRequired);
                    }
                    // With an agent's session the account's name is recorded, whatever the body says.
                    QString agentName =
                        who.kind == Principal::Kind::Agent
                            ? who.displayName
                            : ApiContext::stringField(body, QStringLiteral("agent_name")).trimmed();
                    if (agentName.isEmpty())
                        agentName = who.actorName();
                    // Stored whole, as the longest name an agent account may have.
                    const qsizetype nameLength = agentName.toUcs4().size();
                    if (nameLength > AgentStore::maxDisplayNameLength)
                        throw ApiError(
                            400, QStringLiteral("agent_name_too_long"),
                            QStringLiteral("agent_name has %1 characters; it may have at most %2 (as an "
                                           "agent's name may): send the agent's name")
                                .arg(nameLength)
                                .arg(AgentStore::maxDisplayNameLength));
                    step.prepared = prepare(db, who, body, agentName);
                    if (step.prepared.duplicate)
                        return HttpResponse::okRaw({{"message", "\"Message sent successfully\""},
                                                    {"chat_message", step.prepared.messageJson}});
                    step.proceed = true;
                    if (async && !step.prepared.direct) {
                        // The pending row is committed: from here on the message goes out, so a failure to
                        // read it back must not answer an error. It then waits for WhatsApp, as without the
                        // header.
                        if (step.prepared.messageJson.isEmpty()) {
                            try {
                                step.prepared.messageJson = ChatStore::message(db, step.prepared.messageId);
                            } catch (const DbError &e) {
                                qCWarning(lcSend)
                                    << "message" << step.prepared.messageId
                                    << "is answered once sent: it could not be read back:" << e.message();
                                return HttpResponse();
                            }
                        }
                        step.answered = true;
                        HttpResponse accepted =
                            HttpResponse::okRaw({{"message", "\"Message stored; sending\""},
                                                 {"chat_message", step.prepared.messageJson}},
                                                202);
                        accepted.headers.append(
                            {QByteArray("Preference-Applied"), QByteArray("respond-async")});
                        return accepted;
                    }
                    return HttpResponse();
                } catch (const ApiError &) {
                    refused();
                    throw;
                } catch (const DomainError &) {
                    refused();
                    throw;
                }
            });
            return step;
        },
        [context, reply](Step step) {
            if (!step.proceed || !context || step.answered)
                reply->send(step.immediate);
            // The message's event is numbered beside the answer or the call to WhatsApp, not before them.
            if (step.prepared.sequenceLater && context)
                context->sequencer()->request();
            if (!step.proceed || !context)
                return;
            if (step.answered) {
                // Answered already: the outcome reaches the consoles as the message's event.
                context->sendStored(step.prepared);
                return;
            }
            const OutboundMessage out = Outbox::outboundOf(step.prepared);
            context->transport()->send(out, [context, reply, prepared = step.prepared](SendResult result) {
                if (!context)
                    return;
                // The sequencer outlives the pool that runs this.
                context->run(reply, [prepared, result, sequencer = context->sequencer()](Db &db) {
                    const QByteArray message = completeStored(db, sequencer, prepared, result);
                    if (!result.ok)
                        return HttpResponse::error(502, QStringLiteral("send_failed"),
                                                   QStringLiteral("WhatsApp did not accept the message: %1")
                                                       .arg(result.errorMessage));
                    return HttpResponse::okRaw(
                        {{"message", "\"Message sent successfully\""}, {"chat_message", message}});
                });
            });
        });
}

} // namespace

namespace {

// The list and a thread, read in one snapshot with the event number to resume from.
void installReading(HttpServer &server, ApiContext &ctx)
{
    server.route(
        "GET", QStringLiteral("/api/chat/conversations"), [&ctx](const HttpRequest &request, ReplyPtr reply) {
            ctx.authed(request, reply, [](Db &db, const Principal &) {
                qint64 seq = 0;
                const QByteArray list = ChatStore::conversations(db, &seq);
                return HttpResponse::okRaw({{"conversations", list}, {"seq", QByteArray::number(seq)}});
            });
        });

    server.route(
        "GET", QStringLiteral("/api/chat/{ticketId}/messages"),
        [&ctx](const HttpRequest &request, ReplyPtr reply) {
            ctx.authed(request, reply, [request](Db &db, const Principal &) {
                const int ticketId = ApiContext::ticketId(request);
                return db.transaction(Db::readOnlySnapshot(), [&] {
                    const QByteArray ticket = ChatStore::conversation(db, ticketId);
                    if (ticket.isEmpty())
                        ChatStore::requireTicket(db, ticketId);
                    qint64 limit = 0;
                    qint64 before = 0;
                    positiveQueryInt(request, QStringLiteral("limit"), 500, QStringLiteral("invalid_limit"),
                                     &limit);
                    positiveQueryInt(request, QStringLiteral("before"), std::numeric_limits<qint64>::max(),
                                     QStringLiteral("invalid_before"), &before);
                    const qint64 seq = Events::latest(db);
                    const ChatStore::Page page = ChatStore::messages(db, ticketId, int(limit), before);
                    return HttpResponse::okRaw({{"ticket", ticket},
                                                {"messages", page.messages},
                                                {"has_more", page.hasMore ? "true" : "false"},
                                                {"seq", QByteArray::number(seq)}});
                });
            });
        });
}

// A reply and the re-engagement template: stored pending, then handed to the transport (deliver).
void installSending(HttpServer &server, ApiContext &ctx)
{
    server.route(
        "POST", QStringLiteral("/api/chat/{ticketId}/send"),
        [&ctx](const HttpRequest &request, ReplyPtr reply) {
            // The ticket is looked up by the statement that stores the reply (Outbox::prepare), and only
            // when the reply is refused before that.
            deliver(
                ctx, request, reply, true, [request](Db &) { ApiContext::ticketId(request); },
                [request](Db &db, const Principal &who, const QJsonObject &body, const QString &agentName) {
                    const int ticketId = ApiContext::ticketId(request);
                    const QString remote = request.remote;
                    const QJsonValue message = body.value(QStringLiteral("message"));
                    if (!message.isString() && !message.isUndefined() && !message.isNull())
                        throw ApiError(400, QStringLiteral("message_required"),
                                       QStringLiteral("'message' must be text"));
                    return Outbox::prepare(db, ticketId, message.toString(),
                                           ApiContext::stringField(body, QStringLiteral("client_message_id")),
                                           agentName, who, remote,
                                           ApiContext::stringField(body, QStringLiteral("to")), true);
                },
                false, ticketCheck(request));
        });

    // A file with its caption: the body is the file, its Content-Type the file's type; caption, filename,
    // client_message_id and to are query parameters.
    const QString mediaPath = QStringLiteral("/api/chat/{ticketId}/media");
    server.route("POST", mediaPath, [&ctx](const HttpRequest &request, ReplyPtr reply) {
        if (ctx.transport()->name() == QLatin1String("bridge")) {
            reply->send(
                HttpResponse::error(422, QStringLiteral("media_unavailable"),
                                    QStringLiteral("Files cannot be sent through this connection (the "
                                                   "WhatsApp bridge): describe it in words, or send it by "
                                                   "e-mail")));
            return;
        }
        deliver(
            ctx, request, reply, false, ticketCheck(request),
            [request](Db &db, const Principal &who, const QJsonObject &fields, const QString &agentName) {
                Outbox::MediaUpload upload;
                upload.content = request.body;
                upload.declaredMime = QString::fromLatin1(request.header("content-type"));
                upload.filename = fields.value(QStringLiteral("filename")).toString();
                upload.caption = fields.value(QStringLiteral("caption")).toString();
                Outbox::Prepared prepared = Outbox::prepareMedia(
                    db, ApiContext::ticketId(request), upload,
                    fields.value(QStringLiteral("client_message_id")).toString(), agentName, who,
                    request.remote, fields.value(QStringLiteral("to")).toString());
                prepared.hold = request.hold;
                return prepared;
            },
            true);
    });
    // WhatsApp's largest file (a 100 MB document), and time for it on a slow link.
    server.setBodyLimit(mediaPath, 100 * 1024 * 1024 + 1024);
    server.setBodyTimeout(mediaPath, 300000);
    // Up to 100 MB is read only from a client with credentials.
    server.setAdmission(mediaPath, ctx.credentialsFirst());

    server.route(
        "POST", QStringLiteral("/api/chat/{ticketId}/send-template"),
        [&ctx](const HttpRequest &request, ReplyPtr reply) {
            deliver(ctx, request, reply, false, ticketCheck(request),
                    [request, name = ctx.templateName(), language = ctx.templateLanguage()](
                        Db &db, const Principal &who, const QJsonObject &body, const QString &agentName) {
                        const int ticketId = ApiContext::ticketId(request);
                        const QString remote = request.remote;
                        return Outbox::prepareTemplate(db, ticketId, name, language, agentName, who, remote,
                                                       ApiContext::stringField(body, QStringLiteral("to")));
                    });
        });
}

// Messages that matched no ticket.
void installUnassigned(HttpServer &server, ApiContext &ctx)
{
    server.route("GET", QStringLiteral("/api/chat/unassigned"),
                 [&ctx](const HttpRequest &request, ReplyPtr reply) {
                     ctx.authed(request, reply, [](Db &db, const Principal &) {
                         return HttpResponse::okRaw({{"unassigned", Unassigned::list(db)}});
                     });
                 });

    server.route("POST", QStringLiteral("/api/chat/unassigned/{id}/acknowledge"),
                 [&ctx](const HttpRequest &request, ReplyPtr reply) {
                     ctx.authed(request, reply, [request](Db &db, const Principal &who) {
                         const qint64 id = unassignedId(request);
                         return HttpResponse::okRaw(
                             {{"unassigned", Unassigned::acknowledge(db, id, who, request.remote)}});
                     });
                 });

    server.route("POST", QStringLiteral("/api/chat/unassigned/{id}/attach"),
                 [&ctx](const HttpRequest &request, ReplyPtr reply) {
                     ctx.authed(request, reply, [request](Db &db, const Principal &who) {
                         const qint64 id = unassignedId(request);
                         const QJsonObject body = ApiContext::jsonBody(request);
                         const QJsonValue ticket = body.value(QStringLiteral("ticket_id"));
                         const double number = ticket.toDouble(-1);
                         if (!ticket.isDouble() || number < 1 || number > 2147483647 ||
                             number != double(qint64(number)))
                             throw ApiError(
                                 400, QStringLiteral("invalid_ticket_id"),
                                 QStringLiteral("Give the ticket as \"ticket_id\": a positive whole number"));
                         const QByteArray message =
                             Unassigned::attach(db, id, int(number), who, request.remote);
                         return HttpResponse::okRaw({{"chat_message", message}});
                     });
                 });

    server.route(
        "POST", QStringLiteral("/api/chat/unassigned/{id}/open-ticket"),
        [&ctx](const HttpRequest &request, ReplyPtr reply) {
            ctx.authed(request, reply, [request](Db &db, const Principal &who) {
                const qint64 id = unassignedId(request);
                const QJsonObject body = ApiContext::jsonBody(request);
                const QString lift = ApiContext::stringField(body, QStringLiteral("lift_msisdn"));
                if (lift.trimmed().isEmpty())
                    throw ApiError(400, QStringLiteral("lift_required"),
                                   QStringLiteral("Say which lift the incident is on, as "
                                                  "\"lift_msisdn\": its SIM number (find it with "
                                                  "GET /api/chat/lifts?q=...)"));
                const Unassigned::Opened opened = Unassigned::openTicket(db, id, lift, who, request.remote);
                return HttpResponse::okRaw({{"conversation", ChatStore::conversation(db, opened.ticketId)},
                                            {"chat_message", opened.messageJson}},
                                           201);
            });
        });

    // A number with no ticket is answered directly; its thread shows both ways.
    server.route(
        "POST", QStringLiteral("/api/chat/unassigned/{id}/reply"),
        [&ctx](const HttpRequest &request, ReplyPtr reply) {
            deliver(
                ctx, request, reply, true, [request](Db &) { unassignedId(request); },
                [request](Db &db, const Principal &who, const QJsonObject &body, const QString &agentName) {
                    const QJsonValue message = body.value(QStringLiteral("message"));
                    if (!message.isString() && !message.isUndefined() && !message.isNull())
                        throw ApiError(400, QStringLiteral("message_required"),
                                       QStringLiteral("'message' must be text"));
                    return Unassigned::prepareReply(
                        db, unassignedId(request), message.toString(),
                        ApiContext::stringField(body, QStringLiteral("client_message_id")), agentName, who,
                        request.remote);
                });
        });

    server.route(
        "GET", QStringLiteral("/api/chat/unassigned/{id}/thread"),
        [&ctx](const HttpRequest &request, ReplyPtr reply) {
            ctx.authed(request, reply, [request](Db &db, const Principal &) {
                return HttpResponse::okRaw({{"messages", Unassigned::thread(db, unassignedId(request))}});
            });
        });

    // Lifts by name or SIM number: the agent finds the lift a message from an unknown number is about.
    server.route(
        "GET", QStringLiteral("/api/chat/lifts"), [&ctx](const HttpRequest &request, ReplyPtr reply) {
            ctx.authed(request, reply, [request](Db &db, const Principal &) {
                const QString q = request.query.queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded);
                if (q.size() > 200)
                    throw ApiError(400, QStringLiteral("query_too_long"),
                                   QStringLiteral("Search with at most 200 characters"));
                return HttpResponse::okRaw({{"lifts", Tickets::findLifts(db, q)}});
            });
        });
}

// What an agent does to a conversation besides writing.
void installActions(HttpServer &server, ApiContext &ctx)
{
    server.route(
        "GET", QStringLiteral("/api/chat/{ticketId}/participants"),
        [&ctx](const HttpRequest &request, ReplyPtr reply) {
            ctx.authed(request, reply, [request](Db &db, const Principal &) {
                const int ticketId = ApiContext::ticketId(request);
                ChatStore::requireTicket(db, ticketId);
                return HttpResponse::okRaw({{"participants", ChatStore::participants(db, ticketId)}});
            });
        });

    server.route("POST", QStringLiteral("/api/chat/{ticketId}/mark-read"),
                 [&ctx](const HttpRequest &request, ReplyPtr reply) {
                     ctx.authed(request, reply, [request](Db &db, const Principal &who) {
                         const int ticketId = ApiContext::ticketId(request);
                         ChatStore::requireTicket(db, ticketId);
                         const int count = ChatStore::markRead(db, ticketId, who, request.remote);
                         return HttpResponse::okRaw({{"message", "\"Messages marked as read\""},
                                                     {"marked", QByteArray::number(count)}});
                     });
                 });

    server.route("POST", QStringLiteral("/api/chat/{ticketId}/acknowledge"),
                 [&ctx](const HttpRequest &request, ReplyPtr reply) { acknowledge(ctx, request, reply); });
    server.route(
        "POST", QStringLiteral("/api/chat/{ticketId}/assign"),
        [&ctx](const HttpRequest &request, ReplyPtr reply) {
            ctx.authed(request, reply, [request](Db &db, const Principal &who) {
                const int ticketId = ApiContext::ticketId(request);
                const QString agent =
                    ApiContext::stringField(ApiContext::jsonBody(request), QStringLiteral("agent"));
                if (agent.trimmed().isEmpty())
                    throw ApiError(400, QStringLiteral("agent_required"),
                                   QStringLiteral("Name the agent by username: {\"agent\": \"thandi\"}"));
                ChatStore::assign(db, ticketId, agent, who, request.remote);
                return HttpResponse::okRaw({{"conversation", ChatStore::conversation(db, ticketId)}});
            });
        });

    server.route(
        "POST", QStringLiteral("/api/chat/{ticketId}/resolve"),
        [&ctx](const HttpRequest &request, ReplyPtr reply) {
            ctx.authed(request, reply, [request](Db &db, const Principal &who) {
                const int ticketId = ApiContext::ticketId(request);
                ChatStore::requireTicket(db, ticketId);
                const QJsonObject body = ApiContext::jsonBody(request, true);
                const QString note = ApiContext::stringField(body, QStringLiteral("note")).trimmed();
                if (note.isEmpty())
                    throw ApiError(
                        400, QStringLiteral("note_required"),
                        QStringLiteral(
                            "Write a short note on how the call ended; it is kept with the ticket"));
                if (note.toUcs4().size() > 2000)
                    throw ApiError(400, QStringLiteral("note_too_long"),
                                   QStringLiteral("The note may have at most 2000 characters"));
                ChatStore::resolve(db, ticketId, note, who, request.remote);
                return HttpResponse::okRaw({{"conversation", ChatStore::conversation(db, ticketId)}});
            });
        });
}

void installIncident(HttpServer &server, ApiContext &ctx)
{
    // The incident card: read by anyone signed in, saved by a person (an agent or an admin).
    server.route("GET", QStringLiteral("/api/chat/{ticketId}/incident"),
                 [&ctx](const HttpRequest &request, ReplyPtr reply) {
                     ctx.authed(request, reply, [request](Db &db, const Principal &) {
                         const int ticketId = ApiContext::ticketId(request);
                         QJsonObject answer{{QStringLiteral("ok"), true},
                                            {QStringLiteral("card"), IncidentCard::current(db, ticketId)}};
                         if (request.query.queryItemValue(QStringLiteral("history")) == QLatin1String("true"))
                             answer.insert(QStringLiteral("history"), IncidentCard::history(db, ticketId));
                         return HttpResponse::json(answer);
                     });
                 });
    server.route(
        "PUT", QStringLiteral("/api/chat/{ticketId}/incident"),
        [&ctx](const HttpRequest &request, ReplyPtr reply) {
            ctx.authed(request, reply, [request](Db &db, const Principal &who) {
                if (who.kind == Principal::Kind::AiToken)
                    throw ApiError(403, QStringLiteral("forbidden"),
                                   QStringLiteral("The incident card is kept by the call centre's people"));
                return HttpResponse::json(
                    {{QStringLiteral("ok"), true},
                     {QStringLiteral("card"), IncidentCard::save(db, ApiContext::ticketId(request),
                                                                 ApiContext::jsonBody(request), who)}});
            });
        });
}

} // namespace

void install(HttpServer &server, ApiContext &ctx)
{
    installReading(server, ctx);
    installSending(server, ctx);
    installUnassigned(server, ctx);
    installActions(server, ctx);
    installIncident(server, ctx);
}

} // namespace ChatRoutes
