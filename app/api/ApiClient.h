#pragma once

#include "RequestError.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <QUrlQuery>
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

// The console's REST client for liftline-server (API.md). Every call names a context object: its
// callbacks run only while that object lives, so no answer ever reaches a closed window.
class ApiClient : public QObject {
    Q_OBJECT
public:
    using Ok = std::function<void(const QJsonObject &)>;
    using Failed = std::function<void(const RequestError &)>;

    explicit ApiClient(QObject *parent = nullptr);

    void setBaseUrl(const QUrl &url);
    QUrl baseUrl() const { return m_base; }
    void setToken(const QByteArray &token) { m_token = token; }
    QByteArray token() const { return m_token; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    void get(const QString &path, const QUrlQuery &query, QObject *context, Ok ok, Failed failed);
    // `prefer`, when given, is sent as the Prefer header (RFC 7240).
    void post(const QString &path, const QJsonObject &body, QObject *context, Ok ok, Failed failed,
              const QByteArray &prefer = {});
    void put(const QString &path, const QJsonObject &body, QObject *context, Ok ok, Failed failed);
    // A file's bytes (GET /api/chat/media/{id}) and its type; failures as for JSON routes. The transfer
    // timeout counts from the last bytes received, so a large file on a slow link is not cut off.
    using Bytes = std::function<void(const QByteArray &bytes, const QString &mimeType)>;
    void getBytes(const QString &path, QObject *context, Bytes ok, Failed failed);
    // A body that is not the JSON envelope, with the answer's headers: a signed export carries its
    // checksum and signature in headers beside the bytes. timeoutMs, when longer than the client's, is the
    // wait for an answer that the server makes whole before its first byte (an export: exportTimeoutMs).
    struct Download {
        QByteArray body;
        QString mimeType;
        QHash<QByteArray, QByteArray> headers; // names in lower case
        QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
    };
    using Downloaded = std::function<void(const Download &)>;
    void download(const QString &path, const QUrlQuery &query, QObject *context, Downloaded ok, Failed failed,
                  int timeoutMs = 0);
    // The server draws a whole PDF (1-2 s for 10,000 messages, longer when busy) before it sends a byte.
    static constexpr int exportTimeoutMs = 120000;
    // A file as the body (POST /api/chat/{id}/media), its fields in the query; the answer as JSON.
    void postBytes(const QString &path, const QUrlQuery &query, const QByteArray &bytes,
                   const QString &mimeType, QObject *context, Ok ok, Failed failed);

    // The routes the console uses.
    void login(const QString &username, const QString &password, QObject *context, Ok ok, Failed failed);
    void logout();
    void conversations(QObject *context, Ok ok, Failed failed);
    // The newest `limit` messages before message id `before` (0: the newest).
    void messages(int ticketId, int limit, qint64 before, QObject *context, Ok ok, Failed failed);
    // `to`: one of the ticket's participants; empty for the server's default.
    void send(int ticketId, const QString &text, const QString &clientMessageId, const QString &to,
              QObject *context, Ok ok, Failed failed);
    void markRead(int ticketId, QObject *context, Ok ok, Failed failed);
    void acknowledge(int ticketId, QObject *context, Ok ok, Failed failed);
    void resolve(int ticketId, const QString &note, QObject *context, Ok ok, Failed failed);
    void sendTemplate(int ticketId, QObject *context, Ok ok, Failed failed);
    void unassigned(QObject *context, Ok ok, Failed failed);
    void attach(qint64 unassignedId, int ticketId, QObject *context, Ok ok, Failed failed);
    // Takes the agent request of a message that reached no ticket.
    void acknowledgeUnassigned(qint64 unassignedId, QObject *context, Ok ok, Failed failed);

    // Turns a finished reply into either a JSON object or an error in words.
    static bool readAnswer(QNetworkReply *reply, QJsonObject *answer, RequestError *error);

Q_SIGNALS:
    // A request with a token was refused with 401: the session ended (expired, revoked, signed out).
    void authenticationLost(const QString &message);

private:
    QUrl url(const QString &path, const QUrlQuery &query = {}) const;
    void finish(QNetworkReply *reply, QObject *context, const Ok &ok, const Failed &failed);

    QNetworkAccessManager *m_network;
    QUrl m_base;
    QByteArray m_token;
    int m_timeoutMs = 20000;
};
