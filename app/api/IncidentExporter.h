#pragma once

#include "ApiClient.h"

#include <QObject>
#include <QString>

class ConsoleSession;

// Saves one incident's signed export as liftline-server's `export` command does: the file exactly as the
// server sent it, FILE.sha256 ("<hex>  <name>\n", which `sha256sum -c` checks) and FILE.sig (the signature
// file `liftline-server verify-export` reads). Nothing is written unless the body's own SHA-256 is the one
// the server signed and the key that signed it is the one the server publishes: a file damaged on the way
// is never saved beside a checksum that would make it look whole.
class IncidentExporter : public QObject {
    Q_OBJECT
public:
    enum class Format { Json, Pdf };

    explicit IncidentExporter(ConsoleSession *session, QObject *parent = nullptr);

    // Asks the server for ticketId's export and writes it to `path` (and path.sha256, path.sig), all three
    // or none: each to a temporary file in the folder first, then renamed into place (replacing what is
    // there), a rename that fails taking back those done before it. finished or failed follows. One export
    // at a time: false (and nothing done) while one is under way.
    bool start(int ticketId, Format format, const QString &path);
    bool isBusy() const { return m_busy; }

    // "json" or "pdf", as the server's format parameter.
    static QString formatName(Format format);
    // The format a file name asks for: PDF for ".pdf", else JSON.
    static Format formatOf(const QString &path);
    // "incident-JAMES-HOUSE-TKT1.json", the name the server gives the file.
    static QString suggestedFileName(const QString &reference, int ticketId, Format format);
    // The key's fingerprint as the server shows it: the first 16 bytes of its SHA-256, in groups of four
    // hex digits ("6cca 52a8 ...").
    static QString fingerprintOf(const QByteArray &publicKey);
    // The two files beside the export, byte for byte as the command line writes them.
    static QByteArray checksumFile(const QByteArray &sha256Hex, const QString &fileName);
    static QByteArray signatureFile(const QString &fileName, const QByteArray &sha256Hex,
                                    const QByteArray &signature, const QByteArray &publicKey,
                                    const QString &fingerprint);

Q_SIGNALS:
    void finished(const QString &path, const QString &sha256Hex);
    // Why nothing (or not everything) was saved, in words.
    void failed(const QString &message);

private:
    void received(const ApiClient::Download &download);
    void write(const QByteArray &publicKey);
    void fail(const QString &message);

    ConsoleSession *m_session;
    bool m_busy = false;
    Format m_format = Format::Json;
    QString m_path;
    QByteArray m_body;
    QByteArray m_sha256; // hex, lower case
    QByteArray m_signature;
    QString m_fingerprint;
};
