#include "WebhookBody.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>

namespace WebhookBody {

QByteArray signature(const QByteArray &body, const QByteArray &secret)
{
    return "sha256=" + QMessageAuthenticationCode::hash(body, secret, QCryptographicHash::Sha256).toHex();
}

QByteArray envelope(const QString &entryId, const QJsonObject &value)
{
    const QJsonObject change{{QStringLiteral("field"), QStringLiteral("messages")},
                             {QStringLiteral("value"), value}};
    const QJsonObject entry{{QStringLiteral("id"), entryId}, {QStringLiteral("changes"), QJsonArray{change}}};
    return QJsonDocument(QJsonObject{{QStringLiteral("object"), QStringLiteral("whatsapp_business_account")},
                                     {QStringLiteral("entry"), QJsonArray{entry}}})
        .toJson(QJsonDocument::Compact);
}

} // namespace WebhookBody
