// The API's request bodies and arguments as the handlers read them: the JSON body and its fields, a
// ticket id from the path, a phone number, and the client address behind a proxy. Anything wrong must
// come out as an ApiError (a 4xx with words), never a crash.
#include "PhoneNumber.h"
#include "base/TrustedProxies.h"
#include "http/ApiContext.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    const QByteArray data(reinterpret_cast<const char *>(bytes), qsizetype(size));
    HttpRequest request;
    request.body = data;
    request.headers.insert("content-type", "application/json");
    request.pathArgs.insert(QStringLiteral("ticketId"), QString::fromUtf8(data.left(24)));
    try {
        const QJsonObject body = ApiContext::jsonBody(request, true);
        for (const char *field : {"message", "note", "client_message_id", "username", "password"})
            (void)ApiContext::stringField(body, QLatin1String(field));
    } catch (const ApiError &e) {
        if (e.status < 400 || e.status > 499 || e.message.isEmpty())
            __builtin_trap();
    }
    try {
        (void)ApiContext::ticketId(request);
    } catch (const ApiError &e) {
        if (e.status != 400)
            __builtin_trap();
    }
    (void)PhoneNumber::normalise(QString::fromUtf8(data));
    static const TrustedProxies proxies = [] {
        TrustedProxies p;
        QString error;
        TrustedProxies::parse(QStringLiteral("127.0.0.1, ::1, 10.0.0.0/8"), &p, &error);
        return p;
    }();
    (void)proxies.clientAddress(QHostAddress(QHostAddress::LocalHost), data);
    return 0;
}
