#pragma once

#include <QString>

class Db;

// The demo the README's first command shows: the demo registry, a few open tickets (one where the
// technician has asked for an agent), and a 'demo' agent whose new one-time password is returned.
namespace Demo {
QString load(Db &db, const QString &passwordHash, const QString &password);
}
