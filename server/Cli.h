#pragma once

#include <QStringList>

class QCommandLineParser;
struct Config;

// The operator's subcommands: migrate, agent ..., import-registry, ticket open, backup, restore.
// Each returns the process exit code: 0 done, 1 refused or failed (with a message on stderr), 2 misuse.
namespace Cli {

bool isSubcommand(const QString &word);
int run(const QStringList &positional, const QCommandLineParser &parser, const Config &config);
QString help();

} // namespace Cli
