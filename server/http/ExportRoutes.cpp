#include "ExportRoutes.h"

#include "ApiContext.h"
#include "HttpServer.h"
#include "chat/IncidentExport.h"

#include <QJsonObject>

namespace ExportRoutes {

namespace {

const SigningKey &requireKey(const SigningKeySource &source)
{
    QString error;
    const SigningKey &key = source(&error);
    if (!key.isValid())
        throw ApiError(503, QStringLiteral("signing_key_unavailable"), // the reason is in the server's log
                       QStringLiteral("The server cannot read or make its signing key; its log says why"));
    return key;
}

} // namespace

void install(HttpServer &server, ApiContext &ctx, SigningKeySource source)
{
    server.route(
        "GET", QStringLiteral("/api/chat/{ticketId}/export"),
        [&ctx, source](const HttpRequest &request, ReplyPtr reply) {
            const QString format = request.query.queryItemValue(QStringLiteral("format"), QUrl::FullyDecoded);
            ctx.authed(request, reply, [request, format, source](Db &db, const Principal &who) {
                const int ticket = ApiContext::ticketId(request);
                const bool pdf = format == QLatin1String("pdf");
                if (!format.isEmpty() && format != QLatin1String("json") && !pdf)
                    throw ApiError(400, QStringLiteral("invalid_format"),
                                   QStringLiteral("format is pdf or json, not '%1'").arg(format.left(20)));
                IncidentExport::requireExporter(who);
                const SigningKey &key = requireKey(source);
                IncidentExport::recordKey(db, key);
                const IncidentExport::Export e = IncidentExport::make(
                    db, ticket, who, key, pdf ? IncidentExport::Format::Pdf : IncidentExport::Format::Json);
                HttpResponse r =
                    HttpResponse::text(e.document, 200, pdf ? "application/pdf" : "application/json");
                r.headers.append({QByteArray("Content-Disposition"),
                                  "attachment; filename=\"" + e.fileName.toUtf8() + '"'});
                r.headers.append({QByteArray("X-Liftline-Sha256"), e.sha256Hex});
                r.headers.append({QByteArray("X-Liftline-Signature"), e.signature.toBase64()});
                r.headers.append({QByteArray("X-Liftline-Signing-Key"), e.fingerprint.toUtf8()});
                r.headers.append({QByteArray("Cache-Control"), QByteArray("no-store")});
                return r;
            });
        });

    server.route("GET", QStringLiteral("/api/chat/signing-key"),
                 [&ctx, source](const HttpRequest &, ReplyPtr reply) {
                     ctx.run(reply, [source](Db &) {
                         const SigningKey &key = requireKey(source);
                         return HttpResponse::json({{QStringLiteral("ok"), true},
                                                    {QStringLiteral("algorithm"), QStringLiteral("ed25519")},
                                                    {QStringLiteral("public_key"), key.publicKeyBase64()},
                                                    {QStringLiteral("fingerprint"), key.fingerprint()}});
                     });
                 });
}

} // namespace ExportRoutes
