#include "IncidentPdf.h"

#include <QBuffer>
#include <QDateTime>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QTextDocument>
#include <QThread>

#include <memory>

namespace IncidentPdf {

namespace {

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString str(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 15);
    if (v.isBool())
        return v.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    if (v.isArray() || v.isObject())
        return QString::fromUtf8(v.isArray() ? QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact)
                                             : QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    return {};
}

// A stored time (jsonb's ISO text, microseconds and offset) as people read it: UTC to the second.
// What does not read as a time is shown as it is.
QString when(const QJsonValue &v)
{
    const QString text = v.toString();
    if (text.isEmpty())
        return {};
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(text, Qt::ISODate);
    if (!t.isValid())
        return text;
    return t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QStringLiteral(" UTC");
}

// A duration the record gives in seconds, to a tenth; empty while the moment has not come (null).
QString seconds(const QJsonValue &v)
{
    if (!v.isDouble())
        return {};
    return QString::number(v.toDouble(), 'f', 1) + QStringLiteral(" s");
}

// A JSON array of words (the services called) as a list; "none" when empty.
QString list(const QJsonValue &v)
{
    QStringList items;
    for (const QJsonValue &item : v.toArray())
        items << str(item);
    return items.isEmpty() ? QStringLiteral("none") : items.join(QStringLiteral(", "));
}

QString multiline(const QString &text)
{
    return esc(text).replace(QLatin1Char('\n'), QStringLiteral("<br/>"));
}

class Html {
public:
    void heading(const QString &text) { m_out += QStringLiteral("<h2>%1</h2>").arg(esc(text)); }
    void para(const QString &html) { m_out += QStringLiteral("<p>%1</p>").arg(html); }
    void raw(const QString &html) { m_out += html; }
    // A two-column table of label and value, leaving out empty values.
    void facts(const QList<std::pair<QString, QString>> &rows)
    {
        m_out += QStringLiteral("<table class=\"facts\" cellspacing=\"0\" cellpadding=\"2\">");
        for (const auto &[label, value] : rows)
            if (!value.isEmpty())
                m_out += QStringLiteral("<tr><td class=\"label\">%1</td><td>%2</td></tr>")
                             .arg(esc(label), multiline(value));
        m_out += QStringLiteral("</table>");
    }
    void table(const QStringList &header, const QList<QStringList> &rows)
    {
        m_out +=
            QStringLiteral("<table class=\"grid\" width=\"100%\" cellspacing=\"0\" cellpadding=\"2\"><tr>");
        for (const QString &h : header)
            m_out += QStringLiteral("<th>%1</th>").arg(esc(h));
        m_out += QStringLiteral("</tr>");
        for (const QStringList &row : rows) {
            m_out += QStringLiteral("<tr>");
            for (const QString &cell : row)
                m_out += QStringLiteral("<td>%1</td>").arg(multiline(cell));
            m_out += QStringLiteral("</tr>");
        }
        m_out += QStringLiteral("</table>");
    }
    QString text() const { return m_out; }

private:
    QString m_out;
};

QString author(const QJsonObject &m)
{
    if (m.value(QStringLiteral("direction")).toString() == QLatin1String("inbound"))
        return QStringLiteral("From %1").arg(m.value(QStringLiteral("from_number")).toString());
    const QString agent = m.value(QStringLiteral("agent_name")).toString();
    const QString by = m.value(QStringLiteral("sent_by")).toString();
    QString who = agent.isEmpty() ? (by.isEmpty() ? QStringLiteral("Liftline") : by) : agent;
    if (by == QLatin1String("system"))
        who = QStringLiteral("Liftline (automatic)");
    return QStringLiteral("%1 to %2").arg(who, m.value(QStringLiteral("to_number")).toString());
}

void transcript(Html &h, const QJsonArray &messages)
{
    h.heading(QStringLiteral("Transcript (%1 messages)").arg(messages.size()));
    if (messages.isEmpty()) {
        h.para(QStringLiteral("<i>No message is stored for this ticket (see the removals below when its "
                              "transcript has expired).</i>"));
        return;
    }
    h.para(QStringLiteral("<span class=\"small\">Each message: when it was received (or written, for the "
                          "call centre's), WhatsApp's own time, its author, and every delivery status with "
                          "its time. Edits, deletions and reactions follow the message they concern, each as "
                          "first stored.</span>"));
    // Paragraphs rather than one table: a table of 10,000 rows takes QTextDocument minutes to lay out.
    for (const QJsonValue &v : messages) {
        const QJsonObject m = v.toObject();
        QString head =
            QStringLiteral("<b>#%1</b> &nbsp; %2")
                .arg(str(m.value(QStringLiteral("id"))), esc(when(m.value(QStringLiteral("created_at")))));
        const QString wa = when(m.value(QStringLiteral("wa_timestamp")));
        if (!wa.isEmpty())
            head += QStringLiteral(" &nbsp;(WhatsApp %1)").arg(esc(wa));
        head += QStringLiteral(" &nbsp; <b>%1</b>").arg(esc(author(m)));
        const QString kind = m.value(QStringLiteral("kind")).toString();
        if (!kind.isEmpty() && kind != QLatin1String("text"))
            head += QStringLiteral(" &nbsp;[%1]").arg(esc(kind));
        QString body = multiline(m.value(QStringLiteral("message")).toString());
        const QJsonObject a = m.value(QStringLiteral("attachment")).toObject();
        if (!a.isEmpty()) {
            body += QStringLiteral("<br/><span class=\"small\">File: %1 %2, %3 bytes, SHA-256 %4 (%5)</span>")
                        .arg(esc(a.value(QStringLiteral("media_type")).toString()),
                             esc(a.value(QStringLiteral("filename")).toString()),
                             str(a.value(QStringLiteral("media_size_bytes"))),
                             esc(a.value(QStringLiteral("media_sha256")).toString()),
                             esc(a.value(QStringLiteral("status")).toString()));
        }
        QStringList delivery;
        for (const QJsonValue &s : m.value(QStringLiteral("statuses")).toArray()) {
            const QJsonObject st = s.toObject();
            QString line = QStringLiteral("%1 %2").arg(st.value(QStringLiteral("status")).toString(),
                                                       when(st.value(QStringLiteral("wa_timestamp"))));
            if (!st.value(QStringLiteral("errors")).isNull() &&
                !st.value(QStringLiteral("errors")).isUndefined())
                line += QStringLiteral(" (%1)").arg(str(st.value(QStringLiteral("errors"))).left(300));
            delivery << line;
        }
        const QString status = m.value(QStringLiteral("status")).toString();
        if (m.value(QStringLiteral("direction")).toString() == QLatin1String("outbound")) {
            if (delivery.isEmpty() && !status.isEmpty())
                delivery << status;
            const QString error = m.value(QStringLiteral("error_message")).toString();
            if (!error.isEmpty())
                delivery << QStringLiteral("failed: %1 %2")
                                .arg(m.value(QStringLiteral("error_code")).toString(), error);
        }
        if (!delivery.isEmpty())
            body += QStringLiteral("<br/><span class=\"small\">Delivery: %1</span>")
                        .arg(esc(delivery.join(QStringLiteral("; "))));
        for (const QJsonValue &c : m.value(QStringLiteral("changes")).toArray()) {
            const QJsonObject ch = c.toObject();
            body += QStringLiteral("<br/><span class=\"change\">%1 %2: %3</span>")
                        .arg(esc(ch.value(QStringLiteral("change")).toString()),
                             esc(when(ch.value(QStringLiteral("created_at")))),
                             multiline(ch.value(QStringLiteral("body")).toString()));
        }
        if (!m.value(QStringLiteral("revoked_at")).toString().isEmpty())
            body += QStringLiteral("<br/><span class=\"change\">Deleted by the sender %1; the text above is "
                                   "as first stored.</span>")
                        .arg(esc(when(m.value(QStringLiteral("revoked_at")))));
        h.raw(QStringLiteral("<p class=\"msg\">%1<br/>%2</p>").arg(head, body));
    }
}

} // namespace

QByteArray renderHere(const QJsonObject &record);

bool available(QString *why)
{
    QString problem;
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        problem = QStringLiteral("this process runs no QGuiApplication, which drawing a PDF needs");
    else if (QFontDatabase::families().isEmpty())
        // A PDF of empty boxes, signed, would be worse than none.
        problem = QStringLiteral("no font is installed (the package depends on fonts-dejavu-core)");
    if (why)
        *why = problem;
    return problem.isEmpty();
}

QByteArray render(const QJsonObject &record)
{
    // QTextDocument lays out with timers, which need a thread with Qt's event dispatcher: the server's
    // database threads are not Qt's, so the drawing runs on a QThread of its own, waited for.
    if (!QThread::currentThread()->eventDispatcher()) {
        QByteArray pdf;
        std::unique_ptr<QThread> thread(QThread::create([&] { pdf = renderHere(record); }));
        thread->start();
        thread->wait();
        return pdf;
    }
    return renderHere(record);
}

QByteArray renderHere(const QJsonObject &record)
{
    const QJsonObject ticket = record.value(QStringLiteral("ticket")).toObject();
    const QJsonObject lift = record.value(QStringLiteral("lift")).toObject();
    const QString reference = ticket.value(QStringLiteral("ticket_reference")).toString();
    Html h;
    h.raw(QStringLiteral("<h1>Incident report %1</h1>")
              .arg(esc(reference.isEmpty()
                           ? QStringLiteral("ticket %1").arg(str(ticket.value(QStringLiteral("id"))))
                           : reference)));
    const QJsonObject key = record.value(QStringLiteral("signing_key")).toObject();
    h.para(
        QStringLiteral("<span class=\"small\">Exported %1 by %2 from the Liftline compliance record. This "
                       "file is signed: its SHA-256 and Ed25519 signature travel beside it (.sha256, .sig), "
                       "made with the key %3; check them with <i>liftline-server verify-export</i> and the "
                       "public key.</span>")
            .arg(esc(when(record.value(QStringLiteral("exported_at")))),
                 esc(record.value(QStringLiteral("exported_by")).toString()),
                 esc(key.value(QStringLiteral("fingerprint")).toString())));

    h.heading(QStringLiteral("Ticket and lift"));
    h.facts({{QStringLiteral("Ticket"), str(ticket.value(QStringLiteral("id")))},
             {QStringLiteral("Reference"), reference},
             {QStringLiteral("Status"), ticket.value(QStringLiteral("status")).toString()},
             {QStringLiteral("Opened"), when(ticket.value(QStringLiteral("created_at")))},
             {QStringLiteral("Resolved"), when(ticket.value(QStringLiteral("resolved_at")))},
             {QStringLiteral("Emergency SMS"), ticket.value(QStringLiteral("sms_text")).toString()},
             {QStringLiteral("Resolution note"), ticket.value(QStringLiteral("resolution_note")).toString()},
             {QStringLiteral("Lift SIM"), lift.value(QStringLiteral("msisdn")).toString()},
             {QStringLiteral("Site"), lift.value(QStringLiteral("site_name")).toString()},
             {QStringLiteral("Building"), lift.value(QStringLiteral("building")).toString()}});

    QList<QStringList> technicians;
    for (const QJsonValue &v : record.value(QStringLiteral("technicians")).toArray()) {
        const QJsonObject t = v.toObject();
        technicians.append(
            {t.value(QStringLiteral("name")).toString(), t.value(QStringLiteral("number")).toString(),
             t.value(QStringLiteral("relation")).toString(),
             t.value(QStringLiteral("responded")).toBool() ? QStringLiteral("responded") : QString()});
    }
    h.heading(QStringLiteral("Technicians"));
    if (technicians.isEmpty())
        h.para(QStringLiteral("<i>None linked to the lift.</i>"));
    else
        h.table({QStringLiteral("Name"), QStringLiteral("Number"), QStringLiteral("Relation"), QString()},
                technicians);

    h.heading(QStringLiteral("Requests for an agent and the response"));
    const QJsonArray requests = record.value(QStringLiteral("requests")).toArray();
    if (requests.isEmpty())
        h.para(QStringLiteral("<i>No request for an agent was made on this ticket.</i>"));
    for (const QJsonValue &v : requests) {
        const QJsonObject r = v.toObject();
        const QJsonObject response = r.value(QStringLiteral("response")).toObject();
        h.facts({{QStringLiteral("Request"), str(r.value(QStringLiteral("id")))},
                 {QStringLiteral("Message received"), when(response.value(QStringLiteral("received_at")))},
                 {QStringLiteral("Requested"), when(r.value(QStringLiteral("requested_at")))},
                 {QStringLiteral("By"), r.value(QStringLiteral("from_number")).toString()},
                 {QStringLiteral("Text"), r.value(QStringLiteral("text")).toString()},
                 {QStringLiteral("Consoles alerted"), when(r.value(QStringLiteral("alerted_at")))},
                 {QStringLiteral("Time to alert"), seconds(response.value(QStringLiteral("time_to_alert")))},
                 {QStringLiteral("Acknowledged"), when(r.value(QStringLiteral("acknowledged_at")))},
                 {QStringLiteral("Acknowledged by"), r.value(QStringLiteral("acknowledged_by")).toString()},
                 {QStringLiteral("Time to acknowledge"),
                  seconds(response.value(QStringLiteral("time_to_acknowledge")))},
                 {QStringLiteral("First reply"), when(r.value(QStringLiteral("replied_at")))},
                 {QStringLiteral("Time to first reply"),
                  seconds(response.value(QStringLiteral("time_to_first_reply")))},
                 {QStringLiteral("Closed"), when(r.value(QStringLiteral("closed_at")))},
                 {QStringLiteral("Closed because"), r.value(QStringLiteral("closed_reason")).toString()},
                 {QStringLiteral("Repeated"), str(r.value(QStringLiteral("repeats")))}});
        QList<QStringList> steps;
        for (const QJsonValue &s : r.value(QStringLiteral("escalation_steps")).toArray()) {
            const QJsonObject st = s.toObject();
            steps.append(
                {str(st.value(QStringLiteral("step"))), st.value(QStringLiteral("action")).toString(),
                 str(st.value(QStringLiteral("level"))), when(st.value(QStringLiteral("due_at"))),
                 when(st.value(QStringLiteral("taken_at"))), str(st.value(QStringLiteral("recipients")))});
        }
        if (!steps.isEmpty())
            h.table({QStringLiteral("Step"), QStringLiteral("Action"), QStringLiteral("Level"),
                     QStringLiteral("Due"), QStringLiteral("Taken"), QStringLiteral("Reached")},
                    steps);
        QList<QStringList> callouts;
        for (const QJsonValue &c : r.value(QStringLiteral("callouts")).toArray()) {
            const QJsonObject co = c.toObject();
            callouts.append(
                {co.value(QStringLiteral("channel")).toString(), co.value(QStringLiteral("event")).toString(),
                 co.value(QStringLiteral("recipient")).toString(),
                 when(co.value(QStringLiteral("created_at"))), when(co.value(QStringLiteral("sent_at"))),
                 str(co.value(QStringLiteral("attempts"))),
                 co.value(QStringLiteral("last_error")).toString()});
        }
        if (!callouts.isEmpty())
            h.table({QStringLiteral("Call-out"), QStringLiteral("Event"), QStringLiteral("To"),
                     QStringLiteral("Queued"), QStringLiteral("Sent"), QStringLiteral("Attempts"),
                     QStringLiteral("Last error")},
                    callouts);
    }

    const QJsonArray cards = record.value(QStringLiteral("incident_card_versions")).toArray();
    h.heading(QStringLiteral("Incident card"));
    if (cards.isEmpty()) {
        h.para(QStringLiteral("<i>No incident card was filled in.</i>"));
    } else {
        const QJsonObject c = cards.last().toObject();
        h.facts({{QStringLiteral("People trapped"), str(c.value(QStringLiteral("people_trapped")))},
                 {QStringLiteral("Injuries"), c.value(QStringLiteral("injuries")).toString()},
                 {QStringLiteral("Position"), c.value(QStringLiteral("position")).toString()},
                 {QStringLiteral("Services called"), list(c.value(QStringLiteral("services")))},
                 {QStringLiteral("Released"), when(c.value(QStringLiteral("released_at")))},
                 {QStringLiteral("Notes"), c.value(QStringLiteral("notes")).toString()}});
        QList<QStringList> versions;
        for (const QJsonValue &v : cards) {
            const QJsonObject o = v.toObject();
            versions.append(
                {str(o.value(QStringLiteral("version"))), when(o.value(QStringLiteral("edited_at"))),
                 o.value(QStringLiteral("edited_by")).toString(),
                 str(o.value(QStringLiteral("people_trapped"))),
                 o.value(QStringLiteral("injuries")).toString(), when(o.value(QStringLiteral("released_at"))),
                 o.value(QStringLiteral("notes")).toString()});
        }
        h.table({QStringLiteral("Version"), QStringLiteral("Edited"), QStringLiteral("By"),
                 QStringLiteral("Trapped"), QStringLiteral("Injuries"), QStringLiteral("Released"),
                 QStringLiteral("Notes")},
                versions);
    }

    transcript(h, record.value(QStringLiteral("messages")).toArray());

    h.heading(QStringLiteral("Actions"));
    QList<QStringList> actions;
    for (const QJsonValue &v : record.value(QStringLiteral("actions")).toArray()) {
        const QJsonObject a = v.toObject();
        actions.append({when(a.value(QStringLiteral("at"))), a.value(QStringLiteral("actor_name")).toString(),
                        a.value(QStringLiteral("action")).toString(),
                        str(a.value(QStringLiteral("details"))).left(400)});
    }
    if (actions.isEmpty())
        h.para(QStringLiteral("<i>None recorded.</i>"));
    else
        h.table({QStringLiteral("When"), QStringLiteral("Who"), QStringLiteral("Action"),
                 QStringLiteral("Details")},
                actions);

    // Each change of the ticket's request, acknowledgement and resolution, and who wrote it.
    const QJsonArray ticketChanges = record.value(QStringLiteral("ticket_changes")).toArray();
    if (!ticketChanges.isEmpty()) {
        h.heading(QStringLiteral("Changes of the ticket"));
        QList<QStringList> rows;
        for (const QJsonValue &v : ticketChanges) {
            const QJsonObject c = v.toObject();
            QStringList what;
            const QJsonObject changes = c.value(QStringLiteral("changes")).toObject();
            for (auto it = changes.begin(); it != changes.end(); ++it) {
                const QJsonObject change = it.value().toObject();
                what << (change.contains(QStringLiteral("to"))
                             ? QStringLiteral("%1: %2 → %3")
                                   .arg(it.key(), str(change.value(QStringLiteral("from"))),
                                        str(change.value(QStringLiteral("to"))))
                             : QStringLiteral("%1: %2").arg(it.key(), str(it.value())));
            }
            rows.append({when(c.value(QStringLiteral("changed_at"))),
                         c.value(QStringLiteral("writer")).toString(),
                         what.join(QStringLiteral("; ")).left(600)});
        }
        h.table({QStringLiteral("When"), QStringLiteral("Written by"), QStringLiteral("Changed")}, rows);
    }

    const QJsonArray hostEvents = record.value(QStringLiteral("host_events")).toArray();
    if (!hostEvents.isEmpty()) {
        h.heading(QStringLiteral("Lift-alert system events"));
        QList<QStringList> rows;
        for (const QJsonValue &v : hostEvents) {
            const QJsonObject e = v.toObject();
            rows.append({when(e.value(QStringLiteral("created_at"))),
                         e.value(QStringLiteral("event_type")).toString(),
                         str(e.value(QStringLiteral("metadata"))).left(300)});
        }
        h.table({QStringLiteral("When"), QStringLiteral("Event"), QStringLiteral("Details")}, rows);
    }

    const QJsonArray removals = record.value(QStringLiteral("removals")).toArray();
    const QJsonArray holds = record.value(QStringLiteral("legal_holds")).toArray();
    if (!removals.isEmpty() || !holds.isEmpty()) {
        h.heading(QStringLiteral("Retention and legal holds"));
        for (const QJsonValue &v : removals) {
            const QJsonObject t = v.toObject();
            h.para(QStringLiteral("Transcript removed %1 by retention run %2: %3 entries of the audit chain, "
                                  "digest %4 (the chain's tombstone entry keeps it).")
                       .arg(esc(when(t.value(QStringLiteral("created_at")))),
                            str(t.value(QStringLiteral("run_id"))),
                            str(t.value(QStringLiteral("entry_count"))),
                            esc(t.value(QStringLiteral("entries_digest")).toString())));
        }
        for (const QJsonValue &v : holds) {
            const QJsonObject o = v.toObject();
            h.para(QStringLiteral("Legal hold %1 on the %2, set %3 by %4: %5%6")
                       .arg(str(o.value(QStringLiteral("id"))),
                            esc(o.value(QStringLiteral("scope")).toString()),
                            esc(when(o.value(QStringLiteral("set_at")))),
                            esc(o.value(QStringLiteral("set_by")).toString()),
                            esc(o.value(QStringLiteral("reason")).toString()),
                            o.value(QStringLiteral("released_at")).toString().isEmpty()
                                ? QString()
                                : esc(QStringLiteral(" (released %1)")
                                          .arg(when(o.value(QStringLiteral("released_at")))))));
        }
    }

    const QJsonObject chain = record.value(QStringLiteral("audit_chain")).toObject();
    const QJsonObject head = chain.value(QStringLiteral("head")).toObject();
    const QJsonArray entries = chain.value(QStringLiteral("entries")).toArray();
    h.heading(QStringLiteral("Audit chain"));
    h.para(
        QStringLiteral(
            "The record above is covered by %1 entries of the audit chain%2. The chain's head when "
            "this file was made: entry %3, hash <span class=\"mono\">%4</span>. "
            "<i>liftline-server verify</i> on the database checks every entry against the rows; "
            "the JSON export lists each entry.")
            .arg(entries.size())
            .arg(entries.isEmpty() ? QString()
                                   : QStringLiteral(" (numbers %1 to %2)")
                                         .arg(str(entries.first().toObject().value(QStringLiteral("seq"))),
                                              str(entries.last().toObject().value(QStringLiteral("seq")))))
            .arg(str(head.value(QStringLiteral("seq"))), esc(head.value(QStringLiteral("hash")).toString())));

    QTextDocument doc;
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPointSizeF(8.5);
    doc.setDefaultFont(font);
    doc.setDefaultStyleSheet(
        QStringLiteral("h1 { font-size: 16pt; } h2 { font-size: 11pt; margin-top: 16px; } "
                       "table.grid { border-collapse: collapse; } table.grid th { background-color: #e8e8e8; "
                       "text-align: left; } "
                       "table.grid td, table.grid th { border: 1px solid #999999; } td.label { color: "
                       "#444444; padding-right: 8px; } "
                       ".small { font-size: 7.5pt; color: #444444; } .change { color: #7a3b00; } .mono { "
                       "font-family: 'DejaVu Sans "
                       "Mono'; } p.msg { margin-top: 2px; margin-bottom: 4px; }"));
    doc.setHtml(QStringLiteral("<html><body>%1</body></html>").arg(h.text()));
    doc.setMetaInformation(QTextDocument::DocumentTitle, QStringLiteral("Incident report %1").arg(reference));

    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                         QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter));
        writer.setResolution(300);
        writer.setTitle(QStringLiteral("Incident report %1").arg(reference));
        writer.setCreator(QStringLiteral("Liftline"));
        doc.print(&writer);
    }
    return buffer.data();
}

} // namespace IncidentPdf
