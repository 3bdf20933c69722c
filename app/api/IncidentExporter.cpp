#include "IncidentExporter.h"

#include "ConsoleLogging.h"
#include "ConsoleSession.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <filesystem>
#include <system_error>
#include <vector>

IncidentExporter::IncidentExporter(ConsoleSession *session, QObject *parent)
    : QObject(parent)
    , m_session(session)
{}

QString IncidentExporter::formatName(Format format)
{
    return format == Format::Pdf ? QStringLiteral("pdf") : QStringLiteral("json");
}

IncidentExporter::Format IncidentExporter::formatOf(const QString &path)
{
    return path.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive) ? Format::Pdf : Format::Json;
}

QString IncidentExporter::suggestedFileName(const QString &reference, int ticketId, Format format)
{
    // As the server names it: only characters every file system takes.
    QString name = reference.left(80);
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
    if (name.isEmpty())
        name = QString::number(ticketId);
    return QStringLiteral("incident-%1.%2").arg(name, formatName(format));
}

QString IncidentExporter::fingerprintOf(const QByteArray &publicKey)
{
    const QByteArray hex = QCryptographicHash::hash(publicKey, QCryptographicHash::Sha256).left(16).toHex();
    QStringList groups;
    for (int i = 0; i < hex.size(); i += 4)
        groups << QString::fromLatin1(hex.mid(i, 4));
    return groups.join(QLatin1Char(' '));
}

QByteArray IncidentExporter::checksumFile(const QByteArray &sha256Hex, const QString &fileName)
{
    return sha256Hex + "  " + fileName.toUtf8() + '\n';
}

QByteArray IncidentExporter::signatureFile(const QString &fileName, const QByteArray &sha256Hex,
                                           const QByteArray &signature, const QByteArray &publicKey,
                                           const QString &fingerprint)
{
    const QJsonObject o{{QStringLiteral("algorithm"), QStringLiteral("ed25519")},
                        {QStringLiteral("file"), fileName},
                        {QStringLiteral("sha256"), QString::fromLatin1(sha256Hex)},
                        {QStringLiteral("signature"), QString::fromLatin1(signature.toBase64())},
                        {QStringLiteral("public_key"), QString::fromLatin1(publicKey.toBase64())},
                        {QStringLiteral("fingerprint"), fingerprint}};
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

bool IncidentExporter::start(int ticketId, Format format, const QString &path)
{
    if (m_busy || ticketId <= 0 || path.isEmpty())
        return false;
    m_busy = true;
    m_format = format;
    m_path = path;
    m_session->exportIncident(
        ticketId, formatName(format), this, [this](const ApiClient::Download &d) { received(d); },
        [this, format](const RequestError &e) {
            if (e.code == QLatin1String("export_not_allowed"))
                fail(tr("Only supervisors and admins can export incidents; ask one of them to export this "
                        "one."));
            else if (format == Format::Pdf && (e.code == QLatin1String("pdf_unavailable") ||
                                               e.code == QLatin1String("invalid_format")))
                // pdf_unavailable: this server cannot draw PDFs; invalid_format: one older than PDF exports.
                fail(tr("This server does not make PDF exports. Export the signed JSON instead, or ask its "
                        "administrator about PDF exports."));
            else
                fail(tr("The incident was not exported: %1").arg(e.message));
        });
    return true;
}

void IncidentExporter::received(const ApiClient::Download &d)
{
    const bool pdf = m_format == Format::Pdf;
    const bool rightType = pdf ? d.mimeType.startsWith(QLatin1String("application/pdf"))
                               : d.mimeType.contains(QLatin1String("json"));
    if (!rightType) {
        fail(tr("The server sent %1 rather than a %2 export. Nothing was saved.")
                 .arg(d.mimeType.isEmpty() ? tr("something untyped") : d.mimeType,
                      pdf ? QStringLiteral("PDF") : QStringLiteral("JSON")));
        return;
    }
    const QByteArray claimed = d.header("X-Liftline-Sha256").trimmed().toLower();
    const auto signature = QByteArray::fromBase64Encoding(d.header("X-Liftline-Signature").trimmed(),
                                                          QByteArray::AbortOnBase64DecodingErrors);
    m_fingerprint = QString::fromUtf8(d.header("X-Liftline-Signing-Key").trimmed());
    if (claimed.isEmpty() || !signature || signature.decoded.size() != 64 || m_fingerprint.isEmpty()) {
        fail(tr("The export came without its checksum, signature or key (X-Liftline-Sha256, "
                "X-Liftline-Signature, X-Liftline-Signing-Key). Nothing was saved."));
        return;
    }
    const QByteArray actual = QCryptographicHash::hash(d.body, QCryptographicHash::Sha256).toHex();
    if (actual != claimed) {
        fail(tr("The export arrived damaged: its SHA-256 is %1, but the server signed %2. Nothing was saved; "
                "export it again.")
                 .arg(QString::fromLatin1(actual), QString::fromLatin1(claimed.left(64))));
        return;
    }
    m_body = d.body;
    m_sha256 = actual;
    m_signature = signature.decoded;
    // The signature file names the public key, which the headers give only as a fingerprint.
    m_session->signingKey(
        this,
        [this](const QJsonObject &answer) {
            const auto key = QByteArray::fromBase64Encoding(
                answer.value(QStringLiteral("public_key")).toString().toLatin1(),
                QByteArray::AbortOnBase64DecodingErrors);
            const QString published = key ? fingerprintOf(key.decoded) : QString();
            if (!key || key.decoded.size() != 32 || published != m_fingerprint) {
                fail(tr("The export was signed with the key %1, but the server publishes the key %2. Nothing "
                        "was saved; export it again.")
                         .arg(m_fingerprint, published.isEmpty() ? tr("(unreadable)") : published));
                return;
            }
            write(key.decoded);
        },
        [this](const RequestError &e) {
            fail(tr("The server's public key could not be read, and the signature file needs it: %1 Nothing "
                    "was saved.")
                     .arg(e.message));
        });
}

void IncidentExporter::write(const QByteArray &publicKey)
{
    const QString name = QFileInfo(m_path).fileName();
    const QString folder = QFileInfo(m_path).absolutePath();
    struct File {
        QString path; // where it goes
        QByteArray bytes;
        QString temporary; // written first, in the same folder, then renamed to path
    };
    std::vector<File> files{
        {m_path, m_body, {}},
        {m_path + QStringLiteral(".sha256"), checksumFile(m_sha256, name), {}},
        {m_path + QStringLiteral(".sig"),
         signatureFile(name, m_sha256, m_signature, publicKey, m_fingerprint),
         {}},
    };
    const auto removeTemporaries = [&files] {
        for (const File &f : files)
            if (!f.temporary.isEmpty())
                QFile::remove(f.temporary);
    };
    // All three or none: each is written whole to a temporary file beside its place first, and only when
    // all three are there are they renamed into place, so that a folder that refuses one leaves no export
    // without its checksum and signature (nor beside those of an earlier export).
    for (File &f : files) {
        const QString temporary =
            QStringLiteral("%1/.liftline-export-%2.part")
                .arg(folder, QString::number(QRandomGenerator::global()->generate64(), 36));
        QFile file(temporary);
        if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
            removeTemporaries();
            fail(tr("%1 could not be written: %2. Nothing was saved.").arg(f.path, file.errorString()));
            return;
        }
        f.temporary = temporary;
        if (file.write(f.bytes) != f.bytes.size() || !file.flush()) {
            const QString why = file.errorString();
            file.close();
            removeTemporaries();
            fail(tr("%1 could not be written: %2. Nothing was saved.").arg(f.path, why));
            return;
        }
        file.close();
        if (file.error() != QFileDevice::NoError) {
            removeTemporaries();
            fail(tr("%1 could not be written: %2. Nothing was saved.").arg(f.path, file.errorString()));
            return;
        }
    }
    // Renamed over a file already there (the agent said to replace it) in one step each.
    QStringList placed;
    for (File &f : files) {
        std::error_code error;
        std::filesystem::rename(QFile(f.temporary).filesystemFileName(), QFile(f.path).filesystemFileName(),
                                error);
        if (!error) {
            placed << f.path;
            f.temporary.clear();
            continue;
        }
        removeTemporaries();
        QStringList left;
        for (const QString &path : std::as_const(placed))
            if (!QFile::remove(path))
                left << path;
        const QString why = QString::fromLocal8Bit(error.message());
        if (placed.isEmpty())
            fail(tr("%1 could not be written: %2. Nothing was saved.").arg(f.path, why));
        else if (left.isEmpty())
            fail(tr("%1 could not be written: %2. What was already in place was removed again (%3): nothing "
                    "was saved.")
                     .arg(f.path, why, placed.join(QStringLiteral(", "))));
        else
            fail(tr("%1 could not be written: %2. What was already in place could not all be removed again: "
                    "delete %3 by hand, as it lacks its checksum or signature file.")
                     .arg(f.path, why, left.join(QStringLiteral(", "))));
        return;
    }
    qCInfo(lcApi) << "export saved:" << m_path << m_body.size() << "bytes, SHA-256" << m_sha256;
    m_busy = false;
    const QString path = m_path;
    const QString sha = QString::fromLatin1(m_sha256);
    m_body.clear();
    Q_EMIT finished(path, sha);
}

void IncidentExporter::fail(const QString &message)
{
    m_busy = false;
    m_body.clear();
    Q_EMIT failed(message);
}
