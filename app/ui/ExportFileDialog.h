#pragma once

#include "IncidentExporter.h"

#include <QCoreApplication>
#include <QString>

class QWidget;

class ExportFileDialog {
    Q_DECLARE_TR_FUNCTIONS(ExportFileDialog)
public:
    // Asks where to save a ticket's export and in which form, signed JSON or PDF (the type chosen in the
    // dialog, which also gives a name without one its extension). When the file, its .sha256 or its .sig is
    // there already (and the dialog did not just ask about it), asks before replacing them: No, the
    // default, asks for another name. Empty when the agent cancels.
    static QString ask(QWidget *parent, const QString &reference, int ticketId,
                       IncidentExporter::Format *format);
    // `path` with the format's extension, in place of the other format's if it has that.
    static QString withSuffix(const QString &path, IncidentExporter::Format format);
};
