#include "ApiFields.h"

namespace ApiFields {

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

const QStringList conversation = sorted({QStringLiteral("id"),
                                         QStringLiteral("lift_id"),
                                         QStringLiteral("status"),
                                         QStringLiteral("ticket_reference"),
                                         QStringLiteral("agent_requested"),
                                         QStringLiteral("agent_requested_at"),
                                         QStringLiteral("acknowledged_at"),
                                         QStringLiteral("acknowledged_by"),
                                         QStringLiteral("agent_replied_at"),
                                         QStringLiteral("responded_by"),
                                         QStringLiteral("created_at"),
                                         QStringLiteral("resolved_at"),
                                         QStringLiteral("site_name"),
                                         QStringLiteral("building"),
                                         QStringLiteral("lift_msisdn"),
                                         QStringLiteral("lift_name"),
                                         QStringLiteral("lift_technicians"),
                                         QStringLiteral("contact_name"),
                                         QStringLiteral("contact_phone"),
                                         QStringLiteral("message_count"),
                                         QStringLiteral("unread_count"),
                                         QStringLiteral("last_message_at"),
                                         QStringLiteral("last_message_preview"),
                                         QStringLiteral("window_expires_at")});

const QStringList message = sorted({QStringLiteral("id"),
                                    QStringLiteral("ticket_id"),
                                    QStringLiteral("from_number"),
                                    QStringLiteral("to_number"),
                                    QStringLiteral("message"),
                                    QStringLiteral("direction"),
                                    QStringLiteral("agent_name"),
                                    QStringLiteral("read_by_agent"),
                                    QStringLiteral("created_at"),
                                    QStringLiteral("wa_timestamp"),
                                    QStringLiteral("kind"),
                                    QStringLiteral("status"),
                                    QStringLiteral("wa_message_id"),
                                    QStringLiteral("error"),
                                    QStringLiteral("client_message_id"),
                                    QStringLiteral("automatic"),
                                    QStringLiteral("edited_at"),
                                    QStringLiteral("edits"),
                                    QStringLiteral("revoked_at"),
                                    QStringLiteral("reactions"),
                                    QStringLiteral("media"),
                                    QStringLiteral("location"),
                                    QStringLiteral("contacts")});

} // namespace ApiFields
