#include "ConsoleSession.h"

#include "ConsoleLogging.h"
#include "ConversationListModel.h"
#include "MediaLoader.h"
#include "MessageModel.h"
#include "UnassignedModel.h"
#include "WireProtocol.h"

#include <QPointer>
#include <QUrl>
#include <QUrlQuery>
#include <QUuid>

namespace {
constexpr int pageSize = 100;
}

ConsoleSession::ConsoleSession(ApiClient *api, ConversationListModel *conversations, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_media(new MediaLoader(api, this))
    , m_conversations(conversations)
{
    connect(&m_stream, &EventStream::eventReceived, this, &ConsoleSession::onEvent);
    connect(&m_stream, &EventStream::resetRequested, this, [this] { loadSnapshot(true); });
    connect(&m_stream, &EventStream::signedOut, this, &ConsoleSession::signedOut);
    connect(m_api, &ApiClient::authenticationLost, this, &ConsoleSession::signedOut);
    connect(&m_stream, &EventStream::ready, this, &ConsoleSession::resendUnsent);
    m_readTimer.setSingleShot(true);
    m_readTimer.setInterval(250);
    connect(&m_readTimer, &QTimer::timeout, this, &ConsoleSession::markOpenRead);
}

void ConsoleSession::start(const QString &agentName)
{
    m_agentName = agentName;
    loadSnapshot(false);
    m_api->get(
        QStringLiteral("/api/auth/me"), {}, this,
        [this](const QJsonObject &answer) {
            const QJsonObject me = answer.value(QStringLiteral("principal")).toObject();
            m_admin = me.value(QStringLiteral("admin")).toBool();
            m_role = me.value(QStringLiteral("role")).toString(m_admin ? QStringLiteral("admin") : QString());
            Q_EMIT roleChanged(m_role);
        },
        [](const RequestError &) {}); // without it the console works as an agent's
    // Signing in is being there: the escalation counts this agent again (a status left on "break" by an
    // earlier console would otherwise keep them out of every request's first step).
    setStatus(QStringLiteral("available"));
}

void ConsoleSession::stop()
{
    m_stream.stop();
    m_media->clear();
    m_loaded = false;
    m_loading = false;
    m_threadLoading = false;
    ++m_threadLoad;
    m_threadEvents.clear();
    m_readTimer.stop();
    ++m_generation;
}

QString ConsoleSession::newClientMessageId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

void ConsoleSession::loadSnapshot(bool resetStream)
{
    if (m_loading)
        return;
    m_loading = true;
    const quint64 generation = m_generation;
    m_api->conversations(
        this,
        [this, resetStream, generation](const QJsonObject &answer) {
            if (generation != m_generation)
                return;
            m_loading = false;
            m_loaded = true;
            m_conversations->reset(answer.value(QStringLiteral("conversations")).toArray());
            const qint64 seq = answer.value(QStringLiteral("seq")).toInteger();
            if (resetStream)
                m_stream.resumeAfterReset(seq);
            else
                m_stream.start(m_api->baseUrl(), m_api->token(), seq);
            if (m_openTicket > 0)
                loadThread(false);
            loadEscalations();
            if (m_unassigned)
                m_api->unassigned(
                    this,
                    [this](const QJsonObject &a) {
                        m_unassigned->reset(a.value(QStringLiteral("unassigned")).toArray());
                    },
                    [this](const RequestError &e) {
                        Q_EMIT actionFailed(tr("Loading unassigned messages"), e);
                    });
        },
        [this, resetStream, generation](const RequestError &error) {
            if (generation != m_generation)
                return;
            m_loading = false;
            Q_EMIT snapshotFailed(error);
            if (error.isAuthentication())
                return;
            // Try again shortly: an agent on shift should not have to press anything.
            QTimer::singleShot(3000, this, [this, resetStream, generation] {
                if (generation == m_generation)
                    loadSnapshot(resetStream);
            });
        });
}

void ConsoleSession::onEvent(qint64 seq, const QString &event, int ticketId, const QJsonObject &data)
{
    if (event == Wire::Event::conversationUpdated) {
        m_conversations->upsert(data);
    } else if (event == Wire::Event::messageCreated || event == Wire::Event::messageUpdated) {
        if (m_messages && ticketId == m_openTicket && ticketId > 0) {
            if (m_threadLoading)
                m_threadEvents.append({seq, data});
            else
                m_messages->upsert(data);
            // The agent is looking at this conversation: what arrives in it is read.
            if (event == Wire::Event::messageCreated &&
                data.value(QStringLiteral("direction")).toString() == QLatin1String("inbound") &&
                m_openVisible) {
                m_arrived = true;
                m_readTimer.start();
            }
        }
    } else if (event == Wire::Event::unassignedCreated || event == Wire::Event::unassignedUpdated ||
               event == Wire::Event::unassignedAttached) {
        if (m_unassigned)
            m_unassigned->upsert(data);
    } else if (event == Wire::Event::agentRequested) {
        Q_EMIT agentRequested(ticketId, data);
    } else if (event == Wire::Event::requestEscalated) {
        const int key =
            ticketId > 0 ? ticketId : -int(data.value(QStringLiteral("unassigned_id")).toInteger());
        if (ticketId > 0)
            m_conversations->setEscalation(ticketId, data.value(QStringLiteral("step")).toObject());
        if (key != 0)
            Q_EMIT requestEscalated(key, data.value(QStringLiteral("step")).toObject(), data);
    } else if (event == Wire::Event::incidentUpdated) {
        Q_EMIT incidentUpdated(ticketId, data);
    } else if (event == Wire::Event::unassignedReplied) {
        Q_EMIT unassignedReplied(data);
    }
}

void ConsoleSession::loadEscalations()
{
    const quint64 generation = m_generation;
    openRequests(
        this,
        [this, generation](const QJsonObject &answer) {
            if (generation != m_generation)
                return;
            for (const QJsonValue &v : answer.value(QStringLiteral("requests")).toArray()) {
                const QJsonObject request = v.toObject();
                const QJsonArray steps = request.value(QStringLiteral("steps")).toArray();
                const int ticket = request.value(QStringLiteral("ticket_id")).toInt();
                if (ticket > 0 && !steps.isEmpty())
                    m_conversations->setEscalation(ticket, steps.last().toObject());
            }
        },
        [](const RequestError &) {}); // the rows then show the clock alone, until the next step's event
}

void ConsoleSession::assign(int ticketId, const QString &username, QObject *context, Done done, Failed failed)
{
    m_api->post(
        QStringLiteral("/api/chat/%1/assign").arg(ticketId), {{QStringLiteral("agent"), username}}, context,
        [this, done](const QJsonObject &answer) {
            const QJsonObject c = answer.value(QStringLiteral("conversation")).toObject();
            if (!c.isEmpty())
                m_conversations->upsert(c);
            if (done)
                done();
        },
        failed);
}

void ConsoleSession::onlineAgents(QObject *context, ApiClient::Ok ok, Failed failed)
{
    m_api->get(QStringLiteral("/api/agents/online"), {}, context, std::move(ok), std::move(failed));
}

void ConsoleSession::openRequests(QObject *context, ApiClient::Ok ok, Failed failed)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("open"), QStringLiteral("true"));
    m_api->get(QStringLiteral("/api/chat/requests"), query, context, std::move(ok), std::move(failed));
}

void ConsoleSession::incident(int ticketId, QObject *context, ApiClient::Ok ok, Failed failed)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("history"), QStringLiteral("true"));
    m_api->get(QStringLiteral("/api/chat/%1/incident").arg(ticketId), query, context, std::move(ok),
               std::move(failed));
}

void ConsoleSession::saveIncident(int ticketId, int version, const QJsonObject &fields, QObject *context,
                                  ApiClient::Ok ok, Failed failed)
{
    QJsonObject body = fields;
    body.insert(QStringLiteral("expected_version"), version);
    m_api->put(QStringLiteral("/api/chat/%1/incident").arg(ticketId), body, context, std::move(ok),
               std::move(failed));
}

void ConsoleSession::participants(int ticketId, QObject *context, ApiClient::Ok ok, Failed failed)
{
    m_api->get(QStringLiteral("/api/chat/%1/participants").arg(ticketId), {}, context, std::move(ok),
               std::move(failed));
}

void ConsoleSession::messageHistory(qint64 messageId, QObject *context, ApiClient::Ok ok, Failed failed)
{
    m_api->get(QStringLiteral("/api/chat/messages/%1/history").arg(messageId), {}, context, std::move(ok),
               std::move(failed));
}

void ConsoleSession::findLifts(const QString &text, QObject *context, ApiClient::Ok ok, Failed failed)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("q"), QString::fromLatin1(QUrl::toPercentEncoding(text)));
    m_api->get(QStringLiteral("/api/chat/lifts"), query, context, std::move(ok), std::move(failed));
}

void ConsoleSession::openTicket(qint64 unassignedId, const QString &liftMsisdn, QObject *context,
                                ApiClient::Ok ok, Failed failed)
{
    m_api->post(
        QStringLiteral("/api/chat/unassigned/%1/open-ticket").arg(unassignedId),
        {{QStringLiteral("lift_msisdn"), liftMsisdn}}, context,
        [this, ok](const QJsonObject &answer) {
            const QJsonObject c = answer.value(QStringLiteral("conversation")).toObject();
            if (!c.isEmpty())
                m_conversations->upsert(c);
            if (ok)
                ok(answer);
        },
        std::move(failed));
}

void ConsoleSession::notEmergency(qint64 requestId, const QString &reason, QObject *context, ApiClient::Ok ok,
                                  Failed failed)
{
    m_api->post(QStringLiteral("/api/chat/requests/%1/not-emergency").arg(requestId),
                {{QStringLiteral("reason"), reason}}, context, std::move(ok), std::move(failed));
}

void ConsoleSession::blockNumber(const QString &number, const QString &reason, QObject *context,
                                 ApiClient::Ok ok, Failed failed)
{
    m_api->post(QStringLiteral("/api/chat/blocked-numbers"),
                {{QStringLiteral("number"), number}, {QStringLiteral("reason"), reason}}, context,
                std::move(ok), std::move(failed));
}

void ConsoleSession::history(const HistoryQuery &query, QObject *context, ApiClient::Ok ok, Failed failed)
{
    m_api->get(QStringLiteral("/api/chat/history"), query.toUrlQuery(), context, std::move(ok),
               std::move(failed));
}

void ConsoleSession::readThread(int ticketId, int limit, qint64 before, QObject *context, ApiClient::Ok ok,
                                Failed failed)
{
    m_api->messages(ticketId, limit, before, context, std::move(ok), std::move(failed));
}

void ConsoleSession::exportIncident(int ticketId, const QString &format, QObject *context,
                                    ApiClient::Downloaded ok, Failed failed)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("format"), format);
    m_api->download(QStringLiteral("/api/chat/%1/export").arg(ticketId), query, context, std::move(ok),
                    std::move(failed), ApiClient::exportTimeoutMs);
}

void ConsoleSession::signingKey(QObject *context, ApiClient::Ok ok, Failed failed)
{
    m_api->get(QStringLiteral("/api/chat/signing-key"), {}, context, std::move(ok), std::move(failed));
}

void ConsoleSession::unassignedThread(qint64 unassignedId, QObject *context, ApiClient::Ok ok, Failed failed)
{
    m_api->get(QStringLiteral("/api/chat/unassigned/%1/thread").arg(unassignedId), {}, context, std::move(ok),
               std::move(failed));
}

void ConsoleSession::replyUnassigned(qint64 unassignedId, const QString &text, const QString &clientMessageId,
                                     QObject *context, ApiClient::Ok ok, Failed failed)
{
    m_api->post(QStringLiteral("/api/chat/unassigned/%1/reply").arg(unassignedId),
                {{QStringLiteral("message"), text}, {QStringLiteral("client_message_id"), clientMessageId}},
                context, std::move(ok), std::move(failed));
}

void ConsoleSession::setStatus(const QString &status)
{
    m_api->post(
        QStringLiteral("/api/agents/me/status"), {{QStringLiteral("status"), status}}, this,
        [this, status](const QJsonObject &) {
            m_status = status;
            Q_EMIT statusChanged(status);
        },
        [this](const RequestError &e) {
            Q_EMIT statusChanged(m_status); // the switch shows what the server still has
            Q_EMIT actionFailed(tr("Changing your status"), e);
        });
}

void ConsoleSession::setOpenConversation(int ticketId, MessageModel *messages)
{
    m_openTicket = ticketId;
    m_messages = messages;
    if (!messages)
        return;
    const QJsonObject c = m_conversations->conversation(ticketId);
    messages->setTechnicianName(c.value(QStringLiteral("contact_name")).toString());
    messages->reset({}, false);
    if (ticketId > 0)
        loadThread(true);
}

void ConsoleSession::loadThread(bool markRead)
{
    const int ticket = m_openTicket;
    const quint64 load = ++m_threadLoad;
    m_threadLoading = true;
    m_threadEvents.clear();
    m_api->messages(
        ticket, pageSize, 0, this,
        [this, ticket, markRead, load](const QJsonObject &answer) {
            if (load != m_threadLoad || ticket != m_openTicket || !m_messages)
                return;
            m_threadLoading = false;
            m_messages->reset(answer.value(QStringLiteral("messages")).toArray(),
                              answer.value(QStringLiteral("has_more")).toBool(), true);
            // What changed while the page was read: the page reflects events up to its seq.
            const qint64 pageSeq = answer.value(QStringLiteral("seq")).toInteger();
            for (const auto &[seq, message] : std::as_const(m_threadEvents))
                if (seq > pageSeq)
                    m_messages->upsert(message);
            m_threadEvents.clear();
            Q_EMIT threadLoaded(ticket);
            // Opening a conversation marks it read; it never takes a request.
            if (markRead)
                markOpenRead();
        },
        [this, load](const RequestError &e) {
            if (load != m_threadLoad)
                return; // a later load (another conversation, a new sign-in) has taken over
            m_threadLoading = false;
            for (const auto &[seq, message] : std::as_const(m_threadEvents))
                if (m_messages)
                    m_messages->upsert(message);
            m_threadEvents.clear();
            Q_EMIT actionFailed(tr("Loading the conversation"), e);
        });
}

void ConsoleSession::setOpenVisible(bool visible)
{
    if (visible == m_openVisible)
        return;
    m_openVisible = visible;
    if (visible)
        markOpenRead(); // what arrived while the window was hidden is seen now
    else
        m_readTimer.stop();
}

void ConsoleSession::markOpenRead()
{
    m_readTimer.stop();
    if (m_openTicket <= 0 || !m_openVisible || m_threadLoading)
        return;
    const int row = m_conversations->rowOf(m_openTicket);
    const bool unread =
        row < 0 || m_conversations->index(row).data(ConversationListModel::UnreadRole).toInt() > 0;
    // The message's event may come before the conversation's new count: ask anyway after an arrival.
    const bool arrived = std::exchange(m_arrived, false);
    if (!unread && !arrived)
        return;
    m_api->markRead(m_openTicket, this, nullptr, [this](const RequestError &e) {
        Q_EMIT actionFailed(tr("Marking the conversation read"), e);
    });
}

void ConsoleSession::acknowledge(int key)
{
    acknowledge(key, this, nullptr,
                [this](const RequestError &e) { Q_EMIT actionFailed(tr("Acknowledging"), e); });
}

void ConsoleSession::acknowledge(int key, QObject *context, Done done, Failed failed)
{
    // The request is the session's (the answer updates the models even when the asking widget has gone);
    // the callbacks are the widget's, and run only while it lives.
    const QPointer<QObject> guard(context);
    const auto finish = [guard, done] {
        if (guard && done)
            done();
    };
    const auto fail = [guard, failed](const RequestError &e) {
        if (guard && failed)
            failed(e);
    };
    if (key > 0) {
        m_api->acknowledge(
            key, this, [finish](const QJsonObject &) { finish(); }, fail);
    } else if (key < 0) {
        m_api->acknowledgeUnassigned(
            -key, this,
            [this, finish](const QJsonObject &answer) {
                if (m_unassigned)
                    m_unassigned->upsert(answer.value(QStringLiteral("unassigned")).toObject());
                finish();
            },
            fail);
    }
}

namespace {

// An answer whose body the caller does not need.
ApiClient::Ok ignoringBody(ConsoleSession::Done done)
{
    return [done = std::move(done)](const QJsonObject &) {
        if (done)
            done();
    };
}

} // namespace

void ConsoleSession::resolve(int ticketId, const QString &note, QObject *context, Done done, Failed failed)
{
    m_api->resolve(ticketId, note, context, ignoringBody(std::move(done)), std::move(failed));
}

void ConsoleSession::sendTemplate(int ticketId)
{
    m_api->sendTemplate(ticketId, this, nullptr, [this](const RequestError &e) {
        Q_EMIT actionFailed(tr("Sending the template"), e);
    });
}

void ConsoleSession::attach(qint64 unassignedId, int ticketId, QObject *context, Done done, Failed failed)
{
    m_api->attach(unassignedId, ticketId, context, ignoringBody(std::move(done)), std::move(failed));
}

void ConsoleSession::loadOlder()
{
    if (!m_messages || !m_messages->hasMore() || m_loadingOlder || m_openTicket <= 0)
        return;
    m_loadingOlder = true;
    const int ticket = m_openTicket;
    m_api->messages(
        ticket, pageSize, m_messages->oldestId(), this,
        [this, ticket](const QJsonObject &answer) {
            m_loadingOlder = false;
            if (ticket != m_openTicket || !m_messages)
                return;
            const QJsonArray older = answer.value(QStringLiteral("messages")).toArray();
            m_messages->prependOlder(older, answer.value(QStringLiteral("has_more")).toBool());
            Q_EMIT olderLoaded(ticket, int(older.size()));
        },
        [this](const RequestError &e) {
            m_loadingOlder = false;
            Q_EMIT actionFailed(tr("Loading older messages"), e);
        });
}

QString ConsoleSession::send(const QString &text)
{
    const QString id = newClientMessageId();
    sendWithId(m_openTicket, text, id, m_recipient);
    return id;
}

void ConsoleSession::sendWithId(int ticket, const QString &text, const QString &id, const QString &to)
{
    m_pendingText.insert(id, text);
    m_unsent.remove(id);
    if (m_messages && ticket == m_openTicket)
        m_messages->addPending(text, id, m_agentName);
    QPointer<MessageModel> messages(m_messages);
    const quint64 generation = m_generation;
    m_api->send(
        ticket, text, id, to, this,
        [this, messages, ticket, id](const QJsonObject &answer) {
            m_pendingText.remove(id);
            if (messages && ticket == m_openTicket)
                messages->upsert(answer.value(QStringLiteral("chat_message")).toObject());
        },
        [this, messages, ticket, id, text, to, generation](const RequestError &e) {
            // Without an answer nobody knows whether it went: it is sent again with the same id, which
            // the server stores and sends at most once, as soon as the connection is back.
            if (e.isNetwork() && generation == m_generation)
                m_unsent.insert(id, {ticket, text, to});
            // 502 leaves the failed message in the thread with its reason (an event brings it); other
            // refusals never stored it: the pending bubble shows why.
            if (messages && ticket == m_openTicket)
                messages->markFailed(id,
                                     e.isNetwork() ? tr("Not sent yet: %1 It is sent again as soon as "
                                                        "the connection is back.")
                                                         .arg(e.message)
                                                   : e.message,
                                     e.isNetwork());
            else
                Q_EMIT actionFailed(tr("Sending on %1")
                                        .arg(m_conversations->conversation(ticket)
                                                 .value(QStringLiteral("ticket_reference"))
                                                 .toString()),
                                    e);
        });
}

QString ConsoleSession::sendFile(const QByteArray &bytes, const QString &mimeType, const QString &fileName,
                                 const QString &caption)
{
    const QString id = newClientMessageId();
    sendFileWithId({m_openTicket, bytes, mimeType, fileName, caption.trimmed(), m_recipient}, id);
    return id;
}

void ConsoleSession::sendFileWithId(const PendingFile &file, const QString &id)
{
    m_pendingFiles.insert(id, file);
    if (m_messages && file.ticketId == m_openTicket)
        m_messages->addPendingFile(file.caption, id, m_agentName, file.mimeType, file.fileName,
                                   file.bytes.size());
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("client_message_id"), id);
    if (!file.caption.isEmpty())
        query.addQueryItem(QStringLiteral("caption"),
                           QString::fromLatin1(QUrl::toPercentEncoding(file.caption)));
    if (!file.fileName.isEmpty())
        query.addQueryItem(QStringLiteral("filename"),
                           QString::fromLatin1(QUrl::toPercentEncoding(file.fileName)));
    if (!file.to.isEmpty())
        query.addQueryItem(QStringLiteral("to"), file.to);
    QPointer<MessageModel> messages(m_messages);
    const int ticket = file.ticketId;
    m_api->postBytes(
        QStringLiteral("/api/chat/%1/media").arg(ticket), query, file.bytes, file.mimeType, this,
        [this, messages, ticket, id](const QJsonObject &answer) {
            m_pendingFiles.remove(id);
            if (messages && ticket == m_openTicket)
                messages->upsert(answer.value(QStringLiteral("chat_message")).toObject());
        },
        [this, messages, ticket, id](const RequestError &e) {
            // A file refused for good is not kept: the agent attaches it again. One that got no answer is
            // kept for a retry with the same id, which the server sends at most once.
            if (!e.isNetwork() && e.status != 502 && e.status != 504)
                m_pendingFiles.remove(id);
            if (messages && ticket == m_openTicket)
                messages->markFailed(
                    id,
                    e.isNetwork() ? tr("Not sent: %1 Activate the message to send it again.").arg(e.message)
                                  : e.message,
                    e.isNetwork());
            else
                Q_EMIT actionFailed(tr("Sending a file on %1")
                                        .arg(m_conversations->conversation(ticket)
                                                 .value(QStringLiteral("ticket_reference"))
                                                 .toString()),
                                    e);
        });
}

void ConsoleSession::retry(const QString &clientMessageId)
{
    if (m_pendingFiles.contains(clientMessageId)) {
        const PendingFile file = m_pendingFiles.take(clientMessageId);
        const int row = m_messages ? m_messages->rowOfClientId(clientMessageId) : -1;
        const bool unconfirmed =
            row >= 0 && m_messages->index(row).data(MessageModel::UnconfirmedRole).toBool();
        sendFileWithId(file, unconfirmed ? clientMessageId : newClientMessageId());
        return;
    }
    QString text = m_pendingText.value(clientMessageId);
    if (text.isEmpty() && m_messages) {
        const int row = m_messages->rowOfClientId(clientMessageId);
        if (row >= 0)
            text = m_messages->index(row).data(MessageModel::TextRole).toString();
    }
    if (text.isEmpty())
        return;
    const int row = m_messages ? m_messages->rowOfClientId(clientMessageId) : -1;
    const bool unconfirmed = row >= 0 && m_messages->index(row).data(MessageModel::UnconfirmedRole).toBool();
    // A refused message is retried as a new send with a new id (API.md); one that may have gone keeps
    // its id, so the server does not send it twice.
    sendWithId(m_openTicket, text, unconfirmed ? clientMessageId : newClientMessageId(), m_recipient);
}

void ConsoleSession::resendUnsent()
{
    const QHash<QString, Unsent> unsent = std::exchange(m_unsent, {});
    for (auto it = unsent.cbegin(); it != unsent.cend(); ++it) {
        qCInfo(lcApi) << "sending again after the connection came back:" << it.key();
        sendWithId(it->ticketId, it->text, it.key(), it->to);
    }
}
