#pragma once

#include <QByteArray>

class ApiContext;
class HttpServer;

// The files messages carry, served to consoles with their credentials (GET /api/chat/media/{id}, with
// single byte ranges for audio and video, an ETag from the content's SHA-256, and never to be sniffed or
// run by a browser), and the whole record of a message for admins: the text first stored, every edit, the
// deletion and the reactions (GET /api/chat/messages/{id}/history).
namespace MediaRoutes {

void install(HttpServer &server, ApiContext &context);

enum class Range { Whole, Partial, Unsatisfiable };
// A Range header ("bytes=0-99", "bytes=100-", "bytes=-100") against a file of `size` bytes. Anything else
// (several ranges, another unit, nonsense) is served whole, as RFC 9110 allows.
Range parseRange(const QByteArray &header, qint64 size, qint64 *first, qint64 *last);

} // namespace MediaRoutes
