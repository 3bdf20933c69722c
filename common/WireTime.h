#pragma once

#include <QDateTime>
#include <QString>

// Times on the wire are UTC, ISO 8601 with milliseconds and 'Z' ("2026-11-23T20:01:35.123Z").
namespace WireTime {

QString format(const QDateTime &time);
// Accepts the wire form and other ISO 8601 forms with an offset; invalid QDateTime when unparsable.
QDateTime parse(const QString &text);

} // namespace WireTime
