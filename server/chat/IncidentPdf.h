#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

// The incident export for people: the same record as the JSON export (incident_export_json), laid out as
// an A4 PDF with Qt (QTextDocument printed on a QPdfWriter): the ticket and lift, the technicians, the
// response figures with each escalation step and call-out, the incident card's versions, the transcript
// with both times, authors, delivery statuses, failures, edits and deletions, the audited actions, and
// the audit chain's head and the entries it covers. Fonts come from fontconfig (the server package
// depends on fonts-dejavu-core).
namespace IncidentPdf {

// Whether this process can draw a PDF: it needs a QGuiApplication (the server and the command line run
// one on the offscreen platform). `why` says what is missing when not.
bool available(QString *why = nullptr);

// The PDF's bytes for one export object (the JSON export's content). Safe on any thread.
QByteArray render(const QJsonObject &record);

} // namespace IncidentPdf
