#include "ExportFileDialog.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QStandardPaths>

QString ExportFileDialog::ask(QWidget *parent, const QString &reference, int ticketId,
                              IncidentExporter::Format *format)
{
    const QString json = tr("Signed JSON, for machines and auditors (*.json)");
    const QString pdf = tr("PDF, for people to read (*.pdf)");
    QString chosen = json;
    QString start = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) + QLatin1Char('/') +
                    IncidentExporter::suggestedFileName(reference, ticketId, IncidentExporter::Format::Json);
    for (;;) {
        const QString picked =
            QFileDialog::getSaveFileName(parent, tr("Export incident %1").arg(reference), start,
                                         json + QStringLiteral(";;") + pdf, &chosen);
        if (picked.isEmpty())
            return {};
        const IncidentExporter::Format asked =
            chosen == pdf ? IncidentExporter::Format::Pdf : IncidentExporter::Format::Json;
        const QString path = withSuffix(picked, asked);
        // The dialog asked about the name picked, before its extension was added or changed, and never
        // about the two files beside it: whatever of the three is there is asked about here.
        QStringList there;
        for (const QString &file : {path, path + QStringLiteral(".sha256"), path + QStringLiteral(".sig")})
            if (file != picked && QFileInfo::exists(file))
                there << QFileInfo(file).fileName();
        if (!there.isEmpty()) {
            const QString question =
                tr("%1 already exists in %2. Replace it with this export?", nullptr, int(there.size()))
                    .arg(there.join(QStringLiteral(", ")),
                         QDir::toNativeSeparators(QFileInfo(path).absolutePath()));
            if (QMessageBox::question(parent, tr("Replace the export?"), question,
                                      QMessageBox::Yes | QMessageBox::No,
                                      QMessageBox::No) != QMessageBox::Yes) {
                start = path; // another name, or cancel
                continue;
            }
        }
        *format = asked;
        return path;
    }
}

QString ExportFileDialog::withSuffix(const QString &path, IncidentExporter::Format format)
{
    // The type chosen decides; the name the agent typed keeps its own words with the right extension.
    const QString suffix = QLatin1Char('.') + IncidentExporter::formatName(format);
    if (path.endsWith(suffix, Qt::CaseInsensitive))
        return path;
    const QString other =
        QLatin1Char('.') + IncidentExporter::formatName(format == IncidentExporter::Format::Pdf
                                                            ? IncidentExporter::Format::Json
                                                            : IncidentExporter::Format::Pdf);
    QString out = path;
    if (out.endsWith(other, Qt::CaseInsensitive))
        out.chop(other.size());
    return out + suffix;
}
