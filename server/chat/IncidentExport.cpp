#include "IncidentExport.h"

#include "IncidentPdf.h"
#include "auth/SigningKey.h"
#include "db/AuditChain.h"
#include "db/AuditLog.h"
#include "db/Db.h"
#include "domain/DomainError.h"
#include "domain/Principal.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSqlQuery>

namespace IncidentExport {

void requireExporter(const Principal &who)
{
    if (who.isAdmin() || (who.kind == Principal::Kind::Agent && who.role == QLatin1String("supervisor")))
        return;
    throw DomainError(DomainError::Kind::Forbidden, QStringLiteral("export_not_allowed"),
                      QStringLiteral("Exporting an incident is for supervisors and admins; ask one of them, "
                                     "or an admin to give your account the supervisor role"));
}

Export json(Db &db, int ticketId, const Principal &who, const SigningKey &key)
{
    return make(db, ticketId, who, key, Format::Json);
}

Export make(Db &db, int ticketId, const Principal &who, const SigningKey &key, Format format)
{
    requireExporter(who);
    QString why;
    if (format == Format::Pdf && !IncidentPdf::available(&why))
        throw DomainError(DomainError::Kind::NotPossible, QStringLiteral("pdf_unavailable"),
                          QStringLiteral("This server cannot draw PDFs (%1): export as JSON").arg(why));
    Export e;
    e.publicKey = key.publicKey();
    e.fingerprint = key.fingerprint();
    // What was written until now is chained first (after a run under way), so that the export names its
    // entries; a backlog past 200,000 facts (just after an upgrade) is left to the sequencer.
    AuditChain::catchUp(db);
    QString reference;
    // One snapshot of the record; the PDF is drawn from it afterwards, outside the transaction.
    db.transaction([&] {
        QSqlQuery &q = db.exec(
            QStringLiteral(
                "SELECT jsonb_build_object('format', 'liftline.incident-export/1', 'exported_at', now(), "
                "'exported_by', ?::text, 'signing_key', jsonb_build_object('algorithm', 'ed25519', "
                "'fingerprint', ?::text, 'public_key', ?::text)) || d, t.ticket_reference "
                "FROM incident_export_json(?) d, tickets t WHERE t.id = ? AND d IS NOT NULL"),
            {who.actorName().isEmpty() ? who.actorKind() : who.actorName(), e.fingerprint,
             key.publicKeyBase64(), ticketId, ticketId});
        if (!q.next())
            throw DomainError(DomainError::Kind::NotFound, QStringLiteral("ticket_not_found"),
                              QStringLiteral("There is no ticket %1").arg(ticketId));
        e.document = q.value(0).toString().toUtf8() + '\n';
        reference = q.value(1).toString();
        q.finish();
    });
    reference.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
    const QString base = QStringLiteral("incident-%1")
                             .arg(reference.isEmpty() ? QString::number(ticketId) : reference.left(80));
    QJsonObject details;
    if (format == Format::Pdf) {
        // The PDF is tied to the JSON it was drawn from: that document's SHA-256 is recorded with it.
        details.insert(
            QStringLiteral("record_sha256"),
            QString::fromLatin1(QCryptographicHash::hash(e.document, QCryptographicHash::Sha256).toHex()));
        e.document = IncidentPdf::render(QJsonDocument::fromJson(e.document).object());
        e.fileName = base + QStringLiteral(".pdf");
    } else {
        e.fileName = base + QStringLiteral(".json");
    }
    e.sha256Hex = QCryptographicHash::hash(e.document, QCryptographicHash::Sha256).toHex();
    e.signature = key.sign(e.document);
    details.insert(QStringLiteral("format"),
                   format == Format::Pdf ? QStringLiteral("pdf") : QStringLiteral("json"));
    details.insert(QStringLiteral("sha256"), QString::fromLatin1(e.sha256Hex));
    details.insert(QStringLiteral("bytes"), double(e.document.size()));
    details.insert(QStringLiteral("signing_key"), e.fingerprint);
    AuditLog::record(db, who, QStringLiteral("ticket.exported"), ticketId, details);
    return e;
}

void recordKey(Db &db, const SigningKey &key)
{
    db.exec(QStringLiteral("INSERT INTO signing_keys (fingerprint, public_key) VALUES (?, ?) "
                           "ON CONFLICT DO NOTHING"),
            {key.fingerprint(), key.publicKeyBase64()});
}

QByteArray signatureFile(const Export &e)
{
    const QJsonObject o{{QStringLiteral("algorithm"), QStringLiteral("ed25519")},
                        {QStringLiteral("file"), e.fileName},
                        {QStringLiteral("sha256"), QString::fromLatin1(e.sha256Hex)},
                        {QStringLiteral("signature"), QString::fromLatin1(e.signature.toBase64())},
                        {QStringLiteral("public_key"), QString::fromLatin1(e.publicKey.toBase64())},
                        {QStringLiteral("fingerprint"), e.fingerprint}};
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

QByteArray checksumFile(const Export &e)
{
    return e.sha256Hex + "  " + e.fileName.toUtf8() + '\n';
}

Verification verify(const QByteArray &document, const QByteArray &signatureFile,
                    const QByteArray &trustedPublicKey)
{
    Verification v;
    QJsonParseError parseError{};
    const QJsonObject o = QJsonDocument::fromJson(signatureFile, &parseError).object();
    const auto base64 = [&o](const char *name) {
        const auto d = QByteArray::fromBase64Encoding(o.value(QLatin1String(name)).toString().toLatin1(),
                                                      QByteArray::AbortOnBase64DecodingErrors);
        return d ? d.decoded : QByteArray();
    };
    const QByteArray publicKey = base64("public_key");
    const QByteArray signature = base64("signature");
    if (parseError.error != QJsonParseError::NoError ||
        o.value(QLatin1String("algorithm")).toString() != QLatin1String("ed25519") ||
        publicKey.size() != 32 || signature.size() != 64) {
        v.message = QStringLiteral("The signature file is not a Liftline export signature (a JSON object "
                                   "with algorithm ed25519, signature and public_key in base64)");
        return v;
    }
    v.fingerprint = SigningKey::fingerprintOf(publicKey);
    const QByteArray sha = QCryptographicHash::hash(document, QCryptographicHash::Sha256).toHex();
    if (o.value(QLatin1String("sha256")).toString().toLatin1() != sha) {
        v.message = QStringLiteral("The file's SHA-256 is %1, not the %2 it was signed with: the file was "
                                   "changed after it was exported, or it is another file")
                        .arg(QString::fromLatin1(sha), o.value(QLatin1String("sha256")).toString().left(64));
        return v;
    }
    if (!SigningKey::verify(publicKey, document, signature)) {
        v.message = QStringLiteral("The signature does not match the file and the key %1: the file or its "
                                   "signature was changed")
                        .arg(v.fingerprint);
        return v;
    }
    if (!trustedPublicKey.isEmpty() && trustedPublicKey != publicKey) {
        v.message = QStringLiteral("The file is intact and signed, but by the key %1, not by the key %2 you "
                                   "trust")
                        .arg(v.fingerprint, SigningKey::fingerprintOf(trustedPublicKey));
        return v;
    }
    if (trustedPublicKey.isEmpty()) {
        // Anyone can sign a changed file with a key of their own and write its signature file: without
        // the key the reader trusts, the signer is not known.
        v.intactButSignerUnchecked = true;
        v.message = QStringLiteral("The file matches its signature by the key %1, but that key was not "
                                   "checked: pass the public key the server publishes (GET "
                                   "/api/chat/signing-key, or 'liftline-server signing-key') as --public-key")
                        .arg(v.fingerprint);
        return v;
    }
    v.ok = true;
    v.message = QStringLiteral("The file is intact and signed by the trusted key %1").arg(v.fingerprint);
    return v;
}

} // namespace IncidentExport
