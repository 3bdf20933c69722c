#pragma once

#include <QByteArray>
#include <QString>

class Db;
class SigningKey;
struct Principal;

// One incident's record as a file for machines (JSON) or for people (PDF, IncidentPdf), signed with the
// server's key (SigningKey): the file's SHA-256 and an Ed25519 signature over its exact bytes travel beside
// it (FILE.sha256 in sha256sum's format, FILE.sig), so an insurer can check it with the public key alone,
// without the database. What the file holds: incident_export_json (sql/functions/).
namespace IncidentExport {

struct Export {
    QByteArray document; // the file's bytes
    QByteArray sha256Hex;
    QByteArray signature; // 64 bytes
    QByteArray publicKey; // 32 bytes
    QString fingerprint;
    QString fileName; // incident-<reference>.json or .pdf
};

// Who may export (a role): admins and supervisors, the admin token and the command line. Throws
// DomainError Forbidden for anyone else.
void requireExporter(const Principal &who);

enum class Format { Json, Pdf };

// Builds and signs ticketId's export and records it in audit_log ('ticket.exported', with its format,
// SHA-256, size and key; a PDF also with the SHA-256 of the JSON record it was drawn from). Throws
// DomainError: NotFound for a ticket that does not exist, NotPossible (pdf_unavailable) for a PDF in a
// process without a QGuiApplication.
Export make(Db &db, int ticketId, const Principal &who, const SigningKey &key, Format format);
Export json(Db &db, int ticketId, const Principal &who, const SigningKey &key);

// The public key in signing_keys (once per key), so that its fingerprint stays on record.
void recordKey(Db &db, const SigningKey &key);

// FILE.sig: a small JSON object with the algorithm, the file's name and SHA-256, the signature and the
// public key (base64) and its fingerprint.
QByteArray signatureFile(const Export &e);
// FILE.sha256: "<hex>  <name>\n", which `sha256sum -c` checks.
QByteArray checksumFile(const Export &e);

struct Verification {
    bool ok = false;                       // intact, and signed by the trusted key
    bool intactButSignerUnchecked = false; // intact and signed, but no trusted key was given
    QString fingerprint;                   // of the key that signed, when the signature file could be read
    QString message;                       // what was checked, or what does not match
};
// Checks document against its signature file: the SHA-256, the signature with the public key the file
// names, and that it is trustedPublicKey (32 bytes); ok only when all three hold.
Verification verify(const QByteArray &document, const QByteArray &signatureFile,
                    const QByteArray &trustedPublicKey = {});

} // namespace IncidentExport
