#pragma once

#include <QByteArray>

// Prometheus's text format for /metrics, written one way: a family's HELP and TYPE lines, then its
// samples (https://prometheus.io/docs/instrumenting/exposition_formats/).
namespace Prometheus {

enum class Type { Gauge, Counter };

// "# HELP name help" and "# TYPE name gauge|counter".
inline QByteArray family(const char *name, Type type, const char *help)
{
    return QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name +
           (type == Type::Gauge ? " gauge\n" : " counter\n");
}

// One sample; labels as written, with their braces ("{state=\"live\"}"), or empty.
inline QByteArray sample(const char *name, const QByteArray &labels, const QByteArray &value)
{
    return QByteArray(name) + labels + ' ' + value + '\n';
}
inline QByteArray sample(const char *name, const QByteArray &labels, qint64 value)
{
    return sample(name, labels, QByteArray::number(value));
}

// A family with one unlabelled sample.
inline QByteArray metric(const char *name, Type type, const char *help, qint64 value)
{
    return family(name, type, help) + sample(name, {}, value);
}

} // namespace Prometheus
