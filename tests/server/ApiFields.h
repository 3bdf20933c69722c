#pragma once

#include <QJsonObject>
#include <QStringList>

// The field names API.md fixes, sorted, to compare with an object's keys (QJsonObject::keys() is sorted).
namespace ApiFields {

QStringList sorted(QStringList list);
inline QStringList keysOf(const QJsonObject &object)
{
    return object.keys();
}

// A conversation, in the list and everywhere else.
extern const QStringList conversation;
// A message of a thread.
extern const QStringList message;

} // namespace ApiFields
